"""Presenter view for workshops: larger type, the sidebar closed, one click to leave."""

from __future__ import annotations

import streamlit as st

from app.share import PRESENT_PARAM
from app.state import KEEP

PRESENT_KEY = "crossover.present"

_STYLE = """
<style>
.stMainBlockContainer { max-width: 1500px; }
.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer label, .stMainBlockContainer td { font-size: 1.3rem !important; }
.stMainBlockContainer h1 { font-size: 3.2rem !important; }
.stMainBlockContainer h2 { font-size: 2.5rem !important; }
.stMainBlockContainer h3 { font-size: 2rem !important; }
.stMainBlockContainer [data-testid="stCaptionContainer"] p { font-size: 1.1rem !important; }
</style>
"""


def presenting() -> bool:
    """True when presenter view is on (from the toggle, or from a link with ``present=1``)."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get(PRESENT_PARAM) == "1"
    return bool(st.session_state[PRESENT_KEY])


def _leave() -> None:
    st.session_state[PRESENT_KEY] = False


def presenter_chrome() -> None:
    """The sidebar switch, and in presenter view the larger type and a way out."""
    st.sidebar.toggle("Presenter view", key=PRESENT_KEY, help="Larger type and the sidebar closed, for a projector.", **KEEP)
    if st.session_state[PRESENT_KEY]:
        st.query_params[PRESENT_PARAM] = "1"
        st.html(_STYLE)
        st.button("Leave presenter view", key="present.action.leave", on_click=_leave, icon=":material/close_fullscreen:")
    else:
        st.query_params.pop(PRESENT_PARAM, None)
