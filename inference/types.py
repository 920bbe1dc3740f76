"""What a backend is asked, what it streams, and the measured record a run ends with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["BackendFailure", "ErrorKind", "GenerationRequest", "RunResult", "StreamEvent"]

ErrorKind = Literal[
    "no_key", "auth", "rate_limited", "timeout", "connection", "unknown_model",
    "context_overflow", "model_file", "server", "bad_request", "cancelled", "blocked",
]


class GenerationRequest(BaseModel):
    """One prompt to answer."""

    prompt: str = Field(min_length=1)
    system: str = ""
    max_tokens: int = Field(default=128, ge=1, le=32_768)
    temperature: float = Field(default=0.7, ge=0.0, le=2.0, allow_inf_nan=False)

    def messages(self) -> list[dict[str, str]]:
        """Chat messages in the OpenAI shape (system first when given)."""
        head = [{"role": "system", "content": self.system}] if self.system.strip() else []
        return [*head, {"role": "user", "content": self.prompt}]


@dataclass(frozen=True)
class StreamEvent:
    """One thing a backend reports while answering: text, token counts, or a status line."""

    text: str = ""
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_prompt_tokens: int | None = None
    # Hidden thinking tokens, already counted in output_tokens (OpenAI's completion_tokens_details).
    reasoning_tokens: int | None = None
    status: str | None = None
    load_ms: float | None = None
    retries: int | None = None
    waited_ms: float | None = None
    cold: bool | None = None
    token_source: str | None = None
    # The CPU threads an in-process model decodes with (after the caps), for what a speed was measured on.
    threads: int | None = None


class BackendFailure(Exception):
    """A backend could not answer; ``message`` says what happened and what to do."""

    def __init__(self, kind: ErrorKind, message: str, *, retry_after_s: float | None = None, retries: int = 0):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after_s = retry_after_s
        self.retries = retries


class RunResult(BaseModel):
    """The measured record of one run. Times in milliseconds, from the reading thread's clock."""

    backend: str
    model: str
    text: str = ""
    input_tokens: int | None = None
    output_tokens: int | None = None
    ttft_ms: float | None = None
    decode_tokens_per_s: float | None = None
    e2e_ms: float | None = None
    cost_usd: float | None = None
    cost_basis: str = ""
    cold: bool = False
    load_ms: float | None = None
    cached_prompt_tokens: int | None = None
    reasoning_tokens: int | None = None
    waited_ms: float = 0.0
    retries: int = 0
    error_kind: ErrorKind | None = None
    error: str | None = None
    retry_after_s: float | None = None
    fallback_from: str | None = None
    token_source: str = "not reported"
    threads: int | None = None
    statuses: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None
