"""The step model against every published serving measurement, and its own behaviour."""

import statistics
from pathlib import Path

import numpy as np
import pytest

from calculators import CostAssumptions, CostInputError, cost_report, get_gpu, get_open_model
from calculators.benchmarks import calibration_markdown, calibration_rows, nearest_published, published_measurements
from calculators.serving import Setup, operating_point, serving_curve, valid_tp_sizes
from scenario import Scenario

DOC = Path(__file__).resolve().parents[2] / "docs" / "capacity-calibration.md"


def test_every_published_row_within_2x_and_the_median_within_0_8_to_1_25():
    rows = calibration_rows()
    assert len(rows) >= 15
    for r in rows:
        print(f"{r.measurement.id}: published {r.measurement.output_tokens_per_s:,.0f}, estimate {r.estimate_tokens_per_s:,.0f}, ratio {r.ratio:.2f}")
    ratios = [r.ratio for r in rows]
    assert 0.8 <= statistics.median(ratios) <= 1.25
    assert all(0.5 <= ratio <= 2 for ratio in ratios), [(r.measurement.id, round(r.ratio, 2)) for r in rows if not 0.5 <= r.ratio <= 2]


def test_the_docs_table_is_generated_from_the_same_code():
    assert calibration_markdown() in DOC.read_text(encoding="utf-8"), "run bench/capacity_calibration.py"


def test_every_row_names_engine_version_source_and_date():
    engines = set()
    for m in published_measurements():
        assert m.engine and m.engine_version and m.source.startswith("https://") and m.date
        assert m.output_tokens_per_s > 0 and m.input_tokens > 0 and m.output_tokens > 0
        engines.add(m.engine)
    assert len(engines) >= 3


def test_published_latencies_are_matched_too():
    # NIM publishes TTFT and time per token at each concurrency: the model's stay within 2x.
    for m in published_measurements():
        if m.tpot_ms is None:
            continue
        point = operating_point(m.setup(), m.input_tokens, m.output_tokens, concurrency=m.load.value)
        assert 0.5 <= point.tpot_s * 1000 / m.tpot_ms <= 2, m.id


def _setup(model="llama-3.3-70b", gpu="h100-80gb", precision="fp8", n=2):
    return Setup(get_open_model(model), get_gpu(gpu), precision, "fp16", n)


def test_throughput_rises_with_concurrency_and_so_does_latency():
    curve = serving_curve(_setup(), 1000, 500, np.arange(1, 200))
    assert (np.diff(curve.output_tokens_per_s) > 0).all()
    assert (np.diff(curve.tpot_s) >= 0).all() and (np.diff(curve.ttft_s) >= 0).all()


def test_fp8_speeds_up_compute_only_where_the_gpu_has_fp8_tensor_cores():
    shape = (100, 20, [512])  # short contexts: the KV cache hardly counts
    h100_16 = serving_curve(_setup(precision="fp16", n=4), *shape).step_s[0]
    h100_8 = serving_curve(_setup(precision="fp8", n=4), *shape).step_s[0]
    a100_16 = serving_curve(_setup(gpu="a100-80gb", precision="fp16", n=4), *shape).step_s[0]
    a100_8 = serving_curve(_setup(gpu="a100-80gb", precision="fp8", n=4), *shape).step_s[0]
    # at a big batch the step is compute-bound: FP8 halves it on H100, barely moves it on A100
    assert h100_8 < 0.6 * h100_16
    assert a100_8 > 0.9 * a100_16


def test_moe_uses_total_parameters_for_memory_and_active_for_speed():
    mixtral, llama70 = get_open_model("mixtral-8x7b"), get_open_model("llama-3.3-70b")
    one = serving_curve(Setup(mixtral, get_gpu("h100-80gb"), "fp16", "fp16", 2), 500, 500, [1])
    dense = serving_curve(Setup(llama70, get_gpu("h100-80gb"), "fp16", "fp16", 4), 500, 500, [1])
    assert one.step_s[0] < dense.step_s[0] / 2
    # 46.7B weights at 2 bytes (93 GB) do not fit one 80 GB H100 although only 12.9B are active
    from calculators.serving import max_concurrency

    assert max_concurrency(Setup(mixtral, get_gpu("h100-80gb"), "fp16", "fp16", 1), 1000) == 0
    assert max_concurrency(Setup(mixtral, get_gpu("h100-80gb"), "fp16", "fp16", 2), 1000) > 0


def test_tensor_parallel_sizes_divide_the_heads():
    assert valid_tp_sizes(get_open_model("llama-3.3-70b"), get_gpu("h100-80gb")) == (1, 2, 4, 8)
    assert valid_tp_sizes(get_open_model("qwen-2.5-7b"), get_gpu("h100-80gb")) == (1, 2, 4)  # 28 heads
    assert 3 not in valid_tp_sizes(get_open_model("llama-3.3-70b"), get_gpu("h100-80gb"))
    with pytest.raises(CostInputError, match="Use 1, 2, 4, 8"):
        cost_report(Scenario(), CostAssumptions(open_model_id="llama-3.3-70b", gpu_id="h100-80gb", gpus_per_replica=3))


def test_a_model_that_does_not_fit_names_the_smallest_setup_that_does():
    with pytest.raises(CostInputError, match=r"does not fit on up to 1 x cpu-server.*smallest setup that fits is \d x "):
        cost_report(Scenario(), CostAssumptions(open_model_id="llama-3.1-405b", gpu_id="cpu-server"))


def test_latency_targets_choose_the_operating_point():
    free = operating_point(_setup(), 1000, 1000)
    tight = operating_point(_setup(), 1000, 1000, tpot_target_s=0.030)
    assert free.limited_by == "memory" and tight.limited_by == "latency_target"
    assert tight.concurrency < free.concurrency and tight.tpot_s <= 0.030
    impossible = operating_point(_setup(), 1000, 1000, tpot_target_s=0.001)
    assert impossible.concurrency == 1 and not impossible.meets_targets


def test_nearest_published_prefers_the_same_setup():
    m = nearest_published(_setup(), 200, 200, 250)
    assert m is not None and m.model_id == "llama-3.3-70b" and m.gpu_id == "h100-80gb" and m.tensor_parallel == 2
    assert nearest_published(Setup(get_open_model("gpt-oss-20b"), get_gpu("l4"), "int4", "fp16", 1), 500, 500) is None
