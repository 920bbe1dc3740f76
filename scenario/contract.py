"""The workload a team is deciding about: the contract shared by the UI, the CLI and saved files.

The JSON field names here are a public contract: shared links, saved scenarios and
``crossover recommend --scenario FILE.json`` all use them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scenario.errors import InputError
from scenario.limits import read_json, read_user_file
from scenario.text import excerpt

__all__ = [
    "LoadPattern",
    "QualityNeed",
    "Regulation",
    "Scenario",
    "TeamCapacity",
    "allowed_values",
    "load_scenario_file",
    "parse_scenario",
    "parse_json",
]

# A scenario or decision file is a few kilobytes; a megabyte is room for any real one.
MAX_FILE_BYTES = 1_000_000

Regulation = Literal["hipaa", "gdpr", "pci", "finance", "government", "air_gapped", "trade_secrets"]
TeamCapacity = Literal["none", "some", "dedicated"]
QualityNeed = Literal["standard", "frontier"]
LoadPattern = Literal["steady", "spiky", "unknown"]


class Scenario(BaseModel):
    """One LLM workload, described the way the selection checklist asks about it.

    Defaults describe a modest production feature: 50k requests a month of short chat
    turns, no regulated data, a 2 s response-time target, a team with some DevOps
    capacity and a one-year horizon.
    """

    # strict: "5" is not a number and true is not a count; extra="forbid": a typo in a
    # saved file must not silently fall back to a default.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    requests_per_month: Annotated[int, Field(ge=0, le=10**12)] = 50_000
    input_tokens_per_request: Annotated[int, Field(ge=0, le=10_000_000)] = 500
    output_tokens_per_request: Annotated[int, Field(ge=0, le=10_000_000)] = 300
    sensitive_share: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.0
    regulations: list[Regulation] = Field(default_factory=list)
    # The whole answer's p95 (the field's meaning since the first release). ``answer_p95_ms``,
    # when set, takes its place; ``ttft_ms`` adds a target for the first token of a streamed answer.
    latency_p95_ms: Annotated[int, Field(gt=0, le=600_000)] = 2_000
    ttft_ms: int | None = Field(default=None, gt=0, le=600_000)
    answer_p95_ms: int | None = Field(default=None, gt=0, le=600_000)
    team: TeamCapacity = "some"
    horizon_months: Annotated[int, Field(ge=1, le=240)] = 12
    needs_fine_tuning: bool = False
    quality_need: QualityNeed = "standard"
    load_pattern: LoadPattern = "unknown"
    # Share of requests that can wait for a provider's batch API (results within hours).
    batch_share: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.0

    @property
    def tokens_per_month(self) -> int:
        """Input plus output tokens across the month's requests."""
        return self.requests_per_month * (self.input_tokens_per_request + self.output_tokens_per_request)

    @property
    def first_token_target_ms(self) -> int:
        """The first-token target the capacity model sizes replicas for: ``ttft_ms`` when set,
        else the p95 (which the capacity model has read as a first-token target)."""
        return self.ttft_ms if self.ttft_ms is not None else self.latency_p95_ms

    @property
    def regulated(self) -> bool:
        """True when any regulation applies to the workload's data."""
        return bool(self.regulations)


def allowed_values(field_name: str) -> str:
    """Describe in words what a Scenario field accepts, from the model's own constraints.

    Args:
        field_name: A field of :class:`Scenario`.

    Returns:
        For example ``"a whole number from 0 to 1000000000000"`` or ``"one of: none, some, dedicated"``.
    """
    info = Scenario.model_fields[field_name]
    annotation = info.annotation
    optional = ""
    if type(None) in get_args(annotation):  # ``int | None``: describe the int, then say null is fine
        annotation = next(a for a in get_args(annotation) if a is not type(None))
        optional = " (or null for none)"
    if annotation is bool:
        return "true or false"
    literal_args = get_args(annotation)
    if getattr(annotation, "__origin__", None) is list:
        return "a list of: " + ", ".join(get_args(literal_args[0]))
    if literal_args:
        return "one of: " + ", ".join(literal_args)
    low: str | None = None
    high: str | None = None
    for constraint in info.metadata:
        if isinstance(constraint, annotated_types.Ge):
            low = _number(constraint.ge)
        elif isinstance(constraint, annotated_types.Gt):
            low = f"more than {_number(constraint.gt)}"
        elif isinstance(constraint, annotated_types.Le):
            high = _number(constraint.le)
    kind = "a whole number" if annotation is int else "a number"
    if low and low.startswith("more than"):
        return f"{kind} {low}, up to {high}{optional}"
    return f"{kind} from {low} to {high}{optional}"


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _describe(error: dict[str, Any]) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "scenario"
    field = str(error["loc"][0]) if error["loc"] else ""
    given = error.get("input")
    if error["type"] == "extra_forbidden":
        known = ", ".join(Scenario.model_fields)
        return f"{location}: unknown field; the fields are {known}"
    if error["type"] == "missing":
        return f"{location}: required"
    shown = "NaN" if isinstance(given, float) and math.isnan(given) else excerpt(given)
    allowed = allowed_values(field) if field in Scenario.model_fields else ""
    return f"{location}: {shown} is not allowed; use {allowed}" if allowed else f"{location}: {error['msg']}"


def parse_scenario(data: Any) -> Scenario:
    """Validate a decoded JSON object into a :class:`Scenario`.

    Args:
        data: Usually a ``dict`` decoded from JSON.

    Returns:
        The validated scenario.

    Raises:
        InputError: naming every field that is wrong and what it accepts.
    """
    if not isinstance(data, dict):
        raise InputError([f"scenario: expected a JSON object with fields, got {type(data).__name__}"])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError([_describe(e) for e in exc.errors()]) from None


def load_scenario_file(path: str | Path) -> Scenario:
    """Read a scenario JSON file (the object itself, or a preset with a ``scenario`` key).

    Raises:
        InputError: when the file is missing, is not JSON, or holds invalid fields.
    """
    file = Path(path)
    data = parse_json(read_user_file(file, MAX_FILE_BYTES), str(file))
    if isinstance(data, dict) and isinstance(data.get("scenario"), dict):
        data = data["scenario"]
    return parse_scenario(data)


def parse_json(text: str | bytes, where: str, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Strict JSON from a file's text (no NaN or Infinity), within a size and nesting limit.

    Raises:
        InputError: (a ``ValueError``) naming ``where`` and what is wrong, e.g. the line and column.
    """
    return read_json(text, where, max_bytes=max_bytes)
