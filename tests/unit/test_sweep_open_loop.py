"""The open-loop step: requests sent at Poisson times (vLLM's ``--request-rate``), kept beside the
closed-loop steps rather than in the curve, and shown as its own row."""

from __future__ import annotations

import statistics

import pytest

from calculators.sweep import SweepTally, SweepTargets
from inference.sweep import SweepPlan, poisson_send_times, probe_server, run_sweep
from tests.peers import OpenAIServer


def test_send_times_are_poisson_at_the_rate_and_repeatable():
    times = poisson_send_times(4.0, 4_000, seed=7)
    assert times[0] == 0.0 and times == sorted(times)
    assert times == poisson_send_times(4.0, 4_000, seed=7)  # one plan sends at the same moments twice
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # exponential gaps: mean 1/rate, and their standard deviation equals their mean
    assert statistics.mean(gaps) == pytest.approx(0.25, rel=0.05)
    assert statistics.stdev(gaps) == pytest.approx(0.25, rel=0.08)


def test_a_rate_out_of_bounds_is_named():
    assert "request rate is 0" in " ".join(SweepPlan("http://127.0.0.1:1/v1", request_rate=0.0).problems())


def test_the_open_loop_step_runs_after_the_closed_loop_steps_and_is_kept_apart():
    plan = SweepPlan("", input_tokens=8, output_tokens=4, max_concurrency=2, requests_per_step=5, request_rate=50.0)
    tally = SweepTally(SweepTargets())
    progress: list[tuple[int, int, int]] = []
    with OpenAIServer(tokens=4) as server:
        plan = SweepPlan(f"{server.url}/v1", **{k: getattr(plan, k) for k in
                                                 ("input_tokens", "output_tokens", "max_concurrency", "requests_per_step", "request_rate")})
        info, prompts = probe_server(plan)
        steps = run_sweep(plan, info, prompts, go_on=tally.add, on_progress=lambda *p: progress.append(p))
    assert [s.request_rate for s in steps] == [None, None, 50.0]
    assert [s.concurrency for s in tally.steps] == [1, 2]  # the curve is the closed-loop steps
    assert tally.open_loop is not None and tally.open_loop.requests == 5 and tally.open_loop.errors == 0
    assert tally.open_loop.load == "50 requests/s, Poisson (at most 2 in flight)"
    assert progress[-1] == (3, 3, 5)  # "step 3 of 3, 5 requests done"
    open_step = steps[-1]
    # each request was sent no earlier than its Poisson time
    sent = sorted(r.sent_s for r in open_step.records)
    assert all(s >= t for s, t in zip(sent, poisson_send_times(50.0, 5), strict=True))
