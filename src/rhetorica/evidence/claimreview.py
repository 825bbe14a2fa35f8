"""schema.org ClaimReview JSON-LD for verified claims (``--format claimreview``).

One ClaimReview per verified claim, with every property Google's fact-check markup asks
for: ``claimReviewed``, ``reviewRating`` (``ratingValue`` on a 1-5 scale with
``bestRating``/``worstRating`` and the verdict as ``alternateName``), ``author``,
``datePublished``, ``url`` and ``itemReviewed`` (a ``Claim`` with its ``author``,
``datePublished`` and ``appearance``, i.e. where the claim was made). The passages the verdict
rests on are listed under ``citation``, so a reader can check the check.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from rhetorica.document import Document

# Verdict -> (ratingValue on 1..5, human-readable alternateName).
RATINGS = {
    "refuted": (1, "False"),
    "disputed": (3, "Disputed"),
    "not_enough_evidence": (3, "Unproven: no evidence in the corpus"),
    "supported": (5, "True"),
}
REVIEWER = "Rhetorica (automated evidence check)"
BASE_URL = "urn:rhetorica:claimreview:"


def claim_review(item: dict[str, Any], doc: Document | None = None,
                 published: str | None = None) -> dict[str, Any]:
    """One ClaimReview object for an evidence result ``item`` (see verify.make_verify)."""
    claim = item["claim"]
    claim_text = claim["text"] if isinstance(claim, dict) else str(claim)
    value, name = RATINGS[item["verdict"]]
    today = published or datetime.now(timezone.utc).strftime("%Y-%m-%d")
    meta = doc.meta if doc is not None else None
    ident = hashlib.sha256(f"{claim_text}|{meta.speaker if meta else ''}".encode()).hexdigest()
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if meta and meta.url:
        appearance["url"] = meta.url
    if meta and (meta.title or meta.source):
        appearance["name"] = meta.title or meta.source
    if meta and meta.date:
        appearance["datePublished"] = meta.date
    item_reviewed: dict[str, Any] = {
        "@type": "Claim",
        "author": ({"@type": "Person", "name": meta.speaker} if meta and meta.speaker
                   else {"@type": "Organization", "name": (meta.source if meta and meta.source
                                                           else "Unknown")}),
        "datePublished": (meta.date if meta and meta.date else today),
        "appearance": appearance,
    }
    citations = [
        {"@type": "CreativeWork", "name": p.get("title") or p.get("source") or "passage",
         **({"url": p["url"]} if p.get("url") else {}),
         **({"datePublished": p["date"]} if p.get("date") else {}),
         **({"publisher": {"@type": "Organization", "name": p["source"]}}
            if p.get("source") else {}),
         "text": p["text"], "description": f"{p['stance']} (score {p['score']:.2f})"}
        for p in item.get("passages", []) if p.get("stance") != "unrelated"
    ]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{BASE_URL}{ident[:24]}",
        "claimReviewed": claim_text,
        "datePublished": today,
        "author": {"@type": "Organization", "name": REVIEWER},
        "reviewRating": {
            "@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1,
            "alternateName": name,
            "ratingExplanation": f"{item.get('summary', '')} Confidence {item['confidence']:.2f}.",
        },
        "itemReviewed": item_reviewed,
        "citation": citations,
    }


def claim_reviews(docs: Sequence[Document]) -> list[dict[str, Any]]:
    return [claim_review(item, doc) for doc in docs for item in doc.results.get("evidence", [])]


def write_claimreview(docs: Sequence[Document], **_: object) -> str:
    """The registered ``claimreview`` format: a JSON-LD array (empty when nothing verified)."""
    return json.dumps(claim_reviews(docs), ensure_ascii=False, indent=2) + "\n"
