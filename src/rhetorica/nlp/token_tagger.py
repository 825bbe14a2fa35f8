"""A token tagger at run time: int8 ONNX + ``tokenizers``, no torch.

Shared by the attribution tagger (:mod:`rhetorica.voices.tagger`) and the rhetoric span
tagger (:mod:`rhetorica.rhetoric.span_tagger`): both are MiniLM with a per-piece head,
trained by :mod:`rhetorica.nlp.token_tagger_train`. A text longer than the model's window
is read in overlapping windows; a piece read by two windows takes the mean of both
readings. What the labels mean is the caller's business.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


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


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# Token states are kept for texts up to this many word pieces (about 200,000 characters,
# 38 MB as float16); past it a tagger falls back to what its logits say.
MAX_STATE_PIECES = 50_000


class TokenTagger:
    """``piece_logits(text)`` -> word-piece character offsets and their label logits.

    ``what`` names the model in errors ("attribution tagger"), ``rebuild`` the command that
    makes its artefact again.
    """

    def __init__(self, folder: Path, what: str, rebuild: str, threads: int | None = None,
                 batch_size: int = 8) -> None:
        from rhetorica.nlp.onnx_session import open_artefact

        self.folder = Path(folder)
        self.config, self.tokenizer, self.session = open_artefact(
            self.folder, what, rebuild, TaggerArtefactError, threads)
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
        offsets, logits, _ = self.piece_outputs(text)
        return offsets, logits

    def piece_outputs(self, text: str, states: bool = False
                      ) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray | None]:
        """Offsets, logits and, with ``states`` and a graph that returns them (a second
        output), each piece's last hidden state (float16, averaged over the windows that
        read it; None past :data:`MAX_STATE_PIECES` pieces, to bound memory)."""
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        n = len(enc.ids)
        total = np.zeros((n, len(self.labels)), dtype=np.float32)
        count = np.zeros((n, 1), dtype=np.float32)
        keep = states and len(self.session.get_outputs()) > 1 and n <= MAX_STATE_PIECES
        hidden = None
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
            outs = self.session.run(None, {a: b for a, b in feeds.items()
                                           if a in self._inputs})
            logits = outs[0]
            if keep and hidden is None:
                hidden = np.zeros((n, outs[1].shape[-1]), dtype=np.float32)
            for r, s in enumerate(group):
                m = min(body, n - s)
                total[s:s + m] += logits[r, 1:1 + m]
                count[s:s + m] += 1
                if hidden is not None:
                    hidden[s:s + m] += outs[1][r, 1:1 + m]
        count = np.maximum(count, 1)
        return (list(enc.offsets), total / count,
                (hidden / count).astype(np.float16) if hidden is not None else None)
