"""A person's review of a claim (``rhetorica review``), on either store backend.

Fact-checkers publish what they reviewed, not what a model said. A review records a verdict
(:data:`VERDICTS`), a note, the evidence the reviewer chose (URLs or corpus document ids as
given), who (a name the reviewer sets) and when. It is keyed by the statement and the claim's
normalised text, not by span ids, so it survives re-analysis of the statement; every review
is kept, and the latest one is the claim's current human verdict. The model's verdict is not
stored here: it stays in the analysis, shown beside the review.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from rhetorica.ingest.errors import InputError
from rhetorica.store.base import resolve_ref, resolve_ref_with

VERDICTS = ("supported", "refuted", "misleading", "not_checkable", "needs_more")


def claim_key(text: str) -> str:
    """A claim's identity across analyses: its text, case and spacing aside."""
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8", "surrogatepass")
                          ).hexdigest()


@dataclass
class Review:
    document_id: int
    claim_text: str
    verdict: str
    reviewer: str
    note: str = ""
    evidence: list[str] = field(default_factory=list)
    start: int | None = None
    end: int | None = None
    reviewed_at: str | None = None
    id: int | None = None
    reviews: int = 1  # how many reviews the claim has had (this is the latest)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def record_review(store: Any, ref: int | str, claim_text: str, verdict: str, reviewer: str,
                  note: str = "", evidence: list[str] | None = None,
                  start: int | None = None, end: int | None = None) -> Review:
    """Store a review of the claim ``claim_text`` of the statement ``ref`` (id or key);
    :class:`InputError` for an unknown verdict, an empty reviewer name or claim, or a
    statement that is not stored."""
    verdict = verdict.strip().lower().replace(" ", "_").replace("-", "_")
    if verdict not in VERDICTS:
        raise InputError("review", f"unknown verdict {verdict!r}; choose one of "
                                   f"{', '.join(VERDICTS)}")
    reviewer = " ".join((reviewer or "").split())
    if not reviewer:
        raise InputError("review", "say who reviews: --by NAME (or RHETORICA_REVIEWER)")
    if not claim_text.strip():
        raise InputError("review", "the claim is empty")
    ph = store.placeholder
    with store.transaction() as conn:
        doc_id = resolve_ref(conn, "documents", ref, ph)
        if doc_id is None:
            raise InputError(str(ref), "no stored statement with that id or key")
        row = conn.execute(
            'INSERT INTO claim_reviews(document_id, claim_key, claim_text, start, "end", '
            "verdict, note, evidence_json, reviewer) VALUES "
            f"({ph},{ph},{ph},{ph},{ph},{ph},{ph},{ph},{ph}) RETURNING id, reviewed_at",
            (doc_id, claim_key(claim_text), claim_text, start, end, verdict, note or "",
             json.dumps(list(evidence or []), ensure_ascii=False), reviewer)).fetchone()
    return Review(doc_id, claim_text, verdict, reviewer, note or "", list(evidence or []),
                  start, end, str(row["reviewed_at"]), int(row["id"]))


def latest_reviews(store: Any, ref: int | str | None = None) -> list[Review]:
    """The current review of each reviewed claim (of one statement, or of all), newest
    first, each with how many reviews the claim has had."""
    ph = store.placeholder
    where, args = "", ()
    if ref is not None:
        doc_id = resolve_ref_with(store.query, "documents", ref, ph)
        if doc_id is None:
            raise InputError(str(ref), "no stored statement with that id or key")
        where, args = f"WHERE r.document_id = {ph}", (doc_id,)
    rows = store.query(
        'SELECT r.id, r.document_id, r.claim_text, r.start, r."end", r.verdict, r.note, '
        "r.evidence_json, r.reviewer, r.reviewed_at, c.n FROM claim_reviews r JOIN "
        "(SELECT document_id, claim_key, max(id) AS last, count(*) AS n FROM claim_reviews "
        "GROUP BY document_id, claim_key) c ON c.last = r.id "
        f"{where} ORDER BY r.id DESC", args)
    out = []
    for r in rows:
        ev = r["evidence_json"]
        out.append(Review(int(r["document_id"]), r["claim_text"], r["verdict"], r["reviewer"],
                          r["note"], json.loads(ev) if isinstance(ev, str) else list(ev),
                          r["start"], r["end"], str(r["reviewed_at"]), int(r["id"]),
                          int(r["n"])))
    return out
