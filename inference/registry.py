"""Backends by kind, built from a plain config. A config never holds an API key.

Building is where the workshop rules are enforced once for every page and command: the
server's own key is withheld from a base URL it may not go to, the operator's outbound
policy travels with the backend (checked before each request), and the local model gets
the server's limits on context, threads and which model files may be loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from inference.backend import Backend
from inference.cloud_backends import AnthropicBackend, OpenAIBackend
from inference.keys import ResolvedKey, operator_key_may_go_to
from inference.local_gguf import LocalGGUFBackend
from inference.outbound import OutboundPolicy, outbound_policy
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
    # Capped again at the machine's cores and the model's trained context when loaded.
    n_threads: int | None = Field(default=None, ge=1, le=256)
    timeout_s: float = Field(default=60.0, gt=0, le=600, allow_inf_nan=False)
    max_retries: int = Field(default=2, ge=0, le=10)


def _local(config: BackendConfig, key: ResolvedKey, outbound: OutboundPolicy) -> Backend:
    try:
        server = shared_local_server()
    except BackendFailure as failure:
        return MisconfiguredBackend(failure)
    if server is not None:
        return SharedServerBackend(server, config.timeout_s, config.max_retries)
    # A participant may name a model file only where the server is not shared with others.
    return LocalGGUFBackend(config.gguf_path or None, n_ctx=config.n_ctx, n_threads=config.n_threads,
                            any_path=outbound.mode == "private")


def _openai(config: BackendConfig, key: ResolvedKey, outbound: OutboundPolicy) -> Backend:
    return OpenAIBackend(config.model or "gpt-4o-mini", key.value, config.base_url or None, config.timeout_s, config.max_retries,
                         outbound=outbound)


def _anthropic(config: BackendConfig, key: ResolvedKey, outbound: OutboundPolicy) -> Backend:
    return AnthropicBackend(config.model or "claude-haiku-4-5", key.value, config.base_url or None, config.timeout_s,
                            config.max_retries, outbound=outbound)


BACKEND_KINDS: dict[BackendKind, Callable[[BackendConfig, ResolvedKey, OutboundPolicy], Backend]] = {
    "local": _local,
    "openai": _openai,
    "anthropic": _anthropic,
}


def build_backend(config: BackendConfig, key: ResolvedKey, outbound: OutboundPolicy | None = None) -> Backend:
    """Make the backend a config describes, with the key found for it.

    Args:
        config: What to build.
        key: The key found for it; the server's own key is dropped here when the config's
            base URL is not one it may go to, whoever resolved it.
        outbound: Where requests may go (the pages pass the workshop's policy); by default
            ``CROSSOVER_OUTBOUND`` or, unset, anywhere (the command line: the caller's own machine).
    """
    if key.owner == "operator" and not operator_key_may_go_to(config.kind, config.base_url):
        key = ResolvedKey(None, "withheld: the server's own key goes only to its provider's official endpoint")
    return BACKEND_KINDS[config.kind](config, key, outbound or outbound_policy(beyond_loopback=False))
