"""A news document's metadata, each field with where it came from.

A date read wrongly is worse than none: verification filters evidence by date, and a
sidebar's "most read" date or a copyright year would put an article in the wrong week. So
every field is taken from the most authoritative place a page offers, in this order:

* **JSON-LD** (``NewsArticle`` and its kin, also inside ``@graph``): ``headline``,
  ``datePublished`` / ``dateModified``, ``author``, ``publisher``, ``url``, ``inLanguage``;
* **Open Graph / article:** meta (``og:title``, ``article:published_time``,
  ``og:site_name``, ``article:author`` ...), then Twitter cards;
* **microdata and Dublin Core** (``itemprop="datePublished"``, ``<time pubdate>``,
  ``DC.date``, ``DC.title``, ``author``, ``date``);
* the page's ``<title>`` (without its " | Site" suffix) and canonical link;
* a **dateline** at the head of the text ("RIVERTON, June 9, 2025 —").

Nothing else gives a date: no guessing from years mentioned in the text. Where nothing
gives one, the date is ``None`` and the document says so (``date_missing``). Each field's
provenance ("date: JSON-LD datePublished") travels with the document and is shown by
``rhetorica corpus show``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

from rhetorica.ingest.dates import normalise_date

FIELDS = ("title", "source", "author", "published", "updated", "url", "language")
NEWS_TYPES = frozenset({"newsarticle", "article", "reportagenewsarticle", "blogposting",
                        "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle",
                        "report", "liveblogposting", "webpage", "socialmediaposting"})
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# "RIVERTON, June 9, 2025 —", "MILLBROOK, Ore. (Wire) — March 3, 2024 —",
# "LONDON (Reuters), 4 March 2025 -": an upper-case place, optional state and agency, a date
# "HARWICK, April 15, 2025 (Valley Wire) —": the agency may follow the date too
DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.]{1,12})?(?:\s*\((?P<agency>[^)\n]{1,40})\))?"
    r"\s*[,—–-]{1,2}\s*(?P<date>" + _MONTH + r"\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+" + _MONTH
    + r"\s+\d{4})\s*(?:\((?P<agency_after>[^)\n]{1,40})\)\s*)?(?:[—–-]|,|\.)", re.M)
# The dateline that opens an article, with or without its date ("RIVERTON, Jan. 14 — ",
# "HARLOW BAY — ", "HARWICK (AP) — "): not a sentence of its own, and its place is no name
# in the first sentence nor a word the report repeats.
DATELINE_PREFIX = re.compile(r"^\s*[A-Z][A-Z.'’ -]{1,40}(?:\([^)\n]{1,40}\))?"
                             r"(?:,[^—–\n]{0,40})?\s*[—–]\s*")
# "HARWICK (AP) —": an agency without a date
AGENCY_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.]{1,12})?\s*\((?P<agency>[^)\n]{1,40})\)"
    r"\s*[—–-]", re.M)


@dataclass
class Metadata:
    """Field values and, per field, the place it was read from."""

    values: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)

    def offer(self, name: str, value: Any, where: str) -> None:
        """Keep ``value`` unless an earlier (more authoritative) place gave the field."""
        if name in self.values or value is None:
            return
        text = " ".join(str(value).split())
        if name in ("published", "updated"):
            text = normalise_date(text) or ""
        if text:
            self.values[name] = text
            self.provenance[name] = where

    def get(self, name: str) -> str | None:
        return self.values.get(name)


class _Head(HTMLParser):
    """Collects ``<meta>``, ``<link rel=canonical>``, ``<title>``, ``<html lang>``,
    ``<time>`` and JSON-LD blocks; everything else is ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []  # (key lower-cased, content)
        self.links: dict[str, str] = {}
        self.title = ""
        self.lang = ""
        self.times: list[tuple[dict[str, str], str]] = []
        self.ld: list[str] = []
        self._in: str | None = None
        self._buf: list[str] = []
        self._time_attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = a["lang"]
        elif tag == "meta":
            key = a.get("property") or a.get("name") or a.get("itemprop") or \
                a.get("http-equiv") or ""
            if key and "content" in a:
                self.meta.append((key.lower(), a["content"]))
        elif tag == "link" and "canonical" in a.get("rel", "").lower() and a.get("href"):
            self.links.setdefault("canonical", a["href"])
        elif tag == "title" and not self.title:
            self._in, self._buf = "title", []
        elif tag == "script" and "ld+json" in a.get("type", "").lower():
            self._in, self._buf = "ld", []
        elif tag == "time":
            self._in, self._buf, self._time_attrs = "time", [], a

    def handle_endtag(self, tag: str) -> None:
        if self._in == "title" and tag == "title":
            self.title = "".join(self._buf).strip()
        elif self._in == "ld" and tag == "script":
            self.ld.append("".join(self._buf))
        elif self._in == "time" and tag == "time":
            self.times.append((self._time_attrs, "".join(self._buf).strip()))
        else:
            return
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)


def parse_ld_json(raw: str) -> Any | None:
    """One ``<script type="application/ld+json">`` body, parsed; None when it is not valid
    JSON (news pages often carry broken markup for other types). HTML comment and CDATA
    wrappers are dropped first."""
    body = re.sub(r"^\s*(<!--|<!\[CDATA\[)|(-->|\]\]>)\s*$", "", raw.strip())
    try:
        return json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        return None


def _ld_nodes(blocks: list[str]) -> list[dict[str, Any]]:
    """Article-like JSON-LD nodes, in page order; broken blocks are skipped."""
    out: list[dict[str, Any]] = []

    def walk(obj: Any) -> None:
        if isinstance(obj, list):
            for x in obj:
                walk(x)
        elif isinstance(obj, dict):
            types = obj.get("@type")
            types = [types] if isinstance(types, str) else types or []
            if any(str(t).lower() in NEWS_TYPES for t in types):
                out.append(obj)
            if "@graph" in obj:
                walk(obj["@graph"])

    for raw in blocks:
        walk(parse_ld_json(raw))
    # a NewsArticle beats the WebPage that wraps it
    return sorted(out, key=lambda n: "webpage" in str(n.get("@type")).lower())


def _names(value: Any) -> str | None:
    """A person or organisation value of JSON-LD: a string, ``{"name": ...}`` or a list."""
    if isinstance(value, list):
        names = [n for n in (_names(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, str) and value.strip() and not value.startswith(("http://",
                                                                         "https://")):
        return value.strip()
    return None


def _url(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) \
        else None


def split_site_suffix(title: str) -> tuple[str, str | None]:
    """"Council passes budget | Riverton Ledger" -> (headline, site)."""
    m = re.match(r"^(.{8,}?)\s+(?:\||–|—|-|::|·)\s+([^|–—]{2,60})$", title)
    return (m.group(1).strip(), m.group(2).strip()) if m else (title, None)


def html_metadata(html: str) -> Metadata:
    """The metadata a page declares (see the module docstring for the order)."""
    head = _Head()
    try:
        head.feed(html)
        head.close()
    except Exception:
        pass
    md = Metadata()
    for node in _ld_nodes(head.ld):
        kind = str(node.get("@type"))
        md.offer("title", node.get("headline") or node.get("name"), f"JSON-LD {kind} headline")
        md.offer("published", node.get("datePublished"), "JSON-LD datePublished")
        md.offer("updated", node.get("dateModified"), "JSON-LD dateModified")
        md.offer("author", _names(node.get("author") or node.get("creator")), "JSON-LD author")
        md.offer("source", _names(node.get("publisher")), "JSON-LD publisher")
        md.offer("url", _url(node.get("url")) or _url(node.get("mainEntityOfPage")),
                 "JSON-LD url")
        md.offer("language", node.get("inLanguage"), "JSON-LD inLanguage")
    meta = head.meta
    order = [
        ("title", ("og:title", "twitter:title", "dc.title", "dcterms.title", "headline",
                   "sailthru.title", "parsely-title")),
        ("published", ("article:published_time", "og:published_time", "datepublished",
                       "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
                       "date", "pubdate", "publishdate", "publish-date", "sailthru.date",
                       "parsely-pub-date", "article.published")),
        ("updated", ("article:modified_time", "og:updated_time", "datemodified",
                     "dcterms.modified", "last-modified")),
        ("source", ("og:site_name", "application-name", "dc.publisher", "dcterms.publisher",
                    "publisher", "twitter:site")),
        ("author", ("article:author", "author", "dc.creator", "dcterms.creator",
                    "sailthru.author", "parsely-author", "byl")),
        ("url", ("og:url",)),
        ("language", ("og:locale", "content-language", "dc.language", "language")),
    ]
    for name, keys in order:
        for key in keys:
            for k, v in meta:
                if k == key:
                    value = v
                    if name == "author":
                        value = _names(v)  # article:author is often a profile URL
                        if value and value.lower().startswith("by "):
                            value = value[3:]
                    if name == "source" and key == "twitter:site":
                        value = v.lstrip("@") or None
                    md.offer(name, value, f"<meta {key}>")
    for attrs, text in head.times:
        if "pubdate" in attrs or attrs.get("itemprop", "").lower() == "datepublished":
            md.offer("published", attrs.get("datetime") or text, "<time pubdate>")
    headline, site = split_site_suffix(unescape(head.title)) if head.title else ("", None)
    md.offer("title", headline or None, "<title>")
    md.offer("source", site, "<title> suffix")
    md.offer("url", head.links.get("canonical"), "<link rel=canonical>")
    md.offer("language", head.lang or None, "<html lang>")
    if md.get("language"):
        md.values["language"] = md.values["language"].replace("_", "-").split("-")[0].lower()
    return md


def dateline_date(text: str, within: int = 600) -> str | None:
    """The date of a dateline at the head of the text ("RIVERTON, June 9, 2025 —")."""
    m = DATELINE.search(text[:within])
    return normalise_date(m.group("date")) if m else None


def first_line_title(text: str) -> str | None:
    """A plain text's first line when it reads as a headline: short, no closing full stop
    (a text that opens with a sentence has no title line)."""
    first = text.strip().split("\n", 1)[0].strip()
    if not first or len(first) > 160 or first.endswith((".", ",", ";", ":")) \
            or len(first.split()) < 2 or DATELINE.match(first):
        return None
    return first


# "By Clara Voss", "By Clara Voss | Staff writer", "BY SAMUEL BRANDT, Riverton Ledger"
BYLINE = re.compile(r"^[ \t*_]*by[ \t]+(?P<name>[A-Z][\w.'’-]+(?:[ \t]+(?:[A-Z][\w.'’-]+|de|van|"
                    r"von|der|la|and|&)){1,4})[ \t*_]*(?:$|[,|—–-])", re.M | re.I)


def byline(text: str, lines: int = 8) -> str | None:
    """The author a byline near the head of the text names."""
    head = "\n".join(text.strip().split("\n")[:lines])
    m = BYLINE.search(head)
    if not m:
        return None
    name = m.group("name").strip()
    return name.title() if name.isupper() else name


_DATE_LINE = re.compile(r"^(?:(?:published|updated|posted|dated)(?:\s+on)?:?\s+)?"
                        r"(?P<date>[A-Za-z0-9 ,./-]{6,40})$", re.I)
_OUTLET_LINE = re.compile(r"^(?:The\s+)?[A-Z][\w&.'’-]*"
                          r"(?:\s+(?:of\s+|the\s+)?[A-Z][\w&.'’-]*){0,5}$")
_NOT_OUTLETS = frozenset({"staff writer", "staff reporter", "correspondent", "associated",
                          "updated", "published", "breaking news", "analysis", "opinion"})


def head_date_and_outlet(text: str, lines: int = 6) -> tuple[str | None, str | None]:
    """A date standing on a line of its own at the head of a plain text ("January 15,
    2025", "Published March 3, 2024"), and an outlet's name on the line next to it
    ("Ashport Tribune"): how pages copied into a text file often open."""
    head = [ln.strip() for ln in text.strip().split("\n")[:lines] if ln.strip()]
    for i, line in enumerate(head):
        m = _DATE_LINE.match(line)
        if not m or not re.search(r"\b(?:19|20)\d\d\b", line):
            continue
        date = normalise_date(m.group("date"))
        if date is None:
            continue
        outlet = None
        for j in (i - 1, i + 1):
            if 0 < j < len(head) and _OUTLET_LINE.match(head[j]) and \
                    len(head[j].split()) <= 6 and head[j].lower() not in _NOT_OUTLETS \
                    and not DATELINE.match(head[j]):
                outlet = head[j]
                break
        return date, outlet
    return None, None


def complete(doc: Any, text_date: bool = True) -> None:
    """Fill a document's missing date, source and author from its dateline and byline, and
    record what is missing: ``extra["provenance"]`` per field, ``extra["date_missing"]``
    when no date was found."""
    prov = doc.extra.setdefault("provenance", {})
    m = DATELINE.search(doc.text[:600])
    if doc.published is None and text_date and m:
        found = normalise_date(m.group("date"))
        if found:
            doc.published = found
            prov["published"] = "dateline"
    agency = (m.group("agency") or m.group("agency_after")) if m else None
    if agency is None and (a := AGENCY_DATELINE.search(doc.text[:600])):
        agency = a.group("agency")
    if doc.source is None and agency:
        doc.source = agency.strip()
        prov["source"] = "dateline (agency)"
    if text_date and (doc.published is None or doc.source is None):
        date, outlet = head_date_and_outlet(doc.text)
        if doc.published is None and date:
            doc.published = date
            prov["published"] = "date line at the head"
        if doc.source is None and outlet and date:
            doc.source = outlet
            prov["source"] = "line beside the date"
    if doc.author is None:
        found = byline(doc.text)
        if found:
            doc.author = found
            prov["author"] = "byline"
    if not doc.extra.get("language") and looks_english(doc.text):
        doc.extra["language"] = "en"
        prov["language"] = "detected (English function words)"
    if doc.published is None:
        doc.extra["date_missing"] = True


# The commonest English function words: together a third or more of running English prose,
# a few per cent of French, German or Spanish text (which share only "a", "in", "on"...).
_ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "was", "on", "with", "as",
    "be", "by", "at", "this", "are", "from", "have", "an", "not", "but", "had", "his", "they",
    "were", "has", "their", "which", "or", "its", "been", "would", "who", "will", "more",
    "said", "than", "after", "over", "about", "into", "also", "he", "she", "we", "you", "our"
})
_WORDS = re.compile(r"[^\W\d_]+")


def looks_english(text: str, min_words: int = 30) -> bool:
    """A page that declares no language is English when its words say so plainly; other
    languages are left unstated (a ``--language fr`` filter needs the page's own word)."""
    words = _WORDS.findall(text[:5000].lower())
    if len(words) < min_words:
        return False
    ascii_share = sum(w.isascii() for w in words) / len(words)
    share = sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words)
    return ascii_share >= 0.9 and share >= 0.2
