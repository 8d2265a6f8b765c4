r"""Logistic sigmoid.

.. math::
    \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad
    \sigma'(x) = \sigma(x)\,\sigma(-x) = \frac{e^{-|x|}}{(1+e^{-|x|})^2}, \qquad
    \sigma''(x) = -\sigma'(x)\tanh(x/2)

Evaluated split by sign so ``exp`` never overflows; :math:`\sigma'` from :math:`e^{-|x|}` so it keeps full
relative accuracy in both tails (the textbook :math:`\sigma(1-\sigma)` rounds to 0 for :math:`x > 37`),
and :math:`\sigma''` as :math:`-\sigma'\tanh(x/2)`, which has no cancellation (``1 - 2σ`` has).

Reference: the logistic function (Verhulst, 1838); as a neural activation, Rumelhart, Hinton & Williams (1986).
"""

import numpy as np

from ..numerics import sigmoid as stable_sigmoid, sigmoid_prime
from ..registry import register
from ..spec import ActivationSpec, Init


def sigmoid(x):
    r""":math:`\sigma(x) = 1/(1+e^{-x})`."""
    return stable_sigmoid(x)


def sigmoid_derivative(x):
    r""":math:`\sigma'(x) = e^{-|x|}/(1+e^{-|x|})^2`."""
    return sigmoid_prime(x)


def sigmoid_second_derivative(x):
    r""":math:`\sigma''(x) = -\sigma'(x)\tanh(x/2)`."""
    return -sigmoid_prime(x) * np.tanh(0.5 * x)


register(ActivationSpec(
    name="sigmoid", class_name="Sigmoid", aliases=("logistic", "expit"),
    fn=sigmoid, derivative=sigmoid_derivative, second_derivative=sigmoid_second_derivative,
    formula=r"\sigma(x) = \frac{1}{1+e^{-x}}",
    derivative_formula=r"\sigma'(x) = \sigma(x)\,(1-\sigma(x))",
    second_derivative_formula=r"\sigma''(x) = \sigma'(x)\,(1-2\sigma(x))",
    description="Squashes any input into (0, 1); the classic neuron and the binary-output activation.",
    pros=("output in (0, 1), read as a probability", "smooth and monotonic"),
    cons=("saturates: gradient vanishes for large |x|", "not zero-centred", "max slope 0.25, so gradients "
          "shrink by at least 4x per layer", "exp is costly"),
    family="sigmoid-like", year=1986,
    reference="Rumelhart, Hinton & Williams, Learning representations by back-propagating errors, Nature 1986",
    output_range=(0.0, 1.0), monotonic=True, smoothness="Cinf", zero_centred=False,
    saturating=("-inf", "+inf"), f0=0.5, fprime0=0.25, limits=(0.0, 1.0), init=Init("glorot", 1.0),
    mp_fn=lambda mp, x: 1 / (1 + mp.exp(-x)),
    mp_derivative=lambda mp, x: mp.exp(-x) / (1 + mp.exp(-x)) ** 2,
    mp_second_derivative=lambda mp, x: -mp.exp(-x) * mp.tanh(x / 2) / (1 + mp.exp(-x)) ** 2,
))
