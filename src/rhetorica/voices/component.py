"""The ``quotes`` component: attributions as spans, each with its speaker.

Runs after ``actors``, so a source ("he", "the governor", "Newsom") is resolved the way the
actors layer resolved it: to a knowledge-base actor where linkable (``speaker_id``), else the
named person or organisation, else the described source ("a White House spokesperson").

Layer ``quote``: one span per content stretch, label = kind (``direct``, ``indirect``,
``mention``), attrs ``speaker``, ``speaker_id`` (KB id or null), ``kind``, ``cue`` (the cue's
words) and the character offsets of source and cue.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from rhetorica.config import Settings
from rhetorica.document import Document, Span
from rhetorica.nlp.parse import ensure_parsed
from rhetorica.voices.quotes import Attribution, may_report_speech, read_attributions

LAYER = "quote"
AUTHOR = "author"


# Words of a title before a name in a source, the speaker being the name after them:
# capitalised words and abbreviations ("Illinois Gov.", "White House Press Secretary") or an
# office in lower case ("White House spokeswoman"), not "a spokesperson for".
_OFFICES = ("spokeswoman", "spokesman", "spokesperson", "press", "secretary", "director",
            "aide", "adviser", "advisor", "chief", "official", "attorney", "general",
            "counsel", "commissioner", "superintendent", "councilmember", "alderman")
_TITLE_WORDS = re.compile(r"(?!(?:The|A|An)\s)(?:(?:[A-Z][\w.'’-]*|" + "|".join(_OFFICES)
                          + r")\s+)+")
_ASIDE = re.compile(r",\s+(?:who|which|whom|whose|speaking|according)\b")
_APPOSED_NAME = re.compile(r",\s*([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3})\s*[,)]")


def _speaker(att: Attribution, actors: list[Span], text: str) -> tuple[str, str | None]:
    """(speaker name, KB id or None) for an attribution's source.

    An actor span at the start of the source names the speaker ("Newsom", "he" resolved by
    the actors layer); one further in makes a described source ("a spokesperson for the
    mayor"); "his spokesperson" / "Newsom's office" speak for the actor. A pronoun the actors
    layer could not link keeps the name the quotes reader resolved it to.
    """
    if att.source is None:
        return "", None
    a, b = att.source
    # "A spokesperson for the Justice Department, who spoke on condition of anonymity": the
    # speaker is the description, not the clause about it
    words = _ASIDE.split(text[a:b].strip(), 1)[0]
    # a described source with its name in apposition: "a White House spokesperson, Karoline
    # Leavitt, said" (the source read ends at the comma)
    named = _APPOSED_NAME.match(text, b)
    if named and words and (words[:1].islower() or words.split()[0] in ("A", "An")):
        for s in actors:
            if s.start == named.start(1):
                return str(s.attrs.get("name") or text[s.start:s.end]), (
                    s.attrs.get("actor_id") if s.attrs.get("linked") else None)
        return named.group(1), None
    if "same_speaker" in att.attrs:
        # "he" right after a named speaker is that speaker (the actors layer reads him as
        # the last person named, who may be the one the speaker criticised): their actor
        at = att.attrs["same_speaker"]
        a, b = at, at + len(att.speaker)
    for s in actors:
        if not (s.start < b and a < s.end):
            continue
        if s.start > a + 1 and not (s.end >= b - 1 and _TITLE_WORDS.fullmatch(text[a:s.start])):
            continue  # "Illinois Gov. JB Pritzker": titles before the name are not the speaker
        name = str(s.attrs.get("name") or text[s.start:s.end])
        if att.attrs.get("resolved_from") and not s.attrs.get("linked") \
                and s.attrs.get("type") == "group":
            break  # "the department", a group noun to the actors layer: the body named before
        if s.end < b - 1 and text[s.end:b].strip():
            rest = text[s.end:b].strip()
            if rest[:2] in ("'s", "’s"):  # "Newsom's office" speaks for Newsom
                return f"{name}'s {rest[2:].strip()}", None
            return words.rstrip(" ,"), None  # "a spokesperson for the mayor", as written
        return name, (s.attrs.get("actor_id") if s.attrs.get("linked") else None)
    if att.attrs.get("resolved_from"):
        return re.sub(r"^[Tt]he\s+", "", att.speaker), None
    for lead in ("the ", "The "):
        if words.startswith(lead) and len(words) > len(lead) + 3:
            words = words[len(lead):]
    return words, None


class VoiceIndex:
    """The ``quote`` layer of one document, read once: whose voice a stretch of text is in.

    Built once per component call (``doc.layer`` sorts on every call), and looked up by
    bisection: quotes nest at most one level (a direct quote inside reported speech), so
    only the last two quotes opening before a position can hold it; the outer one wins.
    """

    def __init__(self, doc: Document) -> None:
        self.quotes = doc.layer(LAYER)
        self._starts = [q.start for q in self.quotes]

    def quote_at(self, start: int, end: int) -> Span | None:
        i = bisect.bisect_right(self._starts, start) - 1
        for q in self.quotes[max(0, i - 1):i + 1]:
            if q.start <= start and end <= q.end:
                return q
        return None

    def voice(self, start: int, end: int) -> str:
        """``author``, ``mention`` (scare quotes) or the quoted speaker."""
        q = self.quote_at(start, end)
        if q is None:
            return AUTHOR
        if q.label == "mention":
            return "mention"
        if q.attrs.get("topic"):
            return AUTHOR
        return q.attrs.get("speaker") or "unattributed"


class Quotes:
    name = "quotes"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        doc.remove_layer(LAYER)
        actors = doc.layer("actor")
        last: tuple[str, str | None] = ("", None)
        tagger = _tagger() if self.settings.quote_tagger else None
        reads = tagger is not None and may_report_speech(parsed, doc.text)
        doc.results["quotes"] = {"reader": "tagger+rules" if reads else "rules"}
        if tagger is not None and not reads:
            doc.results["quotes"]["tagger"] = "not run: no quotation mark or reporting word"
        atts = read_attributions(parsed, doc.text, tagger if reads else None)
        for att in atts:
            if _authors_own(att, atts, doc.text):
                continue
            speaker, sid = _speaker(att, actors, doc.text)
            if att.attrs.get("continues") and not speaker:
                speaker, sid = last
            if speaker:
                last = (speaker, sid)
            attrs: dict[str, Any] = {"speaker": speaker or None, "speaker_id": sid,
                                     "kind": att.kind}
            if att.cue:
                attrs["cue"] = doc.text[att.cue[0]:att.cue[1]]
                attrs["cue_start"], attrs["cue_end"] = att.cue
            if att.source:
                attrs["source_start"], attrs["source_end"] = att.source
            if att.kind == "indirect" and _only_a_topic(parsed, *att.content):
                # 'is LYING about the Portland riots': what the source spoke of, in the
                # author's words; the words stay the author's voice
                attrs["topic"] = True
            who = speaker or "an unnamed source"
            why = f"{att.kind} quote of {who}" if att.kind != "mention" else \
                "quoted words without a speaker: a mention, not the author's own use"
            for start, end in att.attrs.get("pieces") or [att.content]:
                doc.add_span(start, end, att.kind, layer=LAYER, source=self.name,
                             explanation=why, attrs=dict(attrs))
        _one_name_per_person(doc.layer(LAYER))
        return doc


_HONORIFICS = re.compile(r"^(?:(?:Gov|Sen|Rep|Gen|Dr|Mr|Mrs|Ms|Lt|Col|Capt|Sgt|Atty|Supt)\.?|"
                         r"Governor|Senator|Representative|Congressman|Congresswoman|Mayor|"
                         r"President|Secretary|Judge|Sheriff|Councilmember|"
                         r"Councilman|Councilwoman|Alderman|Commissioner)\s+")


_BODIES = frozenset({"department", "office", "court", "committee", "council", "agency",
                     "house", "senate", "administration", "ministry", "board", "service"})


def _one_name_per_person(quotes: list[Span]) -> None:
    """One voice per person: "Gov. Mike DeWine", "Mike DeWine" and "DeWine" in one text are
    one speaker, named in full without the title; a surname shared by two full names stays
    as written."""
    names = {str(q.attrs["speaker"]) for q in quotes if q.attrs.get("speaker")}
    full: dict[str, str] = {}
    for n in names:
        bare = n
        while (m := _HONORIFICS.match(bare)) and len(bare) > m.end():
            bare = bare[m.end():]
        words = bare.split()
        # a person's name is left: "Mike DeWine", not "Department" of "Justice Department"
        full[n] = bare if all(w[:1].isupper() for w in words) and \
            words[-1].lower() not in _BODIES else n
    by_surname: dict[str, set[str]] = {}
    for bare in full.values():
        words = bare.split()
        if len(words) >= 2 and all(w[:1].isupper() for w in words):
            by_surname.setdefault(words[-1], set()).add(bare)
    for q in quotes:
        n = q.attrs.get("speaker")
        if not n:
            continue
        bare = full[str(n)]
        candidates = by_surname.get(bare.split()[-1], set()) if len(bare.split()) == 1 else set()
        canonical = next(iter(candidates)) if len(candidates) == 1 else bare
        if canonical != n and canonical[:1].isupper():
            q.attrs["speaker_as_written"] = n
            q.attrs["speaker"] = canonical


FIRST_PERSON = frozenset({"i", "we"})


def _only_a_topic(parsed: Any, start: int, end: int) -> bool:
    """Indirect content with no verb: a topic ("the figures", "the Portland riots"), not a
    paraphrase of what was said."""
    words = parsed.char_span(start, end, alignment_mode="expand")
    return words is not None and _verbless(words)


def _verbless(words: Any) -> bool:
    return not any(t.pos_ in ("VERB", "AUX") for t in words)


def _authors_own(att: Attribution, atts: list[Attribution], text: str) -> bool:
    """'Tonight I am ordering the Guard in', 'we said it would work': the author reporting
    their own words or acts is the author's voice, not a quoted one, unless the "I" speaks
    inside somebody else's quotation (there it is that speaker's)."""
    if att.source is None or att.kind == "direct":
        return False
    if text[att.source[0]:att.source[1]].strip().lower() not in FIRST_PERSON:
        return False
    return not any(o is not att and o.content[0] <= att.source[0] < o.content[1]
                   for o in atts)


_WARNED: list[bool] = []  # the fallback to the rules is said once per process


def _tagger() -> Any | None:
    """The attribution tagger; None (the rules alone, said once on stderr) when its
    artefact is missing or damaged."""
    from rhetorica.voices.tagger import default_tagger

    tagger, why = default_tagger()
    if why and not _WARNED:
        import sys

        _WARNED.append(True)
        print(f"rhetorica: {why}; quotes read by the parse rules alone", file=sys.stderr)
    return tagger


def make_quotes(settings: Settings) -> Quotes:
    return Quotes(settings)


VOICED_LAYERS = ("rhetoric", "claim", "atomic_claim")


class Voices:
    """The ``voices`` component: whose voice each rhetoric span and claim is, and how its
    clause presents it.

    Adds to every span of :data:`VOICED_LAYERS`: ``voice`` (``author`` or the quoted
    speaker), ``speaker_id`` where the speaker is a KB actor, ``polarity`` (asserted /
    negated) and ``modality`` (:mod:`rhetorica.voices.modality`). A claim inside a quote gets
    the speaker as ``claimant``; the author's own claims get the statement's speaker.
    ``tone`` then counts only asserted rhetoric, per voice.
    """

    name = "voices"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        from rhetorica.voices.modality import modality, polarity, presupposed

        parsed = ensure_parsed(doc, self.settings)
        index = VoiceIndex(doc)
        for layer in VOICED_LAYERS:
            for span in doc.layer(layer):
                q = index.quote_at(span.start, span.end)
                span.attrs["voice"] = index.voice(span.start, span.end)
                if q is not None and q.attrs.get("speaker_id"):
                    span.attrs["speaker_id"] = q.attrs["speaker_id"]
                span.attrs["polarity"] = "asserted" if layer == "rhetoric" and presupposed(
                    parsed, span.start, span.end) else polarity(parsed, span.start, span.end)
                span.attrs["modality"] = modality(parsed, span.start, span.end)
                if layer != "rhetoric":
                    quoted = q is not None and q.label != "mention" and not q.attrs.get("topic")
                    claimant = span.attrs["voice"] if quoted else doc.meta.speaker
                    reported = None if quoted else reported_in(span, index.quotes, doc.text,
                                                                parsed)
                    if reported is not None:
                        q, said = reported
                        claimant = _report(span, q, said, doc.text) or claimant
                        if "checkable_text" in span.attrs:  # the polarity of what was said
                            span.attrs["polarity"] = polarity(parsed, *said)
                    elif layer == "atomic_claim" and not quoted:
                        q = _reporting_clause(span, index.quotes, doc.text, parsed)
                        if q is not None:
                            claimant = _report_clause(span, q, doc.text) or claimant
                    if claimant:
                        span.attrs["claimant"] = claimant
        return doc


# Of a claim's characters: a claim is the report of an attribution when what was said, who
# said it and the reporting verb make up most of it ("Governor Ana Ruiz said the city was
# calm."), and what was said is a fair part of it (not "Trump said so").
REPORTED_SHARE = 0.6
CONTENT_SHARE = 0.3
_MARKS = "\"“”‘’'«»„ ,"


def _unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    """A quote's words without the marks, spaces and commas around them."""
    while start < end and text[start] in _MARKS:
        start += 1
    while end > start and text[end - 1] in _MARKS:
        end -= 1
    return start, end


def reported_in(span: Span, quotes: list[Span], text: str, parsed: Any = None
                 ) -> tuple[Span, tuple[int, int]] | None:
    """The attribution a claim mostly consists of ("Trump claimed that LA is occupied",
    '"Crime is at a 30-year low," Bowser said'), with the part of what was said that lies in
    the claim (quote marks aside): a quote begun in the sentence before ('"The numbers are
    not in dispute. Homicides are down," Johnson said') counts from the claim's start. What
    was said, who said it and the reporting verb make up most of the claim, a description of
    the speaker after them included ('said Denise Harper, 54, who has lived there for three
    decades'); a claim that only contains a quote among its own words is the author's. With
    ``parsed``, what was said must be a proposition: "did not say how long the troops would
    stay" and 'called the raid "cruel"' report no claim to check."""
    pieces = span.attrs.get("pieces") or [(span.start, span.end)]  # an atomic claim's
    total = sum(b - a for a, b in pieces)
    lo, hi = min(a for a, _ in pieces), max(b for _, b in pieces)

    def inside(a: int | None, b: int | None) -> bool:
        return a is not None and b is not None and any(x <= a and b <= y for x, y in pieces)

    best = None
    for q in quotes:
        if q.label == "mention":
            continue
        a, b = _unquoted(text, max(q.start, lo), q.end)
        src = (q.attrs.get("source_start"), q.attrs.get("source_end"))
        cue = (q.attrs.get("cue_start"), q.attrs.get("cue_end"))
        if not inside(a, b) or not inside(*src) or (q.start < lo and not inside(*cue)):
            continue
        said = (b - a) + (src[1] - src[0]) + max(0, (cue[1] or 0) - (cue[0] or 0))  # type: ignore[operator]
        own = total  # the claim's words, less a description of the speaker after them
        if src[0] >= b and (cue[0] is None or cue[0] >= b):  # '"…," said X, 54, who …'
            said = max(said, hi - a)
            own -= max(0, hi - max(src[1], cue[1] or 0))  # type: ignore[type-var]
        if said < REPORTED_SHARE * total or (b - a) < CONTENT_SHARE * own:
            continue
        if parsed is not None and not _proposition(parsed, a, b):
            continue
        if best is None or b - a > best[1][1] - best[1][0]:
            best = (q, (a, b))
    return best


_WH = frozenset({"how", "whether", "what", "when", "why", "who", "where", "which", "if"})


def _proposition(parsed: Any, start: int, end: int) -> bool:
    """What was said is a statement: it has a verb and is no embedded question."""
    words = parsed.char_span(start, end, alignment_mode="expand")
    if words is None or not len(words) or _verbless(words):
        return False
    first = next((t for t in words if t.lower_ != "that"), words[0])
    last = next((t for t in reversed(words) if not t.is_punct), words[-1])
    # a piece of a clause is none: 'to drop on Monday, which' (the tagger's fragment of
    # "forecast to drop on Monday, which fire managers said could help crews")
    return first.lower_ not in _WH and not (first.lower_ == "to" and first.tag_ == "TO") \
        and last.lower_ not in _WH


# Reporting verbs by which the speaker holds what follows false.
_DENIAL = re.compile(r"(?i)(?:den(?:y|ied|ies|ying)|reject|dismiss|refut|disput)")


def _report(span: Span, q: Span, content: tuple[int, int], text: str) -> str | None:
    """Record on a claim that it reports ``q``: the checkable text is what was said
    (``content``, its part in the claim: ``checkable_text``), the rest of the sentence is
    the attribution (``attribution``: "Trump claimed"), and the claimant is the speaker.
    Returns the speaker."""
    said = text[content[0]:content[1]].strip(_MARKS)
    # 'warned, however, that winds could return': the aside before "that" is the report's
    said = re.sub(r"^(?:however|moreover|meanwhile|also|instead|though),?\s+", "", said,
                  flags=re.I)
    clause = re.match(r"(?:that|whether|if)\s+", said) is not None
    # 'adding that "violent crime is up."': the marks after "that" go too
    said = re.sub(r"^(?:that|whether|if)\s+", "", said).strip(_MARKS)
    if not said:
        return None
    if _DENIAL.match(str(q.attrs.get("cue") or "")):
        if not clause:
            return None  # "denied the report": no proposition of the claimant's to check
        # "denied that the city had asked for help": the claimant holds the opposite
        said = "It is not true that " + said
    pieces = span.attrs.get("pieces") or [(span.start, span.end)]
    around = [text[max(a, span.start):min(b, content[0])] for a, b in pieces
              if a < content[0]] + \
        ["…"] + [text[max(a, content[1]):b] for a, b in pieces if b > content[1]]
    attribution = " ".join(" ".join(around).split())
    return _record(span, q, said, attribution.strip(" …,." + _MARKS))


def _record(span: Span, q: Span, said: str, attribution: str) -> str | None:
    """Put on ``span`` what it is checked for (``said``, as a sentence) and by whose word
    (``attribution``, the speaker's id); returns the speaker."""
    said = said[0].upper() + said[1:].rstrip(" ,;:")
    if said[-1] not in ".!?":
        said += "."
    span.attrs["checkable_text"] = said
    span.attrs["attribution"] = attribution
    if q.attrs.get("speaker_id"):
        span.attrs["speaker_id"] = q.attrs["speaker_id"]
    speaker = q.attrs.get("speaker")
    return str(speaker) if speaker else None


def _reporting_clause(span: Span, quotes: list[Span], text: str, parsed: Any
                      ) -> Span | None:
    """The attribution whose content holds an atomic claim's verb, when that content is
    shared with other atomic claims: "Mayor Tom Hale cut the budget by 12% and hired 40
    teachers, according to city records" reports both "Mayor Tom Hale cut the budget by
    12%" and "Mayor Tom Hale hired 40 teachers" (the subject, borrowed, lies outside)."""
    pieces = span.attrs.get("pieces") or [(span.start, span.end)]
    words = [t for a, b in pieces
             for t in (parsed.char_span(a, b, alignment_mode="expand") or [])]
    inside = {t.i for t in words}
    verbs = [t for t in words if t.pos_ in {"VERB", "AUX"}
             and (t.head.i not in inside or t.head.i == t.i)]
    if not verbs:
        return None
    verb = verbs[0]
    for q in quotes:
        if q.label == "mention" or q.attrs.get("topic") or q.attrs.get("source_start") is None:
            continue
        a, b = _unquoted(text, q.start, q.end)
        if a <= verb.idx < b and _proposition(parsed, a, b):
            return q
    return None


def _report_clause(span: Span, q: Span, text: str) -> str | None:
    """Record on an atomic claim that ``q`` reports it: the checkable text is the claim's
    own text less the attribution's words ("..., according to city records"). Returns the
    speaker."""
    claim = str(span.attrs.get("text") or text[span.start:span.end])
    src = (int(q.attrs["source_start"]), int(q.attrs["source_end"]))
    cue = (q.attrs.get("cue_start"), q.attrs.get("cue_end"))
    lo = min(src[0], cue[0] if cue[0] is not None else src[0])
    hi = max(src[1], cue[1] if cue[1] is not None else src[1])
    attribution = " ".join(text[lo:hi].split())
    said = claim
    if attribution and attribution in claim:
        at = claim.index(attribution)
        if str(q.attrs.get("cue") or "").lower().startswith("according"):
            # the source runs on past its head: "according to records from the Oregon
            # Department of Environmental Quality" to the end, or to the comma before the
            # claim ("According to records from the department, the plant ...")
            stop = claim.find(",", at + len(attribution))
            after = at > len(claim) // 2 or stop < 0
            attribution = claim[at:].rstrip(" .!?") if after else claim[at:stop]
        said = claim.replace(attribution, " ")
        said = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(said.split()))
        said = re.sub(r"^[,;:\s]+|^(?:that|whether|if)\s+", "", said)
        said = re.sub(r"[,;:\s]+([.!?])?$", r"\1", said)
    said = said.strip(_MARKS)
    if not said or _DENIAL.match(str(q.attrs.get("cue") or "")):
        return None
    return _record(span, q, said, attribution)


def make_voices(settings: Settings) -> Voices:
    return Voices(settings)
