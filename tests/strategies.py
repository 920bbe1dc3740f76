"""Hypothesis strategies shared by the property tests."""

from typing import get_args

from hypothesis import strategies as st

from scenario import Regulation, Scenario

REGULATIONS = list(get_args(Regulation))

scenarios = st.builds(
    Scenario,
    requests_per_month=st.integers(0, 10**10),
    input_tokens_per_request=st.integers(0, 100_000),
    output_tokens_per_request=st.integers(0, 100_000),
    sensitive_share=st.floats(0, 1),
    regulations=st.lists(st.sampled_from(REGULATIONS), unique=True, max_size=4),
    latency_p95_ms=st.integers(1, 600_000),
    team=st.sampled_from(["none", "some", "dedicated"]),
    horizon_months=st.integers(1, 240),
    needs_fine_tuning=st.booleans(),
    quality_need=st.sampled_from(["standard", "frontier"]),
    load_pattern=st.sampled_from(["steady", "spiky", "unknown"]),
)
