"""What one measured request cost: cloud from the price data, local from the cost model.

It knows runs only by their token counts and backend kind (two protocols), so the cost
model stays free of the inference package.
"""

from __future__ import annotations

from typing import Protocol

from calculators.assumptions import CostAssumptions
from calculators.cloud_prices import lookup_price, price_per_request
from calculators.errors import UnknownCloudModel
from calculators.report import prepare
from scenario import Scenario

__all__ = ["MeasuredTokens", "PricedBackend", "request_cost"]


class MeasuredTokens(Protocol):
    """What a measured run reports about its size (an ``inference.RunResult`` is one)."""

    @property
    def input_tokens(self) -> int | None: ...
    @property
    def output_tokens(self) -> int | None: ...


class PricedBackend(Protocol):
    """Where a run went (an ``inference.BackendConfig`` is one): enough to find its price."""

    @property
    def kind(self) -> str: ...
    @property
    def model(self) -> str | None: ...
    @property
    def base_url(self) -> str | None: ...


def request_cost(result: MeasuredTokens, config: PricedBackend, scenario: Scenario, assumptions: CostAssumptions) -> tuple[float | None, str]:
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
