"""Session state: the one place the current scenario, weights and cost assumptions live, and
typed access to what one page reads from another.

Two kinds of input:

- **Views of the decision.** The scenario, the weights and the cost assumptions are kept as
  canonical values (``SCENARIO_KEY``, ``WEIGHTS_KEY``, ``COSTS_KEY``). Their widgets are views:
  drawn with the value in force as their default, writing back on change, and dropped by
  Streamlit when their page is not shown (the next page draws them again from the canonical
  value). When code replaces a value (a preset, a saved scenario, another GPU bringing back its
  catalog price), the widgets showing it get a new key (:func:`widget_key`): the browser then
  draws a new widget from the new value. Deleting the old key instead leaves the browser
  holding the old value under the same widget id; it sends it back with the next interaction,
  firing that widget's callback with a value nobody chose (the Costs page crashed that way).
- **A page's own settings** (the Playground's sides, the routing policy, the library's name
  field...): widgets with ``persist_state="session"`` (:data:`KEEP`), which Streamlit keeps
  for the whole session, also while their page is not shown. Another page reads them only
  through the typed accessors at the end of this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from advisor import Preset, Weights
from calculators import CostAssumptions, CostInputError, parse_assumptions
from scenario import InputError, Scenario, parse_scenario

if TYPE_CHECKING:  # loaded when a page asks: the backends pull in the cloud SDKs
    from advisor import QualityEvidence
    from decisions import Decision
    from inference import BackendConfig
    from routing.prompt_files import PromptSet

SCENARIO_KEY = "crossover.scenario"
WEIGHTS_KEY = "crossover.weights"
PRESET_KEY = "crossover.preset_name"
ERROR_KEY = "crossover.input_error"
REVISIONS_KEY = "crossover.widget_revisions"
INPUT_PREFIX = "input."
WEIGHT_PREFIX = "weight."
COST_PREFIX = "cost."
# Streamlit keeps these widgets' values for the whole session, also on other pages.
KEEP: dict[str, Any] = {"persist_state": "session"}


# --- Widget keys that change when code replaces the value they show ----------------------


def widget_key(prefix: str, name: str) -> str:
    """The key of the widget showing ``name`` (under ``prefix``): new after every :func:`redraw`."""
    return revised_key(prefix, name, st.session_state.get(REVISIONS_KEY, {}))


def revised_key(prefix: str, name: str, revisions: dict[str, int]) -> str:
    """:func:`widget_key` from a revisions table (tests read it from ``AppTest.session_state``)."""
    revision = revisions.get(prefix, 0) + revisions.get(prefix + name, 0)
    return f"{prefix}{name}" if revision == 0 else f"{prefix}{name}.v{revision}"


def redraw(prefix: str, *names: str) -> None:
    """Give the widgets of ``names`` (every widget under ``prefix`` if none) new keys.

    Counters only grow, so a key never comes back; the old widgets are no longer drawn and
    Streamlit drops their state at the end of the run.
    """
    revisions: dict[str, int] = st.session_state.setdefault(REVISIONS_KEY, {})
    for counter in [prefix + name for name in names] or [prefix]:
        revisions[counter] = revisions.get(counter, 0) + 1


# --- The scenario and the weights ----------------------------------------------------------


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
    label = st.session_state.get(PRESET_KEY)
    if label and has_unsaved_changes():
        return f"{label}, with unsaved changes"
    return label


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
    close_open_scenario()
    st.session_state.pop(ERROR_KEY, None)
    redraw(INPUT_PREFIX)


def update_weight(factor: str, value: float) -> None:
    """Set one factor's weight."""
    st.session_state[WEIGHTS_KEY] = weights().model_copy(update={factor: float(value)})


def reset_weights() -> None:
    """Back to the default weights."""
    st.session_state[WEIGHTS_KEY] = Weights()
    redraw(WEIGHT_PREFIX)


# --- Cost assumptions (the Costs page) ---------------------------------------------------

COSTS_KEY = "crossover.cost_assumptions"
THROUGHPUT_LABEL_KEY = "crossover.throughput_label"
# The Hybrid routing page's prompt set (a routing.prompt_files.PromptSet); the Costs page's
# shared-prefix measure and the Capacity sweep read it too.
ROUTING_PROMPTS_KEY = "rt.prompt_set"
EVIDENCE_KEY = "crossover.quality_evidence"
COSTS_ERROR_KEY = "crossover.cost_error"
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


def cost_resets(field: str) -> tuple[str, ...]:
    """The assumptions that go back to the catalog's figure when ``field`` changes."""
    return _COST_RESETS.get(field, ())


def cost_assumptions() -> CostAssumptions:
    """The cost assumptions being worked on (the defaults for a new session)."""
    if COSTS_KEY not in st.session_state:
        st.session_state[COSTS_KEY] = CostAssumptions()
    return st.session_state[COSTS_KEY]


def update_cost_assumption(field: str, value: Any, *, from_widget: bool = True) -> None:
    """Set one assumption; an invalid value is refused with a message and nothing else changes.

    Args:
        field: The assumption.
        value: Its new value.
        from_widget: False when code sets it (not its own widget), so its widget is drawn again.
    """
    data = cost_assumptions().model_dump()
    data[field] = value
    dependents = cost_resets(field)
    if "throughput_tokens_per_s" in (field, *dependents):
        st.session_state.pop(THROUGHPUT_LABEL_KEY, None)  # a measurement's provenance no longer describes the figure
    for dependent in dependents:
        data[dependent] = None
    try:
        st.session_state[COSTS_KEY] = parse_assumptions(data)
        st.session_state.pop(COSTS_ERROR_KEY, None)
    except CostInputError as exc:
        st.session_state[COSTS_ERROR_KEY] = str(exc)
        return
    changed = (*dependents, *(() if from_widget else (field,)))
    if changed:
        redraw(COST_PREFIX, *changed)


def cost_input_error() -> str | None:
    """The last refused cost assumption, to show next to the inputs."""
    return st.session_state.get(COSTS_ERROR_KEY)


def reset_cost_assumptions() -> None:
    """Back to the default cost assumptions."""
    st.session_state[COSTS_KEY] = CostAssumptions()
    st.session_state.pop(COSTS_ERROR_KEY, None)
    st.session_state.pop(THROUGHPUT_LABEL_KEY, None)
    redraw(COST_PREFIX)


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
        redraw(COST_PREFIX, "cloud_models")
    except CostInputError as exc:
        st.session_state[COSTS_ERROR_KEY] = str(exc)


def quality_evidence() -> QualityEvidence | None:
    """The measured accuracy gap chosen on the Quality check page, if any."""
    return st.session_state.get(EVIDENCE_KEY)


# --- The whole decision (saved scenarios, shared links, reports) ------------------------------

OPEN_SCENARIO_KEY = "crossover.open_scenario"


def decision() -> Decision:
    """The scenario, weights and cost assumptions being worked on, as one document."""
    from decisions import Decision

    return Decision(scenario=scenario(), weights=weights(), costs=cost_assumptions())


def load_decision(loaded: Decision, label: str | None) -> None:
    """Replace the scenario, weights and cost assumptions and redraw every input from them.

    Args:
        loaded: The :class:`decisions.Decision` to work on.
        label: Where it came from, shown above the results ("shared link", a saved name...).
    """
    st.session_state[SCENARIO_KEY] = loaded.scenario
    st.session_state[WEIGHTS_KEY] = loaded.weights
    st.session_state[COSTS_KEY] = loaded.costs
    st.session_state[PRESET_KEY] = label
    close_open_scenario()
    for key in (ERROR_KEY, COSTS_ERROR_KEY, THROUGHPUT_LABEL_KEY):
        st.session_state.pop(key, None)
    for prefix in (INPUT_PREFIX, WEIGHT_PREFIX, COST_PREFIX):
        redraw(prefix)


def close_open_scenario() -> None:
    """The work no longer continues a saved scenario: a preset, a link or a file replaced it.

    The Library's name and notes are emptied where they still show that scenario's saved ones:
    left there, the next Save filed the new work under the old scenario's name (a second
    'Startup plan' holding the hospital preset). What was typed since is kept, and so is the
    owner (the same person goes on working).
    """
    opened = st.session_state.pop(OPEN_SCENARIO_KEY, None)
    for key, saved in (opened or {}).get("fields", {}).items():
        if key != LIBRARY_OWNER_KEY and st.session_state.get(key) == saved:
            st.session_state[key] = ""


def open_scenario() -> dict[str, Any] | None:
    """The saved scenario the work came from (``id``, ``name``, ``version``, ``decision``), if any."""
    return st.session_state.get(OPEN_SCENARIO_KEY)


def has_unsaved_changes() -> bool:
    """True when a saved scenario is open and the decision no longer matches what was saved."""
    opened = open_scenario()
    return bool(opened and opened.get("decision") is not None and opened["decision"] != decision())


# --- What one page reads from another -------------------------------------------------------

# The Playground's sides (its own widgets keep them for the session: KEEP).
PLAYGROUND_SIDES = ("left", "right")
PLAYGROUND_DEFAULT_KIND = {"left": "local", "right": "openai"}
PLAYGROUND_DEFAULT_MODEL = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}
LIBRARY_OWNER_KEY = "lib.owner"


def playground_key(side: str, setting: str) -> str:
    """The widget key of one Playground setting ("kind", "model.openai", "base_url", "gguf"...)."""
    return f"pg.{side}.{setting}"


def api_key_widget(kind: str) -> str:
    """The key of the field where an API key for ``kind`` is typed (kept in memory only)."""
    return f"pg.key.{kind}"


def typed_api_key(kind: str) -> str | None:
    """The API key typed on the Playground for ``kind`` in this session, if any (see app.components.safety.key_for)."""
    return st.session_state.get(api_key_widget(kind))


@dataclass(frozen=True)
class PlaygroundSide:
    """One side of the Playground as it is set now (the key for it: app.components.safety.key_for)."""

    config: BackendConfig
    set_up: bool  # False until the Playground has been shown: the defaults, not a choice

    @property
    def label(self) -> str:
        config = self.config
        return " ".join(part for part in (config.kind, config.model, config.base_url) if part)


def playground_side(side: str) -> PlaygroundSide:
    """The Playground's ``side`` ("left" or "right") as set there, also from another page."""
    from inference import BackendConfig

    kind_key = playground_key(side, "kind")
    kind = st.session_state.get(kind_key, PLAYGROUND_DEFAULT_KIND[side])
    if kind == "local":
        config = BackendConfig(kind="local", gguf_path=str(st.session_state.get(playground_key(side, "gguf"), "")).strip())
    else:
        model = st.session_state.get(playground_key(side, f"model.{kind}"), PLAYGROUND_DEFAULT_MODEL[kind])
        base_url = st.session_state.get(playground_key(side, "base_url"), "") if kind == "openai" else ""
        config = BackendConfig(kind=kind, model=str(model).strip(), base_url=str(base_url).strip())
    return PlaygroundSide(config=config, set_up=kind_key in st.session_state)


def library_owner() -> str:
    """The owner typed in the Library (the report's default owner)."""
    return str(st.session_state.get(LIBRARY_OWNER_KEY, ""))


def routing_prompts() -> PromptSet | None:
    """The prompts loaded on the Hybrid routing page, also from another page; None before it set any."""
    return st.session_state.get(ROUTING_PROMPTS_KEY)
