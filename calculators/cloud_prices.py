"""Cloud API prices from genai-prices, the pydantic team's maintained price database.

The data ships inside the ``genai-prices`` wheel, so lookups work offline. A request is
priced on its own and then multiplied by the volume: pricing a month's tokens in one call
would wrongly trigger long-context tiers.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from genai_prices import Usage
from genai_prices.data_snapshot import get_snapshot
from genai_prices.types import TieredPrices
from pydantic import BaseModel, ConfigDict, Field

from calculators.errors import UnknownCloudModel

__all__ = [
    "SUGGESTED_MODELS",
    "CloudPrice",
    "PriceOverride",
    "cloud_model_choices",
    "cloud_model_label",
    "lookup_price",
    "price_data_version",
    "price_per_request",
]

# A short list that covers what teams usually compare; any model in the data can be chosen.
SUGGESTED_MODELS = (
    "openai:gpt-4o",
    "openai:gpt-4o-mini",
    "openai:gpt-4.1",
    "openai:gpt-4.1-mini",
    "openai:gpt-5",
    "openai:gpt-5-mini",
    "openai:gpt-4",
    "anthropic:claude-sonnet-4-5",
    "anthropic:claude-haiku-4-5",
    "anthropic:claude-opus-4-1",
    "google:gemini-2.5-pro",
    "google:gemini-2.5-flash",
    "mistral:mistral-large-latest",
    "groq:llama-3.3-70b-versatile",
)


class PriceOverride(BaseModel):
    """A user's own prices for a model, or a custom OpenAI-compatible provider's, in USD per 1M tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_per_mtok: float = Field(ge=0, le=10_000, allow_inf_nan=False)
    output_per_mtok: float = Field(ge=0, le=10_000, allow_inf_nan=False)
    cached_input_per_mtok: float | None = Field(default=None, ge=0, le=10_000, allow_inf_nan=False)


class CloudPrice(BaseModel):
    """What one cloud model costs, and where the figure comes from."""

    model_config = ConfigDict(frozen=True)

    ref: str
    label: str
    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float | None
    has_tiers: bool
    overridden: bool
    source_urls: tuple[str, ...]
    data_version: str
    # Cache writes (Anthropic's 5-minute write price) and where a long-context tier starts, from the data.
    cache_write_per_mtok: float | None = None
    tier_starts_tokens: int | None = None


@cache
@cache
def price_data_version() -> str:
    """The genai-prices release whose bundled data is in use, and the newest price change in it."""
    newest = _newest_price_change()
    return f"genai-prices {version('genai-prices')}" + (f", newest price change {newest}" if newest else "")


def _newest_price_change() -> str | None:
    # The bundled data carries dated price changes (``datetime.date(2026, 10, 14)``); the
    # latest one that is not in the future tells how fresh the data is.
    import datetime as dt
    import re

    import genai_prices.data as bundled

    try:
        source = Path(bundled.__file__).read_text(encoding="utf-8")
    except OSError:
        return None
    today = dt.date.today()
    dates = [dt.date(int(y), int(m), int(d)) for y, m, d in re.findall(r"datetime\.date\((\d{4}), (\d{1,2}), (\d{1,2})\)", source)]
    past = [d for d in dates if d <= today]
    return max(past).isoformat() if past else None


def _split(ref: str) -> tuple[str | None, str]:
    provider, sep, model = ref.partition(":")
    return (provider, model) if sep else (None, ref)


@cache
def cloud_model_choices() -> tuple[str, ...]:
    """Every ``provider:model`` the price data prices by the token (image, audio and per-request models left out)."""
    now = datetime.now(UTC)
    return tuple(
        f"{p.id}:{m.id}" for p in get_snapshot().providers for m in p.models
        if any(_per_mtok(getattr(m.get_prices(now), name, None)) is not None for name in ("input_mtok", "output_mtok"))
    )


@cache
def _by_id() -> dict[str, tuple[Any, Any]]:
    return {f"{p.id}:{m.id}": (p, m) for p in get_snapshot().providers for m in p.models}


# genai-prices names some OpenAI models in lower case ("gpt 4o mini", "o3 Mini"); OpenAI writes
# "GPT-4o mini" and "o3-mini".
_OPENAI_GPT = re.compile(r"^gpt ([0-9][^ ]*)(.*)$")
_OPENAI_O = re.compile(r"^(o[0-9]+) (mini|pro)$", re.IGNORECASE)


def _label(provider: Any, model: Any) -> str:
    """``Provider Model`` as the provider writes the model's name ("OpenAI GPT-4o", "Anthropic Claude Sonnet 4.5")."""
    name = model.name or model.id
    if provider.id == "openai" and model.name:
        if gpt := _OPENAI_GPT.match(name):
            name = f"GPT-{gpt.group(1)}{gpt.group(2).replace(' turbo', ' Turbo')}"
        elif o_series := _OPENAI_O.match(name):
            name = f"{o_series.group(1)}-{o_series.group(2).lower()}"
    return f"{provider.name} {name}"


def cloud_model_label(ref: str) -> str:
    """How a ``provider:model`` reference is shown: the provider's own spelling, else the reference."""
    found = _by_id().get(ref)
    return _label(*found) if found else ref


def _find(ref: str):  # noqa: ANN202 - genai-prices' own types
    # The exact provider:model first: genai-prices' own matching is by pattern and misses some
    # ids it lists (Bedrock's "regional." ids with a ":0" version, for one).
    if exact := _by_id().get(ref):
        return exact
    provider_id, model_ref = _split(ref)
    try:
        return get_snapshot().find_provider_model(model_ref, None, provider_id, None)
    except LookupError:
        close = difflib.get_close_matches(ref, cloud_model_choices(), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; write it as provider:model, e.g. openai:gpt-4o"
        raise UnknownCloudModel(f"no price data for {ref!r}{hint}") from None


def _per_mtok(value: Decimal | TieredPrices | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, TieredPrices):
        return float(value.base)
    return float(value)


def lookup_price(ref: str, override: PriceOverride | None = None) -> CloudPrice:
    """The per-1M-token prices of a cloud model.

    Args:
        ref: ``provider:model`` as genai-prices names them (e.g. ``openai:gpt-4o``), or a
            custom name when ``override`` gives the prices.
        override: The user's own prices; they replace the database's and are marked so.

    Raises:
        UnknownCloudModel: when ``ref`` is not in the price data and no override is given.
    """
    # Prices in the data can change on a date, so the cache is per day.
    return _lookup_price(ref, override, datetime.now(UTC).date())


@lru_cache(maxsize=1024)
def _lookup_price(ref: str, override: PriceOverride | None, day: date) -> CloudPrice:
    if override is not None:
        try:
            provider, model = _find(ref)
            label, urls = _label(provider, model), tuple(provider.pricing_urls or ())
        except UnknownCloudModel:
            label, urls = ref, ()
        return CloudPrice(
            ref=ref,
            label=label,
            input_per_mtok=override.input_per_mtok,
            output_per_mtok=override.output_per_mtok,
            cached_input_per_mtok=override.cached_input_per_mtok,
            has_tiers=False,
            overridden=True,
            source_urls=urls,
            data_version="your own prices",
        )
    provider, model = _find(ref)
    prices = model.get_prices(datetime.combine(day, datetime.min.time(), tzinfo=UTC))
    input_price = _per_mtok(getattr(prices, "input_mtok", None))
    output_price = _per_mtok(getattr(prices, "output_mtok", None))
    if input_price is None and output_price is None:
        raise UnknownCloudModel(f"{ref!r} has no per-token prices (it is priced per image, audio or request)")
    return CloudPrice(
        ref=f"{provider.id}:{model.id}",
        label=_label(provider, model),
        input_per_mtok=input_price or 0.0,
        output_per_mtok=output_price or 0.0,
        cached_input_per_mtok=_per_mtok(getattr(prices, "cache_read_mtok", None)),
        has_tiers=any(isinstance(getattr(prices, f, None), TieredPrices) for f in ("input_mtok", "output_mtok")),
        overridden=False,
        source_urls=tuple(provider.pricing_urls or ()),
        data_version=price_data_version(),
        cache_write_per_mtok=_per_mtok(getattr(prices, "cache_write_mtok", None)),
        tier_starts_tokens=_first_tier(getattr(prices, "input_mtok", None)),
    )


def _first_tier(value: Decimal | TieredPrices | None) -> int | None:
    if isinstance(value, TieredPrices) and value.tiers:
        return int(value.tiers[0].start)
    return None


@lru_cache(maxsize=4096)
def price_per_request(price: CloudPrice, input_tokens: int, output_tokens: int, cached_input_share: float = 0.0) -> float:
    """USD for one request of the given shape.

    Database prices go through genai-prices' ``calc_price`` for this one request, so any
    long-context tier applies only when a single request is that long. A cached-input
    share is billed at the cached rate where the model has one, else at the full rate.
    """
    cached = round(input_tokens * cached_input_share) if price.cached_input_per_mtok is not None else 0
    if price.overridden:
        return (
            (input_tokens - cached) * price.input_per_mtok
            + cached * (price.cached_input_per_mtok or 0.0)
            + output_tokens * price.output_per_mtok
        ) / 1e6
    provider, model = _find(price.ref)  # the model priced above, not genai-prices' pattern match again
    usage = Usage(input_tokens=input_tokens, cache_read_tokens=cached, output_tokens=output_tokens)
    return float(model.calc_price(usage, provider).total_price)
