"""The Capacity sweep page in real Chromium: a sweep against an OpenAI-compatible server on loopback,
its measured capacity used by the Costs page (labelled, the estimate kept) and offered to the report."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import fill_text, set_number, wait_for_app
from tests.peers import OpenAIServer

pytestmark = pytest.mark.e2e


def test_sweep_then_cost_it(page: Page, shots):
    with OpenAIServer(served="Meta-Llama-3.1-8B-Instruct", tokens=12) as server:
        page.goto("/capacity")
        wait_for_app(page)
        fill_text(page, "Server base URL", f"{server.url}/v1")
        set_number(page, "Output tokens", 12)
        set_number(page, "Maximum concurrency", 4)
        set_number(page, "Requests per step", 4)
        page.get_by_role("button", name="Run the sweep").click()
        expect(page.get_by_role("heading", name="Result")).to_be_visible(timeout=60_000)
        wait_for_app(page)
    expect(page.get_by_text("Throughput at the targets")).to_be_visible()
    expect(page.get_by_text("Capacity model's estimate")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    page.screenshot(path=str(shots / "capacity-sweep.png"), full_page=True)
    page.get_by_role("button", name=re.compile(r"^Use this measured capacity in the cost model")).click()
    expect(page.get_by_text(re.compile(r"^The cost model uses this measured capacity"))).to_be_visible()
    wait_for_app(page)
    page.get_by_role("link", name="Costs").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Throughput measured on http.*1 x NVIDIA L40S 48GB \(capacity sweep"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"the step model estimates"))).to_be_visible()
    page.get_by_role("link", name="Report").click()
    wait_for_app(page)
    expect(page.get_by_text("Capacity sweep: Meta-Llama-3.1-8B-Instruct")).to_be_visible()
