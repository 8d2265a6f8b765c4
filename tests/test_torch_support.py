"""Shared helpers for the torch bridge tests: grids, ULP distances, kink-free points (registry-driven)."""
from __future__ import annotations

import numpy as np

import actlab

DTYPES = ("float32", "float64")


def elementwise_grid(dtype: str) -> np.ndarray:
    """Moderate values, large |x|, the dtype's extremes, +-inf and NaN."""
    info = np.finfo(dtype)
    mid = np.linspace(-12.0, 12.0, 241)
    big = np.array([20.0, 30.0, 40.0, 80.0, 100.0, 700.0, 800.0, 1e3, 1e5, 1e10, 1e30])
    tiny = np.array([0.0, 1e-30, 1e-8, float(info.tiny), 3e-4])
    extreme = np.array([float(info.max), np.inf])
    pos = np.concatenate([big, tiny, extreme])
    out = np.concatenate([mid, pos, -pos, [np.nan]]).astype(dtype)
    return out


def vector_grid(dtype: str, n: int = 12) -> np.ndarray:
    """Rows of random values, plus rows with +-inf, an all -inf row, a NaN row, huge values."""
    rng = np.random.default_rng(0)
    rows = [rng.normal(scale=3.0, size=n) for _ in range(6)]
    r = rng.normal(size=n)
    r[1] = np.inf
    rows.append(r)
    r = rng.normal(size=n)
    r[[0, 5]] = -np.inf
    rows.append(r)
    rows.append(np.full(n, -np.inf))
    r = rng.normal(size=n)
    r[3] = np.nan
    rows.append(r)
    rows.append(rng.normal(scale=1e4, size=n))
    return np.stack(rows).astype(dtype)


def vector_n(spec, params) -> int:
    """A row length that every vector activation accepts (even, divisible by ``pieces``)."""
    n = 12
    for v in params.values():
        if isinstance(v, int) and v > 0:
            n = n * v // np.gcd(n, v)
    return n


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Distance in units in the last place of ``want``'s dtype; 0 where equal or both NaN."""
    got = np.asarray(got, dtype=want.dtype)
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    with np.errstate(all="ignore"):
        diff = np.abs(got.astype(np.longdouble) - want.astype(np.longdouble))
        spacing = np.spacing(np.abs(want)).astype(np.longdouble)
        d = diff / spacing
    d = np.where(np.isfinite(d), d, np.inf)
    return np.where(same, 0.0, d)


def kink_points(spec, params) -> list[float]:
    props = spec.properties(params)
    return [float(k.x) for k in props["kinks"]]


def smooth_points(spec, params, n: int = 24, seed: int = 0, margin: float = 0.05) -> np.ndarray:
    """``n`` points in [-4, 4] at least ``margin`` away from every declared kink."""
    rng = np.random.default_rng(seed)
    kinks = kink_points(spec, params)
    pts = []
    while len(pts) < n:
        v = float(rng.uniform(-4.0, 4.0))
        if all(abs(v - k) > margin for k in kinks):
            pts.append(v)
    return np.array(pts)


def test_formula_restricted_to_low_precision_dtypes_falls_back_for_float64(monkeypatch):
    """``Formula.dtypes``: a formula serving only float16/bfloat16/float32 leaves float64 to the exact NumPy
    kernels, for values and gradients alike."""
    import dataclasses

    import numpy as np
    import torch

    from actlab.torch import formulas, functional

    restricted = dataclasses.replace(formulas.FORMULAS["mish"], dtypes=formulas.LOW_PRECISION)
    monkeypatch.setitem(formulas.FORMULAS, "mish", restricted)
    monkeypatch.setattr(functional, "_CACHE", {})
    assert functional.uses_numpy_fallback("mish", torch.float64)
    assert not functional.uses_numpy_fallback("mish", torch.float32)
    f = actlab.get("mish")
    x = np.linspace(-30, 30, 241)
    for dtype in (torch.float32, torch.float64):
        t = torch.tensor(x, dtype=dtype, requires_grad=True)
        y = functional.apply("mish", t)
        (g,) = torch.autograd.grad(y.sum(), t)
        want = x.astype(np.float32 if dtype == torch.float32 else np.float64)
        np.testing.assert_array_equal(y.detach().numpy(), f(want))
        if dtype == torch.float64:   # the NumPy path is the catalog itself, bit for bit
            np.testing.assert_array_equal(g.numpy(), f.derivative(want))
