"""Crossover's decision logic: the Scenario contract, the checklist and the scoring.

Pure Python, no UI: the Streamlit pages and the ``crossover`` CLI both call into here.
"""

from advisor.checklist import CHECKLIST, ChecklistStep, Factor
from advisor.presets import Preset, get_preset, list_presets
from advisor.scenario import Scenario, ScenarioError, allowed_values, load_scenario_file, parse_scenario
from advisor.scoring import OPTIONS, Exclusion, FactorContribution, Option, QualityEvidence, Recommendation, Weights, recommend
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
    "Scenario",
    "ScenarioError",
    "Weights",
    "allowed_values",
    "get_preset",
    "list_presets",
    "load_scenario_file",
    "parse_scenario",
    "recommend",
    "what_would_change",
]
