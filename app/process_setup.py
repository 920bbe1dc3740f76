"""Once per server process: the app's log lines, and a garbage collector that stays out of the way.

Measured with ``bench/workshop_load.py``: after the imports the process holds about 350,000
long-lived objects (Streamlit, pandas, llama-cpp-python, the SDKs, Presidio), and a full
collection walks all of them, about 250-400 ms with the GIL held. Streamlit collects after
every script run, fragment runs included, so a playground answer refreshing four times a
second spent most of its time in the collector and every participant's rerun waited on it.
``gc.freeze()`` after the imports moves those objects out of the collector's sight (they live
as long as the process anyway), and ``runner.postScriptGC = false`` in ``.streamlit/config.toml``
leaves collection to Python's own thresholds.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import threading
import time

__all__ = ["log_script_run", "prepare_process", "wait_for_warm_up"]

# A line per script run, for the load bench: on only when CROSSOVER_LOG_RERUNS=1.
RERUN_LOG = logging.getLogger("crossover.rerun")

# What the pages import, loaded on a background thread after the first page has been served
# (so it does not wait for llama.cpp, presidio or SQLAlchemy) and before the freeze, so their
# objects are frozen too. The modules that other libraries peek at in ``sys.modules`` come
# first: pages wait for those (``wait_for_warm_up``), not for the rest.
_PEEKED_AT = ("numpy", "pandas", "plotly.graph_objects")
_LONG_LIVED = (*_PEEKED_AT, "calculators", "advisor", "charts", "decisions", "sqlalchemy",
               "inference.local_gguf", "inference.cloud_backends", "quality.runner", "routing.simulate", "routing.sensitive")
_DONE = threading.Event()
_LOCK = threading.Lock()
_PEEKED_AT_LOADED = threading.Event()
# Those imports take a second or two, more on a loaded machine; past this a page goes ahead and
# imports for itself (the race below is then possible again, but only on a machine that stalled).
WARM_UP_WAIT_S = 60.0


def _log_to_stderr() -> None:
    """The ``crossover.*`` loggers' INFO lines (queue events, runs stopped for closed tabs) beside
    Streamlit's own. Never a prompt, an answer or a key."""
    logger = logging.getLogger("crossover")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    RERUN_LOG.setLevel(logging.INFO if os.environ.get("CROSSOVER_LOG_RERUNS") == "1" else logging.WARNING)


def log_script_run(page: str, started: float) -> None:
    """How long this script run took on the server (logged only when CROSSOVER_LOG_RERUNS=1)."""
    if RERUN_LOG.isEnabledFor(logging.INFO):
        RERUN_LOG.info("page=%s ms=%.0f", page or "start", (time.perf_counter() - started) * 1000)


def _warm_up() -> None:
    try:
        for module in _PEEKED_AT:
            importlib.import_module(module)
    finally:
        _PEEKED_AT_LOADED.set()
    for module in _LONG_LIVED:
        importlib.import_module(module)
    gc.collect()
    gc.freeze()


def wait_for_warm_up() -> None:
    """Block until the warm-up has imported the modules other libraries peek at (at once, after
    the first seconds of a process).

    Import locks alone do not make the two threads safe: plotly (through narwhals) checks
    ``sys.modules`` for pandas and numpy without importing them, and a figure built while the
    warm-up thread was half-way through ``import pandas`` failed with "partially initialized module
    'pandas' has no attribute 'Series'" (seen in the browser tests on a loaded machine). Pages
    other than Start call this before they run. The rest of the warm-up (llama.cpp, presidio,
    SQLAlchemy) is imported normally, and the import locks do make that safe.
    """
    if _DONE.is_set():
        _PEEKED_AT_LOADED.wait(WARM_UP_WAIT_S)


def prepare_process() -> None:
    """Set up logging, then import what the pages use and freeze it in the background, the first
    time any session runs. Pages other than Start wait for it (``wait_for_warm_up``)."""
    if _DONE.is_set():
        return
    with _LOCK:
        if _DONE.is_set():
            return
        _log_to_stderr()
        threading.Thread(target=_warm_up, name="crossover-warm-up", daemon=True).start()
        _DONE.set()
