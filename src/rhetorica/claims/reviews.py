"""A statement's claims as a reviewer works through them: numbered in text order, each with
its current review (:mod:`rhetorica.store.reviews`), for the CLI (``rhetorica review``) and
the HTTP API alike."""

from __future__ import annotations

from typing import Any

from rhetorica.ingest.errors import InputError
from rhetorica.store.reviews import Review, claim_key


def claims_in_order(doc: Any) -> list[Any]:
    return sorted(doc.layer("claim"), key=lambda s: s.start)


def pick_claim(doc: Any, ref: str | int) -> Any:
    """The claim ``ref`` names: its number in text order (1-based), or words it contains
    (exactly one claim must contain them); :class:`InputError` otherwise."""
    claims = claims_in_order(doc)
    if isinstance(ref, int) or str(ref).isdigit():
        n = int(ref)
        if not 1 <= n <= len(claims):
            raise InputError(f"claim {n}", f"the statement has {len(claims)} claim(s)")
        return claims[n - 1]
    words = " ".join(str(ref).lower().split())
    hits = [c for c in claims if words in " ".join(c.text_in(doc.text).lower().split())]
    if len(hits) != 1:
        raise InputError(repr(ref), f"names {len(hits)} claims; give its number instead")
    return hits[0]


def claims_with_reviews(doc: Any, reviews: list[Review]) -> list[dict[str, Any]]:
    """One row per claim: number, offsets, text, the model's check-worthiness (score and
    label), the claim's type (quantity, quote, prediction…), and the current review (None
    when not reviewed)."""
    by_key = {claim_key(r.claim_text): r for r in reviews}
    rows = []
    for n, c in enumerate(claims_in_order(doc), 1):
        text = c.text_in(doc.text)
        r = by_key.get(claim_key(text))
        rows.append({"n": n, "start": c.start, "end": c.end, "text": text,
                     "check_worthiness": round(c.score, 3),
                     "check_worthy": c.label == "check_worthy",
                     "claim_type": c.attrs.get("type"),
                     "review": r.to_dict() if r else None})
    return rows


def attach_reviews(store: Any, docs: list[Any]) -> None:
    """Put each stored statement's current reviews into ``doc.results["reviews"]``, so its
    reports and ClaimReview export carry what people decided (statements not stored, or
    without reviews, get none)."""
    from rhetorica.store.reviews import latest_reviews

    for doc in docs:
        ref = doc.results.get("store_id")
        if ref is None:
            continue
        try:
            reviews = latest_reviews(store, ref)
        except InputError:
            continue
        if reviews:
            doc.results["reviews"] = [r.to_dict() for r in reviews]
