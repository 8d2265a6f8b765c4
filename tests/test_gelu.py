"""GELU identities and tail values (the registry-driven tests cover accuracy everywhere else)."""
import mpmath
import numpy as np
import pytest

import actlab

VARIANTS = ("none", "tanh")


@pytest.mark.parametrize("approximate", VARIANTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_odd_part_is_x_and_derivatives_sum_to_one(approximate, dtype):
    """gelu(x) - gelu(-x) = x (Phi(x) + Phi(-x) = 1; sigma(v) + sigma(-v) = 1 for the tanh form), hence
    gelu'(x) + gelu'(-x) = 1 and gelu'' is even."""
    f = actlab.get("gelu", approximate=approximate)
    x = np.linspace(-8, 8, 3201).astype(dtype)
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(f(x) - f(-x), x, rtol=4 * eps, atol=4 * eps)
    np.testing.assert_allclose(f.derivative(x) + f.derivative(-x), 1.0, rtol=0, atol=4 * eps)
    np.testing.assert_array_equal(f.second_derivative(x), f.second_derivative(-x))


def test_tanh_approximation_is_close_to_exact():
    x = np.linspace(-6, 6, 12001)
    exact, approx = actlab.get("gelu"), actlab.get("gelu", approximate="tanh")
    assert np.max(np.abs(exact(x) - approx(x))) < 1e-3
    assert np.max(np.abs(exact.derivative(x) - approx.derivative(x))) < 1e-2


def _mp_gelu(x):
    with mpmath.workprec(200):
        return float(mpmath.mpf(x) * mpmath.ncdf(mpmath.mpf(x)))


@pytest.mark.parametrize("x,dtype", [(-10.0, np.float64), (-40.0 + 1.5, np.float64), (-9.0, np.float32),
                                     (-13.0, np.float32)])
def test_negative_tail_is_not_flushed_to_zero(x, dtype):
    """Tiny but normal: libraries that evaluate erfc(-x/sqrt 2) in the input precision return 0 or lose
    digits here."""
    got = actlab.get("gelu")(np.array([x], dtype))[0]
    want = dtype(_mp_gelu(x))
    assert want != 0 and got == want


def test_far_tail_limits():
    f = actlab.get("gelu")
    assert f(np.array([-40.0]))[0] == 0.0            # true value ~1e-349 underflows float64
    x = np.array([-np.inf, np.inf, -1e308, 1e308])
    np.testing.assert_array_equal(f(x), [0.0, np.inf, 0.0, 1e308])
    np.testing.assert_array_equal(f.derivative(x), [0.0, 1.0, 0.0, 1.0])
    np.testing.assert_array_equal(f.second_derivative(x), [0.0, 0.0, 0.0, 0.0])


def test_tanh_tail_and_huge_inputs():
    f = actlab.get("gelu", approximate="tanh")
    with mpmath.workprec(200):
        xm = mpmath.mpf(-15)
        v = 2 * mpmath.sqrt(2 / mpmath.pi) * (xm + mpmath.mpf("0.044715") * xm ** 3)
        want = float(xm / (1 + mpmath.exp(-v)))
    assert want != 0 and f(np.array([-15.0]))[0] == want
    x = np.array([-1e300, 1e300, -1e103, 1e103])
    np.testing.assert_array_equal(f(x), [0.0, 1e300, 0.0, 1e103])
    np.testing.assert_array_equal(f.derivative(x), [0.0, 1.0, 0.0, 1.0])


def test_spot_values():
    exact = actlab.get("gelu")
    assert exact(np.array([1.0]))[0] == 0.8413447460685429      # Phi(1)
    r = np.sqrt(2.0)        # f''(sqrt 2) = 0: at the float64 next to it, the tiny value is still exact
    with mpmath.workprec(200):
        want = float(mpmath.npdf(r) * (2 - mpmath.mpf(r) ** 2))
    assert want != 0 and exact.second_derivative(np.array([r]))[0] == want
    assert repr(actlab.get("gaussian_error_linear_unit", approximate="tanh")) == "GELU(approximate='tanh')"
