"""One prompt on two backends side by side, streamed live and measured; blind vote optional."""

from __future__ import annotations

import json
import platform
import random
import threading
import time
from datetime import datetime, timezone

import streamlit as st

from advisor.providers import model_compatibility
from app import state
from app.components.run_views import distribution_chart, repeat_summary, run_figures, tally_frame
from inference import (
    BackendConfig,
    GenerationRequest,
    ResolvedKey,
    RunResult,
    build_backend,
    default_threads,
    request_cost,
    resolve_key,
    run_sides,
    with_fallback,
)

SIDES = ("left", "right")
KIND_LABELS = {
    "local": "Local model (GGUF, in this app)",
    "openai": "OpenAI, or an OpenAI-compatible server",
    "anthropic": "Anthropic",
}
DEFAULT_KIND = {"left": "local", "right": "openai"}
DEFAULT_MODEL = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}
LAST_KEY = "pg.last"
TALLY_KEY = "pg.tally"
VOTES = {"A": "A is better", "B": "B is better", "tie": "Tie", "both_bad": "Both bad"}


def _secrets() -> object:
    try:
        return st.secrets
    except Exception:  # noqa: BLE001 - no secrets file is fine
        return {}


def _side_settings(side: str) -> tuple[BackendConfig, ResolvedKey]:
    """The widgets for one side; returns its config and the key found for it (never shown)."""
    prefix = f"pg.{side}."
    st.session_state.setdefault(prefix + "kind", DEFAULT_KIND[side])
    kind = st.selectbox("Backend", options=list(KIND_LABELS), format_func=KIND_LABELS.__getitem__, key=prefix + "kind")
    if kind == "local":
        st.session_state.setdefault(prefix + "threads", default_threads())
        path = st.text_input("GGUF file", key=prefix + "gguf", placeholder="empty: the bundled SmolLM2-135M-Instruct (Q4_1)")
        left, right = st.columns(2)
        threads = left.number_input("Threads", min_value=1, max_value=256, step=1, key=prefix + "threads")
        n_ctx = right.number_input("Context size", min_value=256, max_value=131_072, value=2048, step=256, key=prefix + "ctx")
        return BackendConfig(kind="local", gguf_path=path.strip(), n_threads=int(threads), n_ctx=int(n_ctx)), ResolvedKey(None, "not needed")
    st.session_state.setdefault(prefix + f"model.{kind}", DEFAULT_MODEL[kind])
    model = st.text_input("Model", key=prefix + f"model.{kind}")
    base_url = ""
    if kind == "openai":
        base_url = st.text_input("Base URL", key=prefix + "base_url",
                                 placeholder="empty: OpenAI; or e.g. http://127.0.0.1:8000/v1 for vLLM, llama.cpp, Ollama")
    else:
        st.caption("Anthropic's current API chooses its own sampling: the temperature setting does not apply.")
    typed_key = f"pg.key.{kind}"
    resolved = resolve_key(kind, typed=st.session_state.get(typed_key), secrets=_secrets())  # type: ignore[arg-type]
    if resolved.source in ("nowhere", "the key typed in this session"):
        st.text_input(
            f"{'OpenAI' if kind == 'openai' else 'Anthropic'} API key", type="password", key=typed_key,
            help="Kept in this browser session's memory only: never saved, logged, or put in a link or export. "
                 "A self-hosted OpenAI-compatible server usually needs none.",
        )
    else:
        st.caption(f"Using the API key from {resolved.source}.")
    regulations = state.scenario().regulations
    if regulations and not base_url.strip():
        ok, why = model_compatibility(f"{kind}:{model.strip()}", regulations)
        if ok is False:
            st.warning(f"Not compatible with the scenario's rules: {why}. Do not send regulated data here.", icon=":material/gpp_bad:")
    return BackendConfig(kind=kind, model=model.strip(), base_url=base_url.strip()), resolved


def _stream_live(backends, request, parallel: bool, labels: list[str], order: list[int]) -> list[RunResult]:
    """Run both sides on worker threads; this thread redraws the answers as they grow."""
    texts = ["", ""]
    statuses = ["", ""]
    live = st.empty()
    with live.container():
        columns = st.columns(2)
        slots = []
        for position, side_index in enumerate(order):
            with columns[position]:
                st.markdown(f"**{labels[side_index]}**")
                slots.append((st.empty(), st.empty()))
    results: list[RunResult] = []

    def on_text(index: int, text: str) -> None:
        texts[index] = text

    def on_status(index: int, status: str) -> None:
        statuses[index] = status

    worker = threading.Thread(
        target=lambda: results.extend(run_sides(backends, request, parallel=parallel, on_text=on_text, on_status=on_status)),
        name="crossover-playground", daemon=True,
    )
    worker.start()
    while worker.is_alive():
        for position, side_index in enumerate(order):
            status_slot, text_slot = slots[position]
            status_slot.caption(statuses[side_index] or "Answering…")
            text_slot.markdown(texts[side_index] or "…")
        time.sleep(0.05)
    worker.join()
    live.empty()
    return results


def _run(configs: list[BackendConfig], keys: list[ResolvedKey], request: GenerationRequest,
         repeat: int, parallel: bool, blind: bool, fallback: bool) -> None:
    backends = [build_backend(c, k) for c, k in zip(configs, keys, strict=True)]
    order = [0, 1]
    if blind:
        random.shuffle(order)
    labels = [("Answer A" if order[0] == i else "Answer B") if blind else backends[i].label for i in range(2)]
    runs: list[list[RunResult]] = [[], []]
    progress = st.progress(0.0, text="Running…") if repeat > 1 else None
    for number in range(repeat):
        results = _stream_live(backends, request, parallel, labels, order)
        for index, result in enumerate(results):
            if fallback and not result.ok and configs[index].kind != "local":
                local = build_backend(BackendConfig(kind="local"), ResolvedKey(None, "not needed"))
                result = with_fallback(result, local, request)
                configs_for_cost = BackendConfig(kind="local")
            else:
                configs_for_cost = configs[index]
            result.cost_usd, result.cost_basis = request_cost(result, configs_for_cost, state.scenario(), state.cost_assumptions())
            runs[index].append(result)
        if progress:
            progress.progress((number + 1) / repeat, text=f"Run {number + 1} of {repeat} done")
    st.session_state[LAST_KEY] = {
        "request": request.model_dump(), "configs": [c.model_dump() for c in configs],
        "labels": [b.label for b in backends], "runs": [[r.model_dump() for r in side] for side in runs],
        "blind": blind, "order": order, "revealed": not blind,
    }


def _vote(choice: str) -> None:
    last = st.session_state[LAST_KEY]
    a_label, b_label = (last["labels"][i] for i in last["order"])
    winner = {"A": a_label, "B": b_label, "tie": "tie", "both_bad": "neither"}[choice]
    st.session_state.setdefault(TALLY_KEY, []).append({
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "prompt": last["request"]["prompt"],
        "A": a_label, "B": b_label, "vote": VOTES[choice], "winner": winner,
    })
    last["revealed"] = True


def _use_throughput(result: RunResult) -> None:
    machine = f"{platform.node() or 'this machine'} ({default_threads()} CPU threads, {platform.machine()})"
    label = f"measured in the playground on {machine}, {result.backend}, {datetime.now():%Y-%m-%d %H:%M}"
    state.update_cost_assumption("throughput_tokens_per_s", round(float(result.decode_tokens_per_s or 0), 1))
    st.session_state[state.THROUGHPUT_LABEL_KEY] = label


def _results() -> None:
    last = st.session_state.get(LAST_KEY)
    if not last:
        return
    runs = [[RunResult.model_validate(r) for r in side] for side in last["runs"]]
    configs = [BackendConfig.model_validate(c) for c in last["configs"]]
    st.divider()
    if not last["revealed"]:
        st.subheader("Which answer is better?")
        columns = st.columns(2)
        for position, side_index in enumerate(last["order"]):
            with columns[position]:
                st.markdown(f"**Answer {'AB'[position]}**")
                st.markdown(runs[side_index][-1].text or "_(no answer)_")
        buttons = st.columns(4)
        for column, (choice, label) in zip(buttons, VOTES.items(), strict=True):
            column.button(label, key=f"pg.action.vote.{choice}", on_click=_vote, args=(choice,), use_container_width=True)
        return
    if last["blind"]:
        vote = st.session_state.get(TALLY_KEY, [{}])[-1]
        st.success(f"You voted: {vote.get('vote')}. A was **{vote.get('A')}**, B was **{vote.get('B')}**.")
    columns = st.columns(2)
    for index, column in enumerate(columns):
        with column:
            result = runs[index][-1]
            st.markdown(f"#### {last['labels'][index]}")
            st.markdown(result.text or "_(no answer)_")
            run_figures(result)
            if len(runs[index]) > 1:
                repeat_summary(runs[index])
            if configs[index].kind == "local" and result.ok and result.decode_tokens_per_s:
                st.button(f"Use {result.decode_tokens_per_s:,.1f} tokens/s in the cost model", key=f"pg.action.use_throughput.{index}",
                          on_click=_use_throughput, args=(result,),
                          help="Sets the Costs page's throughput per replica, labelled with this machine. "
                               "It is one sequence on this CPU: a GPU server batching many requests does far more.")
    if any(len(side) > 1 for side in runs):
        st.plotly_chart(distribution_chart([(last["labels"][i], runs[i]) for i in range(2)]), use_container_width=True,
                        key="pg.distribution")


def _tally() -> None:
    votes = st.session_state.get(TALLY_KEY, [])
    if not votes:
        return
    st.subheader(f"Blind votes this session ({len(votes)})")
    frame = tally_frame(votes)
    st.dataframe(frame.groupby("winner").size().rename("votes").reset_index(), hide_index=True)
    left, right = st.columns(2)
    left.download_button("Download votes (CSV)", frame.to_csv(index=False), "crossover-votes.csv", "text/csv", key="pg.action.tally_csv")
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

    st.text_input("System prompt", key="pg.system", placeholder="optional, e.g. Answer in one sentence.")
    st.text_area("Prompt", key="pg.prompt", height=110, placeholder="Type the prompt both sides answer.")
    options = st.columns(4)
    max_tokens = options[0].number_input("Max tokens", min_value=1, max_value=4096, value=128, step=16, key="pg.max_tokens")
    temperature = options[1].slider("Temperature", min_value=0.0, max_value=2.0, value=0.7, step=0.1, key="pg.temperature")
    repeat = options[2].number_input("Runs a side", min_value=1, max_value=20, value=1, step=1, key="pg.repeat",
                                     help="More than one: medians, p90 and a distribution chart.")
    with options[3]:
        sequential = st.toggle("One after the other", key="pg.sequential", help="Cleaner numbers: the sides do not share the CPU.")
        blind = st.toggle("Blind vote", key="pg.blind", help="Answers shown as A and B in random order until you vote.")
        fallback = st.toggle("Fallback to local", key="pg.fallback", help="When a cloud call fails, answer from the local model and say so.")

    on_this_machine = [c for c in configs if c.kind == "local" or "127.0.0.1" in c.base_url or "localhost" in c.base_url]
    if len(on_this_machine) == 2 and not sequential:
        st.info(
            f"Both sides run on this machine's {default_threads()} CPU threads at once. llama.cpp slows sharply when "
            "threads outnumber cores, so the figures will be low: switch on **One after the other** for clean numbers.",
            icon=":material/speed:",
        )
    if st.button("Run", type="primary", key="pg.action.run", icon=":material/play_arrow:"):
        prompt = st.session_state.get("pg.prompt", "").strip()
        if not prompt:
            st.error("Type a prompt first.")
        else:
            request = GenerationRequest(prompt=prompt, system=st.session_state.get("pg.system", ""),
                                        max_tokens=int(max_tokens), temperature=float(temperature))
            _run(configs, keys, request, int(repeat), not sequential, blind, fallback)
    _results()
    _tally()


playground_page()
