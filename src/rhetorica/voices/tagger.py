"""The attribution tagger at run time: int8 ONNX + ``tokenizers``, no torch.

A MiniLM fine-tuned on PolNeAR's train compartment (:mod:`rhetorica.voices.tagger_train`,
model card in ``data/models/attribution``) labels each word piece of a text as the source,
cue or content of an attribution. Where the parse rules of :mod:`rhetorica.voices.quotes`
see only the patterns they were written for ("X said that ...", quotation marks), the
tagger has read 840 annotated articles: reported beliefs ("Republicans fear ..."), nominal
cues ("in a statement", "his view that ..."), long indirect speech over several clauses.

Long texts are read in overlapping windows; a piece read by two windows takes the mean of
both readings. :func:`tag` returns labelled character spans; turning them into
attributions (which source and cue belong to which content) is
:func:`rhetorica.voices.quotes.attributions_from_tags`' job. Loaded once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

LABELS = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
ARTEFACT_PACKAGE = "rhetorica.data.models.attribution"
REBUILD = "rhetorica train quotes --data ../shared/data"


class TaggerArtefactError(RuntimeError):
    """The tagger's files are missing or damaged; the message names the rebuild command."""


def window_starts(n: int, body: int, overlap: int) -> list[int]:
    """Start of each window of ``body`` pieces over ``n`` pieces, overlapping by
    ``overlap`` (the last window ends at the last piece)."""
    if n <= body:
        return [0]
    step = max(1, body - overlap)
    starts = list(range(0, n - body, step))
    return [*starts, n - body]


def artefact_dir() -> Path:
    return Path(str(resources.files(ARTEFACT_PACKAGE)))


class AttributionTagger:
    """``tag(text)`` -> ``[(part, start, end)]`` with part SOURCE, CUE or CONTENT."""

    def __init__(self, folder: Path | None = None, threads: int | None = None,
                 batch_size: int = 8) -> None:
        from tokenizers import Tokenizer

        from rhetorica.config import attribution_model_dir
        from rhetorica.nlp.onnx_session import open_session

        base = Path(folder) if folder else (attribution_model_dir() or artefact_dir())
        try:
            self.config = json.loads((base / "config.json").read_text())
            self.tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
            self.session = open_session(base / "model.onnx", threads)
        except Exception as exc:
            raise TaggerArtefactError(
                f"attribution tagger at {base} is missing or damaged ({type(exc).__name__}); "
                f"rebuild it with: {REBUILD}") from None
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.labels = list(self.config["labels"])
        self.max_length = int(self.config.get("max_length", 256))
        self.overlap = int(self.config.get("overlap", 64))
        self.batch_size = batch_size
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._cls = self.tokenizer.token_to_id("[CLS]")
        self._sep = self.tokenizer.token_to_id("[SEP]")

    def piece_logits(self, text: str) -> tuple[list[tuple[int, int]], np.ndarray]:
        """Character offsets of the word pieces and their label logits."""
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        n = len(enc.ids)
        total = np.zeros((n, len(self.labels)), dtype=np.float32)
        count = np.zeros((n, 1), dtype=np.float32)
        body = self.max_length - 2
        starts = window_starts(n, body, self.overlap) if n else []
        for k in range(0, len(starts), self.batch_size):
            group = starts[k:k + self.batch_size]
            width = max(min(body, n - s) for s in group) + 2
            ids = np.zeros((len(group), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, s in enumerate(group):
                row = [self._cls, *enc.ids[s:s + body], self._sep]
                ids[r, :len(row)] = row
                mask[r, :len(row)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask,
                     "token_type_ids": np.zeros_like(ids)}
            logits = self.session.run(None, {a: b for a, b in feeds.items()
                                             if a in self._inputs})[0]
            for r, s in enumerate(group):
                m = min(body, n - s)
                total[s:s + m] += logits[r, 1:1 + m]
                count[s:s + m] += 1
        return list(enc.offsets), total / np.maximum(count, 1)

    def tag(self, text: str) -> list[tuple[str, int, int]]:
        """Labelled spans, in text order: a span opens at B-X (or an I-X after another
        label) and runs over the following I-X pieces."""
        offsets, logits = self.piece_logits(text)
        best = logits.argmax(axis=1) if len(logits) else []
        out: list[tuple[str, int, int]] = []
        cur: list = []  # [part, start, end]
        for (a, b), k in zip(offsets, best, strict=True):
            lab = self.labels[int(k)]
            if lab == "O":
                if cur:
                    out.append(tuple(cur))  # type: ignore[arg-type]
                    cur = []
                continue
            tag, part = lab.split("-", 1)
            if cur and part == cur[0] and tag == "I":
                cur[2] = b
                continue
            if cur:
                out.append(tuple(cur))  # type: ignore[arg-type]
            cur = [part, a, b]
        if cur:
            out.append(tuple(cur))  # type: ignore[arg-type]
        return out


@lru_cache(maxsize=1)
def default_tagger() -> tuple[AttributionTagger | None, str | None]:
    """The packaged (or ``RHETORICA_ATTRIBUTION_MODEL``) tagger, loaded once per process;
    ``(None, why)`` when its artefact is missing or damaged, so callers fall back to the
    parse rules and say why, without retrying on every document."""
    try:
        return AttributionTagger(), None
    except TaggerArtefactError as exc:
        return None, str(exc)
