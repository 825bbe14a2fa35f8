"""Hostile feeds and exports for ``rhetorica watch`` sources (the watcher's kill -9 resume test
lives in tests/monitor/test_crash_resume.py and is not repeated here)."""

from __future__ import annotations

import pytest

from rhetorica.ingest.errors import InputError
from tests.reliability.test_corpus_inputs import (
    BILLION_LAUGHS,
    GOOD_FEED,
    QUADRATIC_BLOWUP,
    XXE,
    XXE_PARAMETER,
    _passwd_markers,
)

sources = pytest.importorskip("rhetorica.monitor.sources")

FEEDS = {"billion-laughs": BILLION_LAUGHS, "quadratic": QUADRATIC_BLOWUP, "xxe": XXE,
         "xxe-param": XXE_PARAMETER, "truncated": GOOD_FEED[:-40], "binary": bytes(range(256)),
         "empty": b"", "good-with-scripts": GOOD_FEED}


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_feed_source_never_expands_entities_or_leaks_files(tmp_path, name):
    path = tmp_path / f"{name}.rss"
    path.write_bytes(FEEDS[name])
    try:
        items = list(sources.FeedSource(str(path)).poll({}))
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    for item in items:
        text = item.doc.text if item.doc is not None else (item.error or "")
        assert len(text) < 200_000
        assert "lollollollol" not in text
        assert "<script" not in text and "alert('feed-xss')" not in text
        for marker in _passwd_markers():
            assert marker not in text


def test_jsonl_source_bad_lines_are_reported_not_raised(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(b'{"text": "Fine post about roads."}\n{"text": \n' + b"[" * 100_000 + b"\n"
                     b'{"text": "bad \\ud800 surrogate"}\n\xff\xfe\x00garbage\n'
                     b'{"text": "Another fine post."}\n')
    try:
        items = list(sources.JsonlSource(str(path)).poll({}))
    except InputError:
        return
    good = [i for i in items if i.doc is not None]
    assert [i.doc.text for i in good][:1] == ["Fine post about roads."]
    for item in good:
        item.doc.text.encode("utf-8")


@pytest.mark.parametrize("name", ["billion-laughs", "xxe", "good-with-scripts"])
def test_watch_once_on_a_hostile_local_feed(tmp_path, name):
    """The real `rhetorica watch --once` on a local feed: no traceback, no leaked file, no
    socket (the audit hook refuses any), and a second run adds nothing."""
    import sqlite3

    from tests.reliability.helpers import run_child
    from tests.reliability.test_network import assert_no_network

    path = tmp_path / f"{name}.rss"
    path.write_bytes(FEEDS[name])
    db = tmp_path / "w.db"
    counts = []
    for _ in range(2):
        res = run_child(["watch", "run", str(path), "--once", "--db", str(db), "--quiet",
                         "--pipeline", "parse,segment,entities,rhetoric,tone"], tmp_path,
                        no_network=True)
        assert res.returncode in (0, 1, 3), res.output[-2000:]
        assert "Traceback" not in res.output and "internal error" not in res.output
        for marker in _passwd_markers():
            assert marker not in res.output
        assert_no_network(res.report["socket_events"])
        if db.exists():
            conn = sqlite3.connect(db)
            counts.append(conn.execute("SELECT count(*) FROM watch_items").fetchone()[0])
            conn.close()
    assert len(set(counts)) <= 1  # re-polling the same feed adds nothing
