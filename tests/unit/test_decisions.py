"""Decision documents, shared links, comparison and the decision report."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings

from advisor import Weights, get_preset, list_presets
from calculators import CostAssumptions
from decisions import Decision, decode_decision, load_decision_file, parse_decision
from decisions.compare import compare_inputs, compare_outcomes
from decisions.links import decode_link, encode_link
from decisions.report import ReportTable, build_report
from decisions.report_render import render_html, render_json, render_markdown
from scenario import InputError, Scenario
from tests.strategies import scenarios


def _hospital() -> Decision:
    return Decision(scenario=get_preset("hospital-records").scenario, weights=Weights(privacy=6.0),
                    costs=CostAssumptions(gpu_id="a100-80gb", payment="own"))


# --- documents ----------------------------------------------------------------------------

def test_a_bare_scenario_a_preset_file_and_a_full_decision_all_read():
    bare = parse_decision({"requests_per_month": 10})
    assert bare.scenario.requests_per_month == 10 and bare.weights == Weights()
    preset = parse_decision({"id": "x", "name": "y", "scenario": {"requests_per_month": 20}})
    assert preset.scenario.requests_per_month == 20
    full = parse_decision(_hospital().to_json_dict())
    assert full == _hospital()


def test_every_wrong_field_is_named_at_once():
    with pytest.raises(InputError) as caught:
        parse_decision({"scenario": {"team": "huge"}, "weights": {"volume": -1, "vibes": 2}, "costs": {"local_share": 3}})
    text = " | ".join(caught.value.problems)
    assert "scenario.team" in text and "one of: none, some, dedicated" in text
    assert "weights.volume" in text and "weights.vibes: unknown factor" in text
    assert "costs:" in text and "local_share" in text


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe\x00", "not a text file"),
    (b"{nope", "not valid JSON"),
    (b'{"requests_per_month": NaN}', "NaN is not a number JSON allows"),
    (b"[1, 2]", "expected a JSON object"),
    (b" " * 1_000_001, "too large"),
])
def test_bad_files_are_refused_with_the_reason(content, message):
    with pytest.raises(InputError, match=message):
        decode_decision(content, "upload.json")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_decision_file(tmp_path / "gone.json")


# --- links --------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(scenarios)
def test_any_scenario_survives_a_link_round_trip(scenario: Scenario):
    decision = Decision(scenario=scenario, weights=Weights(team=0.5))
    assert decode_link(encode_link(decision)) == decision


def test_links_are_compact_url_safe_and_empty_for_the_defaults():
    assert encode_link(Decision()) == ""
    assert decode_link("") == Decision()
    for preset in list_presets():
        token = encode_link(Decision(scenario=preset.scenario))
        assert len(token) < 300 and re.fullmatch(r"1\.[A-Za-z0-9_-]+", token)
    token = encode_link(_hospital())
    assert decode_link(token) == _hospital()


@pytest.mark.parametrize("token", ["1.", "2.abc", "1.@@@", "1.eJzLSM3JyQcABiwCFQ", "x" * 9000])
def test_a_damaged_link_is_refused_with_a_message(token):
    with pytest.raises(InputError, match="link"):
        decode_link(token)


def test_a_link_with_an_invalid_field_names_it():
    import base64
    import zlib

    packed = base64.urlsafe_b64encode(zlib.compress(b'{"scenario":{"horizon_months":0}}')).rstrip(b"=").decode()
    with pytest.raises(InputError, match="horizon_months"):
        decode_link("1." + packed)


# --- compare ------------------------------------------------------------------------------

def test_compare_shows_each_scenario_and_flags_only_the_inputs_that_differ():
    named = [("A", Decision()), ("B", Decision(scenario=Scenario(requests_per_month=2_000_000))), ("C", _hospital())]
    outcomes = compare_outcomes(named)
    assert list(outcomes.columns) == ["A", "B", "C"]
    assert outcomes.loc["Recommendation", "C"] == "Local models"
    # HIPAA requests may use the offerings whose facts show a BAA: the one privacy verdict keeps cloud allowed.
    assert outcomes.loc["Score: Cloud API", "C"] != "ruled out"
    gapped = compare_outcomes([("A", Decision()), ("D", Decision(scenario=Scenario(regulations=["air_gapped"])))])
    assert gapped.loc["Score: Cloud API", "D"] == "ruled out"
    inputs = compare_inputs(named)
    assert bool(inputs.loc["Workload: Requests a month", "differs"])
    assert not bool(inputs.loc["Weight: volume", "differs"])
    assert bool(inputs.loc["Weight: privacy", "differs"])
    assert bool(inputs.loc["Cost: gpu_id", "differs"])
    pair = compare_inputs(named[:2])
    assert pair[pair.differs].index.tolist() == ["Workload: Requests a month"]


def test_compare_needs_two_to_four():
    with pytest.raises(ValueError, match="2 to 4"):
        compare_outcomes([("A", Decision())])
    with pytest.raises(ValueError, match="2 to 4"):
        compare_inputs([(str(i), Decision()) for i in range(5)])


def test_same_names_get_told_apart():
    assert list(compare_outcomes([("X", Decision()), ("X", Decision())]).columns) == ["X", "X (2)"]


# --- report -------------------------------------------------------------------------------

def test_the_report_holds_the_answer_costs_sources_assumptions_and_measurements():
    votes = ReportTable(title="Playground: blind votes (1)", rows=[{"vote": "A is better", "winner": "Local"}])
    report, costs = build_report(_hospital(), title="Ward assistant", owner="Dr Ops", notes="for the board", extra_tables=[votes])
    assert report.recommendation["winner_label"] == "Local models"
    assert report.costs["cloud"][0]["sources"] and "genai-prices" in report.costs["price_data_version"]
    assert report.resolved_assumptions["gpu_id"] == "a100-80gb"

    html = render_html(report, costs)
    assert html.startswith("<!doctype html>") and "Ward assistant" in html and "Dr Ops" in html
    assert html.count('class="plotly-graph-div"') == 4
    assert html.count("<script type=\"text/javascript\">/**\n* plotly.js") <= 1  # plotly.js embedded once
    assert "may go only to" in html and "blind votes" in html and "a100-80gb" in html
    markdown = render_markdown(report)
    assert markdown.startswith("# Ward assistant") and "| Local models |" in markdown and "genai-prices" in markdown
    assert "points for the winner" not in markdown + html  # the lead over the runner-up is worded as the app words it
    data = json.loads(render_json(report))
    assert parse_decision(data["decision"]) == _hospital()


def test_a_load_profiles_rate_limit_counts_in_the_report_as_on_the_recommendation_page():
    import numpy as np

    from advisor import assess
    from advisor.what_if import what_would_change
    from calculators.rate_limits import check_rate_limits

    decision = Decision(scenario=Scenario(requests_per_month=3_000_000), costs=CostAssumptions(cloud_models=["openai:gpt-4o"]))

    def limit(scenario: Scenario):  # a peak of 60x the average minute, against the lowest tier
        average = scenario.requests_per_month / (30 * 24 * 60)
        return check_rate_limits(np.array([average, average * 60]), scenario.input_tokens_per_request,
                                 scenario.output_tokens_per_request, "openai:gpt-4o")

    report, _ = build_report(decision, rate_limit=limit)
    page = assess(decision.scenario, decision.weights, None, decision.costs, limit(decision.scenario))
    assert any(note.startswith("Rate limit") for note in page.notes)
    assert report.recommendation["notes"] == page.notes
    assert report.recommendation["scores"] != build_report(decision)[0].recommendation["scores"]  # the limit moved the scores
    assert report.recommendation["what_would_change"] == [
        f.sentence for f in what_would_change(decision.scenario, decision.weights, None, decision.costs, rate_limit=limit)]
    assert "Rate limit" in render_markdown(report)


def test_text_in_the_report_is_escaped():
    report, costs = build_report(Decision(), title="<script>alert(1)</script>", notes="a | b")
    html = render_html(report, costs)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_cost_model_that_cannot_run_still_gives_a_report():
    broken = Decision(costs=CostAssumptions(cloud_models=["nobody:no-such-model"]))
    report, costs = build_report(broken)
    assert costs is None and "no-such-model" in report.cost_error
    assert "could not run" in render_html(report, costs) and "could not run" in render_markdown(report)
