"""How the explicit checks and the passages' dates move the stance model's probabilities."""

from __future__ import annotations

import numpy as np

from rhetorica.evidence.checks import Finding
from rhetorica.evidence.verify import adjust, supersede


def f(kind: str, relation: str) -> Finding:
    return Finding(kind, relation, "reason", "sentence")


def test_a_figure_conflict_settles_refutation_other_conflicts_weigh_less() -> None:
    probs = np.array([[0.3, 0.2, 0.5], [0.3, 0.2, 0.5]])
    out = adjust(probs, [[f("direction", "conflict")], [f("negation", "conflict")]])
    assert out[0, 1] > 0.95 and out[1, 1] < out[0, 1]
    assert np.allclose(out.sum(axis=1), 1.0)


def test_an_agreeing_figure_outweighs_the_model_reading_it_as_a_contradiction() -> None:
    # "about 6%" / "6.1%", "around 400 jobs" / "420 jobs": the model reads rounding as a
    # contradiction; the checks compared the figures and found them to agree
    probs = np.array([[0.45, 0.25, 0.30], [0.10, 0.84, 0.06]])
    out = adjust(probs, [[f("quantity", "agree")], [f("quantity", "agree")]], figures=True)
    assert np.isclose(out[0, 0], 0.975) and out[0, 2] == 0.0
    assert out[1, 0] > 0.9 and out[1, 1] < 0.1
    assert np.allclose(out.sum(axis=1), 1.0)
    # a conflict found beside the agreement still wins
    mixed = adjust(probs[1:], [[f("quantity", "agree"), f("direction", "conflict")]],
                   figures=True)
    assert mixed[0, 1] > 0.9


def test_a_claimed_figure_needs_an_agreeing_figure_to_be_supported() -> None:
    out = adjust(np.array([[0.8, 0.1, 0.1]]), [[]], figures=True)
    assert out[0, 0] < 0.1


def test_a_passage_about_another_place_can_neither_support_nor_refute() -> None:
    out = adjust(np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1]]), [[], []],
                 elsewhere=[True, True])
    assert out[0, 0] < 0.1 and out[1, 1] < 0.1 and np.allclose(out.sum(axis=1), 1.0)


def test_a_later_correction_voids_the_earlier_report() -> None:
    probs = np.array([[0.8, 0.1, 0.1], [0.1, 0.85, 0.05]])
    out, gone = supersede(probs, ["2025-05-09", "2025-05-10"],
                          ["Voters approved the plan.",
                           "The plan was rejected, reversing the first count."])
    assert gone == {0: 1}
    # the correction answers the claim: its unrelated mass joins its reading
    assert out[0, 0] == 0.0 and out[1, 1] == np.float64(0.85) + 0.05 and out[1, 2] == 0.0


def test_no_correction_without_a_cue_or_when_the_earlier_report_is_later() -> None:
    probs = np.array([[0.8, 0.1, 0.1], [0.1, 0.85, 0.05]])
    assert supersede(probs, ["2025-05-09", "2025-05-10"],
                     ["Voters approved the plan.", "The plan was rejected."])[1] == {}
    assert supersede(probs, ["2025-05-11", "2025-05-10"],
                     ["Voters approved the plan.", "The plan was rejected, reversing the "
                      "first count."])[1] == {}


def test_an_undated_correction_in_so_many_words_is_later_than_what_it_corrects() -> None:
    probs = np.array([[0.9, 0.05, 0.05], [0.1, 0.85, 0.05]])
    texts = ["The bypass will cost £48 million, the committee said.",
             "Correction: an article of 2 May wrongly stated that the bypass would cost £48 "
             "million. The correct figure is £38 million."]
    assert supersede(probs, [None, None], texts)[1] == {0: 1}
    assert supersede(probs, ["2025-05-02", None], texts)[1] == {0: 1}
    # undated, a mere revision cue says nothing of order ("the trend reversed")
    assert supersede(probs, [None, None], [texts[0], "The trend reversed in 2019."])[1] == {}


def test_a_claimed_record_needs_a_passage_that_states_one() -> None:
    from rhetorica.evidence.verify import read_with_checks

    probs = np.array([[0.84, 0.14, 0.02], [0.84, 0.14, 0.02]])
    claim = "Tarrow drew a record number of visitors in 2024."
    out, _ = read_with_checks(claim, [
        "Tarrow welcomed 410,000 visitors in 2024, up 7% from 2023, the tourist office said.",
        "Tarrow welcomed 410,000 visitors in 2024, the most since records began in 1990.",
    ], probs)
    assert out[0, 0] < 0.1 and out[0].argmax() == 2  # on the subject, but no record
    assert out[1, 0] == probs[1, 0]
    # a claim without a record or a superlative is left alone
    plain, _ = read_with_checks("Tarrow welcomed more visitors in 2024.",
                                ["Tarrow welcomed 410,000 visitors in 2024, up 7%."],
                                probs[:1])
    assert plain[0, 0] > 0.5


def test_an_unconfirmed_attribution_cannot_support() -> None:
    out = adjust(np.array([[0.8, 0.1, 0.1]]), [[f("attribution", "unconfirmed")]])
    assert out[0, 0] < 0.1 and out[0].argmax() == 2


def test_the_latest_figures_answer_a_claim_without_an_end_year() -> None:
    from rhetorica.evidence.checks import compare
    from rhetorica.evidence.verify import newer_figures

    claim = "Burglaries in Dunmore are down by about a quarter from their 2020 level."
    passages = ["Burglaries in Dunmore fell by about a quarter in 2024 compared with 2020, "
                "police said.",
                "Dunmore recorded 470 burglaries in 2021, down from 500 in 2020, police said."]
    findings = [compare(claim, p, related=True) for p in passages]
    assert [f.relation for f in findings[0]] == ["agree"]
    assert [f.relation for f in findings[1]] == ["conflict"]
    probs = np.array([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05]])
    out, older = newer_figures(claim, probs, findings)
    assert older == {1: 0} and out[1].argmax() == 2 and out[0, 0] == 0.9
    # a claim with its own end year keeps every reading
    fixed = "Burglaries in Dunmore fell by about a quarter between 2020 and 2024."
    assert newer_figures(fixed, probs, findings)[1] == {}


def test_older_figures_are_noted_beside_the_passage() -> None:
    from rhetorica.evidence.report import notes_text

    old = {"passage_id": 1, "older_figures_than": 2, "source": "Gazette", "date": "2022-02-01"}
    new = {"passage_id": 2, "source": "Courier", "date": "2025-01-14"}
    assert notes_text(old, [old, new]) == [
        "older figures: a later report has more recent ones (Courier 2025-01-14)"]


def test_a_passage_that_never_names_what_the_figure_measures_cannot_refute_it() -> None:
    from rhetorica.evidence.checks import unmeasured

    claim = "Keston's parish precept for 2024/25 was set at £86,400."
    header = ("KESTON PARISH COUNCIL. Minutes of the meeting held on Tuesday 9 April 2024 at "
              "Keston Village Hall. Present: Cllr J. Whitcombe (Chair), Cllr R. Anand.")
    report = "The precept for 2024/25 has been set at £91,000, an increase of 4%."
    assert unmeasured(claim, header) and not unmeasured(claim, report)
    # the words of a name are no measure: "the Keston Hospice Trust" says nothing of payments
    assert unmeasured("Dominic Hale paid back £100,000 to the hospice.",
                      "Dominic Hale was convicted of defrauding the Keston Hospice Trust.")
    assert not unmeasured("Fewer people attended.", header)  # no figure, nothing to say
    probs = np.array([[0.05, 0.9, 0.05], [0.05, 0.9, 0.05]])
    out = adjust(probs, [[], []], figures=True, unmeasured=[True, False])
    assert out[0, 1] < 0.1 and out[1, 1] > 0.8  # the model alone still refutes the second


def test_an_explicit_contradiction_outweighs_unexplained_support() -> None:
    from rhetorica.evidence.verify import explained

    probs = np.array([[0.05, 0.9, 0.05], [0.88, 0.1, 0.02]])
    out = explained(probs, [[f("placing", "conflict")], []])
    assert out[1, 0] == 0.0 and out[0, 1] == 0.9
    # an agreement anywhere, or a bare direction of change, leaves the model's readings
    assert np.array_equal(explained(probs, [[f("placing", "conflict")],
                                            [f("quantity", "agree")]]), probs)
    assert np.array_equal(explained(probs, [[f("direction", "conflict")], []]), probs)
    # and unexplained refutations stay beside an agreeing figure
    assert np.array_equal(explained(probs[::-1], [[], [f("quantity", "agree")]]),
                          probs[::-1])


def test_both_deny_moves_the_models_contradiction_to_support() -> None:
    out = adjust(np.array([[0.04, 0.94, 0.02]]), [[f("negation", "agree")]])
    assert out[0, 0] > 0.8 and out[0, 1] < 0.1


def test_a_contradicted_figure_is_judged_apart_from_the_claims_other_figures() -> None:
    from rhetorica.evidence.verify import explained

    hours = Finding("quantity", "agree", "claim: four hours; passage: four hours", "s")
    share = Finding("quantifier", "conflict", "claim: 'more than three quarters'; passage: "
                                              "'71.3 per cent'", "s")
    said = Finding("quantifier", "agree", "claim: 'more than three quarters'; passage: 'more "
                                          "than three-quarters'",
                   '"We see more than three-quarters of patients," the chief said.')
    probs = np.array([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.9, 0.05, 0.05]])
    out = explained(probs, [[hours], [hours, share], [hours, said]])
    # agreeing on the four hours, or quoting someone who gives the share, confirms nothing
    assert out[0, 0] == 0.0 and out[2, 0] == 0.0 and out[1, 1] == 0.9


def test_an_intention_moves_both_readings_to_unrelated() -> None:
    out = adjust(np.array([[0.05, 0.9, 0.05]]), [[f("intention", "moot")]])
    assert out[0, 2] > 0.85 and out[0, 1] < 0.1
    assert np.allclose(out.sum(axis=1), 1.0)


def test_another_year_sets_a_passage_aside_unless_it_dates_the_same_event() -> None:
    """"was built in 1986" answers "was built in 1968", though it names no year of the
    claim's (a statistic of 1986 would be another period)."""
    probs = np.array([[0.6, 0.1, 0.3], [0.6, 0.1, 0.3]])
    out = adjust(probs, [[f("date", "conflict")], [f("negation", "conflict")]],
                 elsewhere=[True, True])
    assert out[0, 1] > 0.5 and out[1, 1] < 0.1
