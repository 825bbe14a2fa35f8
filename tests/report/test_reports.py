"""Reports: self-contained HTML with escaped text and readable overlaps; Markdown; JSON."""

from __future__ import annotations

import json
import re

from rhetorica import registry
from rhetorica.document import Document, Span
from rhetorica.report.highlight import highlight_html, segments

HOSTILE = ('They are vermin <script>alert("x")</script> and <img src=x onerror=alert(1)> '
           'flooding "our" city & </textarea> it is a war zone.')


def test_html_escapes_everything_and_is_self_contained(analyze):
    doc = analyze(HOSTILE, speaker="<b>Evil</b> speaker", title="</title><script>x()</script>")
    html = registry.formats.get("html")([doc])
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "<b>Evil</b>" not in html
    assert "</textarea>" not in html
    # No external resources: no src=/href= pointing anywhere, a strict CSP.
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)
    assert "Content-Security-Policy" in html


def test_html_highlights_with_legend_and_reasons(analyze):
    doc = analyze("They are vermin flooding our city; it is a war zone.")
    html = registry.formats.get("html")([doc])
    assert 'class="legend"' in html
    assert "Metaphor frame" in html and "Dehumanising label" in html
    mark = re.search(r'<mark[^>]*data-labels="[^"]*war_frame[^"]*"[^>]*title="([^"]*)"', html)
    assert mark and "war frame" in mark.group(1)
    assert "Named entities" in html or "Claims" in html


def test_overlapping_spans_render_as_flat_segments():
    text = "radical left agitators"
    spans = [Span(0, 12, "name_calling", attrs={"family": "technique"}, layer="rhetoric"),
             Span(0, 7, "loaded_language", attrs={"family": "technique"}, layer="rhetoric"),
             Span(8, 22, "us_vs_them", attrs={"family": "us_vs_them"}, layer="rhetoric")]
    segs = segments(text, spans)
    assert [(a, b, len(active)) for a, b, active in segs] == [
        (0, 7, 2), (7, 8, 1), (8, 12, 2), (12, 22, 1)]
    html = highlight_html(text, spans, {"technique": "#f00", "us_vs_them": "#00f"})
    assert html.count("<mark") == 4 and html.count("</mark>") == 4
    assert html.count('class="hl multi') == 2
    assert re.sub(r"<[^>]+>", "", html) == text


def test_markdown_lists_spans_with_offsets(analyze):
    doc = analyze("It is a war zone. Crime rose 40% in 2024.")
    md = registry.formats.get("markdown")([doc])
    assert md.startswith("# Statement")
    assert "| frame | war frame | “war zone” |" in md
    start = doc.text.index("war zone")
    assert f"{start}-{start + len('war zone')}" in md
    assert "Crime rose 40% in 2024." in md


def test_markdown_table_cells_escape_pipes():
    doc = Document("a | b is a war zone")
    doc.add_span(11, 19, "war_frame", layer="rhetoric", explanation="x|y",
                 attrs={"family": "frame"})
    md = registry.formats.get("markdown")([doc])
    assert "x\\|y" in md


def test_json_round_trips(analyze):
    doc = analyze("Crime rose 40% in 2024.")
    data = json.loads(registry.formats.get("json")([doc]))
    assert Document.from_dict(data).to_dict()["spans"] == doc.to_dict()["spans"]
    many = json.loads(registry.formats.get("json")([doc, doc]))
    assert len(many["documents"]) == 2


def test_markdown_neutralises_html_tags(analyze):
    doc = analyze(HOSTILE, speaker="<b>Evil</b>", title="<script>t()</script>")
    md = registry.formats.get("markdown")([doc])
    assert "<script" not in md and "<img" not in md and "<b>" not in md
    assert "&lt;script&gt;" in md


def test_markdown_overlapping_spans_are_one_bold_run():
    """Issue 17: Markdown showed stray "****" where one span starts inside another."""
    from rhetorica.report.highlight import highlight_markdown

    text = "They call it a warzone today."
    spans = [Span(15, 22, "war_frame", layer="rhetoric", attrs={"family": "frame"}),
             Span(18, 22, "loaded_language", layer="rhetoric", attrs={"family": "technique"})]
    md = highlight_markdown(text, spans, families={"frame": {"marker": "R"},
                                                   "technique": {"marker": "B"}})
    assert "****" not in md
    assert "**warzone** ⟦R war frame; B loaded language⟧" in md, md


def test_html_report_shows_no_raw_identifiers(analyze):
    """Issue 17: `defense_secretary` and `past_or_reported_action` leaked into the report."""
    from pathlib import Path

    text = Path(__file__).parents[2].joinpath("examples", "press_rebuttal.txt").read_text()
    doc = analyze(text, date="2025-06-10")
    page = registry.formats.get("html")([doc])
    visible = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", page, flags=re.S)
    assert re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", visible) == []


def test_reports_open_with_a_summary_and_contents_and_fold_long_tables(analyze):
    """Issue 17: evidence came after a 45-row claims table on a 16,900 px page."""
    sentences = [f"Crime in district {i} rose {10 + i}% in 2024, the police said."
                 for i in range(16)]
    doc = analyze(" ".join(sentences) + " They are vermin <b>flooding</b> our city.",
                  speaker="Mayor Ana Pike")
    page = registry.formats.get("html")([doc])
    summary = page[page.index('<section class="summary">'):page.index("</section>")]
    assert "What is claimed" in summary and "check-worthy claims" in summary
    assert "Not verified against an evidence corpus" in summary
    assert "How the text persuades" in summary and "vermin" not in summary.split("most used")[0]
    toc = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', page).group(1)
    for anchor in re.findall(r'href="#([^"]+)"', toc):
        assert f'id="{anchor}"' in page  # every contents link lands on its section
    assert '<details class="fold"><summary>Show all 16 rows</summary>' in page \
        or '<details class="fold"><summary>Show all 17 rows</summary>' in page
    assert "&lt;b&gt;flooding" in page and "<b>flooding" not in page
    md = registry.formats.get("markdown")([doc])
    assert md.index("## Summary") < md.index("## Claims")
    assert "- **What is claimed:** " in md and "- **Contents:** " in md


def test_highlight_families_have_colours_far_apart():
    """Issue 17: the dehumanising and emergency highlight colours were nearly identical."""
    from itertools import combinations

    from rhetorica.report.html import family_colours

    def rgb(c: str) -> tuple[int, ...]:
        return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))

    for (a, fa), (b, fb) in combinations(family_colours().items(), 2):
        distance = sum((x - y) ** 2 for x, y in zip(rgb(fa["colour"]), rgb(fb["colour"]),
                                                     strict=True)) ** 0.5
        assert distance > 60, (a, b, distance)


def test_highlight_families_differ_by_line_style_too(analyze):
    """Issue 17: a legend that tells the families apart without colour vision."""
    from rhetorica.report.html import family_colours

    patterns = [f.get("pattern") for f in family_colours().values()]
    assert len(set(patterns)) == len(patterns) and None not in patterns
    doc = analyze("They are vermin flooding our city; it is a war zone and an emergency.")
    page = registry.formats.get("html")([doc])
    marks = re.findall(r'<mark class="[^"]*fam-(\w+)"[^>]*style="[^"]*border-bottom:3px (\w+)',
                       page)
    assert marks and all(style == family_colours()[fam]["pattern"] for fam, style in marks)
    legend = re.search(r'<div class="legend">(.*?)</div>', page, flags=re.S).group(1)
    assert all(f"border-bottom: 3px {family_colours()[fam]['pattern']}" in legend
               for fam, _ in marks)


def test_claims_tables_say_whose_claim_each_is(analyze):
    """A new user: "the markdown claims table has no claimant column"."""
    doc = analyze("Governor Ana Ruiz said the port handled 2 million containers in 2024. "
                  "Crime rose 40% in 2024.")
    md = registry.formats.get("markdown")([doc])
    assert "| claimant |" in md
    row = next(line for line in md.splitlines() if "| Governor Ana Ruiz said" in line)
    assert "| Ana Ruiz |" in row
    row = next(line for line in md.splitlines() if "| Crime rose 40%" in line)
    assert "| — |" in row  # the text's own author
    html = registry.formats.get("html")([doc])
    assert "<th>claimant</th>" in html and "<td>Ana Ruiz</td>" in html


def test_reports_list_the_checkable_claims_of_each_sentence(analyze):
    """A sentence that says three things is three claims to check, each with its claimant;
    the Markdown report showed only sentences."""
    doc = analyze("RIVERTON, Ohio (AP) — Mayor Tom Hale, who took office in 2021, cut the "
                  "police budget by 12% and hired 40 new teachers, according to city records."
                  "\n\nCouncilmember Carroll Fife said the city never consulted residents.")
    md = registry.formats.get("markdown")([doc])
    assert "## Checkable claims, one proposition each" in md
    table = md.split("## Checkable claims, one proposition each", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| 1 |")]
    assert [row.split(" | ")[1:3] for row in rows] == [
        ["Mayor Tom Hale took office in 2021.", "—"],
        ["Mayor Tom Hale cut the police budget by 12%.", "city records"],
        ["Mayor Tom Hale hired 40 new teachers.", "city records"]]
    fife = next(line for line in table.splitlines() if "never consulted" in line)
    assert "| The city never consulted residents. | Carroll Fife |" in fife
    assert "| negative |" in fife
    html = registry.formats.get("html")([doc])
    assert "Checkable claims, one proposition each" in html
    assert "<q>Mayor Tom Hale hired 40 new teachers.</q>" in html


def test_checkable_claims_are_escaped(analyze):
    doc = analyze("Mayor <b>Tom</b> Hale cut the **budget** by 12% and hired 40 [new](x) "
                  "teachers.")
    md = registry.formats.get("markdown")([doc])
    table = md.split("## Checkable claims, one proposition each", 1)[1].split("\n## ", 1)[0]
    assert "<b>" not in table and "&lt;b&gt;Tom" in table
    assert "\\*\\*budget\\*\\*" in table
    assert not re.search(r"(?<!\\)\]\(", table) and "\\[new\\](x)" in table
    html = registry.formats.get("html")([doc])
    assert "<b>Tom</b>" not in html


def test_the_summary_keeps_the_authors_rhetoric_apart_from_the_quoted(analyze):
    """From a new user's trial: "intensity 24/100 (the author's own words); most used:
    vermin frame, dehumanising label" where every one of those was a politician's, quoted."""
    doc = analyze('The council cut the budget by 12%. "These bureaucrats are parasites and '
                  'vermin," Councilman Robert Vane told the crowd.')
    from rhetorica.report.summary import summary_lines

    [line] = [s for t, s in summary_lines(doc) if t == "How the text persuades"]
    assert "none in the author's own words" in line
    assert "in the words of those quoted (Robert Vane): " in line and "vermin" in line
