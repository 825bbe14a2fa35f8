"""``rhetorica rhetoric``: persuasion techniques, frames and intensity for statements.

Runs only what rhetoric needs (parse, language, segment, rhetoric, the trained model, tone),
so it is quicker than ``analyze`` and stores nothing. With several statements it ends with
a comparison table: intensity and the per-technique mix, per 100 words, side by side.
"""

from __future__ import annotations

import typer

from rhetorica.cli.common import EXIT_FINDINGS, EXIT_INPUT, fail, out, print_json, safe

BASE = ("parse", "language", "segment", "rhetoric")


def register(app: typer.Typer) -> None:
    app.command("rhetoric")(rhetoric)


def rhetoric(
    inputs: list[str] = typer.Argument(
        ..., help="Files (.txt, .md, .json, .jsonl) or - for stdin."),
    model: bool = typer.Option(True, "--model/--no-model",
                               help="Add the trained model's spans to the lexicon's."),
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0,
                                    help="Hide spans scoring below this."),
    family: list[str] = typer.Option([], "--family",
                                     help="Show only these families (technique, frame, "
                                     "dehumanising, emergency, us_vs_them); repeatable."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of text inputs."),
    input_format: str | None = typer.Option(None, "--input-format",
                                            help="txt, json or jsonl (default: by extension)."),
    speaker: str | None = typer.Option(None, "--speaker", help="Speaker, if the input lacks one."),
    fail_above: float | None = typer.Option(
        None, "--fail-above", help="Exit 1 when any statement's intensity exceeds this."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Mark persuasion techniques, metaphor frames, dehumanising labels, crisis and
    us-versus-them framing, with offsets, scores and reasons; report intensity 0-100."""
    from rhetorica.config import Settings
    from rhetorica.ingest.errors import InputError
    from rhetorica.ingest.statements import read_statements
    from rhetorica.pipeline import Pipeline
    from rhetorica.rhetoric.lexicon import load_lexicon

    known = set(load_lexicon().families)
    bad = [f for f in family if f not in known]
    if bad:
        fail(f"unknown family {', '.join(bad)}; choose from {', '.join(sorted(known))}", 2)
    settings = Settings()
    docs = []
    try:
        for path in inputs:
            docs.extend(read_statements(path, encoding=encoding,
                                        max_bytes=settings.max_input_bytes, fmt=input_format,
                                        meta={"speaker": speaker}))
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)

    names = [*BASE]
    if model:
        from rhetorica.rhetoric.model import model_available

        if model_available():
            names.append("rhetoric_model")
        else:
            fail("the trained rhetoric model is missing; reinstall, or pass --no-model", 5)
    names.append("tone")
    analysed = list(Pipeline(names, settings).pipe(docs))

    results = [_summary(doc, min_score, set(family)) for doc in analysed]
    if as_json:
        print_json(results if len(results) != 1 else results[0])
    else:
        for doc, res in zip(analysed, results, strict=True):
            _print_doc(doc, res)
        if len(results) > 1:
            _print_comparison(results)
    if fail_above is not None and any(r["intensity"] > fail_above for r in results):
        raise SystemExit(EXIT_FINDINGS)


def _summary(doc, min_score: float, families: set[str]) -> dict:
    spans = [s for s in doc.layer("rhetoric") if s.score >= min_score
             and (not families or s.attrs.get("family") in families)]
    tone = doc.results.get("tone", {})
    return {
        "origin": doc.meta.origin,
        "speaker": doc.meta.speaker,
        "intensity": tone.get("intensity", 0.0),
        "valence": tone.get("valence", 0.0),
        "words": tone.get("words", 0),
        "per_100_words": tone.get("per_100_words", 0.0),
        "techniques_per_100_words": tone.get("techniques_per_100_words", {}),
        "families_per_100_words": tone.get("families_per_100_words", {}),
        "warning": doc.results.get("language", {}).get("warning"),
        "spans": [{"start": s.start, "end": s.end, "text": s.text_in(doc.text),
                   "label": s.label, "family": s.attrs.get("family", ""),
                   "ptc": s.attrs.get("ptc"), "score": s.score, "source": s.source,
                   "explanation": s.explanation} for s in spans],
    }


def _print_doc(doc, res: dict) -> None:
    from rich.table import Table

    escape = safe

    head = doc.meta.speaker or doc.meta.origin or "statement"
    out.print(f"[bold]{escape(head)}[/]: intensity [bold]{res['intensity']:.0f}/100[/], "
              f"valence {res['valence']:+.2f}, {res['words']} words, "
              f"{len(res['spans'])} span(s)", highlight=False)
    if res["warning"]:
        out.print(f"[yellow]warning:[/] {escape(res['warning'])}", highlight=False)
    if res["spans"]:
        table = Table(show_lines=False)
        for col in ("chars", "family", "label", "text", "score", "source", "why"):
            table.add_column(col, overflow="fold")
        for s in res["spans"]:
            table.add_row(f"{s['start']}-{s['end']}", escape(s["family"]),
                          escape(s["label"].replace("_", " ")), escape(s["text"]),
                          f"{s['score']:.2f}", escape(s["source"].removeprefix("rhetoric.")),
                          escape(s["explanation"]))
        out.print(table)
    if res["techniques_per_100_words"]:
        mix = ", ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in sorted(
            res["techniques_per_100_words"].items(), key=lambda kv: -kv[1]))
        out.print(f"per 100 words: {escape(mix)}", highlight=False)


def _print_comparison(results: list[dict]) -> None:
    from rich.table import Table

    escape = safe

    labels = sorted({k for r in results for k in r["techniques_per_100_words"]},
                    key=lambda k: -sum(r["techniques_per_100_words"].get(k, 0) for r in results))
    top = labels[:6]
    table = Table(title="Comparison (per 100 words)")
    table.add_column("statement")
    table.add_column("intensity", justify="right")
    for k in top:
        table.add_column(escape(k.replace("_", " ")), justify="right")
    for r in results:
        table.add_row(escape(r["speaker"] or r["origin"] or "?"), f"{r['intensity']:.0f}",
                      *(f"{r['techniques_per_100_words'].get(k, 0):.1f}" for k in top))
    out.print(table)
