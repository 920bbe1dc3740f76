"""How a measured run is shown: figures under an answer, repeat summaries, the blind tally."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import state
from calculators.whole_bill import reasoning_multiple_measured
from charts.layout import chart_text, legible
from inference import RunResult, summarise
from scenario.text import plain

FIGURE_LABELS = {
    "ttft_ms": "Time to first token (ms)",
    "decode_tokens_per_s": "Decode (tokens/s)",
    "e2e_ms": "End to end (ms)",
    "input_tokens": "Input tokens",
    "output_tokens": "Output tokens",
    "cost_usd": "Cost (USD)",
}


def _fmt(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def run_figures(result: RunResult, side: int = 0) -> None:
    """The figures of one run, under its answer (``side`` keeps the two sides' buttons apart)."""
    if result.fallback_from:
        st.warning(f"Answered by the local model (fallback): {plain(result.fallback_from)}")
    if not result.ok:
        st.error(plain(result.error))  # errors quote typed URLs and model names: shown as text
        if result.retries:
            st.caption(f"{result.retries} retr{'y' if result.retries == 1 else 'ies'} with backoff before giving up.")
        return
    first, second, third = st.columns(3)
    first.metric("Time to first token (ms)", _fmt(result.ttft_ms))
    second.metric("Decode (tokens/s)", _fmt(result.decode_tokens_per_s, 1))
    e2e = result.e2e_ms
    third.metric("End to end (s)", "n/a" if e2e is None else f"{e2e / 1000:,.2f}")
    cost = "n/a" if result.cost_usd is None else f"${result.cost_usd:.6f}"
    notes = [
        f"tokens in {_fmt(result.input_tokens)}, out {_fmt(result.output_tokens)} ({result.token_source})",
        f"cost {cost} ({result.cost_basis})",
        "cold: model loaded for this run" + (f" in {result.load_ms:,.0f} ms" if result.load_ms else "") if result.cold else "warm",
    ]
    if result.cached_prompt_tokens:
        notes.append(f"reused {result.cached_prompt_tokens:,} cached prompt tokens")
    if result.reasoning_tokens:
        notes.append(f"{result.reasoning_tokens:,} of the output tokens were hidden reasoning")
    if result.waited_ms:
        notes.append(f"waited {result.waited_ms:,.0f} ms for the local model (not counted above)")
    if result.retries:
        notes.append(f"{result.retries} retr{'y' if result.retries == 1 else 'ies'}")
    st.caption(" · ".join(notes))
    if (multiple := reasoning_multiple_measured(result.output_tokens, result.reasoning_tokens)) is not None:
        st.button(f"Use {multiple:.2f} reasoning tokens per output token in the cost model", key=f"pg.action.use_reasoning.{side}",
                  on_click=state.update_cost_assumption, args=("reasoning_multiple", round(min(multiple, 100.0), 2)),
                  kwargs={"from_widget": False}, help="Measured from this run's usage report; the Costs page bills it as output.")


def repeat_summary(results: list[RunResult]) -> None:
    """Median and p90 over repeated runs."""
    summary = summarise(results)
    rows = [{"Figure": FIGURE_LABELS[f], "Median": v["median"], "p90": v["p90"]} for f, v in summary.items()]
    failed = sum(not r.ok for r in results)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(f"{len(results)} runs" + (f", {failed} failed (left out)" if failed else ""))


def distribution_chart(sides: list[tuple[str, list[RunResult]]]) -> go.Figure:
    """Time to first token and end-to-end time of every run, per side."""
    figure = go.Figure()
    for label, results in sides:
        ok = [r for r in results if r.ok]
        figure.add_box(y=[r.e2e_ms for r in ok], name=f"{chart_text(label)}: end to end", boxpoints="all", jitter=0.3)
        figure.add_box(y=[r.ttft_ms for r in ok], name=f"{chart_text(label)}: first token", boxpoints="all", jitter=0.3)
    figure.update_layout(height=320, margin=dict(l=10, r=10, t=20, b=10), yaxis_title="ms", showlegend=False)
    return legible(figure, legend=False)


def tally_frame(votes: list[dict[str, str]]) -> pd.DataFrame:
    """Votes as a table: one row a vote, plus who won it once revealed."""
    return pd.DataFrame(votes, columns=["time", "prompt", "A", "B", "vote", "winner"])
