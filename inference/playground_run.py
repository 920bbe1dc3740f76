"""One press of the Playground's Run: the same prompt on two backends, in the background.

The answers grow in ``PlaygroundRun`` while they stream; when the run ends its typed
``PlaygroundRecord`` is what the page shows and the report includes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel

from inference.compare import run_sides, with_fallback
from inference.jobs import BackgroundJob
from inference.keys import ResolvedKey
from inference.outbound import OutboundPolicy
from inference.registry import BackendConfig, build_backend
from inference.shared_server import MisconfiguredBackend
from inference.types import GenerationRequest, RunResult

__all__ = ["CostOf", "PlaygroundRecord", "PlaygroundRun", "start_playground_run"]

# What one measured run cost and how that was worked out; the page passes the cost model in,
# so this package never needs to know it.
CostOf = Callable[[RunResult, BackendConfig], tuple[float | None, str]]


class PlaygroundRecord(BaseModel):
    """A finished Playground run: what was asked, of whom, and every answer with its figures."""

    request: GenerationRequest
    configs: list[BackendConfig]
    labels: list[str]
    runs: list[list[RunResult]]
    blind: bool
    order: list[int]
    revealed: bool
    number: int
    finished_at: str
    stopped: bool


@dataclass
class PlaygroundRun:
    """What is known while a run goes on: the labels shown and each side's text and status."""

    number: int
    labels: list[str]
    order: list[int]
    repeat: int
    parallel: bool
    texts: list[str] = field(default_factory=lambda: ["", ""])
    statuses: list[str] = field(default_factory=lambda: ["", ""])
    # A side's failure as soon as it is known (before the run, or as that side ends).
    errors: list[str] = field(default_factory=lambda: ["", ""])
    finished_runs: int = 0
    job: BackgroundJob[PlaygroundRecord] | None = None

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.running

    def status(self, side: int) -> str:
        """What one side is doing, in words: its last status, else answering or waiting its turn."""
        if self.statuses[side]:
            return self.statuses[side]
        if self.texts[side] or self.parallel or side == 0:
            return "Answering…"
        return "Starts when the other side has finished."


def start_playground_run(number: int, configs: list[BackendConfig], keys: list[ResolvedKey], request: GenerationRequest, *,
                         repeat: int, parallel: bool, blind: bool, fallback: bool, order: list[int], cost: CostOf,
                         tab_closed: Callable[[], bool], outbound: OutboundPolicy | None = None) -> PlaygroundRun:
    """Start answering ``request`` on both sides ``repeat`` times; returns at once.

    ``number`` counts the session's runs, so the page can say which run its results are from;
    ``outbound`` is where the server lets requests go (see ``inference.outbound``).
    """
    backends = [build_backend(c, k, outbound) for c, k in zip(configs, keys, strict=True)]
    labels = [("Answer A" if order[0] == i else "Answer B") if blind else backends[i].label for i in range(2)]
    run = PlaygroundRun(number=number, labels=labels, order=order, repeat=repeat, parallel=parallel)

    def on_text(index: int, text: str) -> None:
        run.texts[index] = text

    def on_status(index: int, status: str) -> None:
        run.statuses[index] = status

    def on_done(index: int, result: RunResult) -> None:
        if not result.ok and result.error_kind != "cancelled":
            run.errors[index] = result.error or "The run failed."

    def work(job: BackgroundJob[PlaygroundRecord]) -> PlaygroundRecord:
        runs: list[list[RunResult]] = [[], []]
        try:
            # Both checks first: a missing key or a dead server shows at once, also on a side
            # that would otherwise wait for the other to finish.
            for index, backend in enumerate(backends):
                if failure := backend.preflight():
                    run.errors[index] = failure.message
                    backends[index] = MisconfiguredBackend(failure, label=backend.label, model=backend.model)
            for _ in range(repeat):
                run.texts, run.statuses = ["", ""], ["", ""]
                results = run_sides(backends, request, parallel=parallel, on_text=on_text, on_status=on_status,
                                    should_stop=job.should_stop, on_done=on_done)
                for index, result in enumerate(results):
                    config = configs[index]
                    if fallback and not result.ok and result.error_kind != "cancelled" and config.kind != "local":
                        config = BackendConfig(kind="local")
                        result = with_fallback(result, build_backend(config, ResolvedKey(None, "not needed"), outbound), request)
                    result.cost_usd, result.cost_basis = cost(result, config)
                    runs[index].append(result)
                run.finished_runs += 1
                job.progress.done = run.finished_runs
                if job.should_stop():
                    break
        except Exception as exc:  # noqa: BLE001 - what finished is kept; the page shows the failure
            job.failure = f"The run failed unexpectedly: {exc}"
        return PlaygroundRecord(
            request=request, configs=configs, labels=[b.label for b in backends], runs=runs, blind=blind, order=order,
            revealed=not blind, number=number, finished_at=datetime.now().strftime("%H:%M:%S"), stopped=job.stop.is_set(),
        )

    run.job = BackgroundJob(f"Playground run {number}", work, tab_closed)
    run.job.progress.total = repeat
    run.job.start()
    return run
