"""``rhetorica claims``: the check-worthy claims of a statement, ranked, typed and split.

    rhetorica claims speech.txt                 # ranked table of check-worthy sentences
    rhetorica claims posts.jsonl --top 5 --json # machine output
    rhetorica claims speech.txt --atomic        # also the atomic, self-contained claims
    rhetorica claims posts.jsonl --dedupe       # group claims repeated in other words
    rhetorica claims speech.txt --match-db      # claims already seen in stored statements
    rhetorica claims --repeated                 # near-duplicate claims across the store

Exit codes: 0 claims found, 1 nothing check-worthy (or no repeated claim), 2 bad flags,
3 bad input, 4 store problem.
"""

from __future__ import annotations

import typer

from rhetorica.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_STORE,
    EXIT_USAGE,
    fail,
    out,
    safe,
)


def register(app: typer.Typer) -> None:
    app.command("claims")(claims)


def _escape(text: str) -> str:
    return safe(" ".join(text.split()))


def claims(
    inputs: list[str] = typer.Argument(
        None, help="Files (.txt, .md, .json, .jsonl) or - for stdin."),
    top: int = typer.Option(10, "--top", "-n", help="Show the N highest-ranked claims per "
                            "statement (0: all)."),
    include_all: bool = typer.Option(False, "--all", help="Also list sentences below the "
                                     "check-worthiness threshold."),
    atomic: bool = typer.Option(False, "--atomic", help="Split claims into atomic, "
                                "self-contained claims with resolved references."),
    dedupe: bool = typer.Option(False, "--dedupe", help="Group near-identical claims across "
                                "the inputs."),
    match_db: bool = typer.Option(False, "--match-db", help="Find each claim among the "
                                  "claims of stored statements."),
    repeated: bool = typer.Option(False, "--repeated", help="List claims repeated across "
                                  "stored statements (no input needed)."),
    reviewed: bool = typer.Option(False, "--reviewed", help="List the claims people have "
                                  "reviewed across stored statements (`rhetorica review`)."),
    threshold: float = typer.Option(0.72, "--threshold", min=0.0, max=1.0,
                                    help="Similarity needed to call two claims the same."),
    db: str | None = typer.Option(None, "--db", help="Store path or URL (for --match-db, "
                                  "--repeated)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of text inputs."),
    input_format: str | None = typer.Option(None, "--input-format",
                                            help="txt, json or jsonl (default: by extension)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Rank a statement's sentences by check-worthiness, with claim types and atomic claims."""
    from rhetorica.cli.common import print_json
    from rhetorica.config import Settings

    settings = Settings().with_(db=db)
    if reviewed:
        if inputs:
            fail("--reviewed reads the store; give no input files with it", EXIT_USAGE)
        _print_reviewed(settings.db, as_json)
        return
    if repeated:
        if inputs:
            fail("--repeated reads the store; give no input files with it", EXIT_USAGE)
        groups = _repeated(settings.db, threshold)
        if as_json:
            print_json({"repeated": [[m.to_dict() for m in g] for g in groups]})
        else:
            _print_groups(groups, "Claims repeated across stored statements")
        raise SystemExit(0 if groups else EXIT_FINDINGS)
    if not inputs:
        fail("give a file or - for stdin (or --repeated)", EXIT_USAGE)

    from rhetorica.ingest.errors import InputError
    from rhetorica.ingest.statements import read_statements

    docs = []
    try:
        for path in inputs:
            docs.extend(read_statements(path, encoding=encoding,
                                        max_bytes=settings.max_input_bytes, fmt=input_format))
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)

    from rhetorica.pipeline import Pipeline

    names = ["parse", "language", "segment", "entities", "claims"]
    if atomic or dedupe or match_db:
        names.append("atomic_claims")
    analysed = list(Pipeline(names, settings).pipe(docs))

    report = []
    for doc in analysed:
        ranked = sorted(doc.layer("claim"), key=lambda s: -s.score)
        if not include_all:
            ranked = [s for s in ranked if s.label == "check_worthy"]
        if top:
            ranked = ranked[:top]
        kept = {(s.start, s.end) for s in ranked}
        atoms = [a for a in doc.layer("atomic_claim") if tuple(a.attrs["claim"]) in kept]
        report.append({
            "origin": doc.meta.origin, "speaker": doc.meta.speaker, "date": doc.meta.date,
            "model": doc.results.get("claims", {}).get("model"),
            "claims": [{
                "rank": n + 1, "start": s.start, "end": s.end, "text": s.text_in(doc.text),
                "score": s.score, "label": s.label, "type": s.attrs.get("type"),
                "types": s.attrs.get("types", []), "checkable": s.attrs.get("checkable"),
                "why": s.explanation,
                **({"atomic": [{"text": a.attrs["text"], "type": a.label,
                                "pieces": a.attrs["pieces"], "resolved": a.attrs["resolved"]}
                               for a in atoms if a.attrs["claim"] == [s.start, s.end]]}
                   if atomic else {}),
            } for n, s in enumerate(ranked)],
        })

    groups = []
    if dedupe:
        from rhetorica.claims.matching import dedupe as dedupe_claims
        from rhetorica.claims.matching import document_claims

        texts, ids, metas = [], [], []
        for d_i, doc in enumerate(analysed):
            for c in document_claims(doc):
                texts.append(c["text"])
                ids.append(f"{d_i}:{c['start']}-{c['end']}")
                metas.append({"input": d_i, "origin": doc.meta.origin, "start": c["start"],
                              "end": c["end"]})
        groups = dedupe_claims(texts, threshold, ids=ids, metas=metas)

    matches = []
    if match_db:
        from rhetorica.claims.matching import build_store_index, document_claims
        from rhetorica.store import StoreError, open_store

        try:
            with open_store(settings.db) as st:
                index = build_store_index(st, threshold=threshold)
        except StoreError as exc:
            fail(str(exc), EXIT_STORE)
        for d_i, doc in enumerate(analysed):
            for c in document_claims(doc):
                found = index.search(c["text"])
                if found:
                    matches.append({"input": d_i, "claim": c["text"], "start": c["start"],
                                    "end": c["end"], "matches": [m.to_dict() for m in found]})

    found_any = any(r["claims"] for r in report) or bool(groups) or bool(matches)
    if as_json:
        data: dict = {"statements": report}
        if dedupe:
            data["duplicates"] = [[m.to_dict() for m in g] for g in groups]
        if match_db:
            data["matches"] = matches
        print_json(data)
    else:
        _print_report(report, atomic)
        if dedupe:
            _print_groups(groups, "Near-identical claims in the input")
        if match_db:
            _print_matches(matches)
    raise SystemExit(0 if found_any else EXIT_FINDINGS)


def _print_report(report: list[dict], atomic: bool) -> None:
    from rich.table import Table

    for st in report:
        title = " · ".join(str(x) for x in (st["origin"], st["speaker"], st["date"]) if x)
        if not st["claims"]:
            out.print(f"[dim]{_escape(title)}: no check-worthy claim[/]")
            continue
        table = Table(title=_escape(title) or None, show_lines=atomic)
        for col in ("#", "score", "type", "claim", "offsets"):
            table.add_column(col)
        for c in st["claims"]:
            text = _escape(c["text"])
            if not c["checkable"]:
                text += " [dim](not checkable)[/]"
            if atomic and c.get("atomic"):
                text += "".join(f"\n  [cyan]→[/] {_escape(a['text'])}" +
                                (" [dim](" + ", ".join(
                                    f"{_escape(r['text'])} = {_escape(r['entity'])}"
                                    for r in a["resolved"]) + ")[/]" if a["resolved"] else "")
                                for a in c["atomic"])
            table.add_row(str(c["rank"]), f"{c['score']:.2f}", safe(c["type"]), text,
                          f"{c['start']}-{c['end']}")
        out.print(table)


def _print_groups(groups: list, title: str) -> None:
    if not groups:
        out.print(f"[dim]{title}: none[/]")
        return
    out.print(f"[bold]{title}[/]")
    for n, g in enumerate(groups, 1):
        out.print(f"[bold]{n}.[/]")
        for m in g:
            where = m.meta.get("origin") or (f"doc {m.meta.get('document_id')} "
                                             f"{m.meta.get('speaker') or ''} "
                                             f"{m.meta.get('date') or ''}").strip()
            out.print(f"   {_escape(m.text)} [dim]({_escape(str(where))} "
                      f"{m.meta.get('start')}-{m.meta.get('end')})[/]")


def _print_matches(matches: list[dict]) -> None:
    if not matches:
        out.print("[dim]No claim matches a stored claim.[/]")
        return
    out.print("[bold]Claims already seen in stored statements[/]")
    for m in matches:
        out.print(f" {_escape(m['claim'])}")
        for hit in m["matches"]:
            meta = hit["meta"]
            out.print(f"   [cyan]≈ {hit['score']:.2f}[/] {_escape(hit['text'])} [dim](doc "
                      f"{meta.get('document_id')}, {_escape(str(meta.get('speaker') or '-'))}, "
                      f"{_escape(str(meta.get('date') or '-'))})[/]")


def _repeated(db: str, threshold: float) -> list:
    from rhetorica.claims.matching import find_repeated_claims
    from rhetorica.store import StoreError, open_store

    try:
        with open_store(db) as st:
            return find_repeated_claims(st, threshold=threshold)
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)


def _print_reviewed(db: str | None, as_json: bool) -> None:
    """Every reviewed claim's current verdict, newest first (exit 1 when none)."""
    from rhetorica.cli.common import EXIT_STORE, out, print_json, safe
    from rhetorica.store import StoreError, open_store
    from rhetorica.store.reviews import latest_reviews

    try:
        with open_store(db) as store:
            rows = latest_reviews(store)
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)
    if as_json:
        print_json([r.to_dict() for r in rows])
    elif rows:
        from rich.table import Table

        table = Table(title="Reviewed claims")
        for col in ("statement", "claim", "verdict", "by", "when", "note"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(str(r.document_id), safe(r.claim_text), r.verdict.replace("_", " "),
                          safe(r.reviewer), safe((r.reviewed_at or "")[:16]), safe(r.note))
        out.print(table)
    else:
        out.print("No claim has been reviewed yet (see `rhetorica review`).", highlight=False)
    if not rows:
        raise SystemExit(EXIT_FINDINGS)
