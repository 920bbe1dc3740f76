"""The whole bill on the Costs page and the checklist's batch question, through AppTest."""

from app.components.whole_bill import SYSTEM_PROMPT_KEY
from app.state import COSTS_KEY, SCENARIO_KEY
from calculators import CostAssumptions, cost_report
from calculators.whole_bill import measure_shared_prefix
from routing.prompt_files import load_sample_prompts
from scenario import Scenario
from tests.app.conftest import key_of, open_page

SYSTEM = "You are the customer assistant of Northwind Outfitters. " + "Cite the policy section you rely on and never promise refunds. " * 150


def _table_items(at, column: str = "Item") -> list[str]:
    return [item for frame in at.dataframe for item in frame.value.get(column, [])]


def test_measured_cache_reaches_the_headline_and_the_breakdown(app):
    at = open_page(app, "views/costs.py")
    at.text_area(key=SYSTEM_PROMPT_KEY).input(SYSTEM).run()
    measured = measure_shared_prefix(load_sample_prompts().prompts, SYSTEM, "openai:gpt-4o")
    assert any(f"Shared prefix: {measured.shared_prefix_tokens:,} tokens" in t.value for t in at.text)
    at.button(key="costs.action.use_prefix").click().run()
    assert not at.exception
    assumptions = at.session_state[COSTS_KEY]
    assert assumptions.shared_prefix_tokens == measured.shared_prefix_tokens
    assert at.session_state[SCENARIO_KEY].input_tokens_per_request == round(measured.mean_input_tokens)
    # The saving the page states is the report's own line, for the same scenario and assumptions.
    report = cost_report(at.session_state[SCENARIO_KEY], assumptions)
    saving = -sum(line.monthly_usd for line in report.cloud[0].lines if line.item.startswith("Prompt cache"))
    assert saving > 0
    # Shown as text: the dollar sign is escaped so Markdown does not read it as maths.
    assert any(f"saving \\${saving:,.0f} a month" in s.value for s in at.success)
    at.session_state["costs.tab"] = "Breakdown"
    at.run()
    assert "Prompt cache reads" in _table_items(at)
    # Back to a share set by hand: the slider returns and the measured prefix is no longer used.
    at.button(key="costs.action.cache_by_hand").click().run()
    assert at.session_state[COSTS_KEY].shared_prefix_tokens is None
    assert at.slider(key=key_of(at, "cost.", "cached_input_share")) is not None


def test_local_lines_show_in_the_breakdown(app):
    app.session_state[COSTS_KEY] = CostAssumptions(licence_per_gpu_year_usd=6_000, egress_gb_month=100,
                                                   egress_usd_per_gb_local=0.09, risk_premium_share=0.1)
    at = open_page(app, "views/costs.py")
    at.number_input(key=key_of(at, "cost.", "outage_hours_month")).set_value(2.0).run()
    at.number_input(key=key_of(at, "cost.", "outage_cost_per_hour_usd")).set_value(500.0).run()
    at.session_state["costs.tab"] = "Breakdown"
    at.run()
    items = _table_items(at)
    assert {"GPUs: licences", "Data transfer", "Risk premium (reliability & security)"} <= set(items)
    assert at.session_state[COSTS_KEY].outage_hours_month == 2.0
    assert "Local (1 GPU)" in _table_items(at, "Option")  # not "1 GPUs"
    # The money beside the option it belongs to: at 1024 px the tab shows about two columns.
    assert list(at.dataframe[0].proto.column_order) == ["Option", "USD a month", "Item", "Basis"]


def test_the_checklist_asks_for_the_batch_share(app):
    at = open_page(app, "views/checklist.py")
    at.button_group(key="checklist.nav").set_value(7).run()
    at.slider(key="input.checklist.batch_share").set_value(0.3).run()
    assert not at.exception
    assert at.session_state[SCENARIO_KEY].batch_share == 0.3
    at.switch_page("views/costs.py").run()
    at.session_state["costs.tab"] = "Breakdown"
    at.run()
    assert "Batch discount" in _table_items(at)
    assert at.session_state[SCENARIO_KEY] == Scenario(batch_share=0.3)


def test_the_playgrounds_measured_reasoning_reaches_the_cost_model(app, monkeypatch):
    # A loopback server speaking OpenAI's protocol reports 12 reasoning tokens inside 15 output tokens.
    from tests.app.conftest import click_run_and_wait
    from tests.peers import ChatServer

    monkeypatch.setenv("CROSSOVER_OUTBOUND", "private")
    with ChatServer("Paris", reasoning_tokens=12) as server:
        at = open_page(app, "views/playground.py")
        at.text_input(key="pg.right.base_url").input(server.url + "/v1").run()
        at.text_input(key="pg.right.model.openai").input("o4-mini").run()
        at.text_area(key="pg.prompt").input("Capital of France?")
        at.number_input(key="pg.max_tokens").set_value(4)
        at = click_run_and_wait(at, timeout=120)
    assert any("12 of the output tokens were hidden reasoning" in c.value for c in at.caption)
    at.button(key="pg.action.use_reasoning.1").click().run()
    assert at.session_state[COSTS_KEY].reasoning_multiple == 4.0


def test_reasoning_and_egress_show_their_sourced_defaults(app):
    app.session_state[COSTS_KEY] = CostAssumptions(cloud_models=["openai:gpt-5", "anthropic:claude-sonnet-4-5"])
    at = open_page(app, "views/costs.py")
    captions = [c.value for c in at.caption]
    assert any("Sourced default for openai:gpt-5: 6.32, an estimate from OpenAI's example usage" in c for c in captions)
    assert any("Anthropic's documented example is 8.67" in c for c in captions)
    assert any("AWS's internet egress, $0.09/GB" in c and "Cloud APIs bill tokens" in c for c in captions)
    field = key_of(at, "cost.", "reasoning_multiple")
    assert at.number_input(key=field).value is None  # empty: each family's default is in force
    at.number_input(key=field).set_value(2.0).run()
    assert at.session_state[COSTS_KEY].reasoning_multiple == 2.0
    at.button(key="costs.action.reasoning_defaults").click().run()
    assert not at.exception
    assert at.session_state[COSTS_KEY].reasoning_multiple is None
    assert at.number_input(key=key_of(at, "cost.", "reasoning_multiple")).value is None  # the field is emptied too
