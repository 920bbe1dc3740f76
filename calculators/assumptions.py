"""Every cost assumption, with defaults, in one validated model.

``None`` means "take it from the catalog or the capacity model": :func:`resolve` fills
those in, so what the cost model computes with is always explicit and can be shown.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from calculators.catalog import ASSETS_DIR, Quantisation, get_gpu, get_open_model
from calculators.cloud_prices import PriceOverride
from calculators.errors import CostInputError
from calculators.serving import Constants, KvPrecision, OperatingPoint, Setup, operating_point
from calculators.setups import check_setup

__all__ = [
    "HOURS_PER_MONTH",
    "CostAssumptions",
    "Payment",
    "Schedule",
    "parse_assumptions",
    "resolve",
    "serving_point",
    "serving_targets",
]

Payment = Literal["rent", "own"]
Schedule = Literal["always_on", "business_hours"]
# 24 h x 365 / 12; business hours: 10 h on 22 working days.
HOURS_PER_MONTH: dict[Schedule, float] = {"always_on": 730.0, "business_hours": 220.0}

_Money = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
_Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
# Names come from links and imports anyone can write: bounded, so one decision stays small.
_Ref = Annotated[str, Field(min_length=1, max_length=120)]
_Id = Annotated[str, Field(min_length=1, max_length=64)]


@cache
def egress_default_usd_per_gb() -> float:
    """The local option's default internet egress price per GB (the sourced figure in assets/bill_rules.json)."""
    rules = json.loads((ASSETS_DIR / "bill_rules.json").read_text(encoding="utf-8"))
    return float(rules["data_transfer"]["local_default_usd_per_gb"])


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
    kv_precision: KvPrecision = "fp16"
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
    # Generated tokens/s of one replica at the scenario's request shape; None: the step model's.
    throughput_tokens_per_s: Annotated[float, Field(gt=0, le=1e7, allow_inf_nan=False)] | None = None
    # Requests in flight per replica; None: the largest the latency targets and memory allow.
    concurrent_sequences: Annotated[int, Field(ge=1, le=4096)] | None = None
    # Time to first token target; None: the scenario's p95 latency (see serving_targets).
    ttft_target_ms: Annotated[float, Field(gt=0, le=600_000, allow_inf_nan=False)] | None = None
    tpot_target_ms: Annotated[float, Field(gt=0, le=60_000, allow_inf_nan=False)] | None = None
    peak_to_average: Annotated[float, Field(ge=1, le=50, allow_inf_nan=False)] = 2.0
    utilisation_target: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.6
    # What a prompt token costs against a generated one; None: from the step model's prefill
    # time at the operating point (it was a fixed 0.1 before the step model).
    input_token_weight: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None

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

    # The whole bill (calculators/whole_bill.py). Every default is zero or "none", so saved
    # decisions and the articles' worked example cost what they did.
    # Tokens every prompt shares at its start, measured from the team's prompts; None: the
    # manual ``cached_input_share`` above applies instead of each provider's caching rules.
    shared_prefix_tokens: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    shared_prefix_source: Annotated[str, Field(max_length=200)] | None = None
    cache_lifetime: Literal["5m", "1h"] = "5m"
    # Hidden reasoning tokens per visible output token, billed as output.
    # None: each model family's sourced default (assets/bill_rules.json); a number (typed, or measured
    # in the Playground) applies to every model that reasons.
    reasoning_multiple: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    licence_per_gpu_year_usd: _Money = 0.0
    egress_gb_month: Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)] = 0.0
    # Default: a cloud's published internet egress price (assets/bill_rules.json, "data_transfer").
    egress_usd_per_gb_local: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = Field(
        default_factory=lambda: egress_default_usd_per_gb())
    # Default 0: cloud LLM APIs bill tokens, not the bytes of their responses (assets/bill_rules.json).
    egress_usd_per_gb_cloud: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = 0.0
    # Reliability and security: a share on top of local's cost, and/or an expected loss.
    risk_premium_share: _Share = 0.0
    outage_hours_month: Annotated[float, Field(ge=0, le=744, allow_inf_nan=False)] = 0.0
    outage_cost_per_hour_usd: _Money = 0.0
    incident_probability_yearly: _Share = 0.0
    incident_cost_usd: _Money = 0.0


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


def serving_targets(assumptions: CostAssumptions, latency_p95_ms: int) -> tuple[float, float | None]:
    """(TTFT target, TPOT target) in seconds.

    The checklist's p95 latency is how fast a response must *start*: it sets cloud APIs at
    0.5-2 s and local models at 50-200 ms, which are time-to-first-token figures. Holding
    a whole streamed answer of hundreds of tokens to it would rule out every setup, cloud
    included. So it is the TTFT target unless one is set; TPOT has a target only when set.
    """
    ttft = (assumptions.ttft_target_ms or latency_p95_ms) / 1000
    tpot = assumptions.tpot_target_ms / 1000 if assumptions.tpot_target_ms is not None else None
    return ttft, tpot


def serving_point(assumptions: CostAssumptions, input_tokens: int, output_tokens: int, latency_p95_ms: int,
                  gpus_per_replica: int | None = None, constants: Constants = Constants()) -> OperatingPoint:
    """The step model's operating point for these assumptions (GPUs per replica checked or chosen).

    Raises:
        CostInputError: unknown ids, a tensor-parallel size the model cannot use, or a model
            that does not fit; each names what would work.
    """
    try:
        gpu = get_gpu(assumptions.gpu_id)
        model = get_open_model(assumptions.open_model_id)
    except KeyError as exc:
        raise CostInputError(exc.args[0]) from None
    context = input_tokens + output_tokens
    per_replica = check_setup(model, gpu, assumptions.quantisation, assumptions.kv_precision, context,
                              gpus_per_replica or assumptions.gpus_per_replica)
    ttft, tpot = serving_targets(assumptions, latency_p95_ms)
    setup = Setup(model, gpu, assumptions.quantisation, assumptions.kv_precision, per_replica)
    return operating_point(setup, input_tokens, output_tokens, concurrency=assumptions.concurrent_sequences,
                           ttft_target_s=ttft, tpot_target_s=tpot, constants=constants)


def resolve(assumptions: CostAssumptions, input_tokens: int, output_tokens: int, latency_p95_ms: int,
            sensitive_share: float) -> CostAssumptions:
    """Fill every ``None`` from the catalogs and the step model (calculators/serving.py).

    Args:
        assumptions: What the user set.
        input_tokens / output_tokens: One request's shape (the KV cache holds both).
        latency_p95_ms: The scenario's latency target (see :func:`serving_targets`).
        sensitive_share: The scenario's sensitive share, the default local share of hybrid.

    Raises:
        CostInputError: when a catalog id is unknown or the model does not fit.
    """
    point = serving_point(assumptions, input_tokens, output_tokens, latency_p95_ms)
    gpu = get_gpu(assumptions.gpu_id)
    return assumptions.model_copy(
        update={
            "hours_per_month": assumptions.hours_per_month or HOURS_PER_MONTH[assumptions.schedule],
            "gpu_hourly_usd": assumptions.gpu_hourly_usd if assumptions.gpu_hourly_usd is not None else gpu.rent_usd_per_hour,
            "gpu_purchase_usd": assumptions.gpu_purchase_usd if assumptions.gpu_purchase_usd is not None else gpu.purchase_usd,
            "gpu_power_w": assumptions.gpu_power_w if assumptions.gpu_power_w is not None else gpu.power_w,
            "gpus_per_replica": point.gpus_per_replica,
            "throughput_tokens_per_s": assumptions.throughput_tokens_per_s or point.output_tokens_per_s,
            "input_token_weight": (
                assumptions.input_token_weight if assumptions.input_token_weight is not None else point.input_token_weight
            ),
            "staff_monthly_usd": (
                assumptions.staff_monthly_usd
                if assumptions.staff_monthly_usd is not None
                else assumptions.staff_fte * assumptions.staff_salary_yearly_usd / 12
            ),
            "local_share": assumptions.local_share if assumptions.local_share is not None else sensitive_share,
        }
    )
