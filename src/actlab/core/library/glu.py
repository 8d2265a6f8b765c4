r"""Gated linear unit (GLU) along an axis.

.. math::
    x = [a, b] \text{ (halves along the axis)}, \qquad \mathrm{GLU}(x) = a \odot \sigma(b), \qquad
    g^\top J = \big[\, g \odot \sigma(b),\;\; g \odot a \odot \sigma'(b) \,\big]

The output has half the size of the input along ``axis``; an odd size raises ``ValueError`` (as in
PyTorch).  :math:`\sigma` and :math:`\sigma'` are :func:`actlab.core.numerics.sigmoid` /
:func:`~actlab.core.numerics.sigmoid_prime` (split by sign, :math:`\sigma'` from :math:`e^{-|b|}`), so
both products keep full relative accuracy, including the tails where :math:`\sigma(b)` is tiny.

Non-finite inputs follow IEEE products: :math:`\sigma(\pm\infty)` is 1 or 0 and
:math:`\sigma'(\pm\infty) = 0`, so ``a = ±inf`` with ``b = -inf`` gives NaN (``inf * 0``, returned without an invalid-operation
flag); NaN in ``a``
or ``b`` gives NaN in that output.

Reference: Dauphin, Fan, Auli & Grangier, Language modeling with gated convolutional networks, ICML 2017.
"""
import numpy as np

from .. import numerics
from ..registry import register
from ..spec import ActivationSpec, Init


def _halves(x, axis, name="glu"):
    n = x.shape[axis]
    if n % 2:
        raise ValueError(f"{name}: the size along axis {axis} must be even to split it in halves, got {n}")
    a, b = np.split(x, 2, axis=axis)
    return a, b


def _times(a, s):
    """``a * s`` with ``inf * 0`` answered NaN without an invalid-operation flag."""
    bad = np.isinf(a) & (s == 0)
    return np.where(bad, np.nan, np.where(bad, 1.0, a) * s)


def glu(x, axis=-1):
    r""":math:`a \odot \sigma(b)` with :math:`[a, b]` the halves of ``x`` along ``axis``."""
    a, b = _halves(x, axis)
    return _times(a, numerics.sigmoid(b))


def glu_vjp(x, g, axis=-1):
    r""":math:`[\,g\,\sigma(b),\; g\,a\,\sigma'(b)\,]`."""
    a, b = _halves(x, axis)
    return np.concatenate([g * numerics.sigmoid(b), g * _times(a, numerics.sigmoid_prime(b))], axis=axis)


def _mp_glu(mp, xs):
    n = len(xs)
    if n % 2:
        raise ValueError(f"glu: odd size {n}")
    h = n // 2
    return [a / (1 + mp.exp(-b)) for a, b in zip(xs[:h], xs[h:])]


register(ActivationSpec(
    name="glu", class_name="GLU", aliases=("gated_linear_unit",),
    kind="vector", fn=glu, vjp=glu_vjp,
    formula=r"\mathrm{GLU}([a, b]) = a \otimes \sigma(b)",
    derivative_formula=r"g^\top J = \big[\, g \odot \sigma(b),\; g \odot a \odot \sigma(b)(1-\sigma(b)) \,\big]",
    description="Splits its input in two halves and gates the first with the sigmoid of the second; "
                "the building block of gated CNN language models and of GLU-variant transformer FFNs.",
    pros=("linear path a gives gradients that do not vanish through the gate",
          "learned, input-dependent gating (the basis of SwiGLU/GeGLU feed-forward layers)"),
    cons=("halves the size along the axis, so the preceding layer needs twice the units",
          "not elementwise", "not monotonic, unbounded"),
    family="vector", year=2017,
    reference="Dauphin, Fan, Auli & Grangier, Language modeling with gated convolutional networks, ICML 2017",
    output_range=(-np.inf, np.inf), monotonic=False, smoothness="Cinf", zero_centred=False,
    f0=0.0, limits=(-np.inf, np.inf), init=Init("glorot", 1.0),
    mp_fn=_mp_glu,
))
