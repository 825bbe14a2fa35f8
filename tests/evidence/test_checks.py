"""The explicit claim/passage checks: figures, changes, negation, predicates, quantifiers."""

from __future__ import annotations

import pytest

from rhetorica.evidence.checks import compare, quantities


def kinds(claim: str, passage: str, related: bool = True) -> set[tuple[str, str]]:
    return {(f.kind, f.relation) for f in compare(claim, passage, related=related)}


def test_tripled_against_fell_by_a_third_is_a_direction_conflict_with_both_periods() -> None:
    [f] = compare("Crime in the city has tripled since 2021.",
                  "Homicides in the city fell by about a third in 2024 compared with 2021.",
                  related=True)
    assert (f.kind, f.relation) == ("direction", "conflict")
    assert "tripled" in f.reason and "a third" in f.reason
    assert "2021" in f.reason and "2024" in f.reason


def test_unrelated_passage_is_not_compared_on_figures() -> None:
    assert compare("Crime in the city has tripled since 2021.",
                   "The Rapids won 3-1 in extra time on Saturday.", related=False) == []


@pytest.mark.parametrize("claim,passage,expected", [
    ("Container traffic doubled in 2024.",
     "The harbour authority said container traffic rose by 12 percent in 2024.",
     ("quantity", "conflict")),
    ("Container traffic rose by about 12% in 2024.",
     "The harbour authority said container traffic rose by 12 percent in 2024.",
     ("quantity", "agree")),
    ("The city hired 500 new police officers.",
     "The city hired 150 new police officers last year.", ("quantity", "conflict")),
    ("More than 1,000 people were arrested.",
     "Police said 412 people were arrested over the weekend.", ("quantity", "conflict")),
    ("Unemployment in Eastbury rose to 6 percent in March.",
     "Unemployment in Eastbury fell to 4.2 percent in March.", ("direction", "conflict")),
    ("Most residents oppose the plan.", "A third of residents oppose the plan, a survey found.",
     ("quantifier", "conflict")),
    ("The Rapids lost the final.", "The Riverton Rapids won the final in extra time.",
     ("predicate", "conflict")),
])
def test_conflicts_and_agreements(claim: str, passage: str, expected: tuple[str, str]) -> None:
    assert expected in kinds(claim, passage)


def test_negation_of_the_claims_own_words() -> None:
    found = compare("Police reported large-scale coordinated violence against federal agents.",
                    "Police officials said they had seen no large-scale coordinated violence "
                    "against federal agents.")
    assert [(f.kind, f.relation) for f in found] == [("negation", "conflict")]
    assert "'no'" in found[0].reason


def test_figures_for_different_years_are_not_compared() -> None:
    assert ("quantity", "conflict") not in kinds(
        "Unemployment was 6 percent in 2023.", "Unemployment was 4 percent in 2021.")


def test_same_figure_is_agreement_and_rounding_is_tolerated() -> None:
    assert kinds("Turnout was nearly 40% in the vote.",
                 "Turnout in the vote was 38 percent.") == {("quantity", "agree")}


def test_quantities_read_multipliers_fractions_and_bounds() -> None:
    qs = quantities("Rents rose by a quarter, and more than 2,000 families moved.")
    change = next(q for q in qs if q.direction)
    assert change.direction == 1 and change.ratio == pytest.approx(1.25)
    count = next(q for q in qs if q.value == 2000)
    assert count.bound == ">" and count.unit == "family"
    assert next(q for q in quantities("Spending halved.") if q.direction).ratio == 0.5


def test_years_are_not_figures() -> None:
    assert all(q.value != 2021 for q in quantities("Since 2021 nothing changed."))



def test_another_place_is_not_compared() -> None:
    assert compare("Homicides in Harlow Bay fell in 2024.",
                   "Homicides in Norbridge rose 12% in 2024, police said.", related=True) == []


def test_a_town_name_is_not_a_change() -> None:
    qs = quantities("Turnout in Calder Falls reached 54% in 2024.")
    assert all(q.direction == 0 for q in qs)


def test_percentages_about_different_things_are_not_compared() -> None:
    assert compare("The teachers' strike ended with a 5% pay deal.",
                   "About 90% of teachers walked out on the first day of the strike.",
                   related=True) == []


def test_a_sentence_without_years_takes_its_articles_date() -> None:
    assert compare("Unemployment went up in 2025.", "Unemployment rose to 6.1 percent.",
                   related=True, published="2024-04-12") == []
    assert compare("Unemployment went up in 2024.", "Unemployment fell to 6.1 percent.",
                   related=True, published="2024-04-12")


def test_bounded_fractions_are_ranges() -> None:
    assert ("quantifier", "conflict") not in kinds(
        "Fewer than a third of residents approve of the plan.",
        "A quarter of residents approve of the plan, the poll found.")
    assert ("quantifier", "conflict") in kinds(
        "More than a third of residents approve of the plan.",
        "A quarter of residents approve of the plan, the poll found.")


def test_changes_both_ways_are_not_read_as_one_direction() -> None:
    assert ("direction", "conflict") not in kinds(
        "The county is losing people even as the province grows.",
        "The county's population fell while the province's rose.")


def test_a_superlative_is_not_a_quantifier() -> None:
    # "the city's most pressing problem" says nothing about most residents
    assert ("quantifier", "conflict") in kinds(
        "Most people in Eastmere say housing costs are the city's biggest problem.",
        "A third of Eastmere residents name housing costs as the city's most pressing "
        "problem, a survey found.")


def test_under_half_excludes_a_majority_and_a_stated_share_can_agree() -> None:
    assert ("quantifier", "conflict") in kinds(
        "A majority of Lowmark voters back the deployment.",
        "Just under half of Lowmark voters, 47%, back the deployment, a poll found.")
    assert ("quantifier", "agree") in kinds(
        "Broadband reaches more than two thirds of Vellmoor households.",
        "Broadband reaches 71% of Vellmoor households, the office said.")


def test_shares_of_different_groups_are_not_compared() -> None:
    assert not {k for k in kinds(
        "Fewer than a third of Harlow Bay residents approve of the deployment.",
        "Just under half of Lowmark voters, 47%, approve of the deployment to Harlow Bay.")
        if k[0] == "quantifier"}
    # a stated percentage names its group too ("40%" is "40 %" to the tokenizer)
    assert not {k for k in kinds(
        "Nearly 40% of Harlow Bay renters hand over more than half their income in rent.",
        "Just under half of Lowmark voters, 47%, approve of sending the guard to Harlow Bay.",
        related=True) if k[0] == "quantifier"}


def test_changes_of_different_measures_are_not_compared() -> None:
    claim = "Homicides in Norbridge nearly doubled in 2024."
    assert compare(claim, "Tram ridership in Norbridge rose 18% in 2024 compared with 2023.",
                   related=True) == []
    assert ("quantity", "conflict") in kinds(
        claim, "Norbridge recorded 19 homicides in 2024, up from 17 in 2023, police said.")


def test_from_to_figures_give_the_size_of_a_change() -> None:
    [f] = compare("Eastmere General cut its emergency-room wait by about a quarter in 2024.",
                  "Average waits in the emergency department at Eastmere General fell from "
                  "5.2 hours in 2023 to 3.9 hours in 2024.", related=True)
    assert (f.kind, f.relation) == ("quantity", "agree")
    assert "5.2 to 3.9" in f.reason


def test_the_clause_about_the_claims_measure_is_compared() -> None:
    found = kinds("Homicides in Riverton fell in 2022.",
                  "Riverton recorded 31 homicides in 2022, down from 36 in 2021, but vehicle "
                  "thefts rose by a fifth.")
    assert ("direction", "conflict") not in found


def test_reversed_roles_are_a_conflict() -> None:
    [f] = compare("The Harlow Bay Gulls beat the Riverton Rapids in extra time.",
                  "The Riverton Rapids beat the Harlow Bay Gulls 3-2 in extra time on "
                  "Saturday.")
    assert (f.kind, f.relation) == ("predicate", "conflict")
    assert "roles reversed" in f.reason and "Riverton Rapids beat" in f.reason
    assert compare("The Riverton Rapids beat the Harlow Bay Gulls.",
                   "The Riverton Rapids beat the Harlow Bay Gulls 3-2 on Saturday.") == []


@pytest.mark.parametrize(("claim", "passage", "relations"), [
    ("The Riverton council voted 7 to 2 on Tuesday to close the Harbor Street bridge.",
     "The Riverton council voted 7 to 2 on Tuesday to close the Harbor Street bridge to "
     "all vehicle traffic.", {"agree"}),
    ("The state pledged 30 million dollars for the Harbor Street bridge repair.",
     "The repair will cost 42 million dollars, of which the state pledged 30 million dollars "
     "for the Harbor Street bridge.", {"agree"}),
    ("The state pledged 50 million dollars for the Harbor Street bridge repair.",
     "The repair will cost 42 million dollars, of which the state pledged 30 million dollars "
     "for the Harbor Street bridge.", {"conflict"}),
])
def test_a_figure_is_checked_against_the_matching_figure_not_the_first(claim, passage,
                                                                       relations):
    """New-user trial: a claim copied word for word was refuted ("claim: 2; passage: 7")."""
    found = [f for f in compare(claim, passage) if f.kind == "quantity"]
    assert found and {f.relation for f in found} == relations


def test_a_period_taken_from_the_report_date_is_said_to_be_so() -> None:
    # the passage gives no year: the report's date stands in, and the reason says so
    reasons = [f.reason for f in compare(
        "Eastmere's jobless rate is 9% this year.",
        "Eastmere's unemployment rate stood at 6.1% in March, the office said.",
        related=True, published="2025-04-12")]
    assert any("6.1% (no year given; reported 2025)" in r for r in reasons), reasons
    stated = [f.reason for f in compare(
        "Eastmere's jobless rate was 9% in 2025.",
        "Eastmere's unemployment rate stood at 6.1% in March 2025.", related=True,
        published="2025-04-12")]
    assert any("6.1% (2025)" in r for r in stated), stated


def test_a_wire_dateline_is_not_a_sentence_and_abbreviations_do_not_end_one() -> None:
    from rhetorica.evidence.checks import sentences

    text = ("LOWTON, Jan. 14 — Burglaries in Lowton fell by about a third in 2024 compared "
            "with 2021, police said. Dr. Amis called it a fair result.")
    assert sentences(text) == [
        "Burglaries in Lowton fell by about a third in 2024 compared with 2021, police said.",
        "Dr. Amis called it a fair result."]
    # the dateline no longer hides the sentence's measure ("Burglaries" as a name)
    found = compare("Crime in Lowton has tripled since 2021.", text, related=True,
                    published="2025-01-14")
    assert [(f.kind, f.relation) for f in found] == [("direction", "conflict")]


def test_slashed_is_a_cut() -> None:
    q = quantities("The board slashed the cod quota by 30%.")
    assert q and q[0].direction == -1


def test_a_count_out_of_a_whole_is_a_share() -> None:
    found = compare("Most of Tarn County's rural clinics are shutting down.",
                    "Three of Tarn County's nine rural clinics will close by October, the "
                    "health department said.", related=True)
    assert [(f.kind, f.relation) for f in found] == [("quantifier", "conflict")]
    assert "three of nine" in found[0].reason
    # a year is not a whole: "one of the 2024 reports" is no share
    assert not compare("Most of the 2024 reports were late.",
                       "One of the 2024 reports was late.", related=True)


def test_nearly_every_is_not_every() -> None:
    found = compare("Nearly every teacher in Orlen joined the strike.",
                    "About 90% of teachers in Orlen joined the strike, the union said.",
                    related=True)
    assert [(f.kind, f.relation) for f in found] == [("quantifier", "agree")]


REPORT = ("ASHCOMBE — Supporters of councillor Rafe Dunmore rallied on Saturday against a "
          "planned incinerator. Dunmore told the crowd the incinerator would \"poison our "
          "children,\" a claim the developer, Kestrel Energy, called \"scaremongering.\"")


def test_a_claimed_speaker_who_rejects_the_words_is_a_conflict() -> None:
    from rhetorica.evidence.checks import attribution

    found = attribution("Kestrel Energy admitted that its incinerator would poison children.",
                        REPORT)
    assert found and (found.kind, found.relation) == ("attribution", "conflict")
    assert "scaremongering" in found.reason
    # the one who did say it is not contradicted by someone else's dismissal nearby
    assert attribution("Rafe Dunmore said the incinerator would poison children.",
                       REPORT) is None


def test_words_said_by_someone_else_cannot_confirm_an_attribution() -> None:
    from rhetorica.evidence.checks import attribution

    found = attribution("The governor said the guard would stay for a month.",
                        "Port officials said the guard would stay for a month.")
    assert found and found.relation == "unconfirmed"
    assert attribution("The governor said the guard would stay for a month.",
                       "The governor said on Friday that the guard would stay for a month.") \
        is None


def test_a_cut_far_from_its_size_is_still_a_change() -> None:
    found = compare("The fisheries board slashed the Tarrow Sound cod quota by 30%.",
                    "The provincial fisheries board cut next year's cod quota for the Tarrow "
                    "Sound by 15%, half the reduction its scientists had asked for.",
                    related=True)
    assert ("quantity", "conflict") in [(f.kind, f.relation) for f in found]


def test_the_sentence_most_about_the_claims_measure_is_compared_not_the_first() -> None:
    claim = "Nearly 40% of Tarrow renters hand over more than half their income in rent."
    passage = ("Average rents in Tarrow rose 9% in 2024, a housing report found. About 38% "
               "of renting households spend more than half of their income on rent, it said.")
    found = compare(claim, passage, related=True)
    assert found and all(f.relation == "agree" for f in found), found
    assert "38%" in found[0].sentence


def test_smaller_by_a_quarter_is_a_fall() -> None:
    found = compare("Tarrow's 2024 wheat crop was more than a quarter smaller than in 2022.",
                    "The wheat harvest in Tarrow fell 27% in 2024 compared with 2022.",
                    related=True)
    assert [(f.kind, f.relation) for f in found] == [("quantity", "agree")]


def test_the_same_period_takes_the_years_of_the_sentence_before() -> None:
    passage = ("TARROW, Jan. 14 — Homicides in Tarrow fell by about a third in 2024 compared "
               "with 2021, police said. Reported violent crime as a whole declined 9% over the "
               "same period, while property crime rose 4%.")
    found = compare("Violent crime in Tarrow has tripled since 2021.", passage, related=True,
                    published="2025-01-14")
    assert ("direction", "conflict") in [(f.kind, f.relation) for f in found]
    assert any("2021–2024" in f.reason and "reported" not in f.reason for f in found), found


def test_a_name_between_a_figure_and_its_noun_is_not_what_it_counts() -> None:
    found = compare("A water main break left 18,000 Tarrow homes without water.",
                    "TARROW, July 21 — A water main break on Canal Road left about 1,800 homes "
                    "without running "
                    "water for two days, officials said.", related=True)
    assert [(f.kind, f.relation) for f in found] == [("quantity", "conflict")]


HARWICK = ("TARROW, March 10 — The Tarrow council voted 5-2 on Monday to raise the property "
           "tax rate by 4 percent. Councillor Ruth Amadi, who voted against the measure, said "
           "families \"cannot absorb another bill this year.\"")


def test_a_vote_the_other_way_by_the_same_voter_is_a_conflict() -> None:
    found = compare("Councillor Ruth Amadi voted for the property tax increase.", HARWICK,
                    related=True)
    assert [(f.kind, f.relation) for f in found] == [("predicate", "conflict")]
    # another member's vote against is no conflict for the council's vote
    assert not [f for f in compare("The Tarrow council voted for the property tax increase.",
                                   HARWICK, related=True) if f.relation == "conflict"]


def test_a_negation_inside_quoted_words_is_not_the_reports() -> None:
    found = compare("Councillor Ruth Amadi voted against the property tax increase.", HARWICK,
                    related=True)
    assert not [f for f in found if f.kind == "negation"], found


def test_a_raise_by_the_claimed_figure_agrees_unless_it_was_rejected() -> None:
    agreed = compare("The Tarrow council voted 5-2 to raise the property tax rate by 4 percent.",
                     HARWICK, related=True)
    assert ("quantity", "agree") in [(f.kind, f.relation) for f in agreed]
    rejected = compare("Tarrow council voted through a 5% property tax increase.",
                       "The Tarrow town council on Tuesday rejected a proposal to raise property "
                       "taxes by 5%, with four councillors in favour and five against.",
                       related=True)
    assert not [f for f in rejected if f.relation == "agree"], rejected


def test_percentages_from_and_to_are_levels_and_their_ratio_is_the_change() -> None:
    found = compare("Unemployment in Tarrow doubled.",
                    "Unemployment in Tarrow rose from 4.8 percent to 6.2 percent in March.",
                    related=True)
    assert [(f.kind, f.relation) for f in found] == [("quantity", "conflict")]
    assert "x1.29" in found[0].reason and "x1.05" not in found[0].reason


def test_a_speaker_who_says_the_opposite_in_a_quotation_contradicts_an_admission() -> None:
    from rhetorica.evidence.checks import attribution

    report = ("Officers made 12 arrests at the depot, police said. \"Dunmore is not in "
              "chaos. People are worried about their wages, and they may say so,\" Mayor "
              "Aila Strom said on Monday.")
    found = attribution("Dunmore's mayor admitted her town was in chaos.", report)
    assert found and (found.kind, found.relation) == ("attribution", "conflict")
    assert "not in chaos" in found.reason
    # the same words from someone else are not the mayor's denial
    other = report.replace("Mayor Aila Strom", "Union leader Per Holm")
    assert attribution("Dunmore's mayor admitted her town was in chaos.", other) is None


def test_durations_are_compared_in_days() -> None:
    [q] = quantities("The Tarrow ferry was out of service for more than two weeks.")
    assert (q.value, q.unit, q.bound) == (14.0, "day", ">")
    passage = "Sailings to Tarrow resumed on Friday, ending a 17-day suspension of the ferry."
    assert ("quantity", "agree") in kinds(
        "The Tarrow ferry was out of service for more than two weeks.", passage)
    assert ("quantity", "conflict") in kinds(
        "The Tarrow ferry was out of service for more than three weeks.", passage)
    # an age is no duration, and "a year" after a sum is a rate
    assert all(q.unit != "day" for q in quantities("A 45-year-old driver was hurt."))
    assert all(q.unit != "day" for q in quantities("The plan costs $5 million a year."))


def test_another_holder_of_the_superlative_is_a_conflict() -> None:
    from rhetorica.evidence.checks import superlative

    passage = ("The census counted 1.2 million people in the province. Tarrow remained the "
               "largest town with 90,000 residents, followed by Dunmore with 61,000.")
    found = superlative("Dunmore is the biggest town in the province.", passage)
    assert found and (found.kind, found.relation) == ("superlative", "conflict")
    assert "Tarrow" in found.reason
    assert superlative("Tarrow is the biggest town in the province.", passage) is None
    assert superlative("Dunmore is the oldest town in the province.", passage) is None


def test_a_name_that_opens_a_sentence_is_no_measure() -> None:
    # "Tarrow County" opens both; the claim counts wheat, the sentence people
    assert compare("Tarrow County's 2024 wheat crop was more than a quarter smaller than in "
                   "2022.", "Tarrow County was the only area to lose population, falling 0.8% "
                   "as younger residents moved away.", related=True) == []


def test_a_rejected_tax_rise_negates_a_claim_that_it_passed() -> None:
    # "taxes" and "tax" are one word to the checks
    assert ("negation", "conflict") in kinds(
        "Dunmore council approved a 5% property tax increase.",
        "The Dunmore town council on Monday rejected a proposal to raise property taxes by "
        "5%, with three councillors in favour and four against.")


def test_a_passage_about_other_years_cannot_settle_the_claims_years() -> None:
    from rhetorica.evidence.checks import other_period

    claim = "Dunmore had fewer burglaries in 2020 than in 2019."
    later = "Dunmore recorded 310 burglaries in 2023, down from 402 in 2021, police said."
    assert other_period(claim, later)
    assert not other_period(claim, "Burglaries in Dunmore fell in 2020 compared with 2019.")
    # no year named, or a period that runs through the claim's years: it may settle it
    assert not other_period(claim, "Burglaries in Dunmore have fallen every year.")
    assert not other_period(claim, "Burglaries in Dunmore have fallen every year since 2015.")
    # the year it was published (or the one before) counts as named
    assert not other_period("Burglaries fell in 2024.", "Burglaries fell 4% in 2022.",
                            published="2025-01-10")


def test_a_figure_is_about_the_words_of_its_own_clause() -> None:
    # the 90% is the union's turnout, not the pay deal's size
    assert kinds("The Dunmore nurses' strike ended with a 5% pay deal.",
                 "Nurses across Dunmore walked out on Monday in the first strike for 12 years, "
                 "with the Dunmore Nurses' Union saying about 90% of its members took part.") \
        == set()


def test_sums_a_hundredfold_apart_are_not_one_figure_misreported() -> None:
    assert kinds("The deployment to Dunmore cost the province more than $5 million.",
                 "A flat in Dunmore now costs an average of $1,640 a month, the report said.") \
        == set()
    assert ("quantity", "conflict") in kinds(
        "The deployment to Dunmore cost the province more than $5 million.",
        "The deployment to Dunmore cost the province $1.2 million, the auditor said.")


def test_event_words_are_read_by_family_and_a_negation_must_deny_the_claims_predicate() -> None:
    passage = ("No homes were destroyed in the fire north of Dunmore, the fire service said "
               "on Monday, correcting an earlier count by local officials.")
    # "burned down" and "destroyed" tell of one event; the passage denies it
    assert ("negation", "conflict") in kinds(
        "Dozens of homes burned down in the June fire near Dunmore.", passage, related=False)
    # the same fire, another predicate: nothing is denied
    assert kinds("The June fire near Dunmore was started deliberately.", passage,
                 related=False) == set()


def test_a_share_is_compared_with_the_share_of_the_same_group() -> None:
    sentence = ("The district said 61% of its teachers were absent on strike day and that "
                "22 of its 38 schools stayed at least partly open.")
    found = compare("Nearly every teacher in the district was absent on strike day.", sentence,
                    related=True)
    assert [(f.kind, f.relation) for f in found] == [("quantifier", "conflict")]
    assert "61%" in found[0].reason


def test_the_claims_place_named_in_the_passage_counts_in_each_of_its_sentences() -> None:
    passage = ("The last guard members left Orlen on Friday, ending a deployment of three "
               "weeks. The governor's office said no guard member had been involved in any "
               "confrontation with protesters during the mission.")
    found = compare("Guard troops clashed with protesters while they were stationed in Orlen.",
                    passage)
    assert [(f.kind, f.relation) for f in found] == [("negation", "conflict")]
    assert "confrontation" in found[0].sentence


def test_a_headline_line_is_its_own_sentence_and_its_datelined_lead_has_no_name() -> None:
    from rhetorica.evidence.checks import names, sentences

    text = ("Keston unemployment falls as mill rehires\n\nKESTON, March 3, 2025 (Moor Wire) — "
            "Unemployment in Keston fell to 4.1% in February from 5.6% a year earlier.")
    assert sentences(text)[0] == "Keston unemployment falls as mill rehires"
    assert sentences(text)[1].startswith("Unemployment in Keston")
    assert "unemployment" not in names(text) and "keston" in names(text)


def test_a_jobless_rate_is_read_against_an_unemployment_percentage() -> None:
    passage = ("Keston unemployment falls as mill rehires\n\nKESTON, March 3, 2025 — "
               "Unemployment in Keston fell to 4.1% in February from 5.6% a year earlier, the "
               "labour office said. Youth unemployment, however, rose by 2 percentage points.")
    found = compare("Keston's jobless rate dropped to 4.1 percent in February 2025.", passage,
                    related=True, published="2025-03-03")
    assert ("quantity", "agree") in {(f.kind, f.relation) for f in found}, found
    assert all(f.relation != "conflict" for f in found), found
    # the rise of youth unemployment is not the sentence about a rise of unemployment
    found = compare("Unemployment in Keston rose over the year to February 2025.", passage,
                    related=True, published="2025-03-03")
    assert ("direction", "conflict") in {(f.kind, f.relation) for f in found}, found


def test_the_claims_figure_is_read_from_the_closest_sentence_that_states_one() -> None:
    passage = ("Keston nurses begin 72-hour strike\n\nKESTON, June 2 — Nurses at Keston General "
               "Hospital began a 72-hour strike on Monday over pay. The Keston Nurses Union said "
               "about 80% of its members had voted for the walkout.")
    assert ("quantity", "agree") in kinds(
        "Nurses at Keston General Hospital staged a three-day walkout.", passage)
    assert ("quantity", "conflict") in kinds(
        "Nurses at Keston General Hospital staged a five-day walkout.", passage)


def test_of_two_durations_the_one_nearest_the_claims_words_is_compared() -> None:
    passage = ("Ferry crews in Keston ended a strike that had halted services to the island for "
               "11 days, after the operator agreed to a 6% pay rise over two years.")
    assert ("quantity", "conflict") in kinds(
        "The Keston ferry strike went on for more than two weeks.", passage)


def test_a_holder_ranked_second_does_not_hold_the_superlative() -> None:
    from rhetorica.evidence.checks import superlative

    passage = ("Cargo through the port of Keston rose to 4.2 million tonnes in 2024. The port "
               "remains the second-busiest on the coast after Orlen.")
    found = superlative("Keston is the busiest port on the coast.", passage)
    assert found and "second" in found.reason


def test_a_one_word_name_that_owns_something_opens_with_a_name() -> None:
    from rhetorica.evidence.checks import missing_names, names

    assert "keston" in names("Keston's council leader promised a freeze.")
    assert names("Today's vote was close.") == set()
    assert missing_names("Keston's population grew.", "Orlen's population grew 5%.")


def test_a_negation_in_another_clause_is_about_something_else() -> None:
    assert ("negation", "conflict") not in kinds(
        "More than half of those surveyed in Keston would back a congestion charge.",
        "Just over half of the 1,200 people surveyed in Keston said they would back a "
        "congestion charge, while 12% had no opinion.")


def test_up_and_down_are_changes_only_beside_a_figure_or_a_verb_of_being() -> None:
    assert not any(q.direction for q in quantities(
        "She said the cost of cleaning it up had been underestimated."))
    assert quantities("Fares are up 10% on last year.")[0].direction == 1
    assert any(q.direction == 1 for q in quantities("Unemployment went up in 2024."))


def test_voting_phrases_and_a_re_election_are_read_as_their_predicates() -> None:
    assert ("predicate", "conflict") in kinds(
        "Keston's council voted down the plan for housing on the old rail yard.",
        "Keston's town council voted 7-2 on Tuesday to approve a plan for 400 homes on the "
        "old rail yard.")
    assert ("predicate", "conflict") in kinds(
        "Gerald Finch was re-elected mayor of Keston.",
        "Priya Holloway won the Keston mayoral election, defeating the incumbent, Gerald "
        "Finch.")


def test_a_figure_the_passage_says_is_wrong_contradicts_a_claim_of_it() -> None:
    [q13, q30] = quantities("The board will in fact eliminate 13 teaching posts, not 30.")
    assert not q13.denied and q30.denied and q30.unit == q13.unit
    correction = ("Correction: A report on March 10 said the Keston school board would "
                  "eliminate 30 teaching posts. The board will in fact eliminate 13 teaching "
                  "posts, not 30.")
    assert ("quantity", "conflict") in kinds(
        "The Keston school board is cutting 30 teaching posts.", correction)


def test_a_group_word_inside_an_organisations_name_is_still_the_group() -> None:
    assert ("quantifier", "conflict") in kinds(
        "Most Keston residents consider traffic the town's most pressing problem.",
        "A third of Keston residents say traffic is the town's most pressing problem, "
        "according to a survey by the Keston Residents' Forum.")


def test_a_sentence_about_another_place_is_not_the_one_about_the_claims() -> None:
    passage = ("Orlen is the county's fastest-growing town\n\nORLEN, August 4, 2025 — Orlen's "
               "population grew from 38,000 in 2015 to 46,500 in 2024, the statistics office "
               "said. Keston, by contrast, lost 4% of its residents over the same period.")
    found = compare("Keston's population increased between 2015 and 2024.", passage,
                    related=True, published="2025-08-04")
    assert ("direction", "conflict") in {(f.kind, f.relation) for f in found}, found
    assert found[0].sentence.startswith("Keston, by contrast")


def test_a_claimed_size_of_change_is_read_from_a_sentence_that_states_one() -> None:
    passage = ("Keston port cargo rises\n\nKESTON, June 20, 2025 — Cargo through the port of "
               "Keston rose to 4.2 million tonnes in 2024, up from 3.5 million tonnes the year "
               "before, the harbour authority said.")
    assert ("quantity", "agree") in kinds("Cargo handled at the port of Keston grew by 20% in "
                                          "2024.", passage)
    assert ("quantity", "conflict") in kinds("Cargo handled at the port of Keston grew by 50% "
                                             "in 2024.", passage)


def test_an_office_is_matched_by_its_head_noun() -> None:
    from rhetorica.evidence.checks import attribution

    said = ("WEXFORD, Oct. 2 — 'We will not raise council tax this year,' Keston council "
            "leader Martin Scullard told a public meeting on Wednesday.")
    assert attribution("Keston's council leader promised not to increase council tax this "
                       "year.", said) is None
    # "council" alone is not the leader: the council's statement confirms nothing of his
    found = attribution("Keston's council leader promised not to increase council tax.",
                        "The council said on Friday that council tax would not rise.")
    assert found and found.relation == "unconfirmed"


def test_a_small_percentage_change_is_not_another() -> None:
    assert ("quantity", "conflict") in kinds("The council agreed a 6 percent pay rise for staff.",
                                             "The council agreed a pay rise of 4.5% for staff.")
    assert ("quantity", "agree") in kinds("Crime in the city fell by about a third.",
                                          "Crime in the city fell 36%.")


def test_a_figure_a_correction_calls_wrong_is_denied() -> None:
    [wrong, right] = quantities("An article on Monday wrongly stated that the refurbishment "
                                "cost £48m; the correct figure is £38m.")
    assert wrong.denied and not right.denied
    assert ("quantity", "conflict") in kinds(
        "The Keston library refurbishment cost £48m.",
        "Correction: an article on Monday wrongly stated that the Keston library "
        "refurbishment cost £48m; the correct figure is £38m.")


def test_durations_in_words_up_to_sixty() -> None:
    [q] = quantities("The contract runs for eighteen months.")
    assert q.unit == "day" and 540 < q.value < 550


def test_a_name_is_mentioned_by_its_telling_words() -> None:
    from rhetorica.evidence.checks import missing_names

    claim = "Planned surgery waits at Kilverdon Regional Hospital came down."
    assert not missing_names(claim, "Interview: Kilverdon hospital chief on waiting lists.")
    assert missing_names(claim, "The regional hospital in Orlen cut its waiting list.")


def test_the_title_names_the_claims_subject_for_a_later_sentence() -> None:
    found = compare("Planned operations at Keston General Hospital were cancelled because of "
                    "the nurses' strike.",
                    "Hospital director Samuel Kilbride said emergency care would continue and "
                    "that no planned operations had been cancelled.",
                    context="Keston nurses begin 72-hour strike.")
    assert ("negation", "conflict") in {(f.kind, f.relation) for f in found}, found


def test_a_bare_figure_counts_what_its_sentence_numbers() -> None:
    sentence = ("The number of pupils at the school has fallen from 140 to 61 over the past "
                "decade, as young families moved away.")
    assert [q.unit for q in quantities(sentence) if q.value] == ["pupil", "pupil"]
    found = compare("Keston Primary School's roll has dropped to 61 pupils.", sentence,
                    related=True, context="Keston primary school to close in July.")
    assert ("quantity", "agree") in {(f.kind, f.relation) for f in found}, found


def test_an_age_beside_a_name_and_where_a_change_started_are_not_the_claims_level() -> None:
    assert [q.text for q in quantities("Rory MacAteer, 61, has fished out of Keston for 44 "
                                       "years.")] == ["44 years"]
    assert kinds("Fewer than 100 fishing boats are now registered at Keston.",
                 "Rory MacAteer, 61, has fished out of Keston for 44 years.") == set()
    found = compare("By June the average wait in the Keston emergency department had come "
                    "down to 4.3 hours.",
                    "Average waits in the Keston emergency department fell from 6.1 hours in "
                    "January to 4.3 hours in June.", related=True)
    assert [(f.kind, f.relation) for f in found] == [("quantity", "agree")]


def test_shares_in_words() -> None:
    from rhetorica.evidence.checks import _quantifiers

    [(words, (lo, hi), _)] = _quantifiers("Three in five residents back the tram.")
    assert words == "three in five" and lo < 0.6 < hi


def test_durations_with_a_half_and_a_unit_named_before_the_figure() -> None:
    [q] = quantities("Building the Keston tram extension will take two and a half years.")
    assert q.unit == "day" and abs(q.value - 2.5 * 365.25) < 1
    assert [round(q.value) for q in quantities("It took a year and a half, not half an "
                                               "hour.")] == [548, 0]
    assert kinds("Building the Keston tram extension will take two and a half years.",
                 "Building the Keston tram extension is expected to take 30 months.") == \
        {("quantity", "agree")}
    assert kinds("Keston library's weekly opening hours will be reduced to 32.",
                 "Opening hours at Keston library will be cut from 45 to 32 hours a week.") \
        == {("quantity", "agree")}
    # a financial year is no figure: "2024/25" is not 25
    assert [q.text for q in quantities("The precept for 2024/25 is £86,400.")] == ["£86,400"]


def test_a_claimed_starting_level_is_compared_with_the_passages_starting_level() -> None:
    found = kinds("Planned surgery waits at Keston hospital came down from 19 weeks to 14.",
                  "The average wait for planned surgery at Keston hospital has come down from "
                  "19 weeks to 14 weeks since last spring.")
    assert ("quantity", "conflict") not in found and ("quantity", "agree") in found


def test_a_level_after_a_verb_of_the_same_change_is_about_the_same_measure() -> None:
    found = kinds("Keston's jobless rate dropped to 5.9 percent over the year to March.",
                  "Unemployment in Keston fell from 7.2% to 5.9% in the twelve months to March.")
    assert ("quantity", "agree") in found
    assert ("quantity", "conflict") in kinds(
        "Keston's jobless rate dropped to 4.9 percent over the year to March.",
        "Unemployment in Keston fell from 7.2% to 5.9% in the twelve months to March.")


def test_a_sentence_that_opens_with_someone_else_is_not_compared() -> None:
    assert kinds("Keston moved up to third place in the Best Places to Live survey.",
                 "Lower Arden Town fell from seventh to twelfth place in the survey.") == set()


def test_a_denial_anywhere_in_the_passage_negates_the_claim() -> None:
    claim = "Harwell Mills blamed the pay dispute with its union for closing the Keston mill."
    passage = ("Harwell Mills will close its Keston mill in December. A company spokeswoman said "
               "production would move abroad and denied that the decision was linked to a pay "
               "dispute with the workers' union.")
    assert ("negation", "conflict") in kinds(claim, passage)
    # a denial of something else is no answer, nor is the claim's own verb
    assert ("negation", "conflict") not in kinds(
        claim, "Harwell Mills will close its Keston mill. The company denied that it had "
               "sold the site to developers.")
    assert ("negation", "conflict") not in kinds(
        "Keston voters rejected the harbour plan.",
        "Keston voters rejected the harbour plan by 52% to 48%.")


def test_the_tail_of_an_opening_name_is_not_a_name_of_its_own() -> None:
    from rhetorica.evidence.checks import missing_names

    claim = "Harwell Textiles is closing the Keston mill."
    assert missing_names(claim, "Harwell said on Monday that its Keston mill would close.") \
        == set()
    assert missing_names(claim, "The Keston mill will close, Lorne Mills said.") == \
        {"harwell", "textiles"}


def test_a_share_of_an_age_group_is_not_a_share_of_everyone() -> None:
    claim = "A poll found that a majority of over-65s in Keston back the tram extension."
    assert kinds(claim, "Most Keston residents back the tram extension, a poll found.") == set()
    assert ("quantifier", "agree") in kinds(
        "A poll found that most Keston residents back the tram extension.",
        "A clear majority of Keston residents back the tram extension, a poll found.")


RESULTS = ("Keston West by-election: declaration of result\n\n"
           "Amira Holt (Green Party) 4,812\nTom Bell (Labour Party) 4,190\n"
           "Gareth Lowe (Conservative Party) 2,377\n")


@pytest.mark.parametrize("claim,relation", [
    ("Tom Bell won the Keston West by-election.", "conflict"),
    ("Amira Holt won the Keston West by-election.", "agree"),
    ("The Conservative candidate came third in the Keston West by-election.", "agree"),
    ("The Labour candidate came third in the Keston West by-election.", "conflict"),
])
def test_placings_from_a_results_table(claim: str, relation: str) -> None:
    from rhetorica.evidence.checks import placing

    found = placing(claim, RESULTS)
    assert found is not None and found.relation == relation, found


def test_placings_in_prose() -> None:
    from rhetorica.evidence.checks import placing

    elected = ("Selma Kerr has been elected mayor of Keston, beating Desmond Ash by 52.3% to "
               "47.7% in the second round.")
    assert placing("Desmond Ash was elected mayor of Keston.", elected).relation == "conflict"
    assert placing("Selma Kerr was elected mayor of Keston.", elected).relation == "agree"
    ranked = ("Keston University has risen to third place in this year's guide, up from "
              "seventh last year.")
    assert placing("Keston University climbed four places to third in the guide.",
                   ranked).relation == "agree"
    assert placing("Keston University rose to second in the guide.", ranked).relation == \
        "conflict"
    # "won" of no contest is no placing
    assert placing("Tom Bell won praise for his campaign.", RESULTS) is None


def test_a_share_counted_against_a_whole_named_earlier_in_the_passage() -> None:
    passage = ("None of Keston's 15 public schools was rated failing in this year's "
               "inspections, the education department said. Five of the schools were rated "
               "outstanding, and the rest good.")
    claim = "Inspectors rated a third of Keston's public schools outstanding in 2024."
    assert ("quantifier", "agree") in kinds(claim, passage)
    assert ("quantifier", "conflict") in kinds(
        claim.replace("a third", "most"), passage)


def test_two_denials_of_one_thing_agree() -> None:
    claim = "Nobody was killed in Keston's record-breaking April rainstorm."
    storm = ("KESTON, April 22 — A spring storm dumped 112 millimetres of rain on Keston in 24 "
             "hours, the most since records began. Emergency services reported no deaths or "
             "serious injuries.")
    assert ("negation", "agree") in kinds(claim, storm)
    # a denial of something else, or one inside a quotation, is no agreement; nor does the
    # quotation's "dead" make the sentence assert a death
    sport = ("KESTON, March 9 — The Keston Rapids won 3-2 in extra time. \"We were dead on our "
             "feet, but nobody gave up,\" coach Lars Brennan said.")
    assert kinds(claim, sport) == set()
    assert ("negation", "agree") not in kinds(claim, "No homes in Keston lost power in the "
                                                     "storm, but two people were killed.")



def test_a_change_in_real_terms_is_not_confirmed_in_cash_terms() -> None:
    claim = "Defence spending in Keston will rise by 12% in real terms next year."
    assert kinds(claim, "Defence spending in Keston will rise to 4.6 billion crowns from 4.1 "
                        "billion next year, the minister said.") == {("quantity", "unconfirmed")}
    assert kinds(claim, "Defence spending in Keston will rise by 12% in real terms next year, "
                        "the minister said.") == {("quantity", "agree")}


def test_a_claimed_proof_is_not_confirmed_by_a_link() -> None:
    claim = ("A Keston University study has proven that cars idling outside schools cause "
             "asthma in children.")
    assert ("certainty", "unconfirmed") in kinds(
        claim, "Cars idling outside schools are linked to asthma symptoms in children, a "
               "Keston University study has found.")
    assert ("certainty", "unconfirmed") not in kinds(
        claim, "A Keston University study has proven that cars idling outside schools cause "
               "asthma in children.")


def test_a_share_is_read_in_the_claims_clause_that_states_it() -> None:
    found = kinds("Keston's hospital sees more than three quarters of its patients within four "
                  "hours, better than most of the country.",
                  "Figures show that the Keston trust saw 71.3 per cent of patients within four "
                  "hours between July and September.")
    assert ("quantifier", "conflict") in found


def test_a_figure_inside_a_quotation_is_the_speakers() -> None:
    from rhetorica.evidence.checks import compare, quoted

    claim = "Keston's hospital sees more than three quarters of its patients within four hours."
    [said] = [f for f in compare(claim, 'The Keston chief told councillors: "We see more than '
                                        'three-quarters of patients within four hours."',
                                 related=True) if f.kind == "quantifier"]
    assert said.relation == "agree" and quoted(said)
    [stated] = [f for f in compare(claim, "The Keston trust saw 71.3 per cent of patients "
                                          "within four hours.", related=True)
                if f.kind == "quantifier"]
    assert not quoted(stated)


def test_words_of_negation_that_deny_no_predicate() -> None:
    # a plea is no verdict; a corrected figure is read by the figure checks
    assert ("negation", "conflict") not in kinds(
        "Ten of the twelve jurors found Gideon Hale guilty of misconduct in public office.",
        "Gideon Hale has pleaded not guilty to misconduct in public office, and the jurors "
        "were sworn in on Monday.")
    assert ("negation", "conflict") not in kinds(
        "Upwards of 400 homes were flooded in Keston when the river burst its banks.",
        "The number of homes flooded in Keston when the river burst its banks was 412, not "
        "340 as first estimated.")
    # what a claim denies, the passage must assert to contradict it
    claim = "Keston's mayor never asked for the provincial guard to be sent to her city."
    assert ("negation", "conflict") not in kinds(
        claim, "It is the first time the provincial guard has been sent to Keston's city "
               "centre in response to protests, the mayor's office said.")
    assert ("negation", "conflict") in kinds(
        claim, "Keston's mayor asked for the provincial guard to be sent to her city.")


def test_shares_whose_group_cannot_be_read_are_compared() -> None:
    from rhetorica.evidence.checks import _same_group

    # nothing after the passage's share to tell the groups apart by: compared
    assert _same_group("Most Keston residents back the plan.", "most",
                       "In Keston, 38 per cent.", "38 per cent")
    assert not _same_group("Most Keston residents back the plan.", "most",
                           "Most Keston teachers back the plan.", "most")


def test_figures_agree_only_within_their_rounding_and_a_bound_confirms_nothing() -> None:
    """From a new user's trial: '4.2 percent' agreed with '4.1 percent', 'about 2,150'
    with '2,400', 250 troops with 'up to 400', and a dateline's day was read as a count."""
    rate = "Ashport's unemployment rate was {} percent in December 2024."
    assert ("quantity", "conflict") in kinds(rate.format("4.2"), rate.format("4.1"))
    assert ("quantity", "agree") in kinds(rate.format("about 20"), rate.format("21.7"))
    troops = "Mayor Okafor asked the governor for {} National Guard troops."
    assert not kinds(troops.format("250"), troops.format("up to 400"))
    assert ("quantity", "conflict") in kinds(troops.format("250"), troops.format("up to 150"))
    claim = "About 2,150 Ashport teachers walked out during the strike."
    assert ("quantity", "agree") in kinds(
        claim, "The union said 2,150 of the district's 2,400 Ashport teachers walked out "
               "during the strike.")
    assert [q.text for q in quantities(
        "ASHPORT (Tribune) — September 27, 2024 — About 1,400 teachers were out on "
        "27 September, and 12 may stay out.")] == ["1,400", "12"]


def test_an_acronym_the_claim_names_must_be_in_the_passage() -> None:
    """From a new user's trial: "Ashport's drinking water contained PFAS above federal
    limits" supported by a report of lead above the federal limit, which never names PFAS."""
    from rhetorica.evidence.checks import missing_names

    claim = "Ashport's drinking water contained PFAS above federal limits."
    assert missing_names(claim, "Tap water in Ashport contained lead above the federal "
                                "action level.") == {"pfas"}
    assert not missing_names(claim, "Ashport's water held PFAS above the federal limit.")
    # a short name is a word of its own: "ICE" is not in "police"
    assert missing_names("Officials said ICE detained 87 workers.",
                         "Police detained 87 workers, officials said.") == {"ice"}
    assert missing_names("THE MAYOR RESIGNED AFTER THE VOTE.", "The mayor resigned.") == set()


def test_a_turned_down_request_was_made_and_a_denied_opposite_is_no_opposite() -> None:
    """From a new user's trial: "Okafor asked the governor for 250 troops" negated by "the
    governor rejected Okafor's request to deploy 250 troops"; "the council rejected a $1
    toll" contradicted by "the council did not approve a $1 toll"."""
    assert kinds("Mayor Okafor asked the governor for 250 National Guard troops.",
                 "Governor Voss rejected Mayor Okafor's request to deploy 250 National Guard "
                 "troops to Ashport.") == {("quantity", "agree")}
    assert ("predicate", "conflict") not in kinds(
        "The Ashport council rejected a proposed toll on the Harbor Street Bridge.",
        "The Ashport council did not approve a proposed toll on the Harbor Street Bridge.")
    # a rejected proposal still denies that the thing was done
    assert ("negation", "conflict") in kinds(
        "The council raised the property tax by 5%.",
        "The council rejected a proposal to raise the property tax by 5%.")
    assert ("predicate", "conflict") in kinds("The council approved the budget.",
                                              "The council rejected the budget.")


def test_each_figure_of_a_sentence_keeps_its_own_year() -> None:
    """From a new user's trial: "41 homicides last year, down from 50 in 2023 and 57 in
    2022" read 41 as a 2022-2023 figure; a claim of 50 in 2024 then agreed with the 50 of
    2023."""
    passage = ("ASHPORT — The city of Ashport recorded 41 homicides last year, down from 50 in "
               "2023 and 57 in 2022.")
    years = {q.text: q.years for q in quantities(passage.split("— ")[1], (2024, 2025))}
    assert years["41"] == (2024,) and years["50"] == (2023,) and years["57"] == (2022,)

    def found(claim: str) -> set[tuple[str, str]]:
        return {(f.kind, f.relation) for f in compare(claim, passage, related=True,
                                                      published="2025-01-15")}

    assert found("Ashport recorded 41 homicides in 2024.") == {("quantity", "agree")}
    assert ("quantity", "conflict") in found("Ashport recorded 50 homicides in 2024.")


def test_a_date_of_an_event_that_happens_once_is_compared() -> None:
    """From a new user's trial: "launched in 2022" against "was launched in 2020" was
    called supported; years were never compared."""
    passage = ("BRENNERTON, February 2, 2025 (County Gazette) - The county's youth employment "
               "programme was launched in 2020 and has placed 3,000 teenagers in summer jobs.")
    assert ("date", "conflict") in kinds(
        "The county youth employment programme was launched in 2022.", passage)
    assert ("date", "agree") in kinds(
        "The county youth employment programme was launched in 2020.", passage)
    [f] = [f for f in compare("Police Chief Alvaro Nunez resigned in January 2025.",
                              "Police Chief Alvaro Nunez resigned on March 3, 2025.",
                              related=True) if f.kind == "date"]
    assert f.relation == "conflict" and "March 3, 2025" in f.reason
    # a statistic's change in another year is another period, not a conflict
    assert not {k for k in kinds("Crime in Brennerton fell 21% in 2024.",
                                 "Crime in Brennerton fell 21% in 2023.") if k[0] == "date"}
    # nor does another programme's launch date say anything of this one
    assert not {k for k in kinds("The county youth employment programme was launched in 2022.",
                                 "The city's arts festival was launched in 2020.")
                if k[0] == "date"}


def test_a_change_said_as_a_noun_is_a_change() -> None:
    """ "approved a 12% reduction in the water utility's budget" is the budget cut by 12%."""
    [q] = [q for q in quantities("The council approved a 12% reduction in the water "
                                 "utility's budget.") if q.unit == "%"]
    assert (q.direction, q.ratio) == (-1, 0.88)
    [q] = quantities("Tenants face a 6 percent rise in rents.")
    assert q.direction == 1
    passage = "The council approved a 12% reduction in the water utility's annual budget."
    assert ("quantity", "agree") in kinds("The council cut the water utility's budget by 12%.",
                                          passage)
    assert ("quantity", "conflict") in kinds(
        "The council cut the water utility's budget by 21%.", passage)


def test_what_was_meant_to_happen_neither_confirms_nor_contradicts_what_did() -> None:
    """From a new user's trial: "had said in 2020 that it would keep the laboratory open"
    made "Kestrel closed its Basel laboratory in 2021" disputed ('closed' / 'open')."""
    found = kinds("Kestrel closed its Basel laboratory in 2021.",
                  "Kestrel had said in 2020 that it would keep the Basel laboratory open for at "
                  "least five years.")
    assert found == {("intention", "moot")}
    assert ("intention", "moot") in kinds("The city reopened the bridge in May.",
                                          "Officials pledged to reopen the bridge by May.")
    # a claim about the plan is answered by it; a report of what happened is no intention
    assert ("intention", "moot") not in kinds("The city will reopen the bridge in May.",
                                              "Officials pledged to reopen the bridge by May.")
    assert ("intention", "moot") not in kinds(
        "Kestrel closed its Basel laboratory in 2021.",
        "Kestrel Pharmaceuticals closed its Basel research laboratory this week.")
