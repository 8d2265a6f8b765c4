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
    out = Console()

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
        for column in ("name", "family", "range", "monotonic", "smoothness", "parameters"):
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
