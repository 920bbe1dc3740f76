"""Providers' published rate limits, and what a load profile's peaks would do against them.

The catalog (``assets/rate_limits.json``) holds, per offering (ids of ``providers.json``)
and model (ids of the price data), the requests and tokens a minute of each usage tier,
with the page each figure was read from and the date. Where a provider publishes no
figures it says so, and the check says so instead of guessing.

A limit is per minute, so it is checked against every minute of the profile: the share
of minutes over it, the share of requests that would get an HTTP 429 on the first try,
and the lowest tier whose limits hold the busiest minute.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from calculators.errors import CostInputError

__all__ = ["RateLimitCheck", "TierLimit", "check_rate_limits", "model_tiers", "rate_limit_catalog"]

CATALOG = Path(__file__).resolve().parent.parent / "assets" / "rate_limits.json"


class TierLimit(BaseModel):
    """One usage tier's per-minute limits for one model on one offering."""

    model_config = ConfigDict(frozen=True)

    offering: str
    tier: str
    rpm: int
    tpm: int | None = None  # input + output tokens (OpenAI, Azure)
    input_tpm: int | None = None  # Anthropic counts input and output separately
    output_tpm: int | None = None
    source: str
    via: str | None
    checked: str

    @property
    def label(self) -> str:
        return f"{self.tier} ({self.offering})"

    def requests_allowed(self, input_tokens: int, output_tokens: int) -> float:
        """Requests of this shape one minute allows: the tightest of the request and token limits."""
        caps = [float(self.rpm)]
        if self.tpm is not None and input_tokens + output_tokens > 0:
            caps.append(self.tpm / (input_tokens + output_tokens))
        if self.input_tpm is not None and input_tokens > 0:
            caps.append(self.input_tpm / input_tokens)
        if self.output_tpm is not None and output_tokens > 0:
            caps.append(self.output_tpm / output_tokens)
        return min(caps)

    def token_limit(self) -> int | None:
        """The tokens-a-minute figure shown as ``tpm_limit`` (input tokens where counted apart)."""
        return self.tpm if self.tpm is not None else self.input_tpm


@cache
def rate_limit_catalog() -> dict:
    """The catalog as stored (loaded once)."""
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def model_tiers(model_ref: str) -> tuple[list[TierLimit], list[dict]]:
    """Every published tier for a model (lowest first, offering by offering), and the offerings that list it."""
    tiers: list[TierLimit] = []
    offerings = []
    for offering in rate_limit_catalog()["offerings"]:
        for model in offering["models"]:
            if model["model"] != model_ref:
                continue
            offerings.append(offering)
            tiers += [TierLimit(offering=offering["offering"], source=offering["source"], via=offering["via"],
                                checked=offering["checked"], **tier) for tier in model["tiers"]]
    return tiers, offerings


def whole_requests(allowed: float) -> int:
    """Requests a minute a limit allows, as every page states it: whole requests (37.5 allows 37)."""
    return math.floor(allowed)


class RateLimitCheck(BaseModel):
    """The profile's minutes against one model's limits at one tier.

    ``published`` is False when the catalog has no figures for the model: every figure is
    then None and ``sentences`` says why.
    """

    model_config = ConfigDict(frozen=True)

    model: str
    published: bool
    tier: str | None
    rpm_limit: int | None
    tpm_limit: int | None
    requests_allowed_per_minute: float | None
    peak_rpm: float
    minutes_over_share: float | None
    requests_over_share: float | None
    tier_needed: str | None
    tiers: list[str]
    source: str | None
    checked: str | None
    sentences: list[str]

    @property
    def whole_requests_allowed(self) -> int | None:
        """The requests a minute allowed as every page states it: whole requests (37.5 allows 37)."""
        return None if self.requests_allowed_per_minute is None else whole_requests(self.requests_allowed_per_minute)

    @property
    def exceeded(self) -> bool:
        """True when the busiest minute is over the chosen tier's limit."""
        return bool(self.minutes_over_share)

    def as_json(self) -> dict:
        """The ``rate_limits`` object of ``crossover load --json``."""
        return {"tier": self.tier, "rpm_limit": self.rpm_limit, "tpm_limit": self.tpm_limit,
                "minutes_over_share": None if self.minutes_over_share is None else round(self.minutes_over_share, 6),
                "tier_needed": self.tier_needed}


def _over(rpm: np.ndarray, allowed: float) -> tuple[float, float]:
    total = float(rpm.sum())
    minutes = float(np.count_nonzero(rpm > allowed)) / rpm.size if rpm.size else 0.0
    excess = float(np.maximum(rpm - allowed, 0).sum()) / total if total > 0 else 0.0
    return minutes, excess


def check_rate_limits(rpm: np.ndarray, input_tokens: int, output_tokens: int, model_ref: str,
                      tier: str | None = None) -> RateLimitCheck:
    """Check a per-minute series (at the scenario's volume) against a model's limits at a tier.

    Args:
        rpm: Requests in each minute.
        tier: A tier name (``Tier 2``) or label (``Tier 2 (openai-api)``); the lowest when omitted.

    Raises:
        CostInputError: a tier the model does not have, naming those it has.
    """
    tiers, offerings = model_tiers(model_ref)
    peak = float(rpm.max()) if rpm.size else 0.0
    if not tiers:
        where = offerings[0] if offerings else None
        why = (where["note"] if where else
               f"The rate-limit catalog has no figures for {model_ref}; check the provider's console for your limits.")
        return RateLimitCheck(model=model_ref, published=False, tier=None, rpm_limit=None, tpm_limit=None,
                              requests_allowed_per_minute=None, peak_rpm=peak, minutes_over_share=None,
                              requests_over_share=None, tier_needed=None, tiers=[],
                              source=where["source"] if where else None, checked=where["checked"] if where else None,
                              sentences=[why])
    if tier is None:
        chosen = tiers[0]
    else:
        matches = [t for t in tiers if tier in (t.tier, t.label)]
        if not matches:
            raise CostInputError(f"{model_ref} has no tier {tier!r}; its tiers: {', '.join(t.tier for t in tiers)}")
        chosen = matches[0]
    allowed = chosen.requests_allowed(input_tokens, output_tokens)
    minutes_over, requests_over = _over(rpm, allowed)
    needed = next((t for t in tiers if t.requests_allowed(input_tokens, output_tokens) >= peak), None)
    sentences = _what_429s_mean(model_ref, chosen, allowed, peak, minutes_over, requests_over, needed)
    return RateLimitCheck(
        model=model_ref, published=True, tier=chosen.tier, rpm_limit=chosen.rpm, tpm_limit=chosen.token_limit(),
        requests_allowed_per_minute=allowed, peak_rpm=peak, minutes_over_share=minutes_over,
        requests_over_share=requests_over, tier_needed=needed.tier if needed else None,
        tiers=[t.tier for t in tiers], source=chosen.source, checked=chosen.checked, sentences=sentences,
    )


def _what_429s_mean(model_ref: str, tier: TierLimit, allowed: float, peak: float, minutes_over: float,
                    requests_over: float, needed: TierLimit | None) -> list[str]:
    head = (f"{model_ref} at {tier.tier} ({tier.offering}) allows {whole_requests(allowed):,} requests of this size a "
            f"minute; the busiest minute sends {peak:,.0f}.")
    if minutes_over == 0:
        return [head + " No minute of the profile goes over it."]
    fix = (f"{needed.tier} holds the busiest minute." if needed else
           "No published tier holds the busiest minute: ask the provider for a custom limit, or keep the base load local.")
    return [
        head + f" {minutes_over:.1%} of minutes go over it, and {requests_over:.1%} of requests would get HTTP 429 "
        "(Too Many Requests) on the first try.",
        "With retries (exponential backoff, honouring retry-after) those requests wait for the next minute's window: "
        "seconds to tens of seconds added to their latency, and the retries count against the limit too, so a long burst "
        "queues up. Without retries they fail.",
        "Fallback: send what the limit refuses to local capacity (the base-load-local strategy below does this by design), "
        f"or move up a tier. {fix}",
    ]
