"""The recommendation for what the session is working on, computed once per input and shared by
every page (Checklist, sidebar, Recommendation), so all show the same scores and reasons."""

from __future__ import annotations

import streamlit as st

from advisor import QualityEvidence, Recommendation, Weights, assess
from app import state
from calculators import CostAssumptions
from scenario import Scenario


@st.cache_data(max_entries=512, show_spinner=False)
def _assess(scenario_json: str, weights_json: str, evidence_json: str | None, assumptions_json: str) -> Recommendation:
    # The cost model runs here (about a millisecond); cached so a rerun that changes nothing recomputes nothing.
    evidence = QualityEvidence.model_validate_json(evidence_json) if evidence_json else None
    return assess(Scenario.model_validate_json(scenario_json), Weights.model_validate_json(weights_json), evidence,
                  CostAssumptions.model_validate_json(assumptions_json))


def current_recommendation() -> Recommendation:
    """The scored answer for the session's scenario, weights, quality evidence and cost assumptions."""
    evidence = state.quality_evidence()
    return _assess(state.scenario().model_dump_json(), state.weights().model_dump_json(),
                   evidence.model_dump_json() if evidence else None, state.cost_assumptions().model_dump_json())
