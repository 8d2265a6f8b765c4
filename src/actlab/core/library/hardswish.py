r"""Hard swish: SiLU with the sigmoid gate replaced by the piecewise-linear hard sigmoid.

.. math::
    \mathrm{hardswish}(x) = x\,\frac{\mathrm{relu6}(x + 3)}{6}
    = \begin{cases} 0 & x \le -3 \\ x(x+3)/6 & -3 < x < 3 \\ x & x \ge 3 \end{cases}

.. math::
    \mathrm{hardswish}'(x) = \begin{cases} 0 & x \le -3 \\ (2x+3)/6 & -3 < x < 3 \\ 1 & x \ge 3 \end{cases},
    \qquad
    \mathrm{hardswish}''(x) = \begin{cases} 1/3 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}

Numerical notes.  The middle piece is ``x * (x + 3) / 6`` on ``x`` clipped to :math:`[-3, 3]` (so
:math:`\pm\infty` never meets a 0); near :math:`x = -3` the sum ``x + 3`` is exact (Sterbenz), so
:math:`f` keeps full relative accuracy at both of its zeros.  The slope is ``(x + 1.5) / 3`` rather
than the usual ``x / 3 + 0.5``, whose rounding of ``x / 3`` is amplified without bound next to the
minimum at :math:`x = -1.5` (``x + 1.5`` is exact there).

Kinks (PyTorch's convention, ``hardswish_backward``: ``x <= -3 -> 0``, ``x < 3 -> x/3 + 1/2``, else 1):
:math:`f'(-3) = 0` (left piece) and :math:`f'(3) = 1` (right piece).  Older PyTorch releases tested
``x < -3`` and ``x <= 3`` and so returned the inner slope, -1/2 and 3/2, at the kinks.  :math:`f` is
continuous but :math:`f'` jumps at both, so the function is :math:`C^0`.  :math:`f''` is :math:`1/3`
only on the open interval.

Reference: Howard et al., Searching for MobileNetV3, ICCV 2019.
"""
import math

import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink


def hardswish(x):
    r""":math:`x\,\mathrm{relu6}(x+3)/6`."""
    x = np.asarray(x)
    xi = np.clip(x, -3.0, 3.0)
    return np.where(x <= -3.0, 0.0, np.where(x >= 3.0, x, xi * (xi + 3.0) / 6.0))


def hardswish_derivative(x):
    r""":math:`0` for :math:`x \le -3`, :math:`(2x+3)/6` inside, :math:`1` for :math:`x \ge 3`."""
    x = np.asarray(x)
    xi = np.clip(x, -3.0, 3.0)
    return np.where(x <= -3.0, 0.0, np.where(x >= 3.0, 1.0, (xi + 1.5) / 3.0))


def hardswish_second_derivative(x):
    r""":math:`1/3` for :math:`-3 < x < 3`, else :math:`0`; NaN stays NaN."""
    x = np.asarray(x)
    third = np.asarray(1.0, dtype=x.dtype) / 3.0       # 1/3 rounded in the working dtype
    return np.where((x > -3.0) & (x < 3.0), third, np.where(np.isnan(x), x, 0.0))


def _mp_fn(mp, x):
    if x <= -3:
        return mp.mpf(0)
    return x if x >= 3 else x * (x + 3) / 6


register(ActivationSpec(
    name="hardswish", class_name="Hardswish", aliases=("hard_swish", "hard_silu"),
    fn=hardswish, derivative=hardswish_derivative, second_derivative=hardswish_second_derivative,
    formula=r"\mathrm{hardswish}(x) = x\,\frac{\mathrm{relu6}(x+3)}{6} = "
            r"\begin{cases} 0 & x \le -3\\ x(x+3)/6 & -3 < x < 3\\ x & x \ge 3\end{cases}",
    derivative_formula=r"\mathrm{hardswish}'(x) = \begin{cases} 0 & x \le -3\\ (2x+3)/6 & -3 < x < 3\\ "
                       r"1 & x \ge 3\end{cases}",
    second_derivative_formula=r"\mathrm{hardswish}''(x) = \begin{cases} 1/3 & -3 < x < 3\\ 0 & "
                              r"\text{otherwise}\end{cases}",
    description="A piecewise-quadratic approximation of SiLU/Swish (the sigmoid gate replaced by the hard "
                "sigmoid relu6(x+3)/6), cheap on mobile hardware; minimum -0.375 at x = -1.5.",
    pros=("no exponential: cheap and quantisation-friendly", "close to Swish in accuracy",
          "exactly zero for x <= -3 and identity for x >= 3"),
    cons=("only C0: the derivative jumps at -3 and 3", "zero gradient for x <= -3 (dead region)",
          "not zero-centred", "non-monotonic"),
    family="self-gated", year=2019,
    reference="Howard, Sandler, Chu, Chen, Chen, Tan, Wang, Zhu, Pang, Vasudevan, Le & Adam, "
              "Searching for MobileNetV3, ICCV 2019",
    output_range=(-0.375, math.inf), monotonic=False, smoothness="C0", zero_centred=False,
    saturating=("-inf",), f0=0.0, fprime0=0.5, limits=(0.0, math.inf),
    kinks=(Kink(-3.0, 0.0, "hardswish'(-3) = 0 (left piece), as in PyTorch"),
           Kink(3.0, 1.0, "hardswish'(3) = 1 (right piece), as in PyTorch")),
    init=Init("he", 2 ** 0.5),
    mp_fn=_mp_fn,
    mp_derivative=lambda mp, x: mp.mpf(0) if x <= -3 else (mp.mpf(1) if x >= 3 else (2 * x + 3) / 6),
    mp_second_derivative=lambda mp, x: mp.mpf(1) / 3 if -3 < x < 3 else mp.mpf(0),
))
