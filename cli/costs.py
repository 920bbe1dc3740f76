"""``crossover costs``: monthly cost, break-even and breakdown from the command line."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.capacity import add_serving_flags, capacity_json
from scenario import InputError, Scenario, load_scenario_file, parse_scenario

if TYPE_CHECKING:  # the cost model (pandas, price data) loads only when the command runs
    from calculators import CostAssumptions, CostReport

from cli.common import EXIT_BAD_INPUT, add_source_arguments
from scenario.text import counted

__all__ = ["add_costs_command"]

CUSTOM_REF = "custom:your-prices"
# Errors name the flag the user typed, not the assumption's field name.
FLAG_FOR_FIELD = {
    "gpu_id": "--gpu", "open_model_id": "--open-model", "gpu_hourly_usd": "--gpu-hourly",
    "gpus_fixed": "--gpus", "hours_per_month": "--hours-per-month", "throughput_tokens_per_s": "--throughput",
    "staff_monthly_usd": "--staff-monthly", "infra_monthly_usd": "--infra-monthly", "local_share": "--local-share",
    "price_overrides": "--cloud-price-in/--cloud-price-out", "cloud_models": "--cloud-model",
    "quantisation": "--precision", "kv_precision": "--kv-precision", "gpus_per_replica": "--gpus-per-replica",
    "concurrent_sequences": "--concurrency", "ttft_target_ms": "--ttft-ms", "tpot_target_ms": "--tpot-ms",
    "reasoning_multiple": "--reasoning-multiple", "licence_per_gpu_year_usd": "--licence-per-gpu-year",
    "egress_gb_month": "--egress-gb-month", "egress_usd_per_gb_local": "--egress-usd-per-gb",
    "egress_usd_per_gb_cloud": "--egress-usd-per-gb", "risk_premium_share": "--risk-premium",
    "batch_share": "--batch-share",
}


def add_costs_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``costs`` on the CLI's sub-commands."""
    costs = commands.add_parser(
        "costs",
        help="monthly cost of cloud, local and hybrid, and the break-even volume",
        description="Flags override the scenario and the default assumptions. Money in USD.",
    )
    add_source_arguments(costs)
    costs.add_argument("--cloud-model", metavar="PROVIDER:MODEL", action="append",
                       help="a model in the price data, e.g. openai:gpt-4o (repeat for several; the first is compared)")
    costs.add_argument("--cloud-price-in", type=float, metavar="USD_PER_1M", help="your own input price per 1M tokens")
    costs.add_argument("--cloud-price-out", type=float, metavar="USD_PER_1M", help="your own output price per 1M tokens")
    costs.add_argument("--gpu", metavar="ID", help="GPU from the catalog (default l40s)")
    costs.add_argument("--open-model", metavar="ID", help="open model from the catalog (default llama-3.1-8b)")
    costs.add_argument("--own", action="store_true", help="own the hardware instead of renting it")
    costs.add_argument("--gpu-hourly", type=float, metavar="USD", help="rent per GPU per hour")
    costs.add_argument("--gpus", type=int, metavar="N", help="fix the GPU count (default: from the capacity model)")
    costs.add_argument("--hours-per-month", type=float, metavar="H", help="hours a month the GPUs run (default 730)")
    costs.add_argument("--throughput", type=float, metavar="TOKENS_PER_S",
                       help="generated tokens/s one replica serves at this request shape (replaces the step model's estimate)")
    add_serving_flags(costs)
    costs.add_argument("--staff-monthly", type=float, metavar="USD", help="staff cost a month (replaces FTE x salary)")
    costs.add_argument("--infra-monthly", type=float, metavar="USD", help="infrastructure and monitoring a month")
    costs.add_argument("--local-share", type=float, metavar="F", help="share of requests hybrid keeps local, 0..1")
    whole = costs.add_argument_group("the whole bill")
    whole.add_argument("--prompts", metavar="FILE",
                       help="your prompts (.csv with a 'prompt' column, .jsonl or .txt): the prefix they share is priced "
                            "at each provider's cached rate, under its caching rules")
    whole.add_argument("--batch-share", type=float, metavar="F", help="share of requests that can wait for a batch API, 0..1")
    whole.add_argument("--reasoning-multiple", type=float, metavar="X",
                       help="hidden reasoning tokens per output token of models that think, billed as output "
                            "(default: each model family's sourced estimate, see assets/bill_rules.json)")
    whole.add_argument("--licence-per-gpu-year", type=float, metavar="USD", help="inference-software licence per GPU a year")
    whole.add_argument("--egress-gb-month", type=float, metavar="N", help="data sent out a month, in GB (both options)")
    whole.add_argument("--egress-usd-per-gb", type=float, metavar="USD", help="price of that data transfer per GB, both options (default: local pays AWS's published internet "
                            "egress price, cloud APIs $0: they bill tokens; see assets/bill_rules.json)")
    whole.add_argument("--risk-premium", type=float, metavar="F", help="reliability and security premium on local, 0..1")
    costs.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    costs.set_defaults(handler=_cmd_costs)


def _assumptions(args: argparse.Namespace) -> CostAssumptions:
    from calculators import CostInputError, parse_assumptions

    data: dict[str, Any] = {}
    models = list(args.cloud_model or [])
    if (args.cloud_price_in is None) != (args.cloud_price_out is None):
        raise CostInputError("give both --cloud-price-in and --cloud-price-out (USD per 1M tokens)")
    if args.cloud_price_in is not None:
        ref = models[0] if models else CUSTOM_REF
        models = models or [CUSTOM_REF]
        data["price_overrides"] = {ref: {"input_per_mtok": args.cloud_price_in, "output_per_mtok": args.cloud_price_out}}
    if models:
        data["cloud_models"] = models
    flags = {
        "gpu_id": args.gpu, "open_model_id": args.open_model, "gpu_hourly_usd": args.gpu_hourly,
        "gpus_fixed": args.gpus, "hours_per_month": args.hours_per_month,
        "throughput_tokens_per_s": args.throughput, "staff_monthly_usd": args.staff_monthly,
        "infra_monthly_usd": args.infra_monthly, "local_share": args.local_share,
        "quantisation": args.precision, "kv_precision": args.kv_precision, "gpus_per_replica": args.gpus_per_replica,
        "concurrent_sequences": args.concurrency, "ttft_target_ms": args.ttft_ms, "tpot_target_ms": args.tpot_ms,
        "reasoning_multiple": args.reasoning_multiple, "licence_per_gpu_year_usd": args.licence_per_gpu_year,
        "egress_gb_month": args.egress_gb_month, "egress_usd_per_gb_local": args.egress_usd_per_gb,
        "egress_usd_per_gb_cloud": args.egress_usd_per_gb, "risk_premium_share": args.risk_premium,
    }
    data.update({k: v for k, v in flags.items() if v is not None})
    if args.own:
        data["payment"] = "own"
    try:
        return parse_assumptions(data)
    except CostInputError as exc:
        raise CostInputError(_name_flags(str(exc))) from None


def _name_flags(message: str) -> str:
    for field, flag in FLAG_FOR_FIELD.items():
        message = message.replace(f"{field}", flag)
    return message


def _with_flags(scenario: Scenario, args: argparse.Namespace) -> Scenario:
    """The scenario with ``--batch-share`` in force, validated like any scenario field."""
    if args.batch_share is None:
        return scenario
    try:
        return parse_scenario({**scenario.model_dump(), "batch_share": args.batch_share})
    except InputError as exc:
        raise InputError([_name_flags(p) for p in exc.problems]) from None


def _measured_prefix(args: argparse.Namespace, assumptions: CostAssumptions) -> CostAssumptions:
    """``--prompts``: the prefix the team's prompts share, measured with the tokenizer the app uses."""
    if not args.prompts:
        return assumptions
    from calculators.whole_bill import measure_shared_prefix
    from routing.prompt_files import parse_prompt_file
    from scenario.limits import read_user_file
    from scenario.uploads import MAX_BYTES

    path = Path(args.prompts)
    try:
        prompts = parse_prompt_file(path.name, read_user_file(path, MAX_BYTES))
    except InputError as exc:
        raise InputError([f"--prompts: {p}" for p in exc.problems]) from None
    measured = measure_shared_prefix(prompts.prompts, model_ref=assumptions.cloud_models[0])
    return assumptions.model_copy(update={"shared_prefix_tokens": measured.shared_prefix_tokens,
                                          "shared_prefix_source": f"{path.name[:120]}, {measured.prompts:,} prompts"})


def _as_json(report: CostReport) -> dict[str, Any]:
    from calculators.options import usd
    from calculators.report import option_lines

    def number(value: float | None) -> float | None:
        return None if value is None or math.isnan(value) else usd(value)

    first, be = report.cloud[0], report.breakeven[0]
    return {
        "cloud": {
            "monthly_usd": number(first.monthly_usd),
            "model": first.price.ref,
            "per_request_usd": first.per_request_usd,
            "input_per_mtok": first.price.input_per_mtok,
            "output_per_mtok": first.price.output_per_mtok,
            "overridden": first.price.overridden,
            "price_source": list(first.price.source_urls),
            "price_data": first.price.data_version,
        },
        "cloud_models": [{"model": c.price.ref, "monthly_usd": number(c.monthly_usd)} for c in report.cloud],
        "local": {
            "monthly_usd": number(report.local.monthly_usd),
            "gpus": report.local.gpus,
            "servers": report.local.servers,
            "capacity_requests_per_month": number(report.local.capacity_requests_per_month),
            "upfront_usd": number(report.local.upfront_usd),
            "breakdown": {line.item: number(line.monthly_usd) for line in report.local.lines},
        },
        "hybrid": {
            "monthly_usd": number(report.hybrid.monthly_usd),
            "local_share": report.hybrid.local_share,
            "local_usd": number(report.hybrid.monthly_usd - report.hybrid.cloud_usd),
            "cloud_usd": number(report.hybrid.cloud_usd),
        },
        "breakeven": {
            "requests_per_month": number(be.requests_per_month),
            "tokens_per_month": number(be.tokens_per_month),
            "stays_cheaper_from_requests": number(be.stays_cheaper_from_requests),
        },
        "capacity": capacity_json(report.capacity),
        "lines": {option: [{"item": line.item, "monthly_usd": number(line.monthly_usd), "basis": line.basis} for line in lines]
                  for option, lines in option_lines(report).items()},
        "cache": {"shared_prefix_tokens": report.assumptions.shared_prefix_tokens,
                  "cached_tokens": first.cached_tokens, "hit_rate": round(first.cache_hit_rate, 4)},
        "notes": report.notes,
    }


def _as_text(report: CostReport) -> str:
    hybrid, cap = report.hybrid, report.capacity
    cloud = [f"Cloud  {c.price.label}" + (" (your prices)" if c.price.overridden else "") for c in report.cloud]
    local = f"Local  {counted(report.local.gpus, 'GPU')}, {counted(report.local.servers, 'server')}"
    mixed = f"Hybrid {hybrid.local_share:.0%} local, rest on {hybrid.cloud_ref}"
    # One width for every option's name, so the dollar figures stand in one column.
    width = max(len(label) for label in (*cloud, local, mixed))
    lines = [f"Monthly cost at {report.requests_per_month:,} requests ({report.tokens_per_request:,} tokens each):", ""]
    for label, c in zip(cloud, report.cloud, strict=True):
        lines.append(f"  {label:<{width}}  ${c.monthly_usd:>14,.2f}   (${c.per_request_usd:.6f} a request)")
        if c is report.cloud[0] and len(c.lines) > 1:
            lines.extend(f"           {line.item:<30} ${line.monthly_usd:>12,.2f}  {line.basis}" for line in c.lines)
    lines.append(f"  {local:<{width}}  ${report.local.monthly_usd:>14,.2f}")
    for line in report.local.lines:
        lines.append(f"           {line.item:<30} ${line.monthly_usd:>12,.2f}  {line.basis}")
    lines.append(f"           Capacity: {counted(cap.gpus_per_replica, 'GPU')} a replica at concurrency {cap.concurrency} "
                 f"(limited by {cap.limited_by.replace('_', ' ')}), TTFT {cap.ttft_ms:,.0f} ms, {cap.tpot_ms:,.1f} ms a token")
    lines.append(f"           {cap.sentence()}")
    lines.append(f"  {mixed:<{width}}  ${hybrid.monthly_usd:>14,.2f}")
    lines.append("")
    lines.extend(f"Break-even: {b.sentence}" for b in report.breakeven)
    lines.extend(f"Note: {n}" for n in report.notes)
    lines.append(f"Prices: {report.cloud[0].price.data_version}; sources: {', '.join(report.cloud[0].price.source_urls[:1]) or 'none'}")
    return "\n".join(lines)


def _cmd_costs(args: argparse.Namespace) -> int:
    from advisor.presets import get_preset
    from calculators import CostInputError, UnknownCloudModel, cost_report

    try:
        scenario: Scenario = get_preset(args.preset).scenario if args.preset else load_scenario_file(args.scenario)
        scenario = _with_flags(scenario, args)
        report = cost_report(scenario, _measured_prefix(args, _assumptions(args)))
    except InputError as exc:
        what = "a flag is not valid" if all(p.startswith("--") for p in exc.problems) else "the scenario is not valid"
        print(f"crossover: {what}:\n  " + "\n  ".join(exc.problems), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (CostInputError, UnknownCloudModel, KeyError) as exc:
        print(f"crossover: {exc.args[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(_as_json(report), indent=2) if args.json else _as_text(report))
    return 0
