"""Whole-network central-difference gradient checks (float64) over every parameter, for every registered
activation (elementwise and vector, shared and per-unit learnable parameters) and every loss.

Like scikit-learn's ``test_mlp.py::test_gradient``: perturb each parameter entry by +-eps, recompute the
loss, compare with what ``backward`` accumulated.  Inputs are random (fixed seed), so no pre-activation
lies within eps of a kink.
"""
import warnings

import numpy as np
import pytest

import actlab
from actlab import nn
from actlab.nn.losses import LOSSES

SPECS = actlab.specs()
IDS = [s.name for s in SPECS]
EPS = 1e-6


def _zero_derivative(spec) -> bool:
    """Elementwise activations whose derivative is 0 almost everywhere (step): backprop cannot train them."""
    if spec.kind == "vector":
        return False
    x = np.random.default_rng(0).normal(scale=3.0, size=200)
    return bool(np.all(actlab.get(spec.name).derivative(x) == 0))


def _reset_random_layers(model):
    for m in model.modules():
        if isinstance(m, nn.Activation) and m.spec.random:
            m.rng = np.random.default_rng(1234)


def _loss_value(model, loss, X, y):
    _reset_random_layers(model)
    return float(loss.forward(model.forward(X), y))


def check_network_gradients(model, loss, X, y, rtol=1e-5, atol=1e-8):
    """Analytic gradients of every parameter and of the input against central differences."""
    model.zero_grad()
    _reset_random_layers(model)
    out = model.forward(X)
    loss.forward(out, y)
    gx = model.backward(loss.backward())
    analytic = {name: p.grad.copy() for name, p in model.named_parameters()}
    assert analytic, "model has no parameters"
    for name, p in model.named_parameters():
        numeric = np.zeros_like(p.data)
        for idx in np.ndindex(p.shape):
            old = p.data[idx].copy()
            p.data[idx] = old + EPS
            up = _loss_value(model, loss, X, y)
            p.data[idx] = old - EPS
            down = _loss_value(model, loss, X, y)
            p.data[idx] = old
            numeric[idx] = (up - down) / (2 * EPS)
        np.testing.assert_allclose(analytic[name], numeric, rtol=rtol, atol=atol, err_msg=f"parameter {name}")
    numeric_x = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        old = X[idx]
        X[idx] = old + EPS
        up = _loss_value(model, loss, X, y)
        X[idx] = old - EPS
        down = _loss_value(model, loss, X, y)
        X[idx] = old
        numeric_x[idx] = (up - down) / (2 * EPS)
    np.testing.assert_allclose(gx, numeric_x, rtol=rtol, atol=atol, err_msg="input gradient")
    return analytic


def _data(seed=0, n=5, d=3, out=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(n, out))


def _param_sets(spec):
    sets = [("defaults", {})]
    if spec.sample_params is not None:
        sets.append(("sampled", spec.sample_params(np.random.default_rng(7))))
    return sets


def _build(spec, params, per_unit=False, seed=0):
    f = actlab.get(spec.name, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # learnable without param_derivative: kept fixed
        return nn.MLP([3, 4, 3], activation=f, per_unit=per_unit, seed=seed)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_whole_network_gradient_every_activation(spec):
    X, y = _data()
    for label, params in _param_sets(spec):
        for mode in (("train", "eval") if spec.random else ("train",)):
            model = _build(spec, params)
            model.train(mode == "train")
            grads = check_network_gradients(model, nn.MSE(), X, y)
            if _zero_derivative(spec):
                # no skip: the gradient reaching the first layer is exactly 0 (the reason step can't be trained by backprop)
                assert np.all(grads["layers.0.weight"] == 0) and np.all(grads["layers.0.bias"] == 0), label
            act = model.layers[1]
            assert set(act.learnable) == (set(spec.learnable) if spec.param_derivative else set()), label


LEARNABLE = [s for s in SPECS if s.learnable]


@pytest.mark.parametrize("spec", LEARNABLE, ids=[s.name for s in LEARNABLE])
def test_learnable_activation_parameters_are_trained(spec):
    """Every learnable catalog parameter is a Parameter with a central-difference-checked gradient,
    shared (a scalar) and per unit (one per hidden unit)."""
    if spec.param_derivative is None:
        with pytest.warns(RuntimeWarning, match="param_derivative"):
            layer = nn.Activation(spec.name)
        assert layer.parameters() == []
        pytest.skip(f"{spec.name}: spec declares learnable {spec.learnable} but no param_derivative "
                    f"(core change proposed); the layer keeps them fixed")
    X, y = _data(seed=3)
    for per_unit in (False, True):
        if per_unit and spec.kind == "vector":
            continue
        for label, params in _param_sets(spec):
            model = _build(spec, params, per_unit=per_unit, seed=1)
            act = model.layers[1]
            names = {n.split(".")[-1] for n, _ in act.named_parameters()}
            assert names >= set(spec.learnable)
            for p in act.parameters():
                assert p.shape == ((4,) if per_unit else ())
            grads = check_network_gradients(model, nn.MSE(), X, y)
            assert any(np.any(grads[n] != 0) for n in grads if n.startswith("layers.1.")), label


def test_per_unit_vectorised_equals_per_column():
    """Per-unit parameters evaluated by broadcasting an array parameter through the kernel, or column by
    column with scalar parameters, give the same outputs and gradients."""
    for spec in LEARNABLE:
        if spec.param_derivative is None or spec.kind == "vector":
            continue
        X = np.random.default_rng(0).normal(size=(6, 4))
        results = []
        probe = nn.Activation(spec.name, num_parameters=4)
        if not probe._check_vectorised(X):
            # kernels that need scalar parameters (silu's ``if beta == 0``) are evaluated column by column
            probe.forward(X)
            assert probe._vectorised is False, spec.name
            continue
        for vectorised in (True, False):
            layer = nn.Activation(spec.name, num_parameters=4)
            for p in layer.parameters():
                p.data += np.linspace(-0.05, 0.05, 4)
            layer._vectorised = vectorised
            y = layer.forward(X)
            gx = layer.backward(np.ones_like(y))
            results.append((y, gx, [p.grad.copy() for p in layer.parameters()]))
        (y1, g1, p1), (y2, g2, p2) = results
        np.testing.assert_allclose(y1, y2, rtol=1e-12, err_msg=spec.name)
        np.testing.assert_allclose(g1, g2, rtol=1e-12, err_msg=spec.name)
        for a, b in zip(p1, p2):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14, err_msg=spec.name)


def _loss_case(name, rng, shape=(4, 3)):
    z = rng.normal(scale=2.0, size=shape)
    if name == "mse":
        return z, rng.normal(size=shape)
    if name == "bce_with_logits":
        return z, rng.uniform(size=shape)
    return z, rng.integers(0, shape[-1], size=shape[:-1])


LOSS_NAMES = sorted(LOSSES)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_gradient(name):
    rng = np.random.default_rng(0)
    z, t = _loss_case(name, rng)
    loss = LOSSES[name]()
    loss.forward(z, t)
    g = loss.backward()
    assert g.shape == z.shape and g.dtype == z.dtype
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += EPS
        zm[idx] -= EPS
        numeric[idx] = (float(LOSSES[name]().forward(zp, t)) - float(LOSSES[name]().forward(zm, t))) / (2 * EPS)
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_whole_network_gradient_every_loss(name):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 3))
    _, t = _loss_case(name, rng, shape=(5, 3))
    model = nn.MLP([3, 4, 3], activation="tanh" if "tanh" in actlab.names() else "elu", seed=2)
    check_network_gradients(model, LOSSES[name](), X, t)


def test_softmax_cross_entropy_with_probability_targets():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(4, 3))
    t = rng.dirichlet(np.ones(3), size=4)
    loss = nn.SoftmaxCrossEntropy()
    loss.forward(z, t)
    g = loss.backward()
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += EPS
        zm[idx] -= EPS
        numeric[idx] = (float(nn.SoftmaxCrossEntropy().forward(zp, t)) -
                        float(nn.SoftmaxCrossEntropy().forward(zm, t))) / (2 * EPS)
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_losses_stable_for_huge_logits(dtype):
    z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, 1e4]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            ce = nn.SoftmaxCrossEntropy()
            value = ce.forward(z, np.array([0, 0]))
            g = ce.backward()
            bce = nn.BinaryCrossEntropyWithLogits()
            b = bce.forward(z, (z > 0).astype(dtype))
            gb = bce.backward()
            b_wrong = nn.BinaryCrossEntropyWithLogits().forward(z, (z < 0).astype(dtype))
    assert value.dtype == dtype and g.dtype == dtype and b.dtype == dtype and gb.dtype == dtype
    np.testing.assert_allclose(value, 1e4, rtol=1e-6)              # row 0: 0, row 1: 2e4, mean 1e4
    np.testing.assert_allclose(g, [[0, 0, 0], [-0.5, 0, 0.5]], atol=1e-7)
    np.testing.assert_allclose(b, np.log(2) / 6, rtol=1e-6)     # only the z = 0 entry costs ln 2
    # every wrong prediction costs |z|, the z = 0 entry ln 2
    np.testing.assert_allclose(b_wrong, (5 * 1e4 + np.log(2)) / 6, rtol=1e-6)
    assert np.all(np.isfinite(gb))
