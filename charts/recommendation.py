"""Plotly figures for a recommendation. They draw what the core computed; they compute nothing."""

from __future__ import annotations

import plotly.graph_objects as go

from advisor import OPTIONS, Recommendation
from advisor.labels import FACTOR_LABELS, OPTION_COLORS, OPTION_LABELS
from charts.layout import legible


def factor_contributions(result: Recommendation) -> go.Figure:
    """Grouped horizontal bars: points each factor gave each option (right = for, left = against)."""
    factors = list(dict.fromkeys(c.factor for c in result.factors))
    figure = go.Figure()
    for option in OPTIONS:
        points = [result.points(f, option) for f in factors]
        figure.add_bar(
            name=OPTION_LABELS[option],
            y=[FACTOR_LABELS[f] for f in factors],
            x=points,
            orientation="h",
            marker_color=OPTION_COLORS[option],
            hovertemplate="%{y}: %{x:+.1f} points<extra>" + OPTION_LABELS[option] + "</extra>",
        )
    figure.update_layout(
        barmode="group",
        height=420,
        margin=dict(l=10, r=10, t=30, b=10),
        xaxis_title="points (right: argues for, left: argues against)",
        yaxis=dict(autorange="reversed"),
    )
    figure.add_vline(x=0, line_width=1, line_color="#888")
    return legible(figure)


def option_scores(result: Recommendation) -> go.Figure:
    """One bar per option, 0-100, ruled-out options marked."""
    ruled_out = {e.option for e in result.excluded}
    labels = [OPTION_LABELS[o] + (" (ruled out)" if o in ruled_out else "") for o in OPTIONS]
    figure = go.Figure(
        go.Bar(
            x=[result.scores[o] for o in OPTIONS],
            y=labels,
            orientation="h",
            marker_color=[OPTION_COLORS[o] if o not in ruled_out else "#BBBBBB" for o in OPTIONS],
            text=[f"{result.scores[o]:.0f}" for o in OPTIONS],
            textposition="outside",
            hovertemplate="%{y}: %{x:.1f} / 100<extra></extra>",
        )
    )
    figure.update_layout(
        height=200,
        margin=dict(l=10, r=30, t=10, b=10),
        xaxis=dict(range=[0, 105], title="score (0-100)"),
        yaxis=dict(autorange="reversed"),
    )
    return legible(figure, legend=False)
