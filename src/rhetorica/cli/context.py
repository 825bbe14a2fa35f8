"""``rhetorica actors``, ``rhetorica context`` and ``rhetorica baseline``.

Actors and precedents answer "who is doing what to whom, and when did this happen before";
the baseline answers "is this how the speaker always talks". All three print rich tables
for people and ``--json`` for machines; bad input exits 3, store trouble 4, and
``baseline`` exits 1 when the statement marks a shift (so scripts can alert on it).
"""

from __future__ import annotations

from pathlib import Path

import typer

from rhetorica.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_STORE,
    fail,
    out,
    print_json,
    safe,
)

JSON_OPT = typer.Option(False, "--json", help="Machine-readable output.")
KB_OPT = typer.Option(None, "--kb", help="Extra knowledge-base file(s) (YAML/JSON); also "
                      "RHETORICA_KB.")
DATE_OPT = typer.Option(None, "--date", help="Document date (ISO), if the input lacks one; "
                        "offices are resolved as of this date.")


def register(app: typer.Typer) -> None:
    app.command("actors")(actors)
    app.command("context")(context)
    app.command("baseline")(baseline)


def _read(inputs: list[str], date: str | None, speaker: str | None = None):
    from rhetorica.ingest.errors import InputError
    from rhetorica.ingest.statements import read_statements

    if date is not None:
        import datetime as dt

        try:
            dt.date.fromisoformat(date[:10])
        except ValueError:
            fail(f"--date {date!r} is not an ISO date (YYYY-MM-DD)", 2)
    docs = []
    try:
        for path in inputs:
            docs.extend(read_statements(path, meta={"date": date, "speaker": speaker}))
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)
    if not docs:
        fail("no statements in the input", EXIT_INPUT)
    return docs


def _analyse_actors(docs, kb: list[Path] | None):
    from rhetorica.actors.component import Actors
    from rhetorica.actors.kb import KBError
    from rhetorica.config import Settings
    from rhetorica.pipeline import Pipeline

    settings = Settings()
    try:
        comp = Actors(settings, tuple(str(p) for p in kb or ()))
    except KBError as exc:
        fail(str(exc), EXIT_INPUT)
    pipe = Pipeline(["parse", "segment", "entities"], settings)
    done = []
    for doc in docs:
        doc = comp(next(iter(pipe.pipe([doc]))) if doc.parsed is None else doc)
        done.append(doc)
    return done


def actors(
    inputs: list[str] = typer.Argument(None, help="Files (.txt, .json, .jsonl) or - for stdin."),
    kb: list[Path] = KB_OPT,
    date: str | None = DATE_OPT,
    speaker: str | None = typer.Option(None, "--speaker", help="Who speaks ('I' resolves to "
                                       "them when they are in the knowledge base)."),
    show_kb: bool = typer.Option(False, "--list-kb", help="Validate and list the knowledge "
                                 "base instead of reading statements."),
    as_json: bool = JSON_OPT,
) -> None:
    """Actors in statements, linked to the knowledge base, with office and role."""
    if show_kb:
        from rhetorica.actors.kb import KBError, load_kb, validate

        try:
            base = load_kb(kb or ())
        except KBError as exc:
            fail(str(exc), EXIT_INPUT)
        rows, warnings = base.to_rows(), validate(base)
        if as_json:
            print_json({"files": base.files, "actors": rows, "warnings": warnings})
            return
        from rich.table import Table

        table = Table(title=f"Knowledge base ({len(rows)} actors; "
                            f"{safe(', '.join(base.files))})")
        for col in ("id", "name", "type", "positions"):
            table.add_column(col)
        for r in rows:
            table.add_row(safe(r["id"]), safe(r["name"]),
                          safe(r["type"] + (f"/{r['kind']}" if r["kind"] else "")),
                          safe("; ".join(f"{p['title']} {p['start']}–{p['end'] or ''}"
                                         for p in r["positions"])))
        out.print(table)
        for w in warnings:
            out.print(f"[yellow]warning:[/] {safe(w)}", highlight=False)
        return
    if not inputs:
        fail("give a file or - for stdin (or --list-kb)", 2)
    docs = _analyse_actors(_read(inputs, date, speaker), kb)
    if as_json:
        print_json([{"text": d.text, "meta": d.meta.to_dict(), "actors": d.results["actors"],
                     "mentions": [s.to_dict() for s in d.layer("actor")]} for d in docs])
        return
    from rich.table import Table

    for d in docs:
        res = d.results["actors"]
        when = "today: the statement has no date" if res["date_from"] == "today" else \
            "the statement's date"
        table = Table(title=f"Actors (offices as of {safe(res['as_of'])}, {when})")
        for col in ("actor", "office", "role", "all roles", "mentions"):
            table.add_column(col)
        for a in res["actors"]:
            table.add_row(safe(a["name"]),
                          safe(a.get("office") or ("" if a["linked"] else "(unlinked)")),
                          safe(a["role"]),
                          safe(", ".join(f"{k}×{v}" for k, v in a["roles"].items())),
                          str(a["mentions"]))
        out.print(table)


def context(
    inputs: list[str] = typer.Argument(..., help="Files (.txt, .json, .jsonl) or - for stdin."),
    top: int = typer.Option(3, "--top", "-k", min=1, max=50, help="How many precedents."),
    date: str | None = DATE_OPT,
    kb: list[Path] = KB_OPT,
    embedder: str = typer.Option("wordllama", "--embedder",
                                 help="wordllama (default) or tfidf for language similarity."),
    as_json: bool = JSON_OPT,
) -> None:
    """The closest historical precedents to a statement, with why they match."""
    from rhetorica.context.precedents import default_index

    escape = safe

    if embedder not in ("wordllama", "tfidf"):
        fail("--embedder must be wordllama or tfidf", 2)
    docs = _analyse_actors(_read(inputs, date), kb)
    index = default_index(embedder)
    results = []
    for d in docs:
        matches = index.top(d.text, top, d.results["actors"]["actors"], d.meta.date)
        results.append({"text": d.text[:200], "date": d.meta.date, "embedder":
                        index.embedder.name, "precedents": [m.to_dict() for m in matches]})
    if as_json:
        print_json(results if len(results) > 1 else results[0])
        return
    for r in results:
        out.print(f"[bold]Closest precedents[/] [dim](language similarity: {r['embedder']})[/]")
        for i, p in enumerate(r["precedents"], 1):
            out.print(f"[bold]{i}. {escape(p['title'])}[/] ({p['start'][:4]}, "
                      f"{escape(p['place'])}) score {p['score']:.2f}", highlight=False)
            out.print(f"   legal basis: {escape(', '.join(p['legal_basis']) or '-')}",
                      highlight=False)
            for reason in p["reasons"]:
                out.print(f"   - {escape(reason)}", highlight=False)
            out.print(f"   [dim]outcome: {escape(p['outcome'])}[/]", highlight=False)


def baseline(
    speaker: str = typer.Argument(..., help="Speaker name as stored (case aside)."),
    statement: int | None = typer.Option(None, "--statement", help="Store id of the statement "
                                         "to judge (default: the speaker's latest)."),
    chart: Path | None = typer.Option(None, "--chart", help="Write a PNG or SVG chart of "
                                      "intensity over time."),
    db: str | None = typer.Option(None, "--db", help="Store path or URL."),
    as_json: bool = JSON_OPT,
) -> None:
    """Compare a statement with the speaker's own history; exit 1 when it marks a shift."""
    from rhetorica.context.baseline import chart as draw
    from rhetorica.context.baseline import compare
    from rhetorica.store import StoreError, open_store

    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        fail(f"{chart}: the chart file must end in .png or .svg", 2)
    try:
        with open_store(db) as st:
            history = st.speaker_history(speaker)
            known = [name for name, _n in st.speakers()]
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)
    if not history:
        near = [k for k in known if speaker.lower() in k.lower()][:5]
        fail(f"no stored statements by {speaker!r}"
             + (f"; did you mean: {', '.join(near)}" if near else ""), EXIT_FINDINGS)
    speaker = next((k for k in known if k.casefold() == speaker.casefold()), speaker)
    try:
        result = compare(history, speaker, statement)
    except KeyError as exc:
        fail(str(exc.args[0]), EXIT_INPUT)
    if chart is not None:
        try:
            draw(result, chart)
        except OSError as exc:
            fail(f"{chart}: cannot write: {exc.strerror or exc}", EXIT_INPUT)
    data = result.to_dict()
    if chart is not None:
        data["chart"] = str(chart)
    if as_json:
        print_json(data)
    else:
        out.print(safe(result.verdict), highlight=False)  # quotes the speaker's name
        if result.change_points:
            out.print("Change points: " + safe("; ".join(
                f"{c.date or '#' + str(c.index)} ({c.before:.0f} → {c.after:.0f})"
                for c in result.change_points)), highlight=False)
        if result.technique_changes:
            out.print("Technique mix vs usual (per 100 words): " + safe(", ".join(
                f"{c['technique']} {c['usual']:.2f}→{c['now']:.2f}"
                for c in result.technique_changes[:3])), highlight=False)
        if chart is not None:
            out.print(f"chart: {safe(chart)}", highlight=False)
    if result.shift:
        raise SystemExit(EXIT_FINDINGS)
