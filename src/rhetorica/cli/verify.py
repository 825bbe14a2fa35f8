"""``rhetorica verify "claim" | FILE``: check claims against the evidence corpus."""

from __future__ import annotations

from pathlib import Path

import typer

from rhetorica.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_STORE,
    date_option,
    fail,
    out,
    print_json,
    write_report,
)


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)


CLAIM_FILE_SUFFIXES = (".txt", ".json", ".jsonl", ".md")


def _claims(inputs: list[str]) -> list[str]:
    """Each argument is a claim, or a file of claims (.txt: one per line; .json/.jsonl)."""
    from rhetorica.ingest.errors import InputError
    from rhetorica.ingest.statements import read_statements

    claims: list[str] = []
    for item in inputs:
        p = Path(item)
        if item == "-" or (len(item) < 4096 and "\n" not in item and p.is_file()):
            try:
                if p.suffix.lower() in (".txt", "") and item != "-":
                    (doc,) = read_statements(item, fmt="txt")
                    claims.extend(ln.strip() for ln in doc.text.splitlines() if ln.strip())
                else:
                    claims.extend(d.text for d in read_statements(item))
            except InputError as exc:
                fail(str(exc), EXIT_INPUT)
        elif " " not in item.strip() and p.suffix.lower() in CLAIM_FILE_SUFFIXES:
            # one word ending in .txt / .json: a file name, not a claim to check
            fail(f"{item}: no such file (a claim to verify is a sentence; files hold "
                 "claims one per line, or statements as .json/.jsonl)", EXIT_INPUT)
        elif item.strip():
            claims.append(item.strip())
    return claims


def verify(
    inputs: list[str] = typer.Argument(..., help="Claim text(s), or files of claims "
                                       "(.txt one per line, .json/.jsonl statements)."),
    k: int = typer.Option(5, "-k", "--top", min=1, max=50, help="Passages per claim."),
    since: str | None = typer.Option(None, "--since", help="Only evidence published on/after "
                                     "this ISO date."),
    until: str | None = typer.Option(None, "--until", help="Only evidence published on/before."),
    as_of: str | None = typer.Option(None, "--as-of", help="Check as of this ISO date: only "
                                     "evidence published by then (undated documents left out)."),
    source: list[str] = typer.Option(None, "--source", help="Only these sources (repeatable)."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid, bm25 or dense."),
    embedder: str = typer.Option("wordllama", "--embedder",
                                 help="Dense vectors to search (as given to `corpus add`)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, markdown, json or "
                            "claimreview."),
    db: str | None = typer.Option(None, "--db", help="Store path (default: user data dir)."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
) -> None:
    """Verify claims: top passages with stance, a verdict, a calibrated confidence, citations.

    Exit code 1 when any claim is refuted or disputed (a finding), 0 otherwise.
    """
    from rhetorica.config import Settings
    from rhetorica.evidence.index import MODES, HybridIndex
    from rhetorica.store import StoreError
    from rhetorica.store.corpus import Filters, open_corpus_store

    fmt = "json" if as_json else fmt
    if fmt not in ("table", "markdown", "json", "claimreview"):
        fail(f"unknown format {fmt!r}; choose table, markdown, json or claimreview", 2)
    if mode not in MODES:
        fail(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}", 2)
    since, until = date_option(since, "--since"), date_option(until, "--until")
    as_of_iso = date_option(as_of, "--as-of")
    claims = _claims(inputs)
    if not claims:
        fail("no claim to verify", EXIT_INPUT)
    url = Settings().with_(db=db).db
    if "://" not in url and not Path(url).exists():  # a mistyped path is no empty corpus
        fail(f"{url}: no such database; add documents with `rhetorica corpus add --db "
             f"{url}`", EXIT_INPUT)
    try:
        store = open_corpus_store(url)
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)
    with store:
        from rhetorica.evidence.cross_encoder import ModelArtefactError, default_cross_encoder
        from rhetorica.evidence.embed import get_embedder
        from rhetorica.evidence.verify import Verifier
        from rhetorica.models import preload

        # The stance model and the query embedder open while SQLite reads the corpus (a
        # failure is left for the main thread to meet and report).
        preload([default_cross_encoder, *([lambda: get_embedder(embedder)]
                                          if mode != "bm25" else [])])
        stats = store.stats()
        if stats["passages"] == 0:
            fail(f"the evidence corpus in {url} is empty; add documents with "
                 "`rhetorica corpus add`", EXIT_INPUT)
        if embedder not in stats["embeddings"] and mode != "bm25":
            fail(f"the corpus has no {embedder!r} vectors; add documents with "
                 f"`rhetorica corpus add --embedder {embedder}` or pass --mode bm25", 2)
        try:
            verifier = Verifier(HybridIndex(store, model=embedder), k=k)
        except ModelArtefactError as exc:
            fail(str(exc), EXIT_INTERNAL)
        filters = Filters(since, until, tuple(source or ()))
        results = [verifier.verify(c, filters=filters, mode=mode, as_of=as_of_iso)
                   for c in claims]
    items = [{"claim": {"text": r.claim, "start": 0, "end": len(r.claim)},
              **{k_: v for k_, v in r.to_dict().items() if k_ != "claim"}} for r in results]
    if fmt == "json":
        print_json(items)
    elif fmt == "claimreview":
        from rhetorica.evidence.claimreview import claim_review

        print_json([claim_review(it) for it in items])
    elif fmt == "markdown":
        from rhetorica.document import Document
        from rhetorica.evidence.report import EVIDENCE

        doc = Document(" ".join(claims))
        doc.results["evidence"] = items
        write_report(EVIDENCE.markdown(doc) + "\n")
    else:
        _print_table(items)
    if any(it["verdict"] in ("refuted", "disputed") for it in items):
        raise SystemExit(EXIT_FINDINGS)


def _print_table(items: list[dict]) -> None:
    from rich.table import Table

    from rhetorica.cli.common import safe as escape  # markup and control characters inert
    from rhetorica.evidence.report import notes_text, rating_text

    colours = {"supported": "green", "refuted": "red", "disputed": "yellow",
               "not_enough_evidence": "bright_black"}
    for it in items:
        c = colours[it["verdict"]]
        out.print(f"[bold]{escape(it['claim']['text'])}[/]")
        # Published fact-checks of this claim come first: a newsroom reads them before ours.
        for fc in it.get("prior_fact_checks") or []:
            rating = rating_text(fc)
            where = ", ".join(str(x) for x in (fc.get("publisher"), fc.get("date")) if x)
            out.print(f"  [bold magenta]already fact-checked:[/] [bold]{escape(str(rating))}[/]"
                      f"{' — ' + escape(where) if where else ''} {escape(fc.get('url') or '')}"
                      f"\n    “{escape(fc.get('claim_reviewed') or '')}”")
        out.print(f"[{c}]{it['verdict'].replace('_', ' ')}"
                  f"[/] (confidence {it['confidence']:.2f}) — {escape(it['summary'])}")
        if not it["passages"]:
            continue
        table = Table(show_header=True, expand=False)
        for col in ("stance", "score", "passage", "source", "date", "why"):
            table.add_column(col)
        for p in it["passages"]:
            why = "\n".join([*(f"{c['relation']}: {c['reason']}" for c in p.get("checks") or []),
                             *notes_text(p, it["passages"])])
            where = p.get("source") or p.get("title") or ""
            if p.get("url"):
                where += f"\n{p['url']}"
            table.add_row(p["stance"], f"{p['score']:.2f}",
                          escape(excerpt(p["text"], it["claim"].get("checked")
                                         or it["claim"]["text"])),
                          escape(where), escape(p.get("date") or ""), escape(why))
        out.print(table)
        for note in it.get("notes") or []:
            out.print(f"[dim]note: {escape(note)}[/]")


def excerpt(passage: str, claim: str, n: int = 220) -> str:
    """At most ``n`` characters of a passage for the table, from the sentence closest to the
    claim (the words that decide the stance), cut between words, with … where cut."""
    if len(passage) <= n:
        return passage
    from rhetorica.evidence.checks import best_sentence

    sent, _shared = best_sentence(claim, passage)
    at = max(0, passage.find(sent)) if sent else 0
    if at and len(passage) - at < n:  # room to show what comes before it as well
        at = max(0, len(passage) - n)
        at = passage.find(" ", at) + 1 if at else 0
    window = passage[at:at + n]
    if at + n < len(passage):
        window = window[:window.rfind(" ")] if " " in window else window
        window = window.rstrip(" ,;:") + "…"
    return ("…" if at else "") + window
