"""The scenario in the page's URL, so a pasted link opens the same state for everyone.

Every run writes the current decision to the ``s`` query parameter; a run that finds a
parameter it did not write (someone opened a link) loads it first. The link holds the
scenario, weights and cost assumptions only: API keys live elsewhere and never get in.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from app import state
from decisions.links import LINK_PARAM, decode_link, encode_link
from scenario import InputError
from scenario.text import plain

WRITTEN_KEY = "crossover.link.written"
LINK_ERROR_KEY = "crossover.link.error"
PRESENT_PARAM = "present"


def sync_link() -> None:
    """Load a link someone opened, then put the current decision in the URL.

    A token this session wrote itself is never loaded back: a rerun can carry the URL as it
    was a moment ago (before the last write reached the browser), and loading that would undo
    the input that caused the rerun.
    """
    incoming = st.query_params.get(LINK_PARAM, "")
    written: list[str] = st.session_state.setdefault(WRITTEN_KEY, [])
    if incoming and incoming not in written:
        try:
            state.load_decision(decode_link(incoming), label="opened from a shared link")
            st.session_state.pop(LINK_ERROR_KEY, None)
        except InputError as exc:
            # The problems quote the link's values: shown as text (a value can be a Markdown link or image).
            st.session_state[LINK_ERROR_KEY] = ("This link's scenario could not be opened, so the scenario you had is kept: "
                                                + plain("; ".join(exc.problems)))
    current = encode_link(state.decision())
    if current != incoming:
        if current:
            st.query_params[LINK_PARAM] = current
        else:
            st.query_params.pop(LINK_PARAM, None)
    if current not in written:
        written.append(current)
        del written[:-500]


def link_error() -> str | None:
    """A link that could not be opened, to show once."""
    return st.session_state.pop(LINK_ERROR_KEY, None)


def share_url(presenter: bool = False) -> str:
    """A link to the current page with the current decision (and presenter view, if asked)."""
    parts = urlsplit(st.context.url or "http://127.0.0.1:8501/")
    params = {}
    if token := encode_link(state.decision()):
        params[LINK_PARAM] = token
    if presenter:
        params[PRESENT_PARAM] = "1"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))
