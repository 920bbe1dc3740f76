"""The `crossover` console script, run as a real process."""

import json

import pytest

from tests.cli_runner import run_cli, run_process

run = run_cli


def test_recommend_json_contract(tmp_path):
    file = tmp_path / "s.json"
    file.write_text(json.dumps({"requests_per_month": 5_000_000, "team": "dedicated", "load_pattern": "steady"}))
    result = run("recommend", "--scenario", str(file), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["recommendation"] == "local"
    assert set(data["scores"]) == {"cloud", "local", "hybrid"}
    assert all(0 <= v <= 100 for v in data["scores"].values())
    assert {"factor", "option", "points", "reason"} <= set(data["factors"][0])
    assert len(data["factors"]) == 8 * 3


def test_recommend_text_names_winner_factors_and_flips(tmp_path):
    file = tmp_path / "s.json"
    file.write_text(json.dumps({"requests_per_month": 20_000, "load_pattern": "steady", "horizon_months": 24}))
    result = run("recommend", "--scenario", str(file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Recommendation: CLOUD")
    assert "volume" in result.stdout and "What would change the answer:" in result.stdout
    flips = result.stdout.split("What would change the answer:", 1)[1]
    # The volume's flip: a band here (hybrid from about 2M requests a month, local above it).
    assert "requests a month (above that, local wins), hybrid would win instead of cloud." in flips


def test_recommend_a_preset():
    result = run("recommend", "--preset", "hospital-records", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["recommendation"] == "local"
    # HIPAA data may go to offerings with a BAA (the one privacy verdict): cloud is scored, not ruled out.
    assert data["excluded"] == []


@pytest.mark.parametrize("preset", ["hospital-records", "ecommerce-assistant", "game-characters"])
def test_recommend_json_cites_the_costs_command_figures_and_checks_latency(preset):
    recommended = json.loads(run("recommend", "--preset", preset, "--json").stdout)
    costs = json.loads(run("costs", "--preset", preset, "--json").stdout)
    assert {k: recommended["costs"][k] for k in ("cloud", "local", "hybrid")} == {
        k: costs[k]["monthly_usd"] for k in ("cloud", "local", "hybrid")}
    monthly = {k: costs[k]["monthly_usd"] for k in ("cloud", "local", "hybrid")}
    assert monthly[recommended["costs"]["cheapest"]] == min(monthly.values())
    for option in ("cloud", "local", "hybrid"):
        figures = recommended["latency"][option]
        assert figures["answer_ms"] >= figures["ttft_ms"] > 0 and isinstance(figures["meets_target"], bool)


def test_a_300_token_answer_in_one_second_is_met_by_no_option(tmp_path):
    file = tmp_path / "s.json"
    file.write_text(json.dumps({"latency_p95_ms": 1000, "output_tokens_per_request": 300}))
    data = json.loads(run("recommend", "--scenario", str(file), "--json").stdout)
    assert not any(data["latency"][o]["meets_target"] for o in ("cloud", "local", "hybrid"))
    assert any(note.startswith("No option meets") and "What would" in note for note in data["notes"])
    assert not any("within what cloud APIs typically deliver" in f["reason"] for f in data["factors"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{oops", "not valid JSON"),
        ('{"requests_per_month": -4}', "requests_per_month: -4 is not allowed; use a whole number from 0"),
        ('{"team": "big"}', "team: \"big\" is not allowed; use one of: none, some, dedicated"),
        ('{"sensitive_share": Infinity}', "Infinity is not a number JSON allows"),
        ('{"colour": "red"}', "colour: unknown field"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, content, message):
    file = tmp_path / "s.json"
    if content is not None:
        file.write_text(content)
    result = run("recommend", "--scenario", str(file))
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_unknown_preset_exits_2():
    result = run("recommend", "--preset", "nope")
    assert result.returncode == 2
    assert "startup-mvp" in result.stderr


def test_missing_arguments_exit_2():
    assert run("recommend").returncode == 2
    assert run().returncode == 2


def test_presets_listing():
    result = run("presets")
    assert result.returncode == 0
    assert "hospital-records" in result.stdout and "Real-time game characters" in result.stdout


WORKED_FLAGS = ["--gpu-hourly", "3", "--gpus", "2", "--hours-per-month", "720", "--staff-monthly", "3000",
                "--infra-monthly", "500", "--local-share", "0.8"]


@pytest.fixture
def worked_example(tmp_path):
    file = tmp_path / "worked.json"
    file.write_text(json.dumps({"requests_per_month": 1_000_000, "input_tokens_per_request": 500, "output_tokens_per_request": 500}))
    return str(file)


@pytest.mark.parametrize(
    "cloud_flags",
    [["--cloud-model", "openai:gpt-4"], ["--cloud-price-in", "30", "--cloud-price-out", "60"]],
)
def test_costs_gives_the_worked_examples_figures(worked_example, cloud_flags):
    result = run("costs", "--scenario", worked_example, *cloud_flags, *WORKED_FLAGS, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["cloud"]["monthly_usd"] == 45_000
    assert data["local"]["monthly_usd"] == 7_820 and data["local"]["gpus"] == 2
    assert data["hybrid"]["monthly_usd"] == 16_820
    assert data["breakeven"]["requests_per_month"] == pytest.approx(173_777.78)
    assert data["breakeven"]["tokens_per_month"] == pytest.approx(173_777_777.78)
    assert data["cloud"]["overridden"] is (cloud_flags[0] == "--cloud-price-in")


def test_costs_text_and_capacity_model(worked_example):
    result = run("costs", "--scenario", worked_example, "--cloud-model", "openai:gpt-4o")
    assert result.returncode == 0, result.stderr
    assert "Monthly cost at 1,000,000 requests" in result.stdout and "Break-even:" in result.stdout
    assert "genai-prices" in result.stdout
    data = json.loads(run("costs", "--scenario", worked_example, "--json").stdout)
    assert data["local"]["gpus"] >= 1  # from the capacity model when --gpus is not given


def test_costs_text_lines_up_the_dollars_and_counts_in_words():
    result = run("costs", "--preset", "ecommerce-assistant")
    assert result.returncode == 0, result.stderr
    options = [line for line in result.stdout.splitlines() if line.startswith(("  Cloud ", "  Local ", "  Hybrid "))]
    assert len(options) == 5  # three cloud models, local, hybrid
    assert len({line.index("$") for line in options}) == 1, options  # one column of figures
    assert "Local  1 GPU, 1 server " in result.stdout and "(s)" not in result.stdout


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--gpu-hourly", "-3"], "--gpu-hourly: input should be greater than or equal to 0"),
        (["--gpu-hourly", "abc"], "invalid float value: 'abc'"),
        (["--gpu-hourly", "nan"], "--gpu-hourly: input should be a finite number"),
        (["--local-share", "1.5"], "--local-share: input should be less than or equal to 1"),
        (["--gpus", "0"], "--gpus: input should be greater than or equal to 1"),
        (["--cloud-model", "openai:gpt-9o"], "no price data for 'openai:gpt-9o'; did you mean"),
        (["--gpu", "h200"], "no GPU 'h200'"),
        (["--cloud-price-in", "3"], "give both --cloud-price-in and --cloud-price-out"),
    ],
)
def test_costs_bad_input_exits_2(worked_example, flags, message):
    result = run("costs", "--scenario", worked_example, *flags)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bench_prints_the_local_figures_as_json():
    result = run("bench", "--prompt", "Say hello.", "--max-tokens", "8", "--runs", "2", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"ttft_ms", "decode_tokens_per_s", "e2e_ms", "input_tokens", "output_tokens", "cost_usd", "text", "error"} <= set(data)
    assert data["error"] is None and data["runs"] == 2 and data["output_tokens"] > 0 and data["cost_usd"] > 0


def test_compare_against_the_openai_compatible_server(llama_server_url):
    result = run("compare", "--prompt", "Say hello.", "--max-tokens", "8", "--cloud", "openai",
                 "--base-url", llama_server_url, "--model", "smollm2", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["local"]["text"] and data["cloud"]["text"]
    assert data["cloud"]["output_tokens"] > 0 and data["cloud"]["cost_usd"] is None  # self-hosted: no per-token price


def test_compare_against_the_anthropic_protocol_server(anthropic_server_url, monkeypatch):
    from tests.peers import ANTHROPIC_TEST_KEY

    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_TEST_KEY)
    result = run("compare", "--prompt", "Capital of France?", "--max-tokens", "8", "--cloud", "anthropic",
                 "--base-url", anthropic_server_url, "--model", "claude-haiku-4-5", "--json")
    assert result.returncode == 0, result.stderr
    cloud = json.loads(result.stdout)["cloud"]
    assert cloud["output_tokens"] == 7 and cloud["cost_usd"] > 0
    assert ANTHROPIC_TEST_KEY not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bench", "--local-model", "/nope/model.gguf"], "No GGUF file at /nope/model.gguf"),
        (["bench", "--runs", "0"], "0 must be 1 or more"),
        (["bench", "--max-tokens", "many"], "'many' is not a whole number"),
        (["bench", "--prompt", ""], "--prompt must not be empty"),
        (["compare", "--cloud", "openai"], "No OpenAI API key"),
    ],
)
def test_bench_and_compare_bad_input_exit_2(args, message, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_route_json_contract():
    result = run("route", "--prompts", "assets/sample_prompts.jsonl", "--policy", "privacy-split", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["routes"]) == 200
    assert {"prompt_index", "route", "rule", "entities"} <= set(data["routes"][0])
    assert data["summary"]["sensitive_to_cloud"] == 0
    assert {"local_share", "sensitive_to_cloud", "monthly_usd"} <= set(data["summary"])
    # privacy-split: every prompt with a finding goes local
    assert all(r["route"] == "local" for r in data["routes"] if r["entities"])


def test_route_with_a_policy_file_and_scenario(tmp_path):
    policy = tmp_path / "mine.yaml"
    policy.write_text("name: all-cloud\nrules: []\ndefault_route: cloud\n")
    scenario = tmp_path / "s.json"
    scenario.write_text('{"requests_per_month": 1000000}')
    result = run("route", "--prompts", "assets/sample_prompts.jsonl", "--policy", str(policy), "--scenario", str(scenario), "--json")
    data = json.loads(result.stdout)
    assert data["summary"]["local_share"] == 0 and data["summary"]["sensitive_to_cloud"] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--prompts", "nope.csv"], "nope.csv: no such file"),
        (["--prompts", "assets/sample_prompts.jsonl", "--policy", "bogus"], "not a policy name"),
        (["--prompts", "assets/sample_prompts.jsonl", "--threshold", "2"], "outside 0..1"),
        (["--prompts", "pyproject.toml"], "use a .csv file"),
    ],
)
def test_route_bad_input_exits_2(args, message):
    result = run("route", *args)
    assert result.returncode == 2 and message in result.stderr


def test_eval_json_contract(tmp_path, llama_server_url):
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"prompt": "What is the capital of France? One word.", "expected": "Paris"}\n'
                     '{"prompt": "How many legs does a spider have? A number.", "expected": "8"}\n')
    result = run("eval", "--tasks", str(tasks), "--backend", "local", "--backend", "openai", "--base-url", llama_server_url,
                 "--model", "smollm2", "--max-tokens", "8", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data) == 2
    for side in data.values():
        assert {"accuracy", "ci95", "n", "errors", "p50_ms", "p90_ms", "cost_per_1k_usd"} <= set(side)
        assert side["n"] + side["errors"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tasks", "nope.jsonl"], "no such file"),
        (["--tasks", "assets/sample_prompts.jsonl"], "needs an expected answer"),
        (["--tasks", "assets/eval_tasks.jsonl", "--base-url", "http://x"], "must follow a --backend openai"),
    ],
)
def test_eval_bad_input_exits_2(args, message):
    result = run("eval", *args)
    assert result.returncode == 2 and message in result.stderr


def test_the_installed_console_script_answers_and_exits_2_on_bad_input(tmp_path):
    """The entry point itself, as a real process: the JSON contract and the bad-input exit code."""
    good = run_process("recommend", "--preset", "hospital-records", "--json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["recommendation"] == "local"
    bad = tmp_path / "bad.json"
    bad.write_text('{"requests_per_month": -4}')
    failed = run_process("recommend", "--scenario", str(bad))
    assert failed.returncode == 2
    assert "requests_per_month" in failed.stderr and "Traceback" not in failed.stderr
    usage = run_process("costs")
    assert usage.returncode == 2 and "--scenario" in usage.stderr
