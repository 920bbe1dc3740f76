"""Figures for a load profile: the base-burst cost curve over the percentile, and a typical week
stacked local vs cloud."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from advisor.labels import OPTION_COLORS
from calculators.base_burst import BaseBurstPlan
from charts.layout import legible

__all__ = ["base_burst_curve_figure", "typical_week_figure"]


def base_burst_curve_figure(plan: BaseBurstPlan) -> go.Figure:
    """Monthly cost against the percentile local capacity is sized for; the cheapest marked, all-local and all-cloud as lines."""
    figure = go.Figure()
    figure.add_scatter(x=[p.percentile for p in plan.curve], y=[p.monthly_usd for p in plan.curve], mode="lines",
                       name="base local, bursts to cloud", line=dict(color=OPTION_COLORS["hybrid"], width=3),
                       customdata=[[p.replicas, p.local_share] for p in plan.curve],
                       hovertemplate="P%{x:.0f}: %{customdata[0]} replica(s), %{customdata[1]:.0%} local"
                                     "<br>$%{y:,.0f} a month<extra></extra>")
    figure.add_hline(y=plan.all_cloud_usd, line=dict(color=OPTION_COLORS["cloud"], dash="dash"),
                     annotation_text=f"all cloud ${plan.all_cloud_usd:,.0f}", annotation_position="bottom left")
    figure.add_hline(y=plan.all_local_peak_usd, line=dict(color=OPTION_COLORS["local"], dash="dot"),
                     annotation_text=f"all local for the peak ${plan.all_local_peak_usd:,.0f}", annotation_position="top left")
    best = plan.best
    figure.add_scatter(x=[best.percentile], y=[best.monthly_usd], mode="markers+text", name="cheapest",
                       marker=dict(size=14, symbol="diamond", color="#CC79A7"),
                       text=[f"P{best.percentile:g}: ${best.monthly_usd:,.0f}"],
                       textposition="top left" if best.percentile > 50 else "top right",
                       hovertemplate="cheapest: P%{x:.0f}, $%{y:,.0f}<extra></extra>")
    figure.update_layout(height=340, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                         xaxis=dict(title="percentile held locally (per-minute demand)", range=[0, 101]),
                         # Not from zero: the strategies differ by a few per cent at most volumes, which a zero-based
                         # axis flattens into one line; the ticks carry the figures.
                         yaxis=dict(title="USD a month", tickprefix="$", tickformat=",.0f"))
    return legible(figure, legend=False)


def typical_week_figure(week: pd.DataFrame) -> go.Figure:
    """Requests an hour over a week, stacked: served locally below, sent to the cloud above."""
    figure = go.Figure()
    for name, color in (("local", OPTION_COLORS["local"]), ("cloud", OPTION_COLORS["cloud"])):
        figure.add_scatter(x=week["hour"], y=week[name], name=name, mode="lines", stackgroup="one",
                           line=dict(width=0.5, color=color),
                           hovertemplate=f"%{{x|%a %H:00}}: %{{y:,.0f}} requests {name}<extra></extra>")
    figure.update_layout(height=300, margin=dict(l=10, r=10, t=30, b=10),
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                         xaxis=dict(title=None, tickformat="%a %H:00"),
                         yaxis=dict(title="requests an hour", tickformat=",.0f", rangemode="tozero"))
    return legible(figure)
