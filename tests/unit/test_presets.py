import pytest

from advisor import get_preset, list_presets, recommend

# What each case's source article concludes.
EXPECTED = {
    "startup-mvp": "cloud",
    "ecommerce-assistant": "hybrid",
    "hr-candidates": "hybrid",
    "hospital-records": "local",
    "game-characters": "local",
    "internal-coding-assistant": "hybrid",
}


def test_every_preset_is_bundled_and_valid():
    assert {p.id for p in list_presets()} == set(EXPECTED)
    for preset in list_presets():
        assert preset.name and preset.summary and preset.source


@pytest.mark.parametrize(("preset_id", "expected"), EXPECTED.items())
def test_presets_reach_the_articles_conclusion(preset_id, expected):
    assert recommend(get_preset(preset_id).scenario).recommendation == expected


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(KeyError, match="hospital-records"):
        get_preset("nope")
