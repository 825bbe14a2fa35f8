"""``rhetorica serve`` refuses unsafe binds with a clear message and exit code 2."""

from __future__ import annotations

from typer.testing import CliRunner

from rhetorica.cli.main import app


def test_serve_refuses_non_loopback_without_token(monkeypatch):
    monkeypatch.delenv("RHETORICA_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0" in result.output
    assert "--token" in result.output


def test_serve_rejects_short_token():
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--token", "abc"])
    assert result.exit_code == 2 and "at least 8 characters" in result.output


def test_serve_help_lists_options():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for opt in ("--host", "--port", "--token", "--max-body"):
        assert opt in result.output


def test_serve_reports_a_busy_port(monkeypatch):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_serve_runs_one_analysis_worker_per_core_up_to_two(monkeypatch):
    import os

    from rhetorica.cli.serve import default_processes

    for cores, workers in ((1, 1), (2, 2), (16, 2)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert default_processes() == workers
