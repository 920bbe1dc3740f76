"""The whole bill in real Chromium: a shared system prompt measured on the sample prompts reaches the Costs
page's headline, its breakdown and the Report page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import wait_for_app

pytestmark = pytest.mark.e2e

SYSTEM = "You are the customer assistant of Northwind Outfitters. " + "Cite the policy section you rely on and never promise refunds. " * 150


def test_measured_prompt_cache_reaches_the_costs_page_and_the_report(page: Page, shots):
    page.set_viewport_size({"width": 1024, "height": 1400})
    page.goto("/costs")
    # The first draw loads the tokenizer's vocabulary and the cost model: on a busy 2-core machine, tens of seconds.
    wait_for_app(page, timeout=90_000)
    expect(page.get_by_text("Shared prefix:")).to_be_visible(timeout=90_000)
    page.get_by_label("System prompt sent before every prompt (instructions, examples, documents)").fill(SYSTEM)
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text(re.compile(r"Shared prefix: 1,\d{3} tokens"))).to_be_visible(timeout=60_000)
    wait_for_app(page, timeout=60_000)
    page.get_by_role("button", name="Use the measured prefix").click()
    headline = page.get_by_text(re.compile(r"OpenAI GPT-4o: 1,\d{3} of the 1,\d{3} shared tokens cached .* saving \$[\d,]+ a month"))
    expect(headline).to_be_visible(timeout=60_000)
    wait_for_app(page, timeout=60_000)
    page.get_by_role("tab", name="Breakdown").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    page.screenshot(path=shots / "whole-bill-costs.png")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Report").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"OpenAI GPT-4o's bill beyond list price: Prompt cache reads -\$[\d,]+ a month"))).to_be_visible()
    page.screenshot(path=shots / "whole-bill-report.png")
