"""Widgets bound to scenario fields, so an answer survives step and page changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app import state


def _identity(value: Any) -> Any:
    return value


def _commit(field: str, key: str, from_widget: Callable[[Any], Any]) -> None:
    state.update_scenario(field, from_widget(st.session_state[key]))


def bound_input(
    widget: Callable[..., Any],
    field: str,
    label: str,
    *,
    page: str,
    to_widget: Callable[[Any], Any] = _identity,
    from_widget: Callable[[Any], Any] = _identity,
    **kwargs: Any,
) -> Any:
    """Draw ``widget`` for one Scenario field, seeded from and writing to the session's scenario.

    Args:
        widget: A Streamlit input such as ``st.number_input``.
        field: The Scenario field it edits.
        label: The label people see.
        page: The page drawing it. Keys are per page: on a direct page switch the old page's
            widget state is still present when the new page runs, and a widget of another
            shape under the same key would start from its default instead of the scenario.
            The key changes when code replaces the scenario (:func:`app.state.widget_key`).
        to_widget: Converts the field's value to the widget's (e.g. share to percent).
        from_widget: Converts back.
        **kwargs: Passed on to the widget.
    """
    key = state.widget_key(state.INPUT_PREFIX, f"{page}.{field}")
    current = to_widget(getattr(state.scenario(), field))
    return widget(label, key=key, on_change=_commit, args=(field, key, from_widget), **starting_value(widget, current, kwargs))


def starting_value(widget: Callable[..., Any], current: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with the widget's own default set to the value in force, in the argument each widget takes.

    Not seeded through Session State: under load, a page switch can reach the browser before
    the seeded value, and a widget drawn from its built-in default (0 for a number, the first
    option) that then sends its state back would overwrite the scenario. Measured with
    bench/workshop_load.py: 2 of 9 participants lost inputs that way; with the value as the
    widget's default, none did.

    A number outside the widget's range (a catalog estimate, an older link) widens the range
    to hold it: Streamlit refuses such a default with an exception, and the page would be lost
    for a value the user did not type.
    """
    if widget in (st.radio, st.selectbox):
        options = list(kwargs["options"])
        return {**kwargs, "index": options.index(current)} if current in options else kwargs
    if widget is st.multiselect:
        return {**kwargs, "default": [v for v in current if v in kwargs["options"]]}
    if isinstance(current, int | float) and not isinstance(current, bool):
        kwargs = {**kwargs}
        if kwargs.get("min_value") is not None and current < kwargs["min_value"]:
            kwargs["min_value"] = type(kwargs["min_value"])(current)
        if kwargs.get("max_value") is not None and current > kwargs["max_value"]:
            kwargs["max_value"] = type(kwargs["max_value"])(current)
    return {**kwargs, "value": current}
