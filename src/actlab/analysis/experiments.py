r"""The classic activation-function experiments, reproduced with numbers.

Each experiment is a seeded function returning a result object (a dataclass) that holds the measured
numbers, ``summary()`` (the lines ``actlab demo NAME`` prints) and ``to_dict()`` (JSON-ready).  Figures
are drawn by :mod:`actlab.plotting.experiments` (``figure(result)``), so this module needs only NumPy.

1. :func:`linear_collapse_xor` -- a deep network of identity activations is one affine map and cannot
   fit XOR (best linear accuracy 3/4); nonlinear activations fit it.
2. :func:`signal_propagation` -- forward pre-activation variance and backward gradient norm through a
   deep random network, with each activation's matched initialisation and a mismatched one
   (ReLU + He keeps the variance, ReLU + Glorot halves it per layer, sigmoid's gradient shrinks by at
   most :math:`\max f' = 1/4` per layer).
3. :func:`selu_self_normalisation` -- with LeCun-normal weights SELU's activation mean/variance go to
   the fixed point (0, 1) of Klambauer et al. (2017) from different starting moments; others do not.
4. :func:`dying_relu` -- share of hidden units that never activate / receive no gradient on the
   training set while training with a high learning rate: ReLU vs Leaky ReLU, ELU, GELU.
5. :func:`saturation` -- share of hidden units in a saturating tail (:math:`0<|f'(z)|<0.1\max|f'|`) over
   training: sigmoid/tanh vs rectifiers.

Every experiment finishes in well under a minute on two CPU cores with its defaults.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ..core import get
from ..nn import MLP, Activation as ActivationLayer, Adam, Dense, accuracy, fit, predict
from ..nn.init import initialize

__all__ = ["EXPERIMENTS", "run", "describe", "linear_collapse_xor", "signal_propagation",
           "selu_self_normalisation", "dying_relu", "saturation", "XorResult", "PropagationResult",
           "SelfNormResult", "DyingResult", "SaturationResult"]


def _fmt(v: float) -> str:
    return f"{v:.3g}" if (v == 0 or 1e-3 <= abs(v) < 1e4) else f"{v:.2e}"


class _Result:
    """Common behaviour: ``name``, ``summary()`` lines and ``to_dict()``.  The figure of a result is
    ``actlab.plotting.experiments.figure(result)`` (analysis stays free of matplotlib)."""

    name = ""

    def summary(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def __str__(self) -> str:
        return "\n".join(self.summary())

    def to_dict(self) -> dict[str, Any]:
        def clean(v):
            if isinstance(v, np.ndarray):
                return clean(v.tolist())
            if isinstance(v, dict):
                return {str(k): clean(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [clean(x) for x in v]
            if isinstance(v, (np.floating, float)):
                v = float(v)
                return v if math.isfinite(v) else str(v)
            if isinstance(v, np.integer):
                return int(v)
            return v
        return {"experiment": self.name, **clean(asdict(self))}



# ============================================================================ 1. linear collapse and XOR
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def collapse(model: MLP) -> tuple[np.ndarray, np.ndarray]:
    """The single affine map ``x -> x A + c`` equal to a network of ``Dense`` and identity layers."""
    A, c = None, None
    for layer in model.layers:
        if isinstance(layer, Dense):
            W = layer.weight.data
            b = layer.bias.data if layer.bias is not None else np.zeros(W.shape[1])
            A, c = (W.copy(), b.copy()) if A is None else (A @ W, c @ W + b)
        elif isinstance(layer, ActivationLayer):
            if layer.f.name != "identity":
                raise ValueError(f"collapse needs identity activations, found {layer.f.name}")
    return A, c


@dataclass
class XorResult(_Result):
    name = "xor"
    hidden: list
    collapse_error: float            # max |network(x) - (x A + c)| over random points (identity network)
    collapsed_shape: list            # shape of A
    accuracy: dict                   # activation -> XOR accuracy reached
    epochs: dict                     # activation -> epochs used
    seeds: dict                      # activation -> seed of the reported model
    grid: list                       # 1-D grid coordinates of the decision-boundary figure
    probability: dict                # activation -> P(class 1) on grid x grid
    best_linear_accuracy: float = 0.75

    def summary(self) -> list[str]:
        lines = [f"XOR with hidden layers {self.hidden}:",
                 f"  identity network == one affine map x A + c, A of shape {tuple(self.collapsed_shape)}: "
                 f"max |net(x) - (xA + c)| = {self.collapse_error:.2e}",
                 f"  best accuracy of any affine classifier on XOR: {self.best_linear_accuracy:.2f}"]
        for name, acc in self.accuracy.items():
            lines.append(f"  {name:<12} accuracy {acc:.2f} after {self.epochs[name]} epochs (seed {self.seeds[name]})")
        return lines


def _train_xor(activation, hidden, seed, epochs, lr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        model = MLP([2, *hidden, 1], activation=activation, seed=seed)
    opt = Adam(model.parameters(), lr=lr)
    solved = lambda epoch, h: accuracy(predict(model, XOR_X), XOR_Y) == 1.0
    history = fit(model, XOR_X, XOR_Y, loss="bce_with_logits", optimizer=opt, epochs=epochs, batch_size=None,
                  seed=seed, callback=solved)
    return model, history.epochs, accuracy(predict(model, XOR_X), XOR_Y)


def linear_collapse_xor(activations: Sequence[str] = ("identity", "relu", "tanh", "sigmoid", "gelu"),
                        hidden: Sequence[int] = (8, 8, 8), seed: int = 0, epochs: int = 1500, lr: float = 0.05,
                        tries: int = 5, grid_size: int = 61) -> XorResult:
    """Train ``[2, *hidden, 1]`` networks on XOR, one per activation (up to ``tries`` seeds each, stopping
    at 100 % accuracy); collapse the identity network into one matrix and check it reproduces the network."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(-0.5, 1.5, grid_size)
    gx, gy = np.meshgrid(grid, grid)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    acc, eps, seeds, prob = {}, {}, {}, {}
    error, shape = float("nan"), [2, 1]
    for name in activations:
        best = None
        for s in range(seed, seed + tries):
            model, n_epochs, a = _train_xor(name, list(hidden), s, epochs, lr)
            if best is None or a > best[2]:
                best = (model, n_epochs, a, s)
            if a == 1.0:
                break
        model, n_epochs, a, s = best
        acc[name], eps[name], seeds[name] = a, n_epochs, s
        logits = predict(model, points).reshape(-1)
        prob[name] = (0.5 * (1.0 + np.tanh(0.5 * logits))).reshape(grid_size, grid_size)
        if get(name).name == "identity":
            A, c = collapse(model)
            probe = rng.normal(scale=3.0, size=(256, 2))
            error = float(np.max(np.abs(predict(model, probe) - (probe @ A + c))))
            shape = list(A.shape)
    return XorResult(hidden=list(hidden), collapse_error=error, collapsed_shape=shape, accuracy=acc, epochs=eps,
                     seeds=seeds, grid=grid.tolist(), probability=prob)


# ============================================================================ 2. signal and gradient through depth
def _init_options(name: str):
    """(label, scheme, gain) for the matched init of ``name``'s spec and one mismatched alternative."""
    f = get(name)
    init = f.spec.properties(f.params)["init"]
    matched = (f"{init.scheme} (gain {init.gain:.3g})", init.scheme, float(init.gain))
    if init.gain > 1.0 + 1e-9:
        mismatched = ("glorot (gain 1)", "glorot", 1.0)                  # relu + glorot, tanh + gain 1
    else:
        mismatched = (f"he (gain {math.sqrt(2):.3g})", "he", math.sqrt(2.0))  # sigmoid/selu + He
    return matched, mismatched


@dataclass
class PropagationRun:
    activation: str
    init: str
    matched: bool
    variance: list           # Var(z_l) of the pre-activations, l = 1..L
    grad_norm: list          # RMS of dLoss/dz_l, l = 1..L
    derivative_factor: list  # ||delta_{l-1}|| / ||delta_l W_l^T||  (<= max |f'|), l = 2..L
    max_fprime: float

    @property
    def variance_ratio(self) -> float:
        return self.variance[-1] / self.variance[0]

    @property
    def gradient_ratio(self) -> float:
        """||delta_1|| / ||delta_L||: how much the gradient grows (>1) or shrinks (<1) from top to bottom."""
        return self.grad_norm[0] / self.grad_norm[-1]

    @property
    def gradient_ratio_per_layer(self) -> float:
        """Geometric mean of ||delta_{l-1}|| / ||delta_l|| over the layers."""
        r = self.gradient_ratio
        return r ** (1.0 / (len(self.grad_norm) - 1)) if r > 0 else 0.0


@dataclass
class PropagationResult(_Result):
    name = "propagation"
    depth: int
    width: int
    batch: int
    runs: list

    def run(self, activation: str, matched: bool = True) -> PropagationRun:
        for r in self.runs:
            if r.activation == activation and r.matched == matched:
                return r
        raise KeyError(f"no run for {activation} ({'matched' if matched else 'mismatched'})")

    def summary(self) -> list[str]:
        lines = [f"{self.depth} layers of width {self.width}, batch {self.batch}, N(0,1) input, no bias:",
                 f"  {'activation':<11} {'init':<20} {'Var(z_L)/Var(z_1)':>18} {'|g_1|/|g_L|':>12} "
                 f"{'per layer':>10} {'max f-factor':>12}"]
        for r in self.runs:
            tag = "" if r.matched else " *"
            lines.append(f"  {r.activation:<11} {(r.init + tag):<20} {_fmt(r.variance_ratio):>18} "
                         f"{_fmt(r.gradient_ratio):>12} {r.gradient_ratio_per_layer:>10.3f} "
                         f"{max(r.derivative_factor):>12.3f}")
        lines.append("  (* mismatched init; f-factor = ||delta_{l-1}|| / ||delta_l W^T|| <= max|f'|)")
        return lines

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        for run_d, r in zip(d["runs"], self.runs):
            run_d.update(variance_ratio=r.variance_ratio, gradient_ratio=r.gradient_ratio,
                         gradient_ratio_per_layer=r.gradient_ratio_per_layer)
        return d


def _max_fprime(f) -> float:
    x = np.linspace(-20, 20, 40001)
    return float(np.max(np.abs(f.derivative(x))))


def signal_propagation(activations: Sequence[str] = ("relu", "tanh", "sigmoid", "selu"), depth: int = 50,
                       width: int = 256, batch: int = 256, seed: int = 0) -> PropagationResult:
    """Forward variance and backward gradient norm per layer of a deep random ``width``-wide network.

    For each activation, two runs with the same random draws: its spec's init (matched) and a mismatched
    one (gain 1 where the spec asks for more, e.g. ReLU + Glorot; He where it asks for gain 1, e.g.
    sigmoid + He).  Layer ``l`` computes ``z_l = h_{l-1} W_l``, ``h_l = f(z_l)``; the backward pass starts
    from a standard normal gradient on ``h_L``.
    """
    if depth < 2 or width < 1 or batch < 1:
        raise ValueError("signal_propagation needs depth >= 2, width >= 1, batch >= 1")
    runs = []
    for name in activations:
        f = get(name)
        if f.is_vector:
            raise ValueError(f"{name} is a vector activation; signal_propagation takes elementwise ones")
        for matched, (label, scheme, gain) in zip((True, False), _init_options(name)):
            rng = np.random.default_rng(seed)
            h = rng.normal(size=(batch, width))
            Ws, zs, variance = [], [], []
            for _ in range(depth):
                W = initialize(scheme, (width, width), gain, rng=rng)
                z = h @ W
                Ws.append(W)
                zs.append(z)
                variance.append(float(np.var(z)))
                h = f(z)
            g = rng.normal(size=(batch, width))
            grad_norm = [0.0] * depth
            factor = []
            delta = g * f.derivative(zs[-1])
            grad_norm[-1] = float(np.sqrt(np.mean(delta ** 2)))
            for l in range(depth - 1, 0, -1):
                back = delta @ Ws[l].T
                delta = back * f.derivative(zs[l - 1])
                grad_norm[l - 1] = float(np.sqrt(np.mean(delta ** 2)))
                nb = float(np.sqrt(np.mean(back ** 2)))
                factor.append(grad_norm[l - 1] / nb if nb > 0 else 0.0)
            runs.append(PropagationRun(activation=f.name, init=label, matched=matched, variance=variance,
                                       grad_norm=grad_norm, derivative_factor=factor[::-1],
                                       max_fprime=_max_fprime(f)))
    return PropagationResult(depth=depth, width=width, batch=batch, runs=runs)


# ============================================================================ 3. SELU self-normalisation
@dataclass
class SelfNormResult(_Result):
    name = "selu"
    depth: int
    width: int
    starts: list             # [(mean, variance)] of the input
    mean: dict               # activation -> [start][layer] mean of h_l (pooled over units and samples)
    variance: dict           # activation -> [start][layer] variance of h_l
    theory: dict             # activation -> [layer] variance from the mean-field map q -> E f(z)^2, z ~ N(0, q)

    def final(self, activation: str) -> list[tuple[float, float]]:
        return [(m[-1], v[-1]) for m, v in zip(self.mean[activation], self.variance[activation])]

    def summary(self) -> list[str]:
        lines = [f"{self.depth} layers of width {self.width}, LeCun-normal weights, input N(mean, var):",
                 "  " + f"{'activation':<11}" + "".join(f" {f'({m:g},{v:g})':>20}" for m, v in self.starts)
                 + f"{'mean-field':>12}"]
        for name in self.mean:
            cells = "".join(f" {f'({_fmt(m)}, {_fmt(v)})':>20}" for m, v in self.final(name))
            lines.append(f"  {name:<11}{cells}{_fmt(self.theory[name][-1]):>12}")
        lines.append("  (cells: mean, variance of the activations after the last layer; Klambauer et al. 2017: "
                     "SELU -> (0, 1))")
        return lines


def _mean_field(f, q0: float, depth: int) -> list[float]:
    """Iterate q -> E[f(z)^2], z ~ N(0, q) (Gauss-Hermite), and return Var f(z) per layer."""
    t, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    q, out = q0, []
    for _ in range(depth):
        y = f(math.sqrt(max(q, 0.0)) * t)
        m, s = float(w @ y), float(w @ (y * y))
        out.append(s - m * m)
        q = s
    return out


def selu_self_normalisation(activations: Sequence[str] = ("selu", "elu", "relu", "tanh"), depth: int = 100,
                            width: int = 256, batch: int = 64,
                            starts: Sequence[tuple[float, float]] = ((0, 1), (0, 0.25), (0, 4), (1, 1), (-1, 2),
                                                                      (2, 3)),
                            seed: int = 0) -> SelfNormResult:
    """Propagate inputs of several (mean, variance) through ``depth`` LeCun-normal layers of each activation
    (the same weights for every activation and start) and record the activations' pooled mean/variance."""
    means, variances, theory = {}, {}, {}
    for name in activations:
        f = get(name)
        rng = np.random.default_rng(seed)
        h = np.concatenate([rng.normal(m, math.sqrt(v), size=(batch, width)) for m, v in starts])
        traj_m = [[] for _ in starts]
        traj_v = [[] for _ in starts]
        for _ in range(depth):
            h = f(h @ initialize("lecun", (width, width), 1.0, rng=rng))
            for i in range(len(starts)):
                part = h[i * batch:(i + 1) * batch]
                traj_m[i].append(float(part.mean()))
                traj_v[i].append(float(part.var()))
        means[f.name], variances[f.name] = traj_m, traj_v
        theory[f.name] = _mean_field(f, 1.0, depth)
    return SelfNormResult(depth=depth, width=width, starts=[list(map(float, s)) for s in starts], mean=means,
                          variance=variances, theory=theory)


# ============================================================================ training helpers (4, 5)
def regression_data(n: int = 1000, dim: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A smooth nonlinear regression target on standard normal features (seeded)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dim))
    y = np.sin(X[:, :3].sum(axis=1)) + 0.5 * X[:, 3] * X[:, 4]
    return X, y[:, None]


def _hidden_preactivations(model: MLP, X: np.ndarray) -> list[tuple[Any, np.ndarray]]:
    """(activation, pre-activation z) of every hidden activation layer, for the whole of ``X``."""
    out, x = [], np.asarray(X, dtype=model.dtype)
    for layer in model.layers[:-1]:
        if isinstance(layer, ActivationLayer):
            out.append((layer.current(), x))
        x = layer.forward(x)
    return out


def _train_tracking(activation: str, X, y, hidden, epochs, lr, batch_size, seed, init,
                    measure: Callable) -> tuple[list, list]:
    """Train an MLP with Adam, calling ``measure(list of (f, z))`` on the training set before training and
    after every epoch; returns (measurements, train losses)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        model = MLP([X.shape[1], *hidden, y.shape[1]], activation=activation, seed=seed, init=init)
    values = [measure(_hidden_preactivations(model, X))]

    def callback(epoch, history):
        values.append(measure(_hidden_preactivations(model, X)))

    with np.errstate(all="ignore"):
        history = fit(model, X, y, loss="mse", optimizer=Adam(model.parameters(), lr=lr), epochs=epochs,
                      batch_size=batch_size, seed=seed, callback=callback)
    return values, history.train_loss


# ============================================================================ 4. dying ReLU
@dataclass
class DyingResult(_Result):
    name = "dying"
    hidden: list
    lr: float
    epochs: int
    dead: dict          # activation -> [epoch 0..E] share of units with f'(z) == 0 on every training sample
    never_active: dict  # activation -> [epoch 0..E] share of units with z <= 0 on every training sample
    loss: dict          # activation -> final training loss

    def summary(self) -> list[str]:
        lines = [f"MLP {self.hidden} on a 1000-sample regression, Adam lr={self.lr:g}, {self.epochs} epochs:",
                 f"  {'activation':<11} {'dead at start':>13} {'dead at end':>12} {'never active':>13} "
                 f"{'final loss':>11}"]
        for name in self.dead:
            lines.append(f"  {name:<11} {self.dead[name][0]:>13.1%} {self.dead[name][-1]:>12.1%} "
                         f"{self.never_active[name][-1]:>13.1%} {_fmt(self.loss[name]):>11}")
        lines.append("  (dead = no gradient on any training sample, so it can never recover; never active = z <= 0 "
                     "on every sample)")
        return lines


def _dead_shares(layers) -> tuple[float, float]:
    dead = np.concatenate([np.max(np.abs(f.derivative(z)), axis=0) == 0 for f, z in layers])
    never = np.concatenate([np.max(z, axis=0) <= 0 for f, z in layers])
    return float(dead.mean()), float(never.mean())


def dying_relu(activations: Sequence[str] = ("relu", "leaky_relu", "elu", "gelu"),
               hidden: Sequence[int] = (64, 64, 64), lr: float = 0.03, epochs: int = 20, batch_size: int = 100,
               n: int = 1000, seed: int = 0) -> DyingResult:
    """Train the same He-initialised MLP (same data, weights and batches) with each activation at a high
    Adam learning rate and record after every epoch the share of hidden units that are dead."""
    X, y = regression_data(n, seed=seed)
    dead, never, loss = {}, {}, {}
    for name in activations:
        values, losses = _train_tracking(name, X, y, list(hidden), epochs, lr, batch_size, seed, "he_normal",
                                         _dead_shares)
        key = get(name).name
        dead[key] = [v[0] for v in values]
        never[key] = [v[1] for v in values]
        loss[key] = float(losses[-1])
    return DyingResult(hidden=list(hidden), lr=lr, epochs=epochs, dead=dead, never_active=never, loss=loss)


# ============================================================================ 5. saturation
@dataclass
class SaturationResult(_Result):
    name = "saturation"
    hidden: list
    lr: float
    epochs: int
    threshold: float
    saturated: dict     # activation -> [epoch 0..E] share of (unit, sample) in a saturating tail
    zero_grad: dict     # activation -> [epoch 0..E] share of (unit, sample) with f'(z) == 0 exactly
    loss: dict

    def summary(self) -> list[str]:
        lines = [f"MLP {self.hidden}, Adam lr={self.lr:g}, {self.epochs} epochs; saturated = 0 < |f'(z)| < "
                 f"{self.threshold:g} max|f'| on a side where f saturates:",
                 f"  {'activation':<11} {'saturated at start':>18} {'at end':>8} {'max':>6} {ZERO_HEADER:>12} "
                 f"{'final loss':>11}"]
        for name in self.saturated:
            s = self.saturated[name]
            lines.append(f"  {name:<11} {s[0]:>18.1%} {s[-1]:>8.1%} {max(s):>6.1%} {self.zero_grad[name][-1]:>12.1%} "
                         f"{_fmt(self.loss[name]):>11}")
        return lines


ZERO_HEADER = "f'=0 at end"


def _saturation_measure(threshold: float):
    cache: dict = {}

    def measure(layers):
        sat, zero, total = 0, 0, 0
        for f, z in layers:
            if f.name not in cache:
                sides = f.spec.properties(f.params)["saturating"]
                cache[f.name] = (_max_fprime(f), "-inf" in sides, "+inf" in sides)
            top, neg, pos = cache[f.name]
            d = np.abs(f.derivative(z))
            tail = ((z < 0) & neg) | ((z > 0) & pos)
            sat += int(np.count_nonzero(tail & (d > 0) & (d < threshold * top)))
            zero += int(np.count_nonzero(d == 0))
            total += z.size
        return sat / total, zero / total
    return measure


def saturation(activations: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu"),
               hidden: Sequence[int] = (64, 64, 64), lr: float = 0.03, epochs: int = 20, batch_size: int = 100,
               n: int = 1000, threshold: float = 0.1, seed: int = 0) -> SaturationResult:
    """Train the same MLP (Glorot init for all) with each activation and record, before training and after
    every epoch, the share of hidden (unit, sample) pairs that sit in a saturating tail of ``f``."""
    X, y = regression_data(n, seed=seed)
    sat, zero, loss = {}, {}, {}
    for name in activations:
        values, losses = _train_tracking(name, X, y, list(hidden), epochs, lr, batch_size, seed, "glorot_normal",
                                         _saturation_measure(threshold))
        key = get(name).name
        sat[key] = [v[0] for v in values]
        zero[key] = [v[1] for v in values]
        loss[key] = float(losses[-1])
    return SaturationResult(hidden=list(hidden), lr=lr, epochs=epochs, threshold=threshold, saturated=sat,
                            zero_grad=zero, loss=loss)


# ============================================================================ registry
EXPERIMENTS: dict[str, tuple[Callable, str]] = {
    "xor": (linear_collapse_xor, "Linear collapse and XOR: a deep identity network is one matrix and cannot fit "
                                 "XOR; nonlinear activations can."),
    "propagation": (signal_propagation, "Signal and gradient through depth with matched and mismatched "
                                        "initialisation (ReLU+He vs ReLU+Glorot, sigmoid's 1/4)."),
    "selu": (selu_self_normalisation, "SELU self-normalisation: mean/variance go to (0, 1) over 100 LeCun "
                                      "layers from different starting moments."),
    "dying": (dying_relu, "Dying ReLU: share of dead units while training with a high learning rate, ReLU vs "
                          "Leaky ReLU / ELU / GELU."),
    "saturation": (saturation, "Saturation: share of hidden units in a saturating tail over training, "
                               "sigmoid/tanh vs rectifiers."),
}


def describe() -> dict[str, str]:
    """Experiment name -> one-line description."""
    return {name: text for name, (_, text) in EXPERIMENTS.items()}


def run(name: str, seed: int = 0, **kwargs) -> _Result:
    """Run the experiment ``name`` (see :data:`EXPERIMENTS`) with ``seed``."""
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose one of {', '.join(EXPERIMENTS)}")
    return EXPERIMENTS[name][0](seed=seed, **kwargs)
