"""API keys: from the environment, then the app's secrets, then a field typed in the session.

A key is held as a ``SecretStr`` so it never shows up in a repr, a log line or a dump, and
nothing here writes it anywhere.

A key goes only where its owner sent it. The server's own key (its environment or
secrets: the operator's) is used only with its provider's official endpoint or a base URL
the operator listed in ``CROSSOVER_TRUSTED_BASE_URLS``; a base URL a participant typed gets
only a key that participant typed, so nobody can collect the operator's key on a listener.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import SecretStr

from inference.outbound import TRUSTED_ENV, is_official, is_trusted

__all__ = ["ENV_KEYS", "KeyOwner", "KeyProvider", "ResolvedKey", "operator_key_may_go_to", "resolve_key"]

KeyProvider = Literal["openai", "anthropic"]
# operator: the server's environment or secrets; participant: typed in a browser session;
# caller: the environment of whoever runs the command line (their own key, their own URL).
KeyOwner = Literal["operator", "participant", "caller", "none"]
ENV_KEYS: dict[KeyProvider, str] = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


@dataclass(frozen=True)
class ResolvedKey:
    """A key, where it came from and whose it is (the source is safe to show; the key is not)."""

    value: SecretStr | None
    source: str
    owner: KeyOwner = "none"

    def __repr__(self) -> str:  # never the key, even by accident
        return f"ResolvedKey(source={self.source!r}, owner={self.owner!r}, set={self.value is not None})"


def operator_key_may_go_to(provider: str, base_url: str) -> bool:
    """Whether the server's own key for ``provider`` may be sent to ``base_url``."""
    return is_official(provider, base_url) or is_trusted(base_url)


def _operator_key(name: str, secrets: Mapping[str, Any] | None) -> tuple[str, str]:
    if value := os.environ.get(name, "").strip():
        return value, f"the environment ({name})"
    try:
        secret = str((secrets or {}).get(name, "") or "").strip()
    except Exception:  # noqa: BLE001 - a missing or broken secrets file is "no secret"
        secret = ""
    return secret, f"the app's secrets ({name})"


def resolve_key(provider: KeyProvider, typed: str | None = None, secrets: Mapping[str, Any] | None = None, *,
                base_url: str = "", caller_owns_environment: bool = False) -> ResolvedKey:
    """Find the API key for ``provider`` to use with ``base_url``.

    Args:
        provider: ``"openai"`` or ``"anthropic"``.
        typed: What the user typed in this session's key field, if anything.
        secrets: The app's secrets (``st.secrets``), looked up by the same variable name.
        base_url: Where the key would be sent ("" for the provider's official endpoint).
        caller_owns_environment: The command line: the environment is the caller's own, and
            so is the URL they gave.
    """
    name = ENV_KEYS[provider]
    server_key, where = _operator_key(name, secrets)
    if server_key and caller_owns_environment:
        return ResolvedKey(SecretStr(server_key), where, "caller")
    if server_key and operator_key_may_go_to(provider, base_url):
        return ResolvedKey(SecretStr(server_key), where, "operator")
    if typed and typed.strip():
        return ResolvedKey(SecretStr(typed.strip()), "the key typed in this session", "participant")
    if server_key:
        return ResolvedKey(None, f"nowhere: the server's own key goes only to its provider's official endpoint "
                                 f"or to servers listed in {TRUSTED_ENV}, so a server typed here gets only a key typed here")
    return ResolvedKey(None, "nowhere")
