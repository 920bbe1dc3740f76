"""What one Costs page render computes, timed: 5 cloud models x 200 volumes, 3 options,
break-even, TCO, the tornado and the sampled break-even band.

Prints medians and the ratio to one ``cost_report`` call measured in the same process.
Run: make bench  (or .venv/bin/python bench/costs_bench.py)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from advisor import list_presets
from calculators import (
    CostAssumptions,
    breakeven_band,
    cost_curves,
    cost_report,
    tco_curves,
    tornado,
)
from scenario import Scenario

FIVE_MODELS = CostAssumptions(
    cloud_models=["openai:gpt-4o", "openai:gpt-4o-mini", "anthropic:claude-sonnet-4-5", "google:gemini-2.5-flash", "openai:gpt-4.1"]
)


def _median_ms(action: Callable[[], object], repeats: int = 25) -> float:
    action()  # warm caches (price lookups) as a running server would have them
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def _page(scenario: Scenario) -> None:
    report = cost_report(scenario, FIVE_MODELS)
    curves = cost_curves(scenario, report, points=200)
    assert len(curves) == 7 * 200  # 5 cloud models + local + hybrid
    tco_curves(scenario, report)
    tornado(scenario, report)
    breakeven_band(scenario, report)


def main() -> None:
    print(f"{'preset':<28}{'cost_report (ms)':>18}{'whole page (ms)':>17}{'ratio':>8}")
    for preset in list_presets():
        scenario = preset.scenario
        one = _median_ms(lambda s=scenario: cost_report(s, FIVE_MODELS))
        page = _median_ms(lambda s=scenario: _page(s))
        print(f"{preset.id:<28}{one:>18.2f}{page:>17.1f}{page / one:>7.1f}x")
    print("goal: whole page under 50 ms")


if __name__ == "__main__":
    main()
