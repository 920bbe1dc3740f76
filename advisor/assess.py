"""The recommendation every face shows: scoring fed with the cost model's and the latency figures.

``advisor.scoring.recommend`` stays pure; this is the one place that runs the cost model at
the scenario's volume and the current cost assumptions, and estimates latency per option,
so the Checklist, the Recommendation page, the sidebar, Compare, the report and
``crossover recommend`` all cite the same numbers as the Costs page.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from advisor.scoring import QualityEvidence, Recommendation, Weights, recommend
from calculators import CostAssumptions, CostInputError, UnknownCloudModel, cost_report
from calculators.latency import option_latency
from calculators.options import OptionCosts, option_costs
from calculators.rate_limits import RateLimitCheck
from scenario import Scenario

__all__ = ["Assessed", "assess", "cost_inputs"]


class Assessed(BaseModel):
    """What the scoring was fed with: the cost model's figures and latency, or why not."""

    model_config = ConfigDict(frozen=True)

    costs: OptionCosts | None
    latency: dict | None
    cost_error: str | None = None


def cost_inputs(scenario: Scenario, assumptions: CostAssumptions | None = None) -> Assessed:
    """The cost model's monthly figures and the latency estimates for one scenario."""
    assumptions = assumptions or CostAssumptions()
    try:
        return Assessed(costs=option_costs(cost_report(scenario, assumptions)), latency=option_latency(scenario, assumptions))
    except (CostInputError, UnknownCloudModel) as exc:
        # Bad assumptions must not hide the answer: score on the rules of thumb and say why.
        return Assessed(costs=None, latency=None, cost_error=str(exc.args[0] if exc.args else exc))


def assess(scenario: Scenario, weights: Weights | None = None, evidence: QualityEvidence | None = None,
           assumptions: CostAssumptions | None = None, rate_limit: RateLimitCheck | None = None) -> Recommendation:
    """Score the scenario with the cost model's figures and the latency check (and a load profile's rate-limit
    check when there is one), as every page shows it."""
    inputs = cost_inputs(scenario, assumptions)
    result = recommend(scenario, weights, evidence, inputs.costs, inputs.latency, rate_limit)
    if inputs.cost_error:
        result = result.model_copy(update={"notes": [*result.notes, f"The cost model could not run ({inputs.cost_error}): "
                                                     "the volume and latency factors use the articles' rules of thumb."]})
    return result
