"""Is the local model good enough for our tasks? A task set on several backends, graded."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from advisor import QualityEvidence
from app import state
from app.components.charts import show_chart
from app.components.local_model import local_model_choice
from app.components.safety import backend, key_for, outbound
from app.components.tab_watch import tab_closed_check
from app.components.text import spreadsheet_frame
from calculators import request_cost
from charts.layout import chart_text, legible
from inference import BUNDLED_MODEL, BackendConfig, ResolvedKey
from quality.runner import (
    EvalRun,
    answers_table,
    compare_sides,
    start_eval_run,
    summarise_eval,
)
from quality.tasks import JUDGE_RUBRIC, MAX_TASKS, TaskSet, load_example_tasks, parse_task_file
from scenario import InputError
from scenario.text import plain

TASKS_KEY = "ev.task_set"
ERROR_KEY = "ev.input_error"
JOB_KEY = "ev.job"


def _tasks() -> TaskSet:
    if TASKS_KEY not in st.session_state:
        st.session_state[TASKS_KEY] = load_example_tasks()
    return st.session_state[TASKS_KEY]


def _on_upload() -> None:
    upload = st.session_state.get("ev.action.upload")
    if upload is None:
        return
    try:
        st.session_state[TASKS_KEY] = parse_task_file(upload.name, upload.getvalue())
        st.session_state.pop(ERROR_KEY, None)
    except InputError as exc:
        st.session_state[ERROR_KEY] = str(exc)


def _backend_choices() -> list[tuple[str, BackendConfig, ResolvedKey]]:
    """The bundled local model, the playground's right side if it is a cloud, and an extra server."""
    local = local_model_choice(f"Local model (bundled {BUNDLED_MODEL})")
    choices = [(local, BackendConfig(kind="local"), ResolvedKey(None, "not needed"))]
    # Offered only once someone has set up the playground's right side as a cloud.
    right = state.playground_side("right")
    if right.set_up and right.config.kind != "local":
        choices.append((f"Playground right side: {right.label}", right.config, key_for(right.config.kind, right.config.base_url)))
    url = st.session_state.get("ev.extra_url", "").strip()
    if url:
        config = BackendConfig(kind="openai", base_url=url, model=st.session_state.get("ev.extra_model", "").strip() or "model")
        choices.append((f"OpenAI-compatible server {url}", config, key_for("openai", url)))
    return choices


def _select_extra_server() -> None:
    """Typing a server's URL puts it on the list of backends to run."""
    url = st.session_state.get("ev.extra_url", "").strip()
    if url:
        label = f"OpenAI-compatible server {url}"
        st.session_state["ev.backends"] = [*[b for b in st.session_state.get("ev.backends", []) if not b.startswith("OpenAI-compatible server ")], label]


def _start(tasks: TaskSet, chosen: list[tuple[str, BackendConfig, ResolvedKey]], judge_index: int | None, max_tokens: int) -> None:
    backends = [backend(config, key) for _, config, key in chosen]
    by_label = {b.label: config for b, (_, config, _) in zip(backends, chosen, strict=True)}
    scenario, assumptions = state.scenario(), state.cost_assumptions()
    st.session_state[JOB_KEY] = start_eval_run(
        tasks, backends, max_tokens=max_tokens, judge=backends[judge_index] if judge_index is not None else None,
        cost=lambda backend, run: request_cost(run, by_label[backend.label], scenario, assumptions)[0],
        tab_closed=tab_closed_check(),
    )


@st.fragment(run_every=1.0)
def _progress() -> None:
    job: EvalRun | None = st.session_state.get(JOB_KEY)
    if job is None:
        return
    if job.running:
        done = job.progress.done if job.progress else 0
        total = len(job.tasks.tasks) * len(job.labels)
        left = job.progress.remaining_s if job.progress else None
        if job.job.stop.is_set():
            # The answer in progress ends at its next token; nothing new starts.
            st.progress(done / total, text=f"Stopping… {done} of {total} answers kept")
            return
        st.progress(done / total, text=f"{done} of {total} answers" + (f" · about {left:,.0f} s left" if left is not None else ""))
        st.button("Stop (keep what finished)", key="ev.action.stop", on_click=job.job.stop.set)
    elif not job.shown:
        job.shown = True
        st.rerun()  # the whole page, to draw the results


def _accuracy_chart(summaries) -> go.Figure:  # noqa: ANN001
    figure = go.Figure()
    for s in summaries:
        if s.accuracy is None:
            continue
        x = s.cost_per_1k_usd if s.cost_per_1k_usd is not None else 0.0
        figure.add_scatter(
            x=[x], y=[s.accuracy], mode="markers+text", text=[chart_text(s.backend)], textposition="top center", name=chart_text(s.backend),
            marker=dict(size=14), error_y=dict(type="data", symmetric=False, array=[s.ci95[1] - s.accuracy], arrayminus=[s.accuracy - s.ci95[0]]),
        )
    figure.update_layout(height=360, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                         xaxis=dict(title="cost per 1,000 tasks (USD; no price: 0)", tickprefix="$", rangemode="tozero"),
                         yaxis=dict(title="accuracy (95% interval)", tickformat=".0%", range=[0, 1.05]))
    return legible(figure, legend=False)


def _results(job: EvalRun) -> None:
    if not job.results:
        return
    st.subheader("Results" + (" (stopped early)" if job.job.stop.is_set() else ""))
    summaries = [summarise_eval(job.results, label) for label in job.labels]
    st.dataframe(pd.DataFrame([{
        "Backend": s.backend, "Accuracy": s.accuracy, "95% interval": f"{s.ci95[0]:.0%} – {s.ci95[1]:.0%}" if s.ci95 else "n/a",
        "Answered": s.n, "Errors": s.errors, "p50 (ms)": s.p50_ms, "p90 (ms)": s.p90_ms, "Cost per 1,000 tasks": s.cost_per_1k_usd,
    } for s in summaries]), hide_index=True, width="stretch",
        column_config={"Accuracy": st.column_config.NumberColumn(format="percent"),
                       "p50 (ms)": st.column_config.NumberColumn(format="%.0f"), "p90 (ms)": st.column_config.NumberColumn(format="%.0f"),
                       "Cost per 1,000 tasks": st.column_config.NumberColumn(format="$%.4f")})
    if any(s.errors for s in summaries):
        st.warning("Errors are calls that failed (no key, a timeout, a refused connection) or gave no answer (empty, or only "
                   "punctuation): they are not counted as wrong answers, and accuracy is over the answered tasks only.")
    for row, s in enumerate(summaries, start=1):
        if s.n == 0 and s.errors:
            # The backend's name (a typed URL) stays in the table: user text is never Markdown.
            st.error(f"The backend in row {row} of the table answered none of its {s.errors} tasks: no accuracy can be measured for it.")
    if len(summaries) >= 2:
        gap = compare_sides(summaries[0], summaries[1])
        if gap:
            st.text(f"{summaries[0].backend} minus {summaries[1].backend}: {gap.difference * 100:+.0f} points "
                    f"(95% interval {gap.low * 100:+.0f} to {gap.high * 100:+.0f}), {gap.verdict()}.")
    show_chart(_accuracy_chart(summaries), key="ev.chart")
    rows = answers_table(job.tasks, job.labels, job.results)
    table = pd.DataFrame(rows)
    st.dataframe(table, hide_index=True, width="stretch", height=360)
    left, right, use = st.columns(3)
    left.download_button("Download results (CSV)", spreadsheet_frame(table).to_csv(index=False), "crossover-eval.csv", "text/csv", key="ev.action.csv")
    right.download_button("Download results (JSON)", json.dumps({"task_set": job.tasks.source, "summaries": [s.model_dump() for s in summaries],
                          "results": [r.model_dump() for r in job.results]}, indent=2), "crossover-eval.json", "application/json", key="ev.action.json")
    local = next((s for s, k in zip(summaries, job.kinds, strict=True) if k == "local" and s.accuracy is not None), None)
    cloud = next((s for s, k in zip(summaries, job.kinds, strict=True) if k != "local" and s.accuracy is not None), None)
    gap = compare_sides(local, cloud) if local and cloud else None
    if local and cloud and gap and not gap.larger_than_noise:
        use.caption(f"Not offered to the decision: the local-cloud gap is {gap.verdict()}.")
    elif local and cloud:
        evidence = QualityEvidence(local_accuracy=local.accuracy, cloud_accuracy=cloud.accuracy, local_backend=local.backend,
                                   cloud_backend=cloud.backend, task_set=job.tasks.source, measured_on=date.today().isoformat(),
                                   tasks=min(local.n, cloud.n))
        use.button("Use this gap in the decision", key="ev.action.use",
                   on_click=lambda: st.session_state.__setitem__(state.EVIDENCE_KEY, evidence),
                   help="The recommendation's quality factor then uses this measured gap instead of the stated need.")
        if state.quality_evidence() == evidence:
            st.success("The recommendation's quality factor now uses this measured gap.", icon=":material/check:")
    if job.timing and job.timing["wall_s"] > 0:
        st.caption(f"Ran in {job.timing['wall_s']:,.1f} s.")


def evaluation_page() -> None:
    """Pick a task set and backends; run; read accuracy with its uncertainty."""
    st.title("Quality check")
    st.caption("Is the local model good enough for our tasks? Measure it on your own task set instead of guessing.")
    example, upload = st.tabs(["Example set", "Upload a task set"])
    with example:
        st.write("40 short tasks written for this project: intent classification, sentiment, field extraction to JSON "
                 "and short factual answers, each with an expected answer and a check.")
        st.button("Use the example set", key="ev.action.example",
                  on_click=lambda: st.session_state.__setitem__(TASKS_KEY, load_example_tasks()))
    with upload:
        st.file_uploader(f"CSV or JSONL: prompt, expected, check (exact, contains, regex, json_field:NAME or judge). Up to {MAX_TASKS.value:,} tasks.",
                         type=["csv", "jsonl", "ndjson"], key="ev.action.upload", on_change=_on_upload)
    if error := st.session_state.get(ERROR_KEY):
        st.error(f"{plain(error)} Nothing ran; the task set already loaded is kept.")
    tasks = _tasks()
    st.caption(f"**{len(tasks.tasks)} tasks** from {plain(tasks.source)}.")

    with st.container(border=True):
        st.markdown("**Backends**")
        st.text_input("Another OpenAI-compatible server (optional)", key="ev.extra_url", **state.KEEP, placeholder="http://127.0.0.1:8000/v1",
                      on_change=_select_extra_server)
        st.text_input("Its model name", key="ev.extra_model", **state.KEEP)
        if st.session_state.get("ev.extra_url", "").strip():
            st.caption(outbound().describe())
        choices = _backend_choices()
        labels = [label for label, _, _ in choices]
        st.session_state.setdefault("ev.backends", labels[:2])
        offered = [b for b in st.session_state["ev.backends"] if b in labels]
        if offered != st.session_state["ev.backends"]:  # a backend no longer offered (the Playground changed)
            st.session_state["ev.backends"] = offered
        chosen_labels = st.multiselect("Run on", options=labels, key="ev.backends", **state.KEEP)
        chosen = [c for c in choices if c[0] in chosen_labels]
        judge_index = None
        if any(t.check == "judge" for t in tasks.tasks) and chosen:
            judge_label = st.selectbox("Judge for 'judge' checks", options=[c[0] for c in chosen], key="ev.judge", **state.KEEP)
            judge_index = [c[0] for c in chosen].index(judge_label)
            with st.expander("The judge's rubric (fixed)"):
                st.code(JUDGE_RUBRIC, language=None)
            st.warning("Judges can be wrong, small models especially: read the judge's reasons in the table.")
        max_tokens = st.number_input("Max tokens an answer", min_value=1, max_value=1024, value=48, step=8, key="ev.max_tokens", **state.KEEP)

    job: EvalRun | None = st.session_state.get(JOB_KEY)
    busy = job is not None and job.running
    if st.button("Run", type="primary", key="ev.action.run", disabled=busy or not chosen, icon=":material/play_arrow:"):
        _start(tasks, chosen, judge_index, int(max_tokens))
        st.rerun()
    if job is not None and (job.running or not job.shown):
        _progress()  # drawn only while there is progress to show, so its timer stops afterwards
    job = st.session_state.get(JOB_KEY)
    if job is not None and not job.running:
        _results(job)


evaluation_page()
