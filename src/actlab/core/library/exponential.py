r"""Exponential activation (Keras' ``exponential``).

.. math::
    f(x) = e^{x}, \qquad f'(x) = e^{x}, \qquad f''(x) = e^{x}

Numerical notes.  ``exp`` of the exact input is correctly rounded to well within an ULP of the working
type.  For :math:`x` beyond the bound :math:`B` (700 in float64, 11000 in 80-bit extended: both far above
:math:`\log` of the caller's largest float) the true value exceeds every caller dtype, so ``+inf`` is the
correctly rounded answer; the kernel returns it directly instead of letting ``exp`` overflow (no
floating-point overflow flag, no warning).  :math:`e^{-\infty} = 0`.  No kinks.

Reference: Chollet et al., Keras (``keras.activations.exponential``), 2019; the log link of Poisson
regression (Nelder & Wedderburn, Generalized linear models, JRSS A 1972).
"""
import math

import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init


def _bound(x):
    return 700.0 if x.dtype.itemsize <= 8 else 11000.0


def exponential(x):
    r""":math:`e^x`, with ``+inf`` returned directly where it is the rounded answer."""
    bound = _bound(x)
    return np.where(x > bound, np.inf, np.exp(np.minimum(x, bound)))


register(ActivationSpec(
    name="exponential", class_name="Exponential", aliases=("exp",),
    fn=exponential, derivative=exponential, second_derivative=exponential,
    formula=r"f(x) = e^{x}",
    derivative_formula=r"f'(x) = e^{x}",
    second_derivative_formula=r"f''(x) = e^{x}",
    description="The exponential function: maps any input to a positive output; used as the output of "
                "count (Poisson) and rate models.",
    pros=("strictly positive output (rates, scales, counts)", "smooth, monotonic, its own derivative"),
    cons=("explodes for large inputs: overflow and exploding gradients", "saturates for negative inputs",
          "not zero-centred", "rarely suitable for hidden layers"),
    family="exponential", year=2019,
    reference="Chollet et al., Keras: keras.activations.exponential (2019)",
    output_range=(0.0, math.inf), monotonic=True, smoothness="Cinf", zero_centred=False,
    saturating=("-inf",), f0=1.0, fprime0=1.0, limits=(0.0, math.inf),
    init=Init("glorot", 1.0),
    mp_fn=lambda mp, x: mp.inf if x > 12000 else mp.exp(x),
    mp_derivative=lambda mp, x: mp.inf if x > 12000 else mp.exp(x),
    mp_second_derivative=lambda mp, x: mp.inf if x > 12000 else mp.exp(x),
))
