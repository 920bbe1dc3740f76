"""A measured speed with where it came from, and whether it describes what the cost model prices.

A figure measured on one model and machine says little about another: a 135M model's speed
on a busy 2-core CPU, applied to a 70B model on H100s, once priced a workload at 1,608 GPUs.
So a measurement carries its provenance, and it is used for the cost model's throughput only
when the model and the hardware match, or when someone says, visibly, to treat it as if they did.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from pydantic import BaseModel, ConfigDict

from calculators.assumptions import CostAssumptions
from calculators.catalog import get_gpu, get_open_model, open_models

__all__ = ["MeasuredSpeed", "catalog_model_for", "mismatches", "names_model"]


class MeasuredSpeed(BaseModel):
    """One measured decode speed and what it was measured on."""

    model_config = ConfigDict(frozen=True)

    tokens_per_s: float
    model: str
    hardware: str
    on_cpu: bool | None  # None: not known (a remote server)
    server: str
    measured_at: str

    @property
    def model_name(self) -> str:
        """The model's file or served name, without its folder."""
        return PurePath(self.model).name or self.model

    def provenance(self) -> str:
        """Model, hardware, server and date in one line."""
        return f"{self.model_name} on {self.hardware}, {self.server}, {self.measured_at}"


def _normal(text: str) -> str:
    return re.sub(r"[_\s]+", "-", text.lower())


def names_model(name: str, model_id: str) -> bool:
    """Whether a served or file name is the catalog model: every part of the id (``llama-3.1-8b``:
    llama, 3.1, 8b) is in it."""
    normal = _normal(PurePath(name).name or name)
    return all(part in normal for part in model_id.split("-"))


def catalog_model_for(name: str) -> str | None:
    """The catalog model a served name is, the longest id that matches (``qwen3-30b-a3b`` before ``qwen3-30b``); None if none."""
    ids = sorted((m.id for m in open_models()), key=len, reverse=True)
    return next((model_id for model_id in ids if names_model(name, model_id)), None)


def mismatches(measured: MeasuredSpeed, assumptions: CostAssumptions) -> list[str]:
    """Why the measurement does not describe the cost model's local setup; empty when it does.

    The model matches when every part of the catalog id (``llama-3.1-8b``: llama, 3.1, 8b)
    is in the measured model's name; the hardware when a CPU measurement meets the catalog's
    CPU server (a GPU's speed cannot be measured here, and a remote server's hardware is unknown).
    """
    model, gpu = get_open_model(assumptions.open_model_id), get_gpu(assumptions.gpu_id)
    problems = []
    if not names_model(measured.model_name, assumptions.open_model_id):
        problems.append(f"it was measured on {measured.model_name}, and the cost model prices {model.name}")
    if measured.on_cpu is None:
        problems.append(f"the hardware behind {measured.server} is not known, and the cost model prices {gpu.name}")
    elif measured.on_cpu and assumptions.gpu_id != "cpu-server":
        problems.append(f"it was measured on {measured.hardware}, and the cost model prices {gpu.name}")
    return problems
