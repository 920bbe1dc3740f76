"""The ``crossover`` command line: the same decisions as the web app, for scripts and terminals.

Exit codes: 0 on success, 2 when the input is wrong (a missing file, bad JSON, an
invalid field), with a message on stderr naming the problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from advisor.capacity_cli import add_capacity_command
from advisor.cost_cli import add_costs_command
from advisor.eval_cli import add_eval_command
from advisor.playground_cli import add_playground_commands
from advisor.presets import get_preset, list_presets
from advisor.providers_cli import add_providers_command
from advisor.route_cli import add_route_command
from advisor.scenario import Scenario, ScenarioError, load_scenario_file
from advisor.scoring import OPTIONS, Recommendation, recommend
from advisor.what_if import what_would_change
from decisions.report_cli import add_report_command

__all__ = ["main"]

EXIT_BAD_INPUT = 2


def _recommendation_json(result: Recommendation) -> dict[str, object]:
    return {
        "recommendation": result.recommendation,
        "runner_up": result.runner_up,
        "scores": {option: round(result.scores[option], 1) for option in OPTIONS},
        "factors": [
            {"factor": c.factor, "option": c.option, "points": round(c.points, 2), "reason": c.reason}
            for c in result.factors
        ],
        "excluded": [e.model_dump() for e in result.excluded],
    }


def _recommendation_text(scenario: Scenario, result: Recommendation) -> str:
    lines = [f"Recommendation: {result.recommendation.upper()}"]
    if result.runner_up:
        lines[0] += f" (runner-up {result.runner_up}, {result.margin:.1f} points behind)"
    lines.append("")
    lines.append("Scores (0-100):")
    for option in OPTIONS:
        note = "  ruled out" if result.scores[option] == 0 and any(e.option == option for e in result.excluded) else ""
        lines.append(f"  {option:<7}{result.scores[option]:6.1f}{note}")
    for exclusion in result.excluded:
        lines.append(f"  ! {exclusion.option} ruled out: {exclusion.reason}")
    lines.append("")
    lines.append("Factors (points for cloud / local / hybrid):")
    by_factor: dict[str, dict[str, float]] = {}
    reasons: dict[str, str] = {}
    for c in result.factors:
        by_factor.setdefault(c.factor, {})[c.option] = c.points
        reasons[c.factor] = c.reason
    for factor, points in by_factor.items():
        figures = " / ".join(f"{points[o]:+5.1f}" for o in OPTIONS)
        lines.append(f"  {factor:<14}{figures}  {reasons[factor]}")
    flips = what_would_change(scenario)
    lines.append("")
    lines.append("What would change the answer:")
    lines.extend(f"  - {flip.sentence}" for flip in flips)
    if not flips:
        lines.append("  - No single input change flips it.")
    return "\n".join(lines)


def _cmd_recommend(args: argparse.Namespace) -> int:
    if args.preset:
        try:
            scenario = get_preset(args.preset).scenario
        except KeyError as exc:
            print(f"crossover: {exc.args[0]}", file=sys.stderr)
            return EXIT_BAD_INPUT
    else:
        try:
            scenario = load_scenario_file(args.scenario)
        except ScenarioError as exc:
            print("crossover: the scenario is not valid:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_BAD_INPUT
    result = recommend(scenario)
    if args.json:
        print(json.dumps(_recommendation_json(result), indent=2))
    else:
        print(_recommendation_text(scenario, result))
    return 0


def _cmd_presets(args: argparse.Namespace) -> int:
    presets = list_presets()
    if args.json:
        print(json.dumps([p.model_dump(mode="json") for p in presets], indent=2))
        return 0
    for preset in presets:
        print(f"{preset.id:<28}{preset.name}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossover",
        description="Decide where LLM workloads should run: cloud API, local models, or hybrid.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    rec = commands.add_parser("recommend", help="score cloud, local and hybrid for a scenario")
    source = rec.add_mutually_exclusive_group(required=True)
    source.add_argument("--scenario", metavar="FILE.json", help="a scenario JSON file (see README: The scenario)")
    source.add_argument("--preset", metavar="ID", help="a bundled preset, see `crossover presets`")
    rec.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    rec.set_defaults(handler=_cmd_recommend)

    add_costs_command(commands)
    add_capacity_command(commands)
    add_playground_commands(commands)
    add_route_command(commands)
    add_eval_command(commands)
    add_report_command(commands)
    add_providers_command(commands)

    pre = commands.add_parser("presets", help="list the bundled example scenarios")
    pre.add_argument("--json", action="store_true", help="print the presets with their scenarios as JSON")
    pre.set_defaults(handler=_cmd_presets)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args = _parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
