r"""Parametric rectified linear unit: a leaky ReLU whose negative slope is learned.

.. math::
    \mathrm{prelu}(x) = \begin{cases} x & x > 0 \\ w\,x & x \le 0 \end{cases}
    \qquad (w = \texttt{weight}, \text{ initialised to } 0.25)

.. math::
    \mathrm{prelu}'(x) = \begin{cases} 1 & x > 0 \\ w & x \le 0 \end{cases}, \qquad
    \mathrm{prelu}''(x) = 0, \qquad
    \frac{\partial\,\mathrm{prelu}}{\partial w} = \min(x, 0)

The same kernels as ``leaky_relu`` (shared in ``_piecewise_linear``): one multiplication in the working
precision, argument guarded so :math:`w = 0` gives 0 at :math:`-\infty`.  ``weight`` is marked learnable:
networks train it (PyTorch's ``PReLU`` keeps one per layer or per channel; the catalog entry is the
scalar case, the gradient with respect to ``weight`` is :math:`\min(x, 0)`).

Kink at 0: ``prelu'(0) = weight`` (PyTorch's convention: the left branch includes 0).

Reference: He, Zhang, Ren & Sun, Delving deep into rectifiers: surpassing human-level performance on
ImageNet classification, ICCV 2015.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Param
from ._piecewise_linear import leaky, leaky_derivative, leaky_metadata, mp_leaky, pick, zero


def prelu(x, weight=0.25):
    r""":math:`x` for :math:`x > 0`, else :math:`w x`."""
    return leaky(x, weight)


def prelu_derivative(x, weight=0.25):
    r""":math:`1` for :math:`x > 0`, else :math:`w` (``prelu'(0) = w``)."""
    return leaky_derivative(x, weight)


def prelu_second_derivative(x, weight=0.25):
    r""":math:`0`."""
    return zero(x)


def prelu_weight_derivative(x, weight=0.25):
    r""":math:`\partial\,\mathrm{prelu}/\partial w = \min(x, 0)` (exact; NaN stays NaN)."""
    return {"weight": np.minimum(x, 0.0)}


register(ActivationSpec(
    single_rounding=True,
    name="prelu", class_name="PReLU", aliases=("parametric_relu",),
    params=(Param("weight", 0.25, "learned slope w of the negative part (initial value)", learnable=True),),
    fn=prelu, derivative=prelu_derivative, second_derivative=prelu_second_derivative,
    param_derivative=prelu_weight_derivative,
    formula=r"\mathrm{prelu}(x) = \begin{cases} x & x > 0\\ w\,x & x \le 0\end{cases}",
    derivative_formula=r"\mathrm{prelu}'(x) = \begin{cases} 1 & x > 0\\ w & x \le 0\end{cases}, \quad "
                       r"\frac{\partial\,\mathrm{prelu}}{\partial w} = \min(x, 0)",
    second_derivative_formula=r"\mathrm{prelu}''(x) = 0",
    description="Leaky ReLU whose negative slope is a trained parameter (initialised to 0.25).",
    pros=("the network learns the negative slope", "no dying units", "negligible extra parameters",
          "improved ImageNet accuracy over ReLU in the original paper"),
    cons=("extra parameter can overfit small data sets", "not zero-centred", "not differentiable at 0",
          "weight decay on the slope pushes it towards ReLU"),
    family="rectifier", year=2015,
    reference="He, Zhang, Ren & Sun, Delving deep into rectifiers: surpassing human-level performance on "
              "ImageNet classification, ICCV 2015",
    **leaky_metadata(lambda p: p["weight"]),
    mp_fn=lambda mp, x, weight: mp_leaky(mp, x, weight, 0),
    mp_derivative=lambda mp, x, weight: mp_leaky(mp, x, weight, 1),
    mp_second_derivative=lambda mp, x, weight: mp_leaky(mp, x, weight, 2),
    sample_params=lambda rng: {"weight": pick(rng, [0.1, -0.25, 0.0, 0.75])},
))
