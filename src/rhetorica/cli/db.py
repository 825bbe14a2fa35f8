"""``rhetorica db``: look into and manage the store."""

from __future__ import annotations

import typer

from rhetorica.cli.common import (
    EXIT_FINDINGS,
    EXIT_STORE,
    EXIT_USAGE,
    fail,
    out,
    print_json,
    safe,
    write_report,
)

db_app = typer.Typer(help="Inspect and manage the store of analysed statements.",
                     no_args_is_help=True)
DB_OPT = typer.Option(None, "--db",
                      help="Store path or URL (default: RHETORICA_DB or user data dir).")
JSON_OPT = typer.Option(False, "--json", help="Machine-readable output.")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


def _open(db: str | None):
    from rhetorica.store import StoreError, open_store

    try:
        return open_store(db)
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)


def _rows_table(rows, title: str) -> None:
    from rich.table import Table

    table = Table(title=safe(title))
    for col in ("id", "date", "speaker", "intensity", "preview"):
        table.add_column(col, overflow="fold" if col == "preview" else "ellipsis")
    for r in rows:
        table.add_row(str(r.id), safe(r.date), safe(r.speaker),
                      "" if r.intensity is None else f"{r.intensity:.0f}",
                      safe(" ".join(r.preview.split())[:90]))
    out.print(table)


@db_app.command("info")
def info(db: str | None = DB_OPT, as_json: bool = JSON_OPT) -> None:
    """Where the store is, its schema version and how much it holds (creates it if missing)."""
    with _open(db) as st:
        stats = st.stats()
    if as_json:
        print_json(stats)
    else:
        for k, v in stats.items():
            out.print(f"[bold]{safe(k)}[/]: {safe(v)}", highlight=False)


@db_app.command("migrate")
def migrate(db: str | None = DB_OPT) -> None:
    """Bring the schema up to date (also done automatically on open)."""
    with _open(db) as st:
        out.print(f"schema version {st.schema_version()}", highlight=False)


@db_app.command("list")
def list_(
    db: str | None = DB_OPT,
    speaker: str | None = typer.Option(None, "--speaker"),
    since: str | None = typer.Option(None, "--since", help="ISO date, inclusive."),
    until: str | None = typer.Option(None, "--until", help="ISO date, inclusive."),
    limit: int = typer.Option(50, "--limit"),
    as_json: bool = JSON_OPT,
) -> None:
    """List stored statements, newest first."""
    with _open(db) as st:
        rows = st.list_documents(speaker=speaker, since=since, until=until, limit=limit)
    if as_json:
        print_json([r.__dict__ for r in rows])
    else:
        _rows_table(rows, "Stored statements")


@db_app.command("search")
def search(query: str, db: str | None = DB_OPT, limit: int = typer.Option(20, "--limit"),
           as_json: bool = JSON_OPT) -> None:
    """Full-text search over stored statements (exit 1 when nothing matches)."""
    with _open(db) as st:
        rows = st.search(query, limit=limit)
    if as_json:
        print_json([r.__dict__ for r in rows])
    else:
        _rows_table(rows, f"Matches for {query!r}")
    if not rows:
        raise typer.Exit(EXIT_FINDINGS)


@db_app.command("show")
def show(ref: str = typer.Argument(..., help="Numeric id or content key (prefix)."),
         db: str | None = DB_OPT,
         fmt: str = typer.Option("json", "--format", "-f",
                                 help="json, markdown, html or claimreview."),
         include_unreviewed: bool = typer.Option(
             False, "--include-unreviewed", help="With --format claimreview: also publish "
             "automated verdicts firm enough to rate, not only reviewed claims.")) -> None:
    """Show one stored statement with its analysis (and its reviewers' verdicts)."""
    from rhetorica import registry
    from rhetorica.claims.reviews import attach_reviews

    if fmt not in registry.formats:
        fail(f"unknown format {fmt!r}; choose one of {', '.join(registry.formats.names())}",
             EXIT_USAGE)
    if include_unreviewed and fmt != "claimreview":
        fail("--include-unreviewed applies to --format claimreview only", EXIT_USAGE)
    with _open(db) as st:
        doc = _by_ref(lambda: st.get(ref))
        if doc is not None:
            attach_reviews(st, [doc])
    if doc is None:
        fail(f"no stored statement {ref!r}", EXIT_FINDINGS)
    write_report(registry.formats.get(fmt)([doc], include_unreviewed=include_unreviewed))


@db_app.command("speakers")
def speakers(db: str | None = DB_OPT, as_json: bool = JSON_OPT) -> None:
    """Speakers with how many statements each."""
    with _open(db) as st:
        rows = st.speakers()
    if as_json:
        print_json([{"speaker": s, "documents": n} for s, n in rows])
        return
    from rich.table import Table

    table = Table(title="Speakers")
    table.add_column("speaker")
    table.add_column("statements", justify="right")
    for s, n in rows:
        table.add_row(safe(s), str(n))
    out.print(table)


@db_app.command("delete")
def delete(ref: str, db: str | None = DB_OPT) -> None:
    """Delete one stored statement and its analyses."""
    with _open(db) as st:
        if not _by_ref(lambda: st.delete(ref)):
            fail(f"no stored statement {ref!r}", EXIT_FINDINGS)
    out.print(f"deleted {safe(ref)}", highlight=False)


def _by_ref(action):
    """Run a lookup by ref; a key prefix naming several statements is a usage error."""
    from rhetorica.store.base import AmbiguousRef

    try:
        return action()
    except AmbiguousRef as exc:
        fail(str(exc), EXIT_USAGE)
