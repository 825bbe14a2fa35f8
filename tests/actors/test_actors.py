"""Actors: linking, date-aware offices, titles, pronouns and roles on statements we wrote."""

from __future__ import annotations

import pytest

from rhetorica.actors.component import Actors
from rhetorica.actors.kb import KBError, load_kb, validate
from rhetorica.config import Settings
from rhetorica.document import Document, DocumentMeta
from tests.conftest import assert_offsets


@pytest.fixture(scope="module")
def run_actors():
    from rhetorica.pipeline import Pipeline

    pipe = Pipeline(["parse", "segment", "entities"])
    comp = Actors(Settings())

    def run(text: str, date: str | None = None, speaker: str | None = None) -> Document:
        doc = comp(pipe(Document(text, DocumentMeta(date=date, speaker=speaker))))
        assert_offsets(doc)
        return doc

    return run


def mentions(doc: Document) -> list[tuple[str, str, str, str | None]]:
    return [(s.text_in(doc.text), s.attrs["actor_id"], s.label, s.attrs.get("office"))
            for s in doc.layer("actor")]


def by_id(doc: Document) -> dict[str, dict]:
    return {a["id"]: a for a in doc.results["actors"]["actors"]}


def test_president_directs_guard_executes_governor_objects(run_actors):
    doc = run_actors("The President ordered the National Guard into Portland on Saturday; "
                     "Governor Kotek objected and sued the administration. She said the "
                     "deployment was unlawful.", date="2025-10-01")
    got = mentions(doc)
    assert ("The President", "donald_trump", "directs", "President of the United States") in got
    assert ("National Guard", "national_guard", "executes", None) in got
    assert ("Governor Kotek", "tina_kotek", "objects", "Governor of Oregon") in got
    # calling the deployment unlawful is objecting to it, in her own reported words too
    assert ("She", "tina_kotek", "objects", "Governor of Oregon") in got
    actors = by_id(doc)
    assert actors["tina_kotek"]["role"] == "objects"
    assert actors["tina_kotek"]["mentions"] == 2
    assert actors["tina_kotek"]["sources"][0].startswith("https://")


def test_office_resolves_to_holder_on_document_date(run_actors):
    text = "The mayor of Chicago condemned the raids."
    assert mentions(run_actors(text, date="2021-05-01"))[0][1] == "lori_lightfoot"
    assert mentions(run_actors(text, date="2025-09-20"))[0][1] == "brandon_johnson"
    assert mentions(run_actors("The President spoke.", date="2022-03-01"))[0][1] == "joe_biden"
    assert mentions(run_actors("The President spoke.", date="2019-03-01"))[0][1] == \
        "donald_trump"
    # Trump out of office: linked, but with no office on that date.
    doc = run_actors("Trump criticized the raids.", date="2022-03-01")
    assert mentions(doc)[0][1:] == ("donald_trump", "objects", None)


def test_titles_disambiguate_surnames_by_date(run_actors):
    doc = run_actors("Governor Brown objected to federal agents; the Governor said the ACLU "
                     "would sue.", date="2020-07-20")
    got = mentions(doc)
    assert got[0][:2] == ("Governor Brown", "kate_brown")
    assert ("the Governor", "kate_brown", "comments", "Governor of Oregon") in got
    assert ("ACLU", "aclu", "objects", None) in got
    # Brandon Johnson was not mayor in 2020: do not link a "Mayor Johnson" then.
    doc = run_actors("Mayor Johnson spoke to reporters.", date="2020-01-10")
    assert all(m[1] != "brandon_johnson" for m in mentions(doc))
    doc = run_actors("Mayor Johnson spoke to reporters.", date="2024-01-10")
    assert mentions(doc)[0][1] == "brandon_johnson"


def test_common_word_surnames_need_support(run_actors):
    doc = run_actors("Young people marched downtown. Lee Street was closed.", date="2025-09-20")
    assert not any(m[1] in ("paul_young", "bill_lee") for m in mentions(doc))
    doc = run_actors("Paul Young met the Governor. Young said the city did not ask for troops.",
                     date="2025-09-20")
    assert [m[1] for m in mentions(doc)].count("paul_young") == 2


def test_state_attorney_general_is_not_the_federal_one(run_actors):
    doc = run_actors("Attorney General Dan Rayfield sued Trump. The Attorney General said the "
                     "Guard must stay home.", date="2025-10-01")
    ids = [m[1] for m in mentions(doc)]
    assert "pam_bondi" not in ids
    assert ids[0] == "unlinked:Dan Rayfield"
    assert ("Trump", "donald_trump", "targets", "President of the United States") in \
        mentions(doc)
    assert by_id(doc)["unlinked:Dan Rayfield"]["linked"] is False
    doc = run_actors("The Attorney General announced new charges.", date="2025-10-01")
    assert mentions(doc)[0][1] == "pam_bondi"


def test_agencies_roles_and_passive_agent(run_actors):
    doc = run_actors("ICE agents arrested dozens of people in Chicago. Protesters were arrested "
                     "by the FBI. Hegseth said troops would be deployed against the ACLU.",
                     date="2025-09-20")
    got = mentions(doc)
    assert ("ICE", "ice", "executes", None) in got
    assert ("FBI", "fbi", "executes", None) in got
    assert ("Hegseth", "pete_hegseth", "comments", "Secretary of Defense") in got
    assert ("ACLU", "aclu", "targets", None) in got
    assert not any(m[0].lower() == "ice" and m[0] != "ICE" for m in got)


def test_department_of_war_alias_and_first_person_speaker(run_actors):
    doc = run_actors("I will not let the Department of War occupy our city.",
                     date="2025-10-01", speaker="Tina Kotek")
    got = mentions(doc)
    assert got[0][:2] == ("I", "tina_kotek")
    assert got[1][:2] == ("Department of War", "dod")


def test_user_kb_extends_and_is_validated(tmp_path, monkeypatch, run_actors):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "offices:\n  - {id: governor_washington, title: Governor of Washington, role: governor,"
        " place: Washington State}\n"
        "actors:\n  - id: bob_fergus\n    name: Bob Fergus\n    type: person\n    pronoun: he\n"
        "    positions: [{office: governor_washington, start: 2025-01-15}]\n"
        "    sources: ['https://example.org/fergus']\n", encoding="utf-8")
    kb = load_kb([extra])
    assert "bob_fergus" in kb.actors and "donald_trump" in kb.actors
    assert validate(kb) == []
    comp = Actors(Settings(), (str(extra),))
    from rhetorica.pipeline import Pipeline

    doc = comp(Pipeline(["parse", "segment", "entities"])(
        Document("Governor Fergus objected to the deployment.", DocumentMeta(date="2026-01-05"))))
    assert mentions(doc)[0][1:] == ("bob_fergus", "objects", "Governor of Washington")

    bad = tmp_path / "bad.yaml"
    bad.write_text("actors:\n  - {id: x, name: X, positions: [{office: nowhere, "
                   "start: 2020-01-01}], sources: ['https://e.org']}\n", encoding="utf-8")
    with pytest.raises(KBError, match="unknown office 'nowhere'"):
        load_kb([bad])
    nosrc = tmp_path / "nosrc.yaml"
    nosrc.write_text("actors:\n  - {id: y, name: Y}\n", encoding="utf-8")
    with pytest.raises(KBError, match="sources"):
        load_kb([nosrc])
    monkeypatch.setenv("RHETORICA_KB", str(tmp_path / "missing.yaml"))
    with pytest.raises(KBError, match="cannot read"):
        load_kb()


def test_bundled_kb_is_sourced_and_consistent():
    kb = load_kb()
    assert validate(kb) == []
    for a in kb.actors.values():
        assert a.sources and all(s.startswith("https://") for s in a.sources), a.id
    assert kb.holder("dhs_secretary", __import__("datetime").date(2025, 6, 1)).id == "kristi_noem"
    assert kb.holder("defense_secretary", __import__("datetime").date(2025, 6, 1)).id == \
        "pete_hegseth"


def test_rerun_is_idempotent(run_actors):
    doc = run_actors("The President ordered the Guard into Portland.", date="2025-10-01")
    n = len(doc.layer("actor"))
    Actors(Settings())(doc)
    assert len(doc.layer("actor")) == n


def test_outdated_title_with_known_name_and_vice_president(run_actors):
    doc = run_actors("President Trump attacked the ruling. Former President Obama said nothing.",
                     date="2022-05-01")
    got = mentions(doc)
    assert got[0][:2] == ("President Trump", "donald_trump") and got[0][3] is None
    assert got[1][:3] == ("Former President Obama", "barack_obama", "comments")
    doc = run_actors("Vice President JD Vance defended the agents. The President said they were "
                     "needed.", date="2025-10-01")
    got = mentions(doc)
    assert got[0][:2] == ("Vice President JD Vance", "jd_vance")
    assert ("The President", "donald_trump", "comments", "President of the United States") in got


def test_state_guard_entity_links_to_national_guard(run_actors):
    doc = run_actors("The California National Guard was federalised over the objection of "
                     "Governor Newsom.", date="2025-06-08")
    got = mentions(doc)
    assert got[0][1:3] == ("national_guard", "executes")
    assert got[1][:3] == ("Governor Newsom", "gavin_newsom", "objects")


def test_eval_actors_beats_naive_baseline():
    from rhetorica.actors.evaluate import evaluate

    report = evaluate(None)
    ours = report["scores"]["actors component"]
    naive = report["scores"]["baseline: NER + exact name, majority role"]
    assert report["statements"] >= 20
    # Measured: link F1 1.000, role accuracy 0.900 (baseline 0.765 / 0.308; 0.975 before the
    # issue-15 news-prose rules, which read "announced new raids" as executes).
    assert ours["link_f1"] >= 0.9 and ours["role_accuracy"] >= 0.85
    assert ours["link_f1"] > naive["link_f1"] and ours["role_accuracy"] > naive["role_accuracy"]
    # Held-out news sentences (no rule written from them). Measured: 89 of 100 actors found,
    # role accuracy 0.809 of those (0.720 of all; issue 15's target is 0.80); 0.775 before
    # the rules from roles_dev4 and roles_dev6, 0.671 / 0.470 before the predicate rules.
    news = report["news_roles"]
    assert news["found"] >= 85 and news["accuracy"] >= 0.80 and news["of_gold"] >= 0.70


@pytest.mark.parametrize("text,expected", [
    ("Federal agents arrested 16 protesters outside the courthouse, police said.",
     {"Federal agents": "executes", "16 protesters": "targets", "police": "comments"}),
    ("Thousands of nurses walked off the job to protest against staffing cuts.",
     {"nurses": "objects"}),
    ("A spokesperson for the Home Office confirmed the move.", {"Home Office": "comments"}),
    ("Under pressure from the White House, the Justice Department opened an investigation "
     "into Letitia James.", {"White House": "directs", "Justice Department": "executes",
                             "Letitia James": "targets"}),
    ("Ofcom fined Meridian Radio for breaching impartiality rules.",
     {"Ofcom": "executes", "Meridian Radio": "targets"}),
    ("Gov. Wes Moore refused to mobilise the Maryland National Guard.",
     {"Wes Moore": "objects", "Maryland National Guard": "mentioned"}),
    ("Deported to El Salvador in March, Kilmar Abrego Garcia was returned to Tennessee.",
     {"Kilmar Abrego Garcia": "targets"}),
    ("Pritzker issued a statement condemning the arrival of Texas National Guard troops.",
     {"Pritzker": "objects", "Texas National Guard": "executes"}),
    ("The mayor's refusal drew a sharp rebuke from the White House.",
     {"White House": "objects"}),
    ("The strike was called by the Chicago Teachers Union.",
     {"Chicago Teachers Union": "directs"}),
    # a participle that says nothing itself: the noun it qualifies gives the role
    ("The lawsuit, brought by the Harbor Tenants Union in federal court, names the city as "
     "a defendant.", {"Harbor Tenants Union": "objects"}),
    ("The walkout, called by the Riverton Nurses Association, entered its second week.",
     {"Riverton Nurses Association": "directs"}),
    ("Students protested the firing of a lecturer by the Greystone University board.",
     {"Greystone University": "executes"}),
    ("The map was redrawn at Mayor Dana Whitfield's urging.", {"Dana Whitfield": "directs"}),
    # characterising a decision as wrong, a lone vote against, a dissent, defiance
    ("Orlen Mills said it would close its plant, a decision the Riverton Textile Workers "
     "union called a betrayal.", {"Riverton Textile Workers": "objects"}),
    ("Prosecutors charged Delia Marsh with fraud, a case her lawyers described as "
     "politically motivated.", {"her lawyers": "objects"}),
    ("The board voted 4-1 to end the contract, with Supervisor Tom Alder casting the only "
     "vote against.", {"Tom Alder": "objects"}),
    ("The court allowed the rule to stand, over a dissent by Justice Mara Quill.",
     {"Mara Quill": "objects"}),
    ("Defying a request from the Interior Ministry, the Fairhaven council voted to keep its "
     "policy.", {"Fairhaven council": "objects"}),
    # the one whose practices are investigated; "into" read as the verb's
    ("The Federal Trade Commission launched an investigation into Brightwater Health's "
     "billing practices.", {"Brightwater Health": "targets"}),
    ("The Justice Department opened a civil rights investigation into the Louisville Metro "
     "Police Department.", {"Louisville Metro Police Department": "targets"}),
])
def test_roles_from_the_predicate_in_news_prose(run_actors, text, expected):
    _assert_roles(run_actors, text, expected)


def _assert_roles(run_actors, text: str, expected: dict[str, str]) -> None:
    doc = run_actors(text, date="2025-10-01")
    got = {s.text_in(doc.text): s.label for s in doc.layer("actor")}
    for name, role in expected.items():
        hit = [r for words, r in got.items() if name in words or words in name]
        assert hit and hit[0] == role, (name, role, got)


@pytest.mark.parametrize("text,expected", [
    # courts: a finding of a violation, a request to a court, going to court
    ("Judge Elena Ruiz found that the troops had violated federal law by guarding polling "
     "stations.", {"Elena Ruiz": "objects"}),
    ("Attorney General Mark Brandt asked the state Supreme Court to strike the ballot "
     "measure.", {"Mark Brandt": "objects"}),
    ("The Harlow County Council went to court on Friday to stop the sale of the water works.",
     {"Harlow County Council": "objects"}),
    # joining, backing, leading what a noun names; joined or led by someone
    ("Fourteen states joined the lawsuit against the Labor Department.",
     {"Fourteen states": "objects", "Labor Department": "targets"}),
    ("Mayor Ivo Brandt, joined by the Dockside Tenants Union, asked a judge to halt the "
     "evictions.", {"Ivo Brandt": "objects", "Dockside Tenants Union": "objects"}),
    ("The Fair Trade Board, led by Anna Weiss, ordered the recall of the heaters.",
     {"Fair Trade Board": "directs", "Anna Weiss": "directs"}),
    # demands, announcements of one's own forces, defiance, a conditional threat
    ("Senator Ray Colton demanded that the sheriff be prosecuted.", {"Ray Colton": "directs"}),
    ("Sheriff Dale Hooper said his deputies would begin detaining people at the fairground.",
     {"Dale Hooper": "directs"}),
    ("The Interior Minister, Karl Weber, announced that the squatters would be evicted by "
     "Friday.", {"Karl Weber": "directs"}),
    ("Mayor Ruth Cole said the city would not back down.", {"Ruth Cole": "objects"}),
    ("Governor Tom Reyes said he would deploy the Guard if necessary.",
     {"Tom Reyes": "comments"}),
    ("Governor Lena Park said she had not been warned before the ministry moved to close the "
     "port, and that she would seek an injunction.", {"Lena Park": "objects"}),
    ("Senator Ada Quinn said the agency had kept families in tents for weeks, calling the "
     "conditions a disgrace.", {"Ada Quinn": "objects"}),
    # who is acted on: settling, leave, control, designation, funds withheld, a fine
    ("Norvale Foods agreed to pay $4 million to settle allegations that it underpaid drivers.",
     {"Norvale Foods": "targets"}),
    ("Officer Sam Duke was placed on administrative leave after the video surfaced.",
     {"Sam Duke": "targets"}),
    ("The governor placed the Eastport police department under state control.",
     {"Eastport police department": "targets"}),
    ("The lawsuit names Commissioner Ellen Tate as a defendant.", {"Ellen Tate": "targets"}),
    ("The administration froze research grants to Westbrook University.",
     {"Westbrook University": "targets"}),
    ("The regulator fined Kestrel Airways 2 million euros for delays.",
     {"Kestrel Airways": "targets"}),
    ("The ministry designated the Black Fern network a terrorist organisation.",
     {"Black Fern": "targets"}),
    ("Inspectors subpoenaed records from Halden Steel's Gary plant.",
     {"Halden Steel": "targets"}),
    ("The Senate hearing was interrupted and Senator Ana Ortiz was pushed to the ground and "
     "handcuffed by guards.", {"Ana Ortiz": "targets"}),
    # the doers in a barring order, a deployment's director, a let, a move to act
    ("Judge Ina Holt barred federal officers from firing rubber bullets at reporters.",
     {"Ina Holt": "objects", "federal officers": "executes"}),
    ("The deployment of troops by the Defense Department to Memphis drew protests.",
     {"Defense Department": "directs"}),
    ("Mayor Joe Lind agreed to let Customs agents work inside the city jail.",
     {"Joe Lind": "directs", "Customs": "executes"}),
    ("The Pentagon moved to federalize the Ohio National Guard.", {"Pentagon": "directs"}),
    ("Officers from the Denver Police Department fired pepper balls into the crowd.",
     {"Denver Police Department": "executes"}),
    # speech whose participle directs; a march whose participle objects
    ("The president announced a task force for Toledo, directing the Guard to patrol the "
     "port.", {"president": "directs"}),
    ("Hundreds of students marched to City Hall, denouncing the cuts as cruel.",
     {"students": "objects"}),
    # a clause with its own subject says nothing of the first one's
    ("The Parks Department began mass layoffs, and a coalition of unions sued to halt them.",
     {"Parks Department": "executes"}),
    ("Prosecutors charged Kim Ode with assault, though her lawyer called the charge "
     "fabricated.", {"Prosecutors": "executes", "her lawyer": "objects"}),
    # facing charges, being under investigation, the target named in apposition
    ("Councilman Leo Varga faces bribery charges after a year-long inquiry.",
     {"Leo Varga": "targets"}),
    ("The Halvern Port Authority came under investigation last spring.",
     {"Halvern Port Authority": "targets"}),
    ("Nora Beck, the target of Tuesday's raid, was released on bail.",
     {"Nora Beck": "targets"}),
    ("Senator Paul Grey called for an investigation into the shooting.",
     {"Paul Grey": "directs"}),
    # a curfew imposed directs, sanctions imposed execute; a blacklist; a walkout in protest
    ("Mayor Ines Falk imposed a curfew on the harbour district after the riots.",
     {"Ines Falk": "directs"}),
    ("The Finance Ministry imposed sanctions on three Ostrovan banks.",
     {"Finance Ministry": "executes"}),
    ("The Trade Office added nine Veldan firms to its export blacklist.",
     {"Trade Office": "executes"}),
    ("Members of the opposition Labour Party walked out of the chamber in protest.",
     {"Labour Party": "objects"}),
    ("Thousands of workers marched through Tarvik to demand the resignation of Prime "
     "Minister Oskar Lind.", {"workers": "objects", "Oskar Lind": "targets"}),
    # a reported clause that condemns; one's own state suing; an office named before
    ("'This is an occupation of our town,' Mayor Ruth Alder told reporters.",
     {"Ruth Alder": "objects"}),
    ("Governor Nell Ward said Vermont would sue to stop the transfer of its Guard troops.",
     {"Nell Ward": "objects"}),
    ("The governor of Maine, Ada Frost, said she would not cooperate with the raids.",
     {"Ada Frost": "objects"}),
    ("Agents with the Federal Bureau of Investigation searched the senator's house.",
     {"Federal Bureau of Investigation": "executes"}),
    # criticising the treatment of someone is not acting against them
    ("Bishop Tom Hale criticised the treatment of asylum seekers at the camp.",
     {"Tom Hale": "objects"}),
    # from a new user's trial: a refused act of help, a physical blockade by agents (but
    # protesters blocking a road object), a walkout characterised rather than called, a
    # demand to release those held
    ("Mayor Lena Ortiz said city police would not assist the Guard.",
     {"city police": "objects"}),
    ("Agents in riot gear blocked the factory's exits.", {"Agents": "executes"}),
    ("Protesters blocked the road to the depot.", {"Protesters": "objects"}),
    ("Minister Alan Reed called the walkout reckless.", {"Alan Reed": "objects"}),
    ("Church groups demanded their release.", {"Church groups": "objects"}),
    ("Thousands of Harbour Line workers walked out on Friday.",
     {"Harbour Line workers": "objects"}),
    # refusing to speak is read like the withheld comment; refusing to act objects
    ("Mayor Ivo Brandt refused to comment on the evictions.", {"Ivo Brandt": "comments"}),
    ("Mayor Ivo Brandt refused to enforce the evictions.", {"Ivo Brandt": "objects"}),
    # an act denied targets no one; speech is on a platform or a topic, not against it
    ("The Guard was not deployed.", {"National Guard": "mentioned"}),
    ("In a post on Truth Social, Mayor Ivo Brandt wrote that the port was closed.",
     {"Truth Social": "mentioned", "Ivo Brandt": "comments"}),
])
def test_roles_from_the_predicate_in_harder_news_prose(run_actors, text, expected):
    _assert_roles(run_actors, text, expected)


@pytest.mark.parametrize("text,expected", [
    ("The Pentagon sent 700 Marines to Tacoma on Monday.", {"Tacoma": "targets"}),
    ("About 300 Guard troops arrived in Duluth overnight.", {"Duluth": "targets"}),
    ("A judge blocked the deployment of 200 Guard members to Spokane.",
     {"Spokane": "targets"}),
    ("Federal agents fanned out across the streets of Minneapolis.",
     {"Minneapolis": "targets"}),
    ("Illinois sued the administration over the deployment.", {"Illinois": "objects"}),
])
def test_places_acted_on_are_actors(run_actors, text, expected):
    doc = run_actors(text, date="2025-10-01")
    got = {s.text_in(doc.text): (s.label, s.attrs["type"]) for s in doc.layer("actor")}
    for name, role in expected.items():
        assert got.get(name) == (role, "place"), (name, got)


@pytest.mark.parametrize("text", [
    "A federal judge in Portland heard the case on Monday.",
    "Speaking in Ohio, the senator said exports fell.",
    "Chicago police said two people were hurt.",
])
def test_a_place_that_only_says_where_is_no_actor(run_actors, text):
    doc = run_actors(text, date="2025-10-01")
    assert not [s for s in doc.layer("actor") if s.attrs["type"] == "place"]


def test_names_end_before_amounts_titles_are_not_actors_and_cities_not_surnames(run_actors):
    doc = run_actors("The European Commission fined Meta 798 million euros. Press secretary "
                     "Karoline Leavitt spoke later. Protesters gathered in Austin on Sunday.",
                     date="2025-10-01")
    got = {s.text_in(doc.text): (s.label, s.attrs["actor_id"]) for s in doc.layer("actor")}
    assert got["Meta"] == ("targets", "unlinked:Meta")
    assert "Press" not in got and "Meta 798 million" not in got
    doc = run_actors("Ashford Mayor Ruth Kane said the city had not been told.",
                     date="2025-10-01")
    assert [s.text_in(doc.text) for s in doc.layer("actor")] == ["Mayor Ruth Kane"]
    assert all(actor_id != "lloyd_austin" for _role, actor_id in got.values())
    # named in full first, the surname is the person again even where it reads as a place
    doc = run_actors("Lloyd Austin spoke in Texas. Later, Austin said the troops would stay.",
                     date="2024-06-01")
    assert [s.attrs["actor_id"] for s in doc.layer("actor")] == ["lloyd_austin"] * 2


def test_a_group_only_named_is_not_an_actor(run_actors):
    doc = run_actors("The curfew worried residents of the old town.", date="2025-10-01")
    assert not [s for s in doc.layer("actor") if s.attrs.get("type") == "group"]
    doc = run_actors("Police detained two journalists.", date="2025-10-01")
    groups = {s.attrs["actor_id"]: s.label for s in doc.layer("actor")
              if s.attrs.get("type") == "group"}
    assert groups == {"group:police": "executes", "group:two journalists": "targets"}


def test_president_of_an_organisation_is_not_the_president(run_actors):
    doc = run_actors("The president of the ACLU criticized the raids. Pritzker accused the "
                     "President of using troops against Chicago.", date="2025-10-06")
    got = mentions(doc)
    # Chicago, the place troops are used against, is an actor of its own (targeted)
    assert [m[1] for m in got] == ["aclu", "jb_pritzker", "donald_trump", "place:Chicago"]
    assert got[2][2] == "targets"  # "accused the President" -> object of accuse
    assert got[3][2] == "targets"


def test_a_knowledge_base_from_a_device_is_read_bounded(monkeypatch):
    """Same class as issue 14, finding 7: `--kb /dev/zero` read until MemoryError."""
    from pathlib import Path

    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("unbounded read"))
    with pytest.raises(KBError, match=r"above the .* byte limit"):
        load_kb(["/dev/zero"])


def test_headline_fragments_labels_and_department_words_are_not_actors(run_actors):
    doc = run_actors("Trump Orders Crackdown on Protesters\n\nThe Illegals will be expelled, "
                     "Trump wrote. Defense said it was ready. Newsom didn't back down.",
                     date="2025-06-10")
    names = {m[0] for m in mentions(doc)}
    assert "Trump Orders Crackdown" not in names
    assert not names & {"Illegals", "Defense", "n't"}
    assert {"Trump", "Newsom"} <= names


def test_laws_charged_capitals_and_bare_offices_are_not_actors(run_actors):
    """From a new user's trial: "Immigration Reform and Control Act", a post's "HELLHOLE"
    and "Capitol" were listed as actors."""
    doc = run_actors("Under the Immigration Reform and Control Act of 1986, employers can be "
                     "fined. Riverton is a HELLHOLE, said Senator Ana Ruiz at the Capitol. "
                     "The Clean Air Act was amended by Congress.", date="2025-06-10")
    names = {m[0] for m in mentions(doc)}
    assert not {n for n in names if n.endswith("Act")}, names
    assert not names & {"HELLHOLE", "Capitol"}, names
    assert "Ana Ruiz" in names


def test_report_says_when_offices_are_read_for_today(run_actors):
    """An undated statement reads offices as of today, and the report says so instead of
    passing today's date off as the statement's."""
    from rhetorica.report.markdown import write_markdown

    undated = write_markdown([run_actors("Hegseth ordered troops to Portland.")])
    assert "(today: the statement has no date)" in undated
    dated = write_markdown([run_actors("Hegseth ordered troops to Portland.",
                                       date="2025-09-20")])
    assert "Offices as of 2025-09-20." in dated and "today:" not in dated


def test_a_bare_group_word_and_an_acronym_are_the_actor_named_before(run_actors):
    """Trial: "Agents" after "Federal agents", "CWU" after "Communication Workers Union"
    were listed as actors of their own."""
    doc = run_actors("Federal agents arrested 47 people at the plant. Agents blocked the exits. "
                     "The Communication Workers Union said its members rejected the offer. "
                     "The CWU called a strike.", date="2025-10-01")
    rows = {a["id"]: a for a in doc.results["actors"]["actors"]}
    assert rows["group:federal agents"]["mentions"] == 2 and "group:agents" not in rows
    union = rows["unlinked:Communication Workers Union"]
    assert union["mentions"] == 2 and union["role"] == "directs"
    assert not any(k.endswith(":CWU") for k in rows)
