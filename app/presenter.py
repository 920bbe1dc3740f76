"""How the pages read on a projector: figures that never end in "…", and presenter view (larger type,
the sidebar closed, one click to leave)."""

from __future__ import annotations

import streamlit as st

from app.share import PRESENT_PARAM
from app.state import KEEP

PRESENT_KEY = "crossover.present"

# Always on: what a 1024 px projector needs. Streamlit ends a metric's label and value, and a
# multiselect's chips, in "…" when the column is narrower than the text ("$2,50…",
# "openai:g…"); here they wrap instead, and a row of headline metrics (a keyed horizontal
# container, class "metric-row") reflows to two a row.
_BASE_STYLE = """
<style>
[data-testid="stMetric"] .stMarkdownEllipsis, [data-testid="stMetric"] .stMarkdownEllipsis p,
[data-testid="stMetricLabel"] p, [data-testid="stMetricValue"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stMetricValue"] p { overflow-wrap: break-word; line-height: 1.15; }
[class*="st-key-metric-row"] > [data-testid="stElementContainer"] { flex: 1 1 13rem; min-width: 13rem; }
[data-testid="stMultiSelect"] [role="group"]:has(> [data-testid="stMultiSelectTagsContainer"]) { max-height: none !important; }
[data-testid="stMultiSelectTagsContainer"] [data-tag] { max-width: 100% !important; height: auto !important; }
[data-testid="stMultiSelectTagsContainer"] [data-tag] > span[title] {
  max-width: none !important; white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
</style>
"""

# Presenter view: everything larger, metrics and tables included (not only prose).
_STYLE = """
<style>
.stMainBlockContainer { max-width: 1500px; }
.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer label, .stMainBlockContainer td { font-size: 1.3rem !important; }
.stMainBlockContainer h1 { font-size: 3.2rem !important; }
.stMainBlockContainer h2 { font-size: 2.5rem !important; }
.stMainBlockContainer h3 { font-size: 2rem !important; }
.stMainBlockContainer [data-testid="stCaptionContainer"] p { font-size: 1.1rem !important; }
.stMainBlockContainer [data-testid="stMetricValue"] p { font-size: 3rem !important; }
.stMainBlockContainer [class*="st-key-metric-row"] > [data-testid="stElementContainer"] { flex-basis: 17rem; min-width: 17rem; }
/* Tables draw on a canvas with a fixed font size: zoomed as a whole. */
.stMainBlockContainer [data-testid="stDataFrame"] { zoom: 1.3; }
</style>
"""


def presenting() -> bool:
    """True when presenter view is on: from the toggle, or while the address bar says ``present=1``.

    The address bar wins over the widget's state: on a loaded server's first run the toggle's
    state once came back off while the link still said ``present=1`` (a browser test saw the
    page without its Leave button). Turning it off goes through the toggle's or the Leave
    button's callback, which drops ``present=1`` first. A page switch drops the query string,
    so there the session's state carries it and ``presenter_chrome`` writes it back.
    """
    if st.query_params.get(PRESENT_PARAM) == "1" and not st.session_state.get(PRESENT_KEY):
        st.session_state[PRESENT_KEY] = True
    return bool(st.session_state.setdefault(PRESENT_KEY, False))


def _leave() -> None:
    st.session_state[PRESENT_KEY] = False
    st.query_params.pop(PRESENT_PARAM, None)


def _toggled() -> None:
    if not st.session_state[PRESENT_KEY]:
        st.query_params.pop(PRESENT_PARAM, None)


def presenter_chrome() -> None:
    """The sidebar switch, and in presenter view the larger type and a way out."""
    # persist_state: without it a page switch from a button (st.switch_page) dropped the state.
    st.sidebar.toggle("Presenter view", key=PRESENT_KEY, on_change=_toggled, help="Larger type and the sidebar closed, for a projector.", **KEEP)
    st.html(_BASE_STYLE)
    if st.session_state[PRESENT_KEY]:
        st.query_params[PRESENT_PARAM] = "1"
        st.html(_STYLE)
        st.button("Leave presenter view", key="present.action.leave", on_click=_leave, icon=":material/close_fullscreen:")
    else:
        st.query_params.pop(PRESENT_PARAM, None)
