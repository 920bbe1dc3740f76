"""GPU and open-model catalogs from ``assets/``, and what a model needs to run.

Every figure in the catalogs carries its source and date; see the JSON files.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ASSETS_DIR",
    "Gpu",
    "OpenModel",
    "Quantisation",
    "estimated_tokens_per_second",
    "get_gpu",
    "get_open_model",
    "gpus",
    "gpus_needed_to_fit",
    "memory_needed_gb",
    "open_models",
    "quantisation_label",
]

ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"
Quantisation = Literal["fp16", "q8", "q4"]
# Runtime buffers, CUDA context and fragmentation on top of weights and KV cache.
RUNTIME_OVERHEAD = 0.10


class Gpu(BaseModel):
    """One accelerator (or a CPU-only server) with its price and power figures."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    memory_gb: float
    bandwidth_gb_s: float
    power_w: float
    rent_usd_per_hour: float
    purchase_usd: float
    gpus_per_server: int
    sources: dict[str, str]
    as_of: str


class OpenModel(BaseModel):
    """An open-weights model's size and attention shape (for the KV cache)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    params_b: float
    active_params_b: float | None = None
    layers: int
    kv_heads: int
    head_dim: int
    context_max: int
    licence: str
    source: str
    as_of: str


def _load(name: str) -> dict:
    return json.loads((ASSETS_DIR / name).read_text(encoding="utf-8"))


@cache
def gpus() -> tuple[Gpu, ...]:
    """Every GPU in the catalog, in catalog order."""
    return tuple(Gpu(**g) for g in _load("gpus.json")["gpus"])


@cache
def open_models() -> tuple[OpenModel, ...]:
    """Every open model in the catalog, in catalog order."""
    return tuple(OpenModel(**m) for m in _load("open_models.json")["models"])


@cache
def _quantisations() -> dict[str, dict[str, float | str]]:
    return _load("open_models.json")["quantisations"]


def quantisation_label(quantisation: Quantisation) -> str:
    """The quantisation's name in words, e.g. '4-bit (GGUF Q4_K_M: ...)'."""
    return str(_quantisations()[quantisation]["label"])


def get_gpu(gpu_id: str) -> Gpu:
    """Look a GPU up by id; KeyError lists the ids that exist."""
    for gpu in gpus():
        if gpu.id == gpu_id:
            return gpu
    raise KeyError(f"no GPU {gpu_id!r}; the catalog has {', '.join(g.id for g in gpus())}")


def get_open_model(model_id: str) -> OpenModel:
    """Look an open model up by id; KeyError lists the ids that exist."""
    for model in open_models():
        if model.id == model_id:
            return model
    raise KeyError(f"no model {model_id!r}; the catalog has {', '.join(m.id for m in open_models())}")


def _weights_gb(model: OpenModel, quantisation: Quantisation, *, active_only: bool = False) -> float:
    params = (model.active_params_b or model.params_b) if active_only else model.params_b
    return params * float(_quantisations()[quantisation]["bytes_per_param"])


def memory_needed_gb(model: OpenModel, quantisation: Quantisation, context_tokens: int, concurrent_sequences: int = 1) -> float:
    """Weights + FP16 KV cache for ``concurrent_sequences`` full contexts + runtime overhead, in GB.

    KV cache per token = 2 (key and value) x layers x KV heads x head size x 2 bytes.
    """
    kv_bytes_per_token = 2 * model.layers * model.kv_heads * model.head_dim * 2
    kv_gb = kv_bytes_per_token * context_tokens * concurrent_sequences / 1e9
    return (_weights_gb(model, quantisation) + kv_gb) * (1 + RUNTIME_OVERHEAD)


def gpus_needed_to_fit(model: OpenModel, quantisation: Quantisation, gpu: Gpu, context_tokens: int, concurrent_sequences: int = 1) -> int:
    """How many of ``gpu`` one copy of the model needs (tensor-parallel), at least 1."""
    return max(1, math.ceil(memory_needed_gb(model, quantisation, context_tokens, concurrent_sequences) / gpu.memory_gb))


def estimated_tokens_per_second(
    model: OpenModel,
    quantisation: Quantisation,
    gpu: Gpu,
    gpus_per_replica: int,
    concurrent_sequences: int = 16,
    bandwidth_efficiency: float = 0.6,
) -> float:
    """A first estimate of one replica's generated tokens per second, all sequences together.

    Generation is memory-bound: each new token reads every active weight once, so one
    sequence decodes at about (usable bandwidth / weight bytes) tokens a second, and a batch
    of concurrent sequences shares that read. Replace it with a measured figure when you
    have one (the playground measures it).
    """
    usable_bandwidth = gpu.bandwidth_gb_s * gpus_per_replica * bandwidth_efficiency
    single_sequence = usable_bandwidth / _weights_gb(model, quantisation, active_only=True)
    return single_sequence * concurrent_sequences
