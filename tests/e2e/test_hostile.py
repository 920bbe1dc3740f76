"""Other participants' screens in real Chromium (issue 17): user text is text.

A saved scenario's name, owner and notes, and values in a shared link, were rendered as
Markdown: a clickable phishing link, and a remote image (a tracking pixel) that every
participant's browser fetched. Here every such value points at a loopback server that
records each request it gets; the pages must render no link and no image for them, and
that server must get nothing.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from decisions import Decision
from decisions.library import ScenarioLibrary
from decisions.links import encode_link
from tests.e2e.conftest import serve_app
from tests.e2e.helpers import wait_for_app
from tests.peers import PixelServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pixel():
    with PixelServer() as server:
        yield server


@pytest.fixture(scope="module")
def hostile(pixel, tmp_path_factory):
    """The app with a library holding one scenario whose every text field is hostile Markdown."""
    data = tmp_path_factory.mktemp("hostile-data")
    name = f"[Click here]({pixel.url}/phish) ![p]({pixel.url}/name.png) {pixel.url}/bare"
    library = ScenarioLibrary(f"sqlite:///{data / 'crossover.db'}")
    library.save(Decision(), name=name, owner=f"![o]({pixel.url}/owner.png)", notes=f"# Notes\n![n]({pixel.url}/notes.png)")
    library.close()
    log = tmp_path_factory.mktemp("hostile-log") / "streamlit.log"
    with serve_app(log, {"CROSSOVER_DATA_DIR": str(data)}) as url:
        yield {"url": url, "name": name}


def _nothing_reached(page: Page, pixel: PixelServer) -> None:
    host = pixel.url.removeprefix("http://")
    expect(page.locator(f'a[href*="{host}"]')).to_have_count(0)
    expect(page.locator(f'img[src*="{host}"]')).to_have_count(0)
    assert pixel.requests == 0, pixel.headers_seen


def _nav(page: Page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    wait_for_app(page)


def _library_versions(page: Page, pixel: PixelServer) -> None:
    page.get_by_text("Versions of '[Click here](", exact=False).click()
    wait_for_app(page)
    _nothing_reached(page, pixel)


def test_a_hostile_scenario_name_is_text_on_every_page(page: Page, hostile, pixel, shots):
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(hostile["url"] + "/library")
    wait_for_app(page)
    page.get_by_test_id("stBaseButton-primary").filter(has_text="Open").click()
    wait_for_app(page)
    # The name shows, literally, in the message and the caption.
    expect(page.get_by_test_id("stAlert").filter(has_text="Opened '[Click here](")).to_be_visible()
    _nothing_reached(page, pixel)
    _library_versions(page, pixel)
    page.screenshot(path=str(shots / "hostile-library-1280.png"), full_page=True)
    for name in ("Checklist", "Recommendation", "Costs", "Compare", "Report"):
        _nav(page, name)
        _nothing_reached(page, pixel)
    expect(page.get_by_role("heading", name=re.compile(r"\[Click here\]\("))).to_be_visible()  # the report's title, as text
    page.screenshot(path=str(shots / "hostile-report-1280.png"), full_page=True)
    # At a projector's width the same pages lay out again: still text, still no request (the
    # walk above is width-independent, so it is not repeated page by page).
    page.set_viewport_size({"width": 1024, "height": 1400})
    expect(page.get_by_role("heading", name=re.compile(r"\[Click here\]\("))).to_be_visible()
    _nothing_reached(page, pixel)
    page.screenshot(path=str(shots / "hostile-report-1024.png"), full_page=True)
    _nav(page, "Library")
    _library_versions(page, pixel)
    page.screenshot(path=str(shots / "hostile-library-1024.png"), full_page=True)


def test_hostile_values_in_a_shared_link_are_text(page: Page, hostile, pixel, shots):
    decision = Decision.model_validate({"costs": {"cloud_models": [f"![x]({pixel.url}/model.png)"],
                                                  "gpu_id": f"[gpu]({pixel.url}/gpu)"}})
    page.goto(hostile["url"] + "/costs?s=" + encode_link(decision))
    wait_for_app(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="The costs cannot be computed")).to_be_visible()
    _nothing_reached(page, pixel)
    page.screenshot(path=str(shots / "hostile-link-costs.png"), full_page=True)
    _nav(page, "Report")
    _nothing_reached(page, pixel)


def test_a_deeply_nested_link_gives_a_short_message(page: Page, hostile):
    import base64
    import zlib

    token = "1." + base64.urlsafe_b64encode(zlib.compress(b"[" * 5000 + b"]" * 5000, 9)).rstrip(b"=").decode()
    page.goto(hostile["url"] + "/?s=" + token)
    wait_for_app(page)
    alert = page.get_by_test_id("stAlert").filter(has_text="This link's scenario could not be opened")
    expect(alert).to_contain_text("nests more than 32 levels")
    assert len(alert.inner_text()) < 400
