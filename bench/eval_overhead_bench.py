"""How much of an evaluation run is spent outside the model calls (goal: under 5%).

Runs the first 10 tasks of the bundled example set on the bundled local model (calls are
sequential on one model, so the sum of their end-to-end times is the time in the model)
and prints the run's wall time, the time inside model calls and the share left over.
Run: make bench  (or .venv/bin/python bench/eval_overhead_bench.py)
"""

from __future__ import annotations

import statistics

from inference import LocalGGUFBackend, measure
from inference.types import GenerationRequest
from quality.runner import run_eval
from quality.tasks import load_example_tasks


def main() -> None:
    example = load_example_tasks()
    tasks = example.model_copy(update={"tasks": example.tasks[:10]})
    backend = LocalGGUFBackend()
    measure(backend, GenerationRequest(prompt="warm up", max_tokens=4))
    shares = []
    for _ in range(3):
        results, timing = run_eval(tasks, [backend], max_tokens=32)
        in_model = sum(r.e2e_ms for r in results if r.e2e_ms) / 1000
        shares.append((timing["wall_s"] - in_model) / timing["wall_s"])
        print(f"wall {timing['wall_s']:6.2f} s, in model calls {in_model:6.2f} s, overhead {shares[-1]:6.2%}")
    print(f"median overhead outside model calls: {statistics.median(shares):.2%} (goal: under 5%)")


if __name__ == "__main__":
    main()
