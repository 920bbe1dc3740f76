from playwright.sync_api import Page, expect

# Context options for every browser context a test opens (pytest-playwright's `page` gets them
# through conftest's browser_context_args, a test's own contexts by passing them on). Reduced
# motion stops Streamlit's animations (the running indicator, fades) from being drawn frame by
# frame: Chromium's compositor spent about a quarter of the CPU on a Costs page load with them
# (0.8 s against 0.2 s, measured), on the two cores the whole suite shares.
QUIET = {"reduced_motion": "reduce"}

READY = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


def wait_for_app(page: Page, timeout: float = 60_000) -> None:
    """Wait until the script has finished its rerun, nothing is pending and no stale copy of
    an element from the previous run is still on the page. The timeout is only an upper bound:
    a fresh server on a loaded 2-core machine takes tens of seconds for its first page."""
    page.wait_for_selector(READY, state="attached", timeout=timeout)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=timeout)


def set_number(page: Page, label: str, value: int | float) -> None:
    """Type a number and commit it; wait until the app has it, not just until the page is idle.

    The address bar carries the whole decision (scenario, weights, cost assumptions), so a
    committed change changes the URL: waiting for that closes the window in which the next
    action (a page switch) could reach the server before the value did.
    """
    field = page.get_by_label(label, exact=True)
    before = page.url
    changes = field.input_value() != str(value)
    field.fill(str(value))
    field.press("Enter")
    if changes and ("?s=" in before or "&s=" in before):
        expect(page).not_to_have_url(before)
    wait_for_app(page)


def fill_text(page: Page, label: str, text: str, commit: str = "Enter") -> None:
    """Type into a text field, commit it (Enter, or Tab for a text area) and wait until the app has it."""
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press(commit)
    wait_for_app(page)
    expect(field).to_have_value(text)


def choose(page: Page, label: str, option: str, nth: int | None = None) -> None:
    """Pick ``option`` in the select box ``label`` (the ``nth`` of that name), as a user filters the list.

    Typed rather than clicked open: a click on the box just chosen (it keeps the focus) can leave
    its list closed.
    """
    field = page.get_by_label(label, exact=True) if nth is None else page.get_by_label(label).nth(nth)
    field.focus()
    field.press_sequentially(option[:12])
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)
