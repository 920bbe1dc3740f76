"""Model backends behind one interface: the local GGUF model, OpenAI (and compatible servers), Anthropic.

No UI here: the playground page and the ``crossover bench``/``compare`` commands both use it.
"""

from inference.backend import Backend
from inference.bundled_model import BundledModelMissing, bundled_model_path
from inference.cloud_backends import AnthropicBackend, OpenAIBackend
from inference.compare import FIGURES, run_sides, summarise, with_fallback
from inference.costing import request_cost
from inference.keys import ENV_KEYS, ResolvedKey, resolve_key
from inference.local_gguf import LocalGGUFBackend, LocalModel, default_threads, load_local_model
from inference.measure import measure
from inference.shared_server import LOCAL_SERVER_ENV, SharedServer, shared_local_server
from inference.registry import BACKEND_KINDS, BackendConfig, BackendKind, build_backend
from inference.types import BackendFailure, ErrorKind, GenerationRequest, RunResult, StreamEvent

__all__ = [
    "BACKEND_KINDS",
    "ENV_KEYS",
    "LOCAL_SERVER_ENV",
    "FIGURES",
    "AnthropicBackend",
    "Backend",
    "BackendConfig",
    "BackendFailure",
    "BackendKind",
    "BundledModelMissing",
    "ErrorKind",
    "GenerationRequest",
    "LocalGGUFBackend",
    "LocalModel",
    "OpenAIBackend",
    "ResolvedKey",
    "RunResult",
    "SharedServer",
    "StreamEvent",
    "build_backend",
    "bundled_model_path",
    "default_threads",
    "load_local_model",
    "measure",
    "request_cost",
    "resolve_key",
    "run_sides",
    "shared_local_server",
    "summarise",
    "with_fallback",
]
