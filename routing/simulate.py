"""Replay prompts through a routing policy: routes, blended cost, latency, and what would leak.

Analysis (detection, complexity, token estimate) is the slow part and is done once per
prompt set and detector setting; routing and every figure after it are cheap, so policies
and thresholds can be changed and swept freely.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from calculators import CostAssumptions, cost_report
from calculators.report import cloud_per_request, prepare
from calculators.tokens import count_tokens
from routing.complexity import complexity
from routing.policy import Policy, PromptFacts, RouteDecision, Tiered, decide
from routing.prompt_files import PromptSet
from routing.sensitive import ENTITY_LABELS, detect, detector_ready
from scenario import InputError, Scenario
from scenario.limits import Limit

__all__ = [
    "SCAN_SECONDS",
    "DetectorQuality",
    "LatencyAssumptions",
    "Simulation",
    "analyse_prompts",
    "simulate",
    "threshold_sweep",
]


# How long a shared server looks for sensitive data in one participant's prompts. Presidio's
# phone-number recognizer takes about 0.15 ms a character of digit-heavy text: a 10 MB file of
# "12 12 12 ..." would have held a core for about 25 minutes (English text: a tenth of that).
SCAN_SECONDS = Limit("seconds of looking for sensitive data", 120, "CROSSOVER_MAX_SCAN_SECONDS")


def analyse_prompts(
    prompts: PromptSet, threshold: float = 0.4, keywords: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None, model_ref: str | None = None, deadline_s: float | None = None,
) -> list[PromptFacts]:
    """Detect sensitive data, score complexity and count tokens for every prompt.

    Args:
        progress: Called with (done, total) every 100 prompts, at least once a second, and at
            the end (a page can stop there when its tab has gone).
        model_ref: The cloud model whose tokenizer counts (``calculators.tokens``: the same
            counter the Costs page and the Playground use; a stand-in where none ships).
        deadline_s: Give up after this many seconds (a shared server's :data:`SCAN_SECONDS`).

    Raises:
        InputError: past ``deadline_s``, saying how far it got and what to do.
    """
    detector_ready()
    facts = []
    total = len(prompts.prompts)
    start = last = time.perf_counter()
    for index, (prompt, label) in enumerate(zip(prompts.prompts, prompts.labels, strict=True)):
        facts.append(PromptFacts(index=index, prompt=prompt, findings=detect(prompt, threshold, keywords),
                                 complexity=complexity(prompt), input_tokens=max(1, count_tokens(prompt, model_ref)), label=label))
        now = time.perf_counter()
        if deadline_s is not None and now - start > deadline_s and index < total - 1:
            raise InputError(f"Looking for sensitive data in {total:,} prompts took more than {deadline_s:,.0f} s on this server "
                             f"({index + 1:,} done): use a sample of them, or ask whoever runs it to raise {SCAN_SECONDS.setting}.")
        if progress and (index % 100 == 99 or index == total - 1 or now - last >= 1.0):
            progress(index + 1, total)
            last = now
    return facts


class LatencyAssumptions(BaseModel):
    """Response times per route, p50 and p95 in ms (the articles: cloud 0.5-2 s, local 50-200 ms)."""

    local_p50_ms: float = Field(default=150, gt=0)
    local_p95_ms: float = Field(default=400, gt=0)
    cloud_p50_ms: float = Field(default=800, gt=0)
    cloud_p95_ms: float = Field(default=2000, gt=0)


class DetectorQuality(BaseModel):
    """The detector against the labels: how much sensitive data it catches, and how often it cries wolf."""

    labelled: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def recall(self) -> float | None:
        found = self.true_positives + self.false_negatives
        return self.true_positives / found if found else None

    @property
    def precision(self) -> float | None:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else None


class Simulation(BaseModel):
    """A policy replayed over a prompt set and scaled to the scenario's volume."""

    decisions: list[RouteDecision]
    table: list[dict]
    local_share: float
    sensitive_to_cloud: int
    # Prompts labelled sensitive (by the file, not the detector) that the policy sent to the
    # cloud: the detector's misses show here. None when the prompts carry no labels.
    labelled_sensitive_to_cloud: int | None = None
    leaked_by_type: dict[str, int]
    leaked_per_month: float
    monthly_usd: float
    cloud_only_monthly_usd: float
    local_only_monthly_usd: float
    average_input_tokens: float
    latency_ms: dict[str, dict[str, float | None]]
    detector: DetectorQuality


def _lognormal(p50: float, p95: float, size: int, rng: np.random.Generator) -> np.ndarray:
    sigma = max(math.log(max(p95, p50 * 1.0001) / p50) / 1.645, 1e-6)
    return rng.lognormal(math.log(p50), sigma, size)


def _latencies(decisions: Sequence[RouteDecision], latency: LatencyAssumptions, draws: int = 200, seed: int = 11) -> dict[str, dict[str, float | None]]:
    """p50/p95 per route by sampling; a fallback pays the primary's p95 (the wait before giving up) first."""
    rng = np.random.default_rng(seed)
    params = {"local": (latency.local_p50_ms, latency.local_p95_ms), "cloud": (latency.cloud_p50_ms, latency.cloud_p95_ms)}
    samples: dict[str, list[np.ndarray]] = {"local": [], "cloud": []}
    for decision in decisions:
        times = _lognormal(*params[decision.route], draws, rng)
        if decision.fallback_route and decision.fallback_rate > 0:
            failed = rng.random(draws) < decision.fallback_rate
            times = np.where(failed, params[decision.route][1] + _lognormal(*params[decision.fallback_route], draws, rng), times)
        samples[decision.route].append(times)
    result: dict[str, dict[str, float | None]] = {}
    every = [s for group in samples.values() for s in group]
    for name, group in [("local", samples["local"]), ("cloud", samples["cloud"]), ("all", every)]:
        if group:
            joined = np.concatenate(group)
            result[name] = {"p50": float(np.percentile(joined, 50)), "p95": float(np.percentile(joined, 95))}
        else:
            result[name] = {"p50": None, "p95": None}
    return result


def _quality(facts: Sequence[PromptFacts]) -> DetectorQuality:
    labelled = [f for f in facts if f.label is not None]
    return DetectorQuality(
        labelled=len(labelled),
        true_positives=sum(f.sensitive and f.label for f in labelled),
        false_positives=sum(f.sensitive and not f.label for f in labelled),
        false_negatives=sum((not f.sensitive) and f.label for f in labelled),
    )


def _monthly(scenario: Scenario, assumptions: CostAssumptions, local_share: float, input_tokens: int) -> tuple[float, float, float]:
    """Blended, cloud-only and local-only monthly cost at the scenario's volume for this prompt mix."""
    shaped = scenario.model_copy(update={"input_tokens_per_request": input_tokens})
    blended = cost_report(shaped, assumptions.model_copy(update={"local_share": local_share}))
    return blended.hybrid.monthly_usd, blended.cloud[0].monthly_usd, blended.local.monthly_usd


def _local_part(decision: RouteDecision) -> float:
    """How much of a prompt's traffic runs local: a base-load rule's bursts go to the cloud (a failure fallback
    is not counted here: it is the exception, priced on the primary route as before)."""
    if decision.rule == "base load / bursts":
        return 1.0 - decision.fallback_rate
    return float(decision.route == "local")


def simulate(facts: Sequence[PromptFacts], policy: Policy, scenario: Scenario, assumptions: CostAssumptions,
             latency: LatencyAssumptions | None = None) -> Simulation:
    """Route every analysed prompt and work out what that means at the scenario's volume."""
    decisions = [decide(f, policy) for f in facts]
    n = max(len(facts), 1)
    local_share = sum(_local_part(d) for d in decisions) / n
    average_input = float(np.mean([f.input_tokens for f in facts])) if facts else 0.0
    monthly, cloud_only, local_only = _monthly(scenario, assumptions, local_share, round(average_input))

    leaked: Counter[str] = Counter()
    sensitive_to_cloud = 0
    _, prices, units = prepare(scenario, assumptions)
    table = []
    for f, d in zip(facts, decisions, strict=True):
        if d.route == "cloud" and f.findings:
            sensitive_to_cloud += 1
            leaked.update(ENTITY_LABELS.get(x.entity_type, x.entity_type) for x in f.findings)
        shaped = scenario.model_copy(update={"input_tokens_per_request": f.input_tokens})
        cost = (cloud_per_request(shaped, assumptions, prices[0]) if d.route == "cloud"
                else units.marginal_cost_usd(f.input_tokens, scenario.output_tokens_per_request))
        table.append({
            "#": f.index + 1, "prompt": f.prompt, "route": d.route, "rule": d.rule, "why": d.reason,
            "entities": ", ".join(ENTITY_LABELS.get(x.entity_type, x.entity_type) for x in f.findings),
            "complexity": f.complexity.score, "input tokens": f.input_tokens, "cost (USD)": cost,
            "labelled sensitive": f.label,
        })
    labelled = [(f, d) for f, d in zip(facts, decisions, strict=True) if f.label is not None]
    return Simulation(
        decisions=decisions, table=table, local_share=local_share, sensitive_to_cloud=sensitive_to_cloud,
        labelled_sensitive_to_cloud=sum(bool(f.label) and d.route == "cloud" for f, d in labelled) if labelled else None,
        leaked_by_type=dict(leaked.most_common()),
        leaked_per_month=sum(leaked.values()) * scenario.requests_per_month / n,
        monthly_usd=monthly, cloud_only_monthly_usd=cloud_only, local_only_monthly_usd=local_only,
        average_input_tokens=average_input, latency_ms=_latencies(decisions, latency or LatencyAssumptions()),
        detector=_quality(facts),
    )


def threshold_sweep(facts: Sequence[PromptFacts], policy: Policy, scenario: Scenario, assumptions: CostAssumptions,
                    thresholds: Sequence[float] = tuple(np.round(np.linspace(0, 1, 21), 2))) -> pd.DataFrame:
    """Monthly cost, share sent to the cloud and items leaked as the tiered threshold moves.

    The policy's tiered rule is varied; a policy without one gets it appended (so the
    sweep shows what adding tiered routing would do).
    """
    n = max(len(facts), 1)
    average_input = round(float(np.mean([f.input_tokens for f in facts]))) if facts else 0
    rows = []
    for threshold in thresholds:
        if policy.rule_of("tiered"):
            rules = [r.model_copy(update={"threshold": float(threshold)}) if isinstance(r, Tiered) else r for r in policy.rules]
        else:
            rules = [*policy.rules, Tiered(threshold=float(threshold))]
        varied = policy.model_copy(update={"rules": rules})
        decisions = [decide(f, varied) for f in facts]
        cloud_share = sum(d.route == "cloud" for d in decisions) / n
        leaked = sum(len(f.findings) for f, d in zip(facts, decisions, strict=True) if d.route == "cloud")
        monthly, _, _ = _monthly(scenario, assumptions, 1 - cloud_share, average_input)
        rows.append({"threshold": float(threshold), "cloud_share": cloud_share, "monthly_usd": monthly,
                     "leaked_items": leaked, "leaked_per_month": leaked * scenario.requests_per_month / n})
    return pd.DataFrame(rows)
