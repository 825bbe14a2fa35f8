"""The ``rhetorica`` command. Sub-commands live in sibling modules and are listed here.

Each module exposes ``register(app)``; heavy imports happen inside the commands so that
``rhetorica --help`` starts fast.
"""

from __future__ import annotations

import atexit
import gc
import importlib

import typer

from rhetorica import __version__

app = typer.Typer(
    name="rhetorica",
    help="Read political statements the way a careful analyst does, and show the work.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules that add sub-commands; each has register(app: typer.Typer) -> None.
COMMAND_MODULES = [
    "rhetorica.cli.analyze",
    "rhetorica.cli.db",
    "rhetorica.cli.evaluate",
    "rhetorica.cli.claims",
    "rhetorica.cli.review",
    "rhetorica.cli.corpus",
    "rhetorica.cli.verify",
    "rhetorica.cli.rhetoric",
    "rhetorica.cli.batch",
    "rhetorica.cli.context",
    "rhetorica.cli.serve",
    "rhetorica.cli.watch",
    "rhetorica.cli.train",
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rhetorica {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Rhetorica."""


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)

# On its way out the interpreter searches every object that spaCy and the models made for
# reference cycles: about 0.3 s of a one-sentence `analyze`. Registered first, this runs
# after every other exit handler and leaves those objects to the end of the process, like
# the memory they hold.
atexit.register(gc.freeze)


def main() -> None:
    from rhetorica.cli.common import (
        EXIT_INPUT,
        EXIT_INTERNAL,
        EXIT_STORE,
        EXIT_USAGE,
        err,
        safe,
    )

    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as exc:  # last line of defence: one line, not a traceback
        import os

        from rhetorica.config import ConfigError
        from rhetorica.ingest.errors import InputError
        from rhetorica.store.base import AmbiguousRef, StoreError

        # The documented codes hold wherever in a command the error surfaces: a damaged
        # database may only show itself on the tenth row a listing reads.
        known = ((ConfigError, EXIT_USAGE), (AmbiguousRef, EXIT_USAGE),
                 (StoreError, EXIT_STORE), (InputError, EXIT_INPUT))
        code = next((c for kind, c in known if isinstance(exc, kind)), None)
        if code is not None:
            err.print(f"[bold red]error:[/] {safe(exc, oneline=True)}", highlight=False)
            raise SystemExit(code) from None
        if os.environ.get("RHETORICA_DEBUG"):
            raise
        err.print(f"[bold red]internal error:[/] {safe(type(exc).__name__)}: "
                  f"{safe(exc, oneline=True)} (set RHETORICA_DEBUG=1 for the traceback)",
                  highlight=False)
        raise SystemExit(EXIT_INTERNAL) from None


if __name__ == "__main__":
    main()
