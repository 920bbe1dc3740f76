"""The local model: a GGUF file run in process by llama-cpp-python.

A model file is loaded at most once per process and shared; a llama.cpp context must not
run two completions at once, so runs take turns in a first-come, first-served line, and a
run that has to wait keeps saying how many runs are ahead of it. A run with other settings
(context, threads) replaces the loaded copy when its turn comes, so memory holds one copy
of each model, whatever participants choose; context and threads are capped (see
:func:`model_limits`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from llama_cpp import Llama
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from inference.backend import Backend
from inference.bundled_model import bundled_model_path
from inference.fair_queue import FairQueue, in_turn
from inference.types import BackendFailure, GenerationRequest, StreamEvent

__all__ = ["LocalGGUFBackend", "LocalModel", "ModelLimits", "default_threads", "load_local_model", "loaded_models", "model_limits"]


THREADS_ENV = "CROSSOVER_LOCAL_THREADS"
KV_BUDGET_ENV = "CROSSOVER_LOCAL_KV_BUDGET_MB"
MODEL_DIRS_ENV = "CROSSOVER_MODEL_DIRS"
# The KV cache one context holds; 1 GiB is 45,000 tokens of the bundled model's cache.
DEFAULT_KV_BUDGET_MB = 1024


def default_threads() -> int:
    """``CROSSOVER_LOCAL_THREADS`` if set, else every core (llama-cpp-python's own default is half).

    A server shared by a workshop may want fewer: llama.cpp keeps every thread it is given
    busy, so with all cores decoding, every other participant's page waits for CPU.
    """
    given = os.environ.get(THREADS_ENV, "").strip()
    if given.isdigit() and int(given) >= 1:
        return int(given)
    return max(1, os.cpu_count() or 1)


def _cores() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ModelLimits:
    """The context and threads a model actually gets, and why they differ from what was asked."""

    n_ctx: int
    n_threads: int
    notes: tuple[str, ...]


@cache
def _gguf_facts(file: str, _stamp: tuple[int, int]) -> tuple[int | None, int | None]:
    """The model's trained context and its KV-cache bytes per token, from the GGUF's metadata
    (read with the vocabulary only, not the weights). ``_stamp`` (size, mtime) renews the cache
    when the file changes."""
    try:
        vocab = Llama(model_path=file, vocab_only=True, verbose=False)
        meta = dict(vocab.metadata)
        vocab.close()
    except (ValueError, RuntimeError, OSError) as exc:
        raise BackendFailure("model_file", f"{Path(file).name} is not a GGUF model llama.cpp can load ({exc}). "
                                           "Check the file is complete and a .gguf model.") from None
    arch = meta.get("general.architecture", "")

    def number(key: str) -> int | None:
        value = meta.get(f"{arch}.{key}")
        return int(value) if value is not None and str(value).isdigit() else None

    trained, layers, width, heads = number("context_length"), number("block_count"), number("embedding_length"), number("attention.head_count")
    kv_heads = number("attention.head_count_kv") or heads
    if not (layers and width and heads and kv_heads):
        return trained, None
    key_width = number("attention.key_length") or width // heads
    value_width = number("attention.value_length") or width // heads
    return trained, layers * kv_heads * (key_width + value_width) * 2  # K and V, 16-bit each


def model_limits(file: Path, n_ctx: int, n_threads: int | None) -> ModelLimits:
    """Cap the asked context at the model's trained context and at the KV-cache memory budget
    (``CROSSOVER_LOCAL_KV_BUDGET_MB``), and the threads at this machine's cores.

    Each copy's KV cache is allocated in full for the whole context when it loads: the
    bundled model asked for 131,072 tokens of context took 3 GB, though it was trained on 8,192.
    """
    notes = []
    threads = n_threads or default_threads()
    if threads > _cores():
        notes.append(f"threads capped at this machine's {_cores()} cores (more only slow everyone down)")
        threads = _cores()
    info = file.stat()
    trained, per_token = _gguf_facts(str(file), (info.st_size, int(info.st_mtime)))
    context = n_ctx
    if trained and context > trained:
        notes.append(f"context capped at {trained:,} tokens, what the model was trained on")
        context = trained
    budget_text = os.environ.get(KV_BUDGET_ENV, "").strip()
    budget_mb = int(budget_text) if budget_text.isdigit() and int(budget_text) > 0 else DEFAULT_KV_BUDGET_MB
    if per_token:
        fits = max(256, (budget_mb * 1024 * 1024 // per_token) // 256 * 256)
        if context > fits:
            notes.append(f"context capped at {fits:,} tokens, what fits this server's memory budget for it "
                         f"({budget_mb:,} MB, {KV_BUDGET_ENV})")
            context = fits
    return ModelLimits(context, threads, tuple(notes))


def _model_file(path: str | Path | None, any_path: bool) -> Path:
    """The model file a run may load: the bundled one, or (on a server shared with others) one
    in a folder the operator lists. The refusal reads the same whether the file exists or not,
    so the field does not tell anyone which files are on the server."""
    if not path or not str(path).strip():
        return bundled_model_path()
    file = Path(path).expanduser()
    if not any_path:
        allowed = [Path(d).expanduser().resolve() for d in os.environ.get(MODEL_DIRS_ENV, "").replace(",", os.pathsep).split(os.pathsep) if d.strip()]
        resolved = file.resolve()
        if file.suffix.lower() != ".gguf" or not any(resolved.is_relative_to(folder) for folder in allowed):
            raise BackendFailure("model_file", "On this shared server a run can use the bundled model, or a .gguf file in a "
                                               f"folder its operator lists in {MODEL_DIRS_ENV}"
                                               + (f" ({', '.join(str(a) for a in allowed)})" if allowed else " (none listed)")
                                               + ". Leave the field empty for the bundled model.")
        file = resolved
    if not file.is_file():
        raise BackendFailure("model_file", f"No GGUF file at {file}. Give the path of an existing .gguf file, or leave it empty for the bundled model.")
    return file.resolve()


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


@dataclass
class _Slot:
    """One model file's place in this process: its line of runs and the one copy loaded now."""

    queue: FairQueue = field(default_factory=FairQueue)
    model: LocalModel | None = None


_SLOTS: dict[str, _Slot] = {}
_SLOTS_GUARD = threading.Lock()


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


def _slot(file: Path) -> _Slot:
    with _SLOTS_GUARD:
        return _SLOTS.setdefault(str(file), _Slot())


def loaded_models() -> list[LocalModel]:
    """The models loaded in this process now: at most one per file."""
    with _SLOTS_GUARD:
        return [slot.model for slot in _SLOTS.values() if slot.model is not None]


def _load_into(slot: _Slot, file: Path, n_ctx: int, threads: int) -> tuple[LocalModel, bool]:
    """The slot's model with these settings, loading it (and closing the copy with other
    settings) if needed. Only called by the run holding the slot's turn, so nothing is
    answering on the copy being closed."""
    current = slot.model
    if current is not None and (current.n_ctx, current.n_threads) == (n_ctx, threads):
        return current, False
    if current is not None:
        slot.model = None
        current.llm.close()  # frees its weights and KV cache now, not whenever the collector runs
    start = time.perf_counter()
    try:
        llm = Llama(model_path=str(file), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, verbose=False)
    except (ValueError, RuntimeError, OSError) as exc:
        raise BackendFailure("model_file", f"{file.name} is not a GGUF model llama.cpp can load ({exc}). Check the file is complete and a .gguf model.") from None
    slot.model = LocalModel(path=file, n_ctx=n_ctx, n_threads=threads, llm=llm, formatter=_formatter(llm),
                            load_ms=(time.perf_counter() - start) * 1000, queue=slot.queue)
    return slot.model, True


def load_local_model(path: str | Path | None = None, n_ctx: int = 2048, n_threads: int | None = None) -> tuple[LocalModel, bool]:
    """The one loaded copy of a GGUF model (the bundled one when ``path`` is empty), with these settings.

    Settings other than the loaded copy's replace it once the runs ahead in its line have
    finished. Context and threads are capped as :func:`model_limits` says.

    Returns:
        The model and whether this call loaded it (a cold start).

    Raises:
        BackendFailure: ``model_file`` when the file is missing or llama.cpp cannot load it.
    """
    file = _model_file(path, any_path=True)
    limits = model_limits(file, n_ctx, n_threads)
    slot = _slot(file)
    current = slot.model
    if current is not None and (current.n_ctx, current.n_threads) == (limits.n_ctx, limits.n_threads):
        return current, False
    ticket = slot.queue.join()
    try:
        while slot.queue.wait(ticket, 1.0):
            pass
        return _load_into(slot, file, limits.n_ctx, limits.n_threads)
    finally:
        slot.queue.leave(ticket)


class LocalGGUFBackend(Backend):
    """A GGUF model in this process. Settings: file, context size, threads.

    ``any_path`` lets a run name any model file on the server (the app served to this
    machine only, and the CLI); otherwise only the bundled model and the folders the
    operator lists.
    """

    kind = "local"

    def __init__(self, path: str | Path | None = None, n_ctx: int = 2048, n_threads: int | None = None, any_path: bool = True):
        self._path = Path(path).expanduser() if path else None
        self._n_ctx = n_ctx
        self._n_threads = n_threads
        self._any_path = any_path

    @property
    def label(self) -> str:
        return f"Local: {(self._path or bundled_model_path()).name}"

    @property
    def model(self) -> str:
        return str(self._path or bundled_model_path())

    def preflight(self) -> BackendFailure | None:
        try:
            _model_file(self._path, self._any_path)
        except BackendFailure as failure:
            return failure
        return None

    def loaded_model(self) -> LocalModel:
        """The one loaded copy of this backend's model with its settings, loading it in turn if needed."""
        file = _model_file(self._path, self._any_path)
        limits = model_limits(file, self._n_ctx, self._n_threads)
        return load_local_model(file, limits.n_ctx, limits.n_threads)[0]

    def events(self, request: GenerationRequest) -> Iterator[StreamEvent]:
        file = _model_file(self._path, self._any_path)
        limits = model_limits(file, self._n_ctx, self._n_threads)
        if limits.notes:
            yield StreamEvent(status="Settings adjusted: " + "; ".join(limits.notes) + ".")
        slot = _slot(file)
        yield from in_turn(slot.queue, lambda: self._run(slot, file, limits, request))

    def _run(self, slot: _Slot, file: Path, limits: ModelLimits, request: GenerationRequest) -> Iterator[StreamEvent]:
        model, loaded_now = _load_into(slot, file, limits.n_ctx, limits.n_threads)
        yield StreamEvent(load_ms=model.load_ms if loaded_now else None, threads=model.n_threads)
        yield from self._complete(model, request)

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
