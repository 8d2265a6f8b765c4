"""``actlab.compare``: choose a hidden-layer activation for a dataset by repeated cross-validation.

Every candidate is trained on the *same* folds (paired comparison), with the same budget, its own matched
initialisation, feature scaling fit on each training fold only, and early stopping on a validation split carved
out of the training fold.  Results are committed to a SQLite store as they finish; rerunning computes only what is
missing.  See :mod:`actlab.compare.stats` for the statistics.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

import actlab

from .datasets import DataError, Dataset, detect_task
from .engine import TrainConfig, train_stack
from .store import ResultStore, activation_key, config_hash

DEFAULT_CANDIDATES = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "silu",
                      "mish", "softplus")
HIGHER_IS_BETTER = {"accuracy": True, "balanced_accuracy": True, "f1_macro": True, "log_loss": False,
                    "r2": True, "rmse": False, "mae": False}
METRIC_RANGE = {"accuracy": (0.0, 1.0), "balanced_accuracy": (0.0, 1.0), "f1_macro": (0.0, 1.0),
                "log_loss": (0.0, math.inf), "r2": (-math.inf, 1.0), "rmse": (0.0, math.inf), "mae": (0.0, math.inf)}
METRICS = {"classification": ("accuracy", "balanced_accuracy", "f1_macro", "log_loss"),
           "regression": ("r2", "rmse", "mae")}


def resolve_activations(spec: str | Sequence[Any] | None) -> list[actlab.Activation]:
    """``None`` -> the default candidates; ``"all"`` -> every elementwise catalog entry; a comma-separated string or
    a list of names / configs / activations otherwise.  Unknown names raise ``ValueError`` listing valid ones."""
    if spec is None:
        items: list[Any] = list(DEFAULT_CANDIDATES)
    elif isinstance(spec, str):
        if spec.strip().lower() == "all":
            items = [s.name for s in actlab.specs() if s.kind == "elementwise" and not _degenerate(s)]
        else:
            items = [part.strip() for part in spec.split(",") if part.strip()]
    else:
        items = list(spec)
    if not items:
        raise ValueError("no activations given")
    out, seen = [], set()
    for item in items:
        f = actlab.get(item)
        if f.is_vector:
            raise ValueError(f"{f.name} is a vector activation; compare chooses elementwise hidden activations")
        key = activation_key(f.to_config())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _degenerate(spec) -> bool:
    """Activations with zero derivative almost everywhere cannot be trained by gradient descent (the step)."""
    f = actlab.get(spec.name)
    return bool(np.all(f.derivative(np.linspace(-3, 3, 61)) == 0))


@dataclass
class CompareResult:
    """Outcome of :func:`compare`: every fold (``folds``), the ranked ``summary`` and the recommendation."""

    folds: Any                       # pandas DataFrame, one row per (activation, repeat, fold)
    metric: str
    task: str
    n_classes: int
    dataset: str
    config: dict
    curves: dict = field(default_factory=dict)   # activation -> list of {"train_loss", "val_loss"} per fold
    alpha: float = 0.05

    @property
    def higher_is_better(self) -> bool:
        return HIGHER_IS_BETTER[self.metric]

    @property
    def summary(self):
        """One row per activation, best first: mean, std, 95% CI (corrected), Holm-adjusted p-value against the
        best (Nadeau–Bengio corrected paired t-test), whether it is statistically indistinguishable from the best,
        per-fold scores and mean train time."""
        import pandas as pd
        from .stats import corrected_paired_ttest, holm, mean_ci
        df = self.folds.sort_values(["activation", "repeat", "fold"])
        n_train = float(df["n_train"].mean())
        n_test = float(df["n_test"].mean())
        rows = []
        scores = {a: g[self.metric].to_numpy() for a, g in df.groupby("activation", sort=False)}
        for a, s in scores.items():
            m, lo, hi = mean_ci(s, n_train, n_test)
            low_bound, high_bound = METRIC_RANGE[self.metric]      # an interval never leaves the metric's range
            lo, hi = max(lo, low_bound), min(hi, high_bound)
            rows.append({"activation": a, "mean": m, "std": float(np.std(s, ddof=1)) if len(s) > 1 else math.nan,
                         "ci_low": lo, "ci_high": hi, "folds": [round(float(v), 6) for v in s],
                         "train_time_s": float(df[df.activation == a]["train_time"].sum())})
        table = pd.DataFrame(rows)
        sign = -1 if self.higher_is_better else 1
        table = table.sort_values("mean", key=lambda c: sign * c, kind="stable").reset_index(drop=True)
        best = table.loc[0, "activation"]
        raw = [corrected_paired_ttest(scores[best], scores[a], n_train, n_test)[1] if a != best else 1.0
               for a in table["activation"]]
        others = [i for i, a in enumerate(table["activation"]) if a != best]
        adjusted = np.ones(len(raw))
        if others:
            adjusted[others] = holm([raw[i] for i in others])
        table["p_vs_best"] = adjusted
        table["indistinguishable_from_best"] = [bool(a == best or adjusted[i] >= self.alpha)
                                                for i, a in enumerate(table["activation"])]
        table.insert(0, "rank", np.arange(1, len(table) + 1))
        return table

    def output_activation(self) -> tuple[str, str]:
        """The output layer the tutorials teach for this task, with the reason."""
        if self.task == "regression":
            return "identity", "regression: an unbounded linear output (with mean-squared error)"
        if self.n_classes == 2:
            return "sigmoid", "binary classification: one sigmoid unit gives P(y=1) (with binary cross-entropy)"
        return "softmax", f"{self.n_classes}-class classification: softmax gives a distribution (with cross-entropy)"

    def recommend(self) -> dict:
        """Hidden-layer pick with its evidence, the statistically tied candidates, and the output layer."""
        table = self.summary
        best = table.iloc[0]
        tied = [a for a in table.loc[table.indistinguishable_from_best, "activation"] if a != best.activation]
        out_name, out_reason = self.output_activation()
        if len(table) == 1:
            verdict = (f"{best.activation} was the only candidate ({self.metric} {best['mean']:.4f}); compare it "
                       f"with others to choose.")
        elif tied:
            verdict = (f"{best.activation} has the best mean {self.metric} ({best['mean']:.4f}), but "
                       f"{', '.join(tied)} {'is' if len(tied) == 1 else 'are'} statistically indistinguishable from "
                       f"it (corrected paired t-test, Holm-adjusted p >= {self.alpha}): any of them is a sound "
                       f"choice; prefer the cheapest, or add --repeats for more power.")
        else:
            verdict = (f"{best.activation} is best ({self.metric} {best['mean']:.4f}, 95% CI "
                       f"[{best.ci_low:.4f}, {best.ci_high:.4f}]) and significantly better than every other "
                       f"candidate (corrected paired t-test, Holm-adjusted p < {self.alpha}).")
        return {"hidden": best.activation, "metric": self.metric, "mean": float(best["mean"]),
                "ci": [float(best.ci_low), float(best.ci_high)], "tied_with_best": tied, "verdict": verdict,
                "output": out_name, "output_reason": out_reason}

    # reports -----------------------------------------------------------------------------------------------
    def to_json(self) -> str:
        from .report import result_json
        return result_json(self)

    def to_markdown(self) -> str:
        from .report import markdown
        return markdown(self)

    def to_html(self) -> str:
        from .report import html
        return html(self)

    def plot(self):
        """Figure: mean score with 95% CI per activation, and validation learning curves."""
        from .report import figure
        return figure(self)

    def save(self, directory) -> dict:
        """Write report.md, report.html, folds.csv, summary.csv and results.json to ``directory``."""
        from .report import write_report
        return write_report(self, directory)


def make_splits(y: np.ndarray, task: str, folds: int, repeats: int, seed: int):
    from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold
    if task == "classification":
        splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    else:
        splitter = RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    X_dummy = np.zeros((len(y), 1))
    return [(tr, te) for tr, te in splitter.split(X_dummy, y)]


def validate(X, y, task: str | None, folds: int, repeats: int) -> tuple[np.ndarray, np.ndarray, str, list]:
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise DataError(f"X must be 2-D (samples x features), got shape {X.shape}")
    if X.dtype.kind not in "biuf":
        raise DataError(f"X must be numeric, got dtype {X.dtype}")
    X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        r, c = np.argwhere(~np.isfinite(X))[0]
        raise DataError(f"X has a missing or non-finite value at row {r}, column {c}")
    if y.ndim != 1 or len(y) != len(X):
        raise DataError(f"y must be 1-D with one entry per row of X ({len(X)}), got shape {y.shape}")
    if folds < 2:
        raise DataError(f"--folds must be at least 2, got {folds}")
    if repeats < 1:
        raise DataError(f"--repeats must be at least 1, got {repeats}")
    if len(X) < folds:
        raise DataError(f"only {len(X)} samples for {folds} folds; need at least one sample per fold")
    task = task or detect_task(y)
    if task not in METRICS:
        raise DataError(f"task must be 'classification' or 'regression', got {task!r}")
    classes: list = []
    if task == "classification":
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise DataError(f"the target has a single class ({classes[0]!r}); classification needs at least two")
        if counts.min() < folds:
            raise DataError(f"class {classes[counts.argmin()]!r} has only {counts.min()} samples, fewer than "
                            f"--folds {folds}; stratified folds need at least one per fold")
        y = np.searchsorted(classes, y)
        classes = classes.tolist()
    else:
        if y.dtype.kind not in "biuf":
            raise DataError("regression target must be numeric")
        y = y.astype(np.float64)
        if not np.all(np.isfinite(y)):
            raise DataError(f"y has a missing or non-finite value at row {int(np.argmax(~np.isfinite(y)))}")
    return X, y, task, classes


def auto_budget(n_samples: int, folds: int, batch_size: int, validation_fraction: float = 0.1,
                min_steps: int = 1200) -> tuple[int, int]:
    """Default ``(epochs, patience)``: at least 60 epochs and about ``min_steps`` optimizer steps, so small datasets
    (few minibatches per epoch) get as many updates as large ones; patience is an eighth of the epochs, at least 8."""
    n_fit = n_samples * (1 - 1 / folds) * (1 - validation_fraction)
    steps = max(1, math.ceil(n_fit / batch_size))
    epochs = min(2000, max(60, math.ceil(min_steps / steps)))
    return epochs, max(8, epochs // 8)


def check_options(task: str, metric: str | None, hidden, epochs, batch_size, lr, backend="local", device="cpu",
                  stack=4) -> str:
    """Validate the training options (before anything is written); returns the metric to use."""
    if backend not in ("local", "ray"):
        raise ValueError(f"backend must be 'local' or 'ray', got {backend!r}")
    if device not in ("cpu", "cuda") and not str(device).startswith("cuda:"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if str(device).startswith("cuda"):
        import torch
        if not torch.cuda.is_available():
            raise ValueError("--device cuda requested but CUDA is not available on this machine")
    metric = metric or METRICS[task][0]
    if metric not in METRICS[task]:
        raise ValueError(f"metric {metric!r} does not apply to {task}; choose one of {', '.join(METRICS[task])}")
    if not hidden or any(int(h) < 1 for h in hidden):
        raise ValueError(f"--hidden must be positive layer sizes, got {list(hidden)}")
    for name, value in (("epochs", epochs or 1), ("batch_size", batch_size), ("stack", stack)):
        if int(value) < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"lr must be a positive number, got {lr}")
    return metric


def compare(X, y=None, activations=None, *, task: str | None = None, folds: int = 5, repeats: int = 1,
            seed: int = 0, hidden: Sequence[int] = (64, 64), epochs: int | None = None, batch_size: int = 64,
            lr: float = 3e-3, metric: str | None = None, store: str | ResultStore | None = None,
            backend: str = "local", device: str = "cpu", ray_address: str | None = None,
            progress: Callable[[str, int, int], None] | None = None, dataset_name: str = "data",
            patience: int | None = None, init: str = "auto", stack: int = 4,
            scaling: str = "centred") -> CompareResult:
    """Cross-validate an MLP with each candidate hidden activation on ``(X, y)`` and rank them.

    ``X`` may also be a :class:`~actlab.compare.datasets.Dataset` (then ``y`` is omitted).  ``activations``: names,
    configs, activations, ``"all"`` or ``None`` (the defaults).  ``store``: path of a SQLite file (or a
    ``ResultStore``); results already in it for the same configuration and data are reused, not recomputed.
    ``backend``: ``"local"`` or ``"ray"`` (same work units as Ray tasks; ``ray_address`` for a cluster).
    ``progress(activation, done, total)`` is called as epochs finish.  ``stack``: how many activations are
    trained together in one batched computation (all their folds x repeats at once).  ``scaling``: ``centred``
    (default), ``standard``, ``minmax`` or ``none``, always fit on each training fold only.  ``epochs``/``patience`` default to
    :func:`auto_budget` (the same for every candidate).
    """
    import pandas as pd
    if isinstance(X, Dataset):
        dataset_name, task, X, y = X.name, task or X.task, X.X, X.y
    X, y, task, classes = validate(X, y, task, folds, repeats)
    metric = check_options(task, metric, hidden, epochs, batch_size, lr, backend, device, stack)
    stack = int(stack)
    candidates = resolve_activations(activations)
    if scaling not in ("minmax", "standard", "centred", "none"):
        raise ValueError(f"scaling must be centred, standard, minmax or none, got {scaling!r}")
    auto_epochs, auto_patience = auto_budget(len(y), folds, int(batch_size))
    epochs = auto_epochs if epochs is None else int(epochs)
    patience = max(auto_patience, epochs // 8) if patience is None else int(patience)
    if patience < 1:
        raise ValueError(f"patience must be at least 1, got {patience}")
    train_config = TrainConfig(hidden=tuple(int(h) for h in hidden), epochs=epochs, batch_size=int(batch_size),
                               lr=float(lr), patience=patience, init=init, scaling=scaling)
    dataset = Dataset(dataset_name, X, y, task, classes=classes)
    config = {"version": 1, "data": dataset.fingerprint(), "task": task, "folds": folds, "repeats": repeats,
              "seed": seed, "train": train_config.as_dict(), "dtype": "float32"}
    key = config_hash(config)
    own_store = not isinstance(store, ResultStore)
    db = store if isinstance(store, ResultStore) else ResultStore(store or ":memory:")
    try:
        db.register(key, config)
        splits = make_splits(y, task, folds, repeats, seed)
        done = db.done(key)
        groups = [candidates[i:i + stack] for i in range(0, len(candidates), stack)]
        # a group is one stacked computation; it is recomputed whole if any of its results is missing, so the
        # numbers never depend on where an earlier run was interrupted
        todo = [g for g in groups if any((activation_key(f.to_config()), i // folds, i % folds) not in done
                                         for f in g for i in range(len(splits)))]
        run_units(todo, X, y, task, len(classes), splits, folds, train_config, seed, device, db, key, backend,
                  ray_address, progress)
        rows, curves = [], {}
        stored = {(a, r, fo): p for a, r, fo, p in db.load(key)}
        for f in candidates:
            a = activation_key(f.to_config())
            label = f.name if f.params == f.spec.defaults() else repr(f)   # parameters only where non-default
            for i in range(len(splits)):
                p = stored[(a, i // folds, i % folds)]
                rows.append({"activation": label, "repeat": i // folds, "fold": i % folds, **p["metrics"],
                             "epochs": p["epochs"], "best_epoch": p["best_epoch"], "train_time": p["train_time"],
                             "n_train": p["n_train"], "n_test": p["n_test"]})
                curves.setdefault(label, []).append(p["curve"])
    finally:
        if own_store:
            db.close()
    frame = pd.DataFrame(rows)
    if metric not in frame:
        frame[metric] = math.nan
    frame[metric] = frame[metric].fillna(-math.inf if HIGHER_IS_BETTER[metric] else math.inf)
    return CompareResult(frame, metric, task, len(classes), dataset_name, config, curves)


def unit_seed(seed: int, activation: actlab.Activation) -> int:
    """Seed of one activation's stack: depends only on the run seed and the activation (not on order)."""
    return int(np.random.SeedSequence([seed, zlib.crc32(activation_key(activation.to_config()).encode())])
               .generate_state(1)[0])


def run_units(groups, X, y, task, n_classes, splits, folds, train_config, seed, device, db, key, backend,
              ray_address, progress):
    """Train every group of activations (one stacked unit each) and commit each unit as it finishes."""
    def commit(group, results):
        rows = []
        for f, per_split in zip(group, results):
            a = activation_key(f.to_config())
            rows += [(a, i // folds, i % folds, r) for i, r in enumerate(per_split)]
        db.add(key, rows)

    def unit_args(group):
        return (X, y, task, n_classes, splits, [f.to_config() for f in group], train_config, seed,
                [unit_seed(seed, f) for f in group], device)

    if backend == "ray":
        from .ray_backend import run_on_ray
        run_on_ray(groups, unit_args, commit, progress, train_config.epochs, ray_address)
        return
    for group in groups:
        def report(done, total, group=group):
            for f in group:
                progress(f.name, done, total)
        commit(group, train_stack(*unit_args(group), progress=report if progress else None))
        if progress:
            report(train_config.epochs, train_config.epochs)
