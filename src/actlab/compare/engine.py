"""Batched cross-validation training: all folds x repeats of one activation as one stacked computation.

Model ``m`` of the stack has its own weights ``W[m]``, its own (padded) training set, its own scaler (fit on its
training fold only), its own validation split for early stopping, and its own minibatch order; layers are batched
matrix products (``torch.baddbmm``), the loss is the *sum* over models of each model's mean loss, so gradients --
and Adam's elementwise updates -- never mix models.  Early stopping is per model: each keeps a snapshot of its best
validation-loss weights (masked copy) and the stack stops when every model has run out of patience.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np

import actlab


@dataclass(frozen=True)
class TrainConfig:
    """Training budget and model shape, identical for every candidate activation."""

    hidden: tuple[int, ...] = (64, 64)
    epochs: int = 60
    batch_size: int = 64
    lr: float = 3e-3
    weight_decay: float = 1e-4
    patience: int = 10
    validation_fraction: float = 0.1
    init: str = "auto"              # "auto": from each activation's metadata; or he | lecun | glorot

    def as_dict(self) -> dict:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        return d


def _init_std(scheme: str, gain: float, fan_in: int, fan_out: int) -> float:
    if scheme == "glorot":
        return gain * math.sqrt(2.0 / (fan_in + fan_out))
    return gain / math.sqrt(fan_in)          # he (gain sqrt 2) and lecun (gain 1)


def _native_equivalent(act: "actlab.Activation", torch):
    """The native ``torch.nn`` module with the same definition as ``act`` (found by the spec's class name, built with
    the parameters its constructor accepts, and *verified* against the catalog on [-8, 8]), or None.

    Training speed matters here more than the last ULP in the tails: native float32 kernels are several times faster
    than the exact ones, and a network cannot tell the difference.  Anything that does not verify uses
    ``actlab.torch``."""
    import inspect
    native = getattr(torch.nn, act.spec.class_name, None)
    if not (isinstance(native, type) and issubclass(native, torch.nn.Module)):
        return None
    try:
        accepted = inspect.signature(native).parameters
        module = native(**{k: v for k, v in act.params.items() if k in accepted})
    except (TypeError, ValueError):
        return None
    x = np.linspace(-8, 8, 257, dtype=np.float32)
    with torch.no_grad():
        try:
            got = module(torch.as_tensor(x)).numpy()
        except Exception:
            return None
    want = act(x)
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-5, atol=1e-7):
        return None
    return native, {k: v for k, v in act.params.items() if k in accepted}


def _torch_activation(config: dict, n_models: int, torch):
    """Modules for a stack of ``n_models`` models.  Activations with learnable parameters get one module per model
    (a shared slope would be trained on other folds' test samples); the others one module for the stack."""
    act = actlab.get(config)
    found = _native_equivalent(act, torch)
    if found is not None:
        native, kwargs = found
        make = lambda: native(**kwargs)
    else:
        from actlab import torch as actlab_torch
        make = lambda: actlab_torch.get(config["name"], **config.get("params", {}))
    module = make()
    if not list(module.parameters()):
        return [module] * n_models, False
    return [make() for _ in range(n_models)], True


def _metrics(task: str, y_true: np.ndarray, output: np.ndarray, classes: int) -> dict:
    from sklearn import metrics as skm
    if task == "classification":
        proba = output
        pred = proba.argmax(axis=1)
        out = {"accuracy": float(skm.accuracy_score(y_true, pred)),
               "balanced_accuracy": float(skm.balanced_accuracy_score(y_true, pred)),
               "f1_macro": float(skm.f1_score(y_true, pred, average="macro", labels=np.arange(classes),
                                              zero_division=0)),
               "log_loss": float(skm.log_loss(y_true, np.clip(proba, 1e-15, 1.0), labels=np.arange(classes)))}
        return out
    return {"r2": float(skm.r2_score(y_true, output)),
            "rmse": float(math.sqrt(skm.mean_squared_error(y_true, output))),
            "mae": float(skm.mean_absolute_error(y_true, output))}


def _splits_with_validation(X, y, task, splits, validation_fraction, gen):
    """Per split: scaled (fit, validation, test) sets; scaler and validation split from the training fold only."""
    from sklearn.model_selection import train_test_split
    prepared = []
    for train_idx, test_idx in splits:
        train_idx, test_idx = np.asarray(train_idx), np.asarray(test_idx)
        n_val = max(1, int(round(validation_fraction * len(train_idx))))
        state = int(gen.integers(2**31))
        try:
            fit_idx, val_idx = train_test_split(train_idx, test_size=n_val, random_state=state,
                                                stratify=y[train_idx] if task == "classification" else None)
        except ValueError:   # too few samples of a class to stratify the validation split
            fit_idx, val_idx = train_test_split(train_idx, test_size=n_val, random_state=state)
        mu = X[fit_idx].mean(axis=0)
        sd = X[fit_idx].std(axis=0)
        sd[sd == 0] = 1.0
        if task == "regression":
            ym, ys = float(y[fit_idx].mean()), float(y[fit_idx].std()) or 1.0
        else:
            ym, ys = 0.0, 1.0
        target = (lambda idx: (y[idx] - ym) / ys) if task == "regression" else (lambda idx: y[idx])
        prepared.append({"fit": ((X[fit_idx] - mu) / sd, target(fit_idx)),
                         "val": ((X[val_idx] - mu) / sd, target(val_idx)),
                         "test": ((X[test_idx] - mu) / sd, y[test_idx]), "y_mean": ym, "y_scale": ys})
    return prepared


def train_stack(X: np.ndarray, y: np.ndarray, task: str, n_classes: int, splits, activations: list[dict],
                config: TrainConfig, seed: int, activation_seeds: list[int], device: str = "cpu",
                progress=None) -> list[list[dict]]:
    """Train one model per (activation, split) -- ``len(activations) * len(splits)`` models -- all at once.

    Everything random that should be *paired* across activations (validation splits, minibatch order) comes from
    ``seed``; each activation's initial weights come from its own ``activation_seeds[i]``.  Returns, per
    activation, one result dict per split: test metrics, epochs run, learning curves, time.
    """
    import torch
    import torch.nn.functional as F

    start = time.perf_counter()
    dtype = torch.float32
    gen = np.random.default_rng(seed)
    A, S = len(activations), len(splits)
    M = A * S                                   # model m = a * S + s
    d = X.shape[1]
    out_dim = n_classes if task == "classification" else 1
    prepared = _splits_with_validation(X, y, task, splits, config.validation_fraction, gen)

    def pad(key):
        n = max(len(p[key][0]) for p in prepared)
        Xs, ys, mask = np.zeros((S, n, d)), np.zeros((S, n)), np.zeros((S, n))
        for i, p in enumerate(prepared):
            k = len(p[key][0])
            Xs[i, :k], ys[i, :k], mask[i, :k] = p[key][0], p[key][1], 1.0
        tile = lambda a: np.tile(a, (A,) + (1,) * (a.ndim - 1))      # the same data for every activation
        ydt = torch.long if task == "classification" else dtype
        return (torch.as_tensor(tile(Xs), dtype=dtype, device=device),
                torch.as_tensor(tile(ys), dtype=ydt, device=device),
                torch.as_tensor(tile(mask), dtype=dtype, device=device), n)

    Xtr, ytr, _, n_tr = pad("fit")
    Xva, yva, mva, _ = pad("val")
    sizes = np.array([len(p["fit"][0]) for p in prepared])

    # weights: each activation's own generator and its matched initialisation (He / LeCun / Glorot and gain)
    dims = [d, *config.hidden, out_dim]
    per_layer = [[] for _ in dims[1:]]
    act_modules, per_model_modules = [], []
    for a, act_config in enumerate(activations):
        act = actlab.get(act_config)
        init = act.spec.properties(act.params)["init"]
        scheme = init.scheme if config.init == "auto" else config.init
        gain = init.gain if config.init == "auto" else {"he": math.sqrt(2), "lecun": 1.0, "glorot": 1.0}[scheme]
        tg = torch.Generator().manual_seed(int(activation_seeds[a]) % (2**63))
        for i, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:])):
            last = i == len(dims) - 2
            std = _init_std("glorot", 1.0, fan_in, fan_out) if last else _init_std(scheme, gain, fan_in, fan_out)
            per_layer[i].append((torch.rand((S, fan_in, fan_out), generator=tg, dtype=dtype) * 2 - 1)
                                * (math.sqrt(3.0) * std))
        modules, per_model = _torch_activation(act.to_config(), S, torch)
        act_modules.append(modules)
        per_model_modules.append(per_model)
    weights = [torch.cat(ws).to(device).requires_grad_(True) for ws in per_layer]
    biases = [torch.zeros((M, 1, b), dtype=dtype, device=device, requires_grad=True) for b in dims[1:]]
    learnable = [p for a in range(A) if per_model_modules[a] for mod in act_modules[a] for p in mod.parameters()]
    for a in range(A):
        for mod in act_modules[a][: S if per_model_modules[a] else 1]:
            mod.to(device).train()
    stacked = weights + biases
    groups = [{"params": stacked, "weight_decay": config.weight_decay}]
    if learnable:   # activation parameters (PReLU slope, ...) are not weight-decayed, as in torch practice
        groups.append({"params": learnable, "weight_decay": 0.0})
    try:    # the fused kernel is ~20x faster than the foreach path for these many small updates
        optim = torch.optim.AdamW(groups, lr=config.lr, fused=True)
    except (RuntimeError, TypeError, ValueError):
        optim = torch.optim.AdamW(groups, lr=config.lr, foreach=True)

    def activate(h):
        parts = []
        # split, not slicing: the backward of a slice allocates and zero-fills the whole stack each time
        for a, block in enumerate(torch.split(h, S)):
            if per_model_modules[a]:
                parts.append(torch.stack([mod(block[s]) for s, mod in enumerate(act_modules[a])]))
            else:
                parts.append(act_modules[a][0](block))
        return parts[0] if A == 1 else torch.cat(parts)

    def forward(h):
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = torch.baddbmm(b, h, w)
            if i < len(weights) - 1:
                h = activate(h)
        return h

    def losses(out, target, mask=None):
        if task == "classification":
            per = F.cross_entropy(out.reshape(-1, out_dim), target.reshape(-1), reduction="none").view(M, -1)
        else:
            per = (out.squeeze(-1) - target) ** 2
        if mask is None:
            return per.mean(dim=1)
        return (per * mask).sum(dim=1) / mask.sum(dim=1)

    best_loss = torch.full((M,), float("inf"), device=device)
    best = [p.detach().clone() for p in stacked]
    best_act = {id(p): p.detach().clone() for p in learnable}
    owner = {id(p): a * S + s for a in range(A) if per_model_modules[a]
             for s, mod in enumerate(act_modules[a]) for p in mod.parameters()}
    stale = np.zeros(M, dtype=int)
    best_epoch = np.zeros(M, dtype=int)
    train_curve = [[] for _ in range(M)]
    val_curve = [[] for _ in range(M)]
    batch = max(1, min(config.batch_size, int(sizes.min())))
    steps = int(math.ceil(n_tr / batch))
    rows = torch.arange(M, device=device)[:, None]
    epochs_run = 0
    for epoch in range(config.epochs):
        # each split shuffles its own samples (shared by all activations: paired); shorter folds are topped up
        order = np.stack([np.concatenate([gen.permutation(k), gen.integers(0, k, n_tr - k)]) for k in sizes])
        order_t = torch.as_tensor(np.tile(order, (A, 1)), device=device)
        epoch_loss = torch.zeros(M, device=device)
        for step in range(steps):
            idx = order_t[:, step * batch:(step + 1) * batch]
            batch_losses = losses(forward(Xtr[rows, idx]), ytr[rows, idx])
            optim.zero_grad(set_to_none=True)
            batch_losses.sum().backward()
            optim.step()
            epoch_loss += batch_losses.detach()
        with torch.no_grad():
            for a in range(A):
                for mod in act_modules[a][: S if per_model_modules[a] else 1]:
                    mod.eval()
            val = torch.nan_to_num(losses(forward(Xva), yva, mva), nan=float("inf"))
            for a in range(A):
                for mod in act_modules[a][: S if per_model_modules[a] else 1]:
                    mod.train()
            improved = val < best_loss
            best_loss = torch.where(improved, val, best_loss)
            for p, b in zip(stacked, best):      # keep each improved model's slice
                b.copy_(torch.where(improved.view(M, *([1] * (p.dim() - 1))), p.detach(), b))
            imp = improved.cpu().numpy()
            for p in learnable:
                if imp[owner[id(p)]]:
                    best_act[id(p)].copy_(p.detach())
        stale = np.where(imp, 0, stale + 1)
        best_epoch = np.where(imp, epoch + 1, best_epoch)
        tl, vl = (epoch_loss / steps).cpu().numpy(), val.cpu().numpy()
        for m in range(M):
            train_curve[m].append(float(tl[m]) if math.isfinite(tl[m]) else None)
            val_curve[m].append(float(vl[m]) if math.isfinite(vl[m]) else None)
        epochs_run = epoch + 1
        if progress is not None:
            progress(epochs_run, config.epochs)
        if np.all(stale >= config.patience):
            break
    elapsed = time.perf_counter() - start
    results = [[None] * S for _ in range(A)]
    with torch.no_grad():
        for p, b in zip(stacked, best):
            p.copy_(b)
        for p in learnable:
            p.copy_(best_act[id(p)])
        for a in range(A):
            for mod in act_modules[a][: S if per_model_modules[a] else 1]:
                mod.eval()
            for s, p in enumerate(prepared):
                m = a * S + s
                h = torch.as_tensor(p["test"][0], dtype=dtype, device=device)
                for i, (w, b) in enumerate(zip(weights, biases)):
                    h = h @ w[m] + b[m]
                    if i < len(weights) - 1:
                        h = act_modules[a][s if per_model_modules[a] else 0](h)
                out = h.cpu().numpy().astype(np.float64)
                if task == "classification":
                    out = np.exp(out - out.max(axis=1, keepdims=True))
                    out /= out.sum(axis=1, keepdims=True)
                else:
                    out = out[:, 0] * p["y_scale"] + p["y_mean"]
                metrics = _metrics(task, p["test"][1], out, n_classes) if np.all(np.isfinite(out)) \
                    else {"diverged": 1.0}
                results[a][s] = {"metrics": metrics, "epochs": epochs_run, "best_epoch": int(best_epoch[m]),
                                 "train_time": elapsed / M, "n_train": int(sizes[s]), "n_test": len(p["test"][1]),
                                 "curve": {"train_loss": train_curve[m], "val_loss": val_curve[m]}}
    return results
