"""The Capacity sweep page through AppTest, against a real OpenAI-compatible server on loopback:
a sweep runs in the background, its capacity reaches the Costs page (labelled, estimate kept) and the report."""

from __future__ import annotations

import pytest

from app.state import COSTS_KEY, THROUGHPUT_LABEL_KEY
from scenario.limits import REQUEST_BUDGET
from scenario.text import plain
from tests.app.conftest import open_page
from tests.peers import ChatServer, OpenAIServer, closed_port_url


@pytest.fixture(autouse=True)
def _loopback_allowed(monkeypatch):
    # AppTest serves on no address, which counts as reachable by others; the person running these tests owns the peers.
    monkeypatch.setenv("CROSSOVER_OUTBOUND", "private")


def _sweep(at, url: str, **settings) -> None:
    at.text_input(key="cap.base_url").input(url)
    for key, value in {"cap.input_tokens": 16, "cap.output_tokens": 6, "cap.max_concurrency": 2, "cap.requests": 3,
                       "cap.ttft_ms": 5000.0, **settings}.items():
        at.number_input(key=key).set_value(value)
    at.run()
    at.button(key="cap.action.start").click().run()
    run = at.session_state["cap.job"]
    run.job.join(60)
    assert not run.running
    at.run()  # the progress fragment sees the end and draws the results
    assert not at.exception, at.exception


def test_a_sweep_reaches_the_costs_page_and_the_report(app):
    at = open_page(app, "views/capacity.py")
    assert at.title[0].value == "Capacity sweep"
    # targets and request shape come from the scenario
    assert at.number_input(key="cap.output_tokens").value == 300
    at.selectbox(key="cap.gpu").set_value("l40s")
    with OpenAIServer(served="Meta-Llama-3.1-8B-Instruct") as server:
        _sweep(at, f"{server.url}/v1")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Throughput at the targets"].endswith("tokens/s")
    assert "Capacity model's estimate" in metrics  # llama-3.1-8b on an L40S: the step model's figure beside it
    assert len(at.dataframe[0].value) >= 1
    at.button(key="cap.action.use").click().run()
    assert any(m.value.startswith("The cost model uses this measured capacity") for m in at.success)  # the click is confirmed
    assert not [b for b in at.button if b.key == "cap.action.use"]  # not offered twice
    label = at.session_state[THROUGHPUT_LABEL_KEY]
    assert label.startswith(f"measured on {server.url}/v1, ") and "1 x NVIDIA L40S" in label
    assumed = at.session_state[COSTS_KEY].throughput_tokens_per_s
    at = open_page(at, "views/costs.py")
    assert any(c.value.startswith("Throughput measured on http") and "capacity sweep" in c.value for c in at.caption)
    assert any("the step model estimates" in t.value for t in at.text)  # the estimate is still shown
    assert assumed is not None and assumed > 0


def test_a_mismatched_model_needs_treat_as(app):
    at = open_page(app, "views/capacity.py")
    with OpenAIServer(served="qwen3-8b") as server:
        _sweep(at, f"{server.url}/v1")
    assert at.button(key="cap.action.use").disabled
    assert any("is not used in the cost model as it stands" in c.value for c in at.caption)
    at.checkbox(key="cap.treat_as").check().run()
    at.button(key="cap.action.use").click().run()
    assert "TREATED AS" in at.session_state[THROUGHPUT_LABEL_KEY]


def test_an_unreachable_server_says_what_to_fix(app):
    at = open_page(app, "views/capacity.py")
    _sweep(at, closed_port_url())
    assert any("Cannot connect" in e.value for e in at.error)
    assert "cap.result" not in at.session_state


def test_a_sweep_over_the_request_budget_is_refused_before_it_sends(app, monkeypatch):
    # Steps at concurrency 1, 2, 4 and 8 of 16 requests, and the warm-up: 66, over a budget of 50.
    monkeypatch.setenv(REQUEST_BUDGET.setting, "50")
    at = open_page(app, "views/capacity.py")
    with ChatServer() as server:
        _sweep(at, f"{server.url}/v1", **{"cap.max_concurrency": 8, "cap.requests": 16})
    message = " ".join(e.value for e in at.error)
    assert "this sweep would send 66 requests" in message and "the limit is 50 a run" in message
    assert plain(REQUEST_BUDGET.setting) in message  # the error is shown as text (escaped Markdown)
    assert server.requests == 0  # refused before anything was sent, with whatever key
    assert "cap.result" not in at.session_state


def test_the_report_includes_the_sweep(app):
    at = open_page(app, "views/capacity.py")
    with OpenAIServer() as server:
        _sweep(at, f"{server.url}/v1")
    at = open_page(at, "views/report.py")
    assert not at.exception
    assert any(c.label.startswith("Capacity sweep") for c in at.checkbox)


def test_this_apps_model_is_swept_at_concurrency_1_through_its_queue(app):
    at = open_page(app, "views/capacity.py")
    at.radio(key="cap.target").set_value("local").run()
    assert at.number_input(key="cap.max_concurrency_local").disabled and at.number_input(key="cap.max_concurrency_local").value == 1
    assert at.number_input(key="cap.requests_local").proto.max == 32  # the shared model is not held for long
    for key, value in {"cap.input_tokens": 16, "cap.output_tokens": 6, "cap.requests_local": 2, "cap.ttft_ms": 60_000.0}.items():
        at.number_input(key=key).set_value(value)
    at.run()
    at.button(key="cap.action.start").click().run()
    run = at.session_state["cap.job"]
    run.job.join(120)
    assert not run.running and run.error is None, run.error
    at.run()
    assert not at.exception, at.exception
    result = at.session_state["cap.result"]
    assert [s.concurrency for s in result.steps] == [1] and result.hardware == "this machine" and result.gpu_id is None
    assert result.server == "this app (the Playground's local model)"
    assert any("No estimate: the capacity model knows the catalog's GPUs" in c.value for c in at.caption)
    # measured here, priced on a catalog GPU: only when told to treat it so
    assert at.button(key="cap.action.use").disabled


def test_the_teams_own_prompts_and_an_open_loop_step(app):
    from routing.prompt_files import parse_pasted

    at = open_page(app, "views/capacity.py")
    assert list(at.radio(key="cap.prompts").options) == ["the bundled sample set"]
    at.session_state["rt.prompt_set"] = parse_pasted("Tell the Zanzibar office the printer is fixed.\nBook the Zanzibar room.")
    at.run()
    chosen = at.radio(key="cap.prompts")
    assert chosen.value == "routing" and chosen.options[1] == "the Hybrid routing page's (pasted text, 2 prompts)"
    at.number_input(key="cap.request_rate").set_value(25.0)
    with OpenAIServer(tokens=4) as server:
        _sweep(at, f"{server.url}/v1")
    result = at.session_state["cap.result"]
    assert result.open_loop is not None and result.open_loop.request_rate == 25.0
    assert result.prompts == "the Hybrid routing page's prompts (pasted text)"
    assert all("Zanzibar" in b["messages"][0]["content"] for b in server.bodies)
    rows = at.dataframe[0].value
    assert list(rows["load"])[-1] == "25 requests/s, Poisson (at most 2 in flight)"
    assert [s.concurrency for s in result.steps] == [1, 2]  # the curve is the closed-loop steps
