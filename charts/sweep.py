"""A measured concurrency sweep drawn: throughput against concurrency, and latency against throughput
(the shape ``vllm bench sweep plot_pareto`` draws), with the targets and the chosen point."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from advisor.labels import OPTION_COLORS
from calculators.sweep import StepSummary
from charts.layout import legible

__all__ = ["sweep_latency_figure", "sweep_throughput_figure"]

_CHOSEN = {"symbol": "star", "size": 18, "color": "#F0E442", "line": {"width": 1.5, "color": "black"}}


def sweep_throughput_figure(steps: Sequence[StepSummary], chosen: StepSummary | None,
                            estimate_tokens_per_s: float | None = None) -> go.Figure:
    """Output tokens/s of the whole server at each concurrency; the capacity model's estimate as a dashed line."""
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=[s.concurrency for s in steps], y=[s.output_tokens_per_s for s in steps], mode="lines+markers", name="measured",
        marker={"color": OPTION_COLORS["local"], "size": 8},
        customdata=[[s.goodput_share * 100] for s in steps],
        hovertemplate="concurrency %{x}<br>%{y:,.1f} tokens/s<br>goodput %{customdata[0]:.0f}%<extra></extra>",
    ))
    if chosen is not None:
        figure.add_trace(go.Scatter(x=[chosen.concurrency], y=[chosen.output_tokens_per_s], mode="markers", marker=_CHOSEN,
                                    name=f"at the targets: concurrency {chosen.concurrency}",
                                    hovertemplate="at the targets: %{y:,.1f} tokens/s<extra></extra>"))
    if estimate_tokens_per_s is not None:
        figure.add_hline(y=estimate_tokens_per_s, line_dash="dash", line_color="#444",
                         annotation_text=f"capacity model: {estimate_tokens_per_s:,.0f} tokens/s", annotation_position="top left")
    # A log axis for 1, 2, 4, 8 ...; its range set from the steps, or plotly pads a single step with
    # ticks below 1 ("0 0 0 1 2 4 8") that no sweep has.
    low, high = (min(s.concurrency for s in steps), max(s.concurrency for s in steps)) if steps else (1, 8)
    figure.update_layout(xaxis={"title": "Requests in flight (concurrency)", "type": "log", "dtick": 0.30103,
                                "tickformat": "d", "range": [math.log10(low / 1.4), math.log10(high * 1.4)]},
                         yaxis={"title": "Output tokens/s, whole server", "rangemode": "tozero"},
                         margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=360)
    return legible(figure)


def sweep_latency_figure(steps: Sequence[StepSummary], chosen: StepSummary | None, tpot_target_ms: float | None,
                         open_loop: StepSummary | None = None) -> go.Figure:
    """p95 time per output token against output tokens/s, one point per concurrency (and the open-loop
    step apart, a diamond, where there is one); the target as a line."""
    usable = [s for s in steps if s.tpot_ms.p95 is not None]
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=[s.output_tokens_per_s for s in usable], y=[s.tpot_ms.p95 for s in usable], mode="lines+markers+text",
        text=[f"c={s.concurrency}" for s in usable], textposition="top center", name="measured",
        marker={"color": OPTION_COLORS["local"], "size": 8},
        hovertemplate="%{x:,.1f} tokens/s<br>p95 %{y:,.1f} ms a token<extra></extra>",
    ))
    if open_loop is not None and open_loop.tpot_ms.p95 is not None:
        figure.add_trace(go.Scatter(
            x=[open_loop.output_tokens_per_s], y=[open_loop.tpot_ms.p95], mode="markers+text", name="open loop",
            text=[f"{open_loop.request_rate:g} req/s"], textposition="bottom center",
            marker={"symbol": "diamond", "size": 11, "color": OPTION_COLORS["hybrid"]},
            hovertemplate=f"{open_loop.load}<br>%{{x:,.1f}} tokens/s<br>p95 %{{y:,.1f}} ms a token<extra></extra>"))
    if chosen is not None and chosen.tpot_ms.p95 is not None:
        figure.add_trace(go.Scatter(x=[chosen.output_tokens_per_s], y=[chosen.tpot_ms.p95], mode="markers", marker=_CHOSEN,
                                    name="chosen", hovertemplate="chosen: %{x:,.1f} tokens/s<extra></extra>"))
    if tpot_target_ms is not None:
        figure.add_hline(y=tpot_target_ms, line_dash="dash", line_color="#444",
                         annotation_text=f"target {tpot_target_ms:g} ms a token", annotation_position="top left")
    figure.update_layout(xaxis={"title": "Output tokens/s, whole server", "rangemode": "tozero"},
                         yaxis={"title": "p95 time per output token (ms)", "rangemode": "tozero"},
                         margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=360, showlegend=False)
    return legible(figure)
