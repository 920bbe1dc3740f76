"""Issue 21 in real Chromium: an uploaded load profile drives the rate-limit check, the base-burst plan and
chart on the Costs page, and the Recommendation and the Report count the limit its peak exceeds."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import set_number, wait_for_app

pytestmark = pytest.mark.e2e


def _day_with_bursts() -> str:
    """A day of per-minute counts: 40 a minute, 400 for ten minutes at 10:00 and at 15:00."""
    rows = ["timestamp,count"]
    for minute in range(1440):
        burst = 600 <= minute < 610 or 900 <= minute < 910
        rows.append(f"2026-03-02T{minute // 60:02d}:{minute % 60:02d}:00,{400 if burst else 40}")
    return "\n".join(rows) + "\n"


def test_uploaded_profile_drives_limits_and_the_base_burst_plan(page: Page, shots, tmp_path):
    profile = tmp_path / "traffic.csv"
    profile.write_text(_day_with_bursts())
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.goto("/costs")
    # A fresh server's first page waits for the process's warm-up imports (app.process_setup) on two shared cores:
    # a longer bound for this first wait only.
    wait_for_app(page, timeout=120_000)
    expect(page.get_by_label("Requests per month", exact=True)).to_be_visible(timeout=60_000)
    set_number(page, "Requests per month", 20_000_000)
    page.get_by_text("Analyse a load profile").click()
    wait_for_app(page)
    page.get_by_text("Your own file").click()
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(profile))
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"traffic\.csv: per minute, 1\.0 days"))).to_be_visible()
    # The file's mean is (1,420 x 40 + 20 x 400) / 1,440 = 45 a minute: its peak is 400 / 45 = 8.9x the average.
    expect(page.get_by_test_id("stMetric").filter(has_text="Peak-to-average")).to_contain_text("8.9x")
    over = page.get_by_test_id("stMetric").filter(has_text="Minutes over the limit")
    expect(over).to_contain_text("%")
    expect(page.get_by_text(re.compile(r"HTTP 429"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Base-burst is cheapest at P\d+"))).to_be_visible()
    week = page.get_by_test_id("stPlotlyChart").last
    expect(week.locator(".scatterlayer .trace")).to_have_count(2)  # local and cloud, stacked
    expect(page.get_by_test_id("stPlotlyChart").nth(-2).locator(".annotation")).to_have_count(2)  # all cloud, all local
    page.locator(".st-key-load-section").screenshot(path=shots / "load-profile-1280.png")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Recommendation").click()
    wait_for_app(page)
    # A note on the page (and the load factor's reason): the peak is over gpt-4o's Tier 1 limit.
    expect(page.get_by_test_id("stAlert").filter(has_text=re.compile(r"Rate limit: at its peak the load profile sends [\d,]+ "
                                                                      r"requests a minute to openai:gpt-4o"))).to_be_visible()
    # The report counts the limit too: its answer is the page's, to the decimal.
    answer = page.get_by_role("heading", level=2).filter(has_text=" / 100")
    expect(answer).to_be_visible()
    winner, score = re.match(r"(.+) — ([\d.]+) / 100", answer.inner_text()).groups()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Report").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Recommendation: {winner} ({score}/100)", exact=False)).to_be_visible()
    page.screenshot(path=shots / "load-profile-report-1280.png")

    page.set_viewport_size({"width": 1024, "height": 2400})
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Costs").click()
    wait_for_app(page)
    # The upload outlives its widget: the profile is still in use after the page switch.
    expect(page.get_by_text(re.compile(r"traffic\.csv: per minute"))).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").last.locator(".scatterlayer .trace")).to_have_count(2)
    page.locator(".st-key-load-section").screenshot(path=shots / "load-profile-1024.png")
