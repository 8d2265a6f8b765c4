"""The command line: registry-driven listing, show/eval for every activation, one-line errors with exit 2."""
import json
import subprocess
import sys

import numpy as np
import pytest

import actlab
from actlab.cli.main import entry


def run(capsys, *argv):
    code = entry(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_json_is_the_registry(capsys):
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == actlab.names()
    for row, spec in zip(rows, actlab.specs()):
        assert row["family"] == spec.family
        assert row["params"] == spec.defaults()


def test_list_table_mentions_every_activation(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    for name in actlab.names():
        assert name in out


@pytest.mark.parametrize("name", actlab.names())
def test_show_every_activation(capsys, name):
    code, out, err = run(capsys, "show", name, "--json")
    assert code == 0, err
    info = json.loads(out)
    spec = actlab.spec(name)
    assert info["name"] == name and info["formula"] == spec.formula
    assert info["reference"] == spec.reference
    code, out, err = run(capsys, "show", name)
    assert code == 0 and spec.class_name in out


def test_show_with_params(capsys):
    code, out, _ = run(capsys, "show", "elu", "--param", "alpha=2", "--json")
    assert code == 0
    info = json.loads(out)
    assert info["repr"] == "ELU(alpha=2.0)" and info["limits"][0] == -2.0


def test_eval_matches_api(capsys):
    xs = ["-3", "-0.5", "0", "2.5", "inf", "-inf", "nan"]
    for order in (0, 1, 2):
        code, out, _ = run(capsys, "eval", "elu", *xs, "--derivative", str(order), "--param", "alpha=0.5")
        assert code == 0
        got = np.array([float(v) for v in out.split()])
        f = actlab.get("elu", alpha=0.5)
        want = (f, f.derivative, f.second_derivative)[order](np.array([float(v) for v in xs]))
        np.testing.assert_array_equal(got, want)


def test_eval_vector_activation(capsys):
    code, out, _ = run(capsys, "eval", "softmax", "1", "2", "3")
    assert code == 0
    np.testing.assert_allclose([float(v) for v in out.split()], actlab.get("softmax")(np.array([1.0, 2, 3])))


@pytest.mark.parametrize("argv, fragment", [
    (("show", "gelux"), "unknown activation 'gelux'"),
    (("show", "elu", "--param", "alpha=nan"), "parameter 'alpha'"),
    (("show", "elu", "--param", "beta=1"), "unknown parameter"),
    (("show", "elu", "--param", "alpha"), "NAME=VALUE"),
    (("eval", "elu", "abc"), "not a number"),
    (("eval", "elu", "1", "--dtype", "int8"), "--dtype"),
    (("eval", "elu", "1", "--derivative", "5"), "derivative"),
    (("nosuchcommand",), "No such command"),
])
def test_errors_are_one_line_with_exit_code_2(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert fragment in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_console_entry_point_runs_as_a_process():
    proc = subprocess.run([sys.executable, "-m", "actlab.cli.main", "show", "nope"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("actlab: error: unknown activation") and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "actlab.cli.main", "eval", "relu", "-2", "3"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.split() == ["0.0", "3.0"]
