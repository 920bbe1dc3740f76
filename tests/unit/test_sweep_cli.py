"""``crossover sweep`` against real servers on loopback: the JSON contract, failures that exit 2,
and the key that never shows."""

from __future__ import annotations

import json
import threading

import pytest

from inference.sweep import SweepPlan, concurrency_steps, probe_server, run_sweep
from inference.types import BackendFailure
from tests.cli_runner import run_cli
from tests.peers import OpenAIServer, closed_port_url

STEP_KEYS = {"concurrency", "requests", "errors", "ttft_ms", "tpot_ms", "itl_ms", "e2e_ms", "output_tokens_per_s",
             "requests_per_s", "goodput"}
KEY = "sk-sweep-secret-0123456789"


def test_concurrency_steps_double_up_to_the_maximum():
    assert concurrency_steps(1) == (1,)
    assert concurrency_steps(8) == (1, 2, 4, 8)
    assert concurrency_steps(6) == (1, 2, 4, 6)


def test_json_contract_with_the_estimate_for_a_catalog_model():
    with OpenAIServer() as server:
        result = run_cli("sweep", "--base-url", f"{server.url}/v1", "--input-tokens", "32", "--output-tokens", "6",
                         "--max-concurrency", "2", "--requests-per-step", "3", "--hardware", "l4x1", "--json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert set(data) == {"steps", "capacity", "estimate"}
        assert [s["concurrency"] for s in data["steps"]] == [1, 2][: len(data["steps"])]
        step = data["steps"][0]
        assert set(step) == STEP_KEYS and step["requests"] == 3 and step["errors"] == 0
        assert set(step["tpot_ms"]) == {"p50", "p90", "p99"} and set(step["goodput"]) == {"share", "ci95"}
        assert step["goodput"]["share"] == 1.0 and step["output_tokens_per_s"] > 0
        assert set(data["capacity"]) == {"concurrency", "output_tokens_per_s", "requests_per_month"}
        assert data["estimate"]["open_model"] == "llama-3.1-8b" and data["estimate"]["gpu"] == "l4"
        # max_tokens is the output length; ignore_eos asks for exactly that many
        assert all(b["max_tokens"] == 6 and b["ignore_eos"] is True and b["stream"] for b in server.bodies[1:])


def test_a_key_goes_to_the_server_and_nowhere_else(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with OpenAIServer(status=401) as server:
        result = run_cli("sweep", "--base-url", f"{server.url}/v1", "--input-tokens", "8", "--output-tokens", "4", "--json")
        assert result.returncode == 2
        assert "HTTP 401" in result.stderr and "key" in result.stderr
        assert KEY not in result.stdout + result.stderr and "hunter2" not in result.stderr
        assert any(v == f"Bearer {KEY}" for h in server.headers_seen for k, v in h.items() if k.lower() == "authorization")


@pytest.mark.parametrize("status", [400, 500])
def test_a_server_error_exits_2_naming_it(status):
    with OpenAIServer(status=status) as server:
        result = run_cli("sweep", "--base-url", f"{server.url}/v1", "--input-tokens", "8", "--output-tokens", "4")
        assert result.returncode == 2 and f"HTTP {status}" in result.stderr and "hunter2" not in result.stderr


def test_a_model_the_server_does_not_serve_names_what_it_does():
    with OpenAIServer(served="qwen3-8b") as server:
        result = run_cli("sweep", "--base-url", f"{server.url}/v1", "--model", "gpt-9", "--json")
        assert result.returncode == 2 and "does not serve 'gpt-9'" in result.stderr and "'qwen3-8b'" in result.stderr
        assert server.requests == 0  # nothing was sent to generate


def test_nothing_listening_exits_2():
    result = run_cli("sweep", "--base-url", closed_port_url(), "--json")
    assert result.returncode == 2 and "Cannot connect" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(("flags", "says"), [
    (("--hardware", "h100"), "unknown GPU 'h100'"),
    (("--hardware", "h100-80gbx3"), "1, 2, 4 or 8 GPUs"),
    (("--max-concurrency", "100000"), "maximum concurrency is 100000"),
    (("--goodput-share", "1.5"), "--goodput-share"),
    (("--max-concurrency", "0"), "must be 1 or more"),
    # The key a sweep carries may be someone else's: a run is bounded (CROSSOVER_MAX_REQUESTS_PER_RUN).
    (("--max-concurrency", "256", "--requests-per-step", "2000"), "would send 18,002 requests (9 steps of 2,000, and a warm-up); the limit is 1,000"),
])
def test_bad_flags_exit_2_before_anything_is_sent(flags, says):
    result = run_cli("sweep", "--base-url", closed_port_url(), *flags)
    assert result.returncode == 2 and says in result.stderr


def test_a_refused_url_is_never_contacted(monkeypatch):
    monkeypatch.setenv("CROSSOVER_OUTBOUND", "official")
    with OpenAIServer() as server:
        with pytest.raises(BackendFailure) as refused:
            probe_server(SweepPlan(f"{server.url}/v1"))
        assert refused.value.kind == "blocked" and server.headers_seen == []


def test_stop_keeps_the_finished_steps():
    with OpenAIServer(tokens=4) as server:
        plan = SweepPlan(f"{server.url}/v1", input_tokens=8, output_tokens=4, max_concurrency=4, requests_per_step=2)
        info, prompts = probe_server(plan)
        finished: list[int] = []

        def go_on(step) -> bool:
            finished.append(step.concurrency)
            return True

        steps = run_sweep(plan, info, prompts, go_on=go_on, should_stop=lambda: len(finished) >= 2)
        assert [s.concurrency for s in steps] == [1, 2]  # the third step was never run: Stop came first


def test_against_llama_cpp_python_server(llama_server_url):
    result = run_cli("sweep", "--base-url", llama_server_url, "--input-tokens", "24", "--output-tokens", "8",
                     "--max-concurrency", "1", "--requests-per-step", "2", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    (step,) = data["steps"]
    assert step["errors"] == 0 and step["requests"] == 2 and step["tpot_ms"]["p50"] > 0
    assert data["estimate"] is None  # the bundled model is not in the catalog, so nothing to estimate


def test_an_open_loop_step_and_the_teams_own_prompts(tmp_path):
    prompts = tmp_path / "prompts.csv"
    prompts.write_text("prompt\nSummarise the ticket from the Zanzibar office about the broken printer.\n"
                       "Translate the Zanzibar office's holiday notice into French.\n")
    with OpenAIServer(tokens=4) as server:
        result = run_cli("sweep", "--base-url", f"{server.url}/v1", "--input-tokens", "16", "--output-tokens", "4",
                         "--max-concurrency", "2", "--requests-per-step", "4", "--request-rate", "40", "--prompts", str(prompts),
                         "--json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert set(data) == {"steps", "capacity", "estimate", "open_loop"}
        assert set(data["open_loop"]) == STEP_KEYS | {"request_rate"} and data["open_loop"]["request_rate"] == 40.0
        assert data["open_loop"]["requests"] == 4 and data["open_loop"]["concurrency"] == 2
        assert all("Zanzibar" in b["messages"][0]["content"] for b in server.bodies)  # the team's texts were sent
        assert sum(b["messages"][0]["content"].startswith("[rate 40.") for b in server.bodies) == 4


@pytest.mark.parametrize(("content", "says"), [(b"", "--prompts"), (b"\xff\xfe\x00bad", "--prompts")])
def test_a_bad_prompt_file_exits_2_before_anything_is_sent(tmp_path, content, says):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with OpenAIServer() as server:
        result = run_cli("sweep", "--base-url", f"{server.url}/v1", "--prompts", str(bad))
        assert result.returncode == 2 and says in result.stderr and server.requests == 0


def test_a_missing_prompt_file_and_a_bad_rate_exit_2():
    missing = run_cli("sweep", "--base-url", closed_port_url(), "--prompts", "/nonexistent/prompts.csv")
    assert missing.returncode == 2 and "--prompts" in missing.stderr
    rate = run_cli("sweep", "--base-url", closed_port_url(), "--request-rate", "0")
    assert rate.returncode == 2 and "--request-rate" in rate.stderr


def _probe_in_background(plan: SweepPlan, should_stop=lambda: False) -> list:
    """probe_server on a thread; what it returned or raised (a test waits a bounded time for it)."""
    outcome: list = []

    def probe() -> None:
        try:
            outcome.append(probe_server(plan, should_stop=should_stop))
        except BackendFailure as failure:
            outcome.append(failure)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(30)
    return outcome


def test_a_server_that_only_keeps_the_line_alive_cannot_hold_the_sweep():
    # Every read got its keep-alive line in time, so a per-read timeout never fired: the sweep
    # (and its Stop) waited for ever. The whole request is bounded now, and Stop is heard.
    with OpenAIServer(keep_alive_s=0.1) as server:
        (timed_out,) = _probe_in_background(SweepPlan(f"{server.url}/v1", timeout_s=1.0))
        assert isinstance(timed_out, BackendFailure) and timed_out.kind == "timeout"
        stop = threading.Event()
        threading.Timer(0.5, stop.set).start()
        (stopped,) = _probe_in_background(SweepPlan(f"{server.url}/v1"), should_stop=stop.is_set)
        assert isinstance(stopped, BackendFailure) and stopped.kind == "cancelled"


def test_a_server_that_refuses_ignore_eos_is_swept_without_it_and_the_sweep_says_so():
    with OpenAIServer(refuse_ignore_eos=True) as server:
        info, _ = probe_server(SweepPlan(f"{server.url}/v1", input_tokens=8, output_tokens=4))
        assert not info.ignore_eos
        assert "The server refused ignore_eos: answers may end before max_tokens; the real counts are used." in info.notes
        assert [("ignore_eos" in body) for body in server.bodies] == [True, False]  # asked once, then the warm-up without it
