"""The "local" model on a shared OpenAI-compatible server: one setting, a real llama.cpp server."""

import threading

import pytest

from calculators import CostAssumptions, request_cost
from inference import (
    BackendConfig,
    GenerationRequest,
    ResolvedKey,
    build_backend,
    measure,
)
from inference.shared_server import (
    LOCAL_SERVER_ENV,
    SharedServerBackend,
    local_model_note,
)
from scenario import Scenario

QUESTION = GenerationRequest(prompt="Name a colour.", max_tokens=8, temperature=0)
LOCAL = BackendConfig(kind="local")
NO_KEY = ResolvedKey(None, "not needed")


def test_unset_means_the_model_runs_in_this_process(monkeypatch):
    monkeypatch.delenv(LOCAL_SERVER_ENV, raising=False)
    assert type(build_backend(LOCAL, NO_KEY)).__name__ == "LocalGGUFBackend"
    assert local_model_note() is None


def test_one_setting_sends_local_runs_to_the_shared_server(monkeypatch, llama_server_url):
    monkeypatch.setenv(LOCAL_SERVER_ENV, llama_server_url)
    backend = build_backend(LOCAL, NO_KEY)
    assert isinstance(backend, SharedServerBackend) and backend.kind == "local"
    result = measure(backend, QUESTION)
    assert result.ok, result.error
    assert result.text and result.output_tokens and result.ttft_ms > 0
    host = llama_server_url.split("//")[1].split("/")[0]
    assert result.backend.startswith("Local: ") and result.backend.endswith(f"on the shared server {host}")
    assert "shared inference server at " + llama_server_url in local_model_note()
    # Priced as local hardware, not as a cloud API.
    _, basis = request_cost(result, LOCAL, Scenario(), CostAssumptions())
    assert "local" in basis.lower()


def test_runs_from_one_app_take_turns_and_see_their_place(monkeypatch, llama_server_url):
    monkeypatch.setenv(LOCAL_SERVER_ENV, llama_server_url)
    statuses: list[str] = []
    results = [None, None]

    def run(index: int) -> None:
        results[index] = measure(build_backend(LOCAL, NO_KEY), QUESTION, on_status=statuses.append)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(r is not None and r.ok for r in results)
    assert sum(r.waited_ms > 0 for r in results) == 1
    assert any("In the queue for the shared server" in s and "position 1" in s for s in statuses)


@pytest.mark.parametrize(("env", "expected"), [
    ({LOCAL_SERVER_ENV: "not a url"}, "is not a URL. Give the server's base URL"),
    ({LOCAL_SERVER_ENV: "http://127.0.0.1:9/v1", "CROSSOVER_LOCAL_SERVER_SLOTS": "zero"}, "must be a whole number from 1 to 256"),
])
def test_a_malformed_setting_is_named_on_every_run(monkeypatch, env, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = measure(build_backend(LOCAL, NO_KEY), QUESTION)
    assert result.error_kind == "bad_request" and expected in result.error
    assert expected in local_model_note()


def test_an_unreachable_server_says_so(monkeypatch):
    monkeypatch.setenv(LOCAL_SERVER_ENV, "http://127.0.0.1:9/v1")
    result = measure(build_backend(LOCAL, NO_KEY), QUESTION)
    assert result.error_kind == "connection"
    assert "http://127.0.0.1:9/v1" in result.error and "CROSSOVER_LOCAL_SERVER_MODEL" in result.error
