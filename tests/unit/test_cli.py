"""The `crossover` console script, run as a real process."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

CROSSOVER = str(Path(sys.executable).with_name("crossover"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CROSSOVER, *args], capture_output=True, text=True, timeout=60)


def test_recommend_json_contract(tmp_path):
    file = tmp_path / "s.json"
    file.write_text(json.dumps({"requests_per_month": 5_000_000, "team": "dedicated", "load_pattern": "steady"}))
    result = run("recommend", "--scenario", str(file), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["recommendation"] == "local"
    assert set(data["scores"]) == {"cloud", "local", "hybrid"}
    assert all(0 <= v <= 100 for v in data["scores"].values())
    assert {"factor", "option", "points", "reason"} <= set(data["factors"][0])
    assert len(data["factors"]) == 8 * 3


def test_recommend_text_names_winner_factors_and_flips(tmp_path):
    file = tmp_path / "s.json"
    file.write_text(json.dumps({"requests_per_month": 20_000, "load_pattern": "steady", "horizon_months": 24}))
    result = run("recommend", "--scenario", str(file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Recommendation: CLOUD")
    assert "volume" in result.stdout and "What would change the answer:" in result.stdout
    assert "requests a month or more" in result.stdout


def test_recommend_a_preset():
    result = run("recommend", "--preset", "hospital-records", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["recommendation"] == "local"
    assert data["excluded"][0]["option"] == "cloud"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{oops", "not valid JSON"),
        ('{"requests_per_month": -4}', "requests_per_month: -4 is not allowed; use a whole number from 0"),
        ('{"team": "big"}', "team: \"big\" is not allowed; use one of: none, some, dedicated"),
        ('{"sensitive_share": Infinity}', "Infinity is not a number JSON allows"),
        ('{"colour": "red"}', "colour: unknown field"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, content, message):
    file = tmp_path / "s.json"
    if content is not None:
        file.write_text(content)
    result = run("recommend", "--scenario", str(file))
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_unknown_preset_exits_2():
    result = run("recommend", "--preset", "nope")
    assert result.returncode == 2
    assert "startup-mvp" in result.stderr


def test_missing_arguments_exit_2():
    assert run("recommend").returncode == 2
    assert run().returncode == 2


def test_presets_listing():
    result = run("presets")
    assert result.returncode == 0
    assert "hospital-records" in result.stdout and "Real-time game characters" in result.stdout
