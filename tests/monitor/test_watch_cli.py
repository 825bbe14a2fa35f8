"""`rhetorica watch`: exit codes, JSON output, charts, and clear one-line errors."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from tests.monitor.conftest import LIGHT_PIPELINE, STREAM
from tests.monitor.test_replay import EXPECTED

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
    assert len(log.read_text("utf-8").splitlines()) == len(EXPECTED)
    second = cli("run", str(STREAM), "--once", "--quiet", PIPE)
    assert second.exit_code == 0, second.output
    assert "0 new item(s)" in second.output


def test_alerts_and_timeline_json(cli, tmp_path):
    cli(str(STREAM), "--once", "--quiet", PIPE)
    alerts = cli("alerts", "--json")
    assert alerts.exit_code == 0
    data = json.loads(alerts.stdout)
    assert len(data) == len(EXPECTED) and all(a["delivered_at"] for a in data)
    last2 = json.loads(cli("alerts", "--json", "--limit", "2").stdout)
    assert [a["subject"] for a in last2] == ["President Harlan Voss", "state_federal_clash"]
    jumps = json.loads(cli("alerts", "--json", "--kind", "intensity_jump").stdout)
    assert [a["subject"] for a in jumps] == ["Senator Ruth Calder", "President Harlan Voss"]
    tl = cli("timeline", "--json", "--topic", "domestic_deployment", "--chart",
             str(tmp_path / "t.svg"), "--html", str(tmp_path / "t.html"))
    assert tl.exit_code == 0, tl.output
    body = json.loads(tl.stdout)
    assert body["indicators"][0]["indicator"] == "troops_deployed:threatened"  # announced
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


HOSTILE_FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Feed [/i]</title>
<item><title>Harbour works [bold]begin[/bold]</title><guid>ok-1</guid>
<description>The harbour board said repairs start on Monday.</description>
<pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate></item>
<item><guid isPermaLink="false">[/x]</guid><description></description>
<pubDate>Tue, 03 Jun 2025 09:00:00 GMT</pubDate></item>
<item><title>Ferry timetable</title><guid>ok-2</guid>
<author>[link=https://example.invalid]Click me[/link]</author>
<description>The ferry will run every hour in summer.</description>
<pubDate>Wed, 04 Jun 2025 09:00:00 GMT</pubDate></item>
</channel></rss>
"""


def test_one_hostile_feed_item_is_skipped_and_reported_never_fatal(cli, tmp_path):
    """Issue 14, finding 1: an item with no text and ``<guid>[/x]</guid>`` made the warning
    (printed as rich markup inside the store transaction) raise MarkupError, which rolled the
    whole poll back, every time: the feed's publisher could hide all its items."""
    feed = tmp_path / "news.rss"
    feed.write_bytes(HOSTILE_FEED)
    first = cli("run", f"feed:{feed}", "--once", PIPE)
    assert first.exit_code == 0, first.output
    assert "Traceback" not in first.output and "internal error" not in first.output
    assert "entry '[/x]' has no text" in first.output  # reported, as text
    assert "2 new item(s)" in first.output and "1 problem(s)" in first.output
    (src,) = json.loads(cli("sources", "--json").stdout)["sources"]
    assert (src["processed"], src["skipped"]) == (2, 1)
    again = cli("run", f"feed:{feed}", "--once", PIPE)
    assert again.exit_code == 0 and "0 new item(s)" in again.output, again.output
    for listing in (["sources"], ["timeline"], ["alerts"]):
        res = cli(*listing)
        assert res.exit_code in (0, 1) and "Traceback" not in res.output, res.output


MATH = "$\\frac{a}{$"  # what matplotlib would parse as (broken) mathtext


def test_timeline_charts_show_dollar_signs_as_text(cli, tmp_path):
    """Issue 14, finding 9: a feed author's `$` reached matplotlib as mathtext: `watch
    timeline --chart` and `--html` (and the web's timeline.svg) failed."""
    import matplotlib

    from rhetorica.monitor.timeline import (
        DayCount,
        IndicatorSeries,
        IntensityPoint,
        Timeline,
        render_chart,
    )

    export = tmp_path / "posts.jsonl"
    export.write_text("".join(json.dumps({
        "id": i, "author": speaker, "date": f"2025-06-0{i + 1}T10:00:00Z",
        "text": f"Statement {i}: the council will review the harbour budget."}) + "\n"
        for i, speaker in enumerate([MATH, MATH, "_Underscore", "Cost $5 $6"])),
        encoding="utf-8")
    assert cli(str(export), "--once", "--quiet", PIPE).exit_code in (0, 1)
    for flag, name in (("--chart", "t.svg"), ("--chart", "t.png"), ("--html", "t.html")):
        res = cli("timeline", flag, str(tmp_path / name))
        assert res.exit_code == 0, res.output
        assert (tmp_path / name).stat().st_size > 0
    tl = Timeline("$topic$", [IndicatorSeries("$x^2$", "$t$", "high", "2025-06-01",
                                              "2025-06-01", 1, [DayCount("2025-06-01", 1, [1])])],
                  {MATH: [IntensityPoint("2025-06-01", 40.0, 1)],
                   "_Underscore": [IntensityPoint("2025-06-02", 30.0, 2)]},
                  [{"speaker": MATH, "date": "2025-06-01", "value": 40.0, "document_id": 1}])
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep text as text in the SVG
        svg = render_chart(tl, "svg").decode("utf-8")
    for label in (MATH, "$x^2$", "jump: " + MATH, "_Underscore", "$topic$"):
        assert label in svg, label


def test_timeline_chart_leaves_off_dates_matplotlib_cannot_draw():
    """Found by fuzzing feed fields: an item dated 9999-12-31 (or 0001-01-01) broke the chart
    (matplotlib's dates end at year 9999 and the axis margin goes past it)."""
    from rhetorica.monitor.timeline import (
        DayCount,
        IndicatorSeries,
        IntensityPoint,
        Timeline,
        render_chart,
    )

    far = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "not a date"]
    tl = Timeline(None, [IndicatorSeries("curfew", "t", "high", far[0], far[0], 1,
                                         [DayCount(far[0][:10], 1, [1])])],
                  {"Ann": [IntensityPoint(d, 50.0, 1) for d in [*far, "2025-06-01"]]},
                  [{"speaker": "Ann", "date": far[0], "value": 50.0, "document_id": 1}])
    assert render_chart(tl, "svg").lstrip().startswith(b"<?xml")
    assert render_chart(tl, "png")[:4] == b"\x89PNG"
