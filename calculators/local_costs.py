"""What running models yourself costs a month: GPUs (rented or owned), staff, fixed costs.

Capacity makes local cost a staircase: a replica (the GPUs one copy of the model needs)
serves a fixed number of requests a month, and one more request past that buys a whole
further replica.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from calculators.assumptions import HOURS_PER_MONTH, CostAssumptions

__all__ = ["LocalUnitCosts", "expected_loss_monthly_usd", "local_gpus", "local_monthly_usd", "local_unit_costs",
           "requests_per_replica_month"]

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class LocalUnitCosts:
    """The building blocks of the local staircase for one request shape.

    Attributes:
        gpu_month_usd: One GPU for a month (rent, or amortisation + power + maintenance).
        gpu_month_parts: That figure split into its parts, for the breakdown table.
        replica_month_usd: One copy of the model (``gpus_per_replica`` GPUs) for a month.
        fixed_month_usd: Staff and infrastructure, paid whatever the volume.
        requests_per_replica: Requests a month one replica serves at the utilisation target,
            sized for the peak; ``inf`` when requests carry no tokens.
        gpus_per_replica: GPUs one copy of the model needs.
        gpus_fixed: A fixed GPU count that replaces the capacity model, if set.
        upfront_per_gpu_usd: Purchase price per GPU when owned (0 when rented).
        weighted_tokens_per_replica: Weighted tokens (output + input x input weight) one
            replica serves a month at the utilisation target, sized for the peak.
        input_token_weight: What a prompt token costs against a generated one, from the
            step model's prefill time (only for requests of another shape than the scenario's).
        per_request_usd: What each request adds on its own (data transfer), risk premium included.
        risk_share: The reliability and security premium on top of every local cost.
        expected_loss_month_usd: The expected loss a month from outages and incidents (in ``fixed_month_usd``).
    """

    gpu_month_usd: float
    gpu_month_parts: dict[str, float]
    replica_month_usd: float
    fixed_month_usd: float
    requests_per_replica: float
    gpus_per_replica: int
    gpus_fixed: int | None
    upfront_per_gpu_usd: float
    weighted_tokens_per_replica: float
    input_token_weight: float
    per_request_usd: float = 0.0
    risk_share: float = 0.0
    expected_loss_month_usd: float = 0.0

    def marginal_cost_usd(self, input_tokens: int, output_tokens: int) -> float:
        """What one request of this shape costs on capacity that is already paid for, pro rata."""
        weighted = max(output_tokens, 1) + input_tokens * self.input_token_weight
        return self.replica_month_usd * weighted / self.weighted_tokens_per_replica


def expected_loss_monthly_usd(a: CostAssumptions) -> float:
    """Outage hours a month x their cost an hour, plus a yearly incident probability x its cost / 12."""
    return a.outage_hours_month * a.outage_cost_per_hour_usd + a.incident_probability_yearly * a.incident_cost_usd / 12


def local_unit_costs(a: CostAssumptions, input_tokens: int, output_tokens: int, requests_per_month: int = 0) -> LocalUnitCosts:
    """Unit costs from *resolved* assumptions (see ``calculators.assumptions.resolve``).

    ``requests_per_month`` turns the month's data transfer into a figure per request.
    """
    hours = float(a.hours_per_month)  # type: ignore[arg-type]
    if a.payment == "rent":
        parts = {"rent": float(a.gpu_hourly_usd) * hours}  # type: ignore[arg-type]
        upfront = 0.0
    else:
        purchase = float(a.gpu_purchase_usd)  # type: ignore[arg-type]
        parts = {
            "amortisation": purchase / a.depreciation_months,
            "power": float(a.gpu_power_w) / 1000 * hours * a.pue * a.kwh_usd,  # type: ignore[arg-type]
            "maintenance": purchase * a.maintenance_share_yearly / 12,
        }
        upfront = purchase
    if a.licence_per_gpu_year_usd:
        parts["licences"] = a.licence_per_gpu_year_usd / 12
    # The risk premium is a share on top of everything local pays; the expected loss is a sum a month.
    risk = 1.0 + a.risk_premium_share
    expected_loss = expected_loss_monthly_usd(a)
    egress = a.egress_gb_month * a.egress_usd_per_gb_local / requests_per_month if requests_per_month else 0.0
    gpu_month = sum(parts.values()) * risk
    per_replica = int(a.gpus_per_replica)  # type: ignore[arg-type]
    # The throughput is generated tokens/s at the scenario's own request shape, prefill
    # included (the step model's, or one measured), so a replica serves throughput / output
    # tokens requests a second. A request with no output still takes one step.
    weight = float(a.input_token_weight)  # type: ignore[arg-type]
    out = max(output_tokens, 1)
    requests_per_replica = (
        requests_per_replica_month(float(a.throughput_tokens_per_s), output_tokens, a)  # type: ignore[arg-type]
        if input_tokens + output_tokens > 0 else math.inf
    )
    weighted_tokens_per_replica = requests_per_replica * (out + input_tokens * weight)
    return LocalUnitCosts(
        gpu_month_usd=gpu_month,
        gpu_month_parts=parts,
        replica_month_usd=gpu_month * per_replica,
        fixed_month_usd=(float(a.staff_monthly_usd) + a.infra_monthly_usd) * risk + expected_loss,  # type: ignore[arg-type]
        requests_per_replica=requests_per_replica,
        gpus_per_replica=per_replica,
        gpus_fixed=a.gpus_fixed,
        upfront_per_gpu_usd=upfront,
        weighted_tokens_per_replica=weighted_tokens_per_replica,
        input_token_weight=weight,
        per_request_usd=egress * risk,
        risk_share=a.risk_premium_share,
        expected_loss_month_usd=expected_loss,
    )


def requests_per_replica_month(output_tokens_per_s: float, output_tokens: int, a: CostAssumptions) -> float:
    """Requests one replica serves a month: throughput / output tokens x utilisation x hours x 3600 / peak-to-average.

    The one place this is computed: the cost model and a measured sweep's capacity both use it.
    ``a.hours_per_month`` unset means the schedule's hours.
    """
    hours = float(a.hours_per_month or HOURS_PER_MONTH[a.schedule])
    return output_tokens_per_s / max(output_tokens, 1) * a.utilisation_target * hours * SECONDS_PER_HOUR / a.peak_to_average


def local_gpus(requests_per_month: npt.ArrayLike, units: LocalUnitCosts) -> npt.NDArray[np.int64]:
    """GPUs needed at each volume: whole replicas, at least one (a fixed count if set)."""
    volume = np.asarray(requests_per_month, dtype=float)
    if units.gpus_fixed is not None:
        return np.full(volume.shape, units.gpus_fixed, dtype=np.int64)
    if math.isinf(units.requests_per_replica):
        replicas = np.ones(volume.shape)
    else:
        replicas = np.maximum(1.0, np.ceil(volume / units.requests_per_replica))
    return (replicas * units.gpus_per_replica).astype(np.int64)


def local_monthly_usd(requests_per_month: npt.ArrayLike, units: LocalUnitCosts) -> npt.NDArray[np.float64]:
    """Local cost a month at each volume: GPUs, fixed costs and per-request data transfer (non-decreasing)."""
    volume = np.asarray(requests_per_month, dtype=float)
    return local_gpus(volume, units) * units.gpu_month_usd + units.fixed_month_usd + units.per_request_usd * volume
