"""The selection checklist from the source articles, as data the UI and reports walk through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CHECKLIST", "Factor", "ChecklistStep", "step_for"]

Factor = Literal["volume", "privacy", "latency", "team", "horizon", "customization", "quality", "load"]


@dataclass(frozen=True)
class ChecklistStep:
    """One question of the checklist.

    Attributes:
        factor: The scoring factor this step feeds.
        title: Short name shown in the step navigation.
        question: What the team is asked.
        why: One or two sentences on why it matters.
        guidance: The articles' rules of thumb, one line each.
        fields: The Scenario fields this step sets.
    """

    factor: Factor
    title: str
    question: str
    why: str
    guidance: tuple[str, ...]
    fields: tuple[str, ...]


CHECKLIST: tuple[ChecklistStep, ...] = (
    ChecklistStep(
        factor="volume",
        title="Volume",
        question="How many requests a month, and how long are they?",
        why="Cloud APIs charge per token, so the bill grows with every request; local "
        "hardware is a fixed cost that gets cheaper per request the more you use it.",
        guidance=(
            "Under 100k requests a month leans cloud.",
            "100k to 500k requests a month leans hybrid.",
            "Over 500k requests a month leans local.",
        ),
        fields=("requests_per_month", "input_tokens_per_request", "output_tokens_per_request"),
    ),
    ChecklistStep(
        factor="privacy",
        title="Privacy & regulation",
        question="Which share of requests carries confidential or regulated data, and which rules apply?",
        why="For many applications privacy, not cost, is the deciding factor: regulated data "
        "sent to an external API is a compliance risk that local deployment removes.",
        guidance=(
            "Regulated data (HIPAA, finance, government, trade secrets) leans local.",
            "Only part of the data sensitive leans hybrid: keep that part local.",
            "No sensitive data at all leans cloud.",
            "Air-gapped environments rule out any cloud use.",
        ),
        fields=("sensitive_share", "regulations"),
    ),
    ChecklistStep(
        factor="latency",
        title="Latency",
        question="How fast must 95% of answers be complete, and how soon must the first words appear?",
        why="A cloud call crosses the internet and typically answers in 0.5-2 s; a local "
        "model on the same network can answer in 50-200 ms.",
        guidance=(
            "Targets under 200 ms lean local.",
            "Targets of a second or more are met by cloud APIs.",
            "Crossover checks these: a whole answer takes the time to the first token plus its length at one stream's speed.",
        ),
        fields=("latency_p95_ms", "ttft_ms"),
    ),
    ChecklistStep(
        factor="team",
        title="Team",
        question="How much DevOps / MLOps capacity does the team have?",
        why="Calling an API needs no operations skills; running models needs people to set "
        "up hardware, monitor, update and scale, and MLOps engineers are scarce and expensive.",
        guidance=(
            "No operations team leans cloud.",
            "A technical team makes hybrid workable.",
            "A dedicated DevOps/MLOps team makes local workable.",
        ),
        fields=("team",),
    ),
    ChecklistStep(
        factor="horizon",
        title="Horizon",
        question="Over how many months should this decision pay off?",
        why="Local hardware is paid up front and pays off over time; a short project or an "
        "MVP never earns it back.",
        guidance=(
            "A start or MVP (0-3 months) leans cloud.",
            "A long-term project (a year or more) leans local.",
        ),
        fields=("horizon_months",),
    ),
    ChecklistStep(
        factor="customization",
        title="Customization",
        question="Do you need to fine-tune the model on your own data?",
        why="Most cloud APIs cannot be fine-tuned, or only in limited ways; your own models "
        "can be fine-tuned and optimised for narrow tasks.",
        guidance=("Needing fine-tuning leans local.",),
        fields=("needs_fine_tuning",),
    ),
    ChecklistStep(
        factor="quality",
        title="Quality",
        question="Do you need frontier-model quality, or is good enough good enough?",
        why="The strongest models run only behind cloud APIs; open models are close on many "
        "narrow tasks but still lag on complex reasoning.",
        guidance=(
            "Frontier quality leans cloud.",
            "Standard quality on narrow tasks can be met locally.",
        ),
        fields=("quality_need",),
    ),
    ChecklistStep(
        factor="load",
        title="Load pattern",
        question="Is the traffic steady, spiky, or not yet known?",
        why="Cloud APIs absorb peaks without capacity planning; local hardware must be sized "
        "for the peak and sits idle the rest of the time.",
        guidance=(
            "Spiky or unknown load leans cloud.",
            "Steady, predictable volume leans local.",
        ),
        fields=("load_pattern",),
    ),
)


def step_for(factor: Factor) -> ChecklistStep:
    """Return the checklist step that feeds ``factor``."""
    return next(step for step in CHECKLIST if step.factor == factor)
