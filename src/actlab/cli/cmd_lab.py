"""``actlab demo``, ``actlab advise`` and ``actlab report``: the classic experiments, the activation advisor and
the one-page HTML report.  Loaded by ``actlab.cli.main`` (``register(app)``)."""
from __future__ import annotations

import json
from typing import Optional

import typer


def register(app: "typer.Typer") -> None:
    @app.command("demo")
    def demo_command(
        name: Optional[str] = typer.Argument(None, help="Experiment: xor, propagation, selu, dying, saturation."),
        out: Optional[str] = typer.Option(None, "--out", help="Write the figure (.png, .svg or .pdf)."),
        seed: int = typer.Option(0, "--seed", help="Random seed."),
        as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
        list_: bool = typer.Option(False, "--list", help="List the experiments."),
    ):
        """Run a classic experiment (seeded) and print its numbers; --out also draws its figure."""
        from actlab.analysis import experiments

        if list_:
            for key, text in experiments.describe().items():
                typer.echo(f"{key:<12} {text}")
            return
        if name is None:
            raise ValueError("give an experiment name (actlab demo --list shows them)")
        if out is not None and not out.lower().endswith((".png", ".svg", ".pdf")):
            raise ValueError(f"--out must end in .png, .svg or .pdf, got {out!r}")
        result = experiments.run(name, seed=seed)
        typer.echo(json.dumps(result.to_dict(), indent=2) if as_json else str(result))
        if out is not None:
            from actlab.plotting.experiments import save_figure
            path = save_figure(result, out)
            typer.echo(f"figure: {path}", err=as_json)

    @app.command("advise")
    def advise_command(
        task: str = typer.Option(..., "--task", help="binary | multiclass | regression."),
        depth: int = typer.Option(2, "--depth", help="Number of hidden layers."),
        normalization: str = typer.Option("none", "--normalization", help="none | batch | layer."),
        latency_critical: bool = typer.Option(False, "--latency-critical", help="Weigh the measured cost heavily."),
        architecture: str = typer.Option("mlp", "--architecture", help="mlp | cnn | transformer."),
        top: int = typer.Option(5, "--top", help="How many hidden candidates to list."),
        dataset: Optional[str] = typer.Option(None, "--dataset", help="Dataset for the suggested compare command."),
        csv: Optional[str] = typer.Option(None, "--csv", help="CSV file for the suggested compare command."),
        target: Optional[str] = typer.Option(None, "--target", help="Target column of --csv."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ):
        """Advise the output activation and a ranked list of hidden activations, with measured reasons."""
        from actlab.analysis.advise import advise

        advice = advise(task, depth=depth, normalization=normalization, latency_critical=latency_critical,
                        architecture=architecture, top=top, dataset=dataset, csv=csv, target=target)
        if as_json:
            typer.echo(json.dumps(advice.to_dict(), indent=2, default=str))
        else:
            typer.echo("\n".join(advice.summary()))

    @app.command("report")
    def report_command(
        out: str = typer.Option("actlab-report", "--out", help="Output folder (index.html and figures)."),
        seed: int = typer.Option(0, "--seed", help="Random seed of the experiments."),
        full: bool = typer.Option(False, "--full", help="Run the experiments at their full default sizes "
                                                        "(slower); default: reduced sizes, stated on the page."),
    ):
        """Write a static HTML page: gallery, measured property table, experiments' figures and numbers."""
        from actlab.plotting.report import write_report

        paths = write_report(out, seed=seed, full=full)
        typer.echo(f"report: {paths['index']}")
