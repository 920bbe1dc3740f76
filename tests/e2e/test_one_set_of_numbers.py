"""Issue 18's cases, redone as a user would in real Chromium: every page cites the same numbers,
and evidence is guarded. Screenshots go to test-results/ (1280 px, some also at 1024 px)."""

import re

import pytest
from playwright.sync_api import Page, expect

from advisor import assess, get_preset
from advisor.labels import OPTION_LABELS
from calculators import cost_report
from tests.e2e.helpers import set_number, wait_for_app
from tests.peers import ChatServer

pytestmark = pytest.mark.e2e


def _load_preset(page: Page, preset_id: str) -> None:
    page.goto("/")
    wait_for_app(page)
    page.locator(f".st-key-preset-card-{preset_id}").get_by_role("button", name="Use this case").click()
    # The checklist holds the preset once the address carries its scenario. Waiting for an idle page
    # alone could return before the switch: the next edit then reached the page being replaced and
    # was lost (a full run saw the Costs page at the preset's 300,000 requests, not the 2M typed).
    expect(page).to_have_url(re.compile(r"/checklist\?.*s="))
    wait_for_app(page)


def _go(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    wait_for_app(page)


def _both_widths(page: Page, shots, name: str) -> None:
    page.screenshot(path=shots / f"{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 1024, "height": 1400})
    wait_for_app(page)
    page.screenshot(path=shots / f"{name}-1024.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1400})
    wait_for_app(page)


def test_the_recommendations_cost_reasoning_is_the_costs_pages(page: Page, shots):
    # Case 1: the hospital case at 2M requests a month.
    _load_preset(page, "hospital-records")
    set_number(page, "Requests per month", 2_000_000)
    scenario = get_preset("hospital-records").scenario.model_copy(update={"requests_per_month": 2_000_000})
    report = cost_report(scenario)
    _go(page, "Costs")
    cloud = f"${report.cloud[0].monthly_usd:,.0f}/mo"
    local = f"${report.local.monthly_usd:,.0f}/mo"
    # The Costs page's first draw runs the capacity model; on two shared cores that can take a while.
    expect(page.get_by_test_id("stMetric").filter(has_text=cloud).first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stMetric").filter(has_text=local).first).to_be_visible()

    _go(page, "Recommendation")
    expect(page.get_by_text("where fixed local capacity gets cheaper per request")).to_have_count(0)
    box = page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text("What the cost model and the latency check found"))
    expect(box.get_by_test_id("stMetric").filter(has_text=cloud.removesuffix("/mo")).first).to_be_visible()
    expect(box.get_by_test_id("stMetric").filter(has_text=local.removesuffix("/mo")).first).to_be_visible()
    result = assess(scenario)
    expect(box.get_by_text(f"cheapest: {OPTION_LABELS[result.costs.cheapest]}").first).to_be_visible()
    _both_widths(page, shots, "issue18-recommendation-costs")

    # Change a cost assumption on the Costs page: the Recommendation follows.
    _go(page, "Costs")
    page.get_by_text("Local: owning, people and fixed costs").click()
    set_number(page, "DevOps/MLOps staff (FTE)", 3)
    _go(page, "Recommendation")
    changed = cost_report(scenario, report.assumptions.model_copy(update={"staff_fte": 3.0, "staff_monthly_usd": None})).local.monthly_usd
    expect(box.get_by_test_id("stMetric").filter(has_text=f"${changed:,.0f}").first).to_be_visible()


def test_the_privacy_step_and_the_recommendation_give_one_verdict(page: Page, shots):
    _load_preset(page, "hospital-records")
    page.get_by_role("radio", name="2. Privacy & regulation").click()
    wait_for_app(page)
    verdict = page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text("Cloud offerings and your rules")).first
    expect(verdict.get_by_text(re.compile("Requests under HIPAA may go only to .*OpenAI API"))).to_be_visible()
    page.screenshot(path=shots / "issue18-privacy-step.png", full_page=True)
    _go(page, "Recommendation")
    expect(page.get_by_text("is ruled out.")).to_have_count(0)

    page.get_by_role("button", name="Edit the answers").click()
    wait_for_app(page)
    page.get_by_role("radio", name="2. Privacy & regulation").click()
    wait_for_app(page)
    page.get_by_label("Rules that apply to that data").click()
    page.get_by_role("option", name="Air-gapped environment").click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    expect(page.get_by_text("Cloud and hybrid are ruled out.")).to_be_visible()
    _go(page, "Recommendation")
    expect(page.get_by_text("Cloud API is ruled out.")).to_be_visible()
    expect(page.get_by_text("Hybrid is ruled out.")).to_be_visible()


def test_a_one_second_target_for_300_token_answers_is_checked(page: Page, shots):
    page.goto("/checklist")
    wait_for_app(page)
    set_number(page, "Output tokens per request", 300)
    page.get_by_role("radio", name="3. Latency").click()
    wait_for_app(page)
    set_number(page, "Whole answer within, 95th percentile (ms)", 1000)
    expect(page.get_by_text("within what cloud APIs typically deliver")).to_have_count(0)
    _go(page, "Recommendation")
    note = page.get_by_text(re.compile(r"No option meets the whole answer within 1\.00 s for 300-token answers"))
    expect(note).to_be_visible()
    expect(page.get_by_text(re.compile("What would: stream the answer and set a time-to-first-token target"))).to_be_visible()
    _both_widths(page, shots, "issue18-latency-check")


def test_empty_answers_are_errors_and_no_gap_is_offered(page: Page, shots):
    with ChatServer("") as server:  # every answer empty
        page.goto("/quality")
        wait_for_app(page)
        field = page.get_by_label("Another OpenAI-compatible server (optional)", exact=True)
        field.fill(server.url + "/v1")
        field.press("Enter")
        # The server is a choice once the app has the URL (waiting for the page alone could return
        # before that rerun began, and removing Local then left nothing to run).
        expect(page.get_by_text(f"OpenAI-compatible server {server.url}/v1", exact=True)).to_be_visible()
        # Only the empty server: the local model would take minutes on 40 tasks here.
        page.get_by_test_id("stMultiSelect").get_by_role("button", name=re.compile("Remove Local")).first.click()
        wait_for_app(page)
        run = page.get_by_role("button", name="Run", exact=True)
        expect(run).to_be_enabled()
        run.click()
        expect(page.get_by_text(re.compile(r"answered none of its 40 tasks"))).to_be_visible(timeout=120_000)
    expect(page.get_by_text(re.compile("gave no answer \\(empty, or only punctuation\\)"))).to_be_visible()
    expect(page.get_by_role("button", name="Use this gap in the decision")).to_have_count(0)
    page.screenshot(path=shots / "issue18-quality-empty-answers.png", full_page=True)


def test_labelled_sensitive_prompts_sent_to_the_cloud_are_a_headline(page: Page, shots, tmp_path):
    prompts = tmp_path / "ward.csv"
    prompts.write_text("prompt,sensitive\n\"Mr. Ahmed Khan's biopsy came back positive for melanoma\",true\n"
                       "\"What are the visiting hours on Sunday?\",false\n", encoding="utf-8")
    page.goto("/routing")
    wait_for_app(page)
    page.get_by_role("tab", name="Upload a file").click()
    page.locator("input[type=file]").first.set_input_files(str(prompts))
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Routing 2 prompts"))).to_be_visible()
    # The privacy split alone: what the detector misses goes to the cloud, as in the issue.
    page.get_by_label("Start from", exact=True).click()
    page.get_by_role("option", name="privacy-split", exact=True).click()
    wait_for_app(page)
    headline = page.get_by_test_id("stMetric").filter(has_text="Labelled sensitive that went to the cloud")
    expect(headline).to_have_text(re.compile(r"cloud\s*1\s*$"))
    expect(page.get_by_text("No detected sensitive item goes to the cloud")).to_have_count(0)
    expect(page.get_by_text(re.compile("1 prompt labelled sensitive goes to the cloud"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"counted by o200k_base"))).to_be_visible()
    _both_widths(page, shots, "issue18-routing-labelled")


def test_the_report_says_what_the_page_says(page: Page, shots):
    _load_preset(page, "ecommerce-assistant")
    _go(page, "Recommendation")
    heading = page.get_by_role("heading", level=2).first.inner_text()
    score = re.search(r"— (\d+) / 100", heading).group(1)
    _go(page, "Report")
    line = page.get_by_text(re.compile(r"^Recommendation: .* \((\d+)/100\)"))
    expect(line).to_contain_text(f"({score}/100)")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Markdown").click()
    markdown = open(download.value.path(), encoding="utf-8").read()
    assert f"({score}/100)" in markdown and "points for the winner" not in markdown and "e+0" not in markdown
    page.screenshot(path=shots / "issue18-report.png", full_page=True)
