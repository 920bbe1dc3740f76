"""One replica's capacity estimate with its evidence: what the Costs page, ``crossover
capacity`` and ``crossover costs`` show beside every local figure."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from calculators.benchmarks import PublishedMeasurement, nearest_published
from calculators.catalog import get_gpu, get_open_model
from calculators.errors import CostInputError
from calculators.serving import KvPrecision, LimitedBy, OperatingPoint, Precision, Setup, operating_point
from calculators.setups import check_setup

__all__ = ["CapacityEstimate", "capacity_estimate", "estimate_capacity"]


class CapacityEstimate(BaseModel):
    """The operating point of one replica, and the nearest published measurement."""

    model_config = ConfigDict(frozen=True)

    gpus_per_replica: int
    max_concurrency: int
    concurrency: int
    output_tokens_per_s: float
    requests_per_s: float
    ttft_ms: float
    tpot_ms: float
    e2e_ms: float
    limited_by: LimitedBy
    meets_targets: bool
    throughput_source: Literal["step model", "your figure"]
    # The step model's own figure, kept beside one the user set, so the estimate stays in view.
    estimated_tokens_per_s: float | None = None
    nearest_published: PublishedMeasurement | None

    def sentence(self) -> str:
        """'estimate 1,650 tokens/s; published: vLLM 0.5.4, FP8, 2 x H100, 1,728 tokens/s'."""
        text = f"estimate {self.output_tokens_per_s:,.0f} tokens/s"
        if self.throughput_source == "your figure":
            text = f"your figure {self.output_tokens_per_s:,.0f} tokens/s"
            if self.estimated_tokens_per_s is not None:
                text += f" (the step model estimates {self.estimated_tokens_per_s:,.0f})"
        m = self.nearest_published
        if m is None:
            return text + "; no published measurement of a model this size"
        return (
            f"{text}; published: {m.label()}, {m.input_tokens:,}/{m.output_tokens:,} tokens, {m.load.describe()}, "
            f"{m.output_tokens_per_s:,.0f} tokens/s"
        )


def capacity_estimate(setup: Setup, point: OperatingPoint, input_tokens: int, output_tokens: int,
                      measured_tokens_per_s: float | None = None) -> CapacityEstimate:
    """The operating point as shown, with the nearest published measurement.

    ``measured_tokens_per_s`` (a figure the user typed) replaces the throughput and requests/s.
    """
    tokens = measured_tokens_per_s if measured_tokens_per_s is not None else point.output_tokens_per_s
    return CapacityEstimate(
        gpus_per_replica=point.gpus_per_replica,
        max_concurrency=point.max_concurrency,
        concurrency=point.concurrency,
        output_tokens_per_s=tokens,
        requests_per_s=tokens / max(output_tokens, 1),
        ttft_ms=point.ttft_s * 1000,
        tpot_ms=point.tpot_s * 1000,
        e2e_ms=point.e2e_s * 1000,
        limited_by=point.limited_by,
        meets_targets=point.meets_targets,
        throughput_source="your figure" if measured_tokens_per_s is not None else "step model",
        estimated_tokens_per_s=point.output_tokens_per_s,
        nearest_published=nearest_published(setup, input_tokens, output_tokens, point.concurrency),
    )


def estimate_capacity(
    model_id: str,
    gpu_id: str,
    precision: Precision = "fp16",
    kv_precision: KvPrecision = "fp16",
    gpus_per_replica: int | None = None,
    input_tokens: int = 500,
    output_tokens: int = 300,
    *,
    concurrency: int | None = None,
    ttft_target_ms: float | None = None,
    tpot_target_ms: float | None = None,
) -> CapacityEstimate:
    """One replica's capacity from catalog ids (``crossover capacity``).

    No concurrency and no target: the largest concurrency memory allows (maximum throughput).

    Raises:
        CostInputError: unknown ids (listing the known ones), a tensor-parallel size the
            model cannot use (naming those it can), a model that does not fit (naming the
            smallest setup that does).
    """
    try:
        model, gpu = get_open_model(model_id), get_gpu(gpu_id)
    except KeyError as exc:
        raise CostInputError(exc.args[0]) from None
    n = check_setup(model, gpu, precision, kv_precision, input_tokens + output_tokens, gpus_per_replica)
    setup = Setup(model, gpu, precision, kv_precision, n)
    point = operating_point(
        setup, input_tokens, output_tokens, concurrency=concurrency,
        ttft_target_s=None if ttft_target_ms is None else ttft_target_ms / 1000,
        tpot_target_s=None if tpot_target_ms is None else tpot_target_ms / 1000,
    )
    return capacity_estimate(setup, point, input_tokens, output_tokens)
