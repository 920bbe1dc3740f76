"""Real traffic on the Costs page: a load profile (a shape or an uploaded CSV), the cloud model's
rate limits at its peaks, and the base-load-local, bursts-to-the-cloud plan beside the privacy split.

The profile, the model and the tier chosen here stay in the session (:func:`rate_limit_check`),
so the Recommendation counts a limit the peak exceeds with the same figures this section shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from app import state
from app.components.charts import show_chart
from calculators import CostAssumptions, CostInputError, CostReport, UnknownCloudModel
from calculators.base_burst import SCHEDULES, base_burst, typical_week
from calculators.load_profile import SHAPES, LoadProfile, parse_profile, profile_stats, shape_profile
from calculators.rate_limits import RateLimitCheck, check_rate_limits, model_tiers
from charts.load import base_burst_curve_figure, typical_week_figure
from scenario import InputError, Scenario
from scenario.text import counted, plain

__all__ = ["base_burst_share", "load_profile_section", "rate_limit_check", "rate_limit_for_what_if"]

PROFILE_KEY = "crossover.load_profile"  # the LoadProfile in use (an upload outlives its widget)
# Which upload was read (its file id), and what was wrong with it if it was refused.
PARSED_KEY, PARSE_ERROR_KEY = "load.parsed_file", "load.parse_error"
MODEL_KEY = "load.cloud_model"
TIER_KEY = "load.tier"


def _profile() -> LoadProfile | None:
    source = st.radio("Load profile", ["A typical week", "Your own file"], key="load.source", horizontal=True, **state.KEEP)
    if source == "A typical week":
        name = st.selectbox("Shape", list(SHAPES), format_func=lambda s: SHAPES[s][0], key="load.shape", **state.KEEP)
        st.caption(f"{SHAPES[name][1]} Illustrative, not measured.")
        profile = shape_profile(name)
        st.session_state[PROFILE_KEY] = profile
        return profile
    upload = st.file_uploader("Requests over time (CSV)", type=["csv"], key="load.file",
                              help="Timestamps (one row per request), or counts per minute or per hour; a day to a quarter.")
    # Read once per upload, not on every rerun of the page: a large file took seconds of the
    # shared server's CPU each time anything on the Costs page changed.
    if upload is not None and st.session_state.get(PARSED_KEY) != upload.file_id:
        st.session_state[PARSED_KEY] = upload.file_id
        try:
            st.session_state[PROFILE_KEY] = parse_profile(upload.name, upload.getvalue())
            st.session_state.pop(PARSE_ERROR_KEY, None)
        except InputError as exc:
            st.session_state[PARSE_ERROR_KEY] = "; ".join(exc.problems)
            st.session_state.pop(PROFILE_KEY, None)
    if upload is not None and (problem := st.session_state.get(PARSE_ERROR_KEY)):
        st.error(plain(problem), icon=":material/error:")
        return None
    profile = st.session_state.get(PROFILE_KEY)
    if profile is None or profile.source == "shape":
        st.info("Upload a CSV to see its percentiles, the rate limits at its peaks and the base-burst plan.")
        return None
    st.caption(f"{plain(profile.name)}: {profile.source}, {profile.minutes / 1440:,.1f} days; its own volume is "
               f"{profile.file_requests_per_month:,.0f} requests a month.")
    return profile


def _stats(profile: LoadProfile, scenario: Scenario) -> None:
    stats = profile_stats(profile.requests_per_minute(scenario.requests_per_month))
    st.caption(f"Requests a minute at the scenario's {scenario.requests_per_month:,} requests a month "
               "(the profile gives the shape, the scenario the level).")
    with st.container(horizontal=True, key="metric-row-load", gap="small"):
        for label, value in (("Mean", stats.mean_rpm), ("P50", stats.p50_rpm), ("P90", stats.p90_rpm), ("P99", stats.p99_rpm),
                             ("Peak", stats.peak_rpm)):
            st.metric(f"{label} requests/min", f"{value:,.1f}", border=True)
        st.metric("Peak-to-average", f"{stats.peak_to_average:,.1f}x", border=True)
    for note in profile.notes:
        st.caption(note)
    applied = state.cost_assumptions().peak_to_average == round(min(50.0, stats.peak_to_average), 2) \
        and scenario.load_pattern == stats.load_pattern
    if applied:
        st.caption(f"The cost model uses this profile: peak-to-average {min(50.0, stats.peak_to_average):.2f}, "
                   f"load pattern {stats.load_pattern}.")
    else:
        st.button(f"Use this profile in the cost model (peak-to-average {min(50.0, stats.peak_to_average):.2f}, "
                  f"load pattern {stats.load_pattern})", key="load.apply", on_click=_apply,
                  args=(round(min(50.0, stats.peak_to_average), 2), stats.load_pattern))


def _apply(peak_to_average: float, load_pattern: str) -> None:
    state.update_cost_assumption("peak_to_average", peak_to_average, from_widget=False)
    state.update_scenario("load_pattern", load_pattern)
    state.redraw(state.INPUT_PREFIX)


def _limits_inputs(assumptions: CostAssumptions) -> tuple[str, str | None]:
    models = list(assumptions.cloud_models)
    if st.session_state.get(MODEL_KEY) not in models:
        st.session_state.pop(MODEL_KEY, None)
    model = st.selectbox("Cloud model", models, key=MODEL_KEY, help="The Costs page's models; the first is the one hybrid uses.")
    tiers, _ = model_tiers(model)
    names = [t.tier for t in tiers]
    if not names:
        return model, None
    if st.session_state.get(TIER_KEY) not in names:
        st.session_state.pop(TIER_KEY, None)
    return model, st.selectbox("Usage tier", names, key=TIER_KEY)


def _chosen() -> tuple[LoadProfile, str, str | None] | None:
    """The session's profile, cloud model (one of the Costs page's) and tier, if a profile is in use."""
    profile = st.session_state.get(PROFILE_KEY)
    if profile is None:
        return None
    models = state.cost_assumptions().cloud_models
    model = st.session_state.get(MODEL_KEY) if st.session_state.get(MODEL_KEY) in models else models[0]
    tiers = [t.tier for t in model_tiers(model)[0]]
    tier = st.session_state.get(TIER_KEY)
    return profile, model, tier if tier in tiers else None


def _check(profile: LoadProfile, model: str, tier: str | None, scenario: Scenario) -> RateLimitCheck:
    return check_rate_limits(profile.requests_per_minute(scenario.requests_per_month), scenario.input_tokens_per_request,
                             scenario.output_tokens_per_request, model, tier)


def rate_limit_check(scenario: Scenario) -> RateLimitCheck | None:
    """The session's profile against the chosen model and tier at the scenario's volume (None without a profile)."""
    chosen = _chosen()
    return None if chosen is None else _check(*chosen, scenario)


def rate_limit_for_what_if() -> tuple[str | None, Callable[[Scenario], RateLimitCheck] | None]:
    """A cache key and the check as a function of the scenario, so "what would change the answer" re-checks the
    limit at every volume it tries (the same check the Recommendation counts); (None, None) without a profile."""
    chosen = _chosen()
    if chosen is None:
        return None, None
    profile, model, tier = chosen
    digest = hashlib.sha256(profile.counts.tobytes()).hexdigest()[:16]
    return f"{digest}:{model}:{tier}", partial(_check, profile, model, tier)


def base_burst_share(default: float, key: str) -> float:
    """The routing simulator's burst share: from the Costs page's load profile when there is one, else a slider."""
    profile = st.session_state.get(PROFILE_KEY)
    if profile is not None:
        try:
            plan = base_burst(profile, state.scenario(), state.cost_assumptions(), st.session_state.get("load.schedule", "always_on"))
        except (CostInputError, UnknownCloudModel):
            plan = None
        if plan is not None:
            share = 1.0 - plan.best.local_share
            st.caption(f"Base load local, bursts to the cloud: from the Costs page's load profile ({plain(profile.name)}), "
                       f"local capacity for P{plan.best.percentile:g} sends {share:.1%} of requests to the cloud.")
            return share
    return float(st.slider("Base load local: share of requests arriving above local capacity (to the cloud)", 0.0, 1.0,
                           default, 0.01, key=key, **state.KEEP,
                           help="Analyse a load profile on the Costs page to take this from your traffic."))


def _limits(scenario: Scenario, assumptions: CostAssumptions) -> None:
    st.markdown("**Rate limits at the profile's peaks**")
    _limits_inputs(assumptions)
    check = rate_limit_check(scenario)
    if check is None:
        return
    if not check.published:
        st.info(plain(check.sentences[0]), icon=":material/info:")
    else:
        with st.container(horizontal=True, key="metric-row-limits", gap="small"):
            st.metric("Requests a minute allowed", f"{check.whole_requests_allowed or 0:,}", border=True,
                      help=f"{check.rpm_limit:,} requests and {check.tpm_limit:,} tokens a minute at {check.tier}.")
            st.metric("Minutes over the limit", f"{check.minutes_over_share:.1%}", border=True)
            st.metric("Tier the peak needs", check.tier_needed or "none published", border=True)
        for sentence in check.sentences:
            (st.warning if check.exceeded else st.success)(plain(sentence))
    if check.source:
        st.caption(f"Limits from {check.source}, checked {check.checked} (assets/rate_limits.json).")


def _strategies(report: CostReport, plan: Any) -> None:
    best = plan.best
    rows = [
        {"Strategy": f"All cloud ({report.cloud[0].price.label})", "USD a month": plan.all_cloud_usd, "Local share": 0.0},
        {"Strategy": "All local, sized for the peak", "USD a month": plan.all_local_peak_usd, "Local share": 1.0},
        {"Strategy": f"Privacy split ({report.hybrid.local_share:.0%} local: the hybrid above)",
         "USD a month": report.hybrid.monthly_usd, "Local share": report.hybrid.local_share},
        {"Strategy": f"Base load local to P{best.percentile:g}, bursts to cloud ({SCHEDULES[plan.schedule].lower()})",
         "USD a month": best.monthly_usd, "Local share": best.local_share},
    ]
    cheapest = min(rows, key=lambda r: r["USD a month"])
    for row in rows:
        row["Cheapest"] = "yes" if row is cheapest else ""
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="load.strategies",
                 column_config={"USD a month": st.column_config.NumberColumn(format="$%,.0f", width="small"),
                                "Local share": st.column_config.NumberColumn(format="percent", width="small"),
                                "Cheapest": st.column_config.TextColumn(width="small")})


def load_profile_section(scenario: Scenario, report: CostReport) -> None:
    """The whole section: profile, rate limits, base-burst against the other strategies."""
    st.subheader("Real traffic: load profile, rate limits, base load local")
    if not st.toggle("Analyse a load profile", key="load.on", **state.KEEP,
                     help="A typical week or your own requests over time: percentiles, the cloud model's rate limits at the "
                          "peaks, and keeping the base load local while bursts go to the cloud."):
        st.session_state.pop(PROFILE_KEY, None)  # off: the Recommendation no longer counts its rate limit
        return
    profile = _profile()
    if profile is None:
        return
    _stats(profile, scenario)
    assumptions = state.cost_assumptions()
    _limits(scenario, assumptions)
    st.markdown("**Base load local, bursts to the cloud**")
    schedule = st.radio("Rented local capacity runs", list(SCHEDULES), format_func=SCHEDULES.__getitem__, key="load.schedule",
                        horizontal=True, **state.KEEP)
    cold_start = 10
    if schedule == "scale_to_zero":
        cold_start = int(st.number_input("Cold start (minutes a started replica is not yet serving)", min_value=0,
                                         max_value=60, value=10, step=1, key="load.cold_start", **state.KEEP))
    try:
        plan = base_burst(profile, scenario, assumptions, schedule, cold_start)
    except (CostInputError, UnknownCloudModel) as exc:
        st.error(f"The base-burst plan cannot be computed: {plain(exc)}.")
        return
    best = plan.best
    others = {"all cloud": plan.all_cloud_usd, "all local sized for the peak": plan.all_local_peak_usd}
    cheaper = {name: usd for name, usd in others.items() if usd < best.monthly_usd}
    st.markdown(f"Base-burst is cheapest at **P{best.percentile:g}**: {counted(best.replicas, 'replica')} of "
                f"{counted(plan.gpus_per_replica, 'GPU')} ({plan.replica_rpm:,.0f} requests a minute each) keep **{best.local_share:.1%}** of requests local; "
                f"the rest go to {plain(plan.cloud_ref)}: **${best.monthly_usd:,.0f}** a month."
                + (" Cheaper still: " + ", ".join(f"{name} (${usd:,.0f})" for name, usd in cheaper.items()) + "." if cheaper else ""))
    _strategies(report, plan)
    curve_col, week_col = st.columns(2, gap="medium")
    with curve_col:
        show_chart(base_burst_curve_figure(plan), key="load.curve")
    with week_col:
        show_chart(typical_week_figure(typical_week(profile, scenario, plan)), key="load.week")
    st.caption("All local and all cloud are the Costs page's figures at the profile's peak-to-average; the privacy split "
               "is its hybrid at the assumptions in force. Local capacity comes from the capacity model above.")
    for note in plan.notes:
        st.info(plain(note), icon=":material/info:")
