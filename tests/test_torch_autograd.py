"""torch.autograd.gradcheck / gradgradcheck for every registered activation, and learnable-parameter grads."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import actlab  # noqa: E402
import actlab.torch as at  # noqa: E402
from catalog_cases import ELEMENTWISE_CASES, VECTOR_CASES  # noqa: E402
from test_torch_support import smooth_points, vector_n  # noqa: E402

LEARNABLE = [s for s in actlab.specs() if s.learnable]


def _is_step_like(spec, params):
    return spec.resolve("smoothness", {**spec.defaults(), **params}) == "discontinuous"


@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_gradcheck_elementwise(spec, params):
    x = torch.tensor(smooth_points(spec, params), dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: at.apply(spec.name, t, **params), (x,), eps=1e-6, atol=1e-7)


@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_gradgradcheck_elementwise(spec, params):
    if spec.second_derivative is None:
        pytest.skip("no second derivative in the catalog")
    x = torch.tensor(smooth_points(spec, params), dtype=torch.float64, requires_grad=True)
    fn = lambda t: at.apply(spec.name, t, **params)  # noqa: E731
    assert torch.autograd.gradgradcheck(fn, (x,), eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("spec,params", VECTOR_CASES)
def test_gradcheck_vector(spec, params):
    n = vector_n(spec, params)
    rng = np.random.default_rng(3)
    x = torch.tensor(rng.normal(size=(3, n)), dtype=torch.float64, requires_grad=True)
    for dim in (-1, 0):
        xs = x if dim == -1 else x.detach().T.contiguous().requires_grad_(True)
        assert torch.autograd.gradcheck(lambda t: at.apply(spec.name, t, dim=dim, **params), (xs,),
                                        eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("spec", LEARNABLE, ids=lambda s: s.name)
@pytest.mark.parametrize("num_parameters", [1, 3])
def test_gradcheck_including_learnable_parameters(spec, num_parameters):
    params = spec.defaults()
    pts = smooth_points(spec, params, n=24).reshape(2, 3, 4)
    x = torch.tensor(pts, dtype=torch.float64, requires_grad=True)
    module = at.get(spec.name, num_parameters=num_parameters).double()
    with torch.no_grad():
        for k in spec.learnable:             # away from the default, per channel when there are several
            getattr(module, k).copy_(torch.linspace(0.3, 0.9, num_parameters, dtype=torch.float64))
    names = spec.learnable

    def fn(t, *ps):
        for k, p in zip(names, ps):
            module._parameters[k] = p
        return module(t)

    ps = tuple(getattr(module, k).detach().clone().requires_grad_(True) for k in names)
    assert torch.autograd.gradcheck(fn, (x, *ps), eps=1e-6, atol=1e-7)
    if spec.second_derivative is None:
        return
    if at.uses_numpy_fallback(spec.name):
        # NumPy fallback: second derivatives w.r.t. x only (mixed partials need a torch formula)
        fixed = tuple(p.detach() for p in ps)
        assert torch.autograd.gradgradcheck(lambda t: fn(t, *fixed), (x,), eps=1e-6, atol=1e-6)
    else:
        assert torch.autograd.gradgradcheck(fn, (x, *ps), eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("spec", LEARNABLE, ids=lambda s: s.name)
def test_learnable_parameter_gradient_matches_catalog(spec):
    """The module's parameter gradient equals sum(g * df/dθ) from the catalog's param_derivative."""
    if spec.param_derivative is None:
        pytest.skip("the catalog defines no param_derivative (the torch formula provides it)")
    x_np = np.linspace(-5, 5, 41)
    module = at.get(spec.name).double()
    y = module(torch.tensor(x_np))
    y.sum().backward()
    want = actlab.get(spec.name).param_derivative(x_np)
    for k in spec.learnable:
        np.testing.assert_allclose(getattr(module, k).grad.numpy(), [want[k].sum()], rtol=1e-12)
