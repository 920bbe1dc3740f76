"""The selection checklist, one step at a time; answers are kept when jumping between steps."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from advisor import CHECKLIST, OPTIONS, ChecklistStep, Factor, Recommendation
from advisor.labels import (
    LOAD_LABELS,
    OPTION_LABELS,
    QUALITY_LABELS,
    REGULATION_LABELS,
    TEAM_LABELS,
)
from app import state
from app.components.decision import current_recommendation
from app.components.inputs import bound_input
from app.components.provider_facts import provider_compatibility
from app.components.widgets import live_scores, preset_picker
from scenario.text import plain

scenario_input = partial(bound_input, page="checklist")
STEP_KEY = "checklist.step"
NAV_KEY = "checklist.nav"
REVIEW = len(CHECKLIST)  # the step after the last question


def _volume_inputs() -> None:
    scenario_input(
        st.number_input, "requests_per_month", "Requests per month",
        min_value=0, max_value=10**12, step=10_000,
        help="All LLM calls this workload makes in a month, including retries.",
    )
    left, right = st.columns(2)
    with left:
        scenario_input(
            st.number_input, "input_tokens_per_request", "Input tokens per request",
            min_value=0, max_value=10_000_000, step=100,
            help="Prompt, instructions and context. About 750 English words are 1,000 tokens.",
        )
    with right:
        scenario_input(
            st.number_input, "output_tokens_per_request", "Output tokens per request",
            min_value=0, max_value=10_000_000, step=50,
        )
    s = state.scenario()
    st.caption(f"**{s.requests_per_month:,} requests** and **{s.tokens_per_month:,} tokens** a month, in and out.")


def _privacy_inputs() -> None:
    scenario_input(
        st.slider, "sensitive_share", "Share of requests with confidential or regulated data",
        min_value=0, max_value=100, step=5, format="%d%%",
        to_widget=lambda share: round(share * 100), from_widget=lambda pct: pct / 100,
    )
    scenario_input(
        st.multiselect, "regulations", "Rules that apply to that data",
        options=list(REGULATION_LABELS), format_func=REGULATION_LABELS.__getitem__,
        placeholder="None",
    )
    provider_compatibility(state.scenario())


def _latency_inputs() -> None:
    left, right = st.columns(2)
    with left:
        scenario_input(
            st.number_input, "latency_p95_ms", "Whole answer within, 95th percentile (ms)",
            min_value=1, max_value=600_000, step=50,
            help="95 of 100 answers must be complete within this time, all their output tokens included.",
        )
    with right:
        scenario_input(
            st.number_input, "ttft_ms", "First token within (ms, optional)",
            min_value=1, max_value=600_000, step=50, placeholder="no target: answers are not streamed",
            help="For streamed answers: how soon the first words must appear. Leave empty when the whole answer is what counts.",
        )
    s = state.scenario()
    st.caption(f"Answers are **{s.output_tokens_per_request:,} tokens** long (the Volume step): the check below says what "
               "each option delivers for that length, from published cloud figures and the cost model's local operating point.")


def _team_inputs() -> None:
    scenario_input(st.radio, "team", "DevOps / MLOps capacity", options=list(TEAM_LABELS), format_func=TEAM_LABELS.__getitem__)


def _horizon_inputs() -> None:
    scenario_input(
        st.slider, "horizon_months", "Planning horizon (months)", min_value=1, max_value=120, step=1,
    )


def _customization_inputs() -> None:
    scenario_input(st.toggle, "needs_fine_tuning", "We need to fine-tune the model on our own data")


def _quality_inputs() -> None:
    scenario_input(st.radio, "quality_need", "Quality needed", options=list(QUALITY_LABELS), format_func=QUALITY_LABELS.__getitem__)


def _load_inputs() -> None:
    scenario_input(st.radio, "load_pattern", "Traffic pattern", options=list(LOAD_LABELS), format_func=LOAD_LABELS.__getitem__)
    scenario_input(st.slider, "batch_share", "Share of requests that can wait hours for an answer (batch)", min_value=0.0,
                   max_value=1.0, step=0.05, help="Cloud providers halve the price of requests sent through their batch APIs "
                   "(results within 24 hours); the Costs page prices this share at each provider's published discount.")


_INPUTS: dict[Factor, Callable[[], None]] = {
    "volume": _volume_inputs,
    "privacy": _privacy_inputs,
    "latency": _latency_inputs,
    "team": _team_inputs,
    "horizon": _horizon_inputs,
    "customization": _customization_inputs,
    "quality": _quality_inputs,
    "load": _load_inputs,
}


def _go_to(step: int) -> None:
    st.session_state[STEP_KEY] = step
    st.session_state[NAV_KEY] = step


def _follow_nav() -> None:
    # A segmented control can be clicked off; stay on the current step then.
    if st.session_state[NAV_KEY] is None:
        st.session_state[NAV_KEY] = st.session_state[STEP_KEY]
    st.session_state[STEP_KEY] = st.session_state[NAV_KEY]


def _step_title(index: int) -> str:
    return f"{index + 1}. {CHECKLIST[index].title}" if index < REVIEW else "Review"


def _render_step(step: ChecklistStep, result: Recommendation) -> None:
    st.subheader(step.question)
    st.write(step.why)
    _INPUTS[step.factor]()
    if error := state.input_error():
        st.error(f"That value was not kept: {error}")
    points = " · ".join(f"{OPTION_LABELS[o]} {result.points(step.factor, o):+.1f}" for o in OPTIONS)
    with st.container(border=True):
        st.markdown("**Rules of thumb from the articles**")
        st.markdown("\n".join(f"- {line}" for line in step.guidance))
        st.caption(f"Your answer here gives: {points} points. {next(c.reason for c in result.factors if c.factor == step.factor)}")


def _render_review() -> None:
    st.subheader("Review your answers")
    s = state.scenario()
    regulations = ", ".join(REGULATION_LABELS[r] for r in s.regulations) or "none"
    rows = {
        "Volume": f"{s.requests_per_month:,} requests a month, {s.input_tokens_per_request:,} in / {s.output_tokens_per_request:,} out tokens each",
        "Privacy & regulation": f"{s.sensitive_share:.0%} sensitive; rules: {regulations}",
        "Latency": f"whole answer within {s.latency_p95_ms:,} ms (p95)"
                   + (f", first token within {s.ttft_ms:,} ms" if s.ttft_ms is not None else ""),
        "Team": TEAM_LABELS[s.team],
        "Horizon": f"{s.horizon_months} months",
        "Customization": "fine-tuning needed" if s.needs_fine_tuning else "no fine-tuning",
        "Quality": QUALITY_LABELS[s.quality_need],
        "Load pattern": LOAD_LABELS[s.load_pattern],
    }
    for index, (title, text) in enumerate(rows.items()):
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(f"**{title}**: {text}")
        right.button("Edit", key=f"checklist.edit.{index}", on_click=_go_to, args=(index,), width="stretch")
    if st.button("See the recommendation", type="primary", key="checklist.to_result"):
        st.switch_page("views/recommendation.py")


def checklist_page() -> None:
    """Walk the selection checklist step by step."""
    st.title("Selection checklist")
    if name := state.loaded_preset_name():
        st.caption(f"Scenario {plain(name)}; change any answer.")
    with st.expander("Start from a preset", expanded=False):
        preset_picker("checklist.presets")

    st.session_state.setdefault(STEP_KEY, 0)
    st.session_state.setdefault(NAV_KEY, st.session_state[STEP_KEY])
    st.segmented_control(
        "Step",
        options=list(range(REVIEW + 1)),
        format_func=_step_title,
        key=NAV_KEY,
        **state.KEEP,
        on_change=_follow_nav,
        label_visibility="collapsed",
    )
    step = st.session_state[STEP_KEY]
    # Input callbacks run before the script, so the scenario is already up to date here.
    result = current_recommendation()
    st.progress((step + 1) / (REVIEW + 1), text=f"Step {step + 1} of {REVIEW + 1}")

    if step < REVIEW:
        _render_step(CHECKLIST[step], result)
    else:
        _render_review()

    back, _, forward = st.columns([1, 4, 1])
    back.button("← Back", key="checklist.back", on_click=_go_to, args=(step - 1,), disabled=step == 0, width="stretch")
    forward.button("Next →", key="checklist.next", on_click=_go_to, args=(step + 1,), disabled=step == REVIEW, width="stretch")

    live_scores(result)


checklist_page()
