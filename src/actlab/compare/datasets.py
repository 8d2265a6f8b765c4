"""Datasets for ``actlab compare``: scikit-learn's bundled ones, generated ones, and user CSV files.

Nothing is downloaded: digits, iris, wine, breast_cancer and diabetes ship with scikit-learn; moons, circles,
spirals and xor are generated from a seed.  CSV problems are reported with the row and column at fault.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BUNDLED = ("digits", "iris", "wine", "breast_cancer", "diabetes")
GENERATED = ("moons", "circles", "spirals", "xor")
DATASETS = BUNDLED + GENERATED


class DataError(ValueError):
    """Input data that cannot be used, with a message naming what is wrong (and where)."""


@dataclass
class Dataset:
    """Features ``X`` (n, d) float64, target ``y`` (n,), the task, and descriptive metadata."""

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str                       # "classification" | "regression"
    feature_names: list = field(default_factory=list)
    target_name: str = "target"
    classes: list = field(default_factory=list)

    @property
    def n_classes(self) -> int:
        return len(self.classes) if self.task == "classification" else 0

    def fingerprint(self) -> str:
        """Hash of the data itself, so stored results are never reused for different data."""
        import hashlib
        h = hashlib.sha256()
        h.update(np.ascontiguousarray(self.X, dtype=np.float64).tobytes())
        h.update(np.ascontiguousarray(self.y).astype(np.float64).tobytes())
        h.update(self.task.encode())
        return h.hexdigest()[:16]


def spirals(n_samples: int = 600, noise: float = 0.2, turns: float = 1.5, seed: int = 0):
    """Two interleaved Archimedean spirals (a classic problem that needs a nonlinear boundary)."""
    rng = np.random.default_rng(seed)
    n = n_samples // 2
    t = np.sqrt(rng.uniform(0, 1, n)) * turns * 2 * math.pi
    arm = np.column_stack([t * np.cos(t), t * np.sin(t)]) / (turns * 2 * math.pi)
    X = np.vstack([arm, -arm]) + rng.normal(scale=noise / (turns * 2 * math.pi) * 2, size=(2 * n, 2))
    y = np.repeat([0, 1], n)
    return X, y


def xor(n_samples: int = 400, noise: float = 0.1, seed: int = 0):
    """Four Gaussian blobs at (+-1, +-1), labelled by the XOR of the signs: not linearly separable."""
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=(n_samples, 2))
    X = signs + rng.normal(scale=noise * 3, size=(n_samples, 2))
    y = (signs[:, 0] != signs[:, 1]).astype(int)
    return X, y


def load(name: str, seed: int = 0) -> Dataset:
    """Load a bundled or generated dataset by name (see ``DATASETS``)."""
    key = name.strip().lower().replace("-", "_")
    if key not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)} or use --csv PATH")
    if key in BUNDLED:
        from sklearn import datasets as skd
        loader = getattr(skd, f"load_{key}")
        bunch = loader()
        X, y = np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target)
        task = "regression" if key == "diabetes" else "classification"
        names = list(getattr(bunch, "feature_names", [f"x{i}" for i in range(X.shape[1])]))
        classes = sorted(np.unique(y).tolist()) if task == "classification" else []
        return Dataset(key, X, y, task, [str(n) for n in names], "target", classes)
    if key == "moons":
        from sklearn.datasets import make_moons
        X, y = make_moons(n_samples=500, noise=0.25, random_state=seed)
    elif key == "circles":
        from sklearn.datasets import make_circles
        X, y = make_circles(n_samples=500, noise=0.1, factor=0.5, random_state=seed)
    elif key == "spirals":
        X, y = spirals(seed=seed)
    else:
        X, y = xor(seed=seed)
    return Dataset(key, np.asarray(X, dtype=np.float64), np.asarray(y), "classification", ["x0", "x1"], "target",
                   [0, 1])


def detect_task(y: np.ndarray) -> str:
    """``classification`` for non-float or few-valued integer-like targets, else ``regression``."""
    y = np.asarray(y)
    if y.dtype.kind in "OUSb":
        return "classification"
    values = np.unique(y)
    integer_like = np.all(np.equal(np.mod(values, 1), 0))
    if integer_like and len(values) <= max(20, int(0.05 * len(y))):
        return "classification"
    return "regression"


def load_csv(path: str | Path, target: str, task: str | None = None) -> Dataset:
    """Read a CSV with a header row; every feature column must be numeric and complete.

    Errors name the file, the row (1-based, counting the header as row 1) and the column.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"CSV file not found: {path}")
    if path.is_dir():
        raise DataError(f"--csv expects a file, got a directory: {path}")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not a UTF-8 text CSV ({error.reason} at byte {error.start})") from None
    except csv.Error as error:
        raise DataError(f"{path}: not a readable CSV: {error}") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DataError(f"{path}: empty file or missing header row")
    header = [h.strip() for h in rows[0]]
    if target not in header:
        raise DataError(f"{path}: target column {target!r} not found; columns are: {', '.join(header)}")
    t = header.index(target)
    body = [(number, r) for number, r in enumerate(rows[1:], start=2) if any(cell.strip() for cell in r)]
    if not body:
        raise DataError(f"{path}: no data rows after the header")
    features = [i for i in range(len(header)) if i != t]
    if not features:
        raise DataError(f"{path}: no feature columns besides the target {target!r}")
    X = np.empty((len(body), len(features)))
    y_raw = []
    for r, (line, row) in enumerate(body):
        if len(row) != len(header):
            raise DataError(f"{path}: row {line} has {len(row)} fields, the header has {len(header)}")
        for j, c in enumerate(features):
            cell = row[c].strip()
            if cell == "" or cell.lower() in ("na", "nan", "null", "none", "?"):
                raise DataError(f"{path}: missing value at row {line}, column {header[c]!r}")
            try:
                value = float(cell)
            except ValueError:
                raise DataError(f"{path}: non-numeric value {cell!r} at row {line}, column {header[c]!r}") from None
            if not math.isfinite(value):
                raise DataError(f"{path}: non-finite value {cell!r} at row {line}, column {header[c]!r}")
            X[r, j] = value
        cell = row[t].strip()
        if cell == "":
            raise DataError(f"{path}: missing target at row {line}, column {target!r}")
        y_raw.append(cell)
    try:
        y = np.array([float(v) for v in y_raw])
        if not np.all(np.isfinite(y)):
            raise DataError(f"{path}: non-finite target value in column {target!r}")
    except ValueError:
        y = np.array(y_raw)
    task = task or detect_task(y)
    if task == "regression" and y.dtype.kind not in "f":
        bad = next(v for v in y_raw if not _is_number(v))
        raise DataError(f"{path}: regression target {target!r} has a non-numeric value {bad!r}")
    classes = sorted(np.unique(y).tolist()) if task == "classification" else []
    return Dataset(path.stem, X, y, task, [header[c] for c in features], target, classes)


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
