r"""Scaled exponential linear unit (self-normalising).

.. math::
    \mathrm{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}, \quad
    \mathrm{selu}'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}, \quad
    \mathrm{selu}''(x) = \begin{cases} 0 & x > 0 \\ \lambda\alpha e^{x} & x \le 0 \end{cases}

with :math:`\alpha = 1.6732632423543772848170429916717` and
:math:`\lambda = 1.0507009873554804934193349852946`, the unique values for which mean 0 and variance 1
are a stable fixed point of a wide layer with LeCun-normal weights.

The constants (and the product :math:`\lambda\alpha = 1.7580993408473768599402175208123`) are kept to
full precision with :func:`~actlab.core.numerics.const`, so float64 input computed in extended precision
is correctly rounded; multiplying the two rounded doubles instead is already 1 ULP off
(``1.7580993408473766`` vs ``1.7580993408473768``).  ``expm1`` on ``min(x, 0)`` keeps full relative
accuracy near 0 and never overflows; derivatives come from the input.

Kink at 0 (:math:`f'` jumps from :math:`\lambda\alpha` to :math:`\lambda`): ``selu'(0) = scale * alpha``,
the left branch, as in PyTorch (its SELU backward is ELU's backward with ``x <= 0`` on the exponential
side).

Reference: Klambauer, Unterthiner, Mayr & Hochreiter, Self-normalizing neural networks, NIPS 2017.
"""
import math

import numpy as np

from ..numerics import const
from ..registry import register
from ..spec import ActivationSpec, Init, Kink

ALPHA = "1.6732632423543772848170429916717"
SCALE = "1.0507009873554804934193349852946"
SCALE_ALPHA = "1.7580993408473768599402175208123"     # SCALE * ALPHA, to the same precision


def selu(x):
    r""":math:`\lambda x` for :math:`x>0`, else :math:`\lambda\alpha(e^x-1)`."""
    return np.where(x > 0, const(SCALE, x) * x, const(SCALE_ALPHA, x) * np.expm1(np.minimum(x, 0.0)))


def selu_derivative(x):
    r""":math:`\lambda` for :math:`x>0`, else :math:`\lambda\alpha e^x` (so :math:`f'(0)=\lambda\alpha`)."""
    out = np.where(x > 0, const(SCALE, x), const(SCALE_ALPHA, x) * np.exp(np.minimum(x, 0.0)))
    return np.where(np.isnan(x), x, out)


def selu_second_derivative(x):
    r""":math:`0` for :math:`x>0`, else :math:`\lambda\alpha e^x`."""
    return np.where(x > 0, 0.0, const(SCALE_ALPHA, x) * np.exp(np.minimum(x, 0.0)))


def _mp(mp, x, order):
    scale, scale_alpha = mp.mpf(SCALE), mp.mpf(SCALE) * mp.mpf(ALPHA)
    if x > 0:
        return (scale * x, scale, mp.mpf(0))[order]
    return scale_alpha * mp.expm1(x) if order == 0 else scale_alpha * mp.exp(x)


register(ActivationSpec(
    name="selu", class_name="SELU",
    fn=selu, derivative=selu_derivative, second_derivative=selu_second_derivative,
    formula=r"\mathrm{selu}(x) = \lambda\begin{cases} x & x > 0\\ \alpha(e^{x}-1) & x \le 0\end{cases},"
            r"\ \alpha \approx 1.6733,\ \lambda \approx 1.0507",
    derivative_formula=r"\mathrm{selu}'(x) = \lambda\begin{cases} 1 & x > 0\\ \alpha e^{x} & x \le 0\end{cases}",
    second_derivative_formula=r"\mathrm{selu}''(x) = \begin{cases} 0 & x > 0\\ \lambda\alpha e^{x} & x \le 0"
                              r"\end{cases}",
    description="ELU scaled so that activations keep mean 0 and variance 1 through deep fully connected "
                "networks (self-normalising).",
    pros=("self-normalising: no batch normalisation needed in deep MLPs", "no dying units",
          "zero mean and unit variance for standard normal input"),
    cons=("needs LeCun-normal initialisation and alpha-dropout to self-normalise",
          "guarantees hold for fully connected layers only", "not differentiable at 0", "exp is costly"),
    family="exponential", year=2017,
    reference="Klambauer, Unterthiner, Mayr & Hochreiter, Self-normalizing neural networks, NIPS 2017",
    output_range=(-float(SCALE_ALPHA), math.inf), monotonic=True, smoothness="C0", zero_centred=True,
    saturating=("-inf",), self_normalising=True, f0=0.0, fprime0=None,
    limits=(-float(SCALE_ALPHA), math.inf),
    kinks=(Kink(0.0, float(SCALE_ALPHA), "selu'(0) = scale * alpha (left branch), as in PyTorch"),),
    init=Init("lecun", 1.0),
    mp_fn=lambda mp, x: _mp(mp, x, 0),
    mp_derivative=lambda mp, x: _mp(mp, x, 1),
    mp_second_derivative=lambda mp, x: _mp(mp, x, 2),
))
