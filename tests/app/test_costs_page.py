"""The Costs page through AppTest."""

from app.state import COSTS_KEY, SCENARIO_KEY
from calculators import CostAssumptions, get_gpu
from scenario import Scenario
from tests.app.conftest import key_of, open_page


def _metrics(at):
    return {m.label: m.value for m in at.metric}


def test_costs_page_shows_every_option_and_the_price_source(app):
    at = open_page(app, "views/costs.py")
    labels = list(_metrics(at))
    assert labels[0].startswith("Cloud: OpenAI") and labels[1].startswith("Local: 1 GPU") and labels[2].startswith("Hybrid")
    assert "Break-even, requests a month" in labels
    assert any("genai-prices" in c.value for c in at.caption)
    # Only the open tab is drawn: the cost curves first, then each tab as it is opened.
    assert [c.key for c in at.get("plotly_chart")] == ["costs.curves"]
    assert not any("Break-even band" in m.value for m in at.markdown)
    for tab, chart in (("Total cost over time", "costs.tco"), ("Sensitivity", "costs.tornado")):
        at.session_state["costs.tab"] = tab
        at.run()
        assert [c.key for c in at.get("plotly_chart")] == [chart]
    assert any("Break-even band" in m.value for m in at.markdown)


def test_worked_example_on_the_page(app):
    app.session_state[SCENARIO_KEY] = Scenario(requests_per_month=1_000_000, input_tokens_per_request=500, output_tokens_per_request=500)
    app.session_state[COSTS_KEY] = CostAssumptions(
        cloud_models=["openai:gpt-4"], gpus_fixed=2, gpu_hourly_usd=3, hours_per_month=720,
        staff_monthly_usd=3000, infra_monthly_usd=500, local_share=0.8,
    )
    at = open_page(app, "views/costs.py")
    values = list(_metrics(at).values())
    assert values[:3] == ["$45,000/mo", "$7,820/mo", "$16,820/mo"]


def test_changing_an_input_redraws_and_keeps_the_others(app):
    at = open_page(app, "views/costs.py")
    at.number_input(key="cost.staff_fte").set_value(2.0).run()
    at.number_input(key="cost.gpu_hourly_usd").set_value(4.0).run()
    assumptions = at.session_state[COSTS_KEY]
    assert (assumptions.staff_fte, assumptions.gpu_hourly_usd) == (2.0, 4.0)
    local_label = [label for label in _metrics(at) if label.startswith("Local")][0]
    assert _metrics(at)[local_label] == f"${4.0 * 730 + 2 * 158_000 / 12 + 500:,.0f}/mo"


def test_another_gpu_brings_back_its_catalog_price(app):
    at = open_page(app, "views/costs.py")
    at.number_input(key="cost.gpu_hourly_usd").set_value(9.0).run()
    at.selectbox(key="cost.gpu_id").set_value("h100-80gb").run()
    assert at.number_input(key=key_of(at, "cost.", "gpu_hourly_usd")).value == get_gpu("h100-80gb").rent_usd_per_hour
    assert at.session_state[COSTS_KEY].gpu_hourly_usd is None


def test_own_prices_are_marked(app):
    at = open_page(app, "views/costs.py")
    at.text_input(key="costs.override.ref").input("my-vllm:llama-70b")
    at.number_input(key="costs.override.in").set_value(0.5)
    at.number_input(key="costs.override.out").set_value(0.8)
    at.button(key="costs.action.apply_prices").click().run()
    assumptions = at.session_state[COSTS_KEY]
    assert "my-vllm:llama-70b" in assumptions.cloud_models
    table = at.dataframe[-1].value
    assert "my-vllm:llama-70b — your prices" in table["Model"].tolist()


def test_an_unknown_model_in_the_state_gives_a_message_not_a_crash(app):
    app.session_state[COSTS_KEY] = CostAssumptions(cloud_models=["openai:gpt-404"])
    at = open_page(app, "views/costs.py")
    assert any("no price data for 'openai:gpt-404'" in e.value for e in at.error)
    at.button(key="costs.reset_after_error").click().run()
    assert not at.error and at.session_state[COSTS_KEY] == CostAssumptions()


def test_capacity_estimate_with_published_evidence_and_the_throughput_latency_chart(app):
    app.session_state[COSTS_KEY] = CostAssumptions(open_model_id="llama-3.3-70b", gpu_id="h100-80gb", quantisation="fp8")
    at = open_page(app, "views/costs.py")
    evidence = [t.value for t in at.text if "published:" in t.value]
    assert evidence and evidence[0].startswith("Estimate ") and "2 x NVIDIA H100 80GB (SXM)" in evidence[0]
    assert any("2 GPUs a replica" in m.value for m in at.markdown)
    at.number_input(key="cost.tpot_target_ms").set_value(30.0).run()
    assert any("limited by latency target" in m.value for m in at.markdown)
    at.session_state["costs.tab"] = "Capacity"
    at.run()
    assert [c.key for c in at.get("plotly_chart")] == ["costs.throughput_latency"]
    assert any("per million generated tokens" in c.value for c in at.caption)


def test_buying_the_hardware_shows_the_purchase_inputs(app):
    # Found by the monkey test: the purchase price's help named a GPU only the rent branch looked up.
    at = open_page(app, "views/costs.py")
    at.radio(key="cost.payment").set_value("own").run()
    assert not at.exception
    assert at.number_input(key="cost.gpu_purchase_usd").value == get_gpu(at.session_state[COSTS_KEY].gpu_id).purchase_usd
