"""What a concurrency sweep measured means: latency percentiles, goodput, the knee, and the capacity at the targets.

The definitions are vLLM's ``bench serve`` (``vllm/benchmarks/serve.py``, ``calculate_metrics``),
so a figure here reads the same as one from the field's tools:

- TTFT: request sent -> first streamed token.
- TPOT (time per output token): (end-to-end - TTFT) / (output tokens - 1), the first token
  excluded; 0 for a request of one token (it cannot miss a per-token target).
- ITL (inter-token latency): every gap between two streamed chunks after the first, pooled
  over the step's requests.
- Output tokens/s and requests/s: the whole server's, completed requests over the step's wall time.
- Goodput: the share of the step's requests that met every latency target (a failed
  request meets none), with a 95% Wilson interval.

The closed-loop steps (``concurrency`` requests in flight) make the curve, the knee and the
capacity at the targets; an open-loop step (requests sent at a fixed rate, Poisson arrivals)
is summarised the same way and shown beside them, as a check of one offered load.

Nothing here does I/O: the measuring is ``inference.sweep``; these functions take what it recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath
from typing import Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from calculators.proportions import wilson_interval

__all__ = [
    "GROWTH_TO_CONTINUE",
    "Percentiles",
    "RequestTiming",
    "StepSummary",
    "SweepResult",
    "SweepTally",
    "SweepTargets",
    "FinishedStep",
    "capacity_step",
    "knee_step",
    "stop_reason",
    "summarise_step",
    "tpot_s",
]

# A doubling of concurrency that adds less than this much throughput means the server has
# stopped batching more work into each step: the sweep stops there.
GROWTH_TO_CONTINUE = 1.10
# The knee: the smallest concurrency reaching this share of the best throughput measured.
KNEE_SHARE = 0.9


class RequestTiming(Protocol):
    """What the measuring side records for one request (``inference.sweep.RequestRecord`` is one)."""

    @property
    def ttft_s(self) -> float | None: ...
    @property
    def e2e_s(self) -> float | None: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def itl_s(self) -> Sequence[float]: ...
    @property
    def error_kind(self) -> str | None: ...


class SweepTargets(BaseModel):
    """The latency targets a request must meet to count as good, and the goodput share a step needs."""

    model_config = ConfigDict(frozen=True)

    ttft_ms: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    tpot_ms: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    goodput_share: float = Field(default=0.95, gt=0, le=1, allow_inf_nan=False)

    def describe(self) -> str:
        parts = [f"first token within {self.ttft_ms:,.0f} ms" if self.ttft_ms else "",
                 f"{self.tpot_ms:,.1f} ms a token after it" if self.tpot_ms else ""]
        return " and ".join(p for p in parts if p) or "no latency target"


class Percentiles(BaseModel):
    """p50/p90/p95/p99 in milliseconds (numpy's linear interpolation, as vLLM reports them); None without data."""

    model_config = ConfigDict(frozen=True)

    p50: float | None = None
    p90: float | None = None
    p95: float | None = None
    p99: float | None = None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Percentiles:
        if not len(seconds):
            return cls()
        values = np.percentile(np.asarray(seconds, dtype=float) * 1000, [50, 90, 95, 99])
        return cls(p50=float(values[0]), p90=float(values[1]), p95=float(values[2]), p99=float(values[3]))


class StepSummary(BaseModel):
    """One concurrency step of a sweep, summarised."""

    model_config = ConfigDict(frozen=True)

    concurrency: int
    requests: int
    errors: int
    errors_by_kind: dict[str, int]
    output_tokens: int
    duration_s: float
    ttft_ms: Percentiles
    tpot_ms: Percentiles
    itl_ms: Percentiles
    e2e_ms: Percentiles
    output_tokens_per_s: float
    requests_per_s: float
    goodput_share: float
    goodput_ci95: tuple[float, float]
    # The open-loop step's offered rate (requests a second; ``concurrency`` is then its cap), None for a closed-loop step.
    request_rate: float | None = None

    @property
    def load(self) -> str:
        """How the step loaded the server, in words."""
        if self.request_rate is None:
            return f"concurrency {self.concurrency}"
        return f"{self.request_rate:g} requests/s, Poisson (at most {self.concurrency} in flight)"


def tpot_s(record: RequestTiming) -> float:
    """vLLM's TPOT of one finished request: (e2e - TTFT) / (tokens - 1); 0 for one token or none."""
    if record.output_tokens <= 1 or record.ttft_s is None or record.e2e_s is None:
        return 0.0
    return (record.e2e_s - record.ttft_s) / (record.output_tokens - 1)


def _good(record: RequestTiming, targets: SweepTargets) -> bool:
    if record.error_kind is not None or record.ttft_s is None:
        return False
    if targets.ttft_ms is not None and record.ttft_s * 1000 > targets.ttft_ms:
        return False
    return targets.tpot_ms is None or tpot_s(record) * 1000 <= targets.tpot_ms


def summarise_step(concurrency: int, records: Sequence[RequestTiming], duration_s: float, targets: SweepTargets,
                   request_rate: float | None = None) -> StepSummary:
    """One step's figures from its requests and its wall time (first request sent -> last one done)."""
    done = [r for r in records if r.error_kind is None and r.ttft_s is not None and r.e2e_s is not None]
    failed = [r for r in records if not (r.error_kind is None and r.ttft_s is not None and r.e2e_s is not None)]
    good = sum(_good(r, targets) for r in records)
    tokens = sum(r.output_tokens for r in done)
    wall = max(duration_s, 1e-9)
    return StepSummary(
        concurrency=concurrency,
        requests=len(records),
        errors=len(failed),
        errors_by_kind=dict(Counter(r.error_kind or "no_tokens" for r in failed)),
        output_tokens=tokens,
        duration_s=duration_s,
        ttft_ms=Percentiles.of([r.ttft_s for r in done]),  # type: ignore[misc]
        tpot_ms=Percentiles.of([tpot_s(r) for r in done if r.output_tokens > 1]),
        itl_ms=Percentiles.of([gap for r in done for gap in r.itl_s]),
        e2e_ms=Percentiles.of([r.e2e_s for r in done]),  # type: ignore[misc]
        output_tokens_per_s=tokens / wall,
        requests_per_s=len(done) / wall,
        goodput_share=good / len(records) if records else 0.0,
        goodput_ci95=wilson_interval(good, len(records)),
        request_rate=request_rate,
    )


def stop_reason(steps: Sequence[StepSummary]) -> str | None:
    """Why the sweep should not go on to a higher concurrency after ``steps``; None to go on.

    It stops once most requests of the last step failed or missed the targets, or once a
    step brought less than 10% more throughput than the one before (the server has stopped
    putting more work into each step: a serial server stops after concurrency 2).
    """
    if not steps:
        return None
    last = steps[-1]
    if last.requests and last.errors * 2 > last.requests:
        return f"most requests failed at concurrency {last.concurrency}"
    if last.goodput_share < 0.5:
        return f"most requests missed the latency targets at concurrency {last.concurrency}"
    if len(steps) >= 2 and last.output_tokens_per_s < steps[-2].output_tokens_per_s * GROWTH_TO_CONTINUE:
        return (f"throughput stopped growing: concurrency {last.concurrency} gave {last.output_tokens_per_s:,.1f} tokens/s, "
                f"concurrency {steps[-2].concurrency} {steps[-2].output_tokens_per_s:,.1f}")
    return None


def capacity_step(steps: Sequence[StepSummary], share: float = 0.95) -> StepSummary | None:
    """The throughput at the targets: the step of highest throughput whose goodput is at least ``share``
    (the lower concurrency of equals, for its better latency); None when no step meets it."""
    meeting = [s for s in steps if s.goodput_share >= share and s.output_tokens_per_s > 0]
    if not meeting:
        return None
    return max(meeting, key=lambda s: (s.output_tokens_per_s, -s.concurrency))


def knee_step(steps: Sequence[StepSummary]) -> StepSummary | None:
    """The knee of the curve: the smallest concurrency reaching 90% of the best throughput measured
    (past it, more concurrency mostly buys queueing)."""
    useful = [s for s in steps if s.output_tokens_per_s > 0]
    if not useful:
        return None
    best = max(s.output_tokens_per_s for s in useful)
    return min((s for s in useful if s.output_tokens_per_s >= KNEE_SHARE * best), key=lambda s: s.concurrency)


class FinishedStep(Protocol):
    """A finished step as the measuring side hands it over (``inference.sweep.StepRecords`` is one)."""

    @property
    def concurrency(self) -> int: ...
    @property
    def records(self) -> Sequence[RequestTiming]: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def request_rate(self) -> float | None: ...


class SweepTally:
    """Summarises each step as it finishes and says whether the sweep goes on: the stop rule
    the measuring side is handed, so the page and the CLI stop for the same reasons."""

    def __init__(self, targets: SweepTargets) -> None:
        self.targets = targets
        self.steps: list[StepSummary] = []  # the closed-loop steps
        self.open_loop: StepSummary | None = None
        self.stopped_because: str | None = None

    def add(self, step: FinishedStep) -> bool:
        """Summarise ``step``; True to go on to the next concurrency (an open-loop step is only kept)."""
        summary = summarise_step(step.concurrency, step.records, step.duration_s, self.targets, step.request_rate)
        if summary.request_rate is not None:
            self.open_loop = summary
            return True
        self.steps.append(summary)
        self.stopped_because = stop_reason(self.steps)
        return self.stopped_because is None


class SweepResult(BaseModel):
    """A finished (or stopped) sweep with what it was measured on: what the page keeps, the Costs
    page's label and the report read."""

    model_config = ConfigDict(frozen=True)

    server: str
    model: str
    hardware: str
    measured_at: str
    # The catalog GPU and count it ran on (what the estimate and the cost model compare with); None: not a catalog GPU.
    gpu_id: str | None = None
    gpus: int = 1
    input_tokens: int
    output_tokens: int
    targets: SweepTargets
    steps: list[StepSummary]
    open_loop: StepSummary | None = None
    stopped_because: str | None = None
    notes: list[str] = Field(default_factory=list)
    prompts: str = "the bundled sample prompts"  # where the prompt texts came from

    @property
    def capacity(self) -> StepSummary | None:
        return capacity_step(self.steps, self.targets.goodput_share)

    @property
    def knee(self) -> StepSummary | None:
        return knee_step(self.steps)

    @property
    def model_name(self) -> str:
        """The served model's name without a folder (llama.cpp-based servers serve the file's path), at most 120 characters."""
        return (PurePath(self.model).name or self.model)[:120]

    def provenance(self) -> str:
        """'measured on <server>, <date>, <hardware>': how the Costs page labels the figure."""
        return f"measured on {self.server}, {self.measured_at}, {self.hardware}"

    def table(self) -> list[dict[str, float | int | str | None]]:
        """One row a step (the open-loop step last), as the page and the report show it."""
        def r(value: float | None, digits: int = 1) -> float | None:
            return None if value is None else round(value, digits)

        steps = [*self.steps, *([self.open_loop] if self.open_loop else [])]
        return [{
            "load": s.load, "requests": s.requests, "errors": s.errors,
            "TTFT p50 (ms)": r(s.ttft_ms.p50, 0), "TTFT p99 (ms)": r(s.ttft_ms.p99, 0),
            "TPOT p50 (ms)": r(s.tpot_ms.p50), "TPOT p95 (ms)": r(s.tpot_ms.p95), "TPOT p99 (ms)": r(s.tpot_ms.p99),
            "ITL p50 (ms)": r(s.itl_ms.p50), "end to end p50 (s)": r(None if s.e2e_ms.p50 is None else s.e2e_ms.p50 / 1000, 2),
            "output tokens/s": r(s.output_tokens_per_s), "requests/s": r(s.requests_per_s, 3),
            "goodput": f"{s.goodput_share:.0%} ({s.goodput_ci95[0]:.0%}–{s.goodput_ci95[1]:.0%})",
            "errors by kind": ", ".join(f"{kind.replace('_', ' ')}: {n}" for kind, n in sorted(s.errors_by_kind.items())) or "none",
        } for s in steps]
