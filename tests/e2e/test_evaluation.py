"""The Quality check page in real Chromium: a bad task file, then a small run against two backends."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import wait_for_app

pytestmark = pytest.mark.e2e


def test_a_bad_task_file_is_refused_and_the_loaded_set_kept(page: Page, tmp_path):
    page.goto("/quality")
    wait_for_app(page)
    expect(page.get_by_text("40 tasks from the bundled example set (40 tasks).")).to_be_visible()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "q", "expected": "a", "check": "fuzzy"}\n')
    page.get_by_role("tab", name="Upload a task set").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(bad))
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"unknown check 'fuzzy'.*Nothing ran; the task set already loaded is kept"))).to_be_visible()
    expect(page.get_by_text("40 tasks from the bundled example set (40 tasks).")).to_be_visible()


def test_quality_check_run_and_use_in_the_decision(page: Page, llama_server_url, shots, tmp_path):
    page.goto("/quality")
    wait_for_app(page)
    page.get_by_role("tab", name="Upload a task set").click()
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    small = tmp_path / "small.jsonl"
    small.write_text('{"prompt": "What is the capital of France? One word.", "expected": "Paris"}\n'
                     '{"prompt": "Is this review positive or negative? One word. Review: I love it!", "expected": "positive"}\n'
                     '{"prompt": "Reply with JSON only, like {\\"city\\": \\"...\\"}. Text: shipped to Berlin.", "expected": "Berlin", "check": "json_field:city"}\n')
    uploader.set_input_files(str(small))
    wait_for_app(page)
    expect(page.get_by_text("3 tasks from small.jsonl.")).to_be_visible()
    # After the error above goes away Streamlit can keep a hidden copy of a re-laid-out
    # field for a moment; act on the one a person sees.
    server = page.get_by_label("Another OpenAI-compatible server (optional)").filter(visible=True)
    server.fill(llama_server_url)
    server.press("Enter")
    # Wait until the rerun has put the server on "Run on" before typing on, or the next
    # rerun would carry the browser's older selection back.
    expect(page.get_by_text(f"OpenAI-compatible server {llama_server_url}", exact=True)).to_be_visible()
    wait_for_app(page)
    model = page.get_by_label("Its model name").filter(visible=True)
    model.fill("smollm2")
    model.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=120_000)
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"minus .* points \(95% interval .*\), (larger than the noise|within the noise|not enough answered tasks)"))).to_be_visible()
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart.locator(".scatterlayer .trace")).to_have_count(2)
    page.screenshot(path=shots / "quality-check.png")

    # three tasks a side cannot tell two backends apart: the gap is not offered to the decision
    # (issue 18's guard, tests/unit/test_evidence.py; a measured gap in the scoring: tests/unit/test_evaluation.py)
    expect(page.get_by_text(re.compile(r"^Not offered to the decision: .*not enough answered tasks to tell \(\d+ and \d+; at least "))).to_be_visible()
    expect(page.get_by_role("button", name="Use this gap in the decision")).to_have_count(0)
