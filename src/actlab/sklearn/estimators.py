"""The estimators of :mod:`actlab.sklearn` (see the package docstring)."""
from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ..core import get
from ..nn import MLP, Dense
from ..nn import fit as nn_fit
from ..nn import predict as nn_predict
from ..nn.losses import BinaryCrossEntropyWithLogits, Loss, MSE, SoftmaxCrossEntropy

__all__ = ["MLPClassifier", "MLPRegressor"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


class _PenalisedLoss(Loss):
    """``loss`` plus scikit-learn's L2 penalty ``alpha/2 * sum ||W||^2 / batch`` on the weight matrices; its
    gradient ``alpha * W / batch`` is added to the weights' ``grad`` in ``backward`` (gradients accumulate)."""

    def __init__(self, loss: Loss, weights, alpha: float) -> None:
        self.loss, self.weights, self.alpha = loss, list(weights), float(alpha)
        self._batch = 1
        self.name = loss.name

    def forward(self, pred, target):
        value = self.loss.forward(pred, target)
        if not self.alpha:
            return value
        self._batch = max(len(pred), 1)
        penalty = 0.5 * self.alpha * sum(float(np.vdot(w.data, w.data)) for w in self.weights) / self._batch
        return value + value.dtype.type(penalty)

    def backward(self):
        grad = self.loss.backward()
        if self.alpha:
            scale = self.alpha / self._batch
            for w in self.weights:
                w.grad += w.data.dtype.type(scale) * w.data
        return grad


class _BaseMLP(BaseEstimator):
    """Shared parameters, validation and training; subclasses define the targets and the output rule."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, alpha=0.0001, batch_size="auto",
                 learning_rate_init=0.001, max_iter=200, shuffle=True, random_state=None, tol=1e-4,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10, dtype=np.float64):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype

    # ------------------------------------------------------------------ validation
    def _check_params(self):
        """Check every hyper-parameter (scikit-learn validates in ``fit``, never in ``__init__``); returns
        ``(hidden sizes, activations, dtype)``."""
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}")
        sizes = [int(s) for s in sizes]
        act = self.activation
        acts = list(act) if isinstance(act, (list, tuple)) else [act] * len(sizes)
        if len(acts) != len(sizes):
            raise ValueError(f"activation: {len(sizes)} hidden layer(s) need one activation or a list of "
                             f"{len(sizes)}, got a list of {len(acts)}")
        acts = [get(a) for a in acts]          # unknown name -> ValueError listing the valid names
        for name, value, low, high in (("alpha", self.alpha, 0.0, np.inf),
                                       ("tol", self.tol, 0.0, np.inf)):
            if not isinstance(value, numbers.Real) or not low <= value < high:
                raise ValueError(f"{name} must be a non-negative finite number, got {value!r}")
        if not isinstance(self.learning_rate_init, numbers.Real) or not 0 < self.learning_rate_init < np.inf:
            raise ValueError(f"learning_rate_init must be positive, got {self.learning_rate_init!r}")
        for name in ("max_iter", "n_iter_no_change"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        bs = self.batch_size
        if not (bs == "auto" if isinstance(bs, str)
                else isinstance(bs, numbers.Integral) and not isinstance(bs, bool) and bs >= 1):
            raise ValueError(f"batch_size must be 'auto' or a positive integer, got {bs!r}")
        if not isinstance(self.validation_fraction, numbers.Real) or not 0 < self.validation_fraction < 1:
            raise ValueError(f"validation_fraction must lie in (0, 1), got {self.validation_fraction!r}")
        try:
            dtype = np.dtype(self.dtype)
        except TypeError:
            dtype = None
        if dtype not in _FLOATS:
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype!r}")
        return sizes, acts, dtype

    def _batch(self, n: int) -> int:
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warnings.warn(f"batch_size={self.batch_size} is larger than the {n} training samples; "
                          f"it is clipped to {n}", UserWarning, stacklevel=3)
        return min(int(self.batch_size), n)

    # ------------------------------------------------------------------ training
    def _train(self, params, X, Y, n_outputs: int, loss: Loss, out_activation: str, stratify=None):
        """Build ``model_`` and train it on ``(X, Y)`` (``Y`` already encoded for ``loss``)."""
        sizes, acts, dtype = params
        X = np.asarray(X, dtype=dtype)
        rng = check_random_state(self.random_state)
        init_seed, fit_seed, split_seed = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=3))
        model = MLP([X.shape[1], *sizes, n_outputs], activation=acts, seed=init_seed, dtype=dtype, precision="fast")
        validation = None
        if self.early_stopping:
            try:
                X, X_val, Y, Y_val = train_test_split(X, Y, test_size=self.validation_fraction,
                                                      random_state=split_seed, stratify=stratify)
            except ValueError as err:
                raise ValueError(f"early_stopping: cannot hold out validation_fraction="
                                 f"{self.validation_fraction} of {len(X)} samples: {err}") from err
            validation = (X_val, Y_val)
        weights = [m.weight for m in model.modules() if isinstance(m, Dense)]
        history = nn_fit(model, X, Y, loss=_PenalisedLoss(loss, weights, self.alpha), optimizer="adam",
                         lr=float(self.learning_rate_init), epochs=int(self.max_iter),
                         batch_size=self._batch(len(X)), seed=fit_seed, shuffle=bool(self.shuffle),
                         validation_data=validation, early_stopping=int(self.n_iter_no_change),
                         min_delta=float(self.tol), restore_best=bool(self.early_stopping), metric=None)
        self.model_ = model
        self.activations_ = [a.to_config() for a in acts]
        self.out_activation_ = out_activation
        self.n_outputs_ = n_outputs
        self.n_layers_ = len(sizes) + 2
        self.loss_curve_ = [float(v) for v in history.train_loss]
        self.best_loss_ = float(min(self.loss_curve_))
        self.validation_loss_curve_ = [float(v) for v in history.val_loss] if self.early_stopping else None
        self.n_iter_ = history.epochs
        self._set_views()
        if not history.stopped_early:
            warnings.warn(f"{type(self).__name__}: maximum iterations ({self.max_iter}) reached and the "
                          f"optimization hasn't converged yet.", ConvergenceWarning, stacklevel=3)
        return self

    def _set_views(self) -> None:
        dense = [m for m in self.model_.modules() if isinstance(m, Dense)]
        self.coefs_ = [m.weight.data for m in dense]
        self.intercepts_ = [m.bias.data for m in dense]

    # ------------------------------------------------------------------ pickling
    # catalog specs may hold lambdas, so the fitted network travels as its architecture (sizes, activation
    # configs, dtype) plus its state_dict and is rebuilt on unpickling (also what copy.deepcopy uses)
    def __getstate__(self):
        state = dict(super().__getstate__())        # a copy: BaseEstimator may return __dict__ itself
        model = state.pop("model_", None)
        if model is not None:
            state.pop("coefs_", None)
            state.pop("intercepts_", None)
            state["_model_state"] = {"sizes": list(model.sizes), "dtype": model.dtype.name,
                                     "params": model.state_dict()}
        return state

    def __setstate__(self, state):
        saved = state.pop("_model_state", None)
        super().__setstate__(state)
        if saved is not None:
            model = MLP(saved["sizes"], activation=self.activations_, seed=0, dtype=saved["dtype"], precision="fast")
            model.load_state_dict(saved["params"])
            self.model_ = model.eval()
            self._set_views()

    def _logits(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=self.model_.dtype)
        return nn_predict(self.model_, X)



class MLPClassifier(ClassifierMixin, _BaseMLP):
    r"""Multi-layer perceptron classifier with any actlab catalog activation.

    Args:
        hidden_layer_sizes: widths of the hidden layers (an int for one layer).
        activation: a catalog name / alias / config dict (``{'name': 'elu', 'alpha': 0.5}``) used by every hidden
            layer, or a list with one per hidden layer.  Learnable parameters (PReLU's slope, Swish's beta) are
            trained.  Each ``Dense`` layer is initialised as the activation after it prescribes (He for
            rectifiers, LeCun for SELU, Glorot otherwise).
        alpha: L2 penalty on the weight matrices (scikit-learn's definition).
        batch_size: minibatch size, or ``'auto'`` = ``min(200, n_samples)``.
        learning_rate_init: Adam's learning rate.
        max_iter: maximum number of epochs.
        shuffle: reshuffle the training data every epoch.
        random_state: seeds the initial weights, the shuffling and the validation split.
        tol, n_iter_no_change: stop after ``n_iter_no_change`` epochs without a loss improvement of ``tol``
            (the validation loss when ``early_stopping``, else the training loss).
        early_stopping, validation_fraction: hold out a stratified fraction for early stopping.
        dtype: ``np.float32`` or ``np.float64``; the network computes in this dtype.

    Output layer: one sigmoid unit for two classes, softmax over ``n_classes`` otherwise.

    Fitted attributes: ``classes_``, ``n_features_in_`` (and ``feature_names_in_``), ``model_``,
    ``activations_`` (the hidden layers' catalog configs), ``out_activation_``, ``n_outputs_``, ``n_layers_``,
    ``loss_curve_``, ``best_loss_``, ``validation_loss_curve_``, ``n_iter_``, ``coefs_``, ``intercepts_``.
    """

    def fit(self, X, y):
        """Train on ``X`` (n_samples, n_features) and class labels ``y``; returns ``self``."""
        params = self._check_params()
        X, y = validate_data(self, X, y, dtype=params[2])
        check_classification_targets(y)
        target = type_of_target(y)
        if target not in ("binary", "multiclass"):
            raise ValueError(f"{type(self).__name__} supports binary and multiclass targets, got {target!r}")
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes in the data, "
                             f"but the data contain only 1 class: {self.classes_[0]!r}")
        if len(self.classes_) == 2:       # the tutorials' rule: binary -> one sigmoid unit
            Y, n_out, loss, out = codes.astype(params[2]).reshape(-1, 1), 1, BinaryCrossEntropyWithLogits(), "sigmoid"
        else:                             # multiclass -> softmax
            Y, n_out, loss, out = codes.astype(np.intp), len(self.classes_), SoftmaxCrossEntropy(), "softmax"
        return self._train(params, X, Y, n_out, loss, out, stratify=codes if self.early_stopping else None)

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns ordered as ``classes_``."""
        z = self._logits(X)
        if self.out_activation_ == "sigmoid":
            return np.hstack([get("sigmoid")(-z), get("sigmoid")(z)])
        return get("softmax")(z, axis=-1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed from the logits (no ``log(0)``)."""
        z = self._logits(X)
        if self.out_activation_ == "sigmoid":
            return np.hstack([get("log_sigmoid")(-z), get("log_sigmoid")(z)])
        return get("log_softmax")(z, axis=-1)

    def predict(self, X):
        """Predicted class labels."""
        z = self._logits(X)
        idx = (z[:, 0] > 0).astype(np.intp) if self.out_activation_ == "sigmoid" else np.argmax(z, axis=1)
        return self.classes_[idx]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = False
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    r"""Multi-layer perceptron regressor with any actlab catalog activation; identity output, squared error.

    Parameters as :class:`MLPClassifier`; ``y`` may have several columns (multi-output regression).
    ``loss_curve_`` holds scikit-learn's squared-error loss ``mean((pred - y)^2) / 2`` plus the L2 penalty.

    Fitted attributes: ``n_features_in_`` (and ``feature_names_in_``), ``model_``, ``activations_``,
    ``out_activation_`` (``'identity'``), ``n_outputs_``, ``n_layers_``, ``loss_curve_``, ``best_loss_``,
    ``validation_loss_curve_``,
    ``n_iter_``, ``coefs_``, ``intercepts_``.
    """

    def fit(self, X, y):
        """Train on ``X`` (n_samples, n_features) and targets ``y`` (n_samples,) or (n_samples, n_outputs)."""
        params = self._check_params()
        dtype = params[2]
        X, y = validate_data(self, X, y, dtype=dtype, multi_output=True, y_numeric=True)
        Y = np.asarray(y, dtype=dtype)
        Y = Y.reshape(len(Y), -1)
        # regression -> identity output; scikit-learn's squared loss: half the mean over samples and outputs
        return self._train(params, X, Y, Y.shape[1], _HalfMSE(), "identity")

    def predict(self, X):
        """Predictions, shape (n_samples,) for one output, else (n_samples, n_outputs)."""
        out = self._logits(X)
        return out.ravel() if self.n_outputs_ == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


class _HalfMSE(MSE):
    r"""scikit-learn's squared error :math:`\frac1{2N}\sum (p - t)^2` (N = number of elements)."""

    name = "half_mse"

    def forward(self, pred, target):
        value = super().forward(pred, target)
        return value * value.dtype.type(0.5)

    def backward(self):
        grad = super().backward()
        return grad * grad.dtype.type(0.5)
