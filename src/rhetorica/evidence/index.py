"""Hybrid retrieval over the evidence corpus: BM25 (FTS5) + dense cosine, fused by RRF.

Lexical search finds passages sharing the claim's rare words (names, numbers); dense search
finds paraphrases that share none. Reciprocal rank fusion (Cormack et al., 2009) combines the
two rankings without calibrating their incomparable scores: ``sum 1 / (k + rank)``.

Dense search is a single matrix-vector product over all vectors, loaded once from the store
and cached until the corpus changes (the store's generation counter); 100,000 passages of
256 dimensions are ~100 MB of float32 and one query is a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rhetorica.store.corpus import CorpusStore, Filters, date_int

RRF_K = 60
# Dense votes count half: wordllama is a static model, and on CLIMATE-FEVER's training and
# calibration claims recall@5 was 0.243 / 0.249 / 0.254 at dense weight 1.0 / 0.5 / 0.3.
# 0.5 keeps paraphrase matches in play for corpora that word overlap misses.
RRF_WEIGHTS = {"bm25": 1.0, "dense": 0.5}
COARSE_CANDIDATES = 1000  # exact rescoring of this many coarse candidates
MODES = ("hybrid", "bm25", "dense")


@dataclass
class Hit:
    passage_id: int
    score: float  # fused (RRF) score, or the single retriever's score
    text: str = ""
    title: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    origin: str | None = None
    document_id: int | None = None
    start: int = 0
    end: int = 0
    ranks: dict[str, int] = field(default_factory=dict)  # rank per retriever, 1-based
    cosine: float | None = None
    lead: str | None = None  # the article's first characters: its dateline, if any
    # other documents of its wire-copy group (set by verification; see collapse_copies)
    copies: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def rrf(rankings: dict[str, list[int]], k: int = RRF_K,
        weights: dict[str, float] | None = None) -> list[tuple[int, float, dict]]:
    """Fuse ranked id lists: (id, score, {retriever: rank}) best first."""
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    for name, ids in rankings.items():
        w = (weights or {}).get(name, 1.0)
        for r, pid in enumerate(ids, 1):
            scores[pid] = scores.get(pid, 0.0) + w / (k + r)
            ranks.setdefault(pid, {})[name] = r
    order = sorted(scores, key=lambda p: (-scores[p], p))
    return [(p, scores[p], ranks[p]) for p in order]


class HybridIndex:
    def __init__(self, store: CorpusStore, embedder: Any | None = None,
                 model: str = "wordllama") -> None:
        self.store = store
        self.model = model
        self._embedder = embedder

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from rhetorica.evidence.embed import get_embedder

            self._embedder = get_embedder(self.model)
        return self._embedder

    def dense(self, query: str | np.ndarray, k: int, filters: Filters | None = None
              ) -> list[tuple[int, float]]:
        m = self.store.vectors(self.model)
        if len(m.ids) == 0:
            return []
        q = self.embedder.encode([query])[0] if isinstance(query, str) else query
        q = q.astype(np.float32)
        rows: np.ndarray | None = None
        if m.coarse is not None:
            qc = q[:m.coarse.shape[1]]
            coarse = m.coarse @ (qc / max(float(np.linalg.norm(qc)), 1e-6))
            n_cand = min(len(coarse), max(COARSE_CANDIDATES, 20 * k))
            rows = np.argpartition(-coarse, n_cand - 1)[:n_cand]
        sims = m.vectors @ q if rows is None else m.vectors[rows] @ q
        f = filters or Filters()
        if f.active():
            mask = np.ones(len(m.ids), dtype=bool)
            if f.since:
                mask &= m.published >= date_int(f.since)
            if f.until:
                mask &= (m.published <= date_int(f.until)) & (m.published > 0)
            if f.sources:
                mask &= np.isin(m.source, [m.source_ids.get(n, -1) for n in f.sources])
            if rows is None:
                sims = np.where(mask, sims, -np.inf)
            else:  # filter before the coarse cut, so a narrow filter still gets k results
                coarse = np.where(mask, coarse, -np.inf)
                rows = np.argpartition(-coarse, n_cand - 1)[:n_cand]
                rows = rows[np.isfinite(coarse[rows])]
                sims = m.vectors[rows] @ q
        if len(sims) == 0:
            return []
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        ids = m.ids if rows is None else m.ids[rows]
        return [(int(ids[i]), float(sims[i])) for i in top if np.isfinite(sims[i])]

    def search(self, query: str, k: int = 5, filters: Filters | None = None,
               mode: str = "hybrid", depth: int = 50) -> list[Hit]:
        """Top ``k`` passages for ``query``; ``depth`` candidates per retriever are fused."""
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; choose one of {', '.join(MODES)}")
        rankings: dict[str, list[int]] = {}
        cosines: dict[int, float] = {}
        if mode in ("hybrid", "bm25"):
            rankings["bm25"] = [p for p, _ in self.store.lexical(query, depth, filters)]
        if mode in ("hybrid", "dense"):
            dense = self.dense(query, depth, filters)
            rankings["dense"] = [p for p, _ in dense]
            cosines = dict(dense)
        fused = rrf(rankings, weights=RRF_WEIGHTS)[:k]
        meta = self.store.passages([p for p, _, _ in fused])
        hits = []
        for pid, score, ranks in fused:
            row = meta.get(pid)
            if row is None:
                continue
            hits.append(Hit(pid, score, row["text"], row["title"], row["source"], row["author"],
                            row["published"], row["url"], row["origin"], row["document_id"],
                            row["start"], row["end"], ranks, cosines.get(pid),
                            row.get("lead")))
        return hits
