"""What one measured request cost: cloud from the price data, local from the cost model."""

from __future__ import annotations

from advisor.scenario import Scenario
from calculators import CostAssumptions, UnknownCloudModel, lookup_price, price_per_request
from calculators.report import prepare
from inference.registry import BackendConfig
from inference.types import RunResult

__all__ = ["request_cost"]


def request_cost(result: RunResult, config: BackendConfig, scenario: Scenario, assumptions: CostAssumptions) -> tuple[float | None, str]:
    """The cost of the request ``result`` measured, and how it was worked out.

    Cloud: the request's own token counts at the price data's prices. Local: the marginal
    cost of those tokens on capacity priced by the cost model's assumptions (GPU, rent or
    ownership, throughput, utilisation). A self-hosted OpenAI-compatible server has no
    per-token price.
    """
    if result.input_tokens is None or result.output_tokens is None:
        return None, "no token counts"
    if config.kind == "local":
        _, _, units = prepare(scenario, assumptions)
        cost = units.marginal_cost_usd(result.input_tokens, result.output_tokens)
        return cost, "marginal cost on the cost model's local hardware"
    if config.kind == "openai" and config.base_url and "api.openai.com" not in config.base_url:
        return None, "self-hosted server: no per-token price"
    ref = f"{config.kind}:{config.model}"
    try:
        price = lookup_price(ref, assumptions.price_overrides.get(ref))
    except UnknownCloudModel:
        return None, f"no price data for {ref}"
    return price_per_request(price, result.input_tokens, result.output_tokens), f"{price.data_version}, {ref}"
