"""Reports of a compare run: Markdown, a self-contained HTML page (figures inlined as base64 PNG), CSV and JSON."""
from __future__ import annotations

import base64
import html as html_lib
import io
import json
import math
from pathlib import Path


def _fmt(v: float, digits: int = 4) -> str:
    return "nan" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def summary_records(result) -> list[dict]:
    table = result.summary
    return json.loads(table.to_json(orient="records"))


def result_json(result) -> str:
    return json.dumps({"dataset": result.dataset, "task": result.task, "metric": result.metric,
                       "config": result.config, "recommendation": result.recommend(),
                       "summary": summary_records(result),
                       "folds": json.loads(result.folds.to_json(orient="records"))}, indent=2)


def markdown(result) -> str:
    rec = result.recommend()
    table = result.summary
    lines = [f"# actlab compare: {result.dataset}", "",
             f"Task: **{result.task}**, metric: **{result.metric}** "
             f"({'higher' if result.higher_is_better else 'lower'} is better), "
             f"{result.config['folds']} folds x {result.config['repeats']} repeat(s), seed {result.config['seed']}, "
             f"MLP hidden {result.config['train']['hidden']}.", "",
             "## Recommendation", "", f"- Hidden layers: **{rec['hidden']}**. {rec['verdict']}",
             f"- Output layer: **{rec['output']}** ({rec['output_reason']}).", "",
             "## Ranking", "",
             "| rank | activation | mean | std | 95% CI | p vs best (Holm) | tied with best | train time (s) | folds |",
             "|---:|---|---:|---:|---|---:|:---:|---:|---|"]
    for _, r in table.iterrows():
        lines.append(f"| {r['rank']} | {r.activation} | {_fmt(r['mean'])} | {_fmt(r['std'])} | "
                     f"[{_fmt(r.ci_low)}, {_fmt(r.ci_high)}] | {_fmt(r.p_vs_best, 3)} | "
                     f"{'yes' if r.indistinguishable_from_best else 'no'} | {r.train_time_s:.2f} | "
                     f"{', '.join(_fmt(v, 3) for v in r.folds)} |")
    lines += ["", "Confidence intervals and p-values use the Nadeau–Bengio corrected resampled t-test (fold scores "
              "share training data, so the naive test is overconfident). Every activation saw the same folds; "
              "scaling was fit on each training fold only.", ""]
    return "\n".join(lines)


def figure(result):
    """Matplotlib figure: score per activation with its 95% CI, and mean validation-loss curves."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np
    table = result.summary
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, max(4, 0.35 * len(table) + 1.5)))
    y = np.arange(len(table))[::-1]
    means = table["mean"].to_numpy()
    lo = means - table["ci_low"].to_numpy()
    hi = table["ci_high"].to_numpy() - means
    colours = ["tab:green" if t else "tab:gray" for t in table.indistinguishable_from_best]
    for yi, m, l, h, c in zip(y, means, np.nan_to_num(lo), np.nan_to_num(hi), colours):
        ax1.errorbar([m], [yi], xerr=[[l], [h]], fmt="o", color=c, ecolor=c, capsize=3)
    ax1.set_yticks(y, table.activation)
    ax1.set_xlabel(f"{result.metric} (mean, 95% CI)")
    ax1.set_title("Score per activation (green: tied with best)")
    palette = plt.cm.tab20(np.linspace(0, 1, 20))
    for k, (name, curves) in enumerate(result.curves.items()):
        longest = max(len(c["val_loss"]) for c in curves)
        stack = np.full((len(curves), longest), np.nan)
        for i, c in enumerate(curves):
            vals = [np.nan if v is None else v for v in c["val_loss"]]
            stack[i, :len(vals)] = vals
        with np.errstate(all="ignore"):
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ax2.plot(np.arange(1, longest + 1), np.nanmean(stack, axis=0), label=name,
                         color=palette[k % 20], linestyle="-" if k < 20 else "--")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("validation loss (mean over folds still training)")
    ax2.set_yscale("log")
    ax2.set_title("Learning curves")
    ax2.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def _png_base64(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    import matplotlib.pyplot as plt
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def html(result, image_b64: str | None = None) -> str:
    """A self-contained page: no external files, scripts or fonts."""
    image_b64 = image_b64 or _png_base64(figure(result))
    rec = result.recommend()
    table = result.summary
    esc = html_lib.escape
    rows = "\n".join(
        f"<tr class='{'tied' if r.indistinguishable_from_best else ''}'><td>{r['rank']}</td><td>{esc(r.activation)}"
        f"</td><td>{_fmt(r['mean'])}</td><td>{_fmt(r['std'])}</td><td>[{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]</td>"
        f"<td>{_fmt(r.p_vs_best, 3)}</td><td>{'yes' if r.indistinguishable_from_best else 'no'}</td>"
        f"<td>{r.train_time_s:.2f}</td><td>{', '.join(_fmt(v, 3) for v in r.folds)}</td></tr>"
        for _, r in table.iterrows())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>actlab compare: {esc(result.dataset)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: right; }}
td:nth-child(2), th:nth-child(2) {{ text-align: left; }}
tr.tied {{ background: #eef8ee; }}
img {{ max-width: 100%; height: auto; }}
.note {{ color: #555; font-size: 0.9em; }}
</style></head><body>
<h1>actlab compare: {esc(result.dataset)}</h1>
<p>Task <b>{esc(result.task)}</b>, metric <b>{esc(result.metric)}</b>, {result.config['folds']} folds &times;
{result.config['repeats']} repeat(s), seed {result.config['seed']}, MLP hidden {result.config['train']['hidden']}.</p>
<h2>Recommendation</h2>
<p>Hidden layers: <b>{esc(rec['hidden'])}</b>. {esc(rec['verdict'])}</p>
<p>Output layer: <b>{esc(rec['output'])}</b> ({esc(rec['output_reason'])}).</p>
<h2>Ranking</h2>
<table><thead><tr><th>rank</th><th>activation</th><th>mean</th><th>std</th><th>95% CI</th><th>p vs best (Holm)</th>
<th>tied with best</th><th>train time (s)</th><th>folds</th></tr></thead><tbody>
{rows}
</tbody></table>
<p class="note">Confidence intervals and p-values: Nadeau–Bengio corrected resampled t-test. Same folds for every
activation; scaling fit on training folds only; early stopping on a validation split of each training fold.</p>
<h2>Figures</h2>
<img alt="score per activation and learning curves" src="data:image/png;base64,{image_b64}">
</body></html>
"""


def write_report(result, directory) -> dict:
    """Write the report folder; returns the paths written.  Files are written to temporaries then renamed, so an
    interrupted run never leaves a half-written report."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    fig = figure(result)
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=100)
    import matplotlib.pyplot as plt
    plt.close(fig)
    contents = {
        "report.md": markdown(result).encode(),
        "report.html": html(result, base64.b64encode(png.getvalue()).decode()).encode(),
        "folds.csv": result.folds.to_csv(index=False).encode(),
        "summary.csv": result.summary.to_csv(index=False).encode(),
        "results.json": result_json(result).encode(),
        "scores.png": png.getvalue(),
    }
    paths = {}
    for name, data in contents.items():
        tmp = out / f".{name}.tmp"
        tmp.write_bytes(data)
        tmp.replace(out / name)
        paths[name] = str(out / name)
    return paths
