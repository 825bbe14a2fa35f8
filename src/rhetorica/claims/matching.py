"""Claim matching: find a claim again when it is repeated in other words.

Once a claim is checked, every later repetition — by the same speaker next week, or by a
supporter who paraphrases it — should point back at that check. :class:`ClaimIndex` keeps a
WordLlama embedding (meaning; shipped inside the PyPI package, no download) and the content
words of each claim, and scores a pair as

    similarity = 0.75 * cosine(embeddings) + 0.25 * overlap(content words)

Numbers are the exception: "lost 4,000 jobs" and "lost 40,000 jobs" read alike but are
different claims, so a pair whose numbers disagree is capped below the match threshold
(and the reason is reported). :func:`dedupe` groups near-duplicates within a list;
:func:`find_repeated_claims` does it across every claim in the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

DEFAULT_THRESHOLD = 0.72
W_COSINE, W_OVERLAP = 0.75, 0.25

_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
STOP = frozenset({
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do",
    "does", "did", "it", "its", "this", "that", "these", "those", "there", "their", "they",
    "them", "he", "she", "his", "her", "we", "our", "you", "your", "i", "me", "my", "not", "no",
    "so", "than", "then", "also", "very", "just", "will", "would", "can", "could", "should",
    "may", "might", "must", "about", "into", "over", "after", "before", "up", "down", "out",
    "all", "any", "more", "most", "such", "only", "own", "same", "too", "which", "who", "whom",
    "what", "when", "where", "why", "how", "said", "says",
})


def content_words(text: str) -> frozenset[str]:
    words = _WORD.findall(text.lower())
    # Crude stemming (plural/past) is enough for overlap; meaning comes from the embedding.
    return frozenset(re.sub(r"(ing|ed|es|s)$", "", w) if len(w) > 4 else w
                     for w in words if w not in STOP)


def numbers(text: str) -> frozenset[str]:
    return frozenset(n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text))


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient: a short paraphrase inside a longer claim still scores high."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))




def load_embedder() -> Any:
    """WordLlama from the weights inside the PyPI package (never a hub download)."""
    from rhetorica.models import wordllama

    return wordllama()


@dataclass
class Match:
    id: Any
    text: str
    score: float
    cosine: float
    overlap: float
    meta: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "score": round(self.score, 4),
                "cosine": round(self.cosine, 4), "overlap": round(self.overlap, 4),
                "meta": self.meta, **({"note": self.note} if self.note else {})}


class ClaimIndex:
    """An in-memory index of claims; ``embed`` is injectable for tests and other models."""

    def __init__(self, embed: Any = None, threshold: float = DEFAULT_THRESHOLD) -> None:
        self._embed = embed
        self.threshold = threshold
        self.ids: list[Any] = []
        self.texts: list[str] = []
        self.metas: list[dict[str, Any]] = []
        self.words: list[frozenset[str]] = []
        self.nums: list[frozenset[str]] = []
        self.vectors = np.zeros((0, 0), dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.vectors.shape[1] or 1), dtype=np.float32)
        fn = self._embed or (lambda t: load_embedder().embed(list(t), norm=True))
        vecs = np.asarray(fn(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms == 0, 1, norms)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, texts: Sequence[str], ids: Sequence[Any] | None = None,
            metas: Sequence[dict[str, Any]] | None = None) -> ClaimIndex:
        texts = list(texts)
        ids = list(ids) if ids is not None else list(range(len(self), len(self) + len(texts)))
        metas = list(metas) if metas is not None else [{} for _ in texts]
        vecs = self.embed(texts)
        self.vectors = vecs if not len(self) else np.vstack([self.vectors, vecs])
        self.ids += ids
        self.texts += texts
        self.metas += metas
        self.words += [content_words(t) for t in texts]
        self.nums += [numbers(t) for t in texts]
        return self

    def _pair(self, i: int, vec: np.ndarray, words: frozenset[str], nums: frozenset[str]
              ) -> tuple[float, float, float, str]:
        cos = float(self.vectors[i] @ vec)
        ov = overlap(words, self.words[i])
        score = W_COSINE * cos + W_OVERLAP * ov
        note = ""
        if nums and self.nums[i] and nums != self.nums[i]:
            score = min(score, self.threshold - 0.01)
            note = f"numbers differ: {sorted(nums)} vs {sorted(self.nums[i])}"
        return score, cos, ov, note

    def search(self, text: str, k: int = 5, threshold: float | None = None) -> list[Match]:
        """Stored claims that say the same as ``text``, best first, above the threshold."""
        if not len(self):
            return []
        thr = self.threshold if threshold is None else threshold
        vec = self.embed([text])[0]
        words, nums = content_words(text), numbers(text)
        # Embedding cosine prefilter keeps search linear-algebra fast on large indexes.
        cos_all = self.vectors @ vec
        cand = np.argsort(-cos_all)[: max(k * 10, 50)]
        out = []
        for i in cand:
            score, cos, ov, note = self._pair(int(i), vec, words, nums)
            if score >= thr:
                out.append(Match(self.ids[i], self.texts[i], score, cos, ov, self.metas[i], note))
        return sorted(out, key=lambda m: -m.score)[:k]


def dedupe(texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD, embed: Any = None,
           ids: Sequence[Any] | None = None, metas: Sequence[dict[str, Any]] | None = None
           ) -> list[list[Match]]:
    """Groups of near-identical claims (2+ members each), largest first.

    Single-link over pairs above the threshold: a repeats b, b repeats c → one group.
    """
    index = ClaimIndex(embed=embed, threshold=threshold).add(texts, ids, metas)
    n = len(index)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best: dict[int, float] = {}
    if n:
        sims = index.vectors @ index.vectors.T
        for i in range(n):
            for j in np.nonzero(sims[i, i + 1:] * W_COSINE + W_OVERLAP >= threshold)[0]:
                j = int(j) + i + 1
                score, _, _, _ = index._pair(j, index.vectors[i], index.words[i], index.nums[i])
                if score >= threshold:
                    parent[find(i)] = find(j)
                    best[i] = max(best.get(i, 0.0), score)
                    best[j] = max(best.get(j, 0.0), score)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        out.append([Match(index.ids[i], index.texts[i], best.get(i, 0.0), 0.0, 0.0,
                          index.metas[i]) for i in members])
    return sorted(out, key=lambda g: (-len(g), g[0].text))


def document_claims(doc: Any, only_check_worthy: bool = True) -> Iterable[dict[str, Any]]:
    """The claims of an analysed document to index: atomic claims where present, else
    check-worthy sentences (the unit a fact-checker would have checked)."""
    atoms = doc.layer("atomic_claim")
    spans = atoms or doc.layer("claim")
    for s in spans:
        if not s.attrs.get("checkable", True):
            continue
        if only_check_worthy and s.layer == "claim" and s.label != "check_worthy":
            continue
        if only_check_worthy and s.layer == "atomic_claim" and not s.attrs.get("check_worthy"):
            continue
        yield {"text": s.attrs.get("text") or s.text_in(doc.text), "start": s.start,
               "end": s.end, "score": s.score}


def stored_claims(store: Any, max_documents: int = 10_000, only_check_worthy: bool = True
                  ) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Texts, ids ("doc:start-end") and metadata of every stored claim, page by page."""
    texts: list[str] = []
    ids: list[str] = []
    metas: list[dict[str, Any]] = []
    offset, page = 0, 500
    while offset < max_documents:
        rows = store.list_documents(limit=page, offset=offset)
        if not rows:
            break
        for row in rows:
            doc = store.get(row.id)
            if doc is None:
                continue
            for c in document_claims(doc, only_check_worthy):
                texts.append(c["text"])
                ids.append(f"{row.id}:{c['start']}-{c['end']}")
                metas.append({"document_id": row.id, "speaker": row.speaker, "date": row.date,
                              "start": c["start"], "end": c["end"], "score": c["score"]})
        offset += page
    return texts, ids, metas


def find_repeated_claims(store: Any, threshold: float = DEFAULT_THRESHOLD, embed: Any = None,
                         max_documents: int = 10_000, only_check_worthy: bool = True
                         ) -> list[list[Match]]:
    """Near-duplicate claims across every stored document (speaker, date and offsets kept)."""
    texts, ids, metas = stored_claims(store, max_documents, only_check_worthy)
    groups = dedupe(texts, threshold, embed, ids, metas)
    # A claim repeated only inside one statement is not news; keep cross-document groups.
    return [g for g in groups if len({m.meta["document_id"] for m in g}) > 1]


def build_store_index(store: Any, embed: Any = None, threshold: float = DEFAULT_THRESHOLD,
                      max_documents: int = 10_000) -> ClaimIndex:
    """An index of every stored claim, for matching new statements against what is known."""
    index = ClaimIndex(embed=embed, threshold=threshold)
    texts, ids, metas = stored_claims(store, max_documents)
    if texts:
        index.add(texts, ids, metas)
    return index
