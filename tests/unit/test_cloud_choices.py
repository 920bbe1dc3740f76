"""Every cloud model the Costs page offers can be priced (the monkey test picked one that could not)."""

import pytest

from calculators import UnknownCloudModel, cloud_model_choices, cloud_model_label, lookup_price
from calculators.cloud_prices import price_per_request


def test_every_offered_model_prices_one_request():
    choices = cloud_model_choices()
    assert len(choices) > 1000  # genai-prices' text models, not a handful
    for ref in choices:
        price = lookup_price(ref)
        assert price.ref == ref
        assert price_per_request(price, 500, 300, 0.5) >= 0


def test_models_priced_per_image_audio_or_request_are_not_offered():
    from genai_prices.data_snapshot import get_snapshot

    every = {f"{p.id}:{m.id}" for p in get_snapshot().providers for m in p.models}
    left_out = every - set(cloud_model_choices())
    assert left_out  # the price data has such models; none of them is offered
    for ref in sorted(left_out)[:50]:
        with pytest.raises(UnknownCloudModel, match="no per-token prices"):
            lookup_price(ref)


def test_model_names_as_their_providers_write_them():
    assert lookup_price("openai:gpt-4o").label == "OpenAI GPT-4o"
    assert lookup_price("openai:gpt-4o-mini").label == "OpenAI GPT-4o mini"
    assert lookup_price("openai:gpt-3.5-turbo").label == "OpenAI GPT-3.5 Turbo"
    assert lookup_price("anthropic:claude-sonnet-4-5").label == "Anthropic Claude Sonnet 4.5"
    assert cloud_model_label("openai:o3-mini") == "OpenAI o3-mini"
    assert cloud_model_label("my-vllm:llama-70b") == "my-vllm:llama-70b"  # not in the price data: as typed
