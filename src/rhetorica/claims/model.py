"""The trained check-worthiness scorer: TF-IDF words + characters + cues → logistic regression.

Why this shape: check-worthiness on debates and posts is mostly carried by surface cues
(numbers, named actors, past-tense reported actions, comparisons) and by topical words, which
sparse n-grams capture well; character n-grams survive hashtags, typos and inflection. A
linear model is fast on two CPU cores (well above 1,000 sentences/s), deterministic with a
seed, and explainable: :meth:`CheckWorthinessModel.explain` lists the features that pushed a
sentence up. Optional WordLlama sentence embeddings add paraphrase-level meaning.

The artefact is plain arrays (``.npz``) and JSON, never a pickle, so it loads across
scikit-learn versions and cannot execute code.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rhetorica.claims.tfidf import TfidfTransform

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "models" / "claims"
# n-gram ranges of the word and character TF-IDF (fitted by scikit-learn, applied by
# :class:`~rhetorica.claims.tfidf.TfidfTransform`, which spares run time the sklearn import)
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)

# --- cue features: cheap regexes, no parser needed, so training and batch scoring are fast ---
_NUM = re.compile(r"\d")
_PERCENT_MONEY = re.compile(r"(\d\s*%|\bper ?cent\b|[$€£]\s*\d|\b(million|billion|trillion)\b)",
                            re.I)
_CAP_MID = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")
_PAST = re.compile(r"\b\w{3,}ed\b|\b(was|were|had|did|said|made|went|took|got|gave|lost|won|"
                   r"cut|rose|fell|grew|voted|passed)\b", re.I)
_FIRST_SING = re.compile(r"\b(I|I'm|I've|I'd|me|my)\b")
_OPINION = re.compile(r"\b(think|believe|feel|hope|wish|should|must|love|hate|great|"
                      r"wonderful|terrible|amazing)\b", re.I)
_HEDGE = re.compile(r"\b(maybe|perhaps|probably|possibly|might)\b", re.I)
_COMPARE = re.compile(r"\b(more|less|fewer|than|most|least|highest|lowest|largest|"
                      r"biggest|\w+est)\b", re.I)
_STAT = re.compile(r"\b(percent|rate|jobs|tax|taxes|deficit|debt|unemployment|budget|"
                   r"cases|deaths|million|billion|increase|decrease|doubled|tripled)\b", re.I)
_GREETING = re.compile(r"^\W*(thank|thanks|good (evening|morning|night)|hello|hi|welcome|"
                       r"applause|laughter|crosstalk)\b", re.I)
_WORD = re.compile(r"[A-Za-z]+")

CUE_NAMES = (
    "digit", "percent_money", "capitalised_mid", "past_tense", "first_person", "opinion",
    "hedge", "question", "comparison", "statistic_word", "greeting", "log_words",
    "very_short",
)


def cue_matrix(texts: Sequence[str]) -> np.ndarray:
    """One row of interpretable cue values per text (counts squashed to 0..~1)."""
    out = np.zeros((len(texts), len(CUE_NAMES)), dtype=np.float32)
    for i, t in enumerate(texts):
        n_words = len(_WORD.findall(t))
        out[i] = (
            min(len(_NUM.findall(t)), 3) / 3,
            1.0 if _PERCENT_MONEY.search(t) else 0.0,
            min(len(_CAP_MID.findall(t)), 3) / 3,
            min(len(_PAST.findall(t)), 3) / 3,
            1.0 if _FIRST_SING.search(t) else 0.0,
            1.0 if _OPINION.search(t) else 0.0,
            1.0 if _HEDGE.search(t) else 0.0,
            1.0 if t.rstrip().endswith("?") else 0.0,
            1.0 if _COMPARE.search(t) else 0.0,
            1.0 if _STAT.search(t) else 0.0,
            1.0 if _GREETING.search(t) else 0.0,
            np.log1p(n_words) / 4,
            1.0 if n_words < 5 else 0.0,
        )
    return out


class CheckWorthinessModel:
    """scikit-learn-style estimator: ``fit(texts, y)``, ``predict_proba``, ``predict``, ``score``.

    ``threshold`` turns probabilities into labels; training picks it on a held-out slice
    to maximise positive-class F1 (check-worthy sentences are rare in debates).
    """

    def __init__(
        self,
        C: float = 1.0,
        word_features: int = 30_000,
        char_features: int = 30_000,
        use_embeddings: bool = True,
        class_weight: str | None = None,
        threshold: float = 0.5,
        seed: int = 0,
        length_cues: bool = True,
    ) -> None:
        self.C = C
        self.word_features = word_features
        self.char_features = char_features
        self.use_embeddings = use_embeddings
        self.class_weight = class_weight
        self.threshold = threshold
        self.seed = seed
        # Debate positives are long sentences; without length cues a short statistic
        # ("Crime rose 40% last year.") is not penalised for being short.
        self.length_cues = length_cues
        self._wl: Any = None
        self.metrics: dict[str, Any] = {}

    # -- features ------------------------------------------------------------------------
    def _vectorizers(self) -> tuple[Any, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        word = TfidfVectorizer(ngram_range=WORD_NGRAMS, min_df=2,
                               max_features=self.word_features,
                               sublinear_tf=True, lowercase=True, dtype=np.float32)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=3,
                               max_features=self.char_features, sublinear_tf=True,
                               lowercase=True, dtype=np.float32)
        return word, char

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._wl is None:
            from rhetorica.models import wordllama

            self._wl = wordllama()
        return np.asarray(self._wl.embed(list(texts), norm=True), dtype=np.float32)

    def _features(self, texts: Sequence[str]) -> Any:
        from scipy import sparse

        cues = cue_matrix(texts)
        if not self.length_cues:
            cues[:, [CUE_NAMES.index("log_words"), CUE_NAMES.index("very_short")]] = 0.0
        parts = [self.word_.transform(texts), self.char_.transform(texts),
                 sparse.csr_matrix(cues)]
        if self.use_embeddings:
            parts.append(sparse.csr_matrix(self._embed(texts)))
        return sparse.hstack(parts, format="csr")

    # -- estimator API -------------------------------------------------------------------
    def fit(self, texts: Sequence[str], y: Sequence[int],
            sample_weight: Sequence[float] | None = None) -> CheckWorthinessModel:
        from sklearn.linear_model import LogisticRegression

        texts = list(texts)
        self.word_, self.char_ = self._vectorizers()
        self.word_ = TfidfTransform.from_vectorizer(self.word_.fit(texts))
        self.char_ = TfidfTransform.from_vectorizer(self.char_.fit(texts))
        X = self._features(texts)
        clf = LogisticRegression(C=self.C, max_iter=2000, class_weight=self.class_weight,
                                 solver="liblinear", random_state=self.seed)
        clf.fit(X, np.asarray(y), sample_weight=None if sample_weight is None
                else np.asarray(sample_weight, dtype=np.float64))
        self.coef_ = clf.coef_.ravel().astype(np.float32)
        self.intercept_ = float(clf.intercept_[0])
        return self

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        X = self._features(list(texts))
        return np.asarray(X @ self.coef_, dtype=np.float64) + self.intercept_

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each text is check-worthy (1-D, one value per text)."""
        if not len(texts):
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-self.decision_function(texts)))

    def centred_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities shifted in log-odds so that the decision threshold sits at 0.5.

        The rest of Rhetorica reads ``score >= 0.5`` as "check-worthy"; this keeps that
        meaning without changing the ranking (a monotone transform of the model's output).
        """
        if not len(texts):
            return np.zeros(0)
        t = min(max(self.threshold, 1e-6), 1 - 1e-6)
        z = self.decision_function(texts) - np.log(t / (1 - t))
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return (self.predict_proba(texts) >= self.threshold).astype(int)

    def score(self, texts: Sequence[str], y: Sequence[int]) -> float:
        """Positive-class F1, the ClaimBuster measure."""
        from sklearn.metrics import f1_score

        return float(f1_score(np.asarray(y), self.predict(texts), zero_division=0))

    def explain(self, text: str, top: int = 5) -> list[str]:
        """The features that pushed this text's score up most (for the report's 'why')."""
        X = self._features([text]).tocoo()
        contrib = sorted(((float(v * self.coef_[j]), j) for j, v in zip(X.col, X.data,
                                                                        strict=True)),
                         reverse=True)
        names = self._feature_names()
        return [names(j) for c, j in contrib[:top] if c > 0]

    def _feature_names(self):
        n_word = len(self.word_.vocabulary_)
        n_char = len(self.char_.vocabulary_)
        inv_w = {i: t for t, i in self.word_.vocabulary_.items()}
        inv_c = {i: t for t, i in self.char_.vocabulary_.items()}

        def name(j: int) -> str:
            if j < n_word:
                return f"word:{inv_w[j]}"
            if j < n_word + n_char:
                return f"chars:{inv_c[j - n_word]!r}"
            k = j - n_word - n_char
            if k < len(CUE_NAMES):
                return f"cue:{CUE_NAMES[k]}"
            return "meaning (embedding)"

        return name

    # -- persistence: arrays + JSON, no pickle -----------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            directory / "weights.npz",
            coef=self.coef_,
            word_idf=self.word_.idf_.astype(np.float32),
            char_idf=self.char_.idf_.astype(np.float32),
        )
        meta = {
            "C": self.C, "use_embeddings": self.use_embeddings, "threshold": self.threshold,
            "class_weight": self.class_weight, "length_cues": self.length_cues,
            "intercept": self.intercept_, "seed": self.seed, "cues": list(CUE_NAMES),
            "word_vocab": sorted(self.word_.vocabulary_, key=self.word_.vocabulary_.get),
            "char_vocab": sorted(self.char_.vocabulary_, key=self.char_.vocabulary_.get),
            "metrics": self.metrics,
        }
        with gzip.open(directory / "model.json.gz", "wt", encoding="utf-8") as fh:
            json.dump(meta, fh)

    @classmethod
    def load(cls, directory: Path = MODEL_DIR) -> CheckWorthinessModel:
        if not (directory / "model.json.gz").exists():
            raise FileNotFoundError(f"no check-worthiness model in {directory} "
                                    "(train it with scripts/train_claims.py)")
        with gzip.open(directory / "model.json.gz", "rt", encoding="utf-8") as fh:
            meta = json.load(fh)
        arrays = np.load(directory / "weights.npz")
        model = cls(C=meta["C"], use_embeddings=meta["use_embeddings"],
                    threshold=meta["threshold"], seed=meta["seed"],
                    class_weight=meta.get("class_weight"),
                    length_cues=meta.get("length_cues", True))
        model.word_ = TfidfTransform({t: i for i, t in enumerate(meta["word_vocab"])},
                                     arrays["word_idf"], "word", WORD_NGRAMS)
        model.char_ = TfidfTransform({t: i for i, t in enumerate(meta["char_vocab"])},
                                     arrays["char_idf"], "char_wb", CHAR_NGRAMS)
        model.coef_ = arrays["coef"].astype(np.float32)
        model.intercept_ = float(meta["intercept"])
        model.metrics = meta.get("metrics", {})
        return model


def load_default() -> CheckWorthinessModel:
    """The shipped model, loaded once per process (pipelines are built many times in tests)."""
    from rhetorica.models import shared

    return shared("checkworthiness", "packaged", lambda: CheckWorthinessModel.load(MODEL_DIR))
