"""Properties the scoring must keep for every scenario, not only the ones we thought of."""

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import OPTIONS, Weights, recommend
from tests.strategies import REGULATIONS, scenarios

weights = st.builds(Weights, **{name: st.floats(0, 10) for name in Weights.model_fields})


@given(scenarios, weights)
def test_scores_stay_within_0_and_100(scenario, w):
    result = recommend(scenario, w)
    assert all(0 <= result.scores[o] <= 100 for o in OPTIONS)
    assert result.recommendation not in {e.option for e in result.excluded}


@given(scenarios, weights, st.integers(1, 10**10))
def test_more_volume_never_lowers_local_relative_to_cloud(scenario, w, extra):
    if scenario.regulations and scenario.sensitive_share == 1.0:
        return  # cloud is ruled out at every volume; nothing to compare
    before = recommend(scenario, w)
    after = recommend(scenario.model_copy(update={"requests_per_month": scenario.requests_per_month + extra}), w)
    gap_before = before.scores["local"] - before.scores["cloud"]
    gap_after = after.scores["local"] - after.scores["cloud"]
    assert gap_after >= gap_before - 1e-6


@given(scenarios, weights, st.sampled_from(REGULATIONS))
def test_adding_a_regulation_never_raises_cloud(scenario, w, regulation):
    if regulation in scenario.regulations:
        return
    before = recommend(scenario, w)
    after = recommend(scenario.model_copy(update={"regulations": [*scenario.regulations, regulation]}), w)
    assert after.scores["cloud"] <= before.scores["cloud"] + 1e-6


@settings(max_examples=200)
@given(scenarios, weights)
def test_air_gapped_never_recommends_cloud(scenario, w):
    air_gapped = scenario.model_copy(update={"regulations": [*{*scenario.regulations, "air_gapped"}]})
    result = recommend(air_gapped, w)
    assert result.recommendation == "local"
    assert result.scores["cloud"] == 0
