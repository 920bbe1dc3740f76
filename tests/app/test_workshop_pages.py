"""Library, Compare and Report pages through Streamlit's AppTest, with a real SQLite library."""

import pytest
from streamlit.testing.v1 import AppTest

from advisor import get_preset
from app.state import SCENARIO_KEY
from decisions import Decision
from decisions.library import ScenarioLibrary
from tests.app.conftest import ENTRY, open_page


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CROSSOVER_DATA_DIR", str(tmp_path))
    return tmp_path


def _texts(at: AppTest) -> str:
    return "\n".join([*(m.value for m in at.markdown), *(s.value for s in at.success), *(e.value for e in at.error),
                      *(i.value for i in at.info), *(c.value for c in at.caption)])


def _save_preset(preset_id: str, name: str, owner: str, notes: str = "") -> AppTest:
    """A new session that loads a preset and saves it in the library as ``name``."""
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    at.button(key=f"home.preset.{preset_id}").click().run()
    open_page(at, "views/library.py")
    at.text_input(key="lib.name").input(name).run()
    at.text_input(key="lib.owner").input(owner).run()
    if notes:
        at.text_area(key="lib.notes").input(notes).run()
    at.button(key="lib.action.save_new").click().run()
    assert f"Saved '{name}' as version 1." in _texts(at)
    return at


def test_save_then_open_restores_every_input(data_dir):
    _save_preset("hospital-records", "Ward bot", "Ops")
    saved = ScenarioLibrary(f"sqlite:///{data_dir / 'crossover.db'}").list()
    assert [(s.name, s.owner, s.version) for s in saved] == [("Ward bot", "Ops", 1)]

    # a fresh session opens it from the library
    other = AppTest.from_file(ENTRY, default_timeout=30)
    other.run()
    open_page(other, "views/library.py")
    other.button(key="lib.action.open").click().run()
    assert other.session_state[SCENARIO_KEY] == get_preset("hospital-records").scenario
    assert "Opened 'Ward bot', version 1 of 1." in _texts(other)
    assert other.button(key="lib.action.save_version").label == "Save as version 2 of 'Ward bot'"


def test_a_preset_loaded_after_a_save_is_not_saved_under_the_old_name(data_dir):
    at = _save_preset("startup-mvp", "Startup plan", "Ana", notes="first pass")

    open_page(at, "views/home.py")
    at.button(key="home.preset.hospital-records").click().run()
    open_page(at, "views/library.py")
    assert "Not saved yet" in _texts(at)
    # The fields no longer offer the old name: a Save here used to file the hospital preset as a second 'Startup plan'.
    assert (at.text_input(key="lib.name").value, at.text_area(key="lib.notes").value) == ("", "")
    assert at.text_input(key="lib.owner").value == "Ana"  # the same person goes on working
    at.button(key="lib.action.save_new").click().run()
    names = [s.name for s in ScenarioLibrary(f"sqlite:///{data_dir / 'crossover.db'}").list()]
    assert names == ["Startup plan"]  # refused: a new scenario needs a name
    assert at.session_state[SCENARIO_KEY] == get_preset("hospital-records").scenario  # and the work is still here

    # A name typed after the save is the user's own: loading a preset keeps it.
    at.text_input(key="lib.name").input("Hospital pilot").run()
    open_page(at, "views/home.py")
    at.button(key="home.preset.ecommerce-assistant").click().run()
    open_page(at, "views/library.py")
    assert at.text_input(key="lib.name").value == "Hospital pilot"


def test_a_damaged_library_file_is_explained_and_the_scenario_kept(data_dir):
    (data_dir / "crossover.db").write_bytes(b"not a database" * 200)
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    at.button(key="home.preset.startup-mvp").click().run()
    open_page(at, "views/library.py")
    assert not at.exception
    assert "damaged or is not a database" in _texts(at)
    assert at.button(key="lib.action.save_new").disabled
    assert at.session_state[SCENARIO_KEY] == get_preset("startup-mvp").scenario
    assert (data_dir / "crossover.db").read_bytes() == b"not a database" * 200


def test_compare_needs_a_saved_scenario_then_shows_both(data_dir):
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    open_page(at, "views/compare.py")
    assert "Save at least one scenario" in _texts(at)
    ScenarioLibrary(f"sqlite:///{data_dir / 'crossover.db'}").save(Decision(scenario=get_preset("hospital-records").scenario), "Ward")
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 2
    outcomes = at.dataframe[0].value
    assert list(outcomes.columns) == ["Working on", "Ward (v1)"]
    assert outcomes.loc["Recommendation", "Ward (v1)"] == "Local models"


def test_report_page_offers_three_downloads_and_a_summary(data_dir):
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    at.button(key="home.preset.hospital-records").click().run()
    open_page(at, "views/report.py")
    at.text_input(key="rep.title").input("Ward decision").run()
    assert "### Ward decision" in _texts(at)
    assert any(t.value.startswith("Recommendation: Local models (") for t in at.text)  # worded as the Recommendation page
