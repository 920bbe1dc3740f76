"""How a page shows a chart: the width of its column and, in presenter view, type a projector can carry."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from app.presenter import presenting

__all__ = ["show_chart"]

# Plotly's own text is 12 px: readable on a laptop, not from the back of a room.
PRESENTER_FONT_PX = 18
PRESENTER_HEIGHT_FACTOR = 1.25


def show_chart(figure: go.Figure, key: str) -> None:
    """``st.plotly_chart`` at the column's width; larger text (and a taller chart to hold it) in presenter view."""
    if presenting():
        # Streamlit's chart theme sets tick, legend and title sizes of its own: each is set here.
        size = PRESENTER_FONT_PX
        figure.update_layout(font_size=size, legend_font_size=size, hoverlabel_font_size=size)
        figure.update_xaxes(tickfont_size=size, title_font_size=size)
        figure.update_yaxes(tickfont_size=size, title_font_size=size)
        figure.update_annotations(font_size=size)
        if figure.layout.height:
            figure.update_layout(height=round(figure.layout.height * PRESENTER_HEIGHT_FACTOR))
    st.plotly_chart(figure, width="stretch", key=key)
