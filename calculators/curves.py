"""Cost curves (monthly cost against volume) and cumulative cost over the horizon."""

from __future__ import annotations

import numpy as np
import pandas as pd

from calculators.local_costs import local_gpus, local_monthly_usd
from calculators.report import (
    CostReport,
    LocalCost,
    cloud_per_request,
    prepare,
    volume_grid,
)
from scenario import Scenario

__all__ = ["cost_curves", "tco_curves"]


def cost_curves(scenario: Scenario, report: CostReport, points: int = 200) -> pd.DataFrame:
    """Monthly cost of every option over a log-spaced range of volumes.

    Returns:
        Long format: ``series`` (a cloud model's label, "Local" or "Hybrid"), ``option``,
        ``requests_per_month``, ``tokens_per_month``, ``monthly_usd``, ``gpus`` (local only).
    """
    resolved, prices, units = prepare(scenario, report.assumptions)
    volumes = volume_grid(scenario, report.breakeven, points)
    tokens = volumes * report.tokens_per_request
    frames = []
    for price in prices:
        per_request = cloud_per_request(scenario, resolved, price)
        label = price.label + (" (your prices)" if price.overridden else "")
        frames.append(pd.DataFrame({"series": label, "option": "cloud", "requests_per_month": volumes,
                                    "tokens_per_month": tokens, "monthly_usd": per_request * volumes, "gpus": 0}))
    frames.append(pd.DataFrame({"series": "Local", "option": "local", "requests_per_month": volumes,
                                "tokens_per_month": tokens, "monthly_usd": local_monthly_usd(volumes, units),
                                "gpus": local_gpus(volumes, units)}))
    share = float(resolved.local_share or 0.0)
    local_part = np.round(volumes * share)
    primary = cloud_per_request(scenario, resolved, prices[0])
    hybrid = np.where(local_part > 0, local_monthly_usd(local_part, units), 0.0) + primary * (volumes - local_part)
    frames.append(pd.DataFrame({"series": f"Hybrid ({share:.0%} local)", "option": "hybrid", "requests_per_month": volumes,
                                "tokens_per_month": tokens, "monthly_usd": hybrid,
                                "gpus": np.where(local_part > 0, local_gpus(local_part, units), 0)}))
    return pd.concat(frames, ignore_index=True)


def tco_curves(scenario: Scenario, report: CostReport) -> pd.DataFrame:
    """Cumulative cost month by month over the scenario's horizon, at its volume.

    Owned hardware is paid up front in month 0 (no resale value is counted), then only
    its running costs; rented GPUs and cloud are paid monthly.

    Returns:
        Long format: ``series``, ``option``, ``month`` (0..horizon), ``cumulative_usd``.
    """
    months = np.arange(scenario.horizon_months + 1)
    owned = report.assumptions.payment == "own"

    def local_track(cost: LocalCost) -> np.ndarray:
        if not owned:
            return cost.monthly_usd * months
        amortisation = sum(line.monthly_usd for line in cost.lines if line.item == "GPUs: amortisation")
        return cost.upfront_usd + (cost.monthly_usd - amortisation) * months

    frames = [
        pd.DataFrame({"series": c.price.label, "option": "cloud", "month": months, "cumulative_usd": c.monthly_usd * months})
        for c in report.cloud
    ]
    frames.append(pd.DataFrame({"series": "Local", "option": "local", "month": months, "cumulative_usd": local_track(report.local)}))
    hybrid = report.hybrid
    hybrid_local = local_track(hybrid.local) if hybrid.local_requests_per_month > 0 else np.zeros(months.shape)
    frames.append(pd.DataFrame({"series": f"Hybrid ({hybrid.local_share:.0%} local)", "option": "hybrid", "month": months,
                                "cumulative_usd": hybrid_local + hybrid.cloud_usd * months}))
    return pd.concat(frames, ignore_index=True)
