"""Session state: the one place the current scenario and weights live between reruns and pages.

Streamlit forgets a widget's value when the widget is not drawn (another step, another
page), so the scenario is kept as canonical values under ``SCENARIO_KEY`` and every input
widget is a view onto it: it is seeded from the canonical value and writes back on change.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from advisor import Preset, Scenario, ScenarioError, Weights, parse_scenario
from calculators import CostAssumptions, CostInputError, parse_assumptions

SCENARIO_KEY = "crossover.scenario"
WEIGHTS_KEY = "crossover.weights"
PRESET_KEY = "crossover.preset_name"
ERROR_KEY = "crossover.input_error"
INPUT_PREFIX = "input."
WEIGHT_PREFIX = "weight."


def scenario() -> Scenario:
    """The scenario being worked on (the defaults for a new session)."""
    if SCENARIO_KEY not in st.session_state:
        st.session_state[SCENARIO_KEY] = Scenario()
    return st.session_state[SCENARIO_KEY]


def weights() -> Weights:
    """The factor weights in force (the defaults until someone edits them)."""
    if WEIGHTS_KEY not in st.session_state:
        st.session_state[WEIGHTS_KEY] = Weights()
    return st.session_state[WEIGHTS_KEY]


def loaded_preset_name() -> str | None:
    """The preset the scenario started from, if any."""
    return st.session_state.get(PRESET_KEY)


def update_scenario(field: str, value: Any) -> None:
    """Set one field, keeping the old scenario (and saying why) if the value is invalid."""
    try:
        st.session_state[SCENARIO_KEY] = parse_scenario({**scenario().model_dump(), field: value})
        st.session_state.pop(ERROR_KEY, None)
    except ScenarioError as exc:
        st.session_state[ERROR_KEY] = "; ".join(exc.problems)


def input_error() -> str | None:
    """The last rejected input, to show next to the form."""
    return st.session_state.get(ERROR_KEY)


def load_preset(preset: Preset) -> None:
    """Replace the scenario with a preset's and redraw every input from it."""
    st.session_state[SCENARIO_KEY] = preset.scenario
    st.session_state[PRESET_KEY] = preset.name
    _forget_widgets(INPUT_PREFIX)


def update_weight(factor: str, value: float) -> None:
    """Set one factor's weight."""
    st.session_state[WEIGHTS_KEY] = weights().model_copy(update={factor: float(value)})


def reset_weights() -> None:
    """Back to the default weights."""
    st.session_state[WEIGHTS_KEY] = Weights()
    _forget_widgets(WEIGHT_PREFIX)


def _forget_widgets(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


# --- Cost assumptions (the Costs page) ---------------------------------------------------

COSTS_KEY = "crossover.cost_assumptions"
THROUGHPUT_LABEL_KEY = "crossover.throughput_label"
EVIDENCE_KEY = "crossover.quality_evidence"
COSTS_ERROR_KEY = "crossover.cost_error"
COST_PREFIX = "cost."
# Choosing another GPU or model brings back the catalog's figures for what depends on it.
_COST_RESETS: dict[str, tuple[str, ...]] = {
    "gpu_id": ("gpu_hourly_usd", "gpu_purchase_usd", "gpu_power_w", "gpus_per_replica", "throughput_tokens_per_s"),
    "open_model_id": ("gpus_per_replica", "throughput_tokens_per_s"),
    "quantisation": ("gpus_per_replica", "throughput_tokens_per_s"),
    "concurrent_sequences": ("gpus_per_replica", "throughput_tokens_per_s"),
    "schedule": ("hours_per_month",),
}


def cost_assumptions() -> CostAssumptions:
    """The cost assumptions being worked on (the defaults for a new session)."""
    if COSTS_KEY not in st.session_state:
        st.session_state[COSTS_KEY] = CostAssumptions()
    return st.session_state[COSTS_KEY]


def update_cost_assumption(field: str, value: Any) -> None:
    """Set one assumption; an invalid value is refused with a message and nothing else changes."""
    data = cost_assumptions().model_dump()
    data[field] = value
    for dependent in _COST_RESETS.get(field, ()):
        data[dependent] = None
        st.session_state.pop(COST_PREFIX + dependent, None)
    try:
        st.session_state[COSTS_KEY] = parse_assumptions(data)
        st.session_state.pop(COSTS_ERROR_KEY, None)
    except CostInputError as exc:
        st.session_state[COSTS_ERROR_KEY] = str(exc)


def cost_input_error() -> str | None:
    """The last refused cost assumption, to show next to the inputs."""
    return st.session_state.get(COSTS_ERROR_KEY)


def reset_cost_assumptions() -> None:
    """Back to the default cost assumptions."""
    st.session_state[COSTS_KEY] = CostAssumptions()
    st.session_state.pop(COSTS_ERROR_KEY, None)
    _forget_widgets(COST_PREFIX)


def set_price_override(ref: str, override: dict[str, float] | None) -> None:
    """Give a cloud model (or a new custom provider) your own prices, or drop them."""
    current = cost_assumptions()
    overrides = {k: v.model_dump() for k, v in current.price_overrides.items()}
    models = list(current.cloud_models)
    if override is None:
        overrides.pop(ref, None)
    else:
        overrides[ref] = override
        if ref not in models:
            models.append(ref)
    data = {**current.model_dump(), "price_overrides": overrides, "cloud_models": models}
    try:
        st.session_state[COSTS_KEY] = parse_assumptions(data)
        st.session_state.pop(COSTS_ERROR_KEY, None)
        st.session_state.pop(COST_PREFIX + "cloud_models", None)
    except CostInputError as exc:
        st.session_state[COSTS_ERROR_KEY] = str(exc)


# --- Keeping page inputs across page switches ---------------------------------------------

# Streamlit drops a widget's value when its page is not shown. Each page's inputs live under
# its own prefix and are kept for the session (in memory only; an API key typed on the
# Playground included, so other pages can use it). Buttons and uploaders cannot be given
# a value: their keys contain ".action." and are left alone.
PAGE_INPUT_PREFIXES: dict[str, str] = {"playground": "pg.", "routing": "rt.", "quality": "ev.", "costs": "costs.override."}
ACTION_MARK = ".action."


def keep_page_inputs(shown_page: str) -> None:
    """Keep the inputs of every page but the one being shown.

    Re-assigning a key makes Streamlit keep it while its widget is not drawn. The page being
    shown is left out on purpose: re-assigning a live widget would push its last value back
    to the browser and overwrite whatever the user is typing there.
    """
    hidden = tuple(prefix for page, prefix in PAGE_INPUT_PREFIXES.items() if page != shown_page)
    for key in list(st.session_state):
        name = str(key)
        if name.startswith(hidden) and ACTION_MARK not in name:
            st.session_state[key] = st.session_state[key]


def quality_evidence():  # -> QualityEvidence | None
    """The measured accuracy gap chosen on the Quality check page, if any."""
    return st.session_state.get(EVIDENCE_KEY)
