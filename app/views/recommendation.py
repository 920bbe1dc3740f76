"""The scored recommendation: winner, runner-up, why, and what would change the answer."""

from __future__ import annotations

from typing import Any

import streamlit as st

from advisor import (
    CHECKLIST,
    Flip,
    QualityEvidence,
    Weights,
    what_would_change,
)
from advisor.labels import FACTOR_LABELS, OPTION_LABELS, lead_text, score_text
from app import state
from app.components.charts import show_chart
from app.components.decision import current_recommendation
from app.components.load_profile import rate_limit_for_what_if
from app.components.widgets import scenario_summary
from calculators import CostAssumptions
from charts.recommendation import factor_contributions, option_scores
from scenario import Scenario
from scenario.text import counted, plain


@st.cache_data(max_entries=512, show_spinner="Looking for the inputs that would change the answer…")
def _flips(scenario_json: str, weights_json: str, evidence_json: str | None, assumptions_json: str,
           rate_limit_key: str | None = None, _rate_limit: Any = None) -> list[Flip]:
    # A few hundred re-scorings with the cost model; cached so moving a weight back and forth stays instant.
    # The load profile's check is keyed by rate_limit_key (its data, model and tier); the function itself is not hashed.
    evidence = QualityEvidence.model_validate_json(evidence_json) if evidence_json else None
    return what_would_change(Scenario.model_validate_json(scenario_json), Weights.model_validate_json(weights_json), evidence,
                             CostAssumptions.model_validate_json(assumptions_json), rate_limit=_rate_limit)


def _commit_weight(factor: str, key: str) -> None:
    state.update_weight(factor, st.session_state[key])


def _assumptions_panel() -> None:
    with st.expander("Assumptions: how much each factor counts", expanded=False):
        st.caption(
            "Each factor's lean (from the articles' rules of thumb) is multiplied by its weight; "
            "0 switches a factor off. Scores update as you change them."
        )
        current = state.weights()
        columns = st.columns(4)
        for index, step in enumerate(CHECKLIST):
            key = state.widget_key(state.WEIGHT_PREFIX, step.factor)
            columns[index % 4].number_input(
                step.title,
                min_value=0.0,
                max_value=10.0,
                step=0.5,
                value=float(current.of(step.factor)),
                key=key,
                on_change=_commit_weight,
                args=(step.factor, key),
            )
        st.button("Reset to default weights", key="weights.reset", on_click=state.reset_weights)


def _costs_and_latency(result) -> None:  # noqa: ANN001 - a Recommendation
    """The cost model's monthly figures and the latency check the scores used, side by side."""
    if result.costs is None:
        return
    costs = result.costs
    with st.container(border=True, key="recommendation-costs"):
        st.markdown(f"**What the cost model and the latency check found**: cost a month, the same figures as the Costs page; "
                    f"cheapest: {OPTION_LABELS[costs.cheapest]}")
        columns = st.columns(3)
        for column, option in zip(columns, ("cloud", "local", "hybrid"), strict=True):
            column.metric(OPTION_LABELS[option], f"${costs.of(option):,.0f}")
            estimate = (result.latency or {}).get(option)
            if estimate is None:
                column.caption("Latency: no published figures for this model.")
            else:
                column.caption(f"{estimate.ttft_ms:,.0f} ms to first token · {estimate.answer_ms / 1000:,.2f} s for the whole answer")
        st.caption(f"Cloud is {costs.cloud_model}; local {counted(costs.local_gpus, 'GPU')}; hybrid keeps {costs.hybrid_local_share:.0%} local. "
                   "Change the assumptions on the Costs page and these, and the scores, follow.")


def recommendation_page() -> None:
    """Show the winner, the runner-up and why, the factor chart, and what would flip it."""
    st.title("Recommendation")
    scenario, weights, evidence = state.scenario(), state.weights(), state.quality_evidence()
    result = current_recommendation()
    winner = OPTION_LABELS[result.recommendation]

    st.caption(scenario_summary(scenario, state.loaded_preset_name()))
    st.markdown(f"## {winner} — {score_text(result.scores[result.recommendation])} / 100")
    if result.runner_up:
        st.markdown(
            f"Runner-up: **{OPTION_LABELS[result.runner_up]}** at "
            f"{score_text(result.scores[result.runner_up])}, **{result.margin:.1f} points** behind."
        )
        deciding = result.deciding_factors()
        if deciding:
            st.markdown("**Why:**")
            st.markdown(
                "\n".join(
                    f"- **{FACTOR_LABELS[c.factor]}**: "
                    f"{lead_text(result.recommendation, c.points, result.runner_up, c.points - lead)}. {c.reason}"
                    for c, lead in deciding
                )
            )
    for exclusion in result.excluded:
        st.warning(f"**{OPTION_LABELS[exclusion.option]} is ruled out.** {exclusion.reason}")
    for note in result.notes:
        st.warning(note, icon=":material/rule:")
    _costs_and_latency(result)
    if result.runner_up and result.margin < 3:
        st.info("The top two are within 3 points: treat this as a close call and look at the cost model before deciding.")

    if evidence:
        st.info(f"**Quality is measured, not guessed:** {plain(evidence.local_backend)} {evidence.local_accuracy:.0%} vs "
                f"{plain(evidence.cloud_backend)} {evidence.cloud_accuracy:.0%} on {plain(evidence.task_set)} ({evidence.measured_on}).",
                icon=":material/science:")
        st.button("Go back to the stated quality need", key="recommendation.forget_evidence",
                  on_click=lambda: st.session_state.pop(state.EVIDENCE_KEY, None))
    _assumptions_panel()

    left, right = st.columns([2, 3])
    with left:
        st.markdown("#### Scores")
        show_chart(option_scores(result), key="chart.scores")
        st.markdown("#### What would change the answer")
        flips = _flips(scenario.model_dump_json(), weights.model_dump_json(), evidence.model_dump_json() if evidence else None,
                       state.cost_assumptions().model_dump_json(), *rate_limit_for_what_if())
        if flips:
            st.markdown("\n".join(f"- {flip.sentence}" for flip in flips))
        else:
            st.markdown("No single change of one input flips the answer: it is robust.")
    with right:
        st.markdown("#### How each factor pushed")
        show_chart(factor_contributions(result), key="chart.factors")

    with st.expander("Every factor's reason", expanded=False):
        seen: set[str] = set()
        for contribution in result.factors:
            if contribution.factor in seen:
                continue
            seen.add(contribution.factor)
            points = ", ".join(
                f"{OPTION_LABELS[c.option]} {c.points:+.1f}" for c in result.factors if c.factor == contribution.factor
            )
            st.markdown(f"- **{FACTOR_LABELS[contribution.factor]}** ({points}): {contribution.reason}")

    if st.button("Edit the answers", key="recommendation.edit"):
        st.switch_page("views/checklist.py")


recommendation_page()
