"""``rhetorica eval verify``: retrieval recall@5 and verdict quality on public data.

* Retrieval (CLIMATE-FEVER): every evidence sentence of every claim is indexed as a passage
  (7,675 sentences, de-duplicated) in a throw-away store; each test claim is the query;
  recall@5 is the share of the claim's own evidence sentences in the top 5, for BM25 alone,
  dense (wordllama) alone and the hybrid (RRF) — the first two are the baselines.
* Verdicts (CLIMATE-FEVER test split, unseen in training): from the annotated evidence
  ("oracle") and from the top 5 retrieved passages ("retrieved"), beside the majority class.
* Verdicts (AVeriTeC dev, CC BY-NC 4.0, evaluation only): evidence = the annotators'
  question-answer pairs, beside the majority class.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from rhetorica.evidence.datasets import load_averitec, load_climate_fever, split_claims
from rhetorica.evidence.index import Hit, HybridIndex
from rhetorica.evidence.verify import VERDICTS, Verifier, expected_calibration_error
from rhetorica.ingest.corpus import CorpusDocument, text_key


def _verdict_row(name: str, gold: list[str], pred: list[str], probs: np.ndarray | None,
                 majority: str) -> list[list[Any]]:
    from sklearn.metrics import accuracy_score, f1_score

    def f1(p: list[str]) -> float:
        return float(f1_score(gold, p, labels=list(VERDICTS), average="macro", zero_division=0))

    idx = np.array([VERDICTS.index(g) for g in gold])
    ece = expected_calibration_error(probs, idx) if probs is not None else None
    return [[name, "rhetorica", len(gold), float(accuracy_score(gold, pred)), f1(pred), ece],
            [name, f"majority ({majority})", len(gold),
             float(accuracy_score(gold, [majority] * len(gold))), f1([majority] * len(gold)),
             None]]  # JSON null: a constant has no confidence to calibrate


def _hits(texts: list[str]) -> list[Hit]:
    return [Hit(passage_id=-i - 1, score=0.0, text=t) for i, t in enumerate(texts)]


def evaluate(data_dir: Path, limit: int | None = None, seed: int = 0) -> dict[str, Any]:
    from rhetorica.evidence.store import SQLiteCorpusStore
    from rhetorica.store.sqlite import SQLiteStore

    t0 = time.time()
    items = load_climate_fever(data_dir)
    train, _cal, test = split_claims(items, seed=seed)
    if limit:
        test = test[:limit]
    majority = Counter(it.verdict for it in train).most_common(1)[0][0]
    notes = []

    # -- retrieval ------------------------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteCorpusStore(SQLiteStore(Path(tmp) / "eval.db"))
        index = HybridIndex(store)
        docs, seen = [], set()
        for it in items:
            for ev_id, sent, _ in it.evidence:
                if text_key(sent) not in seen:
                    seen.add(text_key(sent))
                    docs.append(CorpusDocument(sent, f"climate-fever:{ev_id}",
                                               title=ev_id.rsplit(":", 1)[0], source="Wikipedia"))
        t_index = time.time()
        report = store.add_documents(docs, index.embedder.encode, index.model)
        t_index = time.time() - t_index
        rows = []
        retrieved: dict[str, list[Hit]] = {}
        for mode in ("bm25", "dense", "hybrid"):
            recalls, anyhit = [], []
            for it in test:
                hits = index.search(it.claim, k=5, mode=mode)
                if mode == "hybrid":
                    retrieved[it.id] = hits
                gold = {text_key(s) for _, s, _ in it.evidence}
                got = {text_key(h.text) for h in hits}
                recalls.append(len(gold & got) / len(gold))
                anyhit.append(float(bool(gold & got)))
            rows.append([mode + (" (baseline)" if mode != "hybrid" else ""), len(test),
                         float(np.mean(recalls)), float(np.mean(anyhit))])
        notes.append(f"indexed {report.passages_added} passages in {t_index:.1f}s "
                     f"({report.passages_added / max(t_index, 1e-9):.0f}/s)")

        # -- verdicts on CLIMATE-FEVER ----------------------------------------------------
        verifier = Verifier(index)
        gold = [it.verdict for it in test]
        oracle = [verifier.judge(it.claim, _hits([s for _, s, _ in it.evidence])) for it in test]
        got = [verifier.judge(it.claim, retrieved[it.id]) for it in test]
        store.close()

    def probs(vs: list[Any]) -> np.ndarray:
        return np.array([[v.probabilities[k] for k in VERDICTS] for v in vs])

    vrows = _verdict_row("CLIMATE-FEVER test, annotated evidence", gold,
                         [v.verdict for v in oracle], probs(oracle), majority)
    vrows += _verdict_row("CLIMATE-FEVER test, retrieved top-5", gold, [v.verdict for v in got],
                          probs(got), majority)[:1]

    # -- verdicts on AVeriTeC (evaluation only) -------------------------------------------
    if (Path(data_dir) / "averitec" / "dev.json").exists():
        av = load_averitec(data_dir)
        if limit:
            av = av[:limit]
        av_res = [verifier.judge(it.claim, _hits([s for _, s, _ in it.evidence])) for it in av]
        av_gold = [it.verdict for it in av]
        vrows += _verdict_row("AVeriTeC dev, QA evidence", av_gold,
                              [v.verdict for v in av_res], probs(av_res), majority)
        vrows[-1][1] = f"majority of CLIMATE-FEVER train ({majority})"
        av_major = Counter(av_gold).most_common(1)[0][0]
        vrows += _verdict_row("AVeriTeC dev, QA evidence", av_gold, av_gold, None,
                              av_major)[1:]
        vrows[-1][1] = f"majority of AVeriTeC dev itself ({av_major}, oracle)"
    else:
        notes.append("AVeriTeC not found: skipped")
    notes.append(f"seeded claim-level split (seed {seed}); test claims were not used in "
                 f"training; total {time.time() - t0:.0f}s")
    return {
        "retrieval": [dict(zip(["mode", "claims", "recall@5", "hit@5"], r, strict=True))
                      for r in rows],
        "verdicts": [dict(zip(["set", "system", "claims", "accuracy", "macro_f1", "ece"], r,
                              strict=True)) for r in vrows],
        "tables": [
            {"title": "Retrieval on CLIMATE-FEVER (claim -> its evidence sentences)",
             "columns": ["retriever", "claims", "recall@5", "hit@5"], "rows": rows},
            {"title": "Verdicts", "columns": ["set", "system", "claims", "accuracy",
                                              "macro-F1", "ECE"], "rows": vrows},
        ],
        "notes": notes,
    }
