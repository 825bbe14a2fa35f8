"""A small evidence corpus written for these tests (invented towns, invented figures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rhetorica.ingest.corpus import CorpusDocument

ARTICLES = [
    CorpusDocument(
        "The Westport harbour authority said container traffic rose by 12 percent in 2024. "
        "It reached 4.1 million containers, a record for the port.\n\n"
        "Officials credited two new shipping routes that opened in the spring.",
        "test:westport", title="Harbour traffic climbs", source="Westport Gazette",
        author="Lena Ortiz", published="2025-01-20", url="https://gazette.example/harbour"),
    CorpusDocument(
        "Unemployment in Eastbury fell to 4.2 percent in March, the regional statistics office "
        "reported. The rate was 5.0 percent a year earlier.",
        "test:eastbury", title="Jobless rate down", source="Eastbury Times",
        published="2024-04-10", url="https://times.example/jobs"),
    CorpusDocument(
        "The Northgate bridge reopened to traffic on Monday after eight months of repairs. "
        "Engineers replaced the steel cables and the road deck.",
        "test:bridge", title="Bridge reopens", source="Coastal Ledger",
        published="2023-06-05", url="https://ledger.example/bridge"),
    CorpusDocument(
        "Rainfall in the Carrow valley was below average for the third year running, according "
        "to the weather service. Farmers reported lower wheat yields.",
        "test:rain", title="Dry years", source="Coastal Ledger", published="2022-09-12"),
]


@pytest.fixture
def corpus_store(tmp_path: Path):
    from rhetorica.evidence.embed import get_embedder
    from rhetorica.store.sqlite import SQLiteStore
    from rhetorica.store.sqlite_corpus import SQLiteCorpusStore

    store = SQLiteCorpusStore(SQLiteStore(tmp_path / "corpus.db"))
    emb = get_embedder("wordllama")
    store.add_documents(ARTICLES, emb.encode, emb.name)
    yield store
    store.close()
