"""Session state: the one place the current scenario and weights live between reruns and pages.

Streamlit forgets a widget's value when the widget is not drawn (another step, another
page), so the scenario is kept as canonical values under ``SCENARIO_KEY`` and every input
widget is a view onto it: it is seeded from the canonical value and writes back on change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from advisor import Preset, Weights
from calculators import CostAssumptions, CostInputError, parse_assumptions
from scenario import InputError, Scenario, parse_scenario

if TYPE_CHECKING:  # the decision document loads only when a page asks for it
    from advisor import QualityEvidence
    from decisions import Decision

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
    """Where the scenario came from ("from preset ...", "opened from a shared link"...), if known."""
    return st.session_state.get(PRESET_KEY)


def update_scenario(field: str, value: Any) -> None:
    """Set one field, keeping the old scenario (and saying why) if the value is invalid."""
    try:
        st.session_state[SCENARIO_KEY] = parse_scenario({**scenario().model_dump(), field: value})
        st.session_state.pop(ERROR_KEY, None)
    except InputError as exc:
        st.session_state[ERROR_KEY] = "; ".join(exc.problems)


def input_error() -> str | None:
    """The last rejected input, to show next to the form."""
    return st.session_state.get(ERROR_KEY)


def load_preset(preset: Preset) -> None:
    """Replace the scenario with a preset's and redraw every input from it."""
    st.session_state[SCENARIO_KEY] = preset.scenario
    st.session_state[PRESET_KEY] = f"from preset {preset.name}"
    st.session_state.pop("crossover.open_scenario", None)
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
    "kv_precision": ("gpus_per_replica", "throughput_tokens_per_s"),
    "concurrent_sequences": ("throughput_tokens_per_s",),
    "ttft_target_ms": ("throughput_tokens_per_s",),
    "tpot_target_ms": ("throughput_tokens_per_s",),
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

# Streamlit drops a widget's value when its page is not shown: on a page change it removes
# the old page's widget state before the new page's script starts. Each page's inputs live
# under its own prefix; every run copies their values to a plain dict in the session (in
# memory only; an API key typed on the Playground included, so other pages can use it), and
# puts back any that Streamlit dropped before the page draws its widgets again. Buttons,
# uploaders and tables cannot be given a value: their keys contain ".action." and are left alone.
PAGE_INPUT_PREFIXES: dict[str, str] = {
    "playground": "pg.", "routing": "rt.", "quality": "ev.", "costs": "costs.override.", "library": "lib.", "compare": "cmp.", "report": "rep.",
}
ACTION_MARK = ".action."
KEPT_KEY = "crossover.kept_inputs"


def keep_page_inputs(shown_page: str) -> None:
    """Remember every page's inputs; put back the shown page's that Streamlit dropped.

    They are put back in the run that draws their widgets, so Streamlit sends the value to
    the browser. A value still present is never re-assigned: re-assigning a live widget would
    push its last value back to the browser and overwrite whatever the user is typing there.
    """
    kept: dict[str, Any] = st.session_state.setdefault(KEPT_KEY, {})
    prefixes = tuple(PAGE_INPUT_PREFIXES.values())
    for key in list(st.session_state):
        name = str(key)
        if name.startswith(prefixes) and ACTION_MARK not in name:
            kept[name] = st.session_state[key]
    own = PAGE_INPUT_PREFIXES.get(shown_page)
    if own is None:
        return
    for name, value in kept.items():
        if name.startswith(own) and name not in st.session_state:
            st.session_state[name] = value


def page_input(key: str, default: Any = None) -> Any:
    """A page input's value, also while its page is not shown."""
    if key in st.session_state:
        return st.session_state[key]
    return st.session_state.get(KEPT_KEY, {}).get(key, default)


def forget_inputs(*keys: str) -> None:
    """Drop page inputs for good (the widgets start from their defaults next time)."""
    kept: dict[str, Any] = st.session_state.setdefault(KEPT_KEY, {})
    for key in keys:
        st.session_state.pop(key, None)
        kept.pop(key, None)


def set_input(key: str, value: Any) -> None:
    """Set a page input from code (a callback), so the kept copy agrees."""
    st.session_state[key] = value
    st.session_state.setdefault(KEPT_KEY, {})[key] = value


def quality_evidence() -> QualityEvidence | None:
    """The measured accuracy gap chosen on the Quality check page, if any."""
    return st.session_state.get(EVIDENCE_KEY)


# --- The whole decision (saved scenarios, shared links, reports) ------------------------------

OPEN_SCENARIO_KEY = "crossover.open_scenario"


def decision() -> Decision:
    """The scenario, weights and cost assumptions being worked on, as one document."""
    from decisions import Decision

    return Decision(scenario=scenario(), weights=weights(), costs=cost_assumptions())


def load_decision(loaded: Decision, label: str | None, open_scenario: dict[str, Any] | None = None) -> None:
    """Replace the scenario, weights and cost assumptions and redraw every input from them.

    Args:
        loaded: The :class:`decisions.Decision` to work on.
        label: Where it came from, shown above the results ("shared link", a saved name...).
        open_scenario: The library entry it was opened from (``id``, ``name``, ``version``),
            so the next save can add a version to it; ``None`` for anything else.
    """
    st.session_state[SCENARIO_KEY] = loaded.scenario
    st.session_state[WEIGHTS_KEY] = loaded.weights
    st.session_state[COSTS_KEY] = loaded.costs
    st.session_state[PRESET_KEY] = label
    for key in (ERROR_KEY, COSTS_ERROR_KEY, THROUGHPUT_LABEL_KEY):
        st.session_state.pop(key, None)
    if open_scenario is None:
        st.session_state.pop(OPEN_SCENARIO_KEY, None)
    else:
        st.session_state[OPEN_SCENARIO_KEY] = open_scenario
    for prefix in (INPUT_PREFIX, WEIGHT_PREFIX, COST_PREFIX):
        _forget_widgets(prefix)


def open_scenario() -> dict[str, Any] | None:
    """The saved scenario the work came from (``id``, ``name``, ``version``), if any."""
    return st.session_state.get(OPEN_SCENARIO_KEY)
