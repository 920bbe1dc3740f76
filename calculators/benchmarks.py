"""Published serving measurements, the step model's estimate for each, and the nearest one
to a setup (the evidence shown beside every estimate).

``assets/serving_benchmarks.json`` holds the measurements, copied exactly from their
sources. :func:`calibration_rows` runs the step model on every row under the row's own
load; the calibration test and ``docs/capacity-calibration.md`` both come from it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import statistics
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from calculators.catalog import ASSETS_DIR, get_gpu, get_open_model
from calculators.serving import Constants, KvPrecision, OperatingPoint, Precision, Setup, burst_tokens_per_s, operating_point

__all__ = [
    "CalibrationRow",
    "Load",
    "PublishedMeasurement",
    "calibration_markdown",
    "calibration_rows",
    "estimate_for",
    "estimated_tokens_per_s",
    "nearest_published",
    "published_measurements",
]


class Load(BaseModel):
    """How the source loaded the server: fixed concurrency, all prompts at once, or maximum throughput."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["concurrency", "prompts_at_once", "max_throughput"]
    value: int | None = None
    # For a burst: the longest answer in the sample, which decides how long draining takes.
    longest_output_tokens: int | None = None

    def describe(self) -> str:
        """The load in words, e.g. 'concurrency 25'."""
        if self.kind == "concurrency":
            return f"concurrency {self.value}"
        if self.kind == "prompts_at_once":
            return f"{self.value} prompts at once"
        return "maximum throughput"


class PublishedMeasurement(BaseModel):
    """One row of ``assets/serving_benchmarks.json``."""

    model_config = ConfigDict(frozen=True)

    id: str
    engine: str
    engine_version: str
    model_id: str
    gpu_id: str
    tensor_parallel: int
    precision: Precision
    kv_precision: KvPrecision
    input_tokens: int
    output_tokens: int
    load: Load
    output_tokens_per_s: float
    ttft_ms: float | None = None
    tpot_ms: float | None = None
    itl_ms: float | None = None
    source: str
    source_copy: str | None = None
    date: str
    note: str

    def setup(self) -> Setup:
        """The replica the measurement ran on."""
        return Setup(get_open_model(self.model_id), get_gpu(self.gpu_id), self.precision, self.kv_precision, self.tensor_parallel)

    def label(self) -> str:
        """'vLLM 0.5.4, FP8, 2 x NVIDIA H100 80GB (SXM)'."""
        gpu = get_gpu(self.gpu_id)
        return f"{self.engine} {self.engine_version}, {self.precision.upper()}, {self.tensor_parallel} x {gpu.name}"


@cache
def published_measurements() -> tuple[PublishedMeasurement, ...]:
    """Every published measurement, in file order."""
    data = json.loads((ASSETS_DIR / "serving_benchmarks.json").read_text(encoding="utf-8"))
    return tuple(PublishedMeasurement(**row) for row in data["rows"])


def estimate_for(row: PublishedMeasurement, constants: Constants = Constants()) -> OperatingPoint:
    """The step model's operating point under the row's own load (fixed concurrency or maximum throughput)."""
    constants = row_constants(row, constants)
    concurrency = None if row.load.kind == "max_throughput" else row.load.value
    return operating_point(row.setup(), row.input_tokens, row.output_tokens, concurrency=concurrency, constants=constants)


@dataclass(frozen=True)
class CalibrationRow:
    """One measurement beside the model's estimate."""

    measurement: PublishedMeasurement
    estimate_tokens_per_s: float
    ratio: float  # estimate / published


# Engines whose per-step CPU cost was far above today's. vLLM before 0.6 scheduled on the
# CPU between steps: Lambda's report says the GPUs drew ~60% power under 0.5.4 and that
# 0.6.0 "more than doubles output throughput"; its median inter-token latency for Llama 3.1
# 8B FP8 on one H100 was 19.75 ms where reading the weights takes ~4 ms. Calibrated on
# those rows' ITL and throughput together.
LEGACY_STEP_OVERHEAD_S: dict[tuple[str, str], float] = {("vLLM", "0.5.4"): 0.020}


def row_constants(row: PublishedMeasurement, constants: Constants = Constants()) -> Constants:
    """The constants for one row: the engine's own per-step overhead where it is known to differ."""
    overhead = LEGACY_STEP_OVERHEAD_S.get((row.engine, row.engine_version))
    return constants if overhead is None else dataclasses.replace(constants, step_overhead_s=overhead)


def estimated_tokens_per_s(row: PublishedMeasurement, constants: Constants = Constants()) -> float:
    """The step model's output tokens/s under the row's own load."""
    constants = row_constants(row, constants)
    if row.load.kind == "prompts_at_once":
        return burst_tokens_per_s(row.setup(), int(row.load.value or 1), row.input_tokens, row.output_tokens,
                                  int(row.load.longest_output_tokens or row.output_tokens), constants)
    return estimate_for(row, constants).output_tokens_per_s


def calibration_rows(constants: Constants = Constants()) -> list[CalibrationRow]:
    """The estimate and its ratio to the published figure, for every row."""
    rows = []
    for m in published_measurements():
        estimate = estimated_tokens_per_s(m, constants)
        rows.append(CalibrationRow(m, estimate, estimate / m.output_tokens_per_s))
    return rows


def calibration_markdown(constants: Constants = Constants()) -> str:
    """The table in ``docs/capacity-calibration.md`` (between its markers)."""
    rows = calibration_rows(constants)
    lines = [
        "| id | engine | model | GPUs | precision | in / out tokens | load | published tok/s | estimate tok/s | ratio |",
        "|---|---|---|---|---|---|---|---:|---:|---:|",
    ]
    for r in rows:
        m = r.measurement
        lines.append(
            f"| [{m.id}]({m.source}) | {m.engine} {m.engine_version} | {m.model_id} | {m.tensor_parallel} x {m.gpu_id} | "
            f"{m.precision} (KV {m.kv_precision}) | {m.input_tokens:,} / {m.output_tokens:,} | {m.load.describe()} | "
            f"{m.output_tokens_per_s:,.0f} | {r.estimate_tokens_per_s:,.0f} | {r.ratio:.2f} |"
        )
    ratios = [r.ratio for r in rows]
    lines.append("")
    lines.append(
        f"{len(rows)} rows: median ratio {statistics.median(ratios):.2f}, "
        f"lowest {min(ratios):.2f}, highest {max(ratios):.2f}."
    )
    return "\n".join(lines)


@cache
def _row_concurrency(row_id: str) -> float:
    # Maximum-throughput rows do not state their concurrency: take the model's.
    row = next(m for m in published_measurements() if m.id == row_id)
    return float(row.load.value) if row.load.value else float(estimate_for(row).concurrency)


def nearest_published(setup: Setup, input_tokens: int, output_tokens: int, concurrency: int = 1) -> PublishedMeasurement | None:
    """The measurement closest to a setup: same model first, then GPU, precision, GPU count,
    request shape and load (log distances). None when no row is within 2x of the model's size."""
    best, best_score = None, math.inf
    for m in published_measurements():
        model = get_open_model(m.model_id)
        size_gap = abs(math.log(model.params_b / setup.model.params_b))
        if size_gap > math.log(2):
            continue
        score = (
            (0 if m.model_id == setup.model.id else 4 + size_gap)
            + (0 if m.gpu_id == setup.gpu.id else 3)
            + (0 if m.precision == setup.precision else 2)
            + (0 if m.tensor_parallel == setup.gpus_per_replica else 1)
            + abs(math.log((m.input_tokens + 1) / (input_tokens + 1))) * 0.5
            + abs(math.log((m.output_tokens + 1) / (output_tokens + 1))) * 0.5
            + abs(math.log(_row_concurrency(m.id) / max(concurrency, 1))) * 0.5
        )
        if score < best_score:
            best, best_score = m, score
    return best
