"""What every ``crossover`` command shares: the scenario source flags, the exit code for bad
input, and how problems are printed (one line each on stderr, naming what to fix)."""

from __future__ import annotations

import argparse
import sys

from scenario import InputError, Scenario, load_scenario_file

__all__ = ["EXIT_BAD_INPUT", "add_source_arguments", "fail", "fail_invalid_scenario", "positive_int", "scenario_from_source"]

EXIT_BAD_INPUT = 2


def add_source_arguments(parser: argparse.ArgumentParser, *, scenario_help: str = "a scenario JSON file (see README: The scenario)") -> None:
    """``--scenario FILE`` or ``--preset ID``, exactly one of them."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--scenario", metavar="FILE.json", help=scenario_help)
    source.add_argument("--preset", metavar="ID", help="a bundled preset, see `crossover presets`")


def scenario_from_source(args: argparse.Namespace) -> Scenario:
    """The scenario that ``--preset`` or ``--scenario`` names.

    Raises:
        InputError: an unknown preset, or a scenario file that is missing or invalid.
    """
    if getattr(args, "preset", None):
        from advisor.presets import get_preset

        try:
            return get_preset(args.preset).scenario
        except KeyError as exc:
            raise InputError(str(exc.args[0])) from None
    return load_scenario_file(args.scenario)


def fail(message: str) -> int:
    """Print ``crossover: message`` on stderr; returns the bad-input exit code."""
    print(f"crossover: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def fail_invalid_scenario(exc: InputError) -> int:
    """Print every problem of an invalid scenario, one a line; returns the bad-input exit code."""
    return fail("the scenario is not valid:\n  " + "\n  ".join(exc.problems))


def positive_int(text: str) -> int:
    """An argparse type: a whole number of 1 or more, else a message naming the value."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value
