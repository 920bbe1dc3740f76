"""``crossover providers``: cloud offerings' privacy facts and their compatibility with regulations."""

from __future__ import annotations

import argparse
import json
import sys
from typing import get_args

from cli.common import EXIT_BAD_INPUT
from scenario import Regulation

__all__ = ["add_providers_command"]


def add_providers_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``providers`` on the CLI's sub-commands."""
    providers = commands.add_parser(
        "providers", help="cloud offerings' privacy facts and which regulations they are compatible with",
        description="Facts come from assets/providers.json, each with its source and the date it was checked.",
    )
    providers.add_argument("--regulation", action="append", default=[], metavar="NAME",
                           help=f"a regulation that applies (repeatable): {', '.join(get_args(Regulation))}")
    providers.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    providers.set_defaults(handler=_cmd_providers)


def _cmd_providers(args: argparse.Namespace) -> int:
    from advisor.providers import FACT_FIELDS, compatible_offerings, providers_note

    allowed = get_args(Regulation)
    unknown = [r for r in args.regulation if r not in allowed]
    if unknown:
        print(f"crossover: unknown regulation {', '.join(unknown)}; use one of: {', '.join(allowed)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    verdicts = compatible_offerings(args.regulation)
    if args.json:
        print(json.dumps({
            "regulations": args.regulation,
            "about": providers_note(),
            "offerings": [{
                "id": v.offering.id, "name": v.offering.name, "compatible": v.compatible, "reasons": v.reasons,
                "facts": {field: v.offering.fact(field).model_dump() for field in FACT_FIELDS},
            } for v in verdicts],
        }, indent=2))
        return 0
    title = ", ".join(args.regulation) or "no regulation"
    print(f"Cloud offerings for {title}:")
    for v in verdicts:
        mark = "compatible" if v.compatible else "NOT compatible"
        print(f"  {v.offering.name:<28}{mark}")
        for reason in v.reasons:
            print(f"      - {reason}")
    print()
    print(providers_note())
    return 0
