"""``crossover report``: the decision report as HTML, Markdown or JSON from a scenario file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import EXIT_BAD_INPUT, add_source_arguments, fail, fail_invalid_scenario
from cli.output import write_file_safely

__all__ = ["add_report_command"]

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".json": "json"}


def add_report_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``report`` on the CLI's sub-commands."""
    report = commands.add_parser(
        "report",
        help="write the decision report (HTML with charts, Markdown or JSON)",
        description="The same report the web app downloads. The format follows --out's extension unless --format is given.",
    )
    add_source_arguments(report, scenario_help="a scenario or decision JSON file (a decision adds weights and cost assumptions)")
    report.add_argument("--out", metavar="FILE", required=True, help="where to write: report.html, report.md or report.json")
    report.add_argument("--format", choices=["html", "markdown", "json"], help="override the format --out's extension implies")
    report.add_argument("--title", default="", help="the report's title (default: the preset's name or a question)")
    report.add_argument("--owner", default="", help="who owns the decision, printed under the title")
    report.set_defaults(handler=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    from advisor.presets import get_preset
    from decisions.document import Decision, load_decision_file
    from decisions.report import build_report
    from decisions.report_render import render_html, render_json, render_markdown
    from scenario import InputError

    out = Path(args.out)
    kind = args.format or FORMATS.get(out.suffix.lower())
    if kind is None:
        print(f"crossover: cannot tell the format from '{out.name}': end --out with .html, .md or .json, or give --format",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    title = args.title
    try:
        if args.preset:
            preset = get_preset(args.preset)
            decision, title = Decision(scenario=preset.scenario), title or preset.name
        else:
            decision = load_decision_file(args.scenario)
    except KeyError as exc:
        print(f"crossover: {exc.args[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InputError as exc:
        return fail_invalid_scenario(exc)
    report, costs = build_report(decision, title=title, owner=args.owner)
    text = {"html": lambda: render_html(report, costs), "markdown": lambda: render_markdown(report),
            "json": lambda: render_json(report)}[kind]()
    try:
        write_file_safely(out, text.encode("utf-8"))
    except InputError as exc:
        return fail(str(exc))
    print(f"Wrote {out} ({len(text.encode()):,} bytes, {kind}): {report.recommendation['winner_label']} recommended.")
    if report.cost_error:
        print(f"crossover: note: {report.cost_error}", file=sys.stderr)
    return 0
