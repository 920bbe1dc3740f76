"""Decision workshops in real Chromium: library, versions, shared links, compare, report, presenter view.

This module runs its own app server with API keys in its environment and an empty data
folder, so it can prove that no key reaches the database, a link, the log or an export.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from advisor import get_preset
from decisions.document import Decision
from decisions.links import encode_link
from tests.e2e.conftest import serve_app
from tests.e2e.helpers import QUIET, fill_text, set_number, wait_for_app

pytestmark = pytest.mark.e2e

# Anthropic's key comes from the server's environment; OpenAI's is typed into the session
# (the Playground only asks for a key the environment does not give).
ENV_KEYS = {"ANTHROPIC_API_KEY": "sk-ant-env-NEVER-LEAK-2222"}
TYPED_KEY = "sk-typed-session-NEVER-LEAK-3333"
SECRETS = [*ENV_KEYS.values(), TYPED_KEY]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    data = tmp_path_factory.mktemp("workshop-data")
    log = tmp_path_factory.mktemp("workshop-log") / "streamlit.log"
    with serve_app(log, {"CROSSOVER_DATA_DIR": str(data), **ENV_KEYS}) as url:
        yield {"url": url, "data": data, "log": log}


def _go(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def _nav(page: Page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    wait_for_app(page)


def _click(page: Page, name: str | re.Pattern) -> None:
    page.get_by_role("button", name=name).click()
    wait_for_app(page)


def _load_preset(page: Page, base: str, card: str) -> None:
    _go(page, base + "/")
    page.locator(f".st-key-preset-card-{card}").get_by_role("button", name="Use this case").click()
    expect(page).to_have_url(re.compile(r"/checklist"))  # the preset is loaded once the checklist opens
    wait_for_app(page)


def _save(page: Page, name: str, owner: str = "", notes: str = "") -> None:
    _nav(page, "Library")
    fill_text(page, "Name", name, commit="Tab")
    if owner:
        fill_text(page, "Owner", owner, commit="Tab")
    if notes:
        fill_text(page, "Notes", notes, commit="Tab")


# The texts inside an element that are wider than their box (drawn cut off, ending in "…").
CUT = "b => [b, ...b.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"


def _assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"an API key reached {where}"


def test_save_version_restore_and_open_a_shared_link(page: Page, browser: Browser, workshop, shots):
    base = workshop["url"]
    _load_preset(page, base, "startup-mvp")
    _save(page, "Workshop A", owner="Ana", notes="first pass")
    _click(page, "Save")
    expect(page.get_by_text("Saved 'Workshop A' as version 1.")).to_be_visible()
    # At a projector's 1024 px the buttons that name the scenario show it whole (they were cut to "Save as version 2 o…").
    page.set_viewport_size({"width": 1024, "height": 1000})
    wait_for_app(page)
    for name in ("Save as version 2 of 'Workshop A'", "Save as a new scenario"):
        expect(page.get_by_role("button", name=name)).to_be_visible()
        assert page.get_by_role("button", name=name).evaluate(CUT) == [], name
    page.set_viewport_size({"width": 1280, "height": 1400})
    wait_for_app(page)

    # a change, saved as version 2 of the same scenario
    _nav(page, "Checklist")
    set_number(page, "Requests per month", 400_000)
    _nav(page, "Library")
    _click(page, "Save as version 2 of 'Workshop A'")
    expect(page.get_by_text("Saved 'Workshop A' as version 2.")).to_be_visible()
    page.get_by_text("Versions of 'Workshop A' (2)").click()
    expect(page.get_by_test_id("stDataFrame").last).to_be_attached()
    page.screenshot(path=shots / "library.png", full_page=True)

    # the URL carries the scenario: a fresh browser session opens the same state
    # the address bar catches up after the rerun: wait for exactly this scenario's token
    edited = get_preset("startup-mvp").scenario.model_copy(update={"requests_per_month": 400_000})
    expect(page).to_have_url(re.compile(r"[?&]s=" + re.escape(encode_link(Decision(scenario=edited)))))
    link = page.url
    other = browser.new_context(**QUIET, viewport={"width": 1280, "height": 1000})
    fresh = other.new_page()
    _go(fresh, link.replace("/library", "/checklist"))
    expect(fresh.get_by_text("Scenario opened from a shared link; change any answer.")).to_be_visible()
    expect(fresh.get_by_label("Requests per month", exact=True)).to_have_value("400000")
    other.close()

    # open version 1, then restore it as the newest
    page.get_by_label("Version", exact=True).click()
    page.get_by_role("option", name="1", exact=True).click()
    wait_for_app(page)
    _click(page, "Restore version 1 as the newest")
    expect(page.get_by_text(re.compile(r"Version 1 of 'Workshop A' is the newest again \(saved as version 3\)"))).to_be_visible()
    _nav(page, "Checklist")
    expect(page.get_by_label("Requests per month", exact=True)).to_have_value("20000")


def test_a_damaged_link_keeps_the_scenario_and_says_why(page: Page, workshop):
    _go(page, workshop["url"] + "/recommendation?s=1.not-a-real-scenario")
    expect(page.get_by_text(re.compile(r"This link's scenario could not be opened.*damaged"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r" — \d+ \/ 100$"))).to_be_visible()


def test_import_refuses_an_invalid_file_by_field_and_accepts_a_good_one(page: Page, workshop, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"scenario": {"requests_per_month": -3}, "weights": {"volume": 2}}))
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"requests_per_month": 777_000, "regulations": ["hipaa"], "sensitive_share": 0.4}))
    _go(page, workshop["url"] + "/library")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bad))
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Not imported; nothing was changed\. bad\.json: scenario\.requests_per_month: -3 is not allowed"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Scenario: 50,000 requests\/month"))).to_be_visible()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(good))
    wait_for_app(page)
    expect(page.get_by_text("Imported good.json. It is not in the library until you save it.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Scenario imported from good\.json: 777,000 requests\/month"))).to_be_visible()


def test_compare_shows_outcomes_and_highlights_what_differs(page: Page, workshop, shots):
    base = workshop["url"]
    _load_preset(page, base, "hospital-records")
    _save(page, "Hospital")
    _click(page, "Save")
    expect(page.get_by_text("Saved 'Hospital' as version 1.")).to_be_visible()
    _load_preset(page, base, "ecommerce-assistant")
    _save(page, "Shop")
    _click(page, "Save")
    expect(page.get_by_text("Saved 'Shop' as version 1.")).to_be_visible()
    _nav(page, "Compare")
    picker = page.get_by_label(re.compile(r"^Scenarios to compare"))
    expect(picker).to_be_attached()
    outcomes = page.get_by_test_id("stDataFrame").first
    expect(outcomes).to_be_attached()
    expect(page.get_by_text(re.compile(r"\d+ of \d+ inputs differ; they are highlighted\."))).to_be_visible()
    page.screenshot(path=shots / "compare.png", full_page=True)


def test_report_downloads_open_and_print_to_pdf_with_no_key_anywhere(page: Page, browser: Browser, workshop, shots, tmp_path):
    base = workshop["url"]
    _load_preset(page, base, "hospital-records")
    # a key typed in the session, as on the Playground
    _nav(page, "Playground")
    fill_text(page, "OpenAI API key", TYPED_KEY, commit="Tab")
    _save(page, "Keys test", owner="Sec")
    _click(page, "Save")
    expect(page.get_by_text("Saved 'Keys test' as version 1.")).to_be_visible()
    _nav(page, "Report")
    fill_text(page, "Title", "Hospital decision", commit="Tab")
    page.screenshot(path=shots / "report-page.png", full_page=True)

    files: dict[str, Path] = {}
    for label, suffix in (("Download HTML (with charts)", "html"), ("Download Markdown", "md"), ("Download JSON", "json")):
        with page.expect_download() as download:
            page.get_by_role("button", name=label).click()
        files[suffix] = tmp_path / f"report.{suffix}"
        download.value.save_as(files[suffix])
    _nav(page, "Library")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as JSON").click()
    files["scenario"] = tmp_path / "scenario.json"
    download.value.save_as(files["scenario"])

    html = files["html"].read_text()
    assert "Hospital decision" in html and "Local models" in html and "plotly" in html
    assert "<script src=\"http" not in html  # self-contained: nothing from the network
    assert json.loads(files["json"].read_text())["decision"]["scenario"]["requests_per_month"] == 300_000
    assert "# Hospital decision" in files["md"].read_text()

    reader = browser.new_context(**QUIET)
    report = reader.new_page()
    report.goto(files["html"].as_uri())
    expect(report.locator(".js-plotly-plot")).to_have_count(4)
    report.screenshot(path=shots / "report-html.png")
    pdf = report.pdf(path=str(tmp_path / "report.pdf"), format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    reader.close()

    # no key in any export, the URL, the database or the server's log
    for name, file in files.items():
        _assert_no_secret(file.read_text(), f"the {name} export")
    _assert_no_secret(page.url, "the URL")
    for db in workshop["data"].rglob("*"):
        if db.is_file():
            _assert_no_secret(db.read_bytes().decode("latin-1"), f"the database file {db.name}")
    _assert_no_secret(workshop["log"].read_text(), "the server log")


def test_presenter_view_from_a_link(page: Page, workshop, shots):
    _go(page, workshop["url"] + "/recommendation?present=1")
    expect(page.get_by_role("button", name="Leave presenter view")).to_be_visible()
    # 3.2rem instead of Streamlit's 2.75rem (44px)
    expect(page.get_by_role("heading", name="Recommendation", exact=True)).to_have_css("font-size", "51.2px")
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    page.screenshot(path=shots / "presenter.png")
    _click(page, "Leave presenter view")
    expect(page).not_to_have_url(re.compile(r"present=1"))
