"""Ready-made scenarios from the articles' cases, stored as JSON in ``assets/presets/``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from scenario import Scenario, parse_scenario

__all__ = ["PRESETS_DIR", "Preset", "get_preset", "list_presets"]

PRESETS_DIR = Path(__file__).resolve().parents[1] / "assets" / "presets"


class Preset(BaseModel):
    """A named scenario with where its figures come from."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    summary: str
    source: str
    scenario: Scenario


@cache
def list_presets() -> tuple[Preset, ...]:
    """All bundled presets, in a stable order (file name)."""
    presets = []
    for file in sorted(PRESETS_DIR.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        scenario = parse_scenario(data.pop("scenario"))
        presets.append(Preset(scenario=scenario, **data))
    return tuple(presets)


def get_preset(preset_id: str) -> Preset:
    """Look a preset up by its id.

    Raises:
        KeyError: naming the ids that exist.
    """
    for preset in list_presets():
        if preset.id == preset_id:
            return preset
    known = ", ".join(p.id for p in list_presets())
    raise KeyError(f"no preset {preset_id!r}; the presets are {known}")
