"""Hybrid routing simulator: a team's prompts through a policy; cost, latency, and what leaves the building."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import pandas as pd
import streamlit as st

from app import state
from app.components.charts import show_chart
from app.components.load_profile import base_burst_share
from app.components.safety import backend
from app.components.widgets import scenario_summary
from calculators import CostInputError, UnknownCloudModel, cost_report, request_cost
from calculators.tokens import token_counter
from charts.routing import frontier_figure, leaked_figure
from inference import BackendConfig, measure
from inference.types import GenerationRequest
from routing.policy import (
    POLICIES,
    BaseBurst,
    DevProd,
    Fallback,
    Policy,
    PolicyError,
    PrivacySplit,
    Tiered,
    dump_policy,
    parse_policy_file,
)
from routing.prompt_files import (
    PromptSet,
    load_sample_prompts,
    parse_pasted,
    parse_prompt_file,
)
from routing.sensitive import CANNOT_FIND
from routing.simulate import (
    SCAN_SECONDS,
    LatencyAssumptions,
    analyse_prompts,
    simulate,
    threshold_sweep,
)
from scenario import InputError
from scenario.text import counted, plain

PROMPTS_KEY = state.ROUTING_PROMPTS_KEY
ERROR_KEY = "rt.input_error"
FACTS_KEY = "rt.facts_key"  # what this session's prompts were analysed with
ANALYSED_KEPT = 8  # prompt sets analysed and kept for every session
MEMO_KEY = "rt.memo"


def _memo(name: str, inputs: tuple, compute):  # noqa: ANN001, ANN202 - any zero-argument computation
    """The last result of ``compute`` for these inputs, kept in the session: with 5,000 prompts the
    threshold sweep takes seconds, and any widget on the page reruns it otherwise."""
    memo = st.session_state.setdefault(MEMO_KEY, {})
    key = (name, hashlib.sha256(repr(inputs).encode()).hexdigest())
    if key not in memo:
        for old in [k for k in memo if k[0] == name]:
            del memo[old]
        memo[key] = compute()
    return memo[key]


def _prompt_set() -> PromptSet:
    if PROMPTS_KEY not in st.session_state:
        st.session_state[PROMPTS_KEY] = load_sample_prompts()
    return st.session_state[PROMPTS_KEY]


def _take(loader) -> None:  # noqa: ANN001 - a zero-argument callable returning a PromptSet
    """Replace the prompts only when the new ones are good; otherwise say why and keep the old."""
    try:
        st.session_state[PROMPTS_KEY] = loader()
        st.session_state.pop(ERROR_KEY, None)
    except InputError as exc:
        st.session_state[ERROR_KEY] = str(exc)


def _on_upload() -> None:
    upload = st.session_state.get("rt.action.upload")
    if upload is not None:
        _take(lambda: parse_prompt_file(upload.name, upload.getvalue()))


def _inputs() -> None:
    sample, upload, paste = st.tabs(["Sample set", "Upload a file", "Paste prompts"])
    with sample:
        st.write("200 realistic prompts written for this project (support, HR, health, finance, code, chit-chat), "
                 "some with synthetic personal data, each labelled sensitive or not.")
        st.button("Use the sample set", key="rt.action.sample", on_click=_take, args=(load_sample_prompts,))
    with upload:
        st.file_uploader("CSV with a 'prompt' column, JSONL with {\"prompt\": ...} lines, or .txt (one a line); "
                         "an optional 'sensitive' column (true/false) measures the detector. Up to 10 MB.",
                         type=["csv", "jsonl", "ndjson", "txt"], key="rt.action.upload", on_change=_on_upload)
    with paste:
        st.text_area("One prompt a line", key="rt.paste", **state.KEEP, height=140)
        st.button("Use these prompts", key="rt.action.paste",
                  on_click=lambda: _take(lambda: parse_pasted(st.session_state.get("rt.paste", ""))))
    if error := st.session_state.get(ERROR_KEY):
        st.error(f"{plain(error)} The prompts already loaded are kept.")
    prompts = _prompt_set()
    st.caption(f"Routing **{len(prompts.prompts):,} prompts** from {plain(prompts.source)}"
               + (f" ({prompts.labelled:,} labelled)" if prompts.labelled else " (unlabelled)") + ".")


def _detector_settings() -> tuple[float, tuple[str, ...]]:
    with st.expander("Sensitive-data detector", expanded=False):
        st.session_state.setdefault("rt.threshold", 0.4)
        threshold = st.slider("Score threshold", min_value=0.05, max_value=1.0, step=0.05, key="rt.threshold", **state.KEEP,
                              help="Presidio's confidence: phone numbers score 0.4, SSNs 0.5, valid card numbers 1.0.")
        raw = st.text_area("Your keywords (one a line): project names, 'confidential', client names…", key="rt.keywords", **state.KEEP, height=90)
        st.warning(CANNOT_FIND, icon=":material/visibility_off:")
    return float(threshold), tuple(k.strip() for k in raw.replace(",", "\n").splitlines() if k.strip())


def _policy_editor() -> Policy:
    st.session_state.setdefault("rt.policy", "privacy-split-then-tiered")
    name = st.selectbox("Start from", options=list(POLICIES), key="rt.policy", **state.KEEP)
    base = POLICIES[name]
    st.caption(base.rationale)
    rules = []
    for index, rule in enumerate(base.rules):
        key = f"rt.rule.{name}.{index}"
        if isinstance(rule, PrivacySplit):
            if st.toggle("Privacy split: sensitive prompts stay local", value=True, key=key, **state.KEEP):
                rules.append(rule)
        elif isinstance(rule, Tiered):
            threshold = st.slider("Tiered routing: complexity threshold (below it: local)", 0.0, 1.0, rule.threshold, 0.05, key=key, **state.KEEP)
            rules.append(rule.model_copy(update={"threshold": threshold}))
        elif isinstance(rule, Fallback):
            rate = st.slider(f"Fallback: share of {rule.primary} calls that fail over", 0.0, 0.5, rule.failure_rate, 0.01, key=key, **state.KEEP)
            rules.append(rule.model_copy(update={"failure_rate": rate}))
        elif isinstance(rule, BaseBurst):
            rules.append(rule.model_copy(update={"burst_share": base_burst_share(rule.burst_share, key)}))
        elif isinstance(rule, DevProd):
            environment = st.radio("Dev/prod split: this traffic is", ["dev", "prod"], index=0 if rule.environment == "dev" else 1,
                                   horizontal=True, key=key, **state.KEEP)
            rules.append(rule.model_copy(update={"environment": environment}))
    policy = base.model_copy(update={"rules": rules})
    # A wrapping row, each button as wide as its label (in two columns at 1024 px both read "Export polic…").
    exports = st.container(horizontal=True, gap="small", key="rt-policy-exports")
    exports.download_button("Export policy (JSON)", dump_policy(policy, "json"), f"{policy.name}.json", "application/json", key="rt.action.export_json")
    exports.download_button("Export policy (YAML)", dump_policy(policy, "yaml"), f"{policy.name}.yaml", "application/yaml", key="rt.action.export_yaml")
    uploaded = st.file_uploader("Or load a policy file (JSON or YAML)", type=["json", "yaml", "yml"], key="rt.action.policy_upload")
    if uploaded is not None:
        try:
            policy = _uploaded_policy(uploaded.name, uploaded.getvalue())
            st.success(f"Using {plain(uploaded.name)}: {', '.join(r.kind for r in policy.rules) or 'no rules'}, default {policy.default_route}.")
        except PolicyError as exc:
            st.error(f"{plain(uploaded.name)} cannot be used: {plain(exc)}. The policy above stays in force.")
    return policy


@st.cache_data(max_entries=32, show_spinner=False)
def _uploaded_policy(name: str, content: bytes) -> Policy:
    # Read once per file, not on every rerun while it stays uploaded (a large one took 24 s a rerun).
    return parse_policy_file(name, content)


def _latency_settings() -> LatencyAssumptions:
    with st.expander("Latency per route (ms)"):
        defaults = LatencyAssumptions()
        columns = st.columns(4)
        values = {}
        for column, field in zip(columns, LatencyAssumptions.model_fields, strict=True):
            values[field] = column.number_input(field.replace("_ms", "").replace("_", " "), min_value=1.0, max_value=600_000.0,
                                                value=float(getattr(defaults, field)), step=50.0, key=f"rt.latency.{field}", **state.KEEP)
        st.caption("Defaults from the articles: cloud APIs answer in 0.5-2 s, a local model in 50-200 ms. "
                   "A fallback first waits the primary's p95, then takes the other route.")
    return LatencyAssumptions(**values)


@st.cache_resource(show_spinner=False)
def _analysed() -> tuple[threading.Lock, OrderedDict]:
    # One store for the whole server: in a workshop every participant opens the same sample set
    # with the same settings, and its analysis took about 4 s of the shared CPU each time.
    return threading.Lock(), OrderedDict()


def _facts(prompts: PromptSet, threshold: float, keywords: tuple[str, ...], model_ref: str):  # noqa: ANN202
    digest = hashlib.sha256("\x1f".join(prompts.prompts).encode()).hexdigest()
    key = (digest, tuple(prompts.labels), threshold, keywords, model_ref)
    st.session_state[FACTS_KEY] = key
    lock, store = _analysed()
    with lock:
        kept = store.get(key)
        if kept is not None:
            store.move_to_end(key)
    if kept is None:
        bar = st.progress(0.0, text="Looking for sensitive data…")
        try:
            kept = analyse_prompts(prompts, threshold, keywords, model_ref=model_ref, deadline_s=SCAN_SECONDS.value,
                                   progress=lambda done, total: bar.progress(done / total, text=f"Analysed {done:,} of {total:,} prompts"))
        except InputError as exc:
            # Kept like an answer: without it every rerun of the page scanned the same prompts for
            # the whole time limit again, only to refuse them again.
            kept = exc
        finally:
            bar.empty()
        with lock:
            store[key] = kept  # read only from here on: every session shares it
            while len(store) > ANALYSED_KEPT:
                store.popitem(last=False)  # an uploaded set can be thousands of prompts
    if isinstance(kept, InputError):
        raise kept
    return kept


def _facts_key() -> tuple:
    """What the analysed prompts in this session were computed from."""
    return st.session_state.get(FACTS_KEY, ())


def _results(simulation, facts, policy: Policy) -> None:  # noqa: ANN001
    cloud_only = simulation.cloud_only_monthly_usd
    labelled_out = simulation.labelled_sensitive_to_cloud
    if labelled_out is not None:
        # The labels, not the detector, are the truth: what the detector missed is counted here, first.
        st.metric("Labelled sensitive that went to the cloud", f"{labelled_out:,}",
                  help="Prompts your file labels sensitive that this policy sends to the cloud, whether or not the detector found anything.")
    columns = st.columns(4)
    columns[0].metric("Kept local", f"{simulation.local_share:.0%}", help="Share of prompts the policy runs on the local model.")
    columns[1].metric("Detected to cloud", f"{simulation.sensitive_to_cloud:,}",
                      help=f"Prompts the detector flagged that went to the cloud: about {simulation.leaked_per_month:,.0f} "
                           "sensitive items a month at the scenario's volume.")
    columns[2].metric("Blended a month", f"${simulation.monthly_usd:,.0f}",
                      delta=f"{simulation.monthly_usd - cloud_only:+,.0f} vs cloud only", delta_color="inverse")
    quality = simulation.detector
    if quality.labelled and quality.recall is not None:
        precision = "n/a" if quality.precision is None else f"{quality.precision:.0%}"
        columns[3].metric("Detector recall", f"{quality.recall:.0%}", help=f"precision {precision} on {quality.labelled} labelled prompts")
        st.caption(f"On the {quality.labelled} labelled prompts the detector found {quality.true_positives} of "
                   f"{quality.true_positives + quality.false_negatives} sensitive ones (recall {quality.recall:.0%}) and flagged "
                   f"{quality.false_positives} that were not (precision {precision}). "
                   + (f"The {quality.false_negatives} it missed would follow the other rules: that is the residual risk."
                      if quality.false_negatives else "It missed none of the labelled ones."))
    else:
        columns[3].metric("Detector recall", "n/a", help="Add a 'sensitive' column to measure it.")
    if labelled_out:
        st.error(f"{counted(labelled_out, 'prompt')} labelled sensitive go{'es' if labelled_out == 1 else ''} to the cloud "
                 "under this policy: see the rows marked in the table below (the detector missed them or the policy sends them anyway).",
                 icon=":material/gpp_bad:")
    if simulation.leaked_by_type:
        st.markdown("**Data that would leave the building**")
        show_chart(leaked_figure(simulation.leaked_by_type), key="rt.leaked")
    elif labelled_out is None:
        st.info("No detected sensitive item goes to the cloud under this policy. The prompts carry no labels, so what the "
                "detector cannot find (names, free-text health details) is not counted: label them to measure it.")
    elif labelled_out == 0:
        st.success("No detected sensitive item, and no prompt labelled sensitive, goes to the cloud under this policy.")
    latency = pd.DataFrame([{"route": k, "p50 (ms)": v["p50"], "p95 (ms)": v["p95"]} for k, v in simulation.latency_ms.items()])
    left, right = st.columns([1, 2])
    with left:
        st.markdown("**Latency estimate**")
        st.dataframe(latency, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.0f") for c in ("p50 (ms)", "p95 (ms)")})
        _cost_agreement(simulation)
    with right:
        tiered = policy.rule_of("tiered")
        st.markdown("**Complexity threshold sweep**" + ("" if tiered else " (adding tiered routing to this policy)"))
        sweep = _memo("sweep", (_facts_key(), policy.model_dump_json(), state.scenario().model_dump_json(),
                                state.cost_assumptions().model_dump_json()),
                      lambda: threshold_sweep(facts, policy, state.scenario(), state.cost_assumptions()))
        show_chart(frontier_figure(sweep, tiered.threshold if tiered else None), key="rt.frontier")
        st.caption("Each point is a threshold: cost against the share sent to the cloud; red points send sensitive items out.")
    st.markdown("**Every prompt**")
    st.dataframe(pd.DataFrame(simulation.table), hide_index=True, width="stretch", height=380,
                 column_config={"prompt": st.column_config.TextColumn(width="large"),
                                "cost (USD)": st.column_config.NumberColumn(format="$%.5f"),
                                "complexity": st.column_config.ProgressColumn(min_value=0, max_value=1, format="%.2f")})


def _cost_agreement(simulation) -> None:  # noqa: ANN001 - a Simulation
    """Say which token counts the costs use, and where they differ from the Costs page's, by how much and why."""
    scenario, assumptions = state.scenario(), state.cost_assumptions()
    counter = token_counter(assumptions.cloud_models[0])
    average = round(simulation.average_input_tokens)
    st.caption(f"Costs at {scenario.requests_per_month:,} requests a month from the cost model, with these prompts' average of "
               f"**{average:,} input tokens**, counted by {counter.label}: all cloud ${simulation.cloud_only_monthly_usd:,.0f} a month.")
    if average != scenario.input_tokens_per_request:
        page = cost_report(scenario, assumptions).cloud[0].monthly_usd
        st.caption(f"The Costs page uses the scenario's {scenario.input_tokens_per_request:,} input tokens: all cloud ${page:,.0f} a month. "
                   "Same cost model, different token counts.")
        st.button(f"Use {average:,} input tokens in the scenario", key="rt.action.use_tokens",
                  on_click=state.update_scenario, args=("input_tokens_per_request", average),
                  help="Sets the scenario's input tokens per request to these prompts' average; every page then uses it.")


def _run_for_real(simulation, facts) -> None:  # noqa: ANN001
    with st.expander("Run for real: send a few prompts along their routes"):
        right = state.playground_side("right")
        cloud = right.config
        if cloud.kind == "local":
            st.info("The Playground's right side is the local model: choose a cloud there to send the cloud prompts to it. "
                    "Until then they run on the local model too.", icon=":material/info:")
        st.caption(f"Local prompts run on the bundled model; cloud prompts on the Playground's right side ({plain(right.label)}).")
        options = list(range(min(len(facts), 200)))
        chosen = st.multiselect("Prompts (up to 5)", options=options, max_selections=5, key="rt.real", **state.KEEP,
                                format_func=lambda i: f"#{i + 1} [{simulation.decisions[i].route}] {facts[i].prompt[:70]}")
        if st.button("Run them", key="rt.action.run_real", disabled=not chosen):
            for index in chosen:
                decision = simulation.decisions[index]
                config = BackendConfig(kind="local") if decision.route == "local" else cloud
                with st.spinner(f"#{index + 1} on {decision.route}…"):
                    result = measure(backend(config), GenerationRequest(prompt=facts[index].prompt, max_tokens=96))
                cost, _ = request_cost(result, config, state.scenario(), state.cost_assumptions())
                st.markdown(f"**#{index + 1} → {decision.route}** ({plain(decision.reason)}) — {plain(result.backend)}")
                if result.ok:
                    st.markdown(plain(result.text, multiline=True) or "_(empty answer)_")
                    st.caption(f"first token {result.ttft_ms or 0:,.0f} ms · end to end {result.e2e_ms or 0:,.0f} ms · "
                               + ("cost n/a" if cost is None else f"cost ${cost:.6f}"))
                else:
                    st.error(plain(result.error))


def routing_page() -> None:
    """Pick prompts, a detector setting and a policy; see routes, cost, latency and leaks."""
    st.title("Hybrid routing")
    st.caption(scenario_summary(state.scenario(), state.loaded_preset_name()))
    _inputs()
    threshold, keywords = _detector_settings()
    left, right = st.columns([1, 1])
    with left, st.container(border=True):
        st.markdown("**Policy**")
        policy = _policy_editor()
    with right:
        latency = _latency_settings()
    try:
        facts = _facts(_prompt_set(), threshold, keywords, state.cost_assumptions().cloud_models[0])
    except InputError as exc:
        st.error(plain("; ".join(exc.problems)), icon=":material/timer_off:")
        return
    try:
        simulation = _memo("simulation", (_facts_key(), policy.model_dump_json(), state.scenario().model_dump_json(),
                                          state.cost_assumptions().model_dump_json(), latency.model_dump_json()),
                           lambda: simulate(facts, policy, state.scenario(), state.cost_assumptions(), latency))
        _results(simulation, facts, policy)
    except (CostInputError, UnknownCloudModel) as exc:
        # The cost assumptions come from another page (or a link): say where to fix them.
        st.error(f"The routes cannot be priced: {plain(exc)}. Change the cloud models on the Costs page, or reset its assumptions.",
                 icon=":material/payments:")
        st.page_link("views/costs.py", label="Open the Costs page", icon=":material/payments:")
        return
    _run_for_real(simulation, facts)


routing_page()
