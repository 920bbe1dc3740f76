"""Routing policies: the articles' hybrid patterns as ordered rules over plain data.

A policy is a list of rules tried in order; the first rule that decides sends the prompt
local or to the cloud and records why. Rules:

- ``privacy_split``: prompts with sensitive data stay local.
- ``dev_prod``: development traffic goes to one route (local by default); production
  traffic is left to the next rules.
- ``tiered``: simple prompts (complexity below the threshold) go local, complex ones to
  the cloud.
- ``fallback``: everything goes to a primary route and falls back to the other on failure
  (local first and cloud on failure, or cloud first and local during an outage).
- ``base_burst``: local capacity holds the base load (sized to a percentile of per-minute
  demand); the share of requests above it, the bursts, goes to the cloud. The share comes
  from a load profile (``calculators.base_burst``: the Costs page and ``crossover load``).

Policies load from and save to JSON or YAML, rationale included.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from routing.complexity import Complexity
from routing.findings import ENTITY_LABELS, Finding
from scenario.errors import InputError
from scenario.limits import Limit, read_json, read_user_file, read_yaml

__all__ = [
    "POLICIES",
    "RouteDecision",
    "BaseBurst",
    "DevProd",
    "Fallback",
    "Policy",
    "PolicyError",
    "PrivacySplit",
    "PromptFacts",
    "Route",
    "Tiered",
    "decide",
    "dump_policy",
    "load_policy",
    "parse_policy",
    "parse_policy_file",
]

# The articles' policies have two rules; every prompt is tried against each rule in turn.
MAX_RULES = Limit("rules", 50, "CROSSOVER_MAX_POLICY_RULES")
MAX_POLICY_BYTES = 256_000
_TEXT = Annotated[str, Field(max_length=2_000)]

Route = Literal["local", "cloud"]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rationale: _TEXT = ""


class PrivacySplit(_Rule):
    """Sensitive prompts stay local."""

    kind: Literal["privacy_split"] = "privacy_split"


class DevProd(_Rule):
    """Development traffic to ``dev_route``; production passes to the next rule."""

    kind: Literal["dev_prod"] = "dev_prod"
    environment: Literal["dev", "prod"] = "prod"
    dev_route: Route = "local"


class Tiered(_Rule):
    """Complexity below ``threshold`` goes local, the rest to the cloud."""

    kind: Literal["tiered"] = "tiered"
    threshold: float = Field(default=0.3, ge=0, le=1, allow_inf_nan=False)


class Fallback(_Rule):
    """Everything to ``primary``; a share ``failure_rate`` falls back to the other route."""

    kind: Literal["fallback"] = "fallback"
    primary: Route = "local"
    failure_rate: float = Field(default=0.02, ge=0, le=1, allow_inf_nan=False)


class BaseBurst(_Rule):
    """Everything local up to the capacity sized for ``percentile``; a share ``burst_share`` above it goes to the cloud."""

    kind: Literal["base_burst"] = "base_burst"
    percentile: float = Field(default=90, ge=0, le=100, allow_inf_nan=False)
    burst_share: float = Field(default=0.1, ge=0, le=1, allow_inf_nan=False)


Rule = Annotated[PrivacySplit | DevProd | Tiered | Fallback | BaseBurst, Field(discriminator="kind")]


class Policy(BaseModel):
    """An ordered list of rules and the route for prompts no rule decides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(max_length=120)] = "custom"
    rationale: _TEXT = ""
    rules: list[Rule] = Field(default_factory=list)
    default_route: Route = "cloud"

    def rule_of(self, kind: str) -> PrivacySplit | DevProd | Tiered | Fallback | BaseBurst | None:
        """The first rule of a kind, if the policy has one."""
        return next((r for r in self.rules if r.kind == kind), None)


class PromptFacts(BaseModel):
    """What routing needs to know about one prompt."""

    index: int
    prompt: str
    findings: list[Finding]
    complexity: Complexity
    input_tokens: int
    label: bool | None = None

    @property
    def sensitive(self) -> bool:
        return bool(self.findings)


class RouteDecision(BaseModel):
    """Where one prompt goes, which rule sent it there and why."""

    prompt_index: int
    route: Route
    rule: str
    reason: str
    fallback_route: Route | None = None
    fallback_rate: float = 0.0


class PolicyError(InputError):
    """A policy file could not be read; the message names the problem."""


def _found(findings: Sequence[Finding]) -> str:
    kinds = sorted({ENTITY_LABELS.get(f.entity_type, f.entity_type) for f in findings})
    return ", ".join(kinds)


def decide(facts: PromptFacts, policy: Policy) -> RouteDecision:
    """Route one prompt: the first rule that decides wins; otherwise the default route."""
    for rule in policy.rules:
        if isinstance(rule, PrivacySplit) and facts.sensitive:
            return RouteDecision(prompt_index=facts.index, route="local", rule="privacy split",
                            reason=f"found {_found(facts.findings)}: sensitive data stays local")
        if isinstance(rule, DevProd) and rule.environment == "dev":
            return RouteDecision(prompt_index=facts.index, route=rule.dev_route, rule="dev/prod split",
                            reason=f"development traffic runs {rule.dev_route}")
        if isinstance(rule, Tiered):
            score = facts.complexity.score
            simple = score < rule.threshold
            return RouteDecision(prompt_index=facts.index, route="local" if simple else "cloud", rule="tiered",
                            reason=f"complexity {score:.2f} {'<' if simple else '>='} {rule.threshold:.2f}: "
                                   + ("simple, local" if simple else "complex, cloud"))
        if isinstance(rule, Fallback):
            other: Route = "cloud" if rule.primary == "local" else "local"
            return RouteDecision(prompt_index=facts.index, route=rule.primary, rule="fallback chain",
                            reason=f"{rule.primary} first; {other} on failure ({rule.failure_rate:.0%} of requests)",
                            fallback_route=other, fallback_rate=rule.failure_rate)
        if isinstance(rule, BaseBurst):
            # Which prompt lands in a burst depends on when it arrives, not on what it says: every prompt is
            # local first and the burst share overflows, like a fallback that is decided by capacity.
            return RouteDecision(prompt_index=facts.index, route="local", rule="base load / bursts",
                            reason=f"base load local (capacity for P{rule.percentile:g} of per-minute demand); "
                                   f"{rule.burst_share:.0%} of requests arrive in bursts above it and go to the cloud",
                            fallback_route="cloud", fallback_rate=rule.burst_share)
    return RouteDecision(prompt_index=facts.index, route=policy.default_route, rule="default",
                    reason=f"no rule decided: the default route, {policy.default_route}")


POLICIES: dict[str, Policy] = {
    "privacy-split-then-tiered": Policy(
        name="privacy-split-then-tiered",
        rationale="The articles' default hybrid: sensitive data never leaves; of the rest, simple prompts run "
                  "on the cheaper local model and complex ones go to the stronger cloud model.",
        rules=[PrivacySplit(rationale="Privacy split: sensitive data stays local."),
               Tiered(rationale="Tiered routing: simple requests local, complex ones to the cloud.")],
    ),
    "privacy-split": Policy(
        name="privacy-split",
        rationale="Privacy split alone: sensitive prompts local, everything else to the cloud for quality.",
        rules=[PrivacySplit(rationale="Sensitive data stays local.")],
    ),
    "tiered": Policy(
        name="tiered",
        rationale="Tiered routing alone (no privacy rule): shows what a cost-only split would leak.",
        rules=[Tiered(rationale="Simple requests local, complex ones to the cloud.")],
    ),
    "local-first-fallback": Policy(
        name="local-first-fallback",
        rationale="Fallback chain: try the local model, use the cloud when it fails; sensitive data still stays local.",
        rules=[PrivacySplit(rationale="Sensitive data never falls back to the cloud."),
               Fallback(primary="local", rationale="Local first, cloud on failure.")],
    ),
    "cloud-first-fallback": Policy(
        name="cloud-first-fallback",
        rationale="Fallback chain the other way: cloud normally, local during an outage.",
        rules=[PrivacySplit(rationale="Sensitive data stays local."),
               Fallback(primary="cloud", failure_rate=0.01, rationale="Cloud first, local during an outage.")],
    ),
    "base-load-local-bursts-cloud": Policy(
        name="base-load-local-bursts-cloud",
        rationale="Own enough GPUs for the base load and send the bursts to an API: sensitive data stays local, "
                  "everything else runs local until capacity is full. Set the burst share from a load profile.",
        rules=[PrivacySplit(rationale="Sensitive data stays local, bursts or not."),
               BaseBurst(rationale="Base load local; what arrives above local capacity goes to the cloud.")],
    ),
    "dev-local-prod-cloud": Policy(
        name="dev-local-prod-cloud",
        rationale="Dev/prod split: development runs on the local model, production on the cloud for quality.",
        rules=[DevProd(environment="dev", rationale="Local for development."), PrivacySplit()],
    ),
}


def parse_policy(data: object, where: str = "the policy") -> Policy:
    """Validate decoded JSON/YAML into a :class:`Policy`.

    Raises:
        PolicyError: naming each field that is wrong, or the rule cap it is over.
    """
    if isinstance(data, dict) and isinstance(data.get("rules"), list):
        try:
            MAX_RULES.check(len(data["rules"]), where)
        except InputError as exc:
            raise PolicyError(exc.problems) from None
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'policy'}: {e['msg']}" for e in exc.errors()[:10])
        raise PolicyError(f"the policy is not valid: {problems}") from None


def parse_policy_file(name: str, content: bytes) -> Policy:
    """A policy from an uploaded or named file's bytes: JSON for ``.json``, YAML otherwise.

    Raises:
        PolicyError: too large, nested too deeply, not UTF-8 JSON/YAML, or not a valid policy.
    """
    try:
        text = content.decode("utf-8-sig")
        reader = read_json if name.lower().endswith(".json") else read_yaml
        data = reader(text, name, max_bytes=MAX_POLICY_BYTES)
    except UnicodeDecodeError:
        raise PolicyError(f"{name}: not UTF-8 text; save it as UTF-8") from None
    except InputError as exc:
        raise PolicyError(exc.problems) from None
    return parse_policy(data, name)


def load_policy(source: str | Path) -> Policy:
    """A policy by name (see :data:`POLICIES`) or from a JSON or YAML file."""
    name = str(source)
    if name in POLICIES:
        return POLICIES[name]
    path = Path(source)
    if not path.exists():
        raise PolicyError(f"{name}: no such file, and not a policy name ({', '.join(POLICIES)})")
    try:
        content = read_user_file(path, MAX_POLICY_BYTES)
    except InputError as exc:
        raise PolicyError(exc.problems) from None
    return parse_policy_file(str(path), content)


def dump_policy(policy: Policy, fmt: Literal["json", "yaml"] = "json") -> str:
    """The policy as JSON or YAML text, with every rule's rationale."""
    data = policy.model_dump(mode="json")
    return json.dumps(data, indent=2) + "\n" if fmt == "json" else yaml.safe_dump(data, sort_keys=False)
