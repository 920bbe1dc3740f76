"""Provider privacy facts in the browser: the privacy step's verdicts and the Costs page's marks."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import wait_for_app

pytestmark = pytest.mark.e2e


def _pick_regulation(page: Page, label: str) -> None:
    page.get_by_label("Rules that apply to that data").click()
    page.get_by_role("option", name=label).click()
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_privacy_step_shows_which_offerings_fit_and_costs_marks_the_rest(page: Page, shots):
    page.goto("/checklist")
    wait_for_app(page)
    page.get_by_role("radio", name="2. Privacy & regulation").click()
    wait_for_app(page)
    panel = page.locator(".st-key-provider-compatibility")
    expect(panel).to_contain_text("No regulation selected")

    # the rules bind the requests that carry such data: mark some as sensitive first
    page.get_by_role("slider", name="Share of requests with confidential or regulated data").focus()
    page.keyboard.press("ArrowRight")
    wait_for_app(page)
    _pick_regulation(page, "GDPR (EU personal data)")
    expect(panel).to_contain_text("Requests under GDPR may go only to Anthropic on AWS Bedrock, Azure OpenAI, Google Vertex AI, OpenAI API")
    _pick_regulation(page, "HIPAA (US health data)")
    # with a BAA from Microsoft, AWS and Google (sourced in assets/providers.json) all four stay
    expect(panel).to_contain_text("Requests under GDPR, HIPAA may go only to Anthropic on AWS Bedrock, Azure OpenAI, Google Vertex AI, OpenAI API")
    expect(panel.get_by_test_id("stDataFrame").first).to_be_attached()
    page.get_by_text("Every provider fact, with its source and the date it was checked").click()
    expect(panel).to_contain_text("Checked on 2026-11-25")
    panel.screenshot(path=shots / "provider-facts.png")

    # the Costs page marks Anthropic's model (no EU residency) and can hide incompatible ones
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Costs").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"anthropic:claude-sonnet-4-5 is not compatible with your rules\."))).to_be_visible()
    expect(page.get_by_role("switch", name="Hide models from offerings not compatible with your rules")).to_be_visible()
    page.screenshot(path=shots / "costs-incompatible.png")
