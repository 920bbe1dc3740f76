"""A side that cannot answer says so at once: before the model is asked, and while the other side runs."""

import socket
import threading

from pydantic import SecretStr

from inference import AnthropicBackend, BackendConfig, GenerationRequest, LocalGGUFBackend, OpenAIBackend, ResolvedKey
from inference.playground_run import start_playground_run
from tests.peers import closed_port_url

KEY = SecretStr("sk-test-0000")


def test_preflight_names_a_missing_key_a_dead_server_and_a_missing_file(tmp_path):
    assert OpenAIBackend("gpt-4o", None).preflight().kind == "no_key"
    assert AnthropicBackend("claude-haiku-4-5", None).preflight().kind == "no_key"
    dead = OpenAIBackend("m", KEY, closed_port_url()).preflight()
    assert dead.kind == "connection" and "Is the server running" in dead.message
    refused = OpenAIBackend("m", None, "not a url").preflight()  # the outbound policy refuses it before any connection
    assert refused.kind == "blocked" and "not a server address" in refused.message
    missing = LocalGGUFBackend(tmp_path / "nothing.gguf").preflight()
    assert missing.kind == "model_file" and "nothing.gguf" in missing.message
    assert LocalGGUFBackend().preflight() is None  # the bundled model is there
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(1)
        assert OpenAIBackend("m", None, f"http://127.0.0.1:{listening.getsockname()[1]}/v1").preflight() is None


def test_a_side_without_a_key_fails_while_the_other_is_still_answering():
    # The left side is a server that accepts and never answers, so it is still running for as
    # long as the test needs; the right side (OpenAI, no key) runs after it, one after the other.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        configs = [BackendConfig(kind="openai", model="m", base_url=url, timeout_s=60, max_retries=0),
                   BackendConfig(kind="openai", model="gpt-4o")]
        keys = [ResolvedKey(None, "not needed"), ResolvedKey(None, "nowhere")]
        run = start_playground_run(1, configs, keys, GenerationRequest(prompt="Hi", max_tokens=4), repeat=1, parallel=False,
                                   blind=False, fallback=False, order=[0, 1], cost=lambda result, config: (None, "n/a"),
                                   tab_closed=lambda: False)
        try:
            poll = threading.Event()
            while not run.errors[1] and run.running:
                poll.wait(0.05)
            assert run.running and not run.texts[0] and "No OpenAI API key" in run.errors[1]
            assert not run.errors[0]
        finally:
            run.job.stop.set()
    run.job.join(60)
    assert not run.running
