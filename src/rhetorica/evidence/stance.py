"""The *previous* stance model (a linear baseline): supports, refutes or unrelated.

``verify`` reads stance with the trained cross-encoder (:mod:`rhetorica.evidence.cross_encoder`);
this model stays so that ``rhetorica eval stance`` / ``eval verify`` can show it beside the
new one, as the figure to beat.

A scikit-learn-style estimator (``fit`` / ``predict`` / ``predict_proba`` / ``score``) over
features of the (claim, passage) pair that a CPU can compute at retrieval time:

* sentence embeddings ``u`` (claim) and ``v`` (passage) combined as ``|u - v|`` and ``u * v``
  (the InferSent recipe), which carry topical agreement;
* cues a static embedding cannot see: negation present in one text but not the other,
  antonym pairs split across the two (rise / fall, increase / decrease), numbers of the
  claim missing from or contradicted by the passage, and lexical overlap.

The weights (a multinomial logistic regression, a few hundred kB) are trained by
``scripts/train_stance_linear.py`` on CLIMATE-FEVER and committed under ``data/models/stance``.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

LABELS = ("supports", "refutes", "unrelated")
MODEL_PACKAGE = "rhetorica.data.models.stance"

NEGATIONS = frozenset({
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot", "can't",
    "won't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "hasn't",
    "haven't", "hadn't", "shouldn't", "wouldn't", "couldn't", "without", "false", "myth",
    "hoax", "debunked", "denied", "deny", "denies", "unfounded", "incorrect", "untrue", "lack",
    "lacks", "fail", "fails", "failed", "unlikely",
})
ANTONYMS = [
    ("increase", "decrease"), ("increases", "decreases"), ("increased", "decreased"),
    ("rise", "fall"), ("rising", "falling"), ("rose", "fell"), ("rises", "falls"),
    ("more", "less"), ("higher", "lower"), ("warming", "cooling"), ("warmer", "cooler"),
    ("gain", "loss"), ("growing", "shrinking"), ("grew", "shrank"), ("expand", "shrink"),
    ("up", "down"), ("above", "below"), ("most", "least"), ("many", "few"),
    ("accelerating", "slowing"), ("strengthen", "weaken"), ("positive", "negative"),
    ("safe", "dangerous"), ("true", "false"), ("support", "oppose"), ("win", "lose"),
    ("won", "lost"), ("legal", "illegal"), ("before", "after"), ("thicker", "thinner"),
    ("largest", "smallest"), ("record", "normal"), ("natural", "man-made"),
]
_ANT = {}
for _a, _b in ANTONYMS:
    _ANT.setdefault(_a, set()).add(_b)
    _ANT.setdefault(_b, set()).add(_a)

_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_NUM = re.compile(r"\d+(?:[.,]\d+)*")
N_CUES = 9


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUM.findall(text)}


def cue_features(claim: str, passage: str) -> np.ndarray:
    """Hand-made cues that a bag-of-embeddings model misses (all in [0, 1] or small counts)."""
    from rhetorica.store.corpus import STOPWORDS

    cw, pw = _words(claim), _words(passage)
    cs, ps = set(cw), set(pw)
    c_content = {w for w in cs if w not in STOPWORDS}
    p_content = {w for w in ps if w not in STOPWORDS}
    neg_c = sum(w in NEGATIONS or w.endswith("n't") for w in cw)
    neg_p = sum(w in NEGATIONS or w.endswith("n't") for w in pw)
    antonym = sum(1 for w in cs if _ANT.get(w, set()) & ps)
    cn, pn = _numbers(claim), _numbers(passage)
    overlap = len(c_content & p_content) / max(1, len(c_content))
    jaccard = len(c_content & p_content) / max(1, len(c_content | p_content))
    return np.array([
        overlap, jaccard,
        float(neg_c > 0), float(neg_p > 0), float((neg_c > 0) != (neg_p > 0)),
        min(antonym, 3) / 3.0,
        float(bool(cn) and bool(cn & pn)), float(bool(cn) and bool(pn) and not (cn & pn)),
        min(len(pw), 100) / 100.0,
    ], dtype=np.float32)


def pair_features(claims: list[str], passages: list[str], embedder: Any,
                  cache: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Feature rows for aligned (claim, passage) lists."""
    cache = {} if cache is None else cache
    todo = [t for t in dict.fromkeys([*claims, *passages]) if t not in cache]
    if todo:
        for t, v in zip(todo, embedder.encode(todo), strict=True):
            cache[t] = v
    u = np.stack([cache[c] for c in claims]) if claims else np.zeros((0, 1))
    v = np.stack([cache[p] for p in passages]) if passages else np.zeros((0, 1))
    cos = np.sum(u * v, axis=1, keepdims=True)
    cues = np.stack([cue_features(c, p) for c, p in zip(claims, passages, strict=True)]) \
        if claims else np.zeros((0, N_CUES))
    return np.hstack([np.abs(u - v), u * v, cos, cues]).astype(np.float32)


class StanceModel:
    """Multinomial logistic regression on :func:`pair_features`, seeded and deterministic."""

    def __init__(self, C: float = 0.5, seed: int = 0, embedder: Any | None = None,
                 embedder_name: str = "wordllama") -> None:
        self.C = C
        self.seed = seed
        self.embedder_name = embedder_name
        self._embedder = embedder
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None
        self.classes_ = np.array(LABELS)
        self.metrics: dict[str, Any] = {}
        self._cache: dict[str, np.ndarray] = {}

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from rhetorica.evidence.embed import get_embedder

            self._embedder = get_embedder(self.embedder_name)
        return self._embedder

    def features(self, claims: list[str], passages: list[str]) -> np.ndarray:
        if len(self._cache) > 50_000:
            self._cache.clear()
        return pair_features(claims, passages, self.embedder, self._cache)

    def fit(self, claims: list[str], passages: list[str], labels: list[str]) -> StanceModel:
        from sklearn.linear_model import LogisticRegression

        X = self.features(claims, passages)
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0) + 1e-6
        clf = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced",
                                 random_state=self.seed)
        clf.fit((X - self.mean_) / self.scale_, labels)
        order = [list(clf.classes_).index(lbl) for lbl in LABELS]
        self.coef_ = clf.coef_[order]
        self.intercept_ = clf.intercept_[order]
        return self

    def predict_proba(self, claims: list[str], passages: list[str]) -> np.ndarray:
        if self.coef_ is None:
            raise RuntimeError("StanceModel is not fitted")
        if not claims:
            return np.zeros((0, len(LABELS)))
        X = (self.features(claims, passages) - self.mean_) / self.scale_
        z = X @ self.coef_.T + self.intercept_
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, claims: list[str], passages: list[str]) -> list[str]:
        return [LABELS[i] for i in self.predict_proba(claims, passages).argmax(axis=1)]

    def score(self, claims: list[str], passages: list[str], labels: list[str]) -> float:
        """Macro-F1 (the classes are very unbalanced, so accuracy flatters)."""
        from sklearn.metrics import f1_score

        return float(f1_score(labels, self.predict(claims, passages), labels=list(LABELS),
                              average="macro", zero_division=0))

    # -- persistence --------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / "stance.npz", coef=self.coef_.astype(np.float32),
                            intercept=self.intercept_.astype(np.float32),
                            mean=self.mean_.astype(np.float32),
                            scale=self.scale_.astype(np.float32))
        (folder / "stance.json").write_text(json.dumps(
            {"labels": list(LABELS), "C": self.C, "seed": self.seed,
             "embedder": self.embedder_name, "metrics": self.metrics}, indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path | None = None, embedder: Any | None = None) -> StanceModel:
        base = Path(folder) if folder else Path(str(resources.files(MODEL_PACKAGE)))
        if not (base / "stance.npz").exists():
            raise FileNotFoundError(
                f"no stance model at {base}; run scripts/train_stance_linear.py")
        info = json.loads((base / "stance.json").read_text())
        model = cls(C=info["C"], seed=info["seed"], embedder=embedder,
                    embedder_name=info["embedder"])
        with np.load(base / "stance.npz") as z:
            model.coef_, model.intercept_ = z["coef"], z["intercept"]
            model.mean_, model.scale_ = z["mean"], z["scale"]
        model.metrics = info.get("metrics", {})
        return model


def default_stance_model() -> StanceModel:
    from rhetorica.models import shared

    return shared("stance_linear", "packaged", StanceModel.load)
