"""Which activation to use: the output layer from the task, a short ranked list for the hidden layers.

Every hidden candidate is an elementwise catalog entry (registry-driven, no hand list) that can carry a
signal through a trained network: activations that are affine (a network of them collapses to one
matrix) or whose derivative is zero almost everywhere (backpropagation cannot train them) are left out.
Each one is scored by two kinds of rule, and every rule that fires adds a reason to the advice:

* **measured** (:func:`actlab.analysis.properties.measure`, plus f' at a few points): two-sided
  saturation and ``max|f'|`` (sigmoid's 1/4: the gradient shrinks at least 4x per layer), a derivative
  that is exactly zero on the negative side (units can die) or not (they cannot), unbounded ``f'``,
  zero-centred output, sparsity, monotonicity, and the cost in ns/element measured on this machine
  (heavily weighted with ``latency_critical``);
* **the tutorials' rules**: ReLU is the default hidden activation; Leaky ReLU / ELU are the fix for dead
  ReLUs; SELU (with LeCun-normal init) for deep plain MLPs without normalisation; GELU/SiLU in
  transformers; sigmoid/tanh are avoided in deep networks; shrink and periodic functions are special
  purpose.

The advice ends with the ``actlab compare`` command that would check the top candidates on the user's
data by cross-validation.
"""
from __future__ import annotations

import functools
import math
import shlex
from dataclasses import asdict, dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from ..core import get, specs
from .properties import measure

TASKS = ("binary", "multiclass", "regression")
NORMALIZATIONS = ("none", "batch", "layer")
ARCHITECTURES = ("mlp", "cnn", "transformer")
DEEP = 6                      # hidden layers from which a plain network counts as deep
DEFAULT_DATASET = {"binary": "breast_cancer", "multiclass": "digits", "regression": "diabetes"}

OUTPUT = {
    "binary": ("sigmoid", "one unit whose sigmoid is P(y = 1) in (0, 1); train on the logit with binary "
                          "cross-entropy (BCE with logits), apply the sigmoid only to predict"),
    "multiclass": ("softmax", "one unit per class; softmax turns the logits into a probability vector that sums "
                              "to 1; train on the logits with softmax cross-entropy"),
    "regression": ("identity", "an unbounded real target needs an unbounded linear output; a bounded "
                               "activation would clip the predictions (train with MSE)"),
}


@dataclass
class Candidate:
    """One hidden-layer activation with its score and the reasons (signed contributions) behind it."""

    name: str
    score: float
    reasons: list = field(default_factory=list)    # [(delta, text)], largest |delta| first
    init: str = ""
    measured: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The main reason(s) in one line: the positive ones first."""
        pros = [t for d, t in self.reasons if d > 0]
        cons = [t for d, t in self.reasons if d < 0]
        return "; ".join(pros[:2] + ([f"but {cons[0]}"] if cons else []))


@dataclass
class Advice:
    task: str
    depth: int
    normalization: str
    latency_critical: bool
    architecture: str
    output: str
    output_reason: str
    hidden: list                      # [Candidate], best first
    compare_command: str
    excluded: dict = field(default_factory=dict)      # name -> why it is not a hidden candidate

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for c, cd in zip(self.hidden, d["hidden"]):
            cd["reasons"] = [{"weight": round(w, 3), "reason": t} for w, t in c.reasons]
            cd["score"] = round(c.score, 3)
        return d

    def summary(self) -> list[str]:
        lines = [f"task: {self.task}, {self.depth} hidden layer(s), normalization: {self.normalization}, "
                 f"architecture: {self.architecture}" + (", latency-critical" if self.latency_critical else ""),
                 f"output layer: {self.output} -- {self.output_reason}", "hidden layers (best first):"]
        for i, c in enumerate(self.hidden, 1):
            lines.append(f"  {i}. {c.name} (score {c.score:+.1f}, init {c.init})")
            for w, text in c.reasons:
                lines.append(f"       {'+' if w > 0 else '-'} {text}")
        lines += ["confirm on your data:", f"  {self.compare_command}"]
        return lines


def _g(v: float) -> str:
    return "inf" if math.isinf(v) else f"{v:.3g}"


def _classify(f) -> Optional[str]:
    """Why ``f`` cannot be a hidden activation (None if it can): measured on a grid."""
    x = np.linspace(-4.0, 4.0, 161)
    y = f(x)
    a, b = np.polyfit(x, y, 1)
    if np.allclose(a * x + b, y, rtol=0, atol=1e-9 * max(1.0, float(np.max(np.abs(y))))):
        return "affine: a network of it collapses to one matrix (see `actlab demo xor`)"
    probe = np.random.default_rng(0).normal(scale=3.0, size=256)
    if np.all(f.derivative(probe) == 0):
        return "f' = 0 almost everywhere: backpropagation cannot train the layers below"
    return None


@functools.lru_cache(maxsize=1)
def _measure_pool():
    """Measured properties of every hidden candidate (once per process: the cost timing is the slow part)."""
    pool, excluded = [], {}
    for spec in specs():
        if spec.kind == "vector":
            excluded[spec.name] = "vector activation (an output or gating layer, not an elementwise hidden unit)"
            continue
        f = get(spec.name)
        why = _classify(f)
        if why:
            excluded[spec.name] = why
            continue
        p = measure(spec.name, timing=True)
        fp = {x: float(f.derivative(np.array([x]))[0]) for x in (-3.0, -1.0, 5.0)}
        pool.append((f, p, fp))
    return tuple(pool), excluded


def _score(f, p, fp, relu_ns: float, depth: int, normalization: str, latency: bool, architecture: str):
    spec, name = f.spec, f.name
    r: list[tuple[float, str]] = []
    deep = depth >= DEEP
    sides = set(p.saturating)
    # ---- measured properties
    if {"-inf", "+inf"} <= sides:
        if p.max_abs_fprime <= 0.25 + 1e-9:
            r.append((-1.5 - 0.5 * min(depth, 8), f"max|f'| = {_g(p.max_abs_fprime)}: the gradient shrinks at least "
                                                  f"{1 / p.max_abs_fprime:.0f}x per layer (vanishing gradients)"))
        else:
            r.append((-0.5 - 0.35 * min(depth, 8), "saturates at both ends (f' -> 0 at +-inf): gradients vanish "
                                                   "with depth"))
    if math.isinf(p.max_abs_fprime):
        r.append((-3.0, "f' is unbounded: activations and gradients can explode"))
    dies = fp[-3.0] == 0.0 and fp[-1.0] == 0.0
    rectifier_like = abs(fp[5.0] - 1.0) < 0.05 or spec.self_normalising
    if dies and rectifier_like:
        r.append((-0.5 - (0.5 if deep and normalization == "none" else 0.0),
                  "f' = 0 for x < 0: units can die (see `actlab demo dying`)"))
        if p.sparsity > 0.3:
            r.append((0.5, f"sparse: {p.sparsity:.0%} of N(0,1) inputs give exactly 0"))
    elif rectifier_like and not dies:
        r.append((0.75, f"no dead units: f'(-1) = {fp[-1.0]:.3g} keeps a gradient flowing for x < 0"))
    if p.zero_centred:
        r.append((0.5, f"zero-centred output (E f(z) = {p.mean_normal:.2g} for z ~ N(0,1))"))
    if rectifier_like and not {"+inf"} & sides:
        r.append((0.5, f"does not saturate for x > 0 (f'(5) = {fp[5.0]:.3g})"))
    if p.ns_per_element is not None and relu_ns > 0:
        ratio = max(p.ns_per_element / relu_ns, 1.0)
        weight = 0.75 if latency else 0.1
        if ratio > 1.5 or latency:
            delta = -weight * min(math.log2(ratio), 4.0)
            text = f"cost {p.ns_per_element:.3g} ns/element, {ratio:.1f}x ReLU's (measured here)"
            if latency and ratio <= 1.5:
                r.append((0.5, f"cheapest: {p.ns_per_element:.3g} ns/element (measured here)"))
            elif delta < 0:
                r.append((delta, text))
    # ---- the tutorials' rules (by family or by name where the tutorials name the activation)
    if name == "relu":
        r.append((2.0, "the tutorials' default hidden activation: one max, cheap, non-saturating for x > 0"))
        if normalization != "none":
            r.append((0.5, "with normalization layers the classic ReLU + BatchNorm pairing is robust"))
    if name in ("leaky_relu", "elu"):
        r.append((1.25, "the tutorials' fix for dying ReLU"))
    if spec.self_normalising:
        if deep and normalization == "none" and architecture == "mlp":
            r.append((4.0, "deep plain MLP without normalization: self-normalising with LeCun-normal init, "
                           "activations keep mean 0 / variance 1 through depth (see `actlab demo selu`)"))
        elif normalization != "none":
            r.append((-1.0, "its self-normalisation is redundant with normalization layers"))
        elif architecture != "mlp":
            r.append((-0.5, "self-normalisation is derived for plain fully-connected layers"))
    if name in ("gelu", "silu"):
        if architecture == "transformer":
            r.append((4.0, "the transformer standard (GELU in BERT/GPT, SiLU/SwiGLU in LLaMA-style models)"))
        else:
            r.append((0.75, "smooth and non-monotonic (small negative lobe); strong in deep CNNs/transformers"))
    if spec.family == "sigmoid-like" and deep:
        r.append((-1.0, "the tutorials: avoid sigmoid/tanh-like activations in deep networks"))
    if spec.family == "shrink":
        r.append((-3.0, "a shrinkage operator (sparse coding, denoising), not a hidden-layer activation"))
    if spec.family == "periodic":
        r.append((-3.0, "periodic: for implicit neural representations / periodic signals, not a default"))
    if spec.random:
        r.append((-0.5, "random in training (RReLU): results vary between runs"))
    if not p.monotonic and spec.family not in ("self-gated", "periodic"):
        r.append((-1.0, "not monotonic"))
    r.sort(key=lambda t: -abs(t[0]))
    init = spec.properties(f.params)["init"]
    measured = {"fprime0": p.fprime0, "max_abs_fprime": p.max_abs_fprime, "saturation": p.saturation,
                "saturating": list(p.saturating), "sparsity": p.sparsity, "zero_centred": p.zero_centred,
                "monotonic": p.monotonic, "ns_per_element": p.ns_per_element}
    return Candidate(name=name, score=sum(d for d, _ in r), reasons=r,
                     init=f"{init.scheme} (gain {init.gain:.3g})", measured=measured)


def compare_command(task: str, names: Sequence[str], depth: int, dataset: Optional[str] = None,
                    csv: Optional[str] = None, target: Optional[str] = None, width: int = 64) -> str:
    """The ``actlab compare`` command that checks ``names`` by cross-validation."""
    parts = ["actlab", "compare"]
    if csv is not None:
        if not target:
            raise ValueError("--csv needs --target COLUMN")
        parts += ["--csv", csv, "--target", target,
                  "--task", "regression" if task == "regression" else "classification"]
    else:
        parts += ["--dataset", dataset or DEFAULT_DATASET[task]]
    parts += ["--activations", ",".join(names), "--hidden", ",".join([str(width)] * max(depth, 1))]
    return " ".join(shlex.quote(p) for p in parts)


def advise(task: str, depth: int = 2, normalization: str = "none", latency_critical: bool = False,
           architecture: str = "mlp", top: int = 5, dataset: Optional[str] = None, csv: Optional[str] = None,
           target: Optional[str] = None) -> Advice:
    """Advice for a network: the output activation for ``task`` and the ``top`` hidden candidates.

    Args:
        task: 'binary', 'multiclass' or 'regression'.
        depth: number of hidden layers.
        normalization: 'none', 'batch' or 'layer' normalization between layers.
        latency_critical: weigh the measured cost per element heavily.
        architecture: 'mlp', 'cnn' or 'transformer'.
        dataset / csv + target: what the suggested ``actlab compare`` command runs on.
    """
    if task not in TASKS:
        raise ValueError(f"--task must be one of {', '.join(TASKS)}, got {task!r}")
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"--normalization must be one of {', '.join(NORMALIZATIONS)}, got {normalization!r}")
    if architecture not in ARCHITECTURES:
        raise ValueError(f"--architecture must be one of {', '.join(ARCHITECTURES)}, got {architecture!r}")
    if isinstance(depth, bool) or int(depth) != depth or depth < 1:
        raise ValueError(f"--depth must be a positive integer, got {depth!r}")
    if int(top) < 1:
        raise ValueError(f"top must be at least 1, got {top!r}")
    if target is not None and csv is None:
        raise ValueError("--target applies to --csv")
    if csv is not None and dataset is not None:
        raise ValueError("give --dataset or --csv, not both")
    depth = int(depth)
    output, output_reason = OUTPUT[task]
    get(output)                                   # the output activation is a catalog entry
    pool, excluded = _measure_pool()
    excluded = dict(excluded)
    relu_ns = next((p.ns_per_element for f, p, _ in pool if f.name == "relu"), None) or \
        min(p.ns_per_element for _, p, _ in pool)
    ranked = sorted((_score(f, p, fp, relu_ns, depth, normalization, latency_critical, architecture)
                     for f, p, fp in pool), key=lambda c: (-c.score, c.name))
    hidden = ranked[: int(top)]
    command = compare_command(task, [c.name for c in hidden[:3]], depth, dataset, csv, target)
    return Advice(task=task, depth=depth, normalization=normalization, latency_critical=bool(latency_critical),
                  architecture=architecture, output=output, output_reason=output_reason, hidden=hidden,
                  compare_command=command, excluded=excluded)
