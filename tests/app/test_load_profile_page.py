"""Issue 21 on the Costs page (AppTest): a shape's percentiles, the rate-limit check, the base-burst plan beside the
privacy split, applying the profile to the cost model, and the Recommendation and the Report counting the limit."""

import re

from app.state import COSTS_KEY, SCENARIO_KEY
from calculators import CostAssumptions
from scenario import Scenario
from tests.app.conftest import open_page


def _open_with_profile(app, shape="spiky", volume=3_000_000):
    app.session_state[SCENARIO_KEY] = Scenario(requests_per_month=volume)
    app.session_state[COSTS_KEY] = CostAssumptions(cloud_models=["openai:gpt-4o", "google:gemini-2.5-pro"])
    at = open_page(app, "views/costs.py")
    assert not [c for c in at.get("plotly_chart") if c.key.startswith("load.")]  # off by default: nothing computed
    at.toggle(key="load.on").set_value(True).run()
    at.selectbox(key="load.shape").set_value(shape).run()
    assert not at.exception, at.exception
    return at


def _strategies(at):
    return next(d.value for d in at.dataframe if "Strategy" in d.value.columns)


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_shape_gives_percentiles_limits_and_the_base_burst_plan(app):
    at = _open_with_profile(app)
    assert _metric(at, "Peak-to-average") == "31.7x"
    assert _metric(at, "Minutes over the limit") == "32.7%"
    assert _metric(at, "Tier the peak needs") == "Tier 4"
    assert any("429" in w.value for w in at.warning)
    assert {c.key for c in at.get("plotly_chart")} >= {"load.curve", "load.week"}
    table = _strategies(at)
    assert list(table["Strategy"].str.split(" ").str[0]) == ["All", "All", "Privacy", "Base"]
    assert (table["Cheapest"] == "yes").sum() == 1
    # The Costs page's own cloud figure is the all-cloud row.
    cloud_headline = next(m.value for m in at.metric if m.label.startswith("Cloud: "))
    assert cloud_headline == f"${table['USD a month'][0]:,.0f}/mo"


def test_a_model_without_published_limits_says_so(app):
    at = _open_with_profile(app)
    at.selectbox(key="load.cloud_model").set_value("google:gemini-2.5-pro").run()
    assert any("AI Studio" in i.value for i in at.info)


def test_applying_the_profile_makes_the_costs_page_local_the_all_local_at_peak(app):
    at = _open_with_profile(app, "nightly_batch")
    at.button(key="load.apply").click().run()
    assert at.session_state[COSTS_KEY].peak_to_average == 5.45
    assert at.session_state[SCENARIO_KEY].load_pattern == "spiky"
    table = _strategies(at)
    local_headline = next(m.value for m in at.metric if m.label.startswith("Local: "))
    assert local_headline == f"${table['USD a month'][1]:,.0f}/mo"


def test_the_recommendation_counts_a_limit_the_peak_exceeds(app):
    at = _open_with_profile(app)
    at = open_page(at, "views/recommendation.py")
    assert not at.exception
    assert any(w.value.startswith("Rate limit: at its peak the load profile sends 2,173 requests a minute to openai:gpt-4o")
               for w in at.warning)
    # Off again: the Recommendation no longer counts it.
    at = open_page(at, "views/costs.py")
    at.toggle(key="load.on").set_value(False).run()
    at = open_page(at, "views/recommendation.py")
    assert not any(w.value.startswith("Rate limit") for w in at.warning)


def test_the_report_counts_the_limit_as_the_recommendation_does(app):
    # The limit used to count on the Recommendation page only: the report's scores and margin
    # differed from the page's (one set of numbers). The report's notes and "what would change
    # it" are checked in tests/unit/test_decisions.py.
    at = _open_with_profile(app)
    at = open_page(at, "views/recommendation.py")
    winner, score = re.match(r"## (.+) — ([\d.]+) / 100", next(m.value for m in at.markdown if m.value.startswith("## "))).groups()
    runner_up = next(m.value for m in at.markdown if m.value.startswith("Runner-up: "))
    other, other_score, margin = re.match(r"Runner-up: \*\*(.+)\*\* at ([\d.]+), \*\*([\d.]+) points\*\* behind", runner_up).groups()
    at = open_page(at, "views/report.py")
    assert at.text[0].value == f"Recommendation: {winner} ({score}/100); runner-up {other} at {other_score}, {margin} points behind"
