"""Compare two to four scenarios side by side: answers, scores, costs, break-even, and what differs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.components.library_access import scenario_library
from decisions import Decision
from decisions.compare import MAX_COMPARED, compare_inputs, compare_outcomes
from decisions.library import LibraryError

CURRENT = "__current__"
HIGHLIGHT = "background-color: #fff3bf; font-weight: 600"


@st.cache_data(max_entries=64, show_spinner=False)
def _tables(named_json: tuple[tuple[str, str], ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    named = [(name, Decision.model_validate_json(payload)) for name, payload in named_json]
    return compare_outcomes(named), compare_inputs(named)


def compare_page() -> None:
    """Pick scenarios, see them side by side."""
    st.title("Compare scenarios")
    library, problem = scenario_library()
    if problem:
        st.error(problem, icon=":material/database:")
    try:
        saved = library.list() if library else []
    except LibraryError as exc:
        st.error(str(exc))
        saved = []
    names = {CURRENT: "The scenario you are working on"} | {s.id: f"{s.name} (v{s.version})" for s in saved}
    if len(names) < 2:
        st.info("Save at least one scenario in the **Library** to compare it with the one you are working on.")
        st.page_link("views/library.py", label="Open the library", icon=":material/folder_open:")
        return
    st.session_state.setdefault("cmp.pick", list(names)[: min(3, len(names))])
    still_there = [p for p in st.session_state["cmp.pick"] if p in names]
    if still_there != st.session_state["cmp.pick"]:  # a scenario deleted meanwhile
        st.session_state["cmp.pick"] = still_there
    picked = st.multiselect(f"Scenarios to compare (2 to {MAX_COMPARED})", options=list(names), format_func=names.__getitem__,
                            key="cmp.pick", max_selections=MAX_COMPARED, **state.KEEP)
    if len(picked) < 2:
        st.warning(f"Pick at least two scenarios (up to {MAX_COMPARED}).")
        return
    named: list[tuple[str, str]] = []
    for scenario_id in picked:
        if scenario_id == CURRENT:
            named.append(("Working on", state.decision().model_dump_json()))
            continue
        try:
            version = library.open(scenario_id)
        except LibraryError as exc:
            st.error(str(exc))
            return
        named.append((names[scenario_id], version.decision.model_dump_json()))
    outcomes, inputs = _tables(tuple(named))

    st.subheader("Outcome")
    differing = outcomes.nunique(axis=1) > 1
    st.dataframe(outcomes.style.apply(lambda row: [HIGHLIGHT if differing[row.name] else ""] * len(row), axis=1),
                 width="stretch", key="view.cmp.outcomes")
    st.subheader("Inputs")
    only = st.toggle("Only the inputs that differ", value=True, key="cmp.only_diff", **state.KEEP)
    shown = inputs[inputs["differs"]] if only else inputs
    st.caption(f"{int(inputs['differs'].sum())} of {len(inputs)} inputs differ; they are highlighted.")
    table = shown.drop(columns="differs")
    st.dataframe(table.style.apply(lambda row: [HIGHLIGHT if inputs.loc[row.name, "differs"] else ""] * len(row), axis=1),
                 width="stretch", height=min(38 + 35 * len(table), 700), key="view.cmp.inputs")


compare_page()
