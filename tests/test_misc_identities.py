"""Identities the tutorials state for the shrink, periodic and miscellaneous activations.

softshrink(x) + clip(x, -l, l) = x, hardshrink(x) = x [|x| > l], softsign in (-1, 1) with the limits
+-1, tanhshrink = x - tanh(x) away from the cancellation, snake = x + sin^2(a x)/a away from the zeros
of its derivative; plus the plain formulas of gaussian, lisht, bent_identity, squared_relu, sinusoid.
Property-based (hypothesis) where the statement is "for all x".
"""
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actlab

LAMBDS = st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.5])
F64 = st.floats(allow_nan=False, allow_infinity=False)
F32 = st.floats(allow_nan=False, allow_infinity=False, width=32)
SETTINGS = settings(max_examples=300, deadline=None)


def _ulp(v: float) -> Fraction:
    """Unit in the last place of the double ``v`` (subnormal spacing below the normal range)."""
    return Fraction(2) ** (max(math.frexp(v)[1], -1021) - 53)


# ----------------------------------------------------------------------------- shrink
@SETTINGS
@given(x=st.floats(-1e6, 1e6, width=32), lambd=LAMBDS)
def test_softshrink_plus_clip_is_identity_exactly_in_float32(x, lambd):
    # |x| < 2^24 and lambd a multiple of ulp(x)... here x - lambd is exact, so the identity is exact
    x = np.float32(x)
    s = actlab.get("softshrink", lambd=lambd)(x)
    assert s.dtype == np.float32
    assert s + np.clip(x, np.float32(-lambd), np.float32(lambd)) == x


@SETTINGS
@given(x=F64, lambd=st.floats(0.0, 1e300))
def test_softshrink_is_x_minus_clip_correctly_rounded(x, lambd):
    s = float(actlab.get("softshrink", lambd=lambd)(np.float64(x)))
    exact = Fraction(x) - Fraction(min(max(x, -lambd), lambd))
    # one rounding of the exact difference (the extended working precision adds < 2^-11 ULP)
    assert abs(Fraction(s) - exact) <= _ulp(s) / 2 * Fraction(1025, 1024)
    if abs(x) <= lambd:
        assert s == 0.0


@SETTINGS
@given(x=F32, lambd=LAMBDS)
def test_hardshrink_is_x_times_indicator(x, lambd):
    for dtype in (np.float16, np.float32, np.float64):
        with np.errstate(over="ignore"):
            xd = np.asarray(x, dtype=dtype)
        if not np.isfinite(xd):
            continue
        got = actlab.get("hardshrink", lambd=lambd)(xd)
        assert got.dtype == dtype
        assert got == xd * dtype(abs(float(xd)) > lambd)


@pytest.mark.parametrize("name", ["softshrink", "hardshrink"])
def test_shrink_derivative_convention_and_nan(name):
    f = actlab.get(name, lambd=0.5)
    x = np.array([-0.5, 0.5, -0.75, 0.75, 0.25, 0.0, np.nan, np.inf, -np.inf])
    np.testing.assert_array_equal(f.derivative(x), [0, 0, 1, 1, 0, 0, np.nan, 1, 1])
    np.testing.assert_array_equal(f.second_derivative(x), [0, 0, 0, 0, 0, 0, np.nan, 0, 0])
    assert np.isnan(f(np.nan))


# ----------------------------------------------------------------------------- softsign
@SETTINGS
@given(x=F64)
def test_softsign_is_bounded_odd_and_increasing(x):
    f = actlab.get("softsign")
    y = float(f(x))
    assert -1.0 <= y <= 1.0
    if abs(x) < 2.0 ** 52:                  # below this 1 - 1/(1+|x|) is representable
        assert -1.0 < y < 1.0
    assert float(f(-x)) == -y
    assert np.sign(y) == np.sign(x)
    with np.errstate(over="ignore"):
        assert float(f(np.nextafter(x, np.inf))) >= y


def test_softsign_limits_and_derivatives_at_infinity():
    f = actlab.get("softsign")
    for dtype in (np.float16, np.float32, np.float64):
        x = np.array([-np.inf, np.inf], dtype)
        np.testing.assert_array_equal(f(x), [-1, 1])
        np.testing.assert_array_equal(f.derivative(x), [0, 0])
        np.testing.assert_array_equal(f.second_derivative(x), [0, 0])


# ----------------------------------------------------------------------------- tanhshrink
@SETTINGS
@given(x=st.floats(1.0, 1e10) | st.floats(-1e10, -1.0))
def test_tanhshrink_is_x_minus_tanh_where_that_does_not_cancel(x):
    got = actlab.get("tanhshrink")(np.float64(x))
    naive = np.float64(x) - np.tanh(np.float64(x))
    np.testing.assert_array_max_ulp(got, naive, maxulp=4)


def test_tanhshrink_keeps_relative_accuracy_where_x_minus_tanh_cancels():
    f = actlab.get("tanhshrink")
    x = np.array([1e-3, 1e-8, 1e-30, 1e-100])
    np.testing.assert_allclose(f(x), x ** 3 / 3 - 2 * x ** 5 / 15 + 17 * x ** 7 / 315, rtol=1e-15)
    assert np.all(np.float64(1e-8) - np.tanh(np.float64(1e-8)) != f(np.float64(1e-8)))   # naive is wrong


# ----------------------------------------------------------------------------- snake
ALPHAS = st.sampled_from([0.3, 1.0, 1.7, 5.0])


@SETTINGS
@given(x=st.floats(-100, 100), alpha=ALPHAS)
def test_snake_matches_its_formula(x, alpha):
    f = actlab.get("snake", alpha=alpha)
    x = np.float64(x)
    np.testing.assert_allclose(f(x), x + np.sin(alpha * x) ** 2 / alpha, rtol=1e-14, atol=1e-300)


@SETTINGS
@given(x=st.floats(-100, 100), alpha=ALPHAS)
def test_snake_derivatives_match_their_formulas_away_from_zeros(x, alpha):
    f = actlab.get("snake", alpha=alpha)
    x = np.float64(x)
    slack = 4e-16 * abs(2 * alpha * x)   # the naive formula rounds 2 alpha x before sin/cos
    d1 = 1 + np.sin(2 * alpha * x)
    if d1 > 0.1:                      # away from the double zeros at alpha x = -pi/4 + k pi
        np.testing.assert_allclose(f.derivative(x), d1, rtol=1e-14, atol=slack)
    d2 = 2 * alpha * np.cos(2 * alpha * x)
    if abs(d2) > 0.1 * alpha:
        np.testing.assert_allclose(f.second_derivative(x), d2, rtol=1e-14, atol=2 * alpha * slack)


def test_snake_derivative_has_relative_accuracy_at_its_double_zeros():
    import mpmath
    f = actlab.get("snake")
    root = -np.pi / 4                  # the double nearest the zero of 1 + sin(2x)
    xs = root + np.arange(-3, 4) * np.spacing(root)
    got = f.derivative(xs)
    with mpmath.workprec(300):
        want = [float(1 + mpmath.sin(2 * mpmath.mpf(float(x)))) for x in xs]
    np.testing.assert_allclose(got, want, rtol=4e-16)
    assert np.all(got > 0)


@pytest.mark.parametrize("alpha", [0.3, 1.0, 1.7])
def test_snake_alpha_gradient_agrees_with_finite_differences(alpha):
    x = np.linspace(-5, 5, 101)
    h = 1e-6
    fd = (actlab.get("snake", alpha=alpha + h)(x) - actlab.get("snake", alpha=alpha - h)(x)) / (2 * h)
    got = actlab.get("snake", alpha=alpha).param_derivative(x)["alpha"]
    np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-7)


def test_snake_limits_and_no_limit_of_derivatives():
    f = actlab.get("snake", alpha=1.7)
    x = np.array([-np.inf, np.inf, np.nan])
    np.testing.assert_array_equal(f(x), [-np.inf, np.inf, np.nan])
    assert np.isnan(f.derivative(x)).all() and np.isnan(f.second_derivative(x)).all()


# ----------------------------------------------------------------------------- plain formulas
FORMULAS = {
    "gaussian": lambda x: np.exp(-x * x),
    "lisht": lambda x: x * np.tanh(x),
    "bent_identity": lambda x: (np.sqrt(x * x + 1) - 1) / 2 + x,
    "squared_relu": lambda x: np.maximum(x, 0) ** 2,
    "sinusoid": np.sin,
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
@SETTINGS
@given(x=st.floats(-20, 20))
def test_formula_in_the_benign_range(name, x):
    got = actlab.get(name)(np.float64(x))
    np.testing.assert_allclose(got, FORMULAS[name](np.float64(x)), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("alias,name", [("soft_sign", "softsign"), ("tanh_shrink", "tanhshrink"),
                                        ("sin", "sinusoid"), ("sine", "sinusoid"),
                                        ("relu_squared", "squared_relu")])
def test_aliases(alias, name):
    assert actlab.get(alias).spec is actlab.get(name).spec
