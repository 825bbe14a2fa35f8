"""The evidence CorpusStore contract on SQLite and PostgreSQL (same behaviour, both backends)."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from rhetorica.ingest.corpus import CorpusDocument
from tests.evidence.conftest import ARTICLES

DIM = 8


def fake_embed(texts: list[str]) -> np.ndarray:
    """Deterministic unit vectors from a hash: no model needed to test storage."""
    out = np.array([[b - 128 for b in hashlib.sha256(t.encode()).digest()[:DIM]]
                    for t in texts], dtype=np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture
def corpus(store_url):
    from rhetorica.store import open_store
    from rhetorica.store.postgres import PostgresStore
    from rhetorica.store.postgres_corpus import PostgresCorpusStore
    from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

    st = open_store(store_url)
    cs = PostgresCorpusStore(st) if isinstance(st, PostgresStore) else SQLiteCorpusStore(st)
    rep = cs.add_documents(ARTICLES, fake_embed, "fake")
    assert rep.documents_added == 4 and rep.passages_added >= 4
    yield cs
    cs.close()


def test_add_is_idempotent_and_bumps_generation(corpus):
    before = corpus.stats()
    assert before["documents"] == 4 and before["sources"] == 3
    assert before["embeddings"]["fake"] == {"dim": DIM, "vectors": before["passages"]}
    assert (before["earliest"], before["latest"]) == ("2022-09-12", "2025-01-20")
    gen = corpus.generation()
    again = corpus.add_documents(ARTICLES, fake_embed, "fake")
    assert (again.documents_added, again.documents_skipped) == (0, 4)
    assert corpus.generation() == gen and corpus.stats()["passages"] == before["passages"]


def test_duplicate_passages_indexed_once(corpus):
    copy = CorpusDocument(ARTICLES[2].text + "\n\nA syndicated footer line was added here.",
                          "test:copy", source="Other Paper")
    rep = corpus.add_documents([copy], fake_embed, "fake")
    assert rep.documents_added == 1 and rep.passages_skipped >= 1 and rep.passages_added == 1


def test_failure_in_the_middle_leaves_nothing(corpus):
    before = corpus.stats()

    def exploding(texts):
        raise RuntimeError("embedding failed")

    new = [CorpusDocument(f"Fresh report number {i} about the harbour.", f"t:{i}")
           for i in range(3)]
    with pytest.raises(RuntimeError):
        corpus.add_documents(new, exploding, "fake")
    after = corpus.stats()
    assert (after["documents"], after["passages"]) == (before["documents"], before["passages"])
    assert corpus.add_documents(new, fake_embed, "fake").documents_added == 3  # still usable


def test_lexical_with_filters_and_passages_with_offsets(corpus):
    hits = corpus.lexical("harbour container traffic", 5)
    assert hits and all(score > 0 for _, score in hits)
    found = corpus.passages([pid for pid, _ in hits])
    top = found[hits[0][0]]
    assert "harbour" in top["text"].lower() and top["source"] == "Westport Gazette"
    doc_text = ARTICLES[0].text
    assert doc_text[top["start"]:top["end"]] == top["text"]
    from rhetorica.store.corpus import Filters

    assert corpus.lexical("harbour containers", 5, Filters(until="2024-12-31")) == []
    assert corpus.lexical("harbour containers", 5, Filters(since="2025-01-01", until="2025-01-20"))
    assert corpus.lexical("bridge cables", 5, Filters(sources=("Coastal Ledger",)))
    assert corpus.lexical("bridge cables", 5, Filters(sources=("Westport Gazette",))) == []
    assert corpus.lexical("the and of", 5) == []
    assert corpus.lexical("'); DROP TABLE passages; --", 5) == []


def test_vectors_roundtrip_and_cache(corpus):
    m = corpus.vectors("fake")
    assert m.vectors.shape == (corpus.stats()["passages"], DIM)
    texts = corpus.passages(m.ids.tolist())
    expected = fake_embed([texts[int(i)]["text"] for i in m.ids])
    assert np.allclose(m.vectors, expected, atol=2e-3)  # float16 storage
    assert corpus.vectors("fake") is m  # cached until the corpus changes
    corpus.add_documents([CorpusDocument("A new passage about trams.", "t:tram")], fake_embed,
                         "fake")
    assert corpus.vectors("fake") is not m
    assert corpus.vectors("other-model").vectors.shape[0] == 0


def test_list_and_remove_cascade(corpus):
    docs = corpus.list_documents()
    assert [d["published"] for d in docs] == ["2025-01-20", "2024-04-10", "2023-06-05",
                                              "2022-09-12"]
    assert [d["title"] for d in corpus.list_documents(source="Coastal Ledger")] == [
        "Bridge reopens", "Dry years"]
    n = corpus.stats()["passages"]
    assert corpus.remove([docs[0]["id"]]) == 1
    assert corpus.stats()["passages"] == n - docs[0]["passages"]
    assert corpus.remove([docs[1]["key"][:12]]) == 1
    assert corpus.remove([], source="Coastal Ledger") == 2
    stats = corpus.stats()
    assert stats["documents"] == 0 and stats["sources"] == 0
    assert stats["embeddings"] == {} and corpus.lexical("bridge cables", 5) == []


def test_fact_checks_lists_stored_claimreviews_cached_per_generation(corpus):
    review = CorpusDocument(
        "The Lindholm tram carries 90,000 riders a day.\n\nHarbour Check rated this claim: False.",
        "test:review", title="Fact-check: tram riders", source="Harbour Check",
        published="2024-05-02", url="https://check.example/tram",
        extra={"kind": "claimreview", "claim_reviewed": "The Lindholm tram carries 90,000 riders "
               "a day.", "rating": "False", "rating_value": 1, "best_rating": 5,
               "worst_rating": 1, "publisher": None, "claimant": "Mayor Ana Pike",
               "claim_date": "2024-04-28", "claim_appearance": None})
    lookalike = CorpusDocument("An article that mentions claimreview markup in passing.",
                               "test:article", extra={"kind": "article", "note": "claimreview"})
    assert corpus.fact_checks() == []  # the four ARTICLES are not fact-checks
    corpus.add_documents([review, lookalike], fake_embed, "fake")
    [fc] = rows = corpus.fact_checks()
    assert fc["claim_reviewed"] == "The Lindholm tram carries 90,000 riders a day."
    assert (fc["rating"], fc["rating_value"], fc["best_rating"], fc["worst_rating"]) == (
        "False", 1, 5, 1)
    assert fc["publisher"] == "Harbour Check"  # falls back to the source when not stored
    assert (fc["date"], fc["url"], fc["claimant"], fc["claim_date"]) == (
        "2024-05-02", "https://check.example/tram", "Mayor Ana Pike", "2024-04-28")
    assert corpus.fact_checks() is rows  # cached until the corpus changes
    assert corpus.remove([fc["id"]]) == 1
    assert corpus.fact_checks() == []


@pytest.mark.parametrize("ref", ["________", "%%%%%%%%", "_%_%_%_%_%"])
def test_remove_ref_is_never_a_pattern(corpus, ref):
    """Issue 14, finding 4: `corpus remove ________` emptied the corpus (LIKE pattern)."""
    assert corpus.remove([ref]) == 0
    assert corpus.stats()["documents"] == 4


def test_remove_ref_matching_several_documents_is_refused(corpus):
    from rhetorica.store.base import AmbiguousRef

    docs = corpus.list_documents()
    store = corpus.store
    mark = "%s" if store.url.startswith(("postgresql://", "postgres://")) else "?"
    with store.transaction() as conn:
        for n, d in enumerate(docs[:2]):
            conn.execute(f"UPDATE corpus_documents SET key = {mark} WHERE id = {mark}",
                         ("feedface01" + str(n) * 54, d["id"]))
    with pytest.raises(AmbiguousRef, match="2 corpus documents"):
        corpus.remove([docs[2]["id"], "feedface01"])
    assert corpus.stats()["documents"] == 4  # nothing removed, not even the unambiguous id
    assert corpus.remove(["feedface010"]) == 1


def test_document_gives_metadata_provenance_and_passages_in_order(corpus):
    from rhetorica.ingest.corpus import CorpusDocument

    doc = CorpusDocument("Ferries stopped on Monday.\n\nCrews walked out at dawn.", "f.txt",
                         title="Ferry walkout", extra={"provenance": {"title": "first line"},
                                                       "date_missing": True})
    corpus.add_documents([doc], fake_embed, "fake")
    row = next(r for r in corpus.list_documents() if r["title"] == "Ferry walkout")
    got = corpus.document(row["id"])
    assert got["title"] == "Ferry walkout" and got["published"] is None
    assert got["date_missing"] and got["provenance"] == {"title": "first line"}
    assert got["passages"][0]["text"].startswith("Ferries stopped")
    assert [p["start"] for p in got["passages"]] == sorted(p["start"] for p in got["passages"])
    assert corpus.document(row["key"][:10])["id"] == row["id"]
    assert corpus.document(987654) is None


def _wire(text: str, origin: str, source: str, published: str | None, **extra) -> CorpusDocument:
    return CorpusDocument(text, origin, title=origin, source=source, published=published,
                          extra=extra)


def test_wire_copies_share_a_group_and_regroup_after_removal(corpus):
    from tests.ingest.test_near_duplicates import OTHER_NEWSROOM, STORY

    paras = STORY.split("\n\n")
    trimmed = "\n\n".join(paras[:3])
    edited = STORY.replace("rotting", "decaying").replace("about two miles", "two miles") \
        + "\n\n(Reporting by the Lakeshore Wire desk)"
    rep = corpus.add_documents([
        _wire(trimmed, "wire:trimmed", "Lakeshore Wire", "2026-04-15"),
        _wire(STORY, "wire:original", "Harlow Bay Herald", "2026-04-14"),
        _wire(edited, "wire:edited", "Valley Courier", None),
        _wire(OTHER_NEWSROOM, "wire:other", "Bay Public Radio", "2026-04-14")],
        fake_embed, "fake")
    trimmed_id, orig_id, edited_id, other_id = rep.ids
    rows = {r["id"]: r for r in corpus.list_documents(limit=20)}
    assert rows[trimmed_id]["group"] == rows[orig_id]["group"] == rows[edited_id]["group"] \
        == trimmed_id
    assert rows[orig_id]["copies"] == 3
    assert rows[other_id]["group"] == other_id and rows[other_id]["copies"] == 1
    assert {r["id"] for r in corpus.list_documents(group=trimmed_id)} == {
        trimmed_id, orig_id, edited_id}
    # earliest published first, undated last
    assert [m["id"] for m in corpus.copies([edited_id])[edited_id]] == [
        orig_id, trimmed_id, edited_id]
    shown = corpus.document(orig_id)
    assert shown["group"] == trimmed_id
    assert {c["id"] for c in shown["copies"]} == {trimmed_id, edited_id}
    assert corpus.remove([trimmed_id]) == 1
    assert {r["id"] for r in corpus.list_documents(group=orig_id)} == {orig_id, edited_id}
    assert corpus.list_documents(group=trimmed_id) == []


def test_list_filters_by_date_language_and_source(corpus):
    corpus.add_documents([
        _wire("Le conseil a voté le budget mardi soir.", "fr", "Le Courrier", "2024-04-10T18:30",
              language="fr-CA"),
        _wire("The council passed the budget on Tuesday night.", "en", "Courier", None,
              language="en-GB")], fake_embed, "fake")
    dates = lambda **kw: [r["published"] for r in corpus.list_documents(**kw)]  # noqa: E731
    assert dates(since="2024-01-01") == ["2025-01-20", "2024-04-10T18:30", "2024-04-10"]
    assert dates(until="2024-04-10") == ["2024-04-10T18:30", "2024-04-10", "2023-06-05",
                                         "2022-09-12"]
    assert dates(since="2023-01-01", until="2023-12-31") == ["2023-06-05"]
    assert [r["origin"] for r in corpus.list_documents(language="fr")] == ["fr"]
    assert [r["origin"] for r in corpus.list_documents(language="EN")] == ["en"]
    assert corpus.list_documents(language="e") == []
    assert corpus.list_documents(source="Courier", since="2000-01-01") == []
    assert [r["origin"] for r in corpus.list_documents(source="le courrier")] == ["fr"]
    assert corpus.document(corpus.list_documents(source="Courier")[0]["id"])["fetch"] is None


def test_documents_stored_before_fingerprints_are_grouped_by_the_next_add(corpus):
    from tests.ingest.test_near_duplicates import STORY

    first = corpus.add_documents([_wire(STORY, "old:1", "Herald", "2026-04-14")], fake_embed,
                                 "fake").ids[0]
    with corpus.store.transaction() as conn:  # as a database from before migration 4 looks
        conn.execute("DELETE FROM corpus_bands")
        conn.execute("DELETE FROM corpus_fingerprints")
        conn.execute("UPDATE corpus_documents SET dup_group = NULL")
        conn.execute("UPDATE corpus_state SET copies_backfilled = 0")
    copy = STORY.replace("rotting", "decaying")
    second = corpus.add_documents([_wire(copy, "new:1", "Wire", "2026-04-15")], fake_embed,
                                  "fake").ids[0]
    assert [r["id"] for r in corpus.list_documents(group=first)] == [second, first]
    looked_at = corpus.store.query("SELECT count(*) AS n FROM corpus_fingerprints")[0]["n"]
    assert looked_at == corpus.stats()["documents"]  # short ones recorded, not re-read


# -- raw HTTP responses behind URL documents (`corpus add URL`) --------------------------------

def _fetch(url: str, raw: bytes, keys: list[str], etag: str = '"e1"'):
    from rhetorica.store.corpus import FetchRecord

    return FetchRecord(url=url, final_url=url + "/final", kind="html", status=200,
                       content_type="text/html; charset=utf-8", etag=etag,
                       last_modified="Mon, 20 Jan 2025 09:00:00 GMT",
                       fetched_at="2025-01-21T10:00:00Z", document_keys=keys, raw=raw)


def _fetch_rows(corpus) -> int:
    return int(corpus.store.query("SELECT count(*) AS n FROM corpus_fetches")[0]["n"])


def test_add_fetched_stores_the_response_beside_its_documents_and_replaces_it(corpus):
    url = "https://news.example/trams"
    doc = CorpusDocument("Trams return to the harbour line on Sunday after a year.", url,
                         title="Trams return", url=url + "/final")
    raw = b"<html><body><p>Trams return to the harbour line on Sunday.</p></body></html>" * 40
    rep = corpus.add_fetched(_fetch(url, raw, [doc.key]), [doc], fake_embed, "fake")
    assert rep.documents_added == 1 and rep.passages_added >= 1
    rec = corpus.fetch_record(url)
    assert (rec.final_url, rec.kind, rec.status, rec.etag, rec.last_modified) == (
        url + "/final", "html", 200, '"e1"', "Mon, 20 Jan 2025 09:00:00 GMT")
    assert (rec.content_type, rec.fetched_at, rec.document_keys) == (
        "text/html; charset=utf-8", "2025-01-21T10:00:00Z", [doc.key])
    assert rec.raw is None and rec.raw_size == len(raw) and rec.documents_present
    assert corpus.fetch_raw(url) == raw
    stored = corpus.store.query("SELECT raw FROM corpus_fetches")[0]["raw"]
    assert len(bytes(stored)) < len(raw) / 5  # kept compressed
    assert corpus.fetch_record(url + "/other") is None and corpus.fetch_raw("x") is None

    newer = CorpusDocument("Trams return to the harbour line on Saturday, a day early.", url)
    corpus.add_fetched(_fetch(url, b"<p>newer</p>", [newer.key], etag='"e2"'), [newer],
                       fake_embed, "fake")
    rec = corpus.fetch_record(url)
    assert (rec.etag, rec.document_keys, _fetch_rows(corpus)) == ('"e2"', [newer.key], 1)
    assert corpus.fetch_raw(url) == b"<p>newer</p>"
    assert corpus.stats()["documents"] == 6  # the earlier version stays: text is identity
    row = next(r for r in corpus.list_documents(limit=10) if r["key"] == newer.key)
    assert corpus.remove([row["id"]]) == 1
    assert not corpus.fetch_record(url).documents_present  # a re-run fetches it again


def test_add_fetched_failure_leaves_neither_the_response_nor_documents(corpus):
    before = corpus.stats()

    def exploding(texts):
        raise RuntimeError("embedding failed")

    doc = CorpusDocument("A ferry timetable for the winter season was published.", "u")
    with pytest.raises(RuntimeError):
        corpus.add_fetched(_fetch("https://news.example/ferry", b"<p>x</p>", [doc.key]), [doc],
                           exploding, "fake")
    assert corpus.fetch_record("https://news.example/ferry") is None and _fetch_rows(corpus) == 0
    assert corpus.stats()["documents"] == before["documents"]


def test_a_damaged_stored_response_is_refused(corpus):
    import zlib

    from rhetorica.store.base import StoreError

    url = "https://news.example/damaged"
    corpus.add_fetched(_fetch(url, b"<p>the original body</p>", []), [], fake_embed, "fake")
    mark = corpus.placeholder
    with corpus.store.transaction() as conn:
        conn.execute(f"UPDATE corpus_fetches SET raw = {mark} WHERE url = {mark}",
                     (zlib.compress(b"<p>another body!!!</p>"), url))
    with pytest.raises(StoreError, match="damaged"):
        corpus.fetch_raw(url)


def test_removing_the_original_indexes_its_copies_passages_again(corpus):
    from tests.ingest.test_near_duplicates import STORY

    copy = STORY.replace("rotting", "decaying") + "\n\n(Lakeshore Wire)"
    orig_id, copy_id = corpus.add_documents(
        [_wire(STORY, "herald", "Harlow Bay Herald", "2026-04-14"),
         _wire(copy, "wire", "Lakeshore Wire", "2026-04-15")], fake_embed, "fake").ids
    rows = {r["id"]: r for r in corpus.list_documents(limit=20)}
    assert rows[copy_id]["passages"] < rows[orig_id]["passages"]  # shared ones indexed once
    query = "temporary landing Gull Point floating dock forty parking spaces"
    assert {corpus.passages([p])[p]["document_id"] for p, _ in corpus.lexical(query, 5)} == {
        orig_id}
    vectors = corpus.stats()["embeddings"]["fake"]["vectors"]
    assert corpus.remove([orig_id]) == 1
    got = corpus.document(copy_id)
    assert [copy[p["start"]:p["end"]] for p in got["passages"]] == [
        p["text"] for p in got["passages"]]
    assert len(got["passages"]) == len(__import__(
        "rhetorica.ingest.passages", fromlist=["x"]).split_passages(copy))
    assert {corpus.passages([p])[p]["document_id"] for p, _ in corpus.lexical(query, 5)} == {
        copy_id}
    stats = corpus.stats()
    assert stats["embeddings"]["fake"]["vectors"] == stats["passages"] < vectors
    assert corpus.vectors("fake").ids.size == stats["passages"]
