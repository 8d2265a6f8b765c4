"""The advisor: output activation per task, hidden candidates ranked by measured properties and the tutorials'
rules, each with reasons, ending with the `actlab compare` command that would confirm the advice."""
import json

import pytest

import actlab
from actlab.analysis.advise import advise, compare_command


@pytest.fixture(scope="module")
def default():
    return advise("binary")


def names(a):
    return [c.name for c in a.hidden]


@pytest.mark.parametrize("task, output", [("binary", "sigmoid"), ("multiclass", "softmax"),
                                          ("regression", "identity")])
def test_output_activation_follows_the_task(task, output):
    a = advise(task, top=3)
    assert a.output == output and output in actlab.names() and a.output_reason


def test_default_is_relu_with_reasons_from_measurements(default):
    assert names(default)[0] == "relu"
    relu = default.hidden[0]
    texts = " ".join(t for _, t in relu.reasons)
    assert "default" in texts and "die" in texts and "50%" in texts          # measured sparsity
    assert relu.measured["sparsity"] == pytest.approx(0.5, abs=0.01)
    assert relu.init.startswith("he")
    for c in default.hidden:
        assert c.reasons and c.reason and c.score == pytest.approx(sum(w for w, _ in c.reasons))
    # leaky relu / elu follow as the fix for dead units, with the measured f'(-1)
    assert {"leaky_relu", "elu"} <= set(names(default)[:4])
    leaky = next(c for c in default.hidden if c.name == "leaky_relu")
    assert any("f'(-1) = 0.01" in t for _, t in leaky.reasons)


def test_never_recommends_linear_step_or_vector_hidden_units(default):
    assert "affine" in default.excluded["identity"]
    assert "f' = 0" in default.excluded["step"]
    assert "vector" in default.excluded["softmax"]
    assert not {"identity", "step", "softmax"} & set(names(advise("binary", top=100)))


def test_deep_plain_mlp_without_normalization_ranks_selu_first():
    a = advise("regression", depth=12, normalization="none")
    assert names(a)[0] == "selu"
    assert any("LeCun" in t for _, t in a.hidden[0].reasons)
    assert a.hidden[0].init.startswith("lecun")


def test_selu_is_not_favoured_with_batch_norm_or_shallow_nets():
    assert names(advise("regression", depth=12, normalization="batch"))[0] != "selu"
    assert names(advise("regression", depth=2))[0] != "selu"


def test_latency_critical_ranks_relu_first_and_cites_cost():
    a = advise("multiclass", latency_critical=True)
    assert names(a)[0] == "relu"
    assert any("ns/element" in t for _, t in a.hidden[0].reasons)
    assert "gelu" not in names(a)[:3]


def test_transformer_prefers_gelu_or_silu():
    a = advise("multiclass", depth=12, normalization="layer", architecture="transformer")
    assert set(names(a)[:2]) == {"gelu", "silu"}


def test_sigmoid_and_tanh_are_ranked_low_in_deep_nets():
    ranked = names(advise("binary", depth=10, top=100))
    assert ranked.index("sigmoid") > len(ranked) // 2 and ranked.index("tanh") > ranked.index("relu") + 5
    sig = next(c for c in advise("binary", depth=10, top=100).hidden if c.name == "sigmoid")
    assert any("0.25" in t for _, t in sig.reasons)


def test_compare_command_names_the_top_candidates(default):
    top3 = ",".join(names(default)[:3])
    assert default.compare_command == f"actlab compare --dataset breast_cancer --activations {top3} --hidden 64,64"
    cmd = compare_command("regression", ["selu", "elu"], 3, csv="my data.csv", target="y")
    assert cmd == "actlab compare --csv 'my data.csv' --target y --task regression --activations selu,elu " \
                  "--hidden 64,64,64"
    assert "--dataset digits" in advise("multiclass", top=2).compare_command


@pytest.mark.parametrize("kwargs, message", [({"task": "ranking"}, "--task"),
                                             ({"task": "binary", "depth": 0}, "--depth"),
                                             ({"task": "binary", "normalization": "group"}, "--normalization"),
                                             ({"task": "binary", "architecture": "rnn"}, "--architecture"),
                                             ({"task": "binary", "target": "y"}, "--target"),
                                             ({"task": "binary", "csv": "x.csv"}, "--target")])
def test_bad_options_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        advise(**kwargs)


def test_cli(capsys):
    pytest.importorskip("typer")
    from actlab.cli.main import entry
    assert entry(["advise", "--task", "binary"]) == 0
    out = capsys.readouterr().out
    assert "output layer: sigmoid" in out and "1. relu" in out and "actlab compare --dataset breast_cancer" in out
    assert entry(["advise", "--task", "regression", "--depth", "12", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["output"] == "identity" and d["hidden"][0]["name"] == "selu"
    assert d["hidden"][0]["reasons"][0]["reason"] and d["compare_command"].startswith("actlab compare")
    assert entry(["advise", "--task", "multiclass", "--latency-critical", "--normalization", "batch"]) == 0
    assert "1. relu" in capsys.readouterr().out
    assert entry(["advise", "--task", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("actlab: error:") and "--task" in err and len(err.strip().splitlines()) == 1
