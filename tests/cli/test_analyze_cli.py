"""The CLI as a user runs it: formats, stdin, JSONL, exit codes, nothing half-stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from rhetorica.cli.main import app
from rhetorica.store import open_store
from tests.conftest import EXAMPLES

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def test_analyze_example_json_and_store(tmp_path):
    db = str(tmp_path / "x.db")
    res = run("analyze", str(EXAMPLES / "siege_post.txt"), "--json", "--db", db)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert any(s["label"] == "war_frame" for s in data["spans"])
    for s in data["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(data["text"])
    with open_store(db) as st:
        assert st.stats()["documents"] == 1
    # Re-ingest is idempotent.
    assert run("analyze", str(EXAMPLES / "siege_post.txt"), "--db", db).exit_code == 0
    with open_store(db) as st:
        assert st.stats()["documents"] == 1


def test_html_to_file(tmp_path):
    out = tmp_path / "r.html"
    res = run("analyze", str(EXAMPLES / "dehumanising_speech.txt"), "-f", "html", "-o", str(out),
              "--no-store")
    assert res.exit_code == 0
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<mark" in html
    assert not (tmp_path / "r.html.part").exists()


def test_jsonl_posts_stored_with_speakers(tmp_path):
    db = str(tmp_path / "x.db")
    res = run("analyze", str(EXAMPLES / "posts.jsonl"), "--json", "--db", db)
    assert res.exit_code == 0
    assert len(json.loads(res.stdout)["documents"]) == 3
    res = run("db", "speakers", "--db", db, "--json")
    assert json.loads(res.stdout) == [{"speaker": "Mayor A. Example", "documents": 3}]


def test_bad_line_stores_nothing(tmp_path):
    db = str(tmp_path / "x.db")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Fine post one."}\n{"text": "Fine post two."}\n{"text": \n')
    res = run("analyze", str(bad), "--db", db)
    assert res.exit_code == 3
    assert f"{bad}:3:" in res.stderr and "malformed JSON" in res.stderr
    assert "Traceback" not in res.output
    with open_store(db) as st:
        assert st.stats()["documents"] == 0


def test_unknown_format_and_component():
    assert run("analyze", "-", "-f", "pdfx", input="x").exit_code == 2
    res = run("analyze", "-", "--pipeline", "parse,nope", input="Hello there.")
    assert res.exit_code == 2 and "nope" in res.stderr


def test_db_commands(tmp_path):
    db = str(tmp_path / "x.db")
    run("analyze", str(EXAMPLES / "posts.jsonl"), "--db", db)
    assert json.loads(run("db", "info", "--db", db, "--json").stdout)["documents"] == 3
    hits = json.loads(run("db", "search", "occupation", "--db", db, "--json").stdout)
    assert len(hits) == 1 and hits[0]["date"] == "2025-06-15"
    assert run("db", "search", "zebra", "--db", db).exit_code == 1
    md = run("db", "show", str(hits[0]["id"]), "--db", db, "-f", "markdown").stdout
    assert "occupation" in md and "war frame" in md
    assert run("db", "delete", str(hits[0]["id"]), "--db", db).exit_code == 0
    assert run("db", "show", str(hits[0]["id"]), "--db", db).exit_code == 1


@pytest.mark.slow
def test_real_process_stdin_and_exit_codes(tmp_path):
    env = {**os.environ, "RHETORICA_DB": str(tmp_path / "p.db")}
    exe = [sys.executable, "-m", "rhetorica.cli.main"]
    ok = subprocess.run([*exe, "analyze", "-", "--json"], input=b"It is a war zone.",
                        capture_output=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["results"]["tone"]["intensity"] > 0
    empty = subprocess.run([*exe, "analyze", "-"], input=b"", capture_output=True, env=env,
                           timeout=120)
    assert empty.returncode == 3
    assert empty.stderr.decode().strip() == "error: <stdin>: is empty (nothing to analyse)"
    binary = tmp_path / "b.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    res = subprocess.run([*exe, "analyze", str(binary)], capture_output=True, env=env, timeout=120)
    assert res.returncode == 3 and b"binary" in res.stderr
