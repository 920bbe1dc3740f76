"""How much the answer moves when an assumption is off: a tornado and a sampled band."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calculators.assumptions import CostAssumptions, serving_point
from calculators.breakeven import TOKEN_CEILING, breakeven_requests
from calculators.report import CostReport, cloud_bill, cost_report, prepare
from calculators.serving import Constants
from calculators.whole_bill import reasoning_default
from scenario import Scenario

__all__ = ["CALIBRATION_BAND", "BreakevenBand", "breakeven_band", "tornado"]

# How far the step model's estimate may sit from a published figure (estimate / published).
CALIBRATION_BAND = (0.8, 1.25)


@dataclass(frozen=True)
class _Knob:
    label: str
    apply: Callable[[Scenario, CostAssumptions, float], tuple[Scenario, CostAssumptions]]


def _assumption(field: str, label: str, upper: float | None = None, lower: float | None = None) -> _Knob:
    def apply(s: Scenario, a: CostAssumptions, factor: float) -> tuple[Scenario, CostAssumptions]:
        value = float(getattr(a, field)) * factor
        value = min(value, upper) if upper is not None else value
        value = max(value, lower) if lower is not None else value
        return s, a.model_copy(update={field: value})

    return _Knob(label, apply)


def _scenario(field: str, label: str) -> _Knob:
    def apply(s: Scenario, a: CostAssumptions, factor: float) -> tuple[Scenario, CostAssumptions]:
        return s.model_copy(update={field: max(0, round(getattr(s, field) * factor))}), a

    return _Knob(label, apply)


def _share(field: str, label: str) -> _Knob:
    """A scenario share (0..1), varied and kept within its range."""

    def apply(s: Scenario, a: CostAssumptions, factor: float) -> tuple[Scenario, CostAssumptions]:
        return s.model_copy(update={field: min(1.0, max(0.0, getattr(s, field) * factor))}), a

    return _Knob(label, apply)


def _prefix(label: str) -> _Knob:
    def apply(s: Scenario, a: CostAssumptions, factor: float) -> tuple[Scenario, CostAssumptions]:
        return s, a.model_copy(update={"shared_prefix_tokens": round((a.shared_prefix_tokens or 0) * factor)})

    return _Knob(label, apply)


def _reasoning_in_force(a: CostAssumptions) -> float:
    """The user's reasoning multiple, or else the largest sourced default among the models compared."""
    if a.reasoning_multiple is not None:
        return a.reasoning_multiple
    defaults = [d.multiple for d in map(reasoning_default, a.cloud_models) if d is not None]
    return max(defaults, default=0.0)


def _reasoning(multiple: float) -> _Knob:
    # A sourced default is uncertain too: varied like a typed multiple, it applies to every model that reasons.
    def apply(s: Scenario, a: CostAssumptions, factor: float) -> tuple[Scenario, CostAssumptions]:
        return s, a.model_copy(update={"reasoning_multiple": min(multiple * factor, 100.0)})

    return _Knob("Reasoning tokens per output token", apply)


def _whole_bill_knobs(s: Scenario, a: CostAssumptions) -> list[_Knob]:
    """The whole bill's uncertain inputs, where they are in play (a zero varied by 20% stays zero)."""
    knobs = []
    if a.shared_prefix_tokens:
        knobs.append(_prefix("Shared prompt prefix (cache)"))
    if s.batch_share:
        knobs.append(_share("batch_share", "Share of requests that can wait (batch)"))
    if multiple := _reasoning_in_force(a):
        knobs.append(_reasoning(multiple))
    if a.licence_per_gpu_year_usd:
        knobs.append(_assumption("licence_per_gpu_year_usd", "Software licences per GPU"))
    if a.egress_gb_month and (a.egress_usd_per_gb_local or a.egress_usd_per_gb_cloud):
        knobs.append(_assumption("egress_gb_month", "Data transfer (GB a month)"))
    if a.risk_premium_share:
        knobs.append(_assumption("risk_premium_share", "Risk premium", upper=1.0))
    return knobs


def _step_constant(field: str, label: str) -> _Knob:
    """A calibrated constant of the step model: the throughput is worked out again with it changed."""

    def apply(s: Scenario, a: CostAssumptions, factor: float) -> tuple[Scenario, CostAssumptions]:
        base = Constants()
        constants = dataclasses.replace(base, **{field: getattr(base, field) * factor})
        point = serving_point(a.model_copy(update={"throughput_tokens_per_s": None, "input_token_weight": None}),
                              s.input_tokens_per_request, s.output_tokens_per_request, s.first_token_target_ms, constants=constants)
        return s, a.model_copy(update={"throughput_tokens_per_s": point.output_tokens_per_s})

    return _Knob(label, apply)


def _knobs(s: Scenario, a: CostAssumptions, throughput_from_model: bool) -> list[_Knob]:
    gpu_price = (
        _assumption("gpu_hourly_usd", "GPU rent per hour") if a.payment == "rent"
        else _assumption("gpu_purchase_usd", "GPU purchase price")
    )
    step_model = [
        _step_constant("bandwidth_fraction", "Usable memory bandwidth (step model)"),
        _step_constant("flops_fraction", "Usable compute (step model)"),
        _step_constant("step_overhead_s", "Per-step overhead (step model)"),
    ] if throughput_from_model else []
    return step_model + [
        _assumption("cloud_price_scale", "Cloud prices"),
        gpu_price,
        _assumption("throughput_tokens_per_s", "Throughput per replica", lower=1e-6),
        _assumption("utilisation_target", "Utilisation target", upper=1.0, lower=1e-6),
        _assumption("peak_to_average", "Peak-to-average load", lower=1.0),
        _assumption("staff_monthly_usd", "Staff cost"),
        _assumption("infra_monthly_usd", "Infrastructure cost"),
        _scenario("output_tokens_per_request", "Output tokens per request"),
        _scenario("requests_per_month", "Volume (requests a month)"),
    ] + _whole_bill_knobs(s, a)


def tornado(scenario: Scenario, report: CostReport, change: float = 0.2) -> pd.DataFrame:
    """Vary each assumption down and up by ``change`` and record what moves.

    Returns:
        One row per assumption, widest swing first: ``assumption``, ``low_diff_usd`` /
        ``high_diff_usd`` (local minus the first cloud model, a month, at the scenario's
        volume), ``low_breakeven`` / ``high_breakeven`` (requests a month, NaN for never),
        and the baseline in ``base_diff_usd`` / ``base_breakeven``.
    """
    # Only the first cloud model is compared, so only it is re-priced.
    base = report.assumptions.model_copy(update={"cloud_models": report.assumptions.cloud_models[:1]})
    base_diff = report.local.monthly_usd - report.cloud[0].monthly_usd
    base_breakeven = report.breakeven[0].requests_per_month
    rows = []
    for knob in _knobs(scenario, base, report.capacity.throughput_source == "step model"):
        row: dict[str, float | str] = {"assumption": knob.label}
        for side, factor in (("low", 1 - change), ("high", 1 + change)):
            s, a = knob.apply(scenario, base, factor)
            varied = cost_report(s, a)
            row[f"{side}_diff_usd"] = varied.local.monthly_usd - varied.cloud[0].monthly_usd
            be = varied.breakeven[0].requests_per_month
            row[f"{side}_breakeven"] = np.nan if be is None else be
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["base_diff_usd"] = base_diff
    frame["base_breakeven"] = np.nan if base_breakeven is None else base_breakeven
    frame["swing_usd"] = (frame["high_diff_usd"] - frame["low_diff_usd"]).abs()
    return frame.sort_values("swing_usd", ascending=False, ignore_index=True)


@dataclass(frozen=True)
class BreakevenBand:
    """Break-even volumes over sampled assumptions (requests a month)."""

    p10: float | None
    p50: float | None
    p90: float | None
    never_share: float
    samples: int


def breakeven_band(scenario: Scenario, report: CostReport, spread: float = 0.2, samples: int = 2000, seed: int = 7) -> BreakevenBand:
    """Sample cloud prices, utilisation and throughput uniformly within +/- ``spread``.

    The whole bill's uncertain lines are sampled too: the reasoning tokens and the batch
    discount each move by their own factor within +/- ``spread`` (each line is linear in
    its input, so scaling the line is exact but for long-context tiers).

    When the throughput is the step model's, it is also off by a factor drawn from the
    calibration's own band (estimate / published between 0.8 and 1.25, the acceptance band
    of tests/unit/test_serving_calibration.py). The break-even against the first cloud
    model is closed-form, so all samples are computed at once.
    """
    resolved, prices, units = prepare(scenario, report.assumptions)
    rng = np.random.default_rng(seed)
    price_f, util_f, throughput_f, reasoning_f, batch_f = (rng.uniform(1 - spread, 1 + spread, samples) for _ in range(5))
    utilisation = np.minimum(resolved.utilisation_target * util_f, 1.0) / resolved.utilisation_target
    bill = cloud_bill(scenario, resolved, prices[0])
    line = {b.item: b.usd for b in bill.lines}
    batch_f = np.minimum(batch_f, 1.0 / scenario.batch_share) if scenario.batch_share else batch_f
    per_request = (bill.total_usd + line.get("Reasoning tokens", 0.0) * (reasoning_f - 1)
                   + line.get("Batch discount", 0.0) * (batch_f - 1)) * price_f - units.per_request_usd
    if report.capacity.throughput_source == "step model":
        throughput_f = throughput_f / rng.uniform(CALIBRATION_BAND[0], CALIBRATION_BAND[1], samples)
    capacity = units.requests_per_replica * utilisation * throughput_f
    fixed_gpus = units.gpus_fixed * units.gpu_month_usd if units.gpus_fixed is not None else None
    first, _ = breakeven_requests(per_request, units.replica_month_usd, units.fixed_month_usd, capacity, fixed_gpus)
    tokens_per_request = max(report.tokens_per_request, 1)
    first = np.where(first * tokens_per_request > TOKEN_CEILING, np.nan, first)
    found = first[~np.isnan(first)]
    never = 1 - found.size / samples
    if found.size < samples / 2:
        return BreakevenBand(None, None, None, never, samples)
    # NaN (never) counts as +infinity: it sits above every finite break-even.
    ordered = np.sort(np.where(np.isnan(first), np.inf, first))
    p10, p50, p90 = (float(ordered[int(q * (samples - 1))]) for q in (0.1, 0.5, 0.9))
    return BreakevenBand(p10, p50, None if np.isinf(p90) else p90, never, samples)
