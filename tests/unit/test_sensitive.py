"""Each detector type, offline."""

import pytest

from routing.complexity import complexity
from routing.sensitive import detect


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("write to maria.lopez@example.com today", "EMAIL_ADDRESS"),
        ("call +1 (415) 555-0132 after lunch", "PHONE_NUMBER"),
        ("card 4111 1111 1111 1111 was charged", "CREDIT_CARD"),
        ("her SSN is 536-22-1847", "US_SSN"),
        ("pay to GB82WEST12345698765432 please", "IBAN_CODE"),
        ("the request came from 203.0.113.45", "IP_ADDRESS"),
        ("patient MRN: 00482913 was admitted", "MEDICAL_RECORD_NUMBER"),
        ("started chemotherapy last week", "HEALTH_TERM"),
        ("config password=Winter2024! fails", "SECRET"),
        ("key AKIAIOSFODNN7EXAMPLE stopped working", "SECRET"),
    ],
)
def test_each_detector_type(text, entity):
    assert entity in {f.entity_type for f in detect(text)}


def test_keywords_are_the_teams_own():
    assert detect("the Project Falcon roadmap") == []
    found = detect("the Project Falcon roadmap", keywords=["project falcon"])
    assert [f.entity_type for f in found] == ["KEYWORD"]


def test_threshold_filters_weak_hits():
    assert detect("call 415-555-0132", threshold=0.3)
    assert not detect("call 415-555-0132", threshold=0.9)  # phone numbers score 0.4


def test_what_it_cannot_find_is_not_found():
    # Names and free-text details need an NER model, which is deliberately not loaded.
    assert detect("Draft a letter to Daniel Mensah about his promotion") == []


def test_overlapping_hits_are_merged():
    findings = detect("email john.doe@example.com")
    assert [f.entity_type for f in findings] == ["EMAIL_ADDRESS"]  # not also a URL or domain


def test_complexity_is_transparent_and_ordered():
    simple = complexity("What's the capital of Australia?")
    hard = complexity("Step by step, design a rate limiter for 50,000 requests per second, compare token bucket and "
                      "sliding window, analyse the trade-offs and plan the migration in phases with risks.")
    code = complexity("Fix this:\n```python\nfor i in range(1, n): print(i)\n```")
    assert 0 <= simple.score < code.score < hard.score <= 1
    assert set(hard.parts) == {"length", "reasoning", "code", "output_length"}
    assert code.parts["code"] == 1.0 and simple.parts["code"] == 0.0
