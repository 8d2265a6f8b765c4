"""Figures of the classic experiments (:mod:`actlab.analysis.experiments`): ``figure(result)``.

Nothing here computes science: each function draws the numbers a result object holds.  Figures are
:class:`matplotlib.figure.Figure` objects built without ``pyplot`` (no global state, any backend).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..analysis import experiments as E


def _figure(ncols: int, width: float = 5.0, height: float = 4.0):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, axes


def xor_figure(r: "E.XorResult"):
    """Decision boundaries on XOR, one panel per activation (identity first)."""
    names = list(r.probability)
    fig, axes = _figure(len(names), 3.2, 3.3)
    grid = np.asarray(r.grid)
    for ax, name in zip(axes, names):
        p = np.asarray(r.probability[name])
        ax.contourf(grid, grid, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.75)
        ax.contour(grid, grid, p, levels=[0.5], colors="k", linewidths=1.5)
        X, y = E.XOR_X, E.XOR_Y
        ax.scatter(X[:, 0], X[:, 1], c=["tab:blue" if t == 0 else "tab:red" for t in y], edgecolors="k", s=70,
                   zorder=3)
        ax.set_title(f"{name}: accuracy {r.accuracy[name]:.2f}", fontsize=10)
        ax.set_aspect("equal")
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
    fig.suptitle(f"XOR, hidden layers {r.hidden}: the identity network is one affine map "
                 f"(error {r.collapse_error:.1e})", fontsize=10)
    return fig


def propagation_figure(r: "E.PropagationResult"):
    """Pre-activation variance and gradient norm per layer (log scale), matched (solid) vs mismatched (dashed)."""
    fig, (ax_v, ax_g) = _figure(2, 5.5, 4.0)
    colors = {}
    layers = np.arange(1, r.depth + 1)
    for run in r.runs:
        color = colors.setdefault(run.activation, f"C{len(colors)}")
        style = "-" if run.matched else "--"
        label = f"{run.activation} + {run.init}"
        ax_v.semilogy(layers, np.maximum(run.variance, 1e-300), style, color=color, label=label)
        ax_g.semilogy(layers, np.maximum(run.grad_norm, 1e-300), style, color=color, label=label)
    ax_v.set(xlabel="layer", ylabel="Var(z) of pre-activations", title="forward signal")
    ax_g.set(xlabel="layer", ylabel="RMS of dL/dz", title="backward gradient (input side = layer 1)")
    ax_v.legend(fontsize=7)
    fig.suptitle(f"{r.depth} random layers of width {r.width}: matched init (solid) vs mismatched (dashed)",
                 fontsize=10)
    return fig


def selu_figure(r: "E.SelfNormResult"):
    """Mean and variance of the activations per layer, one line per starting moment; SELU bold."""
    fig, (ax_m, ax_v) = _figure(2, 5.5, 4.0)
    layers = np.arange(1, r.depth + 1)
    for k, name in enumerate(r.mean):
        color = f"C{k}"
        lw = 1.8 if name == "selu" else 0.8
        for i, _ in enumerate(r.starts):
            label = name if i == 0 else None
            ax_m.plot(layers, r.mean[name][i], color=color, lw=lw, label=label, alpha=0.85)
            ax_v.semilogy(layers, np.maximum(r.variance[name][i], 1e-300), color=color, lw=lw, label=label,
                          alpha=0.85)
    ax_v.axhline(1.0, color="k", lw=0.6, ls=":")
    ax_m.axhline(0.0, color="k", lw=0.6, ls=":")
    ax_m.set(xlabel="layer", ylabel="mean of activations", title="mean -> 0 (SELU)")
    ax_v.set(xlabel="layer", ylabel="variance of activations", title="variance -> 1 (SELU)")
    ax_v.legend(fontsize=8)
    starts = ", ".join(f"({m:g}, {v:g})" for m, v in r.starts)
    fig.suptitle(f"LeCun-normal weights, width {r.width}; input (mean, var) in {starts}", fontsize=10)
    return fig


def dying_figure(r: "E.DyingResult"):
    """Share of dead units (solid) and never-active units (dotted) per epoch."""
    fig, (ax,) = _figure(1, 6.0, 4.0)
    epochs = np.arange(r.epochs + 1)
    for k, name in enumerate(r.dead):
        ax.plot(epochs, 100 * np.asarray(r.dead[name]), "-", color=f"C{k}", lw=2, label=f"{name}: dead")
        ax.plot(epochs, 100 * np.asarray(r.never_active[name]), ":", color=f"C{k}", label=f"{name}: never active")
    ax.set(xlabel="epoch", ylabel="% of hidden units", ylim=(-2, 100),
           title=f"Dying units, Adam lr={r.lr:g}, MLP {r.hidden}")
    ax.legend(fontsize=7)
    return fig


def saturation_figure(r: "E.SaturationResult"):
    """Share of hidden (unit, sample) pairs in a saturating tail per epoch."""
    fig, (ax,) = _figure(1, 6.0, 4.0)
    epochs = np.arange(r.epochs + 1)
    for k, name in enumerate(r.saturated):
        ax.plot(epochs, 100 * np.asarray(r.saturated[name]), "-", color=f"C{k}", lw=2, label=name)
    ax.set(xlabel="epoch", ylabel="% saturated (unit, sample) pairs", ylim=(-2, 100),
           title=f"Saturation: 0 < |f'| < {r.threshold:g} max|f'| in a saturating tail")
    ax.legend(fontsize=8)
    return fig


FIGURES = {"xor": xor_figure, "propagation": propagation_figure, "selu": selu_figure, "dying": dying_figure,
           "saturation": saturation_figure}


def figure(result):
    """The figure of any experiment result."""
    try:
        draw = FIGURES[result.name]
    except (AttributeError, KeyError):
        raise TypeError(f"not an experiment result: {type(result).__name__}") from None
    return draw(result)


def save_figure(result, path: os.PathLike | str, dpi: float = 100) -> Path:
    """Draw ``result`` and save it to ``path`` (png, svg or pdf by suffix)."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ValueError(f"output file must end in .png, .svg or .pdf, got {str(path)!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure(result).savefig(path, dpi=dpi)
    return path
