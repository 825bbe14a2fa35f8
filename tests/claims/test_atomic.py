"""Atomic claims: compound sentences split, references resolved, offsets kept."""

from __future__ import annotations

import pytest

from tests.conftest import assert_offsets

COMPOUND = ("Mayor Elena Rossi closed the Harbour Bridge in May and cut the transit budget "
            "by 20 percent.")


@pytest.fixture(scope="module")
def run():
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    pipe = Pipeline(["parse", "language", "segment", "entities", "claims", "atomic_claims"])
    return lambda text: pipe(Document(text))


def atoms(doc):
    """In reading order: by claim, then by position within the claim."""
    return sorted(doc.layer("atomic_claim"), key=lambda a: (a.attrs["claim"], a.attrs["index"]))


def test_compound_sentence_splits_into_two_self_contained_claims(run):
    doc = run(COMPOUND)
    assert_offsets(doc)
    texts = [a.attrs["text"] for a in atoms(doc)]
    assert len(texts) == 2, texts
    assert texts[0].startswith("Mayor Elena Rossi closed the Harbour Bridge in May")
    assert " and" not in texts[0]
    # The second clause borrows the subject of the first.
    assert texts[1] == "Mayor Elena Rossi cut the transit budget by 20 percent."
    second = atoms(doc)[1]
    pieces = [doc.text[a:b] for a, b in second.attrs["pieces"]]
    assert pieces == ["Mayor Elena Rossi", "cut the transit budget by 20 percent"]
    assert second.label == "quantity"


def test_pronoun_resolved_to_the_named_person_with_offsets(run):
    text = COMPOUND + " She said the protesters occupied the square for three days."
    doc = run(text)
    atom = next(a for a in atoms(doc) if "said" in a.attrs["text"])
    assert atom.attrs["text"].startswith("Elena Rossi said")
    (res,) = atom.attrs["resolved"]
    assert doc.text[res["start"]:res["end"]] == "She"
    assert doc.text[res["entity_start"]:res["entity_end"]] == res["entity"] == "Elena Rossi"


def test_ambiguous_pronoun_is_left_alone(run):
    text = ("Governor Paul Adams met Senator Maria Lopez in Denver. "
            "He said the state lost 3,000 jobs in 2023.")
    doc = run(text)
    atom = next(a for a in atoms(doc) if "3,000" in a.attrs["text"])
    assert atom.attrs["text"].startswith("He said")
    assert atom.attrs["resolved"] == []


def test_the_city_resolves_to_the_only_city_named(run):
    text = ("Voters in Lakeview, Ohio, elected a new council. "
            "Last year the city spent 2 million dollars on road repairs.")
    doc = run(text)
    atom = next(a for a in atoms(doc) if "million" in a.attrs["text"])
    assert "Lakeview spent 2 million dollars" in atom.attrs["text"]
    res = atom.attrs["resolved"][0]
    assert doc.text[res["start"]:res["end"]] == "the city"


def test_opinions_get_no_atomic_claims(run):
    doc = run("I think we deserve better.")
    assert atoms(doc) == []


def test_rerun_is_idempotent(run):
    doc = run(COMPOUND)
    n = len(atoms(doc))
    from rhetorica.claims.atomic import AtomicClaims
    from rhetorica.config import Settings

    AtomicClaims(Settings())(doc)
    assert len(atoms(doc)) == n


def test_an_atomic_claim_is_built_only_from_its_claims_words(run):
    """New-user trial: a headline, a byline and a lede the parser read as one sentence gave
    three atomic claims, each the text of all three paragraphs."""
    text = ("Harlow Council Cuts Bus Funding\n\nBy Staff Reporter\n\n"
            "HARLOW — The council cut bus funding by 20 percent on Monday.")
    doc = run(text)
    assert_offsets(doc)
    for atom in atoms(doc):
        claim = doc.text[atom.attrs["claim"][0]:atom.attrs["claim"][1]]
        assert "\n" not in atom.attrs["text"]
        assert all(w.strip(".,") in claim for w in atom.attrs["text"].split()), atom.attrs


def test_no_name_is_put_where_the_text_does_not_make_it_clear(run):
    """From a new user's trial: '"He is not a criminal," said Maria Lopez' of her husband
    became "Maria Lopez is not a criminal"; "deport them ALL" after "criminals pouring
    across the border" became "deport Democrats"; "the city" became the neighbourhood named
    last although the article was about another city."""
    quoted = '"They took him in handcuffs," said Maria Santos, 36. "He is not a criminal."'
    doc = run(quoted)
    assert all(a.attrs["resolved"] == [] for a in atoms(doc)), [a.attrs for a in atoms(doc)]
    crowd = ("Democrats met on Monday. Smugglers keep bringing migrants across the "
             "river every night. We will stop them and deport them by June.")
    doc = run(crowd)
    atom = next(a for a in atoms(doc) if "deport" in a.attrs["text"])
    assert "Democrats" not in atom.attrs["text"] and atom.attrs["resolved"] == []
    person = ("Councillor Dana Webb met the victim's husband on Monday. "
              "He said the city owed the family 20,000 dollars.")
    doc = run(person)
    atom = next(a for a in atoms(doc) if "20,000" in a.attrs["text"])
    assert atom.attrs["text"].startswith("He said")
    cities = ("Police in Denver reported 12 burglaries in May. Most stores reopened in "
              "June. Officials in Boulder reported none. The city spent 3 million dollars on "
              "street lights in 2024.")  # Denver before the two sentences read for "the city"
    doc = run(cities)
    atom = next(a for a in atoms(doc) if "million" in a.attrs["text"])
    assert atom.attrs["resolved"] == [] and atom.attrs["text"].startswith("The city")


def test_a_lede_read_with_its_headline_keeps_its_words_in_order_without_the_dateline(run):
    """The parser read a headline and a lede as one sentence, hung the lede's second verb
    on the headline's and walked a non-projective subtree out of order: the claim lost
    'had exploded, citing...' and another moved 'to Portland' after 'the move'."""
    text = ("Mayor disputes claim that Riverton murders have 'exploded'\n\n"
            "RIVERTON (Wire) — Mayor Ann Cole on Thursday rejected a claim that homicides in "
            'the city had "exploded," citing police data showing that murders fell 32 percent '
            "in the first eight months of the year.")
    doc = run(text)
    assert_offsets(doc)
    lede = [a for a in atoms(doc) if "32 percent" in a.attrs["text"]]
    assert lede and lede[0].attrs["text"].startswith("Mayor Ann Cole on Thursday rejected")
    assert "exploded" in lede[0].attrs["text"]
    for atom in atoms(doc):
        words = atom.attrs["text"].rstrip(".").split()
        source = " ".join(doc.text[a:b] for a, b in atom.attrs["pieces"])
        at = 0
        for w in (w for w in words if w in source and len(w) > 3):
            at = source.find(w, at)
            assert at >= 0, (w, atom.attrs["text"])  # each word after the one before
            at += len(w)


def test_a_clause_about_a_named_person_set_off_by_commas_is_a_claim_of_its_own(run):
    """From a new user's trial: the clause 'who has lived in the Austin neighborhood for
    three decades' stayed inside the quote's claim."""
    doc = run("Mayor Tom Hale, who took office in 2021, cut the police budget by 5 percent.")
    assert_offsets(doc)
    texts = [a.attrs["text"] for a in atoms(doc)]
    assert texts == ["Mayor Tom Hale took office in 2021.",
                     "Mayor Tom Hale cut the police budget by 5 percent."], texts
    doc = run("Officials who were not authorized to speak said the port closed in May.")
    assert [a.attrs["text"] for a in atoms(doc)] == [
        "Officials who were not authorized to speak said the port closed in May."]


def test_a_later_clause_borrows_the_name_not_the_clause_set_off_about_it(run):
    doc = run("Mayor Tom Hale, who took office in 2021, cut the police budget by 12% and "
              "hired 40 new teachers.")
    assert_offsets(doc)
    assert [a.attrs["text"] for a in atoms(doc)] == [
        "Mayor Tom Hale took office in 2021.",
        "Mayor Tom Hale cut the police budget by 12%.",
        "Mayor Tom Hale hired 40 new teachers."]


def test_a_bare_name_left_by_a_misparse_is_no_claim(run):
    """The parser made "Kotek" the root and hung every verb under the clause about her:
    the root's own clause was the bare name, listed as a claim."""
    doc = run("Oregon Governor Tina Kotek, who called the move unlawful and said the state "
              "would sue, met with officials on Monday and announced a task force.")
    texts = [a.attrs["text"] for a in atoms(doc)]
    assert texts and "Oregon Governor Tina Kotek." not in texts, texts
    assert texts[0] == "Oregon Governor Tina Kotek called the move unlawful."
    # a headline without a verb is still a claim of its own
    assert [a.attrs["text"] for a in atoms(run("Crime up 40% in Portland."))] == [
        "Crime up 40% in Portland."]


def test_a_pronoun_that_says_a_quote_is_its_speaker_and_a_dateline_is_no_claim() -> None:
    """From a new user's trial: '"...," she said' after Councilmember Carroll Fife became
    Councilmember Noel Gallo (named two sentences up); "the city's police union" became
    "OAKLAND's" (the dateline's town) and "the city manager's office" lost "city"; a
    dateline set apart ("COLUMBUS, Ohio (AP) —") was a claim of its own."""
    from rhetorica.document import Document
    from rhetorica.pipeline import Pipeline

    text = ("RIVERTON, Ohio (AP) — The council approved a contract with the city's police "
            "union, according to figures from the city manager's office.\n\n"
            '"It is the right deal," said Councilmember Noel Gallo, who represents Fruitvale.'
            "\n\nCouncilmember Carroll Fife, who voted against the deal, said the city had no "
            'plan. "We are handing a blank check to a department under federal oversight for '
            '20 years," she said.')
    doc = Pipeline()(Document(text))
    claims = [doc.text[c.start:c.end] for c in doc.layer("claim")]
    assert not any(c.strip().startswith("RIVERTON") and len(c) < 25 for c in claims), claims
    texts = [a.attrs["text"] for a in doc.layer("atomic_claim")]
    blank = next(t for t in texts if "blank check" in t)
    assert "Fife said" in blank and "Gallo" not in blank, blank
    union = next(t for t in texts if "police union" in t)
    assert "RIVERTON" not in union and "city manager's office" in union, union


def test_a_dateline_is_no_subject_to_borrow(run):
    """The parser made the dateline's town a second subject of "cut"; the clause after
    "and" borrowed it: "RIVERTON, Ohio (AP) — hired 40 new teachers"."""
    doc = run("RIVERTON, Ohio (AP) — Mayor Tom Hale, who took office in 2021, cut the police "
              "budget by 12% and hired 40 new teachers.")
    assert [a.attrs["text"] for a in atoms(doc)] == [
        "Mayor Tom Hale took office in 2021.",
        "Mayor Tom Hale cut the police budget by 12%.",
        "Mayor Tom Hale hired 40 new teachers."]
