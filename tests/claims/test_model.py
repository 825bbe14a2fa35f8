"""The trained scorer as an estimator, and the shipped model inside the ``claims`` component."""

from __future__ import annotations

import numpy as np
import pytest

from rhetorica.claims.model import MODEL_DIR, CheckWorthinessModel

POS = [
    "Unemployment rose to 9 percent in 2023.", "The state spent 4 billion dollars on roads.",
    "Crime fell by a third after the new law passed.", "We cut taxes for 2 million families.",
    "The governor closed 12 hospitals last year.", "Wages grew faster than prices in 2022.",
] * 3
NEG = [
    "Thank you all for coming tonight.", "I love this town.", "What a night!",
    "Let me finish, please.", "Good evening, everyone.", "We are so happy to be here.",
] * 3


def test_fit_predict_score_save_load_roundtrip(tmp_path):
    texts, y = POS + NEG, [1] * len(POS) + [0] * len(NEG)
    model = CheckWorthinessModel(C=4.0, use_embeddings=False, word_features=500,
                                 char_features=500).fit(texts, y)
    assert model.score(texts, y) > 0.9
    probe = ["The city hired 300 new teachers in 2021.", "Thanks so much, everyone."]
    p = model.predict_proba(probe)
    assert p[0] > p[1]
    model.save(tmp_path / "m")
    again = CheckWorthinessModel.load(tmp_path / "m")
    np.testing.assert_allclose(again.predict_proba(probe), p, rtol=1e-5)
    assert not list((tmp_path / "m").glob("*.pkl"))


def test_fit_is_deterministic():
    texts, y = POS + NEG, [1] * len(POS) + [0] * len(NEG)
    a = CheckWorthinessModel(use_embeddings=False, word_features=300, char_features=300)
    b = CheckWorthinessModel(use_embeddings=False, word_features=300, char_features=300)
    probe = ["Prices doubled in 2020."]
    assert a.fit(texts, y).predict_proba(probe)[0] == b.fit(texts, y).predict_proba(probe)[0]


def test_missing_model_dir_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="train"):
        CheckWorthinessModel.load(tmp_path)


def test_shipped_model_is_small_and_has_a_card():
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
    assert size < 2_000_000
    card = (MODEL_DIR / "MODEL_CARD.md").read_text()
    assert "scripts/train_claims.py" in card and "GPL" in card


def test_component_ranks_factual_claims_above_courtesies_and_opinion(analyze):
    text = ("Thank you all for coming tonight. I think we deserve better. "
            "Since 2019 the city has cut 4,000 public sector jobs and raised property taxes "
            "by 12 percent. Isn't it obvious who is to blame?")
    doc = analyze(text)
    claims = doc.layer("claim")
    assert len(claims) == 4
    ranked = sorted(claims, key=lambda s: -s.score)
    assert "4,000" in ranked[0].text_in(text)
    assert ranked[0].label == "check_worthy"
    assert ranked[0].attrs["type"] == "quantity" and ranked[0].attrs["checkable"]
    by_text = {s.text_in(text): s for s in claims}
    assert by_text["I think we deserve better."].attrs["checkable"] is False
    assert by_text["Isn't it obvious who is to blame?"].attrs["type"] == "rhetorical_question"
    assert doc.results["claims"]["model"] == "claims-minilm-ranker"
    first = doc.results["claims"]["ranking"][0]
    assert first["start"] == ranked[0].start and first["label"] == "check_worthy"
    assert "4,000" in first["text"] and first["text"] == ranked[0].text_in(text)


def test_ranker_can_be_turned_off_for_the_tfidf_model(monkeypatch):
    from rhetorica.claims.checkworthiness import make_checkworthiness
    from rhetorica.config import Settings

    assert make_checkworthiness(Settings()).model_name == "claims-minilm-ranker"
    monkeypatch.setenv("RHETORICA_CLAIMS_RANKER", "0")
    assert make_checkworthiness(Settings()).model_name.startswith("claims-tfidf-lr")


def test_heuristic_baseline_still_available():
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    doc = Pipeline(["parse", "segment", "entities", "claims_heuristic"])(
        Document("The mayor cut 300 jobs in 2023. Thank you."))
    assert doc.results["claims"]["model"] == "cue-heuristic-v1"
    assert len(doc.layer("claim")) == 2
