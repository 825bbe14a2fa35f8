"""Atomic claims: one self-contained, checkable assertion each, with the words it came from.

"The mayor closed the bridge in May and cut the transit budget by 20%" is two claims a
checker verifies separately; "He said they occupied the square" only makes sense once "he"
and "they" are named. This module splits coordinated clauses of the dependency parse,
gives a subject-less second clause the subject of the first, and replaces pronouns and
definite descriptions ("the city") with the entity they refer to — only where the document
makes it clear: exactly one candidate of the right kind in the current or previous two
sentences. Otherwise the pronoun is left as it is (a wrong name is worse than a pronoun).

Every atomic claim keeps ``pieces``: the character ranges of the original text its words
came from (a borrowed subject adds its own range), so highlights point at real words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rhetorica.claims.claim_types import classify_tokens
from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.ingest.passages import dateline_length
from rhetorica.nlp.parse import ensure_parsed

LAYER = "atomic_claim"
SUBJ_DEPS = {"nsubj", "nsubjpass", "expl", "csubj"}

PERSON_PRONOUNS = {"he": "", "him": "", "she": "", "her": "", "his": "'s", "hers": "'s"}
GROUP_PRONOUNS = {"they": "", "them": "", "their": "'s"}
# Definite descriptions -> entity labels they can stand for. spaCy's GPE does not say
# whether a place is a city, a state or a country, so "the state"/"the country" are not
# resolved (naming the wrong place would be worse than leaving the description).
DESCRIPTIONS = {
    "city": {"GPE"}, "town": {"GPE"},
    "government": {"ORG"}, "ministry": {"ORG"}, "party": {"ORG"},
    "company": {"ORG"}, "council": {"ORG"}, "agency": {"ORG"}, "department": {"ORG"},
    "union": {"ORG"}, "army": {"ORG", "NORP"},
}
WINDOW_SENTENCES = 2
# Common nouns for people: "her husband", "a spokesperson", "the mayor" may be whom "he" or
# "she" means, and spaCy names no entity for them, so one of them before the pronoun makes
# the named person no longer the only candidate.
PERSON_NOUNS = frozenset({
    "man", "woman", "men", "women", "boy", "girl", "child", "husband", "wife", "son",
    "daughter", "mother", "father", "brother", "sister", "parent", "friend", "neighbor",
    "neighbour", "officer", "agent", "official", "spokesperson", "spokesman", "spokeswoman",
    "worker", "employee", "resident", "teacher", "student", "judge", "lawyer", "attorney",
    "senator", "mayor", "governor", "president", "secretary", "director", "chief", "leader",
    "candidate", "voter", "protester", "witness", "victim", "suspect", "owner", "manager",
    "doctor", "nurse", "soldier", "member", "aide", "adviser", "advisor", "critic",
    "supporter", "alderman", "councillor", "councilman", "councilwoman", "commissioner",
    "minister", "lawmaker", "representative", "executive", "analyst", "researcher",
    "professor", "activist", "organizer", "organiser", "detainee", "immigrant", "person",
})


@dataclass(frozen=True)
class _Named:
    """A name the quotes reader gave a pronoun, read like a spaCy entity."""

    text: str
    label_: str
    start_char: int
    end_char: int


@dataclass
class AtomicClaim:
    text: str  # self-contained, with references resolved
    pieces: list[tuple[int, int]]  # character ranges in the original text
    resolved: list[dict[str, Any]] = field(default_factory=list)
    sentence: tuple[int, int] = (0, 0)

    @property
    def start(self) -> int:
        return min(a for a, _ in self.pieces)

    @property
    def end(self) -> int:
        return max(b for _, b in self.pieces)


def _merge(ranges: Iterable[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Merge ranges that touch or are separated only by spaces."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and (a <= out[-1][1] or not text[out[-1][1]:a].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _same_entity(a: str, b: str) -> bool:
    """'Smith' and 'Maria Smith' name the same person; used before calling a reference unclear."""
    a, b = a.lower().removesuffix("'s"), b.lower().removesuffix("'s")
    return a == b or a.split()[-1] == b.split()[-1]


class Resolver:
    """Finds the unambiguous antecedent of a pronoun or definite description, if any."""

    def __init__(self, parsed: Any, speakers: dict[int, str] | None = None) -> None:
        from rhetorica.voices.quotes import quote_spans

        # "she said" where the quotes reader knows who she is (the speaker just quoted, not
        # the last person named): the pronoun's offset -> that speaker's name
        self.speakers = speakers or {}
        # spaCy rebuilds Doc.text from every token on each access: read it once (it was
        # read per atomic claim, which made long documents quadratic).
        self.text = parsed.text
        self.ents = list(parsed.ents)
        # Inside a quotation the speaker's "he" and "they" are the speaker's people ("He is
        # not a criminal," said Maria Lopez of her husband): never resolved from the article.
        self.quoted = quote_spans(self.text)
        self.in_entity = {t for e in self.ents for t in range(e.start, e.end)}
        # "Lakeview, Ohio" names one place: the state after the comma only qualifies it; a
        # dateline's town in capitals ("OAKLAND, Calif.") is where the story was filed.
        self.named = [e for k, e in enumerate(self.ents) if not (
            k > 0 and e.label_ == "GPE" and self.ents[k - 1].label_ == "GPE"
            and self.text[self.ents[k - 1].end_char:e.start_char].strip() == ",")
            and not e.text.isupper()]
        self.sents = list(parsed.sents)
        self.sent_index = {}
        for i, s in enumerate(self.sents):
            for t in s:
                self.sent_index[t.i] = i

    def _competitor(self, tok: Any, first: int, labels: set[str]) -> bool:
        """A nameless candidate between the window's start and ``tok``: a noun for people
        before "he"/"she", a plural noun before "they"/"them" ("violent criminals pouring
        across the border ... deport them")."""
        doc = tok.doc
        for t in doc[first:tok.i]:
            if t.i in self.in_entity or t.pos_ != "NOUN":
                continue
            if "PERSON" in labels and t.lemma_.lower() in PERSON_NOUNS:
                return True
            if "PERSON" not in labels and t.tag_ == "NNS" and t.dep_ in {
                    "nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "attr"}:
                return True
        return False

    def antecedent(self, tok: Any, labels: set[str], rivals: bool = True) -> Any:
        si = self.sent_index.get(tok.i, 0)
        first = self.sents[max(0, si - WINDOW_SENTENCES)].start
        if rivals and self._competitor(tok, first, labels):
            return None
        cands = [e for e in self.named
                 if e.label_ in labels and first <= e.start and e.end <= tok.i]
        if not cands:
            return None
        names: list[Any] = []
        for e in cands:
            if not any(_same_entity(e.text, n.text) for n in names):
                names.append(e)
        if len(names) != 1:
            return None
        # Prefer the fullest mention ("Maria Smith" over "Smith").
        return max(cands, key=lambda e: len(e.text))

    def resolve(self, tok: Any) -> tuple[Any, str] | None:
        w = tok.lower_
        if any(a < tok.idx < b for a, b in self.quoted):
            return None
        if tok.pos_ == "PRON" and w in PERSON_PRONOUNS:
            suffix = "'s" if w == "her" and tok.tag_ == "PRP$" else PERSON_PRONOUNS[w]
            said = self.speakers.get(tok.idx)
            if said is not None:
                at = self.text.rfind(said, 0, tok.idx)
                if at >= 0:
                    return _Named(said, "PERSON", at, at + len(said)), suffix
            ent = self.antecedent(tok, {"PERSON"})
            return (ent, suffix) if ent is not None else None
        if tok.pos_ == "PRON" and w in GROUP_PRONOUNS:
            ent = self.antecedent(tok, {"ORG", "NORP", "GPE"})
            return (ent, GROUP_PRONOUNS[w]) if ent is not None else None
        if tok.lower_ in DESCRIPTIONS and tok.pos_ == "NOUN" and tok.i > 0 and \
                tok.doc[tok.i - 1].lower_ == "the" and not tok.ent_type_ and \
                tok.dep_ != "compound":  # "the city manager's office" names an office
            ent = self.antecedent(tok, DESCRIPTIONS[tok.lower_], rivals=False)
            if ent is None or self._named_before(ent, tok):
                return None
            return ent, ""
        return None

    def _named_before(self, ent: Any, tok: Any) -> bool:
        """Another entity of ``ent``'s kind anywhere earlier in the text: "the city" after
        "Chicago ... the Austin neighborhood" may be either, whatever the last two
        sentences name."""
        return any(e.label_ == ent.label_ and e.end <= tok.i and not _same_entity(e.text, ent.text)
                   for e in self.named)


def _clause_heads(sent: Any) -> list[Any]:
    """The root, every verb coordinated with it ("closed ... and cut ..."), and the verb of
    a clause about a named person set off by a comma (", who called the move unlawful")."""
    heads, todo = [], [sent.root, *(t for t in sent if _aside(t) is not None)]
    while todo:
        h = todo.pop(0)
        heads.append(h)
        todo.extend(c for c in h.children if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}
                    and c.i >= sent.start and c.i < sent.end and _joined(h, c))
    return sorted(heads, key=lambda t: t.i)


def _aside(verb: Any) -> Any | None:
    """For the verb of a non-restrictive relative clause on a name ("Oregon Governor Tina
    Kotek, who called the move unlawful and said the state would sue"), its "who"; a
    restrictive one ("officials who were not authorized") says which, not another claim."""
    if verb.dep_ != "relcl" or verb.head.pos_ != "PROPN" or not verb.head.ent_type_:
        return None
    who = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}
                and c.lower_ == "who"), None)
    if who is None or who.i == 0 or who.doc[who.i - 1].text != ",":
        return None
    # and the parse holds it together: it runs to a comma or the sentence's end (the
    # parser sometimes hangs the clause's own words on the main verb instead)
    after = verb.right_edge.i + 1
    if after < len(verb.doc) and verb.doc[after].text not in {",", ".", "!", "?", ";"}:
        return None
    return who


def _name_of(head: Any) -> list[Any]:
    """The name a relative clause is about, with its title ("Oregon Governor Tina Kotek")."""
    doc, start = head.doc, head.i
    while start > 0 and doc[start - 1].dep_ in {"compound", "amod"} and \
            head.left_edge.i <= start - 1:
        start -= 1
    return list(doc[start:head.i + 1])


def _joined(head: Any, conj: Any) -> bool:
    """Whether a word joins the two clauses ("and", "but", a semicolon): a "conj" with
    none between is the parser's misreading ('rejected a claim that homicides had
    "exploded," citing data' made "exploded" a second clause of "rejected")."""
    return any(c.dep_ in {"cc", "preconj"} or c.text == ";"
               for c in head.children if head.i < c.i < conj.i)


def _subject(head: Any, sent: Any) -> list[Any]:
    """The clause's subject within ``sent`` (the claim's own words: a dateline the parser
    made a second subject, "RIVERTON, Ohio (AP) — Mayor Tom Hale ... cut", is not one)."""
    for c in head.children:
        if c.dep_ in SUBJ_DEPS and sent.start <= c.i < sent.end:
            return sorted((t for t in c.subtree if sent.start <= t.i < sent.end),
                          key=lambda t: t.i)
    return []


def split_sentence(sent: Any, resolver: Resolver) -> list[AtomicClaim]:
    roots = [t for t in sent if t.head.i == t.i or not sent.start <= t.head.i < sent.end]
    if len(roots) > 1:
        # The parser joined this claim to a neighbour (a headline read into the lede) and
        # its words hang from several heads outside it: no clause structure to trust, so
        # the claim stays whole rather than losing the words under the other heads.
        toks = [t for t in sent if not t.is_space]
        while toks and toks[-1].dep_ == "punct" and toks[-1].text not in {".", "!", "?"}:
            toks.pop()
        if not any(t.is_alpha for t in toks):
            return []
        return [_build([], toks, resolver, (sent.start_char, sent.end_char))]
    heads = _clause_heads(sent)
    # the words of each clause set off about a name, with its commas: a claim of its own
    asides: dict[int, set[int]] = {
        h.i: {t.i for t in h.subtree} | {
            t.i for t in (sent.doc[h.left_edge.i - 1],
                          sent.doc[min(len(sent.doc) - 1, h.right_edge.i + 1)])
            if t.text == ","}
        for h in heads if _aside(h) is not None}
    claims: list[AtomicClaim] = []
    prev_subject: list[Any] = []
    prev_aux: list[Any] = []
    for h in heads:
        # Words of this clause: its subtree minus the subtrees of the other clause heads.
        excluded: set[int] = set()
        for other in heads:
            if other.i != h.i and other.i in {t.i for t in h.subtree}:
                excluded |= asides.get(other.i) or {t.i for t in other.subtree}
        who = _aside(h)
        if who is not None:
            excluded.add(who.i)  # "who" gives way to the name it stands for
        # in reading order: spaCy walks a non-projective subtree out of order ("the move to
        # Portland under federal orders, 'an unlawful provocation'")
        toks = sorted((t for t in h.subtree if t.i not in excluded
                       and sent.start <= t.i < sent.end), key=lambda t: t.i)
        # Drop the coordinating word and punctuation that joined the clauses.
        while toks and (toks[0].dep_ in {"cc", "punct"} or toks[0].lower_ in {"and", "but"}):
            toks.pop(0)
        while toks and toks[-1].dep_ in {"cc", "punct"} and toks[-1].text not in {".", "!", "?"}:
            toks.pop()
        # The "and"/"but" (and comma) joining two clauses hangs off the first clause head
        # in spaCy's parse; it belongs to no claim. So does final punctuation that sits
        # after a later clause.
        later = [o.i for o in heads if o.i > h.i]
        nxt = min(later) if later else None
        toks = [t for t in toks
                if not (nxt is not None and t.i < nxt and t.dep_ in {"cc", "punct"}
                        and t.head.i == h.i and not any(u.i > t.i and u.i < nxt and
                                                        u.dep_ not in {"cc", "punct"}
                                                        for u in toks))
                and not (nxt is not None and t.i > nxt and t.dep_ == "punct"
                         and t.head.i == h.i)]
        if not any(t.is_alpha for t in toks):
            continue
        if len(heads) > 1 and not any(t.pos_ in {"VERB", "AUX"} for t in toks):
            # a name the parser made the root, left bare once its clauses went their own
            # way ("Oregon Governor Tina Kotek."): it claims nothing
            continue
        subject = _subject(h, sent)
        borrowed: list[Any] = []
        aux = [c for c in h.children if c.dep_ in {"aux", "auxpass", "neg"} and c.i < h.i]
        if who is not None:
            borrowed = prev_subject = _name_of(h.head)
            prev_aux = aux
        elif not subject and prev_subject and h.i != sent.root.i:
            # "will close the bridge and cut funding": "cut" also needs "will".
            borrowed = prev_subject + (prev_aux if h.tag_ == "VB" and not aux else [])
        elif subject:
            # a later clause borrows the name, not the clause set off about it ("Mayor Tom
            # Hale, who took office in 2021, cut ... and hired ...": "Mayor Tom Hale hired")
            prev_subject = [t for t in subject
                            if not any(t.i in words for words in asides.values())]
            prev_aux = aux
        claims.append(_build(borrowed, toks, resolver, (sent.start_char, sent.end_char)))
    return claims


def _build(borrowed: list[Any], toks: list[Any], resolver: Resolver,
           sent_range: tuple[int, int]) -> AtomicClaim:
    parts: list[str] = []
    resolved: list[dict[str, Any]] = []
    ranges: list[tuple[int, int]] = []
    seq = [*borrowed, *toks]
    for n, t in enumerate(seq):
        ranges.append((t.idx, t.idx + len(t.text)))
        ws = t.whitespace_
        if n < len(borrowed) and (n + 1 == len(borrowed) or seq[n + 1].i != t.i + 1):
            ws = " "  # a borrowed subject/auxiliary is spliced in front of the clause
        elif not ws and n + 1 < len(seq) and seq[n + 1].i != t.i + 1 and seq[n + 1].is_alpha:
            ws = " "  # words left out between ("Tom Hale[, who took office,] cut")
        word = t.text
        res = resolver.resolve(t)
        if res is not None:
            ent, suffix = res
            start = t.idx
            end = t.idx + len(t.text)
            if t.lower_ in DESCRIPTIONS and n > 0 and seq[n - 1].lower_ == "the":
                # "the city" -> "Riverton": drop the article already emitted.
                if parts and parts[-1].strip().lower() == "the":
                    parts.pop()
                start = seq[n - 1].idx
            word = ent.text + suffix
            resolved.append({"start": start, "end": end, "text": resolver.text[start:end],
                             "entity": ent.text, "label": ent.label_,
                             "entity_start": ent.start_char, "entity_end": ent.end_char})
        if n == 0 and word[:1].islower() and t.ent_type_ == "":
            word = word[:1].upper() + word[1:]
        parts.append(word + ws)
    text = "".join(parts).strip()
    if text and text[-1] not in ".!?":
        text += "."
    return AtomicClaim(text, _merge(ranges, resolver.text), resolved, sent_range)


def checkable_text(atom: Any) -> str:
    """What an atomic claim span is checked for: what was said where it reports someone
    (``checkable_text``, set by ``voices``), else its own self-contained text."""
    return str(atom.attrs.get("checkable_text") or atom.attrs.get("text") or "")


class AtomicClaims:
    """Pipeline component: an ``atomic_claim`` span per atomic claim of each checkable claim."""

    name = "atomic_claims"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        doc.remove_layer(LAYER)
        speakers = {int(q.attrs["source_start"]): str(q.attrs["speaker"])
                    for q in doc.layer("quote")
                    if q.attrs.get("speaker") and q.attrs.get("source_start") is not None
                    and doc.text[q.attrs["source_start"]:q.attrs["source_end"]].lower()
                    in PERSON_PRONOUNS}
        resolver = Resolver(parsed, speakers)
        out = []
        for claim in doc.layer("claim"):
            if not claim.attrs.get("checkable", True):
                continue
            # a lede's dateline ("CHICAGO (Wire) — ") is where, not what, the claim says
            start = claim.start + dateline_length(doc.text[claim.start:claim.end])
            span = parsed.char_span(start, claim.end, alignment_mode="expand")
            if span is None:
                continue
            index = 0
            for sent in span.sents:
                # the claim's own part of the parser's sentence: a headline, a byline and a
                # lede the parser read as one sentence are three claims, each built only
                # from its own words
                part = parsed[max(sent.start, span.start):min(sent.end, span.end)]
                for atom in split_sentence(part, resolver):
                    atom.pieces = [(max(a, start), min(b, claim.end))
                                   for a, b in atom.pieces if b > start and a < claim.end]
                    if not atom.pieces:
                        continue
                    toks = [t for t in span if any(a <= t.idx < b for a, b in atom.pieces)]
                    kind = classify_tokens(toks, atom.text)
                    doc.add_span(
                        atom.start, atom.end, kind["type"], layer=LAYER, score=claim.score,
                        source=self.name,
                        explanation=f"atomic claim: {atom.text}",
                        attrs={"text": atom.text, "pieces": [list(p) for p in atom.pieces],
                               "resolved": atom.resolved, "claim": [claim.start, claim.end],
                               "index": index,
                               "check_worthy": claim.label == "check_worthy",
                               "types": kind["types"], "checkable": kind["checkable"]},
                    )
                    index += 1
                    out.append({"text": atom.text, "start": atom.start, "end": atom.end,
                                "claim": [claim.start, claim.end], "score": claim.score})
        doc.results.setdefault("claims", {})["atomic"] = out
        return doc


def make_atomic_claims(settings: Settings) -> AtomicClaims:
    return AtomicClaims(settings)
