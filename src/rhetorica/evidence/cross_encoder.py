"""The stance cross-encoder at run time: int8 ONNX + ``tokenizers``, no torch.

A fine-tuned MiniLM-L6 (see :mod:`rhetorica.evidence.cross_encoder_train` and the model card
in ``data/models/stance_ce``) reads the passage and the claim *together*, so it sees what a
bag of embeddings cannot: "officials reported **no** coordinated violence" against a claim
that there was. It returns, per (claim, passage) pair, probabilities over our stance labels
``supports / refutes / unrelated`` (entailment / contradiction / neutral).

Pairs longer than the model's window are truncated, longest side first, and say so
(:attr:`CrossEncoderStance.truncated`), never an error. The model is loaded once per process
(:func:`default_cross_encoder`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from rhetorica.nlp.onnx_session import open_artefact, run_by_length

ARTEFACT_PACKAGE = "rhetorica.data.models.stance_ce"
REBUILD = "rhetorica train stance --data ../shared/data"
STANCES = ("supports", "refutes", "unrelated")


class ModelArtefactError(RuntimeError):
    """The stance model's files are missing or damaged; the message names the rebuild command."""


def artefact_dir() -> Path:
    """The packaged artefact folder (``RHETORICA_STANCE_MODEL`` picks another at run time)."""
    return Path(str(resources.files(ARTEFACT_PACKAGE)))


class CrossEncoderStance:
    """``predict_proba(claims, passages)`` -> rows over :data:`STANCES`, like the linear model."""

    def __init__(self, folder: Path | None = None, batch_size: int = 32,
                 threads: int | None = None) -> None:
        from rhetorica.config import stance_model_dir

        base = Path(folder) if folder else (stance_model_dir() or artefact_dir())
        self.config, self.tokenizer, self.session = open_artefact(
            base, "stance model", REBUILD, ModelArtefactError, threads)
        self.max_length = int(self.config.get("max_length", 128))
        self.tokenizer.enable_truncation(self.max_length, strategy="longest_first")
        self.tokenizer.no_padding()
        labels = self.config["labels"]  # NLI order: entailment, neutral, contradiction
        nli_to_stance = {"entailment": "supports", "contradiction": "refutes",
                         "neutral": "unrelated"}
        self._order = [labels.index(next(k for k, v in nli_to_stance.items() if v == s))
                       for s in STANCES]
        self.batch_size = batch_size
        self.truncated = 0  # pairs cut to fit the window since load (reported as a note)

    def logits(self, claims: list[str], passages: list[str]) -> np.ndarray:
        """Raw logits in :data:`STANCES` order (passage first, claim second, as trained)."""
        if not claims:
            return np.zeros((0, len(STANCES)), dtype=np.float32)
        enc = self.tokenizer.encode_batch(list(zip(passages, claims, strict=True)))
        self.truncated += sum(bool(e.overflowing) for e in enc)
        return run_by_length(self.session, enc, self.batch_size)[:, self._order]

    def predict_proba(self, claims: list[str], passages: list[str]) -> np.ndarray:
        z = self.logits(claims, passages)
        z = z - z.max(axis=1, keepdims=True) if len(z) else z
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True) if len(z) else e

    def predict(self, claims: list[str], passages: list[str]) -> list[str]:
        return [STANCES[i] for i in self.predict_proba(claims, passages).argmax(axis=1)]


def default_cross_encoder() -> CrossEncoderStance:
    from rhetorica.config import stance_model_dir
    from rhetorica.models import shared

    return shared("stance_cross_encoder", str(stance_model_dir() or "packaged"),
                  CrossEncoderStance)
