"""The classic experiments reproduce their qualitative results, with numbers (seeded, default sizes).

Where an experiment's default list holds extra activations only for the picture, the test runs the ones
it asserts on (same depth, width, learning rate and epochs as the defaults) to keep the file fast.
"""
import json
import math

import numpy as np
import pytest

from actlab.analysis import experiments as E


@pytest.fixture(scope="module")
def propagation():
    return E.signal_propagation(activations=("relu", "sigmoid", "selu"))


def test_identity_network_collapses_and_cannot_fit_xor_while_nonlinear_ones_can():
    r = E.linear_collapse_xor(activations=("identity", "tanh", "relu"))
    assert r.collapsed_shape == [2, 1]
    assert r.collapse_error < 1e-10                       # the deep identity network IS one matrix (+ bias)
    assert r.accuracy["identity"] <= r.best_linear_accuracy == 0.75
    assert r.accuracy["tanh"] == 1.0 and r.accuracy["relu"] == 1.0
    p = np.asarray(r.probability["tanh"])
    assert p.shape == (len(r.grid), len(r.grid)) and np.all((p >= 0) & (p <= 1))
    text = str(r)
    assert "identity" in text and "0.75" in text


def test_collapse_refuses_nonlinear_networks():
    from actlab import nn
    with pytest.raises(ValueError, match="identity"):
        E.collapse(nn.MLP([2, 3, 1], activation="relu", seed=0))


def test_relu_he_keeps_variance_and_relu_glorot_decays_geometrically(propagation):
    he, glorot = propagation.run("relu", matched=True), propagation.run("relu", matched=False)
    assert propagation.depth == 50 and propagation.width == 256
    assert he.init.startswith("he") and 1 / 3 < he.variance_ratio < 3
    assert glorot.variance_ratio < 1e-3
    # geometric: log-variance falls on a line of slope log(1/2) per layer
    layers = np.arange(len(glorot.variance))
    slope, intercept = np.polyfit(layers, np.log(glorot.variance), 1)
    assert slope == pytest.approx(math.log(0.5), abs=0.05)
    residual = np.log(glorot.variance) - (slope * layers + intercept)
    assert np.max(np.abs(residual)) < 1.5
    assert he.gradient_ratio > 0.1 and glorot.gradient_ratio < 1e-6


def test_sigmoid_gradient_shrinks_by_at_most_a_quarter_per_layer(propagation):
    for matched in (True, False):
        run = propagation.run("sigmoid", matched=matched)
        assert run.max_fprime == pytest.approx(0.25, abs=1e-6)
        assert max(run.derivative_factor) <= 0.25 + 1e-12     # the f' factor of every layer
    matched = propagation.run("sigmoid", matched=True)
    assert matched.gradient_ratio_per_layer <= 0.25
    assert matched.gradient_ratio < 0.25 ** 40


def test_selu_matched_init_keeps_signal(propagation):
    run = propagation.run("selu", matched=True)
    assert 0.5 < run.variance_ratio < 2


def test_selu_converges_to_zero_one_from_every_start_and_others_do_not():
    r = E.selu_self_normalisation()
    assert r.depth == 100 and len(r.starts) >= 4
    assert len({tuple(s) for s in r.starts}) == len(r.starts)
    for mean, var in r.final("selu"):
        assert abs(var - 1) < 0.1 and abs(mean) < 0.1
    assert r.theory["selu"][-1] == pytest.approx(1.0, abs=1e-3)     # mean-field fixed point
    for other in ("relu", "tanh", "elu"):
        for mean, var in r.final(other):
            assert abs(var - 1) > 0.5, other
    json.dumps(r.to_dict())


def test_dying_relu_kills_more_units_than_leaky_relu():
    r = E.dying_relu(activations=("relu", "leaky_relu", "elu"))
    assert r.dead["relu"][0] == 0.0
    assert r.dead["relu"][-1] > 0.2
    assert r.dead["relu"][-1] > r.dead["leaky_relu"][-1]
    assert r.dead["leaky_relu"][-1] == 0.0              # negative slope: a gradient always flows
    assert r.dead["elu"][-1] < r.dead["relu"][-1]
    assert len(r.dead["relu"]) == r.epochs + 1
    assert "relu" in str(r)


def test_sigmoid_and_tanh_saturate_over_training_rectifiers_do_not():
    r = E.saturation()
    for name in ("sigmoid", "tanh"):
        assert r.saturated[name][-1] > r.saturated[name][0] + 0.1
        assert r.saturated[name][-1] > 0.15
    for name in ("relu", "leaky_relu"):
        assert max(r.saturated[name]) < 0.01
    json.dumps(r.to_dict())


def test_registry_and_run():
    assert set(E.describe()) == {"xor", "propagation", "selu", "dying", "saturation"}
    with pytest.raises(ValueError, match="unknown experiment"):
        E.run("nope")
    with pytest.raises(ValueError, match="depth"):
        E.signal_propagation(depth=1)
    r = E.run("propagation", seed=1, activations=("relu",), depth=5, width=16, batch=8)
    d = r.to_dict()
    assert d["experiment"] == "propagation" and len(d["runs"]) == 2 and "variance_ratio" in d["runs"][0]
    assert json.loads(json.dumps(d)) == d
    again = E.run("propagation", seed=1, activations=("relu",), depth=5, width=16, batch=8)
    assert again.runs[0].variance == r.runs[0].variance                # seeded


def test_demo_cli(capsys, tmp_path):
    pytest.importorskip("typer")
    pytest.importorskip("matplotlib")
    from actlab.cli.main import entry
    assert entry(["demo", "--list"]) == 0
    out = capsys.readouterr().out
    for name in E.EXPERIMENTS:
        assert name in out
    figure = tmp_path / "xor.png"
    assert entry(["demo", "xor", "--seed", "0", "--out", str(figure)]) == 0
    out = capsys.readouterr().out
    assert "identity" in out and "0.75" in out and f"figure: {figure}" in out
    assert figure.stat().st_size > 5000 and figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for argv, message in ((["demo", "nope"], "unknown experiment"), (["demo"], "experiment name"),
                          (["demo", "xor", "--out", "x.txt"], "--out")):
        assert entry(argv) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1


def test_every_experiment_has_a_figure():
    pytest.importorskip("matplotlib")
    from actlab.plotting.experiments import figure
    small = [E.linear_collapse_xor(activations=("identity", "relu"), epochs=50, tries=1, grid_size=11),
             E.signal_propagation(activations=("relu",), depth=4, width=8, batch=4),
             E.selu_self_normalisation(activations=("selu",), depth=4, width=8, batch=4),
             E.dying_relu(activations=("relu",), hidden=(8,), epochs=2, n=50),
             E.saturation(activations=("tanh",), hidden=(8,), epochs=2, n=50)]
    assert {r.name for r in small} == set(E.EXPERIMENTS)
    for r in small:
        fig = figure(r)
        assert fig.axes and all(ax.has_data() for ax in fig.axes)
    with pytest.raises(TypeError, match="not an experiment result"):
        figure(object())
