"""`rhetorica watch`: exit codes, JSON output, charts, and clear one-line errors."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from tests.monitor.conftest import LIGHT_PIPELINE, STREAM

PIPE = "--pipeline=" + ",".join(LIGHT_PIPELINE)


@pytest.fixture(scope="module")
def app():
    # Only the watch commands: keeps these tests independent of other areas' modules.
    from rhetorica.cli import watch

    root = typer.Typer(pretty_exceptions_enable=False)

    @root.callback()
    def _root() -> None:
        """test root"""

    watch.register(root)
    return root


@pytest.fixture
def cli(app, tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "w.db")

    def run(*args: str):
        extra = [] if args[0] == "indicators" else ["--db", db]
        return runner.invoke(app, ["watch", *args, *extra], catch_exceptions=False)

    return run


def test_once_exits_1_with_alerts_then_0_when_nothing_new(cli, tmp_path):
    log = tmp_path / "alerts.jsonl"
    first = cli(str(STREAM), "--once", "--alerts-log", str(log), PIPE)
    assert first.exit_code == 1, first.output
    assert "ALERT 2025-06-27T12:00:00Z [critical] first 'Insurrection Act invoked'" in first.output
    assert len(log.read_text("utf-8").splitlines()) == 9
    second = cli("run", str(STREAM), "--once", "--quiet", PIPE)
    assert second.exit_code == 0, second.output
    assert "0 new item(s)" in second.output


def test_alerts_and_timeline_json(cli, tmp_path):
    cli(str(STREAM), "--once", "--quiet", PIPE)
    alerts = cli("alerts", "--json")
    assert alerts.exit_code == 0
    data = json.loads(alerts.stdout)
    assert len(data) == 9 and all(a["delivered_at"] for a in data)
    last2 = json.loads(cli("alerts", "--json", "--limit", "2").stdout)
    assert [a["subject"] for a in last2] == ["insurrection_act", "state_federal_clash"]
    jumps = json.loads(cli("alerts", "--json", "--kind", "intensity_jump").stdout)
    assert [a["subject"] for a in jumps] == ["Senator Ruth Calder"]
    tl = cli("timeline", "--json", "--topic", "domestic_deployment", "--chart",
             str(tmp_path / "t.svg"), "--html", str(tmp_path / "t.html"))
    assert tl.exit_code == 0, tl.output
    body = json.loads(tl.stdout)
    assert body["indicators"][0]["indicator"] == "troops_deployed"
    assert (tmp_path / "t.svg").read_text("utf-8").lstrip().startswith("<?xml")
    assert "<svg" in (tmp_path / "t.html").read_text("utf-8")
    assert cli("timeline", "--topic", "no_such_topic", "--speaker", "Nobody").exit_code == 1
    status = json.loads(cli("sources", "--json").stdout)
    (src,) = status["sources"]
    assert src["kind"] == "jsonl" and src["processed"] == 28 and src["skipped"] == 0
    assert src["cursor"] == {"offset": STREAM.stat().st_size}
    assert status["pending_alerts"] == 0


def test_errors_are_one_line_with_meaningful_codes(cli, tmp_path):
    missing = cli(str(tmp_path / "nope.jsonl"), "--once")
    assert missing.exit_code == 3 and "no such file or folder" in missing.output
    bad = tmp_path / "w.yaml"
    bad.write_text("indicators:\n  - id: x\n    patterns: ['(']\n", encoding="utf-8")
    res = cli(str(STREAM), "--once", "--watchlist", str(bad))
    assert res.exit_code == 3 and "bad regex" in res.output and "Traceback" not in res.output
    assert cli("indicators", "--watchlist", str(bad)).exit_code == 3
    assert cli(str(STREAM), "--once", "--webhook", "ftp://x").exit_code == 2
    assert cli(str(STREAM), "--once", "--smtp-to", "a@b").exit_code == 2
    assert cli("timeline", "--chart", str(tmp_path / "x.gif")).exit_code == 2
    assert cli("alerts", "--kind", "whatever").exit_code == 2
    assert cli("alerts").exit_code == 1  # nothing yet


def test_indicators_lists_the_bundled_watchlist(cli):
    res = cli("indicators", "--json")
    assert res.exit_code == 0
    ids = [i["id"] for i in json.loads(res.stdout)["indicators"]]
    assert "insurrection_act" in ids and "curfew" in ids
