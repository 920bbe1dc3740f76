"""``crossover route``: replay a prompt file through a routing policy."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli.common import fail, fail_invalid_scenario
from routing.policy import POLICIES, PolicyError, load_policy
from routing.prompt_files import parse_prompt_file
from scenario import InputError, Scenario, load_scenario_file
from scenario.limits import read_user_file
from scenario.uploads import MAX_BYTES

__all__ = ["add_route_command"]


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{value} is outside 0..1")
    return value


def add_route_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``route``."""
    route = commands.add_parser("route", help="replay prompts through a hybrid routing policy")
    route.add_argument("--prompts", required=True, metavar="FILE", help=".csv with a 'prompt' column, .jsonl, or .txt (one a line)")
    route.add_argument("--policy", default="privacy-split-then-tiered", metavar="FILE|NAME",
                       help=f"a JSON/YAML policy file or one of: {', '.join(POLICIES)}")
    route.add_argument("--scenario", metavar="FILE.json", help="the scenario for volume and cost (default: the defaults)")
    route.add_argument("--threshold", type=_threshold, default=0.4, help="detector score threshold, 0..1 (default 0.4)")
    route.add_argument("--keyword", action="append", default=[], metavar="WORD", help="a word that makes a prompt sensitive (repeatable)")
    route.add_argument("--json", action="store_true", help="print JSON instead of text")
    route.set_defaults(handler=_cmd_route)


def _as_json(simulation, facts) -> dict[str, Any]:  # noqa: ANN001
    quality = simulation.detector
    return {
        "routes": [
            {"prompt_index": d.prompt_index, "route": d.route, "rule": d.rule, "reason": d.reason,
             "entities": [f.entity_type for f in facts[d.prompt_index].findings]}
            for d in simulation.decisions
        ],
        "summary": {
            "prompts": len(simulation.decisions),
            "local_share": round(simulation.local_share, 4),
            "sensitive_to_cloud": simulation.sensitive_to_cloud,
            "labelled_sensitive_to_cloud": simulation.labelled_sensitive_to_cloud,
            "average_input_tokens": round(simulation.average_input_tokens, 1),
            "leaked_by_type": simulation.leaked_by_type,
            "monthly_usd": round(simulation.monthly_usd, 2),
            "cloud_only_monthly_usd": round(simulation.cloud_only_monthly_usd, 2),
            "latency_ms": {k: {q: (round(v, 1) if v is not None else None) for q, v in p.items()} for k, p in simulation.latency_ms.items()},
            "detector": {"labelled": quality.labelled, "recall": quality.recall, "precision": quality.precision},
        },
    }


def _as_text(simulation, facts, policy_name: str) -> str:  # noqa: ANN001
    lines = [f"Policy {policy_name}: {simulation.local_share:.0%} of {len(facts)} prompts local, "
             f"{1 - simulation.local_share:.0%} to the cloud.", ""]
    for d in simulation.decisions[:50]:
        prompt = facts[d.prompt_index].prompt.replace("\n", " ")
        lines.append(f"  {d.prompt_index + 1:>5}  {d.route:<5}  {d.rule:<14} {prompt[:70]}")
    if len(simulation.decisions) > 50:
        lines.append(f"  ... {len(simulation.decisions) - 50} more (use --json for all)")
    lines += ["", f"Blended monthly cost: ${simulation.monthly_usd:,.0f} (cloud only: ${simulation.cloud_only_monthly_usd:,.0f})",
              f"Sensitive prompts sent to the cloud: {simulation.sensitive_to_cloud}"
              + (f" ({', '.join(f'{n} {k}' for k, n in simulation.leaked_by_type.items())})" if simulation.leaked_by_type else "")]
    if simulation.labelled_sensitive_to_cloud is not None:
        lines.append(f"Prompts labelled sensitive sent to the cloud: {simulation.labelled_sensitive_to_cloud}")
    quality = simulation.detector
    if quality.labelled and quality.recall is not None:
        lines.append(f"Detector on {quality.labelled} labelled prompts: recall {quality.recall:.0%}, "
                     f"precision {quality.precision:.0%}" if quality.precision is not None else "")
    lines.append("Note: names and free-text health details are not detected without an NER model.")
    return "\n".join(lines)


def _cmd_route(args: argparse.Namespace) -> int:
    # Detection (presidio) and the cost model load only when this command runs.
    from calculators import CostAssumptions
    from routing.simulate import analyse_prompts, simulate

    path = Path(args.prompts)
    try:
        prompts = parse_prompt_file(path.name, read_user_file(path, MAX_BYTES))
        policy = load_policy(args.policy)
    except (InputError, PolicyError) as exc:
        return fail(str(exc))
    try:
        scenario = load_scenario_file(args.scenario) if args.scenario else Scenario()
    except InputError as exc:
        return fail_invalid_scenario(exc)
    show_progress = len(prompts.prompts) >= 1000 and sys.stderr.isatty()
    facts = analyse_prompts(prompts, args.threshold, args.keyword,
                            progress=(lambda done, total: print(f"\ranalysed {done:,}/{total:,}", end="", file=sys.stderr)) if show_progress else None,
                            model_ref=CostAssumptions().cloud_models[0])
    if show_progress:
        print(file=sys.stderr)
    simulation = simulate(facts, policy, scenario, CostAssumptions())
    print(json.dumps(_as_json(simulation, facts), indent=2) if args.json else _as_text(simulation, facts, policy.name))
    return 0


