"""The attribution tagger at run time: int8 ONNX + ``tokenizers``, no torch.

A MiniLM fine-tuned on PolNeAR's train compartment (:mod:`rhetorica.voices.tagger_train`,
model card in ``data/models/attribution``) labels each word piece of a text as the source,
cue or content of an attribution. Where the parse rules of :mod:`rhetorica.voices.quotes`
see only the patterns they were written for ("X said that ...", quotation marks), the
tagger has read 840 annotated articles: reported beliefs ("Republicans fear ..."), nominal
cues ("in a statement", "his view that ..."), long indirect speech over several clauses.

Long texts are read in overlapping windows (:class:`rhetorica.nlp.token_tagger.TokenTagger`,
shared with the rhetoric span tagger). :func:`tag` returns labelled character spans;
turning them into attributions (which source and cue belong to which content) is
:func:`rhetorica.voices.quotes.attributions_from_tags`' job. Loaded once per process.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from rhetorica.nlp.token_tagger import TaggerArtefactError, TokenTagger, window_starts

__all__ = ["AttributionTagger", "TaggerArtefactError", "default_tagger", "window_starts"]

LABELS = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
ARTEFACT_PACKAGE = "rhetorica.data.models.attribution"
REBUILD = "rhetorica train quotes --data ../shared/data"


def artefact_dir() -> Path:
    return Path(str(resources.files(ARTEFACT_PACKAGE)))


class AttributionTagger(TokenTagger):
    """``tag(text)`` -> ``[(part, start, end)]`` with part SOURCE, CUE or CONTENT."""

    def __init__(self, folder: Path | None = None, threads: int | None = None,
                 batch_size: int = 8) -> None:
        from rhetorica.config import attribution_model_dir

        base = Path(folder) if folder else (attribution_model_dir() or artefact_dir())
        super().__init__(base, "attribution tagger", REBUILD, threads, batch_size)

    def tag(self, text: str) -> list[tuple[str, int, int]]:
        """Labelled spans, in text order: a span opens at B-X (or an I-X after another
        label) and runs over the following I-X pieces. A word is labelled by its first
        piece, so spans start and end on word boundaries ("Pri|tzker" read as a source and
        a content gave the content "tzker")."""
        offsets, logits = self.piece_logits(text)
        best = logits.argmax(axis=1) if len(logits) else []
        out: list[tuple[str, int, int]] = []
        cur: list = []  # [part, start, end]
        word, prev_end = "O", -1
        for (a, b), k in zip(offsets, best, strict=True):
            lab = self.labels[int(k)]
            if a == prev_end and 0 < a < len(text) and text[a - 1].isalnum() \
                    and text[a].isalnum():  # the rest of a word: its first piece's label
                lab = "O" if word == "O" else "I-" + word.split("-", 1)[1]
            else:
                word = lab
            prev_end = b
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


def default_tagger() -> tuple[AttributionTagger | None, str | None]:
    """The packaged (or ``RHETORICA_ATTRIBUTION_MODEL``) tagger, loaded once per process;
    ``(None, why)`` when its artefact is missing or damaged, so callers fall back to the
    parse rules and say why, without retrying on every document."""
    from rhetorica.config import attribution_model_dir
    from rhetorica.models import shared

    def load() -> tuple[AttributionTagger | None, str | None]:
        try:
            return AttributionTagger(), None
        except TaggerArtefactError as exc:
            return None, str(exc)

    return shared("attribution_tagger", str(attribution_model_dir() or "packaged"), load)


def warm(settings: Any) -> None:
    """Load the tagger the ``quotes`` component will use (a pipeline warmer)."""
    if settings.quote_tagger:
        default_tagger()
