from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ENTRY = str(Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py")


@pytest.fixture(scope="session", autouse=True)
def warmed_up_process():
    """The app's background imports started once, and pandas and plotly loaded, before the first
    page: a page waits for those (app.process_setup.wait_for_warm_up), and on a loaded machine
    that wait could eat much of one AppTest run's time limit."""
    from app.process_setup import prepare_process, wait_for_warm_up

    prepare_process()
    wait_for_warm_up()


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def click_run_and_wait(at: AppTest, timeout: float = 120) -> AppTest:
    """Press the playground's Run, let its background job finish, and draw the page with the results."""
    at.button(key="pg.action.run").click().run()
    job = at.session_state["pg.job"] if "pg.job" in at.session_state else None
    if job is not None and job.job is not None:
        job.job.join(timeout)
        assert not job.job.running, f"the playground run took more than {timeout} s"
    at.run()
    assert not at.exception, at.exception
    return at


def key_of(at: AppTest, prefix: str, name: str) -> str:
    """The key a view of the decision has now: it changes when code replaces the value (app.state.widget_key)."""
    from app.state import REVISIONS_KEY, revised_key

    revisions = at.session_state[REVISIONS_KEY] if REVISIONS_KEY in at.session_state else {}
    return revised_key(prefix, name, revisions)
