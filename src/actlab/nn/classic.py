r"""The tutorials' classic models, scikit-learn style (parameters in ``__init__``, fitted attributes end in ``_``).

* :class:`Perceptron` -- Rosenblatt's perceptron: the catalog's ``step`` activation on :math:`x\cdot w + b`
  and the perceptron learning rule :math:`w \leftarrow w + \eta\,(t - \hat y)\,x`.  By Novikoff's theorem
  it converges on linearly separable data; on data that is not (XOR) it never does, and says so
  (``converged_ = False`` and a :class:`ConvergenceWarning`).
* :class:`LogisticRegression` -- the catalog's ``sigmoid`` on :math:`x\cdot w + b`, fitted by minimising
  the mean binary cross-entropy (from logits, stable) with Newton's method (default; exact Hessian
  :math:`X^\top \mathrm{diag}(\sigma'(z)) X`) or SciPy's L-BFGS.  ``penalty=None`` is the unpenalised
  maximum-likelihood fit; ``penalty='l2'`` adds :math:`\|w\|^2/(2C)` to the summed loss, as scikit-learn does.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..core import get
from .module import check_dtype, make_rng


class ConvergenceWarning(UserWarning):
    """A fit stopped at its iteration limit without converging."""


def _binary_targets(y):
    y = np.asarray(y)
    classes = np.unique(y)
    if len(classes) != 2:
        raise ValueError(f"binary classifier needs exactly 2 classes, got {len(classes)}: {classes[:10]}")
    return classes, (y == classes[1]).astype(np.float64)


class Perceptron:
    """Rosenblatt's perceptron with the ``step`` activation and the perceptron learning rule.

    Args:
        max_iter: maximum number of epochs (passes over the data).
        eta: learning rate (the rule is scale-invariant when ``w`` starts at 0).
        shuffle: visit samples in a random order each epoch (seeded by ``seed``).
        seed: seed of the shuffling generator.
        warn: emit a :class:`ConvergenceWarning` when ``max_iter`` is reached with errors left.
        dtype: float32 or float64.

    Fitted attributes: ``coef_`` (n_features,), ``intercept_``, ``classes_``, ``n_iter_`` (epochs run),
    ``converged_`` (an epoch without a mistake happened), ``errors_`` (mistakes per epoch).
    """

    def __init__(self, max_iter: int = 1000, eta: float = 1.0, shuffle: bool = True, seed=0, warn: bool = True,
                 dtype=np.float64) -> None:
        self.max_iter = max_iter
        self.eta = eta
        self.shuffle = shuffle
        self.seed = seed
        self.warn = warn
        self.dtype = dtype

    def fit(self, X, y) -> "Perceptron":
        dtype = check_dtype(self.dtype)
        X = np.asarray(X, dtype=dtype)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
        self.classes_, t = _binary_targets(y)
        t = t.astype(dtype)
        self.activation_ = get("step")
        rng = make_rng(self.seed)
        w = np.zeros(X.shape[1], dtype=dtype)
        b = dtype.type(0)
        eta = float(self.eta)
        self.errors_ = []
        self.converged_ = False
        self.n_iter_ = 0
        for epoch in range(int(self.max_iter)):
            order = rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
            mistakes = 0
            for i in order:
                y_hat = self.activation_(X[i] @ w + b)
                update = eta * (t[i] - y_hat)
                if update != 0:
                    w += update * X[i]
                    b += update
                    mistakes += 1
            self.errors_.append(mistakes)
            self.n_iter_ = epoch + 1
            if mistakes == 0:
                self.converged_ = True
                break
        self.coef_, self.intercept_ = w, b
        if not self.converged_ and self.warn:
            warnings.warn(f"Perceptron did not converge in {self.max_iter} epochs ({self.errors_[-1]} mistakes "
                          f"in the last): the data is probably not linearly separable", ConvergenceWarning,
                          stacklevel=2)
        return self

    def decision_function(self, X) -> np.ndarray:
        return np.asarray(X, dtype=self.coef_.dtype) @ self.coef_ + self.intercept_

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.activation_(self.decision_function(X)).astype(np.intp)]

    def score(self, X, y) -> float:
        return float(np.mean(self.predict(X) == np.asarray(y)))


class LogisticRegression:
    r"""Binary logistic regression: :math:`p(y=1 \mid x) = \sigma(x \cdot w + b)`.

    Args:
        penalty: ``None`` (maximum likelihood) or ``'l2'``.
        C: inverse regularisation strength for ``'l2'`` (scikit-learn's convention).
        fit_intercept: learn ``b``.
        solver: ``'newton'`` (Newton-Raphson with step halving) or ``'lbfgs'`` (``scipy.optimize``).
        tol: stop when the max-norm of the gradient of the mean loss is below ``tol``.
        max_iter: iteration limit.

    Fitted attributes: ``coef_`` (n_features,), ``intercept_``, ``classes_``, ``n_iter_``, ``converged_``,
    ``separable_``.  On linearly separable data the unpenalised optimum is at infinity: the fitted
    hyperplane then separates the training set, which is reported (``separable_ = True``,
    ``converged_ = False`` and a :class:`ConvergenceWarning`).
    """

    def __init__(self, penalty: str | None = None, C: float = 1.0, fit_intercept: bool = True,
                 solver: str = "newton", tol: float = 1e-10, max_iter: int = 100, dtype=np.float64) -> None:
        self.penalty = penalty
        self.C = C
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.dtype = dtype

    # objective: mean over samples of softplus(z) - t z, plus ||w||^2 / (2 C n)
    def _objective(self, theta, A, t, lam):
        z = A @ theta
        w = theta[:-1] if self.fit_intercept else theta
        value = np.mean(np.logaddexp(0.0, z) - t * z) + 0.5 * lam * (w @ w)
        r = self.sigmoid_(z) - t
        grad = A.T @ r / len(t)
        if lam:
            grad[: len(w)] += lam * w
        return value, grad

    def fit(self, X, y) -> "LogisticRegression":
        if self.penalty not in (None, "none", "l2"):
            raise ValueError(f"penalty must be None or 'l2', got {self.penalty!r}")
        if self.solver not in ("newton", "lbfgs"):
            raise ValueError(f"solver must be 'newton' or 'lbfgs', got {self.solver!r}")
        dtype = check_dtype(self.dtype)
        X = np.asarray(X, dtype=np.float64)         # solved in float64, stored in dtype
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
        self.classes_, t = _binary_targets(y)
        self.sigmoid_ = get("sigmoid")
        n, d = X.shape
        A = np.hstack([X, np.ones((n, 1))]) if self.fit_intercept else X
        lam = 0.0 if self.penalty in (None, "none") else 1.0 / (float(self.C) * n)
        theta = np.zeros(A.shape[1])
        self.converged_ = False
        if self.solver == "lbfgs":
            from scipy.optimize import minimize
            res = minimize(self._objective, theta, args=(A, t, lam), jac=True, method="L-BFGS-B",
                           options={"maxiter": int(self.max_iter), "gtol": float(self.tol), "ftol": 1e-15})
            theta, self.n_iter_ = res.x, int(res.nit)
            self.converged_ = bool(np.max(np.abs(self._objective(theta, A, t, lam)[1])) <= max(self.tol, 1e-8))
        else:
            reg = np.full(A.shape[1], lam)
            if self.fit_intercept:
                reg[-1] = 0.0
            value, grad = self._objective(theta, A, t, lam)
            self.n_iter_ = 0
            for it in range(int(self.max_iter)):
                if np.max(np.abs(grad)) <= self.tol:
                    self.converged_ = True
                    break
                s = self.sigmoid_.derivative(A @ theta)
                H = (A.T * s) @ A / n + np.diag(reg)
                try:
                    direction = np.linalg.solve(H, grad)
                except np.linalg.LinAlgError:
                    direction = np.linalg.lstsq(H, grad, rcond=None)[0]
                step = 1.0
                while True:            # backtracking: Newton steps can overshoot far from the optimum
                    new = theta - step * direction
                    new_value, new_grad = self._objective(new, A, t, lam)
                    if new_value <= value or step < 1e-10:
                        break
                    step *= 0.5
                theta, value, grad = new, new_value, new_grad
                self.n_iter_ = it + 1
            else:
                self.converged_ = bool(np.max(np.abs(grad)) <= self.tol)
        margins = (2.0 * t - 1.0) * (A @ theta)
        self.separable_ = bool(lam == 0.0 and np.all(margins > 0))
        if self.separable_:
            # a separating hyperplane exists: the likelihood keeps growing along it, no finite MLE
            self.converged_ = False
            warnings.warn("LogisticRegression: the training data is linearly separable, so the unpenalised "
                          "maximum-likelihood coefficients are infinite; the returned ones are where the "
                          "optimiser stopped (use penalty='l2')", ConvergenceWarning, stacklevel=2)
        elif not self.converged_:
            warnings.warn(f"LogisticRegression did not converge in {self.max_iter} iterations (for unpenalised "
                          f"fits: the data may be linearly separable)", ConvergenceWarning, stacklevel=2)
        w = theta[:d]
        self.coef_ = w.astype(dtype)
        self.intercept_ = dtype.type(theta[d] if self.fit_intercept else 0.0)
        return self

    def decision_function(self, X) -> np.ndarray:
        return np.asarray(X, dtype=self.coef_.dtype) @ self.coef_ + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        p = self.sigmoid_(self.decision_function(X))
        return np.stack([1 - p, p], axis=-1)

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > 0).astype(np.intp)]

    def score(self, X, y) -> float:
        return float(np.mean(self.predict(X) == np.asarray(y)))
