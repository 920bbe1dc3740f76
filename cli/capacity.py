"""``crossover capacity``: what one replica of an open model serves, with the nearest published measurement."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

# One parser for "a whole number, at least 1" across the CLI.

if TYPE_CHECKING:  # the cost model loads only when the command runs
    from calculators.capacity import CapacityEstimate

from cli.common import EXIT_BAD_INPUT, positive_int
from scenario.text import counted

__all__ = ["add_capacity_command", "capacity_json"]

PRECISIONS = ("fp16", "fp8", "int8", "int4", "q8", "q4")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a positive number of milliseconds")
    return value


def add_serving_flags(parser: argparse.ArgumentParser) -> None:
    """--precision, --concurrency, --ttft-ms, --tpot-ms: shared by ``capacity`` and ``costs``."""
    parser.add_argument("--precision", choices=PRECISIONS, help="weights: fp16 (also bf16), fp8, int8, int4 (AWQ/GPTQ), q8/q4 (GGUF)")
    parser.add_argument("--kv-precision", choices=("fp16", "fp8"), help="KV cache precision (default fp16)")
    parser.add_argument("--gpus-per-replica", type=positive_int, metavar="N", help="tensor-parallel size: 1, 2, 4 or 8 dividing the heads")
    parser.add_argument("--concurrency", type=positive_int, metavar="N", help="requests in flight per replica (fixes the operating point)")
    parser.add_argument("--ttft-ms", type=_positive_float, metavar="X", help="time-to-first-token target in ms")
    parser.add_argument("--tpot-ms", type=_positive_float, metavar="Y", help="time-per-output-token target in ms")


def add_capacity_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``capacity`` on the CLI's sub-commands."""
    cap = commands.add_parser(
        "capacity",
        help="throughput and latency of one replica of an open model (step model), with published evidence",
        description="Without --concurrency or a target it reports maximum throughput (the largest concurrency memory allows).",
    )
    cap.add_argument("--gpu", required=True, metavar="GPU_ID", help="GPU from the catalog, e.g. h100-80gb")
    cap.add_argument("--open-model", required=True, metavar="MODEL_ID", help="open model from the catalog, e.g. llama-3.3-70b")
    add_serving_flags(cap)
    cap.add_argument("--max-throughput", action="store_true", help="the largest concurrency memory allows")
    cap.add_argument("--input-tokens", type=positive_int, default=500, metavar="N", help="prompt tokens a request (default 500)")
    cap.add_argument("--output-tokens", type=positive_int, default=300, metavar="N", help="generated tokens a request (default 300)")
    cap.add_argument("--json", action="store_true", help="print one JSON object")
    cap.set_defaults(handler=_cmd_capacity)


def capacity_json(estimate: CapacityEstimate) -> dict[str, Any]:
    """The contract's JSON object for one estimate."""
    m = estimate.nearest_published
    published = None if m is None else {
        "engine": m.engine, "engine_version": m.engine_version, "model_id": m.model_id, "gpu_id": m.gpu_id,
        "gpus_per_replica": m.tensor_parallel, "precision": m.precision, "input_tokens": m.input_tokens,
        "output_tokens": m.output_tokens, "load": m.load.describe(), "output_tokens_per_s": m.output_tokens_per_s,
        "ttft_ms": m.ttft_ms, "tpot_ms": m.tpot_ms, "source": m.source, "date": m.date,
    }
    return {
        "gpus_per_replica": estimate.gpus_per_replica,
        "max_concurrency": estimate.max_concurrency,
        "concurrency": estimate.concurrency,
        "output_tokens_per_s": round(estimate.output_tokens_per_s, 1),
        "requests_per_s": round(estimate.requests_per_s, 3),
        "ttft_ms": round(estimate.ttft_ms, 1),
        "tpot_ms": round(estimate.tpot_ms, 2),
        "limited_by": estimate.limited_by,
        "nearest_published": published,
    }


def _cmd_capacity(args: argparse.Namespace) -> int:
    from calculators import CostInputError
    from calculators.capacity import estimate_capacity

    if args.concurrency is not None and (args.max_throughput or args.ttft_ms or args.tpot_ms):
        print("crossover: give either --concurrency, or --max-throughput, or latency targets (--ttft-ms/--tpot-ms), not several",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.max_throughput and (args.ttft_ms or args.tpot_ms):
        print("crossover: --max-throughput ignores latency targets; drop --ttft-ms/--tpot-ms or --max-throughput", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        estimate = estimate_capacity(
            args.open_model, args.gpu, args.precision or "fp16", args.kv_precision or "fp16", args.gpus_per_replica,
            args.input_tokens, args.output_tokens, concurrency=args.concurrency, ttft_target_ms=args.ttft_ms, tpot_target_ms=args.tpot_ms,
        )
    except CostInputError as exc:
        print(f"crossover: {exc.args[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(capacity_json(estimate), indent=2))
        return 0
    print(f"{counted(estimate.gpus_per_replica, 'GPU')} per replica, concurrency {estimate.concurrency} "
          f"(memory holds {estimate.max_concurrency}; limited by {estimate.limited_by.replace('_', ' ')})")
    print(f"  {estimate.output_tokens_per_s:,.0f} output tokens/s, {estimate.requests_per_s:,.2f} requests/s, "
          f"TTFT {estimate.ttft_ms:,.0f} ms, {estimate.tpot_ms:,.1f} ms a token")
    if not estimate.meets_targets:
        print("  Even one request at a time misses the latency target on this setup.")
    print(f"  {estimate.sentence()}")
    if estimate.nearest_published:
        print(f"  source: {estimate.nearest_published.source}")
    return 0
