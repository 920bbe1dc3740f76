"""Run a task set on several backends and grade the answers.

Local runs take turns on the model's lock (the same as the playground); cloud calls run a
few at a time and the SDKs retry with backoff. A failed call is an *error*, kept apart
from a *fail* (a wrong answer). A stop switch ends the run and keeps what finished.

One participant's run must not turn the server into a load generator against someone
else's server: a backend whose calls fail several times in a row (or fail in a way no
retry fixes: refused, no key, a blocked address) is stopped and its remaining tasks are
not sent; and a run sends at most ``CROSSOVER_MAX_REQUESTS_PER_RUN`` requests to servers
other than the local model.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel

from inference.backend import Backend
from inference.jobs import BackgroundJob
from inference.measure import measure
from inference.types import GenerationRequest, RunResult
from quality.checks import check_answer, parse_judge_reply
from quality.stats import newcombe_difference, wilson_interval
from quality.tasks import Task, TaskSet, judge_prompt
from scenario.limits import REQUEST_BUDGET

__all__ = [
    "BackendSummary",
    "EvalProgress",
    "EvalRun",
    "TaskResult",
    "answers_table",
    "MIN_TASKS_PER_SIDE",
    "Gap",
    "compare_sides",
    "run_eval",
    "start_eval_run",
    "summarise_eval",
]

CLOUD_CONCURRENCY = 3
# Fewer answered tasks a side than this and a gap is not called real, nor offered to the
# decision, whatever its interval: a stopped run of 1 against 3 answers once was.
MIN_TASKS_PER_SIDE = 30
# Failures in a row after which a backend is given up on for the rest of the run.
FAILURES_IN_A_ROW = 3
# Failures that the next task would only repeat.
_HOPELESS = {"no_key", "auth", "blocked", "unknown_model", "model_file", "connection"}


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


class _Guard:
    """Stops a backend after repeated failures and the run at its request budget (thread-safe)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.sent = 0
        self._in_a_row: dict[str, int] = {}
        self.stopped: dict[str, str] = {}
        self._lock = threading.Lock()

    def may_send(self, backend: Backend) -> str | None:
        """None when a call may go (its first request is counted now, so calls running side by
        side cannot overshoot the budget); else why not."""
        with self._lock:
            if backend.label in self.stopped:
                return self.stopped[backend.label]
            if backend.kind != "local":
                if self.sent >= self.budget:
                    return (f"Not sent: this run reached its limit of {self.budget:,} requests to other servers "
                            f"({REQUEST_BUDGET.setting}).")
                self.sent += 1
            return None

    def record(self, backend: Backend, result: RunResult) -> None:
        with self._lock:
            if backend.kind != "local":
                self.sent += result.retries
            if result.ok or result.error_kind == "cancelled":
                self._in_a_row[backend.label] = 0
                return
            count = self._in_a_row.get(backend.label, 0) + 1
            self._in_a_row[backend.label] = count
            if backend.label not in self.stopped and (result.error_kind in _HOPELESS or count >= FAILURES_IN_A_ROW):
                why = "its call failed in a way retrying does not fix" if result.error_kind in _HOPELESS else f"{count} calls in a row failed"
                self.stopped[backend.label] = f"Not sent: this backend was stopped because {why} (last: {result.error})"


def _grade(task: Task, answer: RunResult, judge: Backend | None, max_tokens: int,
           should_stop: Callable[[], bool]) -> tuple[bool | None, str]:
    if task.check != "judge":
        outcome = check_answer(task, answer.text)
        return outcome.passed, outcome.detail
    if judge is None:
        return False, "no judge model chosen for a judge check"
    system, user = judge_prompt(task, answer.text)
    verdict = measure(judge, GenerationRequest(prompt=user, system=system, max_tokens=max_tokens, temperature=0), should_stop=should_stop)
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
    guard = _Guard(REQUEST_BUDGET.value)

    def one(backend: Backend, index: int) -> None:
        if stop.is_set():
            return
        task = tasks.tasks[index]
        call_start = time.perf_counter()
        if refused := guard.may_send(backend):
            answer = RunResult(backend=backend.label, model=backend.model, error_kind="cancelled", error=refused)
        else:
            # Stop is asked after every streamed event, so it ends a long answer mid-way.
            answer = measure(backend, GenerationRequest(prompt=task.prompt, max_tokens=max_tokens, temperature=0), should_stop=stop.is_set)
            guard.record(backend, answer)
        if answer.error_kind == "cancelled" and stop.is_set():
            return  # stopped mid-answer: not a result
        no_answer = None
        if answer.ok and _non_answer(answer.text):
            no_answer = "no answer: the reply was empty" if not answer.text.strip() else f"no answer: the reply was only {answer.text.strip()[:20]!r}"
        if no_answer:
            passed, detail = None, no_answer  # an error, not a wrong answer
        else:
            passed, detail = (None, answer.error or "") if not answer.ok else _grade(task, answer, judge, max_tokens, stop.is_set)
        spent = time.perf_counter() - call_start
        result = TaskResult(
            task_index=index, backend=backend.label, answer=answer.text, passed=passed, detail=detail,
            error=answer.error if not answer.ok else (detail if passed is None else None),
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
        # The local model's lock serialises its calls anyway; a self-hosted server gets one at a
        # time too: llama-cpp-python's server answered concurrent streams with empty replies.
        if backend.kind == "local" or getattr(backend, "custom_server", False):
            for index in indices:  # keep task order
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


class Gap(BaseModel):
    """The accuracy difference between two backends, its 95% interval, and whether it can be trusted."""

    difference: float
    low: float
    high: float
    first_n: int
    second_n: int

    @property
    def enough_tasks(self) -> bool:
        return min(self.first_n, self.second_n) >= MIN_TASKS_PER_SIDE

    @property
    def excludes_zero(self) -> bool:
        return not (self.low <= 0 <= self.high)

    @property
    def larger_than_noise(self) -> bool:
        """Enough answered tasks on each side and an interval that leaves out zero."""
        return self.enough_tasks and self.excludes_zero

    def verdict(self) -> str:
        """In words, with the numbers that decide it."""
        if not self.enough_tasks:
            return (f"not enough answered tasks to tell ({self.first_n} and {self.second_n}; at least "
                    f"{MIN_TASKS_PER_SIDE} a side are needed)")
        if not self.excludes_zero:
            return "within the noise: this task set cannot tell them apart"
        return f"larger than the noise ({self.first_n} and {self.second_n} answered tasks, the interval leaves out zero)"


def compare_sides(first: BackendSummary, second: BackendSummary) -> Gap | None:
    """Accuracy difference first - second with its 95% interval (Newcombe); None when a side answered nothing."""
    if not first.n or not second.n:
        return None
    d, low, high = newcombe_difference(first.passed, first.n, second.passed, second.n)
    return Gap(difference=d, low=low, high=high, first_n=first.n, second_n=second.n)


def _non_answer(text: str) -> bool:
    """Nothing but spaces and punctuation: the model gave no answer, which is not a wrong one."""
    return not re.sub(r"[\W_]+", "", text)


@dataclass
class EvalRun:
    """A Quality check in progress or finished: what it runs on and what came back so far."""

    tasks: TaskSet
    labels: list[str]
    kinds: list[str]
    job: BackgroundJob[dict[str, float]]
    results: list[TaskResult] = field(default_factory=list)
    progress: EvalProgress | None = None
    shown: bool = False

    @property
    def running(self) -> bool:
        # Stopped counts as ended at once: a call still waiting on a silent server finishes (or
        # times out) in the background and is dropped, instead of holding the page.
        return self.job.running and not self.job.stop.is_set()

    @property
    def timing(self) -> dict[str, float] | None:
        return self.job.result


def start_eval_run(tasks: TaskSet, backends: Sequence[Backend], *, max_tokens: int, judge: Backend | None,
                   cost: Callable[[Backend, RunResult], float | None], tab_closed: Callable[[], bool]) -> EvalRun:
    """Start grading ``tasks`` on ``backends`` in the background; returns at once.

    The run stops between tasks once Stop is pressed or its browser tab has closed, keeping
    what finished.
    """
    run: EvalRun

    def record(result: TaskResult, progress: EvalProgress) -> None:
        if run.job.stop.is_set():
            return  # the page already shows what had finished when Stop was pressed
        run.results.append(result)
        run.progress = progress
        run.job.progress.done, run.job.progress.total = progress.done, progress.total
        run.job.should_stop()  # nobody watching: set Stop, which frees the model for the others

    def work(job: BackgroundJob[dict[str, float]]) -> dict[str, float]:
        _, timing = run_eval(tasks, backends, max_tokens=max_tokens, judge=judge, cost=cost, on_result=record, stop=job.stop)
        return timing

    run = EvalRun(tasks=tasks, labels=[b.label for b in backends], kinds=[b.kind for b in backends],
                  job=BackgroundJob("Quality check", work, tab_closed))
    run.job.start()
    return run


def answers_table(tasks: TaskSet, labels: Sequence[str], results: Sequence[TaskResult]) -> list[dict[str, Any]]:
    """One row a task: its prompt, expected answer and check, then each backend's answer and verdict."""
    found = {(r.task_index, r.backend): r for r in results}
    rows = []
    for index, task in enumerate(tasks.tasks):
        row: dict[str, Any] = {"#": index + 1, "task": task.prompt, "expected": task.expected, "check": task.check}
        for label in labels:
            result = found.get((index, label))
            verdict = "" if result is None else ("error" if result.passed is None else ("pass" if result.passed else "fail"))
            row[f"{label}: answer"] = None if result is None else result.answer
            row[f"{label}: result"] = verdict
            row[f"{label}: why"] = None if result is None else (result.error or result.detail)
            row[f"{label}: ms"] = None if result is None else result.e2e_ms
            row[f"{label}: tokens"] = None if result is None or result.output_tokens is None else f"{result.input_tokens} in / {result.output_tokens} out"
            row[f"{label}: cost"] = None if result is None else result.cost_usd
        rows.append(row)
    return rows
