"""Base load local, bursts to the cloud: own capacity for the P-th percentile of per-minute
demand and send every request above it to the first cloud model.

Local capacity comes from the capacity model (one replica's requests a minute at the
utilisation target, from ``calculators.local_costs``), local money from the same unit costs
the Costs page uses, cloud money from the same per-request price. So at P = 100, always on,
the plan costs what the Costs page's local option costs with the profile's peak-to-average,
and at P = 0 what its cloud option costs.

Rented capacity can follow the load (ConfigIQ's rented billing modes):

- ``always_on``: the replicas run every hour of the month.
- ``office_hours``: they run 09:00-19:00 on weekdays (the cost model's business hours);
  outside them every request goes to the cloud.
- ``scale_to_zero``: each hour runs only the replicas that hour's busiest minute needs (none
  when idle); a replica started for an hour is not ready for its first ``cold_start_minutes``,
  whose overflow goes to the cloud. Billed by the replica-hour.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from calculators.assumptions import CostAssumptions
from calculators.errors import CostInputError
from calculators.load_profile import MINUTES_PER_MONTH, LoadProfile, profile_stats
from calculators.local_costs import LocalUnitCosts
from calculators.report import cloud_per_request, cost_report, prepare
from scenario import Scenario

__all__ = ["SCHEDULES", "BaseBurstPlan", "BaseBurstPoint", "Schedule", "base_burst", "profile_assumptions"]

Schedule = Literal["always_on", "office_hours", "scale_to_zero"]
SCHEDULES: dict[Schedule, str] = {
    "always_on": "Always on",
    "office_hours": "Office hours (09:00-19:00 weekdays)",
    "scale_to_zero": "Scale to zero when idle",
}
OFFICE_HOURS = (9, 19)
PERCENTILES = tuple(range(0, 101))


class BaseBurstPoint(BaseModel):
    """The plan at one percentile."""

    model_config = ConfigDict(frozen=True)

    percentile: float
    replicas: int
    capacity_rpm: float
    local_share: float
    local_usd: float
    cloud_usd: float
    monthly_usd: float


class BaseBurstPlan(BaseModel):
    """The cost of base-burst at every percentile, the cheapest marked, and the other two strategies."""

    model_config = ConfigDict(frozen=True)

    schedule: Schedule
    cold_start_minutes: int
    replica_rpm: float
    gpus_per_replica: int
    cloud_ref: str
    curve: list[BaseBurstPoint]
    best: BaseBurstPoint
    all_local_peak_usd: float
    all_cloud_usd: float
    peak_to_average: float
    notes: list[str]

    def as_json(self) -> dict:
        """The ``base_burst`` object of ``crossover load --json``."""
        return {"best_percentile": self.best.percentile, "monthly_usd": round(self.best.monthly_usd, 2),
                "local_share": round(self.best.local_share, 6),
                "curve": [{"percentile": p.percentile, "monthly_usd": round(p.monthly_usd, 2)} for p in self.curve]}


def profile_assumptions(assumptions: CostAssumptions, peak_to_average: float) -> CostAssumptions:
    """The assumptions with the profile's peak-to-average (bounded to what the cost model accepts)."""
    return assumptions.model_copy(update={"peak_to_average": min(50.0, max(1.0, peak_to_average))})


def _replica_rpm(units: LocalUnitCosts, a: CostAssumptions) -> float:
    # requests_per_replica = requests/s x utilisation x hours x 3600 / peak-to-average: undo the
    # hours and the peak factor to get what one replica serves in a minute at the utilisation target.
    return units.requests_per_replica * a.peak_to_average / (float(a.hours_per_month) * 60)  # type: ignore[arg-type]


def _office_mask(profile: LoadProfile) -> np.ndarray:
    index = profile.minute_index()
    return np.asarray((index.day_of_week < 5) & (index.hour >= OFFICE_HOURS[0]) & (index.hour < OFFICE_HOURS[1]))


def _hourly_active(rpm: np.ndarray, replicas: int, replica_rpm: float) -> np.ndarray:
    """Replicas running each hour when scaling with the busiest minute of the hour (capped at ``replicas``)."""
    hours = -(-rpm.size // 60)
    padded = np.zeros(hours * 60)
    padded[: rpm.size] = rpm
    busiest = padded.reshape(hours, 60).max(axis=1)
    return np.minimum(np.ceil(busiest / replica_rpm - 1e-9), replicas).astype(np.int64)


def _capacity_by_minute(schedule: Schedule, rpm: np.ndarray, replicas: int, replica_rpm: float, office: np.ndarray | None,
                        cold_start_minutes: int) -> tuple[np.ndarray, float]:
    """Local capacity in every minute, and replica-hours run over the profile."""
    if schedule == "always_on":
        return np.full(rpm.size, replicas * replica_rpm), replicas * rpm.size / 60
    if schedule == "office_hours":
        assert office is not None
        return np.where(office, replicas * replica_rpm, 0.0), replicas * float(office.sum()) / 60
    active = _hourly_active(rpm, replicas, replica_rpm)
    previous = np.concatenate([[0], active[:-1]])
    per_minute = np.repeat(active, 60)[: rpm.size].astype(float)
    # A replica started this hour is not ready for its first minutes: only last hour's ones serve.
    warming = np.repeat(np.minimum(previous, active), 60)[: rpm.size].astype(float)
    in_hour = np.arange(rpm.size) % 60
    capacity = np.where((in_hour < cold_start_minutes) & (per_minute > warming), warming, per_minute) * replica_rpm
    return capacity, float(active.sum())


def base_burst(profile: LoadProfile, scenario: Scenario, assumptions: CostAssumptions, schedule: Schedule = "always_on",
               cold_start_minutes: int = 10, percentiles: tuple[float, ...] = PERCENTILES) -> BaseBurstPlan:
    """Monthly cost of keeping the P-th percentile local and bursting the rest, for every P.

    Args:
        profile: The load's shape; its level is the scenario's requests a month.
        assumptions: The Costs page's assumptions (the peak-to-average is taken from the profile).
        schedule: When rented replicas run (owned hardware runs always).
        cold_start_minutes: Minutes a replica started by ``scale_to_zero`` is not yet serving.

    Raises:
        CostInputError: a schedule other than always on with owned hardware; what the cost model raises.
    """
    rpm = profile.requests_per_minute(scenario.requests_per_month)
    stats = profile_stats(rpm)
    shaped = profile_assumptions(assumptions, stats.peak_to_average)
    resolved, prices, units = prepare(scenario, shaped)
    if schedule != "always_on" and resolved.payment == "own":
        raise CostInputError("owned GPUs run (and cost) all month: choose 'always on', or rent to follow the load")
    report = cost_report(scenario, shaped)
    per_request = cloud_per_request(scenario, resolved, prices[0])
    replica_rpm = _replica_rpm(units, resolved)
    notes = []
    if stats.peak_to_average > 50:
        notes.append(f"The profile's peak is {stats.peak_to_average:,.0f}x its average; the cost model's all-local figure "
                     "is sized for 50x, its limit.")
    if resolved.gpus_fixed is not None:
        notes.append("A fixed GPU count is set on the Costs page; base-burst sizes the replicas itself.")
    total = float(rpm.sum())
    scale = MINUTES_PER_MONTH / max(rpm.size, 1)
    office = _office_mask(profile) if schedule == "office_hours" else None
    demand = rpm[office] if office is not None and office.any() else rpm
    hourly_usd = units.gpu_month_usd / float(resolved.hours_per_month)  # type: ignore[arg-type]
    levels = np.percentile(demand, list(percentiles)) if demand.size else np.zeros(len(percentiles))
    # Sorted once: the overflow above a constant capacity is then a search and two sums, not a pass over the minutes.
    served = np.sort(demand)
    tail_sums = np.concatenate([np.cumsum(served[::-1])[::-1], [0.0]])
    outside = float(rpm[~office].sum()) if office is not None else 0.0
    by_replicas: dict[int, tuple[float, float, float]] = {}  # many percentiles need the same replica count
    curve = []
    for p, level in zip(percentiles, levels, strict=True):
        replicas = 0 if level <= 0 or math.isinf(replica_rpm) else math.ceil(float(level) / replica_rpm - 1e-9)
        if replicas not in by_replicas:
            if schedule == "scale_to_zero":
                capacity, replica_hours = _capacity_by_minute(schedule, rpm, replicas, replica_rpm, office, cold_start_minutes)
                overflow = float(np.maximum(rpm - capacity, 0).sum())
                gpu_usd = replica_hours * scale * units.gpus_per_replica * hourly_usd
            else:
                cap = replicas * replica_rpm
                above = int(np.searchsorted(served, cap, side="right"))
                overflow = outside + float(tail_sums[above]) - cap * (served.size - above)
                gpu_usd = (replicas * units.gpus_per_replica * units.gpu_month_usd if schedule == "always_on"
                           else replicas * float(office.sum()) / 60 * scale * units.gpus_per_replica * hourly_usd)  # type: ignore[union-attr]
            local_usd = gpu_usd + units.fixed_month_usd if replicas > 0 else 0.0
            by_replicas[replicas] = (overflow, local_usd, overflow * scale * per_request)
        overflow, local_usd, cloud_usd = by_replicas[replicas]
        curve.append(BaseBurstPoint(percentile=float(p), replicas=replicas, capacity_rpm=replicas * replica_rpm,
                                    local_share=1 - overflow / total if total > 0 else 0.0, local_usd=local_usd,
                                    cloud_usd=cloud_usd, monthly_usd=local_usd + cloud_usd))
    # On a tie (one replica already holds everything from P onwards) the higher percentile: more stays local, fewer 429s.
    best = min(curve, key=lambda point: (round(point.monthly_usd, 2), -point.percentile))
    return BaseBurstPlan(schedule=schedule, cold_start_minutes=cold_start_minutes, replica_rpm=replica_rpm,
                         gpus_per_replica=units.gpus_per_replica, cloud_ref=prices[0].ref, curve=curve, best=best,
                         all_local_peak_usd=report.local.monthly_usd, all_cloud_usd=report.cloud[0].monthly_usd,
                         peak_to_average=stats.peak_to_average, notes=notes)


def typical_week(profile: LoadProfile, scenario: Scenario, plan: BaseBurstPlan, percentile: float | None = None) -> pd.DataFrame:
    """Requests an hour kept local and sent to the cloud over the profile's first week, at a percentile (the best by default).

    Columns: ``hour`` (timestamp), ``local``, ``cloud``.
    """
    point = plan.best if percentile is None else min(plan.curve, key=lambda p: abs(p.percentile - percentile))
    rpm = profile.requests_per_minute(scenario.requests_per_month)
    office = _office_mask(profile) if plan.schedule == "office_hours" else None
    if plan.schedule == "always_on":
        capacity = np.full(rpm.size, point.capacity_rpm)
    else:
        capacity, _ = _capacity_by_minute(plan.schedule, rpm, point.replicas, plan.replica_rpm, office, plan.cold_start_minutes)
    week = min(rpm.size, 7 * 1440)
    local = np.minimum(rpm, capacity)[:week]
    cloud = rpm[:week] - local
    hours = -(-week // 60)
    frame = pd.DataFrame({"hour": pd.date_range(profile.start, periods=hours, freq="h")})
    for name, values in (("local", local), ("cloud", cloud)):
        padded = np.zeros(hours * 60)
        padded[:week] = values
        frame[name] = padded.reshape(hours, 60).sum(axis=1)
    return frame
