"""Training loop: :func:`fit` (minibatches, seeded shuffling, validation split, early stopping) -> :class:`History`,
and prediction helpers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .losses import BinaryCrossEntropyWithLogits, Loss, SoftmaxCrossEntropy, get_loss
from .module import Module, make_rng
from .optim import Optimizer, get_optimizer


@dataclass
class History:
    """Per-epoch record of a :func:`fit` run (lists indexed by epoch)."""

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    train_metric: list = field(default_factory=list)
    val_metric: list = field(default_factory=list)
    metric_name: str | None = None
    best_epoch: int | None = None        # epoch (0-based) with the lowest validation (else training) loss
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def as_dict(self) -> dict:
        return {"train_loss": list(self.train_loss), "val_loss": list(self.val_loss),
                "train_metric": list(self.train_metric), "val_metric": list(self.val_metric),
                "metric_name": self.metric_name, "best_epoch": self.best_epoch, "stopped_early": self.stopped_early}


def predict(model: Module, X, batch_size: int | None = None):
    """Model outputs in evaluation mode (the previous mode is restored), optionally in batches."""
    was_training = model.training
    model.eval()
    try:
        X = np.asarray(X)
        if batch_size is None or len(X) <= batch_size:
            return model.forward(X)
        return np.concatenate([model.forward(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])
    finally:
        model.train(was_training)


def predict_classes(model: Module, X, batch_size: int | None = None) -> np.ndarray:
    """Class predictions: argmax over the last axis, or ``output > threshold`` for a single output.

    The threshold is 0 (logits); pass probabilities through ``(predict(...) > 0.5)`` yourself when the
    model ends with a sigmoid.
    """
    out = predict(model, X, batch_size)
    if out.ndim >= 2 and out.shape[-1] > 1:
        return np.argmax(out, axis=-1)
    return (out.reshape(len(out)) > 0).astype(np.intp)


def accuracy(pred, target) -> float:
    """Accuracy of logits ``pred`` (argmax over classes, or ``> 0`` for one output) against labels/one-hot."""
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.ndim >= 2 and pred.shape[-1] > 1:
        labels = np.argmax(pred, axis=-1)
        if target.shape == pred.shape:
            target = np.argmax(target, axis=-1)
        return float(np.mean(labels == target.reshape(labels.shape)))
    return float(np.mean((pred.reshape(-1) > 0) == (target.reshape(-1) > 0.5)))


def _metric(metric, loss: Loss):
    if metric == "auto":
        if isinstance(loss, (SoftmaxCrossEntropy, BinaryCrossEntropyWithLogits)):
            return "accuracy", accuracy
        return None, None
    if metric is None:
        return None, None
    if metric == "accuracy":
        return "accuracy", accuracy
    if callable(metric):
        return getattr(metric, "__name__", "metric"), metric
    raise ValueError(f"metric must be 'auto', 'accuracy', None or a callable, got {metric!r}")


def fit(model: Module, X, y, loss="mse", optimizer="adam", epochs: int = 100, batch_size: int | None = 32, *,
        seed=None, rng=None, shuffle: bool = True, validation_split: float = 0.0, validation_data=None,
        early_stopping: int | None = None, min_delta: float = 0.0, restore_best: bool = True,
        metric="auto", lr: float | None = None, callback: Callable | None = None) -> History:
    """Train ``model`` on ``(X, y)`` with minibatch gradient descent.

    Args:
        loss: a :class:`~actlab.nn.losses.Loss` or name ('mse', 'bce_with_logits', 'softmax_cross_entropy').
        optimizer: an :class:`~actlab.nn.optim.Optimizer` over ``model.parameters()`` or a name ('adam',
            'sgd'; ``lr`` then sets its learning rate).
        epochs: maximum number of passes over the training data.
        batch_size: minibatch size; ``None`` for full batch.
        seed, rng: generator for the validation split and the per-epoch shuffling (same seed, same run).
        validation_split: fraction of ``(X, y)`` (chosen at random, once) held out for validation.
        validation_data: an explicit ``(X_val, y_val)`` instead.
        early_stopping: patience: stop after this many epochs without an improvement of more than
            ``min_delta`` in the validation loss (the training loss without validation data); with
            ``restore_best`` the parameters of the best epoch are restored.
        metric: 'auto' (accuracy for the cross-entropy losses), 'accuracy', ``None`` or ``f(pred, y)``.
        callback: called as ``callback(epoch, history)`` after each epoch; returning ``True`` stops.

    Returns: :class:`History` with the per-epoch mean training loss (over minibatches, in training
    mode) and the validation loss/metric (evaluation mode).
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y have different lengths: {len(X)} and {len(y)}")
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must lie in [0, 1), got {validation_split}")
    gen = make_rng(rng, seed)
    loss = get_loss(loss)
    opt: Optimizer = get_optimizer(optimizer, model.parameters(), **({} if lr is None else {"lr": lr}))
    metric_name, metric_fn = _metric(metric, loss)
    if validation_data is not None:
        X_val, y_val = (np.asarray(a) for a in validation_data)
    elif validation_split > 0:
        n_val = int(round(validation_split * len(X)))
        if n_val < 1 or n_val >= len(X):
            raise ValueError(f"validation_split={validation_split} leaves no training or no validation data")
        perm = gen.permutation(len(X))
        X_val, y_val = X[perm[:n_val]], y[perm[:n_val]]
        X, y = X[perm[n_val:]], y[perm[n_val:]]
    else:
        X_val = y_val = None
    n = len(X)
    bs = n if batch_size is None else int(batch_size)
    history = History(metric_name=metric_name)
    best, best_state, waited = np.inf, None, 0
    model.train()
    for epoch in range(int(epochs)):
        order = gen.permutation(n) if shuffle else np.arange(n)
        total, metric_total = 0.0, 0.0
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            xb, yb = X[idx], y[idx]
            opt.zero_grad()
            out = model.forward(xb)
            total += float(loss.forward(out, yb)) * len(idx)
            if metric_fn is not None:
                metric_total += float(metric_fn(out, yb)) * len(idx)
            model.backward(loss.backward())
            opt.step()
        history.train_loss.append(total / n)
        if metric_fn is not None:
            history.train_metric.append(metric_total / n)
        if X_val is not None:
            out = predict(model, X_val)
            history.val_loss.append(float(loss.forward(out, y_val)))
            if metric_fn is not None:
                history.val_metric.append(float(metric_fn(out, y_val)))
        monitored = history.val_loss[-1] if X_val is not None else history.train_loss[-1]
        if monitored < best - min_delta:
            best, waited, history.best_epoch = monitored, 0, epoch
            if early_stopping is not None and restore_best:
                best_state = model.state_dict()
        else:
            waited += 1
        if callback is not None and callback(epoch, history):
            break
        if early_stopping is not None and waited >= early_stopping:
            history.stopped_early = True
            break
    if best_state is not None and history.best_epoch != history.epochs - 1:
        model.load_state_dict(best_state)
    model.eval()
    return history
