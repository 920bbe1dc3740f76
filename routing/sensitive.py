"""Find sensitive data in prompts, offline: presidio's pattern recognizers plus our own.

No NER model is loaded (presidio's ``NoOpNlpEngine``), so detection is patterns, checksums
and word lists only. It finds emails, phone numbers, card numbers, US SSNs, IBANs, IP
addresses and similar, medical record numbers, health terms from a list, and keywords
the user gives. It cannot find people's names, street addresses or health details written
in free text: :data:`CANNOT_FIND` says so in words for the page.
"""

from __future__ import annotations

import os

# tldextract (a presidio dependency) fetches the public suffix list unless told not to.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import re  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from functools import cache, lru_cache  # noqa: E402

from presidio_analyzer import (  # noqa: E402
    AnalyzerEngine,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
)
from presidio_analyzer.nlp_engine import NoOpNlpEngine  # noqa: E402

from routing.findings import ENTITY_LABELS, Finding  # noqa: E402

__all__ = ["CANNOT_FIND", "ENTITY_LABELS", "Finding", "detect", "detector_ready"]

# Presidio's built-in types worth keeping a prompt local for (URLs and dates are not).
_BUILT_IN = (
    "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS",
    "US_BANK_NUMBER", "US_PASSPORT", "US_ITIN", "US_DRIVER_LICENSE", "UK_NHS", "MEDICAL_LICENSE", "CRYPTO",
)
CANNOT_FIND = (
    "Without a language model for names (NER), this detector cannot find people's names, street "
    "addresses or health details written in free text (\"my father has cancer\" is found only through "
    "the health-term list). Treat its recall on your labelled prompts as the measure of what slips through."
)
HEALTH_TERMS = (
    "diagnosis", "diagnosed", "diabetes", "insulin", "hiv", "cancer", "chemotherapy", "oncologist", "depression",
    "anxiety disorder", "pregnant", "pregnancy", "prescription", "prescribed", "metformin", "sertraline",
    "amoxicillin", "sumatriptan", "troponin", "discharge note", "discharged on", "sick leave", "disability",
    "mental health", "psychiatric", "medical record", "patient id", "colonoscopy", "hba1c",
)


def _custom_recognizers() -> list[PatternRecognizer]:
    return [
        PatternRecognizer(
            supported_entity="MEDICAL_RECORD_NUMBER", name="medical_record_number",
            patterns=[Pattern("MRN", r"(?i)\b(?:MRN|medical record (?:number|no\.?)|patient id)\s*[:#]?\s*[A-Z]{0,3}\d{5,10}\b", 0.85)],
        ),
        PatternRecognizer(supported_entity="HEALTH_TERM", name="health_terms", deny_list=list(HEALTH_TERMS), deny_list_score=0.6),
        PatternRecognizer(
            supported_entity="SECRET", name="secrets",
            patterns=[
                Pattern("aws_access_key", r"\bAKIA[0-9A-Z]{16}\b", 0.9),
                Pattern("password_assignment", r"(?i)\b(?:password|passwd|pwd|secret|api[_-]?key)\s*[=:]\s*\S{6,}", 0.8),
            ],
        ),
    ]


@cache
def _engine() -> AnalyzerEngine:
    # About 2 s to build, so once per process; analysis itself is thread-safe.
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    for recognizer in _custom_recognizers():
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])


def detector_ready() -> None:
    """Build the detector now (e.g. before a progress bar starts)."""
    _engine()


@lru_cache(maxsize=64)
def _keyword_recognizer(keywords: tuple[str, ...]) -> PatternRecognizer | None:
    words = [k for k in keywords if k.strip()]
    if not words:
        return None
    pattern = r"(?i)\b(?:" + "|".join(re.escape(w.strip()) for w in words) + r")\b"
    return PatternRecognizer(supported_entity="KEYWORD", name="keywords", patterns=[Pattern("keywords", pattern, 1.0)])


def detect(text: str, threshold: float = 0.4, keywords: Sequence[str] = ()) -> list[Finding]:
    """Sensitive data in ``text`` scoring at least ``threshold`` (0..1), overlapping hits merged.

    Args:
        text: A prompt.
        threshold: Presidio's confidence cut-off. Phone numbers score 0.4, SSNs 0.5 and
            cards with a valid checksum 1.0; below 0.3 most hits are noise.
        keywords: Words or phrases that make a prompt sensitive for this team.
    """
    keyword_recognizer = _keyword_recognizer(tuple(keywords))
    entities = [*_BUILT_IN, "MEDICAL_RECORD_NUMBER", "HEALTH_TERM", "SECRET"]
    ad_hoc = []
    if keyword_recognizer is not None:
        entities.append("KEYWORD")
        ad_hoc.append(keyword_recognizer)
    results = _engine().analyze(text=text, language="en", entities=entities, score_threshold=threshold,
                                ad_hoc_recognizers=ad_hoc or None)
    # Keep the strongest hit where several types claim the same characters.
    results.sort(key=lambda r: (-r.score, r.start))
    kept: list[Finding] = []
    for r in results:
        if any(r.start < k.end and k.start < r.end for k in kept):
            continue
        kept.append(Finding(entity_type=r.entity_type, start=r.start, end=r.end, score=round(r.score, 2)))
    return sorted(kept, key=lambda f: f.start)
