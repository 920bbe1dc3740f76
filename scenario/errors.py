"""The one input-error type: what a user handed over (a file, a link, a field, a flag) cannot be used."""

from __future__ import annotations

__all__ = ["InputError"]

MAX_PROBLEM_CHARS = 400
MAX_PROBLEMS = 20


class InputError(ValueError):
    """Input that cannot be used; ``problems`` holds one readable line per issue.

    Every message names what is wrong and how to fix it, so the app can show it as is and
    the CLI can print it and exit 2.
    """

    def __init__(self, problems: list[str] | str):
        given = [problems] if isinstance(problems, str) else list(problems)
        # A message never repeats a whole hostile input back (a 6 MB link value shown in every page).
        self.problems = [p if len(p) <= MAX_PROBLEM_CHARS else p[:MAX_PROBLEM_CHARS] + "…" for p in given[:MAX_PROBLEMS]]
        if len(given) > MAX_PROBLEMS:
            self.problems.append(f"… and {len(given) - MAX_PROBLEMS:,} more problems")
        super().__init__("; ".join(self.problems))
