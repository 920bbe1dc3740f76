"""Words and colours for the options and choices, shared by every page."""

from __future__ import annotations

from advisor.checklist import CHECKLIST

OPTION_LABELS = {"cloud": "Cloud API", "local": "Local models", "hybrid": "Hybrid"}
# Colour-blind-safe (Okabe-Ito) and the same on every chart.
OPTION_COLORS = {"cloud": "#0072B2", "local": "#D55E00", "hybrid": "#009E73"}
FACTOR_LABELS = {step.factor: step.title for step in CHECKLIST}

REGULATION_LABELS = {
    "hipaa": "HIPAA (US health data)",
    "gdpr": "GDPR (EU personal data)",
    "pci": "PCI DSS (card data)",
    "finance": "Financial regulation",
    "government": "Government / defence",
    "air_gapped": "Air-gapped environment",
    "trade_secrets": "Trade secrets / proprietary code",
}
TEAM_LABELS = {
    "none": "None: product developers only",
    "some": "Some: a few people who run services",
    "dedicated": "Dedicated DevOps / MLOps team",
}
QUALITY_LABELS = {
    "standard": "Standard: good answers on well-defined tasks",
    "frontier": "Frontier: the best model available",
}
LOAD_LABELS = {
    "steady": "Steady and predictable",
    "spiky": "Spiky: large peaks",
    "unknown": "Unknown yet",
}


def score_text(score: float) -> str:
    """A 0..100 score as every page, chart and report prints it (whole points, from the unrounded score)."""
    return f"{score:.0f}"


def lead_text(winner: str, winner_points: float, runner_up: str, runner_up_points: float) -> str:
    """What one deciding factor gave the winner and the runner-up, in the words every page uses."""
    return f"{OPTION_LABELS[winner]} {winner_points:+.1f} vs {OPTION_LABELS[runner_up]} {runner_up_points:+.1f} points"
