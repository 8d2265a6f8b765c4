"""Measured properties (actlab.analysis.properties) against the declared metadata, for every registered activation.

Registry-driven: each spec is measured at its defaults and at parameters drawn by its ``sample_params``; a
measured property that disagrees with the declaration fails the test.
"""
import csv
import io
import json
import math
from functools import lru_cache

import numpy as np
import pytest

import actlab
from actlab.analysis import properties as P

SPECS = actlab.specs()
KNOWN_DISAGREEMENTS: dict = {}   # (activation, property) -> reason; none known


def _cases():
    out = []
    for spec in SPECS:
        out.append((spec.name, ()))
        if spec.sample_params is not None:
            rng = np.random.default_rng(1234)
            for _ in range(2):
                params = tuple(sorted(spec.sample_params(rng).items()))
                if (spec.name, params) not in out:
                    out.append((spec.name, params))
    return out


CASES = _cases()
IDS = [name + ("" if not p else "[" + ",".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                               for k, v in p) + "]") for name, p in CASES]
ELEMENTWISE = [(c, i) for c, i in zip(CASES, IDS) if actlab.spec(c[0]).kind == "elementwise"]
VECTOR = [(c, i) for c, i in zip(CASES, IDS) if actlab.spec(c[0]).kind == "vector"]


@lru_cache(maxsize=None)
def measured(name, params):
    return P.measure(name, dict(params), timing=False)


def declared(name, params):
    f = actlab.get(name, **dict(params))
    return f.spec.properties(f.params)


def _known(name, prop):
    if (name, prop) in KNOWN_DISAGREEMENTS:
        pytest.xfail(KNOWN_DISAGREEMENTS[(name, prop)])


def _close(a, b, rtol=1e-9):
    return abs(a - b) <= rtol * (1.0 + abs(b))


# "C1+" (a vector slice: no jump in f or f', f'' not examined) refutes nothing smoother
SMOOTH_RANK = {"discontinuous": 0, "C0": 1, "C1": 2, "C1+": 3, "C2": 3, "C2+": 3, "Cinf": 3}


elementwise = pytest.mark.parametrize("case", [c for c, _ in ELEMENTWISE], ids=[i for _, i in ELEMENTWISE])
vector = pytest.mark.parametrize("case", [c for c, _ in VECTOR], ids=[i for _, i in VECTOR])


# ---------------------------------------------------------------------------- elementwise: measured == declared
@elementwise
def test_monotonic_matches_declaration(case):
    name, params = case
    _known(name, "monotonic")
    assert measured(name, params).monotonic == declared(name, params)["monotonic"]


@elementwise
def test_smoothness_matches_declaration(case):
    name, params = case
    _known(name, "smoothness")
    want = declared(name, params)["smoothness"]
    got = measured(name, params).smoothness
    # the measurement resolves f, f', f''; C2 and Cinf are both "C2+"
    assert got == (want if want in ("discontinuous", "C0", "C1") else "C2+"), f"declared {want}, measured {got}"


@elementwise
def test_zero_centred_matches_declaration(case):
    name, params = case
    _known(name, "zero_centred")
    m = measured(name, params)
    assert m.zero_centred == declared(name, params)["zero_centred"], (
        f"E f(z) = {m.mean_normal:.3g}, rms {m.rms_normal:.3g}")


@elementwise
def test_output_range_matches_declaration(case):
    name, params = case
    _known(name, "output_range")
    lo, hi = declared(name, params)["output_range"]
    m = measured(name, params)
    for got, want, sign in ((m.range_low, lo, -1), (m.range_high, hi, 1)):
        if math.isinf(want):
            assert got == want, f"declared unbounded {want}, measured {got}"
        else:
            tol = 1e-6 * (1.0 + abs(want))
            assert math.isfinite(got), f"declared bound {want}, measured {got}"
            assert abs(got - want) <= tol, f"declared bound {want}, measured {got}"


@elementwise
def test_f0_matches_declaration(case):
    name, params = case
    _known(name, "f0")
    want = declared(name, params)["f0"]
    if want is None:
        pytest.skip("f(0) not declared")
    assert _close(measured(name, params).f0, want)


@elementwise
def test_fprime0_matches_declaration(case):
    """Declared f'(0): no kink at 0 and f'(0) agrees; declared None: a kink at 0, with its declared convention."""
    name, params = case
    _known(name, "fprime0")
    props = declared(name, params)
    m = measured(name, params)
    if props["fprime0"] is not None:
        assert not m.kink_at_0, "declared f'(0) but the one-sided slopes at 0 differ"
        assert _close(m.fprime0, props["fprime0"])
    else:
        assert m.kink_at_0, "f'(0) declared None (a kink) but the one-sided slopes at 0 agree"
        at_zero = [k for k in props["kinks"] if k.x == 0]
        assert at_zero, "f'(0) declared None but no kink declared at 0"
        assert _close(m.fprime0, at_zero[0].derivative)


@elementwise
def test_saturating_sides_match_declaration(case):
    name, params = case
    _known(name, "saturating")
    assert set(measured(name, params).saturating) == set(declared(name, params)["saturating"])


# ---------------------------------------------------------------------------- vector: what a 1-D slice can show
@vector
def test_vector_slice_consistent_with_declaration(case):
    """A slice of a vector activation lies in its range, is at least as smooth, and is non-decreasing when the
    activation is declared monotonic (non-decreasing in every input)."""
    name, params = case
    props = declared(name, params)
    m = measured(name, params)
    lo, hi = props["output_range"]
    assert lo - 1e-9 <= m.range_low and m.range_high <= hi + 1e-9
    assert SMOOTH_RANK[m.smoothness] >= SMOOTH_RANK[props["smoothness"]]
    if props["monotonic"]:
        assert m.monotonic


# ---------------------------------------------------------------------------- known values
def test_known_values():
    sig = P.measure("sigmoid", timing=False)
    assert abs(sig.max_abs_fprime - 0.25) < 1e-12
    assert abs(sig.f0 - 0.5) < 1e-15 and not sig.zero_centred
    tanh = P.measure("tanh", timing=False)
    assert tanh.zero_centred and abs(tanh.mean_normal) < 1e-12 and tanh.near_identity
    relu = P.measure("relu", timing=False)
    assert abs(relu.sparsity - 0.5) < 0.01 and relu.kink_at_0 and relu.smoothness == "C0"
    assert relu.saturating == ("-inf",) and abs(relu.saturation - 0.5) < 0.01
    assert relu.monotonic_derivative and not relu.near_identity
    assert P.measure("step", timing=False).smoothness == "discontinuous"
    assert P.measure("identity", timing=False).near_identity
    assert P.measure("exponential", timing=False).max_abs_fprime == math.inf
    assert not P.measure("gelu", timing=False).monotonic
    assert P.measure("prelu", timing=False).learnable == 1
    softmax = P.measure("softmax", timing=False)          # softmax([x, 0])[0] is the sigmoid
    assert abs(softmax.max_abs_fprime - 0.25) < 1e-12 and "softmax([x, 0])" in softmax.view
    # E selu(z) = 0 for z ~ N(0, 1): the self-normalising fixed point
    assert abs(P.measure("selu", timing=False).mean_normal) < 1e-6


def test_cost_is_measured():
    m = P.measure("relu", timing=True)
    assert m.ns_per_element is not None and 0 < m.ns_per_element < 1e6


def test_renderings_roundtrip():
    rows = [P.measure(n, timing=False) for n in ("relu", "sigmoid", "exponential", "softmax")]
    md = P.to_markdown(rows)
    lines = md.splitlines()
    assert len(lines) == len(rows) + 4 and "| relu |" in md and "| softmax* |" in md and "∞" in md
    assert all(line.replace("\\|", "").count("|") == len(P.COLUMNS) + 1 for line in lines[:len(rows) + 2])
    assert lines[-1] == P.VECTOR_NOTE
    data = json.loads(P.to_json(rows))
    assert [d["name"] for d in data] == ["relu", "sigmoid", "exponential", "softmax"]
    assert data[2]["max_abs_fprime"] == "inf" and data[0]["saturating"] == ["-inf"]
    table = list(csv.DictReader(io.StringIO(P.to_csv(rows))))
    assert len(table) == 4 and float(table[1]["max_abs_fprime"]) == 0.25
    assert float(table[0]["sparsity"]) == pytest.approx(0.5, abs=0.01)


def test_property_table_covers_registry_by_default():
    assert [s.name for s in SPECS] == actlab.names()
    rows = P.property_table(["relu", "tanh"], timing=False)
    assert [r.name for r in rows] == ["relu", "tanh"]
    with pytest.raises(ValueError):
        P.measure("no_such_activation")
