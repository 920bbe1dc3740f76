"""``crossover sweep``: measure an OpenAI-compatible server's capacity in concurrency steps, then cost it.

The key comes from the caller's environment (``OPENAI_API_KEY``) and goes only to the URL
they gave; it is never printed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import TYPE_CHECKING, Any

from cli.capacity import _positive_float
from cli.common import fail, positive_int

if TYPE_CHECKING:
    from calculators.sweep import Percentiles, StepSummary, SweepTally

__all__ = ["add_sweep_command", "parse_hardware", "sweep_json"]

_HARDWARE = re.compile(r"^([a-z0-9][a-z0-9.-]{0,60}?)(?:x(\d{1,2}))?$")


def parse_hardware(text: str) -> tuple[str, int]:
    """``h100-80gbx2`` -> ("h100-80gb", 2); ``l4`` -> ("l4", 1).

    Raises:
        ValueError: not GPU_IDxN, or an unknown GPU (listing the known ids).
    """
    from calculators.catalog import gpus

    match = _HARDWARE.match(text.strip().lower())
    known = [g.id for g in gpus()]
    if not match:
        raise ValueError(f"--hardware {text[:80]!r} is not GPU_IDxN; write it like h100-80gbx2 (GPU ids: {', '.join(known)})")
    gpu, count = match.group(1), int(match.group(2) or 1)
    if gpu not in known:
        raise ValueError(f"--hardware names an unknown GPU {gpu!r}; use one of {', '.join(known)} with xN for the count")
    if count not in (1, 2, 4, 8):
        raise ValueError(f"--hardware {text!r}: a replica has 1, 2, 4 or 8 GPUs, not {count}")
    return gpu, count


def add_sweep_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``sweep`` on the CLI's sub-commands."""
    cmd = commands.add_parser(
        "sweep",
        help="measure a server's throughput and latency at rising concurrency, and what one replica serves a month",
        description="Closed-loop steps at concurrency 1, 2, 4, ... up to --max-concurrency; stops early once throughput "
                    "stops growing or most requests miss the targets. Definitions as vLLM's bench serve. "
                    "A key, if the server needs one, is read from OPENAI_API_KEY.",
    )
    cmd.add_argument("--base-url", required=True, metavar="URL", help="the server's OpenAI base URL, e.g. http://127.0.0.1:8080/v1")
    cmd.add_argument("--model", default="", metavar="NAME", help="model to ask for (default: the first the server lists)")
    cmd.add_argument("--input-tokens", type=positive_int, default=500, metavar="N", help="prompt tokens a request (default 500)")
    cmd.add_argument("--output-tokens", type=positive_int, default=300, metavar="N", help="generated tokens a request (default 300)")
    cmd.add_argument("--max-concurrency", type=positive_int, default=8, metavar="N", help="the last step's concurrency (default 8)")
    cmd.add_argument("--requests-per-step", type=positive_int, default=16, metavar="N", help="requests in each step (default 16)")
    cmd.add_argument("--ttft-ms", type=_positive_float, metavar="X", help="time-to-first-token target in ms")
    cmd.add_argument("--tpot-ms", type=_positive_float, metavar="Y", help="time-per-output-token target in ms")
    cmd.add_argument("--goodput-share", type=float, default=0.95, metavar="S",
                     help="share of requests that must meet the targets for a step to count (default 0.95)")
    cmd.add_argument("--hardware", metavar="GPU_IDxN", help="what the server runs on, e.g. h100-80gbx2: adds the capacity model's estimate")
    cmd.add_argument("--request-rate", type=_positive_float, metavar="R",
                     help="after the concurrency steps, one open-loop step at R requests/s on average (Poisson arrivals, "
                          "at most --max-concurrency in flight), reported as open_loop in --json")
    cmd.add_argument("--prompts", metavar="FILE",
                     help="the team's own prompts (CSV/JSONL/text, as the routing simulator reads) instead of the bundled sample set")
    cmd.add_argument("--json", action="store_true", help="print one JSON object")
    cmd.set_defaults(handler=_cmd_sweep)


def _pct(p: Percentiles) -> dict[str, float | None]:
    return {"p50": _r(p.p50), "p90": _r(p.p90), "p99": _r(p.p99)}


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _step_json(s: StepSummary) -> dict[str, Any]:
    return {
        "concurrency": s.concurrency, "requests": s.requests, "errors": s.errors,
        "ttft_ms": _pct(s.ttft_ms), "tpot_ms": _pct(s.tpot_ms), "itl_ms": _pct(s.itl_ms), "e2e_ms": _pct(s.e2e_ms),
        "output_tokens_per_s": round(s.output_tokens_per_s, 2), "requests_per_s": round(s.requests_per_s, 4),
        "goodput": {"share": round(s.goodput_share, 4), "ci95": [round(s.goodput_ci95[0], 4), round(s.goodput_ci95[1], 4)]},
    }


def sweep_json(tally: SweepTally, output_tokens: int, estimate: dict[str, Any] | None) -> dict[str, Any]:
    """The contract's JSON object: the steps, the capacity at the targets and the estimate (or null);
    with --request-rate also ``open_loop``: a step's keys and its ``request_rate``."""
    from calculators.assumptions import CostAssumptions
    from calculators.local_costs import requests_per_replica_month
    from calculators.sweep import capacity_step

    cap = capacity_step(tally.steps, tally.targets.goodput_share)
    capacity = None if cap is None else {
        "concurrency": cap.concurrency,
        "output_tokens_per_s": round(cap.output_tokens_per_s, 2),
        "requests_per_month": round(requests_per_replica_month(cap.output_tokens_per_s, output_tokens, CostAssumptions())),
    }
    result = {"steps": [_step_json(s) for s in tally.steps], "capacity": capacity, "estimate": estimate}
    if tally.open_loop is not None:
        result["open_loop"] = {"request_rate": tally.open_loop.request_rate, **_step_json(tally.open_loop)}
    return result


def _estimate(args: argparse.Namespace, served_model: str) -> tuple[dict[str, Any] | None, str | None]:
    """The capacity model's estimate for the served model on --hardware, or why there is none."""
    if not args.hardware:
        return None, None
    from calculators import CostInputError
    from calculators.capacity import estimate_capacity
    from calculators.measured import catalog_model_for
    from cli.capacity import capacity_json

    gpu, count = parse_hardware(args.hardware)
    model_id = catalog_model_for(served_model)
    if model_id is None:
        return None, f"no estimate: {served_model[:80]!r} is not a model of the catalog (see `crossover capacity --help`)"
    try:
        estimate = estimate_capacity(model_id, gpu, "fp16", "fp16", count, args.input_tokens, args.output_tokens,
                                     ttft_target_ms=args.ttft_ms, tpot_target_ms=args.tpot_ms)
    except CostInputError as exc:
        return None, f"no estimate: {exc.args[0]}"
    return {"open_model": model_id, "gpu": gpu, "gpus": count, **capacity_json(estimate)}, None


def _cmd_sweep(args: argparse.Namespace) -> int:
    from calculators.sweep import SweepTally, SweepTargets
    from inference.keys import resolve_key
    from inference.sweep import SweepPlan, probe_server, run_sweep
    from inference.types import BackendFailure
    from routing.prompt_files import load_sample_prompts, parse_prompt_file

    if not 0 < args.goodput_share <= 1:
        return fail(f"--goodput-share {args.goodput_share} must be a share above 0 and at most 1, e.g. 0.95")
    if args.hardware:
        try:
            parse_hardware(args.hardware)
        except ValueError as exc:
            return fail(str(exc))
    texts = load_sample_prompts().prompts
    if args.prompts:
        from pathlib import Path

        from scenario import InputError
        from scenario.limits import read_user_file
        from scenario.uploads import MAX_BYTES

        path = Path(args.prompts)
        try:
            texts = parse_prompt_file(path.name, read_user_file(path, MAX_BYTES)).prompts
        except InputError as exc:
            return fail(f"--prompts: {exc}")
    plan = SweepPlan(args.base_url, args.model, args.input_tokens, args.output_tokens, args.max_concurrency, args.requests_per_step,
                     request_rate=args.request_rate)
    key = resolve_key("openai", base_url=args.base_url, caller_owns_environment=True).value
    targets = SweepTargets(ttft_ms=args.ttft_ms, tpot_ms=args.tpot_ms, goodput_share=args.goodput_share)
    tally = SweepTally(targets)
    try:
        info, prompts = probe_server(plan, key, texts)

        def progress(step: int, steps: int, done: int) -> None:
            if not args.json and done == 0:
                print(f"step {step} of up to {steps} ...", file=sys.stderr)

        run_sweep(plan, info, prompts, key, go_on=tally.add, on_progress=progress)
    except BackendFailure as failure:
        return fail(failure.message)
    if not tally.steps:
        return fail(f"no step finished against {info.base_url}: check the server's log")
    estimate, why_not = _estimate(args, info.model)
    result = sweep_json(tally, args.output_tokens, estimate)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    _print_table(tally, result, info.model, why_not)
    return 0


def _print_table(tally: SweepTally, result: dict[str, Any], model: str, why_not: str | None) -> None:
    print(f"{model[:80]}: {tally.targets.describe()}")
    print(f"{'conc':>5} {'req':>4} {'err':>4} {'TTFT p50':>9} {'TPOT p50':>9} {'TPOT p99':>9} {'tok/s':>9} {'goodput':>8}")
    for s in tally.steps:
        print(f"{s.concurrency:>5} {s.requests:>4} {s.errors:>4} {s.ttft_ms.p50 or 0:>9.0f} {s.tpot_ms.p50 or 0:>9.1f} "
              f"{s.tpot_ms.p99 or 0:>9.1f} {s.output_tokens_per_s:>9.1f} {s.goodput_share:>8.0%}")
    if (o := tally.open_loop) is not None:
        print(f"Open loop at {o.request_rate:g} requests/s (Poisson, at most {o.concurrency} in flight): {o.requests} requests, "
              f"{o.errors} errors, TTFT p50 {o.ttft_ms.p50 or 0:,.0f} ms, TPOT p50 {o.tpot_ms.p50 or 0:,.1f} ms, "
              f"{o.output_tokens_per_s:,.1f} tokens/s, goodput {o.goodput_share:.0%}.")
    if tally.stopped_because:
        print(f"Stopped: {tally.stopped_because}.")
    cap = result["capacity"]
    if cap is None:
        print(f"No step met the targets for {tally.targets.goodput_share:.0%} of its requests.")
    else:
        print(f"Capacity at the targets: concurrency {cap['concurrency']}, {cap['output_tokens_per_s']:,.1f} output tokens/s, "
              f"{cap['requests_per_month']:,} requests a month per replica (the cost model's default utilisation and hours).")
    if result["estimate"]:
        print(f"Capacity model's estimate: {result['estimate']['output_tokens_per_s']:,.1f} output tokens/s.")
    elif why_not:
        print(why_not.capitalize() + ".")
