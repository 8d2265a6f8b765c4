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

``dtypes`` (optional) lists the input dtypes an entry serves (default ``None``: all); inputs of other
dtypes take the NumPy fallback.  :data:`LOW_PRECISION` (float16, bfloat16, float32) is for formulas
whose float64 evaluation is far more accurate than those dtypes need but not within a few ULP of the
catalog's long-double float64 results.

Vector entries (``kind="vector"``) get ``(x, dim, **params)`` and ``vjp(x, g, dim, **params)``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
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
    dtypes: tuple | None = None                # input dtypes served (None: all); others take the NumPy fallback


LOW_PRECISION = (torch.float16, torch.bfloat16, torch.float32)


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


# ---------------------------------------------------------------------------- error-free transformations
def _pair(text):
    """``(hi, lo)`` Python floats with ``hi + lo`` = the decimal ``text`` to about 2^-106 relative."""
    v = Fraction(text)
    hi = float(v)
    return hi, float(v - Fraction(hi))


def _split(a):
    """Veltkamp split of ``a`` (|a| < 1e300) into 26-bit halves ``hi + lo = a`` (tensors or floats)."""
    c = 134217729.0 * a
    hi = c - (c - a)
    return hi, a - hi


def _two_product(a, b):
    """Dekker: ``(p, e)`` with ``p = fl(a b)`` and ``a b = p + e`` exactly (barring under/overflow)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _two_sum(a, b):
    """Knuth: ``(s, e)`` with ``s = fl(a + b)`` and ``a + b = s + e`` exactly."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


# ---------------------------------------------------------------------------- gelu
_T_MAX = 160.0                                   # Phi(-t), phi(t) are 0 in float64 beyond this
_INV_SQRT2 = 0.7071067811865476
_INV_SQRT_2PI = 0.3989422804014327
_SQRT_PI_OVER_2 = 1.2533141373155003             # Mills ratio R(t) = sqrt(pi/2) erfcx(t/sqrt 2)
_SQRT2_PAIR = _pair("1.41421356237309504880168872420969807856967")
_C1_PAIR = _pair("1.59576912160573071175978423973752747")     # 2 sqrt(2/pi)
_C3_PAIR = _pair("0.071354816272600248776338752279863541")    # 2 sqrt(2/pi) * 0.044715
_TANH_CLAMP = 100.0


def _norm_pdf(t):
    """phi(t) with t^2/2 as an exact sum hi + lo (the rounding of t^2 costs |t|^2 ULP otherwise)."""
    sq, sq_e = _two_product(t, t)
    return _INV_SQRT_2PI * torch.exp(-0.5 * sq) * (1.0 - 0.5 * sq_e)


def _gelu_exact_parts(x):
    """``t = |x|`` (clamped), phi(t) and the Mills ratio R(t); Phi(-t) = phi(t) R(t)."""
    t = torch.clamp(x.abs(), max=_T_MAX)
    return t, _norm_pdf(t), _SQRT_PI_OVER_2 * torch.special.erfcx(t * _INV_SQRT2)


def _gelu_exact(x):
    t, p, r = _gelu_exact_parts(x)
    q = p * r
    return torch.where(x < 0, -t * q, x * (1.0 - q))


def _gelu_exact_derivative(x):
    t, p, r = _gelu_exact_parts(x)
    return torch.where(x < 0, p * (r - t), 1.0 + p * (t - r))


def _gelu_exact_second_derivative(x):
    t = torch.clamp(x.abs(), max=_T_MAX)
    s_hi, s_lo = _SQRT2_PAIR
    return _norm_pdf(t) * (((s_hi - t) + s_lo) * (s_hi + t))


def _gelu_tanh_parts(x):
    """``a = |x|`` (clamped), ``v(a)`` and sigma(+-v) corrected for the low word of ``v`` (as the catalog)."""
    a = torch.clamp(x.abs(), max=_TANH_CLAMP)
    (c1, c1_lo), (c3, c3_lo) = _C1_PAIR, _C3_PAIR
    sq, sq_e = _two_product(a, a)
    cube, cube_e = _two_product(a, sq)
    cube_e = cube_e + a * sq_e
    p1, e1 = _two_product(a, c1)
    p3, e3 = _two_product(cube, c3)
    v = p1 + p3
    v_lo = ((p1 - v) + p3) + (e1 + c1_lo * a) + (e3 + c3 * cube_e + c3_lo * cube)
    e = torch.exp(-v)
    sp = 1.0 / (1.0 + e)
    sn = e * sp
    return a, v, sp * (1.0 + v_lo * sn), sn * (1.0 - v_lo * sp)


def _gelu_tanh(x):
    a, _, sp, sn = _gelu_tanh_parts(x)
    return torch.where(x < 0, -a * sn, x * sp)


def _gelu_tanh_derivative(x):
    a, _, sp, sn = _gelu_tanh_parts(x)
    vp = _C1_PAIR[0] + 3.0 * _C3_PAIR[0] * (a * a)
    return torch.where(x < 0, sn * (1.0 - a * vp * sp), sp * (1.0 + a * vp * sn))


def _gelu_tanh_second_derivative(x):
    a, v, sp, sn = _gelu_tanh_parts(x)
    c1, c3 = _C1_PAIR[0], _C3_PAIR[0]
    vp = c1 + 3.0 * c3 * (a * a)
    vpp = 6.0 * c3 * a
    return sp * sn * (2.0 * vp + a * vpp - a * vp * vp * torch.tanh(0.5 * v))


def _gelu(kind):
    exact = {0: _gelu_exact, 1: _gelu_exact_derivative, 2: _gelu_exact_second_derivative}[kind]
    tanh = {0: _gelu_tanh, 1: _gelu_tanh_derivative, 2: _gelu_tanh_second_derivative}[kind]
    return lambda x, approximate: tanh(x) if approximate == "tanh" else exact(x)


# ---------------------------------------------------------------------------- selu / celu
_SELU_SCALE = 1.0507009873554804934193349852946          # rounded once to float64
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123    # scale * alpha, rounded once


def _selu(x):
    return torch.where(x > 0, _SELU_SCALE * x, _SELU_SCALE_ALPHA * torch.expm1(torch.clamp(x, max=0.0)))


def _selu_derivative(x):
    return _nan_to(x, torch.where(x > 0, torch.full_like(x, _SELU_SCALE),
                                  _SELU_SCALE_ALPHA * torch.exp(torch.clamp(x, max=0.0))))


def _selu_second_derivative(x):
    return torch.where(x > 0, torch.zeros_like(x), _SELU_SCALE_ALPHA * torch.exp(torch.clamp(x, max=0.0)))


_CELU_U = 800.0        # exp(U) overflows float64: beyond, every result has its limit or is +-inf


def _celu_t(x, alpha):
    """``xn = min(x, 0)`` clamped (``xn / alpha`` cannot overflow), ``t = xn/alpha`` with its rounding
    error ``t_lo`` (``xn/alpha = t + t_lo`` to 2^-106: e^t would otherwise lose |t| ULP), ``log|alpha|``."""
    s = abs(alpha)
    ls = math.log(s)
    cap = (_CELU_U + abs(ls) + 100.0) * s       # may be inf: then xn / alpha cannot overflow
    xn = torch.clamp(torch.clamp(x, max=0.0), min=-cap)
    t = xn / alpha
    p, e = _two_product(t, alpha)
    t_lo = torch.where(torch.isfinite(t), ((xn - p) - e) / alpha, torch.zeros_like(t))
    return xn, t, t_lo, ls


def _celu(x, alpha):
    xn, t, t_lo, ls = _celu_t(x, alpha)
    tiny = t.abs() < 2.0 ** -24              # |t| tiny (huge |alpha|): x (1 + t/2 + t^2/6)
    ts, xs = torch.where(tiny, t, torch.zeros_like(t)), torch.where(tiny, xn, torch.zeros_like(xn))
    series = xs + xs * ts * (0.5 + ts / 6.0)
    if alpha > 0:
        neg = alpha * (torch.expm1(t) + torch.exp(t) * t_lo)
    else:                                    # t >= 0: scale in log space for t > 1 (no alpha e^t overflow)
        tt = torch.where(t <= 1.0, t, torch.zeros_like(t))
        small = alpha * (torch.expm1(tt) + torch.exp(tt) * torch.where(t <= 1.0, t_lo, torch.zeros_like(t)))
        u, u_lo = _two_sum(torch.clamp(t, min=1.0), ls)
        u_lo = u_lo + torch.where(t >= 1.0, t_lo, torch.zeros_like(t))
        big = -(torch.exp(u) * (1.0 + u_lo) + alpha)
        neg = torch.where(t <= 1.0, small, big)
    return torch.where(x > 0, x, torch.where(tiny, series, neg))


def _celu_derivative(x, alpha):
    _, t, t_lo, _ = _celu_t(x, alpha)
    return torch.where(x > 0, torch.ones_like(x), torch.exp(t) * (1.0 + t_lo))


def _celu_second_derivative(x, alpha):
    _, t, t_lo, ls = _celu_t(x, alpha)
    if 1e-30 <= abs(alpha) <= 1e30:
        neg = torch.exp(t) * (1.0 + t_lo) / alpha
    else:
        u, u_lo = _two_sum(t, -ls)
        neg = math.copysign(1.0, alpha) * (torch.exp(u) * (1.0 + (u_lo + t_lo)))
    return torch.where(x > 0, torch.zeros_like(x), neg)


# ---------------------------------------------------------------------------- mish
_MISH_CLIP = 2.0e4


def _mish_gate(x):
    """``(T, D, sigma(x), sigma(-x))`` with T = tanh(softplus(x)), D = 1 - T from e^{-|x|} (as the catalog)."""
    e = torch.exp(-x.abs())
    pos = x >= 0
    one = torch.ones_like(x)
    p = torch.where(pos, one, e)
    q = torch.where(pos, e, one)
    w = p * (p + 2.0 * q)
    q2 = 2.0 * (q * q)
    inv = 1.0 / (w + q2)
    r = 1.0 / (p + q)
    return w * inv, q2 * inv, p * r, q * r


def _mish(x):
    t, _, _, _ = _mish_gate(x)
    return torch.clamp(x, min=-_MISH_CLIP) * t          # f(-inf) = 0 instead of -inf * 0


def _mish_derivative(x):
    x = torch.clamp(x, -_MISH_CLIP, _MISH_CLIP)
    t, d, s, _ = _mish_gate(x)
    return t + x * (s * (d * (1.0 + t)))


def _mish_second_derivative(x):
    x = torch.clamp(x, -_MISH_CLIP, _MISH_CLIP)
    t, d, s, sn = _mish_gate(x)
    return (s * (d * (1.0 + t))) * (2.0 + x * (sn - 2.0 * (t * s)))


# ---------------------------------------------------------------------------- hardswish / hard_sigmoid
def _hardswish(x):
    xi = torch.clamp(x, -3.0, 3.0)
    return torch.where(x <= -3.0, torch.zeros_like(x), torch.where(x >= 3.0, x, xi * (xi + 3.0) / 6.0))


def _hardswish_derivative(x):
    xi = torch.clamp(x, -3.0, 3.0)
    return torch.where(x <= -3.0, torch.zeros_like(x), torch.where(x >= 3.0, torch.ones_like(x),
                                                                   (xi + 1.5) / 3.0))


def _hardswish_second_derivative(x):
    return torch.where((x > -3.0) & (x < 3.0), torch.full_like(x, 1.0 / 3.0), _zero(x))


def _recip_int(slope):
    """``k`` when ``slope`` is the double nearest to ``1/k`` (integer ``k <= 2**11``), else None (catalog)."""
    if slope < 2.0 ** -12:
        return None
    k = round(1.0 / slope)
    return k if 1 <= k <= 2 ** 11 and 1.0 / k == slope else None


def _hard_sigmoid_linear(x, slope, offset):
    """``(u, top)`` with ``u / top`` = s x + c up to one rounding (see the catalog's hard_sigmoid)."""
    x = torch.where(torch.isinf(x), torch.copysign(torch.full_like(x, 1e300), x), x)
    k = _recip_int(slope)
    if k is not None:
        return x + float(offset) * k, k
    p, e = _two_product(x, float(slope))
    return (p + offset) + e, 1


def _hard_sigmoid(x, slope, offset):
    u, top = _hard_sigmoid_linear(x, slope, offset)
    return torch.clamp(u / top, 0.0, 1.0)


def _hard_sigmoid_derivative(x, slope, offset):
    u, top = _hard_sigmoid_linear(x, slope, offset)
    k = _recip_int(slope)
    s = 1.0 / k if k is not None else float(slope)
    return _nan_to(x, torch.where((u > 0) & (u < top), torch.full_like(x, s), torch.zeros_like(x)))


# ---------------------------------------------------------------------------- softsign / log_sigmoid
def _softsign(x):
    inf = torch.isinf(x)
    xs = torch.where(inf, torch.zeros_like(x), x)       # inf/inf is NaN: guard the argument
    return torch.where(inf, torch.sign(x), xs * (1.0 / (1.0 + xs.abs())))


def _softsign_derivative(x):
    r = 1.0 / (1.0 + x.abs())
    return r * r


def _softsign_second_derivative(x):
    r = 1.0 / (1.0 + x.abs())
    return -2.0 * torch.sign(x) * (r * r * r)


def _log_sigmoid(x):
    return torch.clamp(x, max=0.0) - torch.log1p(torch.exp(-x.abs()))


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
    "gelu": Formula(params=("approximate",), fn=_gelu(0), derivative=_gelu(1), second_derivative=_gelu(2)),
    "selu": Formula(fn=_selu, derivative=_selu_derivative, second_derivative=_selu_second_derivative),
    "celu": Formula(params=("alpha",), fn=_celu, derivative=_celu_derivative,
                    second_derivative=_celu_second_derivative),
    "mish": Formula(fn=_mish, derivative=_mish_derivative, second_derivative=_mish_second_derivative),
    "hardswish": Formula(fn=_hardswish, derivative=_hardswish_derivative,
                         second_derivative=_hardswish_second_derivative),
    "hard_sigmoid": Formula(params=("slope", "offset"), fn=_hard_sigmoid, derivative=_hard_sigmoid_derivative,
                            second_derivative=lambda x, slope, offset: _zero(x)),
    "softsign": Formula(fn=_softsign, derivative=_softsign_derivative,
                        second_derivative=_softsign_second_derivative),
    "log_sigmoid": Formula(fn=_log_sigmoid, derivative=lambda x: _sigmoid(-x),
                           second_derivative=lambda x: -_sigmoid_prime(x)),
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
