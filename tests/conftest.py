"""Fixtures shared by every test folder: the real local peers for the cloud code paths."""

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.peers import MODEL_THREADS, AnthropicServer, llama_server

# Set before any test and inherited by every app server a test starts (deploy.processes passes
# os.environ on). Two pytest workers, Chromium and the app servers share two cores; llama.cpp's
# threads spin while they wait for each other, so a model given both cores crawls whenever
# anything else runs: three quality-check tasks took 8-11 s with 2 threads and 2.3-2.5 s with 1
# on this machine under load. A test that asks for a thread count still gets it.
os.environ.setdefault("CROSSOVER_LOCAL_THREADS", str(MODEL_THREADS))

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
