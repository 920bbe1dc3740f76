"""Landing page: what Crossover does, and the two ways in (a blank checklist or a known case)."""

from __future__ import annotations

import streamlit as st

from advisor import Preset, assess, list_presets
from advisor.labels import OPTION_LABELS
from app import state


@st.cache_data(show_spinner=False)
def _answer(preset_id: str):  # noqa: ANN202 - a Recommendation
    # The default answer, as the Recommendation page gives it with the default cost assumptions.
    from advisor import get_preset

    return assess(get_preset(preset_id).scenario)


def _preset_card(preset: Preset) -> None:
    result = _answer(preset.id)
    # As tall as the tallest card in its row, figures and button at the bottom: the cards line up.
    with st.container(border=True, key=f"preset-card-{preset.id}", height="stretch"):
        st.markdown(f"**{preset.name}**")
        st.caption(preset.summary)
        st.space("stretch")
        st.markdown(f"{preset.scenario.requests_per_month:,} requests/month · {preset.scenario.sensitive_share:.0%} sensitive  \n"
                    f"Default answer: **{OPTION_LABELS[result.recommendation]}**")
        if st.button("Use this case", key=f"home.preset.{preset.id}", width="stretch"):
            state.load_preset(preset)
            st.switch_page("views/checklist.py")


def home_page() -> None:
    """Explain the tool in a few lines and offer the ways in."""
    st.title("Crossover")
    st.markdown(
        "**Where should your language-model workload run: a cloud API, models you host, or both?** "
        "Crossover walks your team through the selection checklist from practitioners' articles, "
        "scores cloud, local and hybrid, and shows which factor pushed which way."
    )
    if st.button("Start the checklist from scratch", type="primary", key="home.start", icon=":material/checklist:"):
        st.switch_page("views/checklist.py")

    st.subheader("Or start from a known case")
    presets = list_presets()
    for row in range(0, len(presets), 3):  # one row of columns per three cards, so each row starts level
        for column, preset in zip(st.columns(3), presets[row:row + 3], strict=False):
            with column:
                _preset_card(preset)


home_page()
