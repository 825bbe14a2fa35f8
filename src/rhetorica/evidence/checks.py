"""Explicit checks between a claim and a passage: quantities, negation, opposite predicates,
quantifiers. Each finding is a sentence a fact-checker can read, and a feature of the verdict.

A trained stance model reads meaning, but it can still miss what fact-checks hinge on: the
claim says *tripled since 2021*, the passage says *fell by about a third, 2024 vs 2021*. These
checks make that comparison explicit:

* **quantities**: numbers with what they count ("150 officers"), percentages, multipliers
  (doubled, tripled, halved, "three times"), fractions ("a third", "half"), the direction of
  a change (rose / fell / up / down / more / fewer), bounds ("more than", "at least",
  "fewer than") and the years compared ("since 2021", "2024 vs 2021");
* **negation**: the passage's sentence closest to the claim says the opposite by a negation
  ("officials reported *no* coordinated violence"; "the city was *not* occupied");
* **opposite predicates**: won / lost, approved / rejected, opened / closed...;
* **quantifiers**: all / most / half / a third / few / none, compared as proportions.

A finding is ``conflict`` (the passage contradicts the claim on this point) or ``agree`` (it
confirms the figure). Comparisons are made between the claim and the *one sentence* of the
passage that shares most of the claim's content words, and only when that sentence is about
the same thing (enough shared content words): a different town's figures are not a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from rhetorica.ingest.metadata import DATELINE_PREFIX

# -- vocabulary -------------------------------------------------------------------------------
UP = frozenset({
    "rise", "rises", "rose", "risen", "rising", "increase", "increased", "increases",
    "increasing", "grow", "grew", "grown", "grows", "growing", "climb", "climbed", "climbs",
    "jump", "jumped", "jumps", "soar", "soared", "surge", "surged", "up", "higher", "more",
    "gain", "gained", "doubled", "tripled", "trebled", "quadrupled", "spike", "spiked",
    "skyrocketed", "expanded", "boosted", "exceeded", "outnumbered", "exploded", "raised",
    "hiked", "swelled", "rebounded", "raise", "raises", "raising", "hike", "hikes",
})
DOWN = frozenset({
    "fall", "falls", "fell", "fallen", "falling", "decrease", "decreased", "decreases",
    "decreasing", "decline", "declined", "declines", "declining", "drop", "dropped", "drops",
    "dip", "dipped", "plunge", "plunged", "plummeted", "slump", "slumped", "shrink", "shrank",
    "shrunk", "down", "lower", "fewer", "less", "cut", "reduced", "halved", "eased", "slid",
    "sank", "lost", "losing", "lose", "loses", "shed", "shedding", "slashed", "slashes",
    "slash", "trimmed", "cuts", "reduce", "reduces", "lowered", "tumbled", "sagged",
})
MULTIPLIERS = {"doubled": 2.0, "tripled": 3.0, "trebled": 3.0, "quadrupled": 4.0,
               "halved": 0.5, "double": 2.0, "triple": 3.0}
FRACTIONS = {
    "a half": 0.5, "half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3,
    "one-third": 1 / 3, "two thirds": 2 / 3, "two-thirds": 2 / 3, "a quarter": 0.25,
    "one quarter": 0.25, "one-quarter": 0.25, "three quarters": 0.75, "three-quarters": 0.75,
    "a fifth": 0.2, "one fifth": 0.2, "a tenth": 0.1, "one in five": 0.2, "one in four": 0.25,
    "one in three": 1 / 3, "one in ten": 0.1, "two in three": 2 / 3, "one in two": 0.5,
    "two in five": 0.4, "three in five": 0.6, "four in five": 0.8, "three in four": 0.75,
    "three in ten": 0.3, "seven in ten": 0.7, "nine in ten": 0.9,
}
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirteen": 13, "fourteen": 14, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
    "dozen": 12, "dozens": 24,
}
# Durations are compared in days: "more than two weeks" against "a 17-day suspension".
DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "fortnight": 14, "month": 30.44, "year": 365.25}
_AGE = re.compile(r"[- ](?:years?|months?)[- ]old\b")
_WORD_DURATION = re.compile(
    rf"\b(a|an|{'|'.join(w for w in WORD_NUMBERS if w not in ('dozens', 'hundred'))})[- ]"
    r"(hours?|days?|weeks?|fortnights?|months?|years?)\b(?![- ]old)")
# A figure with no noun after it that a duration noun just before measures: "weekly opening
# hours will be reduced to 32", "the wait fell from 14 weeks to 9"
_UNIT_BEFORE = re.compile(r"\b(hours?|days?|weeks?|months?|years?)\b(?:\s+[a-z]+){0,4}?"
                          r"\s+(?:to|from|at|of)\s+(?:about\s+|around\s+|just\s+)?$")
# "two and a half years", "a year and a half", "half an hour": the half counts
_HALF_DURATION = re.compile(
    rf"\b(?:(a|an|one|{'|'.join(w for w in WORD_NUMBERS if w not in ('dozens', 'hundred', 'one'))}"
    r"|\d+) and a half[- ](hours?|days?|weeks?|months?|years?)"
    r"|(a|an|one) (hour|day|week|month|year) and a half|half (?:an? )(hour|day|week|month|year))"
    r"\b(?![- ]old)")
SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3,
         "m": 1e6, "bn": 1e9}
APPROX = frozenset({"about", "around", "roughly", "nearly", "almost", "approximately", "some",
                    "close", "over", "under", "just", "estimated", "an", "~"})
LOWER_BOUND = ("more than", "over", "at least", "upwards of", "in excess of", "above",
               "no fewer than", "no less than")
UPPER_BOUND = ("fewer than", "less than", "under", "at most", "below", "no more than",
               "up to")
QUANTIFIERS = {  # proportion a quantifier asserts (lower, upper)
    "all": (1.0, 1.0), "every": (1.0, 1.0), "each": (1.0, 1.0), "entire": (1.0, 1.0),
    "most": (0.501, 1.0), "majority": (0.501, 1.0), "almost all": (0.85, 1.0),
    "nearly all": (0.85, 1.0), "nearly every": (0.85, 1.0), "almost every": (0.85, 1.0),
    "virtually all": (0.85, 1.0), "virtually every": (0.85, 1.0), "many": (0.2, 1.0),
    "some": (0.01, 1.0), "few": (0.0, 0.2), "a few": (0.01, 0.2), "minority": (0.0, 0.5),
    "none": (0.0, 0.0), "no": (0.0, 0.0), "nobody": (0.0, 0.0), "not all": (0.0, 0.99),
    "not a single": (0.0, 0.0),
}
NEGATORS = frozenset({
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot", "without",
    "denied", "denies", "deny", "rejected", "dismissed", "refuted", "false", "untrue",
    "baseless", "unfounded",
})
OPPOSITES = [
    ("won", "lost"), ("win", "lose"), ("wins", "loses"), ("approved", "rejected"),
    ("approve", "reject"), ("passed", "failed"), ("passed", "rejected"),
    ("passed", "defeated"), ("opened", "closed"), ("open", "closed"),
    ("reopened", "closed"), ("accepted", "rejected"), ("allowed", "banned"),
    ("legal", "illegal"), ("increase", "decrease"), ("hired", "fired"), ("hired", "laid"),
    ("support", "oppose"), ("supported", "opposed"), ("supports", "opposes"),
    ("confirmed", "denied"), ("guilty", "acquitted"), ("convicted", "acquitted"),
    ("arrived", "left"), ("started", "ended"), ("resumed", "suspended"), ("lifted", "imposed"),
    ("alive", "dead"), ("survived", "died"), ("present", "absent"), ("peaceful", "violent"),
    ("collapsed", "reopened"), ("collapsed", "intact"), ("cancelled", "held"),
    ("signed", "vetoed"), ("ally", "rival"), ("surplus", "deficit"), ("profit", "loss"),
    ("record", "lowest"), ("expanded", "shrank"), ("elected", "defeated"),
    ("re-elected", "defeated"), ("re-elected", "defeating"), ("re-elected", "ousted"),
]
# Phrases read as one word by the predicate check: "voted down" is "rejected".
PHRASES = [(re.compile(r"\bvoted\s+down\b", re.I), "rejected"),
           (re.compile(r"\bvoted(?:\s+[\w-]+){0,4}?\s+(?:through|to approve|in favou?r of)\b",
                       re.I), "approved")]
# What a figure counts, in families a fact-checker compares across: a claim about "crime"
# is answered by homicide and burglary figures, one about "jobless" people by the
# unemployment rate. Word beginnings, so that every inflection matches.
MEASURES = [
    ("crim", "homicid", "murder", "killing", "burglar", "theft", "robber", "assault",
     "shooting", "violen", "stabbing"),
    ("unemploy", "jobless", "employ", "job"),
    ("price", "inflation", "cost", "rent", "fare", "fee"),
    ("population", "resident", "inhabitant", "people"),
    ("wage", "pay", "salar", "earning", "income"),
]
_OPP: dict[str, set[str]] = {}
for _a, _b in OPPOSITES:
    _OPP.setdefault(_a, set()).add(_b)
    _OPP.setdefault(_b, set()).add(_a)

STOP = frozenset({
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
    "do", "does", "did", "it", "its", "this", "that", "these", "those", "there", "their",
    "they", "them", "he", "she", "his", "her", "we", "our", "you", "your", "i", "so", "than",
    "then", "also", "very", "just", "will", "would", "can", "could", "should", "may", "might",
    "said", "says", "say", "told", "according", "since", "last", "year", "years", "about",
    "into", "over", "after", "before", "which", "who", "what", "when", "while", "per", "cent",
    "percent", "%", "city", "nearly", "almost", "around", "roughly", "some", "more", "less",
    "now", "new", "all", "most", "many", "few", "no", "not", "never", "near", "because",
    "due",
})

_SENT = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[a-z]+(?:[-'][a-z]+)*|%")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


def years_in(text: str) -> set[int]:
    """The years a text names (1950-2049)."""
    return {int(y) for y in _YEAR.findall(text)}


_NUM = re.compile(r"(?<![\w.])(?<!\d/)(\$|£|€)?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*"
                  r"(%|per ?cent|percent|percentage points?|thousand|million|billion|trillion|"
                  r"bn|k\b|m\b)?", re.I)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


_POSSESSIVE = re.compile(r"'s?$")  # "bay's" is "bay" (tokens are lower-case, ASCII apostrophe)
_OWNER = re.compile(r"['’]s$")  # a speaker's owner: "Wexley's council leader" -> "wexley"


@lru_cache(maxsize=65536)
def _stem(w: str) -> str:
    w = _POSSESSIVE.sub("", w)  # "Bay's" is "Bay"
    if w.endswith("ss"):
        return w  # "jobless", "business", "class"
    if len(w) > 4 and w.endswith(("xes", "zes", "ches", "shes", "sses")):
        return w[:-2]  # "taxes" / "tax", "churches" / "church"
    for suf in ("ies", "ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)] + ("y" if suf == "ies" else "")
    return w


# Words a report uses for one event, by their beginnings: "homes burned down" and "no homes
# were destroyed" tell of the same thing, as do "nobody was killed" and "no deaths".
EVENTS = {
    "destroy": ("destroy", "destruct", "burned", "burnt", "burn", "gutted", "razed",
                "flattened", "demolish"),
    "die": ("kill", "death", "dead", "died", "dies", "dying", "fatal"),
    "injure": ("injur", "hurt", "wound"),
    "clash": ("clash", "confront", "scuffl", "brawl"),
    "arrest": ("arrest", "detain", "detention"),
    "close": ("close", "closing", "closure", "shut"),
    "evacuate": ("evacua",),
    "resign": ("resign", "quit"),
    "strike": ("strike", "walkout", "walk-out", "stoppage"),
}
_EVENT_OF = sorted(((b, k) for k, bs in EVENTS.items() for b in bs), key=lambda x: -len(x[0]))


@lru_cache(maxsize=65536)
def _event(word: str) -> str:
    """The :data:`EVENTS` family a word belongs to, else the word."""
    return next((k for b, k in _EVENT_OF if word.startswith(b)), word)


def content(text: str) -> set[str]:
    """The content words of ``text``, stemmed, with event words by family (months and
    weekdays aside: "in August" is said as "Aug. 14" as often as not)."""
    return {_event(_stem(w)) for w in tokens(text) if w not in STOP and not w[0].isdigit()
            and len(w) > 2 and w not in CALENDAR}


# Abbreviations that end in a full stop without ending the sentence: "RIVERTON, Jan. 14 —"
# must not become a sentence "RIVERTON, Jan." that leaves "Homicides" looking like a name.
_ABBREV = re.compile(r"(?:^|[\s(])(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|"
                     r"St|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Capt|Prof|Rev|Hon|Inc|Corp|Co|Ltd|Jr|Sr|"
                     r"No|Nos|vs|approx|est)\.$")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, without a leading wire dateline. A line break ends one
    too: a headline without a full stop is not the start of the lead sentence."""
    out: list[str] = []
    for line in re.split(r"\s*\n\s*", text):
        # each line may open with a dateline (a headline line comes before it)
        line = DATELINE_PREFIX.sub("", line, count=1) or line
        first = True
        for part in _SENT.split(line):
            part = part.strip()
            if not part:
                continue
            if out and not first and _ABBREV.search(out[-1]):
                out[-1] = f"{out[-1]} {part}"
            else:
                out.append(part)
            first = False
    return out


# -- quantities ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quantity:
    """A figure in a text: a value with what it counts, or a change with direction/ratio."""

    text: str               # the words it was read from, for the reason
    value: float | None     # an absolute figure (count, money, percentage level)
    unit: str               # "%", "$", or the counted noun ("officers"), "" if unknown
    direction: int = 0      # +1 rose, -1 fell, 0 no change stated
    ratio: float | None = None  # multiplicative change: tripled 3.0, fell by a third 0.667
    bound: str = "="        # "=", ">" (more than), "<" (fewer than), "~" (about)
    years: tuple[int, ...] = ()
    near: frozenset[str] = frozenset()  # content words around it: what the figure is about
    # ``years`` came from the report's date, not from the text (see :func:`quantities`)
    years_from_date: bool = False
    denied: bool = False    # "13 posts, not 30": the text says it is not so
    start: bool = False     # "fell from 6.1 hours to 4.3": where a change started, not the level


def _change_ratio(direction: int, pct: float | None, frac: float | None,
                  mult: float | None) -> float | None:
    if mult is not None:
        return mult
    share = pct / 100 if pct is not None else frac
    if share is None or direction == 0:
        return None
    return 1 + share if direction > 0 else max(0.0, 1 - share)


def _cue_tokens(text: str) -> list[str]:
    """Lower-cased tokens without names: "Calder Falls" is a town, not a fall."""
    words = re.findall(r"\d[\d,]*(?:\.\d+)?|[A-Za-z]+(?:[-'][A-Za-z]+)*|%", text)
    return [w.lower() for i, w in enumerate(words) if not (i and w[:1].isupper())]


def ambiguous_direction(text: str) -> bool:
    """A sentence that states changes both ways ("losing people as the province grows")."""
    toks = set(_cue_tokens(text))
    strong_up = toks & (UP - {"more", "up", "higher"})
    strong_down = toks & (DOWN - {"less", "fewer", "lower", "down"})
    return bool(strong_up and strong_down)


# A figure followed by one of these counts no noun of its own; "the number of X" in its
# sentence says what it counts.
_AFTER_FIGURE = frozenset({"over", "in", "on", "at", "since", "by", "from", "to", "last",
                           "this", "a", "the", "and", "or", "after", "before", "during"})
_COUNTED = re.compile(r"\bnumber of ([a-z]+)")
_AGE_APPOSITION = re.compile(r"[A-Z][a-z]+,\s*$")  # "MacAteer, 61,"
# "13 posts, not 30", "wrongly stated that the cost was £48m": the text says it is not so
_DENIED = re.compile(r"\b(?:not|rather than|instead of)\s+(?:the\s+)?$|\b(?:wrongly|"
                     r"incorrectly|mistakenly|erroneously)\s+(?:\w+\s+){1,8}$")


_DOWN_NOUNS = frozenset({"reduction", "cut", "decrease", "decline", "drop", "fall", "loss",
                         "slump", "dip"})
_UP_NOUNS = frozenset({"increase", "rise", "hike", "jump", "gain", "growth", "boost", "surge"})
_CHANGE_NOUN = re.compile(r"\d(?:\.\d+)?\s*(?:%|percent|per cent)[- ]("
                          + "|".join(sorted(_DOWN_NOUNS | _UP_NOUNS)) + r")\b")


def quantities(text: str, years_hint: tuple[int, ...] = ()) -> list[Quantity]:
    """Figures in ``text`` (one sentence works best). ``years_hint``: the years a sentence
    without any is about (its article's publication year and the year before)."""
    low = text.lower()
    toks = _cue_tokens(text)
    stated = tuple(sorted(years_in(text)))
    years = stated or years_hint
    direction = 0
    dir_word = ""
    for t in toks:
        if (t in UP and t not in ("more", "up", "higher", "exceeded", "outnumbered")) \
                or (t in MULTIPLIERS and MULTIPLIERS[t] > 1):
            direction, dir_word = 1, t
            break
        if (t in DOWN and t not in ("less", "fewer", "lower", "down", "lost", "cut")) \
                or t == "halved":
            direction, dir_word = -1, t
            break
    if direction == 0:  # "cut by a quarter", "lost a fifth": a change; "a pay cut" is not
        m_cut = re.search(r"\b(cut|cuts|lost|loses)\b(?:\s+\S+){0,4}?\s+(?:by\s|a\s+(?:third|"
                          r"quarter|fifth|half|tenth)\b|\d)", low) or re.search(
            r"\b(cut|cuts|lost|loses)\b(?:\s+\S+){5,9}?\s+by\s+(?:about |around |nearly |"
            r"almost |some |roughly )?(?:\$?\d|a (?:third|quarter|fifth|half|tenth)\b|half\b)",
            low)  # "cut next year's cod quota for the Sillan Sound by 15%"
        if m_cut:
            direction, dir_word = -1, m_cut.group(1)
    if direction == 0:  # weaker cues only when no verb of change ("more than" is a bound)
        # "up" and "down" as changes only beside a figure or a verb of being ("is up 4%",
        # "down from 36"): "cleaning it up", "shut down" are no changes
        plain = re.sub(r"(?<!went )(?<!goes )(?<!gone )(?<!going )(?<!\bgo )(?<!\bis )"
                       r"(?<!are )(?<!was )(?<!were )(?<!been )(?<!\bbe )"
                       r"\b(up|down)\b(?!\s+(?:by|from|to|on|about|nearly|almost|some|"
                       r"more|less|over|a\s|\d|\$))", " ", text, flags=re.I)
        for t in _cue_tokens(re.sub(r"\b(?:more|fewer|less|lower|higher) than\b", " ",
                                    plain, flags=re.I)):
            if t in ("up", "higher", "more", "larger", "bigger"):
                direction, dir_word = 1, t
                break
            if t in ("down", "lower", "fewer", "less", "smaller"):
                direction, dir_word = -1, t
                break
    if direction == 0:  # "a 12% reduction in the budget", "a 6 percent rise in rents"
        m_noun = _CHANGE_NOUN.search(low)
        if m_noun:
            dir_word = m_noun.group(1)
            direction = -1 if dir_word in _DOWN_NOUNS else 1
    out: list[Quantity] = []
    mult = next((MULTIPLIERS[t] for t in toks if t in MULTIPLIERS), None)
    m_times = re.search(r"\b(\d+(?:\.\d+)?|two|three|four|five|ten)[- ](?:times|fold)\b", low)
    if m_times:
        g = m_times.group(1)
        mult = float(WORD_NUMBERS.get(g, g)) if g in WORD_NUMBERS else float(g)
        if direction == 0:
            direction, dir_word = 1, m_times.group(0)
    frac = None
    frac_text = ""
    for phrase in sorted(FRACTIONS, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            frac, frac_text = FRACTIONS[phrase], phrase
            break
    pct = None
    proper = names(text)
    for m in _NUM.finditer(text):
        raw, unit = m.group(2), (m.group(3) or "").lower()
        num = float(raw.replace(",", ""))
        if not unit and _YEAR.fullmatch(raw) and m.group(1) is None:
            continue  # a year, not a figure
        if m.group(1) is None and not unit and _AGE_APPOSITION.search(text[:m.start()]) \
                and text[m.end():m.end() + 1] == ",":
            continue  # "Rory MacAteer, 61, has fished ...": an age
        if m.group(1) is None and not unit and "." not in raw and (
                _MONTH_BEFORE.search(text[max(0, m.start() - 12):m.start()])
                or _MONTH_AFTER.match(text, m.end())):
            continue  # "September 27, 2024", "27 September": a date's day, not a count
        if unit.startswith("percentage point"):
            unit = "pp"
        elif unit in ("%", "per cent", "percent", "percentcent") or unit.startswith("per"):
            unit = "%"
        elif unit in SCALE:
            num *= SCALE[unit]
            unit = ""
        before = low[max(0, m.start() - 24):m.start()]
        bound = "="
        if any(before.rstrip().endswith(b) for b in LOWER_BOUND):
            bound = ">"
        elif any(before.rstrip().endswith(b) for b in UPPER_BOUND):
            bound = "<"
        elif any(before.rstrip().endswith(a) for a in APPROX):
            bound = "~"
        if m.group(1):
            unit = "$"
        if not unit:  # what it counts: the next word that is no name ("18,000 Tarrow homes")
            after = tokens(text[m.end():m.end() + 40])
            if (part_of := _OF_WHOLE.match(low, m.end())) is not None:
                # "2,150 of the district's 2,400 teachers": the part counts what the whole does
                after = tokens(low[part_of.end():part_of.end() + 40])
            if after and after[0] in _AFTER_FIGURE and (counted := _COUNTED.search(low)):
                # "the number of pupils ... has fallen from 140 to 61 over the past decade"
                noun = counted.group(1)
            else:
                noun = next((w for w in after if w not in STOP
                             and w not in ("of", "additional") and not w[0].isdigit()
                             and w not in proper), "")
            unit = _stem(noun)
        said = m.group(0).strip()
        nxt = tokens(text[m.end():m.end() + 12])
        if nxt and nxt[0].rstrip("s") in DAYS:  # "17 days", "2 years" (stop words above)
            unit = nxt[0].rstrip("s")
        elif not unit and not m.group(1) and (
                unit_before := _UNIT_BEFORE.search(low[max(0, m.start() - 60):m.start()])):
            unit = unit_before.group(1).rstrip("s")  # "opening hours cut to 32"
        if unit in DAYS and not _AGE.match(text, m.end()):  # "a 17-day suspension"
            # weeks, months and years are round: "three months" is not exactly 91 days
            bound = "~" if bound == "=" and unit not in ("day", "hour") else bound
            said = f"{raw} {unit}{'' if num == 1 else 's'}"
            num, unit = num * DAYS[unit], "day"
        # "by 40%" next to a change verb is the size of the change; "to 4.2%" is the level.
        by = re.search(r"\bby\s+(?:about |around |roughly |nearly |almost |some |more than )?$",
                       before)
        # "from 4.8 percent to 6.2 percent", "to 6.2% from 4.8%": levels, the change is
        # their ratio (below)
        if unit in ("%", "pp") and direction and (
                by or not re.search(r"\b(?:to|from)\s+$", before)):
            pct = num if unit == "%" else pct
            out.append(Quantity(said, num, unit, direction,
                                _change_ratio(direction, num, None, None) if unit == "%"
                                else None, bound, years, _near(text, m.start(), m.end(), proper)))
            continue
        denied = bool(_DENIED.search(low[max(0, m.start() - 80):m.start()]))
        start = bool(re.search(r"\bfrom\s+(?:about\s+|around\s+)?$", before))
        if denied and not unit and out:
            unit = out[-1].unit  # "13 teaching posts, not 30": the 30 counts posts too
        out.append(Quantity(said, num, unit, 0, None, bound,
                            _own_years(text, m.end(), years_hint, years) if len(stated) > 1
                            else years,
                            _near(text, m.start(), m.end(), proper), denied=denied,
                            start=start))
    halves = []
    for m in _HALF_DURATION.finditer(low):
        count, unit_word = (m.group(1), m.group(2)) if m.group(2) else \
            ("one", m.group(4)) if m.group(4) else ("", m.group(5))
        n = 0.0 if not count else 1.0 if count in ("a", "an") else \
            float(WORD_NUMBERS.get(count) or count)
        halves.append((m.start(), m.end()))
        out.append(Quantity(m.group(0), (n + 0.5) * DAYS[unit_word.rstrip("s")], "day", 0, None,
                            "~", years, _near(text, m.start(), m.end(), proper)))
    for m in _WORD_DURATION.finditer(low):  # "for more than two weeks"
        if any(a <= m.start() < b for a, b in halves):
            continue
        before = low[max(0, m.start() - 24):m.start()].rstrip()
        bound = ">" if any(before.endswith(b) for b in LOWER_BOUND) else \
            "<" if any(before.endswith(b) for b in UPPER_BOUND) else \
            "=" if m.group(2).startswith(("day", "hour")) else "~"
        if m.group(1) in ("a", "an") and not re.search(
                r"\b(?:for|than|over|after|within|nearly|almost|about|under|just)$", before):
            continue  # "$5 million a year" is a rate, "for more than a year" a duration
        n = 1.0 if m.group(1) in ("a", "an") else float(WORD_NUMBERS[m.group(1)])
        out.append(Quantity(m.group(0), n * DAYS[m.group(2).rstrip("s")], "day", 0, None, bound,
                            years, _near(text, m.start(), m.end(), proper)))
    if direction and mult is None and frac is None and pct is None:
        found = _from_to_ratio(text)
        if found is not None and (found[0] > 1) == (direction > 0):
            mult = found[0]  # "fell from 5.2 hours to 3.9": a change of x0.75
            dir_word = f"{dir_word} ({found[1]})"
    if direction and (mult is not None or (frac is not None and pct is None)):
        words = dir_word if mult is not None else f"{dir_word} by {frac_text}"
        out.append(Quantity(words, None, "", direction,
                            _change_ratio(direction, None, frac, mult), "~", years))
    elif direction and not any(q.direction for q in out):
        out.append(Quantity(dir_word, None, "", direction, None, "=", years))
    if years and not stated:
        out = [replace(q, years_from_date=True) for q in out]
    return out


_OF_WHOLE = re.compile(r"\s*of\s+(?:the\s+|its\s+|their\s+|his\s+|her\s+)?"
                       r"(?:[\w.'’-]+(?:'s|’s)\s+)?(?:\d{1,3}(?:,\d{3})+|\d+)\b")
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
           r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_MONTH_BEFORE = re.compile(rf"\b{_MONTHS}\s+$")
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s*(?:of\s+)?{_MONTHS}\b")
_FIG = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_FROM_TO = re.compile(rf"\bfrom\s+\$?{_FIG}\b[^.;]{{0,40}}?\bto\s+\$?{_FIG}\b", re.I)
_TO_FROM = re.compile(rf"\bto\s+\$?{_FIG}\b[^.;]{{0,40}}?\b(?:up|down)?\s*from\s+\$?{_FIG}\b"
                      rf"|\b\$?{_FIG}\b[^.;]{{0,60}}?,\s+(?:up|down)\s+from\s+\$?{_FIG}\b", re.I)


def _from_to_ratio(text: str) -> tuple[float, str] | None:
    """(new / old, the words) for "from 36 to 24", "to 24, from 36", "19 in 2024, up from
    17"."""
    def num(x: str) -> float:
        return float(x.replace(",", ""))

    m = _FROM_TO.search(text)
    if m:
        old, new = num(m.group(1)), num(m.group(2))
    elif (m := _TO_FROM.search(text)):
        g = [x for x in m.groups() if x]
        new, old = num(g[0]), num(g[1])
    else:
        return None
    if old <= 0 or old == new or any(_YEAR.fullmatch(f"{x:g}") for x in (old, new)):
        return None
    return new / old, f"{old:g} to {new:g}"


def _near(text: str, start: int, end: int, proper: set[str], n: int = 2) -> frozenset[str]:
    """The ``n`` content words on each side of a figure, names (``proper``) aside: "90% of
    teachers walked out" is about teachers walking out, "a 5% pay deal" about pay."""
    def words(chunk: str) -> list[str]:
        return [_stem(w) for w in tokens(chunk) if w not in STOP and not w[0].isdigit()
                and len(w) > 2 and w not in proper]

    # within the figure's clause: in "the first strike for 18 years, with the union saying
    # about 90% of its members took part", the 90% is not about the strike
    before = _CLAUSE_MARK.split(text[:start])[-1]
    after = _CLAUSE_MARK.split(text[end:])[0]
    return frozenset(words(before)[-n:] + words(after)[:n])


_CLAUSE_MARK = re.compile(r"[;:()—–]\s|\s[—–]|,\s+(?=(?:with|while|whereas|but|and|although|"
                          r"though|as|after|before|when|which|who)\b)")


def _distance(sentence: str, figure: str, claim: str) -> int:
    """Characters between a figure and the nearest of the claim's topic words in a sentence."""
    low = sentence.lower()
    at = low.find(figure.lower().split()[0])
    spots = [m.start() for w in _topic(claim) if len(w) > 2 and w not in WORD_NUMBERS
             for m in re.finditer(rf"\b{re.escape(w[:5])}", low)]
    return min((abs(at - x) for x in spots), default=len(low)) if at >= 0 else len(low)


_CHANGE_STEMS = ({_stem(w) for w in UP if w not in ("more", "over", "higher")},
                 {_stem(w) for w in DOWN if w not in ("less", "fewer", "lower", "under")})


def _about_same(c: Quantity, p: Quantity) -> bool:
    """Two figures are comparable when they count the same noun or share a nearby word."""
    if c.unit and c.unit not in ("%", "pp", "$") and c.unit == p.unit:
        return True
    # "renters" / "renting households": a shared word beginning, or one measure family, or
    # a verb of the same change beside both ("dropped to 5.9 percent" / "fell ... to 5.9%")
    return bool({w[:4] for w in c.near} & {w[:4] for w in p.near}
                or _families(set(c.near)) & _families(set(p.near))
                or any(c.near & stems and p.near & stems for stems in _CHANGE_STEMS))


def _close(a: float, b: float, loose: bool) -> bool:
    """Within rounding: 2 % of the larger, or (hedged, "about 2,000") 6 %, or what the
    coarser of the two roundings allows ("about 20 percent" for 21.7)."""
    tol = 0.06 if loose else 0.02
    grain = max(_grain(a), _grain(b)) / 2 if loose else 0.0
    return abs(a - b) <= max(tol * max(abs(a), abs(b), 1e-9), grain)


def _grain(x: float) -> float:
    """The rounding step a figure was written to: 20 -> 10, 2,150 -> 10, 4.2 -> 0.1."""
    if x != int(x):
        return 10 ** -len(repr(x).split(".")[1].rstrip("0") or "0")
    n, step = int(abs(x)), 1
    while n and n % 10 == 0 and step < 1000:
        n, step = n // 10, step * 10
    return float(step)


def _describe(q: Quantity) -> str:
    if q.years_from_date:  # the text gives no year: say where the period came from
        return f"{q.text} (no year given; reported {q.years[-1]})"
    years = f" ({'–'.join(str(y) for y in q.years)})" if q.years else ""
    return f"{q.text}{years}"


def _value_conflict(c: Quantity, p: Quantity) -> bool | None:
    """True: figures contradict; False: they agree; None: not comparable."""
    if c.value is None or p.value is None or c.unit != p.unit or not c.unit:
        return None
    if c.unit not in ("%", "pp") and min(c.value, p.value) > 0 \
            and max(c.value, p.value) > 100 * min(c.value, p.value):
        return None  # "$5 million" and "$1,640 a month" are not one sum misreported
    if c.bound == ">":
        return not p.value > c.value * 0.98
    if c.bound == "<":
        return not p.value < c.value * 1.02
    if p.bound in (">", "<"):
        # "up to 400" or "more than 200" can contradict 250, never confirm it
        return True if (p.bound == ">" and p.value > c.value * 1.15) or \
            (p.bound == "<" and p.value < c.value * 0.85) else None
    return not _close(c.value, p.value, loose="~" in (c.bound, p.bound))


def _year_conflict(c: Quantity, p: Quantity) -> bool:
    """Different years on both sides: two figures about different periods are not comparable."""
    return bool(c.years and p.years and not set(c.years) & set(p.years))


# -- findings -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    kind: str        # quantity | direction | negation | predicate | quantifier | attribution
    #                  | superlative | placing | date
    relation: str    # conflict | agree | unconfirmed (the passage cannot confirm it)
    #                  | moot (it can neither confirm nor contradict it)
    reason: str      # what a fact-checker reads on the evidence card
    sentence: str    # the passage sentence it was read from
    years: tuple[int, ...] = ()  # the period of the passage's figure (figure findings)

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "relation": self.relation, "reason": self.reason}


MIN_SHARED = 0.5  # share of the claim's content words a sentence must carry to be compared


_CHANGE = frozenset(_stem(w) for w in UP | DOWN | set(MULTIPLIERS))


def sentence_shares(claim: str, passage: str, context: str = "") -> list[tuple[float, str]]:
    """Each passage sentence with the share of the claim's content words it carries.

    The claim's names that the passage gives anywhere count in every sentence: a report
    datelined in Harlow Bay speaks of it in each sentence, so "no guard member had been
    involved in any confrontation with protesters" is the sentence about "guard troops
    clashed with protesters in Harlow Bay", not "the guard left Harlow Bay on Friday".
    A change word is what the checks compare, not what picks the sentence: "youth
    unemployment rose" is not the sentence about "unemployment rose" when another says
    "unemployment fell".
    """
    cw = content(claim) - _CHANGE
    low = f"{context} {passage}".lower()  # the title and dateline name it too
    own = {_stem(n) for n in names(claim)}
    given = {w for w in cw & own if w in low}
    out = []
    for s in sentences(passage) or [passage]:
        # ... unless the sentence opens with someone or somewhere else ("Marrowdale's
        # population grew", in a report that mentions Thistlecombe later; "Hospital director
        # Samuel Kilbride said" is still about the hospital)
        out.append((len(cw & (content(s) | (set() if _opens_with_other(s, own) else given)))
                    / max(1, len(cw)), s))
    return out


def _opens_with_other(sentence: str, own: set[str]) -> bool:
    """The sentence opens with a name that is none of ``own`` (the claim's names, stemmed):
    it is about someone or somewhere else."""
    opening = _OPENING_NAME.match(sentence)
    return bool(opening and {_stem(w) for w in tokens(opening.group(1))} - own - STOP)


def best_sentence(claim: str, passage: str, context: str = "",
                  shares: list[tuple[float, str]] | None = None) -> tuple[str, float]:
    """The passage sentence that shares most of the claim's content words, and that share
    (``shares``: :func:`sentence_shares`, where the caller has them already); of equals, the
    first that names the claim's own names itself, else the first."""
    own = {_stem(n) for n in names(claim)}
    best, score, key = "", 0.0, (0.0, 0)
    for shared, s in shares if shares is not None else sentence_shares(claim, passage, context):
        k = (shared, len(own & {_stem(w) for w in tokens(s)}))
        if shared > 0 and k > key:
            best, score, key = s, shared, k
    return best, score


def _predicate_share(claim: str, sentence: str, subject: frozenset[str] = frozenset()
                     ) -> float:
    """Share of the claim's words other than names (and the ``subject`` words: the group a
    quantifier counts) that the sentence carries: what a negation or another share there
    speaks of must be what the claim asserts ("no homes were destroyed in the wildfire" does
    not deny that the wildfire "was started deliberately"; "none of the 15 schools was rated
    failing" says nothing of how many were rated outstanding)."""
    skip = {_stem(n) for n in names(claim) | names(sentence)} | subject
    a = _topic(claim) - skip
    return len(a & (_topic(sentence) - skip)) / len(a) if a else 1.0


def _phrased(text: str) -> str:
    """``text`` with the :data:`PHRASES` as their one-word meaning."""
    for pattern, word in PHRASES:
        text = pattern.sub(word, text)
    return text


def both_deny(claim: str, passage: str) -> Finding | None:
    """The claim and a sentence of the passage deny the same thing: "no deaths or serious
    injuries were reported" confirms "nobody was killed", which the model reads as a
    contradiction of two negations. What is denied is the first content word after the
    negation ("killed"); the sentence's own words (not a quotation) must deny a word of its
    family within four words of their negation ("no deaths")."""
    denied = _denied_words(claim)
    if not denied:
        return None
    own = {_stem(w) for w in tokens(claim)}
    for s in sentences(passage):
        said = _unquoted(s)
        if denied & _denied_words(said) and not _opens_with_other(s, own):
            return Finding("negation", "agree", f"both deny it: \"{_clip(s)}\"", s)
    return None


def _asserts(text: str, words: set[str]) -> bool:
    """The text says one of ``words`` (stems by family); no words, nothing to ask."""
    return not words or bool(words & {_family(w) for w in tokens(text)})


def _family(word: str) -> str:
    """A word's family for denials: a direction of change ("fell" / "fall"), an event
    ("deaths" / "killed"), else its stem."""
    return "up" if word in UP else "down" if word in DOWN else _event(_stem(word))


def _denied_words(text: str) -> set[str]:
    """The first content word after each negation, by event family ("no deaths" -> die)."""
    toks, out = tokens(text), set()
    for i, t in enumerate(toks):
        if t in ("no", "not", "never", "nobody", "none", "nothing") or t.endswith("n't"):
            nxt = [w for w in toks[i + 1:i + 5] if w not in STOP and w not in NEGATORS
                   and not w[0].isdigit() and w not in ("one", "serious", "major", "any",
                                                         "single", "further", "reported",
                                                         "yet", "ever", "even", "already")]
            if nxt:
                out.add(_family(nxt[0]))
    return out


# Negating words that deny no predicate: a plea ("pleaded not guilty" says nothing of the
# verdict) and a corrected figure ("412, not 340": the figure checks read it).
_NOT_A_DENIAL = re.compile(r"\bplead(?:s|ed|ing)? not guilty\b|\bnot\s+(?=[$£€]?\d)", re.I)


# A claim that someone asked for something, and a passage that the ask was turned down: the
# rejection presupposes the request ("rejected Mayor Okafor's request to deploy 250 troops").
_REQUEST_CLAIM = re.compile(r"\b(?:ask(?:ed|s)?|request(?:ed|s)?|sought|seek(?:s)?|sen[dt]s?|"
                            r"propos(?:ed|es)|appl(?:ied|ies)|appeal(?:ed|s)?|call(?:ed|s)? for)"
                            r"\b", re.I)
_REJECTED_REQUEST = re.compile(r"\b(?:rejected|rejects|denied|denies|refused|refuses|dismissed|"
                               r"turned down)\s+(?:[\w.'’-]+\s+){0,4}?(?:request|proposal|bid|"
                               r"application|plea|call|appeal|letter)s?\b", re.I)


def _denied_word(text: str, word: str) -> bool:
    """``word`` under a negation in ``text`` ("did not approve")."""
    return re.search(rf"\b(?:not|n't|never|no longer)\s+(?:\w+\s+)?{re.escape(word)}\b",
                     text, re.I) is not None


def _negated(text: str) -> bool:
    toks = tokens(_NOT_A_DENIAL.sub(" ", text))
    return any(t in NEGATORS or t.endswith("n't") for t in toks)


# "most pressing", "the most votes": a superlative, not a share of a group.
_SUPERLATIVE = re.compile(r"\b(?:the|'s|s') most\b|\bmost \w+(?:ing|ed|ive|ous|ful|ant|ent|"
                          r"ble|al|ic|ly|ar|ary|ous)\b", re.I)


# A record or a superlative: what a claim asserts with "a record number of visitors" or "the
# biggest city", and what a passage must state too before it can confirm it.
_RANKED = (r"high|low|bigg|larg|small|great|fast|slow|long|short|old|young|deadli|hott|cold|"
           r"wett|dri|busi|rich|poor|strong|weak|heavi|few|cheap|costli|tall|deep|warm|wealthi")
_RECORD_CLAIM = re.compile(rf"\b(?:(?:{_RANKED})est|worst|best|record(?!ed|ing|s\b)|"
                           r"all-time|unprecedented|most \w+ ever)\b", re.I)
_RECORD_STATED = re.compile(rf"{_RECORD_CLAIM.pattern}|\brecords\b|\bever\b|"
                            r"\bfirst time\b|\bnever before\b|\bmost since\b", re.I)


def claims_record(claim: str) -> bool:
    """The claim asserts a record or a superlative ("a record number", "the biggest")."""
    return bool(_RECORD_CLAIM.search(claim))


def states_record(passage: str) -> bool:
    """The passage states a record, a superlative or an "ever"/"first time" of some kind."""
    return bool(_RECORD_STATED.search(passage))


# "Kestrel Energy admitted that ...": who the claim says said it, and what.
_CLAIM_SPEAKER = re.compile(
    r"^(?P<who>(?:[Tt]he |[Ii]ts |[Hh]is |[Hh]er )?(?:[\w'’-]+ ){0,4}?[\w'’-]+)\s+"
    r"(?:admitted|acknowledged|conceded|confessed|said|says|claimed|claims|stated|announced|"
    r"confirmed|warned|promised|insisted|told [\w ]{1,30}?)\s+(?:that\s+)?(?P<what>.{12,})$")
_REPORTED = re.compile(r"\b(?:said|says|told|wrote|writes|warned|claimed|according to)\b", re.I)
_DISMISSED = re.compile(r"\b(?:denied|denies|rejected|rejects|dismissed|dismisses|disputed|"
                        r"disputes|called\b[^.;]{0,60}?\b(?:scaremongering|fearmongering|false|"
                        r"nonsense|baseless|untrue|misleading|a lie|lies|absurd|ridiculous))",
                        re.I)
_SPEAKER_STOP = STOP | {"officials", "official", "spokesperson", "spokesman", "spokeswoman"}


def attribution(claim: str, passage: str) -> Finding | None:
    """Whether the passage confirms *who* said what the claim attributes.

    "Kestrel Energy admitted the incinerator would poison children" against "Dunmore told
    the crowd it would 'poison our children', a claim Kestrel Energy called
    'scaremongering'": the named speaker rejects it (conflict). Against a passage in which
    only someone else says it: the passage cannot confirm the attribution (unconfirmed).
    """
    m = _CLAIM_SPEAKER.match(claim.strip().rstrip("."))
    if not m:
        return None
    who = m.group("who")
    key = {_OWNER.sub("", w.lower()) for w in re.findall(r"[A-Z][\w'’-]+", who)} - STOP \
        or {w for w in tokens(who) if w not in _SPEAKER_STOP and len(w) > 2}
    # "Harlow Bay's mayor": the office names the speaker ("Mayor Ines Varga said"); the
    # place is only where she holds it. The office's head noun: "leader" of "Wexley's
    # council leader", not "council".
    role = {_OWNER.sub("", w) for w in re.findall(r"\b[a-z][\w'’-]+", who)[-1:]
            if w not in _SPEAKER_STOP and len(w) > 2}
    sent, shared = best_sentence(m.group("what"), passage)
    if not key or not sent or shared < MIN_SHARED:
        return None
    low = sent.lower()

    def said_by_them(text: str, words: set[str] = key) -> bool:
        return any(re.search(rf"\b{re.escape(k)}\b", text) for k in words)

    if _negated(sent) != _negated(m.group("what")):
        # the speaker says the opposite in the passage: the quotation that holds the best
        # sentence, attributed to them in it or in the next two sentences ("'Harlow Bay is
        # not under siege. People are angry ...,' Mayor Ines Varga said.")
        parts = sentences(passage)
        at = parts.index(sent) if sent in parts else 0
        window = " ".join(parts[at:at + 3]).lower()
        r = next(_REPORTED.finditer(window), None)
        if r and said_by_them(window[max(0, r.start() - 40):r.end() + 40], role or key):
            return Finding("attribution", "conflict",
                           f"the claim says {who} said it; in the passage {who} says the "
                           f"opposite: \"{_clip(sent)}\"", sent)
    named = said_by_them(low) or bool(role and said_by_them(low, role))
    # the speaker rejects it: named just before the dismissal ("Kestrel Energy, called it
    # 'scaremongering'"), not elsewhere in the sentence
    d = next((d for d in _DISMISSED.finditer(sent)
              if said_by_them(low[max(0, d.start() - 40):d.start()])), None)
    if d and not _negated(m.group("what")):
        return Finding("attribution", "conflict",
                       f"the claim says {who} said it; the passage has {who} reject it "
                       f"('{d.group(0)}'): \"{_clip(sent)}\"", sent)
    if not named and _REPORTED.search(sent):
        return Finding("attribution", "unconfirmed",
                       f"the claim says {who} said it; in the passage someone else does: "
                       f"\"{_clip(sent)}\"", sent)
    return None


_SUPERLATIVES = {"biggest": "largest", "wealthiest": "richest", "tallest": "highest"}
_BE = r"(?:is|was|are|were|remains|remained|became|has become|had become)\s+(?:now\s+|still\s+)?"
_SUP = r"the\s+(?P<sup>[a-z]+est|most\s+[a-z]+)\s+(?P<noun>[a-z]+)"
_SUP_CLAIM = re.compile(rf"^(?P<who>.+?)\s+{_BE}{_SUP}\b")
_SUP_PASSAGE = re.compile(rf"(?P<who>(?:[A-Z][\w'’-]+\s+){{0,3}}[A-Z][\w'’-]+)\s+{_BE}{_SUP}\b")


_RANKED_SUP = re.compile(r"\bthe\s+(?P<rank>second|third|fourth|fifth|sixth|next|\d+(?:st|nd|rd|"
                         r"th))[- ](?P<sup>[a-z]+est|most\s+[a-z]+)\b", re.I)


def superlative(claim: str, passage: str) -> Finding | None:
    """Who holds the superlative: "Riverton is the biggest city in Lowmark" against
    "Harlow Bay remained the largest city, followed by Riverton" (another holder: conflict).
    """
    m = _SUP_CLAIM.match(claim.strip())
    if not m:
        return None
    sup = _SUPERLATIVES.get(m.group("sup"), m.group("sup"))
    holder = {w for w in tokens(m.group("who")) if w not in STOP}
    for sent in sentences(passage):
        for p in _SUP_PASSAGE.finditer(sent):
            if _SUPERLATIVES.get(p.group("sup"), p.group("sup")) != sup \
                    or _stem(p.group("noun")) != _stem(m.group("noun")):
                continue
            other = {w for w in tokens(p.group("who")) if w not in STOP}
            if other and holder and not other & holder:
                return Finding("superlative", "conflict",
                               f"the claim says {m.group('who')} is the {m.group('sup')} "
                               f"{m.group('noun')}; the passage says {p.group('who')} is",
                               sent)
        # "The port remains the second-busiest on the coast": the holder, ranked lower
        for r in _RANKED_SUP.finditer(sent):
            if _SUPERLATIVES.get(r.group("sup"), r.group("sup")) != sup:
                continue
            before = set(tokens(sent[:r.start()]))
            if holder <= set(tokens(passage)) and (
                    holder & before or _stem(m.group("noun")) in {_stem(w) for w in before}
                    or before & {"it", "its"}):
                return Finding("superlative", "conflict",
                               f"the claim says {m.group('who')} is the {m.group('sup')} "
                               f"{m.group('noun')}; the passage ranks it "
                               f"{r.group('rank')}", sent)
    return None


# Verbs of events that happen to a thing once ("the programme was launched", "the plant was
# built", "Nuñez resigned"): the date of one is a fact a report can contradict. A statistic's
# change ("crime fell in 2024") is not one: another year is another period, not a conflict.
ONCE = ("launch", "found", "establish", "open", "built", "build", "construct", "complet",
        "inaugurat", "sign", "enact", "introduc", "creat", "elect", "appoint", "resign",
        "retir", "born", "die", "merg", "acquir", "bought", "sold", "award", "releas",
        "publish", "discover", "invent", "abolish", "repeal", "ratif", "clos", "shut",
        "dissolv", "incorporat", "instal", "unveil", "commission", "decommission", "marri",
        "sworn", "named", "hired", "fired", "sentenc", "convict", "arrest", "ban", "approv")
_WORD = re.compile(r"\b[a-z]+\b", re.I)
_EVENT_DATE = re.compile(
    rf"\s+(?:[^\s.;]+\s+){{0,7}}?(?:in|on)\s+(?:(?P<day1>\d{{1,2}})\s+)?"
    rf"(?:(?P<month>{_MONTHS})\.?\s+(?:(?P<day2>\d{{1,2}}),?\s+)?)?(?P<year>19\d\d|20\d\d)\b",
    re.I)


def _once(word: str) -> str | None:
    """The :data:`ONCE` stem of a past-tense or participle form ("launched", "built")."""
    if not (word.endswith(("ed", "en", "t")) or word in {"born", "sold", "bought", "sworn"}):
        return None
    return next((b for b in ONCE if word.startswith(b)), None)


def _event_dates(text: str) -> list[tuple[str, int, str | None, str]]:
    """(event stem, year, month or None, the words) of each "launched in 2020" in ``text``."""
    out = []
    for w in _WORD.finditer(text):
        stem = _once(w.group(0).lower())
        if stem is None or re.search(r"\b(?:not|never|no)\s+(?:\w+\s+)?$",
                                     text[max(0, w.start() - 20):w.start()], re.I):
            continue
        m = _EVENT_DATE.match(text, w.end())
        if m is None:
            continue
        month = m.group("month")
        out.append((stem, int(m.group("year")), month[:3].lower() if month else None,
                    text[w.start():m.end()]))
    return out


def event_date(claim: str, passage: str,
               shares: list[tuple[float, str]] | None = None) -> Finding | None:
    """The claim dates an event that happens once ("the programme was launched in 2022") and
    a passage sentence about the same thing dates the same event otherwise ("was launched in
    2020"): a conflict; the same year (and month, where both give one): an agreement. The
    sentence must carry most of the claim's other words, so a programme launched in 2020
    says nothing of another launched in 2022. ``shares``: :func:`sentence_shares` of the
    claim and passage, where the caller has them already."""
    claimed = _event_dates(claim)
    if not claimed:
        return None
    for shared, sent in shares if shares is not None else sentence_shares(claim, passage):
        if shared < MIN_SHARED:
            continue
        dated = _event_dates(sent)
        for stem, year, month, words in claimed:
            stated = [d for d in dated if d[0] == stem]
            if not stated:
                continue
            same = [d for d in stated if d[1] == year and (not month or not d[2]
                                                             or d[2] == month)]
            if same:
                return Finding("date", "agree", f"claim: {words}; passage: {same[0][3]}", sent)
            return Finding("date", "conflict", f"claim: {words}; passage: {stated[0][3]}",
                           sent)
    return None


# What someone said would happen, or meant to do: "the company had said in 2020 that it
# would keep the laboratory open", "officials pledged to reopen the bridge by May".
_INTENDED = re.compile(
    r"\b(?:said|says|say|told|announced|promised|pledged|vowed|planned|expected|predicted|"
    r"forecast|hoped|warned|insisted)\b(?:\s+[^\s.;]+){0,12}?\s+(?:would|will|'d)\b"
    r"|\b(?:promised|promises|pledged|pledges|vowed|vows|planned|plans|intended|intends|"
    r"expected|hoped|hopes|proposed|threatened|undertook|aimed|aims)\s+(?:not\s+)?to\s+"
    r"(?!the\b|a\b|an\b|its\b|their\b|his\b|her\b|\d)[a-z]+", re.I)
# ... unless the sentence also says what is so ("said production would move abroad and
# denied that the decision was linked to the dispute")
_STATES_FACT = re.compile(r"\b(?:den(?:y|ies|ied)|confirm(?:s|ed)?|admit(?:s|ted)?|"
                          r"acknowledg(?:e|es|ed)|reject(?:s|ed)?)\b", re.I)
_FUTURE_CLAIM = re.compile(r"\b(?:will|would|shall|plans?|planned|promis\w*|pledg\w*|vow\w*|"
                           r"intend\w*|expect\w*|going to|set to|to be)\b", re.I)


def intention(claim: str, passage: str,
              shares: list[tuple[float, str]] | None = None) -> Finding | None:
    """Every sentence of the passage about the claim reports what someone said would happen
    or meant to do, and the claim says what happened: an intention neither confirms nor
    contradicts an outcome ("had said in 2020 that it would keep the laboratory open" does
    not refute "Kestrel closed its Basel laboratory in 2021"; "pledged to reopen the bridge"
    does not confirm that it reopened). ``shares`` as for :func:`event_date`."""
    if _FUTURE_CLAIM.search(claim):
        return None
    if shares is None:
        shares = sentence_shares(claim, passage)
    about = [sent for shared, sent in shares if shared >= MIN_SHARED] or \
        [sent for shared, sent in shares if shared > 0]  # what the model can have read
    if not about or not all(_INTENDED.search(_unquoted(s)) and not _STATES_FACT.search(s)
                            for s in about):
        return None
    return Finding("intention", "moot",
                   f"the passage tells what was meant to happen, not what did: "
                   f"\"{_clip(about[0])}\"", about[0])


ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3,
            "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10}
_ORD = "|".join(ORDINALS)
_WHO = r"(?P<who>[Tt]he [A-Z]\w+(?: Party)? candidate|(?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’.-]+)"
# Where someone or something finished: "X won the by-election", "X was elected mayor",
# "X came third", "X rose four places to third", "X fell from seventh to twelfth place".
_PLACED = re.compile(
    _WHO + r"(?:,[^,]{1,60},)?\s+(?:(?P<won>(?:has )?won(?=[^.;]{0,60}?\b(?:elections?|by-election|"
    r"race|vote|seat|contest|primary|run-?off|ballot|final|cup|title|championship|match|"
    r"game|league|mayoralty|presidency|leadership)\b)|(?:has been |was )?(?:re-)?elected)\b"
    r"|(?:came|finished|placed|was placed|ranked|was ranked|is ranked|(?:has )?(?:risen|rose|"
    r"climbed|moved up|jumped|fallen|fell|dropped|slipped|slid)(?: [\w ,]{0,40}?)? to)\s+"
    rf"(?P<ord>{_ORD}|last)(?: place)?\b)")
_BEATING = re.compile(r"\b(?:beating|defeating|ahead of)\s+" + _WHO.replace("who", "loser"))
# A results table: "Priya Ostrander (Green Party) 4,812", one candidate a line.
_RESULT_LINE = re.compile(r"^\s*(?P<who>(?:[A-Z][\w'’.-]+\s+){1,3}[A-Z][\w'’.-]+)\s*"
                          r"\((?P<party>[^)]{2,40})\)\s*[:,-]?\s*(?P<votes>\d[\d,]*)\s*$", re.M)


def _placings(passage: str) -> list[tuple[str, int, str]]:
    """(who, place, the words that say so) for each placing a passage states."""
    rows = [(m.group("who"), int(m.group("votes").replace(",", "")), m.group("party"))
            for m in _RESULT_LINE.finditer(passage)]
    out = []
    if len(rows) >= 2:
        ranked = sorted(rows, key=lambda r: -r[1])
        out += [(f"{w} ({party})", i + 1, f"{w} ({party}) {v:,}")
                for i, (w, v, party) in enumerate(ranked)]
        out.append((f"{ranked[-1][0]} ({ranked[-1][2]})", -1, "last of the results"))
    for sent in sentences(passage):
        for m in _PLACED.finditer(sent):
            place = 1 if m.group("won") else -1 if m.group("ord") == "last" else \
                ORDINALS[m.group("ord").lower()]
            out.append((m.group("who"), place, m.group(0)))
            if m.group("won"):
                out += [(b.group("loser"), 0, m.group(0) + " … " + b.group(0))
                        for b in _BEATING.finditer(sent, m.end())]
    return out


def placing(claim: str, passage: str) -> Finding | None:
    """Where the claim's subject finished, against where the passage says it did: "Tom Bell
    won the by-election" against a results table in which he is second, "the Conservative
    candidate came third" against the table, "X climbed to third" against "X has risen to
    third place", "X was elected" against "Y was elected, beating X" (place 0: not first)."""
    m = _PLACED.search(claim)
    if not m:
        return None
    want = 1 if m.group("won") else -1 if m.group("ord") == "last" else \
        ORDINALS[m.group("ord").lower()]
    who = {_stem(w) for w in tokens(m.group("who"))} - STOP - {"candidate", "party"}
    if not who:
        return None
    for name, place, said in _placings(passage):
        if not who <= {_stem(w) for w in tokens(name)}:
            continue
        return Finding("placing", "agree" if place == want else "conflict",
                       f"claim: {m.group(0).strip()}; passage: {_clip(said, 100)}", said)
    return None


_COUNT = r"(\d[\d,]*|" + "|".join(WORD_NUMBERS) + ")"
# "N of [up to four words] M": a count out of a stated whole
_PART_OF = re.compile(rf" {_COUNT} of (?:[a-z'-]+ ){{0,4}}?{_COUNT} (?!%|percent|per )")


# "five of the schools": a part of a whole counted earlier in the passage
_PART_OF_THE = re.compile(rf" {_COUNT} of the ([a-z]+) ")


def _count(word: str) -> float:
    return float(WORD_NUMBERS.get(word, 0) or word.replace(",", ""))


Share = tuple[str, tuple[float, float], str]


def _quantifiers(text: str, earlier: str = "") -> list[Share]:
    """The shares of a group a sentence asserts, as (words, (lower, upper), the words as
    written), stated shares first ("three of nine" was written "three of the county's
    nine").

    Stated shares come first ("a third of", "47% of", "under half of"), since they are what a
    word such as "most" elsewhere in the sentence is usually compared against. "More than" and
    "under" make the bound strict: "under half" excludes a majority. A sentence may state
    several ("61% of its teachers ... 22 of its 38 schools"); :func:`compare` takes the one
    about the claim's group. ``earlier``: the text before the sentence, where the whole of
    "five of the schools" is counted ("Harlow Bay's 15 public schools").
    """
    low = " " + " ".join(tokens(text)) + " "
    out: list[Share] = []
    for phrase, v in sorted(FRACTIONS.items(), key=lambda kv: -len(kv[0])):
        m = re.search(rf" (?:(fewer|less|more) than |(under|over|below|above|just under|"
                      rf"just over|nearly|almost) )?{re.escape(phrase)}"
                      rf"{' ' if ' in ' in phrase else ' of '}", low)  # "three in five adults"
        if m:
            words, bound = m.group(0).strip().rsplit(" of", 1)[0], m.group(2) or ""
            if bound in ("nearly", "almost", "just under"):
                out.append((words, (v - 0.06, v - 0.005), words))
            elif bound == "just over":
                out.append((words, (v + 0.005, v + 0.06), words))
            elif m.group(1) in ("fewer", "less") or bound in ("under", "below"):
                out.append((words, (0.0, v - 0.005), words))
            elif m.group(1) == "more" or bound in ("over", "above"):
                out.append((words, (v + 0.005, 1.0), words))
            else:
                out.append((phrase, (v - 0.05, v + 0.05), phrase))
            break
    for m in _PART_OF.finditer(low):  # "three of the county's nine clinics", "22 of its 38"
        part, whole = (_count(m.group(i)) for i in (1, 2))
        if 0 < part < whole and not _YEAR.fullmatch(m.group(2)):
            v = part / whole
            out.append((f"{m.group(1)} of {m.group(2)}", (v - 0.005, v + 0.005),
                        m.group(0).strip()))
    prior = " " + " ".join(tokens(earlier)) + " " if earlier else ""
    for m in _PART_OF_THE.finditer(low) if prior else ():
        counted = re.findall(rf" {_COUNT} (?:[a-z'-]+ ){{0,3}}?{re.escape(m.group(2))} ", prior)
        part, whole = _count(m.group(1)), max((_count(c) for c in counted), default=0)
        if 0 < part < whole:
            v = part / whole
            out.append((f"{m.group(1)} of {whole:g}", (v - 0.005, v + 0.005),
                        m.group(0).strip()))
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent)\s+of\b", text.lower()):
        v = float(m.group(1)) / 100
        said = m.group(0).rsplit(" of", 1)[0]
        out.append((said, (v - 0.02, v + 0.02), said))
    if out:
        return out
    words = " " + " ".join(tokens(_SUPERLATIVE.sub(" ", text))) + " "
    for q in sorted(QUANTIFIERS, key=len, reverse=True):
        if f" {q} " in words and q not in ("no", "some"):
            return [(q, QUANTIFIERS[q], q)]
    return []


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")
# an acronym inside a sentence names a body or a substance ("PFAS", "ICE", "FEMA"); two
# letters ("US", "UK", "EU") are too often spelt out in the passage to ask for them
_ACRONYM = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z]{3,6}s?)\b(?![’'.]?[A-Z])")
# A sentence that opens with two or more capitalised words opens with a name ("Vellmoor
# County's wheat crop", "Harlow Bay remained"); one capitalised word there may be any word.
_OPENING_NAME = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:The\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)+"
    # one capitalised word that owns something opens with a name too ("Wexley's council")
    r"|(?!(?:Today|Yesterday|Tomorrow|Everyone|Everybody|Nobody|Somebody|Someone|One|It|"
    r"That|There|What|Who|Here|Let|He|She|This|Last|Next|Each)['’])[A-Z][a-z]+(?=['’]s\b))")


# Months and weekdays are capitalised but name no place, person or body; a passage dated
# "Aug. 14" is about the August wildfire without saying "August".
CALENDAR = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday"})


def names(text: str) -> set[str]:
    """Capitalised words inside a sentence (places, people, organisations), lower-cased.

    Sentence by sentence, datelines and headlines apart: in "TARROW, Jan. 9 — Tram
    ridership ...", "Tram" opens the sentence and is no name."""
    return {w for group in _name_groups(text) for w in group}


@lru_cache(maxsize=4096)
def _name_groups(text: str) -> frozenset[tuple[str, ...]]:
    """The names of ``text`` as word groups ("kilverdon regional hospital"); cached, since
    the checks ask for the names of one claim and one passage many times over."""
    found = []
    for sent in sentences(text):
        opening = list(_OPENING_NAME.finditer(sent))
        # "Textiles" of "Brannock Textiles blamed ..." is part of the opening name, not a
        # name of its own that a passage would have to mention
        found += [m for m in _NAME.finditer(sent)
                  if not any(o.start(1) <= m.start(1) < o.end(1) for o in opening)] + opening
        if not sent.isupper():  # "PFAS", "ICE" inside a sentence, not a headline in capitals
            found += list(_ACRONYM.finditer(sent))
    groups = (tuple(w.lower() for w in m.group(1).split()
                    if w.lower() not in STOP and w.lower() not in CALENDAR) for m in found)
    return frozenset(g for g in groups if g)


# Words of a name that say what kind of thing it is, not which one: "Kilverdon Regional
# Hospital" is named where "Kilverdon hospital" is.
GENERIC_NAME_WORDS = frozenset({
    "hospital", "school", "primary", "secondary", "high", "university", "college", "council",
    "county", "city", "town", "village", "regional", "general", "national", "provincial",
    "district", "central", "royal", "new", "north", "south", "east", "west", "upper",
    "lower", "great", "little", "saint", "st", "mount", "lake", "river", "port", "street",
    "road", "park", "centre", "center", "department", "office", "board", "trust", "company",
    "group", "union", "association", "court", "police", "service", "services"})


def _topic(text: str) -> set[str]:
    change = {_stem(w) for w in UP | DOWN | set(MULTIPLIERS)}
    return content(text) - {_stem(n) for n in names(text)} - change


# "a higher share of homicides were solved" is about a share, not about homicides.
QUALIFIERS = frozenset({"share", "proportion", "rate", "ratio", "percentage", "average",
                        "median", "per capita"})


def _families(words: set[str]) -> set[int]:
    """Which :data:`MEASURES` families these words belong to."""
    return {i for i, fam in enumerate(MEASURES) if any(w.startswith(fam) for w in words)}


def _measure_overlap(claim: str, sentence: str) -> int:
    # a name on either side is no measure ("Vellmoor County's wheat crop" against
    # "Vellmoor County ... lose population")
    proper = {_stem(n) for n in names(claim) | names(sentence)}
    a, b = _topic(claim) - proper, _topic(sentence) - proper
    if a & QUALIFIERS and not b & QUALIFIERS and not re.search(r"%|\bper ?cent", sentence):
        return 0  # a claimed rate needs a rate: "4.1%" is one
    return 2 * len(a & b) + len(_families(a) & _families(b))


def same_measure(claim: str, sentence: str) -> bool:
    """Whether a sentence counts what the claim counts: a shared word other than names and
    change verbs, or two words of one :data:`MEASURES` family ("crime" / "homicides"); a
    claim about a share or a rate needs one in the sentence too. Without it, "tram ridership
    rose 18%" would be compared with "homicides doubled"."""
    return _measure_overlap(claim, sentence) > 0


_CLAUSE = re.compile(r",?\s+(?:but|while|whereas|although|though)\s+|;\s+", re.I)


def best_clause(claim: str, sentence: str) -> str:
    """The clause of ``sentence`` about what the claim counts: "31 homicides, down from 36,
    but vehicle thefts rose by a fifth" holds two changes about two measures."""
    parts = [c for c in _CLAUSE.split(sentence) if c.strip()]
    if len(parts) < 2:
        return sentence
    scored = [(_measure_overlap(claim, c), -i, c) for i, c in enumerate(parts)]
    best = max(scored)
    return best[2] if best[0] > 0 else sentence


def missing_names(claim: str, passage: str) -> set[str]:
    """The claim's names (places, people, bodies) that the passage never mentions. A name is
    mentioned where a word of it that is not :data:`GENERIC_NAME_WORDS` is ("Kilverdon
    hospital" for "Kilverdon Regional Hospital"; "Regional Hospital" alone is not)."""
    where = passage.lower()
    missing: set[str] = set()
    for group in _name_groups(claim):
        telling = [w for w in group if w not in GENERIC_NAME_WORDS] or list(group)
        # a short name is a word of its own ("ice" is not in "police")
        if not any(re.search(rf"\b{re.escape(w)}\b", where) if len(w) <= 4 else w in where
                   for w in telling):
            missing |= set(group)
    return missing


def other_period(claim: str, passage: str, published: str | None = None) -> bool:
    """The claim is about years (2019, 2020) outside the years the passage names (and its
    publication year and the one before): the passage reports another period ("2021 …
    2024"), so it cannot settle "Riverton had fewer homicides in 2020 than in 2019" either
    way. A passage that names no year may be about any."""
    wanted, seen = years_in(claim), years_in(passage)
    if not wanted or not seen:  # a passage that names no year may be about any of them
        return False
    low, high = min(seen), max(seen)
    if re.search(rf"\b(?:since|from|after) {low}\b", passage):
        high = 9999  # "since 1980" runs to the present
    if published and published[:4].isdigit():
        high = max(high, int(published[:4]))
        low = min(low, int(published[:4]) - 1)
    return not any(low <= y <= high for y in wanted)


def off_topic(claim: str, passage: str) -> bool:
    """The passage shares none of the claim's topic words (names, years and change verbs
    aside; "homicides"/"homicide" and one :data:`MEASURES` family count as shared): a
    passage about population growth in the same city cannot support a claim about
    homicides there, however alike the two read to the model."""
    # a claim that opens with a one-word name ("Riverton is ...") names it where
    # :func:`names` cannot tell; the passage, naming it mid-sentence, can
    a = _topic(claim) - {_stem(n) for n in names(passage)}
    b = _topic(passage)
    if not a or {w[:5] for w in a} & {w[:5] for w in b}:
        return False
    return not _families(a) & _families(b)


def unmeasured(claim: str, passage: str) -> bool:
    """The claim states figures and the passage never names what they measure: none of the
    words beside them ("precept" of "the precept was set at £86,400", "staff" of "fourteen
    library staff"), nor their measure family. Such a passage cannot contradict the figure:
    the model reads a meeting's attendance list, or the reopening of a museum, as refuting
    "the fleet got a £5 million rescue package"."""
    near = {w for q in quantities(claim) if q.value is not None for w in q.near}
    if not near:
        return False
    # words of names do not count: "the Brackwater Hospice Trust" names no hospice payment
    words = content(passage) - {_stem(w) for w in names(passage)}
    return not ({w[:4] for w in near} & {w[:4] for w in words}
                or _families(near) & _families(words))


def _has_figure_like(sentence: str, claimed: list[Quantity], hint: tuple[int, ...]) -> bool:
    """The sentence states a change (of a size, where the claim states one) or a figure in a
    unit of the claim's figures."""
    units = {q.unit for q in claimed if q.unit}
    wants_change = any(q.direction for q in claimed)
    # a claimed size of change ("grew by 20%") needs a size, not only a direction
    # ("cargo rises", a headline)
    wants_size = any(q.direction and q.ratio for q in claimed)
    return any((wants_change and q.direction and (q.ratio or not wants_size))
               or (q.unit and q.unit in units) for q in quantities(sentence, hint))


def compare(claim: str, passage: str, related: bool = False, context: str = "",
            published: str | None = None) -> list[Finding]:
    """Findings between ``claim`` and ``passage`` (empty when the passage is about something
    else, or when the checks see nothing to compare).

    ``related``: the stance model judged the passage to be about the claim. Then figures are
    compared even when the wording differs ("crime tripled" / "homicides fell by a third"),
    taking the passage's sentence that states a change or a figure in the claim's unit;
    negation and predicate checks still need the close wording of :data:`MIN_SHARED`.
    """
    # A passage about another place or body says nothing about this one's figures.
    if missing_names(claim, context + " " + passage):
        return []
    hint: tuple[int, ...] = ()
    if published and published[:4].isdigit():
        hint = (int(published[:4]) - 1, int(published[:4]))
    plain = sentence_shares(claim, passage)  # without the context: the passage's own words
    early = [f for f in (attribution(claim, passage), superlative(claim, passage),
                         placing(claim, passage), both_deny(claim, passage),
                         event_date(claim, passage, plain), intention(claim, passage, plain))
             if f]
    shares = sentence_shares(claim, passage, context)
    sent, shared = best_sentence(claim, passage, context, shares)
    cq = quantities(claim)
    own = {_stem(n) for n in names(claim)}
    if (not sent or shared < MIN_SHARED) and related and cq:
        # the sentence with a change or a figure in the claim's unit that is most about
        # what the claim counts (not merely the first: "rents rose 9%" comes before "38% of
        # renting households spend more than half of their income on rent")
        candidates = [(not ({_stem(n) for n in names(s)} - own), _measure_overlap(claim, s), -i,
                       s)
                      for i, s in enumerate(sentences(passage) or [passage])
                      if _has_figure_like(s, cq, hint) and not _opens_with_other(s, own)]
        # a sentence that names someone or somewhere else comes after one that does not
        # ("Marrowdale's population grew ..." / "Thistlecombe, by contrast, lost 4%")
        candidates = [c for c in candidates if c[1] > 0]
        if not candidates:
            return early
        sent, shared = max(candidates)[3], 0.0
    elif not sent or shared < MIN_SHARED:
        # the attributed words, or who holds a superlative, may be read though the claim as a
        # whole is not close ("the mayor admitted her city was under siege" / "'Harlow Bay
        # is not under siege,' the mayor said")
        return early
    elif cq and not _has_figure_like(sent, cq, hint):
        # the claim's figure is read from the closest sentence that states one ("began a
        # 72-hour strike" rather than "80% of its members voted for the walkout")
        with_figure = [(sh, -i, s) for i, (sh, s) in enumerate(shares)
                       if sh >= MIN_SHARED and _has_figure_like(s, cq, hint)]
        if with_figure:
            shared, _, sent = max(with_figure)
    # "Crennick fell from seventh to twelfth place" in a report on Holtbury's rise says
    # nothing about Holtbury: such a sentence is not compared (the passage-wide checks of
    # denied figures and votes still run)
    claim_words = {_stem(w) for w in tokens(claim)}
    about = not (_opens_with_other(sent, claim_words)
                 and not own & {_stem(w) for w in tokens(sent)})
    out: list[Finding] = []
    clause = best_clause(claim, sent)
    period = _period_of(sent, passage)
    pq = quantities(clause, period or hint) if about and same_measure(claim, clause) else []
    if period:  # the years come from the passage itself, not from its date
        pq = [replace(q, years_from_date=False) for q in pq]
    # changes: direction, then size of the change
    c_change = next((q for q in cq if q.direction), None)
    p_change = next((q for q in pq if q.direction), None)
    if c_change and p_change and not _year_conflict(c_change, p_change) \
            and not ambiguous_direction(claim) and not ambiguous_direction(clause):
        if c_change.direction != p_change.direction:
            out.append(Finding("direction", "conflict",
                               f"claim: {_describe(c_change)}; passage: {_describe(p_change)}",
                               sent, p_change.years))
        elif c_change.ratio and p_change.ratio:
            c_r, p_r = c_change.ratio, p_change.ratio
            # within 15% of the larger change (25% where either is rough: "about a third" is
            # "36%"), so "6%" is not "4.5%"
            rough = "~" in (c_change.bound, p_change.bound)
            size = max(abs(c_r - 1), abs(p_r - 1))
            if abs(c_r - p_r) > (0.25 if rough else 0.15) * size + 0.002:
                out.append(Finding("quantity", "conflict",
                                   f"claim: {_describe(c_change)} (x{c_r:.2f}); passage: "
                                   f"{_describe(p_change)} (x{p_r:.2f})", sent,
                                   p_change.years))
            else:
                out.append(Finding("quantity", "agree", f"claim: {_describe(c_change)}; "
                                   f"passage: {_describe(p_change)}", sent, p_change.years))
    # absolute figures with the same unit: a claim's figure agrees when any comparable
    # figure of the sentence matches it ("voted 7 to 2": the 2 is not checked against the
    # 7; "42 million ... the state pledged 30 million": the 30 against the 30), and
    # conflicts only when none does
    for c in cq:
        if c.direction and c.value is None:
            continue
        comparable = [p for p in pq if not _year_conflict(c, p) and c.direction == p.direction
                      and _about_same(c, p)]
        if any(p.start == c.start for p in comparable):
            # the level it came to, or where the claim gives it, the level it came from
            comparable = [p for p in comparable if p.start == c.start]
        if c.unit == "day" and len(comparable) > 1:
            # a duration says nothing of what lasted: of "halted services for 11 days, after
            # the operator agreed to a pay rise over two years", the strike's is the one
            # nearest the claim's words
            comparable = [min(comparable, key=lambda p: _distance(sent, p.text, claim))]
        verdicts = [(v, p) for p in comparable if not p.denied
                    and (v := _value_conflict(c, p)) is not None]
        if verdicts:
            verdict, p = min(verdicts, key=lambda vp: vp[0])  # an agreement first
            out.append(Finding("quantity", "conflict" if verdict else "agree",
                               f"claim: {_describe(c)}; passage: {_describe(p)}", sent,
                               p.years))
    # a figure the passage says is wrong ("will in fact eliminate 13 posts, not 30"), in any
    # of its sentences: a correction may repeat the wrong figure before it
    denied = next(((c, p, s) for s in sentences(passage) for p in quantities(s, hint)
                   for c in cq if p.denied and _value_conflict(c, p) is False),
                  None) if cq else None
    if denied:
        c, p, s = denied
        out.append(Finding("quantity", "conflict", f"claim: {_describe(c)}; the passage says "
                           f"not {p.text}: \"{_clip(s)}\"", s))
    # a change "in real terms" is not confirmed by a figure in cash terms
    if _REAL.search(claim) and not _REAL.search(sent):
        out = [replace(f, relation="unconfirmed",
                       reason=f"{f.reason} — the claim says in real terms (after inflation); "
                              "the passage does not") if f.relation == "agree" else f
               for f in out]
    # negation: one side denies what the other asserts
    # (a negation inside someone's quoted words is theirs, not the report's: "Mbeki, who
    # voted against it, said families 'cannot absorb another bill'")
    said = _unquoted(sent) if not _QUOTED.search(claim) else sent
    # a negation in another clause is about something else: "half would support the charge,
    # while 12% had no opinion"
    if _REQUEST_CLAIM.search(claim):
        # "rejected the mayor's request for 250 troops" says the request was made
        said = _REJECTED_REQUEST.sub(" ", said)
    c_neg, p_neg = _negated(claim), _negated(best_clause(claim, said))
    cqf = next(iter(_quantifiers(claim)), None)
    # the group a claimed share counts, and the share's own words, are its subject
    subject = frozenset(_group(claim, cqf[2], 2) | content(cqf[2])) if cqf else frozenset()
    predicate = _predicate_share(claim, sent, subject)
    # a claimed proof or cause is not confirmed by a link or a possibility
    reported = _unquoted(sent)
    hedge = _HEDGED.search(reported)
    if about and hedge and _CERTAIN.search(claim) and not _CERTAIN.search(reported) \
            and predicate >= 0.5:
        out.append(Finding("certainty", "unconfirmed",
                           f"the claim says '{_CERTAIN.search(claim).group(0)}'; the passage "
                           f"says '{hedge.group(0)}': \"{_clip(sent)}\"", sent))
    if p_neg and not c_neg:
        # "rejected a proposal to raise taxes by 5%": the figure is the one the claim
        # states, but the sentence denies it happened, so it confirms nothing
        out = [f for f in out if f.relation != "agree"]
    # where only the claim denies, the passage must say the thing in its own words, not in
    # a quotation ("'we were dead on our feet, but nobody gave up,' the coach said")
    if about and c_neg != p_neg and shared >= max(MIN_SHARED, 0.6) and predicate >= 0.5 \
            and (p_neg or (_predicate_share(claim, said, subject) >= 0.5
                           # what the claim denies, the passage must assert ("never asked")
                           and _asserts(said, _denied_words(claim)))) \
            and not any(f.kind == "negation" for f in early):
        neg_side = "passage" if p_neg else "claim"
        cue = next(t for t in tokens(said if p_neg else claim)
                   if t in NEGATORS or t.endswith("n't"))
        out.append(Finding("negation", "conflict",
                           f"the {neg_side} negates it ('{cue}'): \"{_clip(sent)}\"", sent))
    # opposite predicates
    ct, pt = set(tokens(_phrased(claim))), set(tokens(_phrased(sent)))
    for w in sorted(ct) if about and shared >= MIN_SHARED else ():
        opp = {o for o in _OPP.get(w, set()) & pt if not _denied_word(_phrased(sent), o)}
        if opp and w not in pt:  # "did not approve" is no opposite of "rejected"
            out.append(Finding("predicate", "conflict",
                               f"claim says '{w}', passage says '{sorted(opp)[0]}'", sent))
            break
    # quantifiers as proportions, of the same group ("Lowmark voters" is not "Harlow Bay
    # residents")
    def share_in(s: str) -> Share | None:
        return next((q for q in _quantifiers(s, passage[:max(0, passage.find(s))])
                     if cqf and _same_group(claim, cqf[2], s, q[2])), None)

    # what the share is of is said in the claim's clause that states it ("sees more than
    # three quarters of its patients within four hours", not ", better than most")
    if cqf:
        part = next((c for c in re.split(r",\s+|;\s+", claim) if cqf[2] in c.lower()), claim)
        predicate = max(predicate, _predicate_share(part, sent, subject))
    pqf = share_in(sent) if about and predicate >= 0.5 else None
    if cqf and pqf is None:
        # the share may be stated in another sentence than the closest ("None of the 15
        # schools was rated failing. Five of the schools were rated outstanding.")
        found = next(((q, s, ps) for s in sentences(passage) if s != sent
                      and (ps := _predicate_share(claim, s, subject)) >= 0.5
                      and not _opens_with_other(s, claim_words) and (q := share_in(s))), None)
        if found:
            pqf, sent, predicate = found
            about = True
    if about and cqf and pqf and cqf[0] != pqf[0] and predicate >= 0.5:
        (cn, (clo, chi), _), (pn, (plo, phi), _) = cqf, pqf
        if phi < clo or plo > chi:
            out.append(Finding("quantifier", "conflict",
                               f"claim: '{cn}'; passage: '{pn}'", sent))
        elif clo <= plo and phi <= chi:
            out.append(Finding("quantifier", "agree", f"claim: '{cn}'; passage: '{pn}'",
                               sent))
    if not c_neg and not any(f.kind == "negation" for f in out):
        # a denial anywhere in the passage: "the company denied that the decision was linked
        # to a pay dispute" answers "blamed the pay dispute for closing the mill", though
        # the sentence that shares most words with the claim is another
        for s in sentences(passage):
            if (denial := _denied_claim(claim, s)):
                out.append(Finding("negation", "conflict", denial, s))
                break
    for s in sentences(passage):  # the voter may be named in another sentence than the best
        if (vote := _vote_conflict(claim, s)):
            out.append(Finding("predicate", "conflict", vote, s))
            break
    # roles reversed: "the Gulls beat the Rapids" / "the Rapids beat the Gulls"
    if about and (rev := reversed_roles(claim, sent)):
        out.append(Finding("predicate", "conflict", rev, sent))
    found = out + early
    # what was meant to happen says nothing of what did, in figures or in words: "would keep
    # the laboratory open" is no opposite of "closed"
    moot = {f.sentence for f in found if f.relation == "moot"}
    return _dedupe([f for f in found if f.relation == "moot" or f.sentence not in moot])


_SAME_PERIOD = re.compile(r"\b(?:over|in|during|for) the same (?:period|time|years?|months?)\b",
                          re.I)


_OWN_YEAR = re.compile(r"^[^\d;]{0,30}?\b(?:in|during|for|as of)\s+(?:(?:fiscal|calendar)\s+"
                       r"(?:year\s+)?)?((?:19|20)\d\d)\b")
_LAST_YEAR = re.compile(r"^[^\d;]{0,30}?\blast year\b")


def _own_years(text: str, after: int, hint: tuple[int, ...], stated: tuple[int, ...]
               ) -> tuple[int, ...]:
    """The year of one figure where its sentence names several: "41 homicides last year,
    down from 50 in 2023 and 57 in 2022" gives 41 the year before publication, 50 2023 and
    57 2022; a figure without a year of its own gets the sentence's years."""
    rest = text[after:after + 60]
    if (m := _OWN_YEAR.match(rest)) is not None:
        return (int(m.group(1)),)
    if hint and _LAST_YEAR.match(rest):
        return (hint[-1] - 1,)
    return stated


def _period_of(sentence: str, passage: str) -> tuple[int, ...]:
    """The years "over the same period" refers to: those of the nearest earlier sentence
    of the passage that states any ("homicides fell by a third in 2024 compared with 2021
    ... violent crime declined 9% over the same period"). Empty when the sentence states
    its own years or does not refer back."""
    if _YEAR.search(sentence) or not _SAME_PERIOD.search(sentence):
        return ()
    earlier: tuple[int, ...] = ()
    for s in sentences(passage):
        if s == sentence or sentence in s:
            return earlier
        if (years := tuple(sorted(years_in(s)))):
            earlier = years
    return ()


_QUOTED = re.compile(r"[\"“][^\"“”]{2,}(?:[\"”]|$)")  # unclosed at a sentence's end


def _unquoted(text: str) -> str:
    """``text`` without its quoted words."""
    return _QUOTED.sub(" ", text)


_REAL = re.compile(r"\breal[- ]terms?\b|\binflation[- ]adjusted\b|\badjusted for inflation\b|"
                   r"\bafter inflation\b", re.I)


# A claimed certainty, and the hedges of a report that stops short of it.
_CERTAIN = re.compile(r"\b(?:prov(?:e|es|ed|en)|causes?|caused|causing|confirm(?:s|ed)?)\b",
                      re.I)
_HEDGED = re.compile(r"\b(?:linked|associated|correlated|may|might|could|suggests?|"
                     r"possibly|(?<!more )(?<!less )likely)\b", re.I)


def quoted(finding: Finding) -> bool:
    """The passage's side of a finding is said only inside a quotation: someone's claim
    ("'We see more than three-quarters of patients within four hours,' he said"), not the
    report's own statement."""
    said = re.search(r"passage: '?([^';]+)'?$", finding.reason)
    if not said or not _QUOTED.search(finding.sentence):
        return False
    words = said.group(1).split(" (")[0].strip().lower()
    return words in finding.sentence.lower() and words not in _unquoted(finding.sentence).lower()


_VOTE = re.compile(r"\bvot(?:ed|es|e|ing)\s+(for|in favou?r of|against)\b", re.I)


# A denial and what it denies: "denied (reports|claims) that ...", "dismissed suggestions
# that ...", "there is no evidence that ...". The complement runs to the sentence's end.
_DENIAL = re.compile(
    r"\b(denied|denies|deny|denying|dismissed|rejected|refuted|disputed|no evidence)\b"
    r"(?:\s+(?:the\s+)?(?:claims?|reports?|suggestions?|allegations?|accusations?|"
    r"speculation|rumou?rs?))?\s+(?:that|of|it was|it had)\b\s*(.+)$", re.I)


def _denied_claim(claim: str, sentence: str) -> str | None:
    """The sentence denies what the claim asserts: a denial whose complement carries at least
    half of the claim's words other than names (and at least two of them), where the claim
    does not use the denial's own verb ("voters rejected the plan")."""
    m = _DENIAL.search(_unquoted(sentence))
    if not m or m.group(1).lower() in claim.lower():
        return None
    a = _topic(claim)
    shared = a & _topic(m.group(2))
    if len(shared) < 2 or len(shared) < 0.5 * len(a):
        return None
    return f"the passage denies it ('{m.group(1).lower()}'): \"{_clip(sentence)}\""


def _vote_conflict(claim: str, sentence: str) -> str | None:
    """"X voted for it" against a sentence in which X voted against it (or the other way
    round): X named just before the opposite vote ("Councillor Mbeki, who voted against the
    measure"), so another voter's "against" is not read as X's."""
    m = _VOTE.search(claim)
    if not m:
        return None
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]+", claim[:m.start()])
             if w.lower() not in STOP]
    if not words:
        return None
    who, side = words[-1].lower(), m.group(1).lower() == "against"
    for v in _VOTE.finditer(sentence):
        if (v.group(1).lower() == "against") != side and re.search(
                rf"\b{re.escape(who)}\b", sentence[max(0, v.start() - 40):v.start()].lower()):
            return (f"claim: {words[-1]} voted {m.group(1).lower()}; passage: "
                    f"\"{_clip(sentence[max(0, v.start() - 40):v.end() + 20].strip(), 90)}\"")
    return None


def _group(text: str, phrase: str, n: int = 1) -> set[str]:
    """The content words a quantifier applies to: "a third of Eastmere *residents*" (the
    first ``n``)."""
    low = " ".join(tokens(text))
    phrase = " ".join(tokens(phrase))  # "40%" reads as "40 %" in the token stream
    at = low.find(phrase)
    if at < 0 or not phrase:
        return set()
    after = [_POSSESSIVE.sub("", w) for w in low[at + len(phrase):].split()[:6]
             if w not in ("of", "the")]  # "county's" is "county", a name's word
    # a word of a name that the text also writes in lower case is a common noun there
    # ("Thistlecombe residents ... the Thistlecombe Residents' Forum")
    proper = {_stem(n) for n in names(text) if not re.search(rf"\b{re.escape(n)}\b", text)}
    head = [_stem(w) for w in after if w not in STOP and not w[0].isdigit() and len(w) > 2
            and _stem(w) not in proper]
    return set(head[:n])  # "voters" in "half of Calder Falls voters bothered to vote"


# Age groups: "over-65s", "aged over 65", "people 65 and over", "under-18s".
_AGES = re.compile(r"\b(over|under)[- ](\d+)s\b|\baged (over|under) (\d+)\b|"
                   r"\b(\d+) (?:and|or) (over|older|under|younger)\b", re.I)


def _ages(text: str) -> set[tuple[str, int]]:
    """The age groups a text names, as ("over", 65)."""
    out = set()
    for m in _AGES.finditer(text):
        side, n = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4)) \
            if m.group(3) else ({"older": "over", "younger": "under"}.get(
                m.group(6).lower(), m.group(6)), m.group(5))
        out.add((side.lower(), int(n)))
    return out


def _same_group(claim: str, cq: str, sent: str, pq: str) -> bool:
    # a share of an age group is compared only with a share of that age group: "a majority
    # of over-65s" is not "most residents", but is "44% of those aged over 65"
    at = claim.lower().find(cq.lower())
    ages = _ages(claim[at:]) if at >= 0 else set()
    if ages:
        return bool(ages & _ages(sent))
    a, b = _group(claim, cq), _group(sent, pq)
    if (the := _PART_OF_THE.fullmatch(f" {' '.join(tokens(pq))} ")):
        # "five of the schools": the schools are the group, whatever the words the claim puts
        # before the noun ("a third of Harlow Bay's public schools")
        a, b = _group(claim, cq, 3), {_stem(the.group(2))}
    if not a or not b:
        return True  # nothing to tell them apart by
    return bool(a & b or _families(a) & _families(b))


# Verbs whose two sides cannot be swapped without changing what happened.
ASYMMETRIC = frozenset({
    "beat", "beats", "defeated", "defeats", "overtook", "overtakes", "acquired", "acquires",
    "bought", "buys", "sued", "sues", "fired", "fires", "arrested", "attacked", "attacks",
    "invaded", "invades", "accused", "accuses", "endorsed", "endorses", "replaced",
    "replaces", "outvoted", "ousted", "succeeded", "succeeds", "hired", "hires", "paid",
    "pays", "owes", "owed", "funded", "funds", "blamed", "blames", "appointed", "appoints",
})
_NAMED = r"((?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+)"


def reversed_roles(claim: str, sentence: str) -> str | None:
    """A reason when the sentence has the claim's two named sides the other way round around
    the same asymmetric verb ("X beat Y" against "Y beat X"); otherwise ``None``."""
    def triples(text: str) -> set[tuple[str, str, str]]:
        out = set()
        for m in re.finditer(rf"{_NAMED}\s+(\w+)\s+(?:the\s+)?{_NAMED}", text):
            verb = m.group(2).lower()
            if verb in ASYMMETRIC:
                out.add((re.sub(r"^(?:The|A|An)\s+", "", m.group(1)), verb, m.group(3)))
        return out

    ours = triples(claim)
    for subj, verb, obj in triples(sentence):
        for c_subj, c_verb, c_obj in ours:
            if verb == c_verb and subj.lower().endswith(c_obj.lower()) \
                    and obj.lower().endswith(c_subj.lower()):
                return f"roles reversed: claim says {c_subj} {verb} {c_obj}; passage says " \
                       f"{subj} {verb} {obj}"
    return None


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        if (f.kind, f.reason) not in seen:
            seen.add((f.kind, f.reason))
            out.append(f)
    return out


def _clip(text: str, n: int = 140) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def summary(findings: list[Finding]) -> tuple[int, int]:
    """(conflicts, agreements)."""
    return (sum(f.relation == "conflict" for f in findings),
            sum(f.relation == "agree" for f in findings))
