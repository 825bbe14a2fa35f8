"""`corpus add URL`: fetching politely and safely from a local HTTP server (127.0.0.1 only).

Each test starts its own server in a thread; routes are plain bytes or small handlers, and
every request is recorded so a test can assert what was (and was not) asked for. Fetches run
with no delay between requests and deadlines of a second or less.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from rhetorica.ingest.crawl import UrlIngest, documents_from_stored
from rhetorica.ingest.fetch import Fetcher, FetchOptions
from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

DIM = 8


def fake_embed(texts: list[str]) -> np.ndarray:
    """Deterministic unit vectors from a hash: no model needed to test fetching."""
    out = np.array([[b - 128 for b in hashlib.sha256(t.encode()).digest()[:DIM]]
                    for t in texts], dtype=np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


Handler = Callable[[BaseHTTPRequestHandler], None]


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (as every fetch does, keep-alive off) is no news


class Site:
    """A tiny web site on 127.0.0.1: ``routes[path]`` is (status, headers, body) or a
    handler; unknown paths (robots.txt included) answer 404. ``requests`` lists
    (path, headers) in arrival order."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes] | Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = site.routes.get(self.path)
                try:
                    if callable(route):
                        route(self)
                    else:
                        status, headers, body = route or (404, {"Content-Type": "text/plain"},
                                                          b"not found")
                        send(self, status, body, headers)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, html: str, **headers: str) -> None:
        self.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8", **headers},
                             html.encode("utf-8"))

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send(h: BaseHTTPRequestHandler, status: int, body: bytes = b"",
         headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


@pytest.fixture
def other_site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


@pytest.fixture
def store(tmp_path) -> Iterator[SQLiteCorpusStore]:
    st = SQLiteCorpusStore.open(str(tmp_path / "corpus.db"))
    yield st
    st.close()


def run(store: SQLiteCorpusStore, *urls: str, max_pages: int = 200, **options: Any
        ) -> dict[str, Any]:
    """Fetch ``urls`` into ``store``; the outcomes by URL."""
    opts = {"min_delay": 0.0, "timeout": 1.0, **options}
    with Fetcher(FetchOptions(**opts)) as fetcher:
        outcomes = UrlIngest(store, fetcher, fake_embed, "fake", max_pages=max_pages).add(urls)
    return {o.url: o for o in outcomes}


def doc_by_origin(store: SQLiteCorpusStore, origin: str) -> dict[str, Any]:
    rows = [r for r in store.list_documents(limit=500) if r["origin"] == origin]
    assert len(rows) == 1, (origin, [r["origin"] for r in store.list_documents(limit=500)])
    return store.document(rows[0]["id"])


def count(store: SQLiteCorpusStore, table: str) -> int:
    return int(store.store.query(f"SELECT count(*) FROM {table}")[0][0])


def article(title: str, body: str, head: str = "", site: str = " | Harbour Times") -> str:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    return (f"<!doctype html><html><head><title>{title}{site}</title>{head}</head>"
            f"<body><nav>Home | Subscribe</nav><article><h1>{title}</h1>{paras}</article>"
            "<footer>All rights reserved</footer></body></html>")


PORT_BODY = ("The Westport harbour authority said container traffic rose by 12 percent in "
             "2024, reaching 4.1 million containers for the first time.\nOfficials credited "
             "two new shipping routes that opened in the spring.")
BRIDGE_BODY = ("The Northgate bridge reopened on Monday after eight months of repairs to its "
               "cables.\nEngineers said the work finished two weeks ahead of schedule.")
BUDGET_BODY = ("The council approved the 2024 budget by seven votes to two on Tuesday "
               "evening.\nThe budget raises spending on parks by four percent.")
META = ('<meta property="og:title" content="Harbour traffic climbs">'
        '<meta property="article:published_time" content="2025-01-20T09:00:00Z">'
        '<meta name="author" content="Lena Ortiz">'
        '<meta property="og:site_name" content="Harbour Times">')


# -- pages ---------------------------------------------------------------------------------------

def test_page_is_fetched_with_its_metadata_and_a_polite_user_agent(site, store):
    site.page("/port", article("Harbour traffic climbs", PORT_BODY,
                               META + '<link rel="canonical" href="/news/port">'))
    url = site.url("/port")
    [o] = run(store, url).values()
    assert (o.outcome, o.kind, o.documents_added, o.reason) == ("added", "html", 1, None)
    doc = doc_by_origin(store, url)
    assert (doc["title"], doc["published"], doc["author"], doc["source"]) == (
        "Harbour traffic climbs", "2025-01-20", "Lena Ortiz", "Harbour Times")
    assert doc["url"] == site.url("/news/port")  # canonical, resolved against the page
    assert "container traffic rose by 12 percent" in doc["text"] and "Subscribe" not in doc["text"]
    ua = dict(site.requests)["/port"]["user-agent"]
    assert ua.startswith("Rhetorica/") and "0." in ua
    assert site.paths() == ["/robots.txt", "/port"]  # robots.txt asked first, once


def test_without_canonical_the_url_is_the_final_url_and_says_so(site, store):
    site.page("/b", article("Bridge reopens", BRIDGE_BODY))
    run(store, site.url("/b"))
    doc = doc_by_origin(store, site.url("/b"))
    assert doc["url"] == site.url("/b") and doc["provenance"]["url"] == "final URL"
    assert doc["date_missing"] and doc["published"] is None  # no date is guessed


def minimal_pdf(text: str, title: str) -> bytes:
    """A one-page PDF that draws ``text`` (no PDF library needed to write it)."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            f"<< /Title ({title}) >>".encode()]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return bytes(out)


def test_pdf_is_read_with_read_pdf_and_a_textless_one_fails(site, store):
    site.routes["/levy.pdf"] = (200, {"Content-Type": "application/pdf"},
                                minimal_pdf("The harbour levy passed by nine votes to four.",
                                            "Levy vote"))
    blank = minimal_pdf("", "Scan")
    site.routes["/scan"] = (200, {"Content-Type": "application/octet-stream"}, blank)
    out = run(store, site.url("/levy.pdf"), site.url("/scan"))
    assert (out[site.url("/levy.pdf")].outcome, out[site.url("/levy.pdf")].kind) == ("added",
                                                                                     "pdf")
    doc = doc_by_origin(store, site.url("/levy.pdf"))
    assert doc["text"] == "The harbour levy passed by nine votes to four."
    assert (doc["title"], doc["url"]) == ("Levy vote", site.url("/levy.pdf"))
    scan = out[site.url("/scan")]  # sniffed as a PDF by its first bytes
    assert scan.outcome == "failed" and "PDF has no extractable text" in scan.reason
    assert count(store, "corpus_fetches") == 1


def test_the_charset_comes_from_the_header_the_page_or_a_legacy_default(site, store):
    body = "Caf\u00e9 owners on the quay said the new ferry timetable halved their trade."
    html = article("Quay caf\u00e9s", body, site="")
    site.routes["/header"] = (200, {"Content-Type": "text/html; charset=iso-8859-1"},
                              html.replace("Quay", "Header").encode("latin-1"))
    site.routes["/meta"] = (200, {"Content-Type": "text/html"}, html.replace(
        "<head>", '<head><meta charset="windows-1252">').replace("Quay", "Meta")
        .encode("cp1252"))
    site.routes["/none"] = (200, {"Content-Type": "text/html"},
                            html.replace("Quay", "None").encode("cp1252"))
    out = run(store, site.url("/header"), site.url("/meta"), site.url("/none"))
    assert [o.outcome for o in out.values()] == ["added"] * 3, out
    for path in ("/header", "/meta", "/none"):
        assert "Caf\u00e9 owners" in doc_by_origin(store, site.url(path))["text"]


# -- feeds ---------------------------------------------------------------------------------------

def rss(base: str, items: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Coastal Ledger</title><link>{base}/</link>{items}</channel></rss>"
            ).encode()


def test_feed_summary_items_are_read_from_their_linked_pages(site, store):
    # no date, author or source on the page: the feed item fills them
    site.page("/bridge", article("Bridge reopens after repairs", BRIDGE_BODY, site=""))
    site.page("/budget", article("Budget passes", BUDGET_BODY,
                                 '<meta name="author" content="Page Author">'))
    items = (
        "<item><title>Bridge reopens</title><link>/bridge</link>"
        "<author>desk@ledger.example (Sam Reyes)</author>"
        "<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>"
        "<description>The Northgate bridge reopened.</description></item>"
        "<item><title>Budget vote</title><link>/budget</link>"
        "<author>desk@ledger.example (Feed Author)</author>"
        "<pubDate>Wed, 06 Mar 2024 09:00:00 GMT</pubDate>"
        "<description>Council approves budget.</description></item>"
        "<item><title>Ferry strike</title><link>/ferry</link>"
        "<pubDate>Thu, 07 Mar 2024 09:00:00 GMT</pubDate>"
        "<content:encoded><![CDATA[<p>Ferry crews walked out at dawn on Thursday over pay, "
        "stranding commuters on both sides of the sound.</p>]]></content:encoded></item>")
    site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                rss(site.base, items))
    feed = site.url("/feed.xml")
    out = run(store, feed)
    assert [o.outcome for o in out.values()] == ["added", "added", "added"]
    assert out[feed].kind == "feed" and out[feed].documents_added == 1  # the full item
    assert out[site.url("/bridge")].via == feed
    assert "/ferry" not in site.paths()  # a full-content item needs no page
    bridge = doc_by_origin(store, site.url("/bridge"))
    assert "eight months of repairs" in bridge["text"]  # the page's text, not the summary
    assert bridge["title"] == "Bridge reopens after repairs"  # the page's own title wins
    assert (bridge["published"], bridge["provenance"]["published"]) == ("2024-03-05",
                                                                        "feed item published")
    assert not bridge["date_missing"] and bridge["source"] == "Coastal Ledger"
    assert "Sam Reyes" in bridge["author"]  # filled from the feed item
    budget = doc_by_origin(store, site.url("/budget"))
    assert budget["author"] == "Page Author"  # the page wins over the feed item
    ferry = [r for r in store.list_documents() if r["title"] == "Ferry strike"]
    assert ferry and ferry[0]["url"] == site.url("/ferry")  # relative link resolved


def test_a_feed_that_answers_304_is_reread_from_its_stored_copy_and_retries_failures(
        site, store):
    site.page("/a", article("Bridge reopens", BRIDGE_BODY))
    items = ("<item><title>A</title><link>/a</link><description>s</description></item>"
             "<item><title>B</title><link>/b</link><description>s</description></item>")

    def feed(h):
        if h.headers.get("If-None-Match") == '"f1"':
            send(h, 304, headers={"ETag": '"f1"'})
        else:
            send(h, 200, rss(site.base, items), {"Content-Type": "application/rss+xml",
                                                 "ETag": '"f1"'})

    site.routes["/feed"] = feed
    first = run(store, site.url("/feed"))
    assert first[site.url("/b")].outcome == "failed" and "HTTP 404" in first[site.url("/b")].reason
    site.page("/b", article("Budget passes", BUDGET_BODY))  # the page is up now
    second = run(store, site.url("/feed"))
    assert second[site.url("/feed")].outcome == "unchanged"
    assert second[site.url("/feed")].reason == "not modified (HTTP 304)"
    assert second[site.url("/b")].outcome == "added"
    assert (second[site.url("/a")].outcome, second[site.url("/a")].reason) == (
        "unchanged", "already in the corpus")  # this server sends no validators: a 200
    assert count(store, "corpus_documents") == 2


# -- sitemaps ------------------------------------------------------------------------------------

def urlset(*locs: str) -> bytes:
    body = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{body}</urlset>').encode()


def test_sitemap_pages_are_fetched_within_its_origin_and_max_pages(site, other_site, store):
    site.page("/a", article("Harbour traffic climbs", PORT_BODY))
    site.page("/b", article("Bridge reopens", BRIDGE_BODY))
    site.page("/c", article("Budget passes", BUDGET_BODY))
    other_site.page("/x", article("Elsewhere", BUDGET_BODY))
    site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"},
                                   urlset(site.url("/a"), "/b", other_site.url("/x"),
                                          site.url("/c")))
    out = run(store, site.url("/sitemap.xml"), max_pages=2)
    smap = out[site.url("/sitemap.xml")]
    assert (smap.kind, smap.outcome) == ("sitemap", "added")
    assert out[site.url("/a")].outcome == out[site.url("/b")].outcome == "added"
    assert out[other_site.url("/x")].outcome == "failed"
    assert "another origin" in out[other_site.url("/x")].reason
    assert other_site.requests == []  # never asked
    assert site.url("/c") not in out and smap.not_fetched == 1  # --max-pages 2
    assert count(store, "corpus_documents") == 2


def test_sitemap_index_lists_sitemaps(site, store):
    site.page("/a", article("Harbour traffic climbs", PORT_BODY))
    site.routes["/one.xml"] = (200, {"Content-Type": "text/xml"}, urlset(site.url("/a")))
    site.routes["/index.xml"] = (200, {"Content-Type": "application/xml"}, (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/one.xml')}</loc></sitemap></sitemapindex>").encode())
    out = run(store, site.url("/index.xml"))
    assert [(o.kind, o.outcome) for o in out.values()] == [
        ("sitemap", "added"), ("sitemap", "added"), ("html", "added")]


# -- conditional requests ------------------------------------------------------------------------

def test_rerun_sends_the_stored_validators_and_a_304_stores_nothing(site, store):
    seen: list[tuple[str | None, str | None]] = []
    html = article("Harbour traffic climbs", PORT_BODY, META).encode()

    def page(h):
        inm, ims = h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")
        seen.append((inm, ims))
        if inm == '"v1"' and ims == "Mon, 20 Jan 2025 09:00:00 GMT":
            send(h, 304, headers={"ETag": '"v1"'})
        else:
            send(h, 200, html, {"Content-Type": "text/html", "ETag": '"v1"',
                                "Last-Modified": "Mon, 20 Jan 2025 09:00:00 GMT"})

    site.routes["/p"] = page
    assert run(store, site.url("/p"))[site.url("/p")].outcome == "added"
    gen = store.generation()
    again = run(store, site.url("/p"))[site.url("/p")]
    assert seen == [(None, None), ('"v1"', "Mon, 20 Jan 2025 09:00:00 GMT")]
    assert (again.outcome, again.reason, again.documents_added) == (
        "unchanged", "not modified (HTTP 304)", 0)
    assert store.generation() == gen and count(store, "corpus_documents") == 1
    rec = store.fetch_record(site.url("/p"))
    assert (rec.etag, rec.last_modified, rec.status) == (
        '"v1"', "Mon, 20 Jan 2025 09:00:00 GMT", 200)


def test_a_removed_document_is_fetched_again_unconditionally(site, store):
    site.routes["/p"] = lambda h: send(
        h, 304 if h.headers.get("If-None-Match") else 200,
        b"" if h.headers.get("If-None-Match") else article("Bridge", BRIDGE_BODY).encode(),
        {"Content-Type": "text/html", "ETag": '"e"'})
    run(store, site.url("/p"))
    store.remove([store.list_documents()[0]["id"]])
    assert not store.fetch_record(site.url("/p")).documents_present
    assert run(store, site.url("/p"))[site.url("/p")].outcome == "added"
    assert "if-none-match" not in site.requests[-1][1]


# -- robots.txt ----------------------------------------------------------------------------------

def test_robots_disallow_is_honoured_read_once_and_overridable(site, store):
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"},
                                  b"User-agent: *\nDisallow: /private\n")
    site.page("/private/a", article("Secret", PORT_BODY))
    site.page("/public", article("Bridge reopens", BRIDGE_BODY))
    out = run(store, site.url("/private/a"), site.url("/public"))
    assert out[site.url("/private/a")].outcome == "robots"
    assert "robots.txt disallows it" in out[site.url("/private/a")].reason
    assert out[site.url("/public")].outcome == "added"
    assert site.paths() == ["/robots.txt", "/public"]  # robots once, the private page never
    assert count(store, "corpus_fetches") == 1
    forced = run(store, site.url("/private/a"), respect_robots=False)
    assert forced[site.url("/private/a")].outcome == "added"


def test_robots_group_for_rhetorica_applies(site, store):
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"},
                                  b"User-agent: Rhetorica\nDisallow: /\n\nUser-agent: *\n"
                                  b"Allow: /\n")
    site.page("/a", article("Bridge reopens", BRIDGE_BODY))
    assert run(store, site.url("/a"))[site.url("/a")].outcome == "robots"


def test_robots_5xx_disallows_and_404_allows(site, other_site, store):
    site.routes["/robots.txt"] = (503, {"Content-Type": "text/plain"}, b"down")
    site.page("/a", article("Bridge reopens", BRIDGE_BODY))
    other_site.page("/b", article("Budget passes", BUDGET_BODY))  # robots.txt: 404
    out = run(store, site.url("/a"), other_site.url("/b"))
    assert out[site.url("/a")].outcome == "robots"
    assert "HTTP 503" in out[site.url("/a")].reason and "RFC 9309" in out[site.url("/a")].reason
    assert out[other_site.url("/b")].outcome == "added"


# -- politeness: a minimum delay per host --------------------------------------------------------

def test_requests_to_one_host_wait_the_delay_and_crawl_delay_raises_it(site, other_site):
    site.page("/a", "<p>a</p>")
    site.page("/b", "<p>b</p>")
    other_site.routes["/robots.txt"] = (200, {}, b"User-agent: *\nCrawl-delay: 7\n")
    other_site.page("/c", "<p>c</p>")
    slept: list[float] = []
    with Fetcher(FetchOptions(min_delay=5.0, timeout=1.0), sleep=slept.append) as fetcher:
        fetcher.get(site.url("/a"))  # robots.txt, then /a: one wait between them
        fetcher.get(site.url("/b"))
        # another host name: its own clock, and its robots.txt's delay
        fetcher.get(other_site.url("/c").replace("127.0.0.1", "localhost"))
    assert len(slept) == 3 and all(3.0 < s <= 5.0 for s in slept[:2])
    assert 5.0 < slept[2] <= 7.0


# -- redirects -----------------------------------------------------------------------------------

def test_same_origin_redirect_is_followed(site, store):
    site.routes["/old"] = (301, {"Location": "/new"}, b"")
    site.page("/new", article("Bridge reopens", BRIDGE_BODY))
    [o] = run(store, site.url("/old")).values()
    assert (o.outcome, o.final_url) == ("added", site.url("/new"))
    doc = doc_by_origin(store, site.url("/old"))  # the origin is the URL asked for
    assert doc["url"] == site.url("/new")
    assert store.fetch_record(site.url("/old")).final_url == site.url("/new")


@pytest.mark.parametrize("target", ["other-port", "other-host", "ftp"])
def test_redirect_to_another_origin_or_scheme_is_refused(site, other_site, store, target):
    location = {"other-port": other_site.url("/x"), "other-host": "http://localhost:1/x",
                "ftp": "ftp://127.0.0.1/x"}[target]
    site.routes["/go"] = (302, {"Location": location}, b"")
    other_site.page("/x", article("Elsewhere", BRIDGE_BODY))
    [o] = run(store, site.url("/go")).values()
    assert o.outcome == "failed" and location in o.reason
    assert "not followed" in o.reason or "not fetched" in o.reason
    assert other_site.requests == []
    assert count(store, "corpus_fetches") == count(store, "corpus_documents") == 0


def test_a_public_feed_may_not_send_us_to_a_private_address(store):
    from rhetorica.ingest.crawl import PAGE_KINDS, Listed, UrlOutcome

    feed = UrlOutcome("https://news.example/feed", kind="feed",
                      final_url="https://news.example/feed")
    with Fetcher(FetchOptions(min_delay=0.0, timeout=0.5)) as fetcher:
        ingest = UrlIngest(store, fetcher, fake_embed, "fake")
        ingest._follow([Listed("http://169.254.169.254/latest/meta-data", PAGE_KINDS),
                        Listed("http://localhost:8080/admin", PAGE_KINDS)], feed, [10], 0)
    assert [(o.outcome, o.via) for o in ingest.outcomes] == [("failed", feed.url)] * 2
    assert all("private address; not fetched" in o.reason for o in ingest.outcomes)


def test_redirect_loop_stops(site, store):
    site.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    [o] = run(store, site.url("/loop")).values()
    assert o.outcome == "failed" and "too many redirects" in o.reason


# -- bad responses -------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [404, 500])
def test_http_errors_fail_and_store_nothing(site, store, status):
    site.routes["/x"] = (status, {"Content-Type": "text/html"}, b"<p>error page text</p>")
    [o] = run(store, site.url("/x")).values()
    assert o.outcome == "failed" and o.reason.startswith(f"HTTP {status}")
    assert count(store, "corpus_fetches") == count(store, "corpus_documents") == 0


def test_a_slow_trickle_is_cut_off_at_the_deadline(site, store):
    def trickle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        for _ in range(100):  # a byte every 50 ms: each read is quick, the whole is not
            h.wfile.write(b"<")
            h.wfile.flush()
            time.sleep(0.05)

    site.routes["/slow"] = trickle
    start = time.monotonic()
    [o] = run(store, site.url("/slow"), timeout=0.5).values()
    assert time.monotonic() - start < 1.5
    assert o.outcome == "failed" and "took longer than 0.5 s" in o.reason


def test_slow_headers_are_cut_off_at_the_deadline(site, store):
    def stall(h):
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(40):
            h.wfile.write(b"X-Slow: 1\r\n")
            h.wfile.flush()
            time.sleep(0.05)

    site.routes["/stall"] = stall
    start = time.monotonic()
    [o] = run(store, site.url("/stall"), timeout=0.5).values()
    assert time.monotonic() - start < 1.5 and "took longer than" in o.reason


def test_an_oversized_body_is_refused(site, store):
    big = article("Big", PORT_BODY * 50).encode()
    site.routes["/big"] = (200, {"Content-Type": "text/html"}, big)

    def chunked(h):  # no Content-Length: cut off while reading
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for _ in range(20):
            h.wfile.write(b"400\r\n" + b"a" * 1024 + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")

    site.routes["/chunked"] = chunked
    bomb = gzip.compress(b"<html>" + b" " * 5_000_000)
    site.routes["/bomb"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                            bomb)
    out = run(store, site.url("/big"), site.url("/chunked"), site.url("/bomb"), max_bytes=4096)
    assert "not read" in out[site.url("/big")].reason
    assert "above the 4,096 byte limit" in out[site.url("/chunked")].reason
    assert "above the 4,096 byte limit" in out[site.url("/bomb")].reason
    assert count(store, "corpus_fetches") == 0


def test_gzip_content_encoding_is_decoded(site, store):
    html = article("Bridge reopens", BRIDGE_BODY).encode()
    site.routes["/z"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                         gzip.compress(html))
    assert run(store, site.url("/z"))[site.url("/z")].outcome == "added"
    assert store.fetch_raw(site.url("/z")) == html  # the body as the page is, decoded


@pytest.mark.parametrize("ctype,body,expect", [
    ("image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "content type image/png"),
    ("application/json", b'{"items": []}', "content type application/json"),
    ("application/xml", b"<?xml version='1.0'?><catalog/>", "<catalog> is neither"),
])
def test_other_content_types_are_refused_naming_the_type(site, store, ctype, body, expect):
    site.routes["/x"] = (200, {"Content-Type": ctype}, body)
    [o] = run(store, site.url("/x")).values()
    assert o.outcome == "failed" and expect in o.reason
    assert count(store, "corpus_fetches") == 0


def test_a_page_with_no_text_fails(site, store):
    site.page("/empty", "<html><head><title>x</title><script>var a = 1;</script></head>"
                        "<body><script>document.write('hi')</script><img src=a.png></body>"
                        "</html>")
    [o] = run(store, site.url("/empty")).values()
    assert o.outcome == "failed" and "has no text" in o.reason


def test_broken_json_ld_keeps_the_page_but_a_bad_claimreview_fails_it(site, store):
    site.page("/broken", article("Bridge reopens", BRIDGE_BODY,
                                 '<script type="application/ld+json">{"@type": "NewsArt'
                                 "</script>"))
    site.page("/review", article("Budget passes", BUDGET_BODY,
                                 '<script type="application/ld+json">{"@type": "ClaimReview",'
                                 ' "claimReviewed": "The budget doubled."}</script>'))
    out = run(store, site.url("/broken"), site.url("/review"))
    assert out[site.url("/broken")].outcome == "added"
    bad = out[site.url("/review")]
    assert bad.outcome == "failed" and "ClaimReview has no reviewRating" in bad.reason


def test_a_hostile_feed_is_refused(site, store):
    site.routes["/bomb.xml"] = (200, {"Content-Type": "application/rss+xml"}, (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<rss><channel><title>&b;</title></channel></rss>"))
    [o] = run(store, site.url("/bomb.xml")).values()
    assert o.outcome == "failed" and "unsafe XML refused" in o.reason


def test_connection_refused_is_one_line(store, other_site):
    url = other_site.url("/a")
    other_site.close()
    [o] = run(store, url).values()
    assert o.outcome == "failed" and "\n" not in o.reason
    assert o.reason.startswith("robots.txt unreachable (cannot fetch: cannot connect")
    forced = run(store, url, respect_robots=False)[url]
    assert forced.outcome == "failed" and forced.reason.startswith("cannot fetch: cannot connect")


# -- batches, resume and the raw response --------------------------------------------------------

def test_one_bad_url_does_not_stop_the_batch(site, store):
    site.page("/a", article("Harbour traffic climbs", PORT_BODY))
    site.page("/b", article("Bridge reopens", BRIDGE_BODY))
    site.routes["/img"] = (200, {"Content-Type": "image/png"}, b"\x89PNG")
    fetching: list[str] = []
    with Fetcher(FetchOptions(min_delay=0.0, timeout=1.0)) as fetcher:
        out = {o.url: o for o in UrlIngest(
            store, fetcher, fake_embed, "fake", on_fetch=fetching.append).add(
            [site.url("/a"), site.url("/img"), "notaurl://x", site.url("/b")])}
    assert [o.outcome for o in out.values()] == ["added", "failed", "failed", "added"]
    assert fetching == [site.url("/a"), site.url("/img"), site.url("/b")]  # the progress hook
    assert count(store, "corpus_fetches") == 2 and count(store, "corpus_documents") == 2


def test_raw_response_is_kept_compressed_and_re_extracts_offline(site, store, tmp_path):
    html = article("Harbour traffic climbs", PORT_BODY, META)
    site.page("/p", html)
    url = site.url("/p")
    run(store, url)
    stored = sqlite3.connect(str(tmp_path / "corpus.db")).execute(
        "SELECT raw, raw_size FROM corpus_fetches WHERE url = ?", (url,)).fetchone()
    assert zlib.decompress(stored[0]) == html.encode() and stored[1] == len(html.encode())
    assert len(stored[0]) < len(html.encode())
    record, raw = store.fetch_record(url), store.fetch_raw(url)
    assert raw == html.encode() and record.kind == "html"
    site.close()  # no network from here on
    [again] = documents_from_stored(record, raw)
    doc = doc_by_origin(store, url)
    assert again.text == doc["text"] and again.key == doc["key"]
    assert (again.title, again.published, again.url) == (doc["title"], doc["published"],
                                                         doc["url"])
    assert record.document_keys == [doc["key"]]
    shown = store.document(doc["id"])["fetch"]  # `corpus show` tells where it came from
    assert (shown["url"], shown["status"], shown["raw_size"]) == (url, 200, len(html.encode()))
    assert shown["raw_sha256"] == record.raw_sha256 and shown["fetched_at"]


# -- the command line ----------------------------------------------------------------------------

def test_cli_mixes_files_and_urls_lists_failures_and_exits_3(site, monkeypatch, capsys, tmp_path):
    from tests.cli.test_untrusted_text import run_cli

    site.page("/a", article("Harbour traffic climbs", PORT_BODY))
    site.routes["/gone"] = (404, {}, b"")
    note = tmp_path / "note.txt"
    note.write_text("The ferry timetable changes on Monday for the summer season.\n")
    db = str(tmp_path / "c.db")
    args = ["corpus", "add", str(note), site.url("/a"), site.url("/gone"), "--db", db,
            "--delay", "0", "--timeout", "1"]
    code, out, err = run_cli(monkeypatch, capsys, *args, "--json")
    assert code == 3, err
    data = json.loads(out)
    assert data["files"] == 1 and data["documents_added"] == 2
    assert data["urls"] == {"added": 1, "unchanged": 0, "robots": 0, "failed": 1}
    assert [(o["url"], o["outcome"]) for o in data["outcomes"]] == [
        (site.url("/a"), "added"), (site.url("/gone"), "failed")]
    code, out, err = run_cli(monkeypatch, capsys, *args)
    assert code == 3
    assert f"failed: {site.url('/gone')}: HTTP 404" in err and len(err.strip().splitlines()) == 1
    assert "1 unchanged, 0 skipped by robots.txt, 1 failed" in out


def test_cli_refuses_other_schemes_and_keeps_the_one_bad_file_rule(monkeypatch, capsys, tmp_path):
    from tests.cli.test_untrusted_text import run_cli

    db = str(tmp_path / "c.db")
    code, _out, err = run_cli(monkeypatch, capsys, "corpus", "add", "file:///etc/passwd",
                              "--db", db)
    assert code == 3 and "only http:// and https:// URLs" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _out, err = run_cli(monkeypatch, capsys, "corpus", "add", str(bad),
                              "http://127.0.0.1:9/never", "--db", db)
    assert code == 3 and "nothing was added" in err


def test_cli_shows_hostile_reasons_as_text(site, monkeypatch, capsys, tmp_path):
    from tests.cli.test_untrusted_text import assert_inert, run_cli

    site.routes["/x"] = (302, {"Location": "http://elsewhere.example/[bold]red[/bold]"}, b"")
    site.routes["/y"] = (302, {"Location": "http://elsewhere.example/\x1b]8;;x\x1b\\"}, b"")
    code, _out, err = run_cli(monkeypatch, capsys, "corpus", "add", site.url("/x"),
                              site.url("/y"), "--db", str(tmp_path / "c.db"), "--delay", "0")
    assert code == 3 and "[bold]red[/bold]" in err and len(err.strip().splitlines()) == 2
    assert_inert(err)


def test_cli_robots_skip_only_exits_1(site, monkeypatch, capsys, tmp_path):
    from tests.cli.test_untrusted_text import run_cli

    site.routes["/robots.txt"] = (200, {}, b"User-agent: *\nDisallow: /\n")
    site.page("/a", article("Bridge reopens", BRIDGE_BODY))
    code, _out, err = run_cli(monkeypatch, capsys, "corpus", "add", site.url("/a"),
                              "--db", str(tmp_path / "c.db"), "--delay", "0")
    assert code == 1 and "skipped:" in err and "robots.txt disallows it" in err
    code, _out, err = run_cli(monkeypatch, capsys, "corpus", "add", site.url("/a"),
                              "--db", str(tmp_path / "c.db"), "--delay", "0",
                              "--ignore-robots")
    assert code == 0, err


def test_cli_on_a_terminal_runs_with_a_spinner(site, monkeypatch, capsys, tmp_path):
    from tests.cli.test_untrusted_text import run_cli

    site.page("/a", article("Bridge reopens", BRIDGE_BODY))
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    code, out, err = run_cli(monkeypatch, capsys, "corpus", "add", site.url("/a"),
                             site.url("/gone"), "--db", str(tmp_path / "c.db"), "--delay", "0")
    assert code == 3 and "1 added" in out and "Traceback" not in err
    assert f"{site.url('/gone')}: HTTP 404" in err  # the spinner's text is timing-dependent


def test_cli_defaults_are_the_modules_defaults():
    """The CLI writes them out (so `rhetorica --help` does not import httpx): keep them equal."""
    import inspect

    from rhetorica.cli.corpus import add
    from rhetorica.ingest import crawl, fetch

    params = inspect.signature(add).parameters
    assert params["timeout"].default.default == fetch.DEFAULT_TIMEOUT
    assert params["max_bytes"].default.default == fetch.DEFAULT_MAX_BYTES
    assert params["delay"].default.default == fetch.DEFAULT_MIN_DELAY
    assert params["max_pages"].default.default == crawl.DEFAULT_MAX_PAGES


def test_cli_says_how_many_listed_pages_max_pages_left_out(site, monkeypatch, capsys, tmp_path):
    from tests.cli.test_untrusted_text import run_cli

    site.page("/a", article("Harbour traffic climbs", PORT_BODY))
    site.page("/b", article("Bridge reopens", BRIDGE_BODY))
    site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"},
                                   urlset(site.url("/a"), site.url("/b")))
    code, out, err = run_cli(monkeypatch, capsys, "corpus", "add", site.url("/sitemap.xml"),
                             "--max-pages", "1", "--db", str(tmp_path / "c.db"), "--delay", "0")
    assert code == 0, err
    assert "1 more listed but not fetched (--max-pages)" in out


def test_cli_show_says_where_a_fetched_document_came_from(site, monkeypatch, capsys, tmp_path):
    from tests.cli.test_untrusted_text import run_cli

    site.page("/a", article("Harbour traffic climbs", PORT_BODY))
    db = str(tmp_path / "c.db")
    code, _out, err = run_cli(monkeypatch, capsys, "corpus", "add", site.url("/a"), "--db", db,
                              "--delay", "0")
    assert code == 0, err
    code, out, _err = run_cli(monkeypatch, capsys, "corpus", "show", "1", "--db", db)
    assert code == 0 and f"from {site.url('/a')}: HTTP 200" in " ".join(out.split())
    assert "the response is kept" in out
