r"""Log-sigmoid: the logarithm of the logistic function.

.. math::
    \mathrm{logsigmoid}(x) = \log\sigma(x) = -\mathrm{softplus}(-x)
    = \min(x, 0) - \operatorname{log1p}\left(e^{-|x|}\right)

.. math::
    \mathrm{logsigmoid}'(x) = \sigma(-x) = \frac{1}{1 + e^{x}}, \qquad
    \mathrm{logsigmoid}''(x) = -\sigma'(x) = -\frac{e^{-|x|}}{(1+e^{-|x|})^2}

Numerical notes.  Both terms of :math:`\min(x,0) - \operatorname{log1p}(e^{-|x|})` are non-positive, so
nothing cancels: for large positive ``x`` the result is :math:`-\operatorname{log1p}(e^{-x}) \approx
-e^{-x}` to full relative accuracy (``log(sigmoid(x))`` rounds to 0 there), and for very negative ``x``
it is :math:`x - e^{x}` (``log(sigmoid(x))`` gives ``-inf`` there).  ``exp`` only sees
:math:`-|x| \le 0`.  :math:`\sigma(-x)` is split by sign and :math:`\sigma'` is computed from
:math:`e^{-|x|}`, so both tails keep their relative accuracy.  No kinks.

Reference: the log of the logistic function; used as an activation in PyTorch (``nn.LogSigmoid``) and
JAX (``jax.nn.log_sigmoid``); it is the log-likelihood term of logistic regression (Cox, 1958).
"""
import math

import numpy as np

from ..numerics import sigmoid, sigmoid_prime
from ..registry import register
from ..spec import ActivationSpec, Init


def log_sigmoid(x):
    r""":math:`\min(x,0) - \operatorname{log1p}(e^{-|x|})`."""
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def log_sigmoid_derivative(x):
    r""":math:`\sigma(-x)`."""
    return sigmoid(-x)


def log_sigmoid_second_derivative(x):
    r""":math:`-\sigma'(x) = -e^{-|x|}/(1+e^{-|x|})^2`."""
    return -sigmoid_prime(x)


def _mp_f(mp, x):
    return min(x, 0) - mp.log1p(mp.exp(-abs(x)))


def _mp_df(mp, x):
    e = mp.exp(-abs(x))
    return e / (1 + e) if x >= 0 else 1 / (1 + e)


def _mp_d2f(mp, x):
    e = mp.exp(-abs(x))
    return -e / (1 + e) ** 2


register(ActivationSpec(
    name="log_sigmoid", class_name="LogSigmoid", aliases=("logsigmoid",),
    fn=log_sigmoid, derivative=log_sigmoid_derivative, second_derivative=log_sigmoid_second_derivative,
    formula=r"\mathrm{logsigmoid}(x) = \log\frac{1}{1+e^{-x}} = -\log\left(1 + e^{-x}\right)",
    derivative_formula=r"\mathrm{logsigmoid}'(x) = \sigma(-x) = \frac{1}{1+e^{x}}",
    second_derivative_formula=r"\mathrm{logsigmoid}''(x) = -\sigma(x)\,\sigma(-x)",
    description="Logarithm of the sigmoid: a mirrored softplus, ~x for negative inputs and ~0 for positive "
                "ones; the numerically safe way to get log-probabilities from logits.",
    pros=("stable log-probability of a logit (no log(0))", "smooth and monotonic",
          "gradient sigma(-x) never exactly 0"),
    cons=("not zero-centred (always negative)", "saturates for large positive x",
          "unbounded below", "exp/log are costly"),
    family="sigmoid-like", year=1958,
    reference="Cox, The regression analysis of binary sequences, JRSS B 1958",
    output_range=(-math.inf, 0.0), monotonic=True, smoothness="Cinf", zero_centred=False,
    saturating=("+inf",), f0=-math.log(2.0), fprime0=0.5, limits=(-math.inf, 0.0),
    init=Init("glorot", 1.0),
    mp_fn=_mp_f, mp_derivative=_mp_df, mp_second_derivative=_mp_d2f,
))
