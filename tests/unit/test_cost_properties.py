"""Properties of the cost model over many random assumption sets."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators import CostAssumptions, CostInputError, breakeven_requests, cost_report
from calculators.local_costs import local_monthly_usd
from calculators.report import cloud_per_request, prepare
from tests.strategies import scenarios

assumptions = st.builds(
    CostAssumptions,
    cloud_models=st.sampled_from([["openai:gpt-4o"], ["openai:gpt-4o-mini"], ["anthropic:claude-sonnet-4-5"], ["openai:gpt-4"]]),
    gpu_id=st.sampled_from(["h100-80gb", "a100-80gb", "l40s", "l4", "a10g", "rtx-4090", "cpu-server"]),
    open_model_id=st.sampled_from(["llama-3.1-8b", "mistral-7b", "qwen-2.5-7b", "llama-3.3-70b"]),
    quantisation=st.sampled_from(["fp16", "fp8", "int8", "int4", "q8", "q4"]),
    concurrent_sequences=st.none() | st.integers(1, 512),
    tpot_target_ms=st.none() | st.floats(5, 500),
    payment=st.sampled_from(["rent", "own"]),
    peak_to_average=st.floats(1, 10),
    utilisation_target=st.floats(0.05, 1),
    staff_fte=st.floats(0, 3),
    infra_monthly_usd=st.floats(0, 10_000),
)
volumes = np.geomspace(1, 1e10, 400)


def _or_unfit(action, *args):
    """Run ``action``; a setup that cannot hold the model or the request must say what would."""
    try:
        return action(*args)
    except CostInputError as exc:
        assert "does not fit" in str(exc) and ("smallest setup that fits is" in str(exc) or "no catalog GPU" in str(exc))
        return None


@settings(max_examples=60, deadline=None)
@given(scenarios, assumptions)
def test_costs_are_never_negative_or_nan(scenario, a):
    report = _or_unfit(cost_report, scenario, a)
    if report is None:
        return
    figures = [report.local.monthly_usd, report.hybrid.monthly_usd, *(c.monthly_usd for c in report.cloud)]
    assert all(np.isfinite(figures)) and min(figures) >= 0


@settings(max_examples=60, deadline=None)
@given(scenarios, assumptions)
def test_cloud_is_linear_and_local_a_non_decreasing_staircase(scenario, a):
    prepared = _or_unfit(prepare, scenario, a)
    if prepared is None:
        return
    resolved, prices, units = prepared
    per_request = cloud_per_request(scenario, resolved, prices[0])
    cloud = per_request * volumes
    np.testing.assert_allclose(cloud / np.maximum(volumes, 1), per_request)
    local = local_monthly_usd(volumes, units)
    assert (np.diff(local) >= -1e-9).all()
    steps = np.diff(local)[np.diff(local) > 1e-9]
    # every step is a whole number of replicas
    np.testing.assert_allclose(steps / units.replica_month_usd, np.round(steps / units.replica_month_usd), atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(scenarios, assumptions)
def test_breakeven_is_where_the_curves_meet(scenario, a):
    prepared = _or_unfit(prepare, scenario, a)
    if prepared is None:
        return
    resolved, prices, units = prepared
    c = cloud_per_request(scenario, resolved, prices[0])
    first, stays = breakeven_requests(c, units.replica_month_usd, units.fixed_month_usd, units.requests_per_replica)
    first, stays = float(first), float(stays)
    if np.isnan(first):
        assert (c * volumes < local_monthly_usd(volumes, units) + 1e-6).all()
        return
    local_at = float(local_monthly_usd(first, units))
    assert c * first >= local_at - 1e-6 * max(1, local_at)          # cloud has caught up here
    just_before = first * (1 - 1e-9)
    assert c * just_before <= float(local_monthly_usd(just_before, units)) + 1e-6 * max(1, local_at)
    above = np.geomspace(stays * 1.000001, stays * 1000, 300)
    assert (c * above >= local_monthly_usd(above, units) - 1e-6 * local_monthly_usd(above, units)).all()
