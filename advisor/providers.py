"""Provider privacy facts (assets/providers.json) and which offerings a scenario's regulations allow.

Rules, from the articles' provider table and the issue that asked for them:

- every regulation: API data must not train the provider's models by default;
- HIPAA: a Business Associate Agreement must be available;
- GDPR: EU data residency must be available;
- PCI DSS and financial regulation: zero data retention must be available;
- air-gapped: no cloud offering at all.

A fact that is "unknown" does not satisfy a rule: it rules the offering out, and says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from scenario import Regulation, Scenario

__all__ = ["Fact", "Offering", "PrivacyVerdict", "Verdict", "compatibility", "compatible_offerings", "load_offerings",
           "model_compatibility", "offerings_for_model", "privacy_verdict", "providers_note", "REGULATION_NAMES"]

PROVIDERS_FILE = Path(__file__).resolve().parents[1] / "assets" / "providers.json"
FACT_FIELDS = {
    "default_retention": "default retention",
    "zero_retention": "zero-retention option",
    "trains_by_default": "API data trains models by default",
    "soc2": "SOC 2",
    "hipaa_baa": "HIPAA BAA available",
    "eu_residency": "EU data residency",
    "regions": "regions",
}


class Fact(BaseModel):
    """One cell: the value, where it comes from and when it was checked."""

    model_config = ConfigDict(frozen=True)

    value: str
    source: str
    checked: str

    @property
    def known(self) -> bool:
        return self.value != "unknown"

    def is_yes(self) -> bool:
        return self.value.lower().startswith("yes")

    def is_no(self) -> bool:
        return self.value.lower() == "no"


class Offering(BaseModel):
    """A cloud offering a team might pick, with its privacy facts."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    price_providers: list[str]
    default_retention: Fact
    zero_retention: Fact
    trains_by_default: Fact
    soc2: Fact
    hipaa_baa: Fact
    eu_residency: Fact
    regions: Fact
    notes: Fact | None = None

    def fact(self, field: str) -> Fact:
        return getattr(self, field)


class Verdict(BaseModel):
    """Whether one offering is compatible with a set of regulations, and the facts that decide it."""

    model_config = ConfigDict(frozen=True)

    offering: Offering
    compatible: bool
    reasons: list[str]
    facts_used: list[str]


@cache
def _load(path: str) -> tuple[str, tuple[Offering, ...]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["about"], tuple(Offering.model_validate(o) for o in data["offerings"])


def load_offerings() -> tuple[Offering, ...]:
    """Every offering in the table."""
    return _load(str(PROVIDERS_FILE))[1]


def providers_note() -> str:
    """How the table was made and how old it is."""
    return _load(str(PROVIDERS_FILE))[0]


def _rule(offering: Offering, field: str, wanted: str, why: str) -> tuple[bool, str]:
    fact = offering.fact(field)
    if not fact.known:
        return False, f"{why}: {FACT_FIELDS[field]} is unknown (not confirmed from {fact.source})"
    ok = fact.is_no() if wanted == "no" else fact.is_yes()
    shown = fact.value if len(fact.value) < 60 else fact.value[:57] + "…"
    return ok, f"{why}: {FACT_FIELDS[field]} is {shown!r} ({fact.source}, checked {fact.checked})"


def compatibility(offering: Offering, regulations: Iterable[Regulation]) -> Verdict:
    """Check one offering against every regulation that applies."""
    rules = set(regulations)
    if not rules:
        return Verdict(offering=offering, compatible=True, reasons=[], facts_used=[])
    if "air_gapped" in rules:
        return Verdict(offering=offering, compatible=False, facts_used=[],
                       reasons=["air-gapped: no data may leave the site, so no cloud offering is allowed"])
    checks: list[tuple[str, str, str]] = [("trains_by_default", "no", "regulated data must not train the provider's models")]
    if "hipaa" in rules:
        checks.append(("hipaa_baa", "yes", "HIPAA needs a Business Associate Agreement"))
    if "gdpr" in rules:
        checks.append(("eu_residency", "yes", "GDPR here needs EU data residency"))
    if rules & {"pci", "finance"}:
        checks.append(("zero_retention", "yes", "card and financial data need a zero-retention option"))
    failed, used = [], []
    for field, wanted, why in checks:
        ok, sentence = _rule(offering, field, wanted, why)
        used.append(field)
        if not ok:
            failed.append(sentence)
    return Verdict(offering=offering, compatible=not failed, reasons=failed, facts_used=used)


def compatible_offerings(regulations: Sequence[Regulation]) -> list[Verdict]:
    """Every offering's verdict for these regulations, compatible ones first."""
    verdicts = [compatibility(o, regulations) for o in load_offerings()]
    return sorted(verdicts, key=lambda v: (not v.compatible, v.offering.name))


def offerings_for_model(ref: str) -> list[Offering]:
    """The offerings a price-data model (``provider:model``) is sold through, if the table has them."""
    provider = ref.partition(":")[0] if ":" in ref else ""
    return [o for o in load_offerings() if provider in o.price_providers]


def model_compatibility(ref: str, regulations: Sequence[Regulation]) -> tuple[bool | None, str]:
    """Whether a price-data model can be used under these regulations.

    Returns:
        ``(True, offering names)`` when an offering that sells it is compatible; ``(False,
        why)`` when none is; ``(None, ...)`` when the table has no offering for its provider.
    """
    return _model_compatibility(ref, tuple(sorted(regulations)))


@lru_cache(maxsize=4096)
def _model_compatibility(ref: str, regulations: tuple[Regulation, ...]) -> tuple[bool | None, str]:
    offerings = offerings_for_model(ref)
    if not offerings:
        return None, "no privacy facts for this provider in the table"
    if not regulations:
        return True, ", ".join(o.name for o in offerings)
    verdicts = [compatibility(o, regulations) for o in offerings]
    good = [v.offering.name for v in verdicts if v.compatible]
    if good:
        return True, "through " + ", ".join(good)
    return False, "; ".join(f"{v.offering.name}: {v.reasons[0]}" for v in verdicts)


class PrivacyVerdict(BaseModel):
    """Which cloud offerings a scenario may use, and what that means for cloud and hybrid.

    The one answer the Checklist's privacy step, the scoring, the Costs page and the report
    all show: nothing else decides whether regulated data may leave.
    """

    model_config = ConfigDict(frozen=True)

    regulations: list[Regulation]
    regulated_traffic: bool
    verdicts: list[Verdict]
    cloud_allowed: bool
    hybrid_allowed: bool
    reason: str

    @property
    def allowed(self) -> list[Offering]:
        """The offerings the scenario's regulated requests may go to."""
        return [v.offering for v in self.verdicts if v.compatible]

    def model_note(self, ref: str) -> tuple[bool | None, str]:
        """Whether a price-data model (``provider:model``) may be used, and why.

        ``None`` when the table has no offering for its provider (nothing to go on).
        """
        if "air_gapped" in self.regulations:
            return False, "air-gapped: no request may reach a cloud API"
        if not self.regulated_traffic:
            return (True if offerings_for_model(ref) else None), "no regulated requests"
        return model_compatibility(ref, self.regulations)


def privacy_verdict(scenario: Scenario) -> PrivacyVerdict:
    """The scenario's privacy verdict, from its regulations, its sensitive share and the provider facts.

    - An air gap rules out every offering, so cloud and hybrid too.
    - Regulated requests (a regulation and a sensitive share above 0) may go only to the
      offerings whose sourced facts meet every rule; with none, cloud-only is ruled out and
      hybrid keeps the regulated share in house.
    - Without regulated requests every offering is allowed.
    """
    return _privacy_verdict(tuple(sorted(scenario.regulations)), scenario.sensitive_share > 0)


@lru_cache(maxsize=512)
def _privacy_verdict(regulations: tuple[Regulation, ...], sensitive: bool) -> PrivacyVerdict:
    verdicts = compatible_offerings(regulations)
    regulated = bool(regulations) and sensitive
    rules = ", ".join(REGULATION_NAMES.get(r, r) for r in regulations)
    if "air_gapped" in regulations:
        return PrivacyVerdict(regulations=list(regulations), regulated_traffic=True, verdicts=verdicts, cloud_allowed=False,
                              hybrid_allowed=False, reason="The environment is air-gapped: no request may reach a cloud API.")
    if not regulated:
        why = (f"No request is marked sensitive, so {rules} puts no request off limits: every offering may be used."
               if regulations else "No regulation applies: every offering may be used.")
        return PrivacyVerdict(regulations=list(regulations), regulated_traffic=False,
                              verdicts=[v if not regulations else v.model_copy(update={"compatible": True, "reasons": []}) for v in verdicts],
                              cloud_allowed=True, hybrid_allowed=True, reason=why)
    good = [v.offering.name for v in verdicts if v.compatible]
    if good:
        return PrivacyVerdict(regulations=list(regulations), regulated_traffic=True, verdicts=verdicts, cloud_allowed=True, hybrid_allowed=True,
                              reason=f"Requests under {rules} may go only to {', '.join(good)} (their sourced facts meet every rule); "
                                     "every other offering is ruled out for them.")
    return PrivacyVerdict(regulations=list(regulations), regulated_traffic=True, verdicts=verdicts, cloud_allowed=False, hybrid_allowed=True,
                          reason=f"No cloud offering in Crossover's provider table is compatible with {rules} "
                                 "(see the provider facts on the Checklist's privacy step): cloud-only would send that data out; "
                                 "hybrid keeps the regulated share in house.")


REGULATION_NAMES = {
    "hipaa": "HIPAA", "gdpr": "GDPR", "pci": "PCI DSS", "finance": "financial regulation",
    "government": "government/defence rules", "air_gapped": "an air gap", "trade_secrets": "trade secrets",
}
