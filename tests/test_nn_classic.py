"""Perceptron and LogisticRegression: the tutorials' classic models."""
import warnings

import numpy as np
import pytest

from actlab import nn

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def _blobs(seed=0, n=80, overlap=False):
    rng = np.random.default_rng(seed)
    mu = 0.7 if overlap else 2.0
    X = np.vstack([rng.normal(-mu, 1.0, size=(n // 2, 2)), rng.normal(mu, 1.0, size=(n // 2, 2))])
    y = np.repeat([0, 1], n // 2)
    if not overlap:
        keep = np.abs(X.sum(axis=1)) > 1.0          # a margin around x1 + x2 = 0: separable
        X, y = X[keep], y[keep]
    return X, y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_perceptron_separates_separable_data(dtype):
    X, y = _blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = nn.Perceptron(max_iter=200, seed=0, dtype=dtype).fit(X, y)
    assert clf.converged_ and clf.errors_[-1] == 0 and clf.n_iter_ == len(clf.errors_) <= 200
    assert clf.score(X, y) == 1.0
    assert clf.coef_.dtype == dtype


@pytest.mark.parametrize("labels", [(0, 1), (-1, 1), ("no", "yes")])
def test_perceptron_labels_and_and_gate(labels):
    y = np.array([labels[int(v)] for v in [0, 0, 0, 1]])
    clf = nn.Perceptron(max_iter=50).fit(XOR_X, y)     # AND is separable
    assert clf.converged_ and list(clf.predict(XOR_X)) == list(y)


def test_perceptron_reports_non_convergence_on_xor():
    with pytest.warns(nn.ConvergenceWarning, match="did not converge"):
        clf = nn.Perceptron(max_iter=100).fit(XOR_X, XOR_Y)
    assert clf.converged_ is False and clf.n_iter_ == 100 and min(clf.errors_) > 0
    assert clf.score(XOR_X, XOR_Y) < 1.0


def test_logistic_regression_matches_sklearn_unpenalised():
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _blobs(seed=1, n=200, overlap=True)
    X = X * np.array([1.0, 0.3]) + np.array([0.5, -1.0])
    ref = sklearn.LogisticRegression(C=np.inf, tol=1e-12, max_iter=10000).fit(X, y)
    for solver in ("newton", "lbfgs"):
        ours = nn.LogisticRegression(solver=solver, max_iter=1000).fit(X, y)
        assert ours.converged_
        np.testing.assert_allclose(ours.coef_, ref.coef_.ravel(), rtol=1e-5)
        np.testing.assert_allclose(ours.intercept_, ref.intercept_[0], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
        assert ours.score(X, y) == ref.score(X, y)


def test_logistic_regression_matches_sklearn_l2():
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _blobs(seed=2, n=120, overlap=True)
    ref = sklearn.LogisticRegression(C=0.3, tol=1e-12, max_iter=10000).fit(X, y)
    ours = nn.LogisticRegression(penalty="l2", C=0.3).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_.ravel(), rtol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_[0], rtol=1e-5, atol=1e-7)


def test_logistic_regression_separable_data_warns():
    with pytest.warns(nn.ConvergenceWarning, match="separable"):
        clf = nn.LogisticRegression(max_iter=30).fit(*_blobs())
    assert clf.separable_ and not clf.converged_ and clf.score(*_blobs()) == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not nn.LogisticRegression().fit(*_blobs(overlap=True)).separable_


def test_logistic_regression_equals_one_neuron_trained_by_fit():
    """The same model as a Dense(2, 1) network trained by gradient descent on BCE-with-logits."""
    X, y = _blobs(seed=3, n=100, overlap=True)
    ours = nn.LogisticRegression().fit(X, y)
    net = nn.Sequential(nn.Dense(2, 1, seed=0))
    nn.fit(net, X, y, loss="bce_with_logits", optimizer=nn.SGD(net.parameters(), lr=1.0), epochs=3000,
           batch_size=None, seed=0)
    np.testing.assert_allclose(net[0].weight.data.ravel(), ours.coef_, rtol=1e-4)
