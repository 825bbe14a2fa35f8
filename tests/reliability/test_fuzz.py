"""Property-based fuzzing of every parser, of ``analyze`` end to end, of the CLI listings and
of feed fields through the watcher.

Properties: a parser returns documents or raises InputError, nothing else; every span lies
inside its text; HTML output never carries an unescaped ``<script``; stored hostile text
(markup, hyperlinks, escape sequences, mathtext) reaches the terminal and the charts as text,
and one hostile feed item never stops a poll.

CI runs a brief profile (50 examples per target). For longer runs set
``RHETORICA_FUZZ_EXAMPLES=5000`` or use ``python scripts/fuzz.py --minutes 10``, which calls
the targets below round-robin until the time is up. Targets take no pytest fixtures so the
script can call them directly.
"""

from __future__ import annotations

import contextlib
import json
import os
from functools import lru_cache

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rhetorica.ingest.errors import InputError

EXAMPLES = int(os.environ.get("RHETORICA_FUZZ_EXAMPLES", "50"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Targets that build a store and run whole commands per example (~0.4 s each): a fifth as
# many examples, so CI stays quick; RHETORICA_FUZZ_EXAMPLES scales them too.
FUZZ_SLOW = settings(FUZZ, max_examples=max(10, EXAMPLES // 5))

# -- strategies ---------------------------------------------------------------------------

WORDS = ["The", "mayor", "said", "crime", "rose", "40%", "in", "Portland", "since", "2020",
         "invasion", "vermin", "war", "zone", "!", "?", ".", ",", "\n", "\n\n", "they", "we",
         "Senator", "Smith", "<script>alert(1)</script>", "<iframe src=x>", "&amp;", "&",
         "\u202e", "\u200b", "e\u0301", "\U0001f600", "\t", "\"", "'", "\\", "\r\n", "$5bn",
         "Dr.", "U.S.", "...", "\u00a0", "ﬁ", "İ", "ß", "\u0301", "\ufeff"]

sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map(" ".join)
texts = st.one_of(sentences, st.text(max_size=300), st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         texts)
json_values = st.recursive(json_scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.sampled_from(
        ["text", "content", "speaker", "author", "date", "user", "id", "url", "title", "x"]),
        kids, max_size=5)), max_leaves=20)
posts = st.fixed_dictionaries({"text": texts}, optional={
    "speaker": st.one_of(texts, st.dictionaries(st.sampled_from(["name", "screen_name"]), texts)),
    "date": st.one_of(texts, st.integers()), "id": json_scalars, "url": texts, "title": texts,
    "nested": json_values})


@lru_cache(maxsize=1)
def _pipeline():
    from rhetorica.pipeline import Pipeline

    names = os.environ.get("RHETORICA_FUZZ_PIPELINE")  # default: the full default pipeline
    return Pipeline(names.split(",") if names else None)


def _check_docs(docs) -> None:
    for d in docs:
        assert isinstance(d.text, str) and d.text.strip()
        d.text.encode("utf-8")  # storable and printable


def _check_spans(doc) -> None:
    for s in doc.spans:
        assert 0 <= s.start < s.end <= len(doc.text), s


# -- targets ------------------------------------------------------------------------------

@FUZZ
@given(data=st.binary(max_size=2000),
       encoding=st.sampled_from(["utf-8", "latin-1", "cp1252", "utf-16", "utf-16-le", "ascii"]))
def test_fuzz_decode(data, encoding):
    from rhetorica.ingest.text import decode

    try:
        text = decode(data, "<fuzz>", encoding)
    except InputError:
        return
    assert "\r" not in text


@FUZZ
@given(raw=st.one_of(st.text(max_size=500), json_values.map(json.dumps),
                     st.lists(posts, max_size=5).map(json.dumps), posts.map(json.dumps)))
def test_fuzz_statements_json(raw):
    from rhetorica.ingest.statements import parse_json

    with contextlib.suppress(InputError):
        _check_docs(parse_json(raw, "<fuzz>"))


@FUZZ
@given(lines=st.lists(st.one_of(posts.map(json.dumps), json_values.map(json.dumps),
                                st.text(max_size=80)), max_size=8))
def test_fuzz_statements_jsonl(lines):
    from rhetorica.ingest.statements import parse_jsonl

    try:
        docs = parse_jsonl("\n".join(lines), "<fuzz>")
    except InputError:
        return
    _check_docs(docs)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), texts.map(str.encode)),
       suffix=st.sampled_from(["txt", "md", "json", "jsonl", "ndjson", "csv"]))
def test_fuzz_read_statements_file(data, suffix):
    import tempfile
    from pathlib import Path

    from rhetorica.ingest.statements import read_statements

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in.{suffix}"
        path.write_bytes(data)
        with contextlib.suppress(InputError):
            _check_docs(read_statements(str(path), max_bytes=10_000))


def _corpus_readers():
    try:
        from rhetorica.ingest import corpus
    except ImportError:  # corpus ingest not present in this build
        return {}
    return dict(getattr(corpus, "READERS", {}))


HTML_BITS = ["<html>", "<head><title>T</title></head>", "<body>", "<p>", "</p>", "<script>",
             "alert(1)", "</script>", "<iframe src='file:///etc/passwd'>", "<div onload=x>",
             "<!--", "-->", "<![CDATA[", "]]>", "<meta charset='utf-16'>", "&nbsp;", "&#0;",
             "&#xD800;", "<br/>", "<article>", "<h1>", "The mayor said crime rose 40%.", "<",
             ">", "<style>p{}</style>", "<svg><script>x</script></svg>", "<table><tr><td>"]
XML_BITS = ["<?xml version='1.0'?>", "<rss version='2.0'>", "<channel>", "<title>T</title>",
            "<item>", "<description>", "Crime rose 40% &amp; more.", "</description>",
            "</item>", "</channel>", "</rss>", "<feed xmlns='http://www.w3.org/2005/Atom'>",
            "<entry><title>A</title><content type='html'>&lt;script&gt;x&lt;/script&gt;"
            "</content></entry>", "</feed>", "<!DOCTYPE r [<!ENTITY a 'aaaa'>]>", "&a;",
            "<!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>", "&x;", "<![CDATA[x]]>"]
markup = st.one_of(st.lists(st.sampled_from(HTML_BITS), max_size=30).map("".join),
                   st.lists(st.sampled_from(XML_BITS), max_size=30).map("".join))


@FUZZ
@given(data=st.one_of(st.binary(max_size=1500), markup.map(str.encode), texts.map(str.encode),
                      st.lists(posts, max_size=3).map(lambda p: json.dumps(p).encode())),
       fmt=st.sampled_from(["text", "markdown", "html", "pdf", "json", "jsonl", "feed"]))
def test_fuzz_corpus_readers(data, fmt):
    readers = _corpus_readers()
    if fmt not in readers:
        return
    try:
        docs = readers[fmt](data, "<fuzz>")
    except InputError:
        return
    for d in docs:
        text = getattr(d, "text", "")
        assert isinstance(text, str)
        text.encode("utf-8")
        assert "root:x:0:0" not in text  # XXE never resolved


@FUZZ
@given(text=texts, speaker=st.one_of(st.none(), texts))
@example(text="\u0130", speaker=None)  # found by fuzzing: "İ".lower() is two characters
@example(text="\u0130 said it. \u0130 did. She agreed.", speaker="\u0130")
def test_fuzz_analyze_end_to_end(text, speaker):
    from rhetorica import registry
    from rhetorica.document import Document, DocumentMeta
    from rhetorica.ingest.text import decode, require_text

    try:
        text = require_text(decode(text.encode("utf-8", "surrogatepass"), "<fuzz>"), "<fuzz>")
    except InputError:
        return
    doc = _pipeline()(Document(text, DocumentMeta(speaker=speaker, title=speaker)))
    assert doc.text == text
    _check_spans(doc)
    html = registry.formats.get("html")([doc])
    assert "<script" not in html.lower()
    assert "<iframe" not in html.lower()
    json.loads(registry.formats.get("json")([doc]))
    registry.formats.get("markdown")([doc])


@FUZZ
@given(data=st.one_of(st.binary(max_size=1500), st.lists(
           st.one_of(posts.map(json.dumps), st.text(max_size=60)), max_size=6).map(
           lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))),
       suffix=st.sampled_from(["jsonl", "json", "txt"]))
def test_fuzz_batch_reader(data, suffix):
    import tempfile
    from pathlib import Path

    try:
        from rhetorica.batch.reader import iter_records
    except ImportError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in.{suffix}"
        path.write_bytes(data)
        try:
            records = list(iter_records([path], max_bytes=1000))
        except InputError:
            return
        seqs = [r.seq for r in records]
        assert seqs == list(range(len(records)))  # numbering never skips or repeats
        for r in records:
            assert r.kind in {"json", "text", "oversized", "error"}


# -- what reaches the terminal and the charts (issue 14) ----------------------------------

# Strings that rich, a terminal or matplotlib would read as instructions: markup, hyperlinks,
# escape sequences, bidi overrides, emoji codes, mathtext, LIKE wildcards, legend-hiding "_".
TERMINAL_BITS = ["[/x]", "[/]", "[bold]", "[link=https://example.invalid]", "[/link]", "\\",
                 "\\[", "$", "$\\frac{a}{$", "\x1b[2J", "\x1b]8;;https://example.invalid\x1b\\",
                 "\x07", "\x9b", "\u202e", ":warning:", "\n", "\t", "\r", "_", "%", "&amp;",
                 "<b>", "\u0130", "\U0001f600", "Mayor", "Ann", " "]
hostile = st.one_of(
    st.lists(st.sampled_from(TERMINAL_BITS), min_size=1, max_size=8).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def _cli(args: list[str]):
    """The real command tree in this process; returns click's Result."""
    from typer.testing import CliRunner

    from rhetorica.cli.main import app

    return CliRunner().invoke(app, args)


def _check_listing(args: list[str]) -> None:
    res = _cli(args)
    assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.output)
    assert res.exit_code in (0, 1), (args, res.exit_code, res.output)
    for ctrl in TERMINAL_CONTROLS:
        assert ctrl not in res.output, (args, ctrl, res.output)


@FUZZ_SLOW
@given(speaker=hostile, title=hostile, source=hostile, date=hostile, query=hostile,
       indicator=hostile)
def test_fuzz_cli_listings(speaker, title, source, date, query, indicator):
    """Every listing shows stored hostile text as text: exit 0/1, no crash, no raw escape
    sequence on the terminal (db list/speakers/search/show, corpus list/stats, watch
    alerts/sources/timeline)."""
    import tempfile
    from pathlib import Path

    from rhetorica.document import Document, DocumentMeta
    from rhetorica.ingest.corpus import CorpusDocument
    from rhetorica.store import open_store
    from rhetorica.store.corpus import open_corpus_store

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "fuzz.db")
        with open_store(db) as st:
            st.save(Document(f"About {title}: the harbour budget.", DocumentMeta(
                speaker=speaker, date=date, title=title, source=source, url=title)))
            st.save(Document("A second, plain statement about ferries.",
                             DocumentMeta(speaker=speaker + "2")))
            with st.transaction() as conn:
                conn.execute("INSERT INTO watch_sources(uri, kind, cursor_json) VALUES (?,?,?)",
                             (f"feed:{source}", "feed", '{"etag": ' + json.dumps(title) + "}"))
                conn.execute("INSERT INTO watch_items(source_id, item_key, document_id, speaker, "
                             "date, intensity) VALUES (1, ?, 1, ?, '2025-06-01', 40)",
                             (title, speaker))
                conn.execute("INSERT INTO indicator_hits(item_id, document_id, indicator, topic, "
                             "severity, date, start, \"end\", method, score, evidence) VALUES "
                             "(1, 1, ?, ?, ?, '2025-06-01', 0, 5, 'regex', 1.0, ?)",
                             (indicator, source, speaker, title))
                conn.execute("INSERT INTO alerts(kind, subject, date, item_id, document_id, "
                             "severity, message) VALUES ('indicator_first', ?, '2025-06-01', 1, "
                             "1, ?, ?)", (indicator, speaker, f"first {title!r} — {speaker}"))
        with open_corpus_store(db) as store:
            store.add_documents([CorpusDocument(f"Report on {title}: cargo rose.", source,
                                                title=title, source=source, author=speaker,
                                                published="2025-01-02")], None, "none")
        for args in (["db", "list"], ["db", "speakers"], ["db", "search", "--", query],
                     ["db", "show", "1", "-f", "json"], ["db", "list", "--speaker", speaker],
                     ["corpus", "list"], ["corpus", "list", "--source", source],
                     ["corpus", "stats"], ["watch", "alerts"], ["watch", "sources"],
                     ["watch", "timeline"]):  # the chart is drawn by test_fuzz_feed_fields
            _check_listing([args[0], args[1], "--db", db, *args[2:]])


FEED_DATES = st.one_of(st.none(), hostile, st.sampled_from([
    "Mon, 02 Jun 2025 09:00:00 GMT", "2025-06-02T09:00:00Z", "Sat, 01 Jan 0001 00:00:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT", "99999-01-01", "0", "-1"]))
feed_items = st.lists(st.fixed_dictionaries({}, optional={
    "title": hostile, "author": hostile, "guid": hostile, "link": hostile,
    "description": st.one_of(hostile, texts), "pubDate": FEED_DATES}), max_size=6)


def _rss(channel_title: str | None, items: list[dict], raw: bool) -> bytes:
    """An RSS document; ``raw`` puts field values in unescaped (markup and entities)."""
    from xml.sax.saxutils import escape as xml_escape

    def field(tag: str, value: str | None) -> str:
        if value is None:
            return ""
        return f"<{tag}>{value if raw else xml_escape(value)}</{tag}>"

    body = "".join("<item>" + "".join(field(k, v) for k, v in it.items()) + "</item>"
                   for it in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel>{field("title", channel_title)}'
            f"{body}</channel></rss>").encode("utf-8", "surrogatepass")


class _StubPipeline:
    """What the watcher needs from a pipeline, without spaCy: intensity rises so jumps fire."""

    def __init__(self) -> None:
        self.n = 0

    def pipe(self, docs):
        for doc in docs:
            self.n += 1
            doc.results["pipeline"] = ["tone"]
            doc.results["tone"] = {"intensity": 10.0 if self.n <= 3 else 95.0}
            yield doc


@FUZZ_SLOW
@given(channel_title=st.one_of(st.none(), hostile), items=feed_items, raw=st.booleans(),
       speaker=hostile, chart=st.integers(0, 3))
def test_fuzz_feed_fields(channel_title, items, raw, speaker, chart):
    """Hostile feed fields never stop a poll: the feed is refused as a whole (InputError),
    or every item is stored or skipped-and-reported; log lines and alerts print as text;
    the timeline chart draws."""
    import io
    import tempfile
    from pathlib import Path

    from rich.console import Console

    from rhetorica.cli import common
    from rhetorica.cli.watch import _log_line
    from rhetorica.monitor.alerts import ConsoleSink
    from rhetorica.monitor.sources import FeedSource
    from rhetorica.monitor.timeline import build_timeline, render_chart
    from rhetorica.monitor.watcher import JumpRule, Watcher
    from rhetorica.monitor.watchlist import load_watchlist
    from rhetorica.store import open_store

    # A speaker who posts five times: the fifth post jumps, so an alert names them.
    items = [*items, *({"title": f"Post {i} on roads", "author": speaker, "guid": f"s{i}",
                        "pubDate": f"Mon, 0{i + 1} Jun 2025 09:00:00 GMT"} for i in range(5))]
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.rss"
        feed.write_bytes(_rss(channel_title, items, raw))
        try:
            polled = list(FeedSource(str(feed)).poll({}))
        except InputError:
            polled = None
        screen = io.StringIO()
        console = Console(file=screen, force_terminal=True, width=120)
        lines: list[str] = []

        def log(message: str) -> None:
            lines.append(message)
            _log_line(message)

        # Console.file reads back sys.stderr when unset: save the private slot, or restoring
        # would pin this test's stream for every later test.
        stderr_file = common.err._file
        common.err.file = screen  # the CLI's log lines, captured with the alerts
        try:
            with open_store(str(Path(tmp) / "w.db")) as store:
                watcher = Watcher(store, [FeedSource(str(feed))], load_watchlist(),
                                  sinks=[ConsoleSink(console)], pipeline=_StubPipeline(),
                                  jump=JumpRule(min_history=3), log=log, speakers=[])
                stats = watcher.run(once=True)
                if polled is None:  # the feed as a whole is refused and reported
                    assert len(stats.errors) == 1 and stats.processed == 0
                else:  # each item stored, seen (a repeated id) or skipped and reported
                    keyed = [it for it in polled if it.key]
                    assert stats.processed + stats.skipped + len(stats.errors) == len(keyed)
                    recorded = store.query("SELECT count(*) FROM watch_items")[0][0]
                    assert recorded == len({it.key for it in keyed})
                if chart == 0:  # drawing costs ~0.8 s: one example in four
                    render_chart(build_timeline(store), "svg")
        finally:
            common.err._file = stderr_file
        assert len(lines) >= len(stats.errors)
        for ctrl in ("\x07", "\x9b", "\u202e"):
            assert ctrl not in screen.getvalue()
        assert "\x1b]8;" not in screen.getvalue()  # alerts never print a hyperlink


TARGETS = [test_fuzz_decode, test_fuzz_statements_json, test_fuzz_statements_jsonl,
           test_fuzz_read_statements_file, test_fuzz_corpus_readers, test_fuzz_batch_reader,
           test_fuzz_analyze_end_to_end, test_fuzz_cli_listings, test_fuzz_feed_fields]
