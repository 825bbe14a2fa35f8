"""SQLite store: migrations, idempotent and transactional saves, search, history."""

from __future__ import annotations

import os
import sqlite3

import pytest

from rhetorica.document import Document, DocumentMeta
from rhetorica.store import StoreError, open_store
from rhetorica.store.sqlite import migrations


def analysed(analyze, text, **meta):
    return analyze(text, **meta)


def test_fresh_store_is_migrated(tmp_path):
    with open_store(str(tmp_path / "a" / "b.db")) as st:
        assert st.schema_version() == max(v for v, _, _ in migrations())
        names = {r[0] for r in st.query("SELECT name FROM sqlite_master")}
        assert {"documents", "speakers", "analyses", "spans", "documents_fts"} <= names


def test_save_is_idempotent(tmp_path, analyze):
    doc = analyze("Crime rose 40% in Portland. It is a war zone.", speaker="A", date="2025-01-01")
    with open_store(str(tmp_path / "s.db")) as st:
        first = st.save(doc)
        second = st.save(doc)
        assert first.created and not second.created
        assert first.document_id == second.document_id
        stats = st.stats()
        assert (stats["documents"], stats["analyses"]) == (1, 1)
        assert stats["spans"] == len(doc.spans)


def test_roundtrip_spans_and_results(tmp_path, analyze):
    doc = analyze("They are animals flooding our city.", speaker="B", date="2025-02-02")
    with open_store(str(tmp_path / "s.db")) as st:
        res = st.save(doc)
        back = st.get(res.document_id)
        assert back is not None
        assert back.text == doc.text
        assert sorted(s.to_dict().items().__repr__() for s in back.spans) == sorted(
            s.to_dict().items().__repr__() for s in doc.spans)
        assert back.results["tone"] == doc.results["tone"]
        assert st.get(res.key[:12]).text == doc.text


def test_failed_batch_leaves_nothing(tmp_path, analyze):
    good = analyze("A calm statement about roads.")
    bad = Document("Bad one.", DocumentMeta())
    bad.results["pipeline"] = ["x"]
    bad.results["tone"] = {"intensity": object()}  # cannot be serialised
    with open_store(str(tmp_path / "s.db")) as st:
        with pytest.raises(StoreError):
            st.save_many([good, bad])
        assert st.stats()["documents"] == 0


def test_search_list_speakers_history(tmp_path, analyze):
    with open_store(str(tmp_path / "s.db")) as st:
        for date, text in [("2025-01-01", "The city is calm and safe today."),
                           ("2025-01-05", "Federal agents arrived in the city."),
                           ("2025-01-09", "This is an invasion! Vermin everywhere! A war zone!")]:
            st.save(analyze(text, speaker="Mayor", date=date))
        st.save(analyze("Unrelated text about farming.", speaker="Farmer", date="2025-01-02"))
        assert [r.date for r in st.search("city")] and all(
            "city" in r.preview.lower() for r in st.search("city"))
        assert st.search("'; DROP TABLE documents; --") == []
        assert [r.date for r in st.list_documents(speaker="Mayor")] == [
            "2025-01-09", "2025-01-05", "2025-01-01"]
        assert len(st.list_documents(since="2025-01-03", until="2025-01-06")) == 1
        assert dict(st.speakers()) == {"Mayor": 3, "Farmer": 1}
        hist = st.speaker_history("Mayor")
        assert [h["date"] for h in hist] == ["2025-01-01", "2025-01-05", "2025-01-09"]
        assert hist[-1]["intensity"] > hist[0]["intensity"]


def test_delete_cascades(tmp_path, analyze):
    with open_store(str(tmp_path / "s.db")) as st:
        res = st.save(analyze("Crime rose 40% in 2024."))
        assert st.delete(res.document_id)
        assert st.stats()["spans"] == 0
        assert st.search("crime") == []
        assert not st.delete(res.document_id)


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a Rhetorica database"):
        open_store(str(path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_database_is_a_clear_error(tmp_path, analyze):
    path = tmp_path / "ro.db"
    open_store(str(path)).close()
    for p in tmp_path.iterdir():
        p.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with open_store(str(path)) as st, pytest.raises(StoreError, match="read-only"):
            st.save(analyze("Some text."))
    finally:
        tmp_path.chmod(0o755)


def test_read_only_via_uri(tmp_path, analyze):
    """Works as root too: open the file through a read-only connection."""
    from rhetorica.store.sqlite import SQLiteStore

    path = tmp_path / "ro.db"
    open_store(str(path)).close()
    st = SQLiteStore.__new__(SQLiteStore)
    st.url = str(path)
    import threading

    st._lock = threading.RLock()
    st.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                              check_same_thread=False)
    with pytest.raises(StoreError, match="read-only"):
        st.save(analyze("Some text."))


def test_many_processes_opening_a_new_file_migrate_once(tmp_path):
    """Opening a fresh store from several processes at once must not race on migrations."""
    import subprocess
    import sys

    path = tmp_path / "race.db"
    code = ("import sys; from rhetorica.store import open_store; "
            "st = open_store(sys.argv[1]); print(st.schema_version()); st.close()")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(6)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err.decode()[-300:] for _, err in results]
    versions = {out.decode().strip() for out, _ in results}
    assert versions == {str(max(v for v, _, _ in migrations()))}
    with open_store(str(path)) as st:
        rows = st.query("SELECT version, count(*) FROM schema_migrations GROUP BY version")
        assert all(n == 1 for _, n in rows)


def _wait(condition, seconds=20.0):
    import time

    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def _log_frames_after_two_bursts(path, background: bool) -> int:
    """Frames in the write-ahead log after two bursts of writes (the log emptied before)."""
    docs = [Document(f"Statement {i}: crime rose {i}% in 2024 across the county. " * 30)
            for i in range(90)]
    with open_store(str(path)) as st:
        if background:
            assert st.checkpoint_in_background(every_s=0.01)
        else:
            st.conn.execute("PRAGMA wal_autocheckpoint = 0")
        st.save_many(docs[:10])
        st.checkpoint()
        st.save_many(docs[10:50])
        if background:
            runs = st._checkpointer.runs
            _wait(lambda: st._checkpointer.runs > runs)
        st.save_many(docs[50:])
        frames, _merged = st.checkpoint()
        if background:
            thread = st._checkpointer._thread
    if background:
        assert not thread.is_alive()  # closing the store stops the thread
    with open_store(str(path)) as st:
        assert st.stats()["documents"] == 90
    return frames


def test_background_checkpoints_keep_the_log_small(tmp_path):
    """A server's store merges its write-ahead log from a thread of its own (no commit
    waits for that) and the log starts again from its beginning once merged, so it holds
    one burst of writes instead of all of them since the last merge."""
    merged = _log_frames_after_two_bursts(tmp_path / "a.db", background=True)
    unmerged = _log_frames_after_two_bursts(tmp_path / "b.db", background=False)
    assert 0 < merged < 0.75 * unmerged


def test_background_checkpoints_turn_off_merging_in_commits(tmp_path):
    with open_store(str(tmp_path / "s.db")) as st:
        assert st.query("PRAGMA wal_autocheckpoint")[0][0] == 1000
        assert st.checkpoint_in_background()
        assert st.query("PRAGMA wal_autocheckpoint")[0][0] == 0


def test_no_log_no_background_checkpoints():
    with open_store(":memory:") as st:
        assert not st.checkpoint_in_background()
