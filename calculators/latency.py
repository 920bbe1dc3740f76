"""What each option delivers in time: time to first token and time for the whole answer.

Cloud from published, dated per-model figures (``assets/cloud_latency.json``); local from
the cost model's own operating point (:func:`local_latency`, the one place to swap in a
fuller capacity model); hybrid from the route that is slower, since a p95 over a mix of
routes is set by the slower one once it carries more than a few percent of requests.
Times follow vLLM's ``bench serve`` words: TTFT is request sent to first token; the whole
answer is TTFT plus the output tokens at one stream's decode speed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from calculators.assumptions import CostAssumptions
from calculators.report import local_serving_point, prepare
from scenario import Scenario

__all__ = [
    "CloudSpeed",
    "LatencyEstimate",
    "LatencyTargets",
    "cloud_latency",
    "cloud_speeds",
    "latency_targets",
    "local_latency",
    "option_latency",
]

LATENCY_FILE = Path(__file__).resolve().parents[1] / "assets" / "cloud_latency.json"
# Below this share of requests a route does not set the p95 of the mix.
_MINOR_ROUTE = 0.05


class CloudSpeed(BaseModel):
    """One cloud model's published speed, with where and when it was read."""

    model_config = ConfigDict(frozen=True)

    ref: str
    measured: str
    ttft_ms: float
    ttft_source: str
    output_tokens_per_s: float
    speed_source: str
    quote: str
    checked: str


class LatencyEstimate(BaseModel):
    """What one option delivers for the scenario's answer length."""

    model_config = ConfigDict(frozen=True)

    ttft_ms: float
    answer_ms: float
    tokens_per_s: float
    basis: str


class LatencyTargets(BaseModel):
    """The scenario's latency need: a whole-answer target and, optionally, a first-token target."""

    model_config = ConfigDict(frozen=True)

    answer_ms: float
    ttft_ms: float | None

    def met_by(self, estimate: LatencyEstimate) -> bool:
        """True when the estimate is within every target set."""
        return estimate.answer_ms <= self.answer_ms and (self.ttft_ms is None or estimate.ttft_ms <= self.ttft_ms)

    def headroom(self, estimate: LatencyEstimate) -> float:
        """Target over delivered for the tightest target: above 1 meets it, below 1 misses."""
        ratios = [self.answer_ms / max(estimate.answer_ms, 1e-9)]
        if self.ttft_ms is not None:
            ratios.append(self.ttft_ms / max(estimate.ttft_ms, 1e-9))
        return min(ratios)


def latency_targets(scenario: Scenario) -> LatencyTargets:
    """The scenario's targets: ``answer_p95_ms`` (else the old ``latency_p95_ms``) and ``ttft_ms``."""
    answer = scenario.answer_p95_ms if scenario.answer_p95_ms is not None else scenario.latency_p95_ms
    return LatencyTargets(answer_ms=float(answer), ttft_ms=None if scenario.ttft_ms is None else float(scenario.ttft_ms))


@cache
def _load(path: str) -> tuple[str, dict[str, CloudSpeed]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["about"], {m["ref"]: CloudSpeed.model_validate(m) for m in data["models"]}


def cloud_speeds() -> dict[str, CloudSpeed]:
    """Every cloud model with a published speed, by ``provider:model``."""
    return _load(str(LATENCY_FILE))[1]


def _answer(ttft_ms: float, output_tokens: int, tokens_per_s: float) -> float:
    return ttft_ms + (1000.0 * output_tokens / tokens_per_s if tokens_per_s > 0 else 0.0)


def cloud_latency(ref: str, output_tokens: int) -> LatencyEstimate | None:
    """A cloud model's TTFT and whole-answer time from its published figures; None without figures."""
    speed = cloud_speeds().get(ref)
    if speed is None:
        return None
    return LatencyEstimate(
        ttft_ms=speed.ttft_ms,
        answer_ms=_answer(speed.ttft_ms, output_tokens, speed.output_tokens_per_s),
        tokens_per_s=speed.output_tokens_per_s,
        basis=f"{speed.measured}: {speed.ttft_ms / 1000:.2f} s to first token, {speed.output_tokens_per_s:g} tokens/s "
              f"({speed.speed_source}, read {speed.checked})",
    )


def local_latency(scenario: Scenario, assumptions: CostAssumptions | None = None) -> LatencyEstimate:
    """One local request at the operating point the cost model sizes its replicas for.

    The step model's point (calculators/serving.py): the concurrency each replica runs at,
    its time to first token and its time per output token, so the latency shown and the
    local cost come from the same figures.
    """
    resolved, _, _ = prepare(scenario, assumptions or CostAssumptions())
    point = local_serving_point(scenario, resolved)
    per_stream = 1.0 / point.tpot_s if point.tpot_s > 0 else 0.0
    ttft = 1000.0 * point.ttft_s
    return LatencyEstimate(
        ttft_ms=ttft,
        answer_ms=_answer(ttft, scenario.output_tokens_per_request, per_stream),
        tokens_per_s=per_stream,
        basis=f"the capacity model's operating point: {point.concurrency} requests at a time a replica, {ttft:,.0f} ms to first "
              f"token, {point.tpot_s * 1000:,.1f} ms a token ({per_stream:,.1f} tokens/s a stream)",
    )


def option_latency(scenario: Scenario, assumptions: CostAssumptions | None = None) -> dict[Literal["cloud", "local", "hybrid"], LatencyEstimate | None]:
    """Cloud (the first cloud model), local and hybrid for the scenario's answer length."""
    assumptions = assumptions or CostAssumptions()
    resolved, _, _ = prepare(scenario, assumptions)
    cloud = cloud_latency(resolved.cloud_models[0], scenario.output_tokens_per_request)
    local = local_latency(scenario, assumptions)
    share = float(resolved.local_share or 0.0)
    if share <= _MINOR_ROUTE:
        hybrid = cloud
    elif share >= 1 - _MINOR_ROUTE or cloud is None:
        hybrid = local if share >= 1 - _MINOR_ROUTE else None
    else:
        slower = max((cloud, local), key=lambda e: e.answer_ms)
        hybrid = LatencyEstimate(
            ttft_ms=max(cloud.ttft_ms, local.ttft_ms), answer_ms=slower.answer_ms, tokens_per_s=slower.tokens_per_s,
            basis=f"{share:.0%} of requests local, the rest cloud: the slower route sets the p95",
        )
    return {"cloud": cloud, "local": local, "hybrid": hybrid}
