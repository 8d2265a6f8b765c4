"""``actlab`` command line: a thin layer over the Python API.

Errors the user can fix (unknown activation, bad parameter, bad number) print one line on stderr and exit
with status 2, never a traceback.
"""
from __future__ import annotations

import json
import math
import sys
from typing import Any, List, Optional

try:
    import typer
    from rich.console import Console
    from rich.table import Table
except ImportError:  # pragma: no cover - exercised only without the [cli] extra
    typer = None

import numpy as np

import actlab

USAGE_ERROR = 2


class UsageError(Exception):
    """An error in what the user typed: reported in one line, exit status 2."""


def parse_params(pairs: List[str]) -> dict[str, Any]:
    """``["alpha=2", "approximate=tanh"]`` -> ``{"alpha": 2.0, "approximate": "tanh"}``."""
    params: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param expects NAME=VALUE, got {pair!r}")
        raw = raw.strip()
        try:
            value: Any = float(raw)
        except ValueError:
            value = raw
        params[key.strip()] = value
    return params


def _number(value: float) -> Any:
    """JSON-friendly number: infinities and NaN as strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def describe(f: actlab.Activation) -> dict[str, Any]:
    """Everything ``show`` prints, as plain data."""
    spec = f.spec
    props = spec.properties(f.params)
    return {
        "name": spec.name,
        "repr": repr(f),
        "aliases": list(spec.aliases) + list(spec.variants),
        "kind": spec.kind,
        "family": spec.family,
        "params": [{"name": p.name, "value": f.params[p.name], "default": p.default, "allowed": p.allowed(),
                    "learnable": p.learnable, "doc": p.doc} for p in spec.params],
        "formula": spec.formula,
        "derivative_formula": spec.derivative_formula,
        "second_derivative_formula": spec.second_derivative_formula,
        "description": spec.description,
        "pros": list(spec.pros),
        "cons": list(spec.cons),
        "output_range": [_number(v) for v in props["output_range"]],
        "monotonic": props["monotonic"],
        "smoothness": props["smoothness"],
        "zero_centred": props["zero_centred"],
        "saturating": list(props["saturating"]),
        "self_normalising": props["self_normalising"],
        "f(0)": _number(props["f0"]),
        "f'(0)": None if props["fprime0"] is None else _number(props["fprime0"]),
        "limits": [_number(v) for v in props["limits"]],
        "kinks": [{"x": _number(k.x), "derivative": _number(k.derivative), "note": k.note}
                  for k in props["kinks"]],
        "init": {"scheme": props["init"].scheme, "gain": props["init"].gain},
        "year": spec.year,
        "reference": spec.reference,
    }


def _interval(lo: float, hi: float) -> str:
    def fmt(v: float) -> str:
        return "∞" if v == math.inf else "-∞" if v == -math.inf else f"{v:g}"
    return f"[{fmt(lo)}, {fmt(hi)}]"


def _params_text(spec) -> str:
    return ", ".join(f"{p.name}={p.default!r}" for p in spec.params) or "-"


if typer is not None:
    app = typer.Typer(add_completion=False, no_args_is_help=True,
                      help="actlab: activation functions defined, differentiated, measured and compared.")
    # piped output (CI, files) has no terminal width: use one wide enough for the compare table
    out = Console() if Console().is_terminal else Console(width=160)

    @app.command("list")
    def list_command(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")):
        """List every registered activation: name, family, range, monotonic, smoothness, parameters."""
        rows = []
        for spec in actlab.specs():
            props = spec.properties()
            rows.append({"name": spec.name, "family": spec.family, "kind": spec.kind,
                         "range": [_number(v) for v in props["output_range"]],
                         "monotonic": props["monotonic"], "smoothness": props["smoothness"],
                         "params": {p.name: p.default for p in spec.params}, "aliases": list(spec.aliases)})
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
            return
        table = Table(title=f"actlab catalog: {len(rows)} activations")
        table.add_column("name", no_wrap=True, min_width=max(len(r["name"]) for r in rows))
        for column in ("family", "range", "monotonic", "smoothness", "parameters"):
            table.add_column(column)
        for spec, row in zip(actlab.specs(), rows):
            lo, hi = spec.properties()["output_range"]
            table.add_row(row["name"], row["family"], _interval(lo, hi), "yes" if row["monotonic"] else "no",
                          row["smoothness"], _params_text(spec))
        out.print(table)

    @app.command("show")
    def show_command(name: str = typer.Argument(..., help="Activation name or alias."),
                     param: List[str] = typer.Option([], "--param", "-p", help="NAME=VALUE, repeatable."),
                     as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
        """Formula, derivatives, properties, kink conventions and reference of one activation."""
        f = actlab.get(name, **parse_params(param))
        info = describe(f)
        if as_json:
            typer.echo(json.dumps(info, indent=2))
            return
        out.print(f"[bold]{info['repr']}[/bold]  ({info['family']}, {info['kind']})")
        if info["aliases"]:
            out.print(f"aliases: {', '.join(info['aliases'])}")
        out.print(info["description"])
        out.print(f"\n  f(x)   : {info['formula']}", markup=False)
        if info["derivative_formula"]:
            out.print(f"  f'(x)  : {info['derivative_formula']}", markup=False)
        if info["second_derivative_formula"]:
            out.print(f"  f''(x) : {info['second_derivative_formula']}", markup=False)
        table = Table(show_header=False, box=None, padding=(0, 2))
        props = f.spec.properties(f.params)
        for key, value in (("range", _interval(*props["output_range"])),
                           ("monotonic", info["monotonic"]), ("smoothness", info["smoothness"]),
                           ("zero-centred", info["zero_centred"]),
                           ("saturating", ", ".join(info["saturating"]) or "no"),
                           ("self-normalising", info["self_normalising"]),
                           ("f(0)", info["f(0)"]), ("f'(0)", "see kinks" if info["f'(0)"] is None else info["f'(0)"]),
                           ("limits at -inf, +inf", f"{props['limits'][0]:g}, {props['limits'][1]:g}"),
                           ("init", f"{info['init']['scheme']} (gain {info['init']['gain']:.4g})")):
            table.add_row(key, str(value))
        for k in info["kinks"]:
            table.add_row("kink", f"x = {k['x']}: f' := {k['derivative']}  {k['note']}")
        for p in info["params"]:
            table.add_row(f"param {p['name']}",
                          f"{p['value']!r} ({p['allowed']}{', learnable' if p['learnable'] else ''}) {p['doc']}")
        out.print(table)
        out.print("[green]pros:[/green] " + "; ".join(info["pros"]))
        out.print("[red]cons:[/red] " + "; ".join(info["cons"]))
        out.print(f"reference: {info['reference']}", markup=False)

    @app.command("eval", context_settings={"ignore_unknown_options": True})
    def eval_command(name: str = typer.Argument(..., help="Activation name or alias."),
                     values: List[str] = typer.Argument(..., help="Input values (inf, -inf, nan accepted)."),
                     derivative: int = typer.Option(0, "--derivative", "-d", min=0, max=2,
                                                    help="0 = f, 1 = f', 2 = f''."),
                     param: List[str] = typer.Option([], "--param", "-p", help="NAME=VALUE, repeatable."),
                     dtype: str = typer.Option("float64", "--dtype", help="float16, float32 or float64.")):
        """Evaluate an activation (or its derivative) at the given numbers; one result per line.

        Vector activations (softmax, ...) treat the numbers as one vector.
        """
        if dtype not in ("float16", "float32", "float64"):
            raise UsageError(f"--dtype must be float16, float32 or float64, got {dtype!r}")
        f = actlab.get(name, **parse_params(param))
        xs = []
        for v in values:
            try:
                xs.append(float(v))
            except ValueError:
                raise UsageError(f"not a number: {v!r}") from None
        x = np.asarray(xs, dtype=dtype)
        if f.is_vector:
            if derivative:
                raise UsageError(f"{f.name} is a vector activation; --derivative applies to elementwise ones")
            y = f(x)
        else:
            y = (f, f.derivative, f.second_derivative)[derivative](x)
        for value in np.atleast_1d(y):
            typer.echo(repr(float(value)) if dtype == "float64" else str(value))


if typer is not None:
    @app.command("compare")
    def compare_command(
        dataset: str = typer.Option("digits", "--dataset", help="digits|iris|wine|breast_cancer|diabetes|moons|"
                                                               "circles|spirals|xor (bundled or generated)."),
        csv_path: Optional[str] = typer.Option(None, "--csv", help="CSV file with a header row (instead of --dataset)."),
        target: Optional[str] = typer.Option(None, "--target", help="Target column of --csv."),
        task: Optional[str] = typer.Option(None, "--task", help="classification|regression (auto-detected)."),
        activations: Optional[str] = typer.Option(None, "--activations", help="Comma-separated names, or 'all'."),
        folds: int = typer.Option(5, "--folds"), repeats: int = typer.Option(1, "--repeats"),
        seed: int = typer.Option(0, "--seed"),
        hidden: str = typer.Option("64,64", "--hidden", help="Hidden layer sizes, e.g. 64,64."),
        epochs: Optional[int] = typer.Option(None, "--epochs", help="Maximum epochs (default: about 1200 "
                                                                     "optimizer steps, at least 60)."),
        batch_size: int = typer.Option(64, "--batch-size"),
        lr: float = typer.Option(3e-3, "--lr"),
        patience: Optional[int] = typer.Option(None, "--patience", help="Early-stopping patience in epochs "
                                                                         "(default: epochs/8, at least 8)."),
        scaling: str = typer.Option("centred", "--scaling", help="centred|standard|minmax|none (fit on each "
                                                                 "training fold only)."),
        metric: Optional[str] = typer.Option(None, "--metric", help="accuracy|balanced_accuracy|f1_macro|log_loss "
                                                                   "or r2|rmse|mae."),
        out_dir: Optional[str] = typer.Option(None, "--out", help="Report folder (default actlab-compare-DATASET)."),
        store: Optional[str] = typer.Option(None, "--store", help="SQLite result store (default OUT/results.sqlite)."),
        backend: str = typer.Option("local", "--backend", help="local|ray."),
        ray_address: Optional[str] = typer.Option(None, "--ray-address", help="Ray cluster address (default: local)."),
        device: str = typer.Option("cpu", "--device", help="cpu|cuda."),
    ):
        """Choose the hidden activation for a dataset by cross-validation; print a ranked table, write a report."""
        from pathlib import Path

        from actlab.compare import api as compare_api
        from actlab.compare.datasets import load, load_csv
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        if csv_path is not None:
            if not target:
                raise UsageError("--csv needs --target COLUMN")
            data = load_csv(csv_path, target, task)
        else:
            if target:
                raise UsageError("--target applies to --csv")
            data = load(dataset, seed=seed)
        if task is not None and task not in ("classification", "regression"):
            raise UsageError(f"--task must be classification or regression, got {task!r}")
        try:
            sizes = [int(h) for h in hidden.split(",") if h.strip()]
        except ValueError:
            raise UsageError(f"--hidden expects comma-separated integers, got {hidden!r}") from None
        candidates = compare_api.resolve_activations(activations)
        # validate everything before writing anything (no partial report, no store for bad input)
        _, _, checked_task, _ = compare_api.validate(data.X, data.y, task or data.task, folds, repeats)
        compare_api.check_options(checked_task, metric, sizes, epochs, batch_size, lr, backend, device)
        if scaling not in ("centred", "standard", "minmax", "none"):
            raise UsageError(f"--scaling must be centred, standard, minmax or none, got {scaling!r}")
        out_path = Path(out_dir or f"actlab-compare-{data.name}")
        store_path = store or str(out_path / "results.sqlite")
        tasks = {}
        with Progress(TextColumn("{task.description:<12}"), BarColumn(), TextColumn("{task.completed}/{task.total} "
                      "epochs"), TimeElapsedColumn(), console=Console(stderr=True), transient=False) as bar:
            for f in candidates:
                tasks[f.name] = bar.add_task(f.name, total=epochs or compare_api.auto_budget(len(data.y), folds,
                                                                                            batch_size)[0])

            def progress(name, done, total):
                bar.update(tasks[name], completed=min(done, total), total=total)

            result = compare_api.compare(data.X, data.y, candidates, task=task or data.task, folds=folds,
                                         repeats=repeats, seed=seed, hidden=sizes, epochs=epochs,
                                         batch_size=batch_size, lr=lr, metric=metric, store=store_path,
                                         backend=backend, device=device, ray_address=ray_address,
                                         progress=progress, dataset_name=data.name, patience=patience,
                                         scaling=scaling)
        table = Table(title=f"actlab compare: {data.name} ({result.task}, {result.metric}, {folds} folds x "
                            f"{repeats} repeat(s))")
        for column in ("rank", "activation", "mean ± std", "95% CI", "p vs best", "tied", "time (s)"):
            table.add_column(column, no_wrap=True)
        table.add_column("folds")
        for _, r in result.summary.iterrows():
            table.add_row(str(r["rank"]), r.activation, f"{r['mean']:.4f} ± {r['std']:.4f}",
                          f"[{r.ci_low:.4f}, {r.ci_high:.4f}]", f"{r.p_vs_best:.3f}",
                          "yes" if r.indistinguishable_from_best else "no", f"{r.train_time_s:.1f}",
                          " ".join(f"{v:.3f}" for v in r.folds))
        out.print(table)
        rec = result.recommend()
        out.print(f"[bold]hidden:[/bold] {rec['hidden']} - {rec['verdict']}")
        out.print(f"[bold]output:[/bold] {rec['output']} - {rec['output_reason']}")
        paths = result.save(out_path)
        out.print(f"report: {paths['report.html']} (also report.md, folds.csv, summary.csv, results.json); "
                  f"store: {store_path}")


def _load_command_modules() -> None:
    """Every ``actlab/cli/cmd_*.py`` module adds its commands with ``register(app)`` (one file per command group,
    so command groups are added without editing this file)."""
    import importlib
    import pkgutil
    from . import __path__ as cli_path
    for module in sorted(m.name for m in pkgutil.iter_modules(cli_path)):
        if module.startswith("cmd_"):
            importlib.import_module(f"{__package__}.{module}").register(app)


if typer is not None:
    _load_command_modules()


def entry(argv: Optional[List[str]] = None) -> int:
    """Console-script entry point: run the CLI, turning user errors into one line and exit status 2."""
    if typer is None:
        print("actlab: the command line needs the 'cli' extra: pip install 'actlab[cli]'", file=sys.stderr)
        return USAGE_ERROR
    try:
        app(args=argv, standalone_mode=False)
    except (UsageError, ValueError, TypeError) as error:
        print(f"actlab: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        return 1
    except Exception as error:
        # typer's (vendored) click raises usage errors carrying format_message() and exit_code
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):
            print(f"actlab: error: {error.format_message()}", file=sys.stderr)
            return USAGE_ERROR
        raise
    return 0


def main() -> None:  # pragma: no cover
    sys.exit(entry())


if __name__ == "__main__":  # pragma: no cover
    main()
