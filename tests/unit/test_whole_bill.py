"""The whole bill: prompt caching, batch, reasoning, licences, data transfer and risk, each on hand-checked numbers."""

import json
import math

import pytest

from calculators import CostAssumptions, breakeven_band, cost_report, lookup_price, tornado
from calculators.local_costs import local_monthly_usd
from calculators.report import option_lines, prepare
from calculators.tokens import count_tokens
from calculators.whole_bill import cache_hit_rate, cache_rule, cacheable_tokens, measure_shared_prefix
from scenario import InputError, Scenario, parse_scenario
from tests.cli_runner import run_cli

WORKED = Scenario(requests_per_month=1_000_000, input_tokens_per_request=500, output_tokens_per_request=500)
WORKED_LOCAL = dict(gpus_fixed=2, gpu_hourly_usd=3.0, hours_per_month=720, staff_monthly_usd=3000.0, infra_monthly_usd=500.0, local_share=0.8)
ZERO_LINES = dict(shared_prefix_tokens=None, reasoning_multiple=0.0, licence_per_gpu_year_usd=0.0, egress_gb_month=0.0,
                  egress_usd_per_gb_local=0.0, egress_usd_per_gb_cloud=0.0, risk_premium_share=0.0, outage_hours_month=0.0,
                  outage_cost_per_hour_usd=0.0, incident_probability_yearly=0.0, incident_cost_usd=0.0)


def _lines(cost) -> dict[str, float]:  # noqa: ANN001 - a CloudCost or LocalCost
    return {line.item: line.monthly_usd for line in cost.lines}


def test_the_worked_example_stays_exact_with_the_new_lines_at_zero():
    report = cost_report(WORKED.model_copy(update={"batch_share": 0.0}),
                         CostAssumptions(cloud_models=["openai:gpt-4"], **WORKED_LOCAL, **ZERO_LINES))
    assert report.cloud[0].monthly_usd == pytest.approx(45_000, abs=0.005)
    assert report.local.monthly_usd == pytest.approx(7_820, abs=0.005)
    assert report.hybrid.monthly_usd == pytest.approx(16_820, abs=0.005)
    # GPT-4 has no cached rate: a measured prefix changes nothing either.
    measured = cost_report(WORKED, CostAssumptions(cloud_models=["openai:gpt-4"], shared_prefix_tokens=400, **WORKED_LOCAL))
    assert measured.cloud[0].monthly_usd == pytest.approx(45_000, abs=0.005)
    lines = option_lines(report)
    assert {k: sum(line.monthly_usd for line in v) for k, v in lines.items()} == pytest.approx(
        {"cloud": 45_000, "local": 7_820, "hybrid": 16_820})
    assert [line.item for line in lines["cloud"]] == ["Tokens at list price"]


@pytest.mark.parametrize(("ref", "prefix", "input_tokens", "expected"), [
    ("openai:gpt-4o", 1801, 2000, 1024 + 6 * 128),  # 777 tokens past the minimum: six whole 128-token increments
    ("openai:gpt-4o", 1000, 2000, 0),  # under OpenAI's 1,024
    ("openai:gpt-4o", 5000, 1500, 1024 + 3 * 128),  # never more than the request holds: 1,500 -> 1,408
    ("anthropic:claude-sonnet-4-5", 1801, 2000, 1801),  # 1,024 minimum, no increments
    ("anthropic:claude-haiku-4-5", 1801, 2000, 0),  # Haiku 4.5 needs 4,096
    ("google:gemini-2.5-flash", 2047, 3000, 0),  # Gemini 2.5 needs 2,048
    ("google:gemini-2.5-flash", 2048, 3000, 2048),
])
def test_each_providers_published_caching_rules(ref, prefix, input_tokens, expected):
    assert cacheable_tokens(prefix, input_tokens, cache_rule(ref), ref.split(":")[1]) == expected


def test_cache_hit_rate_for_random_arrivals():
    # 4,380 requests over 730 h = 43,800 minutes: 0.1 a minute; within 5 minutes 1 - e^-0.5 = 0.393469.
    assert cache_hit_rate(4_380, 5) == pytest.approx(1 - math.exp(-0.5))
    assert cache_hit_rate(0, 5) == 0.0
    assert cache_hit_rate(1_000_000, 5) == pytest.approx(1.0)


def test_measured_cache_saving_on_openai():
    # 1M requests of 2,000 in / 0 out on GPT-4o, a shared prefix of 1,801 tokens: 1,792 cacheable, found
    # cached by all but e^-114 of requests. Saving a month: 1,792 x ($2.50 - $1.25) per 1M x 1M = $2,240.
    price = lookup_price("openai:gpt-4o")
    assert (price.input_per_mtok, price.cached_input_per_mtok) == (2.5, 1.25)
    scenario = Scenario(requests_per_month=1_000_000, input_tokens_per_request=2_000, output_tokens_per_request=0)
    report = cost_report(scenario, CostAssumptions(cloud_models=["openai:gpt-4o"], shared_prefix_tokens=1_801))
    lines = _lines(report.cloud[0])
    assert lines["Tokens at list price"] == pytest.approx(5_000)  # 2,000 x $2.50 per 1M x 1M
    assert lines["Prompt cache reads"] == pytest.approx(-2_240)
    assert "Prompt cache writes" not in lines  # OpenAI charges no write premium
    assert report.cloud[0].monthly_usd == pytest.approx(2_760)


def test_anthropic_cache_writes_are_priced_and_depend_on_traffic():
    # Claude Sonnet 4.5: $3 input, $0.30 cache read, $3.75 cache write (genai-prices). 4,380 requests a month
    # (0.1 a minute): 39.3469% find the 5-minute cache alive. A prefix of 2,000 of 2,500 input tokens:
    # reads: 0.393469 x 2,000 x ($0.30 - $3) / 1M = -$0.0021247 a request, x 4,380 = -$9.3061
    # writes: 0.606531 x 2,000 x ($3.75 - $3) / 1M = $0.00090980 a request, x 4,380 = $3.9849
    price = lookup_price("anthropic:claude-sonnet-4-5")
    assert (price.input_per_mtok, price.cached_input_per_mtok, price.cache_write_per_mtok) == (3.0, 0.3, 3.75)
    scenario = Scenario(requests_per_month=4_380, input_tokens_per_request=2_500, output_tokens_per_request=0)
    report = cost_report(scenario, CostAssumptions(cloud_models=["anthropic:claude-sonnet-4-5"], shared_prefix_tokens=2_000))
    hit = 1 - math.exp(-0.5)
    lines = _lines(report.cloud[0])
    assert lines["Prompt cache reads"] == pytest.approx(hit * 2_000 * (0.3 - 3) / 1e6 * 4_380)
    assert lines["Prompt cache writes"] == pytest.approx((1 - hit) * 2_000 * 0.75 / 1e6 * 4_380)
    assert lines["Prompt cache reads"] == pytest.approx(-9.3061, abs=1e-3)
    assert lines["Prompt cache writes"] == pytest.approx(3.9849, abs=1e-3)
    # The 1-hour lifetime: twice the input price to write, alive for 60 minutes (1 - e^-6 find it).
    hour = cost_report(scenario, CostAssumptions(cloud_models=["anthropic:claude-sonnet-4-5"], shared_prefix_tokens=2_000,
                                                 cache_lifetime="1h"))
    hit_1h = 1 - math.exp(-6)
    assert _lines(hour.cloud[0])["Prompt cache writes"] == pytest.approx((1 - hit_1h) * 2_000 * 3.0 / 1e6 * 4_380)


def test_the_manual_cached_share_still_works_without_a_measured_prefix():
    # 50% of 1,000 input tokens at GPT-4o's cached rate: 500 x ($1.25 - $2.50) / 1M = -$0.000625 a request.
    scenario = Scenario(requests_per_month=1_000, input_tokens_per_request=1_000, output_tokens_per_request=0)
    report = cost_report(scenario, CostAssumptions(cloud_models=["openai:gpt-4o"], cached_input_share=0.5))
    assert _lines(report.cloud[0])["Prompt cache reads"] == pytest.approx(-0.625)


def test_batch_discount_line():
    # GPT-4o, 1,000 in + 1,000 out: (1,000 x $2.50 + 1,000 x $10) / 1M = $0.0125 a request.
    # 40% can wait, at OpenAI's 50% off: -0.4 x 0.5 x $0.0125 = -$0.0025 a request; 10,000 requests: -$25.
    scenario = Scenario(requests_per_month=10_000, input_tokens_per_request=1_000, output_tokens_per_request=1_000, batch_share=0.4)
    report = cost_report(scenario, CostAssumptions(cloud_models=["openai:gpt-4o"]))
    assert _lines(report.cloud[0]) == pytest.approx({"Tokens at list price": 125.0, "Batch discount": -25.0})
    assert report.cloud[0].monthly_usd == pytest.approx(100.0)


def test_reasoning_tokens_are_billed_as_output_on_models_that_think():
    # GPT-5 at $10 per 1M output; 500 output tokens x 3 = 1,500 hidden tokens: $0.015 a request, $15 for 1,000.
    scenario = Scenario(requests_per_month=1_000, input_tokens_per_request=1_000, output_tokens_per_request=500)
    report = cost_report(scenario, CostAssumptions(cloud_models=["openai:gpt-5", "openai:gpt-4o"], reasoning_multiple=3))
    assert lookup_price("openai:gpt-5").output_per_mtok == 10.0
    assert _lines(report.cloud[0])["Reasoning tokens"] == pytest.approx(15.0)
    assert "Reasoning tokens" not in _lines(report.cloud[1])  # GPT-4o answers without thinking
    assert any("GPT-4o answers without reasoning" in n for n in report.notes)
    unset = cost_report(scenario, CostAssumptions(cloud_models=["openai:gpt-5"]))
    assert any("thinks before answering" in n for n in unset.notes)


def test_local_licences_data_transfer_and_risk_premium():
    # The worked example's local side ($7,820: 2 GPUs x $3 x 720 h + $3,000 + $500) plus
    # licences: 2 GPUs x $6,000 a year / 12 = $1,000; data transfer: 500 GB x $0.08 = $40;
    # risk: 10% of (7,820 + 1,000 + 40 = 8,860) = $886, plus outages 2 h x $500 = $1,000 and
    # incidents 12% a year x $60,000 / 12 = $600. Total 8,860 + 886 + 1,000 + 600 = $11,346.
    a = CostAssumptions(cloud_models=["openai:gpt-4"], **WORKED_LOCAL, licence_per_gpu_year_usd=6_000, egress_gb_month=500,
                        egress_usd_per_gb_local=0.08, egress_usd_per_gb_cloud=0.08, risk_premium_share=0.1,
                        outage_hours_month=2, outage_cost_per_hour_usd=500, incident_probability_yearly=0.12, incident_cost_usd=60_000)
    report = cost_report(WORKED, a)
    assert _lines(report.local) == pytest.approx({
        "GPUs: rent": 4_320, "GPUs: licences": 1_000, "Staff (DevOps/MLOps)": 3_000, "Infrastructure & monitoring": 500,
        "Data transfer": 40, "Risk premium (reliability & security)": 886 + 1_000 + 600})
    assert report.local.monthly_usd == pytest.approx(11_346)
    # Cloud pays for the same 500 GB: $45,000 + $40.
    assert report.cloud[0].monthly_usd == pytest.approx(45_040)
    assert _lines(report.cloud[0])["Data transfer"] == pytest.approx(40)
    # The break-even is where the two totals meet, data transfer on both sides included.
    _, _, units = prepare(WORKED, report.assumptions)
    be = report.breakeven[0].requests_per_month
    assert float(local_monthly_usd(be, units)) == pytest.approx(report.cloud[0].per_request_usd * be)
    # Every option's lines add up to its headline figure.
    for option, lines in option_lines(report).items():
        assert sum(line.monthly_usd for line in lines) == pytest.approx(getattr(report, option).monthly_usd
                                                                        if option != "cloud" else report.cloud[0].monthly_usd)


def test_the_tornado_and_band_include_the_new_uncertain_inputs():
    scenario = Scenario(requests_per_month=300_000, input_tokens_per_request=2_000, output_tokens_per_request=300, batch_share=0.3)
    a = CostAssumptions(cloud_models=["openai:gpt-5"], shared_prefix_tokens=1_500, reasoning_multiple=2,
                        licence_per_gpu_year_usd=4_500, egress_gb_month=100, egress_usd_per_gb_local=0.09, risk_premium_share=0.1)
    report = cost_report(scenario, a)
    table = tornado(scenario, report)
    assert {"Shared prompt prefix (cache)", "Share of requests that can wait (batch)", "Reasoning tokens per output token",
            "Software licences per GPU", "Data transfer (GB a month)", "Risk premium"} <= set(table["assumption"])
    reasoning = table.set_index("assumption").loc["Reasoning tokens per output token"]
    assert reasoning["low_diff_usd"] > reasoning["high_diff_usd"]  # more thinking makes cloud dearer: local - cloud falls
    assert breakeven_band(scenario, report).samples == 2000
    # Nothing to vary: the plain scenario has none of them.
    plain = tornado(WORKED, cost_report(WORKED, CostAssumptions()))
    assert "Risk premium" not in set(plain["assumption"])


def test_shared_prefix_measured_with_the_apps_tokenizer():
    system = "You are the support assistant of Northwind. Answer in one paragraph and cite the policy. " * 20
    measured = measure_shared_prefix(["Where is my order?", "How do I reset my password?", "Can I return shoes?"], system)
    assert measured.prompts == 3
    # Everything up to where the questions differ: the system prompt and the blank line, give or take
    # the token the boundary merges into.
    assert abs(measured.shared_prefix_tokens - count_tokens(system + "\n\n")) <= 1
    assert 0.9 < measured.share < 1
    assert measure_shared_prefix(["alpha beta", "gamma delta"]).shared_prefix_tokens == 0
    assert measure_shared_prefix(["one prompt"], system).shared_prefix_tokens == count_tokens(system)
    assert measure_shared_prefix([]).prompts == 0


def test_batch_share_in_the_scenario_contract():
    assert Scenario().batch_share == 0.0
    assert parse_scenario({"batch_share": 0.25}).batch_share == 0.25
    with pytest.raises(InputError, match="batch_share: 1.5 is not allowed; use a number from 0 to 1"):
        parse_scenario({"batch_share": 1.5})


@pytest.fixture
def prompts_file(tmp_path):
    system = "You are the customer assistant of Northwind Outfitters. Cite the policy section you rely on. " * 80
    file = tmp_path / "prompts.jsonl"
    file.write_text("\n".join(json.dumps({"prompt": f"{system}\n\nCustomer: {q}"}) for q in
                              ["Where is my order?", "Can I return shoes?", "Do you ship to Norway?"]))
    return str(file)


def test_cli_whole_bill_flags_and_lines(tmp_path, prompts_file):
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"requests_per_month": 1_000_000, "input_tokens_per_request": 2_000, "output_tokens_per_request": 300}))
    result = run_cli("costs", "--scenario", str(scenario), "--cloud-model", "openai:gpt-5", "--prompts", prompts_file,
                     "--batch-share", "0.3", "--reasoning-multiple", "2", "--licence-per-gpu-year", "4500",
                     "--egress-gb-month", "100", "--egress-usd-per-gb", "0.09", "--risk-premium", "0.1", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["cache"]["shared_prefix_tokens"] > 1_024 and data["cache"]["cached_tokens"] >= 1_024
    cloud = {line["item"] for line in data["lines"]["cloud"]}
    assert {"Tokens at list price", "Reasoning tokens", "Prompt cache reads", "Batch discount", "Data transfer"} <= cloud
    local = {line["item"] for line in data["lines"]["local"]}
    assert {"GPUs: licences", "Data transfer", "Risk premium (reliability & security)"} <= local
    for option in ("cloud", "local", "hybrid"):
        assert sum(line["monthly_usd"] for line in data["lines"][option]) == pytest.approx(data[option]["monthly_usd"], abs=0.05)


@pytest.mark.parametrize(("flags", "message"), [
    (["--batch-share", "1.5"], "--batch-share: 1.5 is not allowed"),
    (["--reasoning-multiple", "-1"], "--reasoning-multiple"),
    (["--licence-per-gpu-year", "nan"], "--licence-per-gpu-year"),
    (["--egress-gb-month", "-5"], "--egress-gb-month"),
    (["--risk-premium", "2"], "--risk-premium"),
    (["--prompts", "/no/such/file.jsonl"], "--prompts"),
])
def test_cli_bad_whole_bill_values_exit_2_naming_the_flag(flags, message):
    result = run_cli("costs", "--preset", "startup-mvp", *flags)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_runs_reported_reasoning_tokens_give_the_multiple():
    # A reasoning model's usage counts 12 hidden tokens inside its 15 output tokens (3 visible): 12 / 3 = 4.
    from pydantic import SecretStr

    from calculators.whole_bill import reasoning_multiple_measured
    from inference import GenerationRequest, OpenAIBackend, measure
    from tests.peers import ChatServer

    with ChatServer("Paris", reasoning_tokens=12) as server:
        result = measure(OpenAIBackend("o4-mini", SecretStr("k"), server.url + "/v1", max_retries=0),
                         GenerationRequest(prompt="Capital of France?", max_tokens=64))
    assert result.ok, result.error
    assert (result.output_tokens, result.reasoning_tokens) == (15, 12)
    assert reasoning_multiple_measured(result.output_tokens, result.reasoning_tokens) == pytest.approx(4.0)
    assert reasoning_multiple_measured(3, None) is None and reasoning_multiple_measured(3, 0) is None


def test_reasoning_defaults_are_the_providers_documented_examples():
    from calculators.whole_bill import documented_multiple, reasoning_default

    # OpenAI's reasoning guide: 1,024 of 1,186 output tokens were reasoning, 162 visible: 1,024 / 162 = 6.3210.
    for ref in ("openai:gpt-5", "openai:gpt-5-mini", "openai:o3", "openai:o4-mini", "openai:o1"):
        assert reasoning_default(ref).multiple == pytest.approx(6.320988, abs=1e-6)
    assert "platform.openai.com/docs/guides/reasoning" in reasoning_default("openai:gpt-5").source
    # Anthropic's extended-thinking page: 312 of 348 output tokens were thinking, 36 visible: 312 / 36 = 8.6667.
    # Claude thinks only when asked, so it is not priced with it by default.
    assert documented_multiple("anthropic") == pytest.approx(8.666667, abs=1e-6)
    assert reasoning_default("anthropic:claude-sonnet-4-5") is None
    # No published figure for Gemini 2.5 or DeepSeek-R1: 0, with the reason.
    gemini = reasoning_default("google:gemini-2.5-pro")
    assert gemini.multiple == 0 and "thinking budgets" in gemini.basis
    assert reasoning_default("deepseek:deepseek-reasoner").multiple == 0
    assert reasoning_default("openai:gpt-4o") is None


def test_the_sourced_default_is_billed_until_the_user_sets_a_multiple():
    # GPT-5: 500 output tokens x 6.3210 = 3,160 hidden tokens (rounded) at $10 per 1M: $0.0316 a request, $31.60 for 1,000.
    scenario = Scenario(requests_per_month=1_000, input_tokens_per_request=1_000, output_tokens_per_request=500)
    report = cost_report(scenario, CostAssumptions(cloud_models=["openai:gpt-5", "google:gemini-2.5-pro"]))
    assert _lines(report.cloud[0])["Reasoning tokens"] == pytest.approx(31.60)
    assert "Reasoning tokens" not in _lines(report.cloud[1])  # no published figure for Gemini 2.5
    assert any("sourced default of 6.32" in n for n in report.notes)
    assert any("Gemini 2.5 Pro thinks before answering" in n and "no figure is counted" in n for n in report.notes)
    # The user's multiple (typed, or measured in the Playground) wins: 500 x 3 = 1,500 tokens, $15; 0 counts none.
    typed = cost_report(scenario, CostAssumptions(cloud_models=["openai:gpt-5"], reasoning_multiple=3))
    assert _lines(typed.cloud[0])["Reasoning tokens"] == pytest.approx(15.0)
    assert "Reasoning tokens" not in _lines(cost_report(scenario, CostAssumptions(cloud_models=["openai:gpt-5"],
                                                                                  reasoning_multiple=0)).cloud[0])
    # The default is uncertain too: the tornado varies it.
    table = tornado(scenario, cost_report(scenario, CostAssumptions(cloud_models=["openai:gpt-5"])))
    assert "Reasoning tokens per output token" in set(table["assumption"])


def test_data_transfer_defaults_to_a_clouds_published_egress_price():
    # Local rented in a cloud pays internet egress: AWS's first paid tier, $0.09 per GB; cloud APIs bill tokens only.
    a = CostAssumptions()
    assert (a.egress_usd_per_gb_local, a.egress_usd_per_gb_cloud, a.egress_gb_month) == (0.09, 0.0, 0.0)
    from calculators.whole_bill import data_transfer_rules

    rules = data_transfer_rules()
    assert {name: c["usd_per_gb"] for name, c in rules["clouds"].items()} == {"aws": 0.09, "gcp": 0.12, "azure": 0.087}
    # The worked example: no GB a month, no line. 500 GB a month at the default: 500 x $0.09 = $45 on local only.
    plain = cost_report(WORKED, CostAssumptions(cloud_models=["openai:gpt-4"], **WORKED_LOCAL))
    assert plain.local.monthly_usd == pytest.approx(7_820, abs=0.005) and "Data transfer" not in _lines(plain.local)
    sent = cost_report(WORKED, CostAssumptions(cloud_models=["openai:gpt-4"], **WORKED_LOCAL, egress_gb_month=500))
    assert _lines(sent.local)["Data transfer"] == pytest.approx(45.0)
    assert "Data transfer" not in _lines(sent.cloud[0])
    assert sent.cloud[0].monthly_usd == pytest.approx(45_000, abs=0.005)


def test_cli_shows_the_sourced_reasoning_default():
    result = run_cli("costs", "--preset", "startup-mvp", "--cloud-model", "openai:gpt-5", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert any("sourced default of 6.32" in n for n in data["notes"])
    reasoning = [line for line in data["lines"]["cloud"] if line["item"] == "Reasoning tokens"]
    assert reasoning and "sourced default" in reasoning[0]["basis"]
