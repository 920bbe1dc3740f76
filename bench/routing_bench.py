"""How fast prompts are routed: 10,000 prompts through detection, complexity and the default policy.

Prints prompts per second for the analysis (detection dominates) and for routing alone,
and the ratio between them, all measured in one process. Goal: 10,000 prompts in under 30 s.
Run: make bench  (or .venv/bin/python bench/routing_bench.py)
"""

from __future__ import annotations

import time

from calculators import CostAssumptions
from routing.policy import POLICIES
from routing.prompt_files import PromptSet, load_sample_prompts
from routing.sensitive import detector_ready
from routing.simulate import analyse_prompts, simulate
from scenario import Scenario

TARGET = 10_000


def main() -> None:
    sample = load_sample_prompts()
    repeats = -(-TARGET // len(sample.prompts))
    prompts = PromptSet(source="bench", prompts=(sample.prompts * repeats)[:TARGET], labels=(sample.labels * repeats)[:TARGET])
    start = time.perf_counter()
    detector_ready()
    startup = time.perf_counter() - start

    start = time.perf_counter()
    facts = analyse_prompts(prompts)
    analyse = time.perf_counter() - start

    start = time.perf_counter()
    simulation = simulate(facts, POLICIES["privacy-split-then-tiered"], Scenario(), CostAssumptions())
    route = time.perf_counter() - start

    print(f"prompts: {TARGET:,} (the 200-prompt sample set, repeated)")
    print(f"detector start-up : {startup:6.2f} s (once per process)")
    print(f"analysis          : {analyse:6.2f} s = {TARGET / analyse:8,.0f} prompts/s")
    print(f"routing + figures : {route:6.2f} s = {TARGET / route:8,.0f} prompts/s ({analyse / route:.0f}x faster than analysis)")
    print(f"total             : {startup + analyse + route:6.2f} s (goal: under 30 s); local share {simulation.local_share:.0%}")


if __name__ == "__main__":
    main()
