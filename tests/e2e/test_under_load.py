"""A workshop's robustness in real Chromium: the model's queue, closed tabs, replicas restarting.

- Runs wait in line for the local model and see their place; a tab closed mid-run hands the
  model to the next in line at once (the app's own server).
- Two replicas on one PostgreSQL, the "local" model on a shared llama.cpp server: a scenario
  saved through one replica survives that replica being killed and started again, and the
  other replica sees it.
"""

import os
import re
import signal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from deploy.processes import streamlit_server
from inference.shared_server import LOCAL_SERVER_ENV
from tests.e2e.helpers import QUIET, fill_text, set_number, wait_for_app

pytestmark = pytest.mark.e2e

LONG_PROMPT = "List the numbers from 1 to 500, one per line, with nothing else."


def _nav(page: Page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    wait_for_app(page)


def _playground(page: Page, prompt: str, max_tokens: int) -> None:
    page.goto("/playground")
    wait_for_app(page)
    page.get_by_label("Backend").nth(1).click()
    page.get_by_role("option", name=re.compile(r"^Local model")).click()
    wait_for_app(page)
    page.get_by_label("Prompt", exact=True).fill(prompt)
    set_number(page, "Max tokens", max_tokens)
    page.get_by_text("One after the other", exact=True).first.click()
    expect(page.get_by_role("switch", name="One after the other")).to_be_checked()
    wait_for_app(page)


def test_a_closed_tab_hands_the_model_to_the_next_in_line(browser: Browser, base_url, streamlit_log, shots):
    first_context = browser.new_context(**QUIET, base_url=base_url, viewport={"width": 1280, "height": 1000})
    second_context = browser.new_context(**QUIET, base_url=base_url, viewport={"width": 1280, "height": 1000})
    first, second = first_context.new_page(), second_context.new_page()
    _playground(first, LONG_PROMPT, 1500)
    _playground(second, "Say hi.", 8)

    first.get_by_role("button", name="Run", exact=True).click()
    expect(first.get_by_role("button", name="Stop")).to_be_visible()
    # answering: its first side has text, its second still shows the placeholder
    expect(first.get_by_text("…", exact=True)).to_have_count(1, timeout=30_000)
    second.get_by_role("button", name="Run", exact=True).click()
    expect(second.get_by_text(re.compile(r"In the queue for the local model: position 1\. 1 run is ahead of yours"))).to_be_visible()
    second.screenshot(path=shots / "playground-queue.png")
    assert first.get_by_role("button", name="Stop").is_visible()  # still answering when its tab goes

    first_context.close()
    # The next in line gets the model (the log line below proves the first run was stopped, not
    # finished); the generous bound only allows for a loaded machine.
    expect(second.get_by_text(re.compile(r"^Run 1 of this session, finished at"))).to_be_visible(timeout=120_000)
    expect(second.get_by_text("Time to first token (ms)")).to_have_count(2)
    expect(second.get_by_text(re.compile(r"waited [\d,]+ ms for the local model")).first).to_be_visible()
    log = streamlit_log.read_text()
    assert re.search(r"Playground run \d+ stopped: its browser tab was closed", log), log[-2000:]
    second_context.close()


@pytest.fixture(scope="module")
def replicas(postgres_url, llama_server_url, tmp_path_factory):
    """Two app replicas on one PostgreSQL, the local model on the shared llama.cpp server."""
    folder = tmp_path_factory.mktemp("replicas")
    env = {"DATABASE_URL": postgres_url, LOCAL_SERVER_ENV: llama_server_url}
    with streamlit_server(folder / "b.log", env | {"CROSSOVER_DATA_DIR": str(folder / "b")}) as other:
        yield {"env": env, "folder": folder, "other": other.url}


def test_a_replica_restart_loses_no_saved_scenario(browser: Browser, replicas, shots):
    folder: Path = replicas["folder"]
    env = replicas["env"] | {"CROSSOVER_DATA_DIR": str(folder / "a")}
    with streamlit_server(folder / "a.log", env) as first:
        page = browser.new_page(**QUIET, base_url=first.url, viewport={"width": 1280, "height": 1000})
        page.goto("/checklist")
        wait_for_app(page)
        set_number(page, "Requests per month", 654_000)
        expect(page).to_have_url(re.compile(r"[?&]s="))  # the app has the value (the link carries it)
        _nav(page, "Library")
        fill_text(page, "Name", "Cluster plan", commit="Tab")
        page.get_by_role("button", name="Save", exact=True).click()
        wait_for_app(page)
        expect(page.get_by_text("Saved 'Cluster plan' as version 1.")).to_be_visible()
        port = first.url.rsplit(":", 1)[1]
        os.kill(first.pid, signal.SIGKILL)  # no clean shutdown: the replica just dies
        page.close()

    with streamlit_server(folder / "a-again.log", env, port=int(port)) as again:
        for url in (again.url, replicas["other"]):
            page = browser.new_page(**QUIET, base_url=url, viewport={"width": 1280, "height": 1000})
            page.goto("/library")
            wait_for_app(page)
            expect(page.get_by_label("Scenario", exact=True)).to_have_value("Cluster plan, v1")
            page.get_by_test_id("stBaseButton-primary").filter(has_text="Open").click()
            expect(page.get_by_text("Opened 'Cluster plan', version 1 of 1.")).to_be_visible()  # the open has happened
            wait_for_app(page)
            _nav(page, "Checklist")
            expect(page.get_by_label("Requests per month", exact=True)).to_have_value("654000")
            page.close()


def test_the_local_side_runs_on_the_shared_server(browser: Browser, replicas):
    page = browser.new_page(**QUIET, base_url=replicas["other"], viewport={"width": 1280, "height": 1000})
    page.goto("/playground")
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"The local model is served by the shared inference server at http://127\.0\.0\.1:\d+/v1"))).to_be_visible()
    page.get_by_label("Prompt", exact=True).fill("Say hi.")
    set_number(page, "Max tokens", 8)
    page.get_by_label("Backend").nth(1).click()
    page.get_by_role("option", name=re.compile(r"^Local model")).click()
    wait_for_app(page)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Run 1 of this session"))).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name=re.compile(r"^Local: .+ on the shared server 127\.0\.0\.1:\d+$"))).to_have_count(2)
    expect(page.get_by_text(re.compile(r"cost \$[\d.]+ \(marginal cost on the cost model's local hardware\)")).first).to_be_visible()
    page.close()
