"""Each page, run headless through Streamlit's AppTest."""

from streamlit.testing.v1 import AppTest

from advisor import assess, get_preset
from advisor.labels import OPTION_LABELS
from app.state import SCENARIO_KEY, WEIGHTS_KEY
from tests.app.conftest import key_of, open_page


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_home_lists_presets_with_their_answer(app):
    assert app.title[0].value == "Crossover"
    text = _markdown(app)
    assert "Hospital records assistant" in text and "Default answer: **Local models**" in text
    assert len([b for b in app.button if b.label == "Use this case"]) == 6


def test_home_preset_button_loads_the_scenario(app):
    button = next(b for b in app.button if b.key == "home.preset.hospital-records")
    button.click().run()
    assert app.session_state[SCENARIO_KEY] == get_preset("hospital-records").scenario


def test_checklist_keeps_answers_across_steps(app):
    at = open_page(app, "views/checklist.py")
    assert at.title[0].value == "Selection checklist"
    at.number_input(key="input.checklist.requests_per_month").set_value(750_000).run()
    at.button(key="checklist.next").click().run()
    at.slider(key="input.checklist.sensitive_share").set_value(40).run()
    at.multiselect(key="input.checklist.regulations").select("gdpr").run()
    # jump far ahead and back again: nothing entered is lost
    at.button_group(key="checklist.nav").set_value(6).run()
    at.radio(key="input.checklist.quality_need").set_value("frontier").run()
    at.button_group(key="checklist.nav").set_value(0).run()
    assert at.number_input(key="input.checklist.requests_per_month").value == 750_000
    at.button_group(key="checklist.nav").set_value(1).run()
    assert at.slider(key="input.checklist.sensitive_share").value == 40
    assert at.multiselect(key="input.checklist.regulations").value == ["gdpr"]
    scenario = at.session_state[SCENARIO_KEY]
    assert (scenario.requests_per_month, scenario.sensitive_share, scenario.regulations, scenario.quality_need) == (
        750_000, 0.4, ["gdpr"], "frontier",
    )


def test_checklist_review_lists_every_answer(app):
    at = open_page(app, "views/checklist.py")
    at.button_group(key="checklist.nav").set_value(8).run()
    text = _markdown(at)
    for title in ("Volume", "Privacy & regulation", "Latency", "Team", "Horizon", "Customization", "Quality", "Load pattern"):
        assert f"**{title}**" in text
    at.button(key="checklist.edit.3").click().run()
    assert at.radio(key="input.checklist.team").value == "some"


def test_checklist_preset_loads_into_every_widget(app):
    at = open_page(app, "views/checklist.py")
    at.selectbox(key="checklist.presets.choice").set_value("game-characters").run()
    at.button(key="checklist.presets.load").click().run()
    assert at.number_input(key=key_of(at, "input.", "checklist.requests_per_month")).value == 5_000_000
    at.button_group(key="checklist.nav").set_value(2).run()
    assert at.number_input(key=key_of(at, "input.", "checklist.latency_p95_ms")).value == 3000
    assert at.number_input(key=key_of(at, "input.", "checklist.ttft_ms")).value == 150


def test_recommendation_shows_winner_runner_up_and_flips(app):
    app.session_state[SCENARIO_KEY] = get_preset("ecommerce-assistant").scenario
    at = open_page(app, "views/recommendation.py")
    # Scored as every page scores it: the cost model at today's prices and the latency check.
    expected = assess(get_preset("ecommerce-assistant").scenario)
    text = _markdown(at)
    winner = OPTION_LABELS[expected.recommendation]
    assert f"## {winner} — {expected.scores[expected.recommendation]:.0f} / 100" in text
    assert f"Runner-up: **{OPTION_LABELS[expected.runner_up]}**" in text
    assert "requests a month or more" in text
    assert any("the cost model finds cloud cheapest" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 2


def test_recommendation_weights_update_scores_at_once(app):
    at = open_page(app, "views/recommendation.py")
    before = _markdown(at)
    at.number_input(key="weight.volume").set_value(10.0).run()
    assert at.session_state[WEIGHTS_KEY].volume == 10.0
    assert _markdown(at) != before
    at.button(key="weights.reset").click().run()
    assert at.session_state[WEIGHTS_KEY].volume == 3.0
    assert at.number_input(key=key_of(at, "weight.", "volume")).value == 3.0


def test_recommendation_says_when_an_option_is_ruled_out(app):
    # An air gap rules out cloud and hybrid (HIPAA alone allows the offerings with a BAA: one privacy verdict).
    app.session_state[SCENARIO_KEY] = get_preset("hospital-records").scenario.model_copy(update={"regulations": ["hipaa", "air_gapped"]})
    at = open_page(app, "views/recommendation.py")
    assert any("Cloud API is ruled out" in w.value for w in at.warning)
