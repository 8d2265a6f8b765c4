"""Identities the tutorials state, between tanh, sigmoid, relu and the piecewise-linear activations.

Exact identities (piecewise-linear functions) are checked bit for bit, values and derivatives, at the
kinks too; tanh(x) = 2 sigmoid(2x) - 1 is checked to a few ULP (float64).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actlab
from actlab.core import numerics

SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308,
                    1e-300, -1e-300, 1.0, -1.0, 6.0, -6.0, 1e300, -1e300, 1.7976931348623157e308,
                    -1.7976931348623157e308])
GRID = np.concatenate([SPECIAL, np.linspace(-50, 50, 20001), np.nextafter(6.0, [0.0, 10.0]),
                       np.nextafter(0.0, [-1.0, 1.0])])
FINITE_FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=64)
ANY_FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)


def assert_same_function(f, g, x):
    """f and g agree exactly: value, first and second derivative (NaN where the other is NaN)."""
    for method in ("__call__", "derivative", "second_derivative"):
        a, b = getattr(f, method)(x), getattr(g, method)(x)
        np.testing.assert_array_equal(a, b, err_msg=f"{f!r} vs {g!r}: {method}")


# ---------------------------------------------------------------- tanh(x) = 2 sigmoid(2x) - 1
def _tanh_via_sigmoid(x):
    return 2.0 * actlab.get("sigmoid")(2.0 * x) - 1.0


def test_tanh_is_a_rescaled_sigmoid_on_a_grid():
    x = np.concatenate([np.linspace(-40, 40, 80001), np.geomspace(1e-300, 300, 2000)])
    x = np.concatenate([x, -x])
    t = actlab.get("tanh")(x)
    s = _tanh_via_sigmoid(x)
    # 2 sigma(2x) - 1 is evaluated in float64: its rounding error is a few ULP of its operands
    # (of 1 near the origin, where the subtraction cancels), of tanh elsewhere
    assert np.all(np.abs(t - s) <= 4 * np.spacing(np.maximum(np.abs(t), 0.5)))
    far = np.abs(x) > 0.6     # no cancellation: a few ULP of tanh itself
    assert np.all(np.abs(t - s)[far] <= 3 * np.spacing(np.abs(t[far])))


@pytest.mark.skipif(np.finfo(np.longdouble).nmant < 63, reason="needs 80-bit long double")
def test_tanh_is_a_rescaled_sigmoid_to_one_ulp_in_extended_precision():
    """Evaluated in extended precision the identity holds to 1 ULP of float64 wherever the
    subtraction loses fewer than 11 bits (|x| >= 1/64)."""
    x = np.concatenate([np.linspace(1 / 64, 40, 40001), np.geomspace(1 / 64, 1e300, 2001)])
    x = np.concatenate([x, -x])
    xl = x.astype(np.longdouble)
    s = (2.0 * numerics.sigmoid(2.0 * xl) - 1.0).astype(np.float64)
    t = actlab.get("tanh")(x)
    assert np.all(np.abs(t - s) <= np.spacing(np.abs(t)))


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-60, max_value=60, allow_nan=False))
def test_tanh_is_a_rescaled_sigmoid_property(x):
    t = float(actlab.get("tanh")(np.float64(x)))
    s = float(_tanh_via_sigmoid(np.float64(x)))
    assert abs(t - s) <= 4 * np.spacing(max(abs(t), 0.5))


def test_tanh_limits_and_symmetry():
    f = actlab.get("tanh")
    x = np.linspace(-30, 30, 6001)
    np.testing.assert_array_equal(f(-x), -f(x))                       # odd
    np.testing.assert_array_equal(f.derivative(-x), f.derivative(x))  # even
    small = np.abs(x) < 0.5   # where 1 - tanh^2 does not cancel, it agrees with sech^2
    np.testing.assert_allclose(f.derivative(x[small]), 1 - f(x[small]) ** 2, rtol=4e-16)


# ---------------------------------------------------------------- the relu family
def test_leaky_relu_with_slope_zero_is_relu():
    assert_same_function(actlab.get("leaky_relu", negative_slope=0.0), actlab.get("relu"), GRID)
    assert actlab.get("leaky_relu", negative_slope=0.0).derivative(0.0) == actlab.get("relu").derivative(0.0) == 0


@settings(max_examples=300, deadline=None)
@given(ANY_FLOATS)
def test_leaky_relu_with_slope_zero_is_relu_property(x):
    assert_same_function(actlab.get("leaky_relu", negative_slope=0.0), actlab.get("relu"), np.float64(x))


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-10, max_value=10, allow_nan=False), ANY_FLOATS)
def test_prelu_is_leaky_relu_with_its_weight(a, x):
    p, q = actlab.get("prelu", weight=a), actlab.get("leaky_relu", negative_slope=a)
    assert_same_function(p, q, np.array([x, 0.0, -0.0, -1.0, 1.0, -np.inf, np.inf]))
    assert p.spec.properties(p.params)["kinks"] == q.spec.properties(q.params)["kinks"]


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-10, max_value=10, allow_nan=False), FINITE_FLOATS)
def test_leaky_relu_is_relu_minus_scaled_relu_of_minus_x(a, x):
    """leaky_a(x) = relu(x) - a relu(-x) (one of the two terms is always 0, so this is exact)."""
    relu = actlab.get("relu")
    x = np.float64(x)
    with np.errstate(over="ignore"):
        expected = relu(x) - a * relu(-x)
    assert actlab.get("leaky_relu", negative_slope=a)(x) == expected


def test_threshold_zero_zero_is_relu():
    assert_same_function(actlab.get("threshold", threshold=0.0, value=0.0), actlab.get("relu"), GRID)
    assert_same_function(actlab.get("threshold"), actlab.get("relu"), GRID)    # the defaults


@settings(max_examples=300, deadline=None)
@given(ANY_FLOATS)
def test_threshold_zero_zero_is_relu_property(x):
    assert_same_function(actlab.get("threshold"), actlab.get("relu"), np.float64(x))


def test_hardtanh_zero_six_is_relu6():
    assert_same_function(actlab.get("hardtanh", min_val=0.0, max_val=6.0), actlab.get("relu6"), GRID)
    f = actlab.get("relu6")
    assert f.derivative(0.0) == 0 and f.derivative(6.0) == 0     # PyTorch's convention at both kinks


@settings(max_examples=300, deadline=None)
@given(ANY_FLOATS)
def test_hardtanh_zero_six_is_relu6_property(x):
    assert_same_function(actlab.get("hardtanh", min_val=0.0, max_val=6.0), actlab.get("relu6"), np.float64(x))


@settings(max_examples=200, deadline=None)
@given(FINITE_FLOATS)
def test_relu_decomposes_identity_and_step_is_relus_slope(x):
    """x = relu(x) - relu(-x); the perceptron's step [x > 0] is relu's derivative (0 at 0)."""
    relu, x = actlab.get("relu"), np.float64(x)
    assert actlab.get("identity")(x) == relu(x) - relu(-x)
    assert actlab.get("step")(x) == relu.derivative(x)


def test_step_is_relus_derivative_on_grid():
    np.testing.assert_array_equal(actlab.get("step")(GRID), actlab.get("relu").derivative(GRID))


def test_hardtanh_clips_tanh_range():
    """hardtanh is the piecewise-linear tanh: same range, slope and value at 0, same sign everywhere."""
    h, t = actlab.get("hardtanh"), actlab.get("tanh")
    x = np.linspace(-10, 10, 2001)
    assert h(0.0) == t(0.0) == 0 and h.derivative(0.0) == t.derivative(0.0) == 1
    np.testing.assert_array_equal(np.sign(h(x)), np.sign(t(x)))
    assert np.all(np.abs(t(x)) <= np.abs(h(x)))


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-10, max_value=10, allow_nan=False), FINITE_FLOATS)
def test_prelu_weight_gradient_is_min_x_zero(a, x):
    """d prelu / d weight = min(x, 0), and matches a central difference in the weight."""
    f = actlab.get("prelu", weight=a)
    g = f.param_derivative(np.float64(x))["weight"]
    assert g == min(x, 0.0)
    if abs(x) < 1e100:
        h = 1e-3
        fd = (actlab.get("prelu", weight=a + h)(x) - actlab.get("prelu", weight=a - h)(x)) / (2 * h)
        assert abs(fd - g) <= 1e-9 * max(1.0, abs(g))
