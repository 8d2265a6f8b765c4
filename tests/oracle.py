"""High-precision reference for the activation catalog (mpmath), ULP measurement and test grids.

The reference is evaluated with increasing precision until two precisions agree (Ziv's strategy), so
cancellation inside a reference formula cannot fool the tests.  Derivatives come from the spec's
``mp_derivative``/``mp_second_derivative`` when given, else from ``mpmath.diff`` with a relative step.
Results are cached on disk (``tests/.oracle_cache``) as double-double pairs keyed by the spec's
reference source, parameters and grid, so reruns are fast and a changed reference is recomputed.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import math
import os
from pathlib import Path

import mpmath
import numpy as np

CACHE = Path(os.environ.get("ACTLAB_ORACLE_CACHE", Path(__file__).parent / ".oracle_cache"))
MANT = {np.float16: 11, np.float32: 24, np.float64: 53}
DTYPES = (np.float16, np.float32, np.float64)


def _mp_func(spec, order):
    if order == 0:
        return spec.mp_fn, False
    explicit = spec.mp_derivative if order == 1 else spec.mp_second_derivative
    return (explicit, False) if explicit is not None else (spec.mp_fn, True)


def mp_value(spec, x: float, params: dict, order: int = 0, start_prec: int = 160):
    """f^(order)(x) as an mpf, accurate to far beyond float64 (NaN/inf inputs are not handled here)."""
    func, numeric = _mp_func(spec, order)
    mp = mpmath.mp
    prev = None
    prec = start_prec
    while prec <= 8192:
        with mp.workprec(prec):
            xm = mp.mpf(x)
            if numeric:
                val = mp.diff(lambda t: func(mp, t, **params), xm, order, relative=bool(xm != 0))
            else:
                val = func(mp, xm, **params)
            val = mp.mpf(val)
        if prev is not None:
            if val != 0 and abs(val - prev) <= abs(val) * mp.mpf(2) ** -80:
                return val
            if val == 0 and abs(prev) < mp.mpf(2) ** -1200 and prec >= 8 * start_prec:
                # a formula can cancel to exactly 0 at two precisions: accept 0 only at 8x the start
                return val
        prev = val
        prec *= 2
    return prev


def to_double_double(v) -> tuple[float, float]:
    """mpf -> (hi, lo) with hi = round(v) in float64 (may be +-inf) and lo = float(v - hi)."""
    with mpmath.mp.workprec(400):
        if mpmath.isinf(v):
            return float(v), 0.0
        hi = float(v)   # correctly rounded; overflows to inf beyond float64 range
        if math.isinf(hi):
            return hi, 0.0
        return hi, float(v - mpmath.mpf(hi))


def _key(spec, params, order, xs) -> str:
    func, numeric = _mp_func(spec, order)
    try:   # the whole module: references often call helpers defined beside them
        src = inspect.getsource(inspect.getmodule(func))
    except (OSError, TypeError):
        src = repr(func)
    h = hashlib.sha256()
    h.update(json.dumps([spec.name, order, numeric, src, sorted(params.items())], default=str).encode())
    h.update(np.ascontiguousarray(xs, dtype=np.float64).tobytes())
    return f"{spec.name}-{order}-{h.hexdigest()[:20]}"


def reference(spec, xs: np.ndarray, params: dict, order: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Double-double reference (hi, lo) of f^(order) at finite float64 points ``xs`` (cached)."""
    xs = np.asarray(xs, dtype=np.float64)
    key = _key(spec, params, order, xs)
    path = CACHE / f"{key}.npz"
    if path.exists():
        data = np.load(path)
        return data["hi"], data["lo"]
    hi = np.empty_like(xs)
    lo = np.empty_like(xs)
    for i, x in enumerate(xs.tolist()):
        hi[i], lo[i] = to_double_double(mp_value(spec, x, params, order))
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, hi=hi, lo=lo)
    os.replace(tmp, path)
    return hi, lo


def ulp_error(computed: np.ndarray, hi: np.ndarray, lo: np.ndarray, dtype) -> np.ndarray:
    """Error of ``computed`` in units of the last place of the correctly rounded reference in ``dtype``.

    Where the reference is 0 or subnormal in ``dtype`` the error is returned in units of the smallest
    normal number ``tiny`` instead (callers compare it with a separate bound).  Where the reference
    overflows ``dtype`` the computed value must be the same-signed infinity or the largest finite value
    (error 0), else the error is inf.
    """
    info = np.finfo(dtype)
    c = np.asarray(computed, dtype=np.float64)
    rounded = np.asarray(hi, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        in_dtype = rounded.astype(dtype).astype(np.float64)
        diff = np.abs((c - hi) - lo)
        e = np.frexp(np.abs(in_dtype))[1].astype(np.float64)
        ulp = np.ldexp(1.0, (e - MANT[dtype]).astype(int))
        err = diff / ulp
        tiny = float(info.tiny)
        small = np.abs(in_dtype) < tiny
        err = np.where(small, diff / tiny, err)
    overflow = np.isinf(in_dtype)
    ok_overflow = (np.sign(c) == np.sign(hi)) & (np.abs(c) >= float(info.max))
    err = np.where(overflow, np.where(ok_overflow, 0.0, np.inf), err)
    err = np.where(np.isnan(c), np.inf, err)
    return err, small


def grid(dtype, kinks=(), seed: int = 0) -> np.ndarray:
    """Finite test points exactly representable in ``dtype``: all binades, +-0, subnormals, max, dense
    centre, random normals, and each kink +- a few ULP."""
    info = np.finfo(dtype)
    rng = np.random.default_rng(seed)
    pts = [0.0, -0.0, float(info.tiny), float(info.max), float(info.smallest_subnormal),
           1.0, 2.0, 0.5, 3.0, 6.0]
    lo_exp = int(np.log2(float(info.smallest_subnormal)))
    hi_exp = int(np.log2(float(info.max)))
    n_binades = hi_exp - lo_exp
    step = max(1, n_binades // 150)
    # mantissas of 10 bits, step 1/32 and float16-rounded normals: shared by all dtypes, so one
    # reference evaluation serves float16, float32 and float64
    def mantissas(k, n):
        return 1.0 + np.random.default_rng([seed, k + 5000]).integers(0, 1024, n) / 1024.0
    for k in range(lo_exp, hi_exp + 1):
        if k % step == 0 or -30 <= k <= 30:
            pts.extend((2.0 ** k * mantissas(k, 2)).tolist())
    for k in range(-8, 8):   # every binade near 1 more densely
        pts.extend((2.0 ** k * mantissas(k + 100, 6)).tolist())
    pts.extend(np.arange(-320, 321).astype(np.float64) / 32.0)
    pts.extend((rng.standard_normal(300) * 3).astype(np.float16).astype(np.float64).tolist())
    for k in kinks:
        k = float(k)
        kd = dtype(k)
        below, above = kd, kd
        for _ in range(3):
            below = np.nextafter(below, dtype(-np.inf))
            above = np.nextafter(above, dtype(np.inf))
            pts.extend([float(below), float(above)])
        for rel in (1e-3, 1e-6):
            pts.extend([k - rel * max(1.0, abs(k)), k + rel * max(1.0, abs(k))])
    arr = np.asarray(pts, dtype=np.float64)
    arr = np.concatenate([arr, -arr])
    with np.errstate(over="ignore"):
        arr = arr.astype(dtype)
    arr = arr[np.isfinite(arr)].astype(np.float64)
    return np.unique(arr)


def near_roots(evaluate, lo: float = -12.0, hi: float = 12.0, n: int = 24001) -> np.ndarray:
    """Points within a few ULP and a few 1e-9..1e-4 of each sign change of ``evaluate`` on [lo, hi]:
    where an expression cancels, its relative error is largest (e.g. gelu' near x = -0.7518)."""
    x = np.linspace(lo, hi, n)
    y = evaluate(x)
    sign = np.sign(y)
    idx = np.nonzero((sign[:-1] * sign[1:] < 0))[0]
    pts = []
    for i in idx[:20]:
        a, b = x[i], x[i + 1]
        ya = np.sign(evaluate(np.array([a]))[0])
        for _ in range(60):
            m = 0.5 * (a + b)
            if m in (a, b):
                break
            if np.sign(evaluate(np.array([m]))[0]) == ya:
                a = m
            else:
                b = m
        r = a
        for d in (1, 2, 5, 100, 10000):
            pts += [r + d * np.spacing(r), r - d * np.spacing(r)]
        for d in (1e-9, 1e-7, 1e-5, 1e-4, 1e-3):
            pts += [r + d, r - d]
    return np.asarray(pts, dtype=np.float64)
