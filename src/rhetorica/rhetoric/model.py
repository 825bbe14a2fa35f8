"""The trained half of the rhetoric component: spans and techniques learned from PTC.

Two small linear models over hashed, human-readable features (see ``features``):

* :class:`SpanTagger` says, token by token, "inside a persuasion technique or not", and
  contiguous runs become spans (SemEval-2020 Task 11 subtask SI);
* :class:`TechniqueClassifier` names the technique of a span (subtask TC).

Both follow scikit-learn (``fit`` / ``predict`` / ``score``, seeded). The artefact is a
pruned sparse coefficient matrix in ``.npz`` plus a JSON card, not a pickle: small, safe to
load, and each weight can be traced back to the feature that earned it, which is how every
model span names its strongest cues. Scoring is plain numpy (a row's score is the sum of its
features' weights), so run time imports neither scikit-learn nor scipy; training does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from murmurhash.mrmr import hash as murmur3_32

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.spacy_model import stop_words
from rhetorica.rhetoric import features as F
from rhetorica.rhetoric.ptc import LABEL_OF, TECHNIQUES

N_FEATURES = 2**18
MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "models" / "rhetoric"
LAYER = "rhetoric"


def _index(feature: str) -> int:
    """The column a string feature hashes to: scikit-learn's ``FeatureHasher`` column
    (signed MurmurHash3, seed 0, ``abs(h) % N_FEATURES``), computed with spaCy's own
    ``murmurhash`` so that run time never imports scikit-learn (about 1.3 s per start);
    the trained weights are indexed this way, and a test holds the two equal."""
    h = murmur3_32(feature, seed=0)
    if h == -2**31:  # abs() would overflow int32 in FeatureHasher: it maps this one apart
        return (2**31 - 1 - (N_FEATURES - 1)) % N_FEATURES
    return abs(h) % N_FEATURES


def _columns(rows: Iterable[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's feature columns, concatenated, and where each row's run starts and ends
    (CSR ``indices`` / ``indptr``). A feature counts once per row: presence, not counts (a
    word used twice is not twice the evidence)."""
    indptr, indices = [0], []
    for row in rows:
        indices.extend(sorted({_index(f) for f in row}))
        indptr.append(len(indices))
    return np.asarray(indices, dtype=np.intp), np.asarray(indptr, dtype=np.intp)


def _matrix(rows: Iterable[list[str]]) -> Any:
    """The rows as the sparse 0/1 matrix scikit-learn trains on."""
    from scipy import sparse

    indices, indptr = _columns(rows)
    return sparse.csr_matrix((np.ones(len(indices), np.float32), indices, indptr),
                             shape=(len(indptr) - 1, N_FEATURES))


@dataclass(frozen=True)
class Weights:
    """Pruned weights, (classes x features) in CSR arrays: what ``weights.npz`` holds."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    def dense_t(self) -> np.ndarray:
        """(features x classes), float32: a row's scores gather its features' rows."""
        out = np.zeros((self.shape[1], self.shape[0]), np.float32)
        for cls in range(self.shape[0]):
            run = slice(self.indptr[cls], self.indptr[cls + 1])
            out[self.indices[run], cls] = self.data[run]
        return out


def _prune(coef: np.ndarray, keep: int) -> Weights:
    """Keep the ``keep`` largest weights: most hashed columns carry noise-level weight,
    and dropping them keeps the artefact around a megabyte at almost no cost in F1."""
    flat = np.abs(coef).ravel()
    if keep < flat.size:
        cut = np.partition(flat, flat.size - keep)[flat.size - keep]
        coef = np.where(np.abs(coef) >= cut, coef, 0.0)
    coef = np.atleast_2d(coef.astype(np.float32))
    cols = [np.flatnonzero(row) for row in coef]
    indptr = np.concatenate([[0], np.cumsum([len(c) for c in cols])]).astype(np.int32)
    indices = np.concatenate(cols).astype(np.int32)
    return Weights(coef[np.arange(len(cols)).repeat(np.diff(indptr)), indices], indices,
                   indptr, (coef.shape[0], coef.shape[1]))


def _dense_t(est: Any) -> np.ndarray:
    """The weights as a dense (features x classes) array, built once (1 MB for the tagger,
    15 MB for the classifier): gathering rows of it is the whole of scoring."""
    cached = est.__dict__.get("_dense")
    if cached is None or cached[0] is not est.coef_:
        cached = (est.coef_, est.coef_.dense_t())
        est.__dict__["_dense"] = cached
    return cached[1]


def _scores(rows: list[list[str]], weights: np.ndarray) -> np.ndarray:
    """(rows x classes): each row's sum of its features' weights, i.e. the product of the
    rows' 0/1 feature matrix with ``weights`` (features x classes)."""
    indices, indptr = _columns(rows)
    running = np.zeros((len(indices) + 1, weights.shape[1]), np.float64)
    np.cumsum(weights[indices], axis=0, out=running[1:])
    return running[indptr[1:]] - running[indptr[:-1]]


# -- span identification -------------------------------------------------------------------
class SpanTagger:
    """Token-level propaganda tagger with smoothing and run decoding."""

    def __init__(self, c: float = 0.5, threshold: float = 0.4, min_tokens: int = 1,
                 gap: int = 1, smooth: int = 1, seed: int = 0, keep: int = 60_000) -> None:
        self.c, self.threshold, self.min_tokens, self.gap = c, threshold, min_tokens, gap
        self.smooth = smooth  # moving-average window over token probabilities
        self.seed, self.keep = seed, keep
        self.coef_: Weights | None = None
        self.intercept_ = 0.0

    @staticmethod
    def sentence_rows(text: str, start: int, end: int) -> tuple[list[F.Tok], list[list[str]]]:
        toks = F.tokenize(text, start, end)
        return toks, F.token_features(toks, F.lexicon_hits(toks))

    def fit(self, texts: Sequence[str], gold: Sequence[list[tuple[int, int]]],
            sents: Sequence[list[tuple[int, int]]]) -> SpanTagger:
        from sklearn.linear_model import LogisticRegression

        rows, ys = [], []
        for text, spans, ss in zip(texts, gold, sents, strict=True):
            inside = np.zeros(len(text) + 1, dtype=bool)
            for s, e in spans:
                inside[s:e] = True
            for s0, s1 in ss:
                toks, feats = self.sentence_rows(text, s0, s1)
                rows.extend(feats)
                ys.extend(bool(inside[t.start:t.end].any()) for t in toks)
        x = _matrix(rows)
        clf = LogisticRegression(C=self.c, max_iter=300, random_state=self.seed,
                                 solver="liblinear")
        clf.fit(x, np.array(ys))
        self.coef_ = _prune(clf.coef_, self.keep)
        self.intercept_ = float(clf.intercept_[0])
        return self

    def token_proba(self, feats: list[list[str]]) -> np.ndarray:
        if not feats:
            return np.zeros(0)
        z = _scores(feats, _dense_t(self)).ravel() + self.intercept_
        return 1.0 / (1.0 + np.exp(-z))

    def decode(self, toks: Sequence[F.Tok], proba: np.ndarray) -> list[tuple[int, int, float]]:
        """Runs of tokens above threshold (bridging ``gap`` low tokens) -> (start, end, p)."""
        on = proba >= self.threshold
        out, i, n = [], 0, len(toks)
        while i < n:
            if not on[i]:
                i += 1
                continue
            j = i
            while j + 1 < n and (on[j + 1] or (self.gap and j + 2 < n and on[j + 2]
                                               and toks[j + 1].text not in ".;")):
                j += 1
            # trim punctuation at the edges: the scorer counts characters
            a, b = i, j
            while a < b and not toks[a].text[0].isalnum() and toks[a].text not in '"“':
                a += 1
            while b > a and not toks[b].text[0].isalnum() and toks[b].text not in '"”!?':
                b -= 1
            has_word = any(t.text[0].isalnum() for t in toks[a:b + 1])
            if has_word and b - a + 1 >= self.min_tokens:
                out.append((toks[a].start, toks[b].end, float(proba[a:b + 1].mean())))
            i = j + 1
        return out

    def predict(self, text: str, sents: Sequence[tuple[int, int]]) -> list[tuple[int, int, float]]:
        out = []
        all_toks, all_feats, bounds = [], [], []
        for s0, s1 in sents:
            toks, feats = self.sentence_rows(text, s0, s1)
            bounds.append((len(all_toks), len(all_toks) + len(toks)))
            all_toks.extend(toks)
            all_feats.extend(feats)
        proba = self.token_proba(all_feats)
        for a, b in bounds:
            p = proba[a:b]
            if self.smooth > 1 and len(p):
                # a lone low token inside a loaded phrase should not split it in two
                p = np.convolve(p, np.ones(self.smooth) / self.smooth, mode="same")
            out.extend(self.decode(all_toks[a:b], p))
        return out

    def score(self, texts: Sequence[str], gold: Sequence[list[tuple[int, int]]],
              sents: Sequence[list[tuple[int, int]]]) -> float:
        from rhetorica.rhetoric.ptc import si_scores

        g = {str(i): list(s) for i, s in enumerate(gold)}
        p = {str(i): [(s, e) for s, e, _ in self.predict(t, ss)]
             for i, (t, ss) in enumerate(zip(texts, sents, strict=True))}
        return si_scores(g, p)["f1"]


# -- technique classification --------------------------------------------------------------
class TechniqueClassifier:
    """Multinomial logistic regression: span features -> one of the 14 PTC techniques."""

    def __init__(self, c: float = 1.0, seed: int = 0, keep: int = 150_000) -> None:
        self.c, self.seed, self.keep = c, seed, keep
        self.classes_: list[str] = list(TECHNIQUES)
        self.coef_: Weights | None = None
        self.intercept_: np.ndarray = np.zeros(len(TECHNIQUES))

    @staticmethod
    def rows(text: str, spans: Sequence[tuple[int, int]],
             sents: Sequence[tuple[int, int]] | None = None) -> list[list[str]]:
        lower = text.lower()
        out = []
        for s, e in spans:
            sent = None
            if sents:
                sent = next(((a, b) for a, b in sents if a <= s < b), None)
            out.append(F.span_features(text, s, e, F.count_repeats(lower, s, e, text), sent))
        return out

    def fit(self, rows: list[list[str]], labels: Sequence[str]) -> TechniqueClassifier:
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=self.c, max_iter=500, random_state=self.seed)
        clf.fit(_matrix(rows), np.array(labels))
        self.classes_ = [str(c) for c in clf.classes_]
        self.coef_ = _prune(clf.coef_, self.keep)
        self.intercept_ = clf.intercept_.astype(np.float64)
        return self

    def predict_proba(self, rows: list[list[str]]) -> np.ndarray:
        if not rows:
            return np.zeros((0, len(self.classes_)))
        z = _scores(rows, _dense_t(self)) + self.intercept_
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, rows: list[list[str]]) -> list[str]:
        return [self.classes_[i] for i in self.predict_proba(rows).argmax(axis=1)]

    def score(self, rows: list[list[str]], labels: Sequence[str]) -> float:
        pred = self.predict(rows)
        return float(np.mean([p == g for p, g in zip(pred, labels, strict=True)])) if pred else 0.0

    def cues(self, row: list[str], cls: int, top: int = 3) -> list[str]:
        """The features that pushed hardest towards class ``cls``, in readable form."""
        weights = _dense_t(self)[:, cls]
        scored = sorted(((weights[_index(f)], f) for f in set(row) if _telling(f)),
                        reverse=True)
        return [_readable(f) for w, f in scored[:top] if w > 0]


def _telling(feature: str) -> bool:
    """Cues a reader can check: words, lexicon hits, repetition, punctuation. Not
    function words, letter n-grams or length buckets, which are real evidence to the
    model but explain nothing to a person."""
    kind, _, value = feature.partition("=")
    stop = stop_words()
    if kind in {"u", "first", "last", "l", "r"}:
        return value.isalpha() and value not in stop
    if kind == "b":
        return any(w.isalpha() and w not in stop for w in value.split("|"))
    if kind == "rep":
        return value not in {"1"}
    return kind in {"lex", "quoted", "caps", "punct"}


def _readable(feature: str) -> str:
    kind, _, value = feature.partition("=")
    return {
        "u": f"word “{value}”",
        "b": f"words “{value.replace('|', ' ')}”",
        "first": f"opens with “{value}”",
        "last": f"ends with “{value}”",
        "c": f"letters “{value}”",
        "l": f"preceded by “{value}”",
        "r": f"followed by “{value}”",
        "lex": f"lexicon cue {value.replace('_', ' ')}",
        "rep": f"words recur {value}× in the text",
        "len": f"length ≤{value} tokens" if not value.endswith("+") else f"length >{value[:-1]}",
        "quoted": "in quotation marks",
        "caps": "capitals",
        "punct": f"punctuation {value}",
        "cover": "covers much of the sentence",
        "sent_start": "opens the sentence",
    }.get(kind, feature)


# -- artefact ------------------------------------------------------------------------------
@dataclass
class RhetoricModel:
    tagger: SpanTagger
    classifier: TechniqueClassifier
    card: dict[str, Any]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        t, c = self.tagger.coef_, self.classifier.coef_
        np.savez_compressed(
            folder / "weights.npz",
            si_data=t.data, si_indices=t.indices.astype(np.int32), si_indptr=t.indptr,
            si_intercept=np.array([self.tagger.intercept_]),
            tc_data=c.data, tc_indices=c.indices.astype(np.int32), tc_indptr=c.indptr,
            tc_intercept=self.classifier.intercept_,
        )
        card = dict(self.card)
        card.update(n_features=N_FEATURES, classes=self.classifier.classes_,
                    si_params={"threshold": self.tagger.threshold, "gap": self.tagger.gap,
                               "min_tokens": self.tagger.min_tokens,
                               "smooth": self.tagger.smooth})
        (folder / "model.json").write_text(json.dumps(card, indent=2) + "\n", "utf-8")

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> RhetoricModel:
        card = json.loads((folder / "model.json").read_text("utf-8"))
        if card.get("n_features") != N_FEATURES:
            raise ValueError(f"{folder}: model built for {card.get('n_features')} features")
        w = np.load(folder / "weights.npz")
        p = card["si_params"]
        tagger = SpanTagger(threshold=p["threshold"], gap=p["gap"], min_tokens=p["min_tokens"],
                            smooth=int(p.get("smooth", 1)))
        tagger.coef_ = Weights(w["si_data"], w["si_indices"], w["si_indptr"], (1, N_FEATURES))
        tagger.intercept_ = float(w["si_intercept"][0])
        clf = TechniqueClassifier()
        clf.classes_ = list(card["classes"])
        clf.coef_ = Weights(w["tc_data"], w["tc_indices"], w["tc_indptr"],
                            (len(clf.classes_), N_FEATURES))
        clf.intercept_ = w["tc_intercept"]
        return cls(tagger, clf, card)


def load_model(folder: str | None = None) -> RhetoricModel:
    from rhetorica.models import shared

    return shared("rhetoric_linear", folder or "packaged",
                  lambda: RhetoricModel.load(Path(folder) if folder else MODEL_DIR))


def model_available(folder: Path = MODEL_DIR) -> bool:
    return (folder / "model.json").is_file() and (folder / "weights.npz").is_file()


# -- component -----------------------------------------------------------------------------
def _sentences(doc: Document) -> list[tuple[int, int]]:
    sents = [(s.start, s.end) for s in doc.layer("sentence")]
    if sents:
        return sents
    from rhetorica.rhetoric.ptc import sentences

    return sentences(doc.text)


class RhetoricModelComponent:
    """The model's technique spans in the ``rhetoric`` layer, and its reading of the lexicon's.

    Runs after ``rhetoric`` (which clears the layer), so it only removes its own earlier
    spans. With the transformer span tagger (:mod:`rhetorica.rhetoric.span_tagger`, the
    default when its artefact is built):

    * its spans are shown where their chance passes the display threshold chosen on PTC dev
      (precision before recall: a reader should be able to trust what is marked), each
      named by the mean of the tagger's and the linear classifier's technique
      probabilities, and explained by the linear model's cues and the lexicon words inside;
    * a lexicon or repetition span keeps its place, and its score weighs in how the tagger
      reads its words in context (``attrs["context_p"]``).

    Without it, the linear span model of earlier releases stands in. A model span that
    repeats a lexicon span of the same label is dropped: the lexicon's explanation is the
    more specific one.
    """

    name = "rhetoric_model"
    source = "rhetoric.model"

    # The linear tagger's own threshold is tuned for SemEval F1 on news where propaganda is
    # dense; shown to a reader, a span should be more likely in than out.
    MIN_SPAN_P = 0.3

    def __init__(self, settings: Settings, folder: str | None = None,
                 min_span_p: float = MIN_SPAN_P, span_tagger: Any = "default") -> None:
        from rhetorica.rhetoric.span_tagger import load_span_tagger

        self.settings = settings
        self.model = load_model(folder)
        self.min_span_p = min_span_p
        if span_tagger == "default":
            span_tagger = load_span_tagger() if settings.span_tagger else None
        self.span_tagger = span_tagger

    def __call__(self, doc: Document) -> Document:
        from rhetorica.nlp.language import is_english

        doc.spans = [s for s in doc.spans if not (s.layer == LAYER and s.source == self.source)]
        sents = _sentences(doc)
        damp = 1.0 if is_english(doc) else 0.4
        tagger = self.span_tagger
        if tagger is None:
            found = [(s, e, p, None) for s, e, p in self.model.tagger.predict(doc.text, sents)
                     if p >= self.min_span_p]
        else:
            reading = tagger.read(doc.text)
            _weigh_lexicon(doc, reading)
            found = [(s, e, p, reading.technique_proba(s, e))
                     for s, e, p, *_ in reading.spans(tagger.show_threshold)]
        # a span of nothing but function words ("the", "if", "does") persuades no one: the
        # tagger's stray pieces on real articles, shown as loaded language or repetition
        stop = stop_words()
        found = [f for f in found if any(w.lower() not in stop
                                         for w in re.findall(r"\w+", doc.text[f[0]:f[1]]))]
        if not found:
            return doc
        clf = self.model.classifier
        rows = clf.rows(doc.text, [(s, e) for s, e, *_ in found], sents)
        proba = clf.predict_proba(rows)
        existing = doc.layer(LAYER)
        for (s, e, p_si, p_tagger), row, p_linear in zip(found, rows, proba, strict=True):
            p = p_linear if p_tagger is None else mean_by_class(p_linear, clf.classes_,
                                                                 p_tagger)
            k = int(p.argmax())
            if clf.classes_[k] == "Repetition" and "rep=1" in row:
                # Repetition needs the words to recur; if they do not, take the runner-up.
                k = int(np.argsort(p)[-2])
            technique = clf.classes_[k]
            label = LABEL_OF.get(technique, technique.lower())
            score = round(float(p_si) * float(p[k]) ** 0.5 * damp, 3)
            if any(x.label == label and _covered(x.start, x.end, s, e) >= 0.5
                   for x in existing):
                continue
            cues = clf.cues(row, k)
            cues += [f"lexicon “{doc.text[x.start:x.end]}” ({x.label.replace('_', ' ')})"
                     for x in existing if x.start >= s and x.end <= e][:2]
            reader = "the span tagger" if p_tagger is not None else "the linear span model"
            why = (f"Model: reads as {technique.replace('_', ' ').replace(',', ' / ')} "
                   f"(p={p[k]:.2f}; {reader}: span p={p_si:.2f})"
                   + (f"; strongest cues: {', '.join(cues)}" if cues
                      else "; no single telling word, the phrasing as a whole") + ".")
            doc.add_span(s, e, label, layer=LAYER, score=score, source=self.source,
                         explanation=why,
                         attrs={"family": "technique", "ptc": technique,
                                "technique_p": round(float(p[k]), 3),
                                "span_p": round(float(p_si), 3)})
        return doc


def mean_by_class(p_linear: np.ndarray, classes: Sequence[str],
                   p_tagger: np.ndarray) -> np.ndarray:
    """The two technique readings averaged, in the linear classifier's class order."""
    order = [TECHNIQUES.index(c) for c in classes]
    return (p_linear + p_tagger[order]) / 2.0


def _weigh_lexicon(doc: Document, reading: Any) -> None:
    """A lexicon or repetition span's score becomes the mean of its measured precision and
    the span tagger's chance that its words are persuasive here, and its explanation says
    how the tagger read them. The tagger does not veto the lexicon: trained on long news
    articles, it reads short posts too timidly ("This is a national emergency." in a post
    scores 0.14), where a word list with the rules of ``lexicon.not_rhetoric`` is right.
    Dehumanising labels and the us-versus-them pattern keep their own scores: the word or
    the parse pattern is the finding."""
    for sp in doc.spans:
        if sp.layer != LAYER or sp.source in (RhetoricModelComponent.source, "rhetoric.syntax") \
                or sp.attrs.get("family") == "dehumanising" or "context_p" in sp.attrs:
            continue  # (already weighed: the component may run twice over one document)
        inside = reading.inside_p(sp.start, sp.end)
        sp.score = round((float(sp.score or 0.0) + inside) / 2.0, 3)
        sp.attrs["context_p"] = round(inside, 3)
        sp.explanation = (f"{sp.explanation.rstrip('.')}; the span tagger reads these words as "
                          f"persuasive here with p={inside:.2f}.")


def _covered(a: int, b: int, s: int, e: int) -> float:
    """Share of the candidate [s, e) covered by an existing span [a, b)."""
    return max(0, min(b, e) - max(a, s)) / max(1, e - s)


def make_rhetoric_model(settings: Settings) -> RhetoricModelComponent:
    return RhetoricModelComponent(settings)

