"""The app's own local model swept the one way a shared workshop allows: concurrency 1, through its queue.

Everyone in a workshop shares the in-process model (or the operator's shared inference
server), so a sweep must not take it away: each of its requests joins the same fair queue the
Playground and the Quality check use, one at a time, and waits behind anyone who was there
first. The figures are those of ``inference.sweep`` (TTFT, every gap between tokens, end to
end), timed from the moment the request's turn came, so another participant's run is not
counted as the model's slowness; the time spent waiting is reported beside them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from inference.backend import Backend
from inference.local_gguf import LocalGGUFBackend
from inference.sweep import RequestRecord, ServerInfo, StepRecords, SweepPlan, shape_prompts
from inference.types import BackendFailure, GenerationRequest

__all__ = ["LocalSweep", "probe_local", "sweep_local"]


class _ModelCutter:
    """The loaded model's own tokenizer (llama.cpp's, read-only, so safe beside a running answer)."""

    kind = "model"
    name = "the model's own tokenizer"

    def __init__(self, backend: LocalGGUFBackend) -> None:
        self._llm = backend.loaded_model().llm

    def cut(self, text: str, n: int) -> str | None:
        tokens = self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        if len(tokens) < n:
            return None
        return self._llm.detokenize(tokens[:n]).decode("utf-8", errors="ignore") or None


class _NoCutter:
    """No tokenizer at hand (the shared inference server): prompts are cut at four characters a token."""

    kind = None
    name = None

    def cut(self, text: str, n: int) -> str | None:
        return None


class LocalSweep:
    """What ``sweep_local`` measured beyond the requests: how long they waited for their turn."""

    def __init__(self) -> None:
        self.waited_s = 0.0
        self.waits = 0


def _one(backend: Backend, prompt: str, max_tokens: int, should_stop: Callable[[], bool], waits: LocalSweep) -> RequestRecord:
    """One request through the backend's queue, timed from when its turn came; failures are recorded, never raised."""
    start = time.perf_counter()
    chunk_times: list[float] = []
    tokens: int | None = None
    events = backend.events(GenerationRequest(prompt=prompt, max_tokens=max_tokens, temperature=0.0))
    try:
        for event in events:
            if should_stop():
                return RequestRecord(None, None, 0, error_kind="cancelled")
            now = time.perf_counter()
            if event.waited_ms is not None:  # its turn came after others' runs: the clock starts now
                waits.waited_s += now - start
                waits.waits += 1
                start = now
            if event.text:
                chunk_times.append(now)
            if event.output_tokens is not None:
                tokens = event.output_tokens
    except BackendFailure as failure:
        return RequestRecord(None, None, 0, error_kind=failure.kind)
    finally:
        events.close()  # leaves the queue at once, whatever happened
    if not chunk_times:
        return RequestRecord(None, None, 0, error_kind="no_tokens")
    gaps = tuple(b - a for a, b in zip(chunk_times, chunk_times[1:], strict=False))
    return RequestRecord(chunk_times[0] - start, chunk_times[-1] - start, tokens if tokens else len(chunk_times), gaps)


def probe_local(backend: Backend, plan: SweepPlan, texts: Sequence[str] = ()) -> tuple[ServerInfo, list[str]]:
    """Check the local model answers (loading it if needed, one warm-up request that is not counted)
    and shape the prompts; the plan's concurrency is ignored: this sweep runs at 1.

    Raises:
        BackendFailure: settings out of bounds, a model that cannot load, a prompt and answer
            longer than its context, or no answer.
    """
    if problems := plan.problems():
        raise BackendFailure("bad_request", "; ".join(problems) + ".")
    if failure := backend.preflight():
        raise failure
    cutter = _ModelCutter(backend) if isinstance(backend, LocalGGUFBackend) else _NoCutter()
    prompts, how = shape_prompts(texts, plan.input_tokens, cutter)
    events = backend.events(GenerationRequest(prompt=prompts[0], max_tokens=min(plan.output_tokens, 16), temperature=0.0))
    try:
        answered = any(event.text for event in events)
    finally:
        events.close()
    if not answered:
        raise BackendFailure("server", f"{backend.label} gave no answer to a warm-up request: try the Playground with it first.")
    notes = (f"Prompts: {how}.",
             "Concurrency 1 only, each request through the shared queue: the model serves the whole workshop. Answers may "
             "end before the output length (the model stops at its end token); the real counts are used.")
    where = "this app (the Playground's local model)" if isinstance(backend, LocalGGUFBackend) else backend.label
    return ServerInfo(where, backend.model, (backend.model,), cutter.name or "none", False, None,
                      "the model's own tokenizer" if cutter.kind else "the server's usage report", notes), prompts


def sweep_local(backend: Backend, plan: SweepPlan, info: ServerInfo, prompts: Sequence[str], *,
                should_stop: Callable[[], bool] = lambda: False,
                on_progress: Callable[[int, int, int], None] = lambda step, steps, done: None) -> tuple[StepRecords | None, LocalSweep]:
    """One closed-loop step at concurrency 1: ``plan.requests_per_step`` requests, each waiting its turn.

    Returns the step (None when stopped part-way) and the time its requests waited for others'
    runs, which is left out of the step's wall time.
    """
    waits = LocalSweep()
    records: list[RequestRecord] = []
    on_progress(1, 1, 0)
    start = time.perf_counter()
    for index in range(plan.requests_per_step):
        if should_stop():
            return None, waits
        sent = time.perf_counter() - start - waits.waited_s
        record = _one(backend, f"[1.{index}] {prompts[index % len(prompts)]}", plan.output_tokens, should_stop, waits)
        records.append(replace(record, sent_s=sent))
        on_progress(1, 1, len(records))
    if should_stop():
        return None, waits
    return StepRecords(1, tuple(records), time.perf_counter() - start - waits.waited_s), waits
