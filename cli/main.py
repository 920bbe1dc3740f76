"""The ``crossover`` command line: the same decisions as the web app, for scripts and terminals.

One module per command registers its sub-command here. Exit codes: 0 on success, 2 when
the input is wrong (a missing file, bad JSON, an invalid field or flag), with a message on
stderr naming the problem and how to fix it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from cli.capacity import add_capacity_command
from cli.costs import add_costs_command
from cli.eval import add_eval_command
from cli.load import add_load_command
from cli.playground import add_playground_commands
from cli.providers import add_providers_command
from cli.recommend import add_presets_command, add_recommend_command
from cli.report import add_report_command
from cli.route import add_route_command
from cli.sweep import add_sweep_command

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossover",
        description="Decide where LLM workloads should run: cloud API, local models, or hybrid.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_recommend_command(commands)
    add_costs_command(commands)
    add_capacity_command(commands)
    add_sweep_command(commands)
    add_playground_commands(commands)
    add_route_command(commands)
    add_eval_command(commands)
    add_load_command(commands)
    add_report_command(commands)
    add_providers_command(commands)
    add_presets_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except BrokenPipeError:
        # The reader went away (`crossover load ... | head`): stop quietly, as Unix tools do, and keep
        # Python from printing a second error when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
