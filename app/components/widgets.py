"""Small shared widgets: the live score strip and the preset picker."""

from __future__ import annotations

import streamlit as st

from advisor import OPTIONS, Recommendation, list_presets
from advisor.labels import OPTION_LABELS, REGULATION_LABELS, TEAM_LABELS, score_text
from app import state
from scenario import Scenario
from scenario.text import plain


def live_scores(result: Recommendation) -> None:
    """The three scores in the sidebar, so they stay in view while answering; the leader marked."""
    ruled_out = {e.option for e in result.excluded}
    with st.sidebar.container(border=True, key="live_scores"):
        st.markdown("**Live scores**")
        for option in OPTIONS:
            leader = option == result.recommendation
            value = "ruled out" if option in ruled_out else f"{score_text(result.scores[option])} / 100"
            name = f"**{OPTION_LABELS[option]}** ★" if leader else OPTION_LABELS[option]
            st.markdown(f"{name}: {value}")
        st.caption("★ leads with the answers so far.")


def preset_picker(key: str) -> None:
    """A select box and a button that load one of the bundled presets into the scenario."""
    presets = {p.id: p for p in list_presets()}
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        "Start from a preset",
        options=list(presets),
        format_func=lambda preset_id: presets[preset_id].name,
        key=f"{key}.choice",
        **state.KEEP,
        help="Loads every answer of the checklist from one of the articles' cases.",
    )
    right.button(
        "Load",
        key=f"{key}.load",
        on_click=state.load_preset,
        args=(presets[chosen],),
        width="stretch",
    )
    st.caption(presets[chosen].summary + f" *Source: {presets[chosen].source}*")


def scenario_summary(scenario: Scenario, preset_name: str | None) -> str:
    """One line restating the scenario being scored."""
    rules = ", ".join(REGULATION_LABELS[r].split(" (")[0] for r in scenario.regulations) or "no regulation"
    parts = [
        f"{scenario.requests_per_month:,} requests/month",
        f"{scenario.sensitive_share:.0%} sensitive ({rules})",
        f"answer p95 {scenario.answer_p95_ms or scenario.latency_p95_ms:,} ms"
        + (f", first token {scenario.ttft_ms:,} ms" if scenario.ttft_ms is not None else ""),
        f"team: {TEAM_LABELS[scenario.team].split(':')[0]}",
        f"{scenario.horizon_months} months",
        f"{scenario.quality_need} quality",
        f"{scenario.load_pattern} load",
    ]
    if scenario.needs_fine_tuning:
        parts.append("fine-tuning")
    # Where it came from can be a saved scenario's name or a file name: text, not Markdown.
    prefix = f"Scenario {plain(preset_name)}: " if preset_name else "Scenario: "
    return prefix + " · ".join(parts)
