"""Layers: :class:`Dense`, :class:`Activation` (any catalog entry), :class:`Maxout`, :class:`Neuron`.

Every activation in the catalog can be a layer.  Elementwise activations backpropagate through
``f.derivative`` (from the cached input), vector activations (softmax, glu, maxout, ...) through
``f.vjp`` along the last axis.  Parameters a spec marks learnable (PReLU's slope, Swish's beta,
Snake's alpha, ...) become real :class:`~actlab.nn.module.Parameter` objects whose gradient comes from
``f.param_derivative``; they are shared (one scalar) or per unit (``num_parameters=n``, one value per
entry of the last axis, like ``torch.nn.PReLU(num_parameters=n)``).
"""
from __future__ import annotations

import sys
import warnings

import numpy as np

from ..core import Activation as _BoundActivation
from ..core import get
from ..core.numerics import finish, widen
from .init import resolve_init
from .module import Module, Parameter, check_dtype, make_rng, require_cache


# ============================================================================ Dense
class Dense(Module):
    r"""Affine layer :math:`y = x W + b` with ``W`` of shape ``(in_features, out_features)``.

    Args:
        in_features, out_features: sizes of the last axis of input and output.
        init: ``None`` (the default of ``activation``'s spec, or Glorot when there is none), a scheme
            name ('he', 'glorot_uniform', 'lecun_normal', ...), an ``Init`` or a callable
            ``(shape, rng, dtype) -> array``.
        bias: add a bias (initialised to 0).
        rng, seed: ``numpy.random.Generator`` (or int seed) used to draw the weights.
        dtype: float32 or float64; parameters are stored, and inputs converted, in this dtype.
        activation: the activation that follows, only used to choose the default ``init``.

    Shape: ``(..., in_features) -> (..., out_features)``.
    """

    def __init__(self, in_features: int, out_features: int, init=None, *, bias: bool = True, rng=None,
                 seed=None, dtype=np.float64, activation=None) -> None:
        self.in_features, self.out_features = int(in_features), int(out_features)
        if self.in_features < 1 or self.out_features < 1:
            raise ValueError(f"Dense sizes must be positive, got ({in_features}, {out_features})")
        self.dtype = check_dtype(dtype)
        rng = make_rng(rng, seed)
        w = np.asarray(resolve_init(init, activation)((self.in_features, self.out_features), rng=rng,
                                                     dtype=self.dtype), dtype=self.dtype)
        self.weight = Parameter(w, "weight")
        self.bias = Parameter(np.zeros(self.out_features, dtype=self.dtype), "bias") if bias else None
        self._x = None

    def forward(self, x):
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Dense expects input (..., {self.in_features}), got shape {x.shape}")
        self._x = x
        y = x @ self.weight.data
        if self.bias is not None:
            y += self.bias.data
        return y

    def backward(self, grad):
        x = require_cache(self, self._x)
        g = np.asarray(grad, dtype=self.dtype)
        x2, g2 = x.reshape(-1, self.in_features), g.reshape(-1, self.out_features)
        self.weight.grad += x2.T @ g2
        if self.bias is not None:
            self.bias.grad += g2.sum(axis=0)
        return g @ self.weight.data.T

    def extra_repr(self) -> str:
        return f"{self.in_features}, {self.out_features}, bias={self.bias is not None}, dtype={self.dtype.name}"


# ============================================================================ Activation
def _project(value: np.ndarray, param) -> None:
    """Clip ``value`` in place into the domain of the catalog ``Param`` (projected gradient descent)."""
    lo, hi = param.low, param.high
    if lo is not None:
        floor = lo if not param.low_open else lo + 1e-6 * max(1.0, abs(lo))
        np.maximum(value, floor, out=value)
    if hi is not None:
        ceil = hi if not param.high_open else hi - 1e-6 * max(1.0, abs(hi))
        np.minimum(value, ceil, out=value)


def _eval_kernel(kernel, x: np.ndarray, params: dict):
    """Run a spec kernel with (possibly array-valued) parameters, as ``Activation._run`` does for scalars."""
    w = widen(x)
    p = {k: (np.asarray(v, dtype=w.dtype) if isinstance(v, np.ndarray) else v) for k, v in params.items()}
    with np.errstate(all="ignore"):
        out = kernel(w, **p)
    if isinstance(out, dict):
        return {k: finish(np.broadcast_to(v, x.shape), x.dtype) for k, v in out.items()}
    return finish(np.broadcast_to(out, x.shape), x.dtype)


_F64 = np.dtype(np.float64)
PRECISIONS = ("exact", "fast")


def _fast_kernel(kernel, x: np.ndarray, params: dict):
    """``precision='fast'``: the spec kernel in float64 (the working type the catalog uses for float16/32
    inputs) instead of ``np.longdouble`` for float64 inputs -- the same guarded formulas, a few ulp instead of
    correctly rounded, 5-30x faster; the result has ``x``'s dtype."""
    w = x if x.dtype == _F64 else x.astype(_F64)
    with np.errstate(all="ignore"):     # kernels guard their arguments; rounding to float32 may overflow to inf
        out = np.asarray(kernel(w, **params))
        if out.shape != x.shape:
            out = np.broadcast_to(out, x.shape)
        return out if out.dtype == x.dtype else out.astype(x.dtype)


class Activation(Module):
    r"""A catalog activation as a layer: ``Activation('elu', alpha=0.5)``, ``Activation('prelu', num_parameters=8)``.

    Args:
        activation: name, alias, config dict, ``ActivationSpec`` or bound ``actlab.Activation``.
        num_parameters: 1 (each learnable parameter is one shared scalar) or the size of the last axis
            (one value per unit; elementwise activations only).
        learnable: names of the parameters to train; default ``spec.learnable``; ``()`` freezes them all.
        axis: axis of vector activations (softmax, glu, maxout, ...); default the last.
        rng, seed: generator for random activations (RReLU's slopes in training mode).
        dtype: dtype of the learnable parameters (the input's dtype is kept).
        precision: 'exact' (default: the catalog's evaluation, float64 inputs computed in ``np.longdouble``
            and correctly rounded) or 'fast' (elementwise activations without per-unit parameters: the same
            kernels computed in float64, a few ulp from the catalog and 5-30x cheaper -- plenty for training).
        **params: parameter values (initial values of the learnable ones).

    Learnable parameters are kept inside their catalog domain by clipping before each evaluation
    (projected gradient descent).  In training mode a random activation (``spec.random``: RReLU) draws
    one negative slope per element with the layer's generator and caches it for ``backward``; in
    evaluation mode it is the deterministic catalog function (mean slope).

    Shape: elementwise ``(...) -> (...)``; vector activations change the size of ``axis`` as the catalog
    function does (``glu`` halves it, ``maxout`` divides it by ``pieces``).
    """

    def __init__(self, activation, num_parameters: int = 1, *, learnable=None, axis: int = -1, rng=None,
                 seed=None, dtype=np.float64, precision: str = "exact", **params) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
        f = get(activation, **params)
        self.f = f
        self.precision = precision
        self.spec = f.spec
        self.axis = int(axis)
        self.dtype = check_dtype(dtype)
        self.rng = make_rng(rng, seed)
        self.num_parameters = int(num_parameters)
        names = tuple(self.spec.learnable if learnable is None else learnable)
        unknown = sorted(set(names) - set(self.spec.param_names))
        if unknown:
            raise ValueError(f"{self.spec.name}: unknown learnable parameter(s) {unknown}; "
                             f"parameters: {', '.join(self.spec.param_names) or 'none'}")
        if names and self.spec.param_derivative is None:
            warnings.warn(f"{self.spec.name} declares learnable parameter(s) {list(names)} but its spec has no "
                          f"param_derivative: they are kept fixed", RuntimeWarning, stacklevel=2)
            names, self.num_parameters = (), 1
        if self.num_parameters < 1:
            raise ValueError(f"num_parameters must be >= 1, got {num_parameters}")
        if self.num_parameters > 1 and (f.is_vector or not names):
            raise ValueError(f"{self.spec.name}: num_parameters > 1 needs an elementwise activation with "
                             f"learnable parameters")
        self.learnable = names
        shape = () if self.num_parameters == 1 else (self.num_parameters,)
        self._domain = {p.name: p for p in self.spec.params}
        self._learn = {}
        for name in names:
            attr = name if not hasattr(self, name) else f"{name}_param"
            param = Parameter(np.full(shape, f.params[name], dtype=self.dtype), name)
            setattr(self, attr, param)
            self._learn[name] = param
        self._vectorised = None      # per-unit mode: do the kernels accept array parameters?
        self._x = self._bound = self._dydx = None

    # ---------------------------------------------------------------- evaluation helpers
    def current(self) -> _BoundActivation:
        """The bound catalog activation at the current (shared) parameter values."""
        if not self._learn:
            return self.f
        if self.num_parameters > 1:
            raise ValueError("per-unit parameters: there is no single bound activation")
        values = {}
        for name, p in self._learn.items():
            _project(p.data, self._domain[name])
            values[name] = float(p.data)
        return get(self.f, **values)

    def _unit_values(self) -> dict:
        out = {}
        for name, p in self._learn.items():
            _project(p.data, self._domain[name])
            out[name] = p.data
        return out

    def _per_unit(self, x, values, want):
        """``want`` subset of ('f', 'd', 'p'): value, derivative, param derivatives with per-unit params."""
        if x.ndim == 0 or x.shape[-1] != self.num_parameters:
            raise ValueError(f"{self.spec.name}: {self.num_parameters} per-unit parameters need input "
                             f"(..., {self.num_parameters}), got shape {x.shape}")
        if self._vectorised is None:
            self._vectorised = self._check_vectorised(x)
        if self._vectorised:
            return self._vector_eval(x, values, want)
        return self._column_eval(x, values, want)

    def _vector_eval(self, x, values, want):
        params = {**self.f.params, **values}
        out = {}
        if "f" in want:
            out["f"] = _eval_kernel(self.spec.fn, x, params)
        if "d" in want:
            out["d"] = _eval_kernel(self.spec.derivative, x, params)
        if "p" in want:
            grads = _eval_kernel(self.spec.param_derivative, x, params)
            out["p"] = {k: grads[k] for k in self._learn}
        return out

    def _column_eval(self, x, values, want):
        out = {k: np.empty_like(x) for k in want if k != "p"}
        if "p" in want:
            out["p"] = {k: np.empty_like(x) for k in self._learn}
        for j in range(self.num_parameters):
            fj = get(self.f, **{k: float(v[j]) for k, v in values.items()})
            col = x[..., j]
            if "f" in want:
                out["f"][..., j] = fj(col)
            if "d" in want:
                out["d"][..., j] = fj.derivative(col)
            if "p" in want:
                for k, v in fj.param_derivative(col).items():
                    if k in out["p"]:
                        out["p"][k][..., j] = v
        return out

    def _check_vectorised(self, x) -> bool:
        """Do the spec's kernels broadcast array parameters?  Compared once with per-column evaluation
        on a few rows, with distinct parameter values per unit."""
        rows = x.reshape(-1, self.num_parameters)[:4]
        offsets = 0.01 * (np.arange(self.num_parameters) - self.num_parameters / 2)
        values = {}
        for name, p in self._learn.items():
            v = (p.data + offsets * max(1.0, float(np.max(np.abs(p.data))))).astype(p.dtype)
            _project(v, self._domain[name])
            values[name] = v
        try:
            a = self._vector_eval(rows, values, ("f", "d", "p"))
        except Exception:          # a kernel that needs scalar parameters (math.*, ``if p > 0``)
            return False
        b = self._column_eval(rows, values, ("f", "d", "p"))
        tol = 8 * np.finfo(rows.dtype).eps
        pairs = [(a["f"], b["f"]), (a["d"], b["d"])] + [(a["p"][k], b["p"][k]) for k in self._learn]
        return all(u.shape == v.shape and np.allclose(u, v, rtol=tol, atol=tol, equal_nan=True) for u, v in pairs)

    def _random_training(self, x):
        """RReLU-style training forward: one negative slope per element drawn from U(lower, upper), with
        the spec module's ``sample_slopes`` / ``forward_with_slopes`` / ``derivative_with_slopes`` when it
        has them (so the layer draws exactly what ``f(x, training=True, rng=...)`` draws)."""
        p = self.f.params
        if "lower" not in p or "upper" not in p:
            raise NotImplementedError(f"{self.spec.name}: random activation without lower/upper parameters")
        module = sys.modules.get(self.spec.fn.__module__)
        sampler = getattr(module, "sample_slopes", None)
        if sampler is not None:
            slopes = np.asarray(sampler(x.shape, p["lower"], p["upper"], self.rng))
        else:
            slopes = self.rng.uniform(p["lower"], p["upper"], size=x.shape)
        fwd = getattr(module, "forward_with_slopes", None)
        der = getattr(module, "derivative_with_slopes", None)
        if fwd is not None and der is not None:
            return fwd(x, slopes), der(x, slopes)
        s = slopes.astype(x.dtype)
        y = np.where(x > 0, x, s * np.minimum(x, 0))
        dydx = np.where(x > 0, np.ones_like(x), s)
        return y, np.where(np.isnan(x), x, dydx)

    # ---------------------------------------------------------------- forward / backward
    def forward(self, x):
        x = np.asarray(x)
        if x.dtype.kind != "f":
            x = x.astype(self.dtype)
        self._x, self._dydx = x, None
        if self.spec.random and self.training:
            y, self._dydx = self._random_training(x)
            self._bound = self.f
            return y
        if self.num_parameters > 1:
            self._bound = None
            return self._per_unit(x, self._unit_values(), ("f",))["f"]
        self._bound = f = self.current()
        if f.is_vector:
            return f(x, axis=self.axis)
        if self.precision == "fast":
            return _fast_kernel(self.spec.fn, x, f.params)
        return f(x)

    def backward(self, grad):
        x = require_cache(self, self._x)
        g = np.asarray(grad, dtype=x.dtype)
        if self.num_parameters > 1:
            r = self._per_unit(x, self._unit_values(), ("d", "p"))
            for name, p in self._learn.items():
                p.grad += (g * r["p"][name]).reshape(-1, self.num_parameters).sum(axis=0)
            return g * r["d"]
        f = self._bound
        if self._dydx is not None:
            gx = g * self._dydx
        elif f.is_vector:
            gx = f.vjp(x, g, axis=self.axis)
        elif self.precision == "fast" and self.spec.derivative is not None:
            gx = g * _fast_kernel(self.spec.derivative, x, f.params)
        else:
            gx = g * f.derivative(x)
        if self._learn and self._dydx is None:
            pd = f.param_derivative(x)
            for name, p in self._learn.items():
                p.grad += np.sum(g * pd[name])
        return gx

    def output_size(self, n: int) -> int:
        """Size of the activation's axis in the output for an input of size ``n`` (``glu``: n/2)."""
        if not self.f.is_vector:
            return n
        return int(np.shape(self.f(np.zeros((1, n)), axis=-1))[-1])

    def extra_repr(self) -> str:
        parts = [repr(self.current() if self.num_parameters == 1 else self.f)]
        if self.num_parameters > 1:
            parts.append(f"num_parameters={self.num_parameters}")
        if self.learnable:
            parts.append(f"learnable={list(self.learnable)}")
        return ", ".join(parts)


def input_size_for(activation, units: int, max_factor: int = 64) -> int:
    """Input size an activation needs to produce ``units`` outputs along its axis (``glu``: 2 units,
    ``maxout(pieces=k)``: k units, elementwise: units), found by evaluating the catalog function."""
    f = activation.f if isinstance(activation, Activation) else get(activation)
    if not f.is_vector:
        return units
    for m in range(1, max_factor + 1):
        try:
            if np.shape(f(np.zeros((1, units * m)), axis=-1))[-1] == units:
                return units * m
        except ValueError:
            continue
    raise ValueError(f"{f.name}: no input size up to {max_factor}*{units} gives {units} outputs")


# ============================================================================ Maxout
class Maxout(Module):
    r"""Maxout units: ``Dense(in_features, units * pieces)`` followed by the catalog ``maxout(pieces)``.

    .. math:: y_i = \max_{0 \le r < k} (x W + b)_{ik + r}

    The ``k`` linear pieces of each unit are the columns ``ik .. ik+k-1`` of the dense layer; they are
    the learnable part.  Shape: ``(..., in_features) -> (..., units)``.
    """

    def __init__(self, in_features: int, units: int, pieces: int = 2, init=None, *, rng=None, seed=None,
                 dtype=np.float64) -> None:
        self.activation = Activation("maxout", pieces=pieces, dtype=dtype)
        self.linear = Dense(in_features, units * int(pieces), init=init, rng=make_rng(rng, seed), dtype=dtype,
                            activation=self.activation.f)
        self.units, self.pieces = int(units), int(pieces)

    def _items(self):
        yield "linear", self.linear
        yield "activation", self.activation

    def forward(self, x):
        return self.activation.forward(self.linear.forward(x))

    def backward(self, grad):
        return self.linear.backward(self.activation.backward(grad))

    def extra_repr(self) -> str:
        return f"{self.linear.in_features}, units={self.units}, pieces={self.pieces}"


# ============================================================================ Neuron
class Neuron(Module):
    r"""The tutorials' single neuron: :math:`y = f(x \cdot w + b)`.

    Args:
        weights: the weight vector ``w`` (length ``n``); its dtype (float32/float64) is the neuron's dtype.
        bias: the scalar ``b``.
        activation: an elementwise catalog activation (name, config or bound activation).
        **params: activation parameters.

    Shape: ``(..., n) -> (...)``.  ``weights``, ``bias`` and learnable activation parameters are trainable.

    Example::

        >>> Neuron([0.5, -1.0], 0.25, "relu")([2.0, 1.0])
        array(0.25)
    """

    def __init__(self, weights, bias=0.0, activation="sigmoid", **params) -> None:
        w = np.asarray(weights)
        dtype = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
        self.dtype = check_dtype(dtype)
        if w.ndim != 1:
            raise ValueError(f"Neuron weights must be a vector, got shape {w.shape}")
        self.weight = Parameter(w.astype(self.dtype), "weight")
        self.bias = Parameter(np.asarray(bias, dtype=self.dtype), "bias")
        self.activation = Activation(activation, dtype=self.dtype, **params)
        if self.activation.f.is_vector:
            raise ValueError(f"a single neuron needs an elementwise activation; {self.activation.spec.name} is a vector activation")
        self._x = None

    def forward(self, x):
        x = np.asarray(x, dtype=self.dtype)
        self._x = x
        return self.activation.forward(x @ self.weight.data + self.bias.data)

    def backward(self, grad):
        x = require_cache(self, self._x)
        gz = np.asarray(self.activation.backward(grad), dtype=self.dtype)
        n = self.weight.size
        self.weight.grad += x.reshape(-1, n).T @ gz.reshape(-1)
        self.bias.grad += gz.sum()
        return gz[..., None] * self.weight.data

    def extra_repr(self) -> str:
        return f"n={self.weight.size}, activation={self.activation.current()!r}"
