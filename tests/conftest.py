"""Fixtures shared by every test folder: the real local peers for the cloud code paths."""

import pytest

from tests.peers import AnthropicServer, llama_server


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
