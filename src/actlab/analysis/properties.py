r"""Properties of every activation, **measured** numerically from its kernels (never copied from metadata).

:func:`measure` evaluates one activation on fixed grids and returns a :class:`Properties` record;
:func:`property_table` does it for the whole registry (or some names); :func:`to_markdown`,
:func:`to_csv` and :func:`to_json` render the rows.  The test suite compares each measurement with the
declared metadata of :class:`actlab.core.ActivationSpec` and fails where they disagree.

What is measured, and how (:math:`z \sim N(0, 1)`):

* **output range** -- min/max of :math:`f` on points beside its jumps (one-sided limits), a dense grid of :math:`[-10, 10]` (step :math:`5 \cdot 10^{-4}`)
  and on tails :math:`\pm 10^{1..10}`; a bound beyond :math:`\pm 10^6` is reported as :math:`\pm\infty`.
* **monotonic** -- non-decreasing on those points (the metadata's definition), up to rounding.
* **monotonic derivative** -- :math:`f'` non-decreasing or non-increasing on those points.
* **smoothness** -- continuity of :math:`f`, :math:`f'`, :math:`f''` on :math:`[-10, 10]`: every cell of a grid
  of step 0.02 is bisected 30 times towards its larger increment; a jump survives (its increment stays
  :math:`\ge 10^{-6}(1 + |g|)`), a continuous function's increment shrinks to :math:`\sim 10^{-11} |g'|`.
  The class is ``discontinuous`` (f jumps), ``C0`` (f' jumps), ``C1`` (f'' jumps) or ``C2+``.
* **zero-centred** -- :math:`|E f(z)| \le 0.01 \sqrt{E f(z)^2}` (the catalog's definition), the moments by
  the trapezoid rule on :math:`[-12, 12]`.
* **saturation** -- share of a grid of :math:`[-6, 6]` where :math:`|f'| < 10^{-3}`; **saturating sides**:
  the side(s) where :math:`|f'(\pm x)| < 10^{-6}` for all :math:`x \in [10^4, 10^{12}]` (:math:`f' \to 0`).
* :math:`f(0)`, :math:`f'(0)` (the kernel's value, i.e. the kink convention where there is one), a **kink at 0**
  (one-sided difference quotients of :math:`f` at
  steps :math:`10^{-6}, 10^{-7}` disagree), :math:`\max |f'|` (sigmoid: 0.25), **near identity**
  (:math:`f(0) = 0`, :math:`f'(0) = 1`, no kink), **sparsity** (share of exact zeros of :math:`f(z)`, 100 000
  seeded samples), the **learnable** parameter count, and the **cost** in ns per element (float32, best
  of several runs on this machine).

Vector activations (softmax, maxout, GLU, ...) are measured on a one-dimensional view,
:func:`scalar_view`: the first output for the input :math:`[x, 0, \dots, 0]` (softmax of ``[x, 0]`` is the
sigmoid, maxout of ``[x, 0]`` is ReLU), with :math:`\partial y_0 / \partial x_0` from the VJP and no
second derivative.
"""
from __future__ import annotations

import csv
import io
import json
import math
import time
from dataclasses import asdict, dataclass, fields
from typing import Any, Callable, Iterable, Mapping, Optional

import numpy as np

from ..core import Activation, get, specs

# ---------------------------------------------------------------------------- grids and thresholds
DENSE = np.linspace(-10.0, 10.0, 40_001)                     # step 5e-4
TAIL = np.logspace(1.0, 10.0, 73)
WIDE = np.concatenate([-TAIL[::-1], DENSE, TAIL])             # sorted
FAR = np.logspace(4.0, 12.0, 17)                              # for f' -> 0 at +-inf
SATURATION_GRID = np.linspace(-6.0, 6.0, 12_001)      # step 1e-3
SATURATION_EPS = 1e-3
UNBOUNDED = 1e6
JUMP_RTOL = 1e-6
ZERO_CENTRED_RTOL = 0.01
SPARSITY_SAMPLES = 100_000
SEED = 0


# ---------------------------------------------------------------------------- scalar views
@dataclass(frozen=True)
class ScalarView:
    """A function of one real variable standing for an activation: ``f``, ``derivative`` and
    (elementwise activations only) ``second_derivative``; ``label`` names it (``softmax([x, 0])[0]``)."""

    activation: Activation
    label: str
    f: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    second_derivative: Optional[Callable[[np.ndarray], np.ndarray]]
    note: str = ""

    @property
    def is_slice(self) -> bool:
        return self.activation.is_vector


def _vector_size(f: Activation) -> int:
    """The smallest input size (2..16) on which the vector activation ``f`` accepts a row."""
    for n in range(2, 17):
        try:
            f(np.zeros((1, n)), axis=-1)
        except ValueError:
            continue
        return n
    raise ValueError(f"{f.name}: no input size from 2 to 16 is accepted")


def scalar_view(activation: Any, **params: Any) -> ScalarView:
    """One-variable view of an activation (a name, config or :class:`Activation`).

    Elementwise activations are their own view.  A vector activation is viewed through its first
    output for the input ``[x, 0, ..., 0]`` of the smallest accepted size (softmax -> sigmoid, maxout
    -> ReLU, GLU -> x/2), with derivative :math:`\\partial y_0/\\partial x_0` from its VJP.
    """
    f = get(activation, **params)
    if not f.is_vector:
        return ScalarView(f, repr(f), lambda x: f(np.asarray(x, float)),
                          lambda x: f.derivative(np.asarray(x, float)),
                          f.spec.second_derivative and (lambda x: f.second_derivative(np.asarray(x, float))))
    n = _vector_size(f)

    def rows(x):
        x = np.asarray(x, float)
        X = np.zeros(x.shape + (n,))
        X[..., 0] = x
        return X

    def value(x):
        return f(rows(x), axis=-1)[..., 0]

    def derivative(x):
        X = rows(x)
        G = np.zeros(np.shape(f(X[..., :], axis=-1)))
        G[..., 0] = 1.0
        return f.vjp(X, G, axis=-1)[..., 0]

    zeros = ", ".join(["x"] + ["0"] * (n - 1))
    label = f"{f.name}([{zeros}])[0]"
    return ScalarView(f, label, value, derivative, None,
                      note=f"vector activation: first output of {f.name} for the input [{zeros}]")


# ---------------------------------------------------------------------------- measurements
@dataclass
class Properties:
    """Measured properties of one activation (see the module docstring for definitions)."""

    name: str
    params: dict
    view: str
    range_low: float
    range_high: float
    monotonic: bool
    monotonic_derivative: bool
    smoothness: str
    mean_normal: float
    rms_normal: float
    zero_centred: bool
    saturation: float
    saturating: tuple
    f0: float
    fprime0: float
    kink_at_0: bool
    max_abs_fprime: float
    near_identity: bool
    sparsity: float
    learnable: int
    ns_per_element: Optional[float]

    def as_dict(self) -> dict:
        return asdict(self)


def _non_decreasing(y: np.ndarray) -> bool:
    y = y[np.isfinite(y)]
    d = np.diff(y)
    tol = 1e-12 * (1.0 + np.maximum(np.abs(y[:-1]), np.abs(y[1:])))
    return bool(np.all(d >= -tol))


def jump_points(g: Callable, lo: float = -10.0, hi: float = 10.0, cells: int = 1000,
                steps: int = 30) -> np.ndarray:
    """Where ``g`` jumps on ``[lo, hi]``: an array of bracketing pairs ``(a, b)``, ``b - a ~ 1e-11``.

    Every grid cell is bisected ``steps`` times towards its larger increment; a jump keeps its increment
    (``>= 1e-6 (1 + |g|)``), a continuous function's increment shrinks with the cell.
    """
    a = np.linspace(lo, hi, cells + 1)[:-1]
    b = a + (hi - lo) / cells
    ga, gb = g(a), g(b)
    for _ in range(steps):
        m = 0.5 * (a + b)
        gm = g(m)
        left = np.abs(gm - ga) >= np.abs(gb - gm)
        b, gb = np.where(left, m, b), np.where(left, gm, gb)
        a, ga = np.where(left, a, m), np.where(left, ga, gm)
    size = np.abs(gb - ga)
    scale = 1.0 + np.maximum(np.abs(ga), np.abs(gb))
    hit = np.isfinite(size) & (size > JUMP_RTOL * scale)
    return np.stack([a[hit], b[hit]], axis=-1)


def _jumps(g: Callable) -> bool:
    return len(jump_points(g)) > 0


def smoothness_class(view: ScalarView) -> str:
    """``discontinuous``, ``C0``, ``C1``, ``C2+`` (``C1+`` for vector views, which have no f'')."""
    if _jumps(view.f):
        return "discontinuous"
    if _jumps(view.derivative):
        return "C0"
    if view.second_derivative is None:
        return "C1+"
    if _jumps(view.second_derivative):
        return "C1"
    return "C2+"


def normal_moments(view: ScalarView) -> tuple[float, float]:
    """:math:`E f(z)` and :math:`\\sqrt{E f(z)^2}` for :math:`z \\sim N(0, 1)` (trapezoid rule on [-12, 12])."""
    z = np.linspace(-12.0, 12.0, 48_001)
    w = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    y = view.f(z)
    mean = float(np.trapezoid(w * y, z)) if hasattr(np, "trapezoid") else float(np.trapz(w * y, z))
    second = float(np.trapezoid(w * y * y, z)) if hasattr(np, "trapezoid") else float(np.trapz(w * y * y, z))
    return mean, math.sqrt(max(second, 0.0))


def saturating_sides(view: ScalarView) -> tuple:
    """The sides (``"-inf"``, ``"+inf"``) where :math:`f' \\to 0` (``|f'| < 1e-6`` on ``[1e4, 1e12]``)."""
    out = []
    for side, xs in (("-inf", -FAR), ("+inf", FAR)):
        d = np.abs(view.derivative(xs))
        if np.all(np.isfinite(d)) and np.all(d < 1e-6):
            out.append(side)
    return tuple(out)


def kink_at(g: Callable, x0: float) -> bool:
    """Whether ``g`` is not differentiable at ``x0``: its one-sided difference quotients at steps
    1e-6 and 1e-7 do not all agree (a kink: left != right; a jump: they grow like 1/h)."""
    quotients = []
    g0 = float(g(np.array([x0]))[0])
    for h in (1e-6, 1e-7):
        quotients.append((float(g(np.array([x0 + h]))[0]) - g0) / h)
        quotients.append((g0 - float(g(np.array([x0 - h]))[0])) / h)
    q = np.array(quotients)
    return not (np.all(np.isfinite(q)) and np.ptp(q) <= 1e-3 * (1.0 + np.max(np.abs(q))))


def cost_ns_per_element(f: Activation, size: int = 1 << 16, repeats: int = 5) -> float:
    """Best-of-``repeats`` time of ``f`` on ``size`` float32 elements, in ns per element."""
    rng = np.random.default_rng(SEED)
    if f.is_vector:
        n = _vector_size(f)
        x = rng.standard_normal((size // n, n)).astype(np.float32)
    else:
        x = rng.standard_normal(size).astype(np.float32)
    f(x[:8])
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        f(x)
        best = min(best, time.perf_counter() - t0)
    return best / x.size * 1e9


def _bound(v: float) -> float:
    if not math.isfinite(v) or abs(v) > UNBOUNDED:
        return math.copysign(math.inf, v)
    return v


def measure(activation: Any, params: Optional[Mapping[str, Any]] = None, *, timing: bool = True) -> Properties:
    """Measure the properties of one activation (a name, alias, config or :class:`Activation`)."""
    view = scalar_view(activation, **dict(params or {}))
    f = view.activation
    y = view.f(WIDE)
    dy = view.derivative(WIDE)
    # one-sided limits at jumps of f belong to the closure of the image
    near_jumps = view.f(jump_points(view.f).ravel())
    finite = np.concatenate([y, near_jumps])
    finite = finite[np.isfinite(finite)]
    lo, hi = float(np.min(finite)), float(np.max(finite))
    if np.any(y == -np.inf):
        lo = -math.inf
    if np.any(y == np.inf):
        hi = math.inf
    monotonic = _non_decreasing(y)
    monotonic_derivative = _non_decreasing(dy) or _non_decreasing(-dy)
    mean, rms = normal_moments(view)
    zero = np.zeros(1)
    f0 = float(view.f(zero)[0])
    fprime0 = float(view.derivative(zero)[0])
    kink = kink_at(view.f, 0.0)
    sat = float(np.mean(np.abs(view.derivative(SATURATION_GRID)) < SATURATION_EPS))
    absd = np.abs(dy)
    max_abs = float(np.max(absd[~np.isnan(absd)])) if np.any(~np.isnan(absd)) else math.nan
    z = np.random.default_rng(SEED).standard_normal(SPARSITY_SAMPLES)
    sparsity = float(np.mean(view.f(z) == 0.0))
    return Properties(
        name=f.name, params=dict(f.params), view=view.label,
        range_low=_bound(lo), range_high=_bound(hi),
        monotonic=monotonic, monotonic_derivative=monotonic_derivative,
        smoothness=smoothness_class(view),
        mean_normal=mean, rms_normal=rms, zero_centred=abs(mean) <= ZERO_CENTRED_RTOL * rms,
        saturation=sat, saturating=saturating_sides(view),
        f0=f0, fprime0=fprime0, kink_at_0=kink,
        max_abs_fprime=math.inf if max_abs > UNBOUNDED else max_abs,
        near_identity=(abs(f0) <= 1e-12 and abs(fprime0 - 1.0) <= 1e-9 and not kink),
        sparsity=sparsity, learnable=len(f.spec.learnable),
        ns_per_element=cost_ns_per_element(f) if timing else None,
    )


def property_table(names: Optional[Iterable[str]] = None, *, timing: bool = True) -> list[Properties]:
    """Measured properties of the named activations (default: every registered one, sorted by name)."""
    chosen = list(names) if names else [s.name for s in specs()]
    return [measure(name, timing=timing) for name in chosen]


# ---------------------------------------------------------------------------- rendering
COLUMNS = (  # (field, header)
    ("name", "activation"),
    ("range", "range"),
    ("monotonic", "monotonic"),
    ("monotonic_derivative", "monotonic f'"),
    ("smoothness", "smoothness"),
    ("mean_normal", "E f(z)"),
    ("zero_centred", "zero-centred"),
    ("saturation", "saturated share"),
    ("saturating", "saturates at"),
    ("f0", "f(0)"),
    ("fprime0", "f'(0)"),
    ("max_abs_fprime", "max |f'|"),
    ("near_identity", "near identity"),
    ("sparsity", "sparsity"),
    ("learnable", "learnable"),
    ("ns_per_element", "ns/element"),
)


VECTOR_NOTE = "\\* vector activation, measured on its first output for the input [x, 0, ..., 0]"


def _num(v: float, digits: int = 4) -> str:
    if v is None:
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    return f"{v:.{digits}g}"


def cells(p: Properties) -> dict[str, str]:
    """Human-readable cells of one row, keyed by the fields of :data:`COLUMNS`."""
    name = p.name + ("*" if "([" in p.view else "")
    yes = lambda b: "yes" if b else "no"   # noqa: E731
    return {
        "name": name,
        "range": f"[{_num(p.range_low)}, {_num(p.range_high)}]",
        "monotonic": yes(p.monotonic),
        "monotonic_derivative": yes(p.monotonic_derivative),
        "smoothness": p.smoothness,
        "mean_normal": _num(p.mean_normal, 3),
        "zero_centred": yes(p.zero_centred),
        "saturation": f"{100 * p.saturation:.0f}%",
        "saturating": ", ".join(p.saturating) or "no",
        "f0": _num(p.f0),
        "fprime0": _num(p.fprime0) + (" (kink)" if p.kink_at_0 else ""),
        "max_abs_fprime": _num(p.max_abs_fprime),
        "near_identity": yes(p.near_identity),
        "sparsity": f"{100 * p.sparsity:.1f}%",
        "learnable": str(p.learnable),
        "ns_per_element": _num(p.ns_per_element, 3),
    }


def to_markdown(rows: Iterable[Properties]) -> str:
    """A GitHub-flavoured Markdown table."""
    headers = [h.replace("|", "\\|") for _, h in COLUMNS]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    rows = list(rows)
    for p in rows:
        c = cells(p)
        lines.append("| " + " | ".join(c[k].replace("|", "\\|") for k, _ in COLUMNS) + " |")
    if any("([" in p.view for p in rows):
        lines += ["", VECTOR_NOTE]
    return "\n".join(lines) + "\n"


def _plain(p: Properties) -> dict:
    d = p.as_dict()
    d["saturating"] = list(d["saturating"])
    for k, v in d.items():
        if isinstance(v, float) and not math.isfinite(v):
            d[k] = str(v)
    return d


def to_json(rows: Iterable[Properties]) -> str:
    """JSON list of records (every measured field; infinities as the strings ``"inf"``/``"-inf"``)."""
    return json.dumps([_plain(p) for p in rows], indent=2)


def to_csv(rows: Iterable[Properties]) -> str:
    """CSV with one column per measured field (``params`` as JSON, ``saturating`` space-separated)."""
    buffer = io.StringIO()
    names = [f.name for f in fields(Properties)]
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for p in rows:
        d = p.as_dict()
        d["params"] = json.dumps(d["params"])
        d["saturating"] = " ".join(d["saturating"])
        writer.writerow(d)
    return buffer.getvalue()
