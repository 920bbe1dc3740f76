"""A hostile participant on the pages (issue 17), through AppTest with real loopback peers.

AppTest serves no address, which the app treats like a workshop server reachable by others:
the outbound default is the safe one, as it is for ``make run ADDRESS=0.0.0.0``.
"""

import pytest
from streamlit.testing.v1 import AppTest

from decisions import Decision
from decisions.library import ScenarioLibrary
from scenario.text import plain
from tests.app.conftest import ENTRY, click_run_and_wait, open_page
from tests.peers import ChatServer, InternalService

OPERATOR_KEY = "sk-operator-0000-must-never-leave"
PHISH = "[Click here](http://127.0.0.1:9/login) ![](http://127.0.0.1:9/pixel.png)"


@pytest.fixture
def workshop(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", OPERATOR_KEY)
    monkeypatch.delenv("CROSSOVER_OUTBOUND", raising=False)
    monkeypatch.delenv("CROSSOVER_TRUSTED_BASE_URLS", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CROSSOVER_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    return at


def _playground_against(at: AppTest, url: str) -> AppTest:
    at = open_page(at, "views/playground.py")
    at.text_input(key="pg.right.base_url").input(url).run()
    at.text_input(key="pg.right.model.openai").input("m").run()
    at.text_area(key="pg.prompt").input("Say hi.")
    at.number_input(key="pg.max_tokens").set_value(4)
    return click_run_and_wait(at, timeout=120)


def _texts(at: AppTest) -> str:
    return "\n".join([*(m.value for m in at.markdown), *(e.value for e in at.error), *(c.value for c in at.caption),
                      *(s.value for s in at.success), *(i.value for i in at.info), *(w.value for w in at.warning)])


def test_the_playground_sends_nothing_to_a_typed_url_by_default_and_says_how_to_allow_it(workshop):
    with ChatServer() as listener:
        at = _playground_against(workshop, listener.url + "/v1")
        assert listener.requests == 0
    errors = " ".join(e.value for e in at.error)
    # Errors quote the typed URL, so they are shown as text (Markdown-escaped): CROSSOVER\_TRUSTED...
    assert "does not send requests to" in errors and plain("CROSSOVER_TRUSTED_BASE_URLS") in errors
    assert any("CROSSOVER_OUTBOUND=configured" in c.value for c in at.caption)  # said under the field, before any run


def test_the_playground_never_sends_the_operators_key_to_a_typed_url(workshop, monkeypatch):
    monkeypatch.setenv("CROSSOVER_OUTBOUND", "private")
    with ChatServer() as listener:
        at = _playground_against(workshop, listener.url + "/v1")
        assert listener.requests == 1 and listener.keys_seen() == ["no-key"]
    assert at.text_input(key="pg.key.openai") is not None  # the participant is offered their own key field
    assert not any("Using the API key from the environment" in c.value for c in at.caption)


def test_the_quality_check_shows_no_secret_from_an_internal_service(workshop, monkeypatch):
    monkeypatch.setenv("CROSSOVER_OUTBOUND", "private")
    with InternalService(html=False) as internal:
        at = open_page(workshop, "views/evaluation.py")
        url = internal.url + "/v1"
        at.text_input(key="ev.extra_url").input(url).run()
        at.multiselect(key="ev.backends").set_value([f"OpenAI-compatible server {url}"]).run()
        at.button(key="ev.action.run").click().run()
        job = at.session_state["ev.job"]
        job.job.join(120)
        at.run()
        assert internal.requests <= 5 * 3  # stopped after three failures in a row, not 40 tasks x 3 attempts
    table = next(df.value for df in at.dataframe if "task" in df.value.columns)
    shown = table.to_csv() + _texts(at)
    assert InternalService.SECRET not in shown and "hunter2" not in shown
    assert "Not sent: this backend was stopped" in shown


def test_a_hostile_name_is_text_and_deleting_takes_the_name_and_a_bin(workshop, tmp_path):
    library = ScenarioLibrary(f"sqlite:///{tmp_path / 'crossover.db'}")
    library.save(Decision(), name=PHISH, owner="![](http://127.0.0.1:9/owner.png)")
    at = open_page(workshop, "views/library.py")
    at.button(key="lib.action.open").click().run()
    texts = _texts(at)
    assert r"\[Click here\]\(http" in texts and "](http://127.0.0.1:9/login)" not in texts
    assert all("![](" not in e.label for e in at.expander)

    assert at.button(key="lib.action.delete").disabled
    at.text_input(key="lib.confirm_delete").input(PHISH.lower()).run()
    assert at.button(key="lib.action.delete").disabled  # the name, exactly
    at.text_input(key="lib.confirm_delete").input(PHISH).run()
    at.button(key="lib.action.delete").click().run()
    assert "Moved" in _texts(at) and library.list() == []
    bin_box = next(e for e in at.expander if e.label.startswith("Bin (1)"))
    assert bin_box is not None
    at.button(key="lib.action.undelete").click().run()
    assert [s.name for s in library.list()] == [PHISH]
