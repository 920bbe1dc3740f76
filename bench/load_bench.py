"""Issue 21's performance targets, timed: a quarter of per-minute counts (129,600 rows) read and
analysed (< 1 s), and the base-load-local curve over 101 percentiles (< 100 ms).

Prints medians (no assertions: figures on a shared machine are read, not gated).
Run: make bench  (or .venv/bin/python -m bench.load_bench)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from calculators import CostAssumptions
from calculators.base_burst import base_burst
from calculators.load_profile import parse_profile, profile_stats
from calculators.rate_limits import check_rate_limits
from scenario import Scenario

SCENARIO = Scenario(requests_per_month=3_000_000)


def _median_ms(action: Callable[[], object], repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _quarter_csv() -> bytes:
    minutes = pd.date_range("2026-01-05", periods=90 * 1440, freq="min")
    rng = np.random.default_rng(1)
    counts = rng.poisson(40 + 30 * np.sin(np.arange(minutes.size) / 1440 * 2 * np.pi) ** 2)
    frame = pd.DataFrame({"timestamp": minutes.strftime("%Y-%m-%dT%H:%M:%S"), "count": counts})
    return frame.to_csv(index=False).encode()


def main() -> None:
    data = _quarter_csv()
    print(f"quarter of per-minute counts: {len(data) / 1e6:.1f} MB, {90 * 1440:,} rows")

    def analyse() -> None:
        profile = parse_profile("quarter.csv", data)
        rpm = profile.requests_per_minute(SCENARIO.requests_per_month)
        profile_stats(rpm)
        check_rate_limits(rpm, 500, 300, "openai:gpt-4o")

    print(f"read + percentiles + rate-limit check: median {_median_ms(analyse):,.0f} ms (target < 1,000 ms)")
    profile = parse_profile("quarter.csv", data)
    for schedule in ("always_on", "office_hours", "scale_to_zero"):
        ms = _median_ms(lambda s=schedule: base_burst(profile, SCENARIO, CostAssumptions(), s))
        print(f"base-burst curve, 101 percentiles, {schedule}: median {ms:,.0f} ms (target < 100 ms for the curve)")


if __name__ == "__main__":
    main()
