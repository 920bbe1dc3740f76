"""What every figure needs to read well at any width, in the app and in the printed report.

Each figure sets tight margins (the space is the chart's), so the axes must grow their own
margins to fit long category names ("Privacy & regulation") and tick labels, axis titles must
stand clear of the ticks, and a legend must sit outside the plot, where the margin makes room
for it, however many lines it wraps to. Text a person typed goes through :func:`chart_text`.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

__all__ = ["chart_text", "legible"]

TITLE_STANDOFF_PX = 12


def legible(figure: go.Figure, *, legend: bool = True) -> go.Figure:
    """``figure`` with self-sizing margins, axis titles clear of the ticks and the legend above the plot."""
    figure.update_xaxes(automargin=True, title_standoff=TITLE_STANDOFF_PX)
    figure.update_yaxes(automargin=True, title_standoff=TITLE_STANDOFF_PX)
    if legend:
        figure.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0))
    return figure


def chart_text(value: object) -> str:
    """``value`` as plain text in a chart's legend, hover label or annotation.

    Plotly draws a subset of HTML there (links, styled spans): a custom cloud model named
    ``<a href='http://…'>CHEAPEST</a>`` from a shared link became a live link in every viewer's
    legend and in the HTML report. Escaped, it reads as typed (Plotly turns the entities back
    into characters).
    """
    return html.escape(str(value), quote=False)
