r"""Losses: ``loss.forward(pred, target) -> scalar`` (mean over the batch), ``loss.backward() -> dL/dpred``.

* :class:`MSE` -- :math:`\frac1N\sum (p - t)^2` over all elements.
* :class:`BinaryCrossEntropyWithLogits` -- :math:`\frac1N\sum \operatorname{softplus}(z) - t z`,
  written with ``logaddexp`` so it is exact for any logit; gradient :math:`(\sigma(z) - t)/N` with the
  sign-split sigmoid.
* :class:`SoftmaxCrossEntropy` -- :math:`\frac1B\sum_b \operatorname{logsumexp}(z_b) - \sum_c t_{bc} z_{bc}`
  from logits, with the max subtracted first: no overflow for any finite logits (``1e4`` included);
  targets are integer class labels or rows of class probabilities; gradient
  :math:`(\operatorname{softmax}(z) - t)/B`.

Values and gradients keep the dtype of ``pred`` (float32 stays float32).
"""
from __future__ import annotations

import numpy as np

from ..core.numerics import sigmoid
from .module import require_cache


class Loss:
    """Base class; ``loss(pred, target)`` is ``loss.forward(pred, target)``."""

    name = "loss"

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def forward(self, pred, target):
        raise NotImplementedError

    def backward(self):
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _pred(pred) -> np.ndarray:
    p = np.asarray(pred)
    return p if p.dtype.kind == "f" else p.astype(np.float64)


class MSE(Loss):
    r"""Mean squared error :math:`\frac1N\sum_i (p_i - t_i)^2` (``N`` = number of elements)."""

    name = "mse"

    def __init__(self) -> None:
        self._diff = None

    def forward(self, pred, target):
        p = _pred(pred)
        t = np.asarray(target, dtype=p.dtype)
        if t.shape != p.shape:
            t = t.reshape(p.shape)
        self._diff = p - t
        return p.dtype.type(np.mean(self._diff * self._diff))

    def backward(self):
        d = require_cache(self, self._diff)
        return d * d.dtype.type(2.0 / d.size)


class BinaryCrossEntropyWithLogits(Loss):
    r"""Binary cross-entropy of logits ``z`` and targets ``t`` in [0, 1]:
    :math:`\frac1N\sum \log(1+e^{z}) - t z` (``logaddexp``: exact for any z)."""

    name = "bce_with_logits"

    def __init__(self) -> None:
        self._z = self._t = None

    def forward(self, pred, target):
        z = _pred(pred)
        t = np.asarray(target, dtype=z.dtype)
        if t.shape != z.shape:
            t = t.reshape(z.shape)
        self._z, self._t = z, t
        with np.errstate(under="ignore"):
            return z.dtype.type(np.mean(np.logaddexp(z.dtype.type(0), z) - t * z))

    def backward(self):
        z = require_cache(self, self._z)
        with np.errstate(under="ignore"):
            s = sigmoid(z)
        return ((s - self._t) * z.dtype.type(1.0 / z.size)).astype(z.dtype, copy=False)


class SoftmaxCrossEntropy(Loss):
    r"""Cross-entropy of softmax(logits) along the last axis: :math:`\operatorname{logsumexp}(z) - \sum_c t_c z_c`,
    averaged over rows.  ``target``: integer labels of shape ``pred.shape[:-1]`` or probabilities of
    ``pred``'s shape."""

    name = "softmax_cross_entropy"

    def __init__(self) -> None:
        self._p = self._t = None

    def forward(self, pred, target):
        z = _pred(pred)
        if z.ndim == 0:
            raise ValueError("SoftmaxCrossEntropy needs logits with a class axis")
        t = np.asarray(target)
        if t.shape == z.shape[:-1]:                       # integer class labels
            if t.dtype.kind not in "biu" and not np.all(np.mod(t, 1) == 0):
                raise ValueError("labels of shape pred.shape[:-1] must be integers")
            labels = t.astype(np.intp)
            if labels.size and (labels.min() < 0 or labels.max() >= z.shape[-1]):
                raise ValueError(f"labels must lie in [0, {z.shape[-1]}), got range [{labels.min()}, {labels.max()}]")
            t = np.zeros_like(z)
            np.put_along_axis(t, labels[..., None], 1, axis=-1)
        else:
            t = t.astype(z.dtype)
            if t.shape != z.shape:
                raise ValueError(f"target shape {t.shape} matches neither labels {z.shape[:-1]} nor logits {z.shape}")
        m = np.max(z, axis=-1, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        shifted = z - m
        with np.errstate(under="ignore"):         # exp of a very negative logit underflows to 0: correct
            e = np.exp(shifted)
        s = np.sum(e, axis=-1, keepdims=True)
        log_softmax = shifted - np.log(s)
        self._p, self._t = e / s, t
        rows = max(z.size // z.shape[-1], 1)
        # where t = 0, 0 * log_softmax must be 0 even for a -inf log-probability
        terms = np.where(t != 0, t * np.where(t != 0, log_softmax, 0), 0)
        return z.dtype.type(-np.sum(terms) / rows)

    def backward(self):
        p = require_cache(self, self._p)
        rows = max(p.size // p.shape[-1], 1)
        return ((p - self._t) * p.dtype.type(1.0 / rows)).astype(p.dtype, copy=False)


LOSSES = {cls.name: cls for cls in (MSE, BinaryCrossEntropyWithLogits, SoftmaxCrossEntropy)}
_ALIASES = {"mean_squared_error": "mse", "bce": "bce_with_logits", "binary_cross_entropy": "bce_with_logits",
            "cross_entropy": "softmax_cross_entropy", "ce": "softmax_cross_entropy"}


def get_loss(loss) -> Loss:
    """A loss instance from a :class:`Loss` or a name ('mse', 'bce_with_logits', 'softmax_cross_entropy')."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, type) and issubclass(loss, Loss):
        return loss()
    if isinstance(loss, str):
        key = _ALIASES.get(loss.lower(), loss.lower())
        if key in LOSSES:
            return LOSSES[key]()
        raise ValueError(f"unknown loss {loss!r}; valid: {', '.join(sorted(LOSSES))}")
    raise TypeError(f"loss must be a Loss or a name, got {type(loss).__name__}")
