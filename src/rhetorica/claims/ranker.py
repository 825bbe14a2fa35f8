"""The check-worthiness ranker at run time: int8 ONNX + ``tokenizers``, no torch.

A fine-tuned MiniLM-L6 sentence classifier (:mod:`rhetorica.claims.ranker_train`; model card
in ``data/models/claims_ranker``). ``predict_proba`` gives the calibrated probability that a
fact-checker would check the sentence (Platt scaling fitted on a ClaimBuster dev split);
``threshold`` is the dev split's best-F1 cut. Sentences longer than the model's window are
truncated (:attr:`CheckWorthinessRanker.truncated` counts them), never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from rhetorica.nlp.onnx_session import open_artefact, run_by_length

ARTEFACT_PACKAGE = "rhetorica.data.models.claims_ranker"
REBUILD = "rhetorica train claims --data ../shared/data"


# The annotation policy a sentence is scored under. "" is ClaimBuster's (every check-worthy
# factual sentence), the default for what users paste; the CheckThat! labs marked only what
# fact-checkers chose to check, in debates and in tweets.
DOMAINS = {"": "", "debate": "debate: ", "tweet": "tweet: "}


def domain_of(source: str) -> str:
    """The domain of a training or evaluation set (``Example.source``)."""
    if source.startswith(("clef2019", "clef2020-t5")):
        return "debate"
    if source.startswith("clef2020-t1"):
        return "tweet"
    return ""


def prefixed(text: str, domain: str = "") -> str:
    return DOMAINS[domain] + text


class RankerArtefactError(RuntimeError):
    """The ranker's files are missing or damaged; the message names the rebuild command."""


def artefact_dir() -> Path:
    return Path(str(resources.files(ARTEFACT_PACKAGE)))


class CheckWorthinessRanker:
    """``predict_proba(texts)`` -> P(check-worthy) per sentence; ``threshold`` for F1."""

    def __init__(self, folder: Path | None = None, batch_size: int = 64,
                 threads: int | None = None, calibrated: bool = True) -> None:

        base = Path(folder) if folder else artefact_dir()
        self.config, self.tokenizer, self.session = open_artefact(
            base, "check-worthiness ranker", REBUILD, RankerArtefactError, threads)
        self.max_length = int(self.config.get("max_length", 64))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.no_padding()
        self.batch_size = batch_size
        a, b = self.config.get("platt", [1.0, 0.0]) if calibrated else (1.0, 0.0)
        self.platt = (float(a), float(b))
        self.threshold = float(self.config.get("threshold", 0.5))
        self.truncated = 0

    def logits(self, texts: Sequence[str], domain: str = "") -> np.ndarray:
        """Positive-minus-negative logit per sentence, batched by length."""
        if not texts:
            return np.zeros(0, dtype=np.float64)
        enc = self.tokenizer.encode_batch([prefixed(t or " ", domain) for t in texts])
        self.truncated += sum(1 for e in enc if e.overflowing)
        z = run_by_length(self.session, enc, self.batch_size)
        return (z[:, 1] - z[:, 0]).astype(np.float64)

    def predict_proba(self, texts: Sequence[str], domain: str = "") -> np.ndarray:
        """Calibrated P(check-worthy) under ``domain``'s annotation policy (:data:`DOMAINS`)."""
        a, b = self.platt
        return 1.0 / (1.0 + np.exp(-(a * self.logits(texts, domain) + b)))

    def centred_proba(self, texts: Sequence[str], domain: str = "") -> np.ndarray:
        """Scores shifted in log-odds so that :attr:`threshold` sits at 0.5 (the rest of
        Rhetorica reads ``score >= 0.5`` as check-worthy); the ranking is unchanged."""
        t = min(max(self.threshold, 1e-6), 1 - 1e-6)
        a, b = self.platt
        z = a * self.logits(texts, domain) + b - np.log(t / (1 - t))
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, texts: Sequence[str], domain: str = "") -> np.ndarray:
        return (self.predict_proba(texts, domain) >= self.threshold).astype(int)


def default_ranker() -> CheckWorthinessRanker:
    """The packaged ranker, loaded once per process."""
    from rhetorica.models import shared

    return shared("claims_ranker", "packaged", CheckWorthinessRanker)


def warm(settings: Any) -> None:
    """Load the ranker the ``claims`` component will use (a pipeline warmer)."""
    if settings.claims_ranker and (artefact_dir() / "model.onnx").exists():
        default_ranker()
