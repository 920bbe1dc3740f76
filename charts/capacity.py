"""The throughput-latency curve of one replica, with the latency target and the chosen point."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from advisor.labels import OPTION_COLORS
from calculators.capacity import CapacityEstimate
from calculators.serving import ServingCurve
from charts.layout import legible

__all__ = ["throughput_latency_figure"]


def throughput_latency_figure(curve: ServingCurve, estimate: CapacityEstimate, ttft_target_ms: float,
                              tpot_target_ms: float | None) -> go.Figure:
    """Output tokens/s against time per output token, one point per concurrency.

    Points whose time to first token misses the target are drawn grey; the TPOT target is a
    dashed line; the operating point the costs use is a star.
    """
    tpot = curve.tpot_s * 1000
    ttft = curve.ttft_s * 1000
    meets = ttft <= ttft_target_ms
    if tpot_target_ms is not None:
        meets &= tpot <= tpot_target_ms
    hover = "concurrency %{customdata[0]:.0f}<br>%{y:,.0f} tokens/s<br>%{x:.1f} ms a token<br>first token %{customdata[1]:,.0f} ms<extra></extra>"
    figure = go.Figure()
    for ok, name, colour in ((True, "meets the targets", OPTION_COLORS["local"]), (False, "misses a target", "#9E9E9E")):
        mask = meets == ok
        if mask.any():
            figure.add_trace(go.Scatter(
                x=tpot[mask], y=curve.output_tokens_per_s[mask], mode="markers", name=name,
                marker={"color": colour, "size": 6}, customdata=np.column_stack([curve.concurrency[mask], ttft[mask]]),
                hovertemplate=hover,
            ))
    figure.add_trace(go.Scatter(
        x=[estimate.tpot_ms], y=[estimate.output_tokens_per_s if estimate.throughput_source == "step model" else np.nan],
        mode="markers", name=f"chosen: concurrency {estimate.concurrency}",
        marker={"symbol": "star", "size": 16, "color": "#D55E00", "line": {"width": 1, "color": "black"}},
        hovertemplate="chosen: %{y:,.0f} tokens/s at %{x:.1f} ms a token<extra></extra>",
    ))
    if tpot_target_ms is not None:
        figure.add_vline(x=tpot_target_ms, line_dash="dash", line_color="#444",
                         annotation_text=f"target {tpot_target_ms:g} ms a token", annotation_position="top left")
    figure.update_layout(
        xaxis_title="Time per output token (ms), one user's view",
        yaxis_title="Output tokens/s, whole replica",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=380,
    )
    return legible(figure)
