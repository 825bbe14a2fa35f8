"""Uploads (issue 14, finding 14 and the web side of finding 5).

- The stored source of a corpus upload without one is the file's name (or "upload"), never
  the name of a temporary folder, and no temporary path leaks into what is stored.
- File names that cannot be a file (``..``, longer than a file system allows, NUL or other
  control characters) are a 400 with a message, on every upload route, never a 500.
- Corpus files (PDF, HTML, feeds...) are parsed in a separate process with a time, memory
  and output bound, so a hostile file cannot hold or bloat the server process.
"""

from __future__ import annotations

import time
import zlib

import pytest

from rhetorica.ingest.errors import InputError
from rhetorica.web.features import available

UPLOAD_ROUTES = ["/api/v1/corpus/upload", "/corpus/upload", "/api/v1/jobs/upload", "/upload"]


def need_corpus() -> None:
    if not available("corpus"):
        pytest.skip("corpus is not installed in this tree")


def multipart(name: bytes, data: bytes, **fields: str) -> tuple[bytes, dict[str, str]]:
    """A multipart body with a raw file name (httpx would percent-encode a NUL)."""
    b = b"rhetoricaBOUNDARY"
    parts = [b"--" + b + b'\r\nContent-Disposition: form-data; name="' + k.encode() +
             b'"\r\n\r\n' + v.encode() + b"\r\n" for k, v in fields.items()]
    parts.append(b"--" + b + b'\r\nContent-Disposition: form-data; name="file"; filename="' +
                 name + b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + data + b"\r\n")
    body = b"".join(parts) + b"--" + b + b"--\r\n"
    return body, {"content-type": "multipart/form-data; boundary=" + b.decode()}


BAD_NAMES = {
    "dotdot": b"..",
    "dot": b".",
    "dotdot-in-path": b"notes/..",
    "300-chars": b"a" * 296 + b".txt",
    "nul": b"notes\x00.txt",
    "newline": b"notes\n.txt",
}


@pytest.mark.parametrize("route", UPLOAD_ROUTES)
@pytest.mark.parametrize("label", list(BAD_NAMES))
def test_impossible_file_names_are_a_400_on_every_upload_route(client, route, label):
    if "corpus" in route:
        need_corpus()
    body, headers = multipart(BAD_NAMES[label], b'{"text": "Wages rose 3% in 2024."}\n')
    r = client.post(route, content=body, headers=headers, follow_redirects=False)
    assert r.status_code == 400, (route, label, r.status_code, r.text[:300])
    assert "file name" in r.text
    assert "Traceback" not in r.text and "internal error" not in r.text
    assert client.get("/api/v1/jobs").json() == []  # nothing was started


def test_directories_in_a_file_name_are_dropped_not_followed(client):
    need_corpus()
    body, headers = multipart(b"../../etc/notes.txt",
                              b"The council approved the budget in March 2024.\n")
    r = client.post("/api/v1/corpus/upload", content=body, headers=headers)
    assert r.status_code == 202, r.text
    assert "notes.txt" in r.json()["title"] and ".." not in r.json()["title"]


def test_corpus_source_defaults_to_the_file_name(app, client):
    need_corpus()
    from rhetorica.store.corpus import corpus_store_for

    text = b"Recorded crime in the city rose by 40 percent in 2024, the police report shows.\n"
    r = client.post("/api/v1/corpus/upload", files={"file": ("police-report.txt", text)})
    assert r.status_code == 202, r.text
    job = app.state.services.jobs.wait(r.json()["id"], timeout=180)
    assert job.status == "done", job.error
    rows = client.get("/api/v1/corpus").json()
    assert [row["source"] for row in rows] == ["police-report.txt"]
    store = app.state.services.store
    with store.use():
        listed = corpus_store_for(store.store).list_documents(limit=10)
    assert "tmp" not in repr(listed)  # no temporary folder in any stored field


def test_parse_worker_source_and_origin():
    need_corpus()
    from rhetorica.web.uploads import ParseLimits, UploadParser

    parser = UploadParser(ParseLimits(seconds=60))
    text = b"The council approved the budget in March 2024 by nine votes to four.\n"
    [doc] = parser.read_corpus(text, "council.txt", None)
    assert doc.source == "council.txt" and doc.origin == "council.txt"
    [doc] = parser.read_corpus(text, "council.txt", "City Gazette")
    assert doc.source == "City Gazette"
    [doc] = parser.read_corpus(text, None, None)
    assert doc.source == "upload" and doc.origin == "upload"
    with pytest.raises(InputError, match=r"^bad\.jsonl:2: "):
        parser.read_corpus(b'{"text": "ok"}\n{"text": \n', "bad.jsonl", None)


# -- the bounded worker: targets that misbehave on purpose (importable by the spawned child) --
def sleepy_reader(path, source=None):
    time.sleep(60)
    return []


def greedy_reader(path, source=None):
    hog = []
    while True:
        hog.append(bytearray(64 * 1024 * 1024))


def wordy_reader(path, source=None):
    from rhetorica.ingest.corpus import CorpusDocument

    return [CorpusDocument(text="word " * 200_000, origin=str(path)) for _ in range(5)]


def crashing_reader(path, source=None):
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("target, limits, expected", [
    (sleepy_reader, {"seconds": 2}, "took longer than 2 s"),
    (greedy_reader, {"memory_bytes": 1_500_000_000}, "more memory than"),
    (wordy_reader, {"max_chars": 1_000_000}, "more than 1,000,000 characters"),
    (crashing_reader, {}, "reader process died"),
])
def test_parse_worker_bounds(target, limits, expected):
    from rhetorica.web.uploads import ParseLimits, UploadParser

    parser = UploadParser(ParseLimits(**limits))
    t0 = time.monotonic()
    with pytest.raises(InputError, match=expected) as info:
        parser.read_corpus(b"anything", "hostile.pdf", None,
                           target=f"{__name__}:{target.__name__}")
    assert info.value.origin == "hostile.pdf"
    assert time.monotonic() - t0 < 30


def test_parse_worker_is_bounded_in_concurrency():
    from rhetorica.web.services import ServiceBusy
    from rhetorica.web.uploads import ParseLimits, UploadParser

    parser = UploadParser(ParseLimits(seconds=5), workers=1, wait_s=0.2)
    import threading

    started = threading.Event()

    def first():
        started.set()
        with pytest.raises(InputError):
            parser.read_corpus(b"x", "a.pdf", None, target=f"{__name__}:sleepy_reader")

    t = threading.Thread(target=first)
    t.start()
    started.wait(5)
    time.sleep(0.5)
    with pytest.raises(ServiceBusy, match="another upload is being read"):
        parser.read_corpus(b"x", "b.pdf", None, target=f"{__name__}:sleepy_reader")
    t.join(30)


def amplifying_pdf(repeats: int = 400, xobject_kb: int = 200) -> bytes:
    """A small PDF whose page draws one large form XObject many times (finding 5)."""
    text_ops = b"BT /F1 12 Tf 10 10 Td (" + b"amplified text " * 8 + b") Tj ET\n"
    form = text_ops * (xobject_kb * 1024 // len(text_ops))
    form_z = zlib.compress(form, 9)
    page = b"q /X0 Do Q\n" * repeats
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /X0 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(page) + page + b"\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Filter /FlateDecode "
        b"/Resources << /Font << /F1 6 0 R >> >> /Length %d >>\nstream\n" % len(form_z)
        + form_z + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return bytes(out)


def test_amplifying_pdf_upload_is_refused_within_its_bounds(pipeline, tmp_path):
    """The reported case: through the web it ran inside the server and stored 80 MB."""
    need_corpus()
    from fastapi.testclient import TestClient

    from tests.web.conftest import BASE, make_app

    app = make_app(pipeline, tmp_path / "pdf.db", upload_parse_seconds=8,
                   upload_max_chars=2_000_000)
    try:
        with TestClient(app, base_url=BASE) as c:
            t0 = time.monotonic()
            r = c.post("/api/v1/corpus/upload",
                       files={"file": ("bomb.pdf", amplifying_pdf())})
            assert time.monotonic() - t0 < 60
            assert r.status_code == 400, r.text[:300]
            assert r.json()["error"]["message"].startswith("bomb.pdf: ")
            assert c.get("/api/v1/corpus/stats").json()["documents"] == 0
            assert c.get("/api/v1/jobs").json() == []
    finally:
        app.state.services.close()
