"""How fast one replica of an open model serves requests: a batch-aware step model.

A continuous-batching engine (vLLM, SGLang, TensorRT-LLM) runs decode *steps*: one step
produces one token for each of the B sequences in flight. A step reads the weights once
and every sequence's KV cache, and does 2 x active parameters FLOPs per sequence, so it
takes the longer of the memory time and the compute time, plus a fixed per-step
overhead (scheduling, kernel launches, sampling). A prompt is prefilled compute-bound.
From these come time to first token (TTFT), time per output token (TPOT) and output
tokens/s at concurrency B; memory left after the weights decides the largest B.

The usable fractions of the spec sheet, the per-step overhead and the tensor-parallel
efficiency are named constants calibrated against published serving measurements
(``assets/serving_benchmarks.json``; how: ``docs/capacity-calibration.md``). Everything
is vectorised over the concurrency so a whole throughput-latency curve costs one call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from calculators.catalog import Gpu, OpenModel, Quantisation, bytes_per_param

__all__ = [
    "BANDWIDTH_FRACTION",
    "ENGINE_MAX_CONCURRENCY",
    "FLOPS_FRACTION",
    "MEMORY_FRACTION",
    "PRECISIONS",
    "STEP_OVERHEAD_S",
    "TP_EFFICIENCY",
    "TP_SIZES",
    "Constants",
    "KvPrecision",
    "LimitedBy",
    "OperatingPoint",
    "Precision",
    "ServingCurve",
    "Setup",
    "burst_tokens_per_s",
    "kv_bytes_per_token",
    "max_concurrency",
    "operating_point",
    "serving_curve",
    "smallest_fitting_tp",
    "valid_tp_sizes",
    "weight_bytes",
]

Precision = Quantisation
KvPrecision = Literal["fp16", "fp8"]
LimitedBy = Literal["memory", "latency_target", "compute", "bandwidth"]
PRECISIONS: tuple[Precision, ...] = ("fp16", "fp8", "int8", "int4", "q8", "q4")

_KV_BYTES: dict[str, float] = {"fp16": 2.0, "fp8": 1.0}
# Only FP8 runs its matrix multiplies at the 8-bit tensor rate, and only on GPUs that have
# FP8 tensor cores. int8/int4/GGUF weights are dequantised to FP16 for the multiply
# (weight-only quantisation), so they save memory and bandwidth but no compute.
_EIGHT_BIT_COMPUTE: frozenset[str] = frozenset({"fp8"})

# --- Calibrated constants (docs/capacity-calibration.md says how) -------------------------
# Share of the spec-sheet memory bandwidth a decode step achieves.
BANDWIDTH_FRACTION = 0.80
# Share of the spec-sheet dense tensor FLOPs a batched step or a prefill achieves.
FLOPS_FRACTION = 0.50
# Fixed cost of every decode step (scheduler, kernel launches, sampling), seconds.
STEP_OVERHEAD_S = 0.002
# A tensor-parallel replica of n GPUs works like n x efficiency GPUs (all-reduce per layer).
TP_EFFICIENCY: dict[int, float] = {1: 1.0, 2: 0.8, 4: 0.7, 8: 0.6}
# --- Engine settings, from the engines' documentation ------------------------------------
# vLLM's gpu_memory_utilization default: the share of GPU memory the engine takes.
MEMORY_FRACTION = 0.9
# CUDA context, activations and CUDA graphs per GPU, GB, outside the KV cache.
RUNTIME_OVERHEAD_GB = 2.0
# Sequences an engine schedules at once at most (vLLM's max_num_seqs default is 256;
# TensorRT-LLM and SGLang allow more); more concurrent requests wait in a queue.
ENGINE_MAX_CONCURRENCY = 512
TP_SIZES: tuple[int, ...] = (1, 2, 4, 8)


@dataclass(frozen=True)
class Constants:
    """The calibrated constants as one value, so sensitivity analysis can vary them."""

    bandwidth_fraction: float = BANDWIDTH_FRACTION
    flops_fraction: float = FLOPS_FRACTION
    step_overhead_s: float = STEP_OVERHEAD_S


@dataclass(frozen=True)
class Setup:
    """One replica: a model at a precision on ``gpus_per_replica`` GPUs (tensor parallel)."""

    model: OpenModel
    gpu: Gpu
    precision: Precision = "fp16"
    kv_precision: KvPrecision = "fp16"
    gpus_per_replica: int = 1

    def __hash__(self) -> int:
        # Catalog entries hold dicts (sources); their ids identify them.
        return hash((self.model.id, self.gpu.id, self.precision, self.kv_precision, self.gpus_per_replica))


def weight_bytes(model: OpenModel, precision: Precision) -> float:
    """Bytes every weight of the model takes in memory (total parameters, MoE included)."""
    return model.params_b * 1e9 * bytes_per_param(precision)


def kv_bytes_per_token(model: OpenModel, kv_precision: KvPrecision = "fp16") -> float:
    """KV cache per token: key and value x layers x KV heads x head size x bytes."""
    return 2 * model.layers * model.kv_heads * model.head_dim * _KV_BYTES[kv_precision]


def valid_tp_sizes(model: OpenModel, gpu: Gpu) -> tuple[int, ...]:
    """Tensor-parallel sizes an engine accepts: 1, 2, 4 or 8 dividing the attention heads.

    KV heads must divide by the size too, or the size by them (engines then replicate KV
    heads). A replica stays inside one server.
    """
    return tuple(
        n for n in TP_SIZES
        if n <= gpu.gpus_per_server and model.attention_heads % n == 0 and (model.kv_heads % n == 0 or n % model.kv_heads == 0)
    )


def _kv_replication(model: OpenModel, n: int) -> float:
    # More GPUs than KV heads: each GPU keeps a copy of the head it shares.
    return max(1.0, n / model.kv_heads)


def max_concurrency(setup: Setup, context_tokens: int) -> int:
    """Sequences of ``context_tokens`` whose KV cache fits beside the weights (0: does not fit).

    Free memory = GPUs x memory x MEMORY_FRACTION - weights - RUNTIME_OVERHEAD_GB per GPU.
    """
    n = setup.gpus_per_replica
    free = n * (setup.gpu.memory_gb * 1e9 * MEMORY_FRACTION - RUNTIME_OVERHEAD_GB * 1e9) - weight_bytes(setup.model, setup.precision)
    if free <= 0:
        return 0
    per_sequence = kv_bytes_per_token(setup.model, setup.kv_precision) * max(context_tokens, 1) * _kv_replication(setup.model, n)
    return int(free // per_sequence)


def smallest_fitting_tp(setup: Setup, context_tokens: int) -> int | None:
    """The smallest valid tensor-parallel size that holds the weights and one full sequence."""
    for n in valid_tp_sizes(setup.model, setup.gpu):
        if max_concurrency(_with_tp(setup, n), context_tokens) >= 1:
            return n
    return None


def _with_tp(setup: Setup, n: int) -> Setup:
    return Setup(setup.model, setup.gpu, setup.precision, setup.kv_precision, n)


def _rates(setup: Setup, c: Constants) -> tuple[float, float]:
    """Usable bytes/s and FLOP/s of the whole replica."""
    n = setup.gpus_per_replica
    scale = n * TP_EFFICIENCY.get(n, TP_EFFICIENCY[max(TP_EFFICIENCY)])
    tflops = setup.gpu.fp16_tflops
    if setup.precision in _EIGHT_BIT_COMPUTE and setup.gpu.fp8_tflops:
        tflops = setup.gpu.fp8_tflops
    return setup.gpu.bandwidth_gb_s * 1e9 * c.bandwidth_fraction * scale, tflops * 1e12 * c.flops_fraction * scale


def _weights_read_per_step(setup: Setup, batch: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Weight bytes one decode step reads. A MoE step reads the shared weights and every
    expert some sequence in the batch routes to: E x (1 - (1 - k/E)^B) experts on average."""
    model, per_param = setup.model, bytes_per_param(setup.precision)
    if model.active_params_b is None or not model.experts or not model.experts_per_token:
        return np.full(batch.shape, model.params_b * 1e9 * per_param)
    e, k = model.experts, model.experts_per_token
    per_expert = (model.params_b - model.active_params_b) / (e - k)
    shared = model.active_params_b - k * per_expert
    experts_touched = e * (1 - (1 - k / e) ** batch)
    return (shared + per_expert * experts_touched) * 1e9 * per_param


@dataclass(frozen=True)
class ServingCurve:
    """Steady state at each concurrency (arrays of one length).

    A closed loop: ``concurrency`` requests in flight, a new one arriving as one finishes,
    as vLLM's ``bench serve --max-concurrency`` and NVIDIA's genai-perf measure it.
    """

    concurrency: npt.NDArray[np.float64]
    step_s: npt.NDArray[np.float64]
    ttft_s: npt.NDArray[np.float64]
    tpot_s: npt.NDArray[np.float64]
    e2e_s: npt.NDArray[np.float64]
    requests_per_s: npt.NDArray[np.float64]
    output_tokens_per_s: npt.NDArray[np.float64]
    compute_bound: npt.NDArray[np.bool_]
    # Replica-seconds one prompt token and one generated token take (prefill; a step shared by the batch).
    seconds_per_input_token: float
    seconds_per_output_token: npt.NDArray[np.float64]


def serving_curve(
    setup: Setup, input_tokens: int, output_tokens: int, concurrency: npt.ArrayLike, constants: Constants = Constants()
) -> ServingCurve:
    """TTFT, TPOT, end-to-end time and throughput of one replica at each concurrency.

    A decode step at concurrency B and mean context L = input + output/2 takes
    ``max(memory, compute) + overhead`` with memory = (weights read + B x KV/token x L) /
    usable bandwidth and compute = 2 x active params x B / usable FLOPs. A prefill takes
    P = 2 x active params x input / usable FLOPs. Prefills of arriving requests share the
    GPU with decoding, so requests/s = B / (output x step + B x P) and a request spends
    B / requests/s in the system (Little's law). TTFT waits for the current step and its
    own prefill while a share R x P of the GPU goes to other prefills. A request with no
    output still costs one step (its first token), so it counts as one output token.
    """
    batch = np.maximum(np.asarray(concurrency, dtype=float), 1.0)
    bandwidth, flops = _rates(setup, constants)
    active = (setup.model.active_params_b or setup.model.params_b) * 1e9
    context = input_tokens + output_tokens / 2
    kv = kv_bytes_per_token(setup.model, setup.kv_precision) * _kv_replication(setup.model, setup.gpus_per_replica)
    memory_s = (_weights_read_per_step(setup, batch) + batch * kv * context) / bandwidth
    compute_s = 2 * active * batch / flops
    step = np.maximum(memory_s, compute_s) + constants.step_overhead_s
    prefill = 2 * active * input_tokens / flops
    out = max(output_tokens, 1)
    per_request = out * step + batch * prefill
    requests = batch / per_request
    prefill_share = np.minimum(requests * prefill, 0.999)
    ttft = (step + prefill) / (1 - prefill_share)
    e2e = np.maximum(per_request, ttft)
    tpot = np.where(out > 1, (e2e - ttft) / max(out - 1, 1), step)
    tpot = np.maximum(tpot, step)
    return ServingCurve(
        concurrency=batch,
        step_s=step,
        ttft_s=ttft,
        tpot_s=tpot,
        e2e_s=e2e,
        requests_per_s=requests,
        output_tokens_per_s=requests * out,
        compute_bound=compute_s > memory_s,
        seconds_per_input_token=2 * active / flops,
        seconds_per_output_token=step / batch,
    )


@dataclass(frozen=True)
class OperatingPoint:
    """Where the replica runs: the largest concurrency that meets every target.

    Attributes:
        gpus_per_replica: GPUs in one replica.
        max_concurrency: Sequences the KV cache holds (memory limit).
        concurrency: The chosen concurrency.
        output_tokens_per_s / requests_per_s / ttft_s / tpot_s / e2e_s: at that point.
        limited_by: What stops a larger concurrency.
        meets_targets: False when even one sequence at a time misses a target.
        input_token_weight: What a prompt token costs against a generated one here
            (prefill time per token / replica time per generated token).
        curve: The throughput-latency curve from 1 to the largest concurrency considered.
    """

    gpus_per_replica: int
    max_concurrency: int
    concurrency: int
    output_tokens_per_s: float
    requests_per_s: float
    ttft_s: float
    tpot_s: float
    e2e_s: float
    limited_by: LimitedBy
    meets_targets: bool
    input_token_weight: float
    curve: ServingCurve


def burst_tokens_per_s(
    setup: Setup, prompts: int, input_tokens: int, output_tokens: int, longest_output_tokens: int, constants: Constants = Constants()
) -> float:
    """Output tokens/s when ``prompts`` requests arrive at once and are drained (vLLM's
    ``bench serve --request-rate inf``). All prompts are prefilled, then decoding runs until
    the longest answer ends, with fewer and fewer sequences: on average
    ``prompts x mean output / longest output`` of them (capped by memory)."""
    limit = max(1, min(prompts, max_concurrency(setup, input_tokens + longest_output_tokens)))
    bandwidth, flops = _rates(setup, constants)
    active = (setup.model.active_params_b or setup.model.params_b) * 1e9
    prefill_s = prompts * 2 * active * input_tokens / flops
    in_flight = min(float(limit), prompts * output_tokens / max(longest_output_tokens, 1))
    step = serving_curve(setup, input_tokens, output_tokens, [in_flight], constants).step_s[0]
    decode_s = prompts * output_tokens / in_flight * step
    return prompts * output_tokens / (prefill_s + decode_s)


def _curve_points(limit: int) -> npt.NDArray[np.float64]:
    # Every concurrency up to 64, then a log grid (with the limit): enough to find the
    # largest one meeting a target to within a few percent, at a few hundred points.
    dense = np.arange(1, min(limit, 64) + 1, dtype=float)
    if limit <= 64:
        return dense
    return np.unique(np.concatenate([dense, np.round(np.geomspace(64, limit, 160)), [float(limit)]]))


@lru_cache(maxsize=512)
def operating_point(
    setup: Setup,
    input_tokens: int,
    output_tokens: int,
    *,
    concurrency: int | None = None,
    ttft_target_s: float | None = None,
    tpot_target_s: float | None = None,
    constants: Constants = Constants(),
) -> OperatingPoint:
    """The replica's operating point for one request shape.

    ``concurrency`` fixes it (capped by memory); otherwise the largest concurrency up to
    what memory and the engine allow whose TTFT and TPOT meet the targets given (no
    target: the largest memory allows, i.e. maximum throughput).

    Cached: the sensitivity analysis asks for the same point many times. The result is
    frozen, and its arrays are not to be written to.

    Raises:
        ValueError: the model does not fit this replica (check ``max_concurrency`` first).
    """
    context = input_tokens + output_tokens
    memory_limit = max_concurrency(setup, context)
    if memory_limit < 1:
        raise ValueError(f"{setup.model.name} does not fit {setup.gpus_per_replica} x {setup.gpu.name} at {setup.precision}")
    limit = min(memory_limit, ENGINE_MAX_CONCURRENCY)
    points = _curve_points(max(limit, concurrency or 1) if concurrency else limit)
    curve = serving_curve(setup, input_tokens, output_tokens, points, constants)
    meets = np.ones(points.shape, dtype=bool)
    if ttft_target_s is not None:
        meets &= curve.ttft_s <= ttft_target_s
    if tpot_target_s is not None:
        meets &= curve.tpot_s <= tpot_target_s
    feasible_everywhere = True
    if concurrency is not None:
        chosen = min(concurrency, memory_limit)
        limited: LimitedBy | None = "memory" if concurrency > memory_limit else None
    elif meets.any():
        chosen = int(points[np.flatnonzero(meets)[-1]])
        limited = "memory" if chosen == memory_limit else ("latency_target" if chosen < limit else None)
    else:
        chosen, limited, feasible_everywhere = 1, "latency_target", False
    at = serving_curve(setup, input_tokens, output_tokens, [chosen], constants)
    if limited is None:
        limited = "compute" if bool(at.compute_bound[0]) else "bandwidth"
    if concurrency is not None:
        feasible_everywhere = bool(
            (ttft_target_s is None or at.ttft_s[0] <= ttft_target_s) and (tpot_target_s is None or at.tpot_s[0] <= tpot_target_s)
        )
    return OperatingPoint(
        gpus_per_replica=setup.gpus_per_replica,
        max_concurrency=memory_limit,
        concurrency=int(chosen),
        output_tokens_per_s=float(at.output_tokens_per_s[0]),
        requests_per_s=float(at.requests_per_s[0]),
        ttft_s=float(at.ttft_s[0]),
        tpot_s=float(at.tpot_s[0]),
        e2e_s=float(at.e2e_s[0]),
        limited_by=limited,
        meets_targets=feasible_everywhere,
        input_token_weight=at.seconds_per_input_token / float(at.seconds_per_output_token[0]),
        curve=curve,
    )
