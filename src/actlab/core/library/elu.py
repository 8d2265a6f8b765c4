r"""Exponential linear unit.

.. math::
    \mathrm{elu}(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}, \quad
    \mathrm{elu}'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}, \quad
    \mathrm{elu}''(x) = \begin{cases} 0 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}

``expm1`` on ``min(x, 0)`` keeps full accuracy near 0 and never overflows.  The derivative is computed
from the input (computing it from the output, ``f(x) + α``, is wrong for negative α and loses accuracy).
Kink at 0 for α ≠ 1: ``elu'(0) = α`` (PyTorch's convention: the left branch includes 0).

Reference: Clevert, Unterthiner & Hochreiter, Fast and accurate deep network learning by exponential
linear units (ELUs), ICLR 2016.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink, Param


def elu(x, alpha=1.0):
    r""":math:`x` for :math:`x>0`, else :math:`\alpha(e^x-1)`."""
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_derivative(x, alpha=1.0):
    r""":math:`1` for :math:`x>0`, else :math:`\alpha e^x`."""
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def elu_second_derivative(x, alpha=1.0):
    r""":math:`0` for :math:`x>0`, else :math:`\alpha e^x`."""
    return np.where(x > 0, 0.0, alpha * np.exp(np.minimum(x, 0.0)))


register(ActivationSpec(
    name="elu", class_name="ELU",
    params=(Param("alpha", 1.0, "scale of the negative saturation value -alpha"),),
    fn=elu, derivative=elu_derivative, second_derivative=elu_second_derivative,
    formula=r"\mathrm{elu}(x) = \begin{cases} x & x > 0\\ \alpha(e^{x}-1) & x \le 0\end{cases}",
    derivative_formula=r"\mathrm{elu}'(x) = \begin{cases} 1 & x > 0\\ \alpha e^{x} & x \le 0\end{cases}",
    second_derivative_formula=r"\mathrm{elu}''(x) = \begin{cases} 0 & x > 0\\ \alpha e^{x} & x \le 0\end{cases}",
    description="Identity for positive inputs, smooth exponential saturation to -alpha for negative ones.",
    pros=("no dying units: non-zero gradient for x < 0", "mean activation closer to zero than ReLU",
          "smooth at 0 when alpha = 1"),
    cons=("exp is costlier than ReLU", "saturates for large negative x"),
    family="exponential", year=2016,
    reference="Clevert, Unterthiner & Hochreiter, Fast and accurate deep network learning by exponential "
              "linear units (ELUs), ICLR 2016",
    output_range=lambda p: (min(-p["alpha"], 0.0), float("inf")),
    monotonic=lambda p: p["alpha"] >= 0,
    smoothness=lambda p: "C1" if p["alpha"] == 1 else "C0",
    zero_centred=False, saturating=lambda p: ("-inf",) if p["alpha"] != 0 else ("-inf",),
    f0=0.0, fprime0=lambda p: 1.0 if p["alpha"] == 1 else None,
    limits=lambda p: (-p["alpha"], float("inf")),
    kinks=lambda p: (Kink(0.0, p["alpha"], "elu'(0) = alpha (left branch), as in PyTorch; for alpha = 1 "
                                           "only f'' jumps"),),
    init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x, alpha: x if x > 0 else alpha * mp.expm1(x),
    mp_derivative=lambda mp, x, alpha: mp.mpf(1) if x > 0 else alpha * mp.exp(x),
    mp_second_derivative=lambda mp, x, alpha: mp.mpf(0) if x > 0 else alpha * mp.exp(x),
    sample_params=lambda rng: {"alpha": float(rng.choice([0.5, 2.0, -0.5]))},
))
