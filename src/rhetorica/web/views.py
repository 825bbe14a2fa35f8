"""Pieces of the analysis page that are not report sections: claim cards and the baseline chart.

Everything here returns escaped HTML (``Markup``); untrusted text only ever enters through
``escape``. URLs from documents or evidence become links only when they are http(s), so a
``javascript:`` URL in a statement's metadata stays inert text.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from rhetorica.document import Document

EVIDENCE_KEYS = ("evidence", "sources", "matches")
TEXT_KEYS = ("title", "text", "snippet", "quote", "claim", "summary")


def safe_url(url: Any) -> str | None:
    """The URL if it is a plain http(s) link, else None (never javascript:, data:, ...)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def link(url: Any, label: str | None = None) -> str:
    href = safe_url(url)
    text = escape(label if label is not None else str(url))
    if href is None:
        return text
    return f'<a href="{escape(href)}" rel="noopener noreferrer nofollow" target="_blank">{text}</a>'


def render_value(value: Any, depth: int = 0) -> str:
    """Any JSON-like value as compact escaped HTML (evidence formats vary by source)."""
    if depth > 4:
        return escape(str(value)[:200])
    if isinstance(value, dict):
        return evidence_card(value, depth + 1)
    if isinstance(value, list):
        if not value:
            return "<em>none</em>"
        items = "".join(f"<li>{render_value(v, depth + 1)}</li>" for v in value[:50])
        more = f"<li>… {len(value) - 50} more</li>" if len(value) > 50 else ""
        return f"<ul>{items}{more}</ul>"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, str) and safe_url(value):
        return link(value)
    return escape(str(value))


def passage_card(p: dict[str, Any]) -> str:
    """One retrieved passage: its stance, the quoted words, and where it comes from."""
    stance = str(p.get("stance") or "")
    cite = " · ".join(str(p[k]) for k in ("source", "title", "date") if p.get(k)) or \
        str(p.get("origin") or "corpus")
    score = p.get("score")
    parts = [f'<div class="evidence-card stance-{escape(stance)}">',
             f'<span class="stance">{escape(stance)}</span>'
             + (f' <span class="score">{float(score):.2f}</span>'
                if isinstance(score, int | float) else ""),
             f'<blockquote>{escape(str(p.get("text") or ""))}</blockquote>',
             f'<p class="cite">{escape(cite)}'
             + (f" · {link(p.get('url'), 'open')}" if safe_url(p.get("url")) else "")
             + "</p></div>"]
    return "".join(parts)


def evidence_card(item: dict[str, Any], depth: int = 1) -> str:
    if "stance" in item and "text" in item:
        return passage_card(item)
    head = next((str(item[k]) for k in TEXT_KEYS if isinstance(item.get(k), str)), None)
    url = item.get("url") or item.get("link")
    parts = ['<div class="evidence-card">']
    if head is not None:
        parts.append(f'<p class="evidence-text">{escape(head)}</p>')
    facts = []
    for key, val in item.items():
        if key in TEXT_KEYS[:1] and head is not None and val == head:
            continue
        if isinstance(val, str) and val == head:
            continue
        if key in ("url", "link"):
            continue
        facts.append(f"<dt>{escape(str(key).replace('_', ' '))}</dt>"
                     f"<dd>{render_value(val, depth)}</dd>")
    if facts:
        parts.append(f'<dl class="facts">{"".join(facts)}</dl>')
    if url is not None:
        parts.append(f'<p class="evidence-link">{link(url)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _firm(confidence: Any) -> bool:
    from rhetorica.evidence.claimreview import PUBLISH_CONFIDENCE

    return not isinstance(confidence, (int, float)) or confidence >= PUBLISH_CONFIDENCE


def _words(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_words(v) for v in value)
    return str(value).replace("_", " ")


def claim_facts(attrs: dict[str, Any]) -> Markup:
    """What a reader needs from a claim's attributes, in words: its type, whether it can be
    checked, who claims it and in what mood, what made it check-worthy. Model internals
    (raw scores, per-type word lists) stay in the JSON report."""
    facts = []
    if attrs.get("type"):
        others = [t for t in attrs.get("types") or [] if t != attrs["type"]]
        facts.append(("type", _words(attrs["type"])
                      + (f" (also {_words(others)})" if others else "")))
    if "checkable" in attrs:
        facts.append(("checkable", "yes" if attrs["checkable"] else
                      "no" + (f": {attrs['why']}" if attrs.get("why") else "")))
    if attrs.get("claimant"):
        facts.append(("claimed by", str(attrs["claimant"])))
    if attrs.get("attribution"):
        facts.append(("attribution", str(attrs["attribution"])))
    mood = " ".join(_words(attrs[k]) for k in ("polarity", "modality") if attrs.get(k))
    if mood:
        facts.append(("stated as", mood))
    if attrs.get("checkable_text"):
        facts.append(("as a claim to check", str(attrs["checkable_text"])))
    if attrs.get("cues"):
        facts.append(("cues", _words(attrs["cues"])))
    return Markup("".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts))


def claim_anchor(text: str) -> str:
    """A claim's stable link id: from its normalised text, as reviews are keyed, so a link
    to a claim survives re-analysis and a change in its rank."""
    from rhetorica.store.reviews import claim_key

    return "claim-" + claim_key(text)[:12]


def claim_cards(doc: Document, reviews: list[Any] | None = None) -> list[dict[str, Any]]:
    """Claims ranked by score, each with its verdict and evidence when verification ran,
    its number in text order (as ``rhetorica review`` counts) and its current human review
    (``reviews``: :func:`rhetorica.store.reviews.latest_reviews` of the statement)."""
    from rhetorica.claims.reviews import claims_in_order
    from rhetorica.store.reviews import claim_key

    by_key = {claim_key(r.claim_text): r for r in reviews or []}
    number = {(c.start, c.end): n for n, c in enumerate(claims_in_order(doc), 1)}
    # Verification results (the "verify" component) sit in results["evidence"], one item per
    # verified claim, keyed back to the claim by its character offsets.
    by_offsets: dict[tuple[int, int], dict[str, Any]] = {}
    for key in ("evidence", "verify"):
        items = doc.results.get(key)
        if isinstance(items, dict):
            items = items.get("claims")
        for entry in items if isinstance(items, list) else []:
            if not isinstance(entry, dict):
                continue
            where = entry.get("claim") if isinstance(entry.get("claim"), dict) else entry
            if isinstance(where.get("start"), int) and isinstance(where.get("end"), int):
                by_offsets.setdefault((where["start"], where["end"]), entry)
    cards = []
    for i, span in enumerate(sorted(doc.layer("claim"), key=lambda s: -s.score), 1):
        attrs = dict(span.attrs)
        extra = by_offsets.get((span.start, span.end), {})
        verdict = attrs.pop("verdict", None) or (extra.get("verdict") if extra else None)
        evidence = None
        for key in ("passages", *EVIDENCE_KEYS):
            if attrs.get(key):
                evidence = attrs.pop(key)
                break
            if extra and extra.get(key):
                evidence = extra[key]
                break
        text = span.text_in(doc.text)
        review = by_key.get(claim_key(text))
        cards.append({
            "rank": i, "n": number.get((span.start, span.end), i), "anchor": claim_anchor(text),
            "review": review.to_dict() if review else None,
            "model_verdict": verdict if isinstance(verdict, str) else None,
            "start": span.start, "end": span.end, "score": span.score,
            "label": span.label.replace("_", " "), "text": text,
            "explanation": span.explanation,
            "verdict": verdict.replace("_", " ") if isinstance(verdict, str) else verdict,
            "summary": extra.get("summary") if extra else None,
            "confidence": extra.get("confidence") if extra else None,
            # a coloured verdict badge only at a confidence a newsroom could publish
            # (the ClaimReview threshold); below it the badge is grey and says "leans"
            "firm": _firm(extra.get("confidence") if extra else None),
            "verified": bool(extra),
            "evidence": Markup(render_value(evidence)) if evidence else None,
            "type": attrs.get("type"),
            "details": claim_facts(attrs),
        })
    return cards


def marked_text(doc: Document, cards: list[dict[str, Any]], colour_of: dict[str, str],
                pattern_of: dict[str, str]) -> Markup:
    """The statement with its rhetoric highlighted, each claim marked as a link to its card
    (``#claim-…``, coloured by the human verdict, else the model's firm verdict, else as
    unverified), and each stretch of text tagged with its voice (``voice-q`` with the
    quoted speaker's name, ``voice-a`` for the author) so the page can show one voice at a
    time. Claims are sentences and do not nest; a highlight crossing a claim's or a quote's
    edge is drawn in pieces."""
    from dataclasses import replace

    from rhetorica.report.highlight import highlight_html

    spans = doc.layer("rhetoric")
    quotes = sorted(doc.layer("quote"), key=lambda q: q.start)

    def lit(a: int, b: int) -> str:
        inside = [replace(s, start=max(s.start, a) - a, end=min(s.end, b) - a)
                  for s in spans if s.start < b and a < s.end]
        return highlight_html(doc.text[a:b], inside, colour_of, pattern_of)

    def piece(a: int, b: int) -> str:
        out, pos = [], a
        for q in quotes:
            qa, qb = max(q.start, pos), min(q.end, b)
            if qa >= qb:
                continue
            if qa > pos:
                out.append(f'<span class="voice-a">{lit(pos, qa)}</span>')
            who = escape(str(q.attrs.get("speaker") or "unattributed"))
            out.append(f'<span class="voice-q" data-voice="{who}">{lit(qa, qb)}</span>')
            pos = qb
        if pos < b:
            out.append(f'<span class="voice-a">{lit(pos, b)}</span>')
        return "".join(out)

    out, pos = [], 0
    for c in sorted(cards, key=lambda c: c["start"]):
        if c["start"] < pos:
            continue  # an overlapping claim (atomic parts of one sentence) keeps its card
        review = c.get("review")
        state = (review["verdict"] if review else
                 c["model_verdict"] if c.get("model_verdict") and c.get("firm") else
                 "leans" if c.get("model_verdict") else "unverified")
        label = f"claim #{c['rank']}, " + (
            f"reviewed: {review['verdict'].replace('_', ' ')}" if review else
            f"model: {c['verdict']}" if c.get("verdict") else "not verified yet")
        out.append(piece(pos, c["start"]))
        out.append(f'<a class="claim-mark claim-{escape(state)}" href="#{c["anchor"]}" '
                   f'data-claim="{c["anchor"]}" title="{escape(label)}">'
                   f'<sup class="claim-n" aria-hidden="true">{c["rank"]}</sup>'
                   f'{piece(c["start"], c["end"])}</a>')
        pos = c["end"]
    out.append(piece(pos, len(doc.text)))
    return Markup("".join(out))


def baseline_chart(history: list[dict[str, Any]], current_id: int | None = None,
                   width: int = 640, height: int = 180) -> Markup | None:
    """An inline SVG of a speaker's intensity over their stored statements (no JS, no CDN)."""
    points = [h for h in history if h.get("intensity") is not None]
    if len(points) < 1:
        return None
    pad_l, pad_r, pad_t, pad_b = 36, 12, 12, 28
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b
    n = len(points)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad_l + (inner_w * (i / (n - 1)) if n > 1 else inner_w / 2)
        y = pad_t + inner_h * (1 - max(0.0, min(100.0, float(v))) / 100)
        return round(x, 1), round(y, 1)

    coords = [xy(i, p["intensity"]) for i, p in enumerate(points)]
    mean = sum(float(p["intensity"]) for p in points) / n
    _, mean_y = xy(0, mean)
    out = [f'<svg class="baseline" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'aria-label="intensity of {n} statements, mean {mean:.0f}">']
    for tick in (0, 50, 100):
        _, ty = xy(0, tick)
        out.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{ty}" y2="{ty}" '
                   f'stroke="#e5e5e5"/><text x="4" y="{ty + 4}" font-size="11">{tick}</text>')
    out.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{mean_y}" y2="{mean_y}" '
               f'stroke="#84a59d" stroke-dasharray="4 3"/>'
               f'<text x="{width - pad_r - 90}" y="{mean_y - 4}" font-size="11" fill="#52796f">'
               f'baseline {mean:.0f}</text>')
    if n > 1:
        path = " ".join(f"{x},{y}" for x, y in coords)
        out.append(f'<polyline fill="none" stroke="#6d6875" stroke-width="1.5" points="{path}"/>')
    for p, (x, y) in zip(points, coords, strict=True):
        current = current_id is not None and p.get("id") == current_id
        label = escape(f"{p.get('date') or 'undated'}: intensity {float(p['intensity']):.0f}")
        out.append(f'<a href="/documents/{int(p["id"])}"><circle cx="{x}" cy="{y}" '
                   f'r="{6 if current else 4}" fill="{"#e56b6f" if current else "#6d6875"}">'
                   f'<title>{label}{" (this statement)" if current else ""}</title></circle></a>')
    first, last = points[0].get("date") or "", points[-1].get("date") or ""
    out.append(f'<text x="{pad_l}" y="{height - 8}" font-size="11">{escape(str(first)[:10])}'
               f'</text><text x="{width - pad_r}" y="{height - 8}" font-size="11" '
               f'text-anchor="end">{escape(str(last)[:10])}</text></svg>')
    return Markup("".join(out))
