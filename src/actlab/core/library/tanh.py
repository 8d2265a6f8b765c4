r"""Hyperbolic tangent.

.. math::
    \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1, \qquad
    \tanh'(x) = \operatorname{sech}^2(x) = 1 - \tanh^2(x), \qquad
    \tanh''(x) = -2\tanh(x)\operatorname{sech}^2(x)

Numerics: the value is ``np.tanh`` in the working precision (never the exp quotient, which overflows to
NaN for :math:`|x| > 88` in float32).  The derivative is **not** ``1 - tanh^2``: that cancels
catastrophically in the tails (it is exactly 0 for :math:`|x| > 19` in float64 while the true value is
normal down to :math:`|x| \approx 354`).  Instead

.. math::
    \operatorname{sech}^2(x) = \frac{4e}{(1+e)^2}, \qquad e = e^{-2|x|} \in (0, 1],

which has no cancellation and never overflows; :math:`|x|` is capped at :math:`10^4` before doubling
(the true value there is below every dtype's smallest subnormal), so ``2|x|`` cannot overflow even when
a kernel is called on float64 directly.  The second derivative is the product of two accurate factors.

Smooth everywhere (no kinks); odd, zero-centred, saturating at both ends.

Reference: LeCun, Bottou, Orr & Müller, Efficient BackProp, in Neural Networks: Tricks of the Trade,
Springer 1998 (why tanh, zero-centred, trains faster than the logistic sigmoid).
"""
import numpy as np

from ..numerics import sech2
from ..registry import register
from ..spec import ActivationSpec, Init


def tanh(x):
    r""":math:`\tanh(x)`."""
    return np.tanh(x)


def tanh_derivative(x):
    r""":math:`\operatorname{sech}^2(x) = 4e/(1+e)^2` with :math:`e = e^{-2|x|}`."""
    return sech2(x)


def tanh_second_derivative(x):
    r""":math:`-2\tanh(x)\operatorname{sech}^2(x)`."""
    return -2.0 * np.tanh(x) * sech2(x)


register(ActivationSpec(
    name="tanh", class_name="Tanh", aliases=("hyperbolic_tangent",),
    fn=tanh, derivative=tanh_derivative, second_derivative=tanh_second_derivative,
    formula=r"\tanh(x) = \frac{e^{x}-e^{-x}}{e^{x}+e^{-x}} = 2\sigma(2x) - 1",
    derivative_formula=r"\tanh'(x) = \operatorname{sech}^2(x) = 1 - \tanh^2(x)",
    second_derivative_formula=r"\tanh''(x) = -2\tanh(x)\,\operatorname{sech}^2(x)",
    description="S-shaped like the sigmoid but with output in (-1, 1) and centred at 0.",
    pros=("zero-centred output: faster convergence than the sigmoid", "smooth and monotonic",
          "slope 1 at the origin (4x the sigmoid's)"),
    cons=("saturates: gradient vanishes for large |x|", "exp-based, costlier than ReLU",
          "vanishing gradients in deep networks"),
    family="sigmoid-like", year=1998,
    reference="LeCun, Bottou, Orr & Müller, Efficient BackProp, Neural Networks: Tricks of the Trade, "
              "Springer 1998",
    output_range=(-1.0, 1.0), monotonic=True, smoothness="Cinf", zero_centred=True,
    saturating=("-inf", "+inf"), f0=0.0, fprime0=1.0, limits=(-1.0, 1.0), kinks=(),
    init=Init("glorot", 5.0 / 3.0),      # PyTorch's calculate_gain('tanh')
    mp_fn=lambda mp, x: mp.tanh(x),
    mp_derivative=lambda mp, x: mp.sech(x) ** 2,
    mp_second_derivative=lambda mp, x: -2 * mp.tanh(x) * mp.sech(x) ** 2,
))
