"""Evaluation: replay a synthetic dated stream and assert exactly which alerts fire, and when.

The stream (fixtures/escalation.jsonl, written for these tests, fictional people and places)
has a calm fortnight with traps — a denial ("no plans to deploy the National Guard"), a
hypothetical ("if the unrest continues, we may send troops"), a refusal to invoke emergency
powers — then an escalation: troops deployed, a state lawsuit, the Guard federalized, a
heated outburst by a senator, mass arrests, a curfew, a restraining order, the Insurrection
Act, a clash between state and federal forces, and a later denial about martial law.
"""

from __future__ import annotations

import json

import pytest

from tests.monitor.conftest import STREAM

EXPECTED = [
    # "troops will be deployed ... starting tomorrow": announced, not yet done (issue 15):
    # its own, lower-severity indicator
    ("indicator_first", "troops_deployed:threatened", "2025-06-16"),
    ("indicator_first", "state_lawsuit", "2025-06-18"),
    ("indicator_first", "guard_federalized", "2025-06-19"),
    ("intensity_jump", "Senator Ruth Calder", "2025-06-20"),
    ("indicator_first", "mass_arrests", "2025-06-21"),
    ("indicator_first", "curfew", "2025-06-22"),
    ("indicator_first", "court_order", "2025-06-24"),
    ("indicator_first", "insurrection_act", "2025-06-27"),
    # The president's first emergency framing ("…the Insurrection Act to restore order"):
    # his earlier posts are plain now that "National Guard" and "troops" are names and
    # nouns, not framing (issue 18), so this one rises above his own baseline.
    ("intensity_jump", "President Harlan Voss", "2025-06-27"),
    ("indicator_first", "state_federal_clash", "2025-06-30"),
]


def _summary(alerts):
    return [(a.kind, a.subject, a.date[:10]) for a in alerts]


def test_replay_fires_exactly_the_expected_alerts(make_watcher, tmp_path):
    from rhetorica.monitor.alerts import JsonlSink

    log = tmp_path / "alerts.jsonl"
    watcher, store = make_watcher([STREAM], sinks=[JsonlSink(log)])
    stats = watcher.run(once=True)
    assert stats.processed == 28 and not stats.errors
    assert _summary(stats.alerts) == EXPECTED
    logged = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert [(a["kind"], a["subject"], a["date"][:10]) for a in logged] == EXPECTED
    first = logged[0]
    assert first["evidence"] == ("Two thousand National Guard troops will be deployed to "
                                 "Riverton starting tomorrow.")
    doc = store.get(first["document_id"])
    assert doc.text[first["start"]:first["end"]] == first["evidence"]
    jump = logged[3]
    assert jump["history"] == 5 and jump["value"] > 80 and jump["z"] > 2.5
    assert store.query("SELECT count(*) FROM alerts WHERE delivered_at IS NULL")[0][0] == 0

    # Replaying the same stream again changes nothing: no new items, no new alerts.
    again = watcher.run(once=True)
    assert again.processed == 0 and again.alerts == []
    assert store.query("SELECT count(*) FROM watch_items")[0][0] == 28
    assert store.query("SELECT count(*) FROM documents")[0][0] == 28


def test_live_replay_day_by_day_alerts_on_the_day(make_watcher, tmp_path):
    """The stream arrives as it happened; each alert must come in the poll of its day."""
    live = tmp_path / "live.jsonl"
    live.write_text("", encoding="utf-8")
    watcher, _store = make_watcher([live])
    lines = STREAM.read_text("utf-8").splitlines()
    fired = []
    for line in lines:
        with live.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        day = json.loads(line)["date"][:10]
        stats = watcher.poll_once()
        assert stats.processed == 1
        fired += [(a.kind, a.subject, day) for a in stats.alerts]
    assert fired == EXPECTED


def test_timeline_counts_hits_per_day_with_documents(make_watcher):
    from rhetorica.monitor.timeline import build_timeline, render_chart, render_html

    watcher, store = make_watcher([STREAM])
    watcher.run(once=True)
    tl = build_timeline(store, topic="domestic_deployment")
    by_id = {s.indicator: s for s in tl.indicators}
    assert [s.indicator for s in tl.indicators] == [e[1] for e in EXPECTED
                                                    if e[0] == "indicator_first"]
    curfew = by_id["curfew"]
    assert curfew.total == 2 and [d.day for d in curfew.days] == ["2025-06-22", "2025-07-02"]
    for d in curfew.days:
        (doc_id,) = d.document_ids
        assert "curfew" in store.get(doc_id).text
    assert "martial_law" not in by_id
    assert len(tl.speakers["Senator Ruth Calder"]) == 8
    assert max(p.intensity for p in tl.speakers["Senator Ruth Calder"]) > 80
    assert [(j["speaker"], j["date"][:10]) for j in tl.jumps] == [
        ("Senator Ruth Calder", "2025-06-20"), ("President Harlan Voss", "2025-06-27")]
    assert build_timeline(store, topic="other").indicators == []
    assert len(build_timeline(store, since="2025-06-25").indicators) == 3
    assert render_chart(tl, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    svg = render_chart(tl, "svg")
    assert b"<svg" in svg and b"insurrection_act" in svg
    page = render_html(tl, [{"date": "2025-06-27", "severity": "critical",
                             "message": "<script>alert(1)</script>"}])
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Two thousand National Guard troops" in page


def test_folder_and_feed_sources_feed_the_same_watcher(make_watcher, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "note.txt").write_text("Officials said a curfew takes effect tonight.",
                                    encoding="utf-8")
    feed = tmp_path / "desk.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><item>'
        "<guid>1</guid><title>Judge blocks deployment</title>"
        "<pubDate>Tue, 24 Jun 2025 12:00:00 GMT</pubDate>"
        "<description>A federal judge blocked the deployment of troops.</description>"
        "</item></channel></rss>", encoding="utf-8")
    watcher, store = make_watcher([inbox, feed])
    stats = watcher.run(once=True)
    assert sorted(a.subject for a in stats.alerts) == ["court_order", "curfew"]
    assert store.query("SELECT count(*) FROM watch_sources")[0][0] == 2
    assert watcher.run(once=True).processed == 0


def test_stored_item_report_shows_its_indicators(make_watcher):
    from rhetorica import registry

    watcher, store = make_watcher([STREAM])
    watcher.run(once=True)
    (doc_id,) = [r[0] for r in store.query(
        "SELECT document_id FROM indicator_hits WHERE indicator = 'insurrection_act'")]
    doc = store.get(doc_id)
    section = registry.sections.get("indicators")
    html = section.html(doc)
    assert "insurrection_act" in html and "critical" in html
    assert "<q>Today I invoked the Insurrection Act to restore order in Riverton.</q>" in html
    assert "| insurrection_act | critical |" in section.markdown(doc)
    calm = store.get(1)
    assert section.html(calm) is None and section.markdown(calm) is None


def test_a_document_that_breaks_analysis_is_skipped_not_blocking(make_watcher, watch_pipe,
                                                                  tmp_path):
    """A 'poison' item must not stop its source for ever: it is skipped with a warning."""

    class Fragile:
        def __init__(self, inner):
            self.inner = inner

        def pipe(self, docs):
            docs = list(docs)
            if any("POISON" in d.text for d in docs):
                raise RuntimeError("component crashed")
            return self.inner.pipe(docs)

    src = tmp_path / "s.jsonl"
    src.write_text("\n".join(json.dumps({"id": i, "text": t, "date": "2025-06-01"}) for i, t in
                             enumerate(["A curfew was imposed tonight.", "POISON text here.",
                                        "Roads reopen."])) + "\n", encoding="utf-8")
    watcher, store = make_watcher([src], pipeline=Fragile(watch_pipe))
    stats = watcher.run(once=True)
    assert stats.processed == 2 and [a.subject for a in stats.alerts] == ["curfew"]
    assert len(stats.errors) == 1 and "analysis failed (RuntimeError" in stats.errors[0]
    assert store.query("SELECT count(*) FROM watch_items")[0][0] == 3
    assert watcher.run(once=True).errors == []  # not retried for ever


def test_only_tracked_speakers_raise_intensity_jumps(make_watcher):
    watcher, _store = make_watcher([STREAM], speakers=["Mayor Tom Okafor"])
    kinds = {a.kind for a in watcher.run(once=True).alerts}
    assert kinds == {"indicator_first"}  # Senator Calder's outburst is not tracked here


def test_a_broken_pipeline_stops_the_watcher_without_eating_the_stream(make_watcher, tmp_path):
    class Broken:
        def pipe(self, docs):
            raise FileNotFoundError("model.json is missing")

    src = tmp_path / "s.jsonl"
    src.write_text(json.dumps({"text": "A curfew was imposed tonight."}) + "\n", "utf-8")
    watcher, store = make_watcher([src], pipeline=Broken())
    with pytest.raises(FileNotFoundError):
        watcher.run(once=True)
    assert store.query("SELECT count(*) FROM watch_items")[0][0] == 0
    assert store.query("SELECT cursor_json FROM watch_sources")[0][0] == "{}"


def test_log_lines_are_written_outside_store_transactions(make_watcher, tmp_path):
    """Issue 14, finding 1: a warning printed inside the transaction could roll the poll back
    (and hold the write lock while a slow terminal or log sink blocks). Every log line now
    comes after the commit, and a log sink that fails loses the line, not the poll."""
    feed = tmp_path / "news.rss"
    feed.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                     b'<item><guid>[/x]</guid><description></description></item>'
                     b"<item><guid>g2</guid><title>Roads reopen after the storm.</title></item>"
                     b"</channel></rss>")
    export = tmp_path / "posts.jsonl"
    export.write_text('{"text": "A curfew was imposed tonight.", "date": "2025-06-01"}\n'
                      "{not json\n", encoding="utf-8")
    lines = []
    stores = []

    def log(message):
        assert not stores[0].conn.in_transaction, message
        lines.append(message)
        raise RuntimeError("the terminal went away")

    watcher, store = make_watcher([feed, export], log=log)
    stores.append(store)
    stats = watcher.run(once=True)
    assert stats.processed == 2 and len(stats.errors) == 2, stats
    assert any("[/x]" in line and "has no text" in line for line in lines)
    assert any("malformed JSON" in line for line in lines)
    assert all("[yellow]" not in line for line in lines)  # plain text: the sink styles it
    assert store.query("SELECT count(*) FROM watch_items")[0][0] == 4
