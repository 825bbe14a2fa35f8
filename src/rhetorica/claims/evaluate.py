"""``rhetorica eval claims``: check-worthiness on the public sets, beside baselines and the anchor.

Measures, as the labs define them:

* **F1** of the check-worthy class (ClaimBuster's measure), at the model's threshold;
* **MAP**: average precision of the ranking *per group* (a CLEF 2019 debate file, the 2020
  tweet topic), then averaged over groups — the CheckThat! official measure;
* **P@10**: precision of the top ten per group, averaged.

Baselines: *trivial* ("has a number or a named entity", by regex; ties keep file order) and
*cue heuristic* (the first hand-weighted scorer, needs the spaCy parse). The anchor is the
best published primary run of each lab.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rhetorica.claims.data import DATASET, Example, evaluation_sets

# Best published primary runs (MAP). 2019 checked against the lab overview (Atanasova et al.
# 2019: 0.166); the 2020 figures are as SOURCE.md gives them (Shaar et al. 2020 overview).
ANCHORS = {
    "CLEF 2019 T1 test (debates)": ("MAP", 0.166, "CheckThat! 2019 best primary run"),
    "CLEF 2020 T1 test-gold (tweets)": ("MAP", 0.806, "CheckThat! 2020 T1 best run"),
    "CLEF 2020 T5 test-gold (debates)": ("MAP", 0.087, "CheckThat! 2020 T5 best run"),
}

_DIGIT = re.compile(r"\d")
_ENTITY = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+|\b[A-Z]{2,}\b")


def average_precision(scores: Sequence[float], labels: Sequence[int]) -> float:
    """AP of one ranking; stable sort so ties keep input order (no lucky tie-breaking)."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    rel = np.asarray(labels)[order]
    if rel.sum() == 0:
        return 0.0
    hits = np.cumsum(rel)
    ranks = np.arange(1, len(rel) + 1)
    return float((hits / ranks)[rel == 1].mean())


def precision_at(scores: Sequence[float], labels: Sequence[int], k: int = 10) -> float:
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")[:k]
    return float(np.asarray(labels)[order].sum() / k)


def f1_positive(pred: Sequence[int], labels: Sequence[int]) -> float:
    pred, labels = np.asarray(pred), np.asarray(labels)
    tp = int(((pred == 1) & (labels == 1)).sum())
    fp = int(((pred == 1) & (labels == 0)).sum())
    fn = int(((pred == 0) & (labels == 1)).sum())
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def ranking_metrics(scores: Sequence[float], labels: Sequence[int], groups: Sequence[str],
                    threshold: float) -> dict[str, float]:
    """F1 over all rows; MAP and P@10 per group, then averaged (the CheckThat! protocol)."""
    by_group: dict[str, list[int]] = defaultdict(list)
    # Ties are broken in a seeded random order, never in file order (which may be sorted).
    for i in np.random.default_rng(0).permutation(len(groups)):
        by_group[groups[i]].append(int(i))
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels)
    aps = [average_precision(s[ix], y[ix]) for ix in by_group.values() if y[ix].sum()]
    p10 = [precision_at(s[ix], y[ix], 10) for ix in by_group.values() if y[ix].sum()]
    return {
        "f1": f1_positive((s >= threshold).astype(int), y),
        "map": float(np.mean(aps)) if aps else 0.0,
        "p@10": float(np.mean(p10)) if p10 else 0.0,
    }


def trivial_scores(texts: Sequence[str]) -> np.ndarray:
    """1 when the sentence has a digit or a capitalised name mid-sentence, else 0."""
    return np.array([1.0 if (_DIGIT.search(t) or _ENTITY.search(t)) else 0.0 for t in texts])


def heuristic_scores(texts: Sequence[str]) -> np.ndarray:
    """The hand-weighted cue scorer over a spaCy parse of each sentence (the old default)."""
    from rhetorica.claims.checkworthiness import score_cues, sentence_cues
    from rhetorica.config import Settings
    from rhetorica.nlp.spacy_model import load_spacy

    nlp = load_spacy(Settings().spacy_model)
    out = []
    for d in nlp.pipe(texts, batch_size=256):
        sents = list(d.sents)
        cues = sorted({c for s in sents for c in sentence_cues(s)}) if sents else []
        out.append(score_cues(cues))
    return np.asarray(out)


def evaluate(data_dir: Path, limit: int | None = None, heuristic: bool = True,
             heuristic_max_rows: int = 8000) -> dict[str, Any]:
    """Every set: trivial baseline, cue heuristic (sets up to ``heuristic_max_rows``: it
    needs a spaCy parse per sentence, minutes on the 21k-line debate set), the model and
    the published best."""
    from rhetorica.claims.model import CheckWorthinessModel
    from rhetorica.claims.ranker import RankerArtefactError, default_ranker, domain_of

    model = CheckWorthinessModel.load()
    rows: list[list[Any]] = []
    notes: list[str] = []
    try:
        ranker = default_ranker()
    except RankerArtefactError as exc:
        ranker = None
        notes.append(f"MiniLM ranker not scored: {exc}")
    sets = evaluation_sets(Path(data_dir) / DATASET)
    for name, examples in sets.items():
        ex: list[Example] = examples[:limit] if limit else examples
        texts = [e.text for e in ex]
        labels = [e.label for e in ex]
        groups = [e.group for e in ex]
        systems = {"trivial (number or entity)": (trivial_scores(texts), 0.5)}
        if heuristic and len(texts) <= heuristic_max_rows:
            systems["cue heuristic"] = (heuristic_scores(texts), 0.5)
        systems["TF-IDF model"] = (model.predict_proba(texts), model.threshold)
        if ranker is not None:
            # the set's own annotation policy (debates, tweets), as the labs' runs knew it
            domain = domain_of(ex[0].source) if ex else ""
            systems["MiniLM ranker"] = (ranker.predict_proba(texts, domain), ranker.threshold)
        for sys_name, (scores, thr) in systems.items():
            m = ranking_metrics(scores, labels, groups, thr)
            rows.append([name, sys_name, m["f1"], m["map"], m["p@10"]])
        if name in ANCHORS:
            _metric, value, who = ANCHORS[name]
            rows.append([name, f"published best ({who})", "-", value, "-"])
    notes.append("F1: check-worthy class at each system's threshold; MAP and P@10 per "
                 "ranking group (CLEF 2019: per debate file, 7 files), then averaged.")
    notes.append("CLEF 2020 T5 release has no file column, so its MAP is over all 21,514 "
                 "test sentences pooled (harder than the lab's per-debate MAP).")
    if heuristic:
        notes.append(f"Cue heuristic (spaCy parse) only on sets of <= {heuristic_max_rows} "
                     "sentences.")
    notes.append("Training rows whose text appears in any evaluation set were removed "
                 "(see scripts/train_claims.py and rhetorica train claims).")
    if ranker is not None:
        notes.append("MiniLM ranker: CheckThat! sets are scored under their domain prefix "
                     "('debate: ', 'tweet: '), as it was trained; threshold and calibration "
                     "from a ClaimBuster dev split of the training side.")
    return {
        "component": "claims",
        "model": model.metrics.get("name", "claims-tfidf-lr"),
        "tables": [{"title": "Check-worthiness", "columns":
                    ["data", "system", "F1 (pos)", "MAP", "P@10"], "rows": rows}],
        "notes": notes,
    }
