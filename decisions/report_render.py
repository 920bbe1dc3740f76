"""The decision report drawn three ways: self-contained HTML, Markdown and JSON.

The HTML needs nothing from the network: plotly.js is embedded once and every chart stays
interactive. It prints cleanly (the test prints it to PDF in Chromium).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlsplit

import plotly.graph_objects as go

from advisor.assess import assess
from advisor.labels import REGULATION_LABELS
from calculators import CostReport, cost_curves, tco_curves
from charts.costs import cost_curves_figure, tco_figure
from charts.recommendation import factor_contributions, option_scores
from decisions.report import DecisionReport
from scenario import Scenario
from scenario.text import counted, plain

__all__ = ["headline", "render_html", "render_json", "render_markdown", "scenario_rows"]

_SCENARIO_LABELS = {
    "requests_per_month": "Requests a month",
    "input_tokens_per_request": "Input tokens a request",
    "output_tokens_per_request": "Output tokens a request",
    "sensitive_share": "Share of requests with sensitive data",
    "regulations": "Regulations",
    "latency_p95_ms": "Whole answer within (p95, ms)",
    "ttft_ms": "First token within (ms)",
    "answer_p95_ms": "Whole answer within, replacing the above (p95, ms)",
    "team": "Team's operations capacity",
    "horizon_months": "Time horizon (months)",
    "needs_fine_tuning": "Needs fine-tuning",
    "quality_need": "Quality needed",
    "load_pattern": "Load pattern",
    "batch_share": "Share of requests that can wait (batch)",
}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, dict):
        return json.dumps(value) if value else "none"
    return "" if value is None else str(value)


def _number(value: float) -> str:
    """A figure for people: grouped digits, never an exponent (8.345e+04 reads as noise)."""
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}" if value == int(value) or abs(value) >= 1000 else f"{value:,.1f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def scenario_rows(scenario: Scenario) -> list[dict[str, str]]:
    """The scenario's inputs as labelled rows (also used by the compare view)."""
    data = scenario.model_dump()
    data["regulations"] = [REGULATION_LABELS.get(r, r) for r in scenario.regulations]
    data["sensitive_share"] = f"{scenario.sensitive_share:.0%}"
    return [{"input": _SCENARIO_LABELS[k], "value": "none" if v is None else _value(v)} for k, v in data.items()]


def _figures(report: DecisionReport, costs: CostReport | None) -> list[tuple[str, go.Figure]]:
    decision = report.decision
    result = report.result or assess(decision.scenario, decision.weights, report.evidence, decision.costs)
    figures = [("Scores", option_scores(result)), ("How each factor pushed", factor_contributions(result))]
    if costs is not None:
        figures.append(("Monthly cost by volume", cost_curves_figure(cost_curves(decision.scenario, costs), costs)))
        figures.append((f"Cumulative cost over {decision.scenario.horizon_months} months", tco_figure(tco_curves(decision.scenario, costs))))
    return figures


# --- HTML --------------------------------------------------------------------------------

# Charts are drawn as wide as their box when the page opens and keep that width in print, so
# the box is never wider than A4's printable width (210 mm less the 12 mm margins of @page).
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;max-width:1100px;margin:2rem auto;padding:0 1.2rem;line-height:1.45}
h1{font-size:1.9rem;margin-bottom:.2rem}h2{border-bottom:2px solid #e4e7eb;padding-bottom:.2rem;margin-top:2.2rem}
.meta{color:#52606d}.answer{font-size:1.5rem;background:#f0f4f8;border-left:6px solid #0072B2;padding:.8rem 1rem;margin:1rem 0}
.warn{background:#fff4e5;border-left:6px solid #D55E00;padding:.5rem 1rem;margin:.5rem 0}
.table-box{overflow-x:auto;max-width:100%;margin:.6rem 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border:1px solid #d9e2ec;padding:.3rem .5rem;text-align:left;vertical-align:top}
th,td{min-width:4.5rem;overflow-wrap:anywhere}td.num{min-width:0}
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:normal}.chart{break-inside:avoid;margin:.5rem 0 1.5rem}
.chart{max-width:186mm}.chart .js-plotly-plot,.chart .plotly-graph-div{max-width:100%}
footer{margin-top:3rem;color:#7b8794;font-size:.85rem}
@page{margin:14mm 12mm}
@media print{body{margin:0;max-width:none;padding:0}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}
.table-box{overflow:visible}table{table-layout:fixed;font-size:.72rem}th,td{min-width:0;padding:.2rem .3rem}
a{color:inherit}}
"""
# A source cell is mostly web addresses: each shows as its site, linked, so a table of them fits
# the page (the full address is the link's target, in the HTML and in the PDF).
_URL = re.compile(r"https?://[^\s,;()<>\"']+")


def _linked(escaped: str) -> str:
    return _URL.sub(lambda url: f"<a href='{url.group(0)}'>{urlsplit(html.unescape(url.group(0))).netloc}</a>", escaped)


def _html_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>None.</p>"
    columns = list(dict.fromkeys(key for row in rows for key in row))
    head = "".join(f"<th>{html.escape(str(c).replace('_', ' '))}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            opening = "<td class='num'>" if numeric else "<td>"
            cells.append(f"{opening}{_linked(html.escape(_value(value)))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    # Its own scroll box: a wide table scrolls there, never the whole page.
    return f"<div class='table-box'><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


def _money(value: float) -> str:
    return f"${value:,.2f}"


def headline(rec: dict[str, Any]) -> str:
    """The answer in one line, worded and rounded as the Recommendation page words it."""
    line = f"Recommendation: {rec['winner_label']} ({rec['score_text'][rec['winner_label']]}/100)"
    if rec["runner_up"]:
        line += f"; runner-up {rec['runner_up']} at {rec['score_text'][rec['runner_up']]}, {rec['margin_text']} points behind"
    return line


def _cost_rows(c: dict[str, Any]) -> list[dict[str, str]]:
    return [
        *[{"option": f"Cloud: {m['model']}" + (" (your prices)" if m["your_prices"] else ""), "monthly": _money(m["monthly_usd"]),
           "per request": f"${m['per_request_usd']:.6f}"} for m in c["cloud"]],
        {"option": f"Local: {counted(c['local']['gpus'], 'GPU')}, {counted(c['local']['servers'], 'server')}", "monthly": _money(c["local"]["monthly_usd"]), "per request": ""},
        {"option": f"Hybrid: {c['hybrid']['local_share']:.0%} local, rest on {c['hybrid']['cloud_model']}", "monthly": _money(c["hybrid"]["monthly_usd"]), "per request": ""},
    ]


def _price_rows(c: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"model": m["model"], "input $/1M": m["input_per_mtok"], "output $/1M": m["output_per_mtok"],
             "source": "your prices" if m["your_prices"] else ", ".join(m["sources"]) or "price data", "data as of": m["price_data"]}
            for m in c["cloud"]]


def _weight_rows(report: DecisionReport) -> list[dict[str, Any]]:
    return [{"factor": k, "weight": v} for k, v in report.decision.weights.model_dump().items()]


def render_html(report: DecisionReport, costs: CostReport | None) -> str:
    """One self-contained HTML page: the answer, why, the costs, the charts and every assumption."""
    rec = report.recommendation
    parts: list[str] = []
    esc = html.escape
    parts.append(f"<h1>{esc(report.title)}</h1>")
    meta = [f"Decision report from Crossover {esc(report.crossover_version)}", esc(report.generated_at)]
    if report.owner:
        meta.append(f"owner: {esc(report.owner)}")
    parts.append(f"<p class='meta'>{' · '.join(meta)}</p>")
    if report.notes:
        parts.append(f"<p>{esc(report.notes)}</p>")
    parts.append(f"<div class='answer'>{esc(headline(rec))}</div>")
    for excluded in rec["excluded"]:
        parts.append(f"<div class='warn'><strong>{esc(excluded['option'])} is ruled out.</strong> {esc(excluded['reason'])}</div>")
    for note in rec.get("notes", []):
        parts.append(f"<div class='warn'>{esc(note)}</div>")
    if rec["deciding"]:
        parts.append("<h2>Why</h2><ul>" + "".join(
            f"<li><strong>{esc(d['factor'])}</strong>: {esc(d['text'])}. {esc(d['reason'])}</li>"
            for d in rec["deciding"]) + "</ul>")
    parts.append("<h2>What would change the answer</h2><ul>" + "".join(
        f"<li>{esc(s)}</li>" for s in rec["what_would_change"]) + "</ul>" if rec["what_would_change"]
        else "<h2>What would change the answer</h2><p>No single change of one input flips it.</p>")

    parts.append("<h2>Charts</h2>")
    for index, (caption, figure) in enumerate(_figures(report, costs)):
        chart = figure.to_html(full_html=False, include_plotlyjs=index == 0, config={"displaylogo": False, "responsive": True})
        parts.append(f"<div class='chart'><h3>{esc(caption)}</h3>{chart}</div>")

    parts.append("<h2>Monthly cost</h2>")
    if report.costs:
        c = report.costs
        parts.append(f"<p>At {c['requests_per_month']:,} requests a month, {c['tokens_per_request']:,} tokens each.</p>")
        parts.append(_html_table(_cost_rows(c)))
        parts.append("<h3>Break-even</h3><ul>" + "".join(f"<li>{esc(s)}</li>" for s in c["breakeven"]) + "</ul>")
        parts.append("<h3>Local cost, line by line</h3>" + _html_table(c["local"]["lines"]))
        if c.get("cloud_lines"):
            parts.append(f"<h3>Cloud cost, line by line: {esc(c['cloud'][0]['model'])}</h3>" + _html_table(c["cloud_lines"]))
        if c["notes"]:
            parts.append("<h3>Notes</h3><ul>" + "".join(f"<li>{esc(n)}</li>" for n in c["notes"]) + "</ul>")
        parts.append("<h3>Cloud prices and their sources</h3>" + _html_table(_price_rows(c)))
    else:
        parts.append(f"<div class='warn'>{esc(report.cost_error or 'No cost model.')}</div>")

    if report.evidence:
        e = report.evidence
        parts.append("<h2>Measured quality</h2>" + _html_table([{
            "task set": e.task_set, "tasks": e.tasks, "local": f"{e.local_backend}: {e.local_accuracy:.0%}",
            "cloud": f"{e.cloud_backend}: {e.cloud_accuracy:.0%}", "measured": e.measured_on}]))
    for table in report.extra_tables:
        parts.append(f"<h2>{esc(table.title)}</h2>" + (f"<p>{esc(table.intro)}</p>" if table.intro else "") + _html_table(table.rows))
        if table.figure is not None:  # plotly.js is already on the page, with the first chart above
            chart = go.Figure(table.figure).to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True})
            parts.append(f"<div class='chart'>{chart}</div>")

    parts.append("<h2>Every assumption</h2><h3>The workload</h3>" + _html_table(scenario_rows(report.decision.scenario)))
    parts.append("<h3>How much each factor counts</h3>" + _html_table(_weight_rows(report)))
    if report.resolved_assumptions:
        parts.append("<h3>Cost assumptions (as the cost model used them)</h3>" + _html_table(
            [{"assumption": k, "value": _value(v)} for k, v in report.resolved_assumptions.items()]))
    parts.append(f"<footer>Crossover {esc(report.crossover_version)} · prices: "
                 f"{esc(report.costs['price_data_version'] if report.costs else 'n/a')} · generated {esc(report.generated_at)}. "
                 "Catalog figures for GPUs and open models are planning figures with their sources; check current prices before you buy.</footer>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{esc(report.title)}</title>"
            f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")


# --- Markdown ----------------------------------------------------------------------------

def _md_cell(value: Any) -> str:
    # Cells hold names, model references, prompts and answers: text, never Markdown.
    return plain(_value(value))


def _md_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "None.\n"
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(str(c).replace("_", " ") for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render_markdown(report: DecisionReport) -> str:
    """The report as Markdown, for wikis and pull requests (no charts)."""
    rec = report.recommendation
    out = [f"# {plain(report.title)}", "", f"_Decision report from Crossover {report.crossover_version}, {report.generated_at}"
           + (f", owner: {plain(report.owner)}" if report.owner else "") + "_", ""]
    if report.notes:
        out += [plain(report.notes, multiline=True), ""]
    out += [f"**{headline(rec)}**", ""]
    out += [f"> **{e['option']} is ruled out.** {plain(e['reason'])}" for e in rec["excluded"]]
    out += [f"> {plain(note)}" for note in rec.get("notes", [])]
    out += ["", "## Scores", "", _md_table([{"option": k, "score": v} for k, v in rec["score_text"].items()])]
    if rec["deciding"]:
        out += ["## Why", ""] + [f"- **{d['factor']}**: {d['text']}. {d['reason']}" for d in rec["deciding"]] + [""]
    out += ["## What would change the answer", ""] + ([f"- {s}" for s in rec["what_would_change"]] or ["- No single change of one input flips it."]) + [""]
    if report.costs:
        c = report.costs
        out += ["## Monthly cost", "", f"At {c['requests_per_month']:,} requests a month, {c['tokens_per_request']:,} tokens each.", ""]
        out.append(_md_table(_cost_rows(c)))
        out += ["### Break-even", ""] + [f"- {s}" for s in c["breakeven"]] + [""]
        out += ["### Local cost, line by line", "", _md_table(c["local"]["lines"])]
        if c.get("cloud_lines"):
            out += [f"### Cloud cost, line by line: {plain(c['cloud'][0]['model'])}", "", _md_table(c["cloud_lines"])]
        out += ["### Cloud prices and their sources", "", _md_table(_price_rows(c))]
        out += [f"- Note: {n}" for n in c["notes"]] + [""]
    else:
        out += ["## Monthly cost", "", plain(report.cost_error) if report.cost_error else "No cost model.", ""]
    if report.evidence:
        e = report.evidence
        out += ["## Measured quality", "", f"{plain(e.local_backend)} {e.local_accuracy:.0%} vs {plain(e.cloud_backend)} {e.cloud_accuracy:.0%} "
                f"on {plain(e.task_set)} ({e.tasks} tasks, {e.measured_on}).", ""]
    for table in report.extra_tables:
        out += [f"## {plain(table.title)}", ""] + ([plain(table.intro), ""] if table.intro else []) + [_md_table(table.rows)]
    out += ["## Every assumption", "", "### The workload", "", _md_table(scenario_rows(report.decision.scenario))]
    out += ["### How much each factor counts", "", _md_table(_weight_rows(report))]
    if report.resolved_assumptions:
        out += ["### Cost assumptions (as the cost model used them)", "",
                _md_table([{"assumption": k, "value": v} for k, v in report.resolved_assumptions.items()])]
    return "\n".join(out).rstrip() + "\n"


def render_json(report: DecisionReport) -> str:
    """The report as indented JSON (the decision itself included, so it can be imported again)."""
    return json.dumps(report.as_json(), indent=2)
