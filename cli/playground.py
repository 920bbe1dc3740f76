"""``crossover bench`` (the local model alone) and ``crossover compare`` (local against a cloud API)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the backends (llama.cpp, both SDKs) load only when a command runs
    from inference import BackendConfig, GenerationRequest, RunResult

from cli.common import EXIT_BAD_INPUT, positive_int
from scenario.text import counted

__all__ = ["add_playground_commands"]

EXIT_RUN_FAILED = 1
# Errors that mean "fix your input"; anything else is a failed run.
_BAD_INPUT = {"model_file", "no_key", "unknown_model", "context_overflow", "auth", "bad_request"}
DEFAULT_PROMPT = "Explain in two sentences why a team might run a language model on its own hardware."


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--local-model", metavar="PATH", help="a GGUF file (default: the bundled SmolLM2-135M-Instruct)")
    parser.add_argument("--prompt", default=DEFAULT_PROMPT, help="the prompt to answer")
    parser.add_argument("--system", default="", help="a system prompt")
    parser.add_argument("--max-tokens", type=positive_int, default=128, metavar="N")
    parser.add_argument("--runs", type=positive_int, default=1, metavar="N", help="runs a side; figures are medians")
    parser.add_argument("--threads", type=positive_int, metavar="N", help="CPU threads for the local model (default: all cores)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def add_playground_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``bench`` and ``compare``."""
    bench = commands.add_parser("bench", help="measure the local model: time to first token, tokens/s, cost")
    _common(bench)
    bench.set_defaults(handler=_cmd_bench)
    compare = commands.add_parser("compare", help="run one prompt on the local model and a cloud API")
    _common(compare)
    compare.add_argument("--cloud", choices=["openai", "anthropic"], required=True, help="the cloud API (key from OPENAI_API_KEY / ANTHROPIC_API_KEY)")
    compare.add_argument("--base-url", metavar="URL", help="an OpenAI-compatible server instead of OpenAI's")
    compare.add_argument("--model", metavar="NAME", help="the cloud model (default gpt-4o-mini / claude-haiku-4-5)")
    compare.set_defaults(handler=_cmd_compare)


def _side(results: list[RunResult], config: BackendConfig) -> dict[str, Any]:
    """One side's figures: the run itself, or medians over several runs."""
    from calculators import CostAssumptions, request_cost
    from inference import summarise
    from scenario import Scenario

    scenario, assumptions = Scenario(), CostAssumptions()
    for result in results:
        result.cost_usd, result.cost_basis = request_cost(result, config, scenario, assumptions)
    last = results[-1]
    if len(results) == 1:
        figures = {f: getattr(last, f) for f in ("ttft_ms", "decode_tokens_per_s", "e2e_ms", "input_tokens", "output_tokens", "cost_usd")}
    else:
        figures = {f: v["median"] for f, v in summarise(results).items()}
    rounded = {k: (round(v, 6) if k == "cost_usd" else round(v, 1)) if isinstance(v, float) else v for k, v in figures.items()}
    return {
        "backend": last.backend, **rounded, "text": last.text, "error": last.error,
        "runs": len(results), "errors": sum(not r.ok for r in results), "token_source": last.token_source,
        "cost_basis": last.cost_basis,
    }


def _run(config: BackendConfig, request: GenerationRequest, runs: int) -> list[RunResult]:
    from inference import ResolvedKey, build_backend, measure, resolve_key

    key = ResolvedKey(None, "not needed") if config.kind == "local" else resolve_key(config.kind, base_url=config.base_url, caller_owns_environment=True)
    backend = build_backend(config, key)
    return [measure(backend, request) for _ in range(runs)]


def _text(side: dict[str, Any]) -> str:
    if side["error"]:
        return f"{side['backend']}\n  error: {side['error']}"
    def fmt(key: str, unit: str, digits: int = 0) -> str:
        value = side[key]
        return "n/a" if value is None else f"{value:,.{digits}f}{unit}"
    cost = "n/a" if side["cost_usd"] is None else f"${side['cost_usd']:.6f}"
    return (
        f"{side['backend']}  ({counted(side['runs'], 'run')}{', medians' if side['runs'] > 1 else ''})\n"
        f"  time to first token {fmt('ttft_ms', ' ms')}, decode {fmt('decode_tokens_per_s', ' tokens/s', 1)}, "
        f"end to end {fmt('e2e_ms', ' ms')}\n"
        f"  tokens in {fmt('input_tokens', '')}, out {fmt('output_tokens', '')} ({side['token_source']}); cost {cost} ({side['cost_basis']})\n"
        f"  answer: {side['text'].strip()[:300]}"
    )


def _exit_code(*sides: list[RunResult]) -> int:
    kinds = {r.error_kind for results in sides for r in results if r.error_kind}
    if kinds & _BAD_INPUT:
        return EXIT_BAD_INPUT
    return EXIT_RUN_FAILED if kinds else 0


def _request(args: argparse.Namespace) -> GenerationRequest | None:
    from pydantic import ValidationError

    from inference import GenerationRequest

    try:
        return GenerationRequest(prompt=args.prompt, system=args.system, max_tokens=args.max_tokens, temperature=0.0)
    except ValidationError:
        print("crossover: --prompt must not be empty", file=sys.stderr)
        return None


def _cmd_bench(args: argparse.Namespace) -> int:
    from inference import BackendConfig

    request = _request(args)
    if request is None:
        return EXIT_BAD_INPUT
    config = BackendConfig(kind="local", gguf_path=args.local_model or "", n_threads=args.threads)
    results = _run(config, request, args.runs)
    side = _side(results, config)
    print(json.dumps(side, indent=2) if args.json else _text(side))
    if side["error"]:
        print(f"crossover: {side['error']}", file=sys.stderr)
    return _exit_code(results)


def _cmd_compare(args: argparse.Namespace) -> int:
    from inference import BackendConfig

    request = _request(args)
    if request is None:
        return EXIT_BAD_INPUT
    local_config = BackendConfig(kind="local", gguf_path=args.local_model or "", n_threads=args.threads)
    cloud_config = BackendConfig(kind=args.cloud, model=args.model or "", base_url=args.base_url or "")
    # One side after the other, so neither steals the other's CPU: cleaner numbers.
    local_results = _run(local_config, request, args.runs)
    cloud_results = _run(cloud_config, request, args.runs)
    sides = {"local": _side(local_results, local_config), "cloud": _side(cloud_results, cloud_config)}
    print(json.dumps(sides, indent=2) if args.json else "\n\n".join(_text(s) for s in sides.values()))
    for side in sides.values():
        if side["error"]:
            print(f"crossover: {side['backend']}: {side['error']}", file=sys.stderr)
    return _exit_code(local_results, cloud_results)
