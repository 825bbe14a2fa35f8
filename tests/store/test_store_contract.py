"""The Store contract, run against every backend (SQLite and PostgreSQL).

Each test is parametrised by ``store_url`` (see conftest.py); the PostgreSQL half skips
cleanly when no server can be started. The point is parity: a user switching ``--db`` from a
file to ``postgresql://`` must see the same documents, order, search hits and errors.
"""

from __future__ import annotations

import threading

import pytest

from rhetorica.document import Document, DocumentMeta
from rhetorica.store import StoreError, open_store
from rhetorica.store.sqlite import migrations


def _doc(text: str, speaker: str | None = None, date: str | None = None, intensity=None,
         spans=(), **extra) -> Document:
    """A hand-made analysed document: fast, and every value is known to the test."""
    doc = Document(text, DocumentMeta(speaker=speaker, date=date, title=extra.pop("title", None),
                                      extra=extra))
    doc.results["pipeline"] = ["segment", "tone"]
    doc.results["tone"] = {"intensity": intensity, "valence": -0.5, "words": len(text.split())}
    for start, end, label, layer in spans:
        doc.add_span(start, end, label, layer=layer, score=0.75, source="test",
                     explanation="why", attrs={"k": [1, 2]})
    return doc


def test_backend_is_chosen_by_url(store_url):
    with open_store(store_url) as st:
        expected = "postgresql" if store_url.startswith("postgresql://") else "sqlite"
        assert st.stats()["backend"] == expected


def test_fresh_store_is_migrated_and_empty(store_url):
    with open_store(store_url) as st:
        assert st.schema_version() >= 1
        assert st.schema_version() == (max(v for v, _, _ in migrations()) if
                                       st.stats()["backend"] == "sqlite" else
                                       max(v for v, _, _ in migrations(
                                           "rhetorica.store.migrations.postgresql")))
        stats = st.stats()
        assert (stats["documents"], stats["speakers"], stats["analyses"], stats["spans"]) == (
            0, 0, 0, 0)
        assert st.list_documents() == []
        assert st.speakers() == []
    # Re-opening an existing store applies nothing twice.
    with open_store(store_url) as st:
        assert st.stats()["documents"] == 0


def test_save_is_idempotent_and_replaces_the_analysis(store_url):
    doc = _doc("Crime rose 40% in Portland.", "A", "2025-01-01", 10.0,
               [(0, 5, "crime", "x"), (6, 10, "rose", "x")])
    with open_store(store_url) as st:
        first = st.save(doc)
        second = st.save(doc)
        assert first.created and not second.created
        assert first.document_id == second.document_id and first.key == doc.key
        assert (st.stats()["documents"], st.stats()["analyses"], st.stats()["spans"]) == (1, 1, 2)
        # A re-analysis with the same pipeline replaces the old one (and its spans).
        doc.spans = doc.spans[:1]
        doc.results["tone"]["intensity"] = 55.0
        st.save(doc)
        assert (st.stats()["analyses"], st.stats()["spans"]) == (1, 1)
        assert st.list_documents()[0].intensity == 55.0
        # Same words, another speaker: another statement.
        other = st.save(_doc("Crime rose 40% in Portland.", "B", "2025-01-01"))
        assert other.created and other.document_id != first.document_id


def test_get_roundtrips_text_meta_spans_results(store_url):
    text = "They are animals — flooding our city! “Quoted” ünïcode."
    doc = _doc(text, "Mayor Ü", "2025-02-02", 87.5,
               [(0, 4, "they", "misc"), (9, 16, "dehumanising_label", "rhetoric")],
               title="A title", id="post-9")
    doc.meta.source, doc.meta.url, doc.meta.origin = "feed", "https://e.org/x", "in.jsonl:3"
    doc.results["claims"] = {"ranking": [{"start": 0, "end": 10, "score": 0.25}]}
    with open_store(store_url) as st:
        res = st.save(doc)
        back = st.get(res.document_id)
        assert back is not None
        assert back.text == text
        assert back.meta.to_dict() == doc.meta.to_dict()
        assert [s.to_dict() for s in back.spans] == [s.to_dict() for s in doc.spans]
        for s in back.spans:
            assert back.text[s.start:s.end] == text[s.start:s.end]
        assert back.results["tone"] == doc.results["tone"]
        assert back.results["claims"] == doc.results["claims"]
        assert back.results["store_id"] == res.document_id
        # By full key, by key prefix, by numeric string.
        assert st.get(res.key).text == text
        assert st.get(res.key[:12]).text == text
        assert st.get(str(res.document_id)).text == text
        assert st.get(res.document_id + 1000) is None
        assert st.get("nothing-like-a-key") is None


def test_get_without_analysis(store_url):
    with open_store(store_url) as st:
        res = st.save(Document("Plain text, never analysed.", DocumentMeta(speaker="Z")))
        back = st.get(res.document_id)
        assert back.spans == [] and back.results == {"store_id": res.document_id}
        assert st.stats()["analyses"] == 0


def test_duplicates_within_one_batch(store_url):
    a1 = _doc("Same words.", "A", "2025-01-01", 1.0, [(0, 4, "same", "x")])
    a2 = _doc("Same words.", "A", "2025-01-01", 2.0, [(5, 10, "words", "x")])
    with open_store(store_url) as st:
        res = st.save_many([a1, _doc("Other.", "A"), a2])
        assert [r.created for r in res] == [True, True, False]
        assert res[0].document_id == res[2].document_id
        back = st.get(res[0].document_id)  # the later analysis wins, as with two saves
        assert back.results["tone"]["intensity"] == 2.0
        assert [(s.start, s.end) for s in back.spans] == [(5, 10)]
        assert st.save_many([]) == []


def test_failed_batch_leaves_nothing(store_url):
    good = _doc("A calm statement about roads.", "A", "2025-01-01", 1.0)
    bad = _doc("Bad one.")
    bad.results["tone"] = {"intensity": object()}  # cannot be stored
    with open_store(store_url) as st:
        with pytest.raises(StoreError):
            st.save_many([good, bad])
        stats = st.stats()
        assert (stats["documents"], stats["speakers"], stats["analyses"]) == (0, 0, 0)
        # The store is still usable after the failed transaction.
        assert st.save(good).created
        assert st.stats()["documents"] == 1


def test_list_documents_filters_order_and_paging(store_url):
    with open_store(store_url) as st:
        st.save_many([
            _doc("First mayor statement.", "Mayor", "2025-01-01", 5.0),
            _doc("Second mayor statement.", "Mayor", "2025-01-05", 50.0),
            _doc("Third mayor statement.", "Mayor", "2025-01-09", 90.0),
            _doc("A farmer speaks.", "Farmer", "2025-01-02"),
            _doc("Nobody knows when.", None, None),
        ])
        rows = st.list_documents()
        # Newest first; undated statements last (as SQLite sorts NULL lowest).
        assert [r.date for r in rows] == [
            "2025-01-09", "2025-01-05", "2025-01-02", "2025-01-01", None]
        assert [r.date for r in st.list_documents(speaker="Mayor")] == [
            "2025-01-09", "2025-01-05", "2025-01-01"]
        assert [r.preview for r in st.list_documents(since="2025-01-03", until="2025-01-06")] == [
            "Second mayor statement."]
        assert [r.date for r in st.list_documents(limit=2, offset=1)] == [
            "2025-01-05", "2025-01-02"]
        assert st.list_documents(speaker="Nobody") == []
        top = st.list_documents(limit=1)[0]
        assert (top.speaker, top.intensity, top.key) == ("Mayor", 90.0, st.get(top.id).key)


def test_preview_is_the_first_160_characters(store_url):
    text = "word " * 100
    with open_store(store_url) as st:
        st.save(_doc(text))
        assert st.list_documents()[0].preview == text[:160]


def test_search_matches_all_words_stemmed_and_is_injection_safe(store_url):
    with open_store(store_url) as st:
        st.save_many([
            _doc("The city is calm and safe today.", "Mayor", "2025-01-01"),
            _doc("Federal agents arrived in the cities overnight.", "Mayor", "2025-01-05"),
            _doc("Unrelated text about farming.", "Farmer", "2025-01-02"),
            _doc("Roads and bridges.", "Farmer", "2025-01-03", title="Harvest report"),
        ])
        hits = st.search("city")
        assert sorted(r.date for r in hits) == ["2025-01-01", "2025-01-05"]  # city ~ cities
        assert [r.date for r in st.search("federal agents")] == ["2025-01-05"]
        assert st.search("federal farming") == []  # every word must match
        assert [r.date for r in st.search("harvest")] == ["2025-01-03"]  # titles are searched
        assert st.search("'; DROP TABLE documents; --") == []
        assert st.search("!!! ???") == []
        assert len(st.search("city", limit=1)) == 1
        assert st.stats()["documents"] == 4
        # each hit carries its matching words in context, marked for the page
        [hit] = st.search("federal agents")
        assert "\x02Federal\x03" in hit.snippet and "\x02agents\x03" in hit.snippet
        assert st.list_documents()[0].snippet is None  # only search results have one


def test_speakers_and_history(store_url):
    with open_store(store_url) as st:
        st.save_many([
            _doc("Late.", "Mayor", "2025-01-09", 90.0),
            _doc("Early.", "Mayor", "2025-01-01", 5.0),
            _doc("Middle.", "Mayor", "2025-01-05", 50.0),
            _doc("Farm.", "Farmer", "2025-01-02", 1.0),
            _doc("Also farm.", "Farmer", "2025-01-03", 2.0),
            _doc("Zed speaks.", "Zed", "2025-01-03", 2.0),
            _doc("Aaron speaks.", "Aaron", "2025-01-03", 2.0),
        ])
        assert st.speakers() == [("Mayor", 3), ("Farmer", 2), ("Aaron", 1), ("Zed", 1)]
        hist = st.speaker_history("Mayor")
        assert [h["date"] for h in hist] == ["2025-01-01", "2025-01-05", "2025-01-09"]
        assert [h["intensity"] for h in hist] == [5.0, 50.0, 90.0]
        assert hist[0]["tone"]["valence"] == -0.5
        assert all(isinstance(h["id"], int) for h in hist)
        assert st.speaker_history("Nobody") == []
        # a name typed in another case finds the same speaker (issue 17: "donald trump")
        assert [h["id"] for h in st.speaker_history("mAYOR")] == [h["id"] for h in hist]


def test_quoted_words_join_the_speakers_history_marked_as_reported(store_url):
    with open_store(store_url) as st:
        st.save(_doc("Own words.", "Mayor", "2025-01-01", 5.0))
        reporting = _doc("An article quoting the mayor at length.", None, "2025-01-04", 20.0)
        reporting.meta.source = "Daily Bugle"
        reporting.results["voices"] = [
            {"voice": "author", "words": 30, "intensity": 20.0},
            {"voice": "Mayor", "words": 24, "intensity": 66.0,
             "techniques_per_100_words": {"loaded_language": 4.2}},
            {"voice": "Farmer", "words": 3, "intensity": 90.0}]
        st.save(reporting)
        by_self = _doc("The mayor quoting herself.", "Mayor", "2025-01-06", 7.0)
        by_self.results["voices"] = [{"voice": "Mayor", "words": 40, "intensity": 99.0}]
        st.save(by_self)
        hist = st.speaker_history("Mayor")
        assert [(h["date"], h["intensity"], h["reported_by"]) for h in hist] == [
            ("2025-01-01", 5.0, None), ("2025-01-04", 66.0, "Daily Bugle"),
            ("2025-01-06", 7.0, None)]
        assert hist[1]["tone"]["techniques_per_100_words"] == {"loaded_language": 4.2}
        assert st.speaker_history("Farmer") == []  # three quoted words measure nothing


def test_delete_cascades_and_unindexes(store_url):
    with open_store(store_url) as st:
        res = st.save(_doc("Crime rose 40% in 2024.", "A", "2025-01-01", 3.0,
                           [(0, 5, "crime", "x")]))
        keep = st.save(_doc("Crime fell in 2023.", "A", "2025-01-02", 3.0))
        assert st.delete(res.document_id)
        stats = st.stats()
        assert (stats["documents"], stats["analyses"], stats["spans"]) == (1, 1, 0)
        assert [r.id for r in st.search("crime")] == [keep.document_id]
        assert not st.delete(res.document_id)
        assert st.delete(keep.key[:16])  # by key prefix
        assert st.stats()["documents"] == 0


def test_concurrent_writers_keep_one_copy(store_url):
    """Two connections saving overlapping batches: no error, no duplicate."""
    docs = [_doc(f"Statement number {i}.", "S", f"2025-01-{i + 1:02d}", float(i))
            for i in range(20)]
    errors: list[BaseException] = []

    def work(batch):
        try:
            with open_store(store_url) as st:
                for d in batch:
                    st.save(d)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(docs[:15],)),
               threading.Thread(target=work, args=(docs[5:],))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(store_url) as st:
        assert st.stats()["documents"] == 20
        assert st.stats()["analyses"] == 20
        assert st.speakers() == [("S", 20)]


@pytest.fixture(scope="module")
def core_pipeline():
    from rhetorica.config import Settings
    from rhetorica.pipeline import Pipeline

    core = ("parse", "language", "segment", "entities", "claims", "rhetoric", "tone")
    return Pipeline(core, Settings(pipeline=core))


def test_real_pipeline_output_roundtrips(store_url, core_pipeline):
    doc = core_pipeline(Document("Crime rose 40% in Portland, said Mayor Smith. It is a war "
                                 "zone!", DocumentMeta(speaker="Mayor Smith", date="2025-03-01")))
    with open_store(store_url) as st:
        back = st.get(st.save(doc).document_id)
        assert sorted(repr(s.to_dict()) for s in back.spans) == sorted(
            repr(s.to_dict()) for s in doc.spans)
        assert back.results["tone"] == doc.results["tone"]
        assert back.results["pipeline"] == doc.results["pipeline"]
        assert st.speaker_history("Mayor Smith")[0]["intensity"] == doc.results["tone"][
            "intensity"]


def _set_key(st, doc_id: int, key: str) -> None:
    """Give a stored document a chosen key (to build two keys sharing a long prefix)."""
    mark = "%s" if st.url.startswith(("postgresql://", "postgres://")) else "?"
    with st.transaction() as conn:
        conn.execute(f"UPDATE documents SET key = {mark} WHERE id = {mark}", (key, doc_id))


@pytest.mark.parametrize("ref", ["________", "%%%%%%%%", "_%_%_%_%_%", "a_______", "%"])
def test_a_ref_is_never_a_pattern(store_url, ref):
    """Issue 14, finding 4: `db delete ________` deleted every statement (LIKE pattern)."""
    with open_store(store_url) as st:
        for i in range(3):
            st.save(_doc(f"Statement number {i} about the harbour budget.", "A", "2025-01-01"))
        assert st.get(ref) is None
        assert not st.delete(ref)
        assert st.stats()["documents"] == 3


def test_a_ref_matching_several_statements_is_refused(store_url):
    from rhetorica.store.base import AmbiguousRef

    with open_store(store_url) as st:
        one = st.save(_doc("The first statement on ferries.", "A", "2025-01-01"))
        two = st.save(_doc("The second statement on ferries.", "A", "2025-01-02"))
        _set_key(st, one.document_id, "abcdef0123" + "1" * 54)
        _set_key(st, two.document_id, "abcdef0123" + "2" * 54)
        with pytest.raises(AmbiguousRef, match="2 stored statements"):
            st.delete("abcdef0123")
        with pytest.raises(AmbiguousRef):
            st.get("abcdef01")
        assert st.stats()["documents"] == 2
        assert st.get("abcdef01231").text == "The first statement on ferries."
        assert st.delete("abcdef01232")  # a unique prefix still works
        assert st.stats()["documents"] == 1


def test_a_database_from_a_newer_version_is_refused(store_url):
    """Issue 14, finding 12: a newer schema was accepted, then failed with an internal error."""
    with open_store(store_url) as st:
        latest = st.schema_version()
        mark = "%s" if st.url.startswith(("postgresql://", "postgres://")) else "?"
        with st.transaction() as conn:
            conn.execute(f"INSERT INTO schema_migrations(version, name) VALUES ({mark}, {mark})",
                         (latest + 7, "from_the_future"))
    with pytest.raises(StoreError, match=f"newer version of Rhetorica.*schema {latest + 7}.*"
                                         f"up to {latest}"):
        open_store(store_url)
