"""The ``rhetoric`` component's explainable layer: lexicon and pattern matches.

Every span it adds names the entry that fired and that entry's one-line explanation, so a
reader can see *why* a phrase was marked. The lexicon is a YAML file users can extend.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rhetorica import safe_yaml
from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.ingest.metadata import DATELINE_PREFIX
from rhetorica.nlp.language import is_english
from rhetorica.nlp.parse import ensure_parsed
from rhetorica.nlp.spacy_model import load_spacy
from rhetorica.rhetoric.lexicon_precision import load_precision

LAYER = "rhetoric"


@dataclass(frozen=True)
class Entry:
    label: str
    family: str
    explanation: str
    ptc: str | None = None


@dataclass(frozen=True)
class Lexicon:
    families: dict[str, dict[str, str]]
    entries: dict[str, Entry]
    words: dict[str, list[str]]  # label -> single words
    phrases: dict[str, list[str]]  # label -> multi-word phrases
    patterns: dict[str, list[list[dict[str, Any]]]] = field(default_factory=dict)
    # label -> spaCy Matcher token patterns, for forms a word list cannot hold


def _read_yaml(path: Path | None) -> dict[str, Any]:
    if path is None:
        text = resources.files("rhetorica.data.rhetoric").joinpath("lexicon.yaml").read_text(
            "utf-8")
    else:
        text = Path(path).read_text("utf-8")
    data = safe_yaml.load(text) or {}
    if not isinstance(data, dict) or "entries" not in data:
        raise ValueError(f"{path or 'lexicon.yaml'}: expected a mapping with an 'entries' list")
    return data


@lru_cache(maxsize=8)
def load_lexicon(path: str | None = None) -> Lexicon:
    data = _read_yaml(Path(path) if path else None)
    families = dict(data.get("families") or {})
    entries: dict[str, Entry] = {}
    words: dict[str, list[str]] = {}
    phrases: dict[str, list[str]] = {}
    patterns: dict[str, list[list[dict[str, Any]]]] = {}
    for raw in data["entries"]:
        label = raw["label"]
        entries[label] = Entry(label, raw["family"], raw["explanation"].strip(), raw.get("ptc"))
        families.setdefault(raw["family"], {"title": raw["family"], "colour": "#cccccc"})
        for term in raw.get("words") or []:
            (phrases if " " in term else words).setdefault(label, []).append(term.lower())
        for term in raw.get("phrases") or []:
            phrases.setdefault(label, []).append(term.lower())
        for pattern in raw.get("patterns") or []:
            if not isinstance(pattern, list) or not all(isinstance(t, dict) for t in pattern):
                raise ValueError(f"lexicon entry {label!r}: a pattern is a list of token "
                                 "mappings (spaCy Matcher syntax)")
            patterns.setdefault(label, []).append(pattern)
    return Lexicon(families, entries, words, phrases, patterns)


class RhetoricLexicon:
    name = "rhetoric"

    def __init__(self, settings: Settings, lexicon_path: str | None = None) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.settings = settings
        self.lexicon = load_lexicon(lexicon_path)
        nlp = load_spacy(settings.spacy_model)
        self.matcher = Matcher(nlp.vocab)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        for label, terms in self.lexicon.words.items():
            self.matcher.add(label, [[{"LOWER": {"IN": inflected(terms)}}],
                                     [{"LEMMA": {"IN": terms}}]])
        for label, terms in self.lexicon.phrases.items():
            self.phrases.add(label, [nlp.make_doc(t) for t in terms])
        self.patterns = Matcher(nlp.vocab)
        for label, pats in self.lexicon.patterns.items():
            self.patterns.add(label, pats)
        self.precision = load_precision()

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        doc.remove_layer(LAYER)
        vocab = parsed.vocab
        found: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in [*self.matcher(parsed), *self.phrases(parsed)]:
            found.setdefault(vocab.strings[match_id], []).append((start, end))
        # a pattern's wider form yields to a listed phrase of its label that it overlaps
        # ("Either you are with us" stays the phrase, not "... or you"); over a single
        # listed word it wins as the longer hit ("Crooked Joe Biden" over "Crooked")
        listed = {label: [(s, e) for s, e in hits if e - s > 1] for label, hits in found.items()}
        for match_id, start, end in self.patterns(parsed):
            label = vocab.strings[match_id]
            if all(end <= s or start >= e for s, e in listed.get(label, [])):
                found.setdefault(label, []).append((start, end))
        damp = 1.0 if is_english(doc) else 0.4
        confidence = 0.8 * damp
        for label, hits in found.items():
            entry = self.lexicon.entries[label]
            for start, end in _longest_first(hits):
                span = parsed[start:end]
                if not_rhetoric(span, doc.text):
                    continue
                text = span.text
                if text.endswith("."):
                    text = text[:-1]
                if self.precision.is_noise(label, text):
                    continue
                precision = self.precision.score(label, text)
                doc.add_span(
                    span.start_char,
                    span.start_char + len(text),
                    label,
                    layer=LAYER,
                    score=round(precision * damp, 3),
                    source="rhetoric.lexicon",
                    explanation=f"{entry.explanation} (matched “{text}”; "
                                f"{self.precision.describe(label, text)})",
                    attrs={"family": entry.family, "ptc": entry.ptc} if entry.ptc
                    else {"family": entry.family},
                )
        _mark_repetition(doc, parsed)
        _mark_we_they(doc, parsed, confidence)
        return doc


def inflected(terms: list[str]) -> list[str]:
    """The terms and their regular inflections ("invade" -> "invaded", "invades",
    "invading"). spaCy's lemma finds inflected forms in ordinary text, but not in capitals:
    a post's "INVADED" is tagged as a name and keeps "INVADED" as its lemma."""
    out = set(terms)
    for t in terms:
        if " " in t or not t.isalpha():
            continue
        stem = t[:-1] if t.endswith("e") else t
        # "-es" only after a hiss ("crushes"): "rat" + "es" is "rates"
        plural = t + "es" if t.endswith(("s", "x", "z", "ch", "sh")) else t + "s"
        out.update({plural, stem + "ed", stem + "ing"})
        if t.endswith("y"):
            out.update({t[:-1] + "ies", t[:-1] + "ied"})
    return sorted(out)


# Verbs that report what someone did or said ("threatened to invoke", "warned that"): the
# charge belongs to the reported act, not to the author's wording.
REPORTING_VERBS = frozenset({"threaten", "warn", "attack", "slam", "blast", "accuse",
                             "claim", "allege", "condemn", "denounce"})
_NEGATORS = frozenset({"not", "n't", "never", "no", "hardly", "barely", "scarcely", "nor"})
_LINE_END = tuple(".!?:;\"”’)…")


def not_rhetoric(span: Any, text: str) -> str | None:
    """Why a lexicon hit is not the author's rhetoric, or None when it stands.

    * **a name**: the hit lies inside a run of capitalised words that runs past it
      ("Homeland Security Secretary", "the Insurrection Act", "Fake News Awards"); a hit
      that is the whole run stays ("the Fake News media"), and text in capitals (a post's
      "INVADED") is not read as a name;
    * **a reporting verb** with its own subject or complement ("the senator threatened to
      delay the vote"): the author reports an act;
    * **a fixed term**: a single word used as a noun modifier names a kind of thing, not a
      charge ("flood warning", "emergency department", "threat level");
    * **negated or hedged** ("not entirely clear", "was not always");
    * **a heading**: a short line without closing punctuation, with text after it.
    """
    doc = span.doc
    first, last = span[0], span[-1]
    if _in_name(doc, span.start, span.end):
        return "name"
    if len(span) == 1 and first.pos_ == "VERB" and first.lemma_.lower() in REPORTING_VERBS \
            and any(c.dep_ in {"nsubj", "xcomp", "ccomp"} and c.lower_ not in {"we", "they",
                                                                                "you"}
                    for c in first.children):
        return "reporting verb"
    if len(span) == 1 and first.dep_ == "compound" and first.head.i > first.i \
            and first.head.pos_ == "NOUN":
        return "fixed term"
    # A negator right before the hit ("not entirely clear", "was not always"), or "no"
    # quantifying a noun phrase the hit lies in ("found no evidence of an invasion"); a verb's
    # negation elsewhere ("do not believe the Fake News media") leaves the label standing.
    if any(t.lower_ in _NEGATORS for t in doc[max(first.sent.start, span.start - 2):span.start]):
        return "negated"
    head, depth = first, 0
    while head.head.i != head.i and depth < 4:
        head, depth = head.head, depth + 1
        if head.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no"
                                       for c in head.children):
            return "negated"
        if head.pos_ in {"VERB", "AUX"}:
            break
    line_start = text.rfind("\n", 0, first.idx) + 1
    line_end = text.find("\n", last.idx)
    if line_end > 0 and text[line_end:].strip():
        line = text[line_start:line_end].strip()
        if line and len(line.split()) <= 10 and not line.endswith(_LINE_END):
            return "heading"
    return None


def _capitalised(tok: Any) -> bool:
    return tok.is_alpha and tok.text[:1].isupper() and not tok.text.isupper()


def _in_name(doc: Any, start: int, end: int) -> bool:
    """Some capitalised word of ``doc[start:end]`` belongs to a run of capitalised words
    (small joining words allowed: "Department of Homeland Security") that reaches past the
    hit on either side."""
    if not any(_capitalised(t) for t in doc[start:end]):
        return False

    def capital(i: int) -> bool:
        return 0 <= i < len(doc) and _capitalised(doc[i]) and doc[i].lower_ != "the" and not (
            doc[i].is_sent_start and not (i + 1 < len(doc) and _capitalised(doc[i + 1])))

    left, right = start - 1, end
    if left >= 0 and doc[left].lower_ in {"of", "for", "and", "the"} and capital(left - 1):
        left -= 1
    if right < len(doc) and doc[right].lower_ in {"of", "for", "and", "against", "on"} \
            and capital(right + 1):
        right += 1
    # "the Fake News Media", "the Radical Left Democrats": a capitalised word for a whole
    # camp after the hit makes an epithet, not a name ("Fake News Awards" is one)
    while right < len(doc) and doc[right].lower_ in CAMPS:
        right += 1
    return capital(left) or capital(right)


CAMPS = frozenset({"media", "press", "democrats", "democrat", "republicans", "republican",
                   "left", "right", "liberals", "conservatives", "elites", "establishment",
                   "party", "mob", "crowd"})


def _longest_first(hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One label never marks the same words twice: keep the longest of overlapping hits."""
    kept: list[tuple[int, int]] = []
    for s, e in sorted(set(hits), key=lambda h: (-(h[1] - h[0]), h[0])):
        if all(e <= ks or s >= ke for ks, ke in kept):
            kept.append((s, e))
    return sorted(kept)


# Words a news report repeats because it reports: who said what, and the office of whoever
# acts ("said" three times, "the governor" three times is reporting, not hammering).
_REPORTING_WORDS = frozenset({
    "say", "tell", "report", "add", "state", "announce", "write", "note", "ask", "reply",
    "respond", "according", "statement", "spokesperson", "spokesman", "spokeswoman",
    "official", "officials", "president", "governor", "mayor", "senator", "minister",
    "secretary", "police", "agency", "department", "court", "judge", "county", "city"})


def _mark_repetition(doc: Document, parsed: Any, min_count: int = 3) -> None:
    """Repetition (a SemEval technique) is structural, not lexical: the same content word
    or two-word phrase hammered three or more times in one text."""
    # a news article's dateline names its town, which the report then repeats as news does
    head = DATELINE_PREFIX.match(doc.text)
    skip = head.end() if head else 0
    # Repeating a name is reporting, not rhetoric; repeat of an ordinary word is the signal,
    # and a word inside a name ("Border Patrol") does not count as the word ("border").
    content = [t for t in parsed if t.is_alpha and not t.is_stop and len(t) > 3 and t.pos_ in
               {"NOUN", "ADJ", "VERB"} and t.lemma_.lower() not in _REPORTING_WORDS
               and t.idx >= skip and not t.ent_type_ and not _capitalised_mid(t)]
    counts = Counter(t.lemma_.lower() for t in content)
    repeated = {lemma for lemma, n in counts.items() if n >= min_count}
    n_words = max(1, sum(1 for t in parsed if t.is_alpha))
    for t in content:
        lemma = t.lemma_.lower()
        if lemma in repeated and counts[lemma] / n_words > 0.02:
            doc.add_span(
                t.idx,
                t.idx + len(t.text),
                "repetition",
                layer=LAYER,
                score=min(0.9, 0.4 + 0.1 * counts[lemma]),
                source="rhetoric.repetition",
                explanation=f"Repeats “{lemma}” {counts[lemma]} times to drive the message home.",
                attrs={"family": "technique", "ptc": "Repetition"},
            )


def _capitalised_mid(tok: Any) -> bool:
    """A capitalised word inside a sentence next to another: part of a name ("Border
    Patrol", "Homeland Security"), not the ordinary word (text in capitals aside)."""
    doc = tok.doc
    if not tok.text[:1].isupper() or tok.text.isupper() or tok.is_sent_start:
        return False
    return any(0 <= j < len(doc) and doc[j].text[:1].isupper() and not doc[j].text.isupper()
               for j in (tok.i - 1, tok.i + 1))


_WE = {"we", "us"}
_THEY = {"they", "them"}
_SUBJ = {"nsubj", "nsubjpass"}
# Verbs that make "them" an adversary when "we" do it to them.
_ADVERSARIAL = {"stop", "fight", "defeat", "beat", "crush", "deport", "remove", "expel",
                "destroy", "punish", "kick", "throw", "drive", "send", "ban", "smash", "root"}


_CONTRAST = {"but", "yet", "while", "whereas", "whilst"}


def _parallel(a: Any, b: Any) -> bool:
    """Two clauses set side by side ("we build, they burn"; "we work while they take"), as
    opposed to one reporting the other ("they said we should wait")."""
    if a.i == b.i:
        return False
    child, parent = (a, b) if a.head.i == b.i else (b, a) if b.head.i == a.i else (None, None)
    if child is None:
        return False
    if child.dep_ == "parataxis":
        return True
    # "and" joins allies ("we asked, and they agreed"); contrast needs but/yet/while.
    words = {t.lower_ for t in child.children if t.dep_ in {"cc", "mark"}}
    words |= {t.lower_ for t in parent.children if t.dep_ == "cc" and t.i < child.i}
    return child.dep_ in {"conj", "advcl"} and bool(words & _CONTRAST)


def _mark_we_they(doc: Document, parsed: Any, confidence: float) -> None:
    """Us-versus-them is often syntactic, not lexical: "We build, they destroy." No word in
    it is charged; the charge is one sentence giving "we" and "they" opposed roles. The
    dependency parse finds a sentence where both are subjects (or one is the object of the
    other's verb) and marks it from the first pronoun to the end of the clauses that oppose
    them."""
    for sent in parsed.sents:
        roles = [t for t in sent if t.lower_ in _WE | _THEY and
                 (t.dep_ in _SUBJ or t.dep_ in {"dobj", "pobj"})]
        we = [t for t in roles if t.lower_ in _WE and t.dep_ in _SUBJ]
        they = [t for t in roles if t.lower_ in _THEY]
        if not we or not they:
            continue
        # Both must be subjects, or "they" the object of a verb whose subject is "we"
        # ("we will stop them") — that too casts them as the adversary.
        we_verbs = {w.head.i for w in we}
        they_subj = [t for t in they if t.dep_ in _SUBJ and any(
            _parallel(t.head, parsed[v]) for v in we_verbs)]
        they_obj = [t for t in they if t.dep_ == "dobj" and t.head.i in we_verbs
                    and t.head.lemma_.lower() in _ADVERSARIAL]
        if not they_subj and not they_obj:
            continue
        other = (they_subj or they_obj)[0]
        first = min(we[0].i, other.i)
        # to the end of the clauses that oppose them, not of the sentence: in '"... unless
        # we root them out," Vane told the crowd' the report of the words is no part of them
        last = min(sent.end - 1, max(we[0].head.right_edge.i, other.head.right_edge.i))
        while last > first and (parsed[last].is_punct or parsed[last].is_space
                                or parsed[last].is_quote):
            last -= 1
        start, end = parsed[first].idx, parsed[last].idx + len(parsed[last].text)
        doc.add_span(
            start, end, "us_vs_them", layer=LAYER, score=round(confidence * 0.75, 3),
            source="rhetoric.syntax",
            explanation=("Sets “we” against “they” in one sentence (dependency pattern: "
                         + ("both are subjects" if they_subj else "they are our object")
                         + "), casting the others as adversaries."),
            attrs={"family": "us_vs_them"},
        )


def make_rhetoric_lexicon(settings: Settings) -> RhetoricLexicon:
    return RhetoricLexicon(settings)
