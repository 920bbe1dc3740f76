"""One decision as a document: the scenario, the factor weights and the cost assumptions.

This is what the scenario library saves, what a shared link carries and what a report is
made from. It holds no API key and cannot: none of its parts has a field for one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.scoring import Weights
from calculators import CostAssumptions, CostInputError, parse_assumptions
from scenario import InputError, Scenario, parse_json, parse_scenario
from scenario.limits import Limit, read_user_file

__all__ = ["MAX_DECISION_BYTES", "Decision", "InputError", "check_decision_size", "decode_decision", "load_decision_file", "parse_decision"]

MAX_FILE_BYTES = 1_000_000
# A decision is about 1.5 KB of JSON; the cap keeps one save (or one link) from storing megabytes.
MAX_DECISION_BYTES = Limit("bytes of JSON", 64_000, "CROSSOVER_MAX_DECISION_BYTES")


class Decision(BaseModel):
    """Everything a team decided with: what the workload is, what counts, what things cost."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: Scenario = Field(default_factory=Scenario)
    weights: Weights = Field(default_factory=Weights)
    costs: CostAssumptions = Field(default_factory=CostAssumptions)

    def to_json_dict(self) -> dict[str, Any]:
        """The decision as plain JSON values (what files, links and the database hold)."""
        return self.model_dump(mode="json")


def _weights(data: Any) -> Weights:
    if not isinstance(data, dict):
        raise InputError([f"weights: expected an object of factor weights, got {type(data).__name__}"])
    try:
        return Weights.model_validate(data)
    except ValidationError as exc:
        known = ", ".join(Weights.model_fields)
        problems = []
        for error in exc.errors():
            where = "weights." + ".".join(str(p) for p in error["loc"])
            if error["type"] == "extra_forbidden":
                problems.append(f"{where}: unknown factor; the factors are {known}")
            else:
                problems.append(f"{where}: {json.dumps(error.get('input'), default=str)} is not allowed; use a number from 0 to 10")
        raise InputError(problems) from None


def _costs(data: Any) -> CostAssumptions:
    if not isinstance(data, dict):
        raise InputError([f"costs: expected an object of cost assumptions, got {type(data).__name__}"])
    try:
        return parse_assumptions(data)
    except CostInputError as exc:
        raise InputError([f"costs: {exc}"]) from None


def parse_decision(data: Any) -> Decision:
    """Read a decoded JSON object as a decision.

    Accepts a decision (``{"scenario": ..., "weights": ..., "costs": ...}``; weights and
    costs optional), a preset file (which has a ``scenario`` key) or a bare scenario (the
    ``crossover recommend --scenario`` contract).

    Raises:
        InputError: naming every field that is wrong and what it accepts.
    """
    if not isinstance(data, dict):
        raise InputError([f"expected a JSON object, got {type(data).__name__}"])
    if isinstance(data.get("scenario"), dict):
        scenario_data, weights_data, costs_data = data["scenario"], data.get("weights", {}), data.get("costs", {})
        prefix = "scenario."
    else:
        scenario_data, weights_data, costs_data = data, {}, {}
        prefix = ""
    problems: list[str] = []
    parts: dict[str, Any] = {}
    try:
        parts["scenario"] = parse_scenario(scenario_data)
    except InputError as exc:
        problems.extend(prefix + p for p in exc.problems)
    for name, reader, value in (("weights", _weights, weights_data), ("costs", _costs, costs_data)):
        try:
            parts[name] = reader(value)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return Decision(**parts)


def check_decision_size(decision: Decision, where: str = "the decision") -> str:
    """The decision as the JSON a library row holds, refused over :data:`MAX_DECISION_BYTES`.

    Raises:
        InputError: naming the cap and the setting that raises it.
    """
    payload = decision.model_dump_json()
    MAX_DECISION_BYTES.check(len(payload.encode()), where)
    return payload


def decode_decision(content: bytes, name: str = "the file") -> Decision:
    """Read an uploaded or downloaded decision/scenario JSON file's bytes.

    Raises:
        InputError: when the bytes are too large, not UTF-8 JSON or hold invalid fields.
    """
    if len(content) > MAX_FILE_BYTES:
        raise InputError([f"{name}: {len(content):,} bytes is too large for a scenario file (limit {MAX_FILE_BYTES:,})"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([f"{name}: not a text file (save it as UTF-8 JSON)"]) from None
    try:
        data = parse_json(text, name)
    except ValueError as exc:
        raise InputError([str(exc)]) from None
    try:
        decision = parse_decision(data)
    except InputError as exc:
        raise InputError([f"{name}: {p}" for p in exc.problems]) from None
    check_decision_size(decision, name)
    return decision


def load_decision_file(path: str | Path) -> Decision:
    """Read a decision (or scenario, or preset) JSON file from disk.

    Raises:
        InputError: when the file is missing, unreadable, not JSON or holds invalid fields.
    """
    file = Path(path)
    return decode_decision(read_user_file(file, MAX_FILE_BYTES), str(file))

