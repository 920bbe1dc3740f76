"""Issue 21: load profiles, rate limits at their peaks, and base load local with bursts to the cloud.

The hand-checked profile (``HAND``): 120 minutes from Monday 2026-03-02 09:00, 100 minutes of
50 requests and then 20 minutes of 250. At 3,650,000 requests a month (mean 3,650,000 / 43,800
= 83.33 a minute, and the file's mean is 10,000 / 120 = 83.33) every minute keeps its count.

Assumptions chosen so a replica is round: 1,000 output tokens and no input, 2,000 tokens/s at a
0.5 utilisation target = 2 requests/s x 0.5 x 60 = 60 requests a minute a replica; 1 GPU a
replica at $1/h x 730 h = $730 a month; staff $1,000, infrastructure $0; the cloud model priced
at $1 per 1M output tokens = $0.001 a request.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from calculators import CostAssumptions, cost_report, lookup_price
from calculators.base_burst import base_burst, profile_assumptions, typical_week
from calculators.load_profile import parse_profile, profile_stats, shape_profile
from calculators.rate_limits import check_rate_limits, rate_limit_catalog
from scenario import InputError, Scenario
from tests.cli_runner import run_cli

HAND_CSV = "timestamp,count\n" + "".join(
    f"2026-03-02T{9 + m // 60:02d}:{m % 60:02d}:00,{50 if m < 100 else 250}\n" for m in range(120))
SCENARIO = Scenario(requests_per_month=3_650_000, input_tokens_per_request=0, output_tokens_per_request=1000)
ASSUMPTIONS = CostAssumptions(
    cloud_models=["custom:cheap"], price_overrides={"custom:cheap": {"input_per_mtok": 1.0, "output_per_mtok": 1.0}},
    throughput_tokens_per_s=2000, utilisation_target=0.5, gpu_hourly_usd=1.0, gpus_per_replica=1,
    staff_monthly_usd=1000.0, infra_monthly_usd=0.0,
)


@pytest.fixture(scope="module")
def hand():
    return parse_profile("hand.csv", HAND_CSV.encode())


def test_hand_profile_statistics(hand) -> None:
    rpm = hand.requests_per_minute(SCENARIO.requests_per_month)
    assert np.allclose(rpm, [50] * 100 + [250] * 20)
    stats = profile_stats(rpm)
    # Mean 10,000 / 120; peak 250 = 3x the mean; P50 50; P90 and P99 fall in the burst (sorted position 107 and 118).
    assert stats.mean_rpm == pytest.approx(83.3333, rel=1e-4)
    assert (stats.peak_rpm, stats.p50_rpm, stats.p90_rpm, stats.p99_rpm) == pytest.approx((250, 50, 250, 250))
    assert stats.peak_to_average == pytest.approx(3.0)
    assert stats.load_pattern == "steady"
    assert hand.file_requests_per_month == pytest.approx(3_650_000)


def test_three_strategies_pinned_on_the_hand_profile(hand) -> None:
    plan = base_burst(hand, SCENARIO, ASSUMPTIONS)
    assert plan.replica_rpm == pytest.approx(60)
    # All cloud: 3,650,000 x $0.001 = $3,650.
    assert plan.all_cloud_usd == pytest.approx(3650)
    # All local sized for the peak: 250 / 60 = 4.17 -> 5 replicas x $730 + $1,000 staff = $4,650. The same figure
    # as the Costs page's local option at the profile's peak-to-average (3): 3,650,000 / (2 x 0.5 x 730 x 3600 / 3 = 876,000)
    # = 4.17 -> 5 replicas.
    assert plan.all_local_peak_usd == pytest.approx(4650)
    costs_page = cost_report(SCENARIO, profile_assumptions(ASSUMPTIONS, 3.0))
    assert costs_page.local.monthly_usd == pytest.approx(plan.all_local_peak_usd)
    assert costs_page.cloud[0].monthly_usd == pytest.approx(plan.all_cloud_usd)
    # Base-burst up to P83 (sorted position 0.83 x 119 = 98.8, still 50 a minute): 1 replica, 60 a minute. The 20 burst
    # minutes overflow by 190 each: 3,800 of 10,000 requests (38%) -> 1,387,000 a month x $0.001 = $1,387, plus
    # $730 + $1,000 local = $3,117. From P84 (position 99.96, 242 a minute) 5 replicas hold everything: $4,650.
    best = plan.best
    assert best.percentile == 83  # the highest percentile at the lowest cost
    assert best.replicas == 1
    assert best.local_share == pytest.approx(0.62)
    assert best.cloud_usd == pytest.approx(1387)
    assert best.monthly_usd == pytest.approx(3117)
    assert plan.curve[84].monthly_usd == pytest.approx(4650) and plan.curve[100].monthly_usd == pytest.approx(4650)
    assert best.monthly_usd < plan.all_cloud_usd < plan.all_local_peak_usd


def test_scale_to_zero_pays_a_cold_start(hand) -> None:
    # P83, 1 replica: the first hour starts it, so its first 10 minutes (50 a minute) go to the cloud: 500 more
    # requests overflow, 4,300 in all (43%): 1,569,500 a month x $0.001 = $1,569.50. It runs both hours (the
    # profile is never idle): 2 replica-hours per 120 minutes = 730 h a month x $1 = $730, + $1,000 staff.
    plan = base_burst(hand, SCENARIO, ASSUMPTIONS, schedule="scale_to_zero", cold_start_minutes=10)
    point = plan.curve[83]
    assert point.local_share == pytest.approx(0.57)
    assert point.monthly_usd == pytest.approx(730 + 1000 + 1569.5)


def test_office_hours_send_nights_to_the_cloud() -> None:
    profile = shape_profile("flat_24_7")
    plan = base_burst(profile, SCENARIO, ASSUMPTIONS, schedule="office_hours")
    # 50 of 168 hours are office hours: the rest of a flat week goes to the cloud.
    assert plan.best.local_share == pytest.approx(50 / 168)
    with pytest.raises(Exception, match="owned GPUs"):
        base_burst(profile, SCENARIO, ASSUMPTIONS.model_copy(update={"payment": "own"}), schedule="office_hours")


def test_typical_week_adds_up(hand) -> None:
    plan = base_burst(hand, SCENARIO, ASSUMPTIONS)
    week = typical_week(hand, SCENARIO, plan)
    assert list(week.columns) == ["hour", "local", "cloud"]
    assert week["local"].sum() + week["cloud"].sum() == pytest.approx(10_000)
    assert week["cloud"].sum() == pytest.approx(3_800)


def test_rate_limits_on_the_hand_profile(hand) -> None:
    rpm = hand.requests_per_minute(SCENARIO.requests_per_month)
    # gpt-4o Tier 1: 500 requests but 30,000 tokens a minute = 30 requests of 1,000 tokens. Every minute is over;
    # (50-30) x 100 + (250-30) x 20 = 6,400 of 10,000 requests get a 429 first. Tier 2 allows 450,000 / 1,000 = 450 >= 250.
    check = check_rate_limits(rpm, 0, 1000, "openai:gpt-4o")
    assert check.as_json() == {"tier": "Tier 1", "rpm_limit": 500, "tpm_limit": 30000, "minutes_over_share": 1.0,
                               "tier_needed": "Tier 2"}
    assert check.requests_over_share == pytest.approx(0.64)
    assert check.exceeded and "429" in " ".join(check.sentences)
    assert not check_rate_limits(rpm, 0, 1000, "openai:gpt-4o", "Tier 2").exceeded
    # Anthropic counts output tokens apart: Tier 1 Sonnet allows 8,000 / 1,000 = 8 a minute.
    assert check_rate_limits(rpm, 0, 1000, "anthropic:claude-sonnet-4-5").requests_allowed_per_minute == pytest.approx(8)
    unpublished = check_rate_limits(rpm, 0, 1000, "google:gemini-2.5-pro")
    assert not unpublished.published and unpublished.minutes_over_share is None and "AI Studio" in unpublished.sentences[0]


def test_catalog_matches_the_provider_facts_and_the_price_data() -> None:
    providers = {o["id"]: o for o in json.load(open("assets/providers.json", encoding="utf-8"))["offerings"]}
    catalog = rate_limit_catalog()
    assert {o["offering"] for o in catalog["offerings"]} == {"openai-api", "anthropic-api", "azure-openai", "gemini-api"}
    for offering in catalog["offerings"]:
        assert offering["offering"] in providers
        assert offering["source"].startswith("https://") and offering["checked"]
        for model in offering["models"]:
            assert model["model"].split(":")[0] in providers[offering["offering"]]["price_providers"]
            lookup_price(model["model"])  # a model the cost model can price
            assert bool(model["tiers"]) == offering["published"] or offering["offering"] == "azure-openai"


@pytest.mark.parametrize("name", ["office_hours", "flat_24_7", "consumer_evenings", "nightly_batch", "spiky"])
def test_shapes_are_a_week(name) -> None:
    profile = shape_profile(name)
    assert profile.minutes == 7 * 1440
    stats = profile_stats(profile.requests_per_minute(100_000))
    assert stats.mean_rpm == pytest.approx(100_000 / 43_800)
    assert stats.load_pattern == ("spiky" if name in ("spiky", "nightly_batch") else "steady")


@pytest.mark.parametrize(("content", "problem"), [
    ("a,b\nfoo,1\nbar,2\n", "no usable time column"),
    ("timestamp,count\n2026-03-02T09:00:00,5\n2026-03-02T09:01:00,-3\n", "negative"),
    ("timestamp,count\n2026-03-02T09:00:00,5\n2026-03-02T09:01:00,3\n", "at least one hour"),
    # One row of counts: per minute or per hour cannot be told (it was taken as an hour once).
    ("time,count\n2026-01-01T00:00,5\n", "one time only"),
    ("timestamp,count\n2026-03-02T09:00:00,5\n2026-03-02T09:05:00,3\n2026-03-02T09:10:00,3\n", "per minute or per hour"),
    ("timestamp,count\n2026-03-02T09:00:00,5\nnot a time,3\n", "row 3"),
    ("timestamp,count\n2026-03-02T09:00:00,x\n2026-03-02T10:00:00,3\n", "not a number"),
    ("timestamp\n2020-01-01T00:00:00\n2026-01-01T00:00:00\n", "the limit is 100 days"),
    # One row of 900,000 columns took 40 s of CPU and 1.6 GB on a shared server: refused from its header.
    ("," * 899_999 + "\n" + "1," * 899_999 + "1\n", "has 900,000 columns in its first line"),
])
def test_bad_files_name_the_problem_and_the_formats(content, problem) -> None:
    with pytest.raises(InputError) as caught:
        parse_profile("bad.csv", content.encode())
    assert problem in str(caught.value) and "Accepted:" in str(caught.value)


def test_timestamps_hourly_counts_and_unix_seconds() -> None:
    stamps = "timestamp\n" + "".join(f"2026-03-02T09:{m:02d}:{s:02d}Z\n" for m in range(60) for s in (0, 30))
    per_request = parse_profile("requests.csv", stamps.encode())
    assert per_request.source == "timestamps" and per_request.minutes == 60 and per_request.counts.max() == 2
    hourly = parse_profile("hourly.csv", b"time,requests\n1772442000,600\n1772445600,1200\n")
    assert hourly.source == "per hour" and hourly.minutes == 120 and hourly.counts[0] == 10 and hourly.counts[-1] == 20
    assert hourly.notes


def test_cli_contract_and_bad_files(tmp_path) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"requests_per_month": 3_650_000, "input_tokens_per_request": 0,
                                    "output_tokens_per_request": 1000}))
    profile = tmp_path / "hand.csv"
    profile.write_text(HAND_CSV)
    result = run_cli("load", "--profile", str(profile), "--scenario", str(scenario), "--cloud-model", "openai:gpt-4o",
                     "--tier", "Tier 1", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"profile", "rate_limits", "base_burst", "all_local_peak_usd", "all_cloud_usd"}
    assert set(data["profile"]) == {"mean_rpm", "peak_rpm", "p50_rpm", "p90_rpm", "p99_rpm", "peak_to_average"}
    assert set(data["rate_limits"]) == {"tier", "rpm_limit", "tpm_limit", "minutes_over_share", "tier_needed"}
    assert set(data["base_burst"]) == {"best_percentile", "monthly_usd", "local_share", "curve"}
    assert len(data["base_burst"]["curve"]) == 101 and set(data["base_burst"]["curve"][0]) == {"percentile", "monthly_usd"}
    assert data["rate_limits"]["tier_needed"] == "Tier 2"
    # all-cloud is `crossover costs`' cloud figure for the same scenario and model.
    costs = json.loads(run_cli("costs", "--scenario", str(scenario), "--cloud-model", "openai:gpt-4o", "--json").stdout)
    assert data["all_cloud_usd"] == costs["cloud"]["monthly_usd"]
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,count\n2026-03-02T09:00:00,-1\n2026-03-02T10:00:00,3\n")
    refused = run_cli("load", "--profile", str(bad), "--scenario", str(scenario), "--json")
    assert refused.returncode == 2 and "negative" in refused.stderr and "Accepted:" in refused.stderr and not refused.stdout
    assert run_cli("load", "--profile", str(tmp_path / "missing.csv"), "--scenario", str(scenario)).returncode == 2
    assert run_cli("load", "--shape", "spiky", "--scenario", str(scenario), "--tier", "Tier 9").returncode == 2


def test_routing_policy_sends_the_burst_share_to_the_cloud() -> None:
    from routing.complexity import complexity
    from routing.policy import POLICIES, BaseBurst, Policy, PromptFacts, decide, dump_policy, parse_policy
    from routing.simulate import simulate

    policy = POLICIES["base-load-local-bursts-cloud"]
    assert parse_policy(json.loads(dump_policy(policy))) == policy
    facts = [PromptFacts(index=i, prompt="hello", findings=[], complexity=complexity("hello"), input_tokens=10) for i in range(4)]
    rule = Policy(rules=[BaseBurst(percentile=83, burst_share=0.38)])
    decision = decide(facts[0], rule)
    assert (decision.route, decision.fallback_route, decision.fallback_rate) == ("local", "cloud", 0.38)
    assert simulate(facts, rule, SCENARIO, ASSUMPTIONS).local_share == pytest.approx(0.62)


@pytest.mark.parametrize("name", ["office_hours", "consumer_evenings", "nightly_batch", "spiky"])
@pytest.mark.parametrize("volume", [200_000, 5_000_000, 60_000_000])
def test_the_plan_ends_where_the_costs_page_is(name, volume) -> None:
    """Always on, P100 is all local sized for the peak (the Costs page's local at the profile's peak-to-average, 730 h);
    keeping more local never lowers the local share; the best point is no dearer than any other."""
    scenario = Scenario(requests_per_month=volume)
    plan = base_burst(shape_profile(name), scenario, CostAssumptions())
    if plan.peak_to_average <= 50:
        assert plan.curve[-1].monthly_usd == pytest.approx(plan.all_local_peak_usd)
        assert plan.curve[-1].local_share == pytest.approx(1.0)
    shares = [p.local_share for p in plan.curve]
    assert all(b >= a - 1e-12 for a, b in zip(shares, shares[1:], strict=False))
    assert plan.best.monthly_usd <= min(p.monthly_usd for p in plan.curve) + 0.005


def test_the_recommendation_and_what_if_count_the_limit_the_same_way() -> None:
    from functools import partial

    from advisor import assess, what_would_change

    profile = shape_profile("spiky")

    def check(model: str, scenario: Scenario):
        rpm = profile.requests_per_minute(scenario.requests_per_month)
        return check_rate_limits(rpm, scenario.input_tokens_per_request, scenario.output_tokens_per_request, model)

    scenario = Scenario(requests_per_month=3_000_000)
    limit = check("openai:gpt-4o", scenario)
    assert limit.exceeded
    counted = assess(scenario, rate_limit=limit)
    load = [f for f in counted.factors if f.factor == "load"]
    assert all(f.reason.startswith("Rate limit: at its peak the load profile sends 2,173 requests a minute") for f in load)
    assert {f.option: f.points for f in load}["cloud"] < 0 < {f.option: f.points for f in load}["hybrid"]
    # The same whole number of requests a minute the Costs page's metric and sentence show (30,000 / 800 = 37.5 -> 37).
    assert f"over Tier 1's {limit.whole_requests_allowed:,} in" in load[0].reason and limit.whole_requests_allowed == 37
    assert "allows 37 requests" in limit.sentences[0] and counted.notes[-1] == load[0].reason
    flips = what_would_change(scenario, rate_limit=partial(check, "openai:gpt-4o"))
    assert flips and all(f.sentence.endswith(f"instead of {counted.recommendation}.") for f in flips)
    # The rule of thumb's load pattern no longer decides the load factor while the limit is exceeded.
    assert not [f for f in flips if f.field == "load_pattern"]
