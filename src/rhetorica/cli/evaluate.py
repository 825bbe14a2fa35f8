"""``rhetorica eval <component>``: quality on public benchmarks beside a trivial baseline.

Each evaluator lives with its component (``rhetorica.<area>.evaluate``) and exposes
``evaluate(data_dir: Path, **options) -> dict``; this module only dispatches and prints.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import typer

from rhetorica.cli.common import EXIT_INPUT, err, fail, out, print_json, safe

# component name -> module with evaluate(data_dir, ...) -> {"rows": [...], ...}
EVALUATORS: dict[str, str] = {
    "claims": "rhetorica.claims.evaluate",
    "actors": "rhetorica.actors.evaluate",
    "context": "rhetorica.context.evaluate",
    "monitor": "rhetorica.monitor.evaluate",
    "rhetoric": "rhetorica.rhetoric.evaluate",
    "verify": "rhetorica.evidence.evaluate",
    "stance": "rhetorica.evidence.evaluate_stance",
    "quotes": "rhetorica.voices.evaluate",
    "corpus": "rhetorica.ingest.evaluate",
    "copies": "rhetorica.ingest.evaluate_copies",
}

DEFAULT_DATA = Path("../shared/data")


def render(report: dict, as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    from rich.table import Table

    for table_spec in report.get("tables", []):
        title = table_spec.get("title")
        table = Table(title=safe(title) if title else None)
        for col in table_spec["columns"]:
            table.add_column(safe(col))
        for row in table_spec["rows"]:
            table.add_row(*(f"{v:.3f}" if isinstance(v, float) else safe(v) for v in row))
        out.print(table)
    for note in report.get("notes", []):
        out.print(f"[dim]{safe(note)}[/]")


def register(app: typer.Typer) -> None:
    eval_app = typer.Typer(help="Evaluate a component on public benchmark data.",
                           no_args_is_help=True)
    app.add_typer(eval_app, name="eval")

    def make(name: str, module: str):
        def command(
            data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder of shared data sets."),
            limit: int = typer.Option(0, "--limit", help="Evaluate on at most N items (0: all)."),
            split: str = typer.Option("", "--split", help="Compartment of a set with splits "
                                      "(quotes: test by default, dev while developing)."),
            as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
        ) -> None:
            mod = importlib.import_module(module)
            # Evaluators on sets shipped with the package (NEEDS_DATA = False) ignore --data.
            if getattr(mod, "NEEDS_DATA", True) and not data.is_dir():
                fail(f"{data}: data folder not found (pass --data)", EXIT_INPUT)
            from rhetorica.ingest.errors import InputError

            options: dict = {"limit": limit or None}
            if split:
                if "split" not in inspect.signature(mod.evaluate).parameters:
                    fail(f"eval {name} has no --split", EXIT_INPUT)
                options["split"] = split
            try:
                # minutes on the larger sets: a spinner on a terminal (nothing in logs)
                with err.status(f"evaluating {name} on {safe(data)} …"):
                    report = mod.evaluate(data, **options)
            except InputError as exc:  # e.g. the data set is missing under --data
                fail(str(exc), EXIT_INPUT)
            render(report, as_json)

        command.__doc__ = f"Evaluate the {name} component."
        return command

    for name, module in EVALUATORS.items():
        eval_app.command(name)(make(name, module))
