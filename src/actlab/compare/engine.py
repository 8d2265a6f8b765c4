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
from dataclasses import asdict, dataclass

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
    patience: int = 8
    validation_fraction: float = 0.1
    init: str = "auto"              # "auto": from each activation's metadata; or he | lecun | glorot
    # centred (minus the training-fold mean, divided by its largest absolute deviation: [-1, 1] on the training
    # fold) by default: standardising blows up near-constant features (digits' border pixels, -0.4 points of
    # accuracy) and min-max scaling is off-centre (tanh on XOR, -10 points); centred | standard | minmax | none
    scaling: str = "centred"

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
    return [module] + [make() for _ in range(n_models - 1)], True


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


def _splits_with_validation(X, y, task, splits, validation_fraction, gen, scaling="standard"):
    """Per split: scaled (fit, validation, test) sets; scaler and validation split from the training fold only.

    ``scaling``: ``centred`` (minus the mean, over the largest absolute deviation: [-1, 1]), ``standard`` (zero
    mean, unit variance), ``minmax`` (to [0, 1]) or ``none``."""
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
        if scaling == "standard":
            mu, sd = X[fit_idx].mean(axis=0), X[fit_idx].std(axis=0)
        elif scaling == "minmax":
            mu, sd = X[fit_idx].min(axis=0), np.ptp(X[fit_idx], axis=0)
        elif scaling == "centred":
            mu = X[fit_idx].mean(axis=0)
            sd = np.max(np.abs(X[fit_idx] - mu), axis=0)
        else:
            mu, sd = np.zeros(X.shape[1]), np.ones(X.shape[1])
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
    prepared = _splits_with_validation(X, y, task, splits, config.validation_fraction, gen, config.scaling)

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

    def make_optimizer(params):
        groups = [{"params": params, "weight_decay": config.weight_decay}]
        if learnable:   # activation parameters (PReLU slope, ...) are not weight-decayed, as in torch practice
            groups.append({"params": learnable, "weight_decay": 0.0})
        try:    # the fused kernel is ~6-20x faster than the foreach path for these many small updates
            return torch.optim.AdamW(groups, lr=config.lr, fused=True)
        except (RuntimeError, TypeError, ValueError):
            return torch.optim.AdamW(groups, lr=config.lr, foreach=True)

    # Models that have run out of patience are dropped from the stack ("compacted") so that they stop costing
    # compute; ``active`` maps live rows to model indices m = a * S + s.
    act_of = np.repeat(np.arange(A), S)
    active = np.arange(M)
    live = list(stacked)
    optim = make_optimizer(live)
    live_data = {}

    def refresh_data():
        rows_t = torch.as_tensor(active, device=device)
        live_data.update(Xtr=Xtr[rows_t], ytr=ytr[rows_t], Xva=Xva[rows_t], yva=yva[rows_t], mva=mva[rows_t],
                         counts=np.bincount(act_of[active], minlength=A).tolist(),
                         rows=torch.arange(len(active), device=device)[:, None])

    refresh_data()

    def set_mode(train: bool):
        for a in range(A):
            for mod in act_modules[a][: S if per_model_modules[a] else 1]:
                mod.train(train)

    def activate(h):
        parts = []
        # split, not slicing: the backward of a slice allocates and zero-fills the whole stack each time
        blocks = torch.split(h, live_data["counts"])
        offset = 0
        for a, block in enumerate(blocks):
            n = live_data["counts"][a]
            if n == 0:
                continue
            if per_model_modules[a]:
                ids = active[offset:offset + n] - a * S
                parts.append(torch.stack([act_modules[a][s](block[i]) for i, s in enumerate(ids)]))
            else:
                parts.append(act_modules[a][0](block))
            offset += n
        return parts[0] if len(parts) == 1 else torch.cat(parts)

    def forward(h):
        n = len(live) // 2
        for i, (w, b) in enumerate(zip(live[:n], live[n:])):
            h = torch.baddbmm(b, h, w)
            if i < n - 1:
                h = activate(h)
        return h

    def losses(out, target, mask=None):
        if task == "classification":
            per = F.cross_entropy(out.reshape(-1, out_dim), target.reshape(-1), reduction="none") \
                .view(out.shape[0], -1)
        else:
            per = (out.squeeze(-1) - target) ** 2
        if mask is None:
            return per.mean(dim=1)
        return (per * mask).sum(dim=1) / mask.sum(dim=1)

    def compact(keep):
        """Drop the live rows where ``keep`` is False: new leaf tensors, AdamW state sliced alike."""
        nonlocal live, optim, active
        keep_t = torch.as_tensor(np.flatnonzero(keep), device=device)
        new_live, moved = [], {}
        for p in live:
            q = p.detach()[keep_t].clone().requires_grad_(True)
            moved[q] = {k: (v[keep_t].clone() if torch.is_tensor(v) and v.dim() > 0 and v.shape[0] == p.shape[0]
                            else v) for k, v in optim.state.get(p, {}).items()}
            new_live.append(q)
        kept_learnable = {p: optim.state[p] for p in learnable if p in optim.state}
        live, active = new_live, active[keep]
        optim = make_optimizer(live)
        for q, state in {**moved, **kept_learnable}.items():
            if state:
                optim.state[q] = state
        refresh_data()

    best_loss = torch.full((M,), float("inf"), device=device)
    best = [p.detach().clone() for p in stacked]
    best_act = {id(p): p.detach().clone() for p in learnable}
    owner = {id(p): a * S + s for a in range(A) if per_model_modules[a]
             for s, mod in enumerate(act_modules[a]) for p in mod.parameters()}
    stale = np.zeros(M, dtype=int)
    best_epoch = np.zeros(M, dtype=int)
    epochs_trained = np.zeros(M, dtype=int)
    train_curve = [[] for _ in range(M)]
    val_curve = [[] for _ in range(M)]
    batch = max(1, min(config.batch_size, int(sizes.min())))
    steps = int(math.ceil(n_tr / batch))
    epochs_run = 0
    for epoch in range(config.epochs):
        # each split shuffles its own samples (shared by all activations: paired); shorter folds are topped up
        order = np.stack([np.concatenate([gen.permutation(k), gen.integers(0, k, n_tr - k)]) for k in sizes])
        order_t = torch.as_tensor(np.tile(order, (A, 1))[active], device=device)
        rows = live_data["rows"]
        epoch_loss = torch.zeros(len(active), device=device)
        for step in range(steps):
            idx = order_t[:, step * batch:(step + 1) * batch]
            batch_losses = losses(forward(live_data["Xtr"][rows, idx]), live_data["ytr"][rows, idx])
            optim.zero_grad(set_to_none=True)
            batch_losses.sum().backward()
            optim.step()
            epoch_loss += batch_losses.detach()
        with torch.no_grad():
            set_mode(False)
            val_out = forward(live_data["Xva"])
            val = torch.nan_to_num(losses(val_out, live_data["yva"], live_data["mva"]), nan=float("inf"))
            set_mode(True)
            if task == "classification":
                # select on validation error (what is reported), ties broken by the loss: the loss alone
                # bottoms out early, while predictions grow confident and accuracy still improves
                mask = live_data["mva"]
                wrong = ((val_out.argmax(-1) != live_data["yva"]).to(dtype) * mask).sum(1) / mask.sum(1)
                criterion = wrong + 1e-3 * torch.clamp(val, max=1e3)
            else:
                criterion = val
            active_t = torch.as_tensor(active, device=device)
            improved = criterion < best_loss[active_t]
            best_loss[active_t] = torch.where(improved, criterion, best_loss[active_t])
            improved_rows = torch.nonzero(improved).flatten()
            for p, b in zip(live, best):      # keep each improved model's weights
                b[active_t[improved_rows]] = p.detach()[improved_rows]
            imp = improved.cpu().numpy()
            improved_models = set(active[imp].tolist())
            for p in learnable:
                if owner[id(p)] in improved_models:
                    best_act[id(p)].copy_(p.detach())
        stale[active] = np.where(imp, 0, stale[active] + 1)
        best_epoch[active] = np.where(imp, epoch + 1, best_epoch[active])
        epochs_trained[active] = epoch + 1
        tl, vl = (epoch_loss / steps).cpu().numpy(), val.cpu().numpy()
        for i, m in enumerate(active):
            train_curve[m].append(float(tl[i]) if math.isfinite(tl[i]) else None)
            val_curve[m].append(float(vl[i]) if math.isfinite(vl[i]) else None)
        epochs_run = epoch + 1
        if progress is not None:
            progress(epochs_run, config.epochs)
        done = stale[active] >= config.patience
        if done.all():
            break
        if done.any():      # stopped models leave the stack: they stop costing compute
            compact(~done)
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
                results[a][s] = {"metrics": metrics, "epochs": int(epochs_trained[m]),
                                 "best_epoch": int(best_epoch[m]), "train_time": elapsed / M, "n_train": int(sizes[s]), "n_test": len(p["test"][1]),
                                 "curve": {"train_loss": train_curve[m], "val_loss": val_curve[m]}}
    return results
