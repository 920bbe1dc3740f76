"""Turn an OpenAI or Anthropic SDK error (or a server nobody answers at) into a message that says what happened and what to do."""

from __future__ import annotations

import re
import socket
from typing import Any
from urllib.parse import urlsplit

from inference.types import BackendFailure

__all__ = ["connect_failure", "failure_from_sdk_error", "no_key_failure"]

_CONTEXT_WORDS = ("context length", "context window", "maximum context", "too long", "prompt is too long", "exceeds the context")


def _retry_after(exc: Any) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


# In an error from a server a participant typed: "name=value" pairs whose name says secret,
# and long opaque tokens. What is left is cut short: the page is not a window into that server.
_SECRET_PAIR = re.compile(r"(?i)([\w.-]*(?:pass|pwd|secret|token|key|auth|cred|session|cookie)[\w.-]*)\s*([=:])\s*[^\s,;&]+")
_OPAQUE = re.compile(r"[A-Za-z0-9+/_=-]{24,}")
UNTRUSTED_MESSAGE_CHARS = 100


def sanitised(text: str, limit: int = UNTRUSTED_MESSAGE_CHARS) -> str:
    """A short, single-line version of text from an untrusted server, secrets-looking parts hidden."""
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    line = _OPAQUE.sub("[hidden]", _SECRET_PAIR.sub(r"\1\2[hidden]", line))
    return line if len(line) <= limit else line[:limit].rstrip() + "…"


def _server_message(exc: Any, untrusted: bool = False) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return sanitised(str(error["message"])) if untrusted else str(error["message"])[:500]
    if untrusted:
        # Not the providers' error format (an HTML page, a stack trace, a config dump): not shown at all.
        return "its error text is not shown, as it comes from a server typed on this page"
    return str(getattr(exc, "message", "") or exc)[:500]


def no_key_failure(provider: str, env_name: str) -> BackendFailure:
    return BackendFailure(
        "no_key",
        f"No {provider} API key. Set {env_name} in the environment, add {env_name} to .streamlit/secrets.toml, "
        "or type it in the key field (it stays in this browser session only).",
    )


def failure_from_sdk_error(exc: Exception, *, provider: str, model: str, where: str, timeout_s: float, retries: int,
                           untrusted_body: bool = False) -> BackendFailure:
    """Map an SDK exception (``openai`` or ``anthropic``, same class names) to a :class:`BackendFailure`.

    ``untrusted_body``: the server is not the provider's own, so its error text is shown only
    short and sanitised (an internal service's error page can hold passwords).
    """
    kind = type(exc).__name__
    status = getattr(exc, "status_code", None)
    tried = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
    if kind == "APITimeoutError":
        return BackendFailure("timeout", f"{provider} did not answer within {timeout_s:g} s{tried}. Try again, or raise the timeout.", retries=retries)
    if kind == "APIConnectionError":
        return BackendFailure("connection", f"Cannot connect to {where}{tried}. Is the server running and the URL right?", retries=retries)
    if status in (401, 403):
        what = "rejected the API key" if status == 401 else f"does not allow this key to use {model}"
        return BackendFailure("auth", f"{provider} {what} ({status}): {_server_message(exc, untrusted_body)}. Check the key.", retries=retries)
    if status == 404:
        return BackendFailure("unknown_model", f"{provider} does not know the model '{model}' (404). Check the name; an OpenAI-compatible server lists its models at /v1/models.", retries=retries)
    if status == 429:
        wait = _retry_after(exc)
        hint = f" The server asks to wait {wait:g} s." if wait is not None else ""
        return BackendFailure("rate_limited", f"{provider} is rate limiting this key (429){tried}.{hint}", retry_after_s=wait, retries=retries)
    message = _server_message(exc, untrusted_body)
    if status in (400, 413, 422) and any(word in message.lower() for word in _CONTEXT_WORDS):
        return BackendFailure("context_overflow", f"The prompt does not fit {model}'s context window: {message}", retries=retries)
    if status is not None and status >= 500:
        return BackendFailure("server", f"{provider} failed with {status}{tried}: {message}", retries=retries)
    return BackendFailure("bad_request", f"{provider} refused the request ({status}): {message}", retries=retries)


# Long enough for a server on the other side of the world, short enough that a wrong address
# shows while the other side is still answering.
CONNECT_CHECK_S = 3.0


def connect_failure(base_url: str, timeout_s: float = CONNECT_CHECK_S) -> BackendFailure | None:
    """A failure when nothing accepts a connection at ``base_url``'s host and port, else None."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        return BackendFailure("connection", f"'{base_url}' is not a URL. Write it like http://127.0.0.1:8000/v1.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return BackendFailure("connection", f"'{base_url}' has no valid port. Write it like http://127.0.0.1:8000/v1.")
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout_s):
            return None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return BackendFailure("connection", f"Cannot connect to {base_url} ({reason}). Is the server running and the URL right?")
