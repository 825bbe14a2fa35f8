"""schema.org ClaimReview JSON-LD for verified claims (``--format claimreview``).

One ClaimReview per verified claim, written so a newsroom can publish it as it stands:

* ``reviewRating`` (``ratingValue`` on a 1-5 scale with ``bestRating``/``worstRating``, the
  verdict as ``alternateName`` and the summary as ``ratingExplanation``) is given only when
  a rating can be stood behind: the automated verdict is ``supported`` or ``refuted`` with
  ``confidence >= PUBLISH_CONFIDENCE`` (0.80), or a person reviewed the item (the item
  carries ``"reviewed_by": "<person name>"``; the review's ``author`` is then that person
  and Rhetorica is the ``publisher``). Otherwise the ClaimReview has no ``reviewRating``
  and its ``description`` says why no rating is given, with the summary.
* Nothing is invented: ``itemReviewed.datePublished`` is the statement's date only when it
  is known, and ``itemReviewed.author`` is the claimant (``item["claim"]["claimant"]``),
  else the document's speaker, else absent — never "Unknown". ``appearance`` is where the
  claim was made, when known. The review's own ``datePublished`` is the generation date.
* The passages the verdict rests on are listed under ``citation``, and fact-checks already
  published about the claim (``item["prior_fact_checks"]``, from
  :func:`rhetorica.evidence.fact_checks.find_prior_fact_checks`) under ``isBasedOn``.
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
    "misleading": (2, "Misleading"),  # a person's verdict only (rhetorica review)
    "disputed": (3, "Disputed"),
    "not_enough_evidence": (3, "Unproven: no evidence in the corpus"),
    "supported": (5, "True"),
}
REVIEWER = "Rhetorica (automated evidence check)"
PUBLISHER = "Rhetorica"
BASE_URL = "urn:rhetorica:claimreview:"
# An automated verdict is published as a rating only at or above this calibrated confidence
# (and only for supported/refuted); anything else needs a person's review first.
PUBLISH_CONFIDENCE = 0.80
RATEABLE = ("supported", "refuted")


def _clean(value: Any) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def publishable_rating(item: dict[str, Any]) -> bool:
    """Whether ``item`` may carry a ``reviewRating`` (see the module docstring)."""
    if _clean(item.get("reviewed_by")):  # a person's verdict; "not checkable" rates nothing
        return item.get("verdict") in RATINGS
    conf = item.get("confidence")
    return (item.get("verdict") in RATEABLE and isinstance(conf, (int, float))
            and conf >= PUBLISH_CONFIDENCE)


def _why_no_rating(item: dict[str, Any]) -> str:
    verdict = str(item.get("verdict", "")).replace("_", " ") or "no verdict"
    reviewer = _clean(item.get("reviewed_by"))
    if reviewer:
        note = _clean(item.get("summary"))
        return f"Reviewed by {reviewer}: {verdict}." + (f" {note}" if note else "")
    conf = item.get("confidence")
    conf_txt = f" (confidence {conf:.2f})" if isinstance(conf, (int, float)) else ""
    if item.get("verdict") in RATEABLE:
        why = (f"the automated check found the claim {verdict}{conf_txt}, below the "
               f"{PUBLISH_CONFIDENCE:.2f} confidence needed to publish a rating without a "
               "person's review")
    else:
        why = (f"the automated check's verdict is '{verdict}'{conf_txt}; a rating is "
               f"published only for supported or refuted claims with confidence >= "
               f"{PUBLISH_CONFIDENCE:.2f}, or after a person's review")
    summary = _clean(item.get("summary"))
    return f"No rating given: {why}." + (f" {summary}" if summary else "")


def _claimant(claim: Any, meta: Any) -> dict[str, Any] | None:
    who = claim.get("claimant") if isinstance(claim, dict) else None
    if isinstance(who, dict) and _clean(who.get("name")):
        return {"@type": who.get("@type") or "Person", "name": _clean(who["name"])}
    if _clean(who):
        return {"@type": "Person", "name": _clean(who)}
    if meta is not None and _clean(meta.speaker):
        return {"@type": "Person", "name": _clean(meta.speaker)}
    return None


def _prior(fc: dict[str, Any]) -> dict[str, Any]:
    """A published fact-check (find_prior_fact_checks result) as a ClaimReview reference."""
    ref: dict[str, Any] = {"@type": "ClaimReview", "url": fc.get("url")}
    if fc.get("claim_reviewed"):
        ref["claimReviewed"] = fc["claim_reviewed"]
    if fc.get("publisher"):
        ref["publisher"] = {"@type": "Organization", "name": fc["publisher"]}
    if fc.get("date"):
        ref["datePublished"] = fc["date"]
    rating = {k: fc[f] for k, f in (("alternateName", "rating"), ("ratingValue", "rating_value"),
                                    ("bestRating", "best_rating"),
                                    ("worstRating", "worst_rating"))
              if fc.get(f) not in (None, "")}
    if rating:
        ref["reviewRating"] = {"@type": "Rating", **rating}
    return {k: v for k, v in ref.items() if v not in (None, "")}


def claim_review(item: dict[str, Any], doc: Document | None = None,
                 published: str | None = None) -> dict[str, Any]:
    """One ClaimReview object for an evidence result ``item`` (see verify.make_verify)."""
    claim = item["claim"]
    # a reported claim ("Trump claimed that LA is occupied") is reviewed for what was said
    claim_text = (claim.get("checked") or claim["text"]) if isinstance(claim, dict) \
        else str(claim)
    today = published or datetime.now(timezone.utc).strftime("%Y-%m-%d")
    meta = doc.meta if doc is not None else None
    ident = hashlib.sha256(f"{claim_text}|{meta.speaker if meta else ''}".encode()).hexdigest()
    item_reviewed: dict[str, Any] = {"@type": "Claim"}
    author = _claimant(claim, meta)
    if author:
        item_reviewed["author"] = author
    stated = (claim.get("date") if isinstance(claim, dict) else None) or (meta and meta.date)
    if stated:  # never today's date for a statement whose date is unknown
        item_reviewed["datePublished"] = stated
    appearance: dict[str, Any] = {}
    if meta and meta.url:
        appearance["url"] = meta.url
    if meta and (meta.title or meta.source):
        appearance["name"] = meta.title or meta.source
    if meta and meta.date:
        appearance["datePublished"] = meta.date
    if appearance:
        item_reviewed["appearance"] = {"@type": "CreativeWork", **appearance}
    citations = [
        {"@type": "CreativeWork", "name": p.get("title") or p.get("source") or "passage",
         **({"url": p["url"]} if p.get("url") else {}),
         **({"datePublished": p["date"]} if p.get("date") else {}),
         **({"publisher": {"@type": "Organization", "name": p["source"]}}
            if p.get("source") else {}),
         "text": p["text"], "description": f"{p['stance']} (score {p['score']:.2f})"}
        for p in item.get("passages", []) if p.get("stance") != "unrelated"
    ]
    reviewer = _clean(item.get("reviewed_by"))
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{BASE_URL}{ident[:24]}",
        "claimReviewed": claim_text,
        "datePublished": today,
        "author": ({"@type": "Person", "name": reviewer} if reviewer
                   else {"@type": "Organization", "name": REVIEWER}),
    }
    if reviewer:
        review["publisher"] = {"@type": "Organization", "name": PUBLISHER}
    conf = item.get("confidence")
    if publishable_rating(item):
        value, name = RATINGS[item["verdict"]]
        explanation = " ".join(x for x in (
            _clean(item.get("summary")),
            f"Confidence {conf:.2f}." if isinstance(conf, (int, float)) else None,
            f"Reviewed by {reviewer}." if reviewer else None) if x)
        review["reviewRating"] = {
            "@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1,
            "alternateName": name, **({"ratingExplanation": explanation} if explanation else {}),
        }
    else:
        review["description"] = _why_no_rating(item)
    review["itemReviewed"] = item_reviewed
    review["citation"] = citations
    prior = [_prior(fc) for fc in item.get("prior_fact_checks") or [] if fc.get("url")]
    if prior:
        review["isBasedOn"] = prior
    return review


def claim_reviews(docs: Sequence[Document], include_unreviewed: bool = False
                  ) -> list[dict[str, Any]]:
    """What a newsroom publishes for ``docs``: every claim a person reviewed
    (``doc.results["reviews"]``, attached by :func:`rhetorica.claims.reviews.attach_reviews`
    for stored statements), and, with ``include_unreviewed``, the automated verdicts of the
    other claims that may carry a rating (supported or refuted at ``PUBLISH_CONFIDENCE``)."""
    from rhetorica.store.reviews import Review, claim_key

    out = []
    for doc in docs:
        reviews = [Review(**r) for r in doc.results.get("reviews") or []]
        out += reviewed_claim_reviews(doc, reviews)
        if not include_unreviewed:
            continue
        seen = {claim_key(r.claim_text) for r in reviews}
        for item in doc.results.get("evidence", []):
            claim = item.get("claim")
            text = claim.get("text") if isinstance(claim, dict) else claim
            if publishable_rating(item) and claim_key(str(text or "")) not in seen:
                out.append(claim_review(item, doc))
    return out


def write_claimreview(docs: Sequence[Document], include_unreviewed: bool = False,
                      **_: object) -> str:
    """The registered ``claimreview`` format: a JSON-LD array of the reviewed claims (and,
    with ``include_unreviewed``, the automated verdicts firm enough to rate); empty when
    nothing qualifies."""
    return json.dumps(claim_reviews(docs, include_unreviewed), ensure_ascii=False,
                      indent=2) + "\n"


def reviewed_claim_reviews(doc: Document, reviews: Sequence[Any]) -> list[dict[str, Any]]:
    """ClaimReviews for a stored statement's claims as people reviewed them
    (:class:`rhetorica.store.reviews.Review`): the reviewer is the author, the note the
    explanation, the evidence they chose the citations; "needs more" is not a verdict and
    is left out. The model's verdict is not published here."""
    from rhetorica.store.reviews import claim_key

    # the claimant each claim span carries (its quoted speaker, else the statement's)
    claimants = {claim_key(c.text_in(doc.text)): c.attrs.get("claimant")
                 for c in doc.layer("claim") if c.attrs.get("claimant")}
    out = []
    for r in reviews:
        if r.verdict == "needs_more":
            continue
        claim = {"text": r.claim_text}
        if claimants.get(claim_key(r.claim_text)):
            claim["claimant"] = claimants[claim_key(r.claim_text)]
        item = {"claim": claim, "verdict": r.verdict, "reviewed_by": r.reviewer,
                "summary": r.note, "passages": []}
        review = claim_review(item, doc, published=(r.reviewed_at or "")[:10] or None)
        review["citation"] = [{"@type": "CreativeWork", "url": e} for e in r.evidence
                              if str(e).lower().startswith(("http://", "https://"))]
        out.append(review)
    return out
