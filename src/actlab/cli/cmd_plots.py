"""``actlab plot``, ``actlab gallery`` and ``actlab properties``: thin commands over actlab.plotting and
actlab.analysis.properties (loaded by ``cli.main`` through ``register(app)``)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Tuple

import typer

FORMATS = ("table", "markdown", "csv", "json")


def _orders(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise ValueError(f"--orders expects comma-separated integers among 0,1,2, got {text!r}") from None


def _names(values: List[str]) -> list[str]:
    return [n.strip() for v in values or [] for n in v.split(",") if n.strip()]


def register(app: typer.Typer) -> None:
    @app.command("plot")
    def plot_command(
        names: List[str] = typer.Argument(..., help="Activation names or aliases (overlaid)."),
        orders: str = typer.Option("0,1,2", "--orders", help="Derivative orders, one panel each: 0=f, 1=f', 2=f''."),
        x_range: Tuple[float, float] = typer.Option((-6.0, 6.0), "--range", help="x range: LOW HIGH."),
        param: List[str] = typer.Option([], "--param", "-p", help="NAME=VALUE for the activations that have it; "
                                                                  "repeatable."),
        lang: str = typer.Option("en", "--lang", help="Label language: en or zh."),
        out: str = typer.Option("actlab-plot.png", "--out", "-o", help="Output file: .png, .svg or .pdf."),
        dpi: float = typer.Option(120, "--dpi", help="Resolution of .png output."),
    ):
        """Plot activations and their derivatives side by side (axes through the origin, kinks marked)."""
        from actlab.plotting.figures import FORMATS as FIGURE_FORMATS, plot, save
        from .main import parse_params

        if Path(out).suffix.lower().lstrip(".") not in FIGURE_FORMATS:
            raise ValueError(f"--out must end in .png, .svg or .pdf, got {out!r}")
        figure = plot(_names(names), orders=_orders(orders), x_range=x_range, params=parse_params(param),
                      lang=lang)
        path = save(figure, out, dpi=dpi)
        typer.echo(str(path))

    @app.command("gallery")
    def gallery_command(
        out: str = typer.Option(..., "--out", "-o", help="Output folder."),
        lang: str = typer.Option("en", "--lang", help="Label language: en or zh."),
        fmt: str = typer.Option("png", "--format", help="png, svg or pdf."),
        dpi: float = typer.Option(80, "--dpi", help="Resolution of png figures."),
    ):
        """Draw every registered activation (f, f', f'') into a folder, with index.html and index.md."""
        from actlab.plotting.figures import gallery

        result = gallery(out, lang=lang, fmt=fmt, dpi=dpi)
        typer.echo(f"{len(result['figures'])} figures, index: {result['index']}")
        for name, reason in result["skipped"].items():
            typer.echo(f"skipped {name}: {reason}", err=True)

    @app.command("properties")
    def properties_command(
        names: List[str] = typer.Option([], "--names", "-n", help="Activations (comma-separated or repeated); "
                                                                  "default: all."),
        fmt: str = typer.Option("table", "--format", "-f", help="table, markdown, csv or json."),
        out: Optional[str] = typer.Option(None, "--out", "-o", help="Write to this file instead of stdout."),
        timing: bool = typer.Option(True, "--timing/--no-timing", help="Measure the cost in ns/element."),
    ):
        """Properties of activations MEASURED numerically: range, monotonicity, smoothness, zero-centring,
        saturation, f'(0), max |f'|, sparsity, learnable parameters, cost."""
        import actlab
        from actlab.analysis import properties as P

        if fmt not in FORMATS:
            raise ValueError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        chosen = [actlab.get(n).name for n in _names(names)]     # unknown names fail before measuring
        rows = P.property_table(chosen or None, timing=timing)
        if fmt == "table":
            from rich.console import Console
            from rich.markup import escape
            from rich.table import Table
            table = Table(title=f"actlab properties (measured): {len(rows)} activation(s)",
                          caption=escape(P.VECTOR_NOTE.replace("\\", "")) if any("([" in r.view for r in rows) else None)
            for _, header in P.COLUMNS:
                table.add_column(header, overflow="fold")
            for row in rows:
                c = P.cells(row)
                table.add_row(*(c[k] for k, _ in P.COLUMNS))
            if out:
                with open(out, "w", encoding="utf-8") as handle:
                    Console(file=handle, width=200).print(table)
            else:
                import sys
                Console(width=None if sys.stdout.isatty() else 200).print(table)
            return
        text = {"markdown": P.to_markdown, "csv": P.to_csv, "json": P.to_json}[fmt](rows)
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            typer.echo(text, nl=not text.endswith("\n"))
