"""The local model: a GGUF file run in process by llama-cpp-python.

A model is loaded once per process and shared; a llama.cpp context must not run two
completions at once, so runs take turns in a first-come, first-served line, and a run
that has to wait keeps saying how many runs are ahead of it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from llama_cpp import Llama
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from inference.backend import Backend
from inference.bundled_model import bundled_model_path
from inference.fair_queue import FairQueue, in_turn
from inference.types import BackendFailure, GenerationRequest, StreamEvent

__all__ = ["LocalGGUFBackend", "LocalModel", "default_threads", "load_local_model"]


THREADS_ENV = "CROSSOVER_LOCAL_THREADS"


def default_threads() -> int:
    """``CROSSOVER_LOCAL_THREADS`` if set, else every core (llama-cpp-python's own default is half).

    A server shared by a workshop may want fewer: llama.cpp keeps every thread it is given
    busy, so with all cores decoding, every other participant's page waits for CPU.
    """
    given = os.environ.get(THREADS_ENV, "").strip()
    if given.isdigit() and int(given) >= 1:
        return int(given)
    return max(1, os.cpu_count() or 1)


@dataclass
class LocalModel:
    """A loaded GGUF model, its chat template and the line of runs waiting to use it."""

    path: Path
    n_ctx: int
    n_threads: int
    llm: Llama
    formatter: Jinja2ChatFormatter | None
    load_ms: float
    queue: FairQueue = field(default_factory=FairQueue)
    completions: int = 0

    @property
    def name(self) -> str:
        return str(self.llm.metadata.get("general.name") or self.path.stem)

    def prompt_tokens(self, request: GenerationRequest) -> tuple[list[int], list[str]]:
        """The request formatted with the GGUF's own chat template, as tokens, and its stop strings."""
        if self.formatter is None:
            text = (request.system + "\n\n" if request.system else "") + request.prompt
            return self.llm.tokenize(text.encode("utf-8"), add_bos=True, special=False), []
        formatted = self.formatter(messages=request.messages())
        tokens = self.llm.tokenize(formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special, special=True)
        stop = formatted.stop if isinstance(formatted.stop, list) else [formatted.stop] if formatted.stop else []
        return tokens, stop

    def cached_prefix(self, tokens: list[int]) -> int:
        """Prompt tokens llama.cpp will reuse from the previous run instead of evaluating again."""
        previous = list(self.llm._input_ids)  # llama-cpp-python keeps the last context's tokens
        shared = 0
        for a, b in zip(previous, tokens[:-1], strict=False):
            if a != b:
                break
            shared += 1
        return shared


_LOADED: dict[tuple[str, int, int], LocalModel] = {}
_LOADING = threading.Lock()


def _formatter(llm: Llama) -> Jinja2ChatFormatter | None:
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    eos, bos = llm.token_eos(), llm.token_bos()
    return Jinja2ChatFormatter(
        template=template,
        eos_token=llm._model.token_get_text(eos) if eos >= 0 else "",
        bos_token=llm._model.token_get_text(bos) if bos >= 0 else "",
        stop_token_ids=[eos] if eos >= 0 else None,
    )


def load_local_model(path: str | Path | None = None, n_ctx: int = 2048, n_threads: int | None = None) -> tuple[LocalModel, bool]:
    """Load a GGUF model once per process (the bundled one when ``path`` is empty).

    Returns:
        The model and whether this call loaded it (a cold start).

    Raises:
        BackendFailure: ``model_file`` when the file is missing or llama.cpp cannot load it.
    """
    file = Path(path).expanduser() if path else bundled_model_path()
    threads = n_threads or default_threads()
    key = (str(file.resolve()) if file.exists() else str(file), n_ctx, threads)
    with _LOADING:
        if key in _LOADED:
            return _LOADED[key], False
        if not file.is_file():
            raise _no_file(file)
        start = time.perf_counter()
        try:
            llm = Llama(model_path=str(file), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise BackendFailure("model_file", f"{file.name} is not a GGUF model llama.cpp can load ({exc}). Check the file is complete and a .gguf model.") from None
        model = LocalModel(path=file, n_ctx=n_ctx, n_threads=threads, llm=llm, formatter=_formatter(llm),
                           load_ms=(time.perf_counter() - start) * 1000)
        _LOADED[key] = model
        return model, True


def _no_file(file: Path) -> BackendFailure:
    return BackendFailure("model_file", f"No GGUF file at {file}. Give the path of an existing .gguf file, or leave it empty for the bundled model.")


class LocalGGUFBackend(Backend):
    """A GGUF model in this process. Settings: file, context size, threads."""

    kind = "local"

    def __init__(self, path: str | Path | None = None, n_ctx: int = 2048, n_threads: int | None = None):
        self._path = Path(path).expanduser() if path else None
        self._n_ctx = n_ctx
        self._n_threads = n_threads

    @property
    def label(self) -> str:
        return f"Local: {(self._path or bundled_model_path()).name}"

    @property
    def model(self) -> str:
        return str(self._path or bundled_model_path())

    def preflight(self) -> BackendFailure | None:
        return _no_file(self._path) if self._path is not None and not self._path.is_file() else None

    def events(self, request: GenerationRequest) -> Iterator[StreamEvent]:
        model, loaded_now = load_local_model(self._path, self._n_ctx, self._n_threads)
        if loaded_now:
            yield StreamEvent(load_ms=model.load_ms)
        yield from in_turn(model.queue, lambda: self._complete(model, request))

    def _complete(self, model: LocalModel, request: GenerationRequest) -> Iterator[StreamEvent]:
        tokens, stop = model.prompt_tokens(request)
        if len(tokens) + request.max_tokens > model.n_ctx:
            raise BackendFailure(
                "context_overflow",
                f"The prompt is {len(tokens):,} tokens and {request.max_tokens:,} more may be generated, "
                f"but the context window is {model.n_ctx:,}. Shorten the prompt, lower max tokens or raise the context size.",
            )
        yield StreamEvent(input_tokens=len(tokens), cached_prompt_tokens=model.cached_prefix(tokens), cold=model.completions == 0)
        model.completions += 1
        parts: list[str] = []
        for chunk in model.llm.create_completion(
            prompt=tokens, max_tokens=request.max_tokens, temperature=request.temperature, stream=True, stop=stop
        ):
            text = chunk["choices"][0]["text"]
            if text:
                parts.append(text)
                yield StreamEvent(text=text)
        answer = "".join(parts)
        yield StreamEvent(
            output_tokens=len(model.llm.tokenize(answer.encode("utf-8"), add_bos=False, special=False)) if answer else 0,
            token_source="the model's own tokenizer",
        )
