"""``rhetorica corpus add URL``: what a fetched response becomes, and what is stored.

:mod:`rhetorica.ingest.fetch` gets the bytes; this module decides what they are and files
them, one URL at a time:

* an **article page** (``text/html``) is read by :func:`~rhetorica.ingest.corpus.read_html`
  and a **PDF** by ``read_pdf``, exactly as a local file would be;
* an **RSS/Atom feed**: an item that carries its article (``content:encoded``, Atom
  ``content``) is a document as it stands; an item with only a summary and a link is
  represented by the linked page, fetched by the same rules, whose text and metadata win,
  the feed item filling what the page lacks (its date, author, title);
* a **sitemap** (``<urlset>``, or a ``<sitemapindex>`` of them): every listed page of the
  sitemap's own origin is fetched (the sitemap protocol allows no other);
* anything else (an image, a JSON API, a page with no text) is an error naming the URL and
  what it was.

Feeds and sitemaps fetch at most ``max_pages`` URLs each. Every URL has its own outcome:
**added**, **unchanged** (a 304 to the conditional request a re-run sends, or nothing new in
it), **robots** (robots.txt disallows it) or **failed** with a one-line reason; one failure
never stops the rest. A URL's response (compressed) and its documents are stored in ONE
transaction (:meth:`~rhetorica.store.corpus.CorpusStore.add_fetched`), so a URL that failed
leaves nothing behind and a re-run picks it up again; a feed or sitemap that answers 304 is
read again from its stored copy, so the pages it lists that failed last time are retried.
The stored response re-extracts offline: :func:`documents_from_stored`.
"""

from __future__ import annotations

import codecs
import hashlib
import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple
from urllib.parse import urljoin

import numpy as np

from rhetorica.config import ConfigError, max_document_chars
from rhetorica.ingest.corpus import (
    CorpusDocument,
    check_xml_safe,
    feed_items,
    read_bytes,
    too_much_text,
)
from rhetorica.ingest.errors import InputError
from rhetorica.ingest.fetch import (
    Fetcher,
    Response,
    RobotsDisallowed,
    check_url,
    origin_of,
)
from rhetorica.ingest.metadata import complete as complete_metadata
from rhetorica.store.corpus import CorpusStore, FetchRecord

DEFAULT_MAX_PAGES = 200

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
XML_TYPES = frozenset({"application/xml", "text/xml", "application/rss+xml",
                       "application/atom+xml", "application/rdf+xml", "application/feed+xml"})
FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
PAGE_KINDS = frozenset({"html", "pdf"})
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})",
                           re.I)


class Listed(NamedTuple):
    """A URL a feed or sitemap lists: what it must be, and the feed item it stands for."""

    url: str
    expect: frozenset[str]  # PAGE_KINDS, or {"sitemap"} in a sitemap index
    item: CorpusDocument | None = None


@dataclass
class UrlOutcome:
    """What became of one URL: ``outcome`` is added, unchanged, robots or failed."""

    url: str
    outcome: str = "failed"
    reason: str | None = None  # why it failed or was skipped; "not modified (HTTP 304)"
    via: str | None = None  # the feed or sitemap that listed it
    kind: str | None = None  # html, pdf, feed or sitemap
    final_url: str | None = None
    documents_added: int = 0
    documents_skipped: int = 0
    passages_added: int = 0
    passages_skipped: int = 0
    not_fetched: int = 0  # pages a feed or sitemap listed beyond --max-pages

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- what a response is ----------------------------------------------------------------------
def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _xml_root(data: bytes, url: str) -> Any:
    """The root element, parsed with defusedxml after :func:`check_xml_safe` refused
    entity declarations (billion laughs, external entities)."""
    from defusedxml.ElementTree import fromstring

    check_xml_safe(data, url)
    return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)


def classify(resp: Response) -> str:
    """html, pdf, feed or sitemap, by the Content-Type (XML by its root element; no type or
    ``application/octet-stream`` by the first bytes); anything else is an InputError naming
    the URL and the type."""
    mime, body = resp.mime, resp.body or b""
    if mime in ("", "application/octet-stream"):
        head = body[:512].lstrip().lower()
        if body.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith((b"<!doctype html", b"<html")):
            return "html"
        if head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<urlset",
                                                         b"<sitemapindex", b"<rdf")):
            mime = "application/xml"
    if mime in HTML_TYPES:
        return "html"
    if mime in PDF_TYPES:
        return "pdf"
    if mime in XML_TYPES or mime.endswith("+xml"):
        root = _local(_xml_root(body, resp.url).tag)
        if root in FEED_ROOTS:
            return "feed"
        if root in SITEMAP_ROOTS:
            return "sitemap"
        raise InputError(resp.url, f"XML document <{root}> is neither an RSS/Atom feed nor a "
                                   "sitemap; not added")
    raise InputError(resp.url, f"content type {mime or '(none)'} is not an article page, a "
                               "feed, a sitemap or a PDF; not added")


def _html_encoding(resp: Response) -> str | None:
    """The charset the server or the page's ``<meta>`` declares, if Python knows it."""
    declared = resp.charset
    if not declared:
        m = _META_CHARSET.search((resp.body or b"")[:4096])
        declared = m.group(1).decode("ascii") if m else None
    if declared:
        try:
            return codecs.lookup(declared).name
        except LookupError:
            return None
    return None


def page_documents(resp: Response, kind: str, *, source: str | None = None,
                   max_chars: int | None = None) -> list[CorpusDocument]:
    """The documents of an article page or PDF (ClaimReview blocks in a page included),
    with ``origin`` the URL asked for and ``url`` the page's canonical URL, else the URL it
    finally came from. InputError when there is no text."""
    data = resp.body or b""
    if kind == "pdf":
        docs = read_bytes(data, resp.url, "pdf", source=source, max_chars=max_chars)
    else:
        encoding = _html_encoding(resp)
        try:
            docs = read_bytes(data, resp.url, "html", encoding=encoding or "utf-8",
                              source=source, max_chars=max_chars)
        except InputError:
            if encoding:  # the page said what it is: believe the error
                raise
            # Undeclared and not UTF-8: what browsers assume for legacy pages.
            docs = read_bytes(data, resp.url, "html", encoding="cp1252", source=source,
                              max_chars=max_chars)
    if not any(d.text.strip() for d in docs):
        raise InputError(resp.url, f"{'PDF' if kind == 'pdf' else 'page'} has no text; "
                                   "not added")
    return docs


def _finish(docs: list[CorpusDocument], final_url: str,
            item: CorpusDocument | None = None) -> None:
    """Fill what the page lacks: from its feed item (``item``), then the URL."""
    for d in docs:
        if d.extra.get("kind") == "claimreview":
            continue
        prov = d.extra.setdefault("provenance", {})
        if item is not None:
            item_prov = item.extra.get("provenance", {})
            for name in ("title", "author", "published", "source"):
                if getattr(d, name) is None and getattr(item, name):
                    setattr(d, name, getattr(item, name))
                    prov[name] = item_prov.get(name, f"feed item {name}")
            if d.published:
                d.extra.pop("date_missing", None)
        if d.url:
            resolved = urljoin(final_url, d.url)
            d.url = resolved if origin_of(resolved)[0] in ("http", "https") else final_url
        else:
            d.url = final_url
            prov["url"] = "final URL"


def documents_from_stored(record: FetchRecord, raw: bytes, *, source: str | None = None
                          ) -> list[CorpusDocument]:
    """Re-extract a stored page or PDF response (:meth:`CorpusStore.fetch_raw`) with no
    network: the same documents the fetch gave (a feed's linked pages are their own
    records)."""
    resp = Response(url=record.url, final_url=record.final_url, status=record.status,
                    content_type=record.content_type, etag=record.etag,
                    last_modified=record.last_modified, body=raw,
                    fetched_at=record.fetched_at)
    if record.kind not in PAGE_KINDS:
        raise InputError(record.url, f"stored response is a {record.kind}, not a page")
    docs = page_documents(resp, record.kind, source=source)
    _finish(docs, record.final_url)
    return docs


def sitemap_urls(data: bytes, url: str) -> tuple[str, list[str]]:
    """(``urlset`` or ``sitemapindex``, the ``<loc>`` of each ``<url>``/``<sitemap>``)."""
    root = _xml_root(data, url)
    kind = _local(root.tag)
    locs = []
    for entry in root:
        if _local(entry.tag) in ("url", "sitemap"):
            for child in entry:
                if _local(child.tag) == "loc" and (child.text or "").strip():
                    locs.append(child.text.strip())
    return kind, locs


def _private_literal(host: str) -> bool:
    """``localhost`` or a literal loopback, private or link-local address (no DNS)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved


# -- the run -------------------------------------------------------------------------------------
class UrlIngest:
    """Fetch URLs into a corpus store, one outcome per URL (see the module docstring)."""

    def __init__(self, store: CorpusStore, fetcher: Fetcher,
                 embed: Callable[[list[str]], np.ndarray] | None, model: str, *,
                 max_pages: int = DEFAULT_MAX_PAGES, source: str | None = None,
                 max_chars: int | None = None,
                 on_fetch: Callable[[str], None] | None = None,
                 on_outcome: Callable[[UrlOutcome], None] | None = None) -> None:
        self.store = store
        self.fetcher = fetcher
        self.embed = embed
        self.model = model
        self.max_pages = max_pages
        self.source = source
        self.max_chars = max_chars
        self.on_fetch = on_fetch
        self.on_outcome = on_outcome
        self.outcomes: list[UrlOutcome] = []
        self._seen: set[str] = set()

    def add(self, urls: Iterable[str]) -> list[UrlOutcome]:
        """Every URL (and what its feeds and sitemaps list), in order. A store error stops
        the run (it is raised); everything stored before it stays stored."""
        for url in urls:
            self._visit(url, budget=[self.max_pages])
        return self.outcomes

    def _done(self, outcome: UrlOutcome) -> UrlOutcome:
        self.outcomes.append(outcome)
        if self.on_outcome:
            self.on_outcome(outcome)
        return outcome

    def _visit(self, url: str, *, budget: list[int], via: str | None = None,
               expect: frozenset[str] | None = None, item: CorpusDocument | None = None,
               depth: int = 0) -> None:
        """Fetch one URL and store what it holds; ``expect`` limits the kinds a listed URL
        may be (a feed's item must be a page), ``item`` is the feed item a page fills from."""
        outcome = UrlOutcome(url, via=via)
        try:
            url = outcome.url = check_url(url)
        except InputError as exc:
            outcome.reason = exc.message
            self._done(outcome)
            return
        if url in self._seen:
            return
        self._seen.add(url)
        try:
            prior = self.store.fetch_record(url)
            # Only a complete earlier fetch is asked about conditionally: when one of its
            # documents was removed since, the whole response is fetched (and stored) again.
            ask = prior if prior is not None and prior.documents_present else None
            if self.on_fetch:
                self.on_fetch(url)
            resp = self.fetcher.get(url, ask.etag if ask else None,
                                    ask.last_modified if ask else None)
            if ask is not None and resp.not_modified:
                listed = []
                if ask.kind in ("feed", "sitemap"):  # its stored copy lists what to visit
                    raw = self.store.fetch_raw(url) or b""
                    listed = self._read(ask.kind, raw, url, ask.final_url, depth)[1]
                outcome.outcome, outcome.reason = "unchanged", "not modified (HTTP 304)"
                outcome.kind, outcome.final_url = ask.kind, ask.final_url
                self._done(outcome)
                self._follow(listed, outcome, budget, depth)
                return
            kind, docs, listed = self._extract(resp, expect, item, depth)
        except RobotsDisallowed as exc:
            outcome.outcome, outcome.reason = "robots", exc.message
            self._done(outcome)
            return
        except InputError as exc:
            outcome.reason = exc.message
            self._done(outcome)
            return
        outcome.kind, outcome.final_url = kind, resp.final_url
        record = FetchRecord(url=url, final_url=resp.final_url, kind=kind, status=resp.status,
                             content_type=resp.content_type, etag=resp.etag,
                             last_modified=resp.last_modified, fetched_at=resp.fetched_at,
                             document_keys=list(dict.fromkeys(d.key for d in docs)),
                             raw=resp.body)
        report = self.store.add_fetched(record, docs, self.embed, self.model)
        outcome.documents_added, outcome.documents_skipped = (report.documents_added,
                                                              report.documents_skipped)
        outcome.passages_added, outcome.passages_skipped = (report.passages_added,
                                                            report.passages_skipped)
        # Unchanged: nothing new stored. A page whose text is all in the corpus already; a
        # feed or sitemap whose bytes are those stored last time (a server without 304).
        same = prior is not None and \
            prior.raw_sha256 == hashlib.sha256(resp.body or b"").hexdigest()
        if report.documents_added or not (docs or same):
            outcome.outcome = "added"
        else:
            outcome.outcome, outcome.reason = "unchanged", "already in the corpus"
        self._done(outcome)
        self._follow(listed, outcome, budget, depth)

    def _extract(self, resp: Response, expect: frozenset[str] | None,
                 item: CorpusDocument | None, depth: int
                 ) -> tuple[str, list[CorpusDocument], list[Listed]]:
        """(kind, documents to store with the response, URLs it lists to visit next)."""
        try:
            kind = classify(resp)
            if expect is not None and kind not in expect:
                wanted = "an article page or a PDF" if expect == PAGE_KINDS else "a sitemap"
                raise InputError(resp.url, f"is a {kind}, not {wanted}; not added")
            if kind in PAGE_KINDS:
                docs = page_documents(resp, kind, source=self.source, max_chars=self.max_chars)
                _finish(docs, resp.final_url, item)
                return kind, docs, []
            docs, listed = self._read(kind, resp.body or b"", resp.url, resp.final_url, depth)
            return kind, docs, listed
        except (InputError, ConfigError):
            raise
        except Exception as exc:  # a reader's own bug on odd input: this URL fails, not the run
            raise InputError(resp.url, f"cannot read it ({type(exc).__name__}: {exc})"
                             ) from None

    def _read(self, kind: str, data: bytes, url: str, final_url: str, depth: int
              ) -> tuple[list[CorpusDocument], list[Listed]]:
        """A feed's or sitemap's own documents, and the URLs it lists."""
        if kind == "feed":
            cap = self.max_chars or max_document_chars()
            docs: list[CorpusDocument] = []
            listed: list[Listed] = []
            for doc, full in feed_items(data, url):
                link = urljoin(final_url, doc.url) if doc.url else None
                if link and origin_of(link)[0] in ("http", "https"):
                    doc.url = link
                    if not full:  # a summary: the linked page is the document
                        listed.append(Listed(link, PAGE_KINDS, doc))
                        continue
                if not doc.text:
                    continue
                if len(doc.text) > cap:
                    raise too_much_text(doc.origin, cap)
                if self.source and not doc.source:
                    doc.source = self.source
                    doc.extra.setdefault("provenance", {})["source"] = "--source"
                complete_metadata(doc)
                docs.append(doc)
            return docs, listed
        sort, locs = sitemap_urls(data, url)
        if sort == "sitemapindex" and depth > 0:
            raise InputError(url, "a sitemap index inside a sitemap index; not followed")
        expect = frozenset({"sitemap"}) if sort == "sitemapindex" else PAGE_KINDS
        return [], [Listed(urljoin(final_url, loc), expect) for loc in locs]

    def _follow(self, listed: list[Listed], parent: UrlOutcome, budget: list[int],
                depth: int) -> None:
        """Visit what a feed or sitemap lists, within ``budget`` (shared with the sitemaps
        of an index). A sitemap may list only its own origin's URLs; a feed on a public
        host may not send us to a private address (localhost, 10.x, 169.254.x ...)."""
        home = origin_of(parent.final_url or parent.url)
        for link, expect, item in listed:
            if link in self._seen:
                continue
            where = origin_of(link)
            if parent.kind == "sitemap" and where != home:
                self._seen.add(link)
                self._done(UrlOutcome(link, reason=f"listed by sitemap {parent.url} but on "
                                      "another origin; not fetched (the sitemap protocol "
                                      "allows only its own)", via=parent.url))
                continue
            if _private_literal(where[1]) and not _private_literal(home[1]):
                self._seen.add(link)
                self._done(UrlOutcome(link, reason=f"listed by {parent.url} but a private "
                                      "address; not fetched", via=parent.url))
                continue
            if budget[0] <= 0:
                parent.not_fetched += 1
                continue
            budget[0] -= 1
            self._visit(link, budget=budget, via=parent.url, expect=expect, item=item,
                        depth=depth + 1)
