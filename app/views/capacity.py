"""Measure what one server really serves: a concurrency sweep against any OpenAI-compatible server, then cost it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import state
from app.components.charts import show_chart
from app.components.local_model import local_model_choice
from app.components.safety import backend, key_for, outbound
from app.components.sweep_run import SweepRun
from app.components.tab_watch import tab_closed_check
from app.components.widgets import scenario_summary
from calculators import CostInputError, get_gpu, get_open_model
from calculators.capacity import CapacityEstimate, estimate_capacity
from calculators.catalog import gpus
from calculators.local_costs import requests_per_replica_month
from calculators.measured import catalog_model_for, names_model
from calculators.report import cost_report
from calculators.sweep import SweepResult, SweepTargets
from charts.costs import compact
from charts.sweep import sweep_latency_figure, sweep_throughput_figure
from inference.registry import BackendConfig
from inference.sweep import MAX_CONCURRENCY, MAX_REQUEST_RATE, MAX_REQUESTS_PER_STEP, SweepPlan
from routing.prompt_files import PromptSet, load_sample_prompts
from scenario.text import counted, plain

JOB_KEY = "cap.job"
RESULT_KEY = "cap.result"
THIS_MACHINE = "this-machine"
GPU_COUNTS = (1, 2, 4, 8)
# What to sweep: a server the team runs, or this app's own model (shared by the workshop).
SERVER, LOCAL = "server", "local"
# The app's own model serves everyone: a sweep of it sends at most this many requests, one at a time.
LOCAL_MAX_REQUESTS = 32
SAMPLE, ROUTING = "sample", "routing"
DEFINITIONS = (
    "**How it is measured** (the definitions of vLLM's `bench serve`): each step keeps *concurrency* requests in flight "
    "(closed loop: a new one starts as one finishes) until its requests are done. The optional **open-loop step** sends "
    "requests at a fixed rate with Poisson arrivals (vLLM's `--request-rate`), at most the maximum concurrency in flight, "
    "whether or not earlier ones are done: a check of one offered load, shown as its own row, not part of the curve. "
    "This app's own model is swept at concurrency 1 only, each request through the queue the whole workshop shares; "
    "time spent waiting behind others is left out. **TTFT**: request sent → first streamed "
    "token. **TPOT** (time per output token): (end-to-end − TTFT) ÷ (output tokens − 1), the first token excluded. "
    "**ITL**: every gap between two streamed chunks. **Output tokens/s** and **requests/s**: the whole server's, over the "
    "step's wall time. **Goodput**: the share of the step's requests that met every target (a failed request meets none), "
    "with a 95% Wilson interval. **Capacity at the targets**: the step of highest throughput whose goodput reaches the share "
    "you set. **Knee**: the smallest concurrency reaching 90% of the best throughput measured. The sweep stops early once a "
    "step adds less than 10% throughput or most requests miss the targets."
)


def _hardware_label(gpu_id: str, count: int) -> str:
    if gpu_id == THIS_MACHINE:
        return "this machine"
    return f"{count} x {get_gpu(gpu_id).name}"


def _routing_prompts() -> PromptSet | None:
    """The Hybrid routing page's prompts, when the team loaded its own there."""
    prompts = state.routing_prompts()
    return prompts if prompts is not None and prompts.prompts and prompts.source != load_sample_prompts().source else None


def _prompt_choice() -> None:
    own = _routing_prompts()
    options = [SAMPLE, *([ROUTING] if own else [])]
    if own is not None and st.session_state.get("cap.prompts_offered") != own.source:
        # The team's own prompts, newly loaded on the routing page, are what a sweep should send.
        st.session_state["cap.prompts"] = ROUTING
        st.session_state["cap.prompts_offered"] = own.source
    elif st.session_state.get("cap.prompts") not in options:
        st.session_state["cap.prompts"] = SAMPLE
    st.radio("Prompt texts", options, key="cap.prompts", **state.KEEP, horizontal=True,
             format_func=lambda o: (f"the Hybrid routing page's ({plain(own.source)[:60]}, {len(own.prompts):,} prompts)"
                                    if o == ROUTING and own else "the bundled sample set"),
             help="Joined and cut to the prompt length with the model's own tokenizer where the server exposes one. "
                  "Load your own prompts on the Hybrid routing page to sweep with them.")


def _settings() -> None:
    scenario, costs = state.scenario(), state.cost_assumptions()
    right = state.playground_side("right")
    # The Playground's OpenAI-compatible server, if one was set up there, is the natural first target.
    if right.set_up and right.config.kind == "openai" and right.config.base_url:
        st.session_state.setdefault("cap.base_url", right.config.base_url)
        st.session_state.setdefault("cap.model", right.config.model)
    st.session_state.setdefault("cap.target", SERVER)
    st.radio("What to sweep", (SERVER, LOCAL), key="cap.target", **state.KEEP, horizontal=True,
             format_func=lambda t: "a server (OpenAI-compatible)" if t == SERVER else local_model_choice("this app's local model"),
             help="This app's model serves the whole workshop: it is swept at concurrency 1 only, each request waiting its "
                  "turn in the same queue as everyone's runs.")
    local = st.session_state["cap.target"] == LOCAL
    # The URL and the hardware need the width; a model name is short or left empty.
    left, middle, right_col = st.columns([4, 3, 5])
    if local:
        left.text_input("Server base URL", value="(this app's local model)", disabled=True, key="cap.base_url_local")
        middle.text_input("Model", value="the Playground's local model", disabled=True, key="cap.model_local")
    else:
        left.text_input("Server base URL", key="cap.base_url", **state.KEEP, max_chars=500,
                        placeholder="http://127.0.0.1:8080/v1", help="Any OpenAI-compatible server: vLLM, llama.cpp's "
                        "llama-server, Ollama, TGI, SGLang. The Playground's rules apply: where this server may send requests, "
                        "and whose key goes where.")
        middle.text_input("Model", key="cap.model", **state.KEEP, max_chars=200, placeholder="empty: the first the server lists")
    options = [THIS_MACHINE, *(g.id for g in gpus())]
    st.session_state.setdefault("cap.gpu", costs.gpu_id)
    with right_col:
        gpu_col, count_col = st.columns([3, 1.3])
        if local:  # the app's model runs here, whatever the cost model prices
            gpu_col.selectbox("Hardware it runs on", [THIS_MACHINE], format_func=lambda g: "this machine", disabled=True,
                              key="cap.gpu_local")
        else:
            gpu_col.selectbox("Hardware it runs on", options, key="cap.gpu", **state.KEEP,
                              format_func=lambda g: "this machine" if g == THIS_MACHINE else get_gpu(g).name)
        count_col.selectbox("GPUs", GPU_COUNTS, key="cap.gpus", **state.KEEP,
                            disabled=local or st.session_state.get("cap.gpu") == THIS_MACHINE)
    st.session_state.setdefault("cap.input_tokens", scenario.input_tokens_per_request or 1)
    st.session_state.setdefault("cap.output_tokens", scenario.output_tokens_per_request or 1)
    st.session_state.setdefault("cap.ttft_ms", float(scenario.first_token_target_ms))
    st.session_state.setdefault("cap.tpot_ms", None if costs.tpot_target_ms is None else float(costs.tpot_target_ms))
    cols = st.columns(6)
    cols[0].number_input("Prompt tokens", 1, 32_768, key="cap.input_tokens", **state.KEEP, help="Prefilled from the scenario.")
    cols[1].number_input("Output tokens", 1, 8_192, key="cap.output_tokens", **state.KEEP, help="Prefilled from the scenario.")
    cols[2].number_input("TTFT target (ms)", 1.0, 600_000.0, key="cap.ttft_ms", **state.KEEP, step=100.0, format="%.0f",
                         placeholder="no target", help="Prefilled from the scenario's first-token target.")
    cols[3].number_input("TPOT target (ms)", 1.0, 60_000.0, key="cap.tpot_ms", **state.KEEP, step=5.0, format="%.1f",
                         placeholder="no target", help="Prefilled from the Costs page's time-per-token target, if set.")
    if local:
        cols[4].number_input("Concurrency", 1, 1, value=1, disabled=True, key="cap.max_concurrency_local",
                             help="This app's model serves everyone, one request at a time.")
        cols[5].number_input("Requests per step", 1, LOCAL_MAX_REQUESTS, value=8, key="cap.requests_local", **state.KEEP,
                             help=f"At most {LOCAL_MAX_REQUESTS}: each one holds the shared model while it answers.")
    else:
        cols[4].number_input("Maximum concurrency", 1, MAX_CONCURRENCY, value=8, key="cap.max_concurrency", **state.KEEP)
        cols[5].number_input("Requests per step", 1, MAX_REQUESTS_PER_STEP, value=16, key="cap.requests", **state.KEEP)
    share_col, rate_col = st.columns([3, 2])
    share_col.slider("Goodput a step needs (share of requests meeting every target)", 0.5, 1.0, 0.95, 0.01, key="cap.share",
                     **state.KEEP)
    if not local:
        rate_col.number_input("Open-loop step (requests/s)", 0.01, MAX_REQUEST_RATE, value=None, step=0.5, format="%.2f",
                              key="cap.request_rate", **state.KEEP, placeholder="none",
                              help="After the concurrency steps, send the step's requests at this average rate with Poisson "
                                   "arrivals (vLLM's --request-rate), at most the maximum concurrency in flight. Empty: none.")
    _prompt_choice()


def _start() -> None:
    local = st.session_state.get("cap.target") == LOCAL
    url = str(st.session_state.get("cap.base_url") or "").strip()
    if not url and not local:
        st.session_state["cap.error"] = "Give the server's base URL first, e.g. http://127.0.0.1:8080/v1."
        return
    st.session_state.pop("cap.error", None)
    own = _routing_prompts() if st.session_state.get("cap.prompts") == ROUTING else None
    texts, source = (own.prompts, f"the Hybrid routing page's prompts ({own.source})") if own else \
        (load_sample_prompts().prompts, "the bundled sample prompts")
    targets = SweepTargets(ttft_ms=st.session_state.get("cap.ttft_ms"), tpot_ms=st.session_state.get("cap.tpot_ms"),
                           goodput_share=float(st.session_state.get("cap.share", 0.95)))
    shape = int(st.session_state["cap.input_tokens"]), int(st.session_state["cap.output_tokens"])
    if local:
        plan = SweepPlan("", "", *shape, 1, int(st.session_state.get("cap.requests_local", 8)))
        # The Playground's own local settings (model file, context, threads), built by the same rules and queued alike.
        configs = [state.playground_side(side).config for side in ("left", "right")]
        config = next((c for c in configs if c.kind == "local"), BackendConfig())
        st.session_state[JOB_KEY] = SweepRun(plan, targets, "this machine", None, texts, outbound(), tab_closed_check(),
                                             local=backend(config), prompts=source)
        return
    gpu_id, count = st.session_state.get("cap.gpu", THIS_MACHINE), int(st.session_state.get("cap.gpus", 1))
    rate = st.session_state.get("cap.request_rate")
    plan = SweepPlan(url, str(st.session_state.get("cap.model") or "").strip(), *shape,
                     int(st.session_state["cap.max_concurrency"]), int(st.session_state["cap.requests"]),
                     request_rate=None if rate is None else float(rate))
    st.session_state[JOB_KEY] = SweepRun(plan, targets, _hardware_label(gpu_id, count), key_for("openai", url).value, texts,
                                         outbound(), tab_closed_check(), prompts=source,
                                         gpu=None if gpu_id == THIS_MACHINE else (gpu_id, count))


@st.fragment(run_every=1.0)
def _progress() -> None:
    run: SweepRun | None = st.session_state.get(JOB_KEY)
    if run is None:
        return
    if run.running:
        per_step = run.plan.requests_per_step
        text = (f"Step {run.step} of up to {run.steps}: {run.done} of {per_step} requests" if run.step
                else "Checking the model and shaping the prompts…" if run.local else "Checking the server and shaping the prompts…")
        if run.job.stop.is_set():
            text = "Stopping… the finished steps are kept"
        st.progress(min(1.0, ((max(run.step, 1) - 1) + run.done / per_step) / run.steps), text=text)
        st.button("Stop (keep finished steps)", key="cap.action.stop", on_click=run.stop, icon=":material/stop:")
    elif not run.shown:
        run.shown = True
        if (result := run.result()) is not None:
            st.session_state[RESULT_KEY] = result
        st.rerun()  # the whole page, to draw the results


def _estimate(result: SweepResult) -> tuple[CapacityEstimate | None, str]:
    """The capacity model's estimate for the served model on the hardware it was measured on, or why there is none."""
    gpu_id, count = result.gpu_id, result.gpus
    model_id = catalog_model_for(result.model)
    if gpu_id is None:
        return None, "No estimate: the capacity model knows the catalog's GPUs, not this machine."
    if model_id is None:
        return None, f"No estimate: {result.model_name} is not a model of the catalog."
    try:
        estimate = estimate_capacity(model_id, gpu_id, "fp16", "fp16", count,
                                     result.input_tokens, result.output_tokens,
                                     ttft_target_ms=result.targets.ttft_ms, tpot_target_ms=result.targets.tpot_ms)
    except CostInputError as exc:
        return None, f"No estimate: {exc.args[0]}"
    return estimate, f"{get_open_model(model_id).name} (fp16) on {result.hardware}"


def _use_in_costs(result: SweepResult, treated_as: str | None) -> None:
    cap = result.capacity
    if cap is None:
        return
    label = f"{result.provenance()} (capacity sweep: concurrency {cap.concurrency} at the targets)"
    if treated_as:
        label += f"; TREATED AS {treated_as} (chosen on the Capacity page, not measured there)"
    state.update_cost_assumption("throughput_tokens_per_s", round(cap.output_tokens_per_s, 2), from_widget=False)
    st.session_state[state.THROUGHPUT_LABEL_KEY] = label


def _cost_offer(result: SweepResult) -> None:
    """Offer the measured capacity to the cost model; where it was measured on something else, only when told to treat it so."""
    cap = result.capacity
    if cap is None:
        return
    assumptions = state.cost_assumptions()
    label = st.session_state.get(state.THROUGHPUT_LABEL_KEY) or ""
    if label.startswith(result.provenance()) and assumptions.throughput_tokens_per_s == round(cap.output_tokens_per_s, 2):
        # Say so, rather than offer the same button again: the user sees the click took.
        st.success(f"The cost model uses this measured capacity ({cap.output_tokens_per_s:,.1f} tokens/s): see the Costs page.",
                   icon=":material/check_circle:")
        return
    try:
        per_replica = cost_report(state.scenario(), assumptions).assumptions.gpus_per_replica
    except Exception:  # noqa: BLE001 - the Costs page says what is wrong with its inputs
        per_replica = None
    gpu_id, count = result.gpu_id, result.gpus
    problems = []
    if not names_model(result.model, assumptions.open_model_id):
        problems.append(f"it was measured on {result.model_name}, and the cost model prices {get_open_model(assumptions.open_model_id).name}")
    if gpu_id != assumptions.gpu_id:
        problems.append(f"it was measured on {result.hardware}, and the cost model prices {get_gpu(assumptions.gpu_id).name}")
    elif per_replica is not None and count != per_replica:
        problems.append(f"it was measured on {counted(count, 'GPU')}, and the cost model's replica has {per_replica}")
    figure = f"{cap.output_tokens_per_s:,.1f} tokens/s"
    if not problems:
        st.button(f"Use this measured capacity in the cost model ({figure})", key="cap.action.use", type="primary",
                  on_click=_use_in_costs, args=(result, None), help=f"The Costs page then uses it, labelled {result.provenance()}.")
        return
    target = f"{get_open_model(assumptions.open_model_id).name} on {get_gpu(assumptions.gpu_id).name}"
    st.caption(f"{figure} is not used in the cost model as it stands: {plain('; '.join(problems))}.")
    treat = st.checkbox(f"Treat {figure} as the capacity of {target} anyway", key="cap.treat_as")
    st.button("Use this measured capacity in the cost model", key="cap.action.use", disabled=not treat,
              on_click=_use_in_costs, args=(result, target))


def _results(result: SweepResult) -> None:
    st.subheader("Result")
    cap, knee = result.capacity, result.knee
    st.caption(plain(f"{result.model_name} at {result.server}, {result.measured_at}, on {result.hardware}. "
                     f"{result.input_tokens:,} prompt and {result.output_tokens:,} output tokens a request, from "
                     f"{result.prompts}; targets: {result.targets.describe()}, for {result.targets.goodput_share:.0%} of requests."))
    if result.stopped_because:
        st.info(f"The sweep stopped: {plain(result.stopped_because)}.", icon=":material/info:")
    estimate, basis = _estimate(result)
    columns = st.columns(4)
    if cap is None:
        st.warning(f"No step met the targets for {result.targets.goodput_share:.0%} of its requests: relax a target or the share, "
                   "or give the server fewer requests at once.")
    else:
        per_month = requests_per_replica_month(cap.output_tokens_per_s, result.output_tokens, state.cost_assumptions())
        columns[0].metric("Throughput at the targets", f"{cap.output_tokens_per_s:,.1f} tokens/s", f"concurrency {cap.concurrency}",
                          delta_color="off", delta_arrow="off")
        # Seven digits do not fit a quarter of the page at 1024 px: 1.11M, the exact figure on hover.
        columns[1].metric("Requests a month, one replica", compact(per_month) if per_month >= 1e6 else f"{per_month:,.0f}",
                          "at the Costs page's utilisation, hours, peak", delta_color="off", delta_arrow="off",
                          help=f"{per_month:,.0f} requests a month")
    if knee is not None:
        columns[2].metric("Knee (concurrency)", f"{knee.concurrency}", f"{knee.output_tokens_per_s:,.1f} tokens/s", delta_color="off", delta_arrow="off")
    if estimate is not None:
        ratio = f"measured ÷ estimate {cap.output_tokens_per_s / estimate.output_tokens_per_s:.2f}" if cap else ""
        columns[3].metric("Capacity model's estimate", f"{estimate.output_tokens_per_s:,.0f} tokens/s", ratio, delta_color="off",
                          delta_arrow="off",
                          help=f"{basis}, concurrency {estimate.concurrency}: {estimate.sentence()}")
    else:
        columns[3].caption(plain(basis))
    _cost_offer(result)
    left, right = st.columns(2)
    with left:
        show_chart(sweep_throughput_figure(result.steps, cap, estimate.output_tokens_per_s if estimate else None), key="cap.chart.throughput")
    with right:
        show_chart(sweep_latency_figure(result.steps, cap, result.targets.tpot_ms, result.open_loop), key="cap.chart.latency")
    st.dataframe(pd.DataFrame(result.table()), hide_index=True, key="cap.table")
    for note in result.notes:
        st.caption(plain(note))


def capacity_page() -> None:
    """Settings, the running sweep's progress, and the last result with its cost offer."""
    st.title("Capacity sweep")
    st.caption(scenario_summary(state.scenario(), state.loaded_preset_name()))
    st.markdown("How much does **one server** really serve? Point this at your own OpenAI-compatible server, and it loads it "
                "in concurrency steps, finds the throughput at your latency targets, and can hand that figure to the cost model.")
    st.caption(plain(outbound().describe()) + " This app's own model can be swept too, at concurrency 1 only: it serves the "
               "whole workshop one request at a time. To see batching, serve a model with llama.cpp's `llama-server --parallel N` "
               "(or vLLM, Ollama, TGI, SGLang) and sweep that.")
    _settings()
    run: SweepRun | None = st.session_state.get(JOB_KEY)
    busy = run is not None and run.running
    st.button("Run the sweep", key="cap.action.start", type="primary", on_click=_start, disabled=busy, icon=":material/speed:")
    if error := st.session_state.get("cap.error"):
        st.error(plain(error))
    _progress()
    if run is not None and run.error and not run.running:
        st.error(plain(run.error))
    if (result := st.session_state.get(RESULT_KEY)) is not None:
        _results(result)
    with st.expander("What the figures mean"):
        st.markdown(DEFINITIONS)


capacity_page()
