"""One prompt on two backends side by side, streamed live and measured; blind vote optional."""

from __future__ import annotations

import json
import os
import platform
import random
from datetime import UTC, datetime

import streamlit as st

from advisor.providers import privacy_verdict
from app import state
from app.components.charts import show_chart
from app.components.local_model import local_model_choice
from app.components.run_views import (
    distribution_chart,
    repeat_summary,
    run_figures,
    tally_frame,
)
from app.components.safety import key_for, outbound
from app.components.tab_watch import tab_closed_check
from app.components.text import spreadsheet_frame
from calculators import CostAssumptions, get_gpu, get_open_model, request_cost
from calculators.measured import MeasuredSpeed, mismatches
from calculators.report import prepare
from calculators.tokens import count_tokens, token_counter
from inference import (
    BUNDLED_MODEL,
    BackendConfig,
    GenerationRequest,
    ResolvedKey,
    RunResult,
    bundled_model_note,
    default_threads,
)
from inference.playground_run import (
    PlaygroundRecord,
    PlaygroundRun,
    start_playground_run,
)
from inference.shared_server import local_model_note, shared_local_server_set
from scenario.text import counted, plain

SIDES = state.PLAYGROUND_SIDES
KIND_LABELS = {
    "local": "Local model (GGUF, in this app)",
    "openai": "OpenAI, or an OpenAI-compatible server",
    "anthropic": "Anthropic",
}
LAST_KEY = "pg.last"
TALLY_KEY = "pg.tally"
JOB_KEY = "pg.job"
RUNS_KEY = "pg.runs_started"
LIVE_REFRESH_S = 0.5
QUEUED_REFRESH_S = 1.5
VOTES = {"A": "A is better", "B": "B is better", "tie": "Tie", "both_bad": "Both bad"}


def _kind_label(kind: str) -> str:
    return local_model_choice(KIND_LABELS[kind]) if kind == "local" else KIND_LABELS[kind]


def _local_settings(side: str) -> None:
    """The local side: which model answers, what it is, and its llama.cpp settings."""
    if note := local_model_note():
        st.caption(note)
        return
    threads_key = state.playground_key(side, "threads")
    st.session_state.setdefault(threads_key, default_threads())
    path = st.text_input("GGUF file", key=state.playground_key(side, "gguf"), placeholder=f"empty: the bundled {BUNDLED_MODEL} (Q4_1)",
                         **state.KEEP)
    if not path.strip():
        st.info(bundled_model_note(), icon=":material/science:")
    left, right = st.columns(2)
    cores = max(1, os.cpu_count() or 1)
    if st.session_state[threads_key] > cores:
        st.session_state[threads_key] = cores
    # More threads than cores only slows every participant down (128 made the shared model 50x slower).
    left.number_input("Threads", min_value=1, max_value=cores, step=1, key=threads_key, help=f"Up to this machine's {cores} cores.",
                      **state.KEEP)
    st.session_state.setdefault(state.playground_key(side, "ctx"), 2048)
    right.number_input("Context size", min_value=256, max_value=131_072, step=256, key=state.playground_key(side, "ctx"), **state.KEEP)


def _cloud_settings(side: str, kind: str) -> None:
    """A cloud side: model, server, where its key comes from, and whether the scenario's rules allow it.

    Both sides of one provider share its typed key: the field is drawn once, on the left side.
    """
    model_key = state.playground_key(side, f"model.{kind}")
    st.session_state.setdefault(model_key, state.PLAYGROUND_DEFAULT_MODEL[kind])
    model = st.text_input("Model", key=model_key, **state.KEEP)
    base_url = ""
    if kind == "openai":
        base_url = st.text_input("Base URL", key=state.playground_key(side, "base_url"), **state.KEEP,
                                 placeholder="empty: OpenAI; or e.g. http://127.0.0.1:8000/v1 for vLLM, llama.cpp, Ollama")
        if base_url.strip():
            st.caption(outbound().describe())
    else:
        st.caption("Anthropic's current API chooses its own sampling: the temperature setting does not apply.")
    resolved = key_for(kind, base_url.strip())
    if resolved.owner == "operator":
        st.caption(f"Using the API key from {resolved.source}.")
    elif side == "right" and st.session_state.get(state.playground_key("left", "kind")) == kind:
        st.caption("Both sides use the same API key: its field is on the left side.")
    else:
        st.text_input(
            f"{'OpenAI' if kind == 'openai' else 'Anthropic'} API key", type="password", key=state.api_key_widget(kind), **state.KEEP,
            help="Kept in this browser session's memory only: never saved, logged, or put in a link or export. "
                 "A self-hosted OpenAI-compatible server usually needs none. The server's own key never goes to a URL typed here.",
        )
    if not base_url.strip():
        ok, why = privacy_verdict(state.scenario()).model_note(f"{kind}:{model.strip()}")
        if ok is False:
            st.warning(f"Not compatible with the scenario's rules: {why}. Do not send regulated data here.", icon=":material/gpp_bad:")


def _side_settings(side: str) -> tuple[BackendConfig, ResolvedKey]:
    """The widgets for one side; returns its config and the key found for it (never shown)."""
    kind_key = state.playground_key(side, "kind")
    st.session_state.setdefault(kind_key, state.PLAYGROUND_DEFAULT_KIND[side])
    kind = st.selectbox("Backend", options=list(KIND_LABELS), format_func=_kind_label, key=kind_key, **state.KEEP)
    if kind == "local":
        _local_settings(side)
    else:
        _cloud_settings(side, kind)
    config = state.playground_side(side).config
    if config.kind == "local" and not local_model_note():
        config = config.model_copy(update={"n_threads": int(st.session_state[state.playground_key(side, "threads")]),
                                           "n_ctx": int(st.session_state[state.playground_key(side, "ctx")])})
    return config, key_for(config.kind, config.base_url)


def _start(configs: list[BackendConfig], keys: list[ResolvedKey], request: GenerationRequest,
           repeat: int, parallel: bool, blind: bool, fallback: bool) -> None:
    previous: PlaygroundRun | None = st.session_state.get(JOB_KEY)
    if previous is not None and previous.running and previous.job is not None:
        previous.job.stop.set()  # a double click must not leave a run nobody watches holding the model
    order = [0, 1]
    if blind:
        random.shuffle(order)
    number = st.session_state.get(RUNS_KEY, 0) + 1
    st.session_state[RUNS_KEY] = number
    scenario, assumptions = state.scenario(), state.cost_assumptions()
    st.session_state[JOB_KEY] = start_playground_run(
        number, configs, keys, request, repeat=repeat, parallel=parallel, blind=blind, fallback=fallback, order=order,
        cost=lambda result, config: request_cost(result, config, scenario, assumptions), tab_closed=tab_closed_check(),
        outbound=outbound(),
    )
    st.rerun()  # draw the page again with Run disabled and the live answers


def _adopt(run: PlaygroundRun) -> None:
    """A finished run's record becomes the page's last run, once (also after a page switch)."""
    job = run.job
    if job is None or job.running or job.adopted or job.result is None:
        return
    job.adopted = True
    st.session_state[LAST_KEY] = job.result


def _waiting(job: PlaygroundRun) -> bool:
    """Every side still in the queue for the model (nothing to stream yet)."""
    return not any(job.texts) and any(status.startswith("In the queue") for status in job.statuses)


def _draw_live(should_wait: bool) -> None:
    """The answers as they grow, redrawn on their own so the rest of the page stays still."""
    job: PlaygroundRun | None = st.session_state.get(JOB_KEY)
    if job is None:
        return
    if not job.running or _waiting(job) != should_wait:
        if job.job is not None and not job.job.adopted:
            st.rerun()  # the whole page: the results, or the other refresh rate
        return
    if job.repeat > 1:
        st.progress(job.finished_runs / job.repeat, text=f"Run {min(job.finished_runs + 1, job.repeat)} of {job.repeat}")
    columns = st.columns(2)
    for position, side_index in enumerate(job.order):
        with columns[position]:
            st.markdown(f"**{plain(job.labels[side_index])}**")
            if job.errors[side_index]:  # shown at once, while the other side goes on
                st.error(plain(job.errors[side_index]), icon=":material/error:")  # it can quote a typed URL
                continue
            st.caption(job.status(side_index))
            # A model's answer is shown as it wrote it: its Markdown could fetch an image from anywhere.
            st.markdown(plain(job.texts[side_index], multiline=True) or "…")
    st.button("Stop", key="pg.action.stop", icon=":material/stop:", on_click=job.job.stop.set if job.job else None,
              help="Ends the run now; a run waiting in the queue gives up its place.")


# Two refresh rates: a run waiting its turn only needs its place in line now and then, and
# with a workshop in the queue every refresh is a rerun on the shared server.
@st.fragment(run_every=LIVE_REFRESH_S)
def _live_answering() -> None:
    _draw_live(should_wait=False)


@st.fragment(run_every=QUEUED_REFRESH_S)
def _live_waiting() -> None:
    _draw_live(should_wait=True)


def _vote(choice: str) -> None:
    last: PlaygroundRecord = st.session_state[LAST_KEY]
    a_label, b_label = (last.labels[i] for i in last.order)
    winner = {"A": a_label, "B": b_label, "tie": "tie", "both_bad": "neither"}[choice]
    st.session_state.setdefault(TALLY_KEY, []).append({
        "time": datetime.now(UTC).isoformat(timespec="seconds"), "prompt": last.request.prompt,
        "A": a_label, "B": b_label, "vote": VOTES[choice], "winner": winner,
    })
    last.revealed = True


def _measured(result: RunResult) -> MeasuredSpeed:
    """The run's decode speed with what it ran on: this app's CPU, or a shared server whose hardware is not known."""
    in_process = not shared_local_server_set()
    # The threads this run decoded with (a side can set fewer than the default).
    threads = result.threads or default_threads()
    hardware = (f"{platform.node() or 'this machine'}'s CPU ({counted(threads, 'thread')}, {platform.machine()})" if in_process
                else "the shared inference server")
    return MeasuredSpeed(tokens_per_s=round(float(result.decode_tokens_per_s or 0), 1), model=result.model, hardware=hardware,
                         on_cpu=True if in_process else None, server=result.backend, measured_at=f"{datetime.now():%Y-%m-%d %H:%M}")


def _use_throughput(measured: MeasuredSpeed, treated_as: str | None) -> None:
    label = f"measured in the Playground: {measured.provenance()}"
    if treated_as:
        label += f"; TREATED AS {treated_as} (chosen on the Playground, not measured there)"
    state.update_cost_assumption("throughput_tokens_per_s", measured.tokens_per_s, from_widget=False)
    st.session_state[state.THROUGHPUT_LABEL_KEY] = label


def _throughput_offer(index: int, result: RunResult) -> None:
    """Offer the measured speed to the cost model only where it describes what is priced, or when told to treat it so."""
    measured = _measured(result)
    assumptions = cost_report_assumptions()
    problems = mismatches(measured, assumptions)
    figure = f"{measured.tokens_per_s:,.1f} tokens/s"
    if not problems:
        st.button(f"Use {figure} in the cost model", key=f"pg.action.use_throughput.{index}", on_click=_use_throughput, args=(measured, None),
                  help=f"Sets the Costs page's throughput per replica, labelled: {measured.provenance()}. "
                       "It is one sequence: a server batching many requests does more.")
        return
    target = f"{get_open_model(assumptions.open_model_id).name} on {get_gpu(assumptions.gpu_id).name}"
    st.caption(f"{figure} is not used in the cost model as it stands: {'; '.join(problems)}.")
    treat = st.checkbox(f"Treat {figure} as the throughput of {target} anyway", key=f"pg.treat_as.{index}",
                        help="The Costs page then says, next to the figure, that it is a treated-as figure and what it was measured on.")
    st.button(f"Use {figure} as {target}", key=f"pg.action.use_throughput.{index}", disabled=not treat,
              on_click=_use_throughput, args=(measured, target))


def cost_report_assumptions() -> CostAssumptions:
    """The cost assumptions as the Costs page resolves them (catalog model and GPU filled in)."""
    return prepare(state.scenario(), state.cost_assumptions())[0]


def _results() -> None:
    last: PlaygroundRecord | None = st.session_state.get(LAST_KEY)
    if last is None:
        return
    runs, configs = last.runs, last.configs
    st.divider()
    st.caption(f"Run {last.number} of this session, finished at {last.finished_at}"
               + (" (stopped before the end)" if last.stopped else "") + ".")
    if not all(runs):
        st.info("No answers were finished in that run. Press Run to try again.")
        return
    if not last.revealed:
        st.subheader("Which answer is better?")
        columns = st.columns(2)
        for position, side_index in enumerate(last.order):
            with columns[position]:
                st.markdown(f"**Answer {'AB'[position]}**")
                st.markdown(plain(runs[side_index][-1].text, multiline=True) or "_(no answer)_")
        buttons = st.columns(4)
        for column, (choice, label) in zip(buttons, VOTES.items(), strict=True):
            column.button(label, key=f"pg.action.vote.{choice}", on_click=_vote, args=(choice,), width="stretch")
        return
    if last.blind:
        vote = st.session_state.get(TALLY_KEY, [{}])[-1]
        st.success(f"You voted: {vote.get('vote')}. A was **{plain(vote.get('A'))}**, B was **{plain(vote.get('B'))}**.")
    columns = st.columns(2)
    for index, column in enumerate(columns):
        with column:
            result = runs[index][-1]
            st.markdown(f"#### {plain(last.labels[index])}")
            st.markdown(plain(result.text, multiline=True) or "_(no answer)_")
            run_figures(result, side=index)
            if len(runs[index]) > 1:
                repeat_summary(runs[index])
            if configs[index].kind == "local" and result.ok and result.decode_tokens_per_s:
                _throughput_offer(index, result)
    counter = token_counter(state.cost_assumptions().cloud_models[0])
    prompt_tokens = count_tokens(last.request.system + "\n" + last.request.prompt if last.request.system else last.request.prompt,
                                 state.cost_assumptions().cloud_models[0])
    st.caption(f"Token counts above are each backend's own (its usage report or its tokenizer). The prompt is {prompt_tokens:,} tokens "
               f"by {counter.label}: the count Hybrid routing and the Costs page use.")
    if any(len(side) > 1 for side in runs):
        show_chart(distribution_chart([(last.labels[i], runs[i]) for i in range(2)]), key="pg.distribution")


def _tally() -> None:
    votes = st.session_state.get(TALLY_KEY, [])
    if not votes:
        return
    st.subheader(f"Blind votes this session ({len(votes)})")
    frame = tally_frame(votes)
    st.dataframe(frame.groupby("winner").size().rename("votes").reset_index(), hide_index=True)
    left, right = st.columns(2)
    left.download_button("Download votes (CSV)", spreadsheet_frame(frame).to_csv(index=False), "crossover-votes.csv", "text/csv", key="pg.action.tally_csv")
    right.download_button("Download votes (JSON)", json.dumps(votes, indent=2), "crossover-votes.json", "application/json",
                          key="pg.action.tally_json")


def playground_page() -> None:
    """Configure two sides, run one prompt on both, compare what came back."""
    st.title("Playground")
    st.caption("The same prompt on two backends, streamed live and measured on the thread that reads each stream.")
    settings = st.columns(2)
    configs, keys = [], []
    for side, column in zip(SIDES, settings, strict=True):
        with column, st.container(border=True):
            st.markdown(f"**{'Left' if side == 'left' else 'Right'} side**")
            config, key = _side_settings(side)
            configs.append(config)
            keys.append(key)

    st.text_input("System prompt", key="pg.system", **state.KEEP, placeholder="optional, e.g. Answer in one sentence.")
    st.text_area("Prompt", key="pg.prompt", **state.KEEP, height=110, placeholder="Type the prompt both sides answer.")
    options = st.columns(4)
    max_tokens = options[0].number_input("Max tokens", min_value=1, max_value=4096, value=128, step=16, key="pg.max_tokens", **state.KEEP)
    temperature = options[1].slider("Temperature", min_value=0.0, max_value=2.0, value=0.7, step=0.1, key="pg.temperature", **state.KEEP)
    repeat = options[2].number_input("Runs a side", min_value=1, max_value=20, value=1, step=1, key="pg.repeat", **state.KEEP,
                                     help="More than one: medians, p90 and a distribution chart.")
    with options[3]:
        sequential = st.toggle("One after the other", key="pg.sequential", **state.KEEP, help="Cleaner numbers: the sides do not share the CPU.")
        blind = st.toggle("Blind vote", key="pg.blind", **state.KEEP, help="Answers shown as A and B in random order until you vote.")
        fallback = st.toggle("Fallback to local", key="pg.fallback", **state.KEEP, help="When a cloud call fails, answer from the local model and say so.")

    in_process = not shared_local_server_set()
    on_this_machine = [c for c in configs if (c.kind == "local" and in_process) or "127.0.0.1" in c.base_url or "localhost" in c.base_url]
    if len(on_this_machine) == 2 and not sequential:
        st.info(
            f"Both sides run on this machine's {default_threads()} CPU threads at once. llama.cpp slows sharply when "
            "threads outnumber cores, so the figures will be low: switch on **One after the other** for clean numbers.",
            icon=":material/speed:",
        )
    job: PlaygroundRun | None = st.session_state.get(JOB_KEY)
    busy = job is not None and job.running
    if st.button("Run", type="primary", key="pg.action.run", icon=":material/play_arrow:", disabled=busy,
                 help="A run is in progress: wait for it or stop it." if busy else None):
        prompt = st.session_state.get("pg.prompt", "").strip()
        if not prompt:
            st.error("Type a prompt first.")
        else:
            request = GenerationRequest(prompt=prompt, system=st.session_state.get("pg.system", ""),
                                        max_tokens=int(max_tokens), temperature=float(temperature))
            _start(configs, keys, request, int(repeat), not sequential, blind, fallback)
    job = st.session_state.get(JOB_KEY)
    if job is not None:
        if job.job is not None and job.job.failure:
            st.error(job.job.failure)
        _adopt(job)
    if job is not None and job.running:
        if _waiting(job):
            _live_waiting()
        else:
            _live_answering()
    else:
        _results()
    _tally()


playground_page()
