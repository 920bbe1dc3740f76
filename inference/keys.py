"""API keys: from the environment, then the app's secrets, then a field typed in the session.

A key is held as a ``SecretStr`` so it never shows up in a repr, a log line or a dump, and
nothing here writes it anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import SecretStr

__all__ = ["ENV_KEYS", "KeyProvider", "ResolvedKey", "resolve_key"]

KeyProvider = Literal["openai", "anthropic"]
ENV_KEYS: dict[KeyProvider, str] = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


@dataclass(frozen=True)
class ResolvedKey:
    """A key and where it came from (the source is safe to show; the key is not)."""

    value: SecretStr | None
    source: str

    def __repr__(self) -> str:  # never the key, even by accident
        return f"ResolvedKey(source={self.source!r}, set={self.value is not None})"


def resolve_key(provider: KeyProvider, typed: str | None = None, secrets: Mapping[str, Any] | None = None) -> ResolvedKey:
    """Find the API key for ``provider``.

    Args:
        provider: ``"openai"`` or ``"anthropic"``.
        typed: What the user typed in this session's key field, if anything.
        secrets: The app's secrets (``st.secrets``), looked up by the same variable name.
    """
    name = ENV_KEYS[provider]
    if value := os.environ.get(name, "").strip():
        return ResolvedKey(SecretStr(value), f"the environment ({name})")
    try:
        secret = str((secrets or {}).get(name, "") or "").strip()
    except Exception:  # noqa: BLE001 - a missing or broken secrets file is "no secret"
        secret = ""
    if secret:
        return ResolvedKey(SecretStr(secret), f"the app's secrets ({name})")
    if typed and typed.strip():
        return ResolvedKey(SecretStr(typed.strip()), "the key typed in this session")
    return ResolvedKey(None, "nowhere")
