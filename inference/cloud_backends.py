"""Cloud models through their official SDKs: OpenAI (and any OpenAI-compatible server) and Anthropic.

The SDKs retry with exponential backoff and honour ``Retry-After``; an HTTP hook counts
the attempts so the page can show how many retries a result took.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import openai
from pydantic import SecretStr

from inference.backend import Backend
from inference.cloud_errors import connect_failure, failure_from_sdk_error, no_key_failure
from inference.outbound import OFFICIAL_BASE_URLS, OutboundPolicy, is_official, outbound_policy
from inference.types import BackendFailure, GenerationRequest, StreamEvent

__all__ = ["AnthropicBackend", "OpenAIBackend"]

OPENAI_DEFAULT_URL = OFFICIAL_BASE_URLS["openai"][0]


class _AttemptCounter:
    def __init__(self) -> None:
        self.attempts = 0

    def __call__(self, request: Any) -> None:
        self.attempts += 1

    @property
    def retries(self) -> int:
        return max(0, self.attempts - 1)


class _CloudBackend(Backend):
    """What the cloud backends share: a model name, a key, where to reach it, how patiently."""

    def __init__(self, model: str, api_key: SecretStr | None, base_url: str | None = None,
                 timeout_s: float = 60.0, max_retries: int = 2, outbound: OutboundPolicy | None = None):
        self._model = model
        self._key = api_key
        self._base_url = (base_url or "").rstrip("/") or None
        self._timeout_s = timeout_s
        self._max_retries = max_retries
        self._outbound = outbound or outbound_policy()

    @property
    def model(self) -> str:
        return self._model

    @property
    def custom_server(self) -> bool:
        """A base URL other than the provider's own: its error text is not trusted, and is not shown raw."""
        return not is_official(self.kind, self._base_url or "")

    def _http(self, counter: _AttemptCounter) -> httpx2.Client:
        """The HTTP client for one run: counts attempts and never follows a redirect (an allowed
        server must not be able to bounce the request to an address the policy refuses)."""
        self._outbound.check(self.kind, self._base_url or "")
        return httpx2.Client(event_hooks={"request": [counter]}, timeout=self._timeout_s, follow_redirects=False)

    def _missing_key(self) -> BackendFailure | None:
        return None

    def preflight(self) -> BackendFailure | None:
        if missing := self._missing_key():
            return missing
        if not self._base_url or is_official(self.kind, self._base_url):
            return None
        try:
            self._outbound.check(self.kind, self._base_url)  # a refused address is never connected to
        except BackendFailure as refused:
            return refused
        return connect_failure(self._base_url)


class OpenAIBackend(_CloudBackend):
    """OpenAI's chat completions API, or any server that speaks it (vLLM, llama.cpp, Ollama...)."""

    kind = "openai"

    @property
    def label(self) -> str:
        return f"OpenAI-compatible ({self._base_url}): {self._model}" if self.custom_server else f"OpenAI: {self._model}"

    def _missing_key(self) -> BackendFailure | None:
        return no_key_failure("OpenAI", "OPENAI_API_KEY") if self._key is None and not self.custom_server else None

    def events(self, request: GenerationRequest) -> Iterator[StreamEvent]:
        if missing := self._missing_key():
            raise missing
        counter = _AttemptCounter()
        with self._http(counter) as http:
            client = openai.OpenAI(
                # A self-hosted server often needs no key, but the SDK insists on one.
                api_key=self._key.get_secret_value() if self._key else "no-key",
                base_url=self._base_url or OPENAI_DEFAULT_URL,
                timeout=self._timeout_s, max_retries=self._max_retries, http_client=http,
            )
            # OpenAI's newer models take max_completion_tokens; compatible servers take max_tokens.
            limit = {"max_tokens": request.max_tokens} if self.custom_server else {"max_completion_tokens": request.max_tokens}
            try:
                stream = client.chat.completions.create(
                    model=self._model, messages=request.messages(), temperature=request.temperature,  # type: ignore[arg-type]
                    stream=True, stream_options={"include_usage": True}, **limit,
                )
                yield StreamEvent(retries=counter.retries)
                usage_seen = False
                parts: list[str] = []
                for chunk in stream:
                    if chunk.usage is not None:
                        usage_seen = True
                        details = getattr(chunk.usage, "prompt_tokens_details", None)
                        thinking = getattr(chunk.usage, "completion_tokens_details", None)
                        yield StreamEvent(
                            input_tokens=chunk.usage.prompt_tokens,
                            output_tokens=chunk.usage.completion_tokens,
                            cached_prompt_tokens=getattr(details, "cached_tokens", None),
                            reasoning_tokens=getattr(thinking, "reasoning_tokens", None),
                            token_source="the provider's usage report",
                        )
                    for choice in chunk.choices:
                        if choice.delta and choice.delta.content:
                            parts.append(choice.delta.content)
                            yield StreamEvent(text=choice.delta.content)
                if not usage_seen and self.custom_server:
                    yield self._count_with_server_tokenizer(http, request, "".join(parts))
            except openai.APIError as exc:
                raise failure_from_sdk_error(exc, provider="OpenAI" if not self.custom_server else "The server",
                                             model=self._model, where=self._base_url or OPENAI_DEFAULT_URL,
                                             timeout_s=self._timeout_s, retries=counter.retries,
                                             untrusted_body=self.custom_server) from None


    def _count_with_server_tokenizer(self, http: httpx2.Client, request: GenerationRequest, answer: str) -> StreamEvent:
        """Some compatible servers stream no usage; llama.cpp-based ones can still count tokens.

        The prompt is counted without the chat template's tokens, so its count is a little
        low; the answer's count is exact. Where no tokenizer endpoint answers, counts stay
        empty and say so: chunks are never counted as tokens.
        """
        root = str(self._base_url).removesuffix("/v1")

        def count(text: str) -> int | None:
            try:
                response = http.post(f"{root}/extras/tokenize/count", json={"input": text}, timeout=5)
                return int(response.json()["count"]) if response.status_code == 200 else None
            except (httpx2.HTTPError, ValueError, KeyError):
                return None

        output = count(answer) if answer else 0
        prompt = count("\n".join(m["content"] for m in request.messages()))
        if output is None:
            return StreamEvent(token_source="not reported by the server")
        return StreamEvent(input_tokens=prompt, output_tokens=output,
                           token_source="the server's tokenizer (it reports no usage); prompt without template tokens")


class AnthropicBackend(_CloudBackend):
    """Anthropic's Messages API, streamed."""

    kind = "anthropic"

    @property
    def label(self) -> str:
        return f"Anthropic: {self._model}"

    def _missing_key(self) -> BackendFailure | None:
        return no_key_failure("Anthropic", "ANTHROPIC_API_KEY") if self._key is None else None

    def events(self, request: GenerationRequest) -> Iterator[StreamEvent]:
        if missing := self._missing_key():
            raise missing
        counter = _AttemptCounter()
        with self._http(counter) as http:
            client = anthropic.Anthropic(api_key=self._key.get_secret_value(), base_url=self._base_url,
                                         timeout=self._timeout_s, max_retries=self._max_retries, http_client=http)
            extra = {"system": request.system} if request.system.strip() else {}
            try:
                # The current Messages API has no temperature: the model sets its own sampling.
                stream = client.messages.create(
                    model=self._model, max_tokens=request.max_tokens,
                    messages=[{"role": "user", "content": request.prompt}], stream=True, **extra,
                )
                yield StreamEvent(retries=counter.retries)
                for event in stream:
                    if event.type == "message_start":
                        usage = event.message.usage
                        yield StreamEvent(input_tokens=usage.input_tokens,
                                          cached_prompt_tokens=getattr(usage, "cache_read_input_tokens", None))
                    elif event.type == "content_block_delta" and getattr(event.delta, "type", "") == "text_delta":
                        yield StreamEvent(text=event.delta.text)
                    elif event.type == "message_delta":
                        # Anthropic's count here is cumulative: the last one is the total.
                        yield StreamEvent(output_tokens=event.usage.output_tokens, token_source="the provider's usage report")
            except anthropic.APIError as exc:
                raise failure_from_sdk_error(exc, provider="Anthropic" if not self.custom_server else "The server", model=self._model,
                                             where=self._base_url or "api.anthropic.com",
                                             timeout_s=self._timeout_s, retries=counter.retries,
                                             untrusted_body=self.custom_server) from None
