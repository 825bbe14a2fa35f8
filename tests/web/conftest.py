"""Web fixtures: an app per test (own store) sharing the session's loaded pipeline, and a
live uvicorn server on a free loopback port for browser and concurrency tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE = "http://127.0.0.1"
HOSTILE = ('They are vermin <script>alert("xss")</script> and <img src=x onerror=alert(1)> '
           'flooding "our" city & </textarea><b>bold</b> it is a war zone. '
           "Crime rose 40% in 2024.")


def make_app(pipeline, db: Path, **web):
    from rhetorica.config import Settings
    from rhetorica.web.app import create_app
    from rhetorica.web.settings import WebSettings

    return create_app(WebSettings(core=Settings(db=str(db)), **web), pipeline=pipeline)


@pytest.fixture
def app(pipeline, tmp_path):
    app = make_app(pipeline, tmp_path / "web.db")
    yield app
    app.state.services.close()


@pytest.fixture
def client(app) -> Iterator:
    from fastapi.testclient import TestClient

    with TestClient(app, base_url=BASE) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app) -> None:
        import uvicorn

        self.app = app
        self.port = free_port()
        self.url = f"{BASE}:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error",
                                access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.services.close()


@pytest.fixture
def live_server(pipeline, tmp_path) -> Iterator[LiveServer]:
    with LiveServer(make_app(pipeline, tmp_path / "live.db")) as server:
        yield server
