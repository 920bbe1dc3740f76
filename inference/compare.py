"""Run several backends on one prompt, at once or one after the other; summarise repeats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from inference.backend import Backend
from inference.measure import measure
from inference.types import GenerationRequest, RunResult

__all__ = ["FIGURES", "run_sides", "summarise", "with_fallback"]

FIGURES = ("ttft_ms", "decode_tokens_per_s", "e2e_ms", "input_tokens", "output_tokens", "cost_usd")

TextCallback = Callable[[int, str], None]
StatusCallback = Callable[[int, str], None]
DoneCallback = Callable[[int, RunResult], None]


def run_sides(
    backends: Sequence[Backend],
    request: GenerationRequest,
    *,
    parallel: bool = True,
    on_text: TextCallback | None = None,
    on_status: StatusCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_done: DoneCallback | None = None,
) -> list[RunResult]:
    """Answer ``request`` on every backend, each measured on its own reading thread.

    Args:
        parallel: All sides at the same time (as users see it), or one after the other
            (cleaner numbers: the sides do not share the CPU).
        on_text / on_status: Called with (side index, text) from the reading threads.
        should_stop: Asked after every streamed event; yes stops every side (see ``measure``).
        on_done: Called with (side index, result) as each side ends, so a side that failed
            can say so while the other is still answering.
    """
    def run(index: int) -> RunResult:
        result = measure(
            backends[index], request,
            on_text=(lambda text: on_text(index, text)) if on_text else None,
            on_status=(lambda status: on_status(index, status)) if on_status else None,
            should_stop=should_stop,
        )
        if on_done:
            on_done(index, result)
        return result

    if not parallel:
        return [run(i) for i in range(len(backends))]
    with ThreadPoolExecutor(max_workers=len(backends), thread_name_prefix="crossover-side") as pool:
        return list(pool.map(run, range(len(backends))))


def with_fallback(result: RunResult, fallback: Backend, request: GenerationRequest,
                  on_text: Callable[[str], None] | None = None) -> RunResult:
    """The articles' fallback chain: when a run failed, answer from ``fallback`` and say why."""
    if result.ok:
        return result
    answer = measure(fallback, request, on_text=on_text)
    answer.fallback_from = f"{result.backend} failed: {result.error}"
    return answer


def summarise(results: Sequence[RunResult]) -> dict[str, dict[str, float | None]]:
    """Median and p90 of each figure over the successful runs."""
    summary: dict[str, dict[str, float | None]] = {}
    ok = [r for r in results if r.ok]
    for figure in FIGURES:
        values = np.array([getattr(r, figure) for r in ok if getattr(r, figure) is not None], dtype=float)
        summary[figure] = (
            {"median": float(np.median(values)), "p90": float(np.percentile(values, 90))}
            if values.size else {"median": None, "p90": None}
        )
    return summary
