import json
import math

import pytest

from scenario import (
    InputError,
    Scenario,
    allowed_values,
    load_scenario_file,
    parse_scenario,
)


def test_defaults_are_valid_and_round_trip_through_json():
    scenario = Scenario()
    assert parse_scenario(json.loads(scenario.model_dump_json())) == scenario
    assert scenario.tokens_per_month == 50_000 * 800


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"requests_per_month": -1}, "requests_per_month", "from 0 to 1,000,000,000,000"),
        ({"input_tokens_per_request": -3}, "input_tokens_per_request", "from 0"),
        ({"sensitive_share": 1.5}, "sensitive_share", "from 0 to 1"),
        ({"sensitive_share": math.nan}, "sensitive_share", "NaN"),
        ({"sensitive_share": math.inf}, "sensitive_share", "from 0 to 1"),
        ({"latency_p95_ms": 0}, "latency_p95_ms", "more than 0"),
        ({"horizon_months": 0}, "horizon_months", "from 1 to 240"),
        ({"team": "lots"}, "team", "one of: none, some, dedicated"),
        ({"quality_need": "best"}, "quality_need", "standard, frontier"),
        ({"load_pattern": "bursty"}, "load_pattern", "steady, spiky, unknown"),
        ({"regulations": ["hipaa", "sox"]}, "regulations.1", "hipaa, gdpr"),
        ({"requests_per_month": "5000"}, "requests_per_month", "whole number"),
        ({"requests_per_month": 5000.5}, "requests_per_month", "whole number"),
        ({"needs_fine_tuning": "yes"}, "needs_fine_tuning", "true or false"),
        ({"needs_fine_tuning": 1}, "needs_fine_tuning", "true or false"),
    ],
)
def test_invalid_values_name_the_field_and_what_is_allowed(data, field, words):
    with pytest.raises(InputError) as caught:
        parse_scenario(data)
    message = str(caught.value)
    assert message.startswith(f"{field}:")
    assert words in message


def test_unknown_fields_are_rejected_with_the_known_ones_listed():
    with pytest.raises(InputError, match="requets_per_month: unknown field; the fields are requests_per_month"):
        parse_scenario({"requets_per_month": 10})


def test_every_problem_is_reported_at_once():
    with pytest.raises(InputError) as caught:
        parse_scenario({"requests_per_month": -1, "team": "x"})
    assert len(caught.value.problems) == 2


def test_not_an_object():
    with pytest.raises(InputError, match="expected a JSON object"):
        parse_scenario([1, 2])


def test_allowed_values_reads_the_model_constraints():
    assert allowed_values("requests_per_month") == "a whole number from 0 to 1,000,000,000,000"
    assert allowed_values("latency_p95_ms") == "a whole number more than 0, up to 600,000"
    assert allowed_values("team") == "one of: none, some, dedicated"


def test_load_file_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_scenario_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON .* line 1"):
        load_scenario_file(bad)
    nan = tmp_path / "nan.json"
    nan.write_text('{"sensitive_share": NaN}')
    with pytest.raises(InputError, match="NaN is not a number JSON allows"):
        load_scenario_file(nan)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="cannot be read"):
        load_scenario_file(binary)


def test_load_file_accepts_a_preset_wrapper(tmp_path):
    file = tmp_path / "preset.json"
    file.write_text(json.dumps({"name": "x", "scenario": {"requests_per_month": 7}}))
    assert load_scenario_file(file).requests_per_month == 7


def test_counts_read_as_words():
    from scenario.text import counted

    assert [counted(n, "GPU") for n in (0, 1, 2, 1200)] == ["0 GPUs", "1 GPU", "2 GPUs", "1,200 GPUs"]
