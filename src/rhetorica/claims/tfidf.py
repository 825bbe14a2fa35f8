"""TF-IDF over a fitted vocabulary, without importing scikit-learn at run time.

Why: importing scikit-learn (and the scipy.stats it pulls in) costs about 1.3 s of every
``rhetorica analyze`` start, longer than the rest of the model loading. Training still fits
scikit-learn's ``TfidfVectorizer``; this class reproduces its ``transform`` for the two
analyzers the check-worthiness model uses (``word`` with the default token pattern, and
``char_wb``), sublinear term frequency, idf weights and l2 rows, and a test holds the two
equal on the shipped vocabulary.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_SPACES = re.compile(r"\s\s+")


def word_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    tokens = WORD_TOKEN.findall(text.lower())
    lo, hi = ngram_range
    out = list(tokens) if lo == 1 else []
    for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
        out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside words padded with one space; a word shorter than ``n`` is
    counted once (as scikit-learn does)."""
    lo, hi = ngram_range
    out: list[str] = []
    for w in _SPACES.sub(" ", text.lower()).split():
        w = f" {w} "
        for n in range(lo, hi + 1):
            out.extend(w[i:i + n] for i in range(max(1, len(w) - n + 1)))
            if len(w) <= n:
                break
    return out


class TfidfTransform:
    """``transform(texts)`` -> CSR rows, like a fitted ``TfidfVectorizer``."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, analyzer: str,
                 ngram_range: tuple[int, int], sublinear_tf: bool = True) -> None:
        if analyzer not in ("word", "char_wb"):
            raise ValueError(f"unsupported analyzer {analyzer!r}")
        self.vocabulary_ = vocabulary
        self.idf_ = np.asarray(idf, dtype=np.float32)
        self.analyzer = analyzer
        self.ngram_range = tuple(ngram_range)
        self.sublinear_tf = sublinear_tf

    @classmethod
    def from_vectorizer(cls, vec: Any) -> TfidfTransform:
        return cls(dict(vec.vocabulary_), vec.idf_, vec.analyzer, vec.ngram_range,
                   vec.sublinear_tf)

    def analyze(self, text: str) -> list[str]:
        grams = word_ngrams if self.analyzer == "word" else char_wb_ngrams
        return grams(text, self.ngram_range)  # type: ignore[arg-type]

    def transform(self, texts: Sequence[str]) -> Any:
        from scipy import sparse

        vocab, indptr, cols, counts = self.vocabulary_, [0], [], []
        for text in texts:
            seen = Counter(j for j in map(vocab.get, self.analyze(text)) if j is not None)
            for j in sorted(seen):
                cols.append(j)
                counts.append(seen[j])
            indptr.append(len(cols))
        col = np.asarray(cols, dtype=np.int64)
        tf = np.asarray(counts, dtype=np.float32)
        if self.sublinear_tf:
            tf = np.log(tf) + np.float32(1.0)
        w = tf * self.idf_[col]
        row = np.repeat(np.arange(len(texts)), np.diff(indptr))
        norms = np.sqrt(np.bincount(row, weights=w.astype(np.float64) ** 2,
                                    minlength=len(texts)))
        w = (w / np.where(norms == 0, 1.0, norms)[row]).astype(np.float32)
        return sparse.csr_matrix((w, col, indptr), shape=(len(texts), len(self.idf_)))
