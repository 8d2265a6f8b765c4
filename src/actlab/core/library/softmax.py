r"""Softmax along an axis.

.. math::
    \mathrm{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}}, \quad m = \max_j x_j, \qquad
    \big(g^\top J\big)_i = y_i\,\Big(g_i - \sum_j g_j y_j\Big), \qquad
    \big(g^\top J\big)_t = y_t \sum_{j \ne t} (g_t - g_j)\, y_j \quad (t = \text{first argmax})

The VJP of the dominant entry uses the second form: ``g_t - <g, y>`` would compute ``1 - y_t`` by
cancellation and return 0 (row ``[0, -600]``, ``g = [1, 0]``: true value ``e^{-600}``).

Shifting by the row maximum makes ``exp`` unable to overflow and loses nothing (softmax is
shift-invariant).  Conventions for non-finite rows (each is the limit of finite rows):

* a row whose entries are all ``-inf`` gives the **uniform** distribution ``1/n`` (the value of
  softmax on any constant row), with no warning;
* entries equal to ``+inf`` share the mass equally and finite entries get 0;
* a row containing NaN is all NaN.

Reference: Bridle, Probabilistic interpretation of feedforward classification network outputs, 1990.
"""
import numpy as np

from ..registry import register
from ..spec import ActivationSpec, Init


def shifted(x, axis):
    """``x - max(x)`` along ``axis`` with the non-finite-row conventions of this module.

    Rows whose maximum is infinite are mapped so that the max entries become 0 and the others -inf
    (for a ``+inf`` max) or all 0 (an all ``-inf`` row); NaN rows stay NaN.
    """
    m = np.max(x, axis=axis, keepdims=True)
    finite_m = np.where(np.isfinite(m), m, 0.0)
    z = x - finite_m
    inf_row = np.isinf(m)
    # rows with an infinite max: the entries equal to the max are 0, the rest -inf
    z = np.where(inf_row, np.where(x == m, 0.0, -np.inf), z)
    return z


def log_sum_exp_shifted(z, axis):
    """``log(sum(exp(z)))`` along ``axis`` for a shifted ``z`` (max 0, so the sum is in [1, n])."""
    return np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def softmax(x, axis=-1):
    r""":math:`e^{x_i - m}/\sum_j e^{x_j - m}`."""
    e = np.exp(shifted(x, axis))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_vjp(x, g, axis=-1):
    r""":math:`y \odot (g - \langle g, y\rangle)`, the dominant entry as :math:`y_t \sum_{j\ne t}(g_t - g_j) y_j`."""
    z = np.minimum(shifted(x, axis), 0.0)       # clamp: NaN rows keep raw x in ``shifted``
    e = np.exp(z)
    y = e / np.sum(e, axis=axis, keepdims=True)
    idx = np.expand_dims(np.argmax(z, axis=axis), axis)
    top = np.arange(z.shape[axis]).reshape([-1 if a == (axis % z.ndim) else 1 for a in range(z.ndim)]) == idx
    gy = g * y
    rest_y = np.sum(np.where(top, 0.0, y), axis=axis, keepdims=True)      # 1 - y_t, no cancellation
    rest_gy = np.sum(np.where(top, 0.0, gy), axis=axis, keepdims=True)
    g_top = np.sum(np.where(top, g, 0.0), axis=axis, keepdims=True)
    y_top = np.sum(np.where(top, y, 0.0), axis=axis, keepdims=True)
    general = y * (g - (rest_gy + g_top * y_top))
    dominant = y_top * (g_top * rest_y - rest_gy)
    return np.where(top, dominant, general)


register(ActivationSpec(
    name="softmax", class_name="Softmax", kind="vector", aliases=("normalized_exponential",),
    fn=softmax, vjp=softmax_vjp,
    formula=r"\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
    derivative_formula=r"\frac{\partial y_i}{\partial x_j} = y_i(\delta_{ij} - y_j)",
    description="Turns a vector of scores into a probability distribution; the multiclass output layer.",
    pros=("outputs are positive and sum to 1", "pairs with cross-entropy for a simple, stable gradient"),
    cons=("not elementwise: each output depends on the whole vector", "saturates when one score dominates"),
    family="vector", year=1990,
    reference="Bridle, Probabilistic interpretation of feedforward classification network outputs, 1990",
    output_range=(0.0, 1.0), monotonic=False, smoothness="Cinf", zero_centred=False,
    f0=0.0, limits=(0.0, 1.0), init=Init("glorot", 1.0),
    mp_fn=lambda mp, xs: [mp.exp(v) / mp.fsum(mp.exp(u) for u in xs) for v in xs],
))
