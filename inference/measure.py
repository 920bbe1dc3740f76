"""Run a backend and measure it honestly.

Timing uses ``time.perf_counter()`` on the thread that reads the stream. Time to first
token is the first event with text; decode speed is (output tokens - 1) / (time of the
last text - time of the first text); output tokens come from the provider's usage report
or the local tokenizer, never from counting chunks. Time spent queueing for the local
model and loading it (both reported by the backend) are recorded apart and not counted in
the latencies.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from inference.backend import Backend
from inference.types import BackendFailure, GenerationRequest, RunResult

__all__ = ["measure"]

# Figures a backend reports as it goes; the latest report wins (Anthropic's counts are cumulative).
_REPORTED = ("input_tokens", "output_tokens", "cached_prompt_tokens", "reasoning_tokens", "retries", "cold", "token_source", "threads")


def measure(
    backend: Backend,
    request: GenerationRequest,
    on_text: Callable[[str], None] | None = None,
    on_status: Callable[[str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RunResult:
    """Run ``request`` on ``backend`` and return the measured result (errors included, never raised).

    Args:
        backend: Any backend.
        request: The prompt.
        on_text: Called with the whole answer so far each time text arrives.
        on_status: Called with status lines (e.g. waiting for the local model).
        should_stop: Asked after every event; when it says yes the stream is closed (which
            hands the local model to the next run in line) and the result says it was stopped.
    """
    result = RunResult(backend=backend.label, model=backend.model)
    if should_stop is not None and should_stop():
        result.error_kind, result.error = "cancelled", "Stopped before it started."
        return result
    start = time.perf_counter()
    first_text_at: float | None = None
    last_text_at: float | None = None
    parts: list[str] = []
    try:
        events = backend.events(request)
        for event in events:
            now = time.perf_counter()
            if event.status and (not result.statuses or result.statuses[-1] != event.status):
                result.statuses.append(event.status)
                if on_status:
                    on_status(event.status)
            if event.waited_ms is not None:
                result.waited_ms = event.waited_ms
                start += event.waited_ms / 1000
            if event.load_ms is not None:
                result.load_ms = event.load_ms  # a cold start, shown apart from the latencies
                start += event.load_ms / 1000
            for name in _REPORTED:
                value = getattr(event, name)
                if value is not None:
                    setattr(result, name, value)
            if event.text:
                first_text_at = first_text_at or now
                last_text_at = now
                parts.append(event.text)
                if on_text:
                    on_text("".join(parts))
            if should_stop is not None and should_stop():
                events.close()
                result.error_kind, result.error = "cancelled", "Stopped before the answer was finished."
                break
    except BackendFailure as failure:
        result.error_kind, result.error = failure.kind, failure.message
        result.retry_after_s, result.retries = failure.retry_after_s, max(result.retries, failure.retries)
    end = time.perf_counter()
    result.text = "".join(parts)
    result.e2e_ms = (end - start) * 1000
    if first_text_at is not None:
        result.ttft_ms = (first_text_at - start) * 1000
        tokens = result.output_tokens
        if tokens is not None and tokens > 1 and last_text_at is not None and last_text_at > first_text_at:
            result.decode_tokens_per_s = (tokens - 1) / (last_text_at - first_text_at)
    return result
