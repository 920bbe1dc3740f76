"""Figures for the routing simulator."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from advisor.labels import OPTION_COLORS
from charts.layout import legible


def frontier_figure(sweep: pd.DataFrame, current_threshold: float | None) -> go.Figure:
    """Monthly cost against the share sent to the cloud, one point per tiered threshold."""
    leaked = sweep.leaked_items > 0
    figure = go.Figure()
    figure.add_scatter(
        x=sweep.cloud_share, y=sweep.monthly_usd, mode="lines+markers", name="threshold sweep",
        line=dict(color="#888"),
        marker=dict(size=[14 if current_threshold is not None and abs(t - current_threshold) < 1e-9 else 9 for t in sweep.threshold],
                    color=["#D55E00" if x else OPTION_COLORS["hybrid"] for x in leaked], line=dict(color="#fff", width=1)),
        customdata=sweep[["threshold", "leaked_items", "leaked_per_month"]].to_numpy(),
        hovertemplate="threshold %{customdata[0]:.2f}<br>%{x:.0%} to the cloud<br>$%{y:,.0f} a month"
                      "<br>sensitive items to the cloud: %{customdata[1]} in the set, %{customdata[2]:,.0f} a month<extra></extra>",
    )
    figure.update_layout(
        height=380, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
        xaxis=dict(title="share of prompts sent to the cloud", tickformat=".0%"),
        yaxis=dict(title="blended cost, USD a month", tickprefix="$", tickformat=",.0f"),
    )
    return legible(figure, legend=False)


def leaked_figure(leaked_by_type: dict[str, int]) -> go.Figure:
    """Sensitive items the policy would send out, by type."""
    figure = go.Figure(go.Bar(x=list(leaked_by_type.values()), y=list(leaked_by_type), orientation="h", marker_color="#D55E00"))
    figure.update_layout(height=60 + 30 * len(leaked_by_type), margin=dict(l=10, r=10, t=10, b=10),
                         xaxis=dict(title="items sent to the cloud (in this prompt set)", tickformat="d", rangemode="tozero",
                                    dtick=max(1, round(max(leaked_by_type.values(), default=1) / 5))),
                         yaxis=dict(autorange="reversed"))
    return legible(figure, legend=False)
