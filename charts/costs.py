"""Plotly figures for the cost model. They draw what ``calculators`` computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from advisor.labels import OPTION_COLORS
from calculators import BreakEven, CostReport
from charts.layout import chart_text, legible

# Cloud models get distinct blues/purples; local and hybrid keep the app-wide colours.
_CLOUD_PALETTE = ["#0072B2", "#56B4E9", "#CC79A7", "#6A3D9A", "#1F78B4", "#A6CEE3", "#8E44AD", "#2C3E50"]


_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def compact(value: float) -> str:
    """1234567 -> '1.23M'; plain below a thousand."""
    for size, suffix in _SUFFIXES:
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _decade_ticks(low: float, high: float, prefix: str = "") -> dict[str, list]:
    """Tick at every power of ten in [low, high], labelled 1k / 1M / 1B (never SI 'm' or 'G')."""
    first, last = int(np.floor(np.log10(max(low, 1e-12)))), int(np.ceil(np.log10(max(high, 1e-12))))
    values = [10.0**e for e in range(first, last + 1)]
    return {"tickvals": values, "ticktext": [prefix + compact(v) for v in values]}


def _colour(option: str, index: int) -> str:
    return _CLOUD_PALETTE[index % len(_CLOUD_PALETTE)] if option == "cloud" else OPTION_COLORS[option]


def cost_curves_figure(curves: pd.DataFrame, report: CostReport) -> go.Figure:
    """Monthly cost against volume, log-log, local and hybrid drawn as staircases."""
    figure = go.Figure()
    log_y = bool((curves.monthly_usd > 0).all())  # a $0 line would vanish on a log axis
    cloud_index = 0
    for series, rows in curves.groupby("series", sort=False):
        option = rows.option.iloc[0]
        staircase = option in ("local", "hybrid")
        figure.add_scatter(
            x=rows.requests_per_month,
            y=rows.monthly_usd,
            name=chart_text(series),
            mode="lines",
            line=dict(color=_colour(option, cloud_index), width=3 if staircase else 2, shape="hv" if staircase else "linear",
                      dash="dot" if option == "hybrid" else "solid"),
            customdata=np.stack([rows.tokens_per_month, rows.gpus], axis=-1),
            hovertemplate="%{x:,.0f} requests/month (%{customdata[0]:,.0f} tokens)<br>$%{y:,.0f} a month"
            + ("<br>%{customdata[1]} GPUs" if staircase else "") + f"<extra>{chart_text(series)}</extra>",
        )
        cloud_index += option == "cloud"
    _breakeven_markers(figure, curves, report.breakeven)
    if report.requests_per_month > 0:
        figure.add_vline(x=report.requests_per_month, line_dash="dash", line_color="#555")
        # On a log axis annotations take log10(x); add_vline's own annotation gets that wrong.
        figure.add_annotation(x=float(np.log10(report.requests_per_month)), y=1, yref="paper", text="your volume",
                              showarrow=False, xanchor="right", yanchor="top", font=dict(color="#555"))
    volumes = curves.requests_per_month
    # Below $1 a month nothing is decided; starting the axis there keeps it readable.
    top = float(curves.monthly_usd.max()) * 1.5
    yaxis = (
        dict(type="log", range=[0, np.log10(max(top, 10))], **_decade_ticks(1, top, "$"))
        if log_y else dict(type="linear", tickprefix="$", tickformat=",.0f")
    )
    figure.update_layout(
        height=480,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(type="log", title="requests a month", **_decade_ticks(volumes.min(), volumes.max())),
        yaxis=dict(title="USD a month", **yaxis),
        hovermode="closest",
    )
    return legible(figure)


def _breakeven_markers(figure: go.Figure, curves: pd.DataFrame, breakevens: list[BreakEven]) -> None:
    local = curves[curves.option == "local"]
    for be in breakevens:
        if be.requests_per_month is None:
            continue
        y = float(np.interp(be.requests_per_month, local.requests_per_month, local.monthly_usd))
        figure.add_scatter(
            x=[be.requests_per_month], y=[y], mode="markers", showlegend=False,
            marker=dict(symbol="diamond", size=12, color="#000", line=dict(color="#fff", width=1)),
            hovertemplate=f"break-even vs {chart_text(be.cloud_ref)}<br>%{{x:,.0f}} requests/month<extra></extra>",
        )


def tco_figure(tco: pd.DataFrame) -> go.Figure:
    """Cumulative cost over the horizon."""
    figure = go.Figure()
    cloud_index = 0
    for series, rows in tco.groupby("series", sort=False):
        option = rows.option.iloc[0]
        figure.add_scatter(
            x=rows.month, y=rows.cumulative_usd, name=chart_text(series), mode="lines",
            line=dict(color=_colour(option, cloud_index), width=3 if option != "cloud" else 2,
                      dash="dot" if option == "hybrid" else "solid"),
            hovertemplate="month %{x}: $%{y:,.0f}<extra>" + chart_text(series) + "</extra>",
        )
        cloud_index += option == "cloud"
    figure.update_layout(
        height=420, margin=dict(l=10, r=10, t=30, b=10),
        xaxis_title="months", yaxis=dict(title="cumulative USD", tickprefix="$", tickformat=",.0f"),
    )
    return legible(figure)


def tornado_figure(table: pd.DataFrame, change: float) -> go.Figure:
    """How far the monthly difference (local minus cloud) moves per assumption."""
    base = float(table.base_diff_usd.iloc[0])
    labels = [chart_text(label) for label in table.assumption]
    figure = go.Figure()
    figure.add_bar(y=labels, x=table.low_diff_usd - base, base=base, orientation="h", name=f"assumption -{change:.0%}",
                   marker_color="#56B4E9", hovertemplate="%{y}: $%{x:+,.0f}<extra>-%{fullData.name}</extra>")
    figure.add_bar(y=labels, x=table.high_diff_usd - base, base=base, orientation="h", name=f"assumption +{change:.0%}",
                   marker_color="#E69F00", hovertemplate="%{y}: $%{x:+,.0f}<extra>%{fullData.name}</extra>")
    figure.add_vline(x=base, line_color="#333", annotation_text=f"now: ${base:,.0f}", annotation_position="top")
    figure.update_layout(
        barmode="overlay", height=420, margin=dict(l=10, r=10, t=40, b=10),
        yaxis=dict(autorange="reversed"),
        xaxis=dict(title="local minus cloud, USD a month (below 0: local is cheaper)", tickprefix="$", tickformat=",.0f"),
    )
    return legible(figure)
