"""A new user walks the checklist, loads a preset and reads the recommendation, in real Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import set_number, wait_for_app

pytestmark = pytest.mark.e2e


def test_new_user_walks_the_checklist(page: Page, shots):
    page.goto("/")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Crossover")).to_be_visible()
    page.get_by_role("button", name="Start the checklist from scratch").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/checklist(\?.*)?$"))
    expect(page.get_by_role("heading", name="How many requests a month, and how long are they?")).to_be_visible()

    set_number(page, "Requests per month", 2_000_000)
    expect(page.get_by_text("2,000,000 requests", exact=True)).to_be_visible()
    page.get_by_role("button", name="Next →").click()
    wait_for_app(page)

    # privacy: slider by keyboard (40 % in steps of 5), then a regulation
    page.get_by_role("slider").focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    wait_for_app(page)
    page.get_by_label("Rules that apply to that data").click()
    page.get_by_role("option", name="GDPR (EU personal data)").click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    expect(page.get_by_text("40% of requests carry sensitive data under GDPR")).to_be_visible()

    # jump ahead to the team step and answer it
    page.get_by_role("radio", name="4. Team").click()
    wait_for_app(page)
    page.get_by_text("Dedicated DevOps / MLOps team").click()
    wait_for_app(page)

    # jump back: nothing entered was lost
    page.get_by_role("radio", name="1. Volume").click()
    wait_for_app(page)
    expect(page.get_by_label("Requests per month", exact=True)).to_have_value("2000000")
    page.get_by_role("radio", name="2. Privacy & regulation").click()
    wait_for_app(page)
    expect(page.get_by_role("slider")).to_have_attribute("aria-valuetext", "40%")
    expect(page.get_by_text("GDPR (EU personal data)")).to_be_visible()

    page.get_by_role("radio", name="Review").click()
    wait_for_app(page)
    expect(page.get_by_text("2,000,000 requests a month")).to_be_visible()
    expect(page.get_by_text("40% sensitive; rules: GDPR (EU personal data)")).to_be_visible()
    expect(page.get_by_text("Dedicated DevOps / MLOps team")).to_be_visible()
    sidebar_scores = page.get_by_test_id("stSidebar").get_by_text("Local models ★")
    expect(sidebar_scores).to_be_visible()
    page.screenshot(path=shots / "checklist-review.png")

    page.get_by_role("button", name="See the recommendation").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/recommendation(\?.*)?$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Local models — \d+ \/ 100$"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Runner-up: Hybrid"))).to_be_visible()
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(2)
    expect(charts.nth(1).locator(".barlayer .trace")).to_have_count(3)
    page.screenshot(path=shots / "recommendation-walked.png")


def test_preset_to_recommendation_and_weights(page: Page, shots):
    page.goto("/")
    wait_for_app(page)
    card = page.locator(".st-key-preset-card-hospital-records")
    expect(card).to_contain_text("Default answer: Local models")
    card.get_by_role("button", name="Use this case").click()
    expect(page).to_have_url(re.compile(r"/checklist"))  # the preset is loaded once the checklist opens
    wait_for_app(page)
    expect(page.get_by_text("Scenario from preset Hospital records assistant")).to_be_visible()
    expect(page.get_by_label("Requests per month", exact=True)).to_have_value("300000")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Recommendation").click()
    wait_for_app(page)
    heading = page.get_by_role("heading", name=re.compile(r"^Local models — \d+ \/ 100$"))
    expect(heading).to_be_visible()
    # HIPAA no longer rules cloud out (offerings with a BAA are compatible, one privacy verdict):
    # the privacy factor leans local instead, and says why
    expect(page.get_by_text(re.compile(r"^Privacy & regulation: Local models .*Every request carries data under HIPAA: leans local\.$"))).to_be_visible()
    page.screenshot(path=shots / "recommendation-hospital.png")

    # Weights: switching privacy off changes the scores at once
    before = heading.inner_text()
    page.get_by_text("Assumptions: how much each factor counts").click()
    set_number(page, "Privacy & regulation", 0)
    # the winner itself may change: any headline other than the one before
    expect(page.get_by_role("heading", name=re.compile(r"^(Cloud API|Local models|Hybrid) — \d+ \/ 100$"))).not_to_have_text(before)
    page.screenshot(path=shots / "recommendation-weights.png")


def test_deep_link_opens_the_recommendation(page: Page):
    page.goto("/recommendation")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=re.compile(r"^Cloud API — \d+ \/ 100$"))).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").first.locator(".js-plotly-plot")).to_be_visible()


def test_out_of_range_volume_is_flagged_and_the_last_answer_kept(page: Page):
    page.goto("/checklist")
    wait_for_app(page)
    field = page.get_by_label("Requests per month", exact=True)
    field.fill("-5")
    field.press("Enter")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("50,000 requests", exact=True)).to_be_visible()
    set_number(page, "Requests per month", 120_000)
    expect(page.get_by_text("120,000 requests", exact=True)).to_be_visible()
