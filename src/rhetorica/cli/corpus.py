"""``rhetorica corpus add|list|show|export|stats|remove``: the evidence claims are checked
against."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from rhetorica.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_STORE,
    EXIT_USAGE,
    date_option,
    err,
    fail,
    out,
    print_json,
    safe,
)

if TYPE_CHECKING:
    from rhetorica.ingest.crawl import UrlOutcome

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
    paths: list[str] = typer.Argument(..., help="Files or folders (.txt .md .html .pdf .json "
                                      ".jsonl .rss .atom .xml), or http(s) URLs of article "
                                      "pages, RSS/Atom feeds, sitemaps and PDFs."),
    source: str | None = typer.Option(None, "--source",
                                      help="Source name where a file or page names none."),
    fmt: str | None = typer.Option(None, "--input-format",
                                   help="text, markdown, html, pdf, json, jsonl or feed "
                                        "(default: by extension; files only)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of text inputs."),
    embedder: str = typer.Option("wordllama", "--embedder",
                                 help="Dense model: wordllama (default) or minilm (extra)."),
    # The fetch defaults (DEFAULT_* in ingest/fetch.py and ingest/crawl.py) are written out
    # here: importing those modules would load httpx for every `rhetorica` command.
    max_pages: int = typer.Option(200, "--max-pages", min=1,
                                  help="At most N URLs fetched from each feed or sitemap."),
    ignore_robots: bool = typer.Option(False, "--ignore-robots",
                                       help="Fetch what robots.txt disallows (only sites you "
                                            "may crawl)."),
    timeout: float = typer.Option(30.0, "--timeout", min=0.1,
                                  help="Deadline in seconds for each URL's fetch, redirects "
                                       "and a slow body included."),
    max_bytes: int = typer.Option(20_000_000, "--max-bytes", min=1,
                                  help="Largest response body fetched, in bytes."),
    delay: float = typer.Option(1.0, "--delay", min=0.0,
                                help="Seconds between two requests to one host (a robots.txt "
                                     "Crawl-delay may raise it)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Add documents to the corpus, from files and folders and from http(s) URLs.

    Files: all are read first, then stored in ONE transaction; one bad file stores nothing
    (and nothing is fetched).

    URLs (after the files): each is stored on its own, with its raw response. A feed's
    summary-only items are read from their linked pages; a sitemap's pages are fetched.
    robots.txt is honoured, redirects are followed only within the URL's origin, and every
    fetch has a deadline and a size cap. A URL that fails stores nothing and does not stop
    the others; failures are listed and the exit code is 3 (1 when URLs were only skipped
    by robots.txt). Re-running resumes: stored URLs are asked for conditionally (an
    unchanged one answers 304 and is skipped), failed ones are tried again.

    Re-adding the same text is a no-op (idempotent).
    """
    from rhetorica.evidence.embed import EmbedderError, get_embedder
    from rhetorica.ingest.corpus import CorpusDocument, WorkerVectors, expand_paths, read_files
    from rhetorica.ingest.errors import InputError
    from rhetorica.store import StoreError

    urls = [p for p in paths if _is_url(p)]
    other = [p for p in paths if p not in urls]
    schemes = [p for p in other if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", p)]
    if schemes:
        fail(f"{schemes[0]}: only http:// and https:// URLs are fetched", EXIT_INPUT)
    files = list(expand_paths(other))
    if not files and not urls:
        fail("no supported files found in the given paths", EXIT_INPUT)
    try:
        model = get_embedder(embedder)
    except EmbedderError as exc:
        fail(str(exc), EXIT_INPUT)
    tty = sys.stderr.isatty() and not as_json
    outcomes = []
    workers = min(2, os.cpu_count() or 1)
    # the reading workers embed the passages too; the store takes their vectors from here
    vectors = WorkerVectors(model)

    def documents(advance: Any = None) -> Iterator[CorpusDocument]:
        """Files are read (by worker processes for a large folder) while the store writes
        them, inside its one transaction: memory stays flat in the number of files, and an
        InputError still rolls everything back."""
        for docs in read_files(files, workers, embedder=embedder, encoding=encoding,
                               fmt=fmt, source=source):
            yield from (vectors.take(d) for d in docs)
            if advance:
                advance()

    with _open(db) as store:
        try:
            if not files:
                from rhetorica.store.corpus import AddReport

                report = AddReport()
            elif tty:
                from rich.progress import Progress

                with Progress(console=err, transient=True) as bar:
                    task = bar.add_task("Reading and indexing files", total=len(files))
                    report = store.add_documents(documents(lambda: bar.advance(task)),
                                                 vectors.encode, model.name)
            else:
                report = store.add_documents(documents(), vectors.encode, model.name)
            if urls:
                outcomes = _add_urls(store, urls, model, tty=tty, as_json=as_json,
                                     source=source, max_pages=max_pages,
                                     ignore_robots=ignore_robots, timeout=timeout,
                                     max_bytes=max_bytes, delay=delay)
        except InputError as exc:
            fail(f"{exc} (nothing was added)", EXIT_INPUT)
        except StoreError as exc:
            fail(str(exc), EXIT_STORE)
    for o in outcomes:
        for name in ("documents_added", "documents_skipped", "passages_added",
                     "passages_skipped"):
            setattr(report, name, getattr(report, name) + getattr(o, name))
    counts = {k: sum(o.outcome == k for o in outcomes)
              for k in ("added", "unchanged", "robots", "failed")}
    if as_json:
        data = {"files": len(files), **report.to_dict()}
        if urls:
            data |= {"urls": counts, "outcomes": [o.to_dict() for o in outcomes]}
        print_json(data)
    else:
        inputs = [f"{len(files)} file(s)"] if files or not urls else []
        if urls:
            left = sum(o.not_fetched for o in outcomes)
            inputs.append(f"{len(outcomes)} URL(s): {counts['added']} added, "
                          f"{counts['unchanged']} unchanged, {counts['robots']} skipped by "
                          f"robots.txt, {counts['failed']} failed"
                          + (f", {left} more listed but not fetched (--max-pages)"
                             if left else ""))
        out.print(f"{report.documents_added} document(s) added, {report.documents_skipped} "
                  f"already present; {report.passages_added} passage(s) indexed"
                  + (f", {report.passages_skipped} duplicate passage(s) skipped"
                     if report.passages_skipped else "") + f" from {'; '.join(inputs)}.",
                  highlight=False)
    if counts["failed"]:
        raise SystemExit(EXIT_INPUT)
    if counts["robots"]:
        raise SystemExit(EXIT_FINDINGS)


def _is_url(arg: str) -> bool:
    """A URL argument is recognised by its scheme (a file may not be named so)."""
    return re.match(r"https?://", arg, flags=re.I) is not None


def _add_urls(store: Any, urls: list[str], model: Any, *, tty: bool, as_json: bool,
              **opts: Any) -> list[UrlOutcome]:
    """Fetch ``urls`` into ``store`` (see :mod:`rhetorica.ingest.crawl`); each failure and
    robots.txt skip is one line on stderr as it happens (unless ``--json``), a spinner
    names the URL being fetched on a terminal."""
    from rhetorica.ingest.crawl import UrlIngest
    from rhetorica.ingest.fetch import Fetcher, FetchOptions

    options = FetchOptions(timeout=opts["timeout"], max_bytes=opts["max_bytes"],
                           min_delay=opts["delay"], respect_robots=not opts["ignore_robots"])

    def report(o: UrlOutcome) -> None:
        if as_json or o.outcome not in ("failed", "robots"):
            return
        label = "[bold red]failed:[/]" if o.outcome == "failed" else "[yellow]skipped:[/]"
        via = f" (listed by {o.via})" if o.via else ""
        err.print(f"{label} {safe(f'{o.url}: {o.reason}{via}', oneline=True)}",
                  highlight=False)

    with Fetcher(options) as fetcher:
        if not tty:
            return UrlIngest(store, fetcher, model.encode, model.name,
                             max_pages=opts["max_pages"], source=opts["source"],
                             on_outcome=report).add(urls)
        from rich.progress import Progress, SpinnerColumn, TextColumn

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err,
                      transient=True) as bar:
            task = bar.add_task("Fetching")

            def fetching(url: str) -> None:
                bar.update(task, description=f"Fetching {safe(url[:120], oneline=True)}")

            return UrlIngest(store, fetcher, model.encode, model.name,
                             max_pages=opts["max_pages"], source=opts["source"],
                             on_fetch=fetching, on_outcome=report).add(urls)


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
    """List corpus documents, newest first; undated documents match no date filter. Exit 1
    when filters match nothing. --source is the exact name `corpus stats` lists."""
    first, last = date_option(since, "--since"), date_option(until, "--until")
    # whole days: "--until 2026-06-09T12:00" still takes in the rest of that day
    filters = {"source": source, "since": first and first[:10], "until": last and last[:10],
               "language": language, "group": group}
    with _open(db) as store:
        rows = store.list_documents(**filters, limit=limit, offset=offset)
    active = ", ".join(f"{k} {v!r}" for k, v in filters.items() if v is not None)
    if as_json:
        print_json(rows)
    elif not rows:
        out.print(safe(f"No document matches {active}.") if active else "The corpus is empty.",
                  highlight=False)
    if not rows and active:  # asked for something that is not there (exit 1, like search)
        raise SystemExit(EXIT_FINDINGS)
    if as_json or not rows:
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
    if doc.get("fetch"):
        f = doc["fetch"]
        out.print(safe(f"Fetched {f['fetched_at']} from {f['final_url']}: HTTP {f['status']}, "
                       f"{f['content_type'] or 'no content type'}; the response is kept "
                       f"({f['raw_size']:,} bytes, sha256 {str(f['raw_sha256'])[:16]}…)"),
                  highlight=False)
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
