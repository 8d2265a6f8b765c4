"""actlab.torch modules: get/classes/repr/config, learnable parameters, RReLU, replace_activations, layering."""
from __future__ import annotations

import io
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import actlab  # noqa: E402
import actlab.torch as at  # noqa: E402

SPECS = actlab.specs()
LEARNABLE = [s for s in SPECS if s.learnable]
RANDOM = [s for s in SPECS if s.random]


def _input(spec, shape=(4, 12)):
    return torch.randn(*shape)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_spec_has_a_named_class_and_a_module(spec):
    cls = getattr(at, spec.class_name)
    assert issubclass(cls, nn.Module) and cls.__name__ == spec.class_name
    m = at.get(spec.name)
    assert isinstance(m, cls)
    assert repr(m).startswith(spec.class_name + "(")
    for p in spec.params:
        assert f"{p.name}=" in repr(m)
    y = m(_input(spec))
    assert y.dtype == torch.float32
    rebuilt = at.get(m.to_config())
    assert type(rebuilt) is cls and rebuilt.to_config() == m.to_config()


def test_repr_like_torch():
    assert repr(at.ELU()) == "ELU(alpha=1.0)"
    assert repr(at.get("elu", alpha=0.5)) == "ELU(alpha=0.5)"
    assert repr(at.Softmax(dim=1)) == "Softmax(dim=1)"


def test_positional_parameters_and_validation():
    assert at.ELU(0.5).init_params["alpha"] == 0.5
    with pytest.raises(ValueError, match="alpha"):
        at.ELU(alpha=float("nan"))
    with pytest.raises(ValueError, match="unknown parameter"):
        at.ELU(beta=1.0)
    with pytest.raises(ValueError, match="Valid names"):
        at.get("no_such_activation")


@pytest.mark.parametrize("spec", LEARNABLE, ids=lambda s: s.name)
def test_learnable_parameters_train_and_round_trip_state_dict(spec):
    m = at.get(spec.name, num_parameters=3)
    names = dict(m.named_parameters())
    assert set(names) == set(spec.learnable)
    assert all(p.shape == (3,) for p in names.values())
    x = torch.randn(5, 3, 7)
    m(x).square().sum().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in names.values())
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.125)
    buf = io.BytesIO()
    torch.save(m.state_dict(), buf)
    buf.seek(0)
    fresh = at.get(spec.name, num_parameters=3)
    fresh.load_state_dict(torch.load(buf))
    for k, p in fresh.named_parameters():
        assert torch.equal(p, getattr(m, k))
    assert torch.equal(fresh(x), m(x))
    with pytest.raises(ValueError, match="num_parameters"):
        m(torch.randn(5, 4, 7))


def test_prelu_matches_torch_prelu_including_weight_gradient():
    x = torch.randn(6, 3, 5)
    ours, theirs = at.PReLU(num_parameters=3), nn.PReLU(num_parameters=3)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor([0.1, -0.2, 0.3]))
        ours.weight.copy_(theirs.weight)
    a, b = ours(x), theirs(x)
    torch.testing.assert_close(a, b)
    a.sum().backward()
    b.sum().backward()
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad)


@pytest.mark.parametrize("spec", RANDOM, ids=lambda s: s.name)
def test_random_activation_samples_in_training_and_is_deterministic_in_eval(spec):
    x = -torch.rand(1000) - 0.5
    g1, g2 = torch.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    m1, m2 = at.get(spec.name, generator=g1), at.get(spec.name, generator=g2)
    y1, y2 = m1(x), m2(x)
    torch.testing.assert_close(y1, y2)                     # same seed, same sample
    assert not torch.equal(y1, m1(x))                      # fresh draw each call
    xr = x.clone().requires_grad_(True)
    m1(xr).sum().backward()
    assert xr.grad is not None
    m1.eval()
    want = actlab.get(spec.name)(x.numpy())
    torch.testing.assert_close(m1(x), torch.from_numpy(want))


def _mlp():
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(),
                         nn.Sequential(nn.Linear(16, 16), nn.GELU()), nn.Linear(16, 3), nn.Softmax(dim=1))


class _CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
                                      nn.Conv2d(8, 8, 3, padding=1), nn.LeakyReLU(0.1), nn.AdaptiveAvgPool2d(1))
        self.act = nn.ReLU6()
        self.head = nn.ModuleList([nn.Linear(8, 4), nn.ELU()])

    def forward(self, x):
        h = self.act(self.features(x).flatten(1))
        for layer in self.head:
            h = layer(h)
        return h


def _elementwise_names():
    return [s.name for s in SPECS if s.kind == "elementwise"]


def test_replace_activations_in_mlp():
    model = _mlp()
    name = _elementwise_names()[0]
    cls = at.class_for(name)
    assert at.replace_activations(model, name, types=(nn.ReLU, nn.Tanh, nn.GELU)) == 3
    found = [m for m in model.modules() if isinstance(m, cls)]
    assert len(found) == 3 and len({id(m) for m in found}) == 3          # one fresh module each
    assert isinstance(model[-1], nn.Softmax)                             # not in ``types``
    out = model(torch.randn(5, 8))
    out.sum().backward()
    assert out.shape == (5, 3)
    # every activation of the model, including the softmax and our new modules: 4
    assert at.replace_activations(model, "softmax") == 4
    assert model[-1].dim == 1                                            # dim carried over
    torch.testing.assert_close(model(torch.randn(2, 8)).sum(dim=1), torch.ones(2))


def test_replace_activations_in_cnn_with_module_and_factory_and_names():
    model = _CNN()
    template = at.get(_elementwise_names()[-1])
    assert at.replace_activations(model, template) == 4
    assert sum(isinstance(m, type(template)) for m in model.modules()) == 4
    assert all(m is not template for m in model.modules())
    model(torch.randn(2, 3, 6, 6)).sum().backward()
    # by catalog name: only modules of that activation
    model = _CNN()
    assert at.replace_activations(model, "identity", types="relu") == 1
    assert at.replace_activations(model, lambda old: nn.Identity(), types=[nn.LeakyReLU, nn.ELU]) == 2
    # "identity" matches actlab Identity and torch.nn.Identity: 1 + 2
    assert at.replace_activations(model, "elu", types=["identity"]) == 3
    model(torch.randn(2, 3, 6, 6))


def test_native_activation_types_are_introspected():
    types = at.native_activation_types()
    assert nn.ReLU in types and nn.Softmax in types and nn.MultiheadAttention not in types


def test_import_actlab_does_not_import_torch_and_bridge_imports_only_torch_and_core():
    code = ("import sys, actlab; actlab.names(); print('torch' in sys.modules); "
            "import actlab.torch; print(sorted(m.split('.')[1] for m in sys.modules "
            "if m.startswith('actlab.') and m.count('.') >= 1 and m.split('.')[1] not in ('core', 'torch')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "False"
    assert out[1] == "[]"


@pytest.mark.parametrize("spec", actlab.specs(), ids=lambda s: s.name)
def test_whole_model_pickle_torch_save_and_deepcopy(spec):
    """``torch.save(model)`` pickles the modules themselves (not just the state_dict)."""
    import copy
    import io
    import pickle
    module = at.get(spec.name, dim=-1) if spec.kind == "vector" else at.get(spec.name)
    module.eval()
    x = torch.randn(3, 4, generator=torch.Generator().manual_seed(0))
    try:
        want = module(x)
    except ValueError:               # shape-changing vector activations (maxout's pieces) need other widths
        x = torch.randn(3, 12, generator=torch.Generator().manual_seed(0))
        want = module(x)
    buf = io.BytesIO()
    torch.save(torch.nn.Sequential(module), buf)
    buf.seek(0)
    loaded = torch.load(buf, weights_only=False)
    for other in (pickle.loads(pickle.dumps(module)), copy.deepcopy(module), loaded):
        torch.testing.assert_close(other(x), want, rtol=0, atol=0)
