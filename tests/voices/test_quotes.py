"""Quotes and speakers, polarity and modality, and voices in the tone figures."""

from __future__ import annotations

import pytest

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.nlp.spacy_model import load_spacy
from rhetorica.pipeline import Pipeline
from rhetorica.voices.modality import modality, polarity
from rhetorica.voices.quotes import find_attributions, quote_spans

ARTICLE = (
    "RIVERTON — The governor on Sunday called the protests \"an invasion\" in a post on her "
    "account. \"We will restore order, and the invaders will be expelled!\" Strand wrote.\n"
    "Mayor Ines Varga said the deployment was reckless. \"This is a dangerous escalation,\" "
    "her spokesperson said. Riverton is not occupied, Varga told reporters."
)


@pytest.fixture(scope="module")
def nlp():
    return load_spacy(Settings().spacy_model)


def test_quote_marks_straight_curly_nested_and_apostrophes() -> None:
    text = "He said “the ‘so-called’ plan is dead” and left. It's \"done,\" she said."
    spans = [text[a:b] for a, b in quote_spans(text)]
    assert spans == ["“the ‘so-called’ plan is dead”", "\"done,\""]


def test_direct_and_reported_speech_with_their_speakers(nlp) -> None:
    atts = find_attributions(nlp(ARTICLE), ARTICLE)
    by_content = {ARTICLE[a.content[0]:a.content[1]]: a for a in atts}
    direct = by_content["\"We will restore order, and the invaders will be expelled!\""]
    assert direct.kind == "direct" and direct.speaker == "Strand"
    assert ARTICLE[direct.cue[0]:direct.cue[1]] == "wrote"
    reported = by_content["the deployment was reckless"]
    assert reported.kind == "indirect" and reported.speaker == "Mayor Ines Varga"
    assert by_content["Riverton is not occupied"].speaker == "Varga"


def test_a_short_quoted_phrase_without_a_cue_is_a_mention(nlp) -> None:
    for text in ("Critics say the word \"occupied\" is misleading. The city was calm.",
                 "The harbour was \"occupied\" by tourists all summer."):
        atts = find_attributions(nlp(text), text)
        assert [a.kind for a in atts if text[a.content[0]:a.content[1]] == "\"occupied\""] \
            == ["mention"]


def test_according_to_gives_source_and_content(nlp) -> None:
    text = "According to the port authority, container traffic rose 12% last year."
    [a] = find_attributions(nlp(text), text)
    assert text[a.source[0]:a.source[1]] == "the port authority"
    assert text[a.content[0]:a.content[1]] == "container traffic rose 12% last year"


@pytest.mark.parametrize("sentence,word,pol,mod", [
    ("Riverton is not occupied.", "occupied", "negated", "fact"),
    ("Riverton is occupied.", "occupied", "asserted", "fact"),
    ("There is no invasion of our city.", "invasion", "negated", "fact"),
    ("We will invoke the Insurrection Act.", "invoke", "asserted", "future"),
    ("A curfew must be imposed.", "imposed", "asserted", "demand"),
    ("If they riot, we could send troops.", "send", "asserted", "condition"),
    ("Is the city occupied?", "occupied", "asserted", "question"),
    ("The mayor denied that the city was occupied.", "occupied", "negated", "fact"),
    ("The president refused to invoke the Insurrection Act.", "invoke", "negated", "fact"),
    ("A judge prevented the troops from entering the city.", "entering", "negated", "fact"),
    ("They left without invoking the Act.", "invoking", "negated", "fact"),
    ("The Guard was deployed without troops from Texas.", "troops", "negated", "fact"),
    ("The president threatened to send troops into the city.", "send", "asserted", "future"),
    ("He may have no choice but to send in the troops.", "send", "asserted", "possibility"),
    ("He may say that troops were sent.", "sent", "asserted", "fact"),
])
def test_polarity_and_modality(nlp, sentence: str, word: str, pol: str, mod: str) -> None:
    doc = nlp(sentence)
    i = sentence.index(word)
    assert (polarity(doc, i, i + len(word)), modality(doc, i, i + len(word))) == (pol, mod)


def test_voices_split_the_tone_and_claims_get_their_claimant() -> None:
    doc = Pipeline(settings=Settings())(Document(ARTICLE))
    quotes = doc.layer("quote")
    speakers = {q.attrs["speaker"] for q in quotes if q.label != "mention"}
    assert "Ines Varga" in speakers and any("Strand" in s for s in speakers)
    spokes = [q for q in quotes if "escalation" in q.text_in(ARTICLE)]
    assert spokes and spokes[0].attrs["speaker"].endswith("spokesperson")
    voices = {v["voice"]: v for v in doc.results["voices"]}
    assert doc.results["tone"]["voice"] == "author"
    assert "author" in voices and len(voices) >= 3
    # the author's own words carry none of the quoted rhetoric
    assert voices["author"]["rhetoric_spans"] == 0
    quoted = [s for s in doc.layer("rhetoric") if s.attrs.get("voice") not in ("author",)]
    assert quoted
    negated = [s for s in doc.layer("rhetoric") if s.attrs.get("polarity") == "negated"]
    assert all(s.attrs["voice"] != "author" or s.attrs["polarity"] == "negated"
               for s in negated)


@pytest.mark.parametrize("sentence,labels", [
    ("The president invoked the Insurrection Act on Monday.", [("insurrection_act",
                                                                "critical")]),
    ("We will invoke the Insurrection Act if they riot again.",
     [("insurrection_act:threatened", "high")]),
    ("A curfew must be imposed tonight.", [("curfew:demanded", "medium")]),
    ("No curfew was imposed.", []),
    ("The governor refused to impose a curfew.", []),
    ("The president threatened to send active-duty troops into Harlow.",
     [("troops_deployed:threatened", "medium")]),
    ("The president sent active-duty troops into Harlow.", [("troops_deployed", "high")]),
    ("The president threatened to invoke the Insurrection Act.",
     [("insurrection_act:threatened", "high")]),
    ("Aides are weighing whether to invoke the Insurrection Act.",
     [("insurrection_act:threatened", "high")]),
    ("The president has no plans to invoke the Insurrection Act.", []),
])
def test_watch_hits_fire_only_for_events_reported_as_done(nlp, sentence: str,
                                                          labels: list) -> None:
    from rhetorica.monitor.watchlist import IndicatorMatcher, load_watchlist

    doc = Document(sentence)
    doc.parsed = nlp(sentence)
    IndicatorMatcher(load_watchlist(), use_examples=False)(doc)
    assert [(s.label, s.attrs["severity"]) for s in doc.layer("indicator")] == labels


def test_voices_section_escapes_quotes_and_speakers() -> None:
    from rhetorica.voices.report import VOICES

    text = ('The mayor spoke on Monday. "They are <script>alert(1)</script> invaders '
            'and vermin!" said Mayor Ines Varga.')
    doc = Pipeline(settings=Settings())(Document(text))
    html = VOICES.html(doc)
    md = VOICES.markdown(doc)
    assert html and "<script>" not in html and "&lt;script&gt;" in html
    assert md and "<script>" not in md and "Ines Varga" in md


def test_a_reported_claim_is_checked_for_what_was_said_with_the_speaker_as_claimant() -> None:
    from rhetorica.evidence.claimreview import claim_review
    from rhetorica.evidence.report import _checked_md

    text = ("Trump claimed that Los Angeles is occupied by criminals. "
            "Officials said on Monday that the curfew would last three days, "
            "which critics called far too long.")
    doc = Pipeline(settings=Settings())(Document(text))
    by_text = {c.text_in(text): c for c in doc.layer("claim")}
    first = by_text["Trump claimed that Los Angeles is occupied by criminals."]
    assert first.attrs["checkable_text"] == "Los Angeles is occupied by criminals."
    assert first.attrs["attribution"] == "Trump claimed"
    assert "Trump" in first.attrs["claimant"]
    atoms = [a for a in doc.layer("atomic_claim") if a.start == first.start]
    assert atoms and atoms[0].attrs["checkable_text"] == first.attrs["checkable_text"]
    assert atoms[0].attrs["text"].startswith("Trump claimed")  # the atom keeps its words
    item = {"claim": {"text": first.text_in(text), "start": first.start, "end": first.end,
                      "checked": first.attrs["checkable_text"],
                      "attribution": first.attrs["attribution"],
                      "claimant": first.attrs["claimant"]},
            "verdict": "not_enough_evidence", "confidence": 0.3, "passages": []}
    review = claim_review(item, doc, published="2026-01-01")
    assert review["claimReviewed"] == "Los Angeles is occupied by criminals."
    assert "Trump" in review["itemReviewed"]["author"]["name"]
    assert _checked_md(item["claim"])[0].startswith("checked: “Los Angeles is occupied")


def test_quote_first_and_short_reports_get_their_claimant_and_a_denial_is_not_flipped(
) -> None:
    """From a new user's trial: '"Violent crime is at a 30-year low," Bowser said' kept no
    claimant (the quote marks lay outside the claim's words), nor did 'Governor X said the
    city was calm' (what was said under half the sentence); 'denied that the city had asked
    for help' was checked as the mayor's claim that it had."""
    text = ('"Violent crime is at a 30-year low," Mayor Ivo Brandt said. '
            "Governor Ana Ruiz said the port was calm. "
            "Mayor Ivo Brandt denied that the city had asked for federal help.")
    doc = Pipeline(settings=Settings())(Document(text))
    got = {c.attrs.get("checkable_text"): c.attrs for c in doc.layer("claim")}
    assert "Brandt" in got["Violent crime is at a 30-year low."]["claimant"]
    assert "Ruiz" in got["The port was calm."]["claimant"]
    denied = got["It is not true that the city had asked for federal help."]
    assert "Brandt" in denied["claimant"] and denied["polarity"] == "negated"
    assert "The city had asked for federal help." not in got


def test_each_atomic_claim_of_an_attributed_clause_has_its_claimant() -> None:
    """'... cut the budget by 12% and hired 40 teachers, according to city records': both
    actions are the records' report, though only the second holds the attribution's words
    and neither holds the subject the attribution's content leaves out."""
    text = ("Mayor Tom Hale cut the police budget by 12% and hired 40 new teachers, according "
            "to city records. The council met on Monday, and it approved the plan, Lee said.")
    doc = Pipeline(settings=Settings())(Document(text))
    got = {a.attrs["text"]: a.attrs for a in doc.layer("atomic_claim")}
    cut = got["Mayor Tom Hale cut the police budget by 12%."]
    hired = got["Mayor Tom Hale hired 40 new teachers, according to city records."]
    assert cut["claimant"] == hired["claimant"] == "city records"
    assert cut.get("checkable_text", "") in ("", "Mayor Tom Hale cut the police budget by 12%.")
    assert hired["checkable_text"] == "Mayor Tom Hale hired 40 new teachers."
    assert hired["attribution"] == "according to city records"


def test_a_quote_after_that_is_checked_without_its_marks() -> None:
    text = ('Senator Mark Ellis said the figures were misleading, adding that "violent crime '
            'is up in every major city."')
    doc = Pipeline(settings=Settings())(Document(text))
    checked = [c.attrs.get("checkable_text") for c in doc.layer("claim")]
    assert "Violent crime is up in every major city." in checked, checked


def test_a_claim_that_only_quotes_a_phrase_stays_the_authors() -> None:
    text = "The mayor's plan, which she called \"a fresh start\", cut the budget by 40%."
    doc = Pipeline(settings=Settings())(Document(text))
    claims = doc.layer("claim")
    assert claims and all("checkable_text" not in c.attrs for c in claims)


def test_negation_cues_syntactic_lexical_and_affixal(nlp) -> None:
    from rhetorica.voices.modality import negation_cues

    words = {"known", "legal", "violent", "home", "tense"}
    doc = nlp("The cause is unknown and the raid was illegal, but nobody was hurt and the "
              "homeless shelter did not close; the mood was tense.")
    cues = [t.text for t in negation_cues(doc, words)]
    assert cues == ["unknown", "illegal", "nobody", "homeless", "not"]


def test_condaqa_cue_recall_beats_the_four_word_baseline(nlp, tmp_path) -> None:
    from rhetorica.voices.evaluate import negation_cue_recall
    from tests.conftest import SHARED_DATA, shared_data

    assert negation_cue_recall(tmp_path, nlp) is None  # absent set: not scored, no error
    shared_data("nli/condaqa")
    cues = negation_cue_recall(SHARED_DATA, nlp)
    # Measured: 0.878 of 115 sentences (baseline 0.122); affixal 0.881, lexical 0.792.
    assert cues["all"]["n"] >= 100 and cues["all"]["recall"] >= 0.8
    assert cues["all"]["recall"] > cues["all"]["baseline"] + 0.5


def test_the_authors_own_first_person_is_not_a_quoted_voice() -> None:
    """'Tonight I am ordering the Guard in' is the author speaking; an "I" inside somebody
    else's quotation stays that speaker's."""
    own = Pipeline(settings=Settings())(Document(
        "Crime rose 40% last year. Tonight I am ordering the National Guard into Portland, "
        "and we said it would restore order."))
    assert not [q for q in own.layer("quote") if q.label != "mention"]
    quoted = Pipeline(settings=Settings())(Document(
        'Newsom said: "I ordered the Guard home, and I said they would not come back."'))
    assert {q.attrs["speaker"] for q in quoted.layer("quote")} == {"Gavin Newsom"}


def test_nobody_says_anything_and_a_pronoun_is_no_reported_content(nlp):
    """New-user trial: "Nobody believes her" gave "Nobody" saying "her"."""
    from rhetorica.voices.quotes import Attribution, _said

    text = "Nobody believes her. The mayor said the plan would cost $2 million."
    parsed = nlp(text)
    nobody = Attribution((16, 19), (0, 6), (7, 15), "indirect")
    mayor = Attribution((36, len(text) - 1), (21, 30), (31, 35), "indirect")
    function_words = Attribution((16, 19), (21, 30), (31, 35), "indirect")
    direct = Attribution((16, 19), (21, 30), (31, 35), "direct")
    kept = _said(parsed, text, [nobody, mayor, function_words, direct])
    assert kept == [mayor, direct]


def test_acts_are_not_reported_speech(nlp):
    """New-user trial: "Trump ordered 2,000 troops to Portland" gave Trump the "quote" '2,000
    troops to Portland'; a subject and its predicate with no word of saying between them
    ("the Commission fined Meta ...") were read as a source and what it said."""
    from rhetorica.voices.quotes import Attribution, _said

    text = ("Trump ordered 2,000 troops to Portland. The Commission fined Meta 798 million "
            "euros. The mayor said the curfew would end.")
    parsed = nlp(text)

    def at(words: str) -> tuple[int, int]:
        i = text.index(words)
        return i, i + len(words)

    ordered = Attribution(at("2,000 troops to Portland"), at("Trump"), at("ordered"),
                          "indirect")
    fined = Attribution(at("Meta 798 million euros"), at("The Commission"), None, "indirect")
    said = Attribution(at("the curfew would end"), at("The mayor"), at("said"), "indirect")
    uncued = Attribution(at("the curfew would end"), at("Trump"), None, "indirect")
    assert _said(parsed, text, [ordered, fined, said, uncued]) == [said, uncued]


def test_relative_pronouns_and_named_departments_keep_their_speakers() -> None:
    """Trial: "officials who said" gave the speaker "who"; "The Justice Department declined
    to comment" after "a news conference in Salem" gave the speaker "Salem"."""
    doc = Pipeline(["parse", "segment", "entities", "actors", "quotes"], Settings())(Document(
        "Trump overrode objections from Oregon officials who said the city was calm. "
        "Kotek spoke at a news conference in Salem. The Justice Department declined to "
        "comment."))
    speakers = {q.text_in(doc.text): q.attrs["speaker"] for q in doc.layer("quote")}
    assert speakers["the city was calm"] == "Oregon officials"
    assert "Salem" not in speakers.values()
    assert any("Justice Department" in (s or "") for s in speakers.values())


def test_the_tagger_reads_only_texts_that_can_report_speech(monkeypatch) -> None:
    """Without a quotation mark or a reporting word there is no one's words to find; the
    tagger, trained on PolNeAR's broad cues, read votes and numbers there as attributions
    ("63 percent of voters chose not to vote")."""
    from rhetorica.config import Settings
    from rhetorica.document import Document
    from rhetorica.nlp.spacy_model import load_spacy
    from rhetorica.pipeline import Pipeline
    from rhetorica.voices import tagger as tagger_module
    from rhetorica.voices.quotes import may_report_speech

    nlp = load_spacy()
    for text, may in (("Crime rose 40% in 2024 and our streets are a war zone.", False),
                      ("The senator voted against the budget three times.", False),
                      ("Crime rose, according to the mayor.", True),
                      ("Officials declined to comment on the raids.", True),
                      ("The sign read “closed” all week.", True),
                      ("Jobs are up, he said.", True)):
        assert may_report_speech(nlp(text), text) is may, text

    calls = []
    real, _ = tagger_module.default_tagger()
    if real is None:
        pytest.skip("attribution tagger artefact missing")
    monkeypatch.setattr(type(real), "tag", lambda self, text: calls.append(text) or [])
    pipe = Pipeline(["parse", "segment", "entities", "actors", "quotes"], Settings())
    quiet = pipe(Document("63 percent of the American people chose not to vote in 2022."))
    assert calls == [] and not quiet.layer("quote")
    assert quiet.results["quotes"]["reader"] == "rules"
    said = pipe(Document("Turnout fell to 37 percent, the clerk said."))
    assert len(calls) == 1 and said.results["quotes"]["reader"] == "tagger+rules"


def test_no_attribution_reaches_across_a_paragraph_or_from_a_headline() -> None:
    """A new user's article: the governor's second quote was credited to the president
    named in the next paragraph ('The president had written…'), a quote ran on over a blank
    line into the next paragraph's quote, and a title-case headline became a speaker."""
    text = ("Governor Rejects Call for Federal Troops in Harlow\n\n"
            '"Harlow is not a war zone," Governor Ana Ruiz told reporters. "I will not '
            'allow soldiers to patrol our streets."\n\n'
            'The president had written on social media that Harlow was "a killing field." '
            'He added that the Guard "will stay as long as it takes."\n\n'
            '"The city is calm," Mayor Ivo Brandt said.')
    doc = Pipeline(["parse", "segment", "entities", "actors", "quotes"], Settings())(
        Document(text))
    quotes = {text[s.start:s.end]: s.attrs for s in doc.layer("quote")}
    second = '"I will not allow soldiers to patrol our streets."'
    assert "Ruiz" in (quotes[second]["speaker"] or "") and quotes[second].get("cue") is None
    assert all("\n\n" not in q for q in quotes), list(quotes)
    assert not any(s.start < text.index("\n") for s in doc.layer("quote"))  # the headline
    calm = next(a for q, a in quotes.items() if q.startswith('"The city is calm'))
    assert "Brandt" in calm["speaker"]


def test_a_speaker_is_the_name_after_titles_or_in_apposition() -> None:
    """New-user trial: 'Illinois Gov. JB Pritzker' and 'JB Pritzker' were two speakers, and
    'a White House spokesperson, Karoline Leavitt,' was not Leavitt."""
    text = ('According to a city hall spokesperson, Ana Ruiz, the order was "fully lawful." '
            "Harlow Gov. Ivo Brandt said the troops were not needed. "
            "A spokesperson for the mayor said the curfew would end on Friday. "
            "A spokesperson for the port, who spoke on condition of anonymity, said the "
            "cranes had stopped.")
    doc = Pipeline(["parse", "segment", "entities", "actors", "quotes"], Settings())(
        Document(text))
    speakers = [q.attrs["speaker"] for q in doc.layer("quote")]
    assert speakers == ["Ana Ruiz", "Ivo Brandt", "A spokesperson for the mayor",
                        "A spokesperson for the port"]


def test_a_trailing_according_to_leaves_the_speaker_who_argued() -> None:
    """New-user trial: 'Pritzker argued that crime fell…, according to city data' made
    "city data" the speaker of the governor's argument."""
    text = ("Governor Ana Ruiz argued that crime had fallen by 30 percent, according to city "
            "data. Crime fell by a third, according to the police.")
    doc = Pipeline(["parse", "segment", "entities", "actors", "quotes"], Settings())(
        Document(text))
    speakers = {q.text_in(text): q.attrs["speaker"] for q in doc.layer("quote")}
    assert "Ruiz" in speakers["that crime had fallen by 30 percent"]
    assert "police" in speakers["Crime fell by a third"]


def test_a_new_users_wire_story_credits_each_claim_to_its_speaker() -> None:
    """From a new user's trial of wire copy: a quote continuing in its paragraph took the
    next paragraph's 'According to the police'; 'He said' right after Alderman Lopez was
    credited to the mayor he criticised (and read as what "the city" said); a quote begun in
    the sentence before, or followed by the speaker's age and a relative clause, left the
    claim without claimant; 'did not say how long' became a claim 'How long the troops
    would remain.'."""
    text = (
        '"The figures are not in dispute. Burglaries are down, thefts are down," Mayor '
        'Nora Hale said on Monday. "What the governor is doing is theatre."\n\n'
        "According to the Riverton Police Department, the city recorded 118 burglaries "
        "this year.\n\n"
        'Alderman Tom Reyes, a frequent critic of Hale, said the mayor was "celebrating too '
        'early." He said the city should ask for state help.\n\n'
        '"I still lock my door twice," said Ada Moss, 61, who has lived on Elm Street for '
        "forty years.\n\n"
        'Governor Ruth Bell, a Republican, said in a statement that she supported "the rule '
        'of law" but urged the agency to ensure that children were not left alone.\n\n'
        "A spokeswoman for the governor, Lina Park, did not say how long the patrols would "
        "last.")
    doc = Pipeline(settings=Settings())(Document(text))
    quotes = {doc.text[q.start:q.end]: q.attrs for q in doc.layer("quote")}
    theatre = next(v for k, v in quotes.items() if "theatre" in k)
    assert "Hale" in theatre["speaker"], theatre
    assert "He said" not in quotes
    law = next(v for k, v in quotes.items() if "rule of law" in k)
    assert "Bell" in law["speaker"], law  # "she" named in her own sentence, not Ada Moss
    claims = {doc.text[c.start:c.end]: c.attrs for c in doc.layer("claim")}

    def claim(words: str) -> dict:
        return next(v for k, v in claims.items() if words in k)

    assert "Reyes" in claim("should ask for state help")["claimant"]
    down = claim("Burglaries are down")
    assert "Hale" in down["claimant"]
    assert down["checkable_text"] == "Burglaries are down, thefts are down."
    assert "Moss" in claim("lock my door")["claimant"]
    patrols = claim("how long the patrols")
    assert "checkable_text" not in patrols and "claimant" not in patrols


def test_a_label_the_clause_talks_about_stays_asserted_under_its_negation() -> None:
    """From a new user's trial: "we will not surrender our cities to these vermin" marked
    the dehumanising label negated; the speaker uses it all the same."""
    from rhetorica.voices.modality import presupposed

    nlp = load_spacy()
    text = "We will not surrender our cities to these vermin."
    doc = nlp(text)
    at = text.index("these vermin")
    assert presupposed(doc, at, at + len("these vermin"))
    for said, words in (("They are not vermin.", "vermin"),
                        ("This is not an invasion.", "an invasion")):
        at = said.index(words)
        assert not presupposed(nlp(said), at, at + len(words)), said
    piped = Pipeline(settings=Settings())(Document(text))
    labels = [s for s in piped.layer("rhetoric") if "vermin" in piped.text[s.start:s.end]]
    assert labels and all(s.attrs["polarity"] == "asserted" for s in labels)


def test_an_office_in_lower_case_before_a_name_is_no_part_of_the_speaker() -> None:
    """From a new user's trial: voices 'spokeswoman Abigail Jackson' and 'Abigail Jackson',
    'secretary Karoline Leavitt' and 'Karoline Leavitt', for one person each."""
    text = ("City Hall spokeswoman Dana Reyes said the pool would reopen in May. "
            "Reyes said the repairs cost 2 million dollars. Council press secretary Omar "
            "Haddad told reporters that the vote was delayed.")
    doc = Pipeline(settings=Settings())(Document(text))
    speakers = {q.attrs["speaker"] for q in doc.layer("quote")}
    assert speakers == {"Dana Reyes", "Reyes", "Omar Haddad"} or \
        speakers == {"Dana Reyes", "Omar Haddad"}, speakers


def test_the_department_that_said_it_is_the_one_named_before() -> None:
    """From a new user's trial: "..., the department said" credited to "department" after
    "According to the Chicago Police Department"."""
    text = ("According to the Riverton Police Department, burglaries fell in May. "
            "Car thefts fell by about 35 percent, the department said.")
    doc = Pipeline(settings=Settings())(Document(text))
    said = next(c for c in doc.layer("claim") if "35 percent" in doc.text[c.start:c.end])
    assert said.attrs["claimant"] == "Riverton Police Department", said.attrs


def test_no_fragment_of_a_clause_or_aside_is_checked_as_what_was_said() -> None:
    """From a new user's trial: 'Forecasters warned, however, that winds could return' was
    checked as "However, that winds could return"; "...forecast to drop on Monday, which fire
    managers said could help crews" as "To drop on Monday, which."."""
    text = ("Forecasters warned, however, that winds could return by midweek. Temperatures "
            "are forecast to drop on Monday, which fire managers said could help crews.")
    doc = Pipeline(settings=Settings())(Document(text))
    checked = {doc.text[c.start:c.end][:12]: c.attrs.get("checkable_text")
               for c in doc.layer("claim")}
    assert checked["Forecasters "] == "Winds could return by midweek."
    assert not (checked["Temperatures"] or "").startswith("To ")


def test_a_clause_before_a_semicolon_is_not_what_the_next_clause_reports() -> None:
    """From a new user's trial: the headline "Ohio House passes budget with $1.2 billion in
    Medicaid cuts; hospitals warn of closures" credited the budget vote to the hospitals."""
    text = ("Westmark House passes budget with $1.2 billion in Medicaid cuts; hospitals warn "
            "of closures\n\nThe House voted 58-39 on Tuesday.")
    doc = Pipeline(settings=Settings())(Document(text))
    head = next(c for c in doc.layer("claim") if "Medicaid cuts" in doc.text[c.start:c.end])
    assert head.attrs.get("claimant") != "hospitals", head.attrs
    assert "checkable_text" not in head.attrs


def test_signs_tallies_and_datelines_say_nothing() -> None:
    """From a new user's trial: 'signs reading "Fund Care, Not Cops."' credited to the
    councilmember quoted before; "voted 5-3" made "-3" a voice; a wire story's quote began
    with the dateline's 'AP) —'."""
    text = ("Council approves contract\n\n"
            "RIVERTON, Ohio (AP) — The council voted 5-3 on Tuesday to approve a contract, "
            "officials said.\n\n"
            '"It is a fair deal," said Councilmember Ana Ruiz.\n\n'
            'Many held signs reading "Fund Care, Not Cops."')
    doc = Pipeline(settings=Settings())(Document(text))
    quotes = {doc.text[q.start:q.end]: q.attrs.get("speaker") for q in doc.layer("quote")}
    assert not any("Fund Care" in k and v and "Ruiz" in v for k, v in quotes.items()), quotes
    assert not any(v and not any(c.isalpha() for c in v) for v in quotes.values()), quotes
    assert not any(k.startswith(("AP", "(AP")) for k in quotes), quotes


def test_one_voice_per_person_however_the_text_names_them() -> None:
    """From a new user's trial: "Gov. Mike DeWine", "Mike DeWine" and "DeWine" were three
    voices."""
    text = ("Gov. Ana Ruiz said the budget was balanced. Ruiz said the state would not cut "
            'schools. "We kept our word," Ana Ruiz said. Sen. Tom Hale said the numbers were '
            "wrong.")
    doc = Pipeline(settings=Settings())(Document(text))
    speakers = {q.attrs["speaker"] for q in doc.layer("quote") if q.attrs.get("speaker")}
    assert speakers == {"Ana Ruiz", "Tom Hale"}, speakers
    rows = {r["voice"] for r in doc.results.get("voices", [])}
    assert rows <= {"author", "Ana Ruiz", "Tom Hale"}, rows
