"""Quality checks on a team's own task set: task files, answer checks, and honest statistics.

A task is a prompt with an expected answer and how to check it: ``exact``, ``contains``,
``regex``, ``json_field:NAME`` or ``judge`` (a model grades it with a fixed rubric).
Accuracy comes with a 95% Wilson interval, and the difference between two backends with
Newcombe's interval, so "better" means "better than the noise".
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from pydantic import BaseModel

from advisor.prompt_files import PromptFileError, decode_upload, read_csv_rows, read_jsonl_rows

__all__ = [
    "EXAMPLE_TASKS",
    "JUDGE_RUBRIC",
    "MAX_TASKS",
    "CheckOutcome",
    "Task",
    "TaskSet",
    "check_answer",
    "judge_prompt",
    "load_example_tasks",
    "newcombe_difference",
    "parse_judge_reply",
    "parse_task_file",
    "wilson_interval",
]

MAX_TASKS = 2000
EXAMPLE_TASKS = Path(__file__).resolve().parents[1] / "assets" / "eval_tasks.jsonl"
_SIMPLE_CHECKS = ("exact", "contains", "regex", "judge")
JUDGE_RUBRIC = (
    "You grade an answer against the expected answer.\n"
    "PASS if the answer gives the same fact or label as the expected answer, even in other words.\n"
    "FAIL if it contradicts it, leaves it out, or adds wrong facts.\n"
    "Reply with PASS or FAIL on the first line, then one sentence saying why."
)


class Task(BaseModel):
    """One prompt with its expected answer and the check to apply."""

    prompt: str
    expected: str | None = None
    check: str = "contains"


class TaskSet(BaseModel):
    """Tasks and where they came from."""

    source: str
    tasks: list[Task]


class CheckOutcome(BaseModel):
    """Did the answer pass, and why."""

    passed: bool
    detail: str


def _valid_check(check: str, where: str, expected: str | None) -> str:
    check = (check or "contains").strip()
    if check.startswith("json_field:"):
        if not check.removeprefix("json_field:").strip():
            raise PromptFileError(f"{where}: json_field needs a field name, e.g. json_field:city")
    elif check not in _SIMPLE_CHECKS:
        raise PromptFileError(f"{where}: unknown check {check!r}; use exact, contains, regex, json_field:NAME or judge")
    if check == "regex":
        try:
            re.compile(expected or "")
        except re.error as exc:
            raise PromptFileError(f"{where}: the regex {expected!r} is not valid ({exc})") from None
    if expected is None or not str(expected).strip():
        raise PromptFileError(f"{where}: the {check} check needs an expected answer")
    return check


def parse_task_file(name: str, data: bytes) -> TaskSet:
    """Read tasks from CSV (columns prompt, expected, check) or JSONL; everything checked before anything runs.

    Raises:
        PromptFileError: not UTF-8, empty, over 10 MB, no prompt column, an unknown check,
            a bad regex, a missing expected answer, or more than 2,000 tasks.
    """
    text = decode_upload(name, data)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        rows = read_csv_rows(name, text, ("prompt", "expected", "check"))
    elif suffix in (".jsonl", ".ndjson"):
        rows = read_jsonl_rows(name, text)
    else:
        raise PromptFileError(f"{name}: use a .csv or .jsonl task file.")
    tasks = []
    for where, row in rows:
        prompt = str(row.get("prompt") or "").strip()
        if not prompt:
            raise PromptFileError(f"{where} has no prompt.")
        expected = None if row.get("expected") is None else str(row["expected"])
        tasks.append(Task(prompt=prompt, expected=expected, check=_valid_check(str(row.get("check") or "contains"), where, expected)))
    if not tasks:
        raise PromptFileError(f"{name} has no tasks.")
    if len(tasks) > MAX_TASKS:
        raise PromptFileError(f"{name} has {len(tasks):,} tasks; the limit is {MAX_TASKS:,}. Split it into smaller sets.")
    return TaskSet(source=name, tasks=tasks)


def load_example_tasks() -> TaskSet:
    """The bundled example set: 40 short tasks written for this project."""
    tasks = parse_task_file(EXAMPLE_TASKS.name, EXAMPLE_TASKS.read_bytes())
    return tasks.model_copy(update={"source": "the bundled example set (40 tasks)"})


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().strip(".!\"'`").lower())


def _first_json_object(answer: str) -> dict | None:
    start = answer.find("{")
    while start != -1:
        depth = 0
        for end in range(start, len(answer)):
            depth += {"{": 1, "}": -1}.get(answer[end], 0)
            if depth == 0:
                try:
                    value = json.loads(answer[start:end + 1])
                    return value if isinstance(value, dict) else None
                except json.JSONDecodeError:
                    break
        start = answer.find("{", start + 1)
    return None


def check_answer(task: Task, answer: str) -> CheckOutcome:
    """Apply a task's check (all but ``judge``, which needs a model) to an answer."""
    expected = task.expected or ""
    if task.check == "exact":
        ok = _normal(answer) == _normal(expected)
        return CheckOutcome(passed=ok, detail="matches exactly" if ok else f"expected exactly {expected!r}")
    if task.check == "contains":
        ok = _normal(expected) in _normal(answer)
        return CheckOutcome(passed=ok, detail=f"contains {expected!r}" if ok else f"does not contain {expected!r}")
    if task.check == "regex":
        ok = re.search(expected, answer) is not None
        return CheckOutcome(passed=ok, detail=f"matches /{expected}/" if ok else f"does not match /{expected}/")
    if task.check.startswith("json_field:"):
        field = task.check.removeprefix("json_field:").strip()
        data = _first_json_object(answer)
        if data is None:
            return CheckOutcome(passed=False, detail="no JSON object in the answer")
        if field not in data:
            return CheckOutcome(passed=False, detail=f"the JSON has no field {field!r}")
        ok = _normal(str(data[field])) == _normal(expected)
        return CheckOutcome(passed=ok, detail=f"{field} = {data[field]!r}" + ("" if ok else f", expected {expected!r}"))
    raise ValueError(f"check {task.check!r} needs a judge model")


def judge_prompt(task: Task, answer: str) -> tuple[str, str]:
    """The judge's system prompt (the fixed rubric) and user message for one answer."""
    return JUDGE_RUBRIC, f"Question:\n{task.prompt}\n\nExpected answer:\n{task.expected}\n\nAnswer to grade:\n{answer}"


def parse_judge_reply(reply: str) -> CheckOutcome:
    """PASS/FAIL from the judge's first word; anything else counts as FAIL, and says so."""
    words = reply.strip().split(None, 1)
    verdict = words[0].strip(".:,*").upper() if words else ""
    reason = words[1].strip() if len(words) > 1 else ""
    if verdict not in ("PASS", "FAIL"):
        return CheckOutcome(passed=False, detail=f"the judge did not answer PASS or FAIL: {reply.strip()[:160]!r}")
    return CheckOutcome(passed=verdict == "PASS", detail=f"judge: {verdict}. {reason}".strip())


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval for a proportion (sensible near 0 and 1 and for small n)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """Difference p1 - p2 with Newcombe's 95% interval (from the two Wilson intervals).

    Returns:
        (difference, low, high); the difference is larger than the noise when the
        interval does not contain 0.
    """
    p1, p2 = (k1 / n1 if n1 else 0.0), (k2 / n2 if n2 else 0.0)
    l1, u1 = wilson_interval(k1, n1)
    l2, u2 = wilson_interval(k2, n2)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
