"""Two to four decisions side by side: outcomes, costs, break-even and the inputs that differ."""

from __future__ import annotations

from typing import Any

import pandas as pd

from advisor.assess import assess
from advisor.labels import OPTION_LABELS, score_text
from advisor.scoring import OPTIONS
from calculators import CostInputError, UnknownCloudModel, cost_report
from calculators.options import option_costs
from decisions.document import Decision
from decisions.report_render import scenario_rows

__all__ = ["MAX_COMPARED", "compare_inputs", "compare_outcomes"]

MAX_COMPARED = 4


def _check(named: list[tuple[str, Decision]]) -> None:
    if not 2 <= len(named) <= MAX_COMPARED:
        raise ValueError(f"compare 2 to {MAX_COMPARED} scenarios, not {len(named)}")


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.0f}"


def compare_outcomes(named: list[tuple[str, Decision]]) -> pd.DataFrame:
    """One column a scenario: the answer, the scores, monthly cost per option and break-even."""
    _check(named)
    columns: dict[str, list[str]] = {}
    index = ["Recommendation", *[f"Score: {OPTION_LABELS[o]}" for o in OPTIONS], "Runner-up margin",
             "Monthly cost: cloud", "Monthly cost: local", "Monthly cost: hybrid", "Break-even (requests/month)", "Cheapest at this volume"]
    for name, decision in named:
        result = assess(decision.scenario, decision.weights, assumptions=decision.costs)
        ruled_out = {e.option for e in result.excluded}
        values: list[str] = [OPTION_LABELS[result.recommendation]]
        values += ["ruled out" if o in ruled_out else score_text(result.scores[o]) for o in OPTIONS]
        values.append(f"{result.margin:.1f} points" if result.runner_up else "n/a")
        try:
            costs = cost_report(decision.scenario, decision.costs)
            cloud = costs.cloud[0]
            be = costs.breakeven[0].requests_per_month
            cheapest = option_costs(costs).cheapest  # the same cheapest option the Recommendation cites
            values += [f"{_money(cloud.monthly_usd)} ({cloud.price.label})", _money(costs.local.monthly_usd), _money(costs.hybrid.monthly_usd),
                       "never below 1T tokens" if be is None else f"{be:,.0f}", OPTION_LABELS[cheapest]]
        except (CostInputError, UnknownCloudModel, KeyError) as exc:
            values += [f"cost model: {exc.args[0] if exc.args else exc}"] + ["n/a"] * 4
        columns[_unique(name, columns)] = values
    return pd.DataFrame(columns, index=index)


def _unique(name: str, taken: dict[str, Any]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate


def compare_inputs(named: list[tuple[str, Decision]]) -> pd.DataFrame:
    """Every input (scenario, weights, cost assumptions set), one column a scenario, plus ``differs``."""
    _check(named)
    columns: dict[str, dict[str, str]] = {}
    for name, decision in named:
        values = {f"Workload: {row['input']}": row["value"] for row in scenario_rows(decision.scenario)}
        values |= {f"Weight: {factor}": f"{weight:g}" for factor, weight in decision.weights.model_dump().items()}
        costs = decision.costs.model_dump(mode="json")
        values |= {f"Cost: {field}": "from catalog" if value is None else _plain(value) for field, value in costs.items()}
        columns[_unique(name, columns)] = values
    frame = pd.DataFrame(columns)
    frame["differs"] = frame.nunique(axis=1, dropna=False) > 1
    return frame


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
