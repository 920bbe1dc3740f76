"""OpenAI and Anthropic code paths against real servers on 127.0.0.1."""

import socket

import pytest
from pydantic import SecretStr

from calculators import CostAssumptions, request_cost
from inference import (
    AnthropicBackend,
    BackendConfig,
    GenerationRequest,
    LocalGGUFBackend,
    OpenAIBackend,
    measure,
    resolve_key,
    run_sides,
    summarise,
    with_fallback,
)
from scenario import Scenario
from tests.peers import ANTHROPIC_TEST_KEY, StatusServer, closed_port_url

QUESTION = GenerationRequest(prompt="What is the capital of France?", max_tokens=16, temperature=0)
KEY = SecretStr("sk-test-0000")


def test_openai_path_against_llama_cpp_server(llama_server_url):
    result = measure(OpenAIBackend("smollm2", KEY, llama_server_url), QUESTION)
    assert result.ok, result.error
    assert result.text.strip()
    assert result.input_tokens > 5 and 0 < result.output_tokens <= 16  # from the server's usage report
    assert result.ttft_ms > 0 and result.e2e_ms >= result.ttft_ms
    assert result.backend.startswith("OpenAI-compatible (http://127.0.0.1:")


def test_anthropic_path_against_a_messages_sse_server(anthropic_server_url):
    result = measure(AnthropicBackend("claude-haiku-4-5", SecretStr(ANTHROPIC_TEST_KEY), anthropic_server_url), QUESTION)
    assert result.ok, result.error
    assert result.text == "Paris is the capital of France."
    assert result.output_tokens == 7  # the last, cumulative message_delta count, not the chunk count
    assert result.input_tokens == 6
    assert result.decode_tokens_per_s > 0


def test_anthropic_wrong_key_and_unknown_model(anthropic_server_url):
    wrong = measure(AnthropicBackend("claude-haiku-4-5", SecretStr("sk-wrong"), anthropic_server_url, max_retries=0), QUESTION)
    assert wrong.error_kind == "auth" and "(401)" in wrong.error
    unknown = measure(AnthropicBackend("claude-unknown", SecretStr(ANTHROPIC_TEST_KEY), anthropic_server_url), QUESTION)
    assert unknown.error_kind == "unknown_model" and "claude-unknown" in unknown.error


def test_no_key_says_how_to_give_one():
    openai_result = measure(OpenAIBackend("gpt-4o-mini", None), QUESTION)
    assert openai_result.error_kind == "no_key" and "OPENAI_API_KEY" in openai_result.error
    anthropic_result = measure(AnthropicBackend("claude-haiku-4-5", None), QUESTION)
    assert anthropic_result.error_kind == "no_key" and "ANTHROPIC_API_KEY" in anthropic_result.error


@pytest.mark.parametrize(
    ("status", "retry_after", "kind", "words", "requests"),
    [
        (401, None, "auth", "rejected the API key (401)", 1),
        (403, None, "auth", "(403)", 1),
        (404, None, "unknown_model", "does not know the model", 1),
        (429, "0", "rate_limited", "rate limiting this key (429) after 2 retries. The server asks to wait 0 s", 3),
        (500, None, "server", "failed with 500 after 2 retries", 3),
    ],
)
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_error_statuses(provider, status, retry_after, kind, words, requests):
    with StatusServer(status, retry_after) as server:
        backend = (
            OpenAIBackend("gpt-4o-mini", KEY, server.url + "/v1", timeout_s=5)
            if provider == "openai"
            else AnthropicBackend("claude-haiku-4-5", KEY, server.url, timeout_s=5)
        )
        result = measure(backend, QUESTION)
    assert result.error_kind == kind
    assert words in result.error
    assert server.requests == requests  # the SDK's own retries, counted
    assert result.retries == requests - 1


def test_connection_refused_and_timeout():
    refused = measure(OpenAIBackend("m", KEY, closed_port_url(), max_retries=0), QUESTION)
    assert refused.error_kind == "connection" and "Is the server running" in refused.error
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        slow = measure(OpenAIBackend("m", KEY, url, timeout_s=0.5, max_retries=0), QUESTION)
    assert slow.error_kind == "timeout" and "within 0.5 s" in slow.error


def test_keys_come_from_env_then_secrets_then_typed(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert resolve_key("openai").value is None
    assert resolve_key("openai", typed="sk-typed").source == "the key typed in this session"
    assert resolve_key("openai", typed="sk-typed", secrets={"OPENAI_API_KEY": "sk-secret"}).value.get_secret_value() == "sk-secret"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    resolved = resolve_key("openai", typed="sk-typed", secrets={"OPENAI_API_KEY": "sk-secret"})
    assert resolved.value.get_secret_value() == "sk-env" and "environment" in resolved.source
    assert "sk-env" not in repr(resolved) and "sk-env" not in str(resolved.value)


def test_costs_of_a_request():
    scenario, assumptions = Scenario(), CostAssumptions()
    local = measure(LocalGGUFBackend(n_ctx=1024), QUESTION)
    cost, basis = request_cost(local, BackendConfig(kind="local"), scenario, assumptions)
    assert cost > 0 and "marginal" in basis
    cloud = local.model_copy(update={"input_tokens": 1000, "output_tokens": 1000})
    cost, basis = request_cost(cloud, BackendConfig(kind="openai", model="gpt-4o"), scenario, assumptions)
    assert cost == pytest.approx(1000 * 2.5 / 1e6 + 1000 * 10 / 1e6) and "genai-prices" in basis
    assert request_cost(cloud, BackendConfig(kind="openai", model="x", base_url="http://127.0.0.1:1/v1"), scenario, assumptions)[0] is None


def test_both_sides_at_once_and_fallback(llama_server_url):
    local = LocalGGUFBackend(n_ctx=1024)
    remote = OpenAIBackend("smollm2", KEY, llama_server_url)
    left, right = run_sides([local, remote], QUESTION, parallel=True)
    assert left.ok and right.ok and left.text and right.text
    failed = measure(OpenAIBackend("m", KEY, closed_port_url(), max_retries=0), QUESTION)
    answered = with_fallback(failed, local, QUESTION)
    assert answered.ok and answered.text and answered.fallback_from.startswith("OpenAI-compatible")
    summary = summarise([left, left.model_copy(update={"ttft_ms": left.ttft_ms * 3})])
    assert summary["ttft_ms"]["median"] == pytest.approx(left.ttft_ms * 2)
