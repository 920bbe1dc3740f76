"""Grading one answer: the task's check, or the judge model's PASS/FAIL reply."""

from __future__ import annotations

import json
import re

from pydantic import BaseModel

from quality.tasks import Task

__all__ = ["CheckOutcome", "check_answer", "parse_judge_reply"]


class CheckOutcome(BaseModel):
    """Did the answer pass, and why."""

    passed: bool
    detail: str


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().strip(".!\"'`").lower())


def _first_json_object(answer: str) -> dict | None:
    """The first JSON object in the answer; the decoder, not a brace count, finds where it ends
    (a brace inside a string value must not end it)."""
    decoder = json.JSONDecoder()
    start = answer.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(answer, start)
        except json.JSONDecodeError:
            start = answer.find("{", start + 1)
            continue
        if isinstance(value, dict):
            return value
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
    if task.check == "contains_word":
        # Whole words only: "negative" does not pass "non-negative" or "negatively". The expected
        # text is escaped, so this pattern is the project's own, never a participant's regex.
        pattern = r"(?<![\w-])" + re.escape(_normal(expected)) + r"(?![\w-])"
        ok = re.search(pattern, _normal(answer)) is not None
        return CheckOutcome(passed=ok, detail=f"contains the word {expected!r}" if ok else f"does not contain the word {expected!r}")
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


def parse_judge_reply(reply: str) -> CheckOutcome:
    """PASS/FAIL from the judge's first word; anything else counts as FAIL, and says so."""
    words = reply.strip().split(None, 1)
    verdict = words[0].strip(".:,*").upper() if words else ""
    reason = words[1].strip() if len(words) > 1 else ""
    if verdict not in ("PASS", "FAIL"):
        return CheckOutcome(passed=False, detail=f"the judge did not answer PASS or FAIL: {reply.strip()[:160]!r}")
    return CheckOutcome(passed=verdict == "PASS", detail=f"judge: {verdict}. {reason}".strip())
