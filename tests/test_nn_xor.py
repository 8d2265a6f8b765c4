"""XOR with every catalog activation, and the linear-collapse claim for the identity network.

Each nonlinear activation, as the hidden layer of a 2-8-1 MLP trained by backpropagation (Adam,
full batch, BCE from logits), classifies XOR perfectly.  Activations are classified numerically from
the catalog, not from a list of names:

* **linear** (elementwise, f(x) = a x + b on a grid: identity): cannot solve XOR at any depth, because
  the network collapses to one affine map -- the product of its weight matrices reproduces its outputs;
* **zero gradient** (elementwise, f' = 0 almost everywhere: step): backprop cannot train the hidden
  layer -- its weights provably never move -- so XOR is only solved if the random hidden features
  happen to separate it; the test asserts the frozen weights, not an accuracy;
* everything else must reach 100 % within a bounded number of epochs for one of a few fixed seeds.
"""
import warnings

import numpy as np
import pytest

import actlab
from actlab import nn

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([0, 1, 1, 0])
SPECS = actlab.specs()
GRID = np.linspace(-4, 4, 101)


def kind_of(spec) -> str:
    if spec.kind == "vector":
        return "nonlinear"
    f = actlab.get(spec.name)
    y = f(GRID)
    a, b = np.polyfit(GRID, y, 1)
    if np.allclose(a * GRID + b, y, rtol=0, atol=1e-9 * max(1.0, np.max(np.abs(y)))):
        return "linear"
    if np.all(f.derivative(np.random.default_rng(0).normal(scale=3.0, size=200)) == 0):
        return "zero_gradient"
    return "nonlinear"


def train_xor(activation, seed, epochs=1000, hidden=8, lr=0.05):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # learnable parameter without param_derivative
        model = nn.MLP([2, hidden, 1], activation=activation, seed=seed)
    opt = nn.Adam(model.parameters(), lr=lr)
    solved = lambda epoch, h: nn.accuracy(nn.predict(model, X), Y) == 1.0
    history = nn.fit(model, X, Y, loss="bce_with_logits", optimizer=opt, epochs=epochs, batch_size=None,
                     seed=seed, callback=solved)
    return model, history, nn.accuracy(nn.predict(model, X), Y)


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_xor(spec):
    kind = kind_of(spec)
    if kind == "linear":
        for seed in range(3):
            _, _, acc = train_xor(spec.name, seed, epochs=200)
            assert acc < 1.0, f"{spec.name} is affine: no network of it can separate XOR"
        return
    if kind == "zero_gradient":
        model, history, _ = train_xor(spec.name, 0, epochs=50)
        fresh = nn.MLP([2, 8, 1], activation=spec.name, seed=0)
        # the hidden layer never moves: f' = 0 stops every gradient (why the perceptron has its own rule)
        np.testing.assert_array_equal(model.layers[0].weight.data, fresh.layers[0].weight.data)
        np.testing.assert_array_equal(model.layers[0].bias.data, fresh.layers[0].bias.data)
        return
    accs = []
    for seed in range(5):
        _, _, acc = train_xor(spec.name, seed)
        accs.append(acc)
        if acc == 1.0:
            break
    assert accs[-1] == 1.0, f"{spec.name}: XOR accuracies for seeds 0..{len(accs) - 1}: {accs}"


def test_per_layer_activations_solve_xor():
    names = actlab.names()
    acts = [n for n in ("tanh", "relu", "sigmoid", "elu") if n in names][:2]
    model = nn.MLP([2, 6, 6, 1], activation=acts, seed=0)
    assert [m.spec.name for m in model.layers if isinstance(m, nn.Activation)] == acts
    nn.fit(model, X, Y, loss="bce_with_logits", optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=500,
           batch_size=None, seed=0)
    assert nn.accuracy(nn.predict(model, X), Y) == 1.0


LINEAR = [s for s in SPECS if kind_of(s) == "linear"]


def collapse(model):
    """The single affine map (W, b) equal to a network of Dense layers and affine activations."""
    W, b = None, None
    for layer in model.layers:
        if isinstance(layer, nn.Dense):
            lw, lb = layer.weight.data, layer.bias.data
            W, b = (lw, lb) if W is None else (W @ lw, b @ lw + lb)
        else:
            f = layer.current()
            slope, offset = float(f.derivative(0.0)), float(f(0.0))
            W, b = W * slope, b * slope + offset
    return W, b


@pytest.mark.parametrize("spec", LINEAR, ids=[s.name for s in LINEAR])
def test_linear_collapse(spec):
    model, _, acc = train_xor(spec.name, 0, epochs=200)
    deep = nn.MLP([2, 5, 4, 3, 1], activation=spec.name, seed=1)
    for net in (model, deep):
        W, b = collapse(net)
        np.testing.assert_allclose(nn.predict(net, X), X @ W + b, rtol=1e-12, atol=1e-12)
        # exactly, with dyadic weights (all products and sums exact in float64)
        for p in net.parameters():
            p.data[...] = np.round(p.data * 64) / 64
        W, b = collapse(net)
        np.testing.assert_array_equal(nn.predict(net, X), X @ W + b)
    # and an affine map of XOR misclassifies at least one point, whatever the weights
    assert acc <= 0.75
