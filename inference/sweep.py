"""Load an OpenAI-compatible server in closed-loop concurrency steps and time every streamed token.

vLLM, llama.cpp's server, Ollama, TGI and SGLang all speak OpenAI's streaming chat
completions, so one client measures them all. Each step keeps ``concurrency`` requests in
flight (a new one starts as one finishes) until the step's requests are done; an optional
open-loop step then sends requests at a fixed rate with Poisson arrivals (as vLLM's
``bench serve --request-rate``), whether or not earlier ones have finished. Each records
per request the time to the first streamed token, every gap between chunks, the end-to-end
time and the output tokens the server reported. What the figures mean (percentiles,
goodput, the knee) is ``calculators.sweep``'s business; the caller passes in the rule that
says whether to go on after a step, so this module knows nothing of costs.

The URL is checked by the outbound policy before anything is sent, redirects are not
followed, and the key is sent only as a bearer header, never logged or put in a message.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Protocol

import httpx2
from pydantic import SecretStr

from inference.cloud_errors import connect_failure
from inference.outbound import OutboundPolicy, normalise_base_url, outbound_policy
from inference.types import BackendFailure
from scenario.limits import REQUEST_BUDGET

__all__ = [
    "MAX_CONCURRENCY",
    "MAX_REQUEST_RATE",
    "MAX_REQUESTS_PER_STEP",
    "RequestRecord",
    "ServerInfo",
    "StepRecords",
    "SweepPlan",
    "PromptCutter",
    "concurrency_steps",
    "poisson_send_times",
    "probe_server",
    "run_sweep",
    "shape_prompts",
]

MAX_CONCURRENCY = 256
MAX_REQUESTS_PER_STEP = 2_000
MAX_INPUT_TOKENS = 32_768
MAX_OUTPUT_TOKENS = 8_192
MAX_REQUEST_RATE = 1_000.0  # requests a second in the open-loop step
_TOKENIZER_TIMEOUT_S, _TOKENIZER_MAX_BYTES = 10.0, 1_000_000  # one /tokenize answer
# A served name longer than this is not a model name; it is cut before it is shown.
_NAME_CHARS = 120
# Distinct prompts a sweep cycles through, so a server's prefix cache cannot answer them all from one.
_DISTINCT_PROMPTS = 8


@dataclass(frozen=True)
class RequestRecord:
    """One request as measured on the client (seconds from the moment it was sent)."""

    ttft_s: float | None
    e2e_s: float | None
    output_tokens: int
    itl_s: tuple[float, ...] = ()
    error_kind: str | None = None
    prompt_tokens: int | None = None
    sent_s: float = 0.0  # when it was sent, seconds after its step began (whether answers overlapped in time)
    # The server's own time per output token, where it reports one (llama.cpp's ``timings``): a check of the client's clock.
    server_tpot_s: float | None = None


@dataclass(frozen=True)
class StepRecords:
    """One finished concurrency step: its requests and its wall time."""

    concurrency: int
    records: tuple[RequestRecord, ...]
    duration_s: float
    # Set for the open-loop step: the rate requests were sent at (Poisson arrivals); ``concurrency`` is then its cap.
    request_rate: float | None = None


@dataclass(frozen=True)
class SweepPlan:
    """What to send: to whom, how long the prompts and answers are, and how hard to push."""

    base_url: str
    model: str = ""
    input_tokens: int = 500
    output_tokens: int = 300
    max_concurrency: int = 8
    requests_per_step: int = 16
    timeout_s: float = 120.0
    # Explicit steps instead of 1, 2, 4, ... up to the maximum (each at most the maximum).
    concurrencies: tuple[int, ...] = ()
    # After the closed-loop steps, one open-loop step at this many requests a second (Poisson
    # arrivals, at most ``max_concurrency`` in flight); None for none.
    request_rate: float | None = None
    seed: int = 0  # of the arrival times, so two sweeps of one plan send at the same moments

    @property
    def steps(self) -> tuple[int, ...]:
        return self.concurrencies or concurrency_steps(self.max_concurrency)

    @property
    def step_count(self) -> int:
        """Closed-loop steps, and the open-loop one if asked for (what "step k of n" counts)."""
        return len(self.steps) + (self.request_rate is not None)

    def problems(self) -> list[str]:
        """What is out of bounds, each naming the setting and what it accepts."""
        out = []
        for name, value, top in (("input tokens", self.input_tokens, MAX_INPUT_TOKENS),
                                 ("output tokens", self.output_tokens, MAX_OUTPUT_TOKENS),
                                 ("maximum concurrency", self.max_concurrency, MAX_CONCURRENCY),
                                 ("requests per step", self.requests_per_step, MAX_REQUESTS_PER_STEP)):
            if not 1 <= value <= top:
                out.append(f"{name} is {value}; use a whole number from 1 to {top:,}")
        if any(not 1 <= c <= self.max_concurrency for c in self.concurrencies):
            out.append(f"every step's concurrency must be from 1 to the maximum, {self.max_concurrency}")
        if self.request_rate is not None and not 0 < self.request_rate <= MAX_REQUEST_RATE:
            out.append(f"request rate is {self.request_rate:g}; use requests a second above 0 and at most {MAX_REQUEST_RATE:,.0f}")
        # A server's requests are the budget's (the key they carry may be the operator's); the
        # in-process model's are not.
        if self.base_url and not out and (planned := self.planned_requests) > (budget := REQUEST_BUDGET.value):
            out.append(f"this sweep would send {planned:,} requests ({self.step_count} steps of {self.requests_per_step:,}, and a "
                       f"warm-up); the limit is {budget:,} a run on this server: use fewer requests per step or a lower maximum "
                       f"concurrency, or ask whoever runs it to raise {REQUEST_BUDGET.setting}")
        return out

    @property
    def planned_requests(self) -> int:
        """The most requests the sweep sends: every step's, and the warm-up (two if the server refuses ignore_eos)."""
        return self.step_count * self.requests_per_step + 2


@dataclass(frozen=True)
class ServerInfo:
    """What the server said about itself before the sweep."""

    base_url: str
    model: str
    served: tuple[str, ...]
    tokenizer: str  # which endpoint shaped the prompts, or how they were estimated
    ignore_eos: bool
    prompt_tokens: int | None = None
    token_source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def concurrency_steps(maximum: int) -> tuple[int, ...]:
    """1, 2, 4, 8, ... up to ``maximum``, which is always the last step."""
    steps, c = [], 1
    while c < maximum:
        steps.append(c)
        c *= 2
    return (*steps, maximum)


def _root(base_url: str) -> str:
    return base_url.rstrip("/").removesuffix("/v1")


def _headers(key: SecretStr | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key.get_secret_value()}"} if key is not None else {}


def _status_failure(status: int, base_url: str, what: str) -> BackendFailure:
    # The body of a server we do not trust is not shown: it could hold anything.
    if status in (401, 403):
        return BackendFailure("auth", f"{base_url} refused {what} (HTTP {status}): give the key this server expects.")
    if status == 404:
        return BackendFailure("bad_request", f"{base_url} has no {what} (HTTP 404): give the server's OpenAI base URL, "
                                             "usually ending in /v1.")
    if status >= 500:
        return BackendFailure("server", f"{base_url} failed on {what} (HTTP {status}): check the server's log, then retry.")
    return BackendFailure("bad_request", f"{base_url} rejected {what} (HTTP {status}): check the model name and the server's settings.")


def _client(policy: OutboundPolicy, base_url: str, timeout_s: float, connections: int) -> httpx2.Client:
    policy.check("openai", base_url)
    limits = httpx2.Limits(max_connections=connections + 2, max_keepalive_connections=connections + 2)
    return httpx2.Client(timeout=timeout_s, follow_redirects=False, limits=limits)


def _served_models(http: httpx2.Client, base_url: str, key: SecretStr | None) -> tuple[str, ...]:
    try:
        response = http.get(f"{base_url}/models", headers=_headers(key), timeout=10)
    except httpx2.TimeoutException:
        raise BackendFailure("timeout", f"{base_url} did not answer within 10 s: is it the right server, and is it up?") from None
    except httpx2.HTTPError:
        raise connect_failure(base_url) or BackendFailure(
            "connection", f"Cannot reach {base_url}: is the server running and the URL right?") from None
    if response.status_code != 200:
        raise _status_failure(response.status_code, base_url, "the list of models")
    try:
        data = response.json()["data"]
        return tuple(str(m["id"])[:_NAME_CHARS] for m in data[:200])
    except (ValueError, KeyError, TypeError):
        raise BackendFailure("bad_request", f"{base_url}/models did not answer like an OpenAI-compatible server: "
                                            "give the server's OpenAI base URL, usually ending in /v1.") from None


class _Tokenizer:
    """The server's own tokenizer, where it exposes one (llama.cpp, llama-cpp-python, vLLM)."""

    # (name, tokenize path, body, tokens key, detokenize path, body, text key)
    _KINDS = (
        ("llama.cpp's /tokenize", "/tokenize", lambda t, m: {"content": t}, "tokens",
         "/detokenize", lambda ids, m: {"tokens": ids}, "content"),
        ("vLLM's /tokenize", "/tokenize", lambda t, m: {"model": m, "prompt": t}, "tokens",
         "/detokenize", lambda ids, m: {"model": m, "tokens": ids}, "prompt"),
        ("llama-cpp-python's /extras/tokenize", "/extras/tokenize", lambda t, m: {"input": t}, "tokens",
         "/extras/detokenize", lambda ids, m: {"tokens": ids}, "text"),
    )

    def __init__(self, http: httpx2.Client, base_url: str, model: str, key: SecretStr | None, known: str | None = None):
        """Finds which endpoint the server has, unless ``known`` names it (a probe already found it)."""
        self.http, self.root, self.model, self.key = http, _root(base_url), model, key
        if known is not None:
            self.kind = next((k for k in self._KINDS if k[0] == known), None)
            return
        self.kind = next((k for k in self._KINDS if self._tokens("probe", k) is not None), None)

    @property
    def name(self) -> str | None:
        return None if self.kind is None else self.kind[0]

    def _post(self, path: str, body: dict) -> dict | None:
        # Ten seconds and a megabyte for the whole answer, not per read: a server trickling bytes
        # (or sending an endless body) would otherwise hold the sweep before it began.
        start, received = time.perf_counter(), bytearray()
        try:
            with self.http.stream("POST", self.root + path, json=body, headers=_headers(self.key), timeout=_TOKENIZER_TIMEOUT_S) as response:
                if response.status_code != 200:
                    return None
                for chunk in response.iter_bytes():
                    received += chunk
                    if len(received) > _TOKENIZER_MAX_BYTES or time.perf_counter() - start > _TOKENIZER_TIMEOUT_S:
                        return None
            return json.loads(received)
        except (httpx2.HTTPError, ValueError):
            return None

    def _tokens(self, text: str, kind: tuple | None = None) -> list[int] | None:
        kind = kind or self.kind
        data = self._post(kind[1], kind[2](text, self.model))
        tokens = data.get(kind[3]) if isinstance(data, dict) else None
        if isinstance(tokens, list) and all(isinstance(t, int) for t in tokens):
            return tokens
        return None

    def count(self, text: str) -> int | None:
        tokens = self._tokens(text) if self.kind else None
        return None if tokens is None else len(tokens)

    def cut(self, text: str, n: int) -> str | None:
        """``text`` cut to exactly ``n`` of the server's tokens (it must be at least that long)."""
        tokens = self._tokens(text) if self.kind else None
        if tokens is None or len(tokens) < n:
            return None
        data = self._post(self.kind[4], self.kind[5](tokens[:n], self.model))  # type: ignore[index]
        value = data.get(self.kind[6]) if isinstance(data, dict) else None  # type: ignore[index]
        return value if isinstance(value, str) and value else None


class PromptCutter(Protocol):
    """A tokenizer that can cut a text to a number of tokens: the server's (``_Tokenizer``) or a model's own."""

    @property
    def kind(self) -> object | None: ...  # None: there is no tokenizer to use
    @property
    def name(self) -> str | None: ...
    def cut(self, text: str, n: int) -> str | None: ...


def shape_prompts(texts: Sequence[str], n_tokens: int, tokenizer: PromptCutter) -> tuple[list[str], str]:
    """Distinct prompts of ``n_tokens`` each: the texts joined (from a different start each) and
    cut with the server's tokenizer, or to four characters a token where it has none."""
    source = [t.strip() for t in texts if t.strip()] or ["Describe the weather in a city you know well."]
    prompts = []
    for i in range(_DISTINCT_PROMPTS):
        rotated = source[i % len(source):] + source[: i % len(source)]
        joined = "\n".join(rotated)
        # Long enough at about two characters a token, the densest text tokenizers see.
        while len(joined) < n_tokens * 6:
            joined += "\n" + joined
        cut = tokenizer.cut(joined[: n_tokens * 12], n_tokens) if tokenizer.kind else None
        prompts.append(cut if cut is not None else joined[: n_tokens * 4])
    how = (f"cut to {n_tokens:,} tokens with {tokenizer.name}" if tokenizer.kind
           else f"cut to {n_tokens * 4:,} characters (about {n_tokens:,} tokens at four characters a token: the server exposes no tokenizer)")
    return prompts, how + ", a request number in front of each"


def _request_body(model: str, prompt: str, max_tokens: int, ignore_eos: bool) -> dict:
    body = {"model": model, "messages": [{"role": "user", "content": prompt}], "max_tokens": max_tokens,
            "temperature": 0.0, "stream": True, "stream_options": {"include_usage": True}}
    if ignore_eos:
        body["ignore_eos"] = True
    return body


def _one_request(http: httpx2.Client, base_url: str, key: SecretStr | None, body: dict,
                 tokenizer: _Tokenizer, should_stop: Callable[[], bool], timeout_s: float) -> RequestRecord:
    """Send one streamed request and time it; failures are recorded, never raised.

    ``timeout_s`` bounds the whole request, not only each read: a server sending a keep-alive
    line every two seconds held a sweep (and its Stop) for ever.
    """
    start = time.perf_counter()
    chunk_times: list[float] = []
    parts: list[str] = []
    usage_tokens: int | None = None
    prompt_tokens: int | None = None
    server_tpot_ms: float | None = None
    finished = False
    try:
        with http.stream("POST", f"{base_url}/chat/completions", json=body, headers=_headers(key)) as response:
            if response.status_code != 200:
                response.read()
                return RequestRecord(None, None, 0, error_kind=f"http_{response.status_code}")
            for line in response.iter_lines():
                if should_stop():
                    return RequestRecord(None, None, 0, error_kind="cancelled")
                if time.perf_counter() - start > timeout_s:
                    return RequestRecord(None, None, 0, error_kind="timeout")
                if not line.startswith("data:"):  # comments, event names, keep-alives
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    finished = True
                    break
                now = time.perf_counter()
                try:
                    chunk = json.loads(payload)
                except ValueError:
                    return RequestRecord(None, None, 0, error_kind="bad_stream")
                if isinstance(chunk.get("usage"), dict):
                    usage_tokens = chunk["usage"].get("completion_tokens")
                    prompt_tokens = chunk["usage"].get("prompt_tokens")
                if isinstance(chunk.get("timings"), dict):
                    server_tpot_ms = chunk["timings"].get("predicted_per_token_ms")
                for choice in chunk.get("choices") or ():
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        chunk_times.append(now)
                        parts.append(text)
    except httpx2.TimeoutException:
        return RequestRecord(None, None, 0, error_kind="timeout")
    except httpx2.HTTPError:
        return RequestRecord(None, None, 0, error_kind="connection")
    if not chunk_times:
        return RequestRecord(None, None, 0, error_kind="no_tokens")
    if not finished:  # an OpenAI stream ends with [DONE]; without it the answer was cut off (llama-cpp-python interrupts one)
        return RequestRecord(None, None, 0, error_kind="cut_off")
    tokens = usage_tokens if isinstance(usage_tokens, int) and usage_tokens > 0 else tokenizer.count("".join(parts))
    if tokens is None:
        tokens = len(chunk_times)  # the last resort, and the sweep says so: one chunk counted as one token
    gaps = tuple(b - a for a, b in zip(chunk_times, chunk_times[1:], strict=False))
    return RequestRecord(chunk_times[0] - start, chunk_times[-1] - start, int(tokens), gaps,
                         prompt_tokens=prompt_tokens if isinstance(prompt_tokens, int) else None,
                         server_tpot_s=server_tpot_ms / 1000 if isinstance(server_tpot_ms, int | float) else None)


def probe_server(plan: SweepPlan, key: SecretStr | None = None, texts: Sequence[str] = (),
                 policy: OutboundPolicy | None = None, should_stop: Callable[[], bool] = lambda: False) -> tuple[ServerInfo, list[str]]:
    """Check the server before any load: reachable, serving the model, answering a streamed request.

    Returns the server's description and the prompts the sweep will send.

    Raises:
        BackendFailure: out-of-bounds settings, a URL the policy refuses, nothing listening, an
            HTTP error, a model the server does not serve (naming those it does), no streamed tokens.
    """
    if problems := plan.problems():
        raise BackendFailure("bad_request", "; ".join(problems) + ".")
    base_url = plan.base_url.strip().rstrip("/")
    if not normalise_base_url(base_url):
        raise BackendFailure("blocked", f"{base_url[:120]!r} is not a server address: give an http:// or https:// base URL "
                                        "without a user name or password, e.g. http://127.0.0.1:8000/v1.")
    policy = policy or outbound_policy()
    with _client(policy, base_url, plan.timeout_s, 1) as http:
        served = _served_models(http, base_url, key)
        model = plan.model.strip() or (served[0] if served else "")
        if not model:
            raise BackendFailure("unknown_model", f"{base_url} lists no models: give the model name with the model setting.")
        if served and model not in served:
            names = ", ".join(repr(s) for s in served[:10])
            raise BackendFailure("unknown_model", f"{base_url} does not serve {model[:_NAME_CHARS]!r}; it serves {names}. "
                                                  "Give one of those as the model.")
        tokenizer = _Tokenizer(http, base_url, model, key)
        prompts, how = shape_prompts(texts, plan.input_tokens, tokenizer)
        notes = [f"Prompts: {how}."]
        # The first request warms the server up and finds out whether it takes ignore_eos
        # (generate exactly max_tokens); it is not counted.
        ignore_eos = True
        warm = _one_request(http, base_url, key, _request_body(model, prompts[0], min(plan.output_tokens, 16), True),
                            tokenizer, should_stop, plan.timeout_s)
        if warm.error_kind and warm.error_kind.startswith("http_4"):
            ignore_eos = False
            warm = _one_request(http, base_url, key, _request_body(model, prompts[0], min(plan.output_tokens, 16), False),
                                tokenizer, should_stop, plan.timeout_s)
            notes.append("The server refused ignore_eos: answers may end before max_tokens; the real counts are used.")
        if warm.error_kind == "cancelled":
            raise BackendFailure("cancelled", "Stopped before the sweep began.")
        if warm.error_kind:
            status = warm.error_kind.removeprefix("http_")
            if status.isdigit():
                raise _status_failure(int(status), base_url, "a streamed chat completion")
            raise BackendFailure("server" if warm.error_kind == "no_tokens" else warm.error_kind,  # type: ignore[arg-type]
                                 f"{base_url} did not stream an answer ({warm.error_kind.replace('_', ' ')}): "
                                 "check that it serves chat completions with stream=true.")
    source = ("the server's usage report" if warm.prompt_tokens is not None
              else f"{tokenizer.name}, counting the answer's text" if tokenizer.kind else "streamed chunks (one counted as one token)")
    return ServerInfo(base_url, model, served, tokenizer.name or "none", ignore_eos, warm.prompt_tokens, source, tuple(notes)), prompts


class _StepRequests:
    """One step's requests, closed- or open-loop: each numbered, timed from the step's start and kept.

    A request number goes in front of each prompt: no two requests share a prefix a server
    could serve from its cache.
    """

    def __init__(self, http: httpx2.Client, info: ServerInfo, key: SecretStr | None, prompts: Sequence[str], plan: SweepPlan,
                 label: str, should_stop: Callable[[], bool], on_request: Callable[[], None]):
        self.http, self.info, self.key, self.prompts, self.plan, self.label = http, info, key, prompts, plan, label
        self.should_stop, self.on_request = should_stop, on_request
        self.lock = threading.Lock()
        self.records: list[RequestRecord] = []
        self.tokenizer = _Tokenizer(http, info.base_url, info.model, key, known=info.tokenizer)  # counts where no usage is reported
        self.start = time.perf_counter()

    def send(self, index: int) -> None:
        prompt = f"[{self.label}.{index}] {self.prompts[index % len(self.prompts)]}"
        body = _request_body(self.info.model, prompt, self.plan.output_tokens, self.info.ignore_eos)
        sent_at = time.perf_counter() - self.start
        record = replace(_one_request(self.http, self.info.base_url, self.key, body, self.tokenizer, self.should_stop, self.plan.timeout_s),
                         sent_s=sent_at)
        with self.lock:  # progress is counted under the lock: requests finish at the same moment
            self.records.append(record)
            self.on_request()

    def finished(self, concurrency: int, request_rate: float | None = None) -> StepRecords | None:
        """The step's records, or None when it was stopped part-way."""
        duration = time.perf_counter() - self.start
        if self.should_stop() or len(self.records) < self.plan.requests_per_step:
            return None
        return StepRecords(concurrency, tuple(self.records), duration, request_rate=request_rate)


def _run_step(http: httpx2.Client, info: ServerInfo, key: SecretStr | None, prompts: Sequence[str], plan: SweepPlan,
              concurrency: int, should_stop: Callable[[], bool], on_request: Callable[[], None]) -> StepRecords | None:
    """``plan.requests_per_step`` requests with ``concurrency`` in flight; None when stopped part-way."""
    step = _StepRequests(http, info, key, prompts, plan, str(concurrency), should_stop, on_request)
    sent = [0]

    def worker() -> None:
        while not should_stop():
            with step.lock:
                if sent[0] >= plan.requests_per_step:
                    return
                index = sent[0]
                sent[0] += 1
            step.send(index)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="crossover-sweep") as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    return step.finished(concurrency)


def poisson_send_times(rate: float, n: int, seed: int = 0) -> list[float]:
    """When each of ``n`` requests is sent, in seconds from the step's start, at ``rate`` a second on
    average: the first at once, then exponential gaps (Poisson arrivals, vLLM's burstiness 1)."""
    rng = random.Random(seed)
    times, at = [], 0.0
    for _ in range(n):
        times.append(at)
        at += rng.expovariate(rate)
    return times


def _run_open_loop(http: httpx2.Client, info: ServerInfo, key: SecretStr | None, prompts: Sequence[str], plan: SweepPlan,
                   should_stop: Callable[[], bool], on_request: Callable[[], None]) -> StepRecords | None:
    """``plan.requests_per_step`` requests sent at Poisson times, whether or not earlier ones are done
    (at most ``plan.max_concurrency`` in flight: a request past the cap waits, and its clock starts when
    it is sent, as in vLLM's ``--max-concurrency``); None when stopped part-way."""
    assert plan.request_rate is not None
    step = _StepRequests(http, info, key, prompts, plan, f"rate {plan.request_rate:g}", should_stop, on_request)

    def send(index: int) -> None:
        if not should_stop():
            step.send(index)

    with ThreadPoolExecutor(max_workers=plan.max_concurrency, thread_name_prefix="crossover-sweep-rate") as pool:
        for index, at in enumerate(poisson_send_times(plan.request_rate, plan.requests_per_step, plan.seed)):
            # Sleep in short slices so Stop is seen within a tenth of a second.
            while (wait := step.start + at - time.perf_counter()) > 0 and not should_stop():
                time.sleep(min(wait, 0.1))
            if should_stop():
                break
            pool.submit(send, index)
    return step.finished(plan.max_concurrency, plan.request_rate)


def run_sweep(plan: SweepPlan, info: ServerInfo, prompts: Sequence[str], key: SecretStr | None = None, *,
              go_on: Callable[[StepRecords], bool] = lambda step: True,
              should_stop: Callable[[], bool] = lambda: False,
              on_progress: Callable[[int, int, int], None] = lambda step, steps, done: None,
              policy: OutboundPolicy | None = None) -> list[StepRecords]:
    """Run the steps 1, 2, 4, ... ``plan.max_concurrency`` against a probed server, then the
    open-loop step if the plan asks for one.

    Args:
        go_on: Given each finished step (the caller keeps them); after a closed-loop step, False
            ends the closed-loop steps (the caller's stop rule). The open-loop step, asked for
            in the plan, runs all the same.
        should_stop: The Stop button; a step it interrupts is dropped, finished ones are kept.
        on_progress: (step number from 1, number of steps, requests done in the step).

    Returns the finished steps.
    """
    steps, total = plan.steps, plan.step_count
    finished: list[StepRecords] = []

    def counter(number: int) -> Callable[[], None]:
        done = [0]
        on_progress(number, total, 0)

        def counted() -> None:
            done[0] += 1
            on_progress(number, total, done[0])
        return counted

    with _client(policy or outbound_policy(), info.base_url, plan.timeout_s, plan.max_concurrency) as http:
        for number, concurrency in enumerate(steps, 1):
            step = _run_step(http, info, key, prompts, plan, concurrency, should_stop, counter(number))
            if step is None:
                return finished
            finished.append(step)
            if not go_on(step):
                break
        if plan.request_rate is not None and not should_stop():
            step = _run_open_loop(http, info, key, prompts, plan, should_stop, counter(total))
            if step is not None:
                finished.append(step)
                go_on(step)
    return finished
