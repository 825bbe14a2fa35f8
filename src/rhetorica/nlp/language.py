"""The ``language`` component: is this English we can analyse, or something else?

The pipeline's models are English-only. Rather than emit confident nonsense for Spanish
or garbled text, we estimate how English the text looks and say so in the results; other
components lower their confidence accordingly and reports show a warning.
"""

from __future__ import annotations

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.parse import ensure_parsed

MIN_ENGLISH = 0.25


class Language:
    name = "language"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        words = [t for t in parsed if t.is_alpha]
        letters = sum(c.isalpha() for c in doc.text)
        ascii_letters = sum(c.isascii() and c.isalpha() for c in doc.text)
        stop_ratio = sum(t.is_stop for t in words) / len(words) if words else 0.0
        ascii_ratio = ascii_letters / letters if letters else 0.0
        # Ordinary English prose has 35-55% stop words; below ~10% it is a list, a foreign
        # language or noise. Non-Latin scripts fail the ASCII check.
        english = min(1.0, stop_ratio / 0.4) * ascii_ratio
        is_english = english >= MIN_ENGLISH and len(words) > 0
        doc.results["language"] = {
            "code": "en" if is_english else "und",
            "english_score": round(english, 3),
            "warning": None
            if is_english
            else "This text does not look like English prose; the models are English-only, "
            "so highlights and scores are unreliable.",
        }
        return doc


def make_language(settings: Settings) -> Language:
    return Language(settings)


def is_english(doc: Document) -> bool:
    return doc.results.get("language", {}).get("code", "en") == "en"
