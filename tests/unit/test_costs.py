"""The cost model: the articles' worked example, catalogs, capacity, edge cases."""

import json
import math

import numpy as np
import pytest

from calculators import (
    CostAssumptions,
    CostInputError,
    PriceOverride,
    UnknownCloudModel,
    cost_curves,
    cost_report,
    get_gpu,
    get_open_model,
    gpus_needed_to_fit,
    lookup_price,
    memory_needed_gb,
    parse_assumptions,
    price_per_request,
    tco_curves,
)
from scenario import Scenario

WORKED = Scenario(requests_per_month=1_000_000, input_tokens_per_request=500, output_tokens_per_request=500)
# The article: 2 x GPU at $3/h for 720 h, $3,000 DevOps, $500 infrastructure, 80 % local.
WORKED_LOCAL = dict(gpus_fixed=2, gpu_hourly_usd=3.0, hours_per_month=720, staff_monthly_usd=3000.0, infra_monthly_usd=500.0, local_share=0.8)


@pytest.mark.parametrize(
    "cloud",
    [
        {"cloud_models": ["openai:gpt-4"]},  # the price database's GPT-4: $30 / $60 per 1M
        {"cloud_models": ["custom:gpt-4-list-price"], "price_overrides": {"custom:gpt-4-list-price": {"input_per_mtok": 30, "output_per_mtok": 60}}},
    ],
)
def test_the_articles_worked_example_exactly(cloud):
    report = cost_report(WORKED, CostAssumptions(**cloud, **WORKED_LOCAL))
    assert report.cloud[0].monthly_usd == pytest.approx(45_000, abs=0.005)
    assert report.local.monthly_usd == pytest.approx(7_820, abs=0.005)
    assert report.hybrid.monthly_usd == pytest.approx(16_820, abs=0.005)
    assert {line.item: line.monthly_usd for line in report.local.lines} == pytest.approx(
        {"GPUs: rent": 4_320, "Staff (DevOps/MLOps)": 3_000, "Infrastructure & monitoring": 500}
    )
    assert report.breakeven[0].requests_per_month == pytest.approx(7_820 / 0.045)


def test_genai_prices_is_the_source_with_links_and_version():
    price = lookup_price("openai:gpt-4o")
    assert not price.overridden
    assert price.data_version.startswith("genai-prices ")
    assert price.source_urls and price.source_urls[0].startswith("https://")
    assert price.input_per_mtok > 0 and price.output_per_mtok > price.input_per_mtok


def test_overridden_prices_are_marked():
    price = lookup_price("openai:gpt-4o", PriceOverride(input_per_mtok=1, output_per_mtok=2))
    assert price.overridden and price.data_version == "your own prices"
    assert price_per_request(price, 1_000_000, 1_000_000) == pytest.approx(3.0)


def test_cached_input_is_billed_at_the_cached_rate():
    price = lookup_price("openai:gpt-4o")
    full = price_per_request(price, 1000, 0)
    half_cached = price_per_request(price, 1000, 0, cached_input_share=0.5)
    assert half_cached == pytest.approx(500 * (price.input_per_mtok + price.cached_input_per_mtok) / 1e6)
    assert half_cached < full


def test_each_request_is_priced_alone_so_long_context_tiers_do_not_kick_in():
    price = lookup_price("google:gemini-2.5-pro")
    assert price.has_tiers
    scenario = Scenario(requests_per_month=1_000_000, input_tokens_per_request=1_000, output_tokens_per_request=0)
    monthly = cost_report(scenario, CostAssumptions(cloud_models=["google:gemini-2.5-pro"])).cloud[0].monthly_usd
    assert monthly == pytest.approx(1e9 * price.input_per_mtok / 1e6)


def test_unknown_cloud_model_suggests_close_names():
    with pytest.raises(UnknownCloudModel, match="did you mean openai:gpt-4o"):
        lookup_price("openai:gpt-4oo")


def test_bad_assumptions_name_the_field():
    with pytest.raises(CostInputError, match="gpu_hourly_usd"):
        parse_assumptions({"gpu_hourly_usd": -1})
    with pytest.raises(CostInputError, match="utilisation_target"):
        parse_assumptions({"utilisation_target": float("nan")})
    with pytest.raises(CostInputError, match="no GPU 'h200'"):
        cost_report(Scenario(), CostAssumptions(gpu_id="h200"))


def test_capacity_staircase_and_servers():
    a = CostAssumptions(gpu_id="l4", throughput_tokens_per_s=500, gpus_per_replica=1)
    small = cost_report(Scenario(requests_per_month=10_000), a)
    large = cost_report(Scenario(requests_per_month=50_000_000), a)
    assert small.local.gpus == 1 and small.local.servers == 1
    assert large.local.gpus > 8 and large.local.servers == math.ceil(large.local.gpus / 8)
    assert any("more than one 8-GPU server" in note for note in large.notes)


def test_owned_hardware_amortises_and_pays_power_and_maintenance():
    a = CostAssumptions(payment="own", gpu_id="a100-80gb", gpus_fixed=2, gpu_purchase_usd=15_000, gpu_power_w=400,
                        depreciation_months=36, pue=1.5, kwh_usd=0.2, maintenance_share_yearly=0.12,
                        hours_per_month=730, staff_monthly_usd=0, infra_monthly_usd=0)
    report = cost_report(Scenario(requests_per_month=1000), a)
    lines = {line.item: line.monthly_usd for line in report.local.lines}
    assert lines["GPUs: amortisation"] == pytest.approx(2 * 15_000 / 36)
    assert lines["GPUs: power"] == pytest.approx(2 * 0.4 * 730 * 1.5 * 0.2)
    assert lines["GPUs: maintenance"] == pytest.approx(2 * 15_000 * 0.12 / 12)
    assert report.local.upfront_usd == 30_000
    tco = tco_curves(Scenario(requests_per_month=1000, horizon_months=24), report)
    local = tco[tco.option == "local"].set_index("month").cumulative_usd
    assert local[0] == 30_000  # bought up front
    assert local[24] == pytest.approx(30_000 + 24 * (lines["GPUs: power"] + lines["GPUs: maintenance"]))


def test_model_memory_and_fit():
    llama70 = get_open_model("llama-3.3-70b")
    a100 = get_gpu("a100-80gb")
    # 70.6B x 2 bytes = 141 GB of weights alone: needs 2+ GPUs at fp16, fits one at 4-bit
    assert memory_needed_gb(llama70, "fp16", 1000) > 141
    assert gpus_needed_to_fit(llama70, "fp16", a100, 1000) >= 2
    assert gpus_needed_to_fit(llama70, "q4", a100, 1000) == 1
    # KV cache grows with context: 32k tokens of Llama 3.1 8B is 32768 x 128 KiB = 4.3 GB
    llama8 = get_open_model("llama-3.1-8b")
    assert memory_needed_gb(llama8, "fp16", 32_768) - memory_needed_gb(llama8, "fp16", 0) == pytest.approx(4.295 * 1.1, rel=0.01)


def test_catalogs_carry_sources_and_dates():
    from calculators import gpus, open_models

    assert {"h100-80gb", "a100-80gb", "l40s", "l4", "a10g", "rtx-4090", "cpu-server"} <= {g.id for g in gpus()}
    for gpu in gpus():
        assert gpu.as_of and {"spec", "rent", "purchase"} <= set(gpu.sources)
    for model in open_models():
        assert model.source.startswith("https://") and model.as_of


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(requests_per_month=0),
        Scenario(input_tokens_per_request=0, output_tokens_per_request=0),
        Scenario(requests_per_month=10**9, input_tokens_per_request=500, output_tokens_per_request=500),  # 1e12 tokens
    ],
)
def test_edge_cases_give_finite_numbers_and_a_note(scenario):
    report = cost_report(scenario)
    curves = cost_curves(scenario, report)
    assert np.isfinite(curves.monthly_usd).all() and (curves.monthly_usd >= 0).all()
    values = json.loads(report.model_dump_json())
    assert "NaN" not in json.dumps(values) and "Infinity" not in json.dumps(values)
    if scenario.requests_per_month == 0 or scenario.tokens_per_month == 0:
        assert report.notes


def test_a_free_model_never_breaks_even():
    a = CostAssumptions(cloud_models=["custom:free"], price_overrides={"custom:free": {"input_per_mtok": 0, "output_per_mtok": 0}})
    report = cost_report(Scenario(), a)
    assert report.breakeven[0].requests_per_month is None
    assert "costs nothing" in report.breakeven[0].sentence
    assert any("free" in note for note in report.notes)


def test_never_below_a_trillion_tokens():
    a = CostAssumptions(cloud_models=["openai:gpt-4o-mini"], gpu_id="h100-80gb", throughput_tokens_per_s=50)
    report = cost_report(Scenario(), a)
    assert report.breakeven[0].requests_per_month is None
    assert "never gets cheaper below 1T tokens a month" in report.breakeven[0].sentence


def test_hybrid_defaults_to_the_sensitive_share():
    report = cost_report(Scenario(sensitive_share=0.3, requests_per_month=100_000))
    assert report.hybrid.local_share == 0.3
    assert report.hybrid.local_requests_per_month == 30_000
    assert report.hybrid.cloud_requests_per_month == 70_000
