"""Shared CLI plumbing: exit codes, error printing, consoles and JSON output."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from rich.console import Console

# Meaningful exit codes, documented in the README.
EXIT_OK = 0
EXIT_FINDINGS = 1  # the command ran and found what the user asked to be told about
EXIT_USAGE = 2  # typer/click's own code for bad flags
EXIT_INPUT = 3  # unreadable or invalid input
EXIT_STORE = 4  # database missing, locked, read-only, full
EXIT_INTERNAL = 5

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    """One clear line on stderr and a non-zero exit: never a traceback for user errors."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise SystemExit(code)


def cli_settings(db: str | None = None, pipeline: str | None = None) -> Any:
    """Settings from the shared ``--db`` and ``--pipeline`` flags; an unknown component is a
    usage error (exit 2) naming the known ones."""
    from rhetorica import registry
    from rhetorica.config import Settings

    settings = Settings().with_(db=db)
    if pipeline:
        names = tuple(n.strip() for n in pipeline.split(",") if n.strip())
        unknown = [n for n in names if n not in registry.components]
        if unknown:
            fail(f"unknown component(s) {', '.join(unknown)}; known: "
                 f"{', '.join(registry.components.names())}", EXIT_USAGE)
        settings = settings.with_(pipeline=names)
    return settings


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
