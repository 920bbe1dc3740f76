"""A team's own task set: prompts with expected answers and the check to apply to each.

A task is checked by ``exact``, ``contains``, ``contains_word``, ``regex``, ``json_field:NAME``
or ``judge`` (a model grades it with a fixed rubric); see ``quality.checks`` and the README
for what each accepts.
"""

from __future__ import annotations

import re
from pathlib import Path

import regex
from pydantic import BaseModel

from scenario import InputError
from scenario.limits import Limit
from scenario.text import excerpt
from scenario.uploads import decode_upload, read_csv_rows, read_jsonl_rows

__all__ = [
    "EXAMPLE_TASKS",
    "JUDGE_RUBRIC",
    "MAX_TASKS",
    "Task",
    "compile_pattern",
    "TaskSet",
    "judge_prompt",
    "load_example_tasks",
    "parse_task_file",
]

# Every task is a model call per backend: the cap keeps one participant's run from holding
# the shared model (and a cloud budget) for hours.
MAX_TASKS = Limit("tasks", 2000, "CROSSOVER_MAX_TASKS")
MAX_PATTERN_CHARS = 500
EXAMPLE_TASKS = Path(__file__).resolve().parents[1] / "assets" / "eval_tasks.jsonl"
_SIMPLE_CHECKS = ("exact", "contains", "contains_word", "regex", "judge")
JUDGE_RUBRIC = (
    "You grade an answer against the expected answer.\n"
    "PASS if the answer gives the same fact or label as the expected answer, even in other words.\n"
    "FAIL if it contradicts it, leaves it out, or adds wrong facts.\n"
    "Reply with PASS or FAIL on the first line, then one sentence saying why."
)


# What a pattern's counted repeats may expand to. The engine compiles ``x{100}`` as a hundred
# copies: ``(?:(?:(?:a{100}){100}){100}){100}`` (46 characters) took a shared server to 3.5 GB and
# a MemoryError while the task file was being read; 100,000 compiles in a tenth of a second and 30 MB.
MAX_PATTERN_EXPANSION = 100_000
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}[?+]?|[*+?][?+]?")
_GROUP_HEADER = re.compile(r"\?(?:P?<[A-Za-z_]\w*>|<[=!]|[:=!>|]|[aiLmsuxV01-]+:?|P=\w+\)?)")


def _expansion(pattern: str) -> int:
    """How many elements ``pattern`` compiles to once counted repeats are unrolled (an estimate
    from its text: every atom counts one, a group the sum of its branches, times its repeat)."""
    stack: list[list[int]] = [[0]]  # per open group: its branches' sizes so far
    last = 0  # the size of the atom or group just read, for a quantifier after it
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            if i <= len(pattern) and pattern[i - 1] in "pPN" and i < len(pattern) and pattern[i] == "{":
                i = pattern.find("}", i) + 1 or len(pattern)  # \p{Letter}: one atom
            last = 1
        elif char == "[":
            j = i + 1 + (pattern[i + 1:i + 2] == "^")
            j += pattern[j:j + 1] == "]"  # a leading ] is a member
            while j < len(pattern) and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i, last = j + 1, 1
        elif char == "(":
            stack.append([0])
            header = _GROUP_HEADER.match(pattern, i + 1)  # (?:, (?P<name>, (?=, (?i: ... are not atoms
            i = header.end() if header else i + 1
            continue
        elif char == ")" and len(stack) > 1:
            last = sum(stack.pop())
            i += 1
        elif char == "|":
            stack[-1].append(0)
            i += 1
            continue
        elif (quantifier := _QUANTIFIER.match(pattern, i)) and (quantifier.group(1) or quantifier.group(3) or char != "{"):
            low, comma, high = quantifier.group(1), quantifier.group(2), quantifier.group(3)
            times = max(int(low or 0), int(high or 0)) if char == "{" else 1
            stack[-1][-1] += last * (max(times, 1) - 1)  # the atom already counted once
            last = 0 if comma or char != "{" else last
            i = quantifier.end()
            continue
        else:
            i, last = i + 1, 1
        stack[-1][-1] += last
    return sum(sum(branches) for branches in stack)


def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """A task's pattern on the ``regex`` engine (Python's ``re`` syntax), which can stop a match
    after a time limit and lets other threads run meanwhile (see ``quality.checks``).

    Raises:
        regex.error: when the pattern is not valid, or its counted repeats would expand past
            ``MAX_PATTERN_EXPANSION`` elements (compiling it would take gigabytes).
    """
    if (size := _expansion(pattern)) > MAX_PATTERN_EXPANSION:
        raise regex.error(f"its counted repeats expand to about {size:,} elements, more than {MAX_PATTERN_EXPANSION:,}; "
                          "use an open repeat such as \\d+ or \\d{3,} instead of nested counts like (?:(?:\\d{100}){100}){100}")
    return regex.compile(pattern)


class Task(BaseModel):
    """One prompt with its expected answer and the check to apply."""

    prompt: str
    expected: str | None = None
    check: str = "contains"


class TaskSet(BaseModel):
    """Tasks and where they came from."""

    source: str
    tasks: list[Task]


def _valid_check(check: str, where: str, expected: str | None) -> str:
    check = (check or "contains").strip()
    if check.startswith("json_field:"):
        if not check.removeprefix("json_field:").strip():
            raise InputError(f"{where}: json_field needs a field name, e.g. json_field:city")
    elif check not in _SIMPLE_CHECKS:
        raise InputError(f"{where}: unknown check {check!r}; use exact, contains, contains_word, regex, json_field:NAME or judge")
    if check == "regex":
        if len(expected or "") > MAX_PATTERN_CHARS:
            raise InputError(f"{where}: the regex is {len(expected or ''):,} characters; keep it to {MAX_PATTERN_CHARS}.")
        try:
            compile_pattern(expected or "")
        except regex.error as exc:
            raise InputError(f"{where}: the regex {excerpt(expected, 80)} is not valid ({exc})") from None
    if expected is None or not str(expected).strip():
        raise InputError(f"{where}: the {check} check needs an expected answer")
    return check


def parse_task_file(name: str, data: bytes) -> TaskSet:
    """Read tasks from CSV (columns prompt, expected, check) or JSONL; everything checked before anything runs.

    Raises:
        InputError: not UTF-8, empty, over 10 MB, no prompt column, an unknown check,
            a bad regex, a missing expected answer, or more than 2,000 tasks.
    """
    text = decode_upload(name, data)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        rows = read_csv_rows(name, text, ("prompt", "expected", "check"))
    elif suffix in (".jsonl", ".ndjson"):
        rows = read_jsonl_rows(name, text)
    else:
        raise InputError(f"{name}: use a .csv or .jsonl task file.")
    MAX_TASKS.check(len(rows), name)
    tasks = []
    for where, row in rows:
        prompt = str(row.get("prompt") or "").strip()
        if not prompt:
            raise InputError(f"{where} has no prompt.")
        expected = None if row.get("expected") is None else str(row["expected"])
        tasks.append(Task(prompt=prompt, expected=expected, check=_valid_check(str(row.get("check") or "contains"), where, expected)))
    if not tasks:
        raise InputError(f"{name} has no tasks.")
    return TaskSet(source=name, tasks=tasks)


def load_example_tasks() -> TaskSet:
    """The bundled example set: 40 short tasks written for this project."""
    tasks = parse_task_file(EXAMPLE_TASKS.name, EXAMPLE_TASKS.read_bytes())
    return tasks.model_copy(update={"source": "the bundled example set (40 tasks)"})


def judge_prompt(task: Task, answer: str) -> tuple[str, str]:
    """The judge's system prompt (the fixed rubric) and user message for one answer."""
    return JUDGE_RUBRIC, f"Question:\n{task.prompt}\n\nExpected answer:\n{task.expected}\n\nAnswer to grade:\n{answer}"
