r"""Identity (linear) activation.

.. math::
    \mathrm{identity}(x) = x, \qquad \mathrm{identity}'(x) = 1, \qquad \mathrm{identity}''(x) = 0

Exact in every dtype (the value is returned unchanged, signed zeros and infinities included; a copy,
never the input itself).  The output layer of regressions, and the "activation" whose stacking shows
that a deep network without non-linearity collapses to one linear map.

Reference: Widrow & Hoff, Adaptive switching circuits, IRE WESCON Convention Record 1960 (ADALINE, the
linear neuron).
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init


def identity(x):
    r""":math:`x`."""
    return np.array(x, copy=True)


def identity_derivative(x):
    r""":math:`1`; NaN stays NaN."""
    return np.where(np.isnan(x), x, np.ones_like(x))


def identity_second_derivative(x):
    r""":math:`0`; NaN stays NaN."""
    return np.where(np.isnan(x), x, np.zeros_like(x))


register(ActivationSpec(
    single_rounding=True, exact=True,
    name="identity", class_name="Identity", aliases=("linear",),
    fn=identity, derivative=identity_derivative, second_derivative=identity_second_derivative,
    formula=r"\mathrm{identity}(x) = x",
    derivative_formula=r"\mathrm{identity}'(x) = 1",
    second_derivative_formula=r"\mathrm{identity}''(x) = 0",
    description="Returns its input unchanged: the output activation of regression and the no-op baseline.",
    pros=("exact and free", "unbounded output for regression targets", "gradient 1: never vanishes"),
    cons=("no non-linearity: stacked linear layers collapse to a single linear map",
          "unbounded output can explode"),
    family="linear", year=1960,
    reference="Widrow & Hoff, Adaptive switching circuits, IRE WESCON Convention Record 1960",
    output_range=(-float("inf"), float("inf")), monotonic=True, smoothness="Cinf", zero_centred=True,
    saturating=(), f0=0.0, fprime0=1.0, limits=(-float("inf"), float("inf")), kinks=(),
    init=Init("glorot", 1.0),
    mp_fn=lambda mp, x: x,
    mp_derivative=lambda mp, x: mp.mpf(1),
    mp_second_derivative=lambda mp, x: mp.mpf(0),
))
