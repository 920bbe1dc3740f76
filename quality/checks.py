"""Grading one answer: the task's check, or the judge model's PASS/FAIL reply.

Answers come from any server a participant points the app at, and patterns from any task
file, so no check may stall the process: a regex runs on the ``regex`` engine with a time
limit and without holding the interpreter lock (Python's ``re`` holds it while it
backtracks, freezing every session), and ``json_field`` finds its object in one linear,
depth-limited pass instead of trying a JSON parse at every brace.
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel

from quality.tasks import Task, compile_pattern
from scenario.text import excerpt

__all__ = ["CHECKED_CHARS", "JSON_DEPTH", "REGEX_TIMEOUT_S", "CheckOutcome", "check_answer", "parse_judge_reply"]

REGEX_TIMEOUT_S = 0.25
# The local model writes a few thousand characters at most; a custom server could send megabytes.
CHECKED_CHARS = 200_000
JSON_DEPTH = 32


class CheckOutcome(BaseModel):
    """Did the answer pass, and why. ``passed`` is None when the check itself could not decide
    (a pattern over its time limit): an error of the task, not a wrong answer."""

    passed: bool | None
    detail: str


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().strip(".!\"'`").lower())


def _object_spans(answer: str, max_depth: int) -> list[tuple[int, int]]:
    """Every balanced ``{...}`` in the answer, nested ones too, whose own nesting (objects and
    lists) stays within ``max_depth``, by start position. One pass; brackets inside JSON
    strings do not count."""
    spans: list[tuple[int, int]] = []
    open_at: list[tuple[int, bool]] = []  # (start, is an object) of each open bracket
    deepest: list[int] = []  # deepest nesting seen inside each open bracket, itself included
    in_string = escaped = False
    for index, char in enumerate(answer):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"' and open_at:
            in_string = True
        elif char in "{[":
            open_at.append((index, char == "{"))
            deepest.append(1)
        elif char in "}]" and open_at:
            (start, is_object), depth = open_at.pop(), deepest.pop()
            if deepest:
                deepest[-1] = max(deepest[-1], depth + 1)
            if is_object and char == "}" and depth <= max_depth:
                spans.append((start, index + 1))
    spans.sort()
    return spans


def _first_json_object(answer: str, max_depth: int = JSON_DEPTH) -> dict | None:
    """The first JSON object in the answer (a brace inside a string value does not end it).

    Only balanced candidates within ``max_depth`` are parsed, each once, so the work grows
    with the answer's length (times the depth limit at most), not its square, and the parser
    never recurses deeply.
    """
    for start, end in _object_spans(answer, max_depth):
        try:
            value = json.loads(answer[start:end])
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def check_answer(task: Task, answer: str) -> CheckOutcome:
    """Apply a task's check (all but ``judge``, which needs a model) to an answer."""
    expected = task.expected or ""
    cut = len(answer) > CHECKED_CHARS
    answer = answer[:CHECKED_CHARS]
    note = f" (checked its first {CHECKED_CHARS:,} characters)" if cut else ""
    if task.check == "exact":
        ok = _normal(answer) == _normal(expected)
        return CheckOutcome(passed=ok, detail=("matches exactly" if ok else f"expected exactly {excerpt(expected)}") + note)
    if task.check == "contains":
        ok = _normal(expected) in _normal(answer)
        return CheckOutcome(passed=ok, detail=(f"contains {excerpt(expected)}" if ok else f"does not contain {excerpt(expected)}") + note)
    if task.check == "contains_word":
        # Whole words only: "negative" does not pass "non-negative" or "negatively". The expected
        # text is escaped, so this pattern is the project's own, never a participant's regex.
        pattern = r"(?<![\w-])" + re.escape(_normal(expected)) + r"(?![\w-])"
        ok = re.search(pattern, _normal(answer)) is not None
        return CheckOutcome(passed=ok, detail=(f"contains the word {excerpt(expected)}" if ok else f"does not contain the word {excerpt(expected)}") + note)
    if task.check == "regex":
        try:
            found = compile_pattern(expected).search(answer, timeout=REGEX_TIMEOUT_S, concurrent=True)
        except TimeoutError:
            return CheckOutcome(passed=None, detail=f"the pattern /{excerpt(expected, 80)[1:-1]}/ took longer than {REGEX_TIMEOUT_S:g} s "
                                                    "on this answer and was stopped; simplify it (nested repeats like (a+)+ backtrack for ever)")
        ok = found is not None
        shown = excerpt(expected, 80)[1:-1]
        return CheckOutcome(passed=ok, detail=(f"matches /{shown}/" if ok else f"does not match /{shown}/") + note)
    if task.check.startswith("json_field:"):
        field = task.check.removeprefix("json_field:").strip()
        data = _first_json_object(answer)
        if data is None:
            return CheckOutcome(passed=False, detail=f"no JSON object (nested at most {JSON_DEPTH} deep) in the answer" + note)
        if field not in data:
            return CheckOutcome(passed=False, detail=f"the JSON has no field {field!r}")
        ok = _normal(str(data[field])) == _normal(expected)
        return CheckOutcome(passed=ok, detail=f"{field} = {excerpt(data[field])}" + ("" if ok else f", expected {excerpt(expected)}"))
    raise ValueError(f"check {task.check!r} needs a judge model")


def parse_judge_reply(reply: str) -> CheckOutcome:
    """PASS/FAIL from the judge's first word; anything else counts as FAIL, and says so."""
    words = reply.strip().split(None, 1)
    verdict = words[0].strip(".:,*").upper() if words else ""
    reason = words[1].strip() if len(words) > 1 else ""
    if verdict not in ("PASS", "FAIL"):
        return CheckOutcome(passed=False, detail=f"the judge did not answer PASS or FAIL: {reply.strip()[:160]!r}")
    return CheckOutcome(passed=verdict == "PASS", detail=f"judge: {verdict}. {reason}".strip())
