"""The hybrid routing page in real Chromium: a bad upload, a good one, a policy change."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import wait_for_app

pytestmark = pytest.mark.e2e


def _metric_value(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_routing_the_sample_set_and_uploads(page: Page, shots, tmp_path):
    page.goto("/routing")
    wait_for_app(page, timeout=60_000)
    expect(page.get_by_text(re.compile(r"Routing 200 prompts from the bundled sample set"))).to_be_visible()
    expect(_metric_value(page, "Detected to cloud")).to_have_text("0")
    expect(page.get_by_text(re.compile(r"the detector found \d+ of \d+ sensitive ones \(recall \d+%\)"))).to_be_visible()
    page.screenshot(path=shots / "routing.png")

    # a file without a prompt column: a clear message, the 200 prompts stay
    bad = tmp_path / "tickets.csv"
    bad.write_text("text,label\nhello,true\n")
    page.get_by_role("tab", name="Upload a file").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(bad))
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"tickets\.csv has no 'prompt' column \(its columns: text, label\)"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Routing 200 prompts from the bundled sample set"))).to_be_visible()

    good = tmp_path / "mine.jsonl"
    good.write_text('{"prompt": "Card 4111 1111 1111 1111 was charged twice", "sensitive": true}\n'
                    '{"prompt": "Step by step, design and compare three architectures for a payments platform, analyse the trade-offs and plan the migration in phases", "sensitive": false}\n')
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(good))
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Routing 2 prompts from mine\.jsonl \(2 labelled\)"))).to_be_visible()
    expect(_metric_value(page, "Kept local")).to_have_text("50%")

    # without the privacy rule and with everything complex going out, the card number leaks
    page.get_by_text("Privacy split: sensitive prompts stay local").click()
    wait_for_app(page)
    page.get_by_role("slider").last.focus()
    for _ in range(6):
        page.keyboard.press("ArrowLeft")
    wait_for_app(page)
    expect(_metric_value(page, "Detected to cloud")).to_have_text("1")
    expect(page.get_by_text("Data that would leave the building")).to_be_visible()
    page.screenshot(path=shots / "routing-leak.png")
