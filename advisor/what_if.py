"""What would change the answer: vary one input at a time and find where the winner flips."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from advisor.assess import cost_inputs
from advisor.scoring import Option, QualityEvidence, Weights, recommend
from calculators import CostAssumptions
from calculators.rate_limits import RateLimitCheck
from scenario import Scenario

__all__ = ["Flip", "what_would_change"]


class Flip(BaseModel):
    """One input change that gives a different winner.

    Attributes:
        field: The Scenario field changed.
        value: The value at which the winner changes (the boundary, for numbers).
        direction: ``"up"`` or ``"down"`` for numbers, ``"set"`` for choices.
        new_winner: Who wins at that value.
        sentence: The change in words, for people.
        until: For numbers, the last value at which ``new_winner`` still wins when it stops winning
            further on (a band, not "or more"); None when it wins to the end of the searched range.
    """

    field: str
    value: Any
    direction: str
    new_winner: Option
    sentence: str
    until: Any = None


# Search ranges per numeric field: the grid is scanned outward from the current value,
# and integer boundaries are then pinned down exactly by bisection.
_NUMERIC: dict[str, tuple[Sequence[float], Callable[[float], str]]] = {
    "requests_per_month": (
        np.unique(np.geomspace(1, 1e9, 241).round()).tolist(),
        lambda v: f"{v:,.0f} requests a month",
    ),
    "latency_p95_ms": (
        np.unique(np.geomspace(10, 60_000, 121).round()).tolist(),
        lambda v: f"a p95 target of {v:,.0f} ms",
    ),
    "horizon_months": (list(range(1, 121)), lambda v: f"{'an' if v in (8, 11, 18) or 80 <= v < 90 else 'a'} {v:.0f}-month horizon"),
    "sensitive_share": ([i / 100 for i in range(101)], lambda v: f"{v:.0%} sensitive requests"),
}

_CHOICES: dict[str, tuple[Sequence[Any], Callable[[Any], str]]] = {
    "team": (("none", "some", "dedicated"), lambda v: {"none": "no DevOps team", "some": "some DevOps capacity", "dedicated": "a dedicated DevOps/MLOps team"}[v]),
    "quality_need": (("standard", "frontier"), lambda v: f"{v} quality"),
    "load_pattern": (("steady", "spiky", "unknown"), lambda v: f"{v} load"),
    "needs_fine_tuning": ((False, True), lambda v: "fine-tuning needed" if v else "no fine-tuning"),
}


class _Scorer:
    """Scores changed scenarios the way the pages do: with the cost model and the latency check.

    The cost model's figures depend only on the volume, the request shape and the sensitive
    share (hybrid's local share), so they are worked out once per distinct set of those.
    """

    def __init__(self, weights: Weights, evidence: QualityEvidence | None, assumptions: CostAssumptions | None, use_cost_model: bool,
                 rate_limit: Callable[[Scenario], RateLimitCheck | None] | None = None):
        self.weights, self.evidence, self.assumptions, self.use_cost_model = weights, evidence, assumptions, use_cost_model
        self.rate_limit = rate_limit
        self._inputs: dict[tuple[Any, ...], Any] = {}

    def winner(self, scenario: Scenario) -> Option:
        # A load profile's rate-limit check moves with the volume and the request shape: checked again for each try.
        limit = self.rate_limit(scenario) if self.rate_limit else None
        if not self.use_cost_model:
            return recommend(scenario, self.weights, self.evidence, rate_limit=limit).recommendation
        key = (scenario.requests_per_month, scenario.input_tokens_per_request, scenario.output_tokens_per_request, scenario.sensitive_share)
        if key not in self._inputs:
            self._inputs[key] = cost_inputs(scenario, self.assumptions)
        inputs = self._inputs[key]
        return recommend(scenario, self.weights, self.evidence, inputs.costs, inputs.latency, limit).recommendation


def _winner(scenario: Scenario, field: str, value: Any, weights: Weights, evidence: QualityEvidence | None = None,
            scorer: _Scorer | None = None) -> Option:
    changed = scenario.model_copy(update={field: value})
    return scorer.winner(changed) if scorer else recommend(changed, weights, evidence).recommendation


def _boundary(scenario: Scenario, field: str, inside: float, outside: float, weights: Weights,
              evidence: QualityEvidence | None = None, scorer: _Scorer | None = None) -> float:
    """Narrow [inside, outside] to the first value at which the winner differs."""
    base = _winner(scenario, field, inside, weights, evidence, scorer)
    integral = isinstance(getattr(scenario, field), int)
    for _ in range(60):
        if integral and abs(outside - inside) <= 1:
            break
        if not integral and abs(outside - inside) <= 1e-4:
            break
        middle = (inside + outside) / 2
        middle = round(middle) if integral else middle
        if _winner(scenario, field, middle, weights, evidence, scorer) == base:
            inside = middle
        else:
            outside = middle
    # Return the far side itself: it is the first value known to give the other winner.
    return int(outside) if integral else outside


def _numeric_flips(scenario: Scenario, field: str, weights: Weights, current_winner: Option,
                   evidence: QualityEvidence | None = None, scorer: _Scorer | None = None) -> list[Flip]:
    grid, describe = _NUMERIC[field]
    current = getattr(scenario, field)
    integral = isinstance(current, int)
    flips: list[Flip] = []
    for direction, candidates in (
        ("up", [g for g in grid if g > current]),
        ("down", [g for g in reversed(grid) if g < current]),
    ):
        values = [int(c) if integral else float(c) for c in candidates]
        previous = current
        for index, value in enumerate(values):
            if _winner(scenario, field, value, weights, evidence, scorer) != current_winner:
                boundary = _boundary(scenario, field, previous, value, weights, evidence, scorer)
                new_winner = _winner(scenario, field, boundary, weights, evidence, scorer)
                band = _band_end(scenario, field, value, values[index + 1:], new_winner, direction, weights, evidence, scorer)
                until = None
                if band is None:
                    bound = "or more" if direction == "up" else "or less"
                    sentence = f"At {describe(boundary)} {bound}, {new_winner} would win instead of {current_winner}."
                else:
                    until, outside = band
                    low, high = sorted((boundary, until))
                    past = _winner(scenario, field, outside, weights, evidence, scorer)  # who wins just past the band
                    beyond = f"{'above' if direction == 'up' else 'below'} that, {past} {'again' if past == current_winner else 'wins'}"
                    sentence = f"From {describe(low)} to {describe(high)} ({beyond}), {new_winner} would win instead of {current_winner}."
                flips.append(Flip(field=field, value=boundary, direction=direction, new_winner=new_winner, sentence=sentence,
                                  until=until))
                break
            previous = value
    return flips


def _band_end(scenario: Scenario, field: str, start: float, further: Sequence[float], new_winner: Option, direction: str,
              weights: Weights, evidence: QualityEvidence | None, scorer: _Scorer | None) -> tuple[float, float] | None:
    """Where ``new_winner`` stops winning, going on from ``start``: (the last value at which it
    still wins, the first at which it does not); None if it wins to the end of the range.

    Without this a flip read "at 12,783 ms or more, cloud would win" where cloud won only up to
    17,836 ms: the winner can change back (the latency check and the cost model both move).
    """
    inside = start
    for value in further:
        if _winner(scenario, field, value, weights, evidence, scorer) != new_winner:
            end = _boundary(scenario, field, inside, value, weights, evidence, scorer)  # the first value past the band
            if not isinstance(getattr(scenario, field), int):
                return end, end  # to within the bisection's 1e-4
            return (end - 1 if direction == "up" else end + 1), end
        inside = value
    return None


def what_would_change(scenario: Scenario, weights: Weights | None = None, evidence: QualityEvidence | None = None,
                      assumptions: CostAssumptions | None = None, *, use_cost_model: bool = True,
                      rate_limit: Callable[[Scenario], RateLimitCheck | None] | None = None) -> list[Flip]:
    """Find, for each input alone, the nearest change that gives a different winner.

    Args:
        scenario: The current scenario.
        weights: The factor weights in force.
        evidence: Measured quality evidence in force, if any (then quality_need is not varied).
        assumptions: The cost assumptions in force (the defaults when omitted).
        use_cost_model: Score as the pages do (cost model and latency check); False scores on
            the articles' rules of thumb alone.
        rate_limit: A load profile's rate-limit check for a scenario (the Costs page's), if one is in use.

    Returns:
        Flips for numeric inputs (nearest boundary up and down) and for choices (each
        alternative that changes the winner). Empty when no single change flips it.
    """
    weights = weights or Weights()
    scorer = _Scorer(weights, evidence, assumptions, use_cost_model, rate_limit)
    current_winner = scorer.winner(scenario)
    flips: list[Flip] = []
    for field in _NUMERIC:
        flips.extend(_numeric_flips(scenario, field, weights, current_winner, evidence, scorer))
    for field, (values, describe) in _CHOICES.items():
        if field == "quality_need" and evidence is not None:
            continue  # the measured gap, not the stated need, decides quality
        for value in values:
            if value == getattr(scenario, field):
                continue
            new_winner = _winner(scenario, field, value, weights, evidence, scorer)
            if new_winner != current_winner:
                flips.append(
                    Flip(
                        field=field,
                        value=value,
                        direction="set",
                        new_winner=new_winner,
                        sentence=f"With {describe(value)}, {new_winner} would win instead of {current_winner}.",
                    )
                )
    return flips
