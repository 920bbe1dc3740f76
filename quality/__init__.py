"""Quality checking on a team's own task set: tasks, checks, honest statistics, and the runner.

``quality.tasks`` reads task files, ``quality.checks`` grades one answer, ``quality.stats``
gives Wilson and Newcombe intervals, and ``quality.runner`` answers every task on every
backend (in the background for the app) and summarises it.
"""

from quality.checks import CheckOutcome, check_answer, parse_judge_reply
from quality.stats import newcombe_difference, wilson_interval
from quality.tasks import (
    JUDGE_RUBRIC,
    MAX_TASKS,
    Task,
    TaskSet,
    judge_prompt,
    load_example_tasks,
    parse_task_file,
)

__all__ = [
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
