"""The whole bill: prompt caching, batch discounts, reasoning tokens and the cost lines the articles name.

A cloud request is not input x price + output x price. Providers serve a shared prompt prefix
from their cache at a discount (some charge for writing it), halve the price of requests that
can wait for a batch, and bill a reasoning model's hidden thinking as output. Local serving
pays software licences per GPU, data transfer, and (optionally) a premium for reliability
and security risk. Each of these is its own line here, so the breakdown, the TCO, the report
and ``crossover costs --json`` show where the money goes.

The provider rules (minimum cacheable length, increments, cache lifetime, write price,
batch discount) are in ``assets/bill_rules.json`` with their sources and dates; cache read
and write prices come from genai-prices where it has them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache, lru_cache

from genai_prices import Usage
from pydantic import BaseModel, ConfigDict

from calculators.assumptions import CostAssumptions
from calculators.catalog import ASSETS_DIR
from calculators.cloud_prices import CloudPrice, price_per_request
from calculators.tokens import count_tokens, token_counter

__all__ = [
    "BatchRule",
    "BillLine",
    "CacheRule",
    "PrefixMeasure",
    "ReasoningDefault",
    "RequestBill",
    "batch_rule",
    "cache_hit_rate",
    "cache_rule",
    "cacheable_tokens",
    "cloud_request_bill",
    "data_transfer_rules",
    "documented_multiple",
    "measure_shared_prefix",
    "model_reasons",
    "reasoning_default",
    "reasoning_multiple_for",
    "reasoning_multiple_measured",
    "reasoning_note",
]

BILL_RULES = ASSETS_DIR / "bill_rules.json"
# Minutes in the month the cost model's always-on hours describe (730 h).
MINUTES_PER_MONTH = 730 * 60


class CacheRule(BaseModel):
    """One provider's prompt-caching rules, as published."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    provider: str
    mode: str
    min_tokens: int
    increment_tokens: int
    write_multiple: float
    write_multiple_1h: float | None = None
    lifetime_minutes: float
    min_tokens_by_model: dict[str, int]
    source: str
    as_of: str

    def minimum_for(self, model: str) -> int:
        """The minimum cacheable prefix for a model (the longest matching model prefix wins)."""
        matches = [k for k in self.min_tokens_by_model if model.startswith(k)]
        return self.min_tokens_by_model[max(matches, key=len)] if matches else self.min_tokens


class BatchRule(BaseModel):
    """One provider's batch API discount, as published."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    provider: str
    discount: float
    window: str
    source: str
    as_of: str


class ReasoningDefault(BaseModel):
    """The reasoning multiple a model family is priced at until the user sets one, and where it comes from.

    ``multiple`` is 0 where no provider figure could be found; ``basis`` then says why.
    """

    model_config = ConfigDict(frozen=True)

    pattern: str
    multiple: float
    basis: str
    source: str | None = None
    as_of: str


class PrefixMeasure(BaseModel):
    """The prefix a team's prompts share, counted in tokens."""

    model_config = ConfigDict(frozen=True)

    prompts: int
    shared_prefix_tokens: int
    mean_input_tokens: float
    counted_by: str

    @property
    def share(self) -> float:
        """The shared prefix as a share of the average prompt (before any provider's rules)."""
        return 0.0 if self.mean_input_tokens <= 0 else min(1.0, self.shared_prefix_tokens / self.mean_input_tokens)


class BillLine(BaseModel):
    """One line of a cloud request's bill, in USD a request (negative: a saving)."""

    model_config = ConfigDict(frozen=True)

    item: str
    usd: float
    basis: str


class RequestBill(BaseModel):
    """What one cloud request costs, line by line; ``total_usd`` is the sum of the lines."""

    model_config = ConfigDict(frozen=True)

    lines: tuple[BillLine, ...]
    cached_tokens: int
    cache_hit_rate: float
    cache_rule: CacheRule | None
    batch_rule: BatchRule | None

    @property
    def total_usd(self) -> float:
        return sum(line.usd for line in self.lines)


@cache
def _rules() -> dict:
    return json.loads(BILL_RULES.read_text(encoding="utf-8"))


def _provider(ref: str) -> tuple[str, str]:
    provider, _, model = ref.partition(":")
    return provider, model


def cache_rule(ref: str) -> CacheRule | None:
    """The caching rules of a ``provider:model``'s provider; None where none are recorded."""
    provider, _ = _provider(ref)
    data = _rules()["caching"].get(provider)
    return CacheRule(provider=provider, **data) if data else None


def batch_rule(ref: str) -> BatchRule | None:
    """The batch discount of a ``provider:model``'s provider; None where none is recorded."""
    provider, _ = _provider(ref)
    data = _rules()["batch"].get(provider)
    return BatchRule(provider=provider, **data) if data else None


def model_reasons(ref: str) -> bool:
    """True for model families that think before answering (their reasoning is billed as output)."""
    return any(ref.startswith(f["pattern"]) for f in _rules()["reasoning"]["families"] if f["reasons"])


def _family(ref: str) -> dict | None:
    families = [f for f in _rules()["reasoning"]["families"] if f["reasons"] and ref.startswith(f["pattern"])]
    return max(families, key=lambda f: len(f["pattern"])) if families else None


def reasoning_default(ref: str) -> ReasoningDefault | None:
    """The sourced default multiple of a model that reasons (None for one that answers straight away).

    Each default is computed from the usage the provider's documentation shows for one example
    request, with the same sum the Playground uses on a measured run.
    """
    family = _family(ref)
    if family is None:
        return None
    if family.get("default") is None:
        return ReasoningDefault(pattern=family["pattern"], multiple=0.0, basis=family["no_default"],
                                source=family.get("source"), as_of=family["as_of"])
    figure = _rules()["reasoning"]["defaults"][family["default"]]
    multiple = reasoning_multiple_measured(figure["output_tokens"], figure["reasoning_tokens"]) or 0.0
    return ReasoningDefault(pattern=family["pattern"], multiple=multiple, basis=figure["basis"], source=figure["source"],
                            as_of=figure["as_of"])


def reasoning_multiple_for(price: CloudPrice, a: CostAssumptions) -> float:
    """The multiple a cloud model is billed at: the user's (typed or measured) wins, then its family's sourced default.

    Models that answer straight away get none; a model priced by hand may be one that reasons,
    so the user's multiple applies to it too.
    """
    if not (model_reasons(price.ref) or price.overridden):
        return 0.0
    if a.reasoning_multiple is not None:
        return a.reasoning_multiple
    default = reasoning_default(price.ref)
    return default.multiple if default else 0.0


def documented_multiple(provider: str) -> float | None:
    """The multiple in a provider's documented example (Anthropic's too, whose models think only when asked)."""
    figure = _rules()["reasoning"]["defaults"].get(provider)
    return reasoning_multiple_measured(figure["output_tokens"], figure["reasoning_tokens"]) if figure else None


def data_transfer_rules() -> dict:
    """The sourced internet-egress prices per GB (assets/bill_rules.json, "data_transfer")."""
    return _rules()["data_transfer"]


def reasoning_note(label: str, default: ReasoningDefault) -> str:
    """One sentence on the default a reasoning model is priced at, for the page, the report and the CLI."""
    if not default.multiple:
        return (f"{label} thinks before answering and bills its reasoning tokens as output; no figure is counted by "
                f"default ({default.basis}). Set the reasoning multiple, or measure it in the Playground.")
    return (f"{label} thinks before answering: priced at the sourced default of {default.multiple:.2f} hidden reasoning "
            f"tokens per output token, an estimate ({default.basis}; {default.source}, read {default.as_of}). "
            "Set your own multiple, or measure it in the Playground.")


def reasoning_multiple_measured(output_tokens: int | None, reasoning_tokens: int | None) -> float | None:
    """Reasoning tokens per visible output token from one run's usage (reasoning is counted inside output)."""
    if not reasoning_tokens or output_tokens is None or output_tokens <= reasoning_tokens:
        return None
    return reasoning_tokens / (output_tokens - reasoning_tokens)


def measure_shared_prefix(prompts: Sequence[str], system_prompt: str = "", model_ref: str | None = None) -> PrefixMeasure:
    """Count the tokens every prompt shares at its start (a system prompt, instructions, examples).

    Each request is the system prompt (if any) followed by the prompt, counted with the same
    tokenizer as the rest of Crossover (calculators/tokens.py). The shared prefix is the
    longest run of tokens all of them begin with: what a provider's prefix cache can serve.
    """
    from calculators.tokens import _encoding  # the vocabulary loads once, on first use

    counter = token_counter(model_ref)
    texts = [f"{system_prompt}\n\n{p}" if system_prompt else p for p in prompts if p]
    if not texts:
        return PrefixMeasure(prompts=0, shared_prefix_tokens=0, mean_input_tokens=0.0, counted_by=counter.label)
    encoded = [_encoding(counter.encoding).encode(t) for t in texts]
    shared = min(len(e) for e in encoded)
    first = encoded[0]
    for tokens in encoded[1:]:
        i = 0
        while i < shared and tokens[i] == first[i]:
            i += 1
        shared = i
        if not shared:
            break
    if len(encoded) == 1:
        # One prompt shares nothing with another; only a given system prompt is known to repeat.
        shared = count_tokens(system_prompt, model_ref) if system_prompt else 0
    mean = sum(len(e) for e in encoded) / len(encoded)
    return PrefixMeasure(prompts=len(encoded), shared_prefix_tokens=shared, mean_input_tokens=mean, counted_by=counter.label)


def cacheable_tokens(prefix_tokens: int, input_tokens: int, rule: CacheRule, model: str) -> int:
    """Tokens of a prefix a provider's cache serves: none under its minimum, then whole increments."""
    prefix = min(prefix_tokens, input_tokens)
    minimum = rule.minimum_for(model)
    if prefix < minimum:
        return 0
    step = max(rule.increment_tokens, 1)
    return minimum + (prefix - minimum) // step * step


def cache_hit_rate(requests_per_month: float, lifetime_minutes: float) -> float:
    """Share of requests that find the prefix still cached, for arrivals spread evenly at random.

    With Poisson arrivals at rate r a minute, the previous request came within the cache's
    lifetime T with probability 1 - exp(-r T); the others write the cache afresh.
    """
    if requests_per_month <= 0:
        return 0.0
    rate = requests_per_month / MINUTES_PER_MONTH
    return 1.0 - math.exp(-rate * lifetime_minutes)


@lru_cache(maxsize=4096)
def _with_cache(price: CloudPrice, input_tokens: int, output_tokens: int, read: int) -> float:
    """USD of one request with ``read`` input tokens billed at the cached rate (long-context tiers applied)."""
    if read == 0:
        return price_per_request(price, input_tokens, output_tokens)
    if price.overridden:
        return ((input_tokens - read) * price.input_per_mtok + read * (price.cached_input_per_mtok or 0.0)
                + output_tokens * price.output_per_mtok) / 1e6
    from calculators.cloud_prices import _find  # the exact model priced above

    provider, model = _find(price.ref)
    return float(model.calc_price(Usage(input_tokens=input_tokens, cache_read_tokens=read, output_tokens=output_tokens),
                                  provider).total_price)


def _write_price_per_mtok(price: CloudPrice, rule: CacheRule, lifetime: str) -> float:
    if lifetime == "1h" and rule.write_multiple_1h is not None:
        return price.input_per_mtok * rule.write_multiple_1h
    if price.cache_write_per_mtok is not None and not price.overridden:
        return price.cache_write_per_mtok
    return price.input_per_mtok * rule.write_multiple


def cloud_request_bill(price: CloudPrice, input_tokens: int, output_tokens: int, requests_per_month: int,
                       batch_share: float, a: CostAssumptions) -> RequestBill:
    """One request's bill on a cloud model, line by line.

    Lines, in order (each the change from the one before, so they add up):
    tokens at list price; reasoning tokens (``reasoning_multiple`` x output, billed as
    output, for models that reason or are priced by hand, see :func:`reasoning_multiple_for`); the prompt cache (reads at the cached rate, a saving) and its writes (the
    write premium, where the provider charges one); the batch discount on the share of
    requests that can wait; data transfer. ``cloud_price_scale`` scales the token lines.

    The cache: with a measured shared prefix, each provider's rules decide how much of it
    is served (minimum length, increments) and how often it is still alive (its lifetime
    at this volume, see :func:`cache_hit_rate`); without one, the manual
    ``cached_input_share`` is billed at the cached rate, as before.
    """
    scale = a.cloud_price_scale
    provider_rule = cache_rule(price.ref)
    _, model = _provider(price.ref)
    multiple = reasoning_multiple_for(price, a)
    reasoning = round(output_tokens * multiple)
    base = price_per_request(price, input_tokens, output_tokens)
    with_reasoning = price_per_request(price, input_tokens, output_tokens + reasoning)
    lines = [BillLine(item="Tokens at list price", usd=scale * base,
                      basis=f"{input_tokens:,} in + {output_tokens:,} out at ${price.input_per_mtok:g}/${price.output_per_mtok:g} per 1M")]
    if reasoning:
        lines.append(BillLine(item="Reasoning tokens", usd=scale * (with_reasoning - base),
                              basis=f"{reasoning:,} hidden tokens ({multiple:.3g} x output"
                                    f"{', sourced default' if a.reasoning_multiple is None else ''}), billed as output"))
    read = writes_usd = 0.0
    cached, hit = 0, 0.0
    lifetime = a.cache_lifetime if provider_rule and provider_rule.write_multiple_1h else "5m"
    if price.cached_input_per_mtok is not None:
        if a.shared_prefix_tokens is None:
            cached, hit = round(input_tokens * a.cached_input_share), 1.0
            basis = f"{a.cached_input_share:.0%} of input at the cached rate (set by hand)"
        elif provider_rule is not None:
            cached = cacheable_tokens(a.shared_prefix_tokens, input_tokens, provider_rule, model)
            minutes = 60.0 if lifetime == "1h" else provider_rule.lifetime_minutes
            hit = cache_hit_rate(requests_per_month, minutes) if cached else 0.0
            basis = (f"{cached:,} of {a.shared_prefix_tokens:,} shared prefix tokens cacheable "
                     f"(min {provider_rule.minimum_for(model):,}); {hit:.1%} of requests find it cached")
        else:
            basis = "no caching rules recorded for this provider"
        if cached:
            read = hit * (_with_cache(price, input_tokens, output_tokens + reasoning, cached) - with_reasoning)
        if cached or a.shared_prefix_tokens is not None:
            # A measured prefix below the provider's minimum is a line of $0 that says why.
            lines.append(BillLine(item="Prompt cache reads", usd=scale * read, basis=basis))
            if a.shared_prefix_tokens is not None and provider_rule is not None:
                premium = _write_price_per_mtok(price, provider_rule, lifetime) - price.input_per_mtok
                writes_usd = (1 - hit) * cached * premium / 1e6
                if writes_usd:
                    lines.append(BillLine(item="Prompt cache writes", usd=scale * writes_usd,
                                          basis=f"{1 - hit:.1%} of requests write {cached:,} tokens at "
                                                f"${premium + price.input_per_mtok:g} per 1M ({lifetime} lifetime)"))
    batch = batch_rule(price.ref)
    if batch_share and batch is not None and not price.overridden:
        saving = -batch_share * batch.discount * (with_reasoning + read + writes_usd)
        lines.append(BillLine(item="Batch discount", usd=scale * saving,
                              basis=f"{batch_share:.0%} of requests at {batch.discount:.0%} off ({batch.window})"))
    if a.egress_gb_month and a.egress_usd_per_gb_cloud and requests_per_month:
        per_request_gb = a.egress_gb_month / requests_per_month
        lines.append(BillLine(item="Data transfer", usd=per_request_gb * a.egress_usd_per_gb_cloud,
                              basis=f"{a.egress_gb_month:,g} GB a month at ${a.egress_usd_per_gb_cloud:g}/GB"))
    return RequestBill(lines=tuple(lines), cached_tokens=cached, cache_hit_rate=hit, cache_rule=provider_rule, batch_rule=batch)
