"""Shared CLI plumbing: exit codes, error printing, consoles and JSON output."""

from __future__ import annotations

import re
import sys
from typing import Any, NoReturn

from rich.console import Console
from rich.markup import escape

# Meaningful exit codes, documented in the README.
EXIT_OK = 0
EXIT_FINDINGS = 1  # the command ran and found what the user asked to be told about
EXIT_USAGE = 2  # typer/click's own code for bad flags
EXIT_INPUT = 3  # unreadable or invalid input
EXIT_STORE = 4  # database missing, locked, read-only, full, damaged, from a newer version
EXIT_INTERNAL = 5

# emoji=False: ":warning:" in a speaker's name stays text (markup is escaped by safe()).
out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)

# C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), and the bidi
# overrides/isolates that reorder what a terminal shows (U+202A-202E, U+2066-2069).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _visible(m: re.Match[str]) -> str:
    char = m.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def safe(value: Any, *, oneline: bool = False) -> str:
    """Untrusted text made inert for rich: every string that did not come from this code
    (stored speakers and titles, feed fields, file names, error messages) goes through here
    before a table, a print or an error line shows it.

    Markup is escaped (``[/bold]`` would raise MarkupError, ``[link=URL]`` would print a real
    terminal hyperlink) and control characters are shown as ``\\xNN`` (an ESC could move the
    cursor, retitle the window or print an OSC 8 hyperlink itself). ``oneline`` also shows
    tabs and newlines that way, so an error stays on one line.
    """
    text = "" if value is None else str(value)
    text = (_CONTROL_LINE if oneline else _CONTROL).sub(_visible, text)
    return escape(text)


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    """One clear line on stderr and a non-zero exit: never a traceback for user errors.

    ``message`` is plain text (it usually quotes a file name or a stored value): it is shown
    as written, never read as markup."""
    err.print(f"[bold red]error:[/] {safe(message, oneline=True)}", highlight=False)
    raise SystemExit(code)


def date_option(value: str | None, name: str) -> str | None:
    """A date flag (``--since``, ``--until``, ``--as-of``) as an ISO date, None when not
    given; a value that reads as no date is a usage error (exit 2) naming the flag."""
    if value is None or value == "":
        return None
    from rhetorica.ingest.dates import normalise_date

    iso = normalise_date(value)
    if iso is None:
        fail(f"{name} {value!r} is not a date (use YYYY-MM-DD)", EXIT_USAGE)
    return iso


def warn(message: str) -> None:
    """One plain-text warning line on stderr (the watcher's and other log lines)."""
    err.print(f"[yellow]warning:[/] {safe(message, oneline=True)}", highlight=False)


def say(message: str) -> None:
    """One plain-text line on stderr (progress notes: "wrote FILE", ...)."""
    err.print(safe(message, oneline=True), highlight=False)


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
    from rhetorica.report.json_writer import dumps  # no terminal control is written raw

    sys.stdout.write(dumps(data, indent=2, default=str) + "\n")


def write_report(text: str) -> None:
    """A report (Markdown, HTML, JSON) on stdout. To a terminal, control characters in it
    (a stored statement may carry escape sequences) are shown as ``\\xNN``; to a pipe or a
    file the report is written exactly."""
    if sys.stdout.isatty():
        text = _CONTROL.sub(_visible, text)
    sys.stdout.write(text)
