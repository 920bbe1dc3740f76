"""Monthly cost of cloud, local and hybrid for one scenario, with the break-even volumes."""

from __future__ import annotations

import dataclasses
import math
from typing import Literal

import numpy as np
from pydantic import BaseModel

from calculators.assumptions import CostAssumptions, resolve, serving_point
from calculators.breakeven import TOKEN_CEILING, breakeven_requests
from calculators.capacity import CapacityEstimate, capacity_estimate
from calculators.catalog import get_gpu, get_open_model
from calculators.cloud_prices import CloudPrice, lookup_price, price_data_version
from calculators.local_costs import LocalUnitCosts, local_gpus, local_monthly_usd, local_unit_costs
from calculators.serving import OperatingPoint, Setup
from calculators.whole_bill import RequestBill, cloud_request_bill, model_reasons, reasoning_default, reasoning_note
from scenario import Scenario

__all__ = [
    "BreakEven",
    "CloudCost",
    "CostLine",
    "CostReport",
    "HybridCost",
    "LocalCost",
    "cost_report",
    "local_serving_point",
    "option_lines",
    "prepare",
]


class CostLine(BaseModel):
    """One row of a cost breakdown."""

    item: str
    monthly_usd: float
    basis: str


class CloudCost(BaseModel):
    """One cloud model at the scenario's volume; ``lines`` (a month) add up to ``monthly_usd``."""

    price: CloudPrice
    per_request_usd: float
    monthly_usd: float
    lines: list[CostLine] = []
    cached_tokens: int = 0
    cache_hit_rate: float = 0.0


class LocalCost(BaseModel):
    """Self-hosting at a given volume."""

    monthly_usd: float
    gpus: int
    replicas: int
    servers: int
    capacity_requests_per_month: float | None
    lines: list[CostLine]
    upfront_usd: float


class HybridCost(BaseModel):
    """A share of requests kept local, the rest sent to the first cloud model."""

    monthly_usd: float
    local_share: float
    local_requests_per_month: int
    cloud_requests_per_month: int
    cloud_ref: str
    cloud_usd: float
    local: LocalCost


class BreakEven(BaseModel):
    """Where local starts to cost no more than one cloud model."""

    cloud_ref: str
    requests_per_month: float | None
    tokens_per_month: float | None
    stays_cheaper_from_requests: float | None
    sentence: str


OptionName = Literal["cloud", "local", "hybrid"]


class CostReport(BaseModel):
    """Everything the Costs page and ``crossover costs`` show for one scenario."""

    requests_per_month: int
    tokens_per_request: int
    assumptions: CostAssumptions
    cloud: list[CloudCost]
    local: LocalCost
    hybrid: HybridCost
    breakeven: list[BreakEven]
    capacity: CapacityEstimate
    price_data_version: str
    notes: list[str]


def with_answer_target(scenario: Scenario, assumptions: CostAssumptions) -> CostAssumptions:
    """The scenario's split latency need, passed to the capacity model.

    With a first-token target set (``ttft_ms``), the whole-answer target leaves
    (answer - first token) / output tokens for each further token: that becomes the time-per-
    output-token target replicas are sized for, unless one is set in the assumptions. Without
    it, the capacity model keeps sizing for the p95 as a first-token target alone.
    """
    if assumptions.tpot_target_ms is not None or scenario.ttft_ms is None or scenario.output_tokens_per_request <= 1:
        return assumptions
    answer = scenario.answer_p95_ms if scenario.answer_p95_ms is not None else scenario.latency_p95_ms
    per_token = (answer - scenario.ttft_ms) / (scenario.output_tokens_per_request - 1)
    if per_token <= 0:
        return assumptions  # no time left for the tokens: the latency check says so, the sizing cannot help
    return assumptions.model_copy(update={"tpot_target_ms": min(per_token, 60_000.0)})


def prepare(scenario: Scenario, assumptions: CostAssumptions) -> tuple[CostAssumptions, list[CloudPrice], LocalUnitCosts]:
    """Resolve assumptions, look up every chosen cloud price, and build the local unit costs."""
    resolved = resolve(
        with_answer_target(scenario, assumptions),
        scenario.input_tokens_per_request,
        scenario.output_tokens_per_request,
        scenario.first_token_target_ms,
        scenario.sensitive_share,
    )
    prices = [lookup_price(ref, resolved.price_overrides.get(ref)) for ref in resolved.cloud_models]
    units = local_unit_costs(resolved, scenario.input_tokens_per_request, scenario.output_tokens_per_request,
                             scenario.requests_per_month)
    return resolved, prices, units


def cloud_bill(scenario: Scenario, assumptions: CostAssumptions, price: CloudPrice) -> RequestBill:
    """One request of the scenario's shape on a cloud model, line by line (calculators/whole_bill.py)."""
    return cloud_request_bill(price, scenario.input_tokens_per_request, scenario.output_tokens_per_request,
                              scenario.requests_per_month, scenario.batch_share, assumptions)


def cloud_per_request(scenario: Scenario, assumptions: CostAssumptions, price: CloudPrice) -> float:
    """USD one request of the scenario's shape costs on a cloud model: the sum of its bill's lines."""
    return cloud_bill(scenario, assumptions, price).total_usd


def _local_cost(volume: int, a: CostAssumptions, units: LocalUnitCosts) -> LocalCost:
    gpus = int(local_gpus(volume, units))
    gpu = get_gpu(a.gpu_id)
    lines: list[CostLine] = []
    for part, per_gpu in units.gpu_month_parts.items():
        basis = {
            "rent": f"{gpus} GPU x ${a.gpu_hourly_usd:,.2f}/h x {a.hours_per_month:,.0f} h",
            "amortisation": f"{gpus} GPU x ${a.gpu_purchase_usd:,.0f} / {a.depreciation_months} months",
            "power": f"{gpus} GPU x {a.gpu_power_w:,.0f} W x {a.hours_per_month:,.0f} h x PUE {a.pue} x ${a.kwh_usd}/kWh",
            "maintenance": f"{a.maintenance_share_yearly:.0%} of purchase a year",
            "licences": f"{gpus} GPU x ${a.licence_per_gpu_year_usd:,.0f} a GPU a year / 12",
        }[part]
        lines.append(CostLine(item=f"GPUs: {part}", monthly_usd=gpus * per_gpu, basis=basis))
    staff_basis = (
        f"{a.staff_fte:g} FTE x ${a.staff_salary_yearly_usd:,.0f}/year"
        if assumptions_staff_from_fte(a)
        else "set directly"
    )
    lines.append(CostLine(item="Staff (DevOps/MLOps)", monthly_usd=float(a.staff_monthly_usd or 0), basis=staff_basis))
    lines.append(CostLine(item="Infrastructure & monitoring", monthly_usd=a.infra_monthly_usd, basis="fixed a month"))
    lines.extend(_local_bill_lines(volume, a, units, sum(line.monthly_usd for line in lines)))
    capacity = None if math.isinf(units.requests_per_replica) else units.requests_per_replica * gpus / units.gpus_per_replica
    return LocalCost(
        monthly_usd=float(local_monthly_usd(volume, units)),
        gpus=gpus,
        replicas=max(1, gpus // units.gpus_per_replica),
        servers=math.ceil(gpus / gpu.gpus_per_server),
        capacity_requests_per_month=capacity,
        lines=lines,
        upfront_usd=gpus * units.upfront_per_gpu_usd,
    )


def _local_bill_lines(volume: int, a: CostAssumptions, units: LocalUnitCosts, subtotal: float) -> list[CostLine]:
    """Data transfer and the risk premium: the local lines the articles name beyond GPUs and people."""
    lines = []
    egress = units.per_request_usd / (1 + units.risk_share) * volume
    if egress:
        lines.append(CostLine(item="Data transfer", monthly_usd=egress,
                              basis=f"{a.egress_gb_month:,g} GB a month at ${a.egress_usd_per_gb_local:g}/GB"))
    if units.risk_share or units.expected_loss_month_usd:
        parts = [f"{units.risk_share:.0%} of ${subtotal + egress:,.0f}"] if units.risk_share else []
        if a.outage_hours_month and a.outage_cost_per_hour_usd:
            parts.append(f"outages {a.outage_hours_month:g} h x ${a.outage_cost_per_hour_usd:,.0f}/h")
        if a.incident_probability_yearly and a.incident_cost_usd:
            parts.append(f"incidents {a.incident_probability_yearly:.0%} a year x ${a.incident_cost_usd:,.0f} / 12")
        lines.append(CostLine(item="Risk premium (reliability & security)",
                              monthly_usd=units.risk_share * (subtotal + egress) + units.expected_loss_month_usd,
                              basis=" + ".join(parts)))
    return lines


def assumptions_staff_from_fte(a: CostAssumptions) -> bool:
    """True when the resolved staff cost is FTE x salary rather than a figure set directly."""
    return math.isclose(float(a.staff_monthly_usd or 0), a.staff_fte * a.staff_salary_yearly_usd / 12)


def _breakeven(scenario: Scenario, price: CloudPrice, per_request: float, units: LocalUnitCosts) -> BreakEven:
    fixed_gpus = units.gpus_fixed * units.gpu_month_usd if units.gpus_fixed is not None else None
    # Local's own cost per request (data transfer) comes off what each request saves.
    first, stays = breakeven_requests(
        per_request - units.per_request_usd, units.replica_month_usd, units.fixed_month_usd, units.requests_per_replica, fixed_gpus
    )
    first_v, stays_v = float(first), float(stays)
    tokens_per_request = scenario.input_tokens_per_request + scenario.output_tokens_per_request
    if per_request <= 0:
        return BreakEven(
            cloud_ref=price.ref, requests_per_month=None, tokens_per_month=None, stays_cheaper_from_requests=None,
            sentence=f"{price.label} costs nothing per request here, so local never gets cheaper.",
        )
    if math.isnan(first_v) or first_v * tokens_per_request > TOKEN_CEILING:
        return BreakEven(
            cloud_ref=price.ref, requests_per_month=None, tokens_per_month=None, stays_cheaper_from_requests=None,
            sentence=f"Against {price.label}, local never gets cheaper below 1T tokens a month.",
        )
    sentence = f"Against {price.label}, local costs no more from {first_v:,.0f} requests a month ({first_v * tokens_per_request:,.0f} tokens)"
    if not math.isnan(stays_v) and stays_v > first_v * 1.001:
        sentence += f" and stays cheaper from {stays_v:,.0f}"
    return BreakEven(
        cloud_ref=price.ref,
        requests_per_month=first_v,
        tokens_per_month=first_v * tokens_per_request,
        stays_cheaper_from_requests=None if math.isnan(stays_v) else stays_v,
        sentence=sentence + ".",
    )


def cost_report(scenario: Scenario, assumptions: CostAssumptions | None = None) -> CostReport:
    """Monthly cost of every option at the scenario's volume, with breakdowns and break-evens.

    Raises:
        CostInputError: an unknown catalog id.
        UnknownCloudModel: a cloud model not in the price data and without an override.
    """
    resolved, prices, units = prepare(scenario, assumptions or CostAssumptions())
    volume = scenario.requests_per_month
    cloud = []
    for price in prices:
        bill = cloud_bill(scenario, resolved, price)
        per_request = bill.total_usd
        cloud.append(CloudCost(price=price, per_request_usd=per_request, monthly_usd=per_request * volume,
                               lines=[CostLine(item=line.item, monthly_usd=line.usd * volume, basis=line.basis) for line in bill.lines],
                               cached_tokens=bill.cached_tokens, cache_hit_rate=bill.cache_hit_rate))

    local = _local_cost(volume, resolved, units)
    share = float(resolved.local_share or 0.0)
    local_requests = round(volume * share)
    hybrid_local = _local_cost(local_requests, resolved, units)
    primary = cloud[0]
    hybrid_cloud_usd = primary.per_request_usd * (volume - local_requests)
    hybrid = HybridCost(
        monthly_usd=(hybrid_local.monthly_usd if local_requests > 0 else 0.0) + hybrid_cloud_usd,
        local_share=share,
        local_requests_per_month=local_requests,
        cloud_requests_per_month=volume - local_requests,
        cloud_ref=primary.price.ref,
        cloud_usd=hybrid_cloud_usd,
        local=hybrid_local,
    )
    breakevens = [_breakeven(scenario, c.price, c.per_request_usd, units) for c in cloud]
    capacity = local_capacity(scenario, assumptions or CostAssumptions(), resolved)
    return CostReport(
        requests_per_month=volume,
        tokens_per_request=scenario.input_tokens_per_request + scenario.output_tokens_per_request,
        assumptions=resolved,
        cloud=cloud,
        local=local,
        hybrid=hybrid,
        breakeven=breakevens,
        capacity=capacity,
        price_data_version=price_data_version(),
        notes=_notes(scenario, resolved, local, cloud, units) + _capacity_notes(scenario, capacity),
    )


def option_lines(report: CostReport) -> dict[OptionName, list[CostLine]]:
    """Each option's monthly bill line by line (cloud: the first model), adding up to its headline figure.

    Hybrid is its local part's lines and its cloud part's, the cloud lines scaled to the
    requests it sends there.
    """
    first, hybrid = report.cloud[0], report.hybrid
    cloud_share = hybrid.cloud_requests_per_month / report.requests_per_month if report.requests_per_month else 0.0
    local_part = hybrid.local.lines if hybrid.local_requests_per_month > 0 else []
    return {
        "cloud": list(first.lines),
        "local": list(report.local.lines),
        "hybrid": [CostLine(item=f"Local part: {line.item}", monthly_usd=line.monthly_usd, basis=line.basis) for line in local_part]
        + [CostLine(item=f"Cloud part: {line.item}", monthly_usd=line.monthly_usd * cloud_share,
                    basis=f"{hybrid.cloud_requests_per_month:,} requests; {line.basis}") for line in first.lines],
    }


def local_serving_point(scenario: Scenario, resolved: CostAssumptions) -> OperatingPoint:
    """The step model's operating point (with its throughput-latency curve) behind the local figures."""
    return serving_point(resolved.model_copy(update={"throughput_tokens_per_s": None}), scenario.input_tokens_per_request,
                         scenario.output_tokens_per_request, scenario.first_token_target_ms)


def local_capacity(scenario: Scenario, assumptions: CostAssumptions, resolved: CostAssumptions) -> CapacityEstimate:
    """The replica's operating point behind the local figures, with its nearest published measurement."""
    point = local_serving_point(scenario, resolved)
    setup = Setup(get_open_model(resolved.open_model_id), get_gpu(resolved.gpu_id), resolved.quantisation,
                  resolved.kv_precision, point.gpus_per_replica)
    return capacity_estimate(setup, point, scenario.input_tokens_per_request, scenario.output_tokens_per_request,
                             assumptions.throughput_tokens_per_s)


def _capacity_notes(scenario: Scenario, capacity: CapacityEstimate) -> list[str]:
    notes = []
    if not capacity.meets_targets:
        notes.append(
            f"Even one request at a time misses the latency target on this setup (first token {capacity.ttft_ms:,.0f} ms, "
            f"{capacity.tpot_ms:,.1f} ms a token); it is sized at concurrency 1. Choose a faster GPU, more GPUs per replica "
            "or a smaller precision, or relax the target."
        )
    elif capacity.limited_by == "memory":
        notes.append(
            f"Memory, not compute, limits each replica: its KV cache holds {capacity.max_concurrency:,} requests of "
            f"{scenario.input_tokens_per_request + scenario.output_tokens_per_request:,} tokens."
        )
    return notes


def _notes(scenario: Scenario, a: CostAssumptions, local: LocalCost, cloud: list[CloudCost], units: LocalUnitCosts) -> list[str]:
    notes = []
    gpu = get_gpu(a.gpu_id)
    if scenario.requests_per_month == 0:
        notes.append("At 0 requests a month cloud costs nothing, while local still pays for one replica, staff and infrastructure.")
    if scenario.input_tokens_per_request + scenario.output_tokens_per_request == 0:
        notes.append("Requests carry no tokens, so cloud costs nothing and capacity is no constraint.")
    for c in cloud:
        if c.per_request_usd == 0 and scenario.input_tokens_per_request + scenario.output_tokens_per_request > 0:
            notes.append(f"{c.price.label} is free at these prices: local never gets cheaper than it.")
        if c.price.has_tiers:
            tier = c.price.tier_starts_tokens
            if tier is not None and scenario.input_tokens_per_request > tier:
                notes.append(f"{c.price.label}'s long-context tier applies: a request of {scenario.input_tokens_per_request:,} input "
                             f"tokens is past {tier:,}, so all its tokens are billed at the tier's higher rate.")
            else:
                notes.append(f"{c.price.label} has long-context price tiers"
                             + (f" from {tier:,} input tokens" if tier is not None else "")
                             + "; each request is priced at its own length, below the tier here.")
        if a.reasoning_multiple and not (model_reasons(c.price.ref) or c.price.overridden):
            notes.append(f"{c.price.label} answers without reasoning first: the reasoning multiple does not apply to it.")
        if model_reasons(c.price.ref) and a.reasoning_multiple is None and (default := reasoning_default(c.price.ref)):
            notes.append(reasoning_note(c.price.label, default))
        elif model_reasons(c.price.ref) and a.reasoning_multiple == 0:
            notes.append(f"{c.price.label} thinks before answering and bills its reasoning tokens as output; the reasoning "
                         "multiple is set to 0, so none is counted.")
    prefix = a.shared_prefix_tokens
    if prefix is not None and prefix > scenario.input_tokens_per_request:
        notes.append(f"The prompts share a prefix of {prefix:,} tokens, longer than the {scenario.input_tokens_per_request:,} input "
                     "tokens a request here: only those can be cached. Set the input tokens to your prompts' average.")
    if local.servers > 1:
        notes.append(
            f"The volume needs {local.gpus} GPUs: more than one {gpu.gpus_per_server}-GPU server ({local.servers} servers)."
        )
    if a.gpus_fixed is not None and not math.isinf(units.requests_per_replica):
        capacity = units.requests_per_replica * a.gpus_fixed / units.gpus_per_replica
        if scenario.requests_per_month > capacity:
            needed = int(local_gpus(scenario.requests_per_month, dataclasses.replace(units, gpus_fixed=None)))
            notes.append(
                f"{a.gpus_fixed} fixed GPUs serve about {capacity:,.0f} requests a month at the utilisation target; "
                f"this volume needs {needed} by the capacity model."
            )
        if a.gpus_fixed % units.gpus_per_replica:
            notes.append(f"One copy of the model needs {units.gpus_per_replica} GPUs; {a.gpus_fixed} is not a multiple of that.")
    return notes


def volume_grid(scenario: Scenario, breakevens: list[BreakEven], points: int = 200) -> np.ndarray:
    """Log-spaced volumes that cover the scenario's volume and every break-even, with margin."""
    anchors = [v for v in [scenario.requests_per_month] + [b.requests_per_month for b in breakevens] if v]
    low = max(10.0, min([1e3, *[v / 100 for v in anchors]]))
    high = min(1e12, max([1e7, *[v * 100 for v in anchors]]))
    return np.geomspace(low, high, points)
