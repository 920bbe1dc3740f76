"""The decision report's content: one object the HTML, Markdown and JSON renderings share.

Everything a reader needs to check the answer is in it: every input, every weight, every
resolved cost assumption, the price sources with their dates, and (when the session has
them) playground runs, blind votes and the measured quality gap.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from pydantic import BaseModel, Field

from advisor.assess import assess
from advisor.labels import FACTOR_LABELS, OPTION_LABELS, lead_text, score_text
from advisor.providers import (
    FACT_FIELDS,
    compatibility,
    offerings_for_model,
    privacy_verdict,
    providers_note,
)
from advisor.scoring import OPTIONS, QualityEvidence, Recommendation
from advisor.what_if import what_would_change
from calculators import CostInputError, CostReport, UnknownCloudModel, cost_report
from calculators.rate_limits import RateLimitCheck
from decisions.document import Decision
from scenario import Scenario

__all__ = ["DEFAULT_TITLE", "DecisionReport", "ReportTable", "build_report", "with_cover"]

DEFAULT_TITLE = "Where should this workload run?"


class ReportTable(BaseModel):
    """A titled table of plain values (playground runs, votes, evaluation results...)."""

    title: str
    intro: str = ""
    rows: list[dict[str, Any]] = Field(default_factory=list)
    # A plotly figure (as ``Figure.to_dict()``) drawn under the table in the HTML report; not in the JSON.
    figure: dict[str, Any] | None = Field(default=None, exclude=True)


class DecisionReport(BaseModel):
    """What the exported report says, before it is drawn as HTML or Markdown."""

    title: str
    owner: str = ""
    notes: str = ""
    generated_at: str
    crossover_version: str
    decision: Decision
    recommendation: dict[str, Any]
    costs: dict[str, Any] | None
    cost_error: str | None = None
    resolved_assumptions: dict[str, Any] = Field(default_factory=dict)
    evidence: QualityEvidence | None = None
    extra_tables: list[ReportTable] = Field(default_factory=list)
    # The scored result itself, so the report's charts draw exactly what its text says.
    result: Recommendation | None = Field(default=None, exclude=True)

    def as_json(self) -> dict[str, Any]:
        """The report as JSON values (the ``.json`` export)."""
        return self.model_dump(mode="json")


def _crossover_version() -> str:
    try:
        return version("crossover")
    except PackageNotFoundError:
        return "development"


def with_cover(report: DecisionReport, *, title: str, owner: str = "", notes: str = "") -> DecisionReport:
    """The same report under this title, owner and notes, stamped now: the Report page keeps the
    computed report while these are typed, and gives it the cover at download time."""
    return report.model_copy(update={"title": title.strip() or DEFAULT_TITLE, "owner": owner, "notes": notes,
                                     "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")})


def _recommendation(scenario: Scenario, result: Recommendation, decision: Decision, evidence: QualityEvidence | None,
                    rate_limit: Callable[[Scenario], RateLimitCheck | None] | None) -> dict[str, Any]:
    deciding = result.deciding_factors() if result.runner_up else []
    return {
        "winner": result.recommendation,
        "winner_label": OPTION_LABELS[result.recommendation],
        "runner_up": OPTION_LABELS[result.runner_up] if result.runner_up else None,
        "margin": round(result.margin, 1) if result.runner_up else None,
        "margin_text": f"{result.margin:.1f}" if result.runner_up else None,
        "scores": {OPTION_LABELS[o]: round(result.scores[o], 1) for o in OPTIONS},
        # Printed from the unrounded scores, as the app and the charts print them.
        "score_text": {OPTION_LABELS[o]: score_text(result.scores[o]) for o in OPTIONS},
        "excluded": [{"option": OPTION_LABELS[e.option], "reason": e.reason} for e in result.excluded],
        "notes": list(result.notes),
        "deciding": [
            {"factor": FACTOR_LABELS[c.factor], "winner_points": round(c.points, 1), "runner_up_points": round(c.points - lead, 1),
             "lead": round(lead, 1), "reason": c.reason,
             "text": lead_text(result.recommendation, c.points, result.runner_up, c.points - lead)}
            for c, lead in deciding
        ],
        "factors": [
            {"factor": FACTOR_LABELS[c.factor], "option": OPTION_LABELS[c.option], "points": round(c.points, 2), "reason": c.reason}
            for c in result.factors
        ],
        "what_would_change": [flip.sentence for flip in what_would_change(scenario, decision.weights, evidence, decision.costs,
                                                                                 rate_limit=rate_limit)],
        "costs": result.costs.as_json() if result.costs else None,
        "latency": {o: None if (e := (result.latency or {}).get(o)) is None else
                    {"ttft_ms": round(e.ttft_ms, 1), "answer_ms": round(e.answer_ms, 1), "basis": e.basis} for o in OPTIONS},
    }


def _costs(report: CostReport) -> dict[str, Any]:
    return {
        "requests_per_month": report.requests_per_month,
        "tokens_per_request": report.tokens_per_request,
        "cloud": [
            {
                "model": c.price.label, "ref": c.price.ref, "monthly_usd": round(c.monthly_usd, 2),
                "per_request_usd": c.per_request_usd, "input_per_mtok": c.price.input_per_mtok,
                "output_per_mtok": c.price.output_per_mtok, "your_prices": c.price.overridden,
                "sources": list(c.price.source_urls), "price_data": c.price.data_version,
            }
            for c in report.cloud
        ],
        "local": {
            "monthly_usd": round(report.local.monthly_usd, 2), "gpus": report.local.gpus, "servers": report.local.servers,
            "upfront_usd": round(report.local.upfront_usd, 2),
            "lines": [{"item": line.item, "monthly_usd": round(line.monthly_usd, 2), "basis": line.basis} for line in report.local.lines],
        },
        "hybrid": {
            "monthly_usd": round(report.hybrid.monthly_usd, 2), "local_share": report.hybrid.local_share,
            "cloud_model": report.hybrid.cloud_ref, "cloud_usd": round(report.hybrid.cloud_usd, 2),
        },
        "breakeven": [b.sentence for b in report.breakeven],
        # The first cloud model's bill line by line (caching, batch, reasoning, data transfer), as the Costs page shows it.
        "cloud_lines": [{"item": line.item, "monthly_usd": round(line.monthly_usd, 2), "basis": line.basis}
                        for line in report.cloud[0].lines],
        "notes": list(report.notes),
        "price_data_version": report.price_data_version,
    }


def _privacy_facts(decision: Decision) -> list[ReportTable]:
    regulations = decision.scenario.regulations
    offerings = {o.id: o for ref in decision.costs.cloud_models for o in offerings_for_model(ref)}
    if not regulations and not offerings:
        return []
    # With rules, the one privacy verdict every page shows; without, the facts of the offerings behind the chosen models.
    verdict = privacy_verdict(decision.scenario)
    verdicts = verdict.verdicts if regulations else [compatibility(o, regulations) for o in offerings.values()]
    rows = []
    for v in verdicts:
        o = v.offering
        rows.append({
            "offering": o.name, "compatible": "yes" if v.compatible else "no", "why not": "; ".join(v.reasons),
            **{label: f"{o.fact(field).value} ({o.fact(field).source}, checked {o.fact(field).checked})"
               for field, label in FACT_FIELDS.items() if field in ("default_retention", "zero_retention", "trains_by_default",
                                                                    "hipaa_baa", "eu_residency")},
        })
    rules = ", ".join(regulations) or "no regulation"
    return [ReportTable(title="Provider privacy facts used", intro=f"Rules: {rules}. {verdict.reason} {providers_note()}", rows=rows)]


def build_report(
    decision: Decision,
    *,
    title: str = DEFAULT_TITLE,
    owner: str = "",
    notes: str = "",
    evidence: QualityEvidence | None = None,
    extra_tables: list[ReportTable] | None = None,
    rate_limit: Callable[[Scenario], RateLimitCheck | None] | None = None,
) -> tuple[DecisionReport, CostReport | None]:
    """Assemble the report; also returns the cost model's result for the charts.

    ``rate_limit`` is a load profile's rate-limit check as a function of the scenario (the
    Costs page's, when one is on): the answer and "what would change it" then count it, as the
    Recommendation page does.
    """
    scenario = decision.scenario
    result = assess(scenario, decision.weights, evidence, decision.costs, rate_limit(scenario) if rate_limit else None)
    costs: CostReport | None
    cost_error = None
    resolved: dict[str, Any] = {}
    try:
        costs = cost_report(scenario, decision.costs)
        resolved = costs.assumptions.model_dump(mode="json")
    except (CostInputError, UnknownCloudModel, KeyError) as exc:
        costs, cost_error = None, f"The cost model could not run with these assumptions: {exc.args[0] if exc.args else exc}"
    report = DecisionReport(
        title=DEFAULT_TITLE,
        generated_at="",
        crossover_version=_crossover_version(),
        decision=decision,
        recommendation=_recommendation(scenario, result, decision, evidence, rate_limit),
        costs=_costs(costs) if costs else None,
        cost_error=cost_error,
        resolved_assumptions=resolved,
        evidence=evidence,
        extra_tables=[*(t for t in (extra_tables or []) if t.rows), *_privacy_facts(decision)],
        result=result,
    )
    report = with_cover(report, title=title, owner=owner, notes=notes)
    return report, costs
