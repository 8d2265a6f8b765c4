"""Identities within the softplus / ELU / sparse families (softplus, log_sigmoid, squareplus, sparse_plus,
sparse_sigmoid, selu, celu, hard_sigmoid, exponential).

Both sides of each identity are computed by actlab (correctly rounded almost everywhere), so most
identities hold bit for bit or to 1 ULP in float64; where one side is assembled in float64 from rounded
operands (selu = scale * elu) the bound is a few ULP.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actlab

MAX = float(np.finfo(np.float64).max)
SPECIAL = np.array([0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308,
                    1e-300, -1e-300, 1e-20, -1e-20, 1.0, -1.0, 20.0, -20.0, 36.0, -36.0, 700.0, -700.0,
                    745.0, -745.0, 1e5, -1e5, 1e300, -1e300, MAX, -MAX])
GRID = np.concatenate([SPECIAL, np.linspace(-60, 60, 24001), np.geomspace(1e-300, 1e300, 3001),
                       -np.geomspace(1e-300, 1e300, 3001), np.nextafter(1.0, [0.0, 2.0]),
                       np.nextafter(-1.0, [-2.0, 0.0])])
WITH_NONFINITE = np.concatenate([GRID, [np.inf, -np.inf, np.nan]])
FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=64)


def ulps(a, b):
    """|a - b| in ULPs of b (of the smallest normal number where b is 0 or subnormal)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    finite = np.isfinite(a) & np.isfinite(b)
    a, b = np.where(finite, a, 0.0), np.where(finite, b, 1.0)
    scale = np.spacing(np.minimum(np.maximum(np.abs(b), np.finfo(np.float64).tiny), MAX / 2))
    return np.where(same, 0.0, np.where(finite, np.abs(a - b) / scale, np.inf))


def assert_same_function(f, g, x, orders=(0, 1, 2)):
    """f and g agree bit for bit (value and the given derivatives; NaN where the other is NaN)."""
    for order in orders:
        method = ("__call__", "derivative", "second_derivative")[order]
        np.testing.assert_array_equal(getattr(f, method)(x), getattr(g, method)(x),
                                      err_msg=f"{f!r} vs {g!r}: {method}")


# ---------------------------------------------------------------- softplus and sigmoid
def test_softplus_derivative_is_sigmoid():
    sp, sig = actlab.get("softplus"), actlab.get("sigmoid")
    assert ulps(sp.derivative(WITH_NONFINITE), sig(WITH_NONFINITE)).max() <= 1
    assert ulps(sp.second_derivative(WITH_NONFINITE), sig.derivative(WITH_NONFINITE)).max() <= 1
    x32 = GRID[np.abs(GRID) < 1e38].astype(np.float32)
    assert np.array_equal(sp.derivative(x32), sig(x32))


@pytest.mark.parametrize("beta", [0.25, 2.0, 8.0])
def test_softplus_beta_derivative_is_scaled_sigmoid(beta):
    """softplus_beta'(x) = sigma(beta x); beta a power of 2 keeps beta x exact."""
    x = GRID[np.abs(GRID) < 1e300]
    sp, sig = actlab.get("softplus", beta=beta), actlab.get("sigmoid")
    assert ulps(sp.derivative(x), sig(beta * x)).max() <= 1
    assert ulps(sp.second_derivative(x), beta * sig.derivative(beta * x)).max() <= 1


@settings(max_examples=300, deadline=None)
@given(FLOATS)
def test_softplus_derivative_is_sigmoid_property(x):
    assert ulps(actlab.get("softplus").derivative(x), actlab.get("sigmoid")(x)) <= 1


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e300, max_value=1e300, allow_nan=False))
def test_softplus_minus_mirror_is_identity(x):
    """softplus(x) - softplus(-x) = x: the difference of two correctly rounded values."""
    sp = actlab.get("softplus")
    a, b = float(sp(x)), float(sp(-x))
    assert abs((a - b) - x) <= 2 * np.spacing(max(a, b))


def test_softplus_tends_to_relu_as_beta_grows():
    x = np.linspace(-5, 5, 10001)
    relu = actlab.get("relu")(x)
    gaps = []
    for beta in (1.0, 10.0, 100.0, 1e4, 1e8):
        sp = actlab.get("softplus", beta=beta)
        gap = np.max(sp(x) - relu)
        assert 0 <= gap <= math.log(2.0) / beta * (1 + 1e-15)   # the largest gap is at 0
        assert sp(0.0) == pytest.approx(math.log(2.0) / beta, rel=1e-15)
        gaps.append(gap)
    assert gaps == sorted(gaps, reverse=True)
    sharp = actlab.get("softplus", beta=1e6)
    far = np.abs(x) >= 1e-3          # e^{-1000}/1e6: below every ULP
    np.testing.assert_array_equal(sharp(x[far]), relu[far])
    np.testing.assert_array_equal(sharp.derivative(x[far]), (x[far] > 0).astype(float))


# ---------------------------------------------------------------- log_sigmoid
def test_log_sigmoid_is_minus_softplus_of_minus_x():
    ls, sp = actlab.get("log_sigmoid"), actlab.get("softplus")
    assert ulps(ls(WITH_NONFINITE), -sp(-WITH_NONFINITE)).max() <= 1
    assert ulps(ls.derivative(WITH_NONFINITE), sp.derivative(-WITH_NONFINITE)).max() <= 1
    assert ulps(ls.second_derivative(WITH_NONFINITE), -sp.second_derivative(-WITH_NONFINITE)).max() <= 1


def test_log_sigmoid_is_log_of_sigmoid_and_accurate_in_both_tails():
    ls, sig = actlab.get("log_sigmoid"), actlab.get("sigmoid")
    x = np.linspace(-30, 0, 3001)      # log(sigmoid) cancels for x > 0 (log of a number near 1)
    np.testing.assert_allclose(ls(x), np.log(sig(x)), rtol=1e-15, atol=0)
    # right tail: -e^{-x} (log(sigmoid(x)) is 0 there); left tail: x - e^{x} (-inf from log(sigmoid))
    assert ls(50.0) == pytest.approx(-math.exp(-50.0), rel=1e-15)
    assert ls(700.0) == pytest.approx(-math.exp(-700.0), rel=1e-15)
    assert ls(-800.0) == -800.0 and ls(-1e300) == -1e300
    assert ls.derivative(-1e300) == 1.0 and ls.derivative(800.0) == 0.0


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e300, max_value=1e300, allow_nan=False))
def test_log_sigmoid_odd_part_is_x(x):
    """log sigma(x) - log sigma(-x) = x."""
    ls = actlab.get("log_sigmoid")
    a, b = float(ls(x)), float(ls(-x))
    assert abs((a - b) - x) <= 2 * np.spacing(max(abs(a), abs(b)))


# ---------------------------------------------------------------- squareplus
def test_squareplus_with_b_zero_is_relu():
    assert_same_function(actlab.get("squareplus", b=0.0), actlab.get("relu"), WITH_NONFINITE)
    assert actlab.get("squareplus", b=0.0).derivative(0.0) == 0.0


def test_squareplus_tends_to_relu_as_b_shrinks():
    x = np.linspace(-5, 5, 10001)
    relu = actlab.get("relu")(x)
    for b in (1.0, 1e-4, 1e-12):
        gap = actlab.get("squareplus", b=b)(x) - relu
        assert 0 <= gap.min() and gap.max() <= math.sqrt(b) / 2 * (1 + 1e-15)   # largest at 0


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e150, max_value=1e150, allow_nan=False),
       st.sampled_from([4.0, 1.0, 0.25, 100.0]))
def test_squareplus_times_mirror_is_b_over_4(x, b):
    """(x + h)/2 * (-x + h)/2 = (h^2 - x^2)/4 = b/4: both factors must be accurate, one of them tiny."""
    f = actlab.get("squareplus", b=b)
    assert float(f(x)) * float(f(-x)) == pytest.approx(b / 4, rel=6e-16)
    # and the derivatives: f'(x) + f'(-x) = 1
    assert float(f.derivative(x)) + float(f.derivative(-x)) == pytest.approx(1.0, abs=3e-16)


# ---------------------------------------------------------------- sparse_plus / sparse_sigmoid
def test_sparse_plus_derivative_is_sparse_sigmoid():
    sp, ss = actlab.get("sparse_plus"), actlab.get("sparse_sigmoid")
    x = np.concatenate([WITH_NONFINITE, [-1.0, 1.0], np.nextafter([-1.0, 1.0], 0.0)])
    np.testing.assert_array_equal(sp.derivative(x), ss(x))             # kinks included
    np.testing.assert_array_equal(sp.second_derivative(x), ss.derivative(x))
    for dtype in (np.float16, np.float32):
        with np.errstate(over="ignore"):     # the grid's largest values are +-inf in these dtypes
            xd = x.astype(dtype)
        np.testing.assert_array_equal(sp.derivative(xd), ss(xd))


def test_sparse_sigmoid_symmetry_and_sparse_plus_limits():
    ss, sp = actlab.get("sparse_sigmoid"), actlab.get("sparse_plus")
    x = GRID
    np.testing.assert_array_equal(ss(x) + ss(-x), np.ones_like(x))    # exact: both halves are dyadic
    np.testing.assert_array_equal(sp(x[x <= -1]), 0.0)
    np.testing.assert_array_equal(sp(x[x >= 1]), x[x >= 1])
    assert sp(-1.0) == 0 and sp(1.0) == 1 and sp(0.0) == 0.25


# ---------------------------------------------------------------- selu / celu / elu
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def test_selu_is_scaled_elu():
    selu, elu = actlab.get("selu"), actlab.get("elu", alpha=SELU_ALPHA)
    x = GRID[np.abs(GRID) < 1e300]      # scale * x overflows at the float64 max
    # elu(alpha) * scale multiplies two rounded constants: a few ULP
    for order, method in enumerate(("__call__", "derivative", "second_derivative")):
        got = getattr(selu, method)(x)
        want = SELU_SCALE * getattr(elu, method)(x)
        assert ulps(got, want).max() <= 4, method
    assert selu.derivative(0.0) == selu.derivative(-0.0) == 1.7580993408473768   # left branch at the kink


def test_selu_constants_are_full_precision_and_self_normalising():
    import mpmath
    with mpmath.workdps(40):
        assert float(mpmath.mpf("1.0507009873554804934193349852946")) == float(actlab.get("selu")(1.0))
        assert -actlab.get("selu")(-np.inf) == float(mpmath.mpf("1.0507009873554804934193349852946")
                                                     * mpmath.mpf("1.6732632423543772848170429916717"))
    # E selu(z) = 0 and E selu(z)^2 = 1 for z ~ N(0, 1) (the fixed point the constants are chosen for)
    z = np.linspace(-12, 12, 480001)
    w = np.exp(-z * z / 2) / math.sqrt(2 * math.pi) * (z[1] - z[0])
    s = actlab.get("selu")(z)
    assert abs(np.sum(w * s)) < 1e-9 and abs(np.sum(w * s * s) - 1) < 1e-9


def test_celu_with_alpha_one_is_elu():
    celu, elu = actlab.get("celu", alpha=1.0), actlab.get("elu", alpha=1.0)
    for method in ("__call__", "derivative", "second_derivative"):
        assert ulps(getattr(celu, method)(WITH_NONFINITE), getattr(elu, method)(WITH_NONFINITE)).max() <= 1
    assert celu.derivative(0.0) == elu.derivative(0.0) == 1.0


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
       st.sampled_from([0.25, 0.5, 2.0, 8.0]))
def test_celu_is_scale_similar(x, a):
    """celu(x, a) = a * celu(x / a, 1) for a > 0; a a power of 2 keeps x / a and the product exact."""
    lhs = float(actlab.get("celu", alpha=a)(x))
    rhs = a * float(actlab.get("celu", alpha=1.0)(x / a))
    # x / a rounds when it is subnormal: allow a * (smallest subnormal) there
    assert abs(lhs - rhs) <= max(np.spacing(abs(lhs)), a * 5e-324)


def test_celu_is_continuously_differentiable_for_every_alpha():
    for a in (0.1, 0.5, 3.0, -0.5, -2.0):
        f = actlab.get("celu", alpha=a)
        h = 1e-9
        assert abs(f.derivative(-h) - f.derivative(h)) < 1e-8 / abs(a)
        assert f.derivative(0.0) == 1.0
        assert f.second_derivative(-0.0) == pytest.approx(1.0 / a, rel=1e-15)


# ---------------------------------------------------------------- hard_sigmoid / exponential
def test_hard_sigmoid_is_relu6_shifted_and_scaled():
    """x/6 + 1/2 = relu6(x + 3)/6, bit for bit where x + 3 is exact (x on a dyadic grid)."""
    hs, relu6 = actlab.get("hard_sigmoid"), actlab.get("relu6")
    x = np.arange(-2 ** 24, 2 ** 24 + 1, 977) / 2.0 ** 21       # [-8, 8], multiples of 2^-21
    np.testing.assert_array_equal(hs(x), relu6(x + 3.0) / 6.0)
    np.testing.assert_array_equal(hs.derivative(x), relu6.derivative(x + 3.0) / 6.0)
    assert hs.derivative(-3.0) == hs.derivative(3.0) == 0.0


def test_hard_sigmoid_keras_variant():
    keras = actlab.get("hard_sigmoid_keras")
    assert keras == actlab.get("hard_sigmoid", slope=0.2, offset=0.5)
    x = np.arange(-2 ** 24, 2 ** 24 + 1, 977) / 2.0 ** 21
    np.testing.assert_array_equal(keras(x), np.clip((x + 2.5) / 5.0, 0.0, 1.0))
    assert keras(2.5) == 1.0 and keras(-2.5) == 0.0 and keras.derivative(0.0) == 0.2
    with pytest.raises(ValueError, match="slope"):
        actlab.get("hard_sigmoid_keras", slope=0.3)


def test_exponential_is_its_own_derivative_and_matches_exp():
    f = actlab.get("exponential")
    x = WITH_NONFINITE
    assert_same_function(f, actlab.get("exponential"), x)
    np.testing.assert_array_equal(f.derivative(x), f(x))
    np.testing.assert_array_equal(f.second_derivative(x), f(x))
    finite = np.abs(x) < 700
    assert ulps(f(x[finite]), np.exp(x[finite])).max() <= 1
    with np.errstate(all="raise"):
        assert f(1e300) == np.inf and f(-1e300) == 0.0 and f(np.float32(100.0)) == np.float32(np.inf)
