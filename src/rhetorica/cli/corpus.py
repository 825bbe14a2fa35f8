"""``rhetorica corpus add|list|show|export|stats|remove``: the evidence claims are checked
against."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from rhetorica.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_STORE,
    EXIT_USAGE,
    err,
    fail,
    out,
    print_json,
    safe,
)

DB_HELP = "Store path or URL (default: user data dir, or RHETORICA_DB)."


def register(app: typer.Typer) -> None:
    corpus = typer.Typer(help="Build and inspect the evidence corpus (for `rhetorica verify`).",
                         no_args_is_help=True)
    app.add_typer(corpus, name="corpus")
    corpus.command("add")(add)
    corpus.command("list")(list_)
    corpus.command("show")(show)
    corpus.command("export")(export)
    corpus.command("stats")(stats)
    corpus.command("remove")(remove)


def _open(db: str | None):
    from rhetorica.config import Settings
    from rhetorica.store import StoreError
    from rhetorica.store.corpus import open_corpus_store

    url = Settings().with_(db=db).db
    try:
        return open_corpus_store(url)
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)


def add(
    paths: list[str] = typer.Argument(..., help="Files or folders: .txt .md .html .pdf .json "
                                      ".jsonl .rss .atom .xml (feeds)."),
    source: str | None = typer.Option(None, "--source", help="Source name where a file has none."),
    fmt: str | None = typer.Option(None, "--input-format",
                                   help="text, markdown, html, pdf, json, jsonl or feed "
                                        "(default: by extension)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of text inputs."),
    embedder: str = typer.Option("wordllama", "--embedder",
                                 help="Dense model: wordllama (default) or minilm (extra)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Add documents to the corpus: all inputs are read first, then stored in ONE transaction.

    Re-adding the same text is a no-op (idempotent); one bad file stores nothing.
    """
    from rhetorica.evidence.embed import EmbedderError, get_embedder
    from rhetorica.ingest.corpus import expand_paths, read_corpus_file
    from rhetorica.ingest.errors import InputError
    from rhetorica.store import StoreError

    docs = []
    try:
        files = list(expand_paths(paths))
        if not files:
            fail("no supported files found in the given paths", EXIT_INPUT)
        for f in files:
            docs.extend(read_corpus_file(f, encoding=encoding, fmt=fmt, source=source))
    except InputError as exc:
        fail(f"{exc} (nothing was added)", EXIT_INPUT)
    try:
        model = get_embedder(embedder)
    except EmbedderError as exc:
        fail(str(exc), EXIT_INPUT)
    with _open(db) as store:
        try:
            if sys.stderr.isatty() and not as_json:
                from rich.progress import Progress

                with Progress(console=err, transient=True) as bar:
                    task = bar.add_task("Indexing", total=len(docs))
                    report = store.add_documents(docs, model.encode, model.name,
                                                 progress=lambda n: bar.advance(task, n))
            else:
                report = store.add_documents(docs, model.encode, model.name)
        except StoreError as exc:
            fail(str(exc), EXIT_STORE)
    data = {"files": len(files), **report.to_dict()}
    if as_json:
        print_json(data)
    else:
        out.print(f"{report.documents_added} document(s) added, {report.documents_skipped} "
                  f"already present; {report.passages_added} passage(s) indexed"
                  + (f", {report.passages_skipped} duplicate passage(s) skipped"
                     if report.passages_skipped else "") + f" from {len(files)} file(s).",
                  highlight=False)


def _date_option(value: str | None, name: str) -> str | None:
    from rhetorica.ingest.dates import normalise_date

    if value is None:
        return None
    iso = normalise_date(value)
    if iso is None:
        fail(f"{name} {value!r}: not a date (use YYYY-MM-DD)", EXIT_USAGE)
    return iso[:10]


def list_(
    source: str | None = typer.Option(None, "--source", help="Only this source."),
    since: str | None = typer.Option(None, "--since", help="Published on or after (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--until", help="Published on or before."),
    language: str | None = typer.Option(None, "--language",
                                        help="Declared language (en matches en-GB)."),
    group: int | None = typer.Option(None, "--group",
                                     help="Only this wire-copy group (see the group column)."),
    limit: int = typer.Option(50, "--limit", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """List corpus documents, newest first; undated documents match no date filter."""
    filters = {"source": source, "since": _date_option(since, "--since"),
               "until": _date_option(until, "--until"), "language": language,
               "group": group}
    with _open(db) as store:
        rows = store.list_documents(**filters, limit=limit, offset=offset)
    if as_json:
        print_json(rows)
        return
    if not rows:
        active = ", ".join(f"{k} {v!r}" for k, v in filters.items() if v is not None)
        out.print(safe(f"No document matches {active}.") if active else "The corpus is empty.",
                  highlight=False)
        return
    from rich.table import Table

    table = Table(title="Evidence corpus")
    for col in ("id", "published", "source", "title", "passages", "group", "key"):
        table.add_column(col)
    for r in rows:
        grp = "" if r["group"] is None else str(r["group"]) + (
            f" ({r['copies']} copies)" if r["copies"] > 1 else "")
        table.add_row(str(r["id"]), safe(r["published"]), safe(r["source"]),
                      safe((r["title"] or "")[:70]), str(r["passages"]), grp,
                      safe(r["key"][:12]))
    out.print(table)


def show(
    ref: str = typer.Argument(..., help="Document id or key prefix (8+ characters)."),
    passages: int = typer.Option(20, "--passages", min=0,
                                 help="Show at most N passages (0: metadata only)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """One corpus document: metadata with where each field came from, and its passages
    with their character offsets. Exit 1 when no document has that id or key."""
    from rhetorica.ingest.errors import InputError
    from rhetorica.store import StoreError

    with _open(db) as store:
        try:
            doc = store.document(int(ref) if ref.isdigit() else ref)
        except InputError as exc:  # a key prefix that names several documents
            fail(str(exc), EXIT_INPUT)
        except StoreError as exc:
            fail(str(exc), EXIT_STORE)
    if doc is None:
        fail(f"no corpus document {ref!r} (see `rhetorica corpus list`)", EXIT_FINDINGS)
    if as_json:
        print_json(doc)
        return
    from rich.table import Table

    table = Table(title=safe(f"Corpus document {doc['id']}"), show_header=True)
    for col in ("field", "value", "from"):
        table.add_column(col)
    prov = doc["provenance"]
    for name, key in (("title", "title"), ("source", "source"), ("author", "author"),
                      ("published", "published"), ("url", "url"), ("origin", "origin")):
        value = doc.get(key)
        if key == "published" and value is None:
            value = "unknown (no date stated)"
        table.add_row(name, safe(value or "–"), safe(prov.get(key) or ("" if key in (
            "origin",) else "–")))
    for key in ("updated", "language"):
        if doc["meta"].get(key):
            table.add_row(key, safe(doc["meta"][key]), safe(prov.get(key) or "–"))
    out.print(table)
    if doc["copies"]:
        out.print(f"Wire copies (group {doc['group']}, counted once by verify): "
                  + safe("; ".join(f"{c['id']} {c.get('source') or '?'} "
                                   f"{c.get('published') or 'undated'}" for c in doc["copies"])),
                  highlight=False)
    shown = doc["passages"][:passages]
    for p in shown:
        out.print(f"[bold]{p['start']}–{p['end']}[/] {safe(p['text'])}", highlight=False)
    if len(doc["passages"]) > len(shown):
        out.print(f"… {len(doc['passages']) - len(shown)} more passage(s) (--passages N)",
                  highlight=False)


def export(
    output: Path = typer.Argument(..., help="JSONL file to write ('-' for stdout)."),
    source: str | None = typer.Option(None, "--source", help="Only this source."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Write every corpus document as one JSON line: text, metadata with provenance,
    passages with offsets. The file reads back with `corpus add FILE.jsonl`."""
    import json

    lines = 0
    with _open(db) as store:
        fh = sys.stdout if str(output) == "-" else None
        try:
            fh = fh or output.open("w", encoding="utf-8")
        except OSError as exc:
            fail(f"{output}: cannot write: {exc.strerror or exc}", EXIT_INPUT)
        try:
            offset = 0
            while True:
                rows = store.list_documents(source=source, limit=500, offset=offset)
                for r in rows:
                    doc = store.document(int(r["id"]))
                    if doc is not None:
                        fh.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
                        lines += 1
                if len(rows) < 500:
                    break
                offset += 500
        finally:
            if fh is not sys.stdout:
                fh.close()
    if str(output) != "-":
        err.print(f"{lines} document(s) written to {safe(output)}", highlight=False)


def stats(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Counts: documents, passages, sources, date range, vectors per model."""
    with _open(db) as store:
        data = store.stats()
    if as_json:
        print_json(data)
        return
    out.print(f"{data['documents']} documents, {data['passages']} passages, {data['sources']} "
              f"sources; published {safe(data['earliest'] or '?')} to "
              f"{safe(data['latest'] or '?')}", highlight=False)
    for model, info in data["embeddings"].items():
        out.print(f"  vectors: {safe(model)} ({info['dim']} dims): {info['vectors']}",
                  highlight=False)
    for name, n in data["top_sources"].items():
        out.print(f"  {safe(name)}: {n}", highlight=False)


def remove(
    refs: list[str] = typer.Argument(None, help="Document ids or full keys."),
    source: str | None = typer.Option(None, "--source", help="Remove every document of a source."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Remove documents (with their passages and vectors) from the corpus, by exact id or
    full key: a deletion never guesses from a prefix."""
    import re

    if not refs and not source:
        fail("give document ids/keys or --source", EXIT_USAGE)
    bad = [r for r in refs or [] if not r.isdigit() and not re.fullmatch(r"[0-9a-f]{64}", r)]
    if bad:
        fail(f"not a document id or a full 64-character key: {', '.join(bad)} (see "
             "`rhetorica corpus list`; nothing was removed)", EXIT_USAGE)
    from rhetorica.store.base import AmbiguousRef

    with _open(db) as store:
        try:
            n = store.remove(refs or [], source=source)
        except AmbiguousRef as exc:
            fail(f"{exc} (nothing was removed)", EXIT_USAGE)
    if as_json:
        print_json({"removed": n})
    else:
        out.print(f"removed {n} document(s)")
    if n == 0:
        raise SystemExit(EXIT_FINDINGS)
