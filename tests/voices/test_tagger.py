"""The attribution tagger's pure parts: windows, BIO labels, and turning tags into quotes."""

from __future__ import annotations

import itertools

from rhetorica.voices.evaluate import GoldAttribution
from rhetorica.voices.quotes import Attribution, attributions_from_tags
from rhetorica.voices.tagger import LABELS, window_starts
from rhetorica.voices.tagger_train import char_labels, piece_labels


def test_windows_cover_every_piece_and_overlap() -> None:
    assert window_starts(100, 254, 64) == [0]
    starts = window_starts(1000, 254, 64)
    assert starts[0] == 0 and starts[-1] == 1000 - 254
    assert all(b - a <= 254 - 64 for a, b in itertools.pairwise(starts))


def test_bio_labels_from_character_spans() -> None:
    text = "Officials said the raid was legal."
    gold = [GoldAttribution(content=[(15, 33)], source=[(0, 9)], cue=[(10, 14)])]
    part, piece = char_labels(text, gold)
    offsets = [(0, 9), (10, 14), (15, 18), (19, 23), (24, 27), (28, 33), (33, 34)]
    got = [LABELS[k] for k in piece_labels(offsets, part, piece)]
    assert got == ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT",
                   "O"]


def test_tags_become_attributions_with_the_nearest_cue_and_source() -> None:
    text = ('"We will not back down," the mayor said, "not today." '
            "Officials believe the plan will fail. Nobody else spoke.")
    at = text.index
    tags = [("CONTENT", 1, at(',"')), ("SOURCE", at("the mayor"), at(" said")),
            ("CUE", at("said"), at("said") + 4),
            ("CONTENT", at("not today"), at('."')),
            ("SOURCE", at("Officials"), at(" believe")),
            ("CUE", at("believe"), at("believe") + 7),
            ("CONTENT", at("the plan"), at(" Nobody") - 1)]
    rules = [Attribution((0, at(',"') + 2), None, None, "direct")]
    atts = attributions_from_tags(tags, text, rules)
    first, second = atts
    # the quote split by "the mayor said" is one attribution in two pieces
    assert [text[a:b] for a, b in first.attrs["pieces"]][1] == "not today"
    assert first.speaker == "the mayor" and text[first.cue[0]:first.cue[1]] == "said"
    assert first.kind == "direct"
    assert second.kind == "indirect" and second.speaker == "Officials"
    assert text[second.content[0]:second.content[1]] == "the plan will fail"


def test_a_source_is_never_taken_across_a_sentence_end() -> None:
    text = "The mayor spoke. Taxes will rise, officials said."
    at = text.index
    tags = [("SOURCE", 0, at(" spoke")), ("CONTENT", at("Taxes"), at(", officials")),
            ("SOURCE", at("officials"), at(" said")), ("CUE", at("said"), at("said") + 4)]
    (att,) = attributions_from_tags(tags, text, [])
    assert att.speaker == "officials"


def test_tagged_content_nobody_is_said_to_say_stays_the_authors() -> None:
    text = "This is an occupation! Masked agents do not care."
    at = text.index
    tags = [("CONTENT", at("is an"), at("! Masked")), ("CUE", at("do"), at("do") + 2)]
    assert attributions_from_tags(tags, text, []) == []


def test_a_word_is_labelled_by_its_first_piece() -> None:
    """'Pri|tzker' read as SOURCE then CONTENT gave the content 'tzker': spans now start and
    end on word boundaries, the word taking its first piece's label."""
    import numpy as np

    from rhetorica.voices.tagger import AttributionTagger

    text = "Pritzker argued, firmly."
    pieces = [(0, 3), (3, 6), (6, 8), (9, 15), (15, 16), (17, 23), (23, 24)]
    want = ["B-SOURCE", "B-CONTENT", "I-CONTENT", "B-CUE", "O", "B-CONTENT", "O"]
    logits = np.full((len(pieces), len(LABELS)), -5.0)
    for i, lab in enumerate(want):
        logits[i, LABELS.index(lab)] = 5.0
    tagger = AttributionTagger.__new__(AttributionTagger)
    tagger.labels = list(LABELS)
    tagger.piece_logits = lambda _text: (pieces, logits)  # type: ignore[method-assign]
    assert [(p, text[a:b]) for p, a, b in tagger.tag(text)] == [
        ("SOURCE", "Pritzker"), ("CUE", "argued"), ("CONTENT", "firmly")]
