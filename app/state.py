"""Session state: the one place the current scenario and weights live between reruns and pages.

Streamlit forgets a widget's value when the widget is not drawn (another step, another
page), so the scenario is kept as canonical values under ``SCENARIO_KEY`` and every input
widget is a view onto it: it is seeded from the canonical value and writes back on change.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from advisor import Preset, Scenario, ScenarioError, Weights, parse_scenario

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
