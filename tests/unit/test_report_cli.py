"""`crossover report`, run as a real process."""

import json

import pytest

from tests.cli_runner import run_cli

run = run_cli


def test_report_html_from_a_scenario_file(tmp_path):
    scenario = tmp_path / "s.json"
    # An air gap rules cloud out (HIPAA alone allows the offerings with a BAA: one privacy verdict).
    scenario.write_text(json.dumps({"requests_per_month": 300_000, "regulations": ["hipaa", "air_gapped"], "sensitive_share": 1.0}))
    out = tmp_path / "report.html"
    result = run("report", "--scenario", str(scenario), "--out", str(out), "--title", "Ward bot", "--owner", "Ops")
    assert result.returncode == 0, result.stderr
    assert "Local models recommended" in result.stdout
    html = out.read_text()
    assert "<title>Ward bot</title>" in html and "Cloud API is ruled out." in html and "plotly" in html
    assert not list(tmp_path.glob(".*.partial"))


def test_report_markdown_and_json_from_a_decision_file(tmp_path):
    decision = tmp_path / "d.json"
    decision.write_text(json.dumps({"scenario": {"requests_per_month": 1000}, "weights": {"volume": 0}, "costs": {"payment": "own"}}))
    assert run("report", "--scenario", str(decision), "--out", str(tmp_path / "r.md")).returncode == 0
    assert (tmp_path / "r.md").read_text().startswith("# Where should this workload run?")
    assert run("report", "--scenario", str(decision), "--out", str(tmp_path / "r.txt"), "--format", "json").returncode == 0
    data = json.loads((tmp_path / "r.txt").read_text())
    assert data["decision"]["weights"]["volume"] == 0 and data["resolved_assumptions"]["payment"] == "own"


def test_report_from_a_preset(tmp_path):
    result = run("report", "--preset", "startup-mvp", "--out", str(tmp_path / "r.html"))
    assert result.returncode == 0, result.stderr
    assert "<title>Startup MVP</title>" in (tmp_path / "r.html").read_text()


@pytest.mark.parametrize(("args", "message"), [
    (["--scenario", "{missing}", "--out", "{tmp}/r.html"], "no such file"),
    (["--scenario", "{bad}", "--out", "{tmp}/r.html"], "scenario.horizon_months: 0 is not allowed"),
    (["--preset", "startup-mvp", "--out", "{tmp}/r.pdf"], "end --out with .html, .md or .json"),
    (["--preset", "startup-mvp", "--out", "{tmp}/nowhere/r.html"], "does not exist"),
    (["--preset", "no-such-preset", "--out", "{tmp}/r.html"], "no-such-preset"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, args, message):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"scenario": {"horizon_months": 0}}))
    filled = [a.format(missing=tmp_path / "missing.json", bad=bad, tmp=tmp_path) for a in args]
    result = run("report", *filled)
    assert result.returncode == 2
    assert message in result.stderr
    assert not list(tmp_path.glob("r.*"))
