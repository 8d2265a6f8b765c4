"""Contract every registered activation satisfies (registry-driven, like PyTorch's OpInfo tests)."""
import math
import warnings

import numpy as np
import pytest

from catalog_cases import ELEMENTWISE_CASES, SPECS, VECTOR_CASES, param_sets

import actlab
from actlab.core.numerics import widen
from actlab.core.spec import FAMILIES, INITS, SMOOTHNESS

ORDERS = ("__call__", "derivative", "second_derivative")
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 1e300, -1e300, 5e-324, -5e-324])


def evaluate(f, order, x):
    return getattr(f, ORDERS[order])(x)


def test_registry_is_large_and_consistent():
    names = actlab.names()
    assert len(names) >= 40, f"only {len(names)} activations registered"
    assert names == sorted(names) and len(set(names)) == len(names)
    assert [s.name for s in actlab.specs()] == names
    for s in SPECS:
        assert actlab.spec(s.name) is s
        for alias in s.aliases:
            assert actlab.get(alias).spec is s


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_metadata_complete(spec):
    assert spec.family in FAMILIES
    assert spec.formula and spec.description and spec.reference and spec.year
    assert spec.pros and spec.cons
    assert spec.class_name.isidentifier()
    for params in param_sets(spec):
        props = spec.properties(params)
        assert props["smoothness"] in SMOOTHNESS
        assert props["init"].scheme in INITS and props["init"].gain > 0
        assert set(props["saturating"]) <= {"-inf", "+inf"}
        lo, hi = props["output_range"]
        assert lo <= hi
    if spec.kind == "elementwise":
        assert spec.derivative_formula and spec.second_derivative_formula
        assert spec.derivative is not None and spec.second_derivative is not None
        assert spec.mp_fn is not None
    else:
        assert spec.vjp is not None


@pytest.mark.parametrize("order", [0, 1, 2])
@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_dtype_shape_and_no_mutation(spec, params, order):
    f = actlab.get(spec.name, **params)
    base = np.linspace(-5, 5, 24).reshape(2, 3, 4)
    for dtype in (np.float16, np.float32, np.float64):
        x = base.astype(dtype)
        before = x.copy()
        y = evaluate(f, order, x)
        assert y.dtype == dtype and y.shape == x.shape
        np.testing.assert_array_equal(x, before)
        view = x[:, ::2, ::-1]            # non-contiguous
        np.testing.assert_array_equal(evaluate(f, order, view), evaluate(f, order, view.copy()))
    for ints in (np.arange(-3, 4), np.array([True, False]), [1, 2, 3], 2):
        out = evaluate(f, order, ints)
        assert out.dtype == np.float64 and out.shape == np.shape(ints)
        np.testing.assert_array_equal(out, evaluate(f, order, np.asarray(ints, dtype=np.float64)))
    assert evaluate(f, order, np.float32(1.5)).shape == ()
    assert evaluate(f, order, np.empty((0, 3), np.float32)).shape == (0, 3)
    for bad in (np.array([1 + 2j]), np.array(["a"]), np.array([object()], dtype=object)):
        with pytest.raises(TypeError):
            evaluate(f, order, bad)


@pytest.mark.parametrize("order", [0, 1, 2])
@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_kernels_raise_no_floating_point_warning(spec, params, order):
    """No warning for any finite or infinite input, even under ``np.errstate(all="raise")``; and the raw
    kernels themselves never overflow, divide by zero or produce an invalid result (their arguments are
    guarded; underflow to a subnormal or zero is the correct answer and allowed)."""
    f = actlab.get(spec.name, **params)
    kernel = (spec.fn, spec.derivative, spec.second_derivative)[order]
    for dtype in (np.float16, np.float32, np.float64):
        info = np.finfo(dtype)
        with np.errstate(over="ignore"):
            x = np.concatenate([SPECIAL, [info.max, -info.max, info.tiny, -info.tiny],
                                np.linspace(-50, 50, 101)]).astype(dtype)
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            kernel(widen(x), **f.params)
        with np.errstate(all="raise"), warnings.catch_warnings():
            warnings.simplefilter("error")
            evaluate(f, order, x)


@pytest.mark.parametrize("order", [0, 1, 2])
@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_nan_propagates_and_infinities_are_limits(spec, params, order):
    f = actlab.get(spec.name, **params)
    props = spec.properties(params)
    for dtype in (np.float16, np.float32, np.float64):
        y = evaluate(f, order, np.array([np.nan, -np.inf, np.inf], dtype))
        assert np.isnan(y[0]), f"{f!r} order {order}: NaN input gave {y[0]}"
        if order == 0:
            lo, hi = props["limits"]
            assert y[1] == lo or (math.isnan(lo) and np.isnan(y[1])), f"{f!r}(-inf) = {y[1]}, declared {lo}"
            assert y[2] == hi or (math.isnan(hi) and np.isnan(y[2])), f"{f!r}(+inf) = {y[2]}, declared {hi}"
        # finite true value -> finite result: derivatives at +-inf are finite limits where they exist
        big = np.array([-float(np.finfo(dtype).max), float(np.finfo(dtype).max)], dtype)
        yb = evaluate(f, order, big)
        assert not np.isnan(yb).any(), f"{f!r} order {order} gives NaN at +-max"


@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_kink_conventions(spec, params):
    f = actlab.get(spec.name, **params)
    for kink in spec.properties(params)["kinks"]:
        for dtype in (np.float32, np.float64):
            if dtype(kink.x) != kink.x:   # the kink is not representable: no input of this dtype is at it
                continue
            got = f.derivative(np.array([kink.x], dtype))[0]
            assert got == dtype(kink.derivative), f"{f!r}'({kink.x}) = {got}, declared {kink.derivative}"


def _rel_close(a, b, tol):
    return abs(a - b) <= tol * max(1.0, abs(b))


@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_declared_properties_hold_numerically(spec, params):
    f = actlab.get(spec.name, **params)
    props = spec.properties(params)
    x = np.linspace(-20, 20, 40001)
    y, dy = f(x), f.derivative(x)
    lo, hi = props["output_range"]
    assert y.min() >= lo - 1e-12 and y.max() <= hi + 1e-12, f"{f!r} leaves its declared range {lo, hi}"
    assert _rel_close(float(f(0.0)), props["f0"], 1e-15), f"{f!r}(0) = {f(0.0)}, declared {props['f0']}"
    if props["fprime0"] is not None:
        assert _rel_close(float(f.derivative(0.0)), props["fprime0"], 1e-15)
    if props["monotonic"]:
        assert np.all(np.diff(y) >= 0) and np.all(dy >= 0), f"{f!r} declared monotonic but decreases"
    else:
        assert np.any(np.diff(y) < 0), f"{f!r} declared non-monotonic but never decreases on [-20, 20]"
    for side, sign in (("-inf", -1), ("+inf", 1)):
        far = sign * (1e4 + np.linspace(0, 10, 1001))
        saturates = np.max(np.abs(f.derivative(far))) < 1e-6
        assert saturates == (side in props["saturating"]), f"{f!r} saturation at {side}: measured {saturates}"
    # zero-centred: E f(z) ~ 0 for z ~ N(0, 1) (trapezoid on a fine grid)
    z = np.linspace(-12, 12, 240001)
    w = np.exp(-z * z / 2) / math.sqrt(2 * math.pi) * (z[1] - z[0])
    fz = f(z)
    mean, rms = float(np.sum(w * fz)), math.sqrt(float(np.sum(w * fz * fz)))
    assert (abs(mean) <= 0.01 * rms) == bool(props["zero_centred"]), \
        f"{f!r}: E f(z) = {mean:.4g} vs rms {rms:.4g}, declared zero_centred={props['zero_centred']}"
    # smoothness: Cinf/C2 have no kinks; otherwise the class is where continuity breaks at the kinks
    kinks = props["kinks"]
    if props["smoothness"] in ("Cinf", "C2"):
        assert not kinks
    else:
        assert kinks, f"{f!r} declared {props['smoothness']} but lists no kink"
        measured = "Cinf"
        for k in kinks:
            h = 1e-7 * max(1.0, abs(k.x))
            xs = np.array([k.x - h, k.x + h])
            for order, cls in ((0, "discontinuous"), (1, "C0"), (2, "C1")):
                a, b = evaluate(f, order, xs)
                if abs(a - b) > 1e-4 * max(1.0, abs(a), abs(b)):
                    if SMOOTHNESS.index(cls) < SMOOTHNESS.index(measured):
                        measured = cls
                    break
        assert measured == props["smoothness"] or (measured == "Cinf" and props["smoothness"] == "C2"), \
            f"{f!r}: measured smoothness {measured}, declared {props['smoothness']}"


@pytest.mark.parametrize("spec,params", ELEMENTWISE_CASES)
def test_derivatives_agree_with_finite_differences(spec, params):
    f = actlab.get(spec.name, **params)
    kinks = np.array([k.x for k in spec.properties(params)["kinks"]] or [np.inf])
    x = np.linspace(-6, 6, 1201) + 0.0013
    x = x[np.min(np.abs(x[:, None] - kinks[None, :]), axis=1) > 1e-3]
    h = 1e-6
    for lower, upper in ((f, f.derivative), (f.derivative, f.second_derivative)):
        fd = (lower(x + h) - lower(x - h)) / (2 * h)
        np.testing.assert_allclose(upper(x), fd, rtol=1e-5, atol=1e-5, err_msg=repr(f))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_config_round_trip_and_repr(spec):
    for params in param_sets(spec):
        f = actlab.get(spec.name, **params)
        config = f.to_config()
        assert actlab.get(config) == f
        assert actlab.get(f) is f
        assert repr(f) == f"{spec.class_name}(" + ", ".join(f"{k}={v!r}" for k, v in f.params.items()) + ")"
        import json
        assert actlab.get(json.loads(json.dumps(config))) == f


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_bad_parameters_are_named(spec):
    with pytest.raises(ValueError, match="unknown parameter"):
        actlab.get(spec.name, no_such_parameter=1)
    for p in spec.params:
        bad = []
        if p.kind == "choice":
            bad.append("no-such-choice")
        else:
            bad += [float("nan"), "text"]
            if p.low is not None:
                bad.append(p.low if p.low_open else p.low - 1)
            if p.high is not None:
                bad.append(p.high if p.high_open else p.high + 1)
        for value in bad:
            with pytest.raises(ValueError) as info:
                actlab.get(spec.name, **{p.name: value})
            message = str(info.value)
            assert p.name in message and repr(value) in message and "expected" in message


def test_unknown_name_lists_valid_names_and_suggests():
    with pytest.raises(ValueError) as info:
        actlab.get("relux")
    message = str(info.value)
    assert "relux" in message and "Did you mean 'relu'" in message
    for name in actlab.names():
        assert name in message


def test_aliases_are_case_and_separator_insensitive():
    for spec in SPECS:
        for key in (spec.name, *spec.aliases):
            for variant in (key.upper(), key.replace("_", "-"), key.replace("_", " ")):
                assert actlab.get(variant).spec is spec


@pytest.mark.parametrize("spec,params", VECTOR_CASES)
def test_vector_activation_contract(spec, params):
    f = actlab.get(spec.name, **params)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((12, 12, 12))   # every axis divisible for glu (2) and maxout (2, 3, 4)
    for dtype in (np.float32, np.float64):
        for axis in (-1, 0, 1):
            xd = x.astype(dtype)
            before = xd.copy()
            y = f(xd, axis=axis)
            assert y.dtype == dtype
            np.testing.assert_array_equal(xd, before)
            g = rng.standard_normal(y.shape).astype(dtype)
            v = f.vjp(xd, g, axis=axis)
            assert v.shape == xd.shape and v.dtype == dtype
    # vjp agrees with central differences of <g, f(x)>
    x = rng.standard_normal(12)
    y = f(x)
    g = rng.standard_normal(y.shape)
    h = 1e-6
    fd = np.array([(np.sum(g * f(x + h * e)) - np.sum(g * f(x - h * e))) / (2 * h) for e in np.eye(12)])
    np.testing.assert_allclose(f.vjp(x, g), fd, rtol=1e-5, atol=1e-6)
    J = f.jacobian(x)
    np.testing.assert_allclose(g @ J, f.vjp(x, g), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError):
        f(np.float64(1.0))
    with pytest.raises(ValueError):
        f(x, axis=3)
    with pytest.raises(TypeError):
        f.derivative(x)
