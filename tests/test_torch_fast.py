"""The float32 CPU fast paths of actlab.torch (actlab.torch.fast) keep the catalog's accuracy.

Registry-driven: every activation case (defaults and sampled parameters) whose fast path is taken is
swept over a sparse stride of ALL float32 values (``tests/float32_sweep.py`` does every float32) for value
and gradient; double backward, learnable parameters, the switch and the dtype/device scope are checked.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import actlab  # noqa: E402
import actlab.torch as at  # noqa: E402
from actlab.torch import extension  # noqa: E402
from actlab.torch import fast as fast_paths  # noqa: E402
from actlab.torch import functional as F  # noqa: E402
from catalog_cases import ELEMENTWISE_CASES  # noqa: E402
from float32_sweep import BOUND_ULP, check, float32_range, ulps32  # noqa: E402
from test_torch_support import kink_points, smooth_points  # noqa: E402

CPU = torch.device("cpu")


def _fast(spec, params):
    return fast_paths.fast_for(spec.name, torch.float32, CPU, actlab.get(spec.name, **params).params)


FAST_CASES = [c for c in ELEMENTWISE_CASES if _fast(*c.values) is not None]
# each fast path through torch ops, and again through the compiled extension where it has a kernel
MODE_CASES = ([pytest.param(*c.values, "torch ops", id=f"{c.id}-ops") for c in FAST_CASES]
              + [pytest.param(*c.values, "extension", id=f"{c.id}-ext") for c in FAST_CASES if _fast(*c.values).compiled])


def _use(monkeypatch, mode, spec):
    """Route ``spec`` through the torch-op fast path or the compiled extension (skip where it cannot build)."""
    monkeypatch.setattr(F, "USE_EXTENSION", mode == "extension")
    if mode == "extension":
        if not extension.load():
            pytest.skip(f"compiled extension unavailable: {extension.status()}")
        # the sweeps' arrays are larger than a serial build takes (patched after load(), which sets it)
        monkeypatch.setattr(extension, "MAX_NUMEL", 1 << 62)
        assert F._extension_op(spec.name) is not None


def test_the_common_activations_have_fast_paths():
    names = {c.values[0].name for c in FAST_CASES}
    assert {"sigmoid", "tanh", "softplus", "elu", "selu", "silu", "mish", "log_sigmoid"} <= names


@pytest.mark.parametrize("spec,params,mode", MODE_CASES)
def test_fast_path_matches_catalog_on_a_float32_sweep(monkeypatch, spec, params, mode):
    _use(monkeypatch, mode, spec)
    xs = [np.array([0.0, -0.0, np.inf, -np.inf, np.nan], dtype=np.float32),
          *float32_range(4099, 100, 134), *float32_range(65537, 0, 255)]
    x = np.concatenate(xs)
    v, xv, g, xg = check(spec.name, params, x)
    assert v <= BOUND_ULP, f"{spec.name}{params} value {v} ULP at x={xv!r}"
    assert g <= BOUND_ULP, f"{spec.name}{params} gradient {g} ULP at x={xg!r}"


@pytest.mark.parametrize("spec,params,mode", MODE_CASES)
def test_fast_path_next_to_kinks_and_thresholds(monkeypatch, spec, params, mode):
    """Every float32 within 64 ULP of each declared kink and of the usual thresholds (+-3, +-5, +-20, ...):
    where a shifted argument (x + 3) rounds onto a kink, a derivative taken after the shift is wrong."""
    _use(monkeypatch, mode, spec)
    points = [float(k) for k in kink_points(spec, params)] + [0.0, 1.0, 3.0, 5.0, 6.0, 20.0, 80.0, 87.0, 104.0]
    steps = np.arange(-64, 65, dtype=np.int32)
    xs = []
    for p in points:
        for v in (p, -p):
            bits = np.array([v], dtype=np.float32).view(np.int32)[0]
            xs.append((bits + steps).astype(np.int32).view(np.float32) if v != 0 else steps.view(np.float32))
    x = np.concatenate(xs)
    x = x[np.isfinite(x)]
    v, xv, g, xg = check(spec.name, params, x)
    assert v <= BOUND_ULP, f"{spec.name}{params} value {v} ULP at x={xv!r}"
    assert g <= BOUND_ULP, f"{spec.name}{params} gradient {g} ULP at x={xg!r}"


@pytest.mark.parametrize("spec,params,mode", MODE_CASES)
def test_fast_path_double_backward_is_the_catalog_second_derivative(monkeypatch, spec, params, mode):
    _use(monkeypatch, mode, spec)
    act = actlab.get(spec.name, **params)
    if act.spec.second_derivative is None:
        pytest.skip(f"{spec.name} defines no second derivative")
    x_np = smooth_points(spec, params).astype(np.float32)
    x = torch.tensor(x_np, requires_grad=True)
    y = F.apply(spec.name, x, **params)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), act.derivative(x_np), rtol=1e-6, atol=1e-30)
    if g.requires_grad:
        (gg,) = torch.autograd.grad(g.sum(), x)
        np.testing.assert_allclose(gg.numpy(), act.second_derivative(x_np), rtol=1e-5, atol=1e-6)


def test_switch_off_gives_the_generic_path(monkeypatch):
    x = torch.linspace(-30, 30, 1001)
    fast = F.apply("sigmoid", x)
    monkeypatch.setattr(F, "FAST_FLOAT32", False)
    generic = F.apply("sigmoid", x)
    assert np.all(ulps32(fast.numpy(), generic.numpy()) <= BOUND_ULP)
    assert F._CACHE and all(impl.fast_for(x) is None for impl in F._CACHE.values())


def test_fast_paths_are_float32_cpu_only():
    assert fast_paths.fast_for("sigmoid", torch.float64, CPU, {}) is None
    assert fast_paths.fast_for("sigmoid", torch.float16, CPU, {}) is None
    assert fast_paths.fast_for("sigmoid", torch.float32, torch.device("cuda"), {}) is None
    assert fast_paths.fast_for("sigmoid", torch.float32, CPU, {}) is not None


@pytest.mark.parametrize("name,params,declined", [("elu", {"alpha": 0.75}, True), ("elu", {"alpha": 2.0}, False),
                                                  ("softplus", {"beta": 3.0}, True), ("celu", {"alpha": -0.5}, False)])
def test_parameters_that_would_round_are_declined(name, params, declined):
    """``beta x`` / ``x / alpha`` in front of a float32 exp costs ~|x| ULP unless the factor is a power of 2."""
    got = fast_paths.fast_for(name, torch.float32, CPU, actlab.get(name, **params).params)
    assert (got is None) == declined


@pytest.mark.parametrize("name,param", [("silu", "beta"), ("snake", "alpha")])
def test_learnable_parameter_gradients_match_generic_path(monkeypatch, name, param):
    x0 = torch.linspace(-8, 8, 257)
    grads = {}
    for fast_on in (True, False):
        monkeypatch.setattr(F, "FAST_FLOAT32", fast_on)
        m = at.get(name, num_parameters=1)
        with torch.no_grad():
            getattr(m, param).fill_(1.7)
        assert F.path_for(name, torch.float32) == ("fast" if fast_on else F.path_for(name, torch.float64))
        x = x0.clone().requires_grad_(True)
        m(x).pow(2).sum().backward()
        grads[fast_on] = (x.grad.clone(), getattr(m, param).grad.clone())
    torch.testing.assert_close(grads[True][0], grads[False][0], rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(grads[True][1], grads[False][1], rtol=1e-5, atol=1e-5)


LEARNABLE = [s for s in actlab.specs() if s.learnable and s.kind == "elementwise"]


@pytest.mark.parametrize("spec", LEARNABLE, ids=[s.name for s in LEARNABLE])
def test_frozen_learnable_parameters_get_no_gradient_and_the_same_input_gradient(spec):
    """A parameter with ``requires_grad=False`` is not differentiated (no df/dparam computed or returned) and
    the input gradient is the one of the trainable module."""
    x0 = torch.linspace(-6, 6, 97)
    grads = []
    for frozen in (False, True):
        m = at.get(spec.name)
        for p in m.parameters():
            p.requires_grad_(not frozen)
        x = x0.clone().requires_grad_(True)
        m(x).pow(2).sum().backward()
        grads.append(x.grad)
        assert all((p.grad is None) == frozen for p in m.parameters())
    torch.testing.assert_close(grads[0], grads[1], rtol=0, atol=0)


def test_snake_learnable_alpha_at_zero_takes_the_generic_path(monkeypatch):
    x = torch.linspace(-2, 2, 9)
    out = []
    for fast_on in (True, False):
        monkeypatch.setattr(F, "FAST_FLOAT32", fast_on)
        m = at.get("snake")
        with torch.no_grad():
            m.alpha.zero_()            # sin^2(0 x)/0: the fast path declines, the catalog decides
        out.append(m(x))
    torch.testing.assert_close(out[0], out[1], equal_nan=True)


def test_prelu_per_channel_weight_gradients_match_generic_path(monkeypatch):
    x0 = torch.randn(8, 3, 5, generator=torch.Generator().manual_seed(0)) * 3
    out = {}
    for fast_on in (True, False):
        monkeypatch.setattr(F, "FAST_FLOAT32", fast_on)
        m = at.get("prelu", num_parameters=3)
        with torch.no_grad():
            m.weight.copy_(torch.tensor([0.1, 0.25, -0.5]))
        x = x0.clone().requires_grad_(True)
        y = m(x)
        y.pow(2).sum().backward()
        out[fast_on] = (y.detach(), x.grad.clone(), m.weight.grad.clone())
    for a, b in zip(out[True], out[False]):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-6)


def test_rrelu_training_sample_is_seeded_and_within_bounds():
    x = -torch.rand(10000) - 0.5
    y1 = F.apply("rrelu", x, training=True, generator=torch.Generator().manual_seed(3))
    y2 = F.apply("rrelu", x, training=True, generator=torch.Generator().manual_seed(3))
    assert torch.equal(y1, y2)
    slopes = y1 / x
    assert slopes.min() >= 1 / 8 - 1e-6 and slopes.max() <= 1 / 3 + 1e-6
    assert abs(slopes.mean().item() - (1 / 8 + 1 / 3) / 2) < 0.01
    xg = x.clone().requires_grad_(True)
    y = F.apply("rrelu", xg, training=True, generator=torch.Generator().manual_seed(3))
    y.sum().backward()
    torch.testing.assert_close(xg.grad, slopes, rtol=1e-5, atol=1e-6)
    # positives pass unchanged with f' = 1; at 0 the value is 0 and f' a sampled slope
    xm = torch.tensor([2.0, 0.0, -1.0, float("inf"), float("-inf")], requires_grad=True)
    ym = F.apply("rrelu", xm, training=True, generator=torch.Generator().manual_seed(4))
    ym.sum().backward()
    assert ym[0] == 2.0 and ym[1] == 0.0 and ym[3] == float("inf") and ym[4] == float("-inf")
    assert xm.grad[0] == 1.0 and 1 / 8 - 1e-6 <= xm.grad[1] <= 1 / 3 + 1e-6


def test_no_grad_inference_skips_the_derivative():
    x = torch.linspace(-5, 5, 11)
    with torch.no_grad():
        y = F.apply("sigmoid", x)
    assert y.grad_fn is None
    np.testing.assert_allclose(y.numpy(), actlab.get("sigmoid")(x.numpy()), rtol=2e-7)


VECTOR_FAST = [n for n in actlab.names() if fast_paths.FAST.get(n) is not None and fast_paths.FAST[n].vector]
VECTOR_MODES = ([pytest.param(n, "torch ops", id=f"{n}-ops") for n in VECTOR_FAST]
                + [pytest.param(n, "extension", id=f"{n}-ext") for n in VECTOR_FAST
                   if fast_paths.FAST[n].compiled_rows is not None])


def _use_vector(monkeypatch, mode, name):
    """Route vector activation ``name`` through its torch-op fast path or the extension's row kernels; returns
    that path's forward, ``(x, dim) -> y or None`` (declined)."""
    monkeypatch.setattr(F, "USE_EXTENSION", mode == "extension")
    fast = fast_paths.FAST[name]
    if mode == "extension":
        if not extension.load():
            pytest.skip(f"compiled extension unavailable: {extension.status()}")
        monkeypatch.setattr(extension, "MAX_NUMEL", 1 << 62)
        op_name, args = fast.compiled_rows
        return lambda x, dim: None if (y := F._extension_op(op_name, x)(x, dim, *args)).numel() == 0 else y
    return lambda x, dim: None if (out := fast.vector(x, dim)) is None else out[0]


@pytest.mark.parametrize("name, mode", VECTOR_MODES)
def test_vector_fast_path_matches_catalog(monkeypatch, name, mode):
    forward = _use_vector(monkeypatch, mode, name)
    act = actlab.get(name)
    rng = np.random.default_rng(5)
    x_np = (rng.normal(size=(64, 40)) * rng.choice([0.1, 3.0, 30.0, 300.0], size=(64, 1))).astype(np.float32)
    g_np = rng.normal(size=x_np.shape).astype(np.float32)
    for dim in (-1, 0):
        x = torch.tensor(x_np, requires_grad=True)
        y = F.apply(name, x, dim=dim)
        assert y.grad_fn is not None and type(y.grad_fn).__name__ != "_VectorBackward"   # not the generic path
        y.backward(torch.tensor(g_np))
        assert torch.equal(y.detach(), forward(x.detach(), dim % 2))      # that path served
        assert ulps32(y.detach().numpy(), act(x_np, axis=dim)).max() <= BOUND_ULP
        assert ulps32(x.grad.numpy(), act.vjp(x_np, g_np, axis=dim)).max() <= 4.0


@pytest.mark.parametrize("shape", [(0,), (3, 0), ()])
@pytest.mark.parametrize("spec", actlab.specs(), ids=lambda s: s.name)
def test_empty_and_scalar_inputs_work_through_the_modules(spec, shape):
    x = torch.zeros(shape, requires_grad=True)
    module = at.get(spec.name, dim=-1) if spec.kind == "vector" else at.get(spec.name)
    if spec.kind == "vector" and not shape:
        with pytest.raises(ValueError, match="at least 1-D"):
            module(x)
        return
    y = module(x)
    assert y.dtype == x.dtype
    y.sum().backward()
    assert x.grad is not None and x.grad.shape == x.shape


def test_path_for_reports_each_implementation(monkeypatch):
    assert at.path_for("sigmoid", torch.float32) == "fast"
    assert at.path_for("sigmoid", torch.float64) == "formula"
    assert at.path_for("sigmoid", torch.float32, device="cuda") == "formula"
    assert at.path_for("relu", torch.float32) == "native"
    assert at.path_for("elu", torch.float32, alpha=0.75) == "formula"       # declined: not a power of two
    numpy_only = [s.name for s in actlab.specs() if at.uses_numpy_fallback(s.name, torch.float64)]
    assert numpy_only and at.path_for(numpy_only[0], torch.float64) == "numpy"
    monkeypatch.setattr(F, "FAST_FLOAT32", False)
    assert at.path_for("sigmoid", torch.float32) == "formula"


def test_extension_can_be_switched_off_by_environment(monkeypatch):
    monkeypatch.setenv("ACTLAB_TORCH_EXTENSION", "0")
    ok, why = extension._load()
    assert not ok and "ACTLAB_TORCH_EXTENSION=0" in why


def test_extension_ops_serve_the_modules_and_keep_double_backward():
    """Where the extension builds (a C++ compiler, ninja, AVX2), the modules of its activations go through
    ``torch.ops.actlab`` and a double backward still gives the catalog's f''."""
    if not extension.load():
        pytest.skip(f"compiled extension unavailable: {extension.status()}")
    x = torch.linspace(-4, 4, 33, requires_grad=True)
    for name in extension.NAMES:
        y = at.get(name).requires_grad_(False)(x)
        assert y.grad_fn is not None and "CppFunction" in type(y.grad_fn).__name__, (name, y.grad_fn)
        (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = torch.autograd.grad(g.sum(), x)
        act = actlab.get(name)
        np.testing.assert_allclose(gg.detach().numpy(), act.second_derivative(x.detach().numpy()),
                                   rtol=1e-5, atol=1e-6)


def test_trainable_parameters_keep_the_python_fast_path():
    """The extension's silu takes a fixed beta: a trainable one needs df/dbeta, which the Python path gives."""
    m = at.get("silu")
    x = torch.linspace(-3, 3, 17, requires_grad=True)
    m(x).sum().backward()
    assert m.beta.grad is not None and torch.isfinite(m.beta.grad).all()


@pytest.mark.parametrize("beta", [1.0, 0.7, 2.5])
def test_silu_extension_gradient_next_to_the_root_of_its_derivative(monkeypatch, beta):
    """f'(u) = s + u s (1 - s) cancels next to its root u0: every float32 x with beta x within 2^-7 of u0 is
    within the bound for value and gradient (the kernel's exp must be near double accuracy there), for
    beta = 1 and for betas whose products round in float32."""
    _use(monkeypatch, "extension", actlab.spec("silu"))
    mp = pytest.importorskip("mpmath")
    with mp.workdps(30):
        root = float(mp.findroot(lambda u: 1 + u * (1 - 1 / (1 + mp.exp(-u))), -1.28))
    centre = np.float32(root / beta)
    lo, hi = np.float32(centre - 2 ** -7 / beta), np.float32(centre + 2 ** -7 / beta)
    bits = np.arange(hi.view(np.uint32), lo.view(np.uint32) + 1, dtype=np.uint32)   # negative: bits grow with |x|
    x = bits.view(np.float32)
    assert x.size > 10_000
    v, xv, g, xg = check("silu", {"beta": beta}, x)
    assert v <= BOUND_ULP, f"value {v} ULP at x={xv!r}"
    assert g <= BOUND_ULP, f"gradient {g} ULP at x={xg!r}"


def test_frozen_silu_module_reads_its_current_beta():
    """A frozen beta goes to the compiled op as a number, read on every call: changing it in place changes
    the output, which stays the catalog's."""
    m = at.get("silu").requires_grad_(False)
    x = torch.linspace(-5, 5, 41)
    with torch.no_grad():
        m.beta.fill_(1.5)
    np.testing.assert_allclose(m(x).numpy(), actlab.get("silu", beta=1.5)(x.numpy()), rtol=3e-7, atol=1e-30)
    m.beta.requires_grad_(True)
    m(x.requires_grad_(True)).sum().backward()
    assert m.beta.grad is not None


def test_extension_spreads_large_inputs_over_torchs_own_openmp_threads():
    """Built with OpenMP, the kernels take inputs of any size and give the same bits on 1 or 2 threads; the
    runtime they use is the libgomp torch loaded (one file mapped), not a second one."""
    if not extension.load():
        pytest.skip(f"compiled extension unavailable: {extension.status()}")
    openmp = extension._torch_openmp()
    if openmp is None:
        assert extension.MAX_NUMEL == extension.SERIAL_MAX_NUMEL and "serial" in extension.status()
        pytest.skip("torch's OpenMP runtime not found: the kernels are serial")
    assert torch.ops.actlab.parallel() and "parallel" in extension.status()
    assert extension.MAX_NUMEL > 10 * extension.SERIAL_MAX_NUMEL
    with open("/proc/self/maps") as maps:
        mapped = {line.split(None, 5)[-1].strip() for line in maps if "libgomp.so" in line}
    assert {str(Path(p).resolve()) for p in mapped} == {openmp}
    x = torch.randn(3 * extension.SERIAL_MAX_NUMEL + 5, generator=torch.Generator().manual_seed(0)) * 4
    threads = torch.get_num_threads()
    try:
        for name in extension.NAMES:
            op = getattr(torch.ops.actlab, name)
            torch.set_num_threads(1)
            one = op(x, 1.0)
            torch.set_num_threads(2)
            two = op(x, 1.0)
            assert torch.equal(one, two), name
            assert ulps32(two.numpy(), actlab.get(name)(x.numpy())).max() <= BOUND_ULP, name
            m = at.get(name).requires_grad_(False)
            assert F.path_for(name, torch.float32) == "fast"
            assert "CppFunction" in type(m(x.clone().requires_grad_(True)).grad_fn).__name__, name
    finally:
        torch.set_num_threads(threads)


def test_tanhshrink_kernel_series_is_the_catalogs():
    """The compiled tanhshrink's small-|x| series is the head of the catalog's (same coefficients)."""
    import re

    from actlab.core.library import tanhshrink as catalog_tanhshrink
    body = re.search(r"TANHSHRINK_SERIES\[(\d+)\] = \{([^}]*)\}", extension.SOURCE.read_text())
    kernel = [float(v) for v in body.group(2).split(",")]
    assert len(kernel) == int(body.group(1)) >= 8
    assert kernel == [float(c) for c in catalog_tanhshrink._SERIES[:len(kernel)]]


def _kernel_constants(prefix: str) -> dict:
    """``static const double <prefix>_*`` scalars and arrays of the C++ kernels, by suffix."""
    import re
    text = extension.SOURCE.read_text()
    found = {}
    for name, value in re.findall(rf"{prefix}_(\w+) = ([^,;{{]+)[,;]", text):
        found[name] = eval(value)          # numbers, and 1.0 / 128
    for name, body in re.findall(rf"{prefix}_(\w+)\[\d+\] = \{{([^}}]*)\}}", text):
        found[name] = [float(v) for v in body.split(",")]
    return found


def test_gelu_kernel_constants_are_the_functions_they_approximate():
    """The compiled gelu's erfcx polynomial and its expansion of f' about f''s root, recomputed with mpmath:
    (1 + 2t) erfcx(t) = P((t - K)/(t + K)) to 2^-38 over t >= 0, and u0, c_1..c_6 the true root and Taylor
    coefficients of Phi(x) + x phi(x)."""
    mp = pytest.importorskip("mpmath")
    c = _kernel_constants("GELU")
    with mp.workdps(40):
        worst = mp.mpf(0)
        for t in [*np.linspace(0, 8, 161), *np.geomspace(8, 40, 40), 1e3]:
            t = mp.mpf(float(t))
            y = (t - c["ERFCX_K"]) / (t + c["ERFCX_K"])
            approx = mp.polyval(list(reversed(c["ERFCX"])), y)
            worst = max(worst, abs(approx / ((1 + 2 * t) * mp.exp(t * t) * mp.erfc(t)) - 1))
        assert worst < 2 ** -38, worst
        deriv = lambda x: mp.ncdf(x) + x * mp.npdf(x)  # noqa: E731
        root = mp.findroot(deriv, -0.75)
        assert abs(mp.mpf(c["ROOT_HI"]) + mp.mpf(c["ROOT_LO"]) - root) < mp.mpf(2) ** -100
        series = mp.taylor(deriv, root, len(c["ROOT_TAYLOR"]) + 2)
        for got, want in zip(c["ROOT_TAYLOR"], series[1:]):
            assert abs(got - want) <= 2 ** -52 * abs(want), (got, want)
        h = c["ROOT_RADIUS"]
        dropped = sum(abs(series[k]) * h ** k for k in range(len(c["ROOT_TAYLOR"]) + 1, len(series)))
        assert dropped < 2 ** -40 * abs(series[1]) * h


def test_gelu_extension_gradient_next_to_the_root_of_its_derivative(monkeypatch):
    """f' = Phi + x phi cancels next to its root: every float32 within 2^-5 of it (the Taylor branch, its
    edges and beyond) is within the bound for value and gradient."""
    _use(monkeypatch, "extension", actlab.spec("gelu"))
    centre = np.float32(_kernel_constants("GELU")["ROOT_HI"])
    lo, hi = np.float32(centre - 2 ** -5), np.float32(centre + 2 ** -5)
    x = np.arange(hi.view(np.uint32), lo.view(np.uint32) + 1, dtype=np.uint32).view(np.float32)
    assert x.size > 100_000
    v, xv, g, xg = check("gelu", {}, x)
    assert v <= BOUND_ULP, f"value {v} ULP at x={xv!r}"
    assert g <= BOUND_ULP, f"gradient {g} ULP at x={xg!r}"


@pytest.mark.parametrize("name, mode", VECTOR_MODES)
def test_vector_fast_path_on_dominant_rows_and_infinities(monkeypatch, name, mode):
    """Rows where one entry takes all but 1e-30 of the mass (p_k = 1 - tiny, log p_k = -tiny), rows with
    -inf entries, rows of length 1 and 5 (the kernels' vector tail): value within the bound, gradient within
    4 ULP; rows with NaN, +inf or only -inf are declined to the generic path and keep the catalog's
    conventions."""
    forward = _use_vector(monkeypatch, mode, name)
    act = actlab.get(name)
    rng = np.random.default_rng(11)
    sign = -1.0 if name == "softmin" else 1.0       # softmin(x) = softmax(-x)
    for width in (1, 5, 37):
        x_np = rng.normal(size=(6, width)).astype(np.float32)
        x_np[0, 0] = 80.0 * sign           # dominant: the others carry ~1e-35 of the mass
        x_np[1, 0] = 20.0 * sign
        if width > 1:
            x_np[2, 1] = -np.inf * sign
            x_np[3, :] = x_np[3, 0]        # ties
        g_np = rng.normal(size=x_np.shape).astype(np.float32)
        x = torch.tensor(x_np, requires_grad=True)
        y = F.apply(name, x, dim=-1)
        assert y.grad_fn is not None and type(y.grad_fn).__name__ != "_VectorBackward"
        assert torch.equal(y.detach(), forward(x.detach(), 1))
        y.backward(torch.tensor(g_np))
        v = ulps32(y.detach().numpy(), act(x_np, axis=-1))
        assert v.max() <= BOUND_ULP, (width, np.unravel_index(v.argmax(), v.shape))
        gr = ulps32(x.grad.numpy(), act.vjp(x_np, g_np, axis=-1))
        assert gr.max() <= 4.0, (width, np.unravel_index(gr.argmax(), gr.shape))
    for bad in (np.nan, np.inf * sign):
        x_np = np.array([[0.5, bad, -1.0], [0.0, 1.0, 2.0]], dtype=np.float32)
        assert forward(torch.tensor(x_np), 1) is None
        y = F.apply(name, torch.tensor(x_np), dim=-1).numpy()
        np.testing.assert_array_equal(y, act(x_np, axis=-1).astype(np.float32))
    x_np = np.full((2, 3), -np.inf * sign, dtype=np.float32)
    assert forward(torch.tensor(x_np), 1) is None


def test_row_kernels_fix_the_same_confident_rows_as_the_torch_op_path():
    assert _kernel_constants("ROWS")["CONFIDENT"] == fast_paths._CONFIDENT


@pytest.mark.parametrize("name", [n for n in VECTOR_FAST if fast_paths.FAST[n].compiled_rows is not None])
def test_compiled_row_kernels_refuse_a_double_backward_and_serve_inference_mode(monkeypatch, name):
    """Once differentiable like the torch-op path: create_graph through the C++ node raises (rather than a
    silently zero second derivative); without autograd (inference mode) the same values come out."""
    forward = _use_vector(monkeypatch, "extension", name)
    x = torch.randn(4, 6, requires_grad=True, generator=torch.Generator().manual_seed(2))
    y = F.apply(name, x, dim=-1)
    (g,) = torch.autograd.grad(y.square().sum(), x, create_graph=False)
    assert torch.isfinite(g).all()
    with pytest.raises(RuntimeError, match="once differentiable"):
        torch.autograd.grad(F.apply(name, x, dim=-1).square().sum(), x, create_graph=True)
    with torch.inference_mode():
        assert torch.equal(forward(x.detach(), 1), y.detach())
