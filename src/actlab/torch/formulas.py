r"""Torch formulations of catalog activations, keyed by canonical catalog name (the ONE table of names here).

Nothing requires an entry: an activation that is registered in the catalog but has no entry here runs
through the NumPy fallback of :mod:`actlab.torch.functional` (exact, CPU round trip, no ``torch.compile``).
An entry is used only when its declared ``params`` equal the spec's parameter names, so a catalog change of
signature silently falls back to NumPy instead of computing something else.

Elementwise entries receive ``x`` already converted to the working dtype (float64; see
:mod:`actlab.torch.functional`) and parameters as Python floats, or tensors for learnable parameters
(broadcastable to ``x``).  They return tensors in the working dtype; NaN in gives NaN out, :math:`\pm\infty`
gives the catalog's limits.  ``native`` (optional) is a native torch op whose definition **and**
derivative convention (at kinks, at :math:`\pm\infty`) equal the catalog's, so autograd can go through it;
it may return ``None`` to decline for particular parameter values.

Vector entries (``kind="vector"``) get ``(x, dim, **params)`` and ``vjp(x, g, dim, **params)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class Formula:
    """Torch formulation of one catalog activation (see the module docstring)."""

    params: tuple[str, ...] = ()
    fn: Callable | None = None
    derivative: Callable | None = None
    second_derivative: Callable | None = None
    param_derivative: Callable | None = None   # (x, **p) -> {learnable name: df/dparam}
    native: Callable | None = None             # (x, **p) -> tensor or None (declined); autograd through it
    vjp: Callable | None = None                # vector: (x, g, dim, **p) -> input cotangent
    sample: Callable | None = None             # random: (x, generator, **p) -> output, differentiable torch ops


# ---------------------------------------------------------------------------- helpers
def _nan_to(x, value):
    """``value`` (a tensor) with NaN wherever ``x`` is NaN."""
    return torch.where(torch.isnan(x), x, value)


def _sigmoid(x):
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(x):
    e = torch.exp(-x.abs())
    return e / ((1.0 + e) * (1.0 + e))


def _sech2(x):
    e = torch.exp(-2.0 * torch.clamp(x.abs(), max=1e4))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def _leaky(x, a):
    neg = torch.clamp(x, max=0.0)
    zero_slope = (torch.as_tensor(a, dtype=x.dtype, device=x.device) == 0) & torch.isinf(neg)
    neg = torch.where(zero_slope, torch.zeros_like(neg), neg)
    return torch.where(x > 0, x, a * neg)


def _leaky_derivative(x, a):
    a = torch.as_tensor(a, dtype=x.dtype, device=x.device)
    return _nan_to(x, torch.where(x > 0, torch.ones_like(x), a.expand_as(x) if a.dim() else a))


def _zero(x):
    return _nan_to(x, torch.zeros_like(x))


def _one(x):
    return _nan_to(x, torch.ones_like(x))


def _clip_derivative(x, lo, hi):
    return _nan_to(x, ((x > lo) & (x < hi)).to(x.dtype))


def _mean_slope(lower, upper):
    return (float(lower) + float(upper)) / 2.0


def _rrelu_sample(x, generator, lower, upper):
    slopes = torch.empty(x.shape, dtype=torch.float64 if x.dtype != torch.float64 else x.dtype,
                         device=x.device)
    slopes.uniform_(float(lower), float(upper), generator=generator)
    return _leaky(x.to(slopes.dtype), slopes).to(x.dtype)


# ---------------------------------------------------------------------------- silu / softplus (gated)
_U_CLIP = 2.0e4      # |beta x| beyond which sigma, f', f'' have their limits (as the catalog)


def _silu_parts(x, beta):
    beta = torch.as_tensor(beta, dtype=x.dtype, device=x.device)
    bound = torch.clamp(_U_CLIP / beta.abs(), max=1.0e290)
    xc = torch.maximum(torch.minimum(x, bound), -bound)
    u = beta * xc
    return xc, u, _sigmoid(u), _sigmoid(-u), bound, beta


def _silu(x, beta):
    xc, u, s, _, bound, beta = _silu_parts(x, beta)
    out = torch.maximum(x, -bound) * s          # x = -inf must not give -inf * 0
    return torch.where(beta == 0, 0.5 * x, out)


def _silu_derivative(x, beta):
    xc, u, s, sn, _, beta = _silu_parts(x, beta)
    return _nan_to(x, torch.where(beta == 0, torch.full_like(x, 0.5), s * (1.0 + u * sn)))


def _silu_second_derivative(x, beta):
    xc, u, s, sn, _, beta = _silu_parts(x, beta)
    return _nan_to(x, (beta * (s * sn)) * (2.0 - u * torch.tanh(0.5 * u)))


def _silu_param_derivative(x, beta):
    xc, u, s, sn, _, beta = _silu_parts(x, beta)
    return {"beta": _nan_to(x, (xc * xc) * (s * sn))}      # d/dbeta x sigma(beta x) = x^2 sigma'(beta x)


def _softplus_e(x, beta):
    return torch.exp(-beta * torch.clamp(x.abs(), max=_U_CLIP / beta))


def _softplus(x, beta):
    return torch.clamp(x, min=0.0) + torch.log1p(_softplus_e(x, beta)) / beta


def _softplus_derivative(x, beta):
    e = _softplus_e(x, beta)
    return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus_second_derivative(x, beta):
    e = _softplus_e(x, beta)
    return beta * (e / ((1.0 + e) * (1.0 + e)))


# ---------------------------------------------------------------------------- vector helpers
def _shifted(x, dim):
    """``x - max(x)`` with the catalog's conventions for rows with an infinite max (see softmax.py)."""
    m = torch.amax(x, dim=dim, keepdim=True) if x.numel() else x.sum(dim=dim, keepdim=True)
    finite_m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    z = x - finite_m
    inf_row = torch.isinf(m)
    return torch.where(inf_row, torch.where(x == m, torch.zeros_like(x), torch.full_like(x, -torch.inf)), z)


def _softmax(x, dim):
    e = torch.exp(_shifted(x, dim))
    return e / e.sum(dim=dim, keepdim=True)


def _softmax_vjp(x, g, dim):
    y = _softmax(x, dim)
    return y * (g - (g * y).sum(dim=dim, keepdim=True))


def _log_softmax(x, dim):
    z = torch.clamp(_shifted(x, dim), max=0.0)
    rest = torch.where(z == 0, torch.zeros_like(z), torch.exp(z)).sum(dim=dim, keepdim=True)
    ties = (z == 0).sum(dim=dim, keepdim=True).to(z.dtype) - 1
    return z - torch.log1p(rest + torch.clamp(ties, min=0))


def _glu_halves(x, dim):
    n = x.shape[dim]
    if n % 2:
        raise ValueError(f"glu: the size along dim {dim} must be even to split it in halves, got {n}")
    return torch.chunk(x, 2, dim=dim)


def _glu_vjp(x, g, dim):
    a, b = _glu_halves(x, dim)
    return torch.cat([g * _sigmoid(b), g * (a * _sigmoid_prime(b))], dim=dim)


def _maxout_groups(x, dim, pieces):
    n = x.shape[dim]
    if n % pieces:
        raise ValueError(f"maxout: the size {n} along dim {dim} is not divisible by pieces={pieces}")
    moved = x.movedim(dim, -1)
    return moved.reshape(moved.shape[:-1] + (n // pieces, pieces))


def _maxout(x, dim, pieces):
    return torch.amax(_maxout_groups(x, dim, int(pieces)), dim=-1).movedim(-1, dim) if x.numel() else \
        _maxout_groups(x, dim, int(pieces))[..., 0].movedim(-1, dim)


def _maxout_vjp(x, g, dim, pieces):
    pieces = int(pieces)
    groups = _maxout_groups(x, dim, pieces)
    # first maximum of each group; a NaN counts as the maximum (as np.argmax): argmax over "is max or NaN"
    is_max = (groups == groups.amax(dim=-1, keepdim=True)) | torch.isnan(groups)
    first = torch.argmax(is_max.to(torch.uint8), dim=-1, keepdim=True)
    hit = torch.arange(pieces, device=x.device) == first
    gm = g.movedim(dim, -1).unsqueeze(-1)
    out = torch.where(hit, gm, torch.zeros((), dtype=g.dtype, device=g.device))
    return out.reshape(out.shape[:-2] + (-1,)).movedim(-1, dim)


# ---------------------------------------------------------------------------- the table
FORMULAS: dict[str, Formula] = {
    "identity": Formula(fn=lambda x: x.clone(), derivative=_one, second_derivative=_zero),
    "relu": Formula(fn=lambda x: torch.clamp(x, min=0.0),
                    derivative=lambda x: _nan_to(x, (x > 0).to(x.dtype)), second_derivative=_zero,
                    native=lambda x: torch.relu(x)),
    "relu6": Formula(fn=lambda x: torch.clamp(x, 0.0, 6.0), derivative=lambda x: _clip_derivative(x, 0.0, 6.0),
                     second_derivative=_zero, native=lambda x: F.relu6(x)),
    "hardtanh": Formula(params=("min_val", "max_val"),
                        fn=lambda x, min_val, max_val: torch.clamp(x, min_val, max_val),
                        derivative=lambda x, min_val, max_val: _clip_derivative(x, min_val, max_val),
                        second_derivative=lambda x, min_val, max_val: _zero(x),
                        native=lambda x, min_val, max_val: F.hardtanh(x, min_val, max_val)),
    "leaky_relu": Formula(params=("negative_slope",),
                          fn=lambda x, negative_slope: _leaky(x, negative_slope),
                          derivative=lambda x, negative_slope: _leaky_derivative(x, negative_slope),
                          second_derivative=lambda x, negative_slope: _zero(x),
                          # native leaky_relu(-inf, 0) is 0 * -inf = NaN: decline slope 0
                          native=lambda x, negative_slope: None if negative_slope == 0
                          else F.leaky_relu(x, negative_slope)),
    "prelu": Formula(params=("weight",), fn=lambda x, weight: _leaky(x, weight),
                     derivative=lambda x, weight: _leaky_derivative(x, weight),
                     second_derivative=lambda x, weight: _zero(x),
                     param_derivative=lambda x, weight: {"weight": torch.clamp(x, max=0.0)}),
    "rrelu": Formula(params=("lower", "upper"),
                     fn=lambda x, lower, upper: _leaky(x, _mean_slope(lower, upper)),
                     derivative=lambda x, lower, upper: _leaky_derivative(x, _mean_slope(lower, upper)),
                     second_derivative=lambda x, lower, upper: _zero(x),
                     sample=_rrelu_sample),
    "elu": Formula(params=("alpha",),
                   fn=lambda x, alpha: torch.where(x > 0, x, alpha * torch.expm1(torch.clamp(x, max=0.0))),
                   derivative=lambda x, alpha: torch.where(x > 0, torch.ones_like(x),
                                                           alpha * torch.exp(torch.clamp(x, max=0.0))),
                   second_derivative=lambda x, alpha: torch.where(x > 0, torch.zeros_like(x),
                                                                  alpha * torch.exp(torch.clamp(x, max=0.0)))),
    "step": Formula(params=("value_at_zero",),
                    fn=lambda x, value_at_zero: _nan_to(x, torch.where(
                        x > 0, torch.ones_like(x),
                        torch.where(x == 0, torch.full_like(x, value_at_zero), torch.zeros_like(x)))),
                    derivative=lambda x, value_at_zero: _zero(x),
                    second_derivative=lambda x, value_at_zero: _zero(x)),
    "threshold": Formula(params=("threshold", "value"),
                         # native F.threshold maps NaN to ``value``: not used
                         fn=lambda x, threshold, value: _nan_to(x, torch.where(x > threshold, x,
                                                                               torch.full_like(x, value))),
                         derivative=lambda x, threshold, value: _nan_to(x, (x > threshold).to(x.dtype)),
                         second_derivative=lambda x, threshold, value: _zero(x)),
    "sigmoid": Formula(fn=_sigmoid, derivative=_sigmoid_prime,
                       second_derivative=lambda x: -_sigmoid_prime(x) * torch.tanh(0.5 * x)),
    "tanh": Formula(fn=torch.tanh, derivative=_sech2,
                    second_derivative=lambda x: -2.0 * torch.tanh(x) * _sech2(x)),
    "silu": Formula(params=("beta",), fn=_silu, derivative=_silu_derivative,
                    second_derivative=_silu_second_derivative, param_derivative=_silu_param_derivative),
    "softplus": Formula(params=("beta",), fn=_softplus, derivative=_softplus_derivative,
                        second_derivative=_softplus_second_derivative),
    # ------------------------------------------------------------ vector
    "softmax": Formula(fn=_softmax, vjp=_softmax_vjp),
    "softmin": Formula(fn=lambda x, dim: _softmax(-x, dim), vjp=lambda x, g, dim: -_softmax_vjp(-x, g, dim)),
    "log_softmax": Formula(fn=_log_softmax,
                           vjp=lambda x, g, dim: g - _softmax(x, dim) * g.sum(dim=dim, keepdim=True)),
    "glu": Formula(fn=lambda x, dim: (lambda a, b: a * _sigmoid(b))(*_glu_halves(x, dim)), vjp=_glu_vjp),
    "maxout": Formula(params=("pieces",), fn=_maxout, vjp=_maxout_vjp),
}


def formula_for(spec) -> Formula | None:
    """The torch formulation of ``spec`` if there is one whose parameters match the spec's, else ``None``."""
    f = FORMULAS.get(spec.name)
    if f is None or tuple(f.params) != tuple(spec.param_names):
        return None
    return f
