"""The names ``inference`` exports, read by lazy_loader.attach_stub and by type checkers."""

from .backend import Backend
from .bundled_model import BUNDLED_MODEL, BundledModelMissing, bundled_model_note, bundled_model_path
from .cloud_backends import AnthropicBackend, OpenAIBackend
from .compare import FIGURES, run_sides, summarise, with_fallback
from .keys import ENV_KEYS, ResolvedKey, resolve_key
from .local_gguf import LocalGGUFBackend, LocalModel, default_threads, load_local_model
from .measure import measure
from .registry import BACKEND_KINDS, BackendConfig, BackendKind, build_backend
from .shared_server import LOCAL_SERVER_ENV, SharedServer, shared_local_server
from .types import BackendFailure, ErrorKind, GenerationRequest, RunResult, StreamEvent
