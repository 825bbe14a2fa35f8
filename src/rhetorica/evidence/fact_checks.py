"""Prior fact-checks: has someone already checked this claim?

Fact-checkers publish their verdicts as schema.org ClaimReview; ``rhetorica corpus add``
stores them (see :func:`rhetorica.ingest.corpus.doc_from_claimreview`). Before weighing
passages, a newsroom wants to know that a claim — or the same claim in other words — was
already rated. :func:`find_prior_fact_checks` compares a claim with every stored
``claimReviewed`` using the claim matcher of :mod:`rhetorica.claims.matching` (WordLlama
meaning + shared content words, same threshold), where numbers that disagree never match:
a check of "90,000 riders" says nothing about "45,000 riders".

The claims index is built once per corpus generation (the store caches its fact-check rows
per generation too), so verifying many claims embeds the stored claims once.
"""

from __future__ import annotations

import weakref
from typing import Any

from rhetorica.claims.matching import DEFAULT_THRESHOLD, ClaimIndex, content_words

# store -> (the fact_checks() list the index was built from, the index)
_INDEXES: weakref.WeakKeyDictionary[Any, tuple[list[dict[str, Any]], ClaimIndex]] = (
    weakref.WeakKeyDictionary())


def _index(store: Any, rows: list[dict[str, Any]], embed: Any) -> ClaimIndex:
    cached = _INDEXES.get(store) if embed is None else None
    if cached is not None and cached[0] is rows:  # same generation: same list object
        return cached[1]
    index = ClaimIndex(embed=embed, threshold=DEFAULT_THRESHOLD)
    index.add([r["claim_reviewed"] for r in rows], ids=[r["id"] for r in rows], metas=rows)
    if embed is None:
        _INDEXES[store] = (rows, index)
    return index


def _reason(claim: str, match: Any) -> str:
    if content_words(claim) == content_words(match.text):
        return "same claim, same words"
    return (f"same claim in other words (similarity {match.score:.2f}: meaning "
            f"{match.cosine:.2f}, shared content words {match.overlap:.2f})")


def find_prior_fact_checks(store: Any, claim: str, threshold: float | None = None,
                           limit: int = 3, *, embed: Any = None) -> list[dict[str, Any]]:
    """Stored published fact-checks of ``claim`` (or a paraphrase of it), best first.

    ``store`` is a :class:`~rhetorica.store.corpus.CorpusStore`; ``threshold`` defaults to
    the claim matcher's (:data:`rhetorica.claims.matching.DEFAULT_THRESHOLD`); ``embed``
    replaces WordLlama (tests, other models; not cached). Each result::

        {"claim_reviewed", "rating", "rating_value", "best_rating", "worst_rating",
         "publisher", "date", "url", "claimant", "similarity", "reason"}

    ``date`` is the review's publication date. One result per review URL. A pair whose
    numbers disagree is never returned, whatever the threshold.
    """
    claim = " ".join((claim or "").split())
    if not claim or limit <= 0:
        return []
    rows = store.fact_checks()
    if not rows:
        return []  # nothing stored: no embedder loaded
    index = _index(store, rows, embed)
    thr = DEFAULT_THRESHOLD if threshold is None else threshold
    # Ask for more than `limit`: the same review may be stored twice (re-published text).
    hits = index.search(claim, k=max(limit * 4, 10), threshold=thr)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for m in hits:
        if m.note.startswith("numbers differ"):
            continue  # the index caps these below its own threshold; a lower one must not
        row = m.meta
        if row["url"] in seen:
            continue
        seen.add(row["url"])
        out.append({
            "claim_reviewed": row["claim_reviewed"], "rating": row["rating"],
            "rating_value": row["rating_value"], "best_rating": row["best_rating"],
            "worst_rating": row["worst_rating"], "publisher": row["publisher"],
            "date": row["date"], "url": row["url"], "claimant": row["claimant"],
            "similarity": round(float(m.score), 4), "reason": _reason(claim, m)})
        if len(out) >= limit:
            break
    return out
