"""Identities and properties of the self-gated activations (silu/swish, mish, hardswish).

The registry-driven tests check each function against mpmath; these check the relations the tutorials
state (mish = x tanh(softplus x), swish-1 = x sigmoid(x), hardswish = x hard_sigmoid(x), swish -> relu
as beta grows), the exact beta-scaling of Swish, accuracy next to the roots of the derivatives for
slopes beta whose product beta*x is not exact, and derivatives against central differences.
"""
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actlab

EPS = np.finfo(np.float64).eps
GRID = np.unique(np.concatenate([np.linspace(-50.0, 50.0, 20001),
                                 np.random.default_rng(7).standard_normal(2000) * 4.0,
                                 [0.0, -0.0, 1e-300, -1e-300, 5e-324, -5e-324]]))


def ulps(a, b):
    """|a - b| in units of the spacing of b (of the smallest normal where b is subnormal or 0)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    unit = np.spacing(np.maximum(np.abs(b), np.finfo(np.float64).tiny))
    return np.abs(a - b) / unit


def test_mish_is_x_tanh_softplus():
    x = GRID
    naive = x * np.tanh(np.logaddexp(0.0, x))     # each step accurate to ~1 ULP here; no cancellation
    assert ulps(actlab.get("mish")(x), naive).max() <= 4


def test_mish_derivative_is_sech2_softplus_formula():
    x = np.linspace(-30.0, 30.0, 6001)
    sp, sig = np.logaddexp(0.0, x), np.exp(-np.logaddexp(0.0, -x))
    naive = np.tanh(sp) + x * sig / np.cosh(sp) ** 2
    np.testing.assert_allclose(actlab.get("mish").derivative(x), naive, rtol=1e-12, atol=0)


def test_swish1_is_x_sigmoid_x():
    x = GRID
    sigmoid = actlab.get("sigmoid")
    for f in (actlab.get("silu"), actlab.get("swish"), actlab.get("swish1"), actlab.get("silu", beta=1.0)):
        assert ulps(f(x), x * sigmoid(x)).max() <= 2
    assert actlab.get("swish1") == actlab.get("silu", beta=1.0)
    with pytest.raises(ValueError):
        actlab.get("swish1", beta=2.0)        # the variant fixes beta


@pytest.mark.parametrize("beta", [20.0, 100.0, 1e4])
def test_swish_tends_to_relu_as_beta_grows(beta):
    x = GRID[np.abs(GRID) > 1]
    f = actlab.get("silu", beta=beta)
    relu = np.maximum(x, 0.0)
    # |x sigma(beta x) - relu(x)| = |x| sigma(-beta |x|) <= |x| exp(-beta |x|)
    assert np.all(np.abs(f(x) - relu) <= np.abs(x) * (np.exp(-beta * np.abs(x)) + EPS))   # + rounding
    # |f'(x) - [x > 0]| is about beta|x| exp(-beta|x|) <= beta exp(-beta) for |x| >= 1
    np.testing.assert_allclose(f.derivative(x), (x > 0).astype(float), atol=2 * beta * np.exp(-beta))
    gaps = [np.max(np.abs(actlab.get("silu", beta=b)(x) - relu)) for b in (1.0, 2.0, 5.0, beta)]
    assert gaps == sorted(gaps, reverse=True)


def test_swish_beta_zero_is_half_identity():
    f = actlab.get("silu", beta=0.0)
    x = np.array([-np.inf, -3.0, 0.0, 2.5, np.inf, np.nan])
    np.testing.assert_array_equal(f(x), x / 2)
    np.testing.assert_array_equal(f.derivative(x)[:-1], 0.5)
    np.testing.assert_array_equal(f.second_derivative(x)[:-1], 0.0)
    assert np.isnan(f.derivative(x)[-1]) and np.isnan(f.second_derivative(x)[-1])


@pytest.mark.parametrize("beta", [5e-324, 1e-300, 1e-30, 1e30, 1e300, 1.7976931348623157e308])
def test_swish_extreme_beta_keeps_limits_and_raises_nothing(beta):
    from actlab.core.numerics import widen
    f = actlab.get("silu", beta=beta)
    for dtype in (np.float16, np.float32, np.float64):
        info = np.finfo(dtype)
        x = np.array([-np.inf, np.inf, 0.0, 1.0, -1.0, info.max, -info.max, info.tiny, -info.tiny], dtype)
        for kernel in (f.spec.fn, f.spec.derivative, f.spec.second_derivative):
            with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                kernel(widen(x), beta=beta)
        y, dy, d2y = f(x), f.derivative(x), f.second_derivative(x)
        assert y[0] == 0 and y[1] == np.inf and dy[0] == 0 and dy[1] == 1 and d2y[0] == 0 and d2y[1] == 0
        assert not np.isnan(y).any() and not np.isnan(dy).any() and not np.isnan(d2y).any()
        assert y[2] == 0 and dy[2] == 0.5


@pytest.mark.parametrize("beta", [0.25, 2.0, 8.0])
def test_swish_beta_scaling_is_exact_for_powers_of_two(beta):
    """f_beta(x) = f_1(beta x)/beta, f'_beta(x) = f'_1(beta x), f''_beta(x) = beta f''_1(beta x):
    scaling by a power of two commutes with rounding, so these hold bit for bit (near roots too)."""
    x = np.concatenate([np.linspace(-40.0, 40.0, 8001), -1.2784645427610737 / beta + np.arange(-5, 6) * 1e-16,
                        2.3993572805154675 / beta + np.arange(-5, 6) * 1e-16])
    f, g = actlab.get("silu", beta=beta), actlab.get("silu")
    np.testing.assert_array_equal(f(x), g(beta * x) / beta)
    np.testing.assert_array_equal(f.derivative(x), g.derivative(beta * x))
    np.testing.assert_array_equal(f.second_derivative(x), beta * g.second_derivative(beta * x))


def test_hardswish_is_x_hard_sigmoid():
    x = np.concatenate([GRID, np.nextafter(-3.0, [-4.0, 0.0]), np.nextafter(3.0, [0.0, 4.0]), [-3.0, 3.0, -1.5]])
    hard_sigmoid = np.clip(x / 6 + 0.5, 0.0, 1.0)   # x/6 + 1/2 rounds twice: compare absolutely
    got = actlab.get("hardswish")(x)
    assert np.all(np.abs(got - x * hard_sigmoid) <= 4 * EPS * np.maximum(1.0, np.abs(x)))
    for alias in ("hard_swish", "hard_silu", "Hard-Swish"):
        np.testing.assert_array_equal(actlab.get(alias)(x), got)


def test_hardswish_is_correctly_rounded_near_its_zeros():
    """Exact rational arithmetic: within half an ULP (+ double rounding) near x = -3, 0 and everywhere."""
    pts = [np.nextafter(-3.0, np.inf)]
    for _ in range(40):
        pts.append(np.nextafter(pts[-1], np.inf))
    pts += [-2.9999, -1.5, -1e-300, 5e-324, 1e-8, 0.1, 1.0 / 3, 2.9999999999999996]
    pts += list(np.random.default_rng(3).uniform(-3, 3, 300))
    x = np.array(pts)
    got = actlab.get("hardswish")(x)
    for xi, gi in zip(x.tolist(), got.tolist()):
        exact = Fraction(xi) * (Fraction(xi) + 3) / 6
        assert abs(Fraction(gi) - exact) <= Fraction(np.spacing(abs(gi) or 5e-324)) * Fraction(51, 100), xi


def test_hardswish_kink_conventions_follow_pytorch():
    f = actlab.get("hardswish")
    x = np.array([-3.0, 3.0, -1.5, np.nextafter(-3.0, 0.0), np.nextafter(3.0, 0.0)])
    d = f.derivative(x)
    assert d[0] == 0.0 and d[1] == 1.0 and d[2] == 0.0
    assert d[3] == pytest.approx(-0.5) and d[4] == pytest.approx(1.5)
    np.testing.assert_array_equal(f.second_derivative(x), [0.0, 0.0, 1 / 3, 1 / 3, 1 / 3])


def _mp_relative_error(f_value, mp_value):
    return float(abs((mpmath.mpf(float(f_value)) - mp_value) / mp_value))


@pytest.mark.parametrize("name,params,order,u_root", [
    ("silu", {"beta": 1.702}, 1, "-1.2784645427610737951093587390"),
    ("silu", {"beta": 0.3}, 1, "-1.2784645427610737951093587390"),
    ("silu", {"beta": 7.77}, 2, "2.3993572805154676678327396973"),
    ("silu", {"beta": 1.702}, 2, "-2.3993572805154676678327396973"),
    ("mish", {}, 1, "-1.1924312145154952121375883404"),
    ("mish", {}, 2, "-2.2563763963607931200057485440"),
    ("mish", {}, 2, "1.4905711794854284592944189082"),
])
def test_relative_accuracy_one_ulp_from_roots(name, params, order, u_root):
    """Next to a root of f' or f'' the value is tiny and the closed forms cancel; for swish with a beta
    whose product beta*x is inexact, the rounding of beta*x alone would cost ~2**40 ULP there."""
    beta = params.get("beta", 1.0)
    f = actlab.get(name, **params)
    evaluate = (f, f.derivative, f.second_derivative)[order]
    mp_func = f.spec.mp_derivative if order == 1 else f.spec.mp_second_derivative
    with mpmath.workprec(300):
        root = float(mpmath.mpf(u_root) / beta)
        # the series switch is at |beta x - root| = 1/16: probe both sides of it too
        offsets = np.array([-1e-9, 1e-9, -1e-5, 1e-5, -0.06, 0.06, -0.065, 0.065]) / beta
        for dtype in (np.float64, np.float32):
            near = [dtype(root)]
            below = above = dtype(root)
            for _ in range(4):
                below, above = np.nextafter(below, dtype(-np.inf)), np.nextafter(above, dtype(np.inf))
                near += [below, above]
            xd = np.unique(np.concatenate([np.array(near, dtype), (root + offsets).astype(dtype)]))
            got = evaluate(xd)
            bound = 2 * np.finfo(dtype).eps
            for xi, gi in zip(xd.tolist(), got.tolist()):
                want = mp_func(mpmath.mp, mpmath.mpf(xi), **params)
                assert _mp_relative_error(gi, want) <= bound, (dtype, xi, gi, want)


FINITE = st.floats(min_value=-20.0, max_value=20.0, allow_nan=False)


def _central(f, x, h):
    return (f(np.array([x + h])) - f(np.array([x - h])))[0] / (2 * h)


@settings(max_examples=150, deadline=None)
@given(x=FINITE, beta=st.sampled_from([1.0, 0.5, 1.702, 3.3]))
def test_silu_derivatives_match_central_differences(x, beta):
    f = actlab.get("silu", beta=beta)
    h = 1e-5
    for lower, upper in ((f, f.derivative), (f.derivative, f.second_derivative)):
        want = _central(lower, x, h)
        assert abs(upper(np.array([x]))[0] - want) <= 1e-7 * max(1.0, abs(want)) + 1e-9


@settings(max_examples=150, deadline=None)
@given(x=FINITE)
def test_mish_derivatives_match_central_differences(x):
    f = actlab.get("mish")
    h = 1e-5
    for lower, upper in ((f, f.derivative), (f.derivative, f.second_derivative)):
        want = _central(lower, x, h)
        assert abs(upper(np.array([x]))[0] - want) <= 1e-7 * max(1.0, abs(want)) + 1e-9


@settings(max_examples=150, deadline=None)
@given(x=FINITE.filter(lambda v: min(abs(v - 3.0), abs(v + 3.0)) > 1e-3))
def test_hardswish_derivatives_match_central_differences_away_from_kinks(x):
    f = actlab.get("hardswish")
    h = 1e-5
    for lower, upper in ((f, f.derivative), (f.derivative, f.second_derivative)):
        want = _central(lower, x, h)
        assert abs(upper(np.array([x]))[0] - want) <= 1e-7 * max(1.0, abs(want)) + 1e-9
