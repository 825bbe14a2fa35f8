"""Fetching a watched feed URL does only what was configured (issue 14, finding 6).

- Redirects are followed only within the same origin (scheme, host, port) and only to
  http(s); anything else is refused with a message naming the target, and nothing is opened
  there (an ``ftp://`` target is never connected to).
- Items of a redirected feed are stored under the URL they came from (the final one).
- One deadline covers the whole fetch (connect, headers, body): a server that drips a byte
  every fraction of a second cannot hold a ``--once`` run.

Every server here is started by the test on 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rhetorica.ingest.errors import InputError
from rhetorica.monitor.sources import FeedSource

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Statements</title>
<entry><id>urn:x:1</id><title>Guard deployed</title><updated>2025-06-16T08:00:00Z</updated>
<author><name>Press Office</name></author><link href="https://example.org/1"/>
<content type="html">&lt;p&gt;Troops were deployed to Riverton.&lt;/p&gt;</content></entry>
</feed>"""


@contextlib.contextmanager
def serve(routes: dict[str, Callable[[BaseHTTPRequestHandler], None]]) -> Iterator[tuple]:
    """A threaded server on 127.0.0.1; yields (base URL, list of paths requested)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            hits.append(self.path)
            route = routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with contextlib.suppress(OSError):  # the client gave up: expected when slow
                route(self)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def feed(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/atom+xml")
    handler.send_header("Content-Length", str(len(ATOM)))
    handler.end_headers()
    handler.wfile.write(ATOM)


def redirect(location: str, code: int = 302) -> Callable[[BaseHTTPRequestHandler], None]:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(code)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return route


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_same_origin_redirect_is_followed_and_items_carry_the_final_url(code):
    routes = {"/old": redirect("/feed", code), "/feed": feed}
    with serve(routes) as (base, hits):
        items = list(FeedSource(f"{base}/old", timeout=10).poll({}))
    assert hits == ["/old", "/feed"]
    (item,) = items
    assert item.doc.meta.origin == f"{base}/feed"
    assert item.doc.text == "Guard deployed\n\nTroops were deployed to Riverton."


def test_redirect_to_another_origin_is_refused_and_not_followed():
    with serve({"/feed": feed}) as (other, other_hits), \
            serve({"/feed": redirect(f"{other}/feed")}) as (base, hits), \
            pytest.raises(InputError, match="another origin") as info:
        list(FeedSource(f"{base}/feed", timeout=10).poll({}))
    assert f"{other}/feed" in str(info.value)
    assert hits == ["/feed"] and other_hits == []


def test_redirect_to_ftp_is_refused_without_opening_anything():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        ftp = f"ftp://127.0.0.1:{listener.getsockname()[1]}/feed.xml"
        with serve({"/feed": redirect(ftp)}) as (base, _hits):
            t0 = time.monotonic()
            with pytest.raises(InputError, match="only http"):
                list(FeedSource(f"{base}/feed", timeout=3).poll({}))
            assert time.monotonic() - t0 < 3
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody ever connected to the ftp:// target


@pytest.mark.parametrize("location", ["file:///etc/passwd", "data:text/plain,hello",
                                      "javascript:alert(1)"])
def test_redirect_to_other_schemes_is_refused(location):
    with serve({"/feed": redirect(location)}) as (base, _hits), \
            pytest.raises(InputError, match="only http"):
        list(FeedSource(f"{base}/feed", timeout=5).poll({}))


def test_redirect_loops_are_bounded():
    with serve({"/a": redirect("/b"), "/b": redirect("/a")}) as (base, hits), \
            pytest.raises(InputError, match="too many redirects"):
        list(FeedSource(f"{base}/a", timeout=10).poll({}))
    assert len(hits) <= 6


def drip_body(handler: BaseHTTPRequestHandler, bytes_: int = 80) -> None:
    """A feed body sent one byte every 0.25 s (80 bytes: at most 20 s); ends as soon as the
    client hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/atom+xml")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(bytes_):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.25)


def drip_headers(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    for _ in range(80):
        handler.wfile.write(b"a")
        handler.wfile.flush()
        time.sleep(0.25)


@pytest.mark.parametrize("route", [drip_body, drip_headers])
def test_one_deadline_covers_the_whole_fetch(route):
    with serve({"/feed": route}) as (base, _hits):
        src = FeedSource(f"{base}/feed", timeout=2)
        t0 = time.monotonic()
        with pytest.raises(InputError, match="took longer than 2 s"):
            list(src.poll({}))
        assert time.monotonic() - t0 < 6


def test_the_deadline_spans_redirects():
    def slow_redirect(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(0.8)
        redirect("/r")(handler)

    with serve({"/r": slow_redirect}) as (base, hits):
        t0 = time.monotonic()
        with pytest.raises(InputError, match=r"took longer than 2 s|too many redirects"):
            list(FeedSource(f"{base}/r", timeout=2).poll({}))
        assert time.monotonic() - t0 < 5
    assert len(hits) <= 4


def long_drip(handler: BaseHTTPRequestHandler) -> None:
    drip_body(handler, 300)  # at most 75 s


@pytest.mark.slow
def test_once_run_on_a_dripping_feed_ends(tmp_path):
    """The reported case end to end: `watch run --once` on the URL gives up after the
    fetch deadline (20 s by default) with a clear problem line, however long the drip."""
    from typer.testing import CliRunner

    from rhetorica.cli.main import app

    with serve({"/feed": long_drip}) as (base, _hits):
        t0 = time.monotonic()
        result = CliRunner().invoke(app, ["watch", "run", "--once", f"{base}/feed", "--db",
                                          str(tmp_path / "w.db"), "--pipeline",
                                          "parse,segment"])
        elapsed = time.monotonic() - t0
    assert elapsed < 50, elapsed
    assert "took longer than 20 s" in result.output
    assert "Traceback" not in result.output


# -- the same class of bug in the alert webhook: it POSTs to a URL the user configured ----------
def _alert():
    from rhetorica.monitor.alerts import Alert

    return Alert(id=1, kind="indicator_first", subject="curfew", date="2025-06-16",
                 severity="high", message="first 'Curfew imposed' (curfew)")


def test_webhook_redirects_are_not_followed():
    from rhetorica.monitor.alerts import SinkError, WebhookSink

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        ftp = f"ftp://127.0.0.1:{listener.getsockname()[1]}/x"
        for target in (ftp, "/elsewhere"):
            routes = {"/hook": redirect(target, 302), "/elsewhere": feed}
            with serve(routes) as (base, hits), pytest.raises(SinkError, match="redirect"):
                WebhookSink(f"{base}/hook", timeout=3).send(_alert())
            assert hits == ["/hook"]
        with pytest.raises(TimeoutError):
            listener.accept()


def test_webhook_has_one_deadline():
    from rhetorica.monitor.alerts import SinkError, WebhookSink

    with serve({"/hook": drip_headers}) as (base, _hits):
        t0 = time.monotonic()
        with pytest.raises(SinkError, match="took longer than 2 s"):
            WebhookSink(f"{base}/hook", timeout=2).send(_alert())
        assert time.monotonic() - t0 < 6
