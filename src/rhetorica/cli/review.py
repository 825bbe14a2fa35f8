"""``rhetorica review``: a person's verdict on a stored statement's claims.

    rhetorica review 12                                   # its claims, numbered, with reviews
    rhetorica review 12 2 --verdict refuted --note "Police data: +3 %" \\
        --evidence https://police.example/2024 --by "Dana Whitfield"
    rhetorica review 12 "crime fell" --verdict misleading --by Dana   # a claim by its words
    rhetorica review 12 --claimreview > reviews.jsonld    # publish the reviewed claims

Verdicts: supported, refuted, misleading, not_checkable, needs_more. The reviewer's name
comes from --by or RHETORICA_REVIEWER. Reviews survive re-analysis (they are keyed by the
claim's text) and every review is kept; the latest is the claim's verdict. Exit codes: 0,
1 when the statement has no claim, 2 bad flags, 3 an unknown claim or verdict.
"""

from __future__ import annotations

import json
import os
from typing import Any

import typer

from rhetorica.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_STORE,
    EXIT_USAGE,
    fail,
    out,
    print_json,
    safe,
)

ENV_REVIEWER = "RHETORICA_REVIEWER"


def register(app: typer.Typer) -> None:
    app.command("review")(review)


def review(
    doc_ref: str = typer.Argument(..., metavar="DOC", help="Stored statement id or key."),
    claim: str | None = typer.Argument(None, help="Claim number (text order) or its words."),
    verdict: str | None = typer.Option(
        None, "--verdict", help="supported, refuted, misleading, not_checkable, needs_more."),
    note: str = typer.Option("", "--note", help="Why: what the reviewer found."),
    evidence: list[str] = typer.Option([], "--evidence", help="A URL or corpus document id "
                                       "the verdict rests on (repeatable)."),
    by: str | None = typer.Option(None, "--by", help=f"Reviewer's name (or {ENV_REVIEWER})."),
    claimreview: bool = typer.Option(False, "--claimreview", help="Print the reviewed "
                                     "claims as schema.org ClaimReview JSON-LD."),
    db: str | None = typer.Option(None, "--db", help="Store path or URL."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Record a verdict on a claim of a stored statement, list its claims with their
    reviews, or publish the reviewed ones (--claimreview)."""
    from rhetorica.claims.reviews import pick_claim
    from rhetorica.ingest.errors import InputError
    from rhetorica.store import StoreError, open_store
    from rhetorica.store.reviews import latest_reviews, record_review

    if (claim is None) != (verdict is None):
        fail("give a claim and --verdict together (or neither, to list)", EXIT_USAGE)
    try:
        store = open_store(db)
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)
    ref: int | str = int(doc_ref) if doc_ref.isdigit() else doc_ref
    with store:
        doc = store.get(ref)
        if doc is None:
            fail(f"no stored statement {doc_ref!r} (see `rhetorica db list`)", EXIT_FINDINGS)
        try:
            if claim is not None and verdict is not None:
                span = pick_claim(doc, claim)
                done = record_review(store, ref, span.text_in(doc.text), verdict,
                                     by or os.environ.get(ENV_REVIEWER, ""), note, evidence,
                                     span.start, span.end)
                if as_json:
                    print_json(done.to_dict())
                else:
                    out.print(safe(f"{done.reviewer} reviewed claim {claim} as "
                                   f"{done.verdict.replace('_', ' ')}: “{done.claim_text}”"),
                              highlight=False)
                return
            reviews = latest_reviews(store, ref)
        except InputError as exc:
            fail(str(exc), EXIT_INPUT)
    if claimreview:
        from rhetorica.evidence.claimreview import reviewed_claim_reviews

        print(json.dumps(reviewed_claim_reviews(doc, reviews), ensure_ascii=False, indent=2))
        return
    _list(doc, reviews, as_json)


def _list(doc: Any, reviews: list[Any], as_json: bool) -> None:
    from rhetorica.claims.reviews import claims_with_reviews

    rows = claims_with_reviews(doc, reviews)
    if as_json:
        print_json(rows)
    else:
        from rich.table import Table

        table = Table(title="Claims and reviews")
        for col in ("#", "claim", "check-worthy", "review", "by", "note"):
            table.add_column(col, overflow="fold")
        for row in rows:
            r = row["review"]
            table.add_row(str(row["n"]), safe(row["text"]), f"{row['check_worthiness']:.2f}",
                          safe(r["verdict"].replace("_", " ")) if r else "–",
                          safe(r["reviewer"]) if r else "", safe(r["note"]) if r else "")
        out.print(table)
    if not rows:
        raise SystemExit(EXIT_FINDINGS)
