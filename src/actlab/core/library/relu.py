r"""Rectified linear unit.

.. math::
    \mathrm{relu}(x) = \max(x, 0), \qquad \mathrm{relu}'(x) = [x > 0], \qquad \mathrm{relu}''(x) = 0

Kink at 0: ``relu'(0) = 0`` (PyTorch's and JAX's convention).  NaN propagates (``np.maximum``).

Reference: Nair & Hinton, Rectified linear units improve restricted Boltzmann machines, ICML 2010;
Glorot, Bordes & Bengio, Deep sparse rectifier neural networks, AISTATS 2011.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink


def relu(x):
    r""":math:`\max(x, 0)`."""
    return np.maximum(x, 0.0)


def relu_derivative(x):
    r""":math:`[x > 0]`, with 0 at the kink; NaN stays NaN."""
    # max(sign x, 0): 1, 0 (also at -0) or NaN, in two exact passes of the input's dtype
    return np.maximum(np.sign(x), np.zeros((), x.dtype))


def relu_second_derivative(x):
    r""":math:`0` (almost everywhere); NaN stays NaN."""
    return np.where(np.isnan(x), x, np.zeros_like(x))


register(ActivationSpec(
    single_rounding=True, exact=True,
    name="relu", class_name="ReLU", aliases=("rectifier", "rectified_linear"),
    fn=relu, derivative=relu_derivative, second_derivative=relu_second_derivative,
    formula=r"\mathrm{relu}(x) = \max(x, 0)",
    derivative_formula=r"\mathrm{relu}'(x) = \begin{cases}1 & x > 0\\ 0 & x \le 0\end{cases}",
    second_derivative_formula=r"\mathrm{relu}''(x) = 0",
    description="Passes positive inputs unchanged and zeroes the rest; the default hidden activation.",
    pros=("cheap", "does not saturate for x > 0", "sparse activations"),
    cons=("dying ReLU: units stuck at x < 0 get no gradient", "not zero-centred", "not differentiable at 0"),
    family="rectifier", year=2010,
    reference="Nair & Hinton, Rectified linear units improve restricted Boltzmann machines, ICML 2010",
    output_range=(0.0, float("inf")), monotonic=True, smoothness="C0", zero_centred=False,
    saturating=("-inf",), f0=0.0, fprime0=None, limits=(0.0, float("inf")),
    kinks=(Kink(0.0, 0.0, "relu'(0) = 0 as in PyTorch"),), init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x: x if x > 0 else mp.mpf(0),
    mp_derivative=lambda mp, x: mp.mpf(1) if x > 0 else mp.mpf(0),
    mp_second_derivative=lambda mp, x: mp.mpf(0),
))
