"""actlab.torch against the NumPy catalog (the reference) for EVERY registered activation.

Values and gradients (autograd) in float32 and float64 on grids with large |x|, the dtype's extremes,
+-inf and NaN; on CPU and (when available) CUDA; through the default path (native op / torch formula /
NumPy fallback) and with the NumPy fallback forced, which must reproduce the catalog exactly.
"""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import actlab  # noqa: E402
import actlab.torch as at  # noqa: E402
from actlab.torch import functional as F  # noqa: E402
from catalog_cases import ELEMENTWISE_CASES, VECTOR_CASES  # noqa: E402
from test_torch_support import DTYPES, elementwise_grid, ulps, vector_grid, vector_n  # noqa: E402

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(),
                                                                   reason="no CUDA device"))]

# Formula paths compute in float64 and round once: float32 results are (almost always) correctly rounded.
# float64 results come from float64 torch ops, the catalog works in long double: a few ULP, more where
# the catalog patches cancellation next to a root of f' or f'' (absolute error there ~ eps * scale).
TOL_ULP = {"float32": 2.0, "float64": 64.0}
ATOL = {"float32": 1e-37, "float64": 1e-14}


@pytest.fixture(params=["default", "numpy"])
def mode(request, monkeypatch):
    """``numpy``: force the NumPy fallback for every activation (it must be exact)."""
    F._CACHE.clear()
    if request.param == "numpy":
        monkeypatch.setattr(F, "formula_for", lambda spec: None)
        monkeypatch.setattr(F, "FAST_FLOAT32", False)
    yield request.param
    F._CACHE.clear()


def _check(got: np.ndarray, want: np.ndarray, mode: str, what: str, x: np.ndarray, finite_only: bool = False):
    dtype = want.dtype.name
    d = ulps(got, want)
    if finite_only:                 # derivative at NaN input: the catalog says NaN, native ops say 0/1
        d = np.where(np.isnan(x) & np.isnan(want), 0.0, d)
    if mode == "numpy":
        bad = d > 0
    else:
        with np.errstate(all="ignore"):
            close = np.abs(got.astype(np.float64) - want.astype(np.float64)) <= ATOL[dtype]
        bad = (d > TOL_ULP[dtype]) & ~close
    if bad.any():
        i = np.flatnonzero(bad.ravel())[:6]
        raise AssertionError(f"{what}: {bad.sum()} mismatches, max {d.max():.3g} ulp; x={x.ravel()[i]}, "
                             f"torch={got.ravel()[i]}, catalog={want.ravel()[i]}")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_elementwise_values_and_gradients(spec, params, dtype, device, mode):
    act = actlab.get(spec.name, **params)
    x_np = elementwise_grid(dtype)
    x = torch.tensor(x_np, device=device, requires_grad=True)
    y = at.apply(spec.name, x, **params)
    assert y.dtype == x.dtype and y.shape == x.shape and y.device == x.device
    _check(y.detach().cpu().numpy(), act(x_np), mode, f"{spec.name} value", x_np)
    y.backward(torch.ones_like(y))
    _check(x.grad.cpu().numpy(), act.derivative(x_np), mode, f"{spec.name} gradient", x_np, finite_only=True)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("spec,params", VECTOR_CASES)
def test_vector_values_and_gradients(spec, params, dtype, device, mode):
    act = actlab.get(spec.name, **params)
    x_np = vector_grid(dtype, vector_n(spec, params))
    rng = np.random.default_rng(1)
    for dim in (-1, 0):
        xs = x_np if dim == -1 else np.ascontiguousarray(x_np.T)
        gs = rng.normal(size=act(xs, axis=dim).shape).astype(dtype)
        x = torch.tensor(xs, device=device, requires_grad=True)
        y = at.apply(spec.name, x, dim=dim, **params)
        want = act(xs, axis=dim)
        assert y.dtype == x.dtype and tuple(y.shape) == want.shape
        _check(y.detach().cpu().numpy(), want, mode, f"{spec.name} value dim={dim}", xs)
        y.backward(torch.tensor(gs, device=device))
        _check(x.grad.cpu().numpy(), act.vjp(xs, gs, axis=dim), mode, f"{spec.name} vjp dim={dim}", xs)


@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_elementwise_second_derivative_matches_catalog(spec, params, mode):
    """Double backward gives the catalog's f'' (where it defines one)."""
    if spec.second_derivative is None:
        pytest.skip("the catalog defines no second derivative")
    act = actlab.get(spec.name, **params)
    x_np = elementwise_grid("float64")
    x_np = x_np[np.isfinite(x_np)]
    x = torch.tensor(x_np, requires_grad=True)
    y = at.apply(spec.name, x, **params)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    if not g.requires_grad:          # native piecewise-linear op: f'' = 0 has no graph
        assert np.all(act.second_derivative(x_np) == 0)
        return
    (h,) = torch.autograd.grad(g.sum(), x)
    _check(h.numpy(), act.second_derivative(x_np), mode, f"{spec.name} f''", x_np)


def test_integer_input_and_empty_tensor():
    spec = actlab.specs()[0]
    for s in actlab.specs():
        if s.kind == "elementwise":
            spec = s
            break
    y = at.apply(spec.name, torch.arange(3))
    assert y.dtype == torch.get_default_dtype()
    assert at.apply(spec.name, torch.empty(0)).shape == (0,)


@pytest.mark.parametrize("name", actlab.names())
def test_functional_attribute_per_name(name):
    fn = getattr(F, name)
    assert callable(fn) and fn.__name__ == name
    assert name in dir(F)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Valid names"):
        at.apply("no_such_activation", torch.zeros(2))


def test_float16_and_bfloat16_keep_dtype():
    for s in actlab.specs():
        x = torch.linspace(-3, 3, 12).reshape(2, 6)
        for dt in (torch.float16, torch.bfloat16):
            kw = {"pieces": 2} if "pieces" in s.param_names else {}
            assert at.apply(s.name, x.to(dt), **kw).dtype == dt
