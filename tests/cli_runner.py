"""Run the ``crossover`` CLI in this process through ``cli.main.main(argv)``, output captured.

A real process per test paid the full import time each time; the entry point itself and
its exit codes keep a few real-process tests (``run_process``).
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cli.main import main

CROSSOVER = str(Path(sys.executable).with_name("crossover"))


@dataclass
class CliResult:
    """What a run printed and returned, shaped like ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> CliResult:
    """``crossover ARGS`` in process; argparse's own exit (usage errors, --help) is caught as a return code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return CliResult(code, out.getvalue(), err.getvalue())


def run_process(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``crossover ARGS`` as a real process through the installed console script."""
    return subprocess.run([CROSSOVER, *args], capture_output=True, text=True, timeout=timeout)
