"""Presenter view: a link turns it on, the toggle and the Leave button turn it off, a page switch keeps it."""

from streamlit.testing.v1 import AppTest

from app.presenter import PRESENT_KEY
from app.share import PRESENT_PARAM
from tests.app.conftest import ENTRY, open_page


def _leave_button(at: AppTest):
    return [b for b in at.button if b.key == "present.action.leave"]


def test_a_link_opens_presenter_view_and_leave_closes_it():
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.query_params[PRESENT_PARAM] = "1"
    at.run()
    assert not at.exception
    assert at.session_state[PRESENT_KEY] is True
    assert len(_leave_button(at)) == 1
    open_page(at, "views/costs.py")  # a page switch: still presenting, and the link says so again
    assert at.session_state[PRESENT_KEY] is True
    assert at.query_params[PRESENT_PARAM] == "1"
    _leave_button(at)[0].click().run()
    assert at.session_state[PRESENT_KEY] is False
    assert PRESENT_PARAM not in at.query_params
    assert _leave_button(at) == []


def test_the_toggle_turns_it_on_and_off_with_the_link(app: AppTest):
    toggle = app.toggle(key=PRESENT_KEY)
    toggle.set_value(True).run()
    assert app.query_params[PRESENT_PARAM] == "1"
    assert len(_leave_button(app)) == 1
    # Off while the link still says present=1: the toggle's callback drops it, so it stays off.
    app.toggle(key=PRESENT_KEY).set_value(False).run()
    assert app.session_state[PRESENT_KEY] is False
    assert PRESENT_PARAM not in app.query_params
    assert _leave_button(app) == []
