"""Several clients at once against a real server: nothing lost, nothing mixed up, store intact."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import httpx


def test_concurrent_posts_do_not_corrupt_the_store(live_server):
    texts = [f"Statement {i}: the deficit grew by {i} billion in 2023, said Minister {i % 3}."
             for i in range(24)]
    jobs = texts + texts[:8]  # duplicates race with their originals

    def post(text: str) -> dict:
        with httpx.Client(base_url=live_server.url, timeout=60) as c:
            r = c.post("/api/v1/analyze", json={"text": text, "speaker": f"M{len(text) % 3}"})
            assert r.status_code == 200, r.text
            return r.json()

    def browse(_: int) -> int:
        with httpx.Client(base_url=live_server.url, timeout=60) as c:
            assert c.get("/documents").status_code == 200
            return c.get("/api/v1/documents?limit=500").status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        posted = list(pool.map(post, jobs))
        assert set(pool.map(browse, range(8))) == {200}

    for text, data in zip(jobs, posted, strict=True):
        assert data["document"]["text"] == text  # each answer belongs to its own request
    ids = {d["id"] for d in posted}
    assert len(ids) == len(texts)
    with httpx.Client(base_url=live_server.url) as c:
        assert c.get("/api/v1/stats").json()["documents"] == len(texts)
        for data in posted[:5]:
            stored = c.get(f"/api/v1/documents/{data['id']}").json()
            assert stored["text"] == data["document"]["text"]
            assert {s["layer"] for s in stored["spans"]} >= {"sentence", "claim"}
    db = live_server.app.state.services.settings.core.db
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM analyses").fetchone()[0] == len(texts)
    finally:
        con.close()
