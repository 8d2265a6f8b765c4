"""Forward+backward time of actlab.torch modules vs native torch modules inside the same small MLP.

For every registered activation whose spec's ``class_name`` is also a ``torch.nn`` class, the same MLP
(Linear 256->512, act, Linear 512->512, act, Linear 512->10; batch 256) is timed with the native module
and with the actlab module; prints the ratio (goal <= 1.2 where a native op exists) and the path the
actlab module takes (fast / native / formula / numpy, from ``actlab.torch.path_for``).  Activations without a torch counterpart are
timed against nn.ReLU for reference.  Activations with learnable parameters are also timed with them
frozen (``requires_grad_(False)``): the native counterparts have none.  Usage: ``PYTHONPATH=src python benchmarks/torch_modules.py [--device cuda]``
"""
from __future__ import annotations

import argparse
import time

import torch
from torch import nn

import actlab
import actlab.torch as at


def mlp(act_factory, width=512, inp=256, out=10):
    return nn.Sequential(nn.Linear(inp, width), act_factory(), nn.Linear(width, width), act_factory(),
                         nn.Linear(width, out))


def time_pair(models, x, repeats, sync):
    """Best-of-``repeats`` seconds per forward+backward step of each model, measured interleaved so
    that load from other processes hits both alike."""
    def step(model):
        model.zero_grad(set_to_none=True)
        model(x).square().mean().backward()
    for m in models:
        for _ in range(2):
            step(m)
    sync()
    best = [float("inf")] * len(models)
    for _ in range(repeats):
        for i, m in enumerate(models):
            t0 = time.perf_counter()
            for _ in range(3):
                step(m)
            sync()
            best[i] = min(best[i], (time.perf_counter() - t0) / 3)
    return best


def path(spec):
    return at.path_for(spec.name, torch.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    x = torch.randn(args.batch, 256, device=dev)
    print(f"torch {torch.__version__}, device {dev}, batch {args.batch}, MLP 256-512-512-10, float32")
    from actlab.torch import extension
    print(f"compiled kernels (actlab.torch.extension): {extension.status()}")
    print(f"{'activation':<16}{'path':<9}{'native ms':>10}{'actlab ms':>10}{'ratio':>8}")
    for spec in actlab.specs():
        native_cls = getattr(nn, spec.class_name, None)
        torch.manual_seed(0)
        ours = mlp(lambda: at.get(spec.name, dim=-1) if spec.kind == "vector" else at.get(spec.name)).to(dev)
        try:
            ours(x)
        except Exception as exc:  # shape-changing vector activations (glu, maxout) do not fit this MLP
            print(f"{spec.name:<16}{path(spec):<9}{'skipped: ' + type(exc).__name__:>28}")
            continue
        ref_name = spec.class_name
        if not (isinstance(native_cls, type) and issubclass(native_cls, nn.Module)):
            native_cls, ref_name = nn.ReLU, "ReLU*"
        torch.manual_seed(0)
        try:
            native = mlp(lambda: native_cls(dim=-1) if spec.kind == "vector" else native_cls()).to(dev)
            native(x)
        except Exception:
            native_cls, ref_name = nn.ReLU, "ReLU*"
            native = mlp(nn.ReLU).to(dev)
        models = [native, ours]
        if spec.learnable:     # a native counterpart has none: like for like freezes ours (reported too)
            torch.manual_seed(0)
            models.append(mlp(lambda: at.get(spec.name).requires_grad_(False)).to(dev))
        t_native, t_ours, *t_frozen = time_pair(models, x, args.repeats, sync)
        mark = "" if ref_name == spec.class_name else "  (vs ReLU: no torch.nn counterpart)"
        print(f"{spec.name:<16}{path(spec):<9}{t_native * 1e3:>10.3f}{t_ours * 1e3:>10.3f}"
              f"{t_ours / t_native:>8.2f}{mark}")
        for t in t_frozen:
            print(f"{'  frozen ' + '/'.join(spec.learnable):<16}{path(spec):<9}{t_native * 1e3:>10.3f}"
                  f"{t * 1e3:>10.3f}{t / t_native:>8.2f}")


if __name__ == "__main__":
    main()
