r"""Fast float32 paths: the catalog's accuracy at close to native torch speed, for float32 tensors on the CPU.

The generic torch formulas (:mod:`actlab.torch.formulas`) widen to float64 and run one torch kernel per
operation (a dozen passes over memory, ``torch.where`` among them, which is unvectorised on the CPU);
on the activations of a real model that costs 1.5--5x the native module.  An entry here replaces them
for **float32 inputs on the CPU** (other dtypes and devices keep the generic path) in one of two ways
(three with the vector activations' ``vector``/``vjp``):

* ``native(x, **p)``: autograd goes through native torch ops, because their value *and* derivative are
  within the catalog's bound (2 ULP of the catalog's own float32 result) for every float32 input checked
  (see below); it may return ``None`` to decline (parameters outside what was checked).
* ``fused(x, grad, **p)``: returns ``(f(x), f'(x) or None)`` in float32, ``f'`` only when ``grad``
  (plus, for learnable parameters passed as tensors that require grad, a dict of elementwise
  ``df/dparam``).  The forward keeps ``f'`` for the backward (``g * f'``), so the backward pass is a single
  multiply; a double backward (``create_graph=True``) differentiates the generic path's closed-form ``f'``
  instead.  Values
  come from a native float32 op where that op is within bound, otherwise from a short float64
  computation rounded once.  Rare inputs that need more care (tails where a float32 intermediate
  underflows, small |x| where a difference cancels) are patched on just that subset (``_patch``), so
  the cost does not depend on them unless they occur.

Where ``compiled`` marks a kernel of the compiled extension (:mod:`actlab.torch.extension`: sigmoid, tanh, gelu,
silu with a fixed beta, hardswish, tanhshrink, hard_sigmoid, softsign) and it is built,
``torch.ops.actlab.<name>`` serves instead: the same values within the same bound, in one pass and with a C++
autograd node (no Python per call beyond the module's). The torch-op entries remain for machines without a
compiler, for trainable parameters and under ``torch.compile``.

How each entry was checked: ``python tests/float32_sweep.py`` compares it with the catalog on **every**
float32 with ``2^-27 <= |x| < 2^7`` and on every 61st float32 of the whole line (subnormals, huge values,
+-inf and NaN included); ``tests/test_torch_fast.py`` repeats that on a sparser stride in CI, plus every
float32 within 64 ULP of each kink and of the thresholds used here, double backward, learnable parameters,
empty and 0-d inputs.  Softmax, softmin and log_softmax (``vector``/``vjp``) are computed in float64 from
the float32 input and checked against the catalog at 2 ULP (values) and 4 ULP (VJPs); where the extension is
built, its row kernels (``compiled_rows``, with a C++ autograd node) do the same in one pass per row.
Native op accuracy can depend on the CPU's vector instruction set (SLEEF's AVX2 and AVX-512 code paths); the
sweep is the tool to re-check on a new machine, and ``actlab.torch.functional.FAST_FLOAT32 = False`` switches
these paths off.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from ..core import registry
from .formulas import _INV_SQRT2, _INV_SQRT_2PI, _gelu_exact, _gelu_exact_derivative


@dataclass(frozen=True)
class Fast:
    """Float32-on-CPU implementation of one activation (see the module docstring)."""

    native: Callable | None = None      # (x, **p) -> tensor (autograd through native ops) or None
    fused: Callable | None = None       # (x, grad, **p) -> (f, f' or None[, {learnable: df/dp}])
    accepts: Callable | None = None     # (**p) -> bool: parameter values this entry was checked for
    sample: Callable | None = None      # random activations in training: (x, generator, **p), native autograd
    vector: Callable | None = None      # vector: (x, dim, **p) -> (y, saved), or None for rows it leaves alone
    vjp: Callable | None = None         # vector: (saved, g, dim) -> input cotangent
    accepts_learn: Callable | None = None   # (*learnable tensors) -> bool, checked per call (values change)
    compiled: bool = False              # torch.ops.actlab.<name> (actlab.torch.extension) computes f and f'
    ext_param: str | None = None        # the parameter that op takes as ``param`` (a number), if any
    # vector: the extension's row op, torch.ops.actlab.<name>(x, dim, *args), and its extra arguments; it has its
    # own autograd node and returns an empty tensor for rows it declines
    compiled_rows: tuple[str, tuple] | None = None


DTYPES = (torch.float32,)
DEVICES = ("cpu",)


def _patch(outs, x, mask, fn, maybe=True):
    """Overwrite ``outs`` (tensors like ``x``) where ``mask`` holds with ``fn(x[mask])`` (a tuple of the
    same length); nothing but the test is paid when no element needs it.  ``mask`` may be a callable,
    evaluated only when ``maybe`` (a cheap necessary condition, e.g. from one reduction) holds."""
    if not maybe:
        return outs
    if callable(mask):
        mask = mask()
    if not mask.any().item():
        return outs
    idx = mask.nonzero(as_tuple=True)
    fixed = fn(x[idx])
    for out, value in zip(outs, fixed):
        if out is not None and value is not None:
            out[idx] = value.to(out.dtype)
    return outs


def _power_of_two(v) -> bool:
    """True for +-2^k: scaling by it is exact, so a native op's ``beta x``, ``x / alpha`` or ``alpha y``
    adds no rounding (other values cost up to ``|x|`` ULP in front of an ``exp``)."""
    v = float(v)
    return v != 0.0 and math.isfinite(v) and abs(math.frexp(v)[0]) == 0.5


def _float32_exact(*values) -> bool:
    """True when every value is a float32: a native float32 op then uses the catalog's exact constant."""
    return all(float(torch.tensor(float(v), dtype=torch.float32)) == float(v) for v in values)


def _catalog(name, grad, **params):
    """Patch function evaluating the catalog's own NumPy kernels on the (few) elements given (the
    activation is bound only when a patch is needed, not on every call)."""
    @torch.compiler.disable
    def fn(v):
        act = registry.get(name, **params)
        a = v.detach().cpu().numpy()
        return (torch.from_numpy(act(a)), torch.from_numpy(act.derivative(a)) if grad else None)
    return fn


# ---------------------------------------------------------------------------- sigmoid / tanh
def _sigmoid_times_complement(x, scale=None):
    """``s (1 - s)`` with ``s = sigma(-scale |x|)`` in float32 (``scale`` a power of two, so ``scale |x|`` is
    exact).  ``s <= 1/2``: ``1 - s`` neither cancels nor loses the tails (torch's backward, sigma (1 - sigma)
    from the value, rounds to 0 beyond x ~ 17).  As ``s - s^2`` (one fused op) it is within 2 ULP of the
    catalog on every float32 (the sweep); ``(1 - s) s`` (torch's sigmoid_backward) reaches 3."""
    u = x.abs().neg_() if scale is None else x.abs().mul_(-scale)
    s = torch.sigmoid_(u)
    return s.addcmul_(s, s, value=-1.0)


def _sigmoid(x, grad):
    return torch.sigmoid(x), (_sigmoid_times_complement(x) if grad else None)


def _tanh(x, grad):
    # sech^2(x) = 4 sigma(2x) sigma(-2x); 1 - tanh^2 cancels and is 0 in the tails
    return torch.tanh(x), (_sigmoid_times_complement(x, 2.0).mul_(4.0) if grad else None)


# ---------------------------------------------------------------------------- gelu (exact)
_GELU_TAIL = -5.0            # below, 1 + erf(x/sqrt 2) cancels beyond float32's needs: the Mills-ratio form


def _gelu(x, grad, approximate):
    """``x Phi(x)`` and ``Phi(x) + x phi(x)`` in float64 with ``Phi = (1 + erf(t))/2``, ``t = x/sqrt 2``
    (vectorised erf; relative error ~1e-16/Phi, below 0.2 float32 ULP for x >= -5) and
    ``phi(x) = exp(-t^2)/sqrt(2 pi)`` (t^2 carries a relative error 2^-51: below 1e-12 of phi where it is
    not 0).  x < -5 (and x = +inf, where x phi is inf * 0) from the catalog-grade form, as a patch."""
    xd = x.double()
    t = xd * _INV_SQRT2
    phi_cdf = torch.erf(t).mul_(0.5).add_(0.5)
    y = (xd * phi_cdf).float()
    d = None
    if grad:
        d = torch.addcmul(phi_cdf, xd, t.square_().neg_().exp_(), value=_INV_SQRT_2PI).float()

    def tail(v):
        vd = v.double()
        return (_gelu_exact(vd), _gelu_exact_derivative(vd) if grad else None)
    lo, hi = torch.aminmax(x)       # one reduction; "not >=" is also true for NaN, where the mask is computed
    return _patch((y, d), x, lambda: (x < _GELU_TAIL) | (x == math.inf), tail,
                  maybe=not (lo.item() >= _GELU_TAIL and hi.item() < math.inf))


# ---------------------------------------------------------------------------- mish
_MISH_HI = 20.0      # tanh(softplus(x)) = 1 in float64 beyond this; x * 1 is exact


def _mish64(xd, grad):
    """mish and mish' from one exp: with ``e = e^x`` and ``n = e (e + 2)``, ``tanh(softplus(x)) = n / (n + 2)``,
    ``sech^2(softplus(x)) = 4 (n + 1) / (n + 2)^2`` and ``softplus' = e / (1 + e)``."""
    xc = torch.clamp(xd, -800.0, _MISH_HI)         # exp(-800) = 0 and x = -inf must not meet 0
    e = torch.exp(xc)
    n = e * (e + 2.0)
    inv = 1.0 / (n + 2.0)
    t = n * inv
    y = torch.clamp(xd, min=-800.0).mul_(t)
    if not grad:
        return y, None
    d = (xc * 4.0).mul_(n + 1.0).mul_(inv).mul_(inv).mul_(e).div_(e + 1.0).add_(t)
    return y, d


def _mish(x, grad):
    y, d = _mish64(x.double(), grad)
    return y.float(), (d.float() if d is not None else None)


# ---------------------------------------------------------------------------- silu
def _silu(x, grad, beta):
    """``x sigma(beta x)``, ``f' = s + u s (1 - s)`` and ``df/dbeta = x^2 s (1 - s)`` (``u = beta x``,
    ``s = sigma(u)``) in float64: float32's sigma is subnormal below -87, where ``x sigma(x)`` loses bits."""
    # x = +-inf must not meet sigma = 0 (or r = 0 below); beyond float32's range, so finite x keep their value,
    # and u = beta x stays finite for any float32 beta (static ones: ``accepts``)
    xd = x.double().clamp_(-1e150, 1e150)
    b = beta.double() if isinstance(beta, torch.Tensor) else float(beta)
    u = xd * b
    s = torch.sigmoid(u)
    y = (xd * s).float()
    if not grad:
        return y, None
    r = torch.addcmul(s, s, s, value=-1.0)                   # s (1 - s)
    d = torch.addcmul(s, u, r).float()
    if isinstance(beta, torch.Tensor) and beta.requires_grad:   # df/dbeta = x^2 s (1 - s), float32 is plenty
        return y, d, {"beta": xd.square_().mul_(r).float()}
    return y, d


# ---------------------------------------------------------------------------- hardswish
def _hardswish_exact(v):
    """x min(max(x + 3, 0), 6) / 6 in float64 (native float32 overflows above 5.6e37 and is NaN at -inf)."""
    vd = v.double()
    return (torch.clamp(vd, min=-4.0).mul_(torch.clamp(vd + 3.0, 0.0, 6.0).div_(6.0)),)


# the float32 neighbours of -3 and 3 inside (-3, 3), and the shift that takes them to -3/2 and 3/2 exactly
_HARDSWISH_INNER = (-3.0 + 2.0 ** -22, 3.0 - 2.0 ** -22)
_HARDSWISH_JUMP = 2.0 ** -22 - 1.5


def _hardswish(x, grad):
    y = F.hardswish(x)
    # y is not finite only where x is huge (x (x + 3) overflows), infinite or NaN: one reduction tells
    _patch((y,), x, lambda: x.abs() > 1.0e37, _hardswish_exact, maybe=not math.isfinite(y.sum().item()))
    if not grad:
        return y, None
    # f' = (2x + 3)/6 = (x + 3/2)/3 inside (x + 3/2 is exact near the root -3/2; fl(2x + 3) = 2 fl(x + 3/2)),
    # 0 for x <= -3 and 1 for x >= 3 (the catalog's conventions at the kinks; torch's backward has x/3 + 1/2,
    # which cancels, and other kink values).  Without comparisons (bool tensors are slow on the CPU):
    # c = clamp(x, -3+, 3-) is x inside, step = sign(x - c) is 0 inside and -1/+1 beyond, and
    # c + (2^-22 - 3/2) step is exactly -3/2 (x <= -3) or 3/2 (x >= 3), where (. + 3/2)/3 gives 0 and 1.
    c = torch.clamp(x, *_HARDSWISH_INNER)
    step = torch.sub(x, c).sign_()
    return y, c.add_(step, alpha=_HARDSWISH_JUMP).add_(1.5).div_(3.0)


# ---------------------------------------------------------------------------- tanhshrink / threshold
_TANHSHRINK_SMALL = 0.01     # below, x - tanh x cancels even in float64: those elements use the catalog


def _tanhshrink(x, grad):
    """``sign(x) (|x| - t)``, ``f' = t^2`` with ``t = tanh|x| = 1 - 2 sigma(-2|x|)`` in float64 (vectorised
    sigmoid; tanh is not); |x| < 0.01 from the catalog's series."""
    xa = x.abs()
    xad = xa.double()
    s = torch.sigmoid(xad * -2.0)
    t = torch.mul(s, -2.0).add_(1.0)
    y = torch.copysign((xad - t).float(), x)
    d = t.square_().float() if grad else None
    return _patch((y, d), x, lambda: xa < _TANHSHRINK_SMALL, _catalog("tanhshrink", grad),
                  maybe=not xa.amin().item() >= _TANHSHRINK_SMALL)


def _threshold(x, threshold, value):
    y = F.threshold(x, threshold, value)
    # F.threshold maps NaN to ``value``; the catalog keeps NaN.  One reduction tells whether any may be NaN
    # (the sum is NaN then), and only then is the mask computed
    if math.isnan(x.sum().item()):
        y = y.masked_fill(torch.isnan(x), float("nan"))
    return y


# ---------------------------------------------------------------------------- hard_sigmoid (x/6 + 1/2)
def _hard_sigmoid(x, grad, slope, offset):
    """Native value; ``f' = [|x| < 3] / 6`` from ``x`` itself (``x + 3`` rounds to 6 just below 3, so a
    derivative taken after the shift would be 0 there)."""
    y = F.hardsigmoid(x)
    return y, (x.abs() < 3.0).float().div_(6.0) if grad else None


# ---------------------------------------------------------------------------- softsign
def _softsign(x, grad):
    xc = torch.clamp(x, -3.0e38, 3.0e38)            # inf/inf is NaN; softsign(+-inf) = +-1
    xa = xc.abs()
    y = xc / (1.0 + xa)
    if not grad:
        return y, None
    return y, (1.0 + xa.double()).reciprocal_().square_().float()   # three float32 roundings reach 3 ULP


# ---------------------------------------------------------------------------- prelu / rrelu (eval)
def _channel_weight(w, x):
    """``w`` as torch's prelu takes it (1-D: one value, or one per channel along dim 1), or ``None`` when it
    broadcasts to ``x`` otherwise."""
    if w.numel() == 1:
        return w if w.dim() == 1 else w.reshape(1)
    if x.dim() < 2 or w.dim() > x.dim() or w.numel() != x.shape[1]:
        return None
    shape = [1] * x.dim()
    shape[1] = w.numel()
    return w.reshape(-1) if list(w.shape) == shape[x.dim() - w.dim():] else None


def _prelu(x, weight):
    w = weight if isinstance(weight, torch.Tensor) and weight.dtype == x.dtype else \
        torch.as_tensor(weight, dtype=x.dtype, device=x.device)
    # w = 0: f(-inf) is the limit 0, not 0 * -inf; +-inf and NaN have conventions of their own.  The weights are
    # few and on the CPU: NumPy checks them for less than a torch reduction and its sync cost
    a = w.detach().numpy()
    if a.size == 1:
        value = float(a.reshape(-1)[0])
        if not (math.isfinite(value) and value != 0.0):
            return None
    elif not np.all(np.isfinite(a) & (a != 0)):
        return None
    # torch's prelu: x or w x (one rounding), f'(0) = w, df/dw = x [x <= 0]: the catalog's
    channel = _channel_weight(w, x)
    if channel is not None:
        return F.prelu(x, channel)
    # one term is exactly 0, so the sum is one rounding; relu'(0) = 0 and clamp's gradient at 0 is 1: f'(0) = w
    return torch.relu(x) + w * torch.clamp(x, max=0.0)


def _rrelu_sample(x, generator, lower, upper):
    """Training-mode RReLU: ``x`` for ``x > 0``, else ``a x`` with ``a ~ U(lower, upper)`` drawn per element
    (float32) from ``generator``; ``f'`` is ``a`` there (at 0 too).  torch's own kernel in one op (the one
    nn.RReLU uses), which takes the generator; it draws only for the elements ``<= 0``."""
    return torch.ops.aten.rrelu_with_noise(x, torch.empty_like(x), float(lower), float(upper), True, generator)


# ---------------------------------------------------------------------------- softmax family
# A row's dominant probability beyond this: 1 - p_m and the VJP's g_m - sum g y cancel by more than float32
# can absorb from float64 (relative error 2^-53 / (1 - p_m) > 2^-27), so they are summed over the others.
_CONFIDENT = 1.0 - 2.0 ** -20


def _no_nan(t):
    """True when ``t`` holds no NaN: torch's softmax gives NaN exactly for the rows whose conventions the
    generic path owns (all ``-inf``, any ``+inf`` or NaN); one reduction instead of an ``isfinite`` pass."""
    return not math.isnan(t.sum().item())


def _dominant(p, dim):
    """Index of each row's largest probability and the probabilities with it zeroed."""
    m = p.argmax(dim, keepdim=True)
    return m, p.scatter(dim, m, 0.0)


def _confident(p) -> bool:
    return p.amax().item() > _CONFIDENT     # the largest entry of any row


def _softmax(x, dim, sign=1.0):
    y = torch.softmax(x.double() if sign > 0 else -x.double(), dim)
    return (y.float(), y) if _no_nan(y) else None


def _softmax_vjp(y, g, dim, sign=1.0):
    """``y (g - sum g y)``; at a confident row's dominant entry ``y_m (g_m (1 - y_m) - sum_{j != m} g_j y_j)``."""
    gd = g.double()
    fix = None
    if _confident(y):
        m, others = _dominant(y, dim)
        fix = y.gather(dim, m) * (gd.gather(dim, m) * others.sum(dim, keepdim=True)
                                  - (gd * others).sum(dim, keepdim=True))
    out = gd.sub_((gd * y).sum(dim=dim, keepdim=True)).mul_(y)      # in place: fewer fresh buffers
    if fix is not None:
        out.scatter_(dim, m, fix)
    return (out if sign > 0 else out.neg_()).float()


def _log_softmax(x, dim):
    y = torch.log_softmax(x.double(), dim)
    if not _no_nan(y):
        return None
    p = torch.exp(y)
    if _confident(p):       # log p_m = log1p(-sum of the others); x - max - log(sum) rounds it to 0
        m, others = _dominant(p, dim)
        y.scatter_(dim, m, torch.log1p(-others.sum(dim, keepdim=True)))
    return y.float(), p


def _log_softmax_vjp(p, g, dim):
    """``g - p sum g``; at a confident row's dominant entry ``(1 - p_m) sum g - sum_{j != m} g_j``."""
    gd = g.double()
    total = gd.sum(dim=dim, keepdim=True)
    out = torch.addcmul(gd, p, total, value=-1.0)
    if _confident(p):
        m, others = _dominant(p, dim)
        out.scatter_(dim, m, others.sum(dim, keepdim=True) * total - (total - gd.gather(dim, m)))
    return out.float()


# ---------------------------------------------------------------------------- activations without a torch op
# float64 from float32 input, rounded once: x^2 is exact in float64 for a float32 x, and these formulas have
# no cancellation left (the stable forms are the catalog's); +-inf are clamped to +-1e100 (x^2 stays finite,
# results beyond float32's range still round to +-inf).
def _bent_identity(x, grad):
    xd = torch.clamp(x.double(), -1e100, 1e100)
    h = torch.sqrt(xd * xd + 1.0)                          # (sqrt(x^2 + 1) - 1)/2 = x^2 / (2 (h + 1))
    y = (xd * xd).div_(h + 1.0).mul_(0.5).add_(xd).float()
    return y, ((xd / h).mul_(0.5).add_(1.0).float() if grad else None)


def _lisht(x, grad):
    xd = torch.clamp(x.double(), -1e100, 1e100)
    xa = xd.abs()
    e = torch.expm1(xa * -2.0)                             # tanh|x| = -e/(2 + e): no cancellation at 0
    two_e = e + 2.0
    t = torch.div(e, two_e).neg_()
    y = (xa * t).float()
    if not grad:
        return y, None
    sech2 = (e + 1.0).mul_(4.0).div_(two_e).div_(two_e)    # 4 e^{-2|x|} / (1 + e^{-2|x|})^2
    return y, torch.copysign(t, xd).addcmul_(torch.clamp(xd, -1e4, 1e4), sech2).float()


def _gaussian(x, grad):
    xd = torch.clamp(x.double(), -1e100, 1e100)
    g = torch.exp(-(xd * xd))
    return g.float(), ((xd * g).mul_(-2.0).float() if grad else None)


def _squareplus(x, grad, b):
    """``(x + h)/2`` for x >= 0 and ``b / (2 (h - x))`` for x < 0 (``h = sqrt(x^2 + b)``): equal in exact
    arithmetic, each free of cancellation on its side."""
    xd = torch.clamp(x.double(), -1e100, 1e100)
    h = torch.sqrt(xd * xd + b)
    neg = xd < 0
    y = torch.where(neg, b / (2.0 * (h - xd)), 0.5 * (xd + h)).float()
    if not grad:
        return y, None
    # f' = (1 + x/h)/2, = b / (2 h (h - x)) for x < 0
    d = torch.where(neg, b / ((2.0 * h) * (h - xd)), 0.5 * (1.0 + xd / h)).float()
    return y, d


def _snake(x, grad, alpha):
    """``x + sin^2(u)/alpha`` (``u = alpha x``), ``f' = 1 + sin 2u = (sin u + cos u)^2`` (near its double
    zeros sin u + cos u is about sqrt 2 (u - u0), and float64's errors are 2^-29 of float32's spacing) and
    ``df/dalpha = sin u (2x cos u - sin u/alpha)/alpha``, in float64; f' is NaN at +-inf as in the catalog."""
    xd = x.double()
    xc = torch.clamp(xd, -1e100, 1e100)
    a = alpha.double() if isinstance(alpha, torch.Tensor) else float(alpha)
    u = xc * a
    su = torch.sin(u)
    y = (su * su).div_(a).add_(xc).float()
    if not grad:
        return y, None
    cu = torch.cos(u)
    d = (su + cu).square_().add_(xd - xd).float()        # + (x - x): NaN at +-inf and NaN, else +0
    if isinstance(alpha, torch.Tensor) and alpha.requires_grad:
        da = cu.mul_(xc).mul_(2.0).sub_(su / a).mul_(su).div_(a)
        return y, d, {"alpha": da.float()}
    return y, d


# ---------------------------------------------------------------------------- the table
FAST: dict[str, Fast] = {
    "identity": Fast(native=lambda x: x),
    "sigmoid": Fast(fused=_sigmoid, compiled=True),
    "tanh": Fast(fused=_tanh, compiled=True),
    "softplus": Fast(native=lambda x, beta: F.softplus(x, beta), accepts=lambda beta: _power_of_two(beta)),
    "elu": Fast(native=lambda x, alpha: F.elu(x, alpha), accepts=lambda alpha: _power_of_two(alpha)),
    "celu": Fast(native=lambda x, alpha: F.celu(x, alpha), accepts=lambda alpha: _power_of_two(alpha)),
    "selu": Fast(native=lambda x: F.selu(x)),
    "log_sigmoid": Fast(native=lambda x: F.logsigmoid(x)),
    "mish": Fast(fused=_mish),
    "gelu": Fast(fused=_gelu, accepts=lambda approximate: approximate == "none", compiled=True),
    "silu": Fast(fused=_silu, accepts=lambda beta=None: beta is None or abs(float(beta)) < 1e100,
                 compiled=True, ext_param="beta"),
    "hardswish": Fast(fused=_hardswish, compiled=True),
    "softsign": Fast(fused=_softsign, compiled=True),
    "hard_sigmoid": Fast(fused=_hard_sigmoid, compiled=True,
                         accepts=lambda slope, offset: slope == 1.0 / 6.0 and offset == 0.5),
    "hardshrink": Fast(native=lambda x, lambd: F.hardshrink(x, lambd), accepts=lambda lambd: _float32_exact(lambd)),
    "bent_identity": Fast(fused=_bent_identity),
    "lisht": Fast(fused=_lisht),
    "gaussian": Fast(fused=_gaussian),
    "squareplus": Fast(fused=_squareplus, accepts=lambda b: float(b) > 0),
    # alpha x must be exact in float64: a float32 alpha (a learnable parameter is one) times a float32 x is
    # (accepts sees static parameters only: a learnable alpha arrives as a tensor, checked by accepts_learn)
    "snake": Fast(fused=_snake, accepts=lambda alpha=None: alpha is None or _float32_exact(alpha),
                  accepts_learn=lambda alpha: bool(torch.isfinite(alpha).all() and (alpha != 0).all())),
    "sinusoid": Fast(native=lambda x: torch.sin(x)),
    # relu(x)^2 rounds x^2 once, as the catalog does; autograd: 2 relu(x) (0 at 0), f'' = 2 [x > 0]
    "squared_relu": Fast(native=lambda x: torch.relu(x).square()),
    "exponential": Fast(native=lambda x: torch.exp(x)),
    "softshrink": Fast(native=lambda x, lambd: F.softshrink(x, lambd), accepts=lambda lambd: _float32_exact(lambd)),
    "threshold": Fast(native=_threshold, accepts=lambda threshold, value: _float32_exact(threshold, value)),
    "tanhshrink": Fast(fused=_tanhshrink, compiled=True),
    "prelu": Fast(native=_prelu),
    # softmax & co. in float64 (torch's float32 softmax is off by tens of ULP), backward from the saved float64
    # probabilities; rows with +-inf or NaN take the generic path and its conventions
    "softmax": Fast(vector=_softmax, vjp=_softmax_vjp,
                    compiled_rows=("softmax", (1.0,))),
    "softmin": Fast(vector=lambda x, dim: _softmax(x, dim, -1.0), vjp=lambda y, g, dim: _softmax_vjp(y, g, dim, -1.0),
                    compiled_rows=("softmax", (-1.0,))),
    "log_softmax": Fast(vector=_log_softmax, vjp=_log_softmax_vjp,
                        compiled_rows=("log_softmax", ())),
    "rrelu": Fast(native=lambda x, lower, upper: F.leaky_relu(x, (float(lower) + float(upper)) / 2.0),
                  sample=_rrelu_sample, accepts=lambda lower, upper: float(lower) > 0),
}


def fast_for(name: str, dtype, device, params: dict) -> Fast | None:
    """The fast path of ``name`` for inputs of ``dtype`` on ``device`` with ``params``, or ``None``."""
    if dtype not in DTYPES or device.type not in DEVICES:
        return None
    entry = FAST.get(name)
    if entry is None or (entry.accepts is not None and not entry.accepts(**params)):
        return None
    return entry
