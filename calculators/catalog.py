"""GPU and open-model catalogs from ``assets/``, and what a model needs to run.

Every figure in the catalogs carries its source and date; see the JSON files.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ASSETS_DIR",
    "Gpu",
    "OpenModel",
    "Quantisation",
    "RentPrice",
    "bytes_per_param",
    "get_gpu",
    "get_open_model",
    "gpus",
    "open_models",
    "quantisation_label",
]

ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"
# fp16 covers bf16; int4 is AWQ/GPTQ-class; q8/q4 are GGUF for llama.cpp and CPUs.
Quantisation = Literal["fp16", "fp8", "int8", "int4", "q8", "q4"]


class RentPrice(BaseModel):
    """One provider's on-demand price for one GPU, on the date it was read."""

    model_config = ConfigDict(frozen=True)

    provider: str
    usd_per_hour: float
    source: str
    as_of: str


class Gpu(BaseModel):
    """One accelerator (or a CPU-only server) with its price and power figures."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    memory_gb: float
    bandwidth_gb_s: float
    # Dense tensor-core TFLOPS (no sparsity); fp8 None: no FP8 tensor cores.
    fp16_tflops: float
    fp8_tflops: float | None
    power_w: float
    rent_usd_per_hour: float
    purchase_usd: float
    gpus_per_server: int
    rent_prices: tuple[RentPrice, ...] = ()
    sources: dict[str, str]
    as_of: str


class OpenModel(BaseModel):
    """An open-weights model's size and attention shape (for the KV cache)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    params_b: float
    active_params_b: float | None = None
    experts: int | None = None
    experts_per_token: int | None = None
    layers: int
    attention_heads: int
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


def bytes_per_param(quantisation: Quantisation) -> float:
    """Bytes one weight takes at this precision (scales and zero points included)."""
    return float(_quantisations()[quantisation]["bytes_per_param"])
