"""The playground through AppTest, with the real bundled model on both sides."""

import os

import pytest

from app.state import THROUGHPUT_LABEL_KEY
from scenario.text import plain
from tests.app.conftest import click_run_and_wait, open_page


def test_two_local_runs_at_once_both_answer_and_one_waits(app):
    at = open_page(app, "views/playground.py")
    at.selectbox(key="pg.right.kind").set_value("local").run()
    at.text_area(key="pg.prompt").input("Say hi.")
    at.number_input(key="pg.max_tokens").set_value(8)
    click_run_and_wait(at, timeout=120)
    assert not at.exception
    headings = [h.value for h in at.markdown if h.value.startswith("#### Local: SmolLM2")]
    assert len(headings) == 2
    assert len([m for m in at.metric if m.label == "Time to first token (ms)"]) == 2
    captions = " ".join(c.value for c in at.caption)
    assert "waited" in captions and "for the local model (not counted above)" in captions


def test_empty_prompt_is_refused_and_nothing_runs(app):
    at = open_page(app, "views/playground.py")
    at.button(key="pg.action.run").click().run()
    assert any("Type a prompt first." in e.value for e in at.error)
    assert "pg.last" not in at.session_state


def test_no_key_for_openai_is_explained_in_its_column(app, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    at = open_page(app, "views/playground.py")
    at.text_area(key="pg.prompt").input("Say hi.")
    at.number_input(key="pg.max_tokens").set_value(4)
    click_run_and_wait(at, timeout=120)
    assert any(plain("No OpenAI API key. Set OPENAI_API_KEY") in e.value for e in at.error)  # shown as text
    assert len([m for m in at.metric if m.label == "Time to first token (ms)"]) == 1  # the local side still answered


def test_repeat_mode_gives_medians_and_a_distribution(app):
    at = open_page(app, "views/playground.py")
    at.selectbox(key="pg.right.kind").set_value("local").run()
    at.text_area(key="pg.prompt").input("Say hi.")
    at.number_input(key="pg.max_tokens").set_value(6)
    at.number_input(key="pg.repeat").set_value(3)
    at.toggle(key="pg.sequential").set_value(True)
    click_run_and_wait(at, timeout=180)
    assert not at.exception
    summaries = [df.value for df in at.dataframe if "Median" in df.value.columns]
    assert len(summaries) == 2 and list(summaries[0]["Figure"])[0] == "Time to first token (ms)"
    assert any("3 runs" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 1


def test_inputs_survive_a_visit_to_another_page(app):
    at = open_page(app, "views/playground.py")
    at.text_area(key="pg.prompt").input("Summarise our refund policy.").run()
    at.number_input(key="pg.max_tokens").set_value(200).run()
    open_page(at, "views/costs.py")
    open_page(at, "views/checklist.py")
    open_page(at, "views/playground.py")
    assert at.text_area(key="pg.prompt").value == "Summarise our refund policy."
    assert at.number_input(key="pg.max_tokens").value == 200


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core to set threads other than the suite's one")
def test_the_measured_speed_names_the_threads_the_run_used(app):
    # The suite's default is one thread (tests/conftest.py); this side asks for two. The label used
    # to print the default whatever the run had used.
    at = open_page(app, "views/playground.py")
    at.number_input(key="pg.left.threads").set_value(2).run()
    at.text_area(key="pg.prompt").input("Say hi.")
    at.number_input(key="pg.max_tokens").set_value(4)
    click_run_and_wait(at, timeout=120)
    at.checkbox(key="pg.treat_as.0").check().run()
    at.button(key="pg.action.use_throughput.0").click().run()
    assert not at.exception
    assert "CPU (2 threads, " in at.session_state[THROUGHPUT_LABEL_KEY]


def test_an_answer_is_shown_as_the_model_wrote_it(app, monkeypatch):
    # A model's Markdown image would make every viewer's browser fetch it (a tracking pixel).
    from tests.peers import ChatServer

    answer = "![px](http://127.0.0.1:9/pixel.png) **bold**"
    monkeypatch.setenv("CROSSOVER_OUTBOUND", "private")
    with ChatServer(answer) as server:
        at = open_page(app, "views/playground.py")
        at.selectbox(key="pg.left.kind").set_value("openai").run()
        for side in ("left", "right"):
            at.text_input(key=f"pg.{side}.base_url").input(server.url + "/v1").run()
        at.text_area(key="pg.prompt").input("Say hi.")
        at = click_run_and_wait(at, timeout=60)
    shown = [m.value for m in at.markdown if "pixel.png" in m.value]
    assert len(shown) == 2, ([e.value for e in at.error], [c.value for c in at.caption])
    assert all(value == plain(answer, multiline=True) for value in shown)  # escaped: no image, no bold
