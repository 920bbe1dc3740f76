"""A capacity sweep running in the background for one browser session, and what it leaves behind.

The measuring (``inference.sweep`` for a server, ``inference.sweep_local`` for the app's own
model) knows nothing of costs, so the stop rule and the summaries (``calculators.sweep``) are
handed to it here; the page only starts, stops and draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from pydantic import SecretStr

from calculators.sweep import SweepResult, SweepTally, SweepTargets
from inference.backend import Backend
from inference.jobs import BackgroundJob
from inference.outbound import OutboundPolicy
from inference.sweep import SweepPlan, probe_server, run_sweep
from inference.sweep_local import probe_local, sweep_local
from inference.types import BackendFailure

__all__ = ["SweepRun"]


class SweepRun:
    """One sweep: its plan, its progress (step k of n, requests done), its error, and its result so far."""

    def __init__(self, plan: SweepPlan, targets: SweepTargets, hardware: str, key: SecretStr | None, texts: Sequence[str],
                 policy: OutboundPolicy, tab_closed: Callable[[], bool], *, local: Backend | None = None,
                 prompts: str = "the bundled sample prompts", gpu: tuple[str, int] | None = None) -> None:
        """``local``: sweep this app's own model (concurrency 1, through its queue) instead of the plan's server.
        ``gpu``: the catalog GPU and count the server runs on, None for another machine (``hardware`` names it)."""
        self.plan, self.targets, self.hardware, self.local, self.prompts = plan, targets, hardware, local, prompts
        self.gpu = gpu
        self.tally = SweepTally(targets)
        self.step, self.steps, self.done = 0, 1 if local else plan.step_count, 0
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
            if self.local is not None:
                self._sweep_local(job, self.local)
                return
            info, prompts = probe_server(self.plan, self._key, self._texts, self._policy, should_stop=job.should_stop)
            self.server, self.model, self.notes = info.base_url, info.model, [*info.notes, f"Output tokens: {info.token_source}."]
            run_sweep(self.plan, info, prompts, self._key, go_on=self.tally.add, should_stop=job.should_stop,
                      on_progress=self._progress, policy=self._policy)
        except BackendFailure as failure:
            self.error = failure.message

    def _sweep_local(self, job: BackgroundJob[None], backend: Backend) -> None:
        info, prompts = probe_local(backend, self.plan, self._texts)
        self.server, self.model, self.notes = info.base_url, info.model, [*info.notes, f"Output tokens: {info.token_source}."]
        step, waits = sweep_local(backend, self.plan, info, prompts, should_stop=job.should_stop, on_progress=self._progress)
        if waits.waits:
            self.notes.append(f"{waits.waits} of the requests waited {waits.waited_s:,.1f} s in all behind other runs on the "
                              "model; that time is left out of the step's.")
        if step is not None:
            self.tally.add(step)

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
                           gpu_id=self.gpu[0] if self.gpu else None, gpus=self.gpu[1] if self.gpu else 1,
                           input_tokens=self.plan.input_tokens, output_tokens=self.plan.output_tokens, targets=self.targets,
                           steps=list(self.tally.steps), open_loop=self.tally.open_loop, stopped_because=stopped,
                           notes=self.notes, prompts=self.prompts)
