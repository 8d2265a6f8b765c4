r"""Hard sigmoid: a line of slope ``slope`` through ``(0, offset)``, clipped to ``[0, 1]``.

.. math::
    \mathrm{hardsigmoid}(x) = \min\bigl(\max(s x + c, 0), 1\bigr), \qquad s = \tfrac16,\ c = \tfrac12
    \quad\Bigl(= \frac{\mathrm{relu6}(x + 3)}{6}\Bigr)

.. math::
    \mathrm{hardsigmoid}'(x) = \begin{cases} s & 0 < s x + c < 1 \\ 0 & \text{otherwise} \end{cases},
    \qquad \mathrm{hardsigmoid}''(x) = 0

The defaults are PyTorch's ``Hardsigmoid`` (:math:`x/6 + 1/2`, kinks at :math:`\pm 3`).  Keras' original
``hard_sigmoid`` (:math:`0.2x + 0.5`, kinks at :math:`\pm 2.5`) is the named variant
``hard_sigmoid_keras`` (``slope=0.2, offset=0.5``); newer Keras uses PyTorch's form.

Numerical notes.  :math:`1/6` is not a binary number, so ``x * (1/6) + 0.5`` is not correctly rounded
(and cancels near the lower kink).  When ``slope`` is the double nearest to :math:`1/k` for an integer
:math:`k \le 2^{11}` (1/6, 0.2, 0.25, ...) it is taken to mean exactly :math:`1/k` and the result is
computed as :math:`(x + c k)/k` in the working type: :math:`c k` is exact, :math:`x + ck` is exact near
the kinks (Sterbenz) and the division rounds once, so the result is correctly rounded in the caller's
dtype.  Any other slope is taken as its binary value and :math:`s x` is split into an exact sum
:math:`p + e` (Dekker's two-product with Veltkamp splitting), so :math:`(p + c) + e` does not cancel near
the kinks either.  Infinite inputs are replaced by :math:`\pm 10^{300}` before the product (same clipped
result, no ``inf - inf``).

Kinks where it clips, :math:`x = -c/s` and :math:`x = (1-c)/s`: the derivative is ``slope`` only on the
open interval and 0 at both kinks (PyTorch's ``hardsigmoid_backward`` uses ``(x > -3) & (x < 3)``), for
the Keras variant too (a variant fixes parameters, not conventions).

Reference: Howard et al., Searching for MobileNetV3, ICCV 2019 (h-sigmoid = relu6(x+3)/6); Courbariaux,
Bengio & David, BinaryConnect, NeurIPS 2015 (hard sigmoid).
"""
from fractions import Fraction

import numpy as np

from ..numerics import two_product
from ..registry import register
from ..spec import ActivationSpec, Init, Kink, Param

_BIG = 1e300     # stands in for +-inf: still clipped, and big * splitter does not overflow float64


def _recip_int(slope):
    """``k`` when ``slope`` is the double nearest to ``1/k`` (integer ``k <= 2**11``), else None."""
    if slope < 2.0 ** -12:
        return None
    k = round(1.0 / slope)
    return k if 1 <= k <= 2 ** 11 and 1.0 / k == slope else None


def _linear(x, slope, offset):
    """``(u, top)`` with ``u / top`` = :math:`s x + c` up to one rounding; ``top`` is ``k`` or 1."""
    x = np.where(np.isinf(x), np.copysign(_BIG, x), x)
    k = _recip_int(slope)
    if k is not None:
        return x + np.asarray(offset, dtype=x.dtype) * k, k
    s = np.asarray(slope, dtype=x.dtype)
    p, e = two_product(x, s)                                 # s x = p + e exactly
    return (p + offset) + e, 1


def hard_sigmoid(x, slope=1.0 / 6.0, offset=0.5):
    r""":math:`\min(\max(s x + c, 0), 1)`, computed as :math:`(x + ck)/k` when :math:`s = 1/k`."""
    u, top = _linear(x, slope, offset)
    return np.clip(u / top, 0.0, 1.0)


def hard_sigmoid_derivative(x, slope=1.0 / 6.0, offset=0.5):
    r""":math:`s` where :math:`0 < s x + c < 1`, else 0 (0 at both kinks)."""
    u, top = _linear(x, slope, offset)
    k = _recip_int(slope)
    s = 1.0 / np.asarray(k, dtype=x.dtype) if k is not None else np.asarray(slope, dtype=x.dtype)
    out = np.where((u > 0) & (u < top), s, 0.0)
    return np.where(np.isnan(x), x, out)


def hard_sigmoid_second_derivative(x, slope=1.0 / 6.0, offset=0.5):
    r""":math:`0`; NaN stays NaN."""
    return np.where(np.isnan(x), x, np.zeros_like(x))


def _exact_slope(slope):
    k = _recip_int(slope)
    return Fraction(1, k) if k is not None else Fraction(slope)


def _mp(mp, x, slope, offset, order):
    k = _recip_int(slope)
    s = mp.mpf(1) / k if k is not None else mp.mpf(slope)
    u = s * x + offset
    if order == 0:
        return min(max(u, mp.mpf(0)), mp.mpf(1))
    return s if (order == 1 and 0 < u < 1) else mp.mpf(0)


def _kinks(p):
    s, c = _exact_slope(p["slope"]), Fraction(p["offset"])
    return (Kink(float(-c / s), 0.0, "hardsigmoid' = 0 where it starts clipping at 0, as in PyTorch"),
            Kink(float((1 - c) / s), 0.0, "hardsigmoid' = 0 where it starts clipping at 1, as in PyTorch"))


def _fprime0(p):
    c = p["offset"]
    if c in (0.0, 1.0):
        return None              # 0 is a kink
    return float(_exact_slope(p["slope"])) if 0 < c < 1 else 0.0


_CHOICES = [{"slope": 0.2, "offset": 0.5}, {"slope": 2.0, "offset": 0.5}, {"slope": 0.25, "offset": 0.25}]

register(ActivationSpec(
    name="hard_sigmoid", class_name="Hardsigmoid", aliases=("hardsigmoid",),
    variants={"hard_sigmoid_keras": {"slope": 0.2, "offset": 0.5}},
    params=(Param("slope", 1.0 / 6.0, "slope s of the linear part (1/6: PyTorch; 0.2: old Keras)",
                  low=0.0, high=1e6, low_open=True),
            Param("offset", 0.5, "value c at x = 0 before clipping", low=-1e6, high=1e6)),
    fn=hard_sigmoid, derivative=hard_sigmoid_derivative, second_derivative=hard_sigmoid_second_derivative,
    formula=r"\mathrm{hardsigmoid}(x) = \min(\max(s x + c, 0), 1),\ s = \tfrac16,\ c = \tfrac12",
    derivative_formula=r"\mathrm{hardsigmoid}'(x) = \begin{cases} s & 0 < s x + c < 1\\ 0 & \text{otherwise}"
                       r"\end{cases}",
    second_derivative_formula=r"\mathrm{hardsigmoid}''(x) = 0",
    description="Piecewise-linear approximation of the sigmoid: x/6 + 1/2 clipped to [0, 1] (PyTorch); "
                "0.2x + 0.5 in old Keras (variant hard_sigmoid_keras).",
    pros=("cheap: no exp, friendly to quantised and mobile inference", "output in [0, 1]",
          "exact 0 and 1 outside the linear region"),
    cons=("zero gradient outside the linear region: saturated units stop learning", "not zero-centred",
          "not differentiable at the clipping points", "libraries disagree on the slope (1/6 vs 0.2)"),
    family="sigmoid-like", year=2019,
    reference="Howard et al., Searching for MobileNetV3, ICCV 2019",
    output_range=(0.0, 1.0), monotonic=True, smoothness="C0", zero_centred=False,
    saturating=("-inf", "+inf"), f0=lambda p: min(max(p["offset"], 0.0), 1.0), fprime0=_fprime0,
    limits=(0.0, 1.0), kinks=_kinks, init=Init("glorot", 1.0),
    mp_fn=lambda mp, x, slope, offset: _mp(mp, x, slope, offset, 0),
    mp_derivative=lambda mp, x, slope, offset: _mp(mp, x, slope, offset, 1),
    mp_second_derivative=lambda mp, x, slope, offset: _mp(mp, x, slope, offset, 2),
    sample_params=lambda rng: dict(_CHOICES[int(rng.integers(len(_CHOICES)))]),
))
