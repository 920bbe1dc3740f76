"""Score cloud, local and hybrid for a scenario, factor by factor.

Each checklist factor turns the scenario into a *lean* for every option, a number from
-1 (argues against it) to +1 (argues for it), with one sentence saying why. A factor's
weight decides how much its lean counts:

    score(option) = 50 + 50 * sum(weight_f * lean_f(option)) / sum(weight_f)

so every score stays within 0..100 and a factor's *points* are its term of that sum.
The lean tables below encode the articles' rules of thumb (see ``advisor.checklist``).
Hard constraints are separate: an option they rule out scores 0 and cannot win.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from advisor.checklist import Factor
from advisor.providers import REGULATION_NAMES, privacy_verdict
from calculators.latency import LatencyEstimate, latency_targets
from calculators.options import OptionCosts
from calculators.rate_limits import RateLimitCheck
from scenario import Scenario
from scenario.text import counted

__all__ = [
    "OPTIONS",
    "QualityEvidence",
    "Exclusion",
    "FactorContribution",
    "Option",
    "Recommendation",
    "Weights",
    "factor_leans",
    "recommend",
]

Option = Literal["cloud", "local", "hybrid"]
OPTIONS: tuple[Option, ...] = ("cloud", "local", "hybrid")
# On a tie the simpler setup wins: an API call is less to run than a hybrid gateway,
# which is less than a fleet of one's own.
_TIE_ORDER: dict[Option, int] = {"cloud": 0, "hybrid": 1, "local": 2}

_WeightValue = Annotated[float, Field(ge=0.0, le=10.0, allow_inf_nan=False)]


class Weights(BaseModel):
    """How much each checklist factor counts; 0 switches a factor off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    volume: _WeightValue = 3.0
    privacy: _WeightValue = 3.0
    latency: _WeightValue = 2.0
    team: _WeightValue = 2.0
    horizon: _WeightValue = 1.0
    customization: _WeightValue = 1.0
    quality: _WeightValue = 2.0
    load: _WeightValue = 1.0

    def of(self, factor: Factor) -> float:
        """The weight of one factor."""
        return float(getattr(self, factor))


class QualityEvidence(BaseModel):
    """A measured accuracy gap between a local and a cloud model, from a task set."""

    model_config = ConfigDict(frozen=True)

    local_accuracy: float = Field(ge=0, le=1, allow_inf_nan=False)
    cloud_accuracy: float = Field(ge=0, le=1, allow_inf_nan=False)
    local_backend: str
    cloud_backend: str
    task_set: str
    measured_on: str
    tasks: int = Field(ge=1)

    @property
    def gap(self) -> float:
        """Local minus cloud accuracy (negative: the cloud model did better)."""
        return self.local_accuracy - self.cloud_accuracy


class FactorContribution(BaseModel):
    """What one factor did to one option's score."""

    factor: Factor
    option: Option
    points: float
    reason: str


class Exclusion(BaseModel):
    """An option a hard constraint rules out."""

    option: Option
    reason: str


class Recommendation(BaseModel):
    """The scored outcome for one scenario.

    Attributes:
        recommendation: The winning option.
        runner_up: The best option that did not win, if any is still allowed.
        scores: 0..100 per option; ruled-out options score 0.
        factors: Points per factor and option, with the reason.
        excluded: Options ruled out by hard constraints, and why.
        costs: The cost model's monthly figures the cost reasoning used (None: not given).
        latency: What each option delivers in time (None: not given; an option None: no figures).
        notes: Plain sentences the page must show: where the cost model and an article's rule
            of thumb disagree, and when no option meets the latency target (and what would).
    """

    recommendation: Option
    runner_up: Option | None
    scores: dict[Option, float]
    factors: list[FactorContribution]
    excluded: list[Exclusion]
    costs: OptionCosts | None = None
    latency: dict[Option, LatencyEstimate | None] | None = None
    notes: list[str] = Field(default_factory=list)

    @property
    def margin(self) -> float:
        """Points between the winner and the runner-up (100 when nothing else is allowed)."""
        if self.runner_up is None:
            return 100.0
        return self.scores[self.recommendation] - self.scores[self.runner_up]

    def points(self, factor: Factor, option: Option) -> float:
        """The points one factor gave one option."""
        return next(c.points for c in self.factors if c.factor == factor and c.option == option)

    def deciding_factors(self, limit: int = 3) -> list[tuple[FactorContribution, float]]:
        """The factors that put the winner ahead of the runner-up, strongest first.

        Returns:
            Pairs of (the winner's contribution, its lead in points over the runner-up),
            only where the lead is positive.
        """
        if self.runner_up is None:
            return []
        leads = [
            (c, c.points - self.points(c.factor, self.runner_up))
            for c in self.factors
            if c.option == self.recommendation
        ]
        leads = [(c, lead) for c, lead in leads if lead > 0.05]
        return sorted(leads, key=lambda pair: -pair[1])[:limit]


@dataclass(frozen=True)
class Lean:
    """How one factor argues for each option, and why."""

    cloud: float
    local: float
    hybrid: float
    reason: str

    def of(self, option: Option) -> float:
        return float(getattr(self, option))


def _interpolate(x: float, anchors: tuple[tuple[float, float, float, float], ...]) -> tuple[float, float, float]:
    """Piecewise-linear leans between (x, cloud, local, hybrid) anchors, flat beyond the ends."""
    xs = [a[0] for a in anchors]
    return (
        float(np.interp(x, xs, [a[1] for a in anchors])),
        float(np.interp(x, xs, [a[2] for a in anchors])),
        float(np.interp(x, xs, [a[3] for a in anchors])),
    )


# Volume in log10(requests a month). The articles: under 100k leans cloud, 100k-500k
# hybrid, over 500k local; with every other factor neutral the winner flips at 100k and 500k.
_VOLUME_ANCHORS = (
    (np.log10(20_000), 1.0, -1.0, -0.2),
    (5.0, 0.4, -0.4, 0.4),
    (np.log10(223_607), 0.0, 0.0, 0.6),
    (np.log10(500_000), -0.4, 0.4, 0.4),
    (np.log10(2_500_000), -1.0, 1.0, 0.0),
)


def _rule_of_thumb(requests: int) -> Option:
    """The articles' volume rule: under 100k leans cloud, 100k-500k hybrid, over 500k local."""
    return "cloud" if requests < 100_000 else ("hybrid" if requests <= 500_000 else "local")


def _volume(s: Scenario) -> Lean:
    cloud, local, hybrid = _interpolate(float(np.log10(max(s.requests_per_month, 1))), _VOLUME_ANCHORS)
    v = s.requests_per_month
    if v < 100_000:
        band = "under 100k a month, where per-token pricing stays cheap: leans cloud"
    elif v <= 500_000:
        band = "in the 100k-500k band where splitting traffic pays: leans hybrid"
    else:
        band = "over 500k a month, where fixed local capacity gets cheaper per request: leans local"
    return Lean(cloud, local, hybrid, f"{v:,} requests is {band} (the articles' rule of thumb; the cost model was not run).")


# An option this many times the cheapest one's monthly cost argues as hard against itself
# as the cheapest argues for itself; in between the lean falls with the log of the ratio.
_COST_RATIO_FULL = 3.0


def _money(value: float) -> str:
    return f"${value:,.0f}" if value >= 100 else f"${value:,.2f}"


def _cost(s: Scenario, costs: OptionCosts) -> Lean:
    """The volume factor from the cost model's monthly figures: the cheapest option leans for itself."""
    cheapest = costs.cheapest
    low = costs.of(cheapest)

    def lean(option: Option) -> float:
        cost = costs.of(option)
        if option == cheapest:
            return 1.0
        if cost <= low:
            # As cheap as a simpler option (hybrid keeping nothing local is cloud with a gateway):
            # the money does not argue for the extra moving parts.
            return 0.5
        if low <= 0:
            return -1.0
        return 1.0 - 2.0 * min(1.0, math.log(cost / low) / math.log(_COST_RATIO_FULL))

    others = [o for o in OPTIONS if o != cheapest]
    ties = [o for o in others if costs.of(o) <= low]
    dearer = [o for o in others if costs.of(o) > low]
    figures = (f"cloud ({costs.cloud_model}) {_money(costs.cloud)}, local ({counted(costs.local_gpus, 'GPU')}) "
               f"{_money(costs.local)}, hybrid ({costs.hybrid_local_share:.0%} local) {_money(costs.hybrid)} a month")
    if dearer:
        runner = min(dearer, key=costs.of)
        verdict = f"{cheapest} is cheapest, {costs.saving(cheapest, runner):.0%} less than {runner}"
        verdict += f" ({' and '.join(ties)} costs the same)" if ties else ""
    else:
        verdict = f"{cheapest} and {' and '.join(ties)} cost the same"
    return Lean(lean("cloud"), lean("local"), lean("hybrid"),
                f"At {s.requests_per_month:,} requests a month the cost model finds {figures}: {verdict}.")


def _cost_note(s: Scenario, costs: OptionCosts) -> str | None:
    """The sentence that says so when an article's volume rule and the cost model disagree."""
    rule, cheapest = _rule_of_thumb(s.requests_per_month), costs.cheapest
    if rule == cheapest or math.isclose(costs.of(rule), costs.of(cheapest), rel_tol=1e-9):
        return None
    return (f"The articles' rule of thumb says {rule} at {s.requests_per_month:,} requests a month; at today's prices "
            f"the cost model finds {cheapest} cheapest, {costs.saving(cheapest, rule):.0%} less than {rule} "
            f"({_money(costs.of(cheapest))} against {_money(costs.of(rule))} a month).")


_REGULATION_LABELS = REGULATION_NAMES


def _privacy(s: Scenario) -> Lean:
    if "air_gapped" in s.regulations:
        return Lean(-1.0, 1.0, -1.0, "The environment is air-gapped: nothing may leave it.")
    share = s.sensitive_share
    cloud = 0.4 - 1.4 * share
    local = -0.3 + 1.3 * share
    # Hybrid fits best when part, not all, of the data is sensitive (a privacy split).
    hybrid = 0.2 * share + 0.7 * (1.0 - abs(2.0 * share - 1.0))
    pct = f"{share:.0%} of requests carry sensitive data"
    if s.regulations:
        # Each further regulation pushes a little harder towards keeping data in.
        pressure = min(0.6, 0.3 + 0.1 * (len(s.regulations) - 1))
        cloud -= pressure
        local += pressure / 2
        hybrid -= pressure / 5
        rules = ", ".join(_REGULATION_LABELS[r] for r in s.regulations)
        if share == 0:
            reason = f"No request is marked sensitive, but {rules} applies: that pushes away from cloud."
        elif share < 1:
            reason = f"{pct} under {rules}: a privacy split keeps that share in house (hybrid); regulation pushes away from cloud."
        else:
            reason = f"Every request carries data under {rules}: leans local."
    elif share == 0:
        reason = "No request carries sensitive data, so nothing argues against an external API."
    elif share < 1:
        reason = f"{pct}: keeping that part local and sending the rest out is a privacy split (hybrid)."
    else:
        reason = f"{pct}: everything is confidential, which leans local."
    clip = lambda v: float(min(1.0, max(-1.0, v)))  # noqa: E731
    return Lean(clip(cloud), clip(local), clip(hybrid), reason)


# Latency target in log10(ms): cloud calls take 0.5-2 s, local ones 50-200 ms.
_LATENCY_ANCHORS = (
    (np.log10(50), -1.0, 1.0, 0.3),
    (np.log10(200), -0.6, 0.6, 0.3),
    (np.log10(500), -0.2, 0.2, 0.1),
    (np.log10(1_000), 0.0, 0.0, 0.0),
    (np.log10(3_000), 0.1, 0.0, 0.0),
)


def _latency(s: Scenario) -> Lean:
    cloud, local, hybrid = _interpolate(float(np.log10(s.latency_p95_ms)), _LATENCY_ANCHORS)
    t = s.latency_p95_ms
    if t < 200:
        why = "is under 200 ms, which a round trip to a cloud API rarely meets: leans local"
    elif t < 1_000:
        why = "is tight for a cloud API (typically 0.5-2 s): leans local"
    else:
        why = "is within what cloud APIs typically deliver (0.5-2 s)"
    return Lean(cloud, local, hybrid, f"A p95 target of {t:,} ms {why} (the articles' rule of thumb; nothing was checked).")


def _seconds(ms: float) -> str:
    return f"{ms / 1000:,.2f} s" if ms < 10_000 else f"{ms / 1000:,.1f} s"


def _targets_text(s: Scenario) -> str:
    targets = latency_targets(s)
    text = f"the whole answer within {_seconds(targets.answer_ms)}"
    if targets.ttft_ms is not None:
        text += f" and the first token within {targets.ttft_ms:,.0f} ms"
    return text


def _checked_latency(s: Scenario, latency: dict[Option, LatencyEstimate | None]) -> Lean:
    """The latency factor from what each option delivers: meeting the targets with room leans for it."""
    targets = latency_targets(s)

    def lean(option: Option) -> float:
        estimate = latency.get(option)
        if estimate is None:
            return 0.0  # no figures: nothing to argue either way
        return float(min(1.0, max(-1.0, math.log2(targets.headroom(estimate)))))

    parts = []
    for option in OPTIONS:
        estimate = latency.get(option)
        if estimate is None:
            parts.append(f"{option}: no published figures")
            continue
        mark = "meets it" if targets.met_by(estimate) else "misses it"
        parts.append(f"{option} {estimate.ttft_ms:,.0f} ms to first token, {_seconds(estimate.answer_ms)} in all ({mark})")
    return Lean(lean("cloud"), lean("local"), lean("hybrid"),
                f"Target: {_targets_text(s)} for {s.output_tokens_per_request:,}-token answers. Delivered: " + "; ".join(parts) + ".")


def _latency_note(s: Scenario, latency: dict[Option, LatencyEstimate | None]) -> str | None:
    """When no option meets the target: say so, and what would."""
    targets = latency_targets(s)
    known = {o: e for o, e in latency.items() if e is not None}
    if not known or any(targets.met_by(e) for e in known.values()):
        return None
    fastest = min(known, key=lambda o: known[o].answer_ms)
    best = known[fastest]
    fits = max(0, int((targets.answer_ms - best.ttft_ms) / 1000 * best.tokens_per_s))
    ways = []
    if targets.ttft_ms is None or all(e.ttft_ms <= targets.ttft_ms for e in known.values()):
        first = ", ".join(f"{o} {e.ttft_ms:,.0f} ms" for o, e in known.items())
        ways.append(f"stream the answer and set a time-to-first-token target instead (first token: {first})")
    if fits > 0:
        ways.append(f"answers of at most {fits:,} tokens")
    ways.append("a smaller or faster model")
    ways.append("more local replicas with fewer sequences each, for a faster stream")
    return (f"No option meets {_targets_text(s)} for {s.output_tokens_per_request:,}-token answers: the fastest, {fastest}, "
            f"takes {_seconds(best.answer_ms)} ({best.ttft_ms:,.0f} ms to first token, {best.tokens_per_s:,.0f} tokens/s). "
            "What would: " + "; ".join(ways) + ".")


_TEAM = {
    "none": Lean(1.0, -1.0, -0.5, "No DevOps/MLOps capacity: an API needs none, self-hosting needs a team."),
    "some": Lean(0.2, -0.2, 0.4, "Some DevOps capacity: enough to run a hybrid gateway, thin for a fleet."),
    "dedicated": Lean(0.0, 0.8, 0.5, "A dedicated DevOps/MLOps team can run models in house."),
}


_HORIZON_ANCHORS = (
    (1.0, 0.8, -0.8, -0.2),
    (3.0, 0.6, -0.6, -0.1),
    (12.0, 0.0, 0.3, 0.2),
    (36.0, -0.3, 0.8, 0.3),
    (60.0, -0.4, 1.0, 0.3),
)


def _horizon(s: Scenario) -> Lean:
    cloud, local, hybrid = _interpolate(float(s.horizon_months), _HORIZON_ANCHORS)
    m = s.horizon_months
    if m <= 3:
        why = "is a start or MVP: hardware would not pay off, leans cloud"
    elif m < 12:
        why = "is short for hardware to pay off"
    else:
        why = "is long enough for up-front hardware to pay off: leans local"
    return Lean(cloud, local, hybrid, f"A {m}-month horizon {why}.")


def _customization(s: Scenario) -> Lean:
    if s.needs_fine_tuning:
        return Lean(-0.6, 0.8, 0.3, "Fine-tuning is needed, which most cloud APIs do not allow: leans local.")
    return Lean(0.0, 0.0, 0.0, "No fine-tuning needed: neutral.")


_QUALITY = {
    "frontier": Lean(1.0, -0.8, 0.3, "Frontier quality is needed, which only cloud models offer: leans cloud."),
    "standard": Lean(0.0, 0.3, 0.1, "Standard quality: open models are good enough on narrow tasks."),
}

# Measured gap (local minus cloud accuracy): level or better leans local, 25 points behind
# is as strong a case for the cloud as asking for frontier quality.
_QUALITY_GAP_ANCHORS = (
    (-0.25, 1.0, -0.8, 0.3),
    (-0.10, 0.4, -0.2, 0.3),
    (0.0, 0.0, 0.6, 0.2),
)


def _measured_quality(evidence: QualityEvidence) -> Lean:
    cloud, local, hybrid = _interpolate(evidence.gap, _QUALITY_GAP_ANCHORS)
    verdict = "leans cloud" if cloud > local else "local is good enough"
    return Lean(cloud, local, hybrid,
                f"Measured on {evidence.task_set} ({evidence.measured_on}, {evidence.tasks} tasks): local "
                f"{evidence.local_accuracy:.0%} vs cloud {evidence.cloud_accuracy:.0%} accuracy, a gap of "
                f"{abs(evidence.gap) * 100:.0f} points: {verdict}.")


_LOAD = {
    "spiky": Lean(0.8, -0.6, 0.3, "Spiky load: an API absorbs peaks, local hardware must be sized for them."),
    "unknown": Lean(0.6, -0.4, 0.0, "Unknown load: an API needs no capacity planning while you learn it."),
    "steady": Lean(-0.2, 0.6, 0.2, "Steady, predictable load keeps local hardware busy: leans local."),
}


def _rate_limited(check: RateLimitCheck) -> Lean:
    # The articles: over the limit "the provider blocks subsequent requests and causes immediate service
    # outages". Local capacity (all of it, or the base of a hybrid) is what the limit cannot refuse.
    needed = f"{check.tier_needed} would hold it" if check.tier_needed else "no published tier holds it"
    return Lean(-0.6, 0.4, 0.7,
                f"Rate limit: at its peak the load profile sends {check.peak_rpm:,.0f} requests a minute to {check.model}, over "
                f"{check.tier}'s {check.whole_requests_allowed or 0:,} in {check.minutes_over_share or 0:.1%} of minutes "
                f"(HTTP 429s); {needed}. Local capacity for the base load, bursts to the cloud, avoids it.")


def factor_leans(scenario: Scenario, evidence: QualityEvidence | None = None, costs: OptionCosts | None = None,
                 latency: dict[Option, LatencyEstimate | None] | None = None,
                 rate_limit: RateLimitCheck | None = None) -> dict[Factor, Lean]:
    """Every factor's lean for the scenario, in checklist order.

    Measured quality evidence, when given, replaces the scenario's stated quality need; the
    cost model's figures replace the volume rule of thumb; what each option delivers in
    time replaces the latency rule of thumb; a load profile whose peak exceeds the cloud
    model's rate limit (``rate_limit``) replaces the load pattern's rule of thumb.
    """
    return {
        "volume": _cost(scenario, costs) if costs is not None else _volume(scenario),
        "privacy": _privacy(scenario),
        "latency": _checked_latency(scenario, latency) if latency is not None else _latency(scenario),
        "team": _TEAM[scenario.team],
        "horizon": _horizon(scenario),
        "customization": _customization(scenario),
        "quality": _measured_quality(evidence) if evidence else _QUALITY[scenario.quality_need],
        "load": _rate_limited(rate_limit) if rate_limit is not None and rate_limit.exceeded else _LOAD[scenario.load_pattern],
    }


def _exclusions(s: Scenario) -> list[Exclusion]:
    # The one privacy verdict decides, the same one the Checklist, Costs page and report show.
    verdict = privacy_verdict(s)
    excluded = []
    if not verdict.cloud_allowed:
        excluded.append(Exclusion(option="cloud", reason=verdict.reason))
    if not verdict.hybrid_allowed:
        excluded.append(Exclusion(option="hybrid", reason=verdict.reason))
    return excluded


def recommend(scenario: Scenario, weights: Weights | None = None, evidence: QualityEvidence | None = None,
              costs: OptionCosts | None = None, latency: dict[Option, LatencyEstimate | None] | None = None,
              rate_limit: RateLimitCheck | None = None) -> Recommendation:
    """Score cloud, local and hybrid for a scenario.

    Pure: the cost model's figures and the latency estimates are passed in (see
    ``advisor.assess`` for the one place that computes them for every page).

    Args:
        scenario: The workload.
        weights: How much each factor counts; the defaults when omitted.
        evidence: A measured local-vs-cloud accuracy gap for the quality factor.
        costs: The cost model's monthly cost per option at the scenario's volume.
        latency: What each option delivers in time for the scenario's answer length.
        rate_limit: A load profile's peaks against the cloud model's rate limit (the Costs page's check).

    Returns:
        Scores 0..100, the winner and runner-up, and per-factor points with reasons.
    """
    weights = weights or Weights()
    leans = factor_leans(scenario, evidence, costs, latency, rate_limit)
    total_weight = sum(weights.of(f) for f in leans)
    factors: list[FactorContribution] = []
    raw = {option: 50.0 for option in OPTIONS}
    for factor, lean in leans.items():
        for option in OPTIONS:
            points = 50.0 * weights.of(factor) * lean.of(option) / total_weight if total_weight else 0.0
            raw[option] += points
            factors.append(FactorContribution(factor=factor, option=option, points=points, reason=lean.reason))
    excluded = _exclusions(scenario)
    ruled_out = {e.option for e in excluded}
    scores = {option: (0.0 if option in ruled_out else round(min(100.0, max(0.0, raw[option])), 6)) for option in OPTIONS}
    ranked = sorted((o for o in OPTIONS if o not in ruled_out), key=lambda o: (-scores[o], _TIE_ORDER[o]))
    notes = [note for note in ((_cost_note(scenario, costs) if costs is not None else None),
                               (_latency_note(scenario, latency) if latency is not None else None),
                               (leans["load"].reason if rate_limit is not None and rate_limit.exceeded else None)) if note]
    return Recommendation(
        recommendation=ranked[0],
        runner_up=ranked[1] if len(ranked) > 1 else None,
        scores=scores,
        factors=factors,
        excluded=excluded,
        costs=costs,
        latency=latency,
        notes=notes,
    )
