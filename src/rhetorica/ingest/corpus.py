"""Readers for the evidence corpus: text, Markdown, HTML, PDF, JSON/JSONL and RSS/Atom files.

Every reader returns :class:`CorpusDocument` objects with the clean text plus what a citation
needs (title, source, author, published date, URL). Readers never touch the store, so a
caller can read *all* inputs first and abort before anything is written when one is bad:
that is what makes ``rhetorica corpus add`` transactional.

Published fact-checks (schema.org ClaimReview JSON-LD: one object, an array, ``@graph``, a
DataFeed, JSONL, or ``ld+json`` blocks in an HTML page) are recognised by their ``@type``
in the JSON/JSONL/HTML readers and become one document each, with ``extra["kind"] ==
"claimreview"`` and the rating (see :func:`doc_from_claimreview`).

Safety: XML is checked with defusedxml before feedparser sees it (entity declarations,
i.e. billion-laughs bombs and external entities, are refused); HTML boilerplate is removed
by trafilatura when it finds an article, else by a plain tag stripper that drops
``<script>``/``<style>``; every error is an :class:`InputError` naming the file (and line).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rhetorica.ingest.dates import normalise_date
from rhetorica.ingest.errors import InputError
from rhetorica.ingest.metadata import complete as complete_metadata
from rhetorica.ingest.metadata import first_line_title, html_metadata, parse_ld_json
from rhetorica.ingest.near_duplicates import Fingerprint, fingerprint
from rhetorica.ingest.passages import Passage, split_passages
from rhetorica.ingest.text import check_size, decode, front_matter

DEFAULT_MAX_FILE_BYTES = 50_000_000

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml", ".feed"}
SUPPORTED = sorted(TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES
                   | {".pdf", ".json", ".jsonl", ".ndjson"})

# JSON field names accepted for each attribute, first match wins.
_TEXT_KEYS = ("text", "content", "body", "article", "evidence", "summary")
_TITLE_KEYS = ("title", "headline", "article_title")
_SOURCE_KEYS = ("source", "publisher", "site", "sitename", "outlet")
_AUTHOR_KEYS = ("author", "authors", "byline", "speaker")
_DATE_KEYS = ("published", "date", "published_at", "pubdate", "datePublished", "created_at")
_URL_KEYS = ("url", "link", "source_url", "href")


@dataclass
class CorpusDocument:
    """One document of the evidence corpus, as read from a file (not yet stored)."""

    text: str
    origin: str
    title: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # (embedder name, one vector per passage) when a reading worker embedded the passages;
    # never stored as such: :class:`WorkerVectors` hands them to the store's embed step
    vectors: tuple[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        """Identity is the text alone: the same article from two feeds is one document."""
        return text_key(self.text)

    # Computed once, where the document is read: a reading worker process fills them in
    # (:func:`read_files`), so the process that stores documents only writes them.
    @cached_property
    def passages(self) -> list[Passage]:
        """The sentence windows that are indexed as evidence passages."""
        return split_passages(self.text)

    @cached_property
    def fingerprint(self) -> Fingerprint | None:
        """The MinHash signature that finds wire copies (None: too short to compare, or a
        published fact-check, which is never anybody's copy)."""
        return None if self.extra.get("kind") == "claimreview" else fingerprint(self.text)


def text_key(text: str) -> str:
    norm = " ".join(text.lower().split())
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()


# -- helpers ------------------------------------------------------------------------------
def clean_text(text: str) -> str:
    """Normalise whitespace inside lines and collapse runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [re.sub(r"[ \t\f\v]+", " ", ln).strip() for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _TagStripper(HTMLParser):
    """Fallback HTML-to-text: drops script/style/nav/etc., keeps block structure as newlines."""

    SKIP = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer",
                      "aside", "form", "button", "svg", "iframe", "head"})
    BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                       "section", "article", "blockquote", "pre", "ul", "ol", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        elif not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """(text, title) without any boilerplate-removal library: the safe fallback."""
    parser = _TagStripper()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    text = "\n\n".join(p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip())
    return text, parser.title


_INVISIBLE = re.compile(r"<(script|style|template|svg|noscript)\b.*?</\1\s*>|<[^>]*>",
                        flags=re.I | re.S)


def visible_text_bound(html: str) -> int:
    """An upper bound on the length of :func:`html_to_text`'s text: the page without its
    tags, scripts and styles (entities and whitespace not yet collapsed, so never less)."""
    return len(_INVISIBLE.sub("", html)) + 2 * html.count("<")


def _first(data: dict[str, Any], keys: Iterable[str]) -> Any:
    for k in keys:
        v = data.get(k)
        if v not in (None, "", []):
            if isinstance(v, list):
                return ", ".join(str(x.get("name", x)) if isinstance(x, dict) else str(x)
                                 for x in v)
            if isinstance(v, dict):
                return v.get("name") or v.get("text")
            return v
    return None


# -- readers ------------------------------------------------------------------------------
def read_plain(data: bytes, origin: str, encoding: str = "utf-8") -> list[CorpusDocument]:
    """A text file: its first line is the title when it reads as a headline, else none (a
    file name is not a title)."""
    text = clean_text(decode(data, origin, encoding))
    if not text:
        return []
    title = first_line_title(text)
    return [CorpusDocument(text, origin, title=title,
                           extra={"provenance": {"title": "first line"} if title else {}})]


def read_markdown(data: bytes, origin: str, encoding: str = "utf-8") -> list[CorpusDocument]:
    meta, raw = front_matter(decode(data, origin, encoding))
    title = meta.get("title")
    lines = []
    for line in raw.split("\n"):
        h = re.match(r"#{1,6}\s+(.*)", line)
        if h and title is None:
            title = h.group(1).strip()
        line = re.sub(r"^#{1,6}\s+|^\s*[-*+]\s+|^\s*>\s?", "", line)
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)",
                      lambda m: m.group(1) or m.group(2) or "", line)
        line = re.sub(r"(\*\*|__|`)", "", line)
        lines.append(line)
    text = clean_text("\n".join(lines))
    if not text:
        return []
    published = normalise_date(meta.get("date") or meta.get("published"))
    prov = {k: "front matter" for k, v in (("title", meta.get("title")),
                                           ("source", meta.get("source")),
                                           ("author", meta.get("author")),
                                           ("published", published), ("url", meta.get("url")))
            if v}
    if title and "title" not in prov:
        prov["title"] = "first heading"
    return [CorpusDocument(text, origin, title=title, source=meta.get("source"),
                           author=meta.get("author"), published=published,
                           url=meta.get("url"), extra={"provenance": prov})]


_LD_JSON = re.compile(r"<script\b[^>]*\btype\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>"
                      r"(.*?)</script\s*>", flags=re.I | re.S)


def claimreviews_in_html(html: str, origin: str) -> list[CorpusDocument]:
    """Published fact-checks in a page's ``<script type="application/ld+json">`` blocks.

    A block that is not valid JSON is skipped (news pages often carry broken markup for
    other types, and the page still reads as an article); a ClaimReview in a valid block is
    checked like any other (error names the file and the block's line).
    """
    if "claimreview" not in html.lower():
        return []
    out: list[CorpusDocument] = []
    for m in _LD_JSON.finditer(html):
        obj = parse_ld_json(m.group(1))
        if obj is None:
            continue
        line = html.count("\n", 0, m.start()) + 1
        for rec in obj if isinstance(obj, list) else [obj]:
            if is_claimreview(rec) or claimreview_nodes(rec):
                out.extend(_docs_from_record(rec, origin, line))
    return out


def read_html(data: bytes, origin: str, encoding: str = "utf-8") -> list[CorpusDocument]:
    """An article page: the text by trafilatura (or the plain stripper), the metadata from
    what the page declares (:func:`rhetorica.ingest.metadata.html_metadata`); trafilatura's
    own reading fills a field the page does not declare, except the date, which is never
    guessed."""
    html = decode(data, origin, encoding)
    fact_checks = claimreviews_in_html(html, origin)
    md = html_metadata(html)
    text = ""
    try:
        import trafilatura

        # trafilatura's own metadata only fills fields the page does not declare; when it
        # declares all four, reading them again is a millisecond a page for nothing
        wanted = any(md.get(k) is None for k in ("title", "author", "url", "source"))
        res = trafilatura.bare_extraction(
            html, with_metadata=wanted, include_comments=False, favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True})
        if res is not None:
            get = (lambda k: getattr(res, k, None)) if not isinstance(res, dict) else res.get
            # trafilatura writes one paragraph per line: make paragraphs explicit.
            text = re.sub(r"\n+", "\n\n", get("text") or "")
            md.offer("title", get("title"), "trafilatura")
            md.offer("author", get("author"), "trafilatura")
            md.offer("url", get("url"), "trafilatura")
            md.offer("source", get("sitename"), "trafilatura")
    except Exception:  # trafilatura missing or confused: fall back to the plain stripper
        text = ""
    # The plain stripper is the yardstick for "extraction dropped most of the page"; it is
    # run only when the page's visible text could be long enough for that (a bound cheaper
    # than the parse), or for the <title> when the page declares no other title.
    if len(text.strip()) < 0.2 * visible_text_bound(html) or md.get("title") is None:
        fallback_text, fallback_title = html_to_text(html)
        if len(text.strip()) < 0.2 * len(fallback_text.strip()):
            text = fallback_text  # extraction dropped most of a page with real content
        md.offer("title", fallback_title, "<title>")
    text = clean_text(text)
    if not text:
        return fact_checks
    extra: dict[str, Any] = {"provenance": md.provenance}
    for k in ("updated", "language"):
        if md.get(k):
            extra[k] = md.get(k)
    return [*fact_checks,
            CorpusDocument(text, origin, title=md.get("title"), source=md.get("source"),
                           author=md.get("author"), published=md.get("published"),
                           url=md.get("url"), extra=extra)]


class _TextCapReached(BaseException):
    """Stops pypdf mid-extraction. A BaseException on purpose: pypdf catches Exception
    around each form XObject it draws and would carry on with the next one."""


def too_much_text(origin: str, cap: int) -> InputError:
    return InputError(origin, f"has more than {cap:,} characters of text (a small PDF can draw "
                              "the same text thousands of times); split it, or raise "
                              "RHETORICA_MAX_DOCUMENT_CHARS")


def read_pdf(data: bytes, origin: str, encoding: str = "utf-8", *,
             max_chars: int | None = None) -> list[CorpusDocument]:
    """Text of every page. Extraction is counted as it goes and stops past ``max_chars``
    (default: RHETORICA_MAX_DOCUMENT_CHARS): a 1.5 kB PDF drawing one form 400 times would
    otherwise yield 80 million characters."""
    import io

    from rhetorica.config import max_document_chars

    cap = max_chars or max_document_chars()
    seen = 0

    def count(text: str, *_args: Any) -> None:
        nonlocal seen
        seen += len(text)
        if seen > cap:
            raise _TextCapReached

    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        pages = [(p.extract_text(visitor_text=count) or "") for p in reader.pages]
        info = reader.metadata or {}
    except _TextCapReached:
        raise too_much_text(origin, cap) from None
    except Exception as exc:
        raise InputError(origin, f"cannot read PDF: {type(exc).__name__}: {exc}") from None
    text = clean_text("\n\n".join(pages))
    if not text:
        raise InputError(origin, "PDF has no extractable text (scanned? run OCR first)")
    title, author = info.get("/Title") or None, info.get("/Author") or None
    published = normalise_date(info.get("/CreationDate"))
    prov = {k: f"PDF info {key}" for k, key, v in (("title", "/Title", title),
                                                   ("author", "/Author", author),
                                                   ("published", "/CreationDate", published))
            if v}
    return [CorpusDocument(text, origin, title=title, author=author, published=published,
                           extra={"pages": len(pages), "provenance": prov})]


# -- ClaimReview (published fact-checks) -----------------------------------------------------
def is_claimreview(rec: Any) -> bool:
    """A schema.org ClaimReview node: ``@type`` "ClaimReview" (a string or in a list)."""
    if not isinstance(rec, dict):
        return False
    kind = rec.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    # "schema:ClaimReview" and "https://schema.org/ClaimReview" are the same type.
    return any(isinstance(k, str) and re.split(r"[/:#]", k)[-1] == "ClaimReview"
               for k in kinds)


def claimreview_nodes(obj: Any) -> list[tuple[str, dict[str, Any]]] | None:
    """ClaimReview nodes nested in a JSON-LD container, with where each sits.

    Containers: ``{"@graph": [...]}`` and Google's ``DataFeed`` (``dataFeedElement[].item``).
    ``None`` when ``obj`` is no such container or holds no ClaimReview (other graph nodes,
    e.g. the WebPage or the Organization, are not evidence and are left out).
    """
    if not isinstance(obj, dict):
        return None
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(obj.get("@graph"), list):
        for i, node in enumerate(obj["@graph"]):
            if is_claimreview(node):
                found.append((f"@graph[{i}]", node))
    if isinstance(obj.get("dataFeedElement"), list):
        for i, el in enumerate(obj["dataFeedElement"]):
            items = el.get("item") if isinstance(el, dict) else None
            items = items if isinstance(items, list) else [items]
            for j, node in enumerate(items):
                if is_claimreview(node):
                    found.append((f"dataFeedElement[{i}].item[{j}]", node))
    return found or None


def _name(value: Any) -> str | None:
    """The name of a schema.org Person/Organization (a dict, a plain string or a list)."""
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) if names else None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _url_of(value: Any) -> str | None:
    """A URL from a string, a CreativeWork ``{"url": ...}`` or the first of a list."""
    if isinstance(value, list):
        return next((u for u in (_url_of(v) for v in value) if u), None)
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: Any) -> Any:
    """Rating values as numbers where they are numeric ("1" -> 1), else as given."""
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
        f = float(value)
        return int(f) if f.is_integer() else f
    return value if value not in ("", None) else None


def _text_of(value: Any) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def doc_from_claimreview(rec: dict[str, Any], origin: str, line: int | None = None,
                         where: str = "") -> CorpusDocument:
    """One published fact-check as a corpus document (see :func:`is_claimreview`).

    Required: ``claimReviewed``, ``reviewRating`` with ``alternateName`` or ``ratingValue``,
    ``url`` and ``author`` with a name; a missing one is an :class:`InputError` naming the
    file, the record (``origin`` ends in ``#index``; ``line`` for JSONL; ``where`` inside a
    container) and the field.
    """
    label = f"ClaimReview{' ' + where if where else ''}"

    def missing(field: str) -> InputError:
        return InputError(origin, f"{label} has no {field}", line=line)

    claim = _text_of(rec.get("claimReviewed"))
    if not claim:
        raise missing("claimReviewed")
    rating = rec.get("reviewRating")
    if isinstance(rating, list):
        rating = next((r for r in rating if isinstance(r, dict)), None)
    if not isinstance(rating, dict):
        raise missing("reviewRating")
    alt = _text_of(rating.get("alternateName"))
    value = _number(rating.get("ratingValue"))
    if alt is None and value is None:
        raise missing("reviewRating.alternateName or reviewRating.ratingValue")
    url = _url_of(rec.get("url"))
    if not url:
        raise missing("url")
    author = _name(rec.get("author"))
    if not author:
        raise missing("author name" if rec.get("author") else "author")
    item = rec.get("itemReviewed") if isinstance(rec.get("itemReviewed"), dict) else {}
    headline = _text_of(rec.get("headline")) or _text_of(rec.get("name"))
    explanation = _text_of(rating.get("ratingExplanation"))
    shown = alt or (f"{value}" + (f" of {rating['bestRating']}" if rating.get("bestRating")
                                  not in (None, "") else ""))
    # The claim and what the checker wrote about it, so retrieval finds it; the last line
    # names checker and rating, which also keeps two checks of one claim apart (a corpus
    # document's identity is its text).
    parts = [claim]
    parts += [t for t in (headline, explanation) if t and t != claim]
    parts.append(f"{author} rated this claim: {shown}.")
    text = clean_text("\n\n".join(dict.fromkeys(parts)))
    extra = {
        "kind": "claimreview",
        "claim_reviewed": claim,
        "rating": alt,
        "rating_value": value,
        "best_rating": _number(rating.get("bestRating")),
        "worst_rating": _number(rating.get("worstRating")),
        "publisher": _name(rec.get("publisher")) or author,
        "claimant": _name(item.get("author")),
        "claim_date": normalise_date(item.get("datePublished")),
        "claim_appearance": _url_of(item.get("firstAppearance"))
        or _url_of(item.get("appearance")),
    }
    at = (f"{origin}:{line}" if line is not None else origin) + (f"#{where}" if where else "")
    return CorpusDocument(
        text, at,
        title=headline or f"Fact-check: {claim}", source=author, author=None,
        published=normalise_date(rec.get("datePublished")), url=url, extra=extra)


def _docs_from_record(rec: Any, origin: str, line: int | None) -> list[CorpusDocument]:
    """The documents in one JSON value: a published fact-check (ClaimReview, or a JSON-LD
    container of them) or a generic record with a text field. JSON and JSONL both come here."""
    if not isinstance(rec, dict):
        raise InputError(origin, f"expected a JSON object, got {type(rec).__name__}", line=line)
    try:  # JSON can spell lone surrogates ("\ud800"): valid JSON, not storable text
        json.dumps(rec, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(origin, "contains an unpaired surrogate; that is not valid Unicode "
                         "text", line=line) from None
    if is_claimreview(rec):
        return [doc_from_claimreview(rec, origin, line)]
    nodes = claimreview_nodes(rec)
    if nodes:
        return [doc_from_claimreview(node, origin, line, where) for where, node in nodes]
    text = _first(rec, _TEXT_KEYS)
    if not isinstance(text, str):
        raise InputError(origin, f"record has no text field (one of {', '.join(_TEXT_KEYS)})",
                         line=line)
    text = clean_text(text)
    if not text:
        return []
    where = f"{origin}:{line}" if line is not None else origin
    known = set(_TEXT_KEYS + _TITLE_KEYS + _SOURCE_KEYS + _AUTHOR_KEYS + _DATE_KEYS + _URL_KEYS)
    extra = {k: v for k, v in rec.items() if k not in known and isinstance(v, (str, int, float))}
    if _is_export(rec):  # `corpus export` output: metadata, provenance and origin come back
        extra = {k: v for k, v in rec["meta"].items() if k not in ("id", "key", "group")}
        extra["provenance"] = dict(rec.get("provenance") or {})
        if rec.get("date_missing"):
            extra["date_missing"] = True
        where = str(rec.get("origin") or where)
    return [CorpusDocument(
        text, where,
        title=_str(_first(rec, _TITLE_KEYS)), source=_str(_first(rec, _SOURCE_KEYS)),
        author=_str(_first(rec, _AUTHOR_KEYS)), published=normalise_date(_first(rec, _DATE_KEYS)),
        url=_str(_first(rec, _URL_KEYS)), extra=extra)]


def _is_export(rec: dict[str, Any]) -> bool:
    """A line of ``rhetorica corpus export`` (a stored document with its passages)."""
    return isinstance(rec.get("meta"), dict) and isinstance(rec.get("passages"), list) \
        and isinstance(rec.get("key"), str)


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def read_json(data: bytes, origin: str, encoding: str = "utf-8") -> list[CorpusDocument]:
    text = decode(data, origin, encoding)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(origin, f"invalid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise InputError(origin, "JSON nested too deeply") from None
    if claimreview_nodes(obj):  # JSON-LD @graph or DataFeed of published fact-checks
        return _docs_from_record(obj, origin, None)
    if isinstance(obj, dict):
        for k in ("documents", "articles", "items", "data"):
            if isinstance(obj.get(k), list):
                obj = obj[k]
                break
        else:
            obj = [obj]
    if not isinstance(obj, list):
        raise InputError(origin, "expected a JSON object or array of objects")
    out = []
    for i, rec in enumerate(obj):
        out.extend(_docs_from_record(rec, f"{origin}#{i}", None))
    return out


def read_jsonl(data: bytes, origin: str, encoding: str = "utf-8") -> list[CorpusDocument]:
    out = []
    for n, line in enumerate(decode(data, origin, encoding).split("\n"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(origin, f"invalid JSON: {exc.msg}", line=n) from None
        except RecursionError:
            raise InputError(origin, "JSON nested too deeply", line=n) from None
        out.extend(_docs_from_record(rec, origin, n))
    return out


def check_xml_safe(data: bytes, origin: str) -> None:
    """Refuse entity declarations (billion laughs, XXE) before any XML parser expands them."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(origin, f"unsafe XML refused ({type(exc).__name__}): entity "
                         "declarations are not allowed in feeds") from None
    except ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        raise InputError(origin, f"malformed XML: {exc}", line=line) from None


def read_feed(data: bytes, origin: str, encoding: str = "utf-8") -> list[CorpusDocument]:
    return [doc for doc, _full in feed_items(data, origin) if doc.text]


def feed_items(data: bytes, origin: str) -> list[tuple[CorpusDocument, bool]]:
    """Every item of an RSS/Atom feed as ``(document, full)``, in feed order.

    ``full`` says the item carries its article (``content:encoded``, Atom ``content``)
    rather than only a summary: a fetched feed (:mod:`rhetorica.ingest.crawl`) reads the
    linked page of a summary-only item instead. A document's text may be empty (an item with
    a link and nothing else); :func:`read_feed` drops those."""
    check_xml_safe(data, origin)
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries and not parsed.get("feed"):
        raise InputError(origin, "not an RSS or Atom feed")
    feed_title = parsed.feed.get("title") or None
    out = []
    for i, entry in enumerate(parsed.entries):
        body = ""
        if entry.get("content"):
            body = " ".join(c.get("value", "") for c in entry.content)
        full = bool(body.strip())
        body = body or entry.get("summary", "") or entry.get("description", "")
        text = clean_text(html_to_text(body)[0] if "<" in body else body)
        # the date as written (local), before feedparser's UTC reading of it
        published = normalise_date(entry.get("published")) or normalise_date(
            entry.get("published_parsed") or entry.get("updated"))
        prov = {k: f"feed item {k}" for k, v in (("title", entry.get("title")),
                                                 ("author", entry.get("author")),
                                                 ("published", published),
                                                 ("url", entry.get("link"))) if v}
        prov["source"] = "feed title"
        out.append((CorpusDocument(
            text, f"{origin}#{entry.get('id') or i}", title=entry.get("title"),
            source=feed_title, author=entry.get("author"), published=published,
            url=entry.get("link"), extra={"provenance": prov}), full))
    return out


def _sniff(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        return "pdf"
    if suffix == ".json":
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    raise InputError(str(path), f"unsupported file type {suffix or '(none)'}; supported: "
                     f"{', '.join(SUPPORTED)}")


READERS = {"text": read_plain, "markdown": read_markdown, "html": read_html, "pdf": read_pdf,
           "json": read_json, "jsonl": read_jsonl, "feed": read_feed}


def read_corpus_file(path: str | Path, *, encoding: str = "utf-8",
                     max_bytes: int = DEFAULT_MAX_FILE_BYTES, fmt: str | None = None,
                     source: str | None = None, max_chars: int | None = None
                     ) -> list[CorpusDocument]:
    """Read one file into corpus documents; ``source`` fills in where the file names none.

    ``max_bytes`` bounds what is read, ``max_chars`` (default: RHETORICA_MAX_DOCUMENT_CHARS)
    the text of each document it yields: above either, InputError."""
    from rhetorica.config import max_document_chars

    cap = max_chars or max_document_chars()
    p = Path(path)
    origin = str(p)
    try:
        size = p.stat().st_size
        check_size(origin, size, max_bytes)
        # Bounded read: a device, FIFO or /proc file reports size 0 and may never end.
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
        check_size(origin, len(data), max_bytes)
    except FileNotFoundError:
        raise InputError(origin, "no such file") from None
    except IsADirectoryError:
        raise InputError(origin, "is a folder (pass its files, or the folder to `corpus add`)"
                         ) from None
    except PermissionError:
        raise InputError(origin, "permission denied") from None
    if not data.strip():
        raise InputError(origin, "empty file (no text to add)")
    return read_bytes(data, origin, fmt or _sniff(p, data), encoding=encoding, source=source,
                      max_chars=cap)


def read_bytes(data: bytes, origin: str, kind: str, *, encoding: str = "utf-8",
               source: str | None = None, max_chars: int | None = None
               ) -> list[CorpusDocument]:
    """Bytes already in memory (a file's, or an HTTP response's) read as ``kind`` (a key of
    :data:`READERS`), with the same checks and metadata completion as a file gets."""
    from rhetorica.config import max_document_chars

    cap = max_chars or max_document_chars()
    if kind not in READERS:
        raise InputError(origin, f"unknown format {kind!r}; choose one of {', '.join(READERS)}")
    docs = (read_pdf(data, origin, encoding, max_chars=cap) if kind == "pdf"
            else READERS[kind](data, origin, encoding))
    for d in docs:
        if len(d.text) > cap:
            raise too_much_text(d.origin or origin, cap)
        if d.extra.get("kind") != "claimreview":
            if source and not d.source:  # --source: the user's word for what the file omits
                d.source = source
                d.extra.setdefault("provenance", {})["source"] = "--source"
            complete_metadata(d)
    return docs


def expand_paths(inputs: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given; folders walked recursively for supported files, in sorted order."""
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED:
                    yield child
        else:
            yield p


PARALLEL_MIN_FILES = 64  # below this, starting worker processes costs more than it saves
FILES_PER_TASK = 8  # files sent to a worker at once: fewer round trips between processes


def _read_some(args: tuple[Sequence[Path], dict[str, Any], str | None]
               ) -> list[list[CorpusDocument]]:
    """A worker's read of a few files: the documents with their passages and fingerprint
    computed here, and with ``embedder`` their passage vectors (``vectors``, handed over by
    :class:`WorkerVectors`), spreading that work over the workers instead of the storing
    process."""
    paths, options, embedder = args
    out = [read_corpus_file(path, **options) for path in paths]
    docs = [d for batch in out for d in batch]
    for d in docs:
        d.passages  # noqa: B018 - fills the cached property, sent back with the document
        d.fingerprint  # noqa: B018
    if embedder and docs:
        from rhetorica.evidence.embed import get_embedder

        model = get_embedder(embedder)  # loaded once per worker process
        texts = [p.text for d in docs for p in d.passages]
        vecs = model.encode(texts) if texts else None
        k = 0
        for d in docs:
            n = len(d.passages)
            d.vectors = (model.name, vecs[k:k + n] if vecs is not None else None)
            k += n
    return out


class WorkerVectors:
    """The ``embed`` callback for a store fed by :func:`read_files` with an embedder: it
    answers with the vectors the reading workers computed, and computes only what they did
    not. Documents hand their vectors over as they pass (:meth:`take`); the store embeds
    every passage of the documents it has stored so far, so what is left unclaimed at each
    call belongs to passages it skipped (already indexed) and is dropped: memory stays
    bounded by one batch."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.name = model.name
        self._ready: dict[str, Any] = {}

    def take(self, doc: CorpusDocument) -> CorpusDocument:
        name, vecs = doc.vectors or (None, None)
        doc.vectors = None
        if name == self.name and vecs is not None:
            self._ready.update(zip((p.text for p in doc.passages), vecs, strict=True))
        return doc

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        missing = [t for t in texts if t not in self._ready]
        fresh = dict(zip(missing, self.model.encode(missing), strict=True)) if missing else {}
        out = np.stack([self._ready[t] if t in self._ready else fresh[t] for t in texts]) \
            if texts else self.model.encode([])
        self._ready.clear()
        return out


def read_files(files: Sequence[Path], workers: int = 1, embedder: str | None = None,
               **options: Any) -> Iterator[list[CorpusDocument]]:
    """The documents of each file, in file order, read by ``workers`` processes (HTML
    extraction is most of an ingest's time; the caller stores while the workers read),
    eight files to a task; with ``embedder`` the workers embed the passages as well (see
    :class:`WorkerVectors`). ``options`` go to :func:`read_corpus_file`; its
    :class:`InputError` is raised here, at the file that failed."""
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES:
        for f in files:
            yield read_corpus_file(f, **options)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        # a window of tasks in flight, not map() over all of them: memory then holds only
        # a few files' documents ahead of the consumer, however many files there are
        window = 4 * workers
        pending: list[Any] = []
        for k in range(0, len(files), FILES_PER_TASK):
            pending.append(pool.submit(_read_some, (files[k:k + FILES_PER_TASK], options,
                                                    embedder)))
            if len(pending) >= window:
                yield from pending.pop(0).result()
        for fut in pending:
            yield from fut.result()
