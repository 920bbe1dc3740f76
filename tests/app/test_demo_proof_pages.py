"""What a page reads from another page, and the Library's saved/unsaved state, through AppTest."""

import pytest
from streamlit.testing.v1 import AppTest

from app.state import SCENARIO_KEY
from decisions.library import ScenarioLibrary
from tests.app.conftest import ENTRY, key_of, open_page

RIGHT_SIDE = "Playground right side: anthropic claude-haiku-4-5"


def _texts(at: AppTest) -> str:
    return "\n".join([*(m.value for m in at.markdown), *(s.value for s in at.success), *(w.value for w in at.warning),
                      *(e.value for e in at.error), *(i.value for i in at.info), *(c.value for c in at.caption)])


def test_the_quality_check_offers_the_playground_right_side_on_every_run(app):
    at = open_page(app, "views/playground.py")
    at.selectbox(key="pg.right.kind").set_value("anthropic").run()
    open_page(at, "views/evaluation.py")
    assert RIGHT_SIDE in at.multiselect(key="ev.backends").options
    at.number_input(key="ev.max_tokens").set_value(32).run()  # any interaction: it used to vanish here
    assert RIGHT_SIDE in at.multiselect(key="ev.backends").options
    open_page(at, "views/checklist.py")
    open_page(at, "views/evaluation.py")
    assert RIGHT_SIDE in at.multiselect(key="ev.backends").options
    assert at.session_state["pg.right.kind"] == "anthropic"  # kept by Streamlit, also off its page


def test_hybrid_routing_sends_cloud_prompts_to_the_playground_right_side(app):
    at = open_page(app, "views/playground.py")
    at.selectbox(key="pg.right.kind").set_value("anthropic").run()
    open_page(at, "views/routing.py")
    assert "Playground's right side (anthropic claude-haiku-4-5)" in _texts(at)


def test_the_local_side_says_it_is_a_small_demonstration_model(app):
    at = open_page(app, "views/playground.py")
    notes = [i.value for i in at.info if "demonstration model" in i.value]
    assert len(notes) == 1 and "SmolLM2-135M-Instruct (135 million parameters" in notes[0]
    at.text_input(key="pg.left.gguf").input("/models/llama-3.1-8b.Q4_K_M.gguf").run()
    assert not [i for i in at.info if "demonstration model" in i.value]  # another model: not said of it


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CROSSOVER_DATA_DIR", str(tmp_path))
    return tmp_path


def test_an_edit_after_a_save_shows_as_unsaved_and_a_new_scenario_starts_with_empty_notes(data_dir):
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    open_page(at, "views/library.py")
    at.text_input(key="lib.name").input("Ward bot").run()
    at.text_area(key="lib.notes").input("agreed with the DPO").run()
    at.button(key="lib.action.save_new").click().run()
    assert "Saved: version 1 of 'Ward bot', nothing changed since." in _texts(at)

    open_page(at, "views/checklist.py")
    at.number_input(key=key_of(at, "input.", "checklist.requests_per_month")).set_value(777_000).run()
    assert "Ward bot" in _texts(at) and "1\\), with unsaved changes" in _texts(at)  # the label is shown as text: escaped
    open_page(at, "views/library.py")
    assert "**Unsaved changes** (inputs) since version 1 of 'Ward bot'" in _texts(at)
    at.text_area(key="lib.notes").input("agreed with the DPO; volume raised").run()
    assert "**Unsaved changes** (inputs, notes)" in _texts(at)

    assert at.text_area(key="lib.new.notes").value == ""  # a new scenario does not inherit these notes
    at.text_input(key="lib.new.name").input("Ward bot, EU").run()
    at.button(key="lib.action.save_copy").click().run()
    assert "Saved 'Ward bot, EU' as version 1." in _texts(at)
    assert "Saved: version 1 of 'Ward bot, EU', nothing changed since." in _texts(at)
    saved = {s.name: s for s in ScenarioLibrary(f"sqlite:///{data_dir / 'crossover.db'}").list()}
    assert saved["Ward bot, EU"].notes == "" and saved["Ward bot"].notes == "agreed with the DPO"
    assert at.session_state[SCENARIO_KEY].requests_per_month == 777_000
