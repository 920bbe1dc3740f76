"""The "local" model served by a shared OpenAI-compatible inference server, for many replicas.

One setting turns it on: ``CROSSOVER_LOCAL_SERVER`` is the server's base URL, e.g.
``http://10.0.0.5:8000/v1`` for llama.cpp's server, vLLM or Ollama. Every "local" run in
this process then goes there instead of loading a GGUF in process, is priced as local
hardware, and is labelled with the server it ran on.

Optional:
    ``CROSSOVER_LOCAL_SERVER_MODEL``: the model name to ask for (default: the first model
    the server lists).
    ``CROSSOVER_LOCAL_SERVER_SLOTS``: how many runs one app process sends at once (default
    1, right for llama.cpp's server, which answers one at a time; raise it for a server that
    batches, such as vLLM). The rest wait in a first-come, first-served line and see their
    place in it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx2

from inference.backend import Backend
from inference.cloud_backends import OpenAIBackend
from inference.fair_queue import FairQueue, in_turn
from inference.outbound import LOCAL_SERVER_ENV, OutboundPolicy
from inference.types import BackendFailure, GenerationRequest, StreamEvent

__all__ = ["LOCAL_SERVER_ENV", "MisconfiguredBackend", "local_model_note", "shared_local_server_set", "SharedServer", "SharedServerBackend", "shared_local_server"]

LOCAL_SERVER_MODEL_ENV = "CROSSOVER_LOCAL_SERVER_MODEL"
LOCAL_SERVER_SLOTS_ENV = "CROSSOVER_LOCAL_SERVER_SLOTS"


@dataclass(frozen=True)
class SharedServer:
    """Where the shared "local" model is served, as the settings give it."""

    base_url: str
    model: str
    slots: int

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url


def shared_local_server() -> SharedServer | None:
    """The shared server from the environment, or None when the model runs in process.

    Raises:
        BackendFailure: ``bad_request`` when a setting is malformed, naming it and how to fix it.
    """
    url = os.environ.get(LOCAL_SERVER_ENV, "").strip().rstrip("/")
    if not url:
        return None
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise BackendFailure("bad_request", f"{LOCAL_SERVER_ENV}={url!r} is not a URL. Give the server's base URL, "
                                            "e.g. http://127.0.0.1:8000/v1, or unset it to run the model in this process.")
    slots_text = os.environ.get(LOCAL_SERVER_SLOTS_ENV, "1").strip() or "1"
    if not slots_text.isdigit() or not 1 <= int(slots_text) <= 256:
        raise BackendFailure("bad_request", f"{LOCAL_SERVER_SLOTS_ENV}={slots_text!r} must be a whole number from 1 to 256.")
    return SharedServer(url, os.environ.get(LOCAL_SERVER_MODEL_ENV, "").strip(), int(slots_text))


def shared_local_server_set() -> bool:
    """Whether the setting that moves the local model to a shared server is given (well-formed or not)."""
    return bool(os.environ.get(LOCAL_SERVER_ENV, "").strip())


def local_model_note() -> str | None:
    """What the UI says about the local model when a shared server (or a bad setting) replaces it."""
    try:
        server = shared_local_server()
    except BackendFailure as failure:
        return failure.message
    if server is None:
        return None
    return (f"The local model is served by the shared inference server at {server.base_url} "
            f"(set by {LOCAL_SERVER_ENV}); runs from this app wait in line for it, {server.slots} at a time.")


_QUEUES: dict[tuple[str, int], FairQueue] = {}
_MODELS: dict[str, str] = {}
_GUARD = threading.Lock()


def _queue(server: SharedServer) -> FairQueue:
    with _GUARD:
        return _QUEUES.setdefault((server.base_url, server.slots), FairQueue(server.slots))


def _served_model(server: SharedServer, timeout_s: float) -> str:
    """The model to ask for: the configured one, else the first the server lists (asked once)."""
    if server.model:
        return server.model
    with _GUARD:
        if server.base_url in _MODELS:
            return _MODELS[server.base_url]
    try:
        response = httpx2.get(f"{server.base_url}/models", timeout=timeout_s)
        models = [m["id"] for m in response.json().get("data", [])] if response.status_code == 200 else []
    except (httpx2.HTTPError, ValueError, KeyError, TypeError, AttributeError):
        models = []
    if not models:
        raise BackendFailure("connection", f"The shared inference server at {server.base_url} listed no models. "
                                           f"Check it is running, or set {LOCAL_SERVER_MODEL_ENV} to the model it serves.")
    with _GUARD:
        _MODELS[server.base_url] = models[0]
    return models[0]


class SharedServerBackend(OpenAIBackend):
    """The "local" model on a shared OpenAI-compatible server, one line of runs per app process."""

    kind = "local"

    def __init__(self, server: SharedServer, timeout_s: float = 60.0, max_retries: int = 2):
        # The operator set this address, so participants' outbound limits do not apply to it.
        super().__init__(server.model, None, server.base_url, timeout_s, max_retries,
                         outbound=OutboundPolicy("private", f"{LOCAL_SERVER_ENV}, set by the operator"))
        self.server = server
        # The served model's name, for the label; asked once per process, then remembered.
        # A server that does not answer yet is asked again by the run, which says what is wrong.
        try:
            self._model = _served_model(server, timeout_s=2.0)
        except BackendFailure:
            pass

    @property
    def label(self) -> str:
        # llama.cpp's server names its model by the file's path; the file name is enough.
        return f"Local: {(self._model or 'the served model').rsplit('/', 1)[-1]} on the shared server {self.server.host}"

    def events(self, request: GenerationRequest) -> Iterator[StreamEvent]:
        self._model = self._model or _served_model(self.server, self._timeout_s)
        yield from in_turn(_queue(self.server), lambda: super(SharedServerBackend, self).events(request),
                           model=f"the shared server {self.server.host}")


class MisconfiguredBackend(Backend):
    """Stands in for a backend that cannot answer (the local model while its setting is malformed,
    a cloud side without a key): every run says what to fix, at once."""

    kind = "local"

    def __init__(self, failure: BackendFailure, label: str = "Local: not set up", model: str = ""):
        self.failure = failure
        self._label = label
        self._model = model

    @property
    def label(self) -> str:
        return self._label

    @property
    def model(self) -> str:
        return self._model

    def preflight(self) -> BackendFailure | None:
        return self.failure

    def events(self, request: GenerationRequest) -> Iterator[StreamEvent]:
        raise self.failure
        yield  # unreachable: makes this a generator, like every backend's events
