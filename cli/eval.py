"""``crossover eval``: a task set on one or more backends, graded, with honest intervals."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli.common import EXIT_BAD_INPUT
from quality.tasks import parse_task_file
from scenario import InputError
from scenario.limits import read_user_file
from scenario.uploads import MAX_BYTES

__all__ = ["add_eval_command"]


class _BackendOption(argparse.Action):
    """--backend starts a backend; --base-url and --model set the most recent one."""

    def __call__(self, parser, namespace, value, option_string=None):  # noqa: ANN001
        backends = getattr(namespace, "backends", None) or []
        if option_string == "--backend":
            backends.append({"kind": value, "model": "", "base_url": ""})
        elif not backends or backends[-1]["kind"] == "local":
            parser.error(f"{option_string} must follow a --backend openai or --backend anthropic")
        else:
            backends[-1]["base_url" if option_string == "--base-url" else "model"] = value
        namespace.backends = backends


def add_eval_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``eval``."""
    ev = commands.add_parser("eval", help="measure accuracy on a task set, local against cloud")
    ev.add_argument("--tasks", required=True, metavar="FILE", help=".csv or .jsonl with prompt, expected, check")
    ev.add_argument("--backend", choices=["local", "openai", "anthropic"], action=_BackendOption, metavar="KIND",
                    help="local, openai or anthropic (repeatable; default: local)")
    ev.add_argument("--base-url", action=_BackendOption, metavar="URL", help="for the --backend before it")
    ev.add_argument("--model", action=_BackendOption, metavar="NAME", help="for the --backend before it")
    ev.add_argument("--max-tokens", type=int, default=64, metavar="N")
    ev.add_argument("--json", action="store_true", help="print JSON instead of text")
    ev.set_defaults(handler=_cmd_eval, backends=None)


def _cmd_eval(args: argparse.Namespace) -> int:
    path = Path(args.tasks)
    try:
        tasks = parse_task_file(path.name, read_user_file(path, MAX_BYTES))
    except InputError as exc:
        print(f"crossover: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.max_tokens < 1:
        print("crossover: --max-tokens must be 1 or more", file=sys.stderr)
        return EXIT_BAD_INPUT

    # The backends load only now (llama.cpp, the SDKs).
    from calculators import CostAssumptions, request_cost
    from inference import BackendConfig, ResolvedKey, build_backend, resolve_key
    from quality.runner import run_eval, summarise_eval
    from scenario import Scenario

    configs = [BackendConfig(**b) for b in (args.backends or [{"kind": "local", "model": "", "base_url": ""}])]
    backends = [build_backend(c, ResolvedKey(None, "not needed") if c.kind == "local" else resolve_key(c.kind, base_url=c.base_url, caller_owns_environment=True)) for c in configs]
    by_label = dict(zip((b.label for b in backends), configs, strict=True))
    judge = next((b for b in backends if b.kind != "local"), backends[0]) if any(t.check == "judge" for t in tasks.tasks) else None
    scenario, assumptions = Scenario(), CostAssumptions()
    results, _ = run_eval(tasks, backends, max_tokens=args.max_tokens, judge=judge,
                          cost=lambda backend, run: request_cost(run, by_label[backend.label], scenario, assumptions)[0])
    summaries = {b.label: summarise_eval(results, b.label) for b in backends}
    out: dict[str, Any] = {
        label: {"accuracy": s.accuracy, "ci95": list(s.ci95) if s.ci95 else None, "n": s.n, "errors": s.errors,
                "p50_ms": s.p50_ms, "p90_ms": s.p90_ms, "cost_per_1k_usd": s.cost_per_1k_usd}
        for label, s in summaries.items()
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{len(tasks.tasks)} tasks from {tasks.source}")
        for label, s in summaries.items():
            accuracy = "n/a" if s.accuracy is None else f"{s.accuracy:.0%} (95% CI {s.ci95[0]:.0%}-{s.ci95[1]:.0%})"
            cost = "n/a" if s.cost_per_1k_usd is None else f"${s.cost_per_1k_usd:.4f}"
            p50 = "n/a" if s.p50_ms is None else f"{s.p50_ms:,.0f} ms"
            print(f"  {label}: accuracy {accuracy} on {s.n} answered, {s.errors} errors; p50 {p50}; cost per 1,000 tasks {cost}")
    errors = [r.error for r in results if r.error]
    if errors and len(errors) == len(results):
        print(f"crossover: every call failed, e.g. {errors[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT if any("API key" in e or "No GGUF" in e for e in errors) else 1
    return 0
