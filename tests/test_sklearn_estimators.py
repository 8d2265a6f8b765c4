"""actlab.sklearn.MLPClassifier / MLPRegressor: scikit-learn's estimator checks, model selection, pipelines, any
catalog activation (one or one per layer), reproducibility and clear errors."""
import pickle

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.datasets import load_iris, make_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import actlab  # noqa: E402
from actlab.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    # tiny matrices: a multi-threaded BLAS only spins on a shared 2-core machine (and is not what is tested)
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# Small, fast settings that still learn scikit-learn's check problems (blobs: accuracy > 0.83, R^2 > 0.5).
CHECKED = [MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.02, max_iter=40, random_state=0),
           MLPRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.02, max_iter=60, random_state=0)]


@parametrize_with_checks(CHECKED)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ------------------------------------------------------------------ model selection, pipelines
@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def test_grid_search_over_catalog_activations(iris):
    X, y = iris
    grid = GridSearchCV(MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.02, max_iter=60, random_state=0),
                        {"activation": ["relu", "gelu", "mish"]}, cv=3)
    pipe = make_pipeline(StandardScaler(), grid).fit(X, y)
    assert grid.best_params_["activation"] in {"relu", "gelu", "mish"}
    assert len(grid.cv_results_["mean_test_score"]) == 3
    assert grid.best_score_ > 0.85
    assert pipe.score(X, y) > 0.9


def test_pipeline_and_cross_val_score(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), MLPClassifier((16,), activation="elu", learning_rate_init=0.02,
                                                         max_iter=60, random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.85
    Xr, yr = make_regression(120, 4, noise=1.0, random_state=0)
    reg = make_pipeline(StandardScaler(), MLPRegressor((16,), activation="silu", learning_rate_init=0.02,
                                                       max_iter=150, random_state=0))
    assert cross_val_score(reg, Xr, yr / yr.std(), cv=3).mean() > 0.8


def test_grid_search_parallel_pickles_learnable_activations(iris):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    grid = GridSearchCV(MLPClassifier((8,), max_iter=20, random_state=0), {"activation": ["prelu", "snake"]},
                        cv=2, n_jobs=2).fit(X, y)
    assert set(grid.cv_results_["param_activation"]) == {"prelu", "snake"}


# ------------------------------------------------------------------ activations and output rule
def test_per_layer_activation_list_and_configs(iris):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    acts = ["gelu", {"name": "elu", "params": {"alpha": 0.5}}, "prelu"]
    clf = MLPClassifier((8, 6, 4), activation=acts, max_iter=5, random_state=0).fit(X, y)
    assert [c["name"] for c in clf.activations_] == ["gelu", "elu", "prelu"]
    assert clf.activations_[1]["params"]["alpha"] == 0.5
    layers = [m for m in clf.model_.layers if isinstance(m, actlab.nn.Activation)]
    assert [m.spec.name for m in layers] == ["gelu", "elu", "prelu"]
    assert [w.shape for w in clf.coefs_] == [(4, 8), (8, 6), (6, 4), (4, 3)]
    assert clf.activation is acts                                     # params are stored untouched
    with pytest.raises(ValueError, match="3 hidden layer"):
        MLPClassifier((8, 6, 4), activation=["relu", "tanh"]).fit(X, y)


def test_any_catalog_activation_trains():
    X, y = make_classification(60, 4, random_state=0)
    for name in actlab.names():
        clf = MLPClassifier((4,), activation=name, max_iter=2, random_state=0).fit(X, y)
        assert clf.predict(X).shape == (60,), name


def test_output_rule(iris):
    X, y = iris
    multi = MLPClassifier((4,), max_iter=3, random_state=0).fit(X, y)
    binary = MLPClassifier((4,), max_iter=3, random_state=0).fit(X, y == 1)
    reg = MLPRegressor((4,), max_iter=3, random_state=0).fit(X, X[:, :2])
    assert (multi.out_activation_, multi.n_outputs_) == ("softmax", 3)
    assert (binary.out_activation_, binary.n_outputs_) == ("sigmoid", 1)
    assert (reg.out_activation_, reg.n_outputs_) == ("identity", 2)
    p = binary.predict_proba(X)
    assert p.shape == (150, 2) and np.allclose(p.sum(1), 1)
    assert np.array_equal(binary.predict(X), binary.classes_[(p[:, 1] > 0.5).astype(int)])
    np.testing.assert_allclose(np.exp(multi.predict_log_proba(X)), multi.predict_proba(X), rtol=1e-12)
    assert reg.predict(X).shape == (150, 2)


# ------------------------------------------------------------------ reproducibility, dtype, errors
def test_random_state_reproducible(iris):
    X, y = iris
    kw = dict(hidden_layer_sizes=(8,), activation="mish", max_iter=10, early_stopping=True, n_iter_no_change=3)
    a = MLPClassifier(random_state=3, **kw).fit(X, y)
    b = MLPClassifier(random_state=3, **kw).fit(X, y)
    c = MLPClassifier(random_state=4, **kw).fit(X, y)
    assert a.loss_curve_ == b.loss_curve_
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(restored.predict_proba(X), a.predict_proba(X))


def test_float32_end_to_end(iris):
    X, y = iris
    clf = MLPClassifier((8,), activation="gelu", max_iter=3, random_state=0, dtype=np.float32).fit(X, y)
    assert all(w.dtype == np.float32 for w in clf.coefs_)
    assert clf.predict_proba(X).dtype == np.float32


def test_unknown_activation_is_a_clear_error(iris):
    X, y = iris
    clf = MLPClassifier(activation="relux")                           # __init__ validates nothing
    with pytest.raises(ValueError, match="unknown activation 'relux'.*Valid names:.*gelu.*mish"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match="unknown activation 'swishy'"):
        MLPRegressor((4, 4), activation=["relu", "swishy"]).fit(X, y)


@pytest.mark.parametrize("params, match", [
    ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"), ({"alpha": -1.0}, "alpha"),
    ({"learning_rate_init": 0.0}, "learning_rate_init"), ({"max_iter": 0}, "max_iter"),
    ({"batch_size": "big"}, "batch_size"), ({"validation_fraction": 1.0}, "validation_fraction"),
    ({"n_iter_no_change": 0}, "n_iter_no_change"), ({"dtype": np.int64}, "dtype"),
])
def test_invalid_parameters_raise_in_fit(iris, params, match):
    X, y = iris
    clf = MLPClassifier(**params)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


def test_convergence_warning_and_early_stopping(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    es = MLPClassifier((8,), max_iter=500, early_stopping=True, n_iter_no_change=5, learning_rate_init=0.05,
                       random_state=0).fit(X, y)
    assert es.n_iter_ < 500 and len(es.validation_loss_curve_) == es.n_iter_ == len(es.loss_curve_)


# ------------------------------------------------------------------ the estimators' hidden layers: precision='fast'
_ELEMENTWISE = [n for n in actlab.names() if not actlab.get(n).is_vector and not actlab.spec(n).random]
_GRID = np.concatenate([np.linspace(-50, 50, 1001), [0.0, -0.0, 1e-300, -1e-300, 700.0, -700.0, 1e300, -1e300,
                                                     np.inf, -np.inf, np.nan]])


@pytest.mark.parametrize("name", _ELEMENTWISE)
def test_fast_precision_matches_catalog(name):
    """precision='fast' computes float64 inputs in float64 (not longdouble): within 1e-12 of the catalog, same
    inf/nan, no warnings; float32 inputs (already computed in float64 by the catalog) are bit-identical."""
    import warnings
    for dtype, x in ((np.float64, _GRID), (np.float32, np.clip(_GRID, -3e38, 3e38).astype(np.float32))):
        exact = actlab.nn.Activation(name, learnable=(), dtype=dtype)
        fast = actlab.nn.Activation(name, learnable=(), dtype=dtype, precision="fast")
        y, g = exact.forward(x), exact.backward(np.ones_like(x))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            yf, gf = fast.forward(x), fast.backward(np.ones_like(x))
        assert yf.dtype == gf.dtype == x.dtype
        if dtype == np.float32:
            np.testing.assert_array_equal(yf, y)
            np.testing.assert_array_equal(gf, g)
        else:
            np.testing.assert_allclose(yf, y, rtol=1e-12, atol=1e-300)
            np.testing.assert_allclose(gf, g, rtol=1e-12, atol=1e-300)


def test_precision_is_validated():
    with pytest.raises(ValueError, match="precision"):
        actlab.nn.Activation("relu", precision="approx")
