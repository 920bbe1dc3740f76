"""Every cost assumption, with defaults, in one validated model.

``None`` means "take it from the catalog or the capacity model": :func:`resolve` fills
those in, so what the cost model computes with is always explicit and can be shown.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from calculators.catalog import (
    Quantisation,
    estimated_tokens_per_second,
    get_gpu,
    get_open_model,
    gpus_needed_to_fit,
)
from calculators.cloud_prices import PriceOverride
from calculators.errors import CostInputError

__all__ = ["HOURS_PER_MONTH", "CostAssumptions", "Payment", "Schedule", "parse_assumptions", "resolve"]

Payment = Literal["rent", "own"]
Schedule = Literal["always_on", "business_hours"]
# 24 h x 365 / 12; business hours: 10 h on 22 working days.
HOURS_PER_MONTH: dict[Schedule, float] = {"always_on": 730.0, "business_hours": 220.0}

_Money = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
_Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
# Names come from links and imports anyone can write: bounded, so one decision stays small.
_Ref = Annotated[str, Field(min_length=1, max_length=120)]
_Id = Annotated[str, Field(min_length=1, max_length=64)]


class CostAssumptions(BaseModel):
    """What the cost model assumes beyond the scenario. All money in USD."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Cloud
    cloud_models: Annotated[list[_Ref], Field(min_length=1, max_length=8)] = Field(
        default_factory=lambda: ["openai:gpt-4o", "openai:gpt-4o-mini", "anthropic:claude-sonnet-4-5"]
    )
    price_overrides: Annotated[dict[_Ref, PriceOverride], Field(max_length=16)] = Field(default_factory=dict)
    cached_input_share: _Share = 0.0
    cloud_price_scale: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] = 1.0

    # Local: what runs, on what
    open_model_id: _Id = "llama-3.1-8b"
    quantisation: Quantisation = "fp16"
    gpu_id: _Id = "l40s"
    payment: Payment = "rent"
    schedule: Schedule = "always_on"
    hours_per_month: Annotated[float, Field(gt=0, le=744, allow_inf_nan=False)] | None = None
    gpu_hourly_usd: _Money | None = None
    gpu_purchase_usd: _Money | None = None
    gpu_power_w: Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)] | None = None
    gpus_fixed: Annotated[int, Field(ge=1, le=100_000)] | None = None
    gpus_per_replica: Annotated[int, Field(ge=1, le=64)] | None = None

    # Local: capacity
    throughput_tokens_per_s: Annotated[float, Field(gt=0, le=1e7, allow_inf_nan=False)] | None = None
    concurrent_sequences: Annotated[int, Field(ge=1, le=1024)] = 16
    peak_to_average: Annotated[float, Field(ge=1, le=50, allow_inf_nan=False)] = 2.0
    utilisation_target: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.6
    input_token_weight: _Share = 0.1

    # Local: owning
    depreciation_months: Annotated[int, Field(ge=1, le=120)] = 36
    pue: Annotated[float, Field(ge=1, le=3, allow_inf_nan=False)] = 1.4
    kwh_usd: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = 0.15
    maintenance_share_yearly: _Share = 0.10

    # Local: people and fixed costs
    staff_fte: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = 0.5
    staff_salary_yearly_usd: _Money = 158_000.0
    staff_monthly_usd: _Money | None = None
    infra_monthly_usd: _Money = 500.0

    # Hybrid
    local_share: _Share | None = None


def parse_assumptions(data: dict) -> CostAssumptions:
    """Validate a dict into :class:`CostAssumptions`, naming the fields that are wrong.

    Raises:
        CostInputError: one line per problem.
    """
    try:
        return CostAssumptions.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].lower()}" for e in exc.errors()]
        raise CostInputError("; ".join(problems)) from None


def resolve(assumptions: CostAssumptions, context_tokens: int, sensitive_share: float) -> CostAssumptions:
    """Fill every ``None`` from the catalogs and the capacity estimate.

    Args:
        assumptions: What the user set.
        context_tokens: Tokens one request holds (input + output), for the KV cache.
        sensitive_share: The scenario's sensitive share, the default local share of hybrid.

    Raises:
        CostInputError: when a catalog id is unknown.
    """
    try:
        gpu = get_gpu(assumptions.gpu_id)
        model = get_open_model(assumptions.open_model_id)
    except KeyError as exc:
        raise CostInputError(exc.args[0]) from None
    per_replica = assumptions.gpus_per_replica or gpus_needed_to_fit(
        model, assumptions.quantisation, gpu, max(context_tokens, 1), assumptions.concurrent_sequences
    )
    throughput = assumptions.throughput_tokens_per_s or estimated_tokens_per_second(
        model, assumptions.quantisation, gpu, per_replica, assumptions.concurrent_sequences
    )
    return assumptions.model_copy(
        update={
            "hours_per_month": assumptions.hours_per_month or HOURS_PER_MONTH[assumptions.schedule],
            "gpu_hourly_usd": assumptions.gpu_hourly_usd if assumptions.gpu_hourly_usd is not None else gpu.rent_usd_per_hour,
            "gpu_purchase_usd": assumptions.gpu_purchase_usd if assumptions.gpu_purchase_usd is not None else gpu.purchase_usd,
            "gpu_power_w": assumptions.gpu_power_w if assumptions.gpu_power_w is not None else gpu.power_w,
            "gpus_per_replica": per_replica,
            "throughput_tokens_per_s": throughput,
            "staff_monthly_usd": (
                assumptions.staff_monthly_usd
                if assumptions.staff_monthly_usd is not None
                else assumptions.staff_fte * assumptions.staff_salary_yearly_usd / 12
            ),
            "local_share": assumptions.local_share if assumptions.local_share is not None else sensitive_share,
        }
    )
