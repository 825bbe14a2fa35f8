"""``rhetorica context`` / ``actors`` / ``eval context`` and the report sections."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rhetorica.cli.main import app
from rhetorica.document import Document, DocumentMeta

runner = CliRunner()
TEXT = ("The President ordered the National Guard into Portland under 10 U.S.C. 12406; "
        "Governor Kotek objected and Oregon sued.")


def test_context_cli_json_and_text():
    res = runner.invoke(app, ["context", "-", "--date", "2025-10-02", "--json"], input=TEXT)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["precedents"][0]["id"] == "portland_2025"
    assert len(data["precedents"]) == 3
    assert any("12406" in r for r in data["precedents"][0]["reasons"])
    res = runner.invoke(app, ["context", "-", "--top", "2"], input=TEXT)
    assert res.exit_code == 0 and "Portland" in res.stdout and "3." not in res.stdout


def test_context_cli_bad_input(tmp_path):
    res = runner.invoke(app, ["context", str(tmp_path / "nope.txt")])
    assert res.exit_code == 3 and "Traceback" not in res.output
    bad_kb = tmp_path / "kb.yaml"
    bad_kb.write_text("actors: 5\n", encoding="utf-8")
    res = runner.invoke(app, ["actors", "-", "--kb", str(bad_kb)], input=TEXT)
    assert res.exit_code == 3 and "must be a list" in res.output


def test_actors_cli():
    res = runner.invoke(app, ["actors", "-", "--date", "2025-10-02", "--json"], input=TEXT)
    assert res.exit_code == 0, res.output
    rows = {a["id"]: a for a in json.loads(res.stdout)[0]["actors"]["actors"]}
    assert rows["donald_trump"]["role"] == "directs"
    assert rows["tina_kotek"]["role"] == "objects"
    res = runner.invoke(app, ["actors", "--list-kb", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["warnings"] == []


def test_eval_context_ignores_data_arg(tmp_path):
    res = runner.invoke(app, ["eval", "context", "--data", str(tmp_path / "none"), "--json",
                              "--limit", "5"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["queries"] == 5


def test_sections_escape_and_render():
    from rhetorica.actors.report import ACTORS
    from rhetorica.context.report import CONTEXT

    doc = Document("<b>x</b>", DocumentMeta())
    doc.results["actors"] = {"as_of": "2025-01-01", "actors": [
        {"id": "unlinked:<script>", "name": "<script>alert(1)</script>", "type": "person",
         "linked": False, "role": "objects", "roles": {"objects": 1}, "mentions": 1,
         "sources": []}]}
    doc.results["context"] = {"precedents": [{
        "id": "p", "title": "<i>T</i>", "start": "2020-01-01", "end": None, "place": "P&Q",
        "legal_basis": ["Insurrection Act"], "outcome": "<o>", "score": 0.5,
        "reasons": ["<r>"], "sources": ["https://e.org/?a=1&b=\"2\""]}]}
    html = ACTORS.html(doc) + CONTEXT.html(doc)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<i>T</i>" not in html and "&lt;r&gt;" in html
    assert "objects" in ACTORS.markdown(doc) and "Insurrection Act" in CONTEXT.markdown(doc)
    empty = Document("x", DocumentMeta())
    assert ACTORS.html(empty) is None and CONTEXT.markdown(empty) is None


def test_context_component_stays_quiet_off_topic():
    from rhetorica.config import Settings
    from rhetorica.context.component import Context

    doc = Context(Settings())(Document("We will cut taxes for working families and fix the "
                                       "roads in every county.", DocumentMeta()))
    assert doc.results["context"]["precedents"] == []
    doc = Context(Settings())(Document(TEXT, DocumentMeta(date="2025-10-02")))
    assert doc.results["context"]["precedents"][0]["id"] == "portland_2025"


def test_cli_rejects_bad_date_and_empty_input():
    res = runner.invoke(app, ["context", "-", "--date", "yesterday"], input=TEXT)
    assert res.exit_code == 2 and "ISO date" in res.output
    res = runner.invoke(app, ["actors", "-"], input="")
    assert res.exit_code == 3 and "Traceback" not in res.output
