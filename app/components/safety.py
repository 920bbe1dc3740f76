"""The workshop rules every page applies the same way: where requests may go, whose key goes
with them, and how a backend a participant configured is built.

A server answering on an address other machines can reach is a shared server: then the
outbound default is the safe one (``configured``) and participants may not name model files
on its disk. Served on loopback only, the person at the browser runs the server.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import state
from inference import Backend, BackendConfig, ResolvedKey, build_backend, resolve_key
from inference.outbound import OutboundPolicy, outbound_policy

__all__ = ["backend", "key_for", "outbound", "serving_beyond_loopback"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def serving_beyond_loopback() -> bool:
    """Whether the app answers on an address other machines can reach (unset: every interface)."""
    address = str(st.get_option("server.address") or "").strip()
    return address not in _LOOPBACK


def outbound() -> OutboundPolicy:
    """Where this server sends participants' requests (``CROSSOVER_OUTBOUND``, or the default for how it is served)."""
    return outbound_policy(beyond_loopback=serving_beyond_loopback())


def _secrets() -> Any:
    try:
        return st.secrets
    except Exception:  # noqa: BLE001 - no secrets file is fine
        return {}


def key_for(kind: str, base_url: str = "") -> ResolvedKey:
    """The key for ``kind`` at ``base_url``: the server's own only where it may go, else the one typed in this session."""
    if kind == "local":
        return ResolvedKey(None, "not needed")
    return resolve_key(kind, typed=state.typed_api_key(kind), secrets=_secrets(), base_url=base_url)  # type: ignore[arg-type]


def backend(config: BackendConfig, key: ResolvedKey | None = None) -> Backend:
    """The backend a page's config describes, under this server's rules."""
    return build_backend(config, key or key_for(config.kind, config.base_url), outbound())
