"""A capacity sweep running in the background for one browser session, and what it leaves behind.

The measuring (``inference.sweep``) knows nothing of costs, so the stop rule and the summaries
(``calculators.sweep``) are handed to it here; the page only starts, stops and draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from pydantic import SecretStr

from calculators.sweep import SweepResult, SweepTally, SweepTargets
from inference.jobs import BackgroundJob
from inference.outbound import OutboundPolicy
from inference.sweep import SweepPlan, probe_server, run_sweep
from inference.types import BackendFailure

__all__ = ["SweepRun"]


class SweepRun:
    """One sweep: its plan, its progress (step k of n, requests done), its error, and its result so far."""

    def __init__(self, plan: SweepPlan, targets: SweepTargets, hardware: str, key: SecretStr | None, texts: Sequence[str],
                 policy: OutboundPolicy, tab_closed: Callable[[], bool]) -> None:
        self.plan, self.targets, self.hardware = plan, targets, hardware
        self.tally = SweepTally(targets)
        self.step, self.steps, self.done = 0, len(plan.steps), 0
        self.error: str | None = None
        self.server, self.model = plan.base_url, plan.model
        self.notes: list[str] = []
        self.measured_at = f"{datetime.now():%Y-%m-%d %H:%M}"
        self.shown = False
        self._key, self._texts, self._policy = key, list(texts), policy
        self.job: BackgroundJob[None] = BackgroundJob("capacity-sweep", self._work, tab_closed).start()

    def _progress(self, step: int, steps: int, done: int) -> None:
        self.step, self.steps, self.done = step, steps, done

    def _work(self, job: BackgroundJob[None]) -> None:
        try:
            info, prompts = probe_server(self.plan, self._key, self._texts, self._policy)
            self.server, self.model, self.notes = info.base_url, info.model, [*info.notes, f"Output tokens: {info.token_source}."]
            run_sweep(self.plan, info, prompts, self._key, go_on=self.tally.add, should_stop=job.should_stop,
                      on_progress=self._progress, policy=self._policy)
        except BackendFailure as failure:
            self.error = failure.message

    @property
    def running(self) -> bool:
        return self.job.running

    def stop(self) -> None:
        self.job.stop.set()

    def result(self) -> SweepResult | None:
        """The finished steps as a result (None before the first step finishes)."""
        if not self.tally.steps:
            return None
        stopped = self.tally.stopped_because or ("stopped by hand" if self.job.stop.is_set() else None)
        return SweepResult(server=self.server, model=self.model, hardware=self.hardware, measured_at=self.measured_at,
                           input_tokens=self.plan.input_tokens, output_tokens=self.plan.output_tokens, targets=self.targets,
                           steps=list(self.tally.steps), stopped_because=stopped, notes=self.notes)
