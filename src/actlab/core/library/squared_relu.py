r"""Squared ReLU (Primer).

.. math::
    \mathrm{relu}^2(x) = \max(x, 0)^2, \qquad
    (\mathrm{relu}^2)'(x) = 2\max(x, 0), \qquad
    (\mathrm{relu}^2)''(x) = 2\,[x > 0]

Numerics: one square in the working precision, exact up to the final rounding.  It cannot overflow
there (the square of the largest float64 fits in extended precision, of the largest float32 in
float64); the rounding to the caller's dtype gives :math:`+\infty` exactly where the true value
exceeds the dtype's maximum.  NaN propagates through ``maximum``.

Kink at 0: :math:`f` and :math:`f'` are continuous (:math:`f'(0) = 0`), :math:`f''` jumps from 0 to 2,
so the function is :math:`C^1`; :math:`f''(0) = 0` (the left branch, as ReLU's :math:`\mathrm{relu}'(0) = 0`).

Reference: So, Mańke, Liu, Dai, Shazeer & Le, Primer: searching for efficient transformers for
language modeling, NeurIPS 2021.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink


def squared_relu(x):
    r""":math:`\max(x, 0)^2`."""
    m = np.maximum(x, 0.0)
    return m * m


def squared_relu_derivative(x):
    r""":math:`2\max(x, 0)`."""
    return 2.0 * np.maximum(x, 0.0)


def squared_relu_second_derivative(x):
    r""":math:`2\,[x > 0]` (0 at the kink); NaN stays NaN."""
    return np.where(np.isnan(x), x, 2.0 * (x > 0).astype(x.dtype))


register(ActivationSpec(
    name="squared_relu", class_name="SquaredReLU", aliases=("relu_squared", "relu2"),
    fn=squared_relu, derivative=squared_relu_derivative, second_derivative=squared_relu_second_derivative,
    formula=r"\mathrm{relu}^2(x) = \max(x, 0)^2",
    derivative_formula=r"(\mathrm{relu}^2)'(x) = 2\max(x, 0)",
    second_derivative_formula=r"(\mathrm{relu}^2)''(x) = \begin{cases} 2 & x > 0\\ 0 & x \le 0\end{cases}",
    description="ReLU squared: zero for negative inputs, a parabola for positive ones; found by "
                "architecture search for Transformer feed-forward layers.",
    pros=("improved language-model quality per FLOP in Primer", "sparse like ReLU",
          "differentiable everywhere (C1)", "cheap"),
    cons=("dying units for x < 0 as with ReLU", "grows quadratically: activations can explode",
          "not zero-centred"),
    family="rectifier", year=2021,
    reference="So, Mańke, Liu, Dai, Shazeer & Le, Primer: searching for efficient transformers for language "
              "modeling, NeurIPS 2021",
    output_range=(0.0, float("inf")), monotonic=True, smoothness="C1", zero_centred=False,
    saturating=("-inf",), f0=0.0, fprime0=0.0, limits=(0.0, float("inf")),
    kinks=(Kink(0.0, 0.0, "f and f' are continuous (f'(0) = 0); f'' jumps from 0 to 2, f''(0) = 0"),),
    init=Init("he", 2 ** 0.5),
    mp_fn=lambda mp, x: x * x if x > 0 else mp.mpf(0),
    mp_derivative=lambda mp, x: 2 * x if x > 0 else mp.mpf(0),
    mp_second_derivative=lambda mp, x: mp.mpf(2) if x > 0 else mp.mpf(0),
))
