r"""Continuously differentiable exponential linear unit.

.. math::
    \mathrm{celu}(x) = \max(0, x) + \min\bigl(0, \alpha(e^{x/\alpha} - 1)\bigr)
    = \begin{cases} x & x > 0 \\ \alpha\,(e^{x/\alpha} - 1) & x \le 0 \end{cases}, \qquad \alpha \ne 0

.. math::
    \mathrm{celu}'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}, \qquad
    \mathrm{celu}''(x) = \begin{cases} 0 & x > 0 \\ e^{x/\alpha}/\alpha & x \le 0 \end{cases}

Unlike ELU with :math:`\alpha \ne 1`, :math:`f'` is continuous at 0 for every :math:`\alpha` (so the
function is C1); only :math:`f''` jumps there (from :math:`1/\alpha` to 0).  ``celu(alpha=1)`` is
``elu(alpha=1)``.  For :math:`\alpha < 0` (allowed, as in PyTorch) the negative branch grows like
:math:`-|\alpha| e^{|x|/|\alpha|}`.

Numerical notes.  ``expm1`` keeps full relative accuracy near 0.  Before :math:`t = x/\alpha` is formed,
``x`` is clamped to :math:`|x| \le (U + |\log|\alpha|| + 100)|\alpha|` (:math:`U` = 600 in float64, 11000 in
80-bit extended), so the division cannot overflow even for tiny :math:`\alpha`, and the clamp changes no
result that the caller's dtype can see.  Where the true value overflows the caller's dtype (:math:`\alpha <
0`, large :math:`|x|`) ``inf`` is returned directly, never by an overflowing ``exp``; for :math:`\alpha < 0`
and :math:`t > 1` the value is :math:`-(e^{t + \log|\alpha|} - |\alpha|)` so that :math:`|\alpha| e^{t}` itself
is never formed.  :math:`f''` divides by :math:`\alpha` directly for :math:`10^{-30} \le |\alpha| \le 10^{30}`
and uses :math:`e^{t - \log|\alpha|}` outside that range (no intermediate overflow or underflow).
(The overflow decisions assume :math:`|\alpha| > 10^{-260}`.)

Kink at 0 (only :math:`f''` jumps): ``celu'(0) = 1`` (both branches agree; PyTorch's ``x <= 0`` branch
gives :math:`e^0 = 1`), and :math:`f''(0) = 1/\alpha` (left branch).

Reference: Barron, Continuously differentiable exponential linear units, arXiv:1704.07483, 2017.
"""
import math

import numpy as np
from scipy.special import erfcx

from ..registry import register
from ..spec import ActivationSpec, Init, Kink, Param


def _t(x, alpha):
    """``xn = min(x, 0)`` clamped and :math:`t = x_n/\\alpha` (no overflow) (no overflow), ``log|alpha|`` in the working type,
    and the exponent bound ``U`` beyond which results overflow every caller dtype."""
    umax = 600.0 if x.dtype.itemsize <= 8 else 11000.0
    s = abs(alpha)
    cap = (umax + abs(math.log(s)) + 100.0) * s       # may be inf: then x / alpha cannot overflow
    xn = np.maximum(np.minimum(x, 0.0), -cap)
    return xn, xn / alpha, np.log(np.asarray(s, dtype=x.dtype)), umax


def _exp(u, umax):
    """:math:`e^u`, with ``+inf`` returned directly above ``umax`` (where it is the rounded answer)."""
    return np.where(u > umax, np.inf, np.exp(np.minimum(u, umax)))


def celu(x, alpha=1.0):
    r""":math:`x` for :math:`x>0`, else :math:`\alpha(e^{x/\alpha}-1)`."""
    xn, t, ls, umax = _t(x, alpha)
    # |t| tiny (huge |alpha|): t may have underflowed, so use x (1 + t/2 + t^2/6), exact to 2^-72
    tiny = np.abs(t) < 2.0 ** -24
    ts, xs = np.where(tiny, t, 0.0), np.where(tiny, xn, 0.0)
    series = xs + xs * ts * (0.5 + ts / 6.0)
    if alpha > 0:
        neg = alpha * np.expm1(t)
    else:
        # t >= 0 here: e^t - 1 has no cancellation for t > 1, so scale in log space there
        small = alpha * np.expm1(np.where(t <= 1.0, t, 0.0))
        big = -(_exp(np.maximum(t, 1.0) + ls, umax) + alpha)
        neg = np.where(t <= 1.0, small, big)
    return np.where(x > 0, x, np.where(tiny, series, neg))


def celu_derivative(x, alpha=1.0):
    r""":math:`1` for :math:`x>0`, else :math:`e^{x/\alpha}` (so :math:`f'(0)=1`)."""
    _, t, _, umax = _t(x, alpha)
    return np.where(x > 0, 1.0, _exp(t, umax))


def celu_second_derivative(x, alpha=1.0):
    r""":math:`0` for :math:`x>0`, else :math:`e^{x/\alpha}/\alpha`."""
    _, t, ls, umax = _t(x, alpha)
    if 1e-30 <= abs(alpha) <= 1e30:
        neg = _exp(t, umax) / alpha
    else:
        neg = math.copysign(1.0, alpha) * _exp(t - ls, umax)
    return np.where(x > 0, 0.0, neg)


def _mp(mp, x, alpha, order):
    if x > 0:
        return (x, mp.mpf(1), mp.mpf(0))[order]
    t = x / alpha
    if t > 20000:
        return mp.inf if order == 1 else mp.mpf(alpha) * mp.inf
    if order == 0:
        return alpha * mp.expm1(t)
    return mp.exp(t) if order == 1 else mp.exp(t) / alpha


def _check(p):
    if p["alpha"] == 0:
        raise ValueError(f"celu: invalid value {p['alpha']!r} for parameter 'alpha'; expected a finite "
                         f"non-zero number")


def _moments(alpha):
    """E f(z) and E f(z)^2 for z ~ N(0, 1), in closed form (E[e^{cz}; z<0] = erfcx(c/sqrt 2)/2)."""
    c = 1.0 / (alpha * math.sqrt(2.0))
    with np.errstate(over="ignore"):
        e1, e2 = float(erfcx(c)), float(erfcx(2.0 * c))
    mean = 1.0 / math.sqrt(2.0 * math.pi) + alpha * (0.5 * e1 - 0.5)
    second = 0.5 + alpha * alpha * (0.5 * e2 - e1 + 0.5)
    return mean, second


def _zero_centred(p):
    mean, second = _moments(p["alpha"])
    return math.isfinite(second) and abs(mean) <= 0.01 * math.sqrt(second)


register(ActivationSpec(
    name="celu", class_name="CELU",
    params=(Param("alpha", 1.0, "scale of the negative saturation value -alpha (non-zero)"),),
    check_params=_check,
    fn=celu, derivative=celu_derivative, second_derivative=celu_second_derivative,
    formula=r"\mathrm{celu}(x) = \max(0, x) + \min\left(0, \alpha\left(e^{x/\alpha} - 1\right)\right)",
    derivative_formula=r"\mathrm{celu}'(x) = \begin{cases} 1 & x > 0\\ e^{x/\alpha} & x \le 0\end{cases}",
    second_derivative_formula=r"\mathrm{celu}''(x) = \begin{cases} 0 & x > 0\\ e^{x/\alpha}/\alpha & x \le 0"
                              r"\end{cases}",
    description="ELU reparametrised so that the slope is continuous at 0 for every alpha (C1), saturating "
                "to -alpha.",
    pros=("continuously differentiable for every alpha (ELU only for alpha = 1)",
          "no dying units: non-zero gradient for x < 0", "scale-similar: celu(x, a) = a celu(x/a, 1)"),
    cons=("exp is costlier than ReLU", "saturates for large negative x", "not zero-centred in general"),
    family="exponential", year=2017,
    reference="Barron, Continuously differentiable exponential linear units, arXiv:1704.07483, 2017",
    output_range=lambda p: (-p["alpha"] if p["alpha"] > 0 else -math.inf, math.inf),
    monotonic=True, smoothness="C1", zero_centred=_zero_centred,
    saturating=lambda p: ("-inf",) if p["alpha"] > 0 else (),
    f0=0.0, fprime0=1.0,
    limits=lambda p: (-p["alpha"] if p["alpha"] > 0 else -math.inf, math.inf),
    kinks=(Kink(0.0, 1.0, "celu'(0) = 1 (continuous); only f'' jumps, f''(0) = 1/alpha (left branch)"),),
    init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x, alpha: _mp(mp, x, alpha, 0),
    mp_derivative=lambda mp, x, alpha: _mp(mp, x, alpha, 1),
    mp_second_derivative=lambda mp, x, alpha: _mp(mp, x, alpha, 2),
    sample_params=lambda rng: {"alpha": float(rng.choice([0.5, 3.0, -0.75]))},
))
