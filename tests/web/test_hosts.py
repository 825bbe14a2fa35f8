"""Host checks (issue 14, finding 11): the whole 127.0.0.0/8 is loopback everywhere, and
``--allow-host NAME`` admits a name (a reverse proxy, a hosts-file alias) on purpose.

No socket is opened: the TestClient hands requests to the app directly, with whatever Host
header the test chooses.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.web.conftest import make_app


@pytest.fixture
def hosts_app(pipeline, tmp_path):
    apps = []

    def build(**web):
        app = make_app(pipeline, tmp_path / f"h{len(apps)}.db", **web)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.state.services.close()


@pytest.mark.parametrize("bind", ["127.0.0.2", "127.1.2.3", "127.0.0.1", "localhost"])
def test_any_loopback_address_serves_its_own_pages(hosts_app, bind):
    app = hosts_app(host=bind)
    with TestClient(app, base_url=f"http://{bind}:8765") as c:
        r = c.get("/api/v1/documents")
        assert r.status_code == 200, r.text
        r = c.post("/api/v1/analyze", json={"text": "Rents rose 4% in 2024."},
                   headers={"Origin": f"http://{bind}:8765"})
        assert r.status_code == 200, r.text


def test_loopback_literals_are_accepted_names_are_not(hosts_app):
    app = hosts_app(host="127.0.0.2")
    with TestClient(app, base_url="http://127.0.0.2:8765") as c:
        for host in ("127.0.0.1:8765", "127.0.0.2", "127.255.255.254:1", "[::1]:8765",
                     "localhost:8765", "LOCALHOST"):
            assert c.get("/api/v1/stats", headers={"Host": host}).status_code == 200, host
        for host in ("attacker.example", "127.0.0.2.attacker.example", "128.0.0.1",
                     "0x7f.0.0.1", "2130706433", "192.0.2.10", ""):
            r = c.get("/api/v1/stats", headers={"Host": host})
            assert r.status_code == 421, host
            message = r.json()["error"]["message"]
            assert "127.0.0.2" in message and "--allow-host" in message


def test_allow_host_admits_only_the_names_given(hosts_app):
    app = hosts_app(allowed_hosts=("rhetorica.test", "Desk.Local"))
    with TestClient(app, base_url="http://rhetorica.test") as c:
        assert c.get("/api/v1/stats").status_code == 200
        assert c.get("/api/v1/stats", headers={"Host": "desk.local:8765"}).status_code == 200
        assert c.get("/api/v1/stats", headers={"Host": "other.test"}).status_code == 421
        r = c.post("/api/v1/analyze", json={"text": "Bus fares fell 2% in 2023."},
                   headers={"Origin": "http://rhetorica.test"})
        assert r.status_code == 200


def test_allow_host_also_applies_beyond_loopback(hosts_app):
    token = "s3cret-token-123"
    auth = {"Authorization": f"Bearer {token}"}
    app = hosts_app(host="0.0.0.0", token=token, allowed_hosts=("rhetorica.test",))
    with TestClient(app, base_url="http://rhetorica.test") as c:
        assert c.get("/api/v1/stats", headers=auth).status_code == 200
        assert c.get("/api/v1/stats", headers={**auth, "Host": "127.0.0.1"}).status_code == 200
        assert c.get("/api/v1/stats", headers={**auth, "Host": "evil.test"}).status_code == 421
    # Without --allow-host a token-protected public bind keeps accepting any Host, as before.
    app = hosts_app(host="0.0.0.0", token=token)
    with TestClient(app, base_url="http://192.0.2.10:8765") as c:
        assert c.get("/api/v1/stats", headers=auth).status_code == 200


@pytest.mark.parametrize("bad", ["", "*", "a b", "host/path", "http://x.test", "x.test:80",
                                 "a\x00b"])
def test_bad_allow_host_values_are_refused(bad):
    from rhetorica.web.settings import UnsafeBindError, WebSettings

    with pytest.raises(UnsafeBindError, match="--allow-host"):
        WebSettings(allowed_hosts=(bad,)).check()


def test_serve_documents_and_validates_allow_host():
    from rhetorica.cli.main import app

    help_text = CliRunner().invoke(app, ["serve", "--help"], terminal_width=200).output
    assert "--allow-host" in help_text
    result = CliRunner().invoke(app, ["serve", "--allow-host", "bad/name"])
    assert result.exit_code == 2
    assert "--allow-host" in result.output and "bad/name" in result.output
