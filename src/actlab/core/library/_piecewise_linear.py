r"""Kernels and metadata shared by the piecewise-linear activations (private: not auto-registered).

* leaky family (``leaky_relu``, ``prelu``, ``rrelu``):

  .. math::
      f_a(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}, \quad
      f_a'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}, \quad f_a''(x) = 0

  with PyTorch's convention :math:`f_a'(0) = a`.  The slope ``a`` may be a scalar or an array
  broadcasting against ``x`` (RReLU's per-element training slopes).  Where ``a = 0`` the product
  :math:`0 \cdot (-\infty)` would be NaN (and an invalid-operation warning), so the argument is guarded
  and :math:`f_0(-\infty) = 0`, the limit.

* clip family (``hardtanh``, ``relu6``): :math:`\min(\max(x, lo), hi)`, derivative 1 on the open
  interval :math:`(lo, hi)` and 0 elsewhere, including both kinks (PyTorch's convention).

All kernels are dtype-generic (they return ``x``'s dtype for scalar parameters) and propagate NaN.
The ``normal_*`` helpers give the moments of :math:`f(z)`, :math:`z \sim N(0, 1)`, in closed form, so
the declared ``zero_centred`` property follows the parameters exactly.
"""
from __future__ import annotations

import math

import numpy as np

from ..spec import Init, Kink


# ---------------------------------------------------------------------------- leaky family
def leaky(x, slope):
    r""":math:`x` for :math:`x > 0`, else :math:`a x` (``slope`` = :math:`a`, scalar or array)."""
    neg = np.minimum(x, 0.0)
    zero_slope = np.asarray(slope) == 0
    if np.any(zero_slope):
        # 0 * -inf is NaN: replace the argument where the slope is 0 (NaN input still gives NaN)
        neg = np.where(zero_slope & np.isinf(neg), 0.0, neg)
    # max(x, 0) + a min(x, 0): one term is exactly 0, so the sum is the one rounding of a x (no np.where)
    return (np.maximum(x, 0.0) + slope * neg).astype(x.dtype, copy=False)


def leaky_derivative(x, slope):
    r""":math:`1` for :math:`x > 0`, else :math:`a` (so :math:`f'(0) = a`); NaN stays NaN."""
    out = np.where(x > 0, np.ones((), x.dtype), slope).astype(x.dtype, copy=False)
    return out + np.sign(x) * 0.0          # + (+-0): unchanged, except NaN where x is NaN (sign(inf) * 0 = 0)


def zero(x):
    r""":math:`0` (the second derivative of any piecewise-linear function); NaN stays NaN."""
    return np.where(np.isnan(x), x, np.zeros_like(x))


def mp_leaky(mp, x, slope, order=0):
    """mpmath reference of the leaky family (``order`` 0, 1, 2), with ``f'(0) = slope``."""
    if order == 2:
        return mp.mpf(0)
    if order == 1:
        return mp.mpf(1) if x > 0 else mp.mpf(slope)
    return x if x > 0 else mp.mpf(slope) * x


def leaky_metadata(slope_of):
    """Declared properties of :math:`f_a` as callables of the params dict; ``slope_of(params)`` is :math:`a`.

    For :math:`a = 1` the function is the identity (no kink, ``Cinf``, zero-centred); for :math:`a = 0` it
    is ReLU (saturates at :math:`-\\infty`); for :math:`a < 0` it is not monotonic.
    """
    def mean_rms(a):
        # E f(z) = (1 - a)/sqrt(2 pi), E f(z)^2 = (1 + a^2)/2
        return (1.0 - a) / math.sqrt(2.0 * math.pi), math.sqrt((1.0 + a * a) / 2.0)

    def zero_centred(p):
        mean, rms = mean_rms(slope_of(p))
        return abs(mean) <= 0.01 * rms

    def limits(p):
        a = slope_of(p)
        return (-math.inf if a > 0 else (0.0 if a == 0 else math.inf), math.inf)

    return dict(
        output_range=lambda p: (-math.inf if slope_of(p) > 0 else 0.0, math.inf),
        monotonic=lambda p: slope_of(p) >= 0,
        smoothness=lambda p: "Cinf" if slope_of(p) == 1 else "C0",
        zero_centred=zero_centred,
        saturating=lambda p: ("-inf",) if slope_of(p) == 0 else (),
        f0=0.0,
        fprime0=lambda p: 1.0 if slope_of(p) == 1 else None,
        limits=limits,
        kinks=lambda p: () if slope_of(p) == 1 else (
            Kink(0.0, slope_of(p), "f'(0) = negative slope (left branch), as in PyTorch"),),
        # PyTorch's calculate_gain('leaky_relu', a)
        init=lambda p: Init("he", math.sqrt(2.0 / (1.0 + slope_of(p) ** 2))),
    )


# ---------------------------------------------------------------------------- clip family
def clip(x, lo, hi):
    r""":math:`\min(\max(x, lo), hi)`; NaN stays NaN."""
    return np.minimum(np.maximum(x, lo), hi).astype(x.dtype, copy=False)


def clip_derivative(x, lo, hi):
    r""":math:`1` on the open interval :math:`(lo, hi)`, else :math:`0` (also at both kinks); NaN stays NaN."""
    inside = ((x > lo) & (x < hi)).astype(x.dtype)
    return np.where(np.isnan(x), x, inside)


def mp_clip(mp, x, lo, hi, order=0):
    """mpmath reference of :func:`clip` (``order`` 0, 1, 2), derivative 0 at the kinks."""
    if order == 2:
        return mp.mpf(0)
    if order == 1:
        return mp.mpf(1) if lo < x < hi else mp.mpf(0)
    return min(max(x, mp.mpf(lo)), mp.mpf(hi))


# ---------------------------------------------------------------------------- test parameters
def pick(rng, options):
    """One of ``options`` from ``rng.random()`` (successive draws differ more than ``rng.choice``'s)."""
    return options[min(int(rng.random() * len(options)), len(options) - 1)]


# ---------------------------------------------------------------------------- N(0, 1) moments
def normal_pdf(t: float) -> float:
    r""":math:`\varphi(t)`, 0 at :math:`\pm\infty`."""
    return 0.0 if math.isinf(t) else math.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)


def normal_cdf(t: float) -> float:
    r""":math:`\Phi(t)`."""
    return 0.5 * math.erfc(-t / math.sqrt(2.0))


def clip_is_zero_centred(lo: float, hi: float) -> bool:
    r""":math:`|E\,\mathrm{clip}(z)| \le 0.01\,\mathrm{rms}` for :math:`z \sim N(0,1)` (closed form)."""
    pa, pb, da, db = normal_cdf(lo), normal_cdf(hi), normal_pdf(lo), normal_pdf(hi)
    mean = lo * pa + hi * (1.0 - pb) + (da - db)
    second = lo * lo * pa + hi * hi * (1.0 - pb) + (pb - pa) + lo * da - hi * db
    return abs(mean) <= 0.01 * math.sqrt(max(second, 0.0))
