"""Provider privacy facts: the table's shape, each regulation's compatible set, and their effect on scoring."""

import json

import pytest

import advisor.providers as providers
from advisor import recommend
from advisor.providers import (
    FACT_FIELDS,
    compatible_offerings,
    load_offerings,
    model_compatibility,
)
from scenario import Scenario
from tests.cli_runner import run_cli


def _compatible(*regulations: str) -> set[str]:
    return {v.offering.id for v in compatible_offerings(list(regulations)) if v.compatible}


def test_every_cell_has_a_source_and_a_check_date():
    offerings = load_offerings()
    assert {"openai-api", "azure-openai", "anthropic-api", "anthropic-bedrock", "gemini-api", "vertex-ai",
            "cohere", "mistral", "together", "groq"} <= {o.id for o in offerings}
    for offering in offerings:
        for field in FACT_FIELDS:
            fact = offering.fact(field)
            assert fact.value, (offering.id, field)
            assert fact.source.startswith("https://"), (offering.id, field)
            assert fact.checked in ("2026-11-25", "2026-11-27")


@pytest.mark.parametrize(("regulations", "expected"), [
    ((), {"openai-api", "azure-openai", "anthropic-api", "anthropic-bedrock", "gemini-api", "vertex-ai", "cohere",
          "mistral", "together", "groq"}),
    # Azure OpenAI, Bedrock and Vertex under a BAA: re-checked for issue 18 (2026-11-27).
    (("hipaa",), {"openai-api", "anthropic-api", "azure-openai", "anthropic-bedrock", "vertex-ai"}),
    (("gdpr",), {"openai-api", "azure-openai", "anthropic-bedrock", "vertex-ai"}),
    (("hipaa", "gdpr"), {"openai-api", "azure-openai", "anthropic-bedrock", "vertex-ai"}),
    (("pci",), {"openai-api", "azure-openai", "anthropic-api", "anthropic-bedrock", "mistral", "together"}),
    (("finance",), {"openai-api", "azure-openai", "anthropic-api", "anthropic-bedrock", "mistral", "together"}),
    (("trade_secrets",), {"openai-api", "azure-openai", "anthropic-api", "anthropic-bedrock", "vertex-ai", "mistral", "together"}),
    (("government",), {"openai-api", "azure-openai", "anthropic-api", "anthropic-bedrock", "vertex-ai", "mistral", "together"}),
    (("air_gapped",), set()),
])
def test_each_regulation_against_the_table(regulations, expected):
    assert _compatible(*regulations) == expected


def test_a_rejection_names_the_fact_and_its_source():
    verdict = next(v for v in compatible_offerings(["gdpr"]) if v.offering.id == "anthropic-api")
    assert not verdict.compatible
    assert "EU data residency is 'no'" in verdict.reasons[0] and "checked 2026-11-25" in verdict.reasons[0]
    unknown = next(v for v in compatible_offerings(["hipaa"]) if v.offering.id == "cohere")
    assert any("is unknown (not confirmed from https://cohere.com/security)" in r for r in unknown.reasons)


def test_models_are_marked_through_the_offerings_that_sell_them():
    assert model_compatibility("openai:gpt-4o", ["gdpr"]) == (True, "through OpenAI API")
    ok, why = model_compatibility("anthropic:claude-sonnet-4-5", ["gdpr"])
    assert ok is False and "EU data residency" in why
    assert model_compatibility("google:gemini-2.5-pro", ["gdpr"])[1] == "through Google Vertex AI"
    assert model_compatibility("x-ai:grok-4", ["gdpr"])[0] is None


@pytest.fixture
def no_compatible_offering(tmp_path, monkeypatch):
    table = json.loads(providers.PROVIDERS_FILE.read_text())
    for offering in table["offerings"]:
        offering["hipaa_baa"]["value"] = "unknown"
    path = tmp_path / "providers.json"
    path.write_text(json.dumps(table))
    monkeypatch.setattr(providers, "PROVIDERS_FILE", path)
    providers._privacy_verdict.cache_clear()
    providers._model_compatibility.cache_clear()
    yield
    providers._privacy_verdict.cache_clear()
    providers._model_compatibility.cache_clear()


def test_scoring_keeps_cloud_when_an_offering_is_compatible():
    result = recommend(Scenario(regulations=["hipaa"], sensitive_share=0.3))
    assert all(e.option != "cloud" for e in result.excluded)


def test_scoring_rules_cloud_out_when_no_offering_is_compatible(no_compatible_offering):
    result = recommend(Scenario(regulations=["hipaa"], sensitive_share=0.3))
    assert [e.option for e in result.excluded] == ["cloud"]
    assert "No cloud offering in Crossover's provider table is compatible with HIPAA" in result.excluded[0].reason
    assert result.scores["cloud"] == 0 and result.recommendation in ("local", "hybrid")
    # with nothing sensitive, nothing regulated leaves: cloud stays in
    assert recommend(Scenario(regulations=["hipaa"], sensitive_share=0.0)).excluded == []


def test_cli_lists_offerings_and_refuses_an_unknown_regulation():
    result = run_cli("providers", "--regulation", "hipaa", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {o["id"] for o in data["offerings"] if o["compatible"]} == {"openai-api", "anthropic-api", "azure-openai", "anthropic-bedrock", "vertex-ai"}
    assert data["offerings"][0]["facts"]["hipaa_baa"]["source"].startswith("https://")
    text = run_cli("providers", "--regulation", "gdpr")
    assert "Anthropic API" in text.stdout and "NOT compatible" in text.stdout
    bad = run_cli("providers", "--regulation", "sox")
    assert bad.returncode == 2 and "unknown regulation sox" in bad.stderr
