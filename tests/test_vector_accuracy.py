r"""Accuracy of the vector activations (softmax, log_softmax, softmin, glu, maxout, sparsemax, ...) against
mpmath, plus the identities the tutorials state.  Registry-driven: every spec with ``kind == "vector"``.

Reference values come from the spec's ``mp_fn`` at 200 bits on rows exactly representable in the test
dtype; VJP references are :math:`g^\top J` with the Jacobian :math:`J` in mpmath (closed forms below,
checked against ``mp.diff``; ``mp.diff`` itself for a vector spec without a closed form here).

Bounds (``err`` in ULP of the correctly rounded reference, see ``oracle.ulp_error``; where the
reference is 0 or subnormal, ``|error| <= 4 tiny``):

* values: ``err <= 4`` for every vector spec (softmax, log_softmax, softmin, glu; maxout is exact),
  and for **sparsemax** ``4 ULP + 8 u_w (1 + sum_{j in S} |z_j|)`` (absolute; ``u_w`` the unit roundoff
  of the working precision: 2**-53 for float16/32 input, 2**-64 for float64): its entries at the edge
  of the support come from the cancellation ``k z_i - (sum_S z - 1)``, exact while the sum over the
  support is exact in the working precision (measured: 0.5 ULP on all rows here, the "edge" rows
  included), absolute otherwise;
* VJPs: ``err <= 4`` wherever the VJP does not cancel; in general the mixed bound
  ``4 ULP + 8 u_w (|g|^T |J|)_j``: when the terms of :math:`(g^\top J)_j` (e.g. :math:`y_j g_j` and
  :math:`y_j \langle g, y\rangle` for softmax) nearly cancel, no formula evaluated in the working
  precision can do better, and :math:`|g|^\top|J|` is the size of those terms.  The test also checks
  that the mixed term is needed only at such cancellations (at most a small fraction of the points).

Measured on these rows: worst 0.53 ULP for values and VJPs of every vector spec, maxout exact, the
mixed terms never needed.  ``test_softmax_vjp_keeps_the_dominant_entry`` pins the case the textbook
VJP gets wrong (``1 - y_t`` by cancellation).
"""
from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from catalog_cases import VECTOR_CASES
from oracle import to_double_double, ulp_error

import actlab
from actlab.core.numerics import widen

DTYPES = (np.float32, np.float64)
PREC = 200
VALUE_ULP = 4
VJP_ULP = 4
WORK_U = {np.float32: 2.0 ** -53, np.float64: 2.0 ** -64}
MIXED_K = 8


# ---------------------------------------------------------------------------- rows
def row_size(f, sizes=(12, 24, 60, 120)):
    """The smallest of ``sizes`` that ``f`` accepts along its axis (glu needs even, maxout a multiple
    of ``pieces``)."""
    for n in sizes:
        try:
            f(np.zeros(n))
            return n
        except ValueError:
            continue
    pytest.skip(f"{f!r} accepts none of the test row sizes")


def rows(n, dtype, seed=0):
    """Test rows (name, array of shape (k, n)) exactly representable in ``dtype``."""
    rng = np.random.default_rng(seed)
    big = 1e30 if dtype == np.float32 else 1e300
    out = {
        "random": rng.standard_normal((8, n)) * 3,
        "spread1e3": rng.standard_normal((6, n)) * 1e3,
        "spread1e30": rng.standard_normal((4, n)) * 1e30,
        "huge": rng.standard_normal((2, n)) * big,
        "tiny": rng.standard_normal((4, n)) * 1e-30,
        "ties": rng.integers(-2, 3, (6, n)).astype(np.float64) * 0.75,
        # entries spread over the range where softmax underflows in the target dtype
        "underflow": -rng.uniform(0, 120 if dtype == np.float32 else 800, (6, n)),
        "close": 1.0 + rng.standard_normal((4, n)) * 1e-6,
    }
    neg = rng.standard_normal((6, n)) * 3
    neg[rng.random((6, n)) < 0.3] = -np.inf
    neg[:, 0] = rng.standard_normal(6)          # at least one finite entry per row
    out["neg_inf"] = neg
    # sparsemax's support edge: entry 4 sits just above tau of entries 0..3, so p_4 is tiny and comes
    # from the cancellation z_4 - tau (support of 5: the division by 5 rounds)
    edge = -3.0 - rng.uniform(0, 3, (8, n))
    edge[:, :4] = rng.uniform(-0.3, 0.0, (8, 4))
    tau = (edge[:, :4].sum(axis=1) - 1.0) / 4.0
    edge[:, 4] = tau + np.abs(tau) * 10.0 ** -rng.uniform(2, 7, 8)
    out["edge"] = edge
    return [(k, v.astype(dtype)) for k, v in out.items()]


def mp_row(xs):
    return [mpmath.mpf(float(v)) for v in xs]


def _agree(a, b):
    if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
        return (mpmath.isnan(a) and mpmath.isnan(b)) or a == b
    return a == b or abs(a - b) <= abs(b) * mpmath.mpf(2) ** -120


def mp_eval(compute):
    """``compute()`` (a list of mpf) at 200 bits, re-evaluated at doubled precision until two
    precisions agree (Ziv's strategy, as in ``oracle.mp_value``): a cancellation inside a reference
    formula cannot fool the test."""
    prec, prev = PREC, None
    while True:
        with mpmath.mp.workprec(prec):
            vals = [mpmath.mpf(v) for v in compute()]
        if prev is not None and (prec >= 3200 or all(_agree(a, b) for a, b in zip(vals, prev))):
            return vals
        prev, prec = vals, 2 * prec


# ---------------------------------------------------------------------------- mp Jacobians
def _sig(mp, b):
    return 1 / (1 + mp.exp(-b))


def _one_minus(y, i):
    """``1 - y_i`` as the sum of the other entries (no cancellation when ``y_i`` is close to 1)."""
    return mpmath.fsum(v for k, v in enumerate(y) if k != i)


def _jac_softmax(mp, xs, y):
    n = len(xs)
    return [[y[i] * _one_minus(y, i) if i == j else -y[i] * y[j] for j in range(n)] for i in range(n)]


def _jac_log_softmax(mp, xs, y):
    s = actlab.spec("softmax").mp_fn(mp, xs)
    n = len(xs)
    return [[_one_minus(s, j) if i == j else -s[j] for j in range(n)] for i in range(n)]


def _jac_softmin(mp, xs, y):
    return [[-v for v in r] for r in _jac_softmax(mp, xs, y)]   # y = softmin(x) = softmax(-x)


def _jac_glu(mp, xs, y):
    h = len(xs) // 2
    J = [[mp.mpf(0)] * len(xs) for _ in range(h)]
    for i in range(h):
        a, b = xs[i], xs[h + i]
        J[i][i] = _sig(mp, b)
        e = mp.exp(-abs(b))
        ds = e / (1 + e) ** 2            # sigma'(b) without the cancellation of 1 - sigma(b)
        # inf * 0 (a infinite, sigma'(b) = 0) is undefined: NaN, as the kernel answers
        J[i][h + i] = a * ds if (mp.isfinite(a) or ds != 0) else mp.nan
    return J


def _jac_maxout(mp, xs, y, pieces=2):
    J = [[mp.mpf(0)] * len(xs) for _ in range(len(xs) // pieces)]
    for i in range(len(J)):
        group = xs[i * pieces:(i + 1) * pieces]
        J[i][i * pieces + group.index(max(group))] = mp.mpf(1)   # first maximum
    return J


def _jac_sparsemax(mp, xs, y):
    support = [v > 0 for v in y]
    k = sum(support)
    n = len(xs)
    return [[(((1 if i == j else 0) - mp.mpf(1) / k) if support[i] and support[j] else mp.mpf(0))
             for j in range(n)] for i in range(n)]


MP_JACOBIANS = {"softmax": _jac_softmax, "log_softmax": _jac_log_softmax, "softmin": _jac_softmin,
                "glu": _jac_glu, "maxout": _jac_maxout, "sparsemax": _jac_sparsemax}


def _jac_diff(spec, params, mp, xs):
    """Numerical Jacobian in mpmath: d f_i(x + t e_j) / dt at t = 0."""
    m = len(spec.mp_fn(mp, xs, **params))
    J = [[mp.mpf(0)] * len(xs) for _ in range(m)]
    for j in range(len(xs)):
        for i in range(m):
            def fi(t, i=i, j=j):
                return spec.mp_fn(mp, [v + t if k == j else v for k, v in enumerate(xs)], **params)[i]
            J[i][j] = mp.diff(fi, 0)
    return J


def mp_jacobian(spec, params, mp, xs):
    y = spec.mp_fn(mp, xs, **params)
    closed = MP_JACOBIANS.get(spec.name)
    if closed is None:
        return _jac_diff(spec, params, mp, xs)
    return closed(mp, xs, y, **params)


# ---------------------------------------------------------------------------- comparison helpers
def _split(values):
    hi = np.empty(len(values))
    lo = np.empty(len(values))
    for i, v in enumerate(values):
        hi[i], lo[i] = (to_double_double(v) if mpmath.isfinite(v) else (float(v), 0.0))
    return hi, lo


def _check(label, computed, ref, dtype, bound_ulp, extra_abs=None):
    """Assert ``computed`` (dtype) is within ``bound_ulp`` of the mp values ``ref`` (list of mpf),
    plus ``extra_abs`` (array, absolute) where given.  Returns the worst pure ULP error and the number
    of points that needed ``extra_abs``."""
    computed = np.asarray(computed, dtype=np.float64).ravel()
    hi, lo = _split(ref)
    nan_ref = np.isnan(hi)
    inf_ref = np.isinf(hi) & ~nan_ref
    assert np.array_equal(computed[inf_ref], hi[inf_ref]), f"{label}: infinite references {hi[inf_ref]} " \
                                                          f"vs {computed[inf_ref]}"
    assert np.all(np.isnan(computed[nan_ref])), f"{label}: NaN reference, got {computed[nan_ref]}"
    ok = ~(nan_ref | inf_ref)
    with np.errstate(over="ignore"):      # a huge error over a tiny reference is just a large number
        err, small = ulp_error(computed[ok], hi[ok], lo[ok], dtype)
    tiny = float(np.finfo(dtype).tiny)
    diff = np.abs((computed[ok] - hi[ok]) - lo[ok])
    strict = np.where(small, err <= 4, err <= bound_ulp)
    passed = strict.copy()
    if extra_abs is not None:
        ulp = np.where(small, tiny, np.ldexp(1.0, (np.frexp(np.abs(hi[ok].astype(dtype).astype(np.float64)))[1]
                                                   - np.finfo(dtype).nmant - 1)))
        passed |= diff <= bound_ulp * ulp + np.asarray(extra_abs, dtype=np.float64).ravel()[ok]
    bad = np.nonzero(~passed)[0]
    assert bad.size == 0, (f"{label}: {bad.size} points beyond the bound; worst {np.max(err[~passed]):.3g} ULP "
                           f"at computed {computed[ok][bad[:3]]}, reference {hi[ok][bad[:3]]}")
    worst = float(np.max(np.where(small, 0.0, err))) if err.size else 0.0
    return worst, int(np.sum(~strict))


def _finite(v):
    return v if mpmath.isfinite(v) else mpmath.mpf(0)


# ---------------------------------------------------------------------------- tests: values
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec,params", VECTOR_CASES)
def test_vector_values_match_mpmath(spec, params, dtype):
    f = actlab.get(spec.name, **params)
    n = row_size(f)
    mp = mpmath.mp
    for kind, X in rows(n, dtype):
        Y = f(X, axis=-1)
        assert Y.dtype == dtype
        ref, extra = [], []
        for x in X:
            y = mp_eval(lambda: spec.mp_fn(mp, mp_row(x), **params))
            ref.extend(y)
            with mp.workprec(PREC):
                xs = mp_row(x)
                if spec.name == "sparsemax":
                    top = max(xs)
                    scale = 1 + mpmath.fsum(abs(_finite(v - top)) for v, p in zip(xs, y) if p > 0)
                    extra.extend([MIXED_K * WORK_U[dtype] * float(scale)] * len(y))
        _check(f"{f!r} {kind} {np.dtype(dtype).name}", Y, ref, dtype, VALUE_ULP,
               np.array(extra) if extra else None)


def test_softmax_vjp_keeps_the_dominant_entry():
    """The VJP of ``[0, -600]`` with ``g = [1, 0]`` is ``e^-600 (1 + O(e^-600))``, a normal number (the textbook
    ``y * (g - <g, y>)`` returns 0)."""
    v = actlab.get("softmax").vjp(np.array([0.0, -600.0]), np.array([1.0, 0.0]))[0]
    assert abs(v - math.exp(-600.0)) <= 4 * np.spacing(math.exp(-600.0))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec,params", VECTOR_CASES)
def test_vector_vjp_matches_mpmath(spec, params, dtype):
    _check_vjp(spec, params, dtype)


def _check_vjp(spec, params, dtype):
    f = actlab.get(spec.name, **params)
    n = row_size(f)
    mp = mpmath.mp
    rng = np.random.default_rng(7)
    total = mixed = 0
    for kind, X in rows(n, dtype, seed=1):
        if kind == "ties" and spec.smoothness != "Cinf":
            continue          # no derivative at a tie of maxout / a support boundary
        m = f(X[0]).shape[0]
        G = rng.standard_normal((X.shape[0], m)).astype(dtype)
        V = f.vjp(X, G, axis=-1)
        assert V.dtype == dtype and V.shape == X.shape
        ref, extra = [], []
        for x, g in zip(X, G):
            def vjp_and_size(x=x, g=g):
                xs, gs = mp_row(x), mp_row(g)
                J = mp_jacobian(spec, params, mp, xs)
                out = []
                for j in range(n):
                    terms = [gs[i] * J[i][j] for i in range(m)]
                    out.append(mpmath.fsum(terms))
                    out.append(mpmath.fsum(abs(t) for t in terms if mpmath.isfinite(t)))
                return out
            both = mp_eval(vjp_and_size)
            ref.extend(both[0::2])
            extra.extend(MIXED_K * WORK_U[dtype] * float(v) for v in both[1::2])
        _, k = _check(f"{f!r}.vjp {kind} {np.dtype(dtype).name}", V, ref, dtype, VJP_ULP, np.array(extra))
        total += len(ref)
        mixed += k
    # the mixed (cancellation) bound is the exception, not the rule
    assert mixed <= max(2, total // 50), f"{f!r}.vjp: {mixed} of {total} points needed the cancellation bound"


@pytest.mark.parametrize("spec,params", VECTOR_CASES)
def test_closed_form_mp_jacobians_agree_with_mp_diff(spec, params):
    """The closed-form mp Jacobians used above are right (compared with numerical differentiation)."""
    if spec.name not in MP_JACOBIANS:
        pytest.skip("no closed form: the accuracy test already uses mp.diff")
    f = actlab.get(spec.name, **params)
    n = row_size(f)
    x = np.random.default_rng(3).standard_normal(n)
    mp = mpmath.mp
    with mp.workprec(PREC):
        xs = mp_row(x)
        closed = mp_jacobian(spec, params, mp, xs)
        numeric = _jac_diff(spec, params, mp, xs)
        for a, b in zip(closed, numeric):
            for u, v in zip(a, b):
                assert abs(u - v) <= mp.mpf(2) ** -100 * max(1, abs(v)), (spec.name, u, v)


# ---------------------------------------------------------------------------- tests: identities
finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=1, max_size=16), st.integers(-10 ** 6, 10 ** 6))
def test_softmax_rows_sum_to_one_and_are_shift_invariant(values, shift):
    f = actlab.get("softmax")
    # multiples of 2**-20 below 2**21 in magnitude: x + shift is exact in float64
    x = np.round(np.asarray(values) * 2.0 ** 20) / 2.0 ** 20
    y = f(x)
    assert abs(np.sum(y) - 1.0) <= len(x) * np.finfo(np.float64).eps
    assert np.all(y >= 0)
    np.testing.assert_array_equal(f(x + float(shift)), y)
    y32 = f(x.astype(np.float32))
    assert abs(np.sum(y32, dtype=np.float64) - 1.0) <= len(x) * np.finfo(np.float32).eps


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=True, width=64))
def test_sigmoid_is_two_class_softmax(x):
    sig = actlab.get("sigmoid")(np.array([x]))[0]
    y = actlab.get("softmax")(np.array([x, 0.0]))
    if sig == 0 or not np.isfinite(x):
        assert y[0] == sig
    else:
        assert abs(y[0] - sig) <= 2 * np.spacing(sig), (x, y[0], sig)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-700, 700), min_size=1, max_size=16))
def test_log_softmax_is_log_of_softmax(values):
    x = np.asarray(values)
    y = actlab.get("softmax")(x)
    ly = actlab.get("log_softmax")(x)
    ok = y > np.finfo(np.float64).tiny
    with np.errstate(divide="ignore"):
        lg = np.log(y)
    # log(y) near y = 1 has absolute error ~eps; elsewhere relative
    tol = 4 * np.finfo(np.float64).eps * np.maximum(1.0, np.abs(ly))
    assert np.all(np.abs(lg - ly)[ok] <= tol[ok])
    assert np.all(ly <= 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=16))
def test_softmin_is_softmax_of_negation(values):
    x = np.asarray(values)
    np.testing.assert_array_equal(actlab.get("softmin")(x), actlab.get("softmax")(-x))
    g = np.linspace(-1, 1, len(x))
    # both VJPs keep the dominant entry exact: equal up to rounding
    np.testing.assert_allclose(actlab.get("softmin").vjp(x, g), -actlab.get("softmax").vjp(-x, g),
                               rtol=1e-12, atol=1e-15)


def test_softmax_jacobian_rows_sum_to_zero():
    f = actlab.get("softmax")
    rng = np.random.default_rng(5)
    for scale in (1.0, 10.0, 100.0):
        x = rng.standard_normal(9) * scale
        J = f.jacobian(x)
        np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=4 * np.finfo(np.float64).eps)
        np.testing.assert_allclose(J, J.T, atol=1e-300, rtol=4 * np.finfo(np.float64).eps)


# ---------------------------------------------------------------------------- tests: non-finite rows
NONFINITE_ROWS = {
    "all_neg_inf": [-np.inf] * 4,
    "all_pos_inf": [np.inf] * 4,
    "pos_inf_and_finite": [np.inf, 1.0, np.inf, -np.inf],
    "neg_inf_and_finite": [-np.inf, 1.0, 2.0, -np.inf],
    "nan": [np.nan, 1.0, 2.0, 3.0],
    "huge": [1e308, -1e308, 1e308, 0.0],
}

# the documented results (see each module's docstring)
DOCUMENTED = {
    "softmax": {"all_neg_inf": [0.25] * 4, "all_pos_inf": [0.25] * 4, "pos_inf_and_finite": [0.5, 0, 0.5, 0]},
    "log_softmax": {"all_neg_inf": [-math.log(4)] * 4, "all_pos_inf": [-math.log(4)] * 4,
                    "pos_inf_and_finite": [-math.log(2), -np.inf, -math.log(2), -np.inf]},
    "softmin": {"all_pos_inf": [0.25] * 4, "all_neg_inf": [0.25] * 4,
                "neg_inf_and_finite": [0.5, 0, 0, 0.5]},
    "sparsemax": {"all_neg_inf": [0.25] * 4, "all_pos_inf": [0.25] * 4, "pos_inf_and_finite": [0.5, 0, 0.5, 0],
                  "neg_inf_and_finite": [0, 0, 1, 0]},
}


@pytest.mark.parametrize("row", sorted(NONFINITE_ROWS))
@pytest.mark.parametrize("spec,params", VECTOR_CASES)
def test_nonfinite_rows_documented_and_silent(spec, params, row):
    f = actlab.get(spec.name, **params)
    n = row_size(f, (4, 12, 24, 60, 120))
    x = np.resize(np.asarray(NONFINITE_ROWS[row]), n)
    for dtype in DTYPES:
        xd = x.astype(dtype) if row != "huge" or dtype == np.float64 else np.resize([3e38, -3e38, 3e38, 0.0],
                                                                                   n).astype(dtype)
        # the raw kernels raise no floating-point exception (arguments guarded), nor does the wrapper
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            y_raw = spec.fn(widen(xd), axis=-1, **params)
            g = np.ones(np.shape(y_raw), dtype=widen(xd).dtype)
            spec.vjp(widen(xd), g, axis=-1, **params)
        with np.errstate(all="raise"), warnings.catch_warnings():
            warnings.simplefilter("error")
            y = f(xd)
            f.vjp(xd, np.ones(y.shape, dtype))
        if row == "nan" and spec.name in DOCUMENTED:
            assert np.all(np.isnan(y)), f"{f!r}: a row with NaN must be all NaN, got {y}"
        expected = DOCUMENTED.get(spec.name, {}).get(row)
        if expected is not None:
            np.testing.assert_allclose(y, np.asarray(expected, dtype), rtol=2 * np.finfo(dtype).eps,
                                       err_msg=f"{f!r} on {row}")
        if spec.name in ("softmax", "softmin", "sparsemax") and row != "nan":
            assert abs(float(np.sum(y, dtype=np.float64)) - 1.0) <= 4 * np.finfo(dtype).eps
