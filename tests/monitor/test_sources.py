"""Sources: cursors, item keys and safe parsing for JSONL exports, folders and feeds."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from rhetorica.ingest.errors import InputError
from rhetorica.monitor.sources import (
    FeedSource,
    FolderSource,
    JsonlSource,
    html_to_text,
    make_source,
)


def _line(i: int, text: str = "A calm statement about roads.") -> str:
    return json.dumps({"id": i, "text": f"{text} ({i})", "author": "A", "date": "2025-01-01"})


def test_jsonl_cursor_reads_only_complete_lines(tmp_path):
    p = tmp_path / "posts.jsonl"
    p.write_text(_line(1) + "\n" + _line(2) + "\n" + _line(3)[:20], encoding="utf-8")
    src = JsonlSource(str(p))
    items = list(src.poll({}))
    assert [it.doc.meta.extra["id"] for it in items] == ["1", "2"]
    cursor = items[-1].cursor
    assert cursor == {"offset": len((_line(1) + "\n" + _line(2) + "\n").encode())}
    # The half-written line is completed and another appended: only those two are new.
    p.write_text(p.read_text() + _line(3)[20:] + "\n" + _line(4) + "\n", encoding="utf-8")
    more = list(src.poll(cursor))
    assert [it.doc.meta.extra["id"] for it in more] == ["3", "4"]
    assert len({it.key for it in items + more}) == 4
    assert list(src.poll(more[-1].cursor)) == []


def test_jsonl_bad_line_is_an_error_item_that_advances(tmp_path):
    p = tmp_path / "posts.jsonl"
    p.write_text(_line(1) + "\n{not json\n" + json.dumps({"no_text": 1}) + "\n" + _line(2)
                 + "\n", encoding="utf-8")
    items = list(JsonlSource(str(p)).poll({}))
    assert [it.doc is None for it in items] == [False, True, True, False]
    assert "malformed JSON" in items[1].error
    assert "no text field" in items[2].error
    assert items[1].cursor["offset"] < items[2].cursor["offset"] < items[3].cursor["offset"]


def test_jsonl_truncated_file_restarts_from_zero(tmp_path):
    p = tmp_path / "posts.jsonl"
    p.write_text(_line(1) + "\n" + _line(2) + "\n", encoding="utf-8")
    src = JsonlSource(str(p))
    first = list(src.poll({}))
    p.write_text(_line(9) + "\n", encoding="utf-8")  # rotated: smaller than the cursor
    again = list(src.poll(first[-1].cursor))
    assert [it.doc.meta.extra["id"] for it in again] == ["9"]
    assert again[0].key not in {it.key for it in first}


def test_folder_tracks_new_changed_and_touched_files(tmp_path):
    root = tmp_path / "inbox"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("The Guard was deployed to the port.", encoding="utf-8")
    (root / "sub" / "b.jsonl").write_text(_line(1) + "\n" + _line(2) + "\n", encoding="utf-8")
    (root / ".hidden.txt").write_text("secret draft", encoding="utf-8")
    (root / "image.png").write_bytes(b"\x89PNG\x00\x00")
    src = FolderSource(str(root))
    items = list(src.poll({}))
    assert [it.doc.text.split(" (")[0] for it in items] == [
        "The Guard was deployed to the port.", "A calm statement about roads.",
        "A calm statement about roads."]
    assert items[0].doc.meta.date.endswith("Z")  # file mtime stands in for a missing date
    cursor = next(it.cursor for it in reversed(items) if it.cursor)
    assert list(src.poll(cursor)) == []
    # Touched but identical: no new document, cursor refreshed.
    os.utime(root / "a.txt", ns=(1, 10**18))
    touched = list(src.poll(cursor))
    assert len(touched) == 1 and touched[0].doc is None and touched[0].error is None
    cursor = touched[0].cursor
    (root / "a.txt").write_text("A curfew was imposed downtown.", encoding="utf-8")
    changed = list(src.poll(cursor))
    assert [it.doc.text for it in changed] == ["A curfew was imposed downtown."]
    assert changed[0].key != items[0].key


def test_folder_bad_file_is_reported_not_fatal(tmp_path):
    (tmp_path / "bad.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "good.txt").write_text("Hello there.", encoding="utf-8")
    items = list(FolderSource(str(tmp_path)).poll({}))
    assert items[0].doc is None and "malformed JSON" in items[0].error
    assert items[1].doc.text == "Hello there."


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>City Desk</title>
<item><guid>b</guid><title>Curfew ordered downtown</title>
<pubDate>Tue, 03 Jun 2025 20:00:00 GMT</pubDate><author>desk@example.org (Desk)</author>
<description>&lt;p&gt;The mayor &lt;b&gt;ordered&lt;/b&gt; a curfew.&lt;/p&gt;
&lt;script&gt;alert(1)&lt;/script&gt;</description></item>
<item><guid>a</guid><title>Council meets</title><pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate>
<description>Budget talks continue.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Statements</title>
<entry><id>urn:x:1</id><title>Guard deployed</title><updated>2025-06-16T08:00:00Z</updated>
<author><name>Press Office</name></author><link href="https://example.org/1"/>
<content type="html">&lt;p&gt;Troops were deployed to Riverton.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_file_entries_in_date_order_with_html_stripped(tmp_path):
    p = tmp_path / "city.rss"
    p.write_text(RSS, encoding="utf-8")
    items = list(make_source(str(p)).poll({}))
    assert [it.doc.meta.date for it in items] == ["2025-06-02T09:00:00Z", "2025-06-03T20:00:00Z"]
    curfew = items[1].doc
    assert curfew.text == "Curfew ordered downtown\n\nThe mayor ordered a curfew."
    assert "alert(1)" not in curfew.text and "<" not in curfew.text
    assert curfew.meta.source == "City Desk"
    assert items[0].cursor is None and items[1].cursor is not None
    assert [it.key for it in items] == [it.key for it in make_source(str(p)).poll({})]


def test_atom_file(tmp_path):
    p = tmp_path / "s.atom"
    p.write_text(ATOM, encoding="utf-8")
    (item,) = list(make_source(str(p)).poll({}))
    assert item.doc.meta.speaker == "Press Office"
    assert item.doc.meta.url == "https://example.org/1"
    assert item.doc.text == "Guard deployed\n\nTroops were deployed to Riverton."


def test_not_a_feed_is_an_input_error(tmp_path):
    p = tmp_path / "x.xml"
    p.write_text("this is not xml at all <<<", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable RSS/Atom feed"):
        list(make_source(str(p)).poll({}))


def test_feed_url_uses_etag_and_handles_not_modified():
    seen_headers = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen_headers.append(self.headers.get("If-None-Match"))
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            body = ATOM.encode()
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        src = FeedSource(f"http://127.0.0.1:{server.server_port}/feed")
        items = list(src.poll({}))
        assert len(items) == 1 and items[0].cursor == {"etag": '"v1"'}
        assert list(src.poll(items[0].cursor)) == []
        assert seen_headers == [None, '"v1"']
    finally:
        server.shutdown()
        server.server_close()


def test_make_source_errors(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        make_source(str(tmp_path / "nope.jsonl"))
    (tmp_path / "x.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the source type"):
        make_source(str(tmp_path / "x.csv"))
    (tmp_path / "posts.log").write_text(_line(1) + "\n", encoding="utf-8")
    assert make_source("jsonl:" + str(tmp_path / "posts.log")).kind == "jsonl"


def test_html_to_text():
    assert html_to_text("<p>A &amp; B</p><style>x{}</style><p>C</p>") == "A & B\n\nC"
    assert html_to_text("plain &lt;text&gt;") == "plain <text>"


def test_folder_leaves_files_still_being_written_for_the_next_poll(tmp_path):
    (tmp_path / "old.txt").write_text("Written long ago.", encoding="utf-8")
    os.utime(tmp_path / "old.txt", (1, 1))
    (tmp_path / "fresh.txt").write_text("Still being wri", encoding="utf-8")
    src = make_source(str(tmp_path), settle_s=60)
    assert [it.doc.text for it in src.poll({})] == ["Written long ago."]
    os.utime(tmp_path / "fresh.txt", (2, 2))  # settled
    assert [it.doc.text for it in src.poll({})] == ["Still being wri", "Written long ago."]


# -- issue 14, finding 7: bounded reads for every local source --------------------------------

LIMIT = 50_000


def _zeros_fifo(path, stop):
    """A FIFO whose writer never stops: what a size check based on stat never sees."""
    os.mkfifo(path)

    def writer():
        try:
            fd = os.open(path, os.O_WRONLY)
        except OSError:
            return
        try:
            while not stop.is_set():
                os.write(fd, b"<" * 65536)
        except OSError:  # the reader closed its end: done
            pass
        finally:
            os.close(fd)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def no_unbounded_reads(monkeypatch):
    """Path.read_bytes has no limit: a source that calls it on /dev/zero eats all memory
    (this test must fail cleanly, not take the machine down, where the fix is missing)."""
    from pathlib import Path

    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"unbounded read of {self}"))


@pytest.mark.parametrize("kind", ["device", "symlink-to-device", "fifo"])
def test_local_feed_reads_stop_at_the_limit(tmp_path, kind, no_unbounded_reads):
    """`watch run --once feed:/dev/zero` read until MemoryError: the size check trusted
    stat, which says 0 bytes for devices, FIFOs and /proc files."""
    stop = threading.Event()
    if kind == "device":
        path = "/dev/zero"
    elif kind == "symlink-to-device":
        path = str(tmp_path / "news.rss")
        os.symlink("/dev/zero", path)
    else:
        path = str(tmp_path / "news.rss")
        _zeros_fifo(path, stop)
    try:
        with pytest.raises(InputError, match=f"above the {LIMIT} byte limit"):
            list(FeedSource(path, max_bytes=LIMIT).poll({}))
    finally:
        stop.set()
        if kind == "fifo":  # release a writer still waiting for a reader
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))


def test_a_folder_file_that_grows_after_stat_is_read_bounded(tmp_path, monkeypatch,
                                                            no_unbounded_reads):
    """A file that grows between the listing and the read: at most limit + 1 bytes."""
    from pathlib import Path

    folder = tmp_path / "drop"
    folder.mkdir()
    small = folder / "post.txt"
    small.write_text("The harbour reopened today.", encoding="utf-8")
    real_open = Path.open

    def growing_open(self, *args, **kwargs):
        fh = real_open(self, *args, **kwargs)
        if self.name == "post.txt":
            with real_open(self, "ab") as grow:
                grow.write(b"x" * (LIMIT * 4))
        return fh

    monkeypatch.setattr(Path, "open", growing_open)
    (item,) = list(FolderSource(str(folder), max_bytes=LIMIT).poll({}))
    assert item.doc is None and f"above the {LIMIT} byte limit" in item.error


def test_a_feed_that_breaks_the_parser_is_an_input_error(tmp_path):
    """feedparser itself raised UnicodeEncodeError on a lone-surrogate character reference:
    that escaped as an internal error and stopped `watch` (every poll, for good)."""
    p = tmp_path / "bad.rss"
    p.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
                  b"<title>A &#xD800; b</title><guid>g</guid></item></channel></rss>")
    with pytest.raises(InputError, match="not a readable RSS/Atom feed"):
        list(FeedSource(str(p)).poll({}))


def test_one_unreadable_feed_entry_is_an_error_item(tmp_path, monkeypatch):
    """An entry the source cannot turn into a document is skipped and reported; the entries
    around it still arrive and the cursor still moves."""
    from rhetorica.monitor import sources

    p = tmp_path / "s.rss"
    p.write_text(RSS, encoding="utf-8")
    real = sources.html_to_text

    def fragile(value):
        if "curfew" in value.lower():
            raise ValueError("unexpected markup")
        return real(value)

    monkeypatch.setattr(sources, "html_to_text", fragile)
    items = list(make_source(str(p)).poll({}))
    assert len(items) == 2
    bad = [it for it in items if it.doc is None]
    assert len(bad) == 1 and "cannot read entry" in bad[0].error and bad[0].key
    assert items[-1].cursor is not None
