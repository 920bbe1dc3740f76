"""Fixtures shared by every test folder: the real local peers for the cloud code paths."""

import pytest
from hypothesis import HealthCheck, settings

from tests.peers import AnthropicServer, llama_server

# Property tests check values, never speed (performance lives in bench/): no per-example
# deadline and no too-slow health check, which failed on a loaded 2-core machine.
settings.register_profile("crossover", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("crossover")


@pytest.fixture(scope="session")
def llama_server_url(tmp_path_factory):
    """llama-cpp-python's OpenAI-compatible server with the bundled model, on loopback."""
    with llama_server(tmp_path_factory.mktemp("llama")) as url:
        yield url


@pytest.fixture(scope="session")
def anthropic_server_url():
    """A local server speaking Anthropic's Messages streaming events."""
    with AnthropicServer() as server:
        yield server.url


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server on a loopback port for this run (stopped afterwards)."""
    from tests.postgres_peer import postgres_server

    with postgres_server() as url:
        yield url
