"""How long scoring and the "what would change the answer" search take, per preset.

Prints medians over repeated runs and the ratio of the what-if search to one scoring
call measured in the same process (the search re-scores a few hundred variants).
Run: make bench  (or .venv/bin/python bench/recommend_bench.py)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from advisor import list_presets, recommend, what_would_change


def _median_seconds(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"{'preset':<28}{'recommend (µs)':>16}{'what-if (ms)':>14}{'ratio':>8}")
    for preset in list_presets():
        scenario = preset.scenario
        one = _median_seconds(lambda s=scenario: recommend(s), 200)
        search = _median_seconds(lambda s=scenario: what_would_change(s), 9)
        print(f"{preset.id:<28}{one * 1e6:>16.0f}{search * 1e3:>14.1f}{search / one:>8.0f}x")


if __name__ == "__main__":
    main()
