r"""Figures of :math:`f`, :math:`f'`, :math:`f''`: one panel per order, activations overlaid, axes through the origin.

Nothing here computes science: values come from the catalog (``f``, ``f.derivative``,
``f.second_derivative``), the one-variable view of vector activations and the jump locations from
:mod:`actlab.analysis.properties`, kink conventions from the declared metadata.  Figures are
:class:`matplotlib.figure.Figure` objects built without ``pyplot`` (no global state, any backend).

Each curve is a ``Line2D`` whose gid is ``"NAME/ORDER"`` (``"relu/1"`` is ReLU's first derivative); the
line is broken (NaN) where the curve jumps.  Declared kinks are marked by a hollow circle at the value
the catalog returns there (its convention) with gid ``"NAME/ORDER/kink"``.
"""
from __future__ import annotations

import html
import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

import numpy as np

from ..analysis.properties import jump_points, scalar_view
from ..core import Activation, ActivationSpec, get, specs
from . import fonts

LABELS = {
    "en": {
        "title": "Activation functions and their derivatives",
        "panels": ("function f(x)", "first derivative f′(x)", "second derivative f″(x)"),
        "no_second": "no f″ for vector activations",
        "kink": "kink (value used there)",
        "gallery": "actlab gallery: every registered activation",
        "vector": "vector activation, drawn as",
        "skipped": "skipped",
    },
    "zh": {
        "title": "激活函数及其导数",
        "panels": ("函数 f(x)", "一阶导数 f′(x)", "二阶导数 f″(x)"),
        "no_second": "向量激活函数没有二阶导数 f″",
        "kink": "折点（该处取值）",
        "gallery": "actlab 图集：所有已注册的激活函数",
        "vector": "向量激活函数，绘制为",
        "skipped": "未绘制",
    },
}
FORMATS = ("png", "svg", "pdf")


def _check_lang(lang: str) -> str:
    if lang not in LABELS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LABELS)}")
    return lang


def _check_orders(orders: Iterable[int]) -> tuple[int, ...]:
    out = []
    for o in orders:
        if isinstance(o, bool) or not isinstance(o, (int, np.integer)) or o not in (0, 1, 2):
            raise ValueError(f"derivative orders must be 0, 1 or 2, got {o!r}")
        if int(o) not in out:
            out.append(int(o))
    if not out:
        raise ValueError("at least one derivative order (0, 1 or 2) is needed")
    return tuple(out)


def _check_range(x_range: Sequence[float]) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ValueError(f"x range must be two numbers LOW HIGH, got {x_range!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"x range must be finite with LOW < HIGH, got ({lo:g}, {hi:g})")
    return lo, hi


def _activations(items: Any, params: Optional[Mapping[str, Any]]) -> list[Activation]:
    """Bind names/specs/configs; ``params`` go to every activation that declares them."""
    if isinstance(items, (str, Activation, ActivationSpec, Mapping)):
        items = [items]
    items = list(items)
    if not items:
        raise ValueError("nothing to plot: give at least one activation")
    params = dict(params or {})
    used: set[str] = set()
    out = []
    for item in items:
        base = get(item)
        mine = {k: v for k, v in params.items() if k in base.spec.param_names}
        used |= set(mine)
        out.append(get(base, **mine) if mine else base)
    unused = sorted(set(params) - used)
    if unused:
        raise ValueError(f"parameter(s) {', '.join(map(repr, unused))} belong to none of "
                         f"{', '.join(f.name for f in out)}")
    return out


def _label(f: Activation, view_label: str) -> str:
    if f.is_vector:
        return view_label
    changed = {k: v for k, v in f.params.items() if v != f.spec.defaults()[k]}
    if not changed:
        return f.name
    return f"{f.name}(" + ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                                    for k, v in changed.items()) + ")"


def _broken(x: np.ndarray, y_of, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """``x``, ``y`` with NaN inserted where ``y_of`` jumps (grid points at a jump are dropped)."""
    jumps = jump_points(y_of, lo, hi, cells=max(50, int(round((hi - lo) * 50))))
    if len(jumps) == 0:
        return x, y_of(x)
    where = np.unique(np.round(jumps.mean(axis=1), 9))
    width = (hi - lo) / (len(x) - 1)
    keep = np.all(np.abs(x[:, None] - where[None, :]) > 1e-6 * width, axis=1)
    xs = np.concatenate([x[keep], where])
    ys = np.concatenate([y_of(x[keep]), np.full(where.shape, np.nan)])
    order = np.argsort(xs, kind="stable")
    return xs[order], ys[order]


def _through_origin(ax, lo: float, hi: float) -> None:
    """Tutorial style: left and bottom spines through (0, 0) where 0 is in view, no top/right spines."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ylo, yhi = ax.get_ylim()
    span = (yhi - ylo) or 1.0
    ax.set_ylim(min(ylo, -0.05 * span), max(yhi, 0.05 * span))
    if lo < 0 < hi:
        ax.spines["left"].set_position(("data", 0.0))
    ax.spines["bottom"].set_position(("data", 0.0))
    ax.set_xlim(lo, hi)
    ax.grid(True, alpha=0.25, linewidth=0.5)


def plot(activations: Any, orders: Iterable[int] = (0, 1, 2), x_range: Sequence[float] = (-6.0, 6.0),
         params: Optional[Mapping[str, Any]] = None, *, ax=None, fig=None, lang: str = "en",
         num: int = 1201, title: Any = True):
    """Draw activations and their derivatives side by side; returns the :class:`~matplotlib.figure.Figure`.

    Args:
        activations: a name/alias/config/:class:`~actlab.Activation`, or a list of them (overlaid).
        orders: derivative orders to draw, one panel each (0 = f, 1 = f', 2 = f'').
        x_range: ``(low, high)`` of the x axis.
        params: parameter values, applied to every activation that declares them (``{"alpha": 2}``).
        ax: an Axes, or one Axes per order, to draw into (``fig`` is then theirs).
        fig: a Figure to add the panels to (default: a new one).
        lang: ``"en"`` or ``"zh"`` (Chinese labels, drawn with a CJK font; see :func:`cjk_font`).
        num: number of x samples.
        title: ``True`` for the default title, a string, or ``False`` for none.
    """
    lang = _check_lang(lang)
    orders = _check_orders(orders)
    lo, hi = _check_range(x_range)
    bound = _activations(activations, params)
    views = [scalar_view(f) for f in bound]
    family = fonts.family(lang)
    text_kw = {"fontfamily": family} if family else {}
    labels = LABELS[lang]

    if ax is not None:
        axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
        if len(axes) != len(orders):
            raise ValueError(f"{len(orders)} order(s) need {len(orders)} Axes, got {len(axes)}")
        figure = axes[0].figure
    else:
        if fig is None:
            from matplotlib.figure import Figure
            fig = Figure(figsize=(4.2 * len(orders), 3.8), layout="constrained")
        figure = fig
        made = fig.subplots(1, len(orders), squeeze=False)
        axes = list(made[0])

    x = np.linspace(lo, hi, int(num))
    colours = [f"C{i % 10}" for i in range(len(views))]
    for a, order in zip(axes, orders):
        missing = []
        for view, colour in zip(views, colours):
            f = view.activation
            kernel = (view.f, view.derivative, view.second_derivative)[order]
            if kernel is None:
                missing.append(view.label)
                continue
            xs, ys = _broken(x, kernel, lo, hi)
            (line,) = a.plot(xs, ys, color=colour, linewidth=1.8, label=_label(f, view.label))
            line.set_gid(f"{f.name}/{order}")
            if not f.is_vector:
                kinks = [k.x for k in f.spec.properties(f.params)["kinks"] if lo <= k.x <= hi]
                if kinks:
                    kx = np.asarray(kinks, float)
                    (mark,) = a.plot(kx, kernel(kx), linestyle="none", marker="o", markersize=5,
                                     markerfacecolor="white", markeredgecolor=colour, label="_kink")
                    mark.set_gid(f"{f.name}/{order}/kink")
        if missing:
            a.text(0.99, 0.99, labels["no_second"], transform=a.transAxes, ha="right", va="top", fontsize=7,
                   color="0.4", gid="note", **text_kw)
        a.set_title(labels["panels"][order], **text_kw)
        _through_origin(a, lo, hi)
    handles = [h for h in axes[0].get_lines() if not h.get_label().startswith("_")]
    if handles:
        from matplotlib.font_manager import FontProperties
        prop = FontProperties(family=family, size=8) if family else FontProperties(size=8)
        axes[0].legend(handles=handles, loc="best", prop=prop, framealpha=0.8)
    if title:
        figure.suptitle(labels["title"] if title is True else str(title), **text_kw)
    return figure


def save(figure, path: os.PathLike | str, dpi: float = 100) -> Path:
    """Save ``figure`` to ``path`` (format from the suffix: png, svg or pdf)."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"output file must end in .png, .svg or .pdf, got {str(path)!r}")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi)
    return path


def gallery(out_dir: os.PathLike | str, lang: str = "en", *, fmt: str = "png", dpi: float = 80,
            orders: Iterable[int] = (0, 1, 2), x_range: Sequence[float] = (-6.0, 6.0)) -> dict:
    """Draw every registered activation into ``out_dir`` (one ``NAME.FMT`` each) and write an index.

    Vector activations are drawn through their one-variable view (softmax of ``[x, 0]``, ...); one that
    cannot be drawn is listed in the index with the reason.  Returns ``{"figures": {name: path},
    "skipped": {name: reason}, "index": index.html, "markdown": index.md}``.
    """
    lang = _check_lang(lang)
    if fmt not in FORMATS:
        raise ValueError(f"gallery format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    labels = LABELS[lang]
    figures: dict[str, Path] = {}
    skipped: dict[str, str] = {}
    notes: dict[str, str] = {}
    for spec in specs():
        try:
            view = scalar_view(spec.name)
            figure = plot(spec.name, orders=orders, x_range=x_range, lang=lang, title=repr(view.activation))
        except (ValueError, TypeError, NotImplementedError) as error:
            skipped[spec.name] = str(error)
            continue
        figures[spec.name] = save(figure, out / f"{spec.name}.{fmt}", dpi=dpi)
        if view.is_slice:
            notes[spec.name] = f"{labels['vector']} {view.label}"
    md = [f"# {labels['gallery']}", ""]
    body = []
    for spec in specs():
        name = spec.name
        if name in figures:
            md += [f"## {name}", "", f"`{spec.formula}`", ""]
            if name in notes:
                md += [f"*{notes[name]}*", ""]
            md += [f"![{name}]({figures[name].name})", ""]
            note = f"<p><em>{html.escape(notes[name])}</em></p>" if name in notes else ""
            body.append(f'<section id="{name}"><h2>{name}</h2><p><code>{html.escape(spec.formula)}</code></p>'
                        f'{note}<img src="{figures[name].name}" alt="{name}" style="max-width:100%"></section>')
        else:
            md += [f"## {name}", "", f"*{labels['skipped']}: {skipped[name]}*", ""]
            body.append(f'<section id="{name}"><h2>{name}</h2><p><em>{labels["skipped"]}: '
                        f'{html.escape(skipped[name])}</em></p></section>')
    (out / "index.md").write_text("\n".join(md), encoding="utf-8")
    page = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{labels["gallery"]}</title>'
            '<style>body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}'
            'section{border-top:1px solid #ddd;padding:.5em 0}</style></head><body>'
            f'<h1>{labels["gallery"]}</h1>' + "".join(body) + "</body></html>")
    (out / "index.html").write_text(page, encoding="utf-8")
    return {"figures": figures, "skipped": skipped, "index": out / "index.html", "markdown": out / "index.md"}
