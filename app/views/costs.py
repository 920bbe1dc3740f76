"""Monthly cost and TCO of cloud, local and hybrid; cost curves, break-even and sensitivity."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from advisor.providers import privacy_verdict
from app import state
from app.components.charts import show_chart
from app.components.inputs import bound_input, starting_value
from app.components.load_profile import load_profile_section
from app.components.whole_bill import cache_summary, whole_bill_inputs
from app.components.widgets import scenario_summary
from calculators import (
    SUGGESTED_MODELS,
    CostAssumptions,
    CostInputError,
    CostReport,
    UnknownCloudModel,
    breakeven_band,
    cloud_model_choices,
    cost_curves,
    cost_report,
    get_gpu,
    get_open_model,
    gpus,
    open_models,
    tco_curves,
    tornado,
)
from calculators.assumptions import serving_targets
from calculators.catalog import quantisation_label
from calculators.report import local_serving_point
from calculators.tokens import count_tokens, token_counter
from charts.capacity import throughput_latency_figure
from charts.costs import compact, cost_curves_figure, tco_figure, tornado_figure
from scenario import Scenario
from scenario.text import counted, plain

scenario_input = partial(bound_input, page="costs")
CHANGE_KEY = "costs.sensitivity_change"


@st.cache_data(max_entries=256, show_spinner=False)
def _compute(scenario_json: str, assumptions_json: str, change: float) -> tuple[CostReport, pd.DataFrame, pd.DataFrame, pd.DataFrame, Any]:
    scenario = Scenario.model_validate_json(scenario_json)
    report = cost_report(scenario, CostAssumptions.model_validate_json(assumptions_json))
    return (
        report,
        cost_curves(scenario, report),
        tco_curves(scenario, report),
        tornado(scenario, report, change),
        breakeven_band(scenario, report, change),
    )


def _commit(field: str, key: str) -> None:
    state.update_cost_assumption(field, st.session_state[key])


def _cost_input(widget: Callable[..., Any], field: str, label: str, shown: Any, **kwargs: Any) -> Any:
    """A widget for one cost assumption, seeded with the value in force (catalog values included).

    Its key changes when code replaces the value (another GPU brings back the catalog's price):
    see :func:`app.state.widget_key`.
    """
    key = state.widget_key(state.COST_PREFIX, field)
    return widget(label, key=key, on_change=_commit, args=(field, key), **starting_value(widget, shown, kwargs))


def _money(value: float) -> str:
    return f"${value:,.0f}" if value >= 100 else f"${value:,.2f}"


def _headline(report: CostReport) -> None:
    cloud, local, hybrid, be = report.cloud[0], report.local, report.hybrid, report.breakeven[0]
    # A row that reflows to two a row on a narrow screen (app.presenter's "metric-row").
    with st.container(horizontal=True, key="metric-row-costs", gap="small"):
        st.metric(f"Cloud: {plain(cloud.price.label)}", f"{_money(cloud.monthly_usd)}/mo", border=True,
                  help=f"{_money(cloud.per_request_usd) if cloud.per_request_usd >= 0.01 else f'${cloud.per_request_usd:.5f}'} a request")
        st.metric(f"Local: {counted(local.gpus, 'GPU')}, {counted(local.servers, 'server')}",
                  f"{_money(local.monthly_usd)}/mo", border=True)
        st.metric(f"Hybrid: {hybrid.local_share:.0%} local", f"{_money(hybrid.monthly_usd)}/mo", border=True)
        st.metric("Break-even, requests a month", compact(be.requests_per_month) if be.requests_per_month is not None else "never",
                  help=plain(be.sentence), border=True)
    # Sentences that name models, and a model's name can come from a link: shown as text.
    for b in report.breakeven:
        st.markdown(f"- {plain(b.sentence)}")
    if cached := cache_summary(report):
        st.success("**Prompt cache, measured from your prompts.** " + " ".join(plain(s) for s in cached), icon=":material/cached:")
    for note in report.notes:
        st.info(plain(note), icon=":material/info:")


def _use_counted(input_tokens: int, output_tokens: int) -> None:
    state.update_scenario("input_tokens_per_request", input_tokens)
    state.update_scenario("output_tokens_per_request", output_tokens)
    state.redraw(state.INPUT_PREFIX, *(f"costs.{f}" for f in ("input_tokens_per_request", "output_tokens_per_request")))


def _volume_inputs(a: CostAssumptions) -> None:
    with st.expander("Volume", expanded=True):
        scenario_input(st.number_input, "requests_per_month", "Requests per month", min_value=0, max_value=10**12, step=10_000)
        left, right = st.columns(2)
        with left:
            scenario_input(st.number_input, "input_tokens_per_request", "Input tokens each", min_value=0, max_value=10_000_000, step=100)
        with right:
            scenario_input(st.number_input, "output_tokens_per_request", "Output tokens each", min_value=0, max_value=10_000_000, step=50)
        with st.popover("Count the tokens of a typical request", width="stretch"):
            counter = token_counter(a.cloud_models[0])
            st.caption(f"Counted by {counter.label}: the same count Hybrid routing uses.")
            prompt = st.text_area("A typical prompt (instructions and context included)", key="costs.override.count_prompt", height=100,
                                  **state.KEEP)
            answer = st.text_area("A typical answer", key="costs.override.count_answer", height=80, **state.KEEP)
            counted_in, counted_out = count_tokens(prompt, a.cloud_models[0]), count_tokens(answer, a.cloud_models[0])
            st.text(f"{counted_in:,} input tokens, {counted_out:,} output tokens")
            st.button("Use these counts", key="costs.action.use_counts", disabled=not (prompt.strip() and answer.strip()),
                      on_click=_use_counted, args=(counted_in, counted_out))


def _cloud_inputs(a: CostAssumptions) -> None:
    with st.expander("Cloud models", expanded=True):
        # The one privacy verdict, the same the Checklist, the Recommendation and the report use.
        verdict = privacy_verdict(state.scenario())
        verdicts = {ref: verdict.model_note(ref) for ref in dict.fromkeys([*a.cloud_models, *SUGGESTED_MODELS, *cloud_model_choices()])}
        hide = verdict.regulated_traffic and st.toggle("Hide models from offerings not compatible with your rules", key="costs.override.hide_incompatible",
                                               help="From the provider facts on the Checklist's privacy step.", **state.KEEP)
        choices = [ref for ref, (ok, _) in verdicts.items() if ref in a.cloud_models or not (hide and ok is False)]
        _cost_input(st.multiselect, "cloud_models", "Models to compare (the first is used for hybrid and break-even)",
                    list(a.cloud_models), options=choices, max_selections=8,
                    format_func=lambda ref: f"⚠ {ref}" if verdicts.get(ref, (None, ""))[0] is False else ref)  # why: just below
        for ref in a.cloud_models:
            ok, why = verdicts.get(ref, (None, ""))
            if ok is False:
                st.warning(f"**{plain(ref)}** is not compatible with your rules. {why}", icon=":material/gpp_bad:")
        st.markdown("**Your own prices, or a custom OpenAI-compatible provider** (USD per 1M tokens)")
        ref = st.text_input("Model", key="costs.override.ref", placeholder="e.g. openai:gpt-4o or my-vllm:llama-70b", **state.KEEP)
        left, right = st.columns(2)
        price_in = left.number_input("Input", min_value=0.0, max_value=10_000.0, step=0.1, key="costs.override.in", **state.KEEP)
        price_out = right.number_input("Output", min_value=0.0, max_value=10_000.0, step=0.1, key="costs.override.out", **state.KEEP)
        apply, clear = st.columns(2)
        if apply.button("Apply prices", key="costs.action.apply_prices", width="stretch"):
            if not ref.strip():
                st.error("Name the model first, e.g. openai:gpt-4o or my-vllm:llama-70b.")
            else:
                state.set_price_override(ref.strip(), {"input_per_mtok": price_in, "output_per_mtok": price_out})
                st.rerun()
        if clear.button("Clear", key="costs.action.clear_prices", width="stretch",
                        disabled=ref.strip() not in a.price_overrides):
            state.set_price_override(ref.strip(), None)
            st.rerun()


def _local_inputs(a: CostAssumptions, scenario: Scenario) -> None:
    with st.expander("Local: model and hardware", expanded=True):
        model_ids = [m.id for m in open_models()]
        _cost_input(st.selectbox, "open_model_id", "Open model", a.open_model_id, options=model_ids,
                    format_func=lambda i: get_open_model(i).name)
        _cost_input(st.selectbox, "quantisation", "Precision of the weights", a.quantisation,
                    options=["fp16", "fp8", "int8", "int4", "q8", "q4"], format_func=quantisation_label)
        _cost_input(st.radio, "kv_precision", "KV cache precision", a.kv_precision, options=["fp16", "fp8"], horizontal=True)
        gpu_ids = [g.id for g in gpus()]
        _cost_input(st.selectbox, "gpu_id", "GPU", a.gpu_id, options=gpu_ids, format_func=lambda i: get_gpu(i).name)
        _cost_input(st.radio, "payment", "Pay for it by", a.payment, options=["rent", "own"],
                    format_func={"rent": "Renting GPUs by the hour", "own": "Buying the hardware"}.__getitem__, horizontal=True)
        _cost_input(st.radio, "schedule", "Running", a.schedule, options=["always_on", "business_hours"],
                    format_func={"always_on": "Always on (730 h a month)", "business_hours": "Business hours only (220 h)"}.__getitem__,
                    horizontal=True)
        gpu = get_gpu(a.gpu_id)  # both ways of paying quote its catalog figures
        if a.payment == "rent":
            quotes = {f"{q.provider}: ${q.usd_per_hour:,.2f}/h ({q.as_of})": q.usd_per_hour for q in gpu.rent_prices}
            if quotes:
                chosen = next((label for label, usd in quotes.items() if usd == a.gpu_hourly_usd), None)
                # A view of the price in force: its key names that price, so a typed price or
                # a reset draws it again with the matching quote (or none).
                quote_key = state.widget_key(state.COST_PREFIX, f"rent_quote.{gpu.id}.{a.gpu_hourly_usd}")
                st.selectbox("Rent quote", list(quotes), index=list(quotes).index(chosen) if chosen else None,
                             key=quote_key, placeholder="your own price (below)",
                             on_change=lambda: state.update_cost_assumption(
                                 "gpu_hourly_usd", quotes.get(st.session_state[quote_key]), from_widget=False),
                             help="Published on-demand prices per GPU; each source is in assets/gpus.json.")
            _cost_input(st.number_input, "gpu_hourly_usd", "Rent per GPU per hour (USD)", float(a.gpu_hourly_usd or 0),
                        min_value=0.0, max_value=1000.0, step=0.1,
                        help=f"Catalog: ${gpu.rent_usd_per_hour}/h, {gpu.sources['rent']} ({gpu.as_of}).")
        else:
            _cost_input(st.number_input, "gpu_purchase_usd", "Purchase price per GPU (USD)", float(a.gpu_purchase_usd or 0),
                        min_value=0.0, max_value=10_000_000.0, step=500.0,
                        help=f"Catalog: ${gpu.purchase_usd:,.0f}, {gpu.sources['purchase']} ({gpu.as_of}).")
            _cost_input(st.number_input, "gpu_power_w", "Power per GPU (W)", float(a.gpu_power_w or 0),
                        min_value=0.0, max_value=100_000.0, step=10.0)
        fix_key = state.widget_key(state.COST_PREFIX, "fix_gpus")
        fixed = st.toggle("Fix the number of GPUs", key=fix_key, value=a.gpus_fixed is not None,
                          on_change=lambda: state.update_cost_assumption(
                              "gpus_fixed", (a.gpus_fixed or 1) if st.session_state[fix_key] else None))
        if fixed and a.gpus_fixed is not None:
            _cost_input(st.number_input, "gpus_fixed", "GPUs", int(a.gpus_fixed), min_value=1, max_value=100_000, step=1)


def _capacity_inputs(a: CostAssumptions, report: CostReport, scenario: Scenario) -> None:
    with st.expander("Local: capacity", expanded=True):
        cap = report.capacity
        st.markdown(f"**{counted(cap.gpus_per_replica, 'GPU')} a replica** at concurrency "
                    f"**{cap.concurrency:,}** (memory holds {cap.max_concurrency:,}; limited by {cap.limited_by.replace('_', ' ')}): "
                    f"first token {cap.ttft_ms:,.0f} ms, {cap.tpot_ms:,.1f} ms a token.")
        sentence = cap.sentence()
        st.text(sentence[:1].upper() + sentence[1:])
        if cap.nearest_published is not None:
            st.caption(f"[Source of the published figure]({cap.nearest_published.source}) ({cap.nearest_published.date}). "
                       "Estimates: the step model, calibrated against published measurements (docs/capacity-calibration.md).")
        _cost_input(st.number_input, "ttft_target_ms", "Time to first token target (ms)", a.ttft_target_ms,
                    min_value=1.0, max_value=600_000.0, step=50.0, placeholder=f"{scenario.latency_p95_ms:,} (the checklist's p95 latency)",
                    help="Empty: the checklist's p95 latency, read as how fast a response must start.")
        _cost_input(st.number_input, "tpot_target_ms", "Time per output token target (ms)", a.tpot_target_ms,
                    min_value=1.0, max_value=60_000.0, step=5.0, placeholder="no target",
                    help="Empty: none. 30-50 ms a token (20-33 tokens/s) streams faster than people read.")
        _cost_input(st.number_input, "concurrent_sequences", "Requests in flight per replica", a.concurrent_sequences,
                    min_value=1, max_value=4096, step=1, placeholder="the largest the targets and memory allow",
                    help="Empty: the largest concurrency whose latency meets the targets (throughput at the target).")
        _cost_input(st.number_input, "throughput_tokens_per_s", "Generated tokens/s per replica (all sequences)",
                    float(a.throughput_tokens_per_s or 1), min_value=0.01, max_value=1e7, step=50.0,
                    help=plain(st.session_state.get(state.THROUGHPUT_LABEL_KEY) or "")
                    or "Prefilled with the step model's estimate at your request shape; replace it with a measured figure.")
        if label := st.session_state.get(state.THROUGHPUT_LABEL_KEY):
            st.caption(f"Throughput {plain(label)}.")  # it names a server someone typed: text, not Markdown
        _cost_input(st.number_input, "peak_to_average", "Peak-to-average load", a.peak_to_average, min_value=1.0, max_value=50.0, step=0.5)
        _cost_input(st.slider, "utilisation_target", "Utilisation target", a.utilisation_target, min_value=0.05, max_value=1.0, step=0.05)


def _throughput_latency(scenario: Scenario, report: CostReport) -> None:
    ttft, tpot = serving_targets(report.assumptions, scenario.latency_p95_ms)
    point = local_serving_point(scenario, report.assumptions)
    show_chart(throughput_latency_figure(point.curve, report.capacity, ttft * 1000, None if tpot is None else tpot * 1000),
               key="costs.throughput_latency")
    cap = report.capacity
    per_mtok = report.local.monthly_usd / max(report.requests_per_month * scenario.output_tokens_per_request, 1) * 1e6
    st.caption(
        f"One replica of {get_open_model(report.assumptions.open_model_id).name} on {cap.gpus_per_replica} x "
        f"{get_gpu(report.assumptions.gpu_id).name}, {scenario.input_tokens_per_request:,} prompt and "
        f"{scenario.output_tokens_per_request:,} generated tokens a request; each point is one concurrency (the engine keeps "
        f"that many requests in flight, as vLLM's bench serve --max-concurrency measures). Grey points miss the first-token "
        f"target of {ttft * 1000:,.0f} ms{' or the time-per-token target' if tpot is not None else ''}. "
        f"Local costs {_money(per_mtok)} per million generated tokens at this volume, staff and infrastructure included."
    )


def _owning_and_people_inputs(a: CostAssumptions) -> None:
    with st.expander("Local: owning, people and fixed costs"):
        if a.payment == "own":
            _cost_input(st.number_input, "depreciation_months", "Depreciation (months)", a.depreciation_months, min_value=1, max_value=120, step=6)
            _cost_input(st.number_input, "pue", "Data-centre PUE", a.pue, min_value=1.0, max_value=3.0, step=0.1)
            _cost_input(st.number_input, "kwh_usd", "Electricity (USD per kWh)", a.kwh_usd, min_value=0.0, max_value=10.0, step=0.01)
            _cost_input(st.slider, "maintenance_share_yearly", "Maintenance a year (share of purchase)", a.maintenance_share_yearly,
                        min_value=0.0, max_value=0.5, step=0.01)
        _cost_input(st.number_input, "staff_fte", "DevOps/MLOps staff (FTE)", a.staff_fte, min_value=0.0, max_value=100.0, step=0.25)
        _cost_input(st.number_input, "staff_salary_yearly_usd", "Salary a year (USD)", a.staff_salary_yearly_usd,
                    min_value=0.0, max_value=10_000_000.0, step=5_000.0, help="Default: the articles' average MLOps salary, $158,000.")
        _cost_input(st.number_input, "infra_monthly_usd", "Infrastructure & monitoring a month (USD)", a.infra_monthly_usd,
                    min_value=0.0, max_value=1e9, step=100.0)


def _hybrid_inputs(a: CostAssumptions) -> None:
    with st.expander("Hybrid and sensitivity"):
        _cost_input(st.slider, "local_share", "Share of requests kept local", float(a.local_share or 0), min_value=0.0,
                    max_value=1.0, step=0.05, help="Starts at the scenario's sensitive share.")
        st.slider("Vary each assumption by", min_value=0.05, max_value=0.5, step=0.05, key=CHANGE_KEY,
                  format="%.2f", help="For the tornado chart and the break-even band.", **state.KEEP)
        st.button("Reset cost assumptions", key="costs.reset", on_click=state.reset_cost_assumptions)


def _price_table(report: CostReport) -> None:
    rows = [
        {
            "Model": c.price.label + (" — your prices" if c.price.overridden else ""),
            "Input $/1M": c.price.input_per_mtok,
            "Output $/1M": c.price.output_per_mtok,
            "Cached input $/1M": c.price.cached_input_per_mtok,
            "Per request $": c.per_request_usd,
            "Monthly $": c.monthly_usd,
            "Source": c.price.source_urls[0] if c.price.source_urls else None,
            "Prices from": c.price.data_version,
        }
        for c in report.cloud
    ]
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch",
        column_config={
            "Source": st.column_config.LinkColumn("Source"),
            "Per request $": st.column_config.NumberColumn(format="$%.5f"),
            "Monthly $": st.column_config.NumberColumn(format="$%,.0f"),
        },
    )


def _breakdown(report: CostReport) -> None:
    rows = [{"Option": f"Cloud: {c.price.label}", "Item": line.item, "USD a month": line.monthly_usd, "Basis": line.basis}
            for c in report.cloud for line in c.lines]
    rows += [{"Option": f"Local ({counted(report.local.gpus, 'GPU')})", "Item": line.item, "USD a month": line.monthly_usd, "Basis": line.basis}
             for line in report.local.lines]
    hybrid = report.hybrid
    rows += [{"Option": f"Hybrid ({hybrid.local_share:.0%} local)", "Item": f"Local part ({counted(hybrid.local.gpus, 'GPU')})",
              "USD a month": hybrid.monthly_usd - hybrid.cloud_usd, "Basis": f"{hybrid.local_requests_per_month:,} requests on local"},
             {"Option": f"Hybrid ({hybrid.local_share:.0%} local)", "Item": "Cloud part", "USD a month": hybrid.cloud_usd,
              "Basis": f"{hybrid.cloud_requests_per_month:,} requests on {hybrid.cloud_ref}"}]
    # "dollar" (the browser's currency format): a saving reads "-$103.65"; the printf form gave "$-103.65".
    # The money second, after what it is for: at 1024 px the results column shows two columns, and
    # after the wide option names it used to show the item and not the figure.
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_order=("Option", "USD a month", "Item", "Basis"),
                 column_config={"USD a month": st.column_config.NumberColumn(format="dollar")})
    if report.local.upfront_usd:
        st.caption(f"Owning also means paying {_money(report.local.upfront_usd)} up front for the GPUs (amortised above).")


def _sensitivity(tornado_table, band, change: float) -> None:  # noqa: ANN001 - a frame and a BreakevenBand
    show_chart(tornado_figure(tornado_table, change), key="costs.tornado")
    if band.p50 is None:
        st.markdown(f"**Break-even band:** in {band.never_share:.0%} of {band.samples:,} samples local never gets cheaper.")
    else:
        high = f"{band.p90:,.0f}" if band.p90 is not None else "never"
        st.markdown(
            f"**Break-even band** (cloud prices, utilisation and throughput each varied ±{change:.0%}, "
            f"{band.samples:,} samples): p10 **{band.p10:,.0f}**, median **{band.p50:,.0f}**, p90 **{high}** requests a month."
        )
    table = tornado_table[["assumption", "low_breakeven", "high_breakeven"]].rename(
        columns={"assumption": "Assumption", "low_breakeven": f"Break-even at -{change:.0%}", "high_breakeven": f"Break-even at +{change:.0%}"})
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%,.0f") for c in table.columns[1:]})


def costs_page() -> None:
    """Cost model page: inputs on the left, curves, breakdown, TCO and sensitivity on the right."""
    st.title("Costs")
    scenario = state.scenario()
    st.caption(scenario_summary(scenario, state.loaded_preset_name()))
    st.session_state.setdefault(CHANGE_KEY, 0.2)
    change = float(st.session_state[CHANGE_KEY])
    if error := state.cost_input_error():
        st.error(f"That value was not kept: {plain(error)}")
    try:
        report, curves, tco, tornado_table, band = _compute(
            scenario.model_dump_json(), state.cost_assumptions().model_dump_json(), change
        )
    except (CostInputError, UnknownCloudModel) as exc:
        st.error(f"The costs cannot be computed: {plain(exc)}. Change the input named, or reset the cost assumptions.")
        st.button("Reset cost assumptions", key="costs.reset_after_error", on_click=state.reset_cost_assumptions)
        return
    if (label := st.session_state.get(state.THROUGHPUT_LABEL_KEY)) and "TREATED AS" in label:
        st.warning(f"Throughput per replica is {report.assumptions.throughput_tokens_per_s:,.1f} tokens/s, {plain(label)}. "
                   "Every local figure below rests on it.", icon=":material/warning:")
    _headline(report)

    inputs, results = st.columns([2, 3], gap="medium")
    with inputs:
        _volume_inputs(report.assumptions)
        _cloud_inputs(report.assumptions)
        whole_bill_inputs(report.assumptions, _cost_input)
        _local_inputs(report.assumptions, scenario)
        _capacity_inputs(report.assumptions, report, scenario)
        _owning_and_people_inputs(report.assumptions)
        _hybrid_inputs(report.assumptions)
    with results:
        # Only the open tab is drawn: the hidden ones' charts cost every participant's rerun
        # (server and browser) for nothing (measured with bench/workshop_load.py).
        curves_tab, capacity_tab, breakdown_tab, tco_tab, sensitivity_tab = st.tabs(
            ["Cost curves", "Capacity", "Breakdown", "Total cost over time", "Sensitivity"], key="costs.tab",
            on_change="rerun")
        if curves_tab.open:
            with curves_tab:
                show_chart(cost_curves_figure(curves, report), key="costs.curves")
                st.caption("Local and hybrid rise in steps: each step is one more replica of the model. Diamonds mark break-even.")
        if capacity_tab.open:
            with capacity_tab:
                _throughput_latency(scenario, report)
        if breakdown_tab.open:
            with breakdown_tab:
                _breakdown(report)
        if tco_tab.open:
            with tco_tab:
                show_chart(tco_figure(tco), key="costs.tco")
                st.caption(f"Cumulative cost over the scenario's {scenario.horizon_months}-month horizon at today's volume."
                           + (" Owned hardware is paid in month 0; no resale value is counted." if report.assumptions.payment == "own" else ""))
        if sensitivity_tab.open:
            with sensitivity_tab:
                _sensitivity(tornado_table, band, change)

    st.subheader("Cloud prices")
    st.caption(f"From {report.price_data_version} (the pydantic team's maintained price database, bundled offline), "
               "unless marked as your prices.")
    _price_table(report)
    with st.container(key="load-section"):
        load_profile_section(scenario, report)


costs_page()
