"""Model backends behind one interface: the local GGUF model, OpenAI (and compatible servers), Anthropic;
measuring a run, running two side by side, the shared local model's fair queue, and the
background job type the pages poll.

No UI here. Names load on first use (PEP 562), so ``import inference.types`` does not pull
in llama.cpp or the cloud SDKs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# ``measure`` is both a submodule and its function: importing the submodule would set the
# package attribute to the module, so the (light) function is bound here once, eagerly.
from inference.measure import measure  # noqa: E402

_WHERE = {
    "AnthropicBackend": "inference.cloud_backends",
    "BACKEND_KINDS": "inference.registry",
    "Backend": "inference.backend",
    "BackendConfig": "inference.registry",
    "BackendFailure": "inference.types",
    "BackendKind": "inference.registry",
    "BUNDLED_MODEL": "inference.bundled_model",
    "BundledModelMissing": "inference.bundled_model",
    "ENV_KEYS": "inference.keys",
    "ErrorKind": "inference.types",
    "FIGURES": "inference.compare",
    "GenerationRequest": "inference.types",
    "LOCAL_SERVER_ENV": "inference.shared_server",
    "LocalGGUFBackend": "inference.local_gguf",
    "LocalModel": "inference.local_gguf",
    "OpenAIBackend": "inference.cloud_backends",
    "ResolvedKey": "inference.keys",
    "RunResult": "inference.types",
    "SharedServer": "inference.shared_server",
    "StreamEvent": "inference.types",
    "build_backend": "inference.registry",
    "bundled_model_note": "inference.bundled_model",
    "bundled_model_path": "inference.bundled_model",
    "default_threads": "inference.local_gguf",
    "load_local_model": "inference.local_gguf",
    "resolve_key": "inference.keys",
    "run_sides": "inference.compare",
    "shared_local_server": "inference.shared_server",
    "summarise": "inference.compare",
    "with_fallback": "inference.compare",
}

__all__ = [
    "AnthropicBackend",
    "BACKEND_KINDS",
    "Backend",
    "BackendConfig",
    "BackendFailure",
    "BackendKind",
    "BUNDLED_MODEL",
    "BundledModelMissing",
    "ENV_KEYS",
    "ErrorKind",
    "FIGURES",
    "GenerationRequest",
    "LOCAL_SERVER_ENV",
    "LocalGGUFBackend",
    "LocalModel",
    "OpenAIBackend",
    "ResolvedKey",
    "RunResult",
    "SharedServer",
    "StreamEvent",
    "build_backend",
    "bundled_model_note",
    "bundled_model_path",
    "default_threads",
    "load_local_model",
    "measure",
    "resolve_key",
    "run_sides",
    "shared_local_server",
    "summarise",
    "with_fallback",
]

if TYPE_CHECKING:
    from inference.backend import Backend
    from inference.bundled_model import BUNDLED_MODEL, BundledModelMissing, bundled_model_note, bundled_model_path
    from inference.cloud_backends import AnthropicBackend, OpenAIBackend
    from inference.compare import FIGURES, run_sides, summarise, with_fallback
    from inference.keys import ENV_KEYS, ResolvedKey, resolve_key
    from inference.local_gguf import LocalGGUFBackend, LocalModel, default_threads, load_local_model
    from inference.measure import measure
    from inference.registry import BACKEND_KINDS, BackendConfig, BackendKind, build_backend
    from inference.shared_server import LOCAL_SERVER_ENV, SharedServer, shared_local_server
    from inference.types import BackendFailure, ErrorKind, GenerationRequest, RunResult, StreamEvent


def __getattr__(name: str) -> object:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'inference' has no attribute {name!r}")
