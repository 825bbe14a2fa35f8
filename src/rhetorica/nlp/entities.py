"""The ``entities`` component: people, organisations, places and dates from spaCy's NER."""

from __future__ import annotations

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.parse import ensure_parsed

LAYER = "entity"

# spaCy label -> the coarse type our users read.
ENTITY_TYPES = {
    "PERSON": "person",
    "ORG": "organisation",
    "NORP": "group",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "DATE": "date",
    "TIME": "date",
    "LAW": "law",
    "EVENT": "event",
    "CARDINAL": "number",
    "QUANTITY": "number",
    "PERCENT": "number",
    "MONEY": "number",
    "ORDINAL": "number",
}
KEEP = {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "DATE", "TIME", "LAW", "EVENT"}
_TRIM = " \t\n'’\".,;:"


class Entities:
    name = "entities"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        parsed = ensure_parsed(doc, self.settings)
        doc.remove_layer(LAYER)
        for ent in parsed.ents:
            if ent.label_ not in KEEP:
                continue
            start, end = ent.start_char, ent.end_char
            # Drop a leading "the" and possessive endings so the span names the entity.
            surface = doc.text[start:end]
            if surface.lower().startswith("the ") and ent.label_ in {"ORG", "FAC", "GPE"}:
                start += 4
            while end > start and doc.text[end - 1] in _TRIM:
                end -= 1
            if doc.text[start:end].endswith(("'s", "’s")):
                end -= 2
            if end <= start:
                continue
            doc.add_span(
                start,
                end,
                ENTITY_TYPES[ent.label_],
                layer=LAYER,
                source=self.name,
                explanation=f"spaCy NER label {ent.label_}",
                attrs={"spacy_label": ent.label_},
            )
        return doc


def make_entities(settings: Settings) -> Entities:
    return Entities(settings)
