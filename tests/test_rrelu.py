"""RReLU's training mode: seeded, reproducible per-element random slopes in [lower, upper]."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actlab
from actlab.core.library.rrelu import (derivative_with_slopes, forward_with_slopes, mean_slope,
                                       sample_slopes)

X = np.linspace(-10, 10, 2001)


def test_same_seed_same_output_and_generators_reproduce():
    f = actlab.get("rrelu")
    a = f(X, training=True, rng=42)
    np.testing.assert_array_equal(a, f(X, training=True, rng=42))
    g1, g2 = np.random.default_rng(7), np.random.default_rng(7)
    np.testing.assert_array_equal(f(X, training=True, rng=g1), f(X, training=True, rng=g2))
    # a Generator advances: two draws from it differ
    assert not np.array_equal(f(X, training=True, rng=g1), f(X, training=True, rng=np.random.default_rng(7)))


def test_different_seeds_differ():
    f = actlab.get("rrelu")
    assert not np.array_equal(f(X, training=True, rng=0), f(X, training=True, rng=1))


@pytest.mark.parametrize("lower,upper", [(1 / 8, 1 / 3), (0.0, 0.5), (0.2, 0.2), (0.0, 1.0)])
def test_slopes_lie_in_bounds(lower, upper):
    f = actlab.get("rrelu", lower=lower, upper=upper)
    x = -np.linspace(0.5, 50, 5000)
    slopes = f(x, training=True, rng=3) / x
    assert np.all(slopes >= lower * (1 - 1e-15)) and np.all(slopes <= upper * (1 + 1e-15))
    s = sample_slopes((100, 50), lower, upper, rng=3)
    assert s.shape == (100, 50) and s.dtype == np.float64
    assert s.min() >= lower and s.max() <= upper
    if upper > lower:   # uniform: the sample covers the interval
        assert s.max() - s.min() > 0.9 * (upper - lower)
        assert abs(s.mean() - (lower + upper) / 2) < 0.02 * (upper - lower)


def test_positive_inputs_unchanged_and_dtype_kept():
    f = actlab.get("rrelu")
    for dtype in (np.float16, np.float32, np.float64):
        x = X.astype(dtype)
        y = f(x, training=True, rng=5)
        assert y.dtype == dtype and y.shape == x.shape
        np.testing.assert_array_equal(y[x > 0], x[x > 0])
        assert np.all(y[x < 0] < 0) and np.all(y[x < 0] > x[x < 0])
        assert np.all(y[x == 0] == 0)


def test_evaluation_mode_is_leaky_relu_with_mean_slope():
    f = actlab.get("rrelu", lower=0.1, upper=0.3)
    leaky = actlab.get("leaky_relu", negative_slope=mean_slope(0.1, 0.3))
    np.testing.assert_array_equal(f(X), leaky(X))
    np.testing.assert_array_equal(f(X, training=False, rng=1), leaky(X))
    np.testing.assert_array_equal(f.derivative(X), leaky.derivative(X))
    assert f.derivative(0.0) == mean_slope(0.1, 0.3)
    np.testing.assert_array_equal(actlab.get("rrelu")(X), actlab.get("leaky_relu", negative_slope=(1 / 8 + 1 / 3) / 2)(X))


def test_training_without_rng_is_an_error():
    f = actlab.get("rrelu")
    with pytest.raises(ValueError, match="seed/rng is required for reproducibility"):
        f(X, training=True)
    with pytest.raises(ValueError, match="reproducibility"):
        sample_slopes((3,), 0.1, 0.2, rng=None)
    with pytest.raises(TypeError):
        f(X, training=True, rng="seed")


def test_lower_above_upper_is_rejected_naming_both():
    with pytest.raises(ValueError) as info:
        actlab.get("rrelu", lower=0.5, upper=0.25)
    assert "lower" in str(info.value) and "upper" in str(info.value)
    assert "0.5" in str(info.value) and "0.25" in str(info.value)


def test_layer_helpers_reuse_the_same_slopes():
    x = np.linspace(-3, 3, 60).reshape(3, 20).astype(np.float32)
    slopes = sample_slopes(x.shape, 1 / 8, 1 / 3, rng=11)
    y = forward_with_slopes(x, slopes)
    np.testing.assert_array_equal(y, actlab.get("rrelu")(x, training=True, rng=11))
    d = derivative_with_slopes(x, slopes)
    assert d.dtype == np.float32
    np.testing.assert_array_equal(d, np.where(x > 0, 1, slopes).astype(np.float32))


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, width=64), st.integers(0, 2 ** 32 - 1))
def test_training_output_is_between_eval_extremes(x, seed):
    """For any x and seed, the training output lies between the outputs with slope lower and upper."""
    f = actlab.get("rrelu")
    y = f(np.float64(x), training=True, rng=seed)
    ends = [actlab.get("leaky_relu", negative_slope=s)(np.float64(x)) for s in (1 / 8, 1 / 3)]
    assert min(ends) <= y <= max(ends)
