"""The recommendation for what the session is working on, computed once per input and shared by
every page (Checklist, sidebar, Recommendation), so all show the same scores and reasons."""

from __future__ import annotations

import streamlit as st

from advisor import QualityEvidence, Recommendation, Weights, assess
from app import state
from app.components.load_profile import rate_limit_check
from calculators import CostAssumptions
from calculators.rate_limits import RateLimitCheck
from scenario import Scenario


@st.cache_data(max_entries=512, show_spinner=False)
def _assess(scenario_json: str, weights_json: str, evidence_json: str | None, assumptions_json: str,
            rate_limit_json: str | None = None) -> Recommendation:
    # The cost model runs here (about a millisecond); cached so a rerun that changes nothing recomputes nothing.
    evidence = QualityEvidence.model_validate_json(evidence_json) if evidence_json else None
    return assess(Scenario.model_validate_json(scenario_json), Weights.model_validate_json(weights_json), evidence,
                  CostAssumptions.model_validate_json(assumptions_json),
                  RateLimitCheck.model_validate_json(rate_limit_json) if rate_limit_json else None)


def current_recommendation() -> Recommendation:
    """The scored answer for the session's scenario, weights, quality evidence, cost assumptions and, with a load
    profile on the Costs page, its peaks against the cloud model's rate limit."""
    evidence = state.quality_evidence()
    scenario = state.scenario()
    limit = rate_limit_check(scenario)
    return _assess(scenario.model_dump_json(), state.weights().model_dump_json(),
                   evidence.model_dump_json() if evidence else None, state.cost_assumptions().model_dump_json(),
                   limit.model_dump_json() if limit is not None else None)
