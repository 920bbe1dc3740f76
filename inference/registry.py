"""Backends by kind, built from a plain config. A config never holds an API key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from inference.backend import Backend
from inference.cloud_backends import AnthropicBackend, OpenAIBackend
from inference.keys import ResolvedKey
from inference.local_gguf import LocalGGUFBackend
from inference.shared_server import (
    MisconfiguredBackend,
    SharedServerBackend,
    shared_local_server,
)
from inference.types import BackendFailure

__all__ = ["BACKEND_KINDS", "BackendConfig", "BackendKind", "build_backend"]

BackendKind = Literal["local", "openai", "anthropic"]


class BackendConfig(BaseModel):
    """Which model answers, and how to reach it. Safe to save and share: no keys in here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: BackendKind = "local"
    model: str = ""
    base_url: str = ""
    gguf_path: str = ""
    n_ctx: int = Field(default=2048, ge=256, le=131_072)
    n_threads: int | None = Field(default=None, ge=1, le=256)
    timeout_s: float = Field(default=60.0, gt=0, le=600, allow_inf_nan=False)
    max_retries: int = Field(default=2, ge=0, le=10)


def _local(config: BackendConfig, key: ResolvedKey) -> Backend:
    try:
        server = shared_local_server()
    except BackendFailure as failure:
        return MisconfiguredBackend(failure)
    if server is not None:
        return SharedServerBackend(server, config.timeout_s, config.max_retries)
    return LocalGGUFBackend(config.gguf_path or None, n_ctx=config.n_ctx, n_threads=config.n_threads)


def _openai(config: BackendConfig, key: ResolvedKey) -> Backend:
    return OpenAIBackend(config.model or "gpt-4o-mini", key.value, config.base_url or None, config.timeout_s, config.max_retries)


def _anthropic(config: BackendConfig, key: ResolvedKey) -> Backend:
    return AnthropicBackend(config.model or "claude-haiku-4-5", key.value, config.base_url or None, config.timeout_s, config.max_retries)


BACKEND_KINDS: dict[BackendKind, Callable[[BackendConfig, ResolvedKey], Backend]] = {
    "local": _local,
    "openai": _openai,
    "anthropic": _anthropic,
}


def build_backend(config: BackendConfig, key: ResolvedKey) -> Backend:
    """Make the backend a config describes, with the key found for it."""
    return BACKEND_KINDS[config.kind](config, key)
