"""One decision, one set of numbers: over many generated scenarios, every page cites the same figures.

- the cheapest option the Recommendation cites is the cost model's (the Costs page's headline);
- every figure in the report equals the page's (scores, margin, monthly costs, wording);
- hybrid routing's all-cloud cost equals the Costs page's at the same token counts;
- the privacy verdict is the same in the scoring, the Costs page, Compare and the report.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import OPTIONS, Weights, assess
from advisor.labels import OPTION_LABELS, score_text
from advisor.providers import offerings_for_model, privacy_verdict
from calculators import CostAssumptions, cost_report
from calculators.options import option_costs, usd
from decisions import Decision
from decisions.compare import compare_outcomes
from decisions.report import build_report
from decisions.report_render import headline, render_markdown
from routing.policy import POLICIES
from routing.prompt_files import PromptSet
from routing.simulate import analyse_prompts, simulate
from tests.strategies import scenarios

CHECKED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ASSUMPTIONS = st.builds(
    CostAssumptions,
    cloud_models=st.sampled_from([["openai:gpt-4o"], ["openai:gpt-4o-mini", "openai:gpt-4o"], ["anthropic:claude-sonnet-4-5"]]),
    gpu_id=st.sampled_from(["l40s", "h100-80gb", "a100-80gb"]),
    staff_fte=st.floats(0, 3),
    local_share=st.one_of(st.none(), st.floats(0, 1)),
)


@CHECKED
@given(scenario=scenarios, assumptions=ASSUMPTIONS)
def test_the_cheapest_option_the_recommendation_cites_is_the_cost_models(scenario, assumptions):
    result = assess(scenario, assumptions=assumptions)
    report = cost_report(scenario, assumptions)
    page = {"cloud": report.cloud[0].monthly_usd, "local": report.local.monthly_usd, "hybrid": report.hybrid.monthly_usd}
    assert {o: result.costs.of(o) for o in OPTIONS} == page
    assert page[result.costs.cheapest] == min(page.values())
    reason = next(c.reason for c in result.factors if c.factor == "volume")
    assert f"{result.costs.cheapest} is cheapest" in reason or "cost the same" in reason
    for note in result.notes:
        if note.startswith("The articles' rule of thumb"):
            assert f"the cost model finds {result.costs.cheapest} cheapest" in note


@CHECKED
@given(scenario=scenarios, assumptions=ASSUMPTIONS, privacy_weight=st.floats(0, 10))
def test_every_figure_in_the_report_is_the_pages(scenario, assumptions, privacy_weight):
    decision = Decision(scenario=scenario, weights=Weights(privacy=privacy_weight), costs=assumptions)
    page = assess(scenario, decision.weights, assumptions=assumptions)  # what the Recommendation page draws
    report, costs = build_report(decision)
    rec = report.recommendation
    assert rec["winner"] == page.recommendation
    assert rec["score_text"] == {OPTION_LABELS[o]: score_text(page.scores[o]) for o in OPTIONS}
    assert rec["costs"] == page.costs.as_json()
    assert rec["notes"] == page.notes
    line = headline(rec)
    assert f"({score_text(page.scores[page.recommendation])}/100)" in line
    if page.runner_up:
        assert f"{page.margin:.1f} points behind" in line
    assert report.costs["cloud"][0]["monthly_usd"] == usd(option_costs(costs).cloud)
    assert report.costs["local"]["monthly_usd"] == usd(page.costs.local)
    assert report.costs["hybrid"]["monthly_usd"] == usd(page.costs.hybrid)
    assert "e+0" not in render_markdown(report)  # no exponents in what people read


PROMPTS = st.lists(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=300)
                   .filter(lambda text: text.strip()), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios, assumptions=ASSUMPTIONS, prompts=PROMPTS, policy=st.sampled_from(sorted(POLICIES)))
def test_routings_all_cloud_cost_is_the_costs_pages_at_the_same_token_counts(scenario, assumptions, prompts, policy):
    facts = analyse_prompts(PromptSet(source="generated", prompts=prompts, labels=[None] * len(prompts)),
                            model_ref=assumptions.cloud_models[0])
    simulation = simulate(facts, POLICIES[policy], scenario, assumptions)
    same_tokens = scenario.model_copy(update={"input_tokens_per_request": round(simulation.average_input_tokens)})
    assert simulation.cloud_only_monthly_usd == cost_report(same_tokens, assumptions).cloud[0].monthly_usd


@CHECKED
@given(scenario=scenarios, assumptions=ASSUMPTIONS)
def test_the_privacy_verdict_is_the_same_everywhere(scenario, assumptions):
    verdict = privacy_verdict(scenario)
    result = assess(scenario, assumptions=assumptions)
    excluded = {e.option for e in result.excluded}
    assert ("cloud" in excluded) == (not verdict.cloud_allowed)
    assert ("hybrid" in excluded) == (not verdict.hybrid_allowed)
    # Compare marks the same options ruled out.
    outcomes = compare_outcomes([("this", Decision(scenario=scenario, costs=assumptions)), ("default", Decision())])
    for option in OPTIONS:
        assert (outcomes.loc[f"Score: {OPTION_LABELS[option]}", "this"] == "ruled out") == (option in excluded)
    # The Costs page flags a model not compatible exactly when the verdict's offerings leave it out.
    for ref in assumptions.cloud_models:
        ok, _ = verdict.model_note(ref)
        if verdict.regulated_traffic and scenario.regulations and "air_gapped" not in scenario.regulations:
            allowed = {o.id for o in verdict.allowed}
            assert ok == any(o.id in allowed for o in offerings_for_model(ref))
    # The report lists the verdict's offerings with the same compatibility.
    if scenario.regulations:
        report, _ = build_report(Decision(scenario=scenario, costs=assumptions))
        table = next(t for t in report.extra_tables if t.title == "Provider privacy facts used")
        assert {row["offering"]: row["compatible"] == "yes" for row in table.rows} == {v.offering.name: v.compatible for v in verdict.verdicts}
        assert verdict.reason in table.intro
