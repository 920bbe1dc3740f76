"""The sweep's arithmetic on hand-checked numbers: vLLM's TPOT, goodput with its Wilson interval,
the stop rule, the knee and the capacity at the targets."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.assumptions import CostAssumptions
from calculators.local_costs import requests_per_replica_month
from calculators.proportions import wilson_interval
from calculators.sweep import (
    Percentiles,
    StepSummary,
    SweepTally,
    SweepTargets,
    capacity_step,
    knee_step,
    stop_reason,
    summarise_step,
    tpot_s,
)


@dataclass(frozen=True)
class R:
    ttft_s: float | None
    e2e_s: float | None
    output_tokens: int
    itl_s: tuple[float, ...] = ()
    error_kind: str | None = None


@dataclass(frozen=True)
class Step:
    concurrency: int
    records: tuple[R, ...]
    duration_s: float
    request_rate: float | None = None


def _step(c: int, tokens_per_s: float, good: float = 1.0) -> StepSummary:
    return StepSummary(concurrency=c, requests=20, errors=0, errors_by_kind={}, output_tokens=0, duration_s=1.0,
                       ttft_ms=Percentiles(), tpot_ms=Percentiles(), itl_ms=Percentiles(), e2e_ms=Percentiles(),
                       output_tokens_per_s=tokens_per_s, requests_per_s=0.0, goodput_share=good, goodput_ci95=(0.0, 1.0))


def test_tpot_excludes_the_first_token_as_vllm_does():
    # 0.2 s to the first token, 2.2 s in all, 11 tokens: the 10 after the first took 2.0 s.
    assert tpot_s(R(0.2, 2.2, 11)) == pytest.approx(0.2)
    assert tpot_s(R(0.2, 0.2, 1)) == 0.0  # one token: nothing after the first


def test_a_step_summarised_by_hand():
    records = (
        R(0.100, 1.100, 11, (0.1,) * 10),   # TPOT 100 ms
        R(0.300, 2.300, 11, (0.2,) * 10),   # TTFT 300 ms, TPOT 200 ms: misses both targets
        R(0.200, 1.200, 11, (0.1,) * 10),   # TPOT 100 ms
        R(None, None, 0, (), "http_500"),    # failed: counts against goodput
    )
    s = summarise_step(2, records, duration_s=3.0, targets=SweepTargets(ttft_ms=250, tpot_ms=150))
    assert (s.requests, s.errors, s.errors_by_kind) == (4, 1, {"http_500": 1})
    assert s.output_tokens == 33
    assert s.output_tokens_per_s == pytest.approx(11.0)
    assert s.requests_per_s == pytest.approx(1.0)
    assert s.ttft_ms.p50 == pytest.approx(200.0)
    assert s.tpot_ms.p50 == pytest.approx(100.0)
    assert s.itl_ms.p90 == pytest.approx(200.0)
    # Two of four met both targets: the second misses both (TTFT 300 > 250, TPOT 200 > 150), the fourth failed.
    assert s.goodput_share == pytest.approx(0.5)
    assert s.goodput_ci95 == pytest.approx(wilson_interval(2, 4))


def test_wilson_interval_known_values():
    # 2 of 4: centre (0.5 + 1.92/4)/(1 + 3.84/4), from the formula by hand.
    lo, hi = wilson_interval(2, 4)
    assert lo == pytest.approx(0.1500, abs=1e-4) and hi == pytest.approx(0.8500, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_stop_rule():
    assert stop_reason([_step(1, 100)]) is None
    assert stop_reason([_step(1, 100), _step(2, 190)]) is None
    assert "stopped growing" in stop_reason([_step(1, 100), _step(2, 105)])
    assert "missed the latency targets" in stop_reason([_step(1, 100, good=0.4)])


def test_capacity_and_knee():
    steps = [_step(1, 100), _step(2, 190), _step(4, 350), _step(8, 380, good=0.9)]
    assert capacity_step(steps, 0.95).concurrency == 4   # 8 is faster but only 90% of its requests met the targets
    assert capacity_step(steps, 0.9).concurrency == 8
    assert knee_step(steps).concurrency == 4             # 350 >= 0.9 x 380
    assert capacity_step([_step(1, 100, good=0.2)]) is None


def test_the_tally_stops_where_the_rule_says():
    tally = SweepTally(SweepTargets())
    fast = tuple(R(0.1, 1.1, 11, (0.1,) * 10) for _ in range(4))
    assert tally.add(Step(1, fast, 4.0)) is True
    assert tally.add(Step(2, fast, 4.0)) is False  # the same throughput at twice the concurrency
    assert "stopped growing" in tally.stopped_because
    assert capacity_step(tally.steps).concurrency == 1


def test_requests_a_month_is_the_cost_models_formula():
    # 100 tokens/s / 100 tokens = 1 request/s x 0.6 utilisation x 730 h x 3600 / 2 peak-to-average.
    assert requests_per_replica_month(100.0, 100, CostAssumptions()) == pytest.approx(0.6 * 730 * 3600 / 2)


@settings(deadline=None, max_examples=60)  # a busy shared machine must not fail it on time
@given(st.lists(st.tuples(st.floats(0.001, 5), st.floats(0.0, 10), st.integers(0, 500), st.booleans()), max_size=30),
       st.floats(0.01, 100))
def test_summaries_are_sane_for_any_requests(rows, duration):
    records = tuple(R(None, None, 0, (), "timeout") if failed else R(ttft, ttft + extra, tokens, ())
                    for ttft, extra, tokens, failed in rows)
    s = summarise_step(3, records, duration, SweepTargets(ttft_ms=1000, tpot_ms=50))
    assert 0.0 <= s.goodput_ci95[0] <= s.goodput_share <= s.goodput_ci95[1] <= 1.0
    assert s.errors + (s.requests - s.errors) == len(records)
    assert s.output_tokens_per_s >= 0
    for p in (s.ttft_ms, s.tpot_ms, s.e2e_ms):
        if p.p50 is not None:
            assert p.p50 <= p.p90 <= p.p95 <= p.p99


@pytest.mark.parametrize("n", [1, 3, 4, 7, 20, 1000])
def test_the_interval_of_all_or_none_reaches_1_or_0_exactly(n):
    # found by hypothesis: 4 of 4 gave an upper bound of 0.9999999999999999, below the share itself
    assert wilson_interval(n, n)[1] == 1.0 and wilson_interval(0, n)[0] == 0.0
