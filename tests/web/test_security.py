"""Safe by default: escaping everywhere, size limits, token, host/origin checks, no egress."""

from __future__ import annotations

import re
import socket

import pytest

from rhetorica import registry
from tests.web.conftest import BASE, HOSTILE, make_app

RAW_MARKUP = ("<script>", "<img src=x", "</textarea><b>", "<b>bold</b>", "onerror=alert(1)>")


def assert_escaped(body: str, where: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in body, f"{where}: unescaped {raw!r}"


def test_script_injection_is_escaped_in_every_page_and_download(client):
    r = client.post("/api/v1/analyze", json={
        "text": HOSTILE, "speaker": "<script>alert('s')</script>", "title": "</title><script>t()",
        "source": "<img src=x onerror=alert(1)>", "date": "2024-01-01<b>bold</b>",
        "url": "javascript:alert(1)"})
    assert r.status_code == 200
    doc_id = r.json()["id"]
    speaker = "<script>alert('s')</script>"
    pages = ["/", f"/documents/{doc_id}", "/documents", "/documents?q=vermin",
             "/documents?speaker=" + speaker, "/speakers", "/jobs", "/api",
             "/speakers/" + speaker.replace("/", "%2F")]
    for path in pages:
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert resp.headers["content-type"].startswith("text/html")
        assert_escaped(resp.text, path)
    page = client.get(f"/documents/{doc_id}").text
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page or \
        "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page  # shown, not linked
    # The only scripts are our own file: no inline script can run under the CSP either.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/app.js" defer>']
    # Downloads: HTML escaped; other formats are served as non-HTML attachments, never sniffed.
    for fmt in registry.formats.names():
        resp = client.get(f"/documents/{doc_id}/download/{fmt}")
        assert resp.status_code == 200
        assert resp.headers["content-disposition"].startswith("attachment")
        assert resp.headers["x-content-type-options"] == "nosniff"
        if fmt == "html":
            assert_escaped(resp.text, fmt)
        else:
            assert not resp.headers["content-type"].startswith("text/html"), fmt


def test_form_error_keeps_hostile_text_inside_the_textarea(client):
    r = client.post("/analyze", data={"text": "   ", "speaker": '"><script>x()</script>'})
    assert r.status_code == 400 and "is empty" in r.text
    r = client.post("/analyze", data={"text": HOSTILE + "\x00"})
    assert r.status_code == 400 and "NUL" in r.text
    assert_escaped(r.text, "form error page")
    assert r.text.count("</textarea>") == 1  # only our own closing tag


def test_error_pages_escape_the_request(client):
    r = client.get("/documents/%3Cscript%3E")
    assert r.status_code in (404, 422)
    assert "<script>" not in r.text
    r = client.get("/speakers/%3Cimg%20src=x%20onerror=alert(1)%3E")
    assert r.status_code == 404 and "<img" not in r.text and "&lt;img" in r.text


def test_security_headers_on_every_response(client):
    for path in ("/", "/api/v1/health", "/api/v1/nowhere", "/static/app.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_body_size_limit_gives_413_with_a_clear_json_error(pipeline, tmp_path):
    from fastapi.testclient import TestClient

    app = make_app(pipeline, tmp_path / "s.db", max_body_bytes=2048)
    with TestClient(app, base_url=BASE) as c:
        r = c.post("/api/v1/analyze", json={"text": "word " * 1000})
        assert r.status_code == 413
        err = r.json()["error"]
        assert err["code"] == "too_large" and "2,048 byte limit" in err["message"]

        def chunks():  # no Content-Length: cut off while streaming
            for _ in range(10):
                yield b'{"text": "' + b"a" * 500

        r = c.post("/api/v1/analyze", content=chunks(),
                   headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
        r = c.post("/upload", files={"file": ("big.jsonl", b'{"text": "x"}\n' * 400)})
        assert r.status_code == 413 and "<h1>413</h1>" in r.text  # a page for browsers
        assert c.post("/api/v1/analyze", json={"text": "Small is fine."}).status_code == 200
    app.state.services.close()


def test_text_limit_in_characters(pipeline, tmp_path):
    from fastapi.testclient import TestClient

    app = make_app(pipeline, tmp_path / "t.db", max_text_chars=100)
    with TestClient(app, base_url=BASE) as c:
        r = c.post("/api/v1/analyze", json={"text": "x" * 101})
        assert r.status_code == 413 and "above the 100 limit" in r.json()["error"]["message"]
    app.state.services.close()


def test_non_loopback_requires_a_token(pipeline, tmp_path):
    from fastapi.testclient import TestClient

    from rhetorica.web.settings import UnsafeBindError

    with pytest.raises(UnsafeBindError, match="pass --token"):
        make_app(pipeline, tmp_path / "a.db", host="0.0.0.0", token=None)
    with pytest.raises(UnsafeBindError, match="at least 8"):
        make_app(pipeline, tmp_path / "a.db", host="0.0.0.0", token="short")
    token = "s3cret-token-123"
    app = make_app(pipeline, tmp_path / "a.db", host="0.0.0.0", token=token)
    with TestClient(app, base_url="http://192.0.2.10:8765") as c:
        r = c.get("/api/v1/documents")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert c.get("/").status_code == 401
        assert c.get("/api/v1/documents", headers={"Authorization": "Bearer wrong-token"}
                     ).status_code == 401
        assert c.get("/api/v1/health").status_code == 200  # liveness stays open
        ok = c.post("/api/v1/analyze", json={"text": "Taxes rose 3% in 2023."},
                    headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        # Browser flow: ?token= once -> HttpOnly cookie, token removed from the URL.
        r = c.get(f"/documents?token={token}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/documents"
        assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers[
            "set-cookie"]
        assert c.get("/documents").status_code == 200  # the cookie now authenticates
    app.state.services.close()


def test_dns_rebinding_and_cross_origin_writes_are_refused(client):
    r = client.get("/api/v1/documents", headers={"Host": "attacker.example"})
    assert r.status_code == 421
    r = client.post("/api/v1/analyze", json={"text": "Hello."},
                    headers={"Origin": "http://attacker.example"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "cross_origin"
    r = client.post("/analyze", data={"text": "Hello."}, headers={"Origin": "null"})
    assert r.status_code == 403
    r = client.post("/analyze", data={"text": "Hello there."}, headers={"Origin": BASE},
                    follow_redirects=False)
    assert r.status_code == 303


def test_no_outbound_connections(client, monkeypatch):
    """A full paste/analyse/browse/download cycle never opens a non-loopback socket."""
    real_connect = socket.socket.connect
    attempts = []

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)
            raise OSError("outbound connection blocked by test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    r = client.post("/analyze", data={"text": HOSTILE, "url": "https://example.org/a"},
                    follow_redirects=True)
    assert r.status_code == 200
    doc_id = r.url.path.rsplit("/", 1)[-1]
    for fmt in registry.formats.names():
        client.get(f"/documents/{doc_id}/download/{fmt}")
    client.get("/documents")
    assert attempts == []


def test_token_characters_are_restricted(pipeline, tmp_path):
    from rhetorica.web.settings import UnsafeBindError

    with pytest.raises(UnsafeBindError, match="may only use"):
        make_app(pipeline, tmp_path / "b.db", token="has space; and=semicolon")
