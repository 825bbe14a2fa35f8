"""Fetching a URL politely and safely: the one place ``rhetorica corpus add`` uses the network.

A corpus built from the web must not hang on a slow server, fill the disk from a huge one,
land on a host the user never named, or hammer a site that asked not to be crawled. So every
fetch by :class:`Fetcher`:

* has **one deadline** for everything (DNS, connect, TLS, headers, body and redirects). Per-read
  timeouts alone would let a server that trickles a byte a second keep us forever; here a
  timer shuts the connection down when the deadline passes, which wakes a blocked read, and
  the body loop checks the clock between chunks;
* reads at most ``max_bytes`` of body (a ``Content-Length`` above it is refused before the
  body is read; a body that runs past it is cut off), decompressing gzip/deflate itself in
  bounded steps so a small compressed bomb cannot expand in memory;
* follows redirects **by hand**, only to http(s) URLs of the **same origin** (scheme, host,
  port) as the URL asked for: anything else is an error naming both URLs, and nothing is
  requested there;
* sends a User-Agent naming Rhetorica and its version, waits a minimum delay between two
  fetches from one host name (the larger of ``min_delay`` and the site's ``Crawl-delay``,
  capped; the hops of one fetch's redirects do not wait, and the wait is not deadline time),
  and honours ``robots.txt`` (RFC 9309), read once per origin: 2xx is parsed, 4xx means no
  rules (allowed), 5xx or an unreachable server means everything is disallowed;
* sends ``If-None-Match`` / ``If-Modified-Since`` when it is given the validators of an
  earlier response, and reports a 304 as "not modified" (no body).

httpx gives the transport; proxies, ``.netrc`` and other environment settings are ignored
(``trust_env=False``), so a fetch does exactly what the command line says. What the bytes
become (a page, a feed, a sitemap) is :mod:`rhetorica.ingest.crawl`'s job.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
import urllib.robotparser
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from rhetorica import __version__
from rhetorica.ingest.deadline import Deadline
from rhetorica.ingest.errors import InputError

# httpx logs every request at INFO; a library we load (wordllama) turns the root logger
# on at INFO, so without this each fetch would print a line on stderr
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)


USER_AGENT = f"Rhetorica/{__version__} (evidence corpus builder)"
ROBOTS_AGENT = "Rhetorica"  # the product token robots.txt groups are matched against
DEFAULT_TIMEOUT = 30.0  # seconds for a whole fetch, redirects included
DEFAULT_MAX_BYTES = 20_000_000
DEFAULT_MIN_DELAY = 1.0  # seconds between two requests to one host
MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay above this is held to it
MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512_000  # RFC 9309: parse at least 500 KiB; the rest is ignored
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 65_536


class RobotsDisallowed(InputError):
    """robots.txt of the URL's site does not allow Rhetorica to fetch it (not a failure of
    the site: the caller reports it as skipped)."""


@dataclass
class FetchOptions:
    """How politely and how defensively to fetch; the CLI's flags map onto these."""

    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    min_delay: float = DEFAULT_MIN_DELAY
    respect_robots: bool = True
    user_agent: str = USER_AGENT
    max_redirects: int = MAX_REDIRECTS


@dataclass
class Response:
    """One completed fetch. ``body`` is None for a 304 (not modified)."""

    url: str  # as asked for
    final_url: str  # after same-origin redirects
    status: int
    content_type: str | None  # the header as sent, parameters included
    etag: str | None
    last_modified: str | None
    body: bytes | None
    fetched_at: str = field(default_factory=lambda: datetime.now(timezone.utc)
                            .strftime("%Y-%m-%dT%H:%M:%SZ"))

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def mime(self) -> str:
        """The media type alone, lower-cased ("text/html"); "" when none was sent."""
        return (self.content_type or "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of the Content-Type, if any."""
        for param in (self.content_type or "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("'\"")
        return None


# -- URLs ------------------------------------------------------------------------------------
def origin_of(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in: two URLs are of the
    same origin when these are equal (``http://a`` and ``https://a`` are not)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # a port that is not a number, or out of range
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def check_url(url: str) -> str:
    """``url`` without its fragment when it is an absolute http(s) URL with a host and a
    valid port; otherwise InputError naming it."""
    scheme, host, port = origin_of(url)
    if scheme not in ("http", "https"):
        raise InputError(url, "only http:// and https:// URLs are fetched")
    if not host:
        raise InputError(url, "URL has no host")
    if port == -1:
        raise InputError(url, "URL has an invalid port")
    return url.split("#", 1)[0]


def _origin_url(url: str) -> str:
    scheme, host, port = origin_of(url)
    default = {"http": 80, "https": 443}[scheme]
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + ("" if port == default else f":{port}")


# -- one deadline per fetch ------------------------------------------------------------------
class _Deadline(Deadline):
    """The fetch's :class:`~rhetorica.ingest.deadline.Deadline`, fed by httpx: httpcore
    announces each new TCP connection through the request's ``trace`` extension; the socket
    is duplicated then (a TLS wrapper takes the original over), and the duplicate's
    ``shutdown`` ends the connection for both."""

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.end

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: watch every connection as soon as it is open."""
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        try:
            dup = socket.fromfd(sock.fileno(), sock.family, sock.type, sock.proto)
        except OSError:
            return
        self.watch(dup)

    def close(self) -> None:
        self.cancel()
        with self._lock:
            socks, self._socks = self._socks, []
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.close()


class _Timeout(Exception):
    """The fetch's deadline passed."""


# -- bounded body ------------------------------------------------------------------------------
def _decoded(chunks: Iterable[bytes], encoding: str, url: str) -> Iterator[bytes]:
    """The body with its Content-Encoding undone in steps of at most 64 KiB, so the size cap
    is checked before a compressed bomb can expand in memory."""
    enc = encoding.strip().lower()
    if enc in ("", "identity"):
        yield from chunks
        return
    if enc in ("gzip", "x-gzip"):
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif enc == "deflate":
        inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib-wrapped (auto-detect)
    else:
        raise InputError(url, f"unsupported Content-Encoding {encoding!r}")
    try:
        for chunk in chunks:
            data = chunk
            while data:
                yield inflate.decompress(data, _CHUNK)
                data = inflate.unconsumed_tail
        yield inflate.flush()
    except zlib.error as exc:
        raise InputError(url, f"response body is not valid {enc} data ({exc})") from None


# -- robots.txt --------------------------------------------------------------------------------
@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser
    why: str  # for a refusal: "robots.txt disallows it", "robots.txt unreachable (HTTP 503)"
    failed: bool = False  # no answer at all: the site is down, the URL fails (not skipped)


class Fetcher:
    """An httpx client with the rules above. One per run: it remembers each origin's
    robots.txt and each host's last request. Not thread-safe (one fetch at a time)."""

    def __init__(self, options: FetchOptions | None = None, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options or FetchOptions()
        self._sleep = sleep
        self._last: dict[str, float] = {}  # host -> monotonic time of its last request
        self._delay: dict[str, float] = {}  # host -> min delay (Crawl-delay raises it)
        self._robots: dict[str, _Robots] = {}
        self.client = httpx.Client(
            follow_redirects=False, trust_env=False,
            # Each step is also bounded by the deadline; keep-alive off so every request
            # opens its own connection, which the deadline then watches from the start.
            timeout=httpx.Timeout(self.options.timeout),
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": "gzip, deflate"})

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness ------------------------------------------------------------------------
    def _wait_turn(self, url: str) -> None:
        """Sleep until the host's minimum delay since its last request has passed."""
        host = origin_of(url)[1]
        delay = max(self.options.min_delay, self._delay.get(host, 0.0))
        last = self._last.get(host)
        if last is not None and delay > 0:
            wait = last + delay - time.monotonic()
            if wait > 0:
                self._sleep(wait)
        self._last[host] = time.monotonic()

    def check_robots(self, url: str, asked: str | None = None) -> None:
        """Raise :class:`RobotsDisallowed` when robots.txt does not let Rhetorica fetch
        ``url`` (``asked``: the URL whose redirect led there), InputError when robots.txt
        could not be read at all (the server is down: a failure, not a skip). Read once
        per origin, and never when ``respect_robots`` is off."""
        if not self.options.respect_robots:
            return
        key = _origin_url(url)
        if key not in self._robots:
            self._robots[key] = self._read_robots(key)
        robots = self._robots[key]
        if robots.parser.can_fetch(ROBOTS_AGENT, url):
            return
        where = f"redirected to {url}; " if asked and asked != url else ""
        if robots.failed:
            raise InputError(asked or url, f"{where}{robots.why}")
        raise RobotsDisallowed(asked or url, f"{where}{robots.why}")

    def _read_robots(self, origin: str) -> _Robots:
        """RFC 9309 section 2.3.1: 2xx rules apply; 4xx (incl. 404) "unavailable", everything
        allowed; 5xx or no answer "unreachable", everything disallowed. A redirect the
        same-origin rule will not follow counts as unavailable (as more than five do)."""
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        url = origin + "/robots.txt"
        try:
            resp = self._get(url, {}, ROBOTS_MAX_BYTES, truncate=True, check_robots=False)
        except _HTTPStatus as exc:
            if exc.status >= 500:
                parser.disallow_all = True
                return _Robots(parser, f"robots.txt unreachable (HTTP {exc.status}); "
                                       "everything is disallowed until it answers (RFC 9309)")
            parser.allow_all = True
            return _Robots(parser, "")
        except _OffOrigin:
            parser.allow_all = True
            return _Robots(parser, "")
        except InputError as exc:
            parser.disallow_all = True
            return _Robots(parser, f"robots.txt unreachable ({exc.message})", failed=True)
        text = (resp.body or b"").decode("utf-8", "replace")
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(ROBOTS_AGENT)
        if delay:
            host = origin_of(origin)[1]
            self._delay[host] = max(self._delay.get(host, 0.0),
                                    min(float(delay), MAX_CRAWL_DELAY))
        return _Robots(parser, "robots.txt disallows it")

    # -- fetching ----------------------------------------------------------------------------
    def get(self, url: str, etag: str | None = None, last_modified: str | None = None
            ) -> Response:
        """Fetch ``url`` by the rules in the module docstring; with ``etag`` /
        ``last_modified`` (from an earlier response) the request is conditional and a 304
        comes back as a :class:`Response` with ``not_modified`` and no body.

        Errors are one-line :class:`InputError`\\ s naming the URL (HTTP status, redirect
        elsewhere, too large, too slow, cannot connect); :class:`RobotsDisallowed` when
        robots.txt says no."""
        url = check_url(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            return self._get(url, headers, self.options.max_bytes)
        except _HTTPStatus as exc:
            raise InputError(url, exc.message) from None

    def _get(self, url: str, headers: dict[str, str], max_bytes: int, *,
             truncate: bool = False, check_robots: bool = True) -> Response:
        current = url
        start = origin_of(url)
        if check_robots:
            self.check_robots(url)
        self._wait_turn(url)  # before the deadline starts: waiting is not the server's time
        deadline = _Deadline(self.options.timeout)
        try:
            for _hop in range(self.options.max_redirects + 1):
                request = self.client.build_request(
                    "GET", current, headers=headers, extensions={"trace": deadline.trace})
                response = self.client.send(request, stream=True)
                try:
                    status = response.status_code
                    if status in _REDIRECTS:
                        target = self._redirect_target(url, current, response, start)
                        if check_robots:
                            self.check_robots(target, url)
                        current = target
                        continue
                    if status == 304:
                        if not headers:  # we asked for nothing conditional
                            raise _HTTPStatus(304, "HTTP 304 to an unconditional request")
                        return self._response(url, current, response, None)
                    if status not in (200, 203):
                        reason = response.reason_phrase or ""
                        raise _HTTPStatus(status, f"HTTP {status}{' ' + reason if reason else ''}")
                    body = self._body(url, response, max_bytes, deadline, truncate)
                    return self._response(url, current, response, body)
                finally:
                    response.close()
            raise InputError(url, f"too many redirects (more than {self.options.max_redirects})")
        except (_Timeout, httpx.TimeoutException):
            raise InputError(url, f"took longer than {self.options.timeout:g} s to fetch; "
                                  "gave up (--timeout)") from None
        except httpx.HTTPError as exc:
            if deadline.passed():
                raise InputError(url, f"took longer than {self.options.timeout:g} s to "
                                      "fetch; gave up (--timeout)") from None
            raise InputError(url, f"cannot fetch: {_describe(exc)}") from None
        finally:
            deadline.close()

    @staticmethod
    def _redirect_target(url: str, current: str, response: httpx.Response,
                         start: tuple[str, str, int | None]) -> str:
        location = (response.headers.get("Location") or "").strip()
        if not location:
            raise InputError(url, f"HTTP {response.status_code} redirect without a Location")
        target = urljoin(current, location).split("#", 1)[0]
        where = origin_of(target)
        if where[0] not in ("http", "https"):
            raise _OffOrigin(url, f"redirected to {target}: only http(s) redirects are "
                                  "followed; not fetched")
        if where != start:
            raise _OffOrigin(url, f"redirected to {target}, another origin than {url}; not "
                                  "followed (add that URL itself if you trust it)")
        return target

    def _body(self, url: str, response: httpx.Response, max_bytes: int, deadline: _Deadline,
              truncate: bool) -> bytes:
        length = response.headers.get("Content-Length", "").strip()
        if length.isdigit() and int(length) > max_bytes and not truncate:
            raise InputError(url, f"response is {int(length):,} bytes, above the "
                                  f"{max_bytes:,} byte limit (--max-bytes); not read")
        data = bytearray()
        for chunk in _decoded(response.iter_raw(_CHUNK),
                              response.headers.get("Content-Encoding", ""), url):
            if deadline.passed():
                raise _Timeout
            data += chunk
            if len(data) > max_bytes:
                if truncate:
                    return bytes(data[:max_bytes])
                raise InputError(url, f"response is above the {max_bytes:,} byte limit "
                                      "(--max-bytes); cut off")
        if deadline.passed():  # the deadline cut the body short: not the whole response
            raise _Timeout
        return bytes(data)

    @staticmethod
    def _response(url: str, final_url: str, response: httpx.Response, body: bytes | None
                  ) -> Response:
        return Response(url=url, final_url=final_url, status=response.status_code,
                        content_type=response.headers.get("Content-Type"),
                        etag=response.headers.get("ETag"),
                        last_modified=response.headers.get("Last-Modified"), body=body)


class _HTTPStatus(InputError):
    """An HTTP error status (kept apart so robots.txt can tell 4xx from 5xx)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__("", message)
        self.status = status


class _OffOrigin(InputError):
    """A redirect the same-origin rule refuses (robots.txt treats it as unavailable)."""


def _describe(exc: httpx.HTTPError) -> str:
    """A one-line reason for a transport error: its message, else its kind."""
    text = " ".join(str(exc).split())
    kind = {httpx.ConnectError: "cannot connect", httpx.RemoteProtocolError: "bad HTTP response",
            httpx.ReadError: "connection broken"}.get(type(exc), type(exc).__name__)
    return f"{kind} ({text})" if text else kind
