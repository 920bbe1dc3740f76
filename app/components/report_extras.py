"""What this session measured, as report tables: playground runs, blind votes, quality check."""

from __future__ import annotations

import statistics
from typing import Any

import streamlit as st

from calculators.sweep import SweepResult
from charts.sweep import sweep_throughput_figure
from decisions.report import ReportTable
from inference.playground_run import PlaygroundRecord
from quality.runner import summarise_eval

PLAYGROUND_LAST = "pg.last"
PLAYGROUND_VOTES = "pg.tally"
EVAL_JOB = "ev.job"
SWEEP_RESULT = "cap.result"


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 1) if present else None


def _seconds(ms: float | None) -> float | None:
    # Times in the report read in seconds, as the Playground shows end-to-end time.
    return None if ms is None else round(ms / 1000, 2)


def _playground_runs() -> ReportTable | None:
    last: PlaygroundRecord | None = st.session_state.get(PLAYGROUND_LAST)
    if last is None:
        return None
    rows: list[dict[str, Any]] = []
    for label, runs in zip(last.labels, last.runs, strict=True):
        ok = [r for r in runs if r.ok]
        costs = [r.cost_usd for r in ok]
        rows.append({
            "backend": label, "runs": len(runs), "errors": len(runs) - len(ok),
            "time to first token (s, median)": _seconds(_median([r.ttft_ms for r in ok])),
            "tokens/s (median)": _median([r.decode_tokens_per_s for r in ok]),
            "end to end (s, median)": _seconds(_median([r.e2e_ms for r in ok])),
            "cost a request (USD, median)": None if not any(c is not None for c in costs) else round(statistics.median([c for c in costs if c is not None]), 6),
        })
    prompt = last.request.prompt
    return ReportTable(title="Playground: the last side-by-side run",
                       intro=f"Prompt: “{prompt[:300]}{'…' if len(prompt) > 300 else ''}”", rows=rows)


def _votes() -> ReportTable | None:
    votes = st.session_state.get(PLAYGROUND_VOTES) or []
    if not votes:
        return None
    wins: dict[str, int] = {}
    for vote in votes:
        wins[vote["winner"]] = wins.get(vote["winner"], 0) + 1
    summary = ", ".join(f"{who}: {count}" for who, count in sorted(wins.items(), key=lambda kv: -kv[1]))
    return ReportTable(title=f"Playground: blind votes ({len(votes)})", intro=f"Preferred: {summary}.",
                       rows=[{"time": v["time"], "prompt": str(v["prompt"])[:120], "A": v["A"], "B": v["B"], "vote": v["vote"],
                              "winner": v["winner"]} for v in votes])


def _evaluation() -> ReportTable | None:
    job = st.session_state.get(EVAL_JOB)
    if job is None or getattr(job, "running", False) or not job.results:
        return None
    rows = []
    for label in job.labels:
        s = summarise_eval(job.results, label)
        rows.append({"backend": s.backend, "answered": s.n, "passed": s.passed, "errors": s.errors,
                     "accuracy": None if s.accuracy is None else f"{s.accuracy:.0%}",
                     "95% interval": f"{s.ci95[0]:.0%} – {s.ci95[1]:.0%}" if s.ci95 else "n/a",
                     "p50 (s)": _seconds(s.p50_ms), "cost per 1,000 tasks (USD)": s.cost_per_1k_usd})
    return ReportTable(title=f"Quality check on {job.tasks.source}", intro=f"{len(job.tasks.tasks)} tasks.", rows=rows)


def _sweep() -> ReportTable | None:
    result: SweepResult | None = st.session_state.get(SWEEP_RESULT)
    if result is None:
        return None
    cap = result.capacity
    found = (f"Throughput at the targets: {cap.output_tokens_per_s:,.1f} output tokens/s at concurrency {cap.concurrency}."
             if cap else "No step met the targets.")
    return ReportTable(
        title=f"Capacity sweep: {result.model_name}",
        intro=f"{result.provenance()}; {result.input_tokens:,} prompt and {result.output_tokens:,} output tokens a request; "
              f"targets: {result.targets.describe()} for {result.targets.goodput_share:.0%} of requests. {found} "
              "Definitions as vLLM's bench serve (TPOT excludes the first token).",
        rows=result.table(), figure=sweep_throughput_figure(result.steps, cap).to_dict())


def session_tables() -> list[ReportTable]:
    """Every measurement this session holds, ready for the report."""
    return [t for t in (_playground_runs(), _votes(), _evaluation(), _sweep()) if t is not None]
