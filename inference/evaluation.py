"""Run a task set on several backends and grade the answers.

Local runs take turns on the model's lock (the same as the playground); cloud calls run a
few at a time and the SDKs retry with backoff. A failed call is an *error*, kept apart
from a *fail* (a wrong answer). A stop switch ends the run and keeps what finished.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from pydantic import BaseModel

from advisor.evaluation import Task, TaskSet, check_answer, judge_prompt, newcombe_difference, parse_judge_reply, wilson_interval
from inference.backend import Backend
from inference.measure import measure
from inference.types import GenerationRequest, RunResult

__all__ = ["BackendSummary", "EvalProgress", "TaskResult", "compare_sides", "run_eval", "summarise_eval"]

CLOUD_CONCURRENCY = 3


class TaskResult(BaseModel):
    """One task on one backend."""

    task_index: int
    backend: str
    answer: str
    passed: bool | None  # None: the call failed (an error, not a fail)
    detail: str
    error: str | None
    e2e_ms: float | None
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None


class EvalProgress(BaseModel):
    """How far a run is."""

    done: int
    total: int
    elapsed_s: float

    @property
    def remaining_s(self) -> float | None:
        return None if self.done == 0 else self.elapsed_s / self.done * (self.total - self.done)


class BackendSummary(BaseModel):
    """One backend over the task set: the CLI's contract fields and a little more."""

    backend: str
    n: int
    passed: int
    errors: int
    accuracy: float | None
    ci95: tuple[float, float] | None
    p50_ms: float | None
    p90_ms: float | None
    cost_per_1k_usd: float | None


def _grade(task: Task, answer: RunResult, judge: Backend | None, max_tokens: int) -> tuple[bool, str]:
    if task.check != "judge":
        outcome = check_answer(task, answer.text)
        return outcome.passed, outcome.detail
    if judge is None:
        return False, "no judge model chosen for a judge check"
    system, user = judge_prompt(task, answer.text)
    verdict = measure(judge, GenerationRequest(prompt=user, system=system, max_tokens=max_tokens, temperature=0))
    if not verdict.ok:
        return False, f"the judge failed: {verdict.error}"
    outcome = parse_judge_reply(verdict.text)
    return outcome.passed, outcome.detail


def run_eval(
    tasks: TaskSet,
    backends: Sequence[Backend],
    *,
    max_tokens: int = 64,
    judge: Backend | None = None,
    cost: Callable[[Backend, RunResult], float | None] | None = None,
    on_result: Callable[[TaskResult, EvalProgress], None] | None = None,
    stop: threading.Event | None = None,
) -> tuple[list[TaskResult], dict[str, float]]:
    """Answer every task on every backend and grade it.

    Returns:
        The results (in completion order) and timing: ``wall_s`` for the run and
        ``model_s`` for the time spent inside model calls (judge included), so the
        evaluation's own overhead is ``wall_s - model_s / parallelism``.
    """
    stop = stop or threading.Event()
    total = len(tasks.tasks) * len(backends)
    results: list[TaskResult] = []
    lock = threading.Lock()
    started = time.perf_counter()
    model_time = [0.0]

    def one(backend: Backend, index: int) -> None:
        if stop.is_set():
            return
        task = tasks.tasks[index]
        call_start = time.perf_counter()
        answer = measure(backend, GenerationRequest(prompt=task.prompt, max_tokens=max_tokens, temperature=0))
        passed, detail = (None, answer.error or "") if not answer.ok else _grade(task, answer, judge, max_tokens)
        spent = time.perf_counter() - call_start
        result = TaskResult(
            task_index=index, backend=backend.label, answer=answer.text, passed=passed, detail=detail, error=answer.error,
            e2e_ms=answer.e2e_ms, input_tokens=answer.input_tokens, output_tokens=answer.output_tokens,
            cost_usd=cost(backend, answer) if cost and answer.ok else None,
        )
        with lock:
            model_time[0] += spent
            results.append(result)
            progress = EvalProgress(done=len(results), total=total, elapsed_s=time.perf_counter() - started)
        if on_result:
            on_result(result, progress)

    def run_backend(backend: Backend) -> None:
        indices = range(len(tasks.tasks))
        if backend.kind == "local":
            for index in indices:  # the model's lock serialises these anyway; keep task order
                one(backend, index)
        else:
            with ThreadPoolExecutor(max_workers=CLOUD_CONCURRENCY, thread_name_prefix="crossover-eval") as pool:
                list(pool.map(lambda i: one(backend, i), indices))

    with ThreadPoolExecutor(max_workers=max(1, len(backends)), thread_name_prefix="crossover-eval-side") as sides:
        list(sides.map(run_backend, backends))
    return results, {"wall_s": time.perf_counter() - started, "model_s": model_time[0]}


def summarise_eval(results: Sequence[TaskResult], backend: str) -> BackendSummary:
    """Accuracy with its Wilson interval over answered tasks, latency and cost per 1,000 tasks."""
    mine = [r for r in results if r.backend == backend]
    graded = [r for r in mine if r.passed is not None]
    passed = sum(bool(r.passed) for r in graded)
    times = np.array([r.e2e_ms for r in mine if r.e2e_ms is not None and r.error is None], dtype=float)
    costs = [r.cost_usd for r in graded]
    return BackendSummary(
        backend=backend, n=len(graded), passed=passed, errors=len(mine) - len(graded),
        accuracy=passed / len(graded) if graded else None,
        ci95=wilson_interval(passed, len(graded)) if graded else None,
        p50_ms=float(np.percentile(times, 50)) if times.size else None,
        p90_ms=float(np.percentile(times, 90)) if times.size else None,
        cost_per_1k_usd=1000 * float(np.mean(costs)) if graded and all(c is not None for c in costs) else None,
    )


def compare_sides(first: BackendSummary, second: BackendSummary) -> tuple[float, float, float, bool] | None:
    """Accuracy difference first - second, its 95% interval, and whether it is larger than the noise."""
    if not first.n or not second.n:
        return None
    d, low, high = newcombe_difference(first.passed, first.n, second.passed, second.n)
    return d, low, high, not (low <= 0 <= high)
