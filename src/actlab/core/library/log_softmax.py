r"""Log-softmax along an axis.

.. math::
    \mathrm{log\_softmax}(x)_i = x_i - m - \log\sum_j e^{x_j - m}, \quad m = \max_j x_j, \qquad
    \big(g^\top J\big)_i = g_i - \mathrm{softmax}(x)_i \sum_j g_j

Numerical notes.  After the shift ``z = x - m`` (shared with :mod:`.softmax`) every ``z_i <= 0`` and
the row maximum has ``z = 0``, so the log-sum-exp is ``log1p(s)`` with
``s = sum_{z_j < 0} e^{z_j} + (number of maxima - 1) >= 0``: a sum of non-negative terms, no
cancellation.  Writing it as ``log(sum e^z)`` instead would round ``1 + s`` to 1 for ``s`` below the
working epsilon and return exactly 0 for the maximum entry, whose true value ``-log1p(s)`` is tiny but
normal (e.g. ``[0, -100]`` gives ``-3.7e-44``).  ``z_i - log1p(s)`` adds two non-positive numbers, so
every entry is accurate to a few ULP of the working precision.

Conventions for non-finite rows (the same as softmax, each the limit of finite rows):

* a row whose entries are all ``-inf`` gives ``log(1/n) = -log n`` everywhere (log of softmax's
  uniform distribution), with no warning;
* entries equal to ``+inf`` share the mass: they get ``-log k`` (``k`` of them), the others ``-inf``;
* a ``-inf`` entry in a row with a finite maximum gives ``-inf`` (its gradient is ``g_i``);
* a row containing NaN is all NaN.

The VJP reuses :func:`.softmax.softmax`; it suffers the unavoidable cancellation of
``g_i - y_i \sum g`` where the two terms nearly agree (relative error ~ working epsilon times the ratio
of the terms to the result).

Reference: the log of Bridle's softmax (1990); as a numerically stable output layer for the
negative log-likelihood, e.g. Goodfellow, Bengio & Courville, Deep Learning, 2016, section 6.2.2.
"""
import math

import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init
from .softmax import shifted, softmax


def _shifted(x, axis):
    # rows containing NaN keep the raw x in ``shifted``; clamp so exp cannot overflow (the row is NaN anyway)
    return np.minimum(shifted(x, axis), 0.0)


def log_softmax(x, axis=-1):
    r""":math:`z_i - \operatorname{log1p}\big(\sum_{z_j<0} e^{z_j} + k - 1\big)`, :math:`z = x - \max x`, ``k`` maxima."""
    z = _shifted(x, axis)
    # the maxima are counted exactly below; NaN entries stay in the sum so their row is NaN
    rest = np.sum(np.where(z == 0, 0.0, np.exp(z)), axis=axis, keepdims=True)
    ties = np.sum(z == 0, axis=axis, keepdims=True) - 1          # extra maxima, each contributes e^0
    return z - np.log1p(rest + np.maximum(ties, 0))


def log_softmax_vjp(x, g, axis=-1):
    r""":math:`g - \mathrm{softmax}(x) \sum_j g_j`."""
    return g - softmax(x, axis) * np.sum(g, axis=axis, keepdims=True)


def _mp_log_softmax(mp, xs):
    top = max(xs)
    z = [v - top for v in xs]            # exact for same-scale inputs; max(z) = 0
    first = z.index(0)
    # log(1 + s) with s summed apart from one e^0 = 1, so a tiny s is not rounded away
    lse = mp.log1p(mp.fsum(mp.exp(v) for k, v in enumerate(z) if k != first))
    return [v - lse for v in z]


register(ActivationSpec(
    name="log_softmax", class_name="LogSoftmax", aliases=("logsoftmax",),
    kind="vector", fn=log_softmax, vjp=log_softmax_vjp,
    formula=r"\mathrm{log\_softmax}(x)_i = x_i - \log\sum_j e^{x_j}",
    derivative_formula=r"\frac{\partial y_i}{\partial x_j} = \delta_{ij} - \mathrm{softmax}(x)_j, \qquad "
                       r"(g^\top J)_j = g_j - \mathrm{softmax}(x)_j \sum_i g_i",
    description="Logarithm of softmax, computed directly: log-probabilities for a multiclass output "
                "layer trained with the negative log-likelihood.",
    pros=("exact and overflow-free where log(softmax(x)) underflows to -inf",
          "pairs with NLL loss: the gradient is softmax minus the one-hot target"),
    cons=("not elementwise: each output depends on the whole vector",
          "outputs are log-probabilities (<= 0), not probabilities"),
    family="vector", year=1990,
    reference="Bridle, Probabilistic interpretation of feedforward classification network outputs, 1990",
    output_range=(-math.inf, 0.0), monotonic=False, smoothness="Cinf", zero_centred=False,
    f0=None, limits=(-math.inf, 0.0), init=Init("glorot", 1.0),
    mp_fn=_mp_log_softmax,
))
