"""ns/element of forward and derivative: actlab vs the tutorials' naive formulas vs PyTorch CPU.

Prints absolute times and, more meaningfully on a shared noisy machine, ratios against PyTorch measured in the
same run (ratio < 1: actlab faster).  Accuracy is never traded for these numbers; see tests/test_accuracy.py.

    python benchmarks/kernels.py [--n 10000000] [--repeat 3] [--names sigmoid,tanh,...]
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import actlab

GOAL = "sigmoid,tanh,relu,leaky_relu,elu,softplus,gelu,silu,mish,softmax"

# the tutorials' formulas (naive: overflow, NaN, wrong dtype) -- the baseline actlab improves on
NAIVE = {
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), lambda x: (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x)))),
    "tanh": (lambda x: (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)), lambda x: 1 - np.tanh(x) ** 2),
    "relu": (lambda x: np.maximum(0, x), lambda x: (x > 0).astype(int)),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1, 0.01)),
    "elu": (lambda x: np.where(x > 0, x, np.exp(x) - 1), lambda x: np.where(x > 0, 1, np.exp(x))),
    "softplus": (lambda x: np.log(1 + np.exp(x)), lambda x: 1 / (1 + np.exp(-x))),
    "softmax": (lambda x: np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True), None),
}


def timeit(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def torch_pair(name, torch):
    F = torch.nn.functional
    table = {
        "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu, "leaky_relu": F.leaky_relu, "elu": F.elu,
        "softplus": F.softplus, "gelu": F.gelu, "silu": F.silu, "mish": F.mish,
        "softmax": lambda t: torch.softmax(t, dim=-1),
    }
    fn = table.get(name)
    if fn is None:
        return None, None

    def derivative(t):
        t = t.detach().requires_grad_(True)
        y = fn(t)
        return torch.autograd.grad(y, t, torch.ones_like(y))[0]
    return fn, derivative


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--names", default=GOAL)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    names = [n for n in args.names.split(",") if n in actlab.names()]
    rng = np.random.default_rng(0)
    base = rng.standard_normal(args.n) * 4
    header = f"{'activation':<12}{'dtype':<9}{'op':<5}{'actlab ns/el':>13}{'naive':>9}{'torch':>9}" \
             f"{'actlab/naive':>14}{'actlab/torch':>14}"
    print(f"n = {args.n:,} elements, best of {args.repeat}; torch: "
          f"{'not installed' if torch is None else torch.__version__ + f' ({torch.get_num_threads()} threads)'}")
    print(header)
    print("-" * len(header))
    for name in names:
        f = actlab.get(name)
        for dtype in (np.float32, np.float64):
            x = base.astype(dtype)
            shaped = x.reshape(-1, 100) if f.is_vector else x
            ops = [("f", lambda: f(shaped))]
            if not f.is_vector:
                ops.append(("f'", lambda: f.derivative(shaped)))
            else:
                g = np.ones_like(shaped)
                ops.append(("vjp", lambda: f.vjp(shaped, g)))
            naive = NAIVE.get(name, (None, None))
            tfn, tder = torch_pair(name, torch) if torch is not None else (None, None)
            tx = torch.from_numpy(shaped) if torch is not None else None
            for i, (op, run) in enumerate(ops):
                ours = timeit(run, args.repeat) / args.n * 1e9
                nfn = naive[i] if i < len(naive) else None
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    nv = timeit(lambda: nfn(shaped), args.repeat) / args.n * 1e9 if nfn else float("nan")
                tf = (tfn, tder)[i]
                tv = timeit(lambda: tf(tx), args.repeat) / args.n * 1e9 if tf is not None else float("nan")
                print(f"{name:<12}{np.dtype(dtype).name:<9}{op:<5}{ours:>13.2f}{nv:>9.2f}{tv:>9.2f}"
                      f"{ours / nv:>14.2f}{ours / tv:>14.2f}")


if __name__ == "__main__":
    main()
