"""Watched sources: folders of files, RSS/Atom feeds (files or URLs) and JSONL post exports.

A source turns its location plus a saved *cursor* into new :class:`Item` objects. Each item has
a stable ``key`` (the watcher records it, so an item is never processed twice) and the cursor
the source will have once that item is done (the watcher saves it in the same transaction as
the item, so after a crash the source resumes exactly after the last committed item).

* ``jsonl`` — a growing export of posts: the cursor is a byte offset; only complete lines
  (ending in a newline) are read, so a line being appended is picked up on the next poll. A
  file that shrank was rotated or rewritten: reading restarts at 0 and the per-line keys
  (offset + content hash) keep old lines from being processed twice.
* ``folder`` — every .txt/.md/.json/.jsonl file below the folder; the cursor remembers each
  file's size, mtime and SHA-256 so unchanged files are not even re-read, and an edited file
  is processed again as new content.
* ``feed`` — an RSS/Atom file, or an http(s) URL (the only case where the network is used).
  Parsed with feedparser from bytes we fetched ourselves with a size cap and one deadline for
  the whole fetch; redirects are followed only to http(s) URLs of the same origin (anything
  else is refused, never opened) and items are stored under the URL they finally came from.
  Entries are keyed by their id/link, HTML is reduced to text.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rhetorica.document import Document, DocumentMeta
from rhetorica.ingest.deadline import Deadline
from rhetorica.ingest.errors import InputError
from rhetorica.ingest.statements import parse_json, parse_jsonl, post_to_document
from rhetorica.ingest.text import DEFAULT_MAX_BYTES, decode, read_bounded, require_text

FOLDER_SUFFIXES = {".txt", ".md", ".json", ".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}


@dataclass
class Item:
    """One new thing from a source: a document, or the reason it could not be read."""

    key: str
    doc: Document | None
    cursor: dict[str, Any] | None = None  # the source's cursor once this item is done
    error: str | None = None


@dataclass
class Source:
    kind: str
    location: str
    max_bytes: int = DEFAULT_MAX_BYTES
    encoding: str = "utf-8"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def uri(self) -> str:
        return f"{self.kind}:{self.location}"

    def poll(self, cursor: dict[str, Any]) -> Iterator[Item]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fill(self, doc: Document) -> Document:
        for key, value in self.meta.items():
            if value is not None and getattr(doc.meta, key, None) is None:
                setattr(doc.meta, key, value)
        return doc


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _iso_mtime(mtime: float) -> str:
    return datetime.fromtimestamp(mtime, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class JsonlSource(Source):
    def __init__(self, location: str, **kw: Any) -> None:
        super().__init__("jsonl", str(Path(location).resolve()), **kw)

    def poll(self, cursor: dict[str, Any]) -> Iterator[Item]:
        path = Path(self.location)
        if not path.exists():
            raise InputError(self.location, "no such file")
        size = path.stat().st_size
        offset = int(cursor.get("offset", 0))
        if size < offset:  # truncated or rotated: start over, keys prevent reprocessing
            offset = 0
        with path.open("rb") as fh:
            fh.seek(offset)
            while True:
                raw = fh.readline(self.max_bytes + 1)
                if not raw or not raw.endswith(b"\n"):
                    if raw and len(raw) > self.max_bytes:
                        yield Item(f"{offset}:oversize", None, {"offset": offset + len(raw)},
                                   f"line at byte {offset} is above {self.max_bytes} bytes")
                    return  # an incomplete last line waits for its newline
                start, offset = offset, offset + len(raw)
                key = f"{start}:{_sha(raw)[:16]}"
                nxt = {"offset": offset}
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(decode(raw, self.location, self.encoding))
                    doc = self._fill(post_to_document(obj, self.location, line=None))
                    doc.meta.origin = f"{self.location}@{start}"
                    yield Item(key, doc, nxt)
                except json.JSONDecodeError as exc:
                    yield Item(key, None, nxt, f"{self.location}@{start}: malformed JSON: "
                               f"{exc.msg}")
                except (InputError, RecursionError) as exc:
                    yield Item(key, None, nxt, f"{self.location}@{start}: {exc}")


class FolderSource(Source):
    def __init__(self, location: str, settle_s: float = 0.0, **kw: Any) -> None:
        super().__init__("folder", str(Path(location).resolve()), **kw)
        # A file modified less than settle_s ago may still be being written (editors and
        # copy tools rarely write atomically): leave it for the next poll.
        self.settle_s = settle_s

    def _files(self) -> list[Path]:
        root = Path(self.location)
        return sorted(p for p in root.rglob("*")
                      if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES
                      and not any(part.startswith(".") for part in p.relative_to(root).parts))

    def poll(self, cursor: dict[str, Any]) -> Iterator[Item]:
        root = Path(self.location)
        if not root.is_dir():
            raise InputError(self.location, "no such folder")
        known: dict[str, list[Any]] = dict(cursor.get("files", {}))
        for path in self._files():
            rel = path.relative_to(root).as_posix()
            try:
                st = path.stat()
            except OSError:
                continue  # vanished between listing and stat
            stamp = [st.st_mtime_ns, st.st_size]
            if known.get(rel, [None, None, None])[:2] == stamp:
                continue
            if self.settle_s > 0 and time.time() - st.st_mtime < self.settle_s:
                continue
            done = {"files": {**known, rel: [*stamp, None]}}
            if st.st_size > self.max_bytes:
                known = done["files"]
                yield Item(f"{rel}:oversize:{st.st_mtime_ns}", None, done,
                           f"{path}: {st.st_size} bytes is above the {self.max_bytes} limit")
                continue
            try:
                data = read_bounded(path, self.max_bytes)
            except InputError as exc:  # grew past the limit since stat: like oversize
                known = done["files"]
                yield Item(f"{rel}:oversize:{st.st_mtime_ns}", None, done, str(exc))
                continue
            except OSError as exc:  # key "" = warn only; the file is retried next poll
                yield Item("", None, None, f"{path}: cannot read: {exc.strerror}")
                continue
            digest = _sha(data)
            done["files"][rel] = [*stamp, digest]
            if known.get(rel, [None, None, None])[2] == digest:  # touched, not changed
                known = done["files"]
                yield Item(f"{rel}:{digest[:16]}:touch", None, done, None)
                continue
            known = done["files"]
            try:
                docs = self._parse(path, data)
            except InputError as exc:
                yield Item(f"{rel}:{digest[:16]}", None, done, str(exc))
                continue
            for i, doc in enumerate(docs):
                if doc.meta.date is None:
                    doc.meta.date = _iso_mtime(st.st_mtime)
                yield Item(f"{rel}:{digest[:16]}:{i}", self._fill(doc),
                           done if i == len(docs) - 1 else None)

    def _parse(self, path: Path, data: bytes) -> list[Document]:
        origin = str(path)
        text = decode(data, origin, self.encoding)
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            return parse_jsonl(text, origin)
        if suffix == ".json":
            return parse_json(text, origin)
        require_text(text, origin)
        return [Document(text, DocumentMeta(origin=origin, title=path.stem))]


class _TextOnly(HTMLParser):
    """Feed summaries are HTML: keep the text, drop tags, scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in {"p", "div", "li", "h1", "h2", "h3", "h4", "blockquote"}:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    if "<" not in value:
        return html.unescape(value).strip()
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


class FeedSource(Source):
    def __init__(self, location: str, timeout: float = 20.0, **kw: Any) -> None:
        is_url = location.startswith(("http://", "https://"))
        super().__init__("feed", location if is_url else str(Path(location).resolve()), **kw)
        self.is_url = is_url
        # One deadline for the whole fetch (connect, headers, body and redirects), in seconds.
        self.timeout = timeout
        # Where the last fetch really came from (a same-origin redirect may move it); items
        # are stored under this URL.
        self.fetched_from = self.location

    def _fetch(self, cursor: dict[str, Any]) -> tuple[bytes | None, dict[str, Any]]:
        if not self.is_url:
            path = Path(self.location)
            if not path.exists():
                raise InputError(self.location, "no such feed file")
            if path.is_dir():
                raise InputError(self.location, "is a folder, not a feed file")
            try:
                return read_bounded(path, self.max_bytes, "feed"), {}
            except OSError as exc:
                raise InputError(self.location, f"cannot read: {exc.strerror}") from None
        headers = {"User-Agent": "rhetorica-watch"}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("modified"):
            headers["If-Modified-Since"] = cursor["modified"]
        data, resp_headers, self.fetched_from = _http_get(self.location, headers,
                                                          self.max_bytes, self.timeout)
        if data is None:  # 304 Not Modified
            return None, {}
        return data, {k: v for k, v in (("etag", resp_headers.get("ETag")),
                                        ("modified", resp_headers.get("Last-Modified"))) if v}

    def poll(self, cursor: dict[str, Any]) -> Iterator[Item]:
        import feedparser

        data, validators = self._fetch(cursor)
        if data is None:  # 304 Not Modified
            return
        try:
            parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
        except Exception as exc:  # feedparser's own bugs, e.g. "&#xD800;" (a lone surrogate)
            raise InputError(self.location, f"not a readable RSS/Atom feed: feedparser failed "
                             f"({type(exc).__name__})") from None
        if parsed.bozo and not parsed.entries:
            exc = parsed.get("bozo_exception")
            raise InputError(self.location, f"not a readable RSS/Atom feed: {exc}")
        feed_title = _field(parsed.feed.get("title"))
        entries = []
        for n, entry in enumerate(parsed.entries):
            try:
                entries.append(self._entry(n, entry))
            except Exception as exc:  # one odd entry is skipped and reported, never fatal
                ident = _field(entry.get("id")) or _field(entry.get("link")) or f"#{n}"
                entries.append(("", n, ident, None, None, None, None,
                                f"{self.location}: cannot read entry {ident!r} "
                                f"({type(exc).__name__}: {exc})"))
        entries.sort(key=lambda e: (e[0], e[1]))  # oldest first: alerts fire in time order
        last = len(entries) - 1
        for i, (_d, _n, ident, text, title, entry, date, error) in enumerate(entries):
            done = {**cursor, **validators} if i == last else None
            key = "id:" + _sha(str(ident).encode("utf-8", "replace"))[:24]
            if error:
                yield Item(key, None, done, error)
                continue
            if not text.strip():
                yield Item(key, None, done, f"{self.location}: entry {ident!r} has no text")
                continue
            meta = DocumentMeta(speaker=_field(entry.get("author")), date=date,
                                source=feed_title, title=title or None,
                                url=_field(entry.get("link")), origin=self.fetched_from,
                                extra={"id": str(ident)})
            yield Item(key, self._fill(Document(text, meta)), done)

    @staticmethod
    def _entry(n: int, entry: Any) -> tuple[Any, ...]:
        title = html_to_text(_field(entry.get("title")) or "")
        body = ""
        if entry.get("content"):
            body = html_to_text(_field(entry.content[0].get("value")) or "")
        if not body:
            body = html_to_text(_field(entry.get("summary")) or "")
        text = f"{title}\n\n{body}".strip() if body and body != title else title
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        date = (datetime.fromtimestamp(calendar.timegm(when), tz=timezone.utc)
                .strftime("%Y-%m-%dT%H:%M:%SZ") if when else None)
        if date and not date[:4].isdigit():  # year < 1000 prints unpadded: not a real date
            date = None
        ident = (_field(entry.get("id")) or _field(entry.get("link"))
                 or _sha(text.encode("utf-8", "replace"))[:24])
        return (date or "", n, ident, text, title, entry, date, None)


# -- fetching a feed URL: same-origin http(s) redirects only, one deadline per fetch ---------
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}


def http_opener(deadline: Deadline) -> Any:
    """http and https only (no ftp:, file:, data: handler at all), no automatic redirects,
    every connection watched by ``deadline`` from before its TLS handshake."""
    import http.client
    import urllib.request

    class Watched:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[call-arg]
            make = self._create_connection  # type: ignore[attr-defined]

            def create(address: Any, timeout: Any = None, source: Any = None) -> Any:
                return deadline.watch(make(address, deadline.remaining(), source))

            self._create_connection = create

    class HTTP(Watched, http.client.HTTPConnection):
        pass

    class HTTPS(Watched, http.client.HTTPSConnection):
        pass

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(HTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: Any) -> Any:
            return self.do_open(HTTPS, req, context=self._context)

    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), HTTPHandler(), HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def _origin(url: str) -> tuple[str, str, int | None]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _http_get(url: str, headers: dict[str, str], max_bytes: int, timeout: float
              ) -> tuple[bytes | None, Any, str]:
    """(body or None for 304, response headers, the URL it finally came from).

    Redirects are followed by hand, at most ``MAX_REDIRECTS``, and only to http(s) URLs of
    the same origin as ``url``: a feed that moves elsewhere is refused with the target named
    (watch that URL instead, if you trust it), and nothing is opened there. ``timeout``
    bounds the whole fetch, redirects included.
    """
    import http.client
    import urllib.error
    import urllib.request
    from urllib.parse import urljoin

    deadline = Deadline(timeout)
    opener = http_opener(deadline)
    start = _origin(url)
    current = url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            req = urllib.request.Request(current, headers=headers)
            try:
                with opener.open(req, timeout=deadline.remaining()) as resp:
                    data = bytearray()
                    while chunk := resp.read(min(65536, max_bytes + 1 - len(data))):
                        data += chunk
                        if len(data) > max_bytes:
                            raise InputError(url, f"feed is above the {max_bytes} byte limit")
                    if deadline.expired:  # cut short by the deadline, not complete
                        raise OSError("deadline")
                    return bytes(data), resp.headers, current
            except urllib.error.HTTPError as exc:
                exc.close()
                if deadline.expired:  # headers cut short by the deadline: not an answer
                    raise OSError("deadline") from None
                if exc.code == 304:
                    return None, exc.headers, current
                if exc.code not in _REDIRECTS:
                    raise InputError(url, f"HTTP {exc.code}") from None
                location = (exc.headers.get("Location") or "").strip()
                if not location:
                    raise InputError(url, f"HTTP {exc.code} redirect without a Location"
                                     ) from None
                target = urljoin(current, location)
                where = _origin(target)
                if where[0] not in ("http", "https"):
                    raise InputError(url, f"redirected to {target!r}: only http(s) redirects "
                                     "are followed; not fetched") from None
                if where != start:
                    raise InputError(url, f"redirected to another origin ({target}); not "
                                     "followed: watch that URL instead if you trust it"
                                     ) from None
                current = target
        raise InputError(url, f"too many redirects (more than {MAX_REDIRECTS})")
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        # Every socket timeout is at most the time left, so a timeout is the deadline too.
        if deadline.expired or isinstance(getattr(exc, "reason", exc), TimeoutError):
            raise InputError(url, f"took longer than {timeout:g} s to fetch; gave up"
                             ) from None
        raise InputError(url, f"cannot fetch: {getattr(exc, 'reason', exc)}") from None
    finally:
        deadline.cancel()


def _field(value: Any) -> str | None:
    """A feed field as text, or None; feedparser may hand back other types for odd input."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def make_source(spec: str, settle_s: float = 0.0, **kw: Any) -> Source:
    """``spec`` is a path or URL, optionally prefixed ``jsonl:``, ``folder:`` or ``feed:``.
    ``settle_s`` applies to folders (see :class:`FolderSource`)."""
    kind, sep, rest = spec.partition(":")
    if sep and kind in {"jsonl", "folder", "feed"} and not spec.startswith(("http:", "https:")):
        if kind == "folder":
            return FolderSource(rest, settle_s=settle_s, **kw)
        return {"jsonl": JsonlSource, "feed": FeedSource}[kind](rest, **kw)
    if spec.startswith(("http://", "https://")):
        return FeedSource(spec, **kw)
    path = Path(spec)
    if path.is_dir():
        return FolderSource(spec, settle_s=settle_s, **kw)
    if not path.exists():
        raise InputError(spec, "no such file or folder (a feed URL must start with http(s)://)")
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return JsonlSource(spec, **kw)
    if suffix in FEED_SUFFIXES:
        return FeedSource(spec, **kw)
    raise InputError(spec, "cannot tell the source type: give a folder, a .jsonl export, an "
                     ".xml/.rss/.atom feed or a URL (or prefix jsonl:, folder:, feed:)")
