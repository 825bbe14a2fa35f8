"""End to end in a real headless Chromium: paste -> analyse -> highlights -> evidence -> download.

Uses Debian's chromium (``.ci/run`` installs it) through Playwright's Python API; skips
cleanly when the browser or the package is missing. No ``playwright install``: nothing is
downloaded.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest

from tests.web.conftest import HOSTILE

CHROMIUM = Path(os.environ.get("RHETORICA_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(accept_downloads=True, base_url=live_server.url)
    # Any request leaving the loopback server is a failure: the app makes no outbound calls.
    outbound = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        live_server.url) else (outbound.append(route.request.url), route.abort()))
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    context.close()
    assert not errors, errors  # no script ran from the statement, no JS errors
    assert not outbound, outbound


def test_paste_analyse_highlight_evidence_download(page, tmp_path):
    page.goto("/")
    page.fill("#text", HOSTILE)
    page.fill("#speaker", "Mayor <b>Example</b>")
    page.fill("#date", "2024-05-01")
    page.click("#analyse-button")
    page.wait_for_url("**/documents/*")

    # Highlights with a legend; the hostile markup is shown as text, never run.
    marks = page.locator("#statement mark.hl")
    assert marks.count() >= 2
    assert page.locator("#legend").is_visible()
    war = page.locator('#statement mark[data-labels*="war_frame"]')
    assert war.first.inner_text() == "war zone"
    assert "<script>" in page.inner_text("#statement")
    assert page.locator("#statement script, #statement img").count() == 0
    assert "Mayor <b>Example</b>" in page.inner_text(".meta")

    # Clicking a highlight explains it in words (tooltips need a mouse).
    war.first.click()
    assert "war frame" in page.inner_text("#span-info")

    # Open the top claim's evidence card.
    card = page.locator("details.claim-card").first
    assert not card.evaluate("el => el.open")
    card.locator("summary").click()
    assert card.evaluate("el => el.open")
    body = card.locator(".card-body")
    assert body.is_visible()
    assert "Evidence" in body.inner_text()
    assert card.locator("q").inner_text() in HOSTILE

    # Baseline chart for the speaker (one statement so far).
    assert page.locator("#baseline svg circle").count() == 1

    # Download the JSON and HTML reports through the browser.
    with page.expect_download() as info:
        page.click("#download-json")
    path = tmp_path / "report.json"
    info.value.save_as(path)
    data = json.loads(path.read_text("utf-8"))
    assert data["text"] == HOSTILE and data["meta"]["speaker"] == "Mayor <b>Example</b>"
    with page.expect_download() as info:
        page.click("#download-html")
    html = info.value.path().read_text("utf-8")
    assert "&lt;script&gt;" in html and "<script>alert" not in html


def test_empty_paste_shows_a_clear_error(page):
    page.goto("/")
    page.fill("#text", "   ")
    page.click("#analyse-button")
    # the browser's own "required" check passes whitespace; the server answers clearly
    assert "is empty" in page.inner_text("#form-error")
    assert page.input_value("#text") == "   "


def test_background_ingest_shows_progress_until_done(page, live_server, tmp_path):
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(json.dumps({"text": f"Bus fares rose {i}% in 2023, said Ann.",
                                         "speaker": "Ann", "date": f"2023-02-{i + 1:02d}"}) + "\n"
                             for i in range(24)), encoding="utf-8")
    page.goto("/")
    page.click("details.upload summary")
    page.set_input_files("input[name=file]", str(posts))
    page.click("details.upload button[type=submit]")
    page.wait_for_url("**/jobs/*")
    # a selector, not wait_for_function: the strict CSP forbids the eval() that would need
    page.wait_for_selector('#job[data-status="done"]', timeout=30_000)
    assert page.inner_text("#job-count") == "24/24"
    assert page.evaluate("document.getElementById('job-progress').value") == 24
    assert page.locator("#job-result").is_visible()
    page.goto("/speakers/Ann")
    assert page.locator("#baseline svg circle").count() == 24
    page.goto("/documents?q=fares")
    assert page.locator("table.rows tbody tr").count() == 24


def test_corpus_verify_and_open_the_evidence_card(page, tmp_path):
    from rhetorica.web.features import available

    if not (available("corpus") and available("verify")):
        pytest.skip("evidence corpus / verification not installed")
    corpus = tmp_path / "reports.jsonl"
    corpus.write_text(json.dumps({
        "title": "Police annual report", "source": "City Police", "date": "2024-12-30",
        "text": "Recorded crime in the city rose by 40 percent in 2024 compared with 2023, "
                "the police annual report shows."}) + "\n", encoding="utf-8")
    page.goto("/corpus")
    page.set_input_files("input[name=file]", str(corpus))
    page.click("form[action='/corpus/upload'] button[type=submit]")
    page.wait_for_selector('#job[data-status="done"]', timeout=60_000)

    # the corpus document opens down to its passages
    page.goto("/corpus")
    page.click("table.rows a[href^='/corpus/']")
    assert "40 percent" in page.inner_text("ol.passages")

    page.goto("/")
    page.fill("#text", "Crime rose 40% in 2024, the police say.")
    page.click("#analyse-button")
    page.wait_for_url("**/documents/*")
    page.click("form.verify button")
    page.wait_for_url("**/jobs/*")
    job_url = page.url
    # when the verification is done, the page returns to the statement by itself
    try:
        page.wait_for_url("**/documents/*", timeout=60_000)
    except Exception:  # say what the job page shows (a failed job, a stuck step)
        pytest.fail(f"no return to the statement; the job page reads: "
                    f"{page.inner_text('body')[:2000]}")
    statement_url = page.url
    # also when it had finished before its page was served (a fast verification)
    page.goto(job_url)
    page.wait_for_url(statement_url, timeout=10_000)
    card = page.locator("details.claim-card").first
    card.locator("summary").click()
    assert card.locator(".verdict").is_visible()
    assert "40 percent" in card.locator(".evidence").inner_text()


REVIEW_TEXT = ("The mayor said crime fell by 12 percent last year. The new bridge will open in "
               "May after repairs costing $40 million. Officials confirmed that 300 National "
               'Guard troops were deployed downtown on Monday. "We will not be intimidated," '
               "said Governor Ana Ruiz, calling the deployment unlawful.")


def artefacts(tmp_path: Path) -> Path:
    """Where screenshots go: RHETORICA_ARTIFACTS (CI keeps it), else the test's tmp dir."""
    out = Path(os.environ.get("RHETORICA_ARTIFACTS") or tmp_path) / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width} px wide"


def test_review_workspace_with_the_keyboard_alone(page, tmp_path):
    page.goto("/")
    page.fill("#text", REVIEW_TEXT)
    page.click("#analyse-button")
    page.wait_for_url("**/documents/*")

    # a claim marked in the text opens its card beside the text
    mark = page.locator("#statement a.claim-mark").nth(1)
    anchor = mark.get_attribute("data-claim")
    card = page.locator(f"details#{anchor}")
    assert not card.evaluate("el => el.open")
    mark.click()
    page.wait_for_function("id => document.getElementById(id).open", arg=anchor)
    assert card.is_visible()

    # keyboard only: focus the claim in the text, Enter opens it, then fill its form
    page.reload()
    page.locator(f'#statement a.claim-mark[data-claim="{anchor}"]').focus()
    assert "claim #" in page.inner_text("#span-info")
    page.keyboard.press("Enter")
    page.wait_for_function("id => document.getElementById(id).open", arg=anchor)
    card.locator('input[value="misleading"]').focus()
    page.keyboard.press("Space")
    for _ in range(2):  # the note, then the evidence
        page.keyboard.press("Tab")
    page.keyboard.type("https://city.example/budget")
    page.keyboard.press("Tab")
    page.keyboard.type("Dana")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**#{anchor}")
    assert card.evaluate("el => el.open")
    assert "misleading" in card.locator(".review").inner_text()
    assert "claim-misleading" in page.locator(
        f'#statement a.claim-mark[data-claim="{anchor}"]').get_attribute("class")

    # one voice at a time: the governor's words stay, the rest is dimmed
    page.check('#voices input[value*="Ruiz"]')
    assert page.locator("#statement .voice-a.dim").count() >= 1
    assert page.locator('#statement .voice-q[data-voice*="Ruiz"].dim').count() == 0
    assert page.locator('#statement .voice-q[data-voice*="Ruiz"]').count() >= 1

    # the claims table, with the verdict, through the browser
    with page.expect_download() as info:
        page.click("#export-csv")
    assert "misleading" in info.value.path().read_text("utf-8")
    # ClaimReview publishes the reviewed claim, the reviewer as its author
    if page.locator("#download-claimreview").count():
        with page.expect_download() as info:
            page.click("#download-claimreview")
        [cr] = json.loads(info.value.path().read_text("utf-8"))
        assert cr["author"]["name"] == "Dana" and cr["reviewRating"]["ratingValue"] == 2

    shots = artefacts(tmp_path)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        no_horizontal_overflow(page)
        page.screenshot(path=str(shots / f"document-{width}.png"), full_page=True)


def test_pages_fit_a_laptop_and_a_phone(page, tmp_path):
    shots = artefacts(tmp_path)
    for path in ("/", "/documents", "/corpus", "/watch", "/speakers", "/jobs"):
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            resp = page.goto(path)
            if resp is not None and resp.status == 404:
                continue  # a part not installed here
            no_horizontal_overflow(page)
            page.screenshot(path=str(shots / f"{path.strip('/') or 'index'}-{width}.png"),
                            full_page=True)


def test_every_page_passes_an_accessibility_check(browser, live_server, tmp_path):
    """axe-core (bundled in axe-playwright-python, no download): no violation of serious or
    critical impact on any page, the document workspace included."""
    axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")
    # the app's CSP rightly refuses injected scripts; the checker needs to inject axe
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/")
    page.fill("#text", REVIEW_TEXT)
    page.click("#analyse-button")
    page.wait_for_url("**/documents/*")
    document = page.url
    axe = axe_api.Axe()
    found = {}
    for path in (document, "/", "/documents", "/corpus", "/watch", "/speakers", "/jobs",
                 "/api"):
        resp = page.goto(path)
        if resp is not None and resp.status == 404:
            continue
        if path == document:
            page.locator("details.claim-card summary").first.click()  # a form in view
        result = axe.run(page)
        bad = [f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s), e.g. "
               f"{v['nodes'][0]['html'][:120]}"
               for v in result.response["violations"] if v["impact"] in ("serious",
                                                                         "critical")]
        found[path] = bad
    context.close()
    assert not any(found.values()), json.dumps(found, indent=1)


def test_watch_page_with_alerts_reads_at_both_widths(page, tmp_path):
    """The alerts table has readable columns (no cell over another) and the page fits a
    laptop and a phone, with the chart scaled to the width."""
    from typer.testing import CliRunner

    from rhetorica.cli.main import app
    from rhetorica.web.features import available

    if not available("watch"):
        pytest.skip("watch not installed")
    stream = Path(__file__).parents[1] / "monitor" / "fixtures" / "escalation.jsonl"
    res = CliRunner().invoke(app, ["watch", "run", str(stream), "--once",
                                   "--db", str(tmp_path / "live.db")])
    assert res.exit_code in (0, 1), res.output
    shots = artefacts(tmp_path)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/watch")
        rows = page.locator("table.alerts tbody tr")
        assert rows.count() >= 5
        assert page.locator("table.alerts th").count() == 6
        no_horizontal_overflow(page)
        boxes = rows.first.locator("td").evaluate_all(
            "cells => cells.map(c => { const r = c.getBoundingClientRect(); "
            "return [r.left, r.right]; })")
        assert all(a[1] <= b[0] + 1 for a, b in itertools.pairwise(boxes)), boxes
        page.screenshot(path=str(shots / f"watch-alerts-{width}.png"), full_page=True)
