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
    lookup_price,
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
    with pytest.raises(CostInputError, match="no GPU 'h900'.*h200-141gb"):
        cost_report(Scenario(), CostAssumptions(gpu_id="h900"))


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
    from calculators.serving import Setup, kv_bytes_per_token, max_concurrency, smallest_fitting_tp, weight_bytes

    llama70, a100 = get_open_model("llama-3.3-70b"), get_gpu("a100-80gb")
    # 70.6B x 2 bytes = 141 GB of weights: two A100s (144 GB at 90%) cannot hold them and a
    # KV cache, three do not split 64 heads, so four; at 4-bit one is enough.
    assert weight_bytes(llama70, "fp16") == pytest.approx(141.2e9)
    assert smallest_fitting_tp(Setup(llama70, a100, "fp16"), 1000) == 4
    assert smallest_fitting_tp(Setup(llama70, a100, "int4"), 1000) == 1
    # KV cache of Llama 3.1 8B: 2 x 32 layers x 8 heads x 128 x 2 bytes = 128 KiB a token.
    llama8 = get_open_model("llama-3.1-8b")
    assert kv_bytes_per_token(llama8) == 131072 and kv_bytes_per_token(llama8, "fp8") == 65536
    free = 80e9 * 0.9 - 2e9 - weight_bytes(llama8, "fp16")
    assert max_concurrency(Setup(llama8, get_gpu("h100-80gb")), 4096) == int(free // (131072 * 4096))


def test_catalogs_carry_sources_and_dates():
    from calculators import gpus, open_models

    assert {"h100-80gb", "h200-141gb", "b200-180gb", "mi300x-192gb", "a100-80gb", "l40s", "l4", "a10g", "rtx-4090", "cpu-server"} <= {g.id for g in gpus()}
    for gpu in gpus():
        assert gpu.as_of and {"spec", "rent", "purchase", "compute"} <= set(gpu.sources)
        assert gpu.fp16_tflops > 0 and (gpu.fp8_tflops is None or gpu.fp8_tflops > gpu.fp16_tflops)
        for quote in gpu.rent_prices:
            assert quote.provider and quote.usd_per_hour > 0 and quote.source and quote.as_of
    assert len(get_gpu("h100-80gb").rent_prices) >= 3 and len(get_gpu("mi300x-192gb").rent_prices) >= 3
    assert get_gpu("a100-80gb").fp8_tflops is None  # no FP8 tensor cores
    for model in open_models():
        assert model.source.startswith("https://") and model.as_of
        assert model.attention_heads % model.kv_heads == 0
        assert (model.active_params_b is None) == (model.experts is None)
    assert {"llama-3.1-8b", "llama-3.3-70b", "mixtral-8x7b", "gpt-oss-20b", "gpt-oss-120b", "qwen3-30b-a3b", "gemma-3-27b", "mistral-small-3.1-24b"} <= {m.id for m in open_models()}


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
