"""``crossover recommend`` and ``crossover presets``: the scored answer for a scenario, and the bundled cases."""

from __future__ import annotations

import argparse
import json

from advisor.assess import assess
from advisor.presets import list_presets
from advisor.scoring import OPTIONS, Recommendation
from advisor.what_if import what_would_change
from calculators.latency import latency_targets
from cli.common import (
    add_source_arguments,
    fail,
    fail_invalid_scenario,
    scenario_from_source,
)
from scenario import InputError, Scenario

__all__ = ["add_presets_command", "add_recommend_command"]


def _recommendation_json(scenario: Scenario, result: Recommendation) -> dict[str, object]:
    return {
        "recommendation": result.recommendation,
        "runner_up": result.runner_up,
        "scores": {option: round(result.scores[option], 1) for option in OPTIONS},
        "factors": [
            {"factor": c.factor, "option": c.option, "points": round(c.points, 2), "reason": c.reason}
            for c in result.factors
        ],
        "excluded": [e.model_dump() for e in result.excluded],
        # The same figures `crossover costs --json` prints for this scenario and the default assumptions.
        "costs": result.costs.as_json() if result.costs else None,
        "latency": _latency_json(scenario, result),
        "notes": list(result.notes),
    }


def _latency_json(scenario: Scenario, result: Recommendation) -> dict[str, object] | None:
    if result.latency is None:
        return None
    targets = latency_targets(scenario)
    return {
        option: None if (estimate := result.latency.get(option)) is None else {
            "ttft_ms": round(estimate.ttft_ms, 1),
            "answer_ms": round(estimate.answer_ms, 1),
            "meets_target": targets.met_by(estimate),
            "basis": estimate.basis,
        }
        for option in OPTIONS
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
    if result.notes:
        lines.append("")
        lines.extend(f"Note: {note}" for note in result.notes)
    flips = what_would_change(scenario)
    lines.append("")
    lines.append("What would change the answer:")
    lines.extend(f"  - {flip.sentence}" for flip in flips)
    if not flips:
        lines.append("  - No single input change flips it.")
    return "\n".join(lines)


def _cmd_recommend(args: argparse.Namespace) -> int:
    try:
        scenario = scenario_from_source(args)
    except InputError as exc:
        return fail_invalid_scenario(exc) if args.scenario else fail(str(exc))
    result = assess(scenario)
    if args.json:
        print(json.dumps(_recommendation_json(scenario, result), indent=2))
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


def add_recommend_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``recommend``."""
    rec = commands.add_parser("recommend", help="score cloud, local and hybrid for a scenario")
    add_source_arguments(rec)
    rec.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    rec.set_defaults(handler=_cmd_recommend)


def add_presets_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``presets``."""
    pre = commands.add_parser("presets", help="list the bundled example scenarios")
    pre.add_argument("--json", action="store_true", help="print the presets with their scenarios as JSON")
    pre.set_defaults(handler=_cmd_presets)
