"""Where this process may send requests, and which servers may receive the operator's keys.

On a workshop server the base URL field is typed by participants, so the server would
otherwise fetch any address they give, internal services included, from inside the
operator's network. The operator chooses with one setting, ``CROSSOVER_OUTBOUND``:

- ``official``: only the providers' official endpoints (api.openai.com, api.anthropic.com);
- ``configured``: those, plus the base URLs listed in ``CROSSOVER_TRUSTED_BASE_URLS`` and the
  shared inference server (``CROSSOVER_LOCAL_SERVER``);
- ``any``: those, plus any server whose address is public on the internet;
- ``private``: anything, the local network and this machine included.

Unset, it is ``configured`` for an app others can reach and ``private`` for an app served
on this machine's loopback only (or the CLI): then the person typing the URL is the one
who runs the server.

Keys follow their owner: a key from the server's environment or secrets goes only to its
provider's official endpoint or to a listed base URL, never to a URL a participant typed.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from typing import Literal, get_args
from urllib.parse import urlsplit

from inference.types import BackendFailure

__all__ = [
    "OFFICIAL_BASE_URLS",
    "OUTBOUND_ENV",
    "TRUSTED_ENV",
    "OutboundMode",
    "OutboundPolicy",
    "is_official",
    "is_trusted",
    "normalise_base_url",
    "outbound_policy",
]

OutboundMode = Literal["official", "configured", "any", "private"]
OUTBOUND_ENV = "CROSSOVER_OUTBOUND"
TRUSTED_ENV = "CROSSOVER_TRUSTED_BASE_URLS"
LOCAL_SERVER_ENV = "CROSSOVER_LOCAL_SERVER"
OFFICIAL_BASE_URLS: dict[str, tuple[str, ...]] = {
    "openai": ("https://api.openai.com/v1",),
    "anthropic": ("https://api.anthropic.com", "https://api.anthropic.com/v1"),
}
_MODES: tuple[str, ...] = get_args(OutboundMode)
_WIDER: dict[str, str] = {
    "official": f"list its base URL in {TRUSTED_ENV} and set {OUTBOUND_ENV}=configured",
    "configured": f"list its base URL in {TRUSTED_ENV}, or set {OUTBOUND_ENV}=any (public servers) or private (the local network too)",
    "any": f"list its base URL in {TRUSTED_ENV}, or set {OUTBOUND_ENV}=private (the local network too)",
    "private": "",
}
_ALLOWS: dict[str, str] = {
    "official": "only the providers' official endpoints",
    "configured": "the providers' official endpoints and the servers its operator lists",
    "any": "the providers' official endpoints, the servers its operator lists and any public server",
    "private": "any server, the local network and this machine included",
}


def normalise_base_url(url: str) -> str:
    """``scheme://host[:port]/path`` in lower case, without a trailing slash or default port;
    "" for anything that is not an http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return ""
    default = 443 if parts.scheme.lower() == "https" else 80
    name = parts.hostname.lower()
    # urlsplit drops an IPv6 address's brackets; without them the port could not be read back
    # ("Port could not be cast to integer value as ':1:9901'") and every IPv6 server failed.
    host = (f"[{name}]" if ":" in name else name) + (f":{port}" if port and port != default else "")
    return f"{parts.scheme.lower()}://{host}{parts.path.rstrip('/')}"


def is_official(provider: str, base_url: str) -> bool:
    """An empty base URL (the SDK's default) or the provider's own endpoint."""
    if not base_url.strip():
        return True
    return normalise_base_url(base_url) in OFFICIAL_BASE_URLS.get(provider, ())


def _listed() -> tuple[str, ...]:
    raw = os.environ.get(TRUSTED_ENV, "").replace(",", " ").split()
    return tuple(url for url in (normalise_base_url(u) for u in raw) if url)


def is_trusted(base_url: str) -> bool:
    """A base URL the operator listed in ``CROSSOVER_TRUSTED_BASE_URLS``."""
    url = normalise_base_url(base_url)
    return bool(url) and url in _listed()


def _public(host: str, port: int) -> tuple[bool, str]:
    """Whether every address ``host`` resolves to is public, and the first one that is not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False, "its name does not resolve"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global:
            return False, f"it resolves to {address}, a private or local address"
    return True, ""


@dataclass(frozen=True)
class OutboundPolicy:
    """The operator's choice of where requests may go, and where that choice came from."""

    mode: OutboundMode
    set_by: str

    @property
    def allows(self) -> str:
        """In words: what participants may point the app at."""
        return _ALLOWS[self.mode]

    def describe(self) -> str:
        """A sentence for the page: what is allowed, the setting behind it, and how to allow more."""
        more = f" To use another server, whoever runs this one can {_WIDER[self.mode]}." if _WIDER[self.mode] else ""
        return f"This server sends requests to {self.allows} ({self.set_by}).{more}"

    def check(self, provider: str, base_url: str) -> None:
        """Refuse a base URL this policy does not allow, before anything is sent.

        Raises:
            BackendFailure: ``blocked``, saying why and which setting would allow it.
        """
        if is_official(provider, base_url):
            return
        url = normalise_base_url(base_url)
        if not url:
            raise BackendFailure("blocked", f"{base_url.strip()[:120]!r} is not a server address: give an http:// or https:// "
                                            "base URL without a user name or password, e.g. http://10.0.0.5:8000/v1.")
        if self.mode == "private":
            return
        if self.mode != "official" and (is_trusted(url) or url == normalise_base_url(os.environ.get(LOCAL_SERVER_ENV, ""))):
            return
        reason = "it is not an official endpoint nor a server its operator lists"
        if self.mode == "any":
            parts = urlsplit(url)
            public, why = _public(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
            if public:
                return
            reason = why
        raise BackendFailure(
            "blocked",
            f"This server does not send requests to {url}: {reason}. It sends them to {self.allows} ({self.set_by}). "
            f"To allow this one, whoever runs it can {_WIDER[self.mode]}.",
        )


def outbound_policy(beyond_loopback: bool = False) -> OutboundPolicy:
    """The policy in force: ``CROSSOVER_OUTBOUND`` when set, else the default for how the app is served.

    Args:
        beyond_loopback: The app answers on an address other machines can reach (a workshop).
    """
    given = os.environ.get(OUTBOUND_ENV, "").strip().lower()
    if given in _MODES:
        return OutboundPolicy(given, f"{OUTBOUND_ENV}={given}")  # type: ignore[arg-type]
    note = f"; {OUTBOUND_ENV}={given!r} is not one of {', '.join(_MODES)}, so the safe default applies" if given else ""
    if beyond_loopback or given:
        return OutboundPolicy("configured", f"{OUTBOUND_ENV}=configured, the default for a server others can reach{note}")
    return OutboundPolicy("private", f"{OUTBOUND_ENV}=private, the default for an app served only to this machine")
