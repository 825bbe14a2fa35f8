"""The documented exit codes (README: 2 usage, 3 input, 4 store, 5 internal) where issue 14
found others: refs that matched everything, a newer or damaged database, an unknown format,
a read-only WAL database, and a missing optional extra (findings 4, 12, 13, 15)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from rhetorica.document import Document, DocumentMeta
from rhetorica.store import open_store
from tests.cli.test_untrusted_text import assert_inert, run_cli


def _fill(db: str, n: int = 3) -> list[int]:
    with open_store(db) as st:
        return [st.save(Document(f"Statement {i} on the ferry timetable.",
                                 DocumentMeta(speaker=f"Speaker {i}"))).document_id
                for i in range(n)]


def _count(db: str, table: str = "documents") -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


# -- finding 4: one ref, one statement -------------------------------------------------------

@pytest.mark.parametrize("ref", ["________", "%%%%%%%%", "%"])
def test_db_delete_pattern_ref_deletes_nothing(monkeypatch, capsys, tmp_path, ref):
    db = str(tmp_path / "s.db")
    _fill(db)
    code, _out, err = run_cli(monkeypatch, capsys, "db", "delete", ref, "--db", db)
    assert code == 1 and "no stored statement" in err
    assert _count(db) == 3


def test_db_delete_and_show_refuse_an_ambiguous_prefix(monkeypatch, capsys, tmp_path):
    db = str(tmp_path / "s.db")
    ids = _fill(db)
    conn = sqlite3.connect(db)
    for n, i in enumerate(ids[:2]):
        conn.execute("UPDATE documents SET key = ? WHERE id = ?", ("c0ffee00" + str(n) * 56, i))
    conn.commit()
    conn.close()
    for args in (["db", "delete", "c0ffee00"], ["db", "show", "c0ffee00"]):
        code, _out, err = run_cli(monkeypatch, capsys, *args, "--db", db)
        assert code == 2, err
        assert "c0ffee00: matches 2 stored statements" in err and len(err.splitlines()) == 1
    assert _count(db) == 3
    code, _out, _err = run_cli(monkeypatch, capsys, "db", "delete", "c0ffee001", "--db", db)
    assert code == 0 and _count(db) == 2


@pytest.mark.parametrize("ref", ["________", "%%%%%%%%"])
def test_corpus_remove_pattern_ref_removes_nothing(monkeypatch, capsys, tmp_path, ref):
    from rhetorica.ingest.corpus import CorpusDocument
    from rhetorica.store.corpus import open_corpus_store

    db = str(tmp_path / "c.db")
    with open_corpus_store(db) as store:
        store.add_documents([CorpusDocument(f"Ferry report {i}: crossings rose by {i}%.",
                                            f"r{i}.example") for i in range(3)], None, "none")
    code, _out, err = run_cli(monkeypatch, capsys, "corpus", "remove", ref, "--db", db)
    assert code == 2 and "not a document id or a full 64-character key" in err, err
    assert _count(db, "corpus_documents") == 3


# -- finding 12: a newer schema ----------------------------------------------------------------

def test_a_newer_schema_is_exit_4_and_left_untouched(monkeypatch, capsys, tmp_path):
    db = str(tmp_path / "s.db")
    _fill(db, 1)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_migrations(version, name) VALUES (99, 'future')")
    conn.commit()
    conn.close()
    before = Path(db).read_bytes()
    for args in (["db", "info"], ["db", "migrate"], ["db", "list"]):
        code, _out, err = run_cli(monkeypatch, capsys, *args, "--db", db)
        assert code == 4, (args, err)
        assert "newer version of Rhetorica (schema 99" in err and "upgrade" in err
    assert Path(db).read_bytes() == before


# -- finding 13: damaged databases, unknown formats, read-only WAL -----------------------------

def _damage_documents_table(db: str) -> None:
    """Overwrite the documents table's root page: the file still opens and migrates (its
    schema is intact), but reading statements fails with 'malformed'."""
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'"
                        ).fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with open(db, "r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(bytes([13]) + b"\xff" * (page - 1))  # a leaf page claiming 65535 cells


def test_a_damaged_database_is_exit_4_for_every_reader(monkeypatch, capsys, tmp_path):
    db = str(tmp_path / "s.db")
    _fill(db, 40)
    _damage_documents_table(db)
    for args in (["db", "list"], ["db", "show", "3"], ["db", "search", "ferry"],
                 ["db", "delete", "3"]):
        code, out, err = run_cli(monkeypatch, capsys, *args, "--db", db)
        assert code == 4, (args, out, err)
        assert db in err and "damaged" in err
        assert_inert(out + err)


def test_damaged_text_in_a_database_never_reaches_the_terminal(monkeypatch, capsys, tmp_path):
    """Invalid UTF-8 in a stored name: sqlite3's error quoted the raw bytes (ESC sequences
    included) and the CLI printed them as an internal error."""
    db = str(tmp_path / "s.db")
    _fill(db, 2)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE speakers SET name = CAST(x'53ff1b5d383b3b687474703a2f2f782e6578616d70"
                 "6c651b5c411b5b324a' AS TEXT) WHERE id = 1")
    conn.execute("UPDATE analyses SET results_json = 'not json' WHERE document_id = 2")
    conn.execute("INSERT INTO analyses(document_id, pipeline, version, results_json) "
                 "VALUES (2, 'x', '', '{broken')")
    conn.commit()
    conn.close()
    for args in (["db", "list"], ["db", "speakers"], ["db", "show", "1"], ["db", "show", "2"]):
        code, out, err = run_cli(monkeypatch, capsys, *args, "--db", db)
        assert code == 4, (args, out, err)
        assert "damaged" in err and "http://x.example" not in err, err
        assert_inert(out + err)


def test_db_show_with_an_unknown_format_is_a_usage_error(monkeypatch, capsys, tmp_path):
    db = str(tmp_path / "s.db")
    _fill(db, 1)
    code, _out, err = run_cli(monkeypatch, capsys, "db", "show", "1", "-f", "nope", "--db", db)
    assert code == 2 and "unknown format 'nope'" in err and "json" in err
    code, _out, err = run_cli(monkeypatch, capsys, "db", "show", "9", "-f", "nope", "--db", db)
    assert code == 2  # flags are checked before the store is read


@contextlib.contextmanager
def _read_only_mount(folder: Path):
    """``folder`` bind-mounted read-only (a real EROFS), or skip where mounting is denied."""
    if os.geteuid() != 0:
        pytest.skip("a read-only mount needs root")
    target = folder.with_name(folder.name + "-ro-" + uuid.uuid4().hex[:6])
    target.mkdir()
    try:
        res = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(target)],
                             capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount: {exc}")
    if res.returncode != 0:
        target.rmdir()
        pytest.skip(f"cannot mount: {res.stderr.decode(errors='replace').strip()}")
    try:
        if os.access(target, os.W_OK) and not (os.statvfs(target).f_flag & os.ST_RDONLY):
            pytest.skip("the bind mount is not read-only here")
        yield target
    finally:
        if subprocess.run(["umount", str(target)], capture_output=True, timeout=30).returncode:
            subprocess.run(["umount", "-l", str(target)], capture_output=True, timeout=30)
        with contextlib.suppress(OSError):
            target.rmdir()


def test_a_wal_database_on_a_read_only_mount_can_be_read(monkeypatch, capsys, tmp_path):
    """The docs promise reads on a read-only database; a WAL file on a read-only mount (no
    -shm can be created) answered 'unable to open database file'."""
    src = tmp_path / "data"
    src.mkdir()
    _fill(str(src / "s.db"), 3)
    assert not (src / "s.db-wal").exists()  # closed cleanly: WAL files gone
    with _read_only_mount(src) as ro:
        db = str(ro / "s.db")
        code, out, err = run_cli(monkeypatch, capsys, "db", "list", "--db", db)
        assert code == 0, err
        assert "Statement 2 on the ferry timetable." in out
        code, out, err = run_cli(monkeypatch, capsys, "db", "info", "--json", "--db", db)
        assert code == 0 and '"documents": 3' in out, err
        code, _out, err = run_cli(monkeypatch, capsys, "db", "delete", "1", "--db", db)
        assert code == 4 and "read-only" in err, err
        assert_inert(err)


# -- finding 15: a missing optional extra ------------------------------------------------------

def test_batch_dask_without_dask_names_the_extra(monkeypatch, capsys, tmp_path):
    src = tmp_path / "posts.jsonl"
    src.write_text('{"text": "The ferry ran late again."}\n', encoding="utf-8")
    out_file = tmp_path / "out.jsonl"
    for name in ("distributed", "dask", "dask.distributed"):
        monkeypatch.setitem(__import__("sys").modules, name, None)  # import -> ImportError
    code, _out, err = run_cli(monkeypatch, capsys, "batch", str(src), "-o", str(out_file),
                              "--dask", "local:1")
    assert code == 2, err
    assert "pip install 'rhetorica[dask]'" in err and len(err.strip().splitlines()) == 1
    assert "internal error" not in err
    assert not out_file.exists() and not list(tmp_path.glob("out.jsonl*"))


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_an_unusable_character_cap_is_a_usage_error(monkeypatch, capsys, tmp_path, value):
    src = tmp_path / "note.txt"
    src.write_text("The ferry runs hourly in summer.", encoding="utf-8")
    monkeypatch.setenv("RHETORICA_MAX_DOCUMENT_CHARS", value)
    code, _out, err = run_cli(monkeypatch, capsys, "corpus", "add", str(src),
                              "--db", str(tmp_path / "c.db"))
    assert code == 2 and "RHETORICA_MAX_DOCUMENT_CHARS must be a positive whole number" in err


def test_the_cli_skips_the_interpreters_last_search_for_cycles():
    """Freezing the heap at exit takes about 0.3 s off every `analyze` (issue 15 cold start)."""
    import sys

    code = ("import atexit, gc; import rhetorica.cli.main; "
            "before = gc.get_freeze_count(); atexit._run_exitfuncs(); "
            "print(before, gc.get_freeze_count() > 1000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["0", "True"]


def test_analyze_refuses_a_date_that_is_none_and_two_formats(monkeypatch, capsys, tmp_path):
    """New-user trial: '--date notadate' was stored as the date (offices then read for
    today) and '-f pdf --json' silently wrote JSON."""
    path = tmp_path / "s.txt"
    path.write_text("Crime rose by 40% last year.", encoding="utf-8")
    code, _, err = run_cli(monkeypatch, capsys, "analyze", str(path), "--no-store",
                           "--date", "notadate")
    assert code == 2 and "--date 'notadate' is not a date" in err
    code, _, err = run_cli(monkeypatch, capsys, "analyze", str(path), "--no-store",
                           "-f", "html", "--json")
    assert code == 2 and "two formats" in err
