"""Every actlab.torch module works under ``torch.compile`` (registry-driven): same values and gradients as
eager mode.  ``aot_eager`` traces forward and backward through dynamo/AOTAutograd without code generation;
one activation also goes through the default inductor backend (needs a C++ compiler, as torch does)."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import actlab  # noqa: E402
import actlab.torch as at  # noqa: E402


def _model(spec):
    torch.manual_seed(0)
    act = at.get(spec.name, dim=-1) if spec.kind == "vector" else at.get(spec.name)
    width_out = act.eval()(torch.zeros(1, 16)).shape[-1]      # shape-changing vector activations (glu, maxout)
    return torch.nn.Sequential(torch.nn.Linear(8, 16), act, torch.nn.Linear(width_out, 1)).eval()


def _check(spec, backend, dtype=torch.float32):
    model = _model(spec).to(dtype)
    x = (torch.randn(32, 8, generator=torch.Generator().manual_seed(1)) * 3).to(dtype)
    xe = x.clone().requires_grad_(True)
    ref = model(xe)
    ref.sum().backward()
    torch._dynamo.reset()
    compiled = torch.compile(model, backend=backend)
    xc = x.clone().requires_grad_(True)
    out = compiled(xc)
    out.sum().backward()
    torch.testing.assert_close(out, ref, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(xc.grad, xe.grad, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("spec", actlab.specs(), ids=lambda s: s.name)
def test_every_module_under_torch_compile(spec):
    _check(spec, "aot_eager")


def test_inductor_backend():
    _check(actlab.spec("sigmoid"), "inductor")


@pytest.mark.parametrize("name", [s.name for s in actlab.specs() if at.uses_numpy_fallback(s.name, torch.float64)][:3])
def test_numpy_fallback_in_float64_runs_eagerly_inside_compiled_graphs(name):
    """The long-double NumPy kernels are not traced (dynamo has no long double); the graph breaks around them."""
    _check(actlab.spec(name), "aot_eager", torch.float64)
