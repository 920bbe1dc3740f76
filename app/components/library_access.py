"""The scenario library shared by every session of this server (one connection pool)."""

from __future__ import annotations

import streamlit as st

from decisions.library import LibraryError, ScenarioLibrary, default_database_url


@st.cache_resource(show_spinner=False)
def _open(url: str) -> ScenarioLibrary:
    # Not cached when it raises, so a fixed file or a started server is picked up on the next run.
    return ScenarioLibrary(url)


def scenario_library() -> tuple[ScenarioLibrary | None, str | None]:
    """The library, or ``None`` and the reason it cannot be used right now."""
    try:
        return _open(default_database_url()), None
    except LibraryError as exc:
        return None, str(exc)
