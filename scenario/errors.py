"""The one input-error type: what a user handed over (a file, a link, a field, a flag) cannot be used."""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Input that cannot be used; ``problems`` holds one readable line per issue.

    Every message names what is wrong and how to fix it, so the app can show it as is and
    the CLI can print it and exit 2.
    """

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))
