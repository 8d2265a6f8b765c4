"""Large inputs are evaluated on several threads; results are identical to one thread, and no warning
escapes from the workers (NumPy's errstate is per thread).  Registry-driven."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import actlab
from actlab.core import activation as A
from catalog_cases import ELEMENTWISE

N = A.PARALLEL_MIN + 12345


@pytest.fixture
def restore_threads():
    before = actlab.get_num_threads()
    yield
    actlab.set_num_threads(before)


def _input(dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(N) * rng.choice([1e-30, 1e-3, 1.0, 30.0, 1e4, 1e30], size=N)
    x[::1000] = np.inf
    x[1::1000] = -np.inf
    x[2::1000] = np.nan
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_threaded_evaluation_equals_single_thread_and_is_silent(spec, dtype, restore_threads):
    f = actlab.get(spec.name)
    x = _input(dtype)
    results = {}
    for threads in (1, 3):
        actlab.set_num_threads(threads)
        with warnings.catch_warnings(), np.errstate(all="raise"):
            warnings.simplefilter("error")
            results[threads] = [f(x), f.derivative(x)]
    for a, b in zip(results[1], results[3]):
        assert a.dtype == x.dtype and a.shape == x.shape
        np.testing.assert_array_equal(a, b)


def test_set_num_threads_rejects_bad_values(restore_threads):
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError, match="positive integer"):
            actlab.set_num_threads(bad)
    actlab.set_num_threads(2)
    assert actlab.get_num_threads() == 2


@pytest.mark.parametrize("spec", [s for s in actlab.specs() if s.kind == "vector"], ids=lambda s: s.name)
@pytest.mark.parametrize("axis", [-1, 0])
def test_threaded_vector_evaluation_equals_single_thread(spec, axis, restore_threads):
    f = actlab.get(spec.name)
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((A.PARALLEL_MIN // 24 + 7, 24)) * 5).astype(np.float32)
    x[3, 5], x[4, :] = np.inf, -np.inf
    x = x if axis == -1 else np.ascontiguousarray(x.T)
    g = rng.standard_normal(f(x, axis=axis).shape).astype(np.float32)
    results = {}
    for threads in (1, 3):
        actlab.set_num_threads(threads)
        with warnings.catch_warnings(), np.errstate(all="raise"):
            warnings.simplefilter("error")
            results[threads] = [f(x, axis=axis), f.vjp(x, g, axis=axis)]
    small = slice(0, 50) if axis == -1 else (slice(None), slice(0, 50))
    want = f(x[small], axis=axis)                  # below PARALLEL_MIN: the one-call path
    for a, b in zip(results[1], results[3]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(results[1][0][small], want, rtol=4 * np.finfo(np.float32).eps, atol=1e-30)


def _child_sum(n):
    return float(actlab.get("sigmoid")(np.linspace(-5, 5, n)).sum())


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_forked_child_can_still_use_threads(restore_threads):
    """The pool's threads do not survive fork; the child must build its own instead of waiting forever."""
    import multiprocessing
    actlab.set_num_threads(2)
    n = 2 * A.PARALLEL_MIN
    want = _child_sum(n)                       # the parent's pool now exists
    with multiprocessing.get_context("fork").Pool(1) as pool:
        got = pool.apply_async(_child_sum, (n,)).get(timeout=60)
    assert got == want
