"""The few lines a report opens with: what is claimed, what the corpus says, how the text
persuades, who acts. Readers decide from these whether to read on; each line is plain text
(escaped by the HTML and Markdown writers) written only from what the analysis found."""

from __future__ import annotations

from collections import Counter

from rhetorica.document import Document

ROLE_ORDER = ("directs", "executes", "objects", "targets", "comments")


def _words(label: str) -> str:
    return label.replace("_", " ")


def _quote(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[:limit - 1].rstrip() + '…'}”"


def _most(counts: Counter[str]) -> str:
    return ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in counts.most_common(3))


def summary_lines(doc: Document) -> list[tuple[str, str]]:
    """``[(topic, sentence)]``, only for what the document has."""
    out: list[tuple[str, str]] = []
    claims = sorted((c for c in doc.layer("claim") if c.label == "check_worthy"),
                    key=lambda c: -c.score)
    if claims:
        top = "; ".join(_quote(c.text_in(doc.text)) for c in claims[:2])
        out.append(("What is claimed", f"{len(claims)} check-worthy claim"
                    f"{'s' if len(claims) != 1 else ''}; the strongest: {top}."))
    else:
        out.append(("What is claimed", "No sentence makes a check-worthy claim."))
    evidence = doc.results.get("evidence")
    if isinstance(evidence, list) and evidence:
        counts = Counter(str(e.get("verdict", "")) for e in evidence)
        said = ", ".join(f"{n} {_words(v)}" for v, n in counts.most_common())
        out.append(("What the corpus says", f"{len(evidence)} claim"
                    f"{'s' if len(evidence) != 1 else ''} verified: {said}."))
    else:
        out.append(("What the corpus says", "Not verified against an evidence corpus "
                    "(analyse with --verify)."))
    tone = doc.results.get("tone") or {}
    # the author's own rhetoric apart from the words of those quoted: a report that quotes a
    # politician calling people vermin does not call them so itself
    spans = doc.layer("rhetoric")
    own: Counter[str] = Counter()
    quoted: Counter[str] = Counter()
    speakers: Counter[str] = Counter()
    for s in spans:
        voice = str(s.attrs.get("voice", "author"))
        (own if voice == "author" else quoted)[_words(s.label)] += 1
        if voice != "author":
            speakers[voice] += 1
    if tone or spans:
        parts = []
        if isinstance(tone.get("intensity"), (int, float)):
            parts.append(f"intensity {tone['intensity']:.0f}/100 (the author's own words)")
        if own:
            parts.append(("the author's most used: " if quoted else "most used: ")
                         + _most(own))
        elif not quoted:
            parts.append("no persuasion technique or frame found")
        else:
            parts.append("none in the author's own words")
        if quoted:
            who = ", ".join(name for name, _ in speakers.most_common(2))
            parts.append(f"in the words of those quoted ({who}): {_most(quoted)}")
        out.append(("How the text persuades", "; ".join(parts) + "."))
    roles: dict[str, list[str]] = {}
    for a in doc.layer("actor"):
        name = str(a.attrs.get("name") or a.text_in(doc.text))
        if a.label in ROLE_ORDER and name not in roles.setdefault(a.label, []):
            roles[a.label].append(name)
    if roles:
        out.append(("Who acts", "; ".join(f"{role}: {', '.join(roles[role][:4])}"
                                          for role in ROLE_ORDER if roles.get(role)) + "."))
    return out
