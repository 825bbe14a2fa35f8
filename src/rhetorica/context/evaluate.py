"""``rhetorica eval context``: precedent retrieval recall@3 on hand-written queries.

The query set ships with the package (``data/precedents/eval_queries.yaml``), so ``--data``
is ignored. Scores are reported beside trivial and partial baselines so the value of each
signal is visible: most-recent precedents, TF-IDF only, embedding only, and the full
weighted score with TF-IDF instead of WordLlama.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

NEEDS_DATA = False
K = 3


def load_queries() -> list[dict[str, Any]]:
    text = resources.files("rhetorica.data.precedents").joinpath("eval_queries.yaml").read_text(
        "utf-8")
    return list(yaml.safe_load(text)["queries"])


def recall_at(ranked: list[str], expected: list[str], k: int = K) -> float:
    return len(set(ranked[:k]) & set(expected)) / len(expected)


def hit_at(ranked: list[str], expected: list[str], k: int = K) -> float:
    return 1.0 if set(ranked[:k]) & set(expected) else 0.0


def _actors_for(queries: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    from rhetorica.actors.component import Actors
    from rhetorica.config import Settings
    from rhetorica.document import Document, DocumentMeta
    from rhetorica.pipeline import Pipeline

    settings = Settings()
    pipe = Pipeline(["parse", "segment", "entities"], settings)
    comp = Actors(settings)
    out = []
    for q in queries:
        doc = comp(pipe(Document(q["text"], DocumentMeta(date=str(q["date"])))))
        out.append(doc.results["actors"]["actors"])
    return out


def run(queries: list[dict[str, Any]] | None = None) -> dict[str, dict[str, float]]:
    from rhetorica.context.precedents import PrecedentIndex, bundled_precedents

    queries = queries if queries is not None else load_queries()
    precedents = bundled_precedents()
    actors = _actors_for(queries)
    systems: dict[str, Any] = {}
    full = PrecedentIndex(precedents, embedder="wordllama")
    systems[f"weighted ({full.embedder.name})"] = lambda q, a: full.score(q["text"], a,
                                                                          str(q["date"]))
    tfidf_full = PrecedentIndex(precedents, embedder="tfidf")
    systems["weighted (tfidf)"] = lambda q, a: tfidf_full.score(q["text"], a, str(q["date"]))
    lang_only = {"actors": 0, "legal": 0, "place": 0, "themes": 0, "language": 1}
    emb = PrecedentIndex(precedents, embedder="wordllama", weights=lang_only)
    systems[f"language only ({emb.embedder.name})"] = lambda q, a: emb.score(
        q["text"], None, str(q["date"]))
    tf = PrecedentIndex(precedents, embedder="tfidf", weights=lang_only)
    systems["baseline: tfidf only"] = lambda q, a: tf.score(q["text"], None, str(q["date"]))

    def most_recent(q: dict[str, Any], _a: Any) -> list[Any]:
        return sorted(tf.score(q["text"], None, str(q["date"])),
                      key=lambda m: m.precedent.start, reverse=True)

    systems["baseline: most recent"] = most_recent
    scores: dict[str, dict[str, float]] = {}
    for name, fn in systems.items():
        rec = hits = mrr = analog = 0.0
        for q, a in zip(queries, actors, strict=True):
            ranked = [m.precedent.id for m in fn(q, a)]
            rec += recall_at(ranked, q["expected"])
            hits += hit_at(ranked, q["expected"])
            first = next((i for i, pid in enumerate(ranked, 1) if pid in q["expected"]), None)
            mrr += 1.0 / first if first else 0.0
            if q["id"].startswith("a"):
                analog += recall_at(ranked, q["expected"])
        n = max(1, len(queries))
        n_analog = max(1, sum(q["id"].startswith("a") for q in queries))
        scores[name] = {"recall@3": rec / n, "hit@3": hits / n, "mrr": mrr / n,
                        "analogy recall@3": analog / n_analog}
    return scores


def evaluate(data_dir: Path | None = None, limit: int | None = None) -> dict[str, Any]:
    del data_dir  # the query set ships with the package
    queries = load_queries()[: limit or None]
    scores = run(queries)
    rows = [[name, s["recall@3"], s["hit@3"], s["mrr"], s["analogy recall@3"]]
            for name, s in scores.items()]
    return {
        "component": "context",
        "queries": len(queries),
        "scores": scores,
        "tables": [{"title": f"Precedent retrieval, {len(queries)} hand-written queries",
                    "columns": ["system", "recall@3", "hit@3", "MRR",
                                "analogy recall@3"], "rows": rows}],
        "notes": ["Queries: rhetorica/data/precedents/eval_queries.yaml (written for "
                  "Rhetorica); --data is ignored.",
                  "analogy: queries about new events (ids a..), where wording overlaps "
                  "least with the episode descriptions."],
    }
