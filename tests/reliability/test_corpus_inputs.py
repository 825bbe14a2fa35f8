"""Hostile documents for the evidence corpus (``rhetorica corpus add``): XML bombs, XXE,
broken and bomb PDFs, HTML with active content, devices; and kill -9 during ``corpus add``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import time
import zlib
from pathlib import Path

import pytest

from rhetorica.ingest.errors import InputError
from tests.reliability.helpers import ROOT, assert_clean_failure, child_cmd, child_env, run_child

corpus = pytest.importorskip("rhetorica.ingest.corpus")

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10))
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>x</title>'
    b"<description>&lol9;</description></item></channel></rss>\n"
)
QUADRATIC_BLOWUP = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + b"A" * 50_000 + b'">]>'
    b'<rss version="2.0"><channel><item><description>' + b"&a;" * 50_000
    + b"</description></item></channel></rss>"
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<rss version="2.0"><channel><title>News</title><item><title>Leak</title>'
    b"<description>Secret: &xxe;</description></item></channel></rss>\n"
)
XXE_PARAMETER = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;]>'
    b'\n<rss version="2.0"><channel><item><description>x</description></item></channel></rss>'
)
XXE_REMOTE_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    b'<rss version="2.0"><channel><item><description>Crime rose.</description></item>'
    b"</channel></rss>"
)
GOOD_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>City news</title>'
    b"<item><title>Budget</title><link>https://example.org/b</link>"
    b"<description>&lt;p&gt;The council said the budget rose 4%.&lt;/p&gt;"
    b"&lt;script&gt;alert('feed-xss')&lt;/script&gt;&lt;iframe src=x&gt;&lt;/iframe&gt;"
    b"</description></item></channel></rss>"
)


def _passwd_markers() -> list[str]:
    try:
        first = Path("/etc/passwd").read_text().splitlines()[0]
    except OSError:
        return ["root:x:0:0"]
    return [first, "root:x:0:0"]


def _assemble_pdf(objs: list[bytes]) -> bytes:
    """A PDF file of these numbered objects (1 is the catalog) with a correct xref table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _minimal_pdf(stream: bytes, *, flate: bool = False, length: int | None = None) -> bytes:
    """A syntactically complete one-page PDF whose content stream is ``stream``."""
    body = zlib.compress(stream) if flate else stream
    filt = b"/Filter /FlateDecode " if flate else b""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< " + filt + b"/Length " + str(length or len(body)).encode() + b" >>\nstream\n"
        + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _assemble_pdf(objs)


GOOD_PDF = _minimal_pdf(b"BT /F1 12 Tf 72 720 Td (The minister said exports fell 3%.) Tj ET")

BAD = {
    "billion-laughs.rss": (BILLION_LAUGHS, "unsafe XML"),
    "quadratic.xml": (QUADRATIC_BLOWUP, "unsafe XML"),
    "xxe.rss": (XXE, "unsafe XML"),
    "xxe-param.atom": (XXE_PARAMETER, "unsafe XML"),
    "truncated.rss": (GOOD_FEED[:-40], "malformed XML"),
    "broken.pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ngarbage\n%%EOF", "PDF"),
    "truncated.pdf": (GOOD_PDF[: len(GOOD_PDF) // 2], "PDF"),
    "not-a-pdf.pdf": (os.urandom(4000), "PDF"),
    "empty.html": (b"", "empty"),
    "deep.json": (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    "deep.jsonl": (b'{"text": "x", "a": ' + b"[" * 200_000 + b"\n", "nested too deeply"),
    "surrogate.jsonl": (b'{"text": "Exports fell \\ud800 in 2024.", "title": "\\udfff"}\n',
                        "surrogate"),
    "binary.txt": (b"\x00\x01\x02" * 1000, "binary"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_corpus_reader_refuses_with_input_error(tmp_path, name):
    data, needle = BAD[name]
    path = tmp_path / name
    path.write_bytes(data)
    try:
        docs = corpus.read_corpus_file(path)
    except InputError as exc:
        message = str(exc)
        assert needle.lower() in message.lower() or "empty" in message.lower(), message
        assert "\n" not in message and len(message) < 500
        for marker in _passwd_markers():
            assert marker not in message
        return
    # A feed reader may instead return nothing usable; never expanded entities or leaks.
    assert not name.endswith((".json", ".jsonl", ".pdf", ".txt")), "expected InputError"
    joined = " ".join(d.text for d in docs)
    assert "lollollol" not in joined and len(joined) < 100_000
    for marker in _passwd_markers():
        assert marker not in joined


def test_remote_dtd_is_never_fetched(tmp_path, monkeypatch):
    import socket

    def refuse(*a, **k):
        raise AssertionError("a feed tried to reach the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = tmp_path / "remote-dtd.rss"
    path.write_bytes(XXE_REMOTE_DTD)
    with contextlib.suppress(InputError):
        corpus.read_corpus_file(path)


def test_feed_html_is_sanitised_to_text(tmp_path):
    path = tmp_path / "good.rss"
    path.write_bytes(GOOD_FEED)
    docs = corpus.read_corpus_file(path)
    assert len(docs) == 1
    text = docs[0].text
    assert "budget rose 4%" in text
    assert "<script" not in text and "alert('feed-xss')" not in text and "<iframe" not in text


def test_html_page_scripts_and_handlers_never_reach_the_text(tmp_path):
    page = (b"<!doctype html><html><head><title>Council</title>"
            b"<script>var leak='html-xss-1';</script><style>p{}</style></head><body>"
            b"<article><h1>Budget vote</h1><p onclick=\"alert('html-xss-2')\">The council said "
            b"the budget rose by four percent this year, and the opposition objected loudly."
            b"</p><iframe src=\"file:///etc/passwd\">html-xss-3</iframe>"
            b"<p>Further debate is scheduled for next week, the mayor's office said.</p>"
            b"</article></body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page)
    docs = corpus.read_corpus_file(path)
    text = " ".join(d.text for d in docs)
    assert "budget rose" in text
    assert "html-xss-1" not in text and "<script" not in text and "<iframe" not in text
    for marker in _passwd_markers():
        assert marker not in text


def test_good_pdf_is_read(tmp_path):
    path = tmp_path / "ok.pdf"
    path.write_bytes(GOOD_PDF)
    docs = corpus.read_corpus_file(path)
    assert "exports fell" in docs[0].text


# -- through the CLI, in a child with an address-space cap ---------------------------------

def _corpus_add(paths: list[Path], db: Path) -> list[str]:
    return ["corpus", "add", *map(str, paths), "--db", str(db), "--json"]


@pytest.mark.parametrize("name", ["billion-laughs.rss", "xxe.rss", "broken.pdf"])
def test_corpus_add_refuses_and_stores_nothing(tmp_path, name):
    data, _ = BAD[name]
    good, bad = tmp_path / "good.rss", tmp_path / name
    good.write_bytes(GOOD_FEED)
    bad.write_bytes(data)
    db = tmp_path / "s.db"
    res = run_child(_corpus_add([good, bad], db), tmp_path)
    assert_clean_failure(res, 3, str(bad))
    for marker in _passwd_markers():
        assert marker not in res.output
    assert res.report["maxrss_kb"] < 1_500_000
    if db.exists():
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT count(*) FROM corpus_documents").fetchone()[0] == 0
        conn.close()


def test_pdf_decompression_bomb_is_bounded(tmp_path):
    """A 1 GB run of zeros compresses to ~1 MB; reading it must not need 1 GB."""
    zeros = b"0" * (256 * 1024**2)  # 256 MB of content stream, compressed to ~250 kB
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_minimal_pdf(zeros, flate=True))
    del zeros
    res = run_child(_corpus_add([bomb], tmp_path / "s.db"), tmp_path, timeout=300)
    assert res.returncode in (0, 3), res.output[-2000:]
    assert "Traceback" not in res.output
    assert res.report["maxrss_kb"] < 2_000_000


def test_corpus_add_from_a_device_is_bounded(tmp_path):
    res = run_child(["corpus", "add", "/dev/zero", "--input-format", "text", "--db",
                     str(tmp_path / "s.db")], tmp_path, timeout=120)
    assert_clean_failure(res, 3, "/dev/zero")
    assert res.report["maxrss_kb"] < 1_000_000


def _xobject_pdf(repeats: int, line: bytes = b"The harbour budget rose by four percent.",
                 lines: int = 5000) -> bytes:
    """One page that draws one form XObject ``repeats`` times: the form holds ``lines`` lines
    of text (~200 kB), compressed to a few kB, so the file stays tiny while text extraction
    returns the text once per drawing (issue 14, finding 5)."""
    form = b"BT /F1 12 Tf 72 720 Td 14 TL " + b"".join(b"(" + line + b") Tj T* "
                                                        for _ in range(lines)) + b"ET"
    form_z = zlib.compress(form, 9)
    page_z = zlib.compress(b"q /X1 Do Q\n" * repeats, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
        b"<< /Filter /FlateDecode /Length " + str(len(page_z)).encode() + b" >>\nstream\n"
        + page_z + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font "
        b"<< /F1 5 0 R >> >> /Filter /FlateDecode /Length " + str(len(form_z)).encode()
        + b" >>\nstream\n" + form_z + b"\nendstream",
    ]
    return _assemble_pdf(objs)


def test_pdf_text_amplification_is_capped(tmp_path):
    """A few-kB PDF drawing one 200 kB form 400 times extracted 80 million characters (25 s,
    350 MB; 3,000 drawings never finished). Extraction now stops at the total cap."""
    import time

    from rhetorica.config import Settings

    bomb = tmp_path / "amplified.pdf"
    bomb.write_bytes(_xobject_pdf(400))
    assert bomb.stat().st_size < 10_000
    cap = Settings().max_document_chars
    start = time.monotonic()
    with pytest.raises(InputError, match=f"more than {cap:,} characters.*"
                                         "RHETORICA_MAX_DOCUMENT_CHARS"):
        corpus.read_corpus_file(bomb)
    assert time.monotonic() - start < 30
    # One drawing is an ordinary document.
    one = tmp_path / "once.pdf"
    one.write_bytes(_xobject_pdf(1, lines=50))
    (doc,) = corpus.read_corpus_file(one)
    assert doc.text.count("The harbour budget rose") == 50


@pytest.mark.parametrize("name", ["long.txt", "long.html", "long.pdf", "long.jsonl"])
def test_every_reader_honours_the_character_cap(tmp_path, monkeypatch, name):
    monkeypatch.setenv("RHETORICA_MAX_DOCUMENT_CHARS", "20000")
    sentence = "The ferry timetable changes in June. "
    body = {"long.txt": (sentence * 1000).encode(),
            "long.html": b"<html><body><p>" + (sentence * 1000).encode() + b"</p></body></html>",
            "long.pdf": _xobject_pdf(20, line=sentence.strip().encode(), lines=100),
            "long.jsonl": json.dumps({"text": sentence * 1000}).encode() + b"\n"}[name]
    path = tmp_path / name
    path.write_bytes(body)
    with pytest.raises(InputError, match="more than 20,000 characters"):
        corpus.read_corpus_file(path)
    monkeypatch.setenv("RHETORICA_MAX_DOCUMENT_CHARS", "200000")
    assert corpus.read_corpus_file(path)


def test_corpus_add_of_an_amplifying_pdf_is_a_clear_bounded_error(tmp_path):
    bomb = tmp_path / "amplified.pdf"
    bomb.write_bytes(_xobject_pdf(3000))
    res = run_child(_corpus_add([bomb], tmp_path / "s.db"), tmp_path, timeout=120)
    assert_clean_failure(res, 3, str(bomb), "characters")
    assert res.report["maxrss_kb"] < 1_000_000


def _corpus_counts(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = conn.execute("SELECT count(*) FROM corpus_documents").fetchone()[0]
        passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        return docs, passages
    finally:
        conn.close()


def test_kill_9_during_corpus_add_then_resume_no_duplicates(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(40):
        (folder / f"n{i:03d}.txt").write_text(
            f"Report {i}. The regional council said unemployment fell to {i % 9}.{i % 7}% in "
            f"2024, according to the statistics office. Exports rose by {i}% over the year.\n")
    db = tmp_path / "s.db"
    args = ["corpus", "add", str(folder), "--db", str(db), "--json"]
    # First a kill at the worst moment: every row written, COMMIT not yet run.
    mark = tmp_path / "mark"
    proc = subprocess.Popen(child_cmd(args, fault="pause-before-commit"), cwd=ROOT,
                            env=child_env({"RHETORICA_FAULT_MARK": str(mark)}),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not mark.exists():
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _corpus_counts(db) == (0, 0)
    # Then kills at arbitrary moments of the real command.
    for delay in (1.0, 3.0, 6.0):
        proc = subprocess.Popen(child_cmd(args), cwd=ROOT, env=child_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        if db.exists():
            assert _corpus_counts(db)[0] in (0, 40)  # one transaction: all or nothing
    for _ in range(2):
        res = run_child(args, tmp_path)
        assert res.returncode == 0, res.output[-2000:]
        docs, passages = _corpus_counts(db)
        assert docs == 40 and passages >= 40
    conn = sqlite3.connect(db)
    dupes = conn.execute("SELECT count(*) - count(DISTINCT text) FROM passages").fetchone()[0]
    conn.close()
    assert dupes == 0
