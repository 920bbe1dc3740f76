"""Serve the real app with `streamlit run` on a free loopback port for the browser tests."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deploy.processes import streamlit_server
from tests.e2e.helpers import QUIET

REPO = Path(__file__).resolve().parents[2]
# Every expectation waits on state; this is only its upper bound. Two cores shared by the
# server, Chromium and the background warm-up make 5 s (Playwright's default) too tight.
expect.set_options(timeout=15_000)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = REPO / "test-results"


@pytest.fixture(scope="session")
def streamlit_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("st") / "streamlit.log"


@contextmanager
def serve_app(log_path: Path, env: dict[str, str]):
    """The app on a free port with ``env`` added; fails the test on a traceback in its log."""
    with streamlit_server(log_path, env) as server:
        yield server.url
        server.log.seek(0)
        server_log = server.log.read()
    # A traceback in the server log is a failure even if every page looked fine.
    assert "Traceback" not in server_log, server_log


@pytest.fixture(scope="session")
def streamlit_url(streamlit_log, tmp_path_factory):
    # Its own empty scenario library, never the user's ~/.crossover.
    with serve_app(streamlit_log, {"CROSSOVER_DATA_DIR": str(tmp_path_factory.mktemp("data"))}) as url:
        yield url


# --disable-gpu-compositing: with no GPU, Chromium otherwise composites through SwiftShader in a
# GPU process; plain software compositing cost about 10% less CPU per Costs page load (measured).
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu-compositing"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 1400}, **QUIET}


@pytest.fixture(scope="session")
def base_url(streamlit_url):
    return streamlit_url


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS
