"""``crossover load``: a load profile's percentiles, the cloud model's rate limits at its peaks,
and the base-load-local, bursts-to-the-cloud plan against all-local and all-cloud."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cli.common import add_source_arguments, fail, fail_invalid_scenario, scenario_from_source
from scenario import InputError, Scenario
from scenario.text import counted

__all__ = ["add_load_command"]

SHAPE_NAMES = ("office_hours", "flat_24_7", "consumer_evenings", "nightly_batch", "spiky")


def add_load_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``load`` on the CLI's sub-commands."""
    load = commands.add_parser(
        "load",
        help="a load profile: percentiles, rate limits at its peaks, and base-load-local / bursts-to-cloud",
        description="The profile gives the load's shape; its level is the scenario's requests a month.",
    )
    source = load.add_mutually_exclusive_group(required=True)
    source.add_argument("--profile", metavar="FILE.csv", help="a CSV of timestamps, or of counts per minute or hour")
    source.add_argument("--shape", choices=SHAPE_NAMES, help="a built-in typical week")
    add_source_arguments(load)
    load.add_argument("--cloud-model", metavar="PROVIDER:MODEL", help="the cloud model (default: the cost model's first)")
    load.add_argument("--tier", metavar="NAME", help="the provider's usage tier, e.g. 'Tier 2' (default: the lowest)")
    load.add_argument("--schedule", choices=("always_on", "office_hours", "scale_to_zero"), default="always_on",
                      help="when rented local replicas run (default always_on)")
    load.add_argument("--cold-start-minutes", type=int, default=10, metavar="N",
                      help="minutes a replica started by scale_to_zero is not yet serving (default 10)")
    load.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    load.set_defaults(handler=_cmd_load)


def _result(args: argparse.Namespace, scenario: Scenario) -> dict[str, Any]:
    from calculators import CostAssumptions
    from calculators.base_burst import base_burst
    from calculators.load_profile import parse_profile, profile_stats, shape_profile
    from calculators.rate_limits import check_rate_limits
    from scenario.limits import read_user_file
    from scenario.uploads import MAX_BYTES

    profile = shape_profile(args.shape) if args.shape else parse_profile(args.profile, read_user_file(args.profile, MAX_BYTES))
    assumptions = CostAssumptions()
    if args.cloud_model:
        assumptions = assumptions.model_copy(update={"cloud_models": [args.cloud_model]})
    if not 0 <= args.cold_start_minutes <= 60:
        raise InputError("--cold-start-minutes must be 0 to 60")
    rpm = profile.requests_per_minute(scenario.requests_per_month)
    stats = profile_stats(rpm)
    plan = base_burst(profile, scenario, assumptions, args.schedule, args.cold_start_minutes)
    limits = check_rate_limits(rpm, scenario.input_tokens_per_request, scenario.output_tokens_per_request,
                               assumptions.cloud_models[0], args.tier)
    return {"profile": stats.as_json(), "rate_limits": limits.as_json(), "base_burst": plan.as_json(),
            "all_local_peak_usd": round(plan.all_local_peak_usd, 2), "all_cloud_usd": round(plan.all_cloud_usd, 2),
            "_text": (profile, stats, limits, plan)}


def _as_text(result: dict[str, Any]) -> str:
    profile, stats, limits, plan = result["_text"]
    best = plan.best
    lines = [
        f"Profile: {profile.name} ({profile.source}, {profile.minutes:,} minutes), at the scenario's volume:",
        f"  mean {stats.mean_rpm:,.1f} requests/min, peak {stats.peak_rpm:,.1f} ({stats.peak_to_average:,.1f}x), "
        f"P50 {stats.p50_rpm:,.1f}, P90 {stats.p90_rpm:,.1f}, P99 {stats.p99_rpm:,.1f}; load pattern {stats.load_pattern}",
        *(f"  Note: {n}" for n in profile.notes),
        "",
        f"Rate limits of {limits.model}:",
        *(f"  {s}" for s in limits.sentences),
        "",
        f"Base load local, bursts to {plan.cloud_ref} ({plan.schedule.replace('_', ' ')}):",
        f"  cheapest at P{best.percentile:g}: {counted(best.replicas, 'replica')} of {counted(plan.gpus_per_replica, 'GPU')}, "
        f"{best.local_share:.1%} of requests local, ${best.monthly_usd:,.2f} a month",
        f"  all local sized for the peak: ${plan.all_local_peak_usd:,.2f}; all cloud: ${plan.all_cloud_usd:,.2f}",
        *(f"  Note: {n}" for n in plan.notes),
    ]
    return "\n".join(lines)


def _cmd_load(args: argparse.Namespace) -> int:
    from calculators import CostInputError, UnknownCloudModel

    try:
        scenario = scenario_from_source(args)
    except InputError as exc:
        return fail_invalid_scenario(exc)
    try:
        result = _result(args, scenario)
    except InputError as exc:
        return fail("; ".join(exc.problems))
    except (CostInputError, UnknownCloudModel, KeyError) as exc:
        return fail(str(exc.args[0]))
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "_text"}, indent=2))
    else:
        print(_as_text(result))
    return 0
