"""Bound activations: a spec plus validated parameter values, callable on arrays."""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from .numerics import as_input, finish, widen
from .spec import ActivationSpec


CHUNK = 1 << 14   # elements per kernel call on large inputs
PARALLEL_MIN = 1 << 17   # inputs at least this large are split across threads (NumPy releases the GIL)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_threads = max(1, int(os.environ.get("ACTLAB_NUM_THREADS", 0)) or (os.cpu_count() or 1))


def set_num_threads(n: int) -> None:
    """Threads used to evaluate large inputs (default: ``ACTLAB_NUM_THREADS`` or the CPU count).

    Elementwise results do not depend on it: each element is computed by the same kernel either way."""
    global _threads, _pool
    if int(n) != n or n < 1:
        raise ValueError(f"set_num_threads: n must be a positive integer, got {n!r}")
    with _pool_lock:
        _threads = int(n)
        if _pool is not None:
            _pool.shutdown(wait=False)
            _pool = None


def get_num_threads() -> int:
    """Threads used to evaluate large inputs (see :func:`set_num_threads`)."""
    return _threads


def _after_fork_in_child() -> None:
    # a forked child inherits the pool object but not its threads: work submitted there would never run
    global _pool, _pool_lock
    _pool = None
    _pool_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_threads, thread_name_prefix="actlab")
        return _pool


def _in_blocks(run, n: int, parallel: bool) -> None:
    """Call ``run(first, last)`` over ``range(n)`` split into contiguous parts, one per thread when
    ``parallel`` (at most ``_threads``; each thread sets its own errstate: NumPy's is per thread)."""
    threads = max(1, min(_threads, n)) if parallel else 1

    def guarded(first, last):
        with np.errstate(all="ignore"):
            run(first, last)
    if threads == 1:
        guarded(0, n)
        return
    bounds = np.linspace(0, n, threads + 1).astype(int)
    jobs = [_executor().submit(guarded, int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    for job in jobs:
        job.result()


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return repr(float(value))
    return repr(value)


class Activation:
    """An activation function with fixed parameters: ``f(x)``, ``f.derivative(x)``, ``f.second_derivative(x)``.

    Input is anything array-like; float16/32/64 keep their dtype, bool and int become float64, shape is
    kept and the input is never modified.  The mathematics is documented in ``f.spec`` (``formula``,
    ``derivative_formula``) and in the module of each activation.
    """

    def __init__(self, spec: ActivationSpec, **params: Any) -> None:
        unknown = sorted(set(params) - set(spec.param_names))
        if unknown:
            valid = ", ".join(spec.param_names) or "none"
            raise ValueError(f"{spec.name}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
                             f"valid parameters: {valid}")
        values = {}
        for p in spec.params:
            values[p.name] = p.validate(params.get(p.name, p.default), owner=spec.name)
        self.spec = spec
        self.params = values
        if spec.fn is None:
            raise TypeError(f"{spec.name} has no kernel")
        if spec.check_params is not None:
            spec.check_params(values)

    # ------------------------------------------------------------------ identity
    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def is_vector(self) -> bool:
        return self.spec.kind == "vector"

    def to_config(self) -> dict[str, Any]:
        """Serialisable description; ``actlab.get(f.to_config())`` rebuilds an equal activation."""
        return {"name": self.spec.name, "params": dict(self.params)}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={_format_value(v)}" for k, v in self.params.items())
        return f"{self.spec.class_name}({inner})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Activation) and other.to_config() == self.to_config()

    def __hash__(self) -> int:
        return hash((self.spec.name, tuple(sorted(self.params.items()))))

    # ------------------------------------------------------------------ evaluation
    def _elementwise(self, kernel, x):
        if self.is_vector:
            raise TypeError(f"{self.name} is a vector activation: use f(x, axis=...) and f.vjp(x, g, axis=...)")
        if kernel is None:
            raise NotImplementedError(f"{self.name} does not define this derivative")
        arr = as_input(x)
        # kernels guard their arguments (tested with over/invalid/divide raising); underflow to a
        # subnormal or 0 is the correct result, and the user's errstate must not turn it into an error
        with np.errstate(all="ignore"):
            if arr.size <= CHUNK or self.spec.exact:   # exact kernels: no widened temporaries to keep in cache
                return self._run(kernel, arr)
            # cache-sized chunks: the widened temporaries stay in cache (1.2-2x on large arrays);
            # large inputs are shared among threads, each taking a contiguous run of chunks
            flat = arr.reshape(-1)
            out = np.empty(flat.shape, dtype=arr.dtype)
            starts = range(0, flat.size, CHUNK)

            def run(first, last):
                for start in starts[first:last]:
                    out[start:start + CHUNK] = self._run(kernel, flat[start:start + CHUNK])
            _in_blocks(run, len(starts), parallel=flat.size >= PARALLEL_MIN)
            return out.reshape(arr.shape)

    def _run(self, kernel, arr):
        exact_here = self.spec.exact or (self.spec.single_rounding and arr.dtype == np.float64)
        work = arr if exact_here else widen(arr)
        out = kernel(work, **self.params)
        return finish(np.broadcast_to(out, arr.shape) if np.ndim(out) < arr.ndim else out, arr.dtype)

    def __call__(self, x, axis: int = -1, *, training: bool = False, rng=None):
        """Apply the activation.  Vector activations act along ``axis``.

        ``training``/``rng`` only matter for random activations (``rrelu``), which sample their slope
        from the given ``numpy.random.Generator`` (or integer seed) in training mode.
        """
        if self.spec.random and training:
            return self.spec.sample(self, x, rng)
        if self.is_vector:
            arr = as_input(x)
            _check_axis(arr, axis, self.name)
            return self._vector(self.spec.fn, [arr], axis, arr.dtype)
        return self._elementwise(self.spec.fn, x)

    def _vector(self, kernel, arrays, axis, dtype):
        """Vector kernel along ``axis``; large inputs go row block by row block (cache-sized, shared among
        threads).  Which way is chosen by size only, so results never depend on the thread count."""
        first = arrays[0]
        if first.size < PARALLEL_MIN or first.ndim < 2:
            with np.errstate(all="ignore"):
                return finish(kernel(*[widen(a) for a in arrays], axis=axis, **self.params), dtype)
        rows = [np.moveaxis(a, axis, -1) for a in arrays]
        lead = rows[0].shape[:-1]
        rows = [r.reshape(-1, r.shape[-1]) for r in rows]
        step = max(1, CHUNK // max(1, rows[0].shape[1]))
        starts = range(0, rows[0].shape[0], step)
        blocks: list = [None] * len(starts)

        def run(first, last):
            for i in range(first, last):
                a = starts[i]
                blocks[i] = finish(kernel(*[widen(r[a:a + step]) for r in rows], axis=-1, **self.params), dtype)
        _in_blocks(run, len(starts), parallel=True)
        out = np.concatenate(blocks, axis=0)
        return np.moveaxis(out.reshape(lead + out.shape[-1:]), -1, axis)

    def derivative(self, x):
        r"""First derivative :math:`f'(x)`, elementwise, from the input ``x``."""
        return self._elementwise(self.spec.derivative, x)

    def second_derivative(self, x):
        r"""Second derivative :math:`f''(x)`, elementwise, from the input ``x``."""
        return self._elementwise(self.spec.second_derivative, x)

    def param_derivative(self, x) -> dict:
        r"""Partial derivatives :math:`\partial f(x) / \partial \theta` for each learnable parameter
        :math:`\theta` (PReLU's slope, Swish's beta, Snake's alpha), elementwise, in ``x``'s dtype."""
        if not self.spec.learnable:
            return {}
        if self.spec.param_derivative is None:
            raise NotImplementedError(f"{self.name} declares learnable parameters but no param_derivative")
        arr = as_input(x)
        with np.errstate(all="ignore"):
            grads = self.spec.param_derivative(widen(arr), **self.params)
            return {k: finish(np.broadcast_to(v, arr.shape), arr.dtype) for k, v in grads.items()}

    def vjp(self, x, cotangent, axis: int = -1):
        r"""Vector–Jacobian product :math:`g^\top J_f(x)` along ``axis`` (what backprop needs).

        For elementwise activations this is ``g * f'(x)``.
        """
        arr = as_input(x)
        g = as_input(cotangent)
        if not self.is_vector:
            dtype = np.result_type(arr.dtype, g.dtype)
            with np.errstate(all="ignore"):
                return finish(widen(g) * widen(self.derivative(arr)), dtype)
        _check_axis(arr, axis, self.name)
        expected = np.shape(self(arr, axis=axis))
        if g.shape != expected:
            raise ValueError(f"{self.name}.vjp: cotangent shape {g.shape} does not match output shape {expected}")
        return self._vector(self.spec.vjp, [arr, g], axis, np.result_type(arr.dtype, g.dtype))

    def jacobian(self, x):
        r"""Full Jacobian :math:`J_{ij} = \partial f_i / \partial x_j` of a 1-D input, shape (m, n)."""
        arr = as_input(x)
        if arr.ndim != 1:
            raise ValueError(f"{self.name}.jacobian expects a 1-D vector, got shape {arr.shape}")
        if not self.is_vector:
            return np.diag(self.derivative(arr))
        m = np.shape(self(arr))[0]
        eye = np.eye(m, dtype=arr.dtype)
        return np.stack([self.vjp(arr, eye[i]) for i in range(m)])


def _check_axis(arr: np.ndarray, axis: int, name: str) -> None:
    if arr.ndim == 0:
        raise ValueError(f"{name} is a vector activation and needs at least 1-D input, got a scalar")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for input with {arr.ndim} dimension(s)")
