"""First page after a server start: Crossover against Streamlit's own ``streamlit hello``.

Each round starts a fresh server of each, opens its first page in headless Chromium (a new
browser context, so nothing is cached) and times navigation until the script has finished
(``data-test-script-state="notRunning"``) and the page's heading is drawn; then a second visit
in another fresh context. Medians over the rounds, and Crossover's ratio to ``hello`` from
the same run. Goal (issue 15): the first page within 1.5x of ``hello``.

    .venv/bin/python -m bench.first_page_bench [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from deploy.processes import REPO, Server, free_port, serve_process, streamlit_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _hello(log: Path) -> AbstractContextManager[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "hello", "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    return serve_process(command, url + "/_stcore/health", log, name="streamlit hello", url=url)


def _crossover(log: Path) -> AbstractContextManager[Server]:
    return streamlit_server(log, {"CROSSOVER_DATA_DIR": str(log.parent / "data")})


def _visit(browser: Browser, url: str) -> float:
    """Seconds from navigation until the first page's script is done and its h1 is on screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.locator(DONE).wait_for(timeout=60_000)
    page.locator("h1").first.wait_for(timeout=60_000)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def _round(browser: Browser, start: Callable[[Path], AbstractContextManager[Server]]) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder, start(Path(folder) / "server.log") as server:
        return _visit(browser, server.url), _visit(browser, server.url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {"hello": [], "crossover": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(args.rounds):  # interleaved, so both see the same machine load
            times["hello"].append(_round(browser, _hello))
            times["crossover"].append(_round(browser, _crossover))
        browser.close()
    medians = {name: (statistics.median(t[0] for t in runs), statistics.median(t[1] for t in runs)) for name, runs in times.items()}
    print(f"{'server':<12}{'first visit (s)':>17}{'second visit (s)':>18}   ({args.rounds} rounds, medians; cwd {REPO.name})")
    for name, (first, second) in medians.items():
        print(f"{name:<12}{first:>17.2f}{second:>18.2f}")
    ratio_first = medians["crossover"][0] / medians["hello"][0]
    ratio_second = medians["crossover"][1] / medians["hello"][1]
    print(f"ratio crossover / hello: first visit {ratio_first:.2f}x, second visit {ratio_second:.2f}x (goal: first within 1.5x)")


if __name__ == "__main__":
    main()
