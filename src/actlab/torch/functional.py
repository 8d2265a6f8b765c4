r"""Functional forms of every catalog activation for torch tensors: ``apply(name, x, **params)`` and
``actlab.torch.functional.<name>(x, **params)`` (generated from the registry; nothing here lists names).

Design (why a generic bridge and not ~40 hand translations)
-----------------------------------------------------------
**float32 on the CPU** first tries the activation's fast path (:mod:`actlab.torch.fast`; switch:
``FAST_FLOAT32``): native ops verified within the catalog's bound, or value and derivative fused in one
forward -- through the compiled kernels of :mod:`actlab.torch.extension` where they are built and serve
(switch: ``USE_EXTENSION``), else through torch ops.  Everything else (and every activation without a fast
path) goes through ONE generic path, in this order:

1. **native** -- :data:`actlab.torch.formulas.FORMULAS` may name a native torch op whose definition *and*
   derivative convention equal the catalog's exactly (``relu``, ``relu6``, ``hardtanh``, ``leaky_relu``
   with a non-zero slope).  Autograd goes through the native op: fastest, ``torch.compile``-friendly.
2. **torch formula** -- an entry of ``FORMULAS`` gives ``f``, ``f'``, ``f''`` (and ``df/dparam``) in torch
   ops.  A generic :class:`torch.autograd.Function` evaluates ``f`` in the working dtype and its backward is
   ``g * f'(x)``, itself a second ``Function`` whose backward is ``g * f''(x)``: first and second
   derivatives are the catalog's closed forms (not autograd of the formula), so double backward works
   and keeps the catalog's accuracy.  With learnable parameters that require grad, the backward is built
   from the differentiable ``f'`` formula directly, so mixed second partials are exact too.  Pure torch:
   runs on CPU and CUDA.
3. **NumPy fallback** -- any activation without a formula (the catalog grows faster than this table) is
   evaluated by the catalog's own NumPy kernels: ``x.detach().cpu().numpy()``, kernel, back to ``x``'s
   device and dtype, in the same generic ``Function`` (backward ``g * f'(x)``, double backward with
   ``f''`` when the spec defines it; vector activations backward through ``spec.vjp``).  This is
   **exact** (the catalog itself, including its long-double working precision for float64), but it
   synchronises with the device, copies through host memory, and breaks ``torch.compile`` graphs: it is
   a correctness path, not a fast one.  Adding a formula to ``formulas.py`` is how an activation becomes fast.

A formula may serve only some input dtypes (``Formula.dtypes``; ``None``, the default, means all): an
input of another dtype takes the NumPy fallback instead (native op included).  This is for formulas that
are exact enough for float16/bfloat16/float32 (computed in float64, rounded once) but cannot match the
catalog's long-double float64 results within a few ULP with float64 torch ops (e.g. ``gelu``: the
rounding of the argument of ``erfc``/``exp`` in the far negative tail costs hundreds of ULP); such
entries declare ``dtypes=LOW_PRECISION`` and float64 inputs keep the exact fallback.  The path is chosen
per call from the input's dtype (forward, backward and double backward alike).

``uses_numpy_fallback(name, dtype)`` and ``uses_native(name, dtype=..., **params)`` tell which path a
name takes for inputs of ``dtype`` (default: ``torch.get_default_dtype()``).

Precision
---------
Formulas compute in float64 and round once to the input dtype (float16/bfloat16/float32 results are
therefore correctly rounded almost everywhere, like the catalog's float64 working type).  float64 inputs
are computed in float64 (torch has no long double), so formula results may differ from the catalog's
long-double kernels by a couple of ULP in float64.  The NumPy fallback handles bfloat16 via float32.

Divergences from native torch (intentional; the catalog is the reference)
------------------------------------------------------------------------
* ``sigmoid``: :math:`\sigma'(x)` from :math:`e^{-|x|}/(1+e^{-|x|})^2`; torch's backward uses
  :math:`\sigma(1-\sigma)`, which rounds to 0 for :math:`x \gtrsim 17` (float32) / 37 (float64).
* ``tanh``: :math:`\tanh' = \operatorname{sech}^2` from :math:`4e^{-2|x|}/(1+e^{-2|x|})^2`; torch's
  backward ``1 - y**2`` is 0 in the tails and inaccurate near saturation.
* ``softmax``/``log_softmax``/``softmin``: a row of all ``-inf`` gives the uniform distribution
  (``log(1/n)``); rows with ``+inf`` share the mass among the ``+inf`` entries.  Torch returns NaN for both.
* ``threshold``: NaN input gives NaN (``F.threshold`` returns ``value`` for NaN).
* ``leaky_relu`` with slope 0 (and ``prelu``/``rrelu`` at slope 0): ``f(-inf) = 0`` (the limit); native
  ``0 * -inf`` is NaN.
* ``glu``: the backward uses the accurate :math:`\sigma'` above (torch: :math:`\sigma(1-\sigma)`).
* ``elu``: not delegated to ``F.elu`` (its negative tail ``alpha * expm1`` is computed in the input dtype).
* derivatives at NaN inputs are NaN for formula/fallback paths (the catalog's convention); native ops
  (``relu`` & co.) return 0 or 1 there.
* Functions of activations the torch ecosystem also has but our catalog computes differently (softplus
  without a threshold, exact gelu tail, ``softsign(inf) = 1``, gelu/silu/mish at ``-inf`` = 0) are taken
  from the catalog through the formula or NumPy path, never from the native op.
"""
from __future__ import annotations

import threading
from typing import Any

import numpy as np
import torch

from ..core import registry
from ..core.activation import Activation
from ..core.numerics import as_input, finish, widen
from . import extension
from .fast import Fast, fast_for
from .formulas import Formula, formula_for

WORK = torch.float64
FAST_FLOAT32 = True      # the float32 CPU paths of actlab.torch.fast (False: always the generic path)
USE_EXTENSION = True     # their compiled kernels (actlab.torch.extension) where built (False: torch ops only)
_CACHE: dict = {}
_LOCK = threading.Lock()


def _eager(fn):
    """Run ``fn`` eagerly under ``torch.compile``: the NumPy fallback must not be traced (dynamo would
    translate its NumPy calls into torch ops, without long double), so the graph breaks around it."""
    return torch.compiler.disable(fn, recursive=True)


# ============================================================================ bound implementation
class _Impl:
    """A catalog activation with its static (non-tensor) parameters bound, and the path chosen for it."""

    def __init__(self, act: Activation, learn_names: tuple[str, ...]):
        self.act = act
        self.spec = act.spec
        self.formula: Formula | None = formula_for(act.spec)
        self.learn_names = learn_names
        self.static = {k: v for k, v in act.params.items() if k not in learn_names}
        self.is_vector = act.spec.kind == "vector"
        # elementwise, deterministic, nothing learnable: apply_elementwise(impl, x) is the whole call
        self.plain = not self.is_vector and not act.spec.random and not learn_names
        self.learnable_elementwise = not self.is_vector and not act.spec.random and bool(learn_names)
        self.plain_vector = self.is_vector and not act.spec.random and not learn_names
        self._fast: dict = {}

    # ---------------------------------------------------------------- helpers
    def fast_for(self, x) -> Fast | None:
        """The float32 CPU fast path (:mod:`actlab.torch.fast`) for input ``x``, or ``None``."""
        if not FAST_FLOAT32 or x.dim() == 0 or x.numel() == 0:    # scalars and empties: the generic path
            return None
        key = (x.dtype, x.device)          # per call: (dtype, device) hashes faster than device.type
        try:
            return self._fast[key]
        except KeyError:     # parameters are fixed per _Impl: decide once per dtype and device
            entry = self._fast[key] = self.fast_path(x.dtype, x.device)
            return entry

    def fast_path(self, dtype, device) -> Fast | None:
        """The fast path for inputs of ``dtype`` on ``device``, or ``None`` (``FAST_FLOAT32`` off, or none)."""
        return fast_for(self.spec.name, dtype, device, self.static) if FAST_FLOAT32 else None

    def kwargs(self, learn) -> dict:
        """Static parameters plus the learnable tensors ``learn``, by name (what fast paths take)."""
        return {**self.static, **dict(zip(self.learn_names, learn))} if learn else self.static

    def formula_for_dtype(self, dtype) -> Formula | None:
        """The torch formula if it serves inputs of ``dtype`` (see ``Formula.dtypes``), else ``None``."""
        return _serving(self.formula, dtype)

    def _params(self, learn, dtype):
        out = dict(self.static)
        for name, t in zip(self.learn_names, learn):
            out[name] = t.to(dtype)
        return out

    def _np_params(self, learn):
        out = dict(self.static)
        for name, t in zip(self.learn_names, learn):
            arr = t.detach().cpu().to(torch.float64).numpy()
            out[name] = widen(arr) if arr.ndim else float(arr)
        return out

    @staticmethod
    def _to_numpy(x):
        t = x.detach()
        if t.dtype == torch.bfloat16:
            t = t.float()
        return t.cpu().numpy()

    @staticmethod
    def _from_numpy(a, like):
        return torch.from_numpy(np.ascontiguousarray(a)).to(device=like.device, dtype=like.dtype)

    @_eager
    def _np_kernel(self, kernel, x, learn):
        if kernel is None:
            raise NotImplementedError(f"{self.spec.name}: the catalog defines no kernel for this derivative")
        arr = as_input(self._to_numpy(x))
        with np.errstate(all="ignore"):
            out = kernel(widen(arr), **self._np_params(learn))
            out = finish(np.broadcast_to(out, arr.shape), arr.dtype)
        return self._from_numpy(out, x)

    # ---------------------------------------------------------------- elementwise
    def value(self, x, learn):
        f = self.formula_for_dtype(x.dtype)
        if f is not None and f.fn is not None:
            return f.fn(x.to(WORK), **self._params(learn, WORK)).to(x.dtype)
        return self._np_kernel(self.spec.fn, x, learn)

    def derivative(self, x, learn):
        f = self.formula_for_dtype(x.dtype)
        if f is not None and f.derivative is not None:
            return f.derivative(x.to(WORK), **self._params(learn, WORK)).to(x.dtype)
        return self._np_kernel(self.spec.derivative, x, learn)

    def second_derivative(self, x, learn):
        f = self.formula_for_dtype(x.dtype)
        if f is not None and f.second_derivative is not None:
            return f.second_derivative(x.to(WORK), **self._params(learn, WORK)).to(x.dtype)
        return self._np_kernel(self.spec.second_derivative, x, learn)

    @_eager
    def param_derivative(self, x, learn) -> dict:
        """``df/dparam`` for each learnable parameter, elementwise, in the working dtype."""
        f = self.formula_for_dtype(x.dtype)
        if f is not None and f.param_derivative is not None:
            return f.param_derivative(x.to(WORK), **self._params(learn, WORK))
        if self.spec.param_derivative is None:
            raise NotImplementedError(f"{self.spec.name}: no param_derivative in the catalog")
        arr = as_input(self._to_numpy(x).astype(np.float64))
        with np.errstate(all="ignore"):
            grads = self.spec.param_derivative(widen(arr), **self._np_params(learn))
        return {k: torch.from_numpy(np.ascontiguousarray(np.broadcast_to(v, arr.shape), dtype=np.float64))
                .to(x.device) for k, v in grads.items()}

    def differentiable_derivative(self, dtype) -> bool:
        f = self.formula_for_dtype(dtype)
        return f is not None and f.derivative is not None and (not self.learn_names or
                                                                f.param_derivative is not None)

    # ---------------------------------------------------------------- vector
    @_eager
    def vector_value(self, x, dim):
        f = self.formula_for_dtype(x.dtype)
        if f is not None and f.fn is not None:
            return f.fn(x.to(WORK), dim, **self.static).to(x.dtype)
        out = self.act(self._to_numpy(x), axis=dim)
        return self._from_numpy(out, x)

    @_eager
    def vector_vjp(self, x, g, dim):
        f = self.formula_for_dtype(x.dtype)
        if f is not None and f.vjp is not None:
            return f.vjp(x.to(WORK), g.to(WORK), dim, **self.static).to(x.dtype)
        out = self.act.vjp(self._to_numpy(x), self._to_numpy(g), axis=dim)
        return self._from_numpy(out, x)


def _serving(f: Formula | None, dtype) -> Formula | None:
    """``f`` if it serves inputs of ``dtype`` (``f.dtypes`` is ``None`` or contains it), else ``None``."""
    if f is None or f.dtypes is None or dtype in f.dtypes:
        return f
    return None


def _reduce_to(t: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    """Sum ``t`` over the dimensions along which a tensor of ``shape`` was broadcast to ``t.shape``."""
    if t.shape == shape:
        return t
    lead = t.dim() - len(shape)
    if lead:
        t = t.sum(dim=tuple(range(lead)))
    dims = tuple(i for i, s in enumerate(shape) if s == 1 and t.shape[i] != 1)
    if dims:
        t = t.sum(dim=dims, keepdim=True)
    return t.reshape(shape)


# ============================================================================ autograd Functions
class _Elementwise(torch.autograd.Function):
    """``y = f(x; learn)``; backward ``g * f'(x)`` and ``sum(g * df/dθ)`` for learnable θ."""

    @staticmethod
    def forward(ctx, x, impl, *learn):
        ctx.impl = impl
        ctx.save_for_backward(x, *learn)
        return impl.value(x, learn)

    @staticmethod
    def backward(ctx, g):
        x, *learn = ctx.saved_tensors
        gx, *grads = _generic_backward(ctx.impl, g, x, learn, ctx.needs_input_grad[0], ctx.needs_input_grad[2:])
        return (gx, None, *grads)


def _generic_backward(impl: "_Impl", g, x, learn, need_x: bool, need_learn) -> tuple:
    """``(g f'(x), *[sum g df/dθ])`` from the closed forms; differentiable when grad mode is on."""
    learn_grad = any(need_learn)
    direct = torch.is_grad_enabled() and learn_grad and impl.differentiable_derivative(x.dtype)
    gx = None
    if need_x:
        if direct:     # differentiable torch formula: mixed second partials by autograd
            d = impl.formula_for_dtype(x.dtype).derivative(x.to(WORK), **impl._params(learn, WORK)).to(x.dtype)
        else:
            d = _Derivative.apply(x, impl, *learn)
        gx = g * d
    grads = [None] * len(learn)
    if learn_grad:
        pd = impl.param_derivative(x, learn)
        grads = [_reduce_to(g.to(WORK) * pd[name], t.shape).to(t.dtype) if need else None
                 for name, t, need in zip(impl.learn_names, learn, need_learn)]
    return (gx, *grads)


class _Fused(torch.autograd.Function):
    """A fast path computing ``f`` and ``f'`` (and ``df/dθ``) together; backward multiplies by the saved
    derivatives.  A double backward differentiates the generic closed-form ``f'`` (``_Derivative``)."""

    @staticmethod
    def forward(ctx, x, impl, fast, *learn):
        out = fast.fused(x, True, **impl.kwargs(learn))
        ctx.impl = impl
        pd = out[2] if len(out) > 2 else {}
        ctx.save_for_backward(x, out[1], *learn, *(pd.get(k) for k in impl.learn_names))   # None: frozen
        return out[0]

    @staticmethod
    def backward(ctx, g):
        x, d, *rest = ctx.saved_tensors
        impl: _Impl = ctx.impl
        n = len(impl.learn_names)
        learn, pd = rest[:n], rest[n:]
        if torch.is_grad_enabled():      # create_graph: the differentiable generic closed forms
            gx, *grads = _generic_backward(impl, g, x, learn, ctx.needs_input_grad[0], ctx.needs_input_grad[3:])
            return (gx, None, None, *grads)
        gx = g * d if ctx.needs_input_grad[0] else None
        grads = [_reduce_to(g.to(p.dtype) * p, t.shape).to(t.dtype) if need else None
                 for t, p, need in zip(learn, pd, ctx.needs_input_grad[3:])]
        return (gx, None, None, *grads)


class _FusedPlain(torch.autograd.Function):
    """:class:`_Fused` for an activation without learnable tensors: the common case, with the least Python
    per call (this overhead is a visible share of a small model's step)."""

    @staticmethod
    def forward(ctx, x, impl, fused):
        y, d = fused(x, True, **impl.static)
        ctx.impl = impl
        ctx.save_for_backward(x, d)
        return y

    @staticmethod
    def backward(ctx, g):
        x, d = ctx.saved_tensors
        if torch.is_grad_enabled():      # create_graph: the differentiable generic closed forms
            return _generic_backward(ctx.impl, g, x, (), True, ())[0], None, None
        return g * d, None, None


class _FusedVector(torch.autograd.Function):
    """A fast vector activation: forward keeps what its vector-Jacobian product needs."""

    @staticmethod
    def forward(ctx, x, vjp, dim, computed):
        y, saved = computed          # computed by the fast path before (it may decline); a list, not inputs
        ctx.vjp, ctx.dim = vjp, dim
        ctx.save_for_backward(saved)
        return y

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, g):
        (saved,) = ctx.saved_tensors
        return ctx.vjp(saved, g.contiguous(), ctx.dim), None, None, None


class _Derivative(torch.autograd.Function):
    """``f'(x)`` as a differentiable function of ``x`` (backward ``g * f''(x)``): double backward."""

    @staticmethod
    def forward(ctx, x, impl, *learn):
        ctx.impl = impl
        ctx.save_for_backward(x, *learn)
        return impl.derivative(x, learn)

    @staticmethod
    def backward(ctx, g):
        x, *learn = ctx.saved_tensors
        impl: _Impl = ctx.impl
        if any(ctx.needs_input_grad[2:]):
            raise RuntimeError(f"{impl.spec.name}: second derivatives with respect to learnable parameters "
                               "need a torch formula with param_derivative (actlab.torch.formulas)")
        gx = g * impl.second_derivative(x, learn) if ctx.needs_input_grad[0] else None
        return (gx, None, *([None] * len(learn)))


class _Vector(torch.autograd.Function):
    """Vector activation along ``dim``; backward through the catalog's vector-Jacobian product."""

    @staticmethod
    def forward(ctx, x, impl, dim):
        ctx.impl, ctx.dim = impl, dim
        ctx.save_for_backward(x)
        return impl.vector_value(x, dim)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return ctx.impl.vector_vjp(x, g.contiguous(), ctx.dim), None, None


# ============================================================================ public API
def _bind(name: Any, params: dict) -> tuple[_Impl, list]:
    """Resolve ``name`` (name, alias, spec) and split ``params`` into static values and learnable tensors."""
    spec = registry.spec(name) if isinstance(name, str) else name
    learn_names, learn = [], []
    static = {}
    for k, v in params.items():
        if isinstance(v, torch.Tensor):
            if k not in spec.learnable:
                if v.numel() != 1:
                    raise ValueError(f"{spec.name}: parameter {k!r} is not learnable and must be a number")
                v = v.item()
            else:
                learn_names.append(k)
                learn.append(v)
                continue
        static[k] = v
    key = (spec.name, name if isinstance(name, str) else None, tuple(sorted(static.items())), tuple(learn_names))
    impl = _CACHE.get(key)
    if impl is None:
        act = registry.get(name, **static) if isinstance(name, str) else Activation(spec, **static)
        impl = _Impl(act, tuple(learn_names))
        with _LOCK:
            _CACHE[key] = impl
    return impl, learn


def _as_float(x) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(x)
    if not (x.is_floating_point()):
        if x.is_complex():
            raise TypeError(f"activation input must be real, got dtype {x.dtype}")
        x = x.to(torch.get_default_dtype())
    return x


def apply(name, x, *, dim: int = -1, training: bool = False, generator: torch.Generator | None = None,
          **params) -> torch.Tensor:
    """Apply catalog activation ``name`` (name, alias or spec) to tensor ``x``; keeps dtype, device, shape.

    Parameters are the catalog's (validated there); learnable ones may be tensors broadcastable to ``x``
    (they then receive gradients).  Vector activations act along ``dim``.  Random activations (``rrelu``)
    sample in ``training`` mode with ``generator`` and use their mean behaviour otherwise.
    """
    x = _as_float(x)
    impl, learn = _bind(name, params)
    return apply_bound(impl, x, learn, dim=dim, training=training, generator=generator)


def apply_bound(impl: _Impl, x: torch.Tensor, learn=(), *, dim: int = -1, training: bool = False,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """:func:`apply` for an already bound activation (``_bind``) and a floating-point tensor ``x``: what the
    modules call, so that per-call work is only the path choice."""
    if impl.is_vector:
        if x.dim() == 0:
            raise ValueError(f"{impl.spec.name} is a vector activation and needs at least 1-D input")
        if not -x.dim() <= dim < x.dim():
            raise ValueError(f"{impl.spec.name}: dim {dim} is out of range for a {x.dim()}-D input")
        fast = impl.fast_for(x)
        if fast is not None and fast.vector is not None:
            op = _extension_op(fast.compiled_rows[0], x) if fast.compiled_rows and USE_EXTENSION else None
            if op is not None:
                y = op(x, dim % x.dim(), *fast.compiled_rows[1])
                return y if y.numel() else _Vector.apply(x, impl, dim % x.dim())    # a row it declines
            out = fast.vector(x, dim % x.dim(), **impl.static)
            if out is not None:
                if torch.is_grad_enabled() and x.requires_grad:
                    return _FusedVector.apply(x, fast.vjp, dim % x.dim(), list(out))
                return out[0]
        return _Vector.apply(x, impl, dim % x.dim())
    if training and impl.spec.random:
        fast = impl.fast_for(x)
        if fast is not None and fast.sample is not None:
            return fast.sample(x, generator, **impl.static)
        f = impl.formula_for_dtype(x.dtype)
        if f is None or f.sample is None:
            raise NotImplementedError(f"{impl.spec.name}: training-mode sampling needs a torch formula "
                                      "(actlab.torch.formulas) with sample")
        return f.sample(x, generator, **impl.static)
    return apply_elementwise(impl, x, learn)


def apply_elementwise(impl: _Impl, x: torch.Tensor, learn=()) -> torch.Tensor:
    """:func:`apply_bound` for an elementwise activation, deterministic (or in evaluation mode)."""
    fast = impl.fast_for(x)
    if fast is not None:
        if fast.compiled and USE_EXTENSION:
            op = _extension_op(impl.spec.name, x)
            if op is not None:
                param = _extension_param(impl, fast, learn)
                if param is not None:
                    return op(x, param)
        if not learn and fast.fused is not None:          # the common case first: least Python per call
            if torch.is_grad_enabled() and x.requires_grad:
                return _FusedPlain.apply(x, impl, fast.fused)
            return fast.fused(x, False, **impl.static)[0]
        if fast.native is not None:
            out = fast.native(x, **impl.kwargs(learn))
            if out is not None:
                return out
        if fast.fused is not None and (fast.accepts_learn is None or not learn or
                                       fast.accepts_learn(*learn)):
            if torch.is_grad_enabled() and (x.requires_grad or any(t.requires_grad for t in learn)):
                return _Fused.apply(x, impl, fast, *learn)
            return fast.fused(x, False, **impl.kwargs(learn))[0]
    f = impl.formula_for_dtype(x.dtype)
    if f is not None and f.native is not None and not learn:
        out = f.native(x, **impl.static)
        if out is not None:
            return out
    return _Elementwise.apply(x, impl, *learn)


_EXTENSION_OPS: dict = {}


def _extension_op(name: str, x: torch.Tensor | None = None):
    """``torch.ops.actlab.<name>`` when the extension is built, we are not being traced by ``torch.compile``
    (which fuses the torch-op fast path itself) and ``x`` is within the size it takes (any, where it is built
    parallel), else ``None``."""
    if torch.compiler.is_compiling() or not extension.load():     # load() sets MAX_NUMEL
        return None
    if x is not None and x.numel() > extension.MAX_NUMEL:
        return None
    op = _EXTENSION_OPS.get(name)
    if op is None:
        op = _EXTENSION_OPS[name] = getattr(torch.ops.actlab, name).default
    return op


def _extension_param(impl: _Impl, fast: Fast, learn) -> float | None:
    """The number the extension op takes as ``param`` (``fast.ext_param``; 0 when none), or ``None`` when the
    parameter is a tensor it cannot take: one that trains (the op has no df/dparam) or is per channel."""
    name = fast.ext_param
    if name is None:
        return 0.0
    if name in impl.static:
        return float(impl.static[name])
    value = learn[impl.learn_names.index(name)]
    if value.requires_grad or value.numel() != 1:
        return None
    return float(value)


def path_for(name, dtype: torch.dtype | None = None, device="cpu", **params) -> str:
    """Which implementation ``name`` with ``params`` uses for inputs of ``dtype`` (default
    ``torch.get_default_dtype()``) on ``device``: ``"fast"`` (:mod:`actlab.torch.fast`), ``"native"``,
    ``"formula"`` (generic torch formula) or ``"numpy"`` (the catalog's kernels)."""
    spec = registry.spec(name) if isinstance(name, str) else name
    dtype = dtype or torch.get_default_dtype()
    impl, _ = _bind(spec, params)
    if impl.fast_path(dtype, torch.device(device)) is not None:
        return "fast"
    if uses_native(spec, dtype, **params):
        return "native"
    return "numpy" if uses_numpy_fallback(spec, dtype) else "formula"


def uses_numpy_fallback(name, dtype: torch.dtype | None = None) -> bool:
    """True when ``name`` runs through the catalog's NumPy kernels for inputs of ``dtype`` (default:
    ``torch.get_default_dtype()``): it has no torch formula, or its formula does not serve ``dtype``."""
    spec = registry.spec(name) if isinstance(name, str) else name
    return _serving(formula_for(spec), dtype or torch.get_default_dtype()) is None


def uses_native(name, dtype: torch.dtype | None = None, **params) -> bool:
    """True when ``name`` with ``params`` is delegated to a native torch op (autograd through it) for inputs
    of ``dtype`` (default: ``torch.get_default_dtype()``)."""
    spec = registry.spec(name) if isinstance(name, str) else name
    dtype = dtype or torch.get_default_dtype()
    f = _serving(formula_for(spec), dtype)
    if f is None or f.native is None:
        return False
    impl, learn = _bind(spec, params)
    return not learn and f.native(torch.zeros(1, dtype=dtype), **impl.static) is not None


def _make(name: str):
    spec = registry.spec(name)

    def fn(x, **params):
        return apply(name, x, **params)

    fn.__name__ = fn.__qualname__ = name
    sig = ", ".join(f"{p.name}={p.default!r}" for p in spec.params)
    extra = "dim=-1, " if spec.kind == "vector" else ""
    fn.__doc__ = (f"{spec.class_name}: {spec.description}\n\n.. math:: {spec.formula}\n\n"
                  f"Call as ``{name}(x, {extra}{sig})``; see :func:`actlab.torch.functional.apply`.")
    return fn


def __getattr__(attr: str):
    if attr in registry.names():
        fn = _make(attr)
        globals()[attr] = fn
        return fn
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")


def __dir__():
    return sorted(set(globals()) | set(registry.names()))


for _name in registry.names():
    if _name not in globals():
        globals()[_name] = _make(_name)
del _name
