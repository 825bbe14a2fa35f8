"""Training the rhetoric span tagger on PTC (torch; only in the ``train`` extra).

``rhetorica train rhetoric`` calls :func:`train`: MiniLM with a token head labels every word
piece of a news article with the persuasion technique it lies in (BIO over SemEval-2020
Task 11's 14 techniques), the way the Propaganda Techniques Corpus annotates them
(Da San Martino et al., 2019). Where two annotated spans overlap, a piece takes the technique
of the shorter one: the more specific reading ("Name_Calling" on two words inside a
sentence-long "Loaded_Language" stretch). The model and recipe are the shared token tagger's
(:mod:`rhetorica.nlp.token_tagger_train`).

Only the training side of the seeded article split is read (the split the linear model's card
names, so ``rhetorica eval rhetoric`` scores both on the same held-out articles); a further
seeded tenth of it is kept aside as the dev set on which the span threshold is chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rhetorica.nlp.token_tagger_train import (
    TaggerConfig,
    base_tokenizer,
    text_windows,
)
from rhetorica.nlp.token_tagger_train import export_onnx as _export
from rhetorica.nlp.token_tagger_train import train as _train
from rhetorica.rhetoric.ptc import TECHNIQUES, Article

LABELS: tuple[str, ...] = ("O", *(f"{t}-{x}" for x in TECHNIQUES for t in ("B", "I")))


def char_techniques(art: Article) -> tuple[list[int], list[int]]:
    """Per character: the index of its technique in :data:`TECHNIQUES` (-1: none) and the
    id of the annotated span it lies in (a new id starts a new B- label). Shorter spans are
    laid over longer ones."""
    tech = [-1] * len(art.text)
    piece = [-1] * len(art.text)
    order = sorted(range(len(art.spans)), key=lambda k: -(art.spans[k][1] - art.spans[k][0]))
    for k in order:
        s, e, name = art.spans[k]
        if name not in TECHNIQUES:
            continue
        t = TECHNIQUES.index(name)
        for i in range(max(0, s), min(len(art.text), e)):
            tech[i], piece[i] = t, k
    return tech, piece


def piece_labels(offsets: Sequence[tuple[int, int]], tech: list[int],
                 piece: list[int]) -> list[int]:
    """BIO label ids of word pieces (a piece takes the label of its first character)."""
    out, prev = [], -1
    for a, _b in offsets:
        t = tech[a] if a < len(tech) else -1
        if t < 0:
            out.append(0)
            prev = -1
            continue
        out.append(1 + 2 * t + (1 if piece[a] == prev else 0))
        prev = piece[a]
    return out


def windows(tok: object, art: Article, max_length: int, overlap: int
            ) -> list[tuple[list[int], list[int]]]:
    tech, piece = char_techniques(art)
    return text_windows(tok, art.text, lambda offsets: piece_labels(offsets, tech, piece),
                        max_length, overlap)


def train(articles: Sequence[Article], out_dir: Path, cfg: TaggerConfig,
          progress: Callable[[int, int, float], None] | None = None) -> Path:
    """Fine-tune on PTC ``articles``; returns ``final/``. Rerunning with the same ``out_dir``
    resumes from the last checkpoint."""
    tok = base_tokenizer()
    data = [w for art in articles for w in windows(tok, art, cfg.max_length, cfg.overlap)]
    # A piece inside some technique is rarer than one outside; weigh them up a little so
    # recall is not given away (the span threshold is chosen on dev afterwards anyway).
    weights = [1.0] + [1.5] * (len(LABELS) - 1)
    return _train(data, len(LABELS), out_dir, cfg, weights, progress,
                  {"articles": len(articles), "article_ids": sorted(a.id for a in articles)})


def export_onnx(final: Path, artefact_dir: Path, cfg: TaggerConfig,
                extra: dict[str, object]) -> Path:
    """The int8 tagger with its token states as a second output (for the technique head)."""
    return _export(final, artefact_dir, cfg, LABELS, extra, states=True)
