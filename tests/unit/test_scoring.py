"""Each checklist rule from the articles, checked on its own against a neutral baseline."""

import pytest

from advisor import OPTIONS, Weights, recommend
from advisor.providers import privacy_verdict
from advisor.scoring import factor_leans
from scenario import Scenario

# A scenario where no factor but the one under test argues much either way.
NEUTRAL = Scenario(
    requests_per_month=223_607,
    sensitive_share=0.0,
    latency_p95_ms=1_000,
    team="some",
    horizon_months=12,
    quality_need="standard",
    load_pattern="unknown",
)


def _lean(factor, **changes):
    lean = factor_leans(NEUTRAL.model_copy(update=changes))[factor]
    return {option: lean.of(option) for option in OPTIONS}


def _favourite(factor, **changes):
    leans = _lean(factor, **changes)
    return max(leans, key=leans.get)


@pytest.mark.parametrize(
    ("requests", "expected"),
    [(1_000, "cloud"), (50_000, "cloud"), (99_000, "cloud"), (150_000, "hybrid"), (450_000, "hybrid"), (600_000, "local"), (5_000_000, "local")],
)
def test_volume_rule(requests, expected):
    assert _favourite("volume", requests_per_month=requests) == expected


def test_volume_only_scenario_flips_at_the_articles_thresholds():
    only_volume = Weights(privacy=0, latency=0, team=0, horizon=0, customization=0, quality=0, load=0)
    assert recommend(NEUTRAL.model_copy(update={"requests_per_month": 99_000}), only_volume).recommendation == "cloud"
    assert recommend(NEUTRAL.model_copy(update={"requests_per_month": 101_000}), only_volume).recommendation == "hybrid"
    assert recommend(NEUTRAL.model_copy(update={"requests_per_month": 499_000}), only_volume).recommendation == "hybrid"
    assert recommend(NEUTRAL.model_copy(update={"requests_per_month": 501_000}), only_volume).recommendation == "local"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sensitive_share": 0.0}, "cloud"),
        ({"sensitive_share": 0.5}, "hybrid"),
        ({"sensitive_share": 1.0}, "local"),
        ({"sensitive_share": 0.2, "regulations": ["hipaa"]}, "hybrid"),
        ({"sensitive_share": 0.8, "regulations": ["hipaa"]}, "local"),
        ({"regulations": ["air_gapped"]}, "local"),
    ],
)
def test_privacy_rule(changes, expected):
    assert _favourite("privacy", **changes) == expected


def test_regulation_moves_privacy_towards_local():
    plain = _lean("privacy", sensitive_share=0.2)
    regulated = _lean("privacy", sensitive_share=0.2, regulations=["hipaa"])
    assert regulated["cloud"] < plain["cloud"]
    assert regulated["local"] > plain["local"]


@pytest.mark.parametrize(("target", "expected"), [(50, "local"), (150, "local"), (3_000, "cloud")])
def test_latency_rule(target, expected):
    assert _favourite("latency", latency_p95_ms=target) == expected


@pytest.mark.parametrize(("team", "expected"), [("none", "cloud"), ("some", "hybrid"), ("dedicated", "local")])
def test_team_rule(team, expected):
    assert _favourite("team", team=team) == expected


@pytest.mark.parametrize(("months", "expected"), [(2, "cloud"), (3, "cloud"), (24, "local"), (60, "local")])
def test_horizon_rule(months, expected):
    assert _favourite("horizon", horizon_months=months) == expected


def test_fine_tuning_rule():
    assert _favourite("customization", needs_fine_tuning=True) == "local"
    assert set(_lean("customization", needs_fine_tuning=False).values()) == {0.0}


@pytest.mark.parametrize(("quality", "expected"), [("frontier", "cloud"), ("standard", "local")])
def test_quality_rule(quality, expected):
    assert _favourite("quality", quality_need=quality) == expected


@pytest.mark.parametrize(("pattern", "expected"), [("spiky", "cloud"), ("unknown", "cloud"), ("steady", "local")])
def test_load_rule(pattern, expected):
    assert _favourite("load", load_pattern=pattern) == expected


def test_air_gap_rules_out_cloud_and_hybrid():
    result = recommend(Scenario(regulations=["air_gapped"], team="none", quality_need="frontier", requests_per_month=100))
    assert result.recommendation == "local"
    assert result.runner_up is None
    assert result.scores["cloud"] == result.scores["hybrid"] == 0
    assert {e.option for e in result.excluded} == {"cloud", "hybrid"}


def test_all_traffic_regulated_follows_the_one_privacy_verdict():
    # The Checklist lists offerings whose sourced facts meet GDPR; the scoring must not contradict it.
    scenario = Scenario(sensitive_share=1.0, regulations=["gdpr"], team="none", quality_need="frontier", requests_per_month=100)
    verdict = privacy_verdict(scenario)
    assert verdict.cloud_allowed and verdict.allowed
    result = recommend(scenario)
    assert result.excluded == []
    assert result.scores["cloud"] > 0


def test_partly_regulated_traffic_keeps_cloud_allowed():
    result = recommend(Scenario(sensitive_share=0.99, regulations=["gdpr"]))
    assert result.excluded == []
    assert result.scores["cloud"] > 0


def test_points_add_up_to_the_scores():
    result = recommend(Scenario(requests_per_month=300_000, sensitive_share=0.3, regulations=["pci"]))
    for option in OPTIONS:
        total = 50 + sum(c.points for c in result.factors if c.option == option)
        assert result.scores[option] == pytest.approx(total, abs=1e-5)


def test_weights_change_the_outcome():
    scenario = Scenario(requests_per_month=2_000_000, quality_need="frontier", team="some")
    volume_heavy = recommend(scenario, Weights(volume=10, quality=0))
    quality_heavy = recommend(scenario, Weights(volume=0, quality=10))
    assert volume_heavy.recommendation == "local"
    assert quality_heavy.recommendation == "cloud"


def test_all_weights_zero_is_a_tie_resolved_to_the_simplest():
    zero = Weights(**{f: 0 for f in Weights.model_fields})
    result = recommend(Scenario(), zero)
    assert result.scores == {"cloud": 50, "local": 50, "hybrid": 50}
    assert result.recommendation == "cloud"


def test_weights_are_validated():
    with pytest.raises(ValueError):
        Weights(volume=-1)
    with pytest.raises(ValueError):
        Weights(volume=float("nan"))


def test_deciding_factors_explain_the_lead():
    result = recommend(Scenario(requests_per_month=10_000, team="none", horizon_months=2))
    assert result.recommendation == "cloud"
    factors = [c.factor for c, _ in result.deciding_factors()]
    assert "team" in factors and "volume" in factors
    leads = [lead for _, lead in result.deciding_factors()]
    assert leads == sorted(leads, reverse=True)
