"""``rhetorica analyze``: statements in, an annotated report out, and a record in the store."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from rhetorica.cli.common import (
    EXIT_INPUT,
    EXIT_STORE,
    cli_settings,
    date_option,
    err,
    fail,
    say,
    write_report,
)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)


def analyze(
    inputs: list[str] = typer.Argument(
        ..., help="Files (.txt, .md, .json, .jsonl) or - for stdin."),
    fmt: str = typer.Option("markdown", "--format", "-f",
                            help="Output format: json, markdown, html (or any registered)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    db: str | None = typer.Option(None, "--db", help="Store path or URL (default: user data dir, "
                                  "or RHETORICA_DB)."),
    store: bool = typer.Option(True, "--store/--no-store", help="Keep the analysis in the store."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of text inputs."),
    input_format: str | None = typer.Option(None, "--input-format",
                                            help="txt, json or jsonl (default: by extension)."),
    speaker: str | None = typer.Option(None, "--speaker", help="Speaker, if the input lacks one."),
    date: str | None = typer.Option(None, "--date", help="Date (ISO), if the input lacks one."),
    source: str | None = typer.Option(None, "--source", help="Source, if the input lacks one."),
    pipeline: str | None = typer.Option(None, "--pipeline",
                                        help="Comma-separated component names (default: all)."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
    verify: bool = typer.Option(False, "--verify", help="Also check each check-worthy claim "
                                "against the evidence corpus (`rhetorica corpus add`)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0,
                             help="Worker processes (0: one per core when there are many posts)."),
    include_unreviewed: bool = typer.Option(
        False, "--include-unreviewed", help="With --format claimreview: also publish "
        "automated verdicts firm enough to rate, not only the claims people reviewed."),
) -> None:
    """Analyse statements: sentences, entities, claims, rhetoric and tone."""
    from rhetorica import registry
    from rhetorica.claims.reviews import attach_reviews
    from rhetorica.ingest.errors import InputError
    from rhetorica.ingest.statements import read_statements
    from rhetorica.store import StoreError, open_store

    if as_json and fmt not in ("markdown", "json"):  # -f's default is markdown
        fail(f"--json and --format {fmt} ask for two formats; give one", 2)
    fmt = "json" if as_json else fmt
    date = date_option(date, "--date")
    if fmt not in registry.formats:
        fail(f"unknown format {fmt!r}; choose one of {', '.join(registry.formats.names())}", 2)
    if include_unreviewed and fmt != "claimreview":
        fail("--include-unreviewed applies to --format claimreview only", 2)
    settings = cli_settings(db, pipeline)
    if verify and "verify" not in settings.pipeline:
        settings = settings.with_(pipeline=(*settings.pipeline, "verify"))

    # 1. Read and validate everything first: a bad line aborts before anything is stored.
    docs = []
    try:
        for path in inputs:
            docs.extend(read_statements(
                path, encoding=encoding, max_bytes=settings.max_input_bytes,
                fmt=input_format, meta={"speaker": speaker, "date": date, "source": source}))
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)

    # 2. Analyse, with a progress bar when it takes a while.
    from rhetorica.pipeline import Pipeline, default_processes

    pipe = Pipeline(settings=settings)
    stream = pipe.pipe(docs, n_process=jobs or default_processes(len(docs)))
    if len(docs) > 20 and sys.stderr.isatty():
        from rich.progress import track

        analysed = list(track(stream, total=len(docs), description="Analysing", console=err))
    else:
        analysed = list(stream)

    # 3. Store in one transaction.
    if store:
        from rhetorica import __version__

        try:
            with open_store(settings.db) as st:
                saved = st.save_many(analysed, version=__version__)
                for doc, res in zip(analysed, saved, strict=True):
                    doc.results["store_id"] = res.document_id
                # a statement analysed again keeps what reviewers decided on its claims
                attach_reviews(st, analysed)
        except StoreError as exc:
            fail(str(exc), EXIT_STORE)

    # 4. Write the report.
    text = registry.formats.get(fmt)(analysed, include_unreviewed=include_unreviewed)
    if out is None:
        write_report(text)
    else:
        tmp = out.with_name(out.name + ".part")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out)  # atomic: a reader never sees half a report
        except OSError as exc:
            fail(f"{out}: cannot write: {exc.strerror}", EXIT_INPUT)
        say(f"wrote {out} ({len(analysed)} document(s), {fmt})")
