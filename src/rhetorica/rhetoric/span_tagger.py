"""The rhetoric span tagger at run time: MiniLM reading context, int8 ONNX, no torch.

Trained on PTC by ``rhetorica train rhetoric`` (:mod:`rhetorica.rhetoric.span_tagger_train`),
it labels every word piece with the persuasion technique it lies in. Spans are runs of
pieces whose chance of lying in *some* technique passes the threshold chosen on dev; each
span is widened to whole words and named by the technique its pieces favour most, so a span
never stops mid-word and "...than a spreadsheet of" does not end on a preposition because a
linear model lost confidence there. A span's technique (SemEval's TC subtask) comes from the
technique head (:class:`TechniqueHead`): a logistic model over the tagger's token states
pooled over the span, which reads the span as a whole where the per-piece probabilities
vote piece by piece; without the head, from those probabilities' mean over the span.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from rhetorica.nlp.token_tagger import TaggerArtefactError, TokenTagger, softmax
from rhetorica.rhetoric.ptc import DATASET, TECHNIQUES, Article, load_ptc, split_articles

ARTEFACT_PACKAGE = "rhetorica.data.models.rhetoric_tagger"
REBUILD = "rhetorica train rhetoric --data ../shared/data"
DEV_FRACTION = 0.1
DEFAULT_THRESHOLD = 0.5
# Precision on dev that the spans shown to readers must reach (issue: >= 0.50 on held-out).
SHOW_PRECISION = 0.55
# Words that end no persuasive phrase: a span the tagger lets trail into one stops before it.
_TRAILING = frozenset({"of", "the", "a", "an", "to", "and", "or", "in", "on", "for", "with",
                       "by", "at", "from", "that", "as", "is", "are", "was", "were", "be",
                       "than", "but", "its", "their", "his", "her", "our", "this", "these"})


def artefact_dir() -> Path:
    return Path(str(resources.files(ARTEFACT_PACKAGE)))


def split_ptc(data: Path, seed: int = 0, test_fraction: float = 0.2
              ) -> tuple[list[Article], list[Article], list[Article], dict[str, Any]]:
    """(training, dev, held-out) PTC articles and the split's description: held-out is the
    seeded article split ``rhetorica eval rhetoric`` scores on; dev a seeded tenth of the
    rest, for choosing the span threshold."""
    from rhetorica.rhetoric.ptc import ids_digest

    articles = load_ptc(Path(data) / DATASET)
    rest, test = split_articles(articles, test_fraction, seed)
    fit, dev = split_articles(rest, DEV_FRACTION, seed + 1)
    split = {"seed": seed, "test_fraction": test_fraction, "test_articles": len(test),
             "test_ids_sha256_16": ids_digest(a.id for a in test),
             "dev_articles": len(dev), "train_articles": len(fit)}
    return fit, dev, test, split


class Reading:
    """One text as the tagger read it: per word piece, the chance of lying in some
    technique and the chance of each technique."""

    def __init__(self, text: str, offsets: list[tuple[int, int]], proba: np.ndarray,
                 states: np.ndarray | None = None, head: TechniqueHead | None = None) -> None:
        self.text = text
        self.offsets = offsets
        self.states, self.head = states, head
        self.starts = np.array([a for a, _ in offsets], dtype=np.int64)
        self.ends = np.array([b for _, b in offsets], dtype=np.int64)
        self.inside = 1.0 - proba[:, 0] if len(proba) else np.zeros(0)
        # B-X and I-X of one technique are columns 1 + 2k and 2 + 2k.
        self.technique = (proba[:, 1::2] + proba[:, 2::2]) if len(proba) else \
            np.zeros((0, len(TECHNIQUES)))
        self.begins = (proba[:, 1::2].max(axis=1) > proba[:, 2::2].max(axis=1)) \
            if len(proba) else np.zeros(0, dtype=bool)

    def _pieces(self, start: int, end: int) -> np.ndarray:
        """Mask of the pieces that overlap ``[start, end)``."""
        return (self.starts < end) & (self.ends > start)

    def inside_p(self, start: int, end: int) -> float:
        """Mean chance that the pieces of ``[start, end)`` lie in some technique."""
        k = self._pieces(start, end)
        return float(self.inside[k].mean()) if k.any() else 0.0

    def technique_proba(self, start: int, end: int) -> np.ndarray:
        """Technique probabilities of the text ``[start, end)``: the mean over its pieces,
        normalised (uniform if no piece lies there)."""
        k = self._pieces(start, end)
        if not k.any():
            return np.full(len(TECHNIQUES), 1.0 / len(TECHNIQUES))
        if self.head is not None and self.states is not None:
            return self.head.proba(self.states[k])
        m = self.technique[k].mean(axis=0)
        return m / max(float(m.sum()), 1e-9)

    def span_states(self, start: int, end: int) -> np.ndarray | None:
        """The token states of the pieces of ``[start, end)`` (None without states)."""
        k = self._pieces(start, end)
        return self.states[k] if self.states is not None and k.any() else None

    def spans(self, threshold: float) -> list[tuple[int, int, float, str, float]]:
        """``(start, end, span p, technique, technique p)`` for each run of pieces whose
        inside chance reaches ``threshold``; a piece the model reads as the beginning of a
        technique starts a new span. Spans are widened to whole words, and lose function
        words at their end."""
        out = []
        n = len(self.offsets)
        i = 0
        while i < n:
            if self.inside[i] < threshold:
                i += 1
                continue
            j = i + 1
            while j < n and self.inside[j] >= threshold and not (
                    self.begins[j] and self.starts[j] > self.ends[j - 1]):
                j += 1
            a, b = _whole_words(self.text, int(self.starts[i]), int(self.ends[j - 1]))
            span_p = round(float(self.inside[i:j].mean()), 3)
            if out and a < out[-1][1]:
                # a word piece read as a new beginning inside a word ("fear" "##mongering")
                # widens to the same word: one span, not the word twice
                a, b, span_p = min(a, out[-1][0]), max(b, out[-1][1]), max(span_p, out[-1][2])
                out.pop()
            if b > a:
                p = self.technique_proba(a, b)
                k = int(p.argmax())
                out.append((a, b, span_p, TECHNIQUES[k], round(float(p[k]), 3)))
            i = j
        return out


_JOINERS = "-'’"  # inside a word: "so-called", "don't"


def _whole_words(text: str, a: int, b: int) -> tuple[int, int]:
    """``[a, b)`` widened to word boundaries, without edge punctuation or a trailing
    function word."""
    while a > 0 and (text[a - 1].isalnum() or (
            text[a - 1] in _JOINERS and a > 1 and text[a - 2].isalnum())):
        a -= 1
    while b < len(text) and (text[b].isalnum() or (
            text[b] in _JOINERS and b + 1 < len(text) and text[b + 1].isalnum())):
        b += 1
    while a < b and not text[a].isalnum() and text[a] not in "\"“'‘":
        a += 1
    while True:
        while b > a and text[b - 1] in " ,;:-—(":
            b -= 1
        words = text[a:b].split()
        if len(words) < 2 or words[-1].lower() not in _TRAILING:
            break
        b = len(text[:b - len(words[-1])].rstrip())
    return a, b


HEAD_FILE = "technique_head.npz"


class TechniqueHead:
    """Multinomial logistic regression over a span's pooled token states (mean and max of
    the tagger's last hidden states over the span's pieces): P(technique | span), in
    :data:`TECHNIQUES` order. Fitted on PTC's training articles by :func:`fit_technique_head`
    (the regularisation chosen on dev); numpy only at run time."""

    def __init__(self, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray) -> None:
        self.mean, self.scale, self.coef, self.intercept = mean, scale, coef, intercept

    @staticmethod
    def features(states: np.ndarray) -> np.ndarray:
        x = states.astype(np.float32)
        return np.concatenate([x.mean(axis=0), x.max(axis=0)])

    def proba(self, states: np.ndarray) -> np.ndarray:
        z = ((self.features(states) - self.mean) / self.scale) @ self.coef.T + self.intercept
        z = np.exp(z - z.max())
        return z / z.sum()

    def save(self, folder: Path) -> None:
        np.savez(Path(folder) / HEAD_FILE, mean=self.mean, scale=self.scale, coef=self.coef,
                 intercept=self.intercept, techniques=np.array(TECHNIQUES))

    @classmethod
    def load(cls, folder: Path) -> TechniqueHead | None:
        """The head saved beside a tagger; None without one (or for another label set)."""
        path = Path(folder) / HEAD_FILE
        if not path.is_file():
            return None
        with np.load(path) as z:
            if tuple(str(t) for t in z["techniques"]) != tuple(TECHNIQUES):
                return None
            return cls(z["mean"], z["scale"], z["coef"], z["intercept"])


class RhetoricSpanTagger(TokenTagger):
    """``read(text)`` -> :class:`Reading`; ``threshold`` is the one chosen on dev."""

    def __init__(self, folder: Path | None = None, threads: int | None = None) -> None:
        super().__init__(Path(folder) if folder else artefact_dir(),
                         "rhetoric span tagger", REBUILD, threads)
        self.threshold = float(self.config.get("threshold", DEFAULT_THRESHOLD))
        self.show_threshold = float(self.config.get("show_threshold", self.threshold))
        self.head = TechniqueHead.load(self.folder)

    def read(self, text: str, states: bool = False) -> Reading:
        """The tagger's reading of ``text``; its token states are kept when the technique
        head needs them (or ``states`` asks for them)."""
        offsets, logits, hidden = self.piece_outputs(text, states or self.head is not None)
        return Reading(text, offsets, softmax(logits) if len(logits) else logits, hidden,
                       self.head)


def load_span_tagger(folder: str | None = None) -> RhetoricSpanTagger | None:
    """The packaged span tagger, loaded once per process; None when it is not built (the
    linear span model then stands in)."""
    from rhetorica.models import shared

    def load() -> RhetoricSpanTagger | None:
        try:
            return RhetoricSpanTagger(Path(folder) if folder else None)
        except TaggerArtefactError:
            return None

    return shared("rhetoric_span_tagger", folder or "packaged", load)


def fit_threshold(folder: Path, dev: list[Article],
                  grid: tuple[float, ...] = tuple(round(0.2 + 0.05 * k, 2) for k in range(15))
                  ) -> tuple[float, float]:
    """Choose two thresholds on ``dev`` and write them into the artefact's ``config.json``:
    ``threshold``, the best SI F1 (what ``eval rhetoric`` scores), and ``show_threshold``,
    the best F1 among those whose precision reaches :data:`SHOW_PRECISION` (what readers
    are shown). Returns (threshold, its dev F1)."""
    from rhetorica.rhetoric.ptc import si_scores

    tagger = RhetoricSpanTagger(folder)
    readings = {a.id: tagger.read(a.text) for a in dev}
    gold = {a.id: [(s, e) for s, e, _ in a.spans] for a in dev}
    scores = {}
    for t in grid:
        pred = {k: [(s, e) for s, e, *_ in r.spans(t)] for k, r in readings.items()}
        scores[t] = si_scores(gold, pred)
    best = max(grid, key=lambda t: scores[t]["f1"])
    precise = [t for t in grid if scores[t]["precision"] >= SHOW_PRECISION]
    show = max(precise, key=lambda t: scores[t]["f1"]) if precise else \
        max(grid, key=lambda t: scores[t]["precision"])
    path = Path(folder) / "config.json"
    config = json.loads(path.read_text())
    config.update(threshold=best, show_threshold=max(show, best),
                  dev={str(t): {k: round(v, 4) for k, v in scores[t].items()
                                if k in ("precision", "recall", "f1")} for t in grid})
    path.write_text(json.dumps(config, indent=2) + "\n")
    return best, scores[best]["f1"]


def fit_technique_head(folder: Path, fit: list[Article], dev: list[Article],
                       grid: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1, 0.3),
                       seed: int = 0) -> tuple[float, float]:
    """Fit the technique head of the tagger in ``folder`` on the gold spans of ``fit``,
    choosing the regularisation ``C`` by TC micro-F1 on ``dev`` (one prediction per gold
    line: a span with k lines gets the top k). Saves it beside the tagger and records the
    choice in ``config.json``. Returns (C, dev micro-F1)."""
    from collections import Counter

    from sklearn.linear_model import LogisticRegression

    from rhetorica.rhetoric.ptc import tc_scores, top_k

    tagger = RhetoricSpanTagger(folder)

    def rows(articles: list[Article]) -> tuple[np.ndarray, list[str], list[tuple]]:
        X, y, keys = [], [], []
        for art in articles:
            reading = tagger.read(art.text, states=True)
            for s, e, t in art.spans:
                st = reading.span_states(s, e)
                if st is not None:
                    X.append(TechniqueHead.features(st))
                    y.append(t)
                    keys.append((art.id, s, e))
        return np.array(X), y, keys

    Xf, yf, _ = rows(fit)
    Xd, yd, kd = rows(dev)
    mean, scale = Xf.mean(axis=0), Xf.std(axis=0) + 1e-6
    gold = [(*k, t) for k, t in zip(kd, yd, strict=True)]
    lines = Counter(kd)
    scores: dict[float, float] = {}
    models: dict[float, Any] = {}
    for c in grid:
        clf = LogisticRegression(C=c, max_iter=3000, random_state=seed)
        clf.fit((Xf - mean) / scale, yf)
        order = [list(clf.classes_).index(t) for t in TECHNIQUES]
        proba = clf.predict_proba((Xd - mean) / scale)[:, order]
        pred, seen = [], set()
        for k, p in zip(kd, proba, strict=True):
            if k not in seen:
                seen.add(k)
                pred += [(*k, t) for t in top_k(TECHNIQUES, p, lines[k])]
        scores[c] = tc_scores(gold, pred)["micro_f1"]
        models[c] = (clf, order)
    best = max(grid, key=lambda c: scores[c])
    clf, order = models[best]
    TechniqueHead(mean.astype(np.float32), scale.astype(np.float32),
                  clf.coef_[order].astype(np.float32),
                  clf.intercept_[order].astype(np.float32)).save(folder)
    path = Path(folder) / "config.json"
    config = json.loads(path.read_text())
    config["technique_head"] = {"features": "mean and max of the span's token states",
                                "C": best, "fit_spans": len(yf), "dev_spans": len(yd),
                                "dev_micro_f1": {str(c): round(v, 4) for c, v in
                                                 scores.items()}}
    path.write_text(json.dumps(config, indent=2) + "\n")
    return best, scores[best]


def warm(settings: Any) -> None:
    """Load the span tagger the ``rhetoric_model`` component will use (a pipeline warmer)."""
    if settings.span_tagger:
        load_span_tagger()
