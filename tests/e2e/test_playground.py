"""The playground in real Chromium, against the bundled local model and a real OpenAI-compatible server."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import fill_text, set_number, wait_for_app

pytestmark = pytest.mark.e2e
SECRET = "sk-e2e-secret-never-shown-0042"


def _switch_on(page: Page, label: str) -> None:
    """Turn a toggle on and wait until the app has it, so the next action cannot undo it."""
    page.get_by_text(label, exact=True).first.click()
    expect(page.get_by_role("switch", name=label)).to_be_checked()
    wait_for_app(page)


def _setup(page: Page, server_url: str, prompt: str) -> None:
    page.goto("/playground")
    wait_for_app(page)
    fill_text(page, "Base URL", server_url)
    fill_text(page, "Model", "smollm2")
    page.get_by_label("Prompt", exact=True).fill(prompt)
    set_number(page, "Max tokens", 16)
    expect(page.get_by_label("Max tokens", exact=True)).to_have_value("16")
    _switch_on(page, "One after the other")


def _finished_runs(page: Page) -> int:
    caption = page.get_by_text(re.compile(r"^Run \d+ of this session, finished at"))
    return int(re.search(r"Run (\d+)", caption.inner_text()).group(1)) if caption.count() else 0


def _run(page: Page) -> None:
    """Click Run and wait for that run's answers (each run's results say which run they are).

    A click that lands while a rerun from the previous input is still under way can be
    dropped by Streamlit; a person would click again, and so does this (at most three times).
    """
    before = _finished_runs(page)
    started = page.get_by_role("button", name="Stop").or_(page.get_by_text(re.compile(rf"^Run {before + 1} of this session")))
    for _ in range(3):
        wait_for_app(page)
        page.get_by_role("button", name="Run", exact=True).click()
        try:
            expect(started.first).to_be_visible(timeout=10_000)
        except AssertionError:
            continue
        expect(page.get_by_text(re.compile(rf"^Run {before + 1} of this session"))).to_be_visible(timeout=120_000)
        wait_for_app(page)
        return
    raise AssertionError("three clicks on Run started no run")


def test_both_sides_answer_with_their_figures(page: Page, llama_server_url, shots, streamlit_log):
    _setup(page, llama_server_url, "Name a colour.")
    fill_text(page, "OpenAI API key", SECRET)  # a self-hosted server ignores it; it must still never leak
    _run(page)
    expect(page.get_by_role("heading", name=re.compile(r"^Local: SmolLM2"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^OpenAI-compatible"))).to_be_visible()
    expect(page.get_by_text("Time to first token (ms)")).to_have_count(2)
    expect(page.get_by_text(re.compile(r"tokens in \d+, out \d+ \(the model's own tokenizer\)"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"the server's tokenizer \(it reports no usage\)"))).to_be_visible()
    page.screenshot(path=shots / "playground.png")

    # a 135M model on this CPU is not what the Costs page prices: it is used only when treated so
    use = page.get_by_role("button", name=re.compile(r"^Use [\d.,]+ tokens\/s as "))
    expect(use.first).to_be_disabled()
    page.get_by_text(re.compile(r"^Treat [\d.,]+ tokens/s as the throughput of ")).first.click()
    expect(use.first).to_be_enabled()
    measured = re.search(r"Use ([\d.,]+) tokens/s", use.first.inner_text()).group(1)
    use.first.click()
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Costs").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"TREATED AS .* \(chosen on the Playground, not measured there\)")).first).to_be_visible()
    # "Local: capacity" opens expanded: a click here would close it (the test passed only when the
    # click landed before the expander was drawn).
    expect(page.get_by_text(re.compile(r"Throughput measured in the Playground: ")).first).to_be_visible()
    expect(page.get_by_label("Generated tokens/s per replica (all sequences)", exact=True)).to_have_value(re.compile("^" + measured.replace(",", "")))

    # the key is in no URL and no log line
    assert SECRET not in page.url
    assert SECRET not in streamlit_log.read_text()


def test_blind_vote_and_reveal(page: Page, llama_server_url, shots):
    _setup(page, llama_server_url, "Say hello.")
    _switch_on(page, "Blind vote")
    _run(page)
    expect(page.get_by_role("heading", name="Which answer is better?")).to_be_visible()
    expect(page.get_by_text("Answer A", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Local: SmolLM2"))).to_have_count(0)  # nothing revealed yet
    page.screenshot(path=shots / "playground-blind.png")
    page.get_by_role("button", name="A is better").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"You voted: A is better\. A was .+, B was .+\."))).to_be_visible()
    expect(page.get_by_role("heading", name="Blind votes this session (1)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download votes (JSON)").click()
    content = download.value.path().read_text()
    assert '"vote": "A is better"' in content and SECRET not in content
    page.screenshot(path=shots / "playground-reveal.png")


def test_a_failing_cloud_side_is_explained_and_the_other_side_answers(page: Page):
    page.goto("/playground")
    wait_for_app(page)
    fill_text(page, "Base URL", "http://127.0.0.1:9/v1")  # nothing listens on port 9
    page.get_by_label("Prompt", exact=True).fill("Say hi.")
    set_number(page, "Max tokens", 8)
    _run(page)
    # http.?: a word joiner after the scheme keeps a typed URL from showing as a link
    expect(page.get_by_text(re.compile(r"Cannot connect to http.?://127\.0\.0\.1:9/v1.*Is the server running"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Local: SmolLM2"))).to_be_visible()
    expect(page.get_by_text("Time to first token (ms)")).to_have_count(1)
    # with fallback on, the failed side is answered by the local model and says so
    _switch_on(page, "Fallback to local")
    _run(page)
    expect(page.get_by_text(re.compile(r"Answered by the local model \(fallback\): OpenAI-compatible"))).to_be_visible()
    expect(page.get_by_text("Time to first token (ms)")).to_have_count(2)


def test_two_tabs_at_once_both_answer_and_one_waits(context):
    tabs = [context.new_page(), context.new_page()]
    for tab in tabs:  # each tab is its own session; within a tab the sides run one after the other
        tab.goto("/playground")
        wait_for_app(tab)
        tab.get_by_label("Prompt", exact=True).fill("Write a sentence about the sea.")
        set_number(tab, "Max tokens", 48)
        tab.get_by_label("Backend").nth(1).click()
        tab.get_by_role("option", name="Local model (GGUF, in this app)").click()
        wait_for_app(tab)
        _switch_on(tab, "One after the other")
    for tab in tabs:
        tab.get_by_role("button", name="Run", exact=True).click()
    for tab in tabs:
        wait_for_app(tab, timeout=120_000)
        expect(tab.get_by_text("Time to first token (ms)")).to_have_count(2, timeout=120_000)
    # No tab overlaps its own runs, so any wait is for the other tab's run on the shared model.
    waited = sum(tab.get_by_text(re.compile(r"waited [\d,]+ ms for the local model")).count() for tab in tabs)
    assert waited >= 1
