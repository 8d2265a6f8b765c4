"""actlab.nn building blocks: dtype preservation, reproducibility, modules, initialisers, optimisers,
layers (Neuron, Maxout, RReLU-style random activations), fit (validation split, early stopping)."""
import math
import warnings

import numpy as np
import pytest

import actlab
from actlab import nn

SPECS = actlab.specs()
IDS = [s.name for s in SPECS]


def _quiet_mlp(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return nn.MLP(*args, **kwargs)


# ------------------------------------------------------------------------------ dtype
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_float32_end_to_end_every_activation(spec):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=6)
    per_unit = bool(spec.learnable) and spec.kind != "vector"
    model = _quiet_mlp([3, 4, 2], activation=spec.name, seed=0, dtype=np.float32, per_unit=per_unit)
    for p in model.parameters():
        assert p.data.dtype == np.float32 and p.grad.dtype == np.float32, p
    model.train()
    out = model.forward(X)
    assert out.dtype == np.float32
    loss = nn.SoftmaxCrossEntropy()
    value = loss.forward(out, y)
    assert value.dtype == np.float32
    gx = model.backward(loss.backward())
    assert gx.dtype == np.float32
    opt = nn.Adam(model.parameters(), lr=0.01)
    opt.step()
    for p in model.parameters():
        assert p.data.dtype == np.float32 and p.grad.dtype == np.float32, p
    assert nn.predict(model, X).dtype == np.float32


def test_float32_fit_keeps_dtype_with_float64_data():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 1))
    model = nn.MLP([3, 5, 1], activation="tanh" if "tanh" in actlab.names() else "elu", seed=0, dtype=np.float32)
    for opt in (nn.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-3),
                nn.Adam(model.parameters(), lr=0.01, weight_decay=1e-3)):
        nn.fit(model, X, y, loss="mse", optimizer=opt, epochs=3, batch_size=8, seed=0)
    assert all(p.data.dtype == np.float32 for p in model.parameters())
    assert nn.predict(model, X).dtype == np.float32


# ------------------------------------------------------------------------------ reproducibility
def _run(seed):
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(60, 4)), rng.integers(0, 3, size=60)
    names = actlab.names()
    acts = [n for n in ("rrelu", "prelu", "elu") if n in names][:2]
    acts = acts + acts[:1] if len(acts) == 1 else acts
    model = _quiet_mlp([4, 6, 5, 3], activation=acts, seed=seed)
    hist = nn.fit(model, X, y, loss="softmax_cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.01),
                  epochs=5, batch_size=16, seed=seed, validation_split=0.25)
    return model.state_dict(), hist


def test_same_seed_same_weights_and_history():
    (s1, h1), (s2, h2), (s3, h3) = _run(0), _run(0), _run(1)
    assert s1.keys() == s2.keys()
    for k in s1:
        np.testing.assert_array_equal(s1[k], s2[k])
    assert h1.as_dict() == h2.as_dict()
    assert h1.train_loss != h3.train_loss
    assert any(not np.array_equal(s1[k], s3[k]) for k in s1)        # another seed, other weights


# ------------------------------------------------------------------------------ modules
def test_dense_backward_accumulates_and_zero_grad():
    d = nn.Dense(3, 2, seed=0)
    x = np.arange(6.0).reshape(2, 3)
    g = np.ones((2, 2))
    d.forward(x)
    gx = d.backward(g)
    first = [p.grad.copy() for p in d.parameters()]
    d.forward(x)
    d.backward(g)
    for p, f in zip(d.parameters(), first):
        np.testing.assert_array_equal(p.grad, 2 * f)
    np.testing.assert_array_equal(first[0], x.T @ g)
    np.testing.assert_array_equal(first[1], g.sum(0))
    np.testing.assert_array_equal(gx, g @ d.weight.data.T)
    d.zero_grad()
    assert all(np.all(p.grad == 0) for p in d.parameters())


def test_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="before forward"):
        nn.Dense(2, 2).backward(np.ones((1, 2)))


def test_state_dict_round_trip_and_names():
    m = _quiet_mlp([2, 3, 1], activation="prelu" if "prelu" in actlab.names() else "relu", seed=0)
    state = m.state_dict()
    other = _quiet_mlp([2, 3, 1], activation="prelu" if "prelu" in actlab.names() else "relu", seed=9)
    other.load_state_dict(state)
    X = np.random.default_rng(0).normal(size=(4, 2))
    np.testing.assert_array_equal(m(X), other(X))
    assert list(state)[:2] == ["layers.0.weight", "layers.0.bias"]
    with pytest.raises(KeyError):
        other.load_state_dict({"nope": 1})


def test_train_eval_mode_propagates():
    m = nn.MLP([2, 3, 1], seed=0)
    assert all(x.training for x in m.modules())
    m.eval()
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())


def test_mlp_validates_sizes_and_activation_count():
    with pytest.raises(ValueError):
        nn.MLP([3])
    with pytest.raises(ValueError, match="hidden"):
        nn.MLP([2, 3, 3, 1], activation=["relu"])
    with pytest.raises(ValueError, match="unknown activation"):
        nn.MLP([2, 3, 1], activation="not_an_activation")


@pytest.mark.parametrize("spec", [s for s in SPECS if s.kind == "vector"], ids=lambda s: s.name)
def test_mlp_sizes_vector_activations(spec):
    """A hidden layer of width h ends with h features whatever the activation does to its axis."""
    m = nn.MLP([3, 4, 2], activation=spec.name, seed=0)
    act = m.layers[1]
    assert act.output_size(m.layers[0].out_features) == 4
    assert m.forward(np.ones((5, 3))).shape == (5, 2)


def test_mlp_output_activation():
    if "softmax" not in actlab.names():
        pytest.skip("softmax not registered")
    m = nn.MLP([3, 4, 3], activation="relu", output="softmax", seed=0)
    out = nn.predict(m, np.random.default_rng(0).normal(size=(5, 3)))
    np.testing.assert_allclose(out.sum(-1), 1.0)


# ------------------------------------------------------------------------------ init
@pytest.mark.parametrize("scheme", ["glorot", "he", "lecun"])
@pytest.mark.parametrize("distribution", ["uniform", "normal"])
def test_initialisers_have_the_documented_scale(scheme, distribution):
    fan_in, fan_out = 400, 200
    w = nn.initialize(scheme, (fan_in, fan_out), distribution=distribution, rng=0, dtype=np.float32)
    assert w.dtype == np.float32 and w.shape == (fan_in, fan_out)
    gain = {"glorot": 1.0, "he": math.sqrt(2.0), "lecun": 1.0}[scheme]
    std = gain * math.sqrt(2.0 / (fan_in + fan_out) if scheme == "glorot" else 1.0 / fan_in)
    assert abs(w.std() / std - 1) < 0.02
    if distribution == "uniform":
        assert np.max(np.abs(w)) <= std * math.sqrt(3) + 1e-7
    np.testing.assert_array_equal(w, nn.initialize(scheme, (fan_in, fan_out), distribution=distribution, rng=0,
                                                   dtype=np.float32))


def test_named_initialisers_are_aliases():
    np.testing.assert_array_equal(nn.xavier_uniform((3, 4), rng=1), nn.glorot_uniform((3, 4), rng=1))
    np.testing.assert_array_equal(nn.kaiming_normal((3, 4), rng=1), nn.he_normal((3, 4), rng=1))
    assert nn.lecun_normal((3, 4), rng=1).shape == (3, 4)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_default_init_follows_the_spec(spec):
    init = spec.properties()["init"]
    chosen = nn.default_init(spec.name)
    assert (chosen.scheme, chosen.gain) == (init.scheme, init.gain)
    m = _quiet_mlp([300, 300, 1], activation=spec.name, seed=0)
    w = m.layers[0].weight.data
    fan_in, fan_out = w.shape
    expected = init.gain * math.sqrt(2.0 / (fan_in + fan_out) if init.scheme == "glorot" else 1.0 / fan_in)
    assert abs(w.std() / expected - 1) < 0.03


# ------------------------------------------------------------------------------ optimisers
def test_sgd_momentum_and_nesterov_match_the_update_rule():
    p = nn.Parameter(np.array([1.0, -2.0]))
    opt = nn.SGD([p], lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.1)
    v = np.zeros(2)
    theta = p.data.copy()
    for _ in range(3):
        p.grad[...] = 2 * p.data                       # gradient of |theta|^2
        g = 2 * theta + 0.1 * theta
        v = 0.5 * v + g
        theta = theta - 0.1 * (g + 0.5 * v)
        opt.step()
        np.testing.assert_allclose(p.data, theta, rtol=1e-15)


def test_adam_first_step_is_lr_times_sign():
    p = nn.Parameter(np.array([1.0, -2.0, 3.0], dtype=np.float32))
    p.grad[...] = [0.3, -4.0, 0.0]
    nn.Adam([p], lr=0.01).step()
    np.testing.assert_allclose(p.data, [0.99, -1.99, 3.0], rtol=1e-6)
    assert p.data.dtype == np.float32


def test_optimisers_minimise_a_quadratic():
    for make in (lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9), lambda ps: nn.Adam(ps, lr=0.1)):
        p = nn.Parameter(np.array([3.0, -4.0]))
        opt = make([p])
        for _ in range(300):
            opt.zero_grad()
            p.grad += 2 * (p.data - 1.0)
            opt.step()
        np.testing.assert_allclose(p.data, 1.0, atol=1e-3)


# ------------------------------------------------------------------------------ layers
def test_neuron_as_in_the_tutorials():
    n = nn.Neuron([0.5, -1.0], 0.25, "relu")
    np.testing.assert_allclose(n([2.0, 1.0]), 0.25)
    np.testing.assert_allclose(n(np.array([[2.0, 1.0], [0.0, 1.0]])), [0.25, 0.0])
    n32 = nn.Neuron(np.array([0.5, -1.0], dtype=np.float32), 0.25, "sigmoid")
    assert n32(np.ones((3, 2))).dtype == np.float32
    # gradients of the single neuron by central differences
    x = np.array([[0.3, -0.2], [1.0, 0.5], [-0.4, 0.8]])
    n = nn.Neuron([0.7, -0.3], 0.1, "sigmoid")
    y = n(x)
    gx = n.backward(np.ones_like(y))
    eps = 1e-6
    for p in n.parameters():
        for idx in np.ndindex(p.shape):
            old = p.data[idx].copy()
            p.data[idx] = old + eps
            up = n(x).sum()
            p.data[idx] = old - eps
            down = n(x).sum()
            p.data[idx] = old
            np.testing.assert_allclose(p.grad[idx], (up - down) / (2 * eps), rtol=1e-6)
    assert gx.shape == x.shape
    with pytest.raises(ValueError, match="elementwise"):
        nn.Neuron([1.0, 2.0], 0.0, "softmax")


def test_maxout_layer_is_dense_then_maxout():
    layer = nn.Maxout(3, units=4, pieces=3, seed=0)
    X = np.random.default_rng(0).normal(size=(5, 3))
    z = X @ layer.linear.weight.data + layer.linear.bias.data
    np.testing.assert_array_equal(layer(X), z.reshape(5, 4, 3).max(-1))
    assert [n for n, _ in layer.named_parameters()] == ["linear.weight", "linear.bias"]
    g = layer.backward(np.ones((5, 4)))
    assert g.shape == (5, 3)
    # each unit's gradient went to exactly one of its pieces
    counts = (layer.linear.weight.grad != 0).reshape(3, 4, 3).sum(-1)
    assert np.all(counts >= 1)


def test_activation_layer_learnable_option_and_unknown():
    learnable = [s for s in SPECS if s.learnable and s.param_derivative is not None]
    if not learnable:
        pytest.skip("no learnable activation registered")
    spec = learnable[0]
    assert nn.Activation(spec.name, learnable=()).parameters() == []
    assert len(nn.Activation(spec.name).parameters()) == len(spec.learnable)
    with pytest.raises(ValueError, match="unknown learnable"):
        nn.Activation(spec.name, learnable=("nope",))
    with pytest.raises(ValueError, match="num_parameters"):
        nn.Activation("relu", num_parameters=3)


def test_learnable_parameter_is_kept_in_its_domain():
    for spec in SPECS:
        for p in spec.params:
            if p.learnable and spec.param_derivative is not None and (p.low is not None or p.high is not None):
                layer = nn.Activation(spec.name)
                param = dict(layer.named_parameters())[p.name]
                param.data[...] = (p.low - 10.0) if p.low is not None else (p.high + 10.0)
                layer.forward(np.linspace(-2, 2, 5))              # no ValueError: projected into the domain
                value = float(param.data)
                assert (p.low is None or value >= p.low) and (p.high is None or value <= p.high)


RANDOM = [s for s in SPECS if s.random]


@pytest.mark.parametrize("spec", RANDOM, ids=[s.name for s in RANDOM])
def test_random_activation_samples_in_training_and_is_deterministic_in_eval(spec):
    x = -np.linspace(0.5, 3.0, 200)          # negative inputs: the slope matters
    layer = nn.Activation(spec.name, seed=0)
    f = actlab.get(spec.name)
    y_train = layer.forward(x)
    g = layer.backward(np.ones_like(x))
    slopes = y_train / x
    np.testing.assert_allclose(g, slopes, rtol=1e-12)       # backward uses the cached samples
    lo, hi = f.params["lower"], f.params["upper"]
    assert np.all((slopes >= lo) & (slopes <= hi)) and np.unique(slopes).size > 100
    again = nn.Activation(spec.name, seed=0).forward(x)
    np.testing.assert_array_equal(again, y_train)           # seeded
    # the layer draws what the catalog's training mode draws from the same generator
    np.testing.assert_array_equal(y_train, f(x, training=True, rng=np.random.default_rng(0)))
    x32 = x.astype(np.float32)
    layer32 = nn.Activation(spec.name, seed=0, dtype=np.float32)
    assert layer32.forward(x32).dtype == np.float32 and layer32.backward(np.ones_like(x32)).dtype == np.float32
    layer.eval()
    np.testing.assert_array_equal(layer.forward(x), f(x))    # evaluation: the catalog function (mean slope)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), f.derivative(x))


# ------------------------------------------------------------------------------ fit
def test_fit_validation_split_early_stopping_restores_best():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = X[:, :1] * 2.0 + rng.normal(scale=0.1, size=(60, 1))
    model = nn.MLP([2, 8, 1], activation="relu", seed=0)
    hist = nn.fit(model, X, y, loss="mse", optimizer=nn.SGD(model.parameters(), lr=0.5), epochs=200,
                  batch_size=10, seed=0, validation_split=0.2, early_stopping=3)
    assert len(hist.val_loss) == hist.epochs and hist.metric_name is None
    if hist.stopped_early:
        assert hist.epochs < 200 and hist.best_epoch <= hist.epochs - 4
    good = nn.MLP([2, 8, 1], activation="relu", seed=0)
    h2 = nn.fit(good, X, y, loss="mse", optimizer=nn.Adam(good.parameters(), lr=0.01), epochs=300,
                batch_size=10, seed=0, validation_split=0.2, early_stopping=5)
    assert h2.val_loss[h2.best_epoch] == min(h2.val_loss) < 0.1


def test_fit_history_metric_for_classification():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] > 0).astype(int)
    model = nn.MLP([2, 8, 2], activation="relu", seed=0)
    hist = nn.fit(model, X, y, loss="softmax_cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.05),
                  epochs=30, batch_size=16, seed=0, validation_split=0.25)
    assert hist.metric_name == "accuracy" and len(hist.train_metric) == len(hist.val_metric) == hist.epochs
    assert hist.val_metric[-1] >= 0.9
    assert np.mean(nn.predict_classes(model, X) == y) >= 0.9
