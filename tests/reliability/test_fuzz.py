"""Property-based fuzzing of every parser and of ``analyze`` end to end.

Properties: a parser returns documents or raises InputError, nothing else; every span lies
inside its text; HTML output never carries an unescaped ``<script``.

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


TARGETS = [test_fuzz_decode, test_fuzz_statements_json, test_fuzz_statements_jsonl,
           test_fuzz_read_statements_file, test_fuzz_corpus_readers, test_fuzz_batch_reader,
           test_fuzz_analyze_end_to_end]
