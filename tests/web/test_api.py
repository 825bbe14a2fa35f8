"""The JSON API: analyses, the store, exports and one-line JSON errors."""

from __future__ import annotations

import json

import pytest

from rhetorica import registry

TEXT = ("They are vermin flooding our city; it is a war zone. Crime rose 40% in 2024 "
        "according to the police. Senator Jane Roe voted against the budget in March.")


def analyze(client, text=TEXT, **extra):
    r = client.post("/api/v1/analyze", json={"text": text, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def test_analyze_returns_offsets_that_point_at_the_text(client):
    data = analyze(client, speaker="Jane Roe", date="2024-03-02")
    doc = data["document"]
    assert data["id"] >= 1 and data["created"] is True
    assert doc["text"] == TEXT and doc["meta"]["speaker"] == "Jane Roe"
    layers = {s["layer"] for s in doc["spans"]}
    assert {"sentence", "claim", "rhetoric"} <= layers
    for s in doc["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(TEXT)
        assert s["text"] == TEXT[s["start"]:s["end"]]
    war = [s for s in doc["spans"] if s["label"] == "war_frame"]
    assert war and war[0]["text"] == "war zone"
    assert doc["results"]["tone"]["intensity"] > 0
    assert data["links"]["page"] == f"/documents/{data['id']}"
    # Same statement again: same document, analysis replaced, not duplicated.
    again = analyze(client, speaker="Jane Roe", date="2024-03-02")
    assert again["id"] == data["id"] and again["created"] is False
    assert client.get("/api/v1/stats").json()["documents"] == 1


def test_store_false_keeps_nothing(client):
    data = analyze(client, store=False)
    assert data["id"] is None and data["links"] == {}
    assert client.get("/api/v1/documents").json() == []


def test_claims_rhetoric_entities_endpoints(client):
    claims = client.post("/api/v1/claims", json={"text": TEXT, "store": False}).json()["claims"]
    assert claims, "a statistic with a year is check-worthy"
    scores = [c["score"] for c in claims]
    assert scores == sorted(scores, reverse=True)
    assert all(c["layer"] == "claim" for c in claims)
    assert any("40%" in c["text"] for c in claims)
    rh = client.post("/api/v1/rhetoric", json={"text": TEXT, "store": False}).json()
    assert {"vermin_frame", "war_frame"} <= {s["label"] for s in rh["spans"]}
    assert 0 <= rh["tone"]["intensity"] <= 100
    ents = client.post("/api/v1/entities", json={"text": TEXT, "store": False}).json()
    assert any(e["text"] == "Jane Roe" for e in ents["entities"])


def test_custom_pipeline_and_unknown_component(client):
    data = analyze(client, pipeline=["parse", "segment"], store=False)
    assert {s["layer"] for s in data["document"]["spans"]} == {"sentence"}
    assert data["document"]["results"]["pipeline"] == ["parse", "segment"]
    r = client.post("/api/v1/analyze", json={"text": TEXT, "pipeline": ["nope"]})
    assert r.status_code == 400
    assert "unknown component(s) nope" in r.json()["error"]["message"]


def test_documents_list_search_get_delete(client):
    a = analyze(client, speaker="Ann", date="2024-01-01")["id"]
    b = analyze(client, "We will cut taxes for every family.", speaker="Bob",
                date="2024-02-01")["id"]
    rows = client.get("/api/v1/documents").json()
    assert [r["id"] for r in rows] == [b, a]  # newest date first
    assert [r["id"] for r in client.get("/api/v1/documents?speaker=Ann").json()] == [a]
    assert [r["id"] for r in client.get("/api/v1/documents/search?q=taxes").json()] == [b]
    assert client.get("/api/v1/documents/search?q=zebra").json() == []
    doc = client.get(f"/api/v1/documents/{a}").json()
    assert doc["text"] == TEXT and doc["results"]["store_id"] == a
    key = doc["key"]
    assert client.get(f"/api/v1/documents/{key[:12]}").json()["key"] == key
    speakers = client.get("/api/v1/speakers").json()
    assert {"speaker": "Bob", "documents": 1} in speakers
    hist = client.get("/api/v1/speakers/history", params={"name": "Ann"}).json()
    assert hist[0]["id"] == a and hist[0]["intensity"] is not None
    assert client.delete(f"/api/v1/documents/{a}").json() == {"deleted": str(a)}
    r = client.get(f"/api/v1/documents/{a}")
    assert r.status_code == 404
    assert r.json() == {"error": {"status": 404, "code": "not_found",
                                  "message": f"no stored statement '{a}'"}}


def test_exports_in_every_registered_format(client):
    doc_id = analyze(client)["id"]
    for fmt in registry.formats.names():
        r = client.get(f"/api/v1/documents/{doc_id}/export/{fmt}")
        assert r.status_code == 200, fmt
        assert "attachment" in r.headers["content-disposition"]
        assert r.text.strip()
    as_json = json.loads(client.get(f"/api/v1/documents/{doc_id}/export/json").text)
    assert as_json["text"] == TEXT
    md = client.get(f"/api/v1/documents/{doc_id}/export/markdown").text
    assert "war zone" in md and md.startswith("# Statement")
    r = client.get(f"/api/v1/documents/{doc_id}/export/pdf")
    assert r.status_code == 404 and "unknown format 'pdf'" in r.json()["error"]["message"]


def test_clear_one_line_errors(client):
    r = client.post("/api/v1/analyze", json={"speaker": "x"})
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "text: Field required"
    r = client.post("/api/v1/analyze", json={"text": "   \n "})
    assert r.status_code == 400 and "is empty" in r.json()["error"]["message"]
    r = client.post("/api/v1/analyze", content=b"{not json", headers={
        "content-type": "application/json"})
    assert r.status_code == 422 and "\n" not in r.json()["error"]["message"]
    r = client.post("/api/v1/analyze", json={"text": "a\x00b"})
    assert r.status_code == 400 and "NUL" in r.json()["error"]["message"]
    r = client.post("/api/v1/analyze", json={"text": "x", "speaker": "s" * 600})
    assert r.status_code == 422 and "speaker" in r.json()["error"]["message"]
    assert client.get("/api/v1/nowhere").json()["error"]["code"] == "not_found"
    r = client.post("/api/v1/analyze", json={"text": "x", "date": "last Tuesday"})
    assert r.status_code == 400 and r.json()["error"]["message"] == \
        "date: 'last Tuesday' is not a date (use YYYY-MM-DD)"
    r = client.post("/api/v1/analyze", json={"text": "Rates rose.", "date": "3 March 2024",
                                              "store": False})
    assert r.status_code == 200 and r.json()["document"]["meta"]["date"] == "2024-03-03"


def test_info_and_openapi_cover_every_analysis(client):
    info = client.get("/api/v1/info").json()
    assert info["pipeline"][:2] == ["parse", "language"]
    assert set(info["formats"]) >= {"json", "markdown", "html"}
    assert set(info["features"]) >= {"verify", "claimreview", "corpus", "watch"}
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    for p in ("/api/v1/analyze", "/api/v1/claims", "/api/v1/rhetoric", "/api/v1/entities",
              "/api/v1/documents", "/api/v1/documents/search", "/api/v1/documents/{ref}",
              "/api/v1/documents/{ref}/export/{fmt}", "/api/v1/speakers",
              "/api/v1/jobs/ingest", "/api/v1/jobs/{job_id}"):
        assert p in paths, p
    assert not any(p.startswith("/documents") for p in paths)  # pages are not API
    page = client.get("/api")
    assert page.status_code == 200 and "/api/v1/analyze" in page.text


def test_concurrent_requests_through_the_worker_are_batched_correctly(app):
    """Many documents queued at once come back matched to their own text."""
    from rhetorica.document import Document

    svc = app.state.services
    docs = [Document(f"Unemployment fell to {i}% in 2023, the minister said.") for i in range(40)]
    out = svc.analysis.analyze(docs)
    for i, doc in enumerate(out):
        assert doc.text.startswith(f"Unemployment fell to {i}%")
        assert all(0 <= s.start < s.end <= len(doc.text) for s in doc.spans)


def test_waiting_analyses_are_shared_between_the_worker_processes():
    from rhetorica.web.services import batch_size

    assert batch_size(20, 2, 32) == 10 and batch_size(21, 2, 32) == 11
    assert batch_size(20, 0, 32) == 20 and batch_size(100, 1, 32) == 32
    assert batch_size(1, 4, 32) == 1 and batch_size(100, 2, 8) == 8


def test_a_worker_process_runs_each_onnx_model_on_one_thread(tmp_path, monkeypatch):
    """It shares the cores with the HTTP process: one intra-op thread per session."""
    from rhetorica.claims.ranker import artefact_dir
    from rhetorica.config import Settings
    from rhetorica.nlp import onnx_session
    from rhetorica.web import services

    monkeypatch.setattr(onnx_session, "PROCESS_THREADS", None)
    monkeypatch.setattr(services, "_PROCESS_STATE", {})
    model = artefact_dir() / "model.onnx"

    def threads(**kw):
        return onnx_session.open_session(model, **kw).get_session_options().intra_op_num_threads

    assert threads() == 0  # onnxruntime's default: one per core
    services._init_process(Settings(db=str(tmp_path / "w.db"), pipeline=("segment",)))
    assert onnx_session.PROCESS_THREADS == 1
    assert threads() == 1 and threads(threads=2) == 2


@pytest.mark.slow
def test_worker_process_mode_analyses_in_another_process(tmp_path):
    """`serve --processes 1`: the pipeline runs in a spawned process, results come back whole."""
    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.web.services import AnalysisService

    svc = AnalysisService(Settings(db=str(tmp_path / "p.db"), pipeline=("parse", "segment")),
                          processes=1)
    try:
        docs = [Document(f"First sentence {i}. Second one here.") for i in range(12)]
        out = svc.analyze(docs)
        assert [d.text for d in out] == [d.text for d in docs]
        for doc in out:
            sents = doc.layer("sentence")
            assert [s.text_in(doc.text) for s in sents][1] == "Second one here."
        assert svc.names == ["parse", "segment"]
    finally:
        svc.close()



def test_overload_gives_503_with_retry_after(app, client):
    import threading
    import time

    from rhetorica.document import Document

    svc = app.state.services.analysis
    svc.max_queue = 0
    gate = threading.Event()
    original = svc._process

    def blocked(key, items):  # the worker takes one item, then waits for the gate
        gate.wait(10)
        original(key, items)

    svc._process = blocked
    first = svc.submit([Document("One.")])
    time.sleep(0.2)
    second = svc.submit([Document("Two.")])  # accepted: the queue was empty
    r = client.post("/api/v1/analyze", json={"text": "Three."})
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert r.json()["error"]["message"].startswith("server busy:")
    gate.set()
    assert first[0].result(timeout=30).text == "One."
    assert second[0].result(timeout=30).text == "Two."


def test_actors_and_context_endpoints(client):
    from rhetorica import registry

    if "actors" not in registry.components or "context" not in registry.components:
        pytest.skip("actors/context components not installed")
    text = "Senator Jane Roe said the army must crush the protesters in the capital."
    body = {"text": text, "date": "2024-05-01", "store": False}
    actors = client.post("/api/v1/actors", json=body).json()
    assert actors["result"] is not None
    for s in actors["spans"]:
        assert s["text"] == text[s["start"]:s["end"]] and s["layer"] == "actor"
    ctx = client.post("/api/v1/context", json=body)
    assert ctx.status_code == 200 and "result" in ctx.json()
    # Without the component in the pipeline the result is null, not an error.
    body["pipeline"] = ["parse", "segment"]
    assert client.post("/api/v1/actors", json=body).json() == {"id": None, "result": None,
                                                              "spans": []}


def test_search_page_counts_matches_and_marks_them(client):
    """Issue 17: a filtered search still said "Stored statements (3)" and showed no
    snippets."""
    for i, text in enumerate(["Crime rose 40% in 2024, the <b>police</b> say.",
                              "The bridge reopened in March.", "Police arrested 12 people."]):
        client.post("/api/v1/analyze", json={"text": text, "speaker": "Ann" if i else "Bo"})
    page = client.get("/documents?q=police").text
    assert "Matches for “police” <small>(2)</small>" in page
    assert "<mark>police</mark>" in page or "<mark>Police</mark>" in page
    assert "&lt;b&gt;" in page and "<b>police" not in page  # the text stays escaped
    by_ann = client.get("/documents?speaker=ann").text
    assert "Statements by ann <small>(2)</small>" in by_ann and "bridge reopened" in by_ann
    assert "Stored statements <small>(3)</small>" in client.get("/documents").text
    hits = client.get("/api/v1/documents/search", params={"q": "bridge"}).json()
    assert "\u0002reopened" not in hits[0]["snippet"] and "\u0002bridge\u0003" in hits[0]["snippet"]


def test_the_server_merges_the_sqlite_log_off_the_request_path(app):
    """No analyse request waits while the store's write-ahead log is merged into the file
    (a commit that did it stalled every request in flight for 0.1-0.4 s)."""
    with app.state.services.store.use() as st:
        assert st.query("PRAGMA wal_autocheckpoint")[0][0] == 0
        assert st._checkpointer is not None
