r"""Softmax VJP without the cancellation of ``1 - y`` at the dominant entry (shared by softmin).

.. math::
    (g^\top J)_i = y_i\,(g_i - \langle g, y\rangle), \qquad
    (g^\top J)_{t} = y_t \sum_{j \ne t} (g_t - g_j)\, y_j \quad (t = \text{first argmax})

The textbook form ``y * (g - <g, y>)`` computes ``g_t - <g, y> = g_t (1 - y_t) - ...`` by cancellation:
when one entry dominates (``y_t`` within an ulp of 1) its VJP comes out 0 or with no correct digits,
although the true value is a normal number (row ``[0, -600]``, ``g = [1, 0]``: ``e^{-600}`` vs 0).  The
second form uses ``1 - y_t = sum_{j != t} y_j``.  For the other entries ``1 - y_i >= y_t >= 1/n``, so
the first form is fine there.  (Proposed for ``softmax.softmax_vjp`` as well.)
"""
import numpy as np

from .softmax import shifted


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
