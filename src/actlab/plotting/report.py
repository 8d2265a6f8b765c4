"""``actlab report``: one static HTML page (no server) with the gallery, the measured property table and the
classic experiments' figures and numbers.

:func:`write_report` writes ``DIR/index.html`` with its figures beside it (relative links, so the folder can
be moved or opened from disk).  The experiments run at reduced sizes by default so that the page is written
in well under a minute; the page states the sizes it used (``full=True`` runs the experiments' defaults).

The page carries a small script that, once every image has loaded or failed, writes a JSON status into
``<pre id="page-check">``: the number of images, those that failed to load, and whether the page overflows
horizontally.  The test suite reads it back from headless Chromium (``--dump-dom``).
"""
from __future__ import annotations

import html
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

import actlab
from ..analysis import experiments as E
from ..core import get, specs
from .experiments import save_figure

# reduced sizes used by the report unless full=True (each experiment keeps its default otherwise)
REDUCED: dict[str, dict[str, Any]] = {
    "xor": {"activations": ("identity", "relu", "tanh", "sigmoid")},
    "propagation": {"width": 128, "batch": 128},
    "selu": {"width": 128, "batch": 32, "starts": ((0, 1), (0, 4), (1, 1), (-1, 2))},
    "dying": {"activations": ("relu", "leaky_relu", "elu"), "epochs": 12},
    "saturation": {"epochs": 12},
}

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:1em;
     color:#222;line-height:1.45}
h1{margin-top:0} h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
nav a{margin-right:1em}
img{max-width:100%;height:auto;display:block}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
.gallery figure{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:6px;min-width:0}
.gallery figcaption{font-size:.85em;overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.8em}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:right;white-space:nowrap}
th{background:#f4f4f4;position:sticky;top:0} td:first-child,th:first-child{text-align:left}
pre{background:#f7f7f7;padding:.6em;font-size:.8em;overflow-x:auto;max-width:100%}
.note{color:#666;font-size:.9em}
#page-check{display:none}
"""

CHECK_SCRIPT = """
(function () {
  function report() {
    var imgs = Array.prototype.slice.call(document.images);
    var broken = imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; })
                     .map(function (i) { return i.getAttribute('src'); });
    var de = document.documentElement;
    var status = {images: imgs.length, broken: broken, scrollWidth: de.scrollWidth, clientWidth: de.clientWidth,
                  overflow: de.scrollWidth > de.clientWidth};
    document.getElementById('page-check').textContent = JSON.stringify(status);
    document.body.setAttribute('data-check', broken.length === 0 && !status.overflow ? 'ok' : 'fail');
  }
  if (document.readyState === 'complete') { report(); } else { window.addEventListener('load', report); }
})();
"""


def _esc(text: Any) -> str:
    return html.escape(str(text))


def _plain(value: Any) -> str:
    """``('relu', 'elu')`` -> ``relu, elu``; ``((0, 1), (1, 1))`` -> ``(0, 1), (1, 1)``."""
    if isinstance(value, (tuple, list)):
        return ", ".join(f"({', '.join(map(str, v))})" if isinstance(v, (tuple, list)) else str(v) for v in value)
    return str(value)


# ---------------------------------------------------------------------------- gallery
def _fallback_gallery(out: Path) -> dict[str, Path]:
    """f and f' of every elementwise catalog entry, one small figure each (used without actlab.plotting.gallery)."""
    from matplotlib.figure import Figure
    x = np.linspace(-6, 6, 1201)
    figures = {}
    out.mkdir(parents=True, exist_ok=True)
    for spec in specs():
        if spec.kind == "vector":
            continue
        f = get(spec.name)
        fig = Figure(figsize=(4, 2.6), layout="constrained")
        ax = fig.subplots()
        ax.plot(x, f(x), label="f(x)")
        ax.plot(x, f.derivative(x), "--", label="f'(x)")
        ax.axhline(0, color="k", lw=0.6)
        ax.axvline(0, color="k", lw=0.6)
        ax.set_title(repr(f), fontsize=9)
        ax.legend(fontsize=7)
        path = out / f"{spec.name}.png"
        fig.savefig(path, dpi=70)
        figures[spec.name] = path
    return figures


def _gallery(out: Path) -> tuple[dict[str, Path], dict[str, str], str]:
    try:
        from . import gallery as shared_gallery
    except ImportError:
        shared_gallery = None
    if shared_gallery is not None:
        result = shared_gallery(out, orders=(0, 1), dpi=60)
        return dict(result["figures"]), dict(result.get("skipped", {})), "actlab.plotting.gallery"
    return _fallback_gallery(out), {}, "fallback (f and f' drawn by the report)"


# ---------------------------------------------------------------------------- property table
def _property_table() -> tuple[str, str]:
    try:
        from ..analysis import properties as P
    except ImportError:
        P = None
    if P is not None and hasattr(P, "property_table") and hasattr(P, "cells"):
        rows = P.property_table(timing=True)
        head = "".join(f"<th>{_esc(h)}</th>" for _, h in P.COLUMNS)
        body = []
        for p in rows:
            c = P.cells(p)
            body.append("<tr>" + "".join(f"<td>{_esc(c[k])}</td>" for k, _ in P.COLUMNS) + "</tr>")
        note = ("Measured numerically by <code>actlab.analysis.properties</code> on this machine "
                "(cost in ns/element, float32). " + _esc(getattr(P, "VECTOR_NOTE", "").replace("\\*", "*")))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>", note
    # fallback: declared metadata
    cols = ("name", "family", "range", "monotonic", "smoothness", "zero-centred", "saturating", "init")
    body = []
    for spec in specs():
        p = spec.properties()
        lo, hi = p["output_range"]
        cells = (spec.name, spec.family, f"[{lo:g}, {hi:g}]", p["monotonic"], p["smoothness"], p["zero_centred"],
                 ", ".join(p["saturating"]) or "no", f"{p['init'].scheme} ({p['init'].gain:.3g})")
        body.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{c}</th>" for c in cols)
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>",
            "Declared metadata (actlab.analysis.properties is not available).")


# ---------------------------------------------------------------------------- page
def write_report(out_dir: os.PathLike | str, seed: int = 0, full: bool = False,
                 experiments: tuple[str, ...] | None = None, gallery: bool = True) -> dict[str, Any]:
    """Write ``out_dir/index.html`` (+ figures).  Returns ``{"index": path, "figures": [paths],
    "results": {name: result}, "seconds": {section: seconds}}``.

    ``experiments`` picks a subset (default all), ``gallery=False`` leaves the gallery out (for quick tests).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = tuple(E.EXPERIMENTS) if experiments is None else tuple(experiments)
    for name in names:
        if name not in E.EXPERIMENTS:
            raise ValueError(f"unknown experiment {name!r}; choose from {', '.join(E.EXPERIMENTS)}")
    seconds: dict[str, float] = {}
    figures: list[Path] = []
    sections: list[str] = []

    # gallery
    if gallery:
        t = time.perf_counter()
        gal, skipped, source = _gallery(out / "gallery")
        seconds["gallery"] = time.perf_counter() - t
        items = []
        for name, path in gal.items():
            rel = Path(path).relative_to(out).as_posix()
            items.append(f'<figure><img src="{_esc(rel)}" alt="{_esc(name)}" loading="eager">'
                         f'<figcaption><b>{_esc(name)}</b> ({_esc(actlab.spec(name).family)})</figcaption></figure>')
            figures.append(Path(path))
        skipped_html = "".join(f"<li>{_esc(k)}: {_esc(v)}</li>" for k, v in skipped.items())
        sections.append('<section id="gallery"><h2>Gallery: f and f\u2032 of every activation</h2>'
                        f'<p class="note">{len(gal)} activations, drawn by {_esc(source)}; axes through the '
                        'origin.</p>' f'<div class="gallery">{"".join(items)}</div>'
                        + (f"<p>Not drawn:</p><ul>{skipped_html}</ul>" if skipped_html else "") + "</section>")

    # property table
    t = time.perf_counter()
    table, note = _property_table()
    seconds["properties"] = time.perf_counter() - t
    sections.append('<section id="properties"><h2>Measured properties</h2>'
                    f'<p class="note">{note}</p><div class="scroll">{table}</div></section>')

    # experiments
    results = {}
    exp_html = []
    for name in names:
        kwargs = {} if full else dict(REDUCED.get(name, {}))
        t = time.perf_counter()
        result = E.run(name, seed=seed, **kwargs)
        path = save_figure(result, out / "experiments" / f"{name}.png", dpi=80)
        seconds[name] = time.perf_counter() - t
        results[name] = result
        figures.append(path)
        sizes = ("default sizes" if not kwargs else
                 "reduced for this page: " + "; ".join(f"{k} = {_plain(v)}" for k, v in kwargs.items()))
        exp_html.append(f'<section id="exp-{name}"><h3>{_esc(E.describe()[name])}</h3>'
                        f'<p class="note"><code>actlab demo {name} --seed {seed}</code> reproduces it at full size; '
                        f'{_esc(sizes)}; {seconds[name]:.1f} s.</p>'
                        f'<img src="experiments/{name}.png" alt="{_esc(name)} figure">'
                        f'<pre>{_esc(str(result))}</pre></section>')
    if exp_html:
        sections.append('<section id="experiments"><h2>The classic experiments</h2>' + "".join(exp_html)
                        + "</section>")

    nav = " ".join(f'<a href="#{i}">{t}</a>' for i, t in
                   (("gallery", "Gallery"), ("properties", "Properties"), ("experiments", "Experiments"))
                   if any(f'id="{i}"' in s for s in sections))
    page = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>actlab report</title><style>{CSS}</style></head><body>'
            f'<h1>actlab: activation functions, measured</h1>'
            f'<p class="note">actlab {_esc(actlab.__version__)}, {len(actlab.names())} registered activations, '
            f'seed {seed}, {"full" if full else "reduced"} experiment sizes. Static page: open it from disk.</p>'
            f'<nav>{nav}</nav>' + "".join(sections)
            + f'<pre id="page-check"></pre><script>{CHECK_SCRIPT}</script></body></html>')
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    (out / "report.json").write_text(json.dumps(
        {"seed": seed, "full": full, "seconds": seconds,
         "experiments": {k: r.to_dict() for k, r in results.items()}}, indent=1, default=str), encoding="utf-8")
    return {"index": index, "figures": figures, "results": results, "seconds": seconds}
