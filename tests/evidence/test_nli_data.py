"""Loaders for NLI / verification pairs: the official-JSONL loader on files we write, the
shared sets when present (skipped cleanly when ../shared/data is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rhetorica.evidence.nli_data import (
    NLIPair,
    build_stance_data,
    detokenise,
    load_jsonl_pairs,
    normalise_label,
    pair_key,
    save_jsonl_pairs,
    seeded_split,
)


def test_official_jsonl_field_spellings(tmp_path: Path) -> None:
    rows = [
        {"sentence1": "A man plays a guitar.", "sentence2": "A man plays music.",
         "gold_label": "entailment"},                                   # SNLI / MNLI
        {"sentence1": "A dog runs.", "sentence2": "A cat runs.", "gold_label": "-"},  # no consensus
        {"premise": "The vote passed 7-2.", "hypothesis": "The vote failed.", "label": "c"},  # ANLI
        {"claim": "Paris is in Spain.", "evidence": ["Paris is the capital of France."],
         "label": "REFUTES"},                                           # FEVER-style
        {"claim": "The sky is green.", "evidence": "Nothing relevant.",
         "label": "NOT ENOUGH INFO"},
    ]
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    pairs = load_jsonl_pairs(path)
    assert [p.label for p in pairs] == ["entailment", "contradiction", "contradiction",
                                        "neutral"]
    assert pairs[2].premise == "Paris is the capital of France."
    assert pairs[2].hypothesis == "Paris is in Spain." and pairs[0].source == "train"


def test_saved_pairs_load_back_compressed_with_their_sources(tmp_path: Path) -> None:
    pairs = [NLIPair("Turnout fell to 41%.", "Turnout rose.", "contradiction", "augment"),
             NLIPair("Le maire a parlé.", "The mayor spoke.", "not_entailment", "rte-fever"),
             NLIPair("A man sleeps.", "Someone rests.", "entailment", "snli")]
    path = save_jsonl_pairs(pairs, tmp_path / "set" / "train.jsonl.gz")
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # gzip, as written for a GPU machine
    assert load_jsonl_pairs(path) == pairs
    plain = save_jsonl_pairs(pairs[:1], tmp_path / "one.jsonl")
    assert load_jsonl_pairs(plain) == pairs[:1]


def test_jsonl_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"sentence1": "a", "sentence2": "b", "gold_label": "e"}\n{oops\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        load_jsonl_pairs(path)


def test_labels_and_detokenise() -> None:
    assert normalise_label("SUPPORTS") == "entailment" and normalise_label("-") is None
    assert normalise_label("not_entailment") == "not_entailment"
    assert detokenise("It is n't `` big '' ( really ) .") == 'It isn\'t "big" (really).'


def test_seeded_split_keeps_premises_apart() -> None:
    from rhetorica.evidence.nli_data import NLIPair

    pairs = [NLIPair(f"premise {i // 3}", f"hyp {i}", "neutral", "t") for i in range(60)]
    a, b = seeded_split(pairs, 0.25, seed=1)
    assert len(a) + len(b) == 60 and {p.premise for p in a}.isdisjoint({p.premise for p in b})
    assert seeded_split(pairs, 0.25, seed=1) == (a, b)


@pytest.mark.shared_data
def test_shared_sets_build_without_leaking_held_out_pairs() -> None:
    from tests.conftest import shared_data

    sd = build_stance_data(shared_data("nli").parent, seed=0)
    held = {pair_key(p) for ps in sd.held_out.values() for p in ps}
    assert len(sd.train) > 50_000 and held
    assert not held & {pair_key(p) for p in sd.train}
    labels = {p.label for p in sd.train}
    assert labels == {"entailment", "neutral", "contradiction", "not_entailment"}
    assert len(sd.held_out["snli-test-held"]) > 1500
