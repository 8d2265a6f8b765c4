"""Compare actlab.torch's float32 CPU fast paths with the catalog on every float32 of a range.

``python tests/float32_sweep.py [NAME ...] [--stride K] [--no-extension]`` checks value and gradient of each fast-path
activation (default: all, at default parameters) on every K-th float32 (K=1: all of them) with
``2^-27 <= |x| < 2^7``, and on every 61·K-th float32 of the whole line (subnormals, huge values, +-inf,
NaN).  Bound: 2 ULP of the catalog's float32 result, or 1e-37 absolute where that is subnormal-small.
``tests/test_torch_fast.py`` runs the same check on a sparse stride.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import torch

import actlab
from actlab.torch import fast as fast_paths
from actlab.torch import functional as F

BOUND_ULP = 2.0
ATOL = 1e-37


def float32_range(stride: int, lo_binade: int, hi_binade: int):
    """Every ``stride``-th float32 of biased exponents ``lo_binade..hi_binade-1``, both signs, in chunks."""
    for e in range(lo_binade, hi_binade):
        bits = np.arange(0, 2 ** 23, stride, dtype=np.uint32) | np.uint32(e << 23)
        x = bits.view(np.float32)
        yield np.concatenate([x, -x])


def ulps32(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """ULPs of float32 ``want`` between ``got`` and ``want`` (0 where equal, both NaN, or within ATOL).

    Float64 arithmetic, not ``test_torch_support.ulps``'s long double: exact for float32 and much faster over
    the hundreds of millions of values of a full sweep."""
    got = got.astype(np.float32)
    with np.errstate(all="ignore"):
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        d = diff / np.spacing(np.abs(want)).astype(np.float64)
    d = np.where(np.isfinite(d), d, np.inf)
    ok = (got == want) | (np.isnan(got) & np.isnan(want)) | (diff <= ATOL)
    return np.where(ok, 0.0, d)


def check(name: str, params: dict, x: np.ndarray) -> tuple[float, float, float, float]:
    """``(worst value ULP, its x, worst gradient ULP, its x)`` of the torch module vs the catalog on ``x``."""
    act = actlab.get(name, **params)
    xt = torch.from_numpy(x).requires_grad_(True)
    y = F.apply(name, xt, **params)
    (gx,) = torch.autograd.grad(y, xt, torch.ones_like(y))
    dv = ulps32(y.detach().numpy(), act(x))
    dg = ulps32(gx.numpy(), act.derivative(x))
    dg = np.where(np.isnan(x), 0.0, dg)        # native ops give 0/1 at NaN, the catalog NaN (documented)
    iv, ig = int(np.argmax(dv)), int(np.argmax(dg))
    return float(dv[iv]), float(x[iv]), float(dg[ig]), float(x[ig])


def sweep(name: str, params: dict, stride: int) -> tuple[float, float, float, float]:
    worst = [0.0, 0.0, 0.0, 0.0]
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan], dtype=np.float32)
    chunks = [specials, *float32_range(stride, 100, 134), *float32_range(61 * stride, 0, 255)]
    for x in chunks:
        r = check(name, params, x)
        if r[0] > worst[0]:
            worst[0:2] = r[0:2]
        if r[2] > worst[2]:
            worst[2:4] = r[2:4]
    return tuple(worst)


def fast_names() -> list[str]:
    return [s.name for s in actlab.specs() if s.kind == "elementwise" and
            fast_paths.fast_for(s.name, torch.float32, torch.device("cpu"), actlab.get(s.name).params) is not None]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--no-extension", action="store_true",
                    help="check the torch-op fast paths instead of the compiled kernels (actlab.torch.extension)")
    args = ap.parse_args(argv)
    from actlab.torch import extension
    F.USE_EXTENSION = not args.no_extension
    extension.MAX_NUMEL = 1 << 62         # whole binades at once, through the kernels where they serve
    print(f"compiled kernels: {'off' if args.no_extension else extension.status()}")
    bad = 0
    for name in args.names or fast_names():
        t0 = time.perf_counter()
        v, xv, g, xg = sweep(name, actlab.get(name).params, args.stride)
        flag = "" if max(v, g) <= BOUND_ULP else "   OVER BOUND"
        bad += bool(flag)
        print(f"{name:<14} value {v:4.2f} ulp (x={xv:.9g})  gradient {g:4.2f} ulp (x={xg:.9g})  "
              f"[{time.perf_counter() - t0:.0f}s]{flag}", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
