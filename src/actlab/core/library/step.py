r"""Heaviside step: the threshold unit of the McCulloch–Pitts neuron and Rosenblatt's perceptron.

.. math::
    \mathrm{step}(x) = \begin{cases} 1 & x > 0 \\ h & x = 0 \\ 0 & x < 0 \end{cases}
    \qquad (h = \texttt{value\_at\_zero} = 0)

.. math::
    \mathrm{step}'(x) = 0, \qquad \mathrm{step}''(x) = 0 \qquad (x \ne 0)

Discontinuous at 0: the derivative there is a Dirac delta, which gradient descent cannot use; the
derivative returned is 0 everywhere, at the kink too (the convention of autodiff frameworks, which
is why the perceptron is trained with its own rule and not by backpropagation).

The value at 0 is a parameter (``numpy.heaviside(x, h)`` and ``torch.heaviside(x, values)`` take it
too); the default ``h = 0`` makes ``step(x) = [x > 0]``, the perceptron's convention.  ``h = 0.5`` is
the symmetric convention, ``h = 1`` gives ``[x >= 0]``.  ``-0.0`` counts as 0.  NaN gives NaN.

Reference: Rosenblatt, The perceptron: a probabilistic model for information storage and organization
in the brain, Psychological Review 1958 (after McCulloch & Pitts, 1943).
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init, Kink, Param
from ._piecewise_linear import pick, zero


def step(x, value_at_zero=0.0):
    r""":math:`1` for :math:`x > 0`, :math:`h` at :math:`0`, :math:`0` for :math:`x < 0`; NaN stays NaN."""
    out = np.where(x > 0, np.ones_like(x), np.where(x == 0, value_at_zero, 0.0)).astype(x.dtype, copy=False)
    return np.where(np.isnan(x), x, out)


def step_derivative(x, value_at_zero=0.0):
    r""":math:`0` everywhere (also at the discontinuity); NaN stays NaN."""
    return zero(x)


def step_second_derivative(x, value_at_zero=0.0):
    r""":math:`0` everywhere; NaN stays NaN."""
    return zero(x)


def _mp_step(mp, x, value_at_zero):
    if x > 0:
        return mp.mpf(1)
    return mp.mpf(value_at_zero) if x == 0 else mp.mpf(0)


register(ActivationSpec(
    single_rounding=True,
    name="step", class_name="Step", aliases=("heaviside", "binary_step", "unit_step"),
    params=(Param("value_at_zero", 0.0, "value h of step(0)", low=0.0, high=1.0),),
    fn=step, derivative=step_derivative, second_derivative=step_second_derivative,
    formula=r"\mathrm{step}(x) = \begin{cases} 1 & x > 0\\ h & x = 0\\ 0 & x < 0\end{cases}",
    derivative_formula=r"\mathrm{step}'(x) = 0 \quad (x \ne 0;\ \text{0 is also returned at } x = 0)",
    second_derivative_formula=r"\mathrm{step}''(x) = 0",
    description="Outputs 1 for positive inputs and 0 otherwise: the binary threshold unit of the perceptron.",
    pros=("binary, interpretable output", "the perceptron learning rule converges on linearly separable "
          "data", "cheap"),
    cons=("zero gradient everywhere: cannot be trained by backpropagation", "discontinuous at 0",
          "not zero-centred", "a single unit only separates linearly (no XOR)"),
    family="step", year=1958,
    reference="Rosenblatt, The perceptron: a probabilistic model for information storage and organization "
              "in the brain, Psychological Review 1958",
    output_range=(0.0, 1.0), monotonic=True, smoothness="discontinuous", zero_centred=False,
    saturating=("-inf", "+inf"), f0=lambda p: p["value_at_zero"], fprime0=None, limits=(0.0, 1.0),
    kinks=(Kink(0.0, 0.0, "jump from 0 to 1; derivative 0 returned at 0 (the Dirac delta is not usable)"),),
    init=Init("glorot", 1.0),
    mp_fn=_mp_step,
    mp_derivative=lambda mp, x, value_at_zero: mp.mpf(0),
    mp_second_derivative=lambda mp, x, value_at_zero: mp.mpf(0),
    sample_params=lambda rng: {"value_at_zero": pick(rng, [0.5, 1.0])},
))
