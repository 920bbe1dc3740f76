"""A playground run on a background thread, so a rerun, a page switch or a closed tab cannot lose or block it.

The page starts a job and polls it from a fragment; the job keeps the answers as they
grow and, when done, the record the page shows. A job whose tab has gone stops at the
next streamed event, which hands the local model to the next run in line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


from advisor import Scenario
from calculators import CostAssumptions
from inference import BackendConfig, GenerationRequest, ResolvedKey, RunResult, build_backend, request_cost, run_sides, with_fallback

__all__ = ["PlaygroundJob", "start_job"]

LOG = logging.getLogger("crossover.playground")


@dataclass
class PlaygroundJob:
    """One press of Run: every repeat on both sides, and what is known so far."""

    number: int
    labels: list[str]
    order: list[int]
    repeat: int
    parallel: bool
    texts: list[str] = field(default_factory=lambda: ["", ""])
    statuses: list[str] = field(default_factory=lambda: ["", ""])
    finished_runs: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    record: dict[str, Any] | None = None
    failure: str | None = None
    adopted: bool = False

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def status(self, side: int) -> str:
        """What one side is doing, in words: its last status, else answering or waiting its turn."""
        if self.statuses[side]:
            return self.statuses[side]
        if self.texts[side] or self.parallel or side == 0:
            return "Answering…"
        return "Starts when the other side has finished."


def start_job(number: int, configs: list[BackendConfig], keys: list[ResolvedKey], request: GenerationRequest, *, repeat: int,
              parallel: bool, blind: bool, fallback: bool, order: list[int], scenario: Scenario,
              assumptions: CostAssumptions, tab_closed: Callable[[], bool]) -> PlaygroundJob:
    """Start answering ``request`` on both sides ``repeat`` times; returns the job at once.

    ``number`` counts the session's runs, so the page can say which run its results are from.
    """
    backends = [build_backend(c, k) for c, k in zip(configs, keys, strict=True)]
    labels = [("Answer A" if order[0] == i else "Answer B") if blind else backends[i].label for i in range(2)]
    job = PlaygroundJob(number=number, labels=labels, order=order, repeat=repeat, parallel=parallel)

    def should_stop() -> bool:
        if job.stop.is_set():
            return True
        if tab_closed():
            job.stop.set()
            LOG.info("Playground run %d stopped: its browser tab was closed, so the model goes to the next in line.", number)
            return True
        return False

    def on_text(index: int, text: str) -> None:
        job.texts[index] = text

    def on_status(index: int, status: str) -> None:
        job.statuses[index] = status

    def work() -> None:
        runs: list[list[RunResult]] = [[], []]
        try:
            for _ in range(repeat):
                job.texts, job.statuses = ["", ""], ["", ""]
                results = run_sides(backends, request, parallel=parallel, on_text=on_text, on_status=on_status, should_stop=should_stop)
                for index, result in enumerate(results):
                    config = configs[index]
                    if fallback and not result.ok and result.error_kind != "cancelled" and config.kind != "local":
                        config = BackendConfig(kind="local")
                        result = with_fallback(result, build_backend(config, ResolvedKey(None, "not needed")), request)
                    result.cost_usd, result.cost_basis = request_cost(result, config, scenario, assumptions)
                    runs[index].append(result)
                job.finished_runs += 1
                if should_stop():
                    break
        except Exception as exc:  # noqa: BLE001 - the page shows it instead of a dead thread
            job.failure = f"The run failed unexpectedly: {exc}"
        job.record = {
            "request": request.model_dump(), "configs": [c.model_dump() for c in configs],
            "labels": [b.label for b in backends], "runs": [[r.model_dump() for r in side] for side in runs],
            "blind": blind, "order": order, "revealed": not blind,
            "number": number, "finished_at": datetime.now().strftime("%H:%M:%S"), "stopped": job.stop.is_set(),
        }

    job.thread = threading.Thread(target=work, name="crossover-playground", daemon=True)
    job.thread.start()
    return job
