"""Deciding: the selection checklist, the scoring of cloud, local and hybrid, what would flip it,
the six presets and the provider privacy facts.

Pure Python, no UI: the Streamlit pages and the ``crossover`` CLI both call into here.
"""

from advisor.assess import assess
from advisor.checklist import CHECKLIST, ChecklistStep, Factor
from advisor.presets import Preset, get_preset, list_presets
from advisor.scoring import (
    OPTIONS,
    Exclusion,
    FactorContribution,
    Option,
    QualityEvidence,
    Recommendation,
    Weights,
    recommend,
)
from advisor.what_if import Flip, what_would_change

__all__ = [
    "CHECKLIST",
    "OPTIONS",
    "ChecklistStep",
    "Exclusion",
    "Factor",
    "FactorContribution",
    "Flip",
    "Option",
    "Preset",
    "QualityEvidence",
    "Recommendation",
    "Weights",
    "assess",
    "get_preset",
    "list_presets",
    "recommend",
    "what_would_change",
]
