"""actlab compare: data loading and validation, statistics, pairing, reproducibility, resumable store, reports."""
import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")
pytest.importorskip("pandas")

from actlab.compare import api, datasets, stats

FAST = dict(hidden=(8,), epochs=6, batch_size=32, folds=3, seed=0)


def numbers(result):
    """The fold table without wall-clock columns."""
    return result.folds.drop(columns=["train_time"]).sort_values(["activation", "repeat", "fold"]) \
        .reset_index(drop=True)


def small_xor():
    return datasets.load("xor", seed=0)


@pytest.mark.parametrize("name", datasets.DATASETS)
def test_every_dataset_loads_deterministically(name):
    a, b = datasets.load(name, seed=1), datasets.load(name, seed=1)
    assert a.X.ndim == 2 and len(a.X) == len(a.y) > 50
    np.testing.assert_array_equal(a.X, b.X)
    assert a.task == ("regression" if name == "diabetes" else "classification")
    assert datasets.detect_task(a.y) == a.task


def test_unknown_dataset_lists_choices():
    with pytest.raises(datasets.DataError, match="digits"):
        datasets.load("mnist")


@pytest.mark.parametrize("content, fragment", [
    ("a,b,y\n1,2,0\n3,x,1\n", "non-numeric value 'x' at row 3, column 'b'"),
    ("a,b,y\n1,2,0\n3,,1\n", "missing value at row 3, column 'b'"),
    ("a,b,y\n1,2,0\n3,4\n", "row 3 has 2 fields"),
    ("a,b,z\n1,2,0\n", "target column 'y' not found; columns are: a, b, z"),
    ("", "empty file"),
    ("a,b,y\n", "no data rows"),
    ("a,b,y\n1,2,0\n3,inf,1\n", "non-finite value 'inf' at row 3"),
])
def test_bad_csv_names_row_and_column(tmp_path, content, fragment):
    path = tmp_path / "data.csv"
    path.write_text(content)
    with pytest.raises(datasets.DataError) as info:
        datasets.load_csv(path, "y")
    assert fragment in str(info.value)


def test_csv_round_trip_and_string_labels(tmp_path):
    path = tmp_path / "d.csv"
    rows = ["f1,f2,label"] + [f"{i},{i % 3},{'cat' if i % 2 else 'dog'}" for i in range(30)]
    path.write_text("\n".join(rows) + "\n\n")
    data = datasets.load_csv(path, "label")
    assert data.task == "classification" and data.classes == ["cat", "dog"] and data.X.shape == (30, 2)


@pytest.mark.parametrize("X, y, fragment", [
    (np.ones((10, 2)), np.zeros(10), "single class"),
    (np.ones((3, 2)), np.array([0, 1, 0]), "only 3 samples for 5 folds"),
    (np.ones((20, 2)), np.array([0] * 18 + [1] * 2), "fewer than --folds 5"),
    (np.array([[1.0, np.nan]] * 20), np.arange(20) % 2, "row 0, column 1"),
    (np.ones((20,)), np.arange(20) % 2, "2-D"),
])
def test_bad_data_is_rejected_clearly(X, y, fragment):
    with pytest.raises(datasets.DataError, match=fragment):
        api.compare(X, y, ["relu"], folds=5, epochs=1)


def test_unknown_activation_and_bad_options():
    X, y = small_xor().X, small_xor().y
    with pytest.raises(ValueError, match="unknown activation 'relux'"):
        api.compare(X, y, "relu,relux")
    with pytest.raises(ValueError, match="metric 'r2' does not apply"):
        api.compare(X, y, "relu", metric="r2")
    with pytest.raises(ValueError, match="vector activation"):
        api.compare(X, y, "softmax")
    with pytest.raises(ValueError, match="backend"):
        api.compare(X, y, "relu", backend="spark")


def test_corrected_t_test_matches_formula():
    a = np.array([0.90, 0.92, 0.91, 0.95, 0.93])
    b = np.array([0.89, 0.90, 0.91, 0.92, 0.90])
    t, p = stats.corrected_paired_ttest(a, b, n_train=80, n_test=20)
    d = a - b
    expected = d.mean() / math.sqrt((1 / 5 + 20 / 80) * d.var(ddof=1))
    assert t == pytest.approx(expected)
    naive_t = d.mean() / math.sqrt(d.var(ddof=1) / 5)
    assert abs(t) < abs(naive_t)            # the correction is more conservative than the naive test
    assert 0 < p < 1
    assert stats.corrected_paired_ttest(a, a, 80, 20) == (0.0, 1.0)
    m, lo, hi = stats.mean_ci(a, 80, 20)
    assert lo < m < hi and m == pytest.approx(a.mean())
    np.testing.assert_allclose(stats.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])


def test_compare_result_is_paired_ranked_and_reproducible():
    data = small_xor()
    r1 = api.compare(data, activations="relu,tanh,identity", **FAST)
    r2 = api.compare(data, activations="relu,tanh,identity", **FAST)
    assert len(r1.folds) == 3 * 3
    # the same folds for every activation: identical test-fold sizes, fold by fold
    sizes = r1.folds.pivot(index="fold", columns="activation", values="n_test")
    assert (sizes.nunique(axis=1) == 1).all()
    assert numbers(r1).equals(numbers(r2))
    table = r1.summary
    assert list(table["rank"]) == [1, 2, 3]
    assert table["mean"].is_monotonic_decreasing
    assert table.loc[0, "indistinguishable_from_best"]
    rec = r1.recommend()
    assert rec["output"] == "sigmoid" and rec["hidden"] == table.loc[0, "activation"]
    r3 = api.compare(data, activations="relu,tanh,identity", **{**FAST, "seed": 1})
    assert not numbers(r1).equals(numbers(r3))


def test_nonlinear_beats_identity_on_xor():
    r = api.compare(small_xor(), activations="identity,tanh", hidden=(16,), folds=3, seed=0)   # default budget
    means = dict(zip(r.summary.activation, r.summary["mean"]))
    assert means["tanh"] > 0.95 and means["identity"] < 0.7


def test_auto_budget_gives_small_data_more_epochs():
    assert api.auto_budget(1797, 5, 64) == (60, 8)           # digits: ~21 steps per epoch
    epochs, patience = api.auto_budget(400, 3, 64)
    assert epochs > 200 and patience == epochs // 8


@pytest.mark.parametrize("scaling", ["centred", "standard", "minmax", "none"])
def test_scaling_uses_the_training_fold_only(scaling):
    from actlab.compare.engine import _splits_with_validation
    X = np.arange(40, dtype=float).reshape(20, 2) ** 1.5
    y = np.arange(20) % 2
    train, test = np.arange(10), np.arange(10, 20)
    prepared = _splits_with_validation(X, y, "classification", [(train, test)], 0.2, np.random.default_rng(0),
                                       scaling)[0]
    fit_scaled = prepared["fit"][0]
    if scaling in ("centred", "standard"):
        np.testing.assert_allclose(fit_scaled.mean(axis=0), 0, atol=1e-12)
    if scaling == "centred":
        np.testing.assert_allclose(np.abs(fit_scaled).max(axis=0), 1)
    if scaling == "minmax":
        np.testing.assert_allclose(fit_scaled.min(axis=0), 0, atol=1e-12)
        np.testing.assert_allclose(fit_scaled.max(axis=0), 1)
    X2 = X.copy()
    X2[test] *= 1000          # changing test rows must not change how training rows are scaled
    prepared2 = _splits_with_validation(X2, y, "classification", [(train, test)], 0.2, np.random.default_rng(0),
                                        scaling)[0]
    np.testing.assert_array_equal(prepared2["fit"][0], fit_scaled)


def test_regression_task():
    data = datasets.load("diabetes")
    r = api.compare(data.X[:150], data.y[:150], "relu", task="regression", **FAST)
    assert r.metric == "r2" and r.recommend()["output"] == "identity"
    assert {"r2", "rmse", "mae"} <= set(r.folds.columns)


def test_store_reuses_results_and_has_no_duplicates(tmp_path, monkeypatch):
    path = tmp_path / "store.sqlite"
    data = small_xor()
    first = api.compare(data, activations="relu,tanh", store=str(path), **FAST)
    calls = []
    monkeypatch.setattr(api, "train_stack", lambda *a, **k: calls.append(1) or pytest.fail("recomputed"))
    again = api.compare(data, activations="tanh,relu", store=str(path), **FAST)
    assert not calls
    assert numbers(again).equals(numbers(first))
    count = sqlite3.connect(path).execute("SELECT COUNT(*) FROM results").fetchone()[0]
    assert count == 2 * 3


KILL_SCRIPT = """
import sys
from actlab.compare import api, datasets
data = datasets.load("xor", seed=0)
r = api.compare(data, activations="relu,tanh,elu,identity", store=sys.argv[1], stack=1, hidden=(8,), epochs=30,
                batch_size=16, folds=3, seed=0)
print(r.folds.to_json())
"""


def test_kill_9_then_rerun_gives_the_uninterrupted_table(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    killed = tmp_path / "killed.sqlite"
    proc = subprocess.Popen([sys.executable, str(script), str(killed)], env=env, stdout=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline:       # kill -9 as soon as the first unit is committed
        try:
            n = sqlite3.connect(killed).execute("SELECT COUNT(*) FROM results").fetchone()[0]
        except sqlite3.Error:
            n = 0
        if n >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rows = sqlite3.connect(killed).execute("SELECT COUNT(*) FROM results").fetchone()[0]
    assert 3 <= rows < 12, rows          # interrupted part-way, whole units only
    assert rows % 3 == 0
    resumed = subprocess.run([sys.executable, str(script), str(killed)], env=env, capture_output=True, text=True,
                             check=True).stdout
    clean = subprocess.run([sys.executable, str(script), str(tmp_path / "clean.sqlite")], env=env,
                           capture_output=True, text=True, check=True).stdout
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "train_time"}
    assert strip(resumed) == strip(clean)
    assert sqlite3.connect(killed).execute("SELECT COUNT(*) FROM results").fetchone()[0] == 12


def test_reports_are_written_and_self_contained(tmp_path):
    r = api.compare(small_xor(), activations="relu,tanh", **FAST)
    r.save(tmp_path / "report")
    for name in ("report.md", "report.html", "folds.csv", "summary.csv", "results.json", "scores.png"):
        assert (tmp_path / "report" / name).stat().st_size > 0
    page = (tmp_path / "report" / "report.html").read_text()
    assert "data:image/png;base64," in page and "http://" not in page and "https://" not in page
    assert "Nadeau" in (tmp_path / "report" / "report.md").read_text()
    data = json.loads((tmp_path / "report" / "results.json").read_text())
    assert data["recommendation"]["output"] == "sigmoid" and len(data["folds"]) == 6


def test_cli_compare_end_to_end(tmp_path, capsys):
    from actlab.cli.main import entry
    out = tmp_path / "out"
    code = entry(["compare", "--dataset", "xor", "--activations", "relu,tanh", "--folds", "3", "--epochs", "5",
                  "--hidden", "8", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "relu" in captured.out and "output:" in captured.out
    assert (out / "report.html").exists() and (out / "results.sqlite").exists()


@pytest.mark.parametrize("argv, fragment", [
    (["--csv", "/nonexistent.csv", "--target", "y"], "CSV file not found"),
    (["--dataset", "mnist"], "unknown dataset"),
    (["--activations", "relu,nope"], "unknown activation 'nope'"),
    (["--folds", "1"], "--folds must be at least 2"),
    (["--hidden", "a,b"], "--hidden expects"),
    (["--metric", "r2"], "does not apply"),
])
def test_cli_compare_bad_input_exit_2_and_writes_nothing(tmp_path, capsys, argv, fragment):
    from actlab.cli.main import entry
    out = tmp_path / "out"
    code = entry(["compare", *argv, "--out", str(out), "--epochs", "1"])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_ray_backend_gives_identical_results(tmp_path):
    ray = pytest.importorskip("ray")
    data = small_xor()
    local = api.compare(data, activations="relu,tanh", **FAST)
    try:
        remote = api.compare(data, activations="relu,tanh", backend="ray", **FAST)
    finally:
        ray.shutdown()
    assert numbers(local).equals(numbers(remote))
