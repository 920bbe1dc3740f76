"""The workshop load bench itself runs from a clean checkout: two participants, its own server."""

import json
import subprocess
import sys

import pytest

from deploy.processes import REPO

pytestmark = pytest.mark.e2e


def test_two_participants_walk_change_costs_and_queue_for_the_model(tmp_path):
    figures_file = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, "-m", "bench.workshop_load", "--participants", "2", "--max-tokens", "8",
                           "--json", str(figures_file)], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(figures_file.read_text())
    assert figures["errors"] == [] and figures["lost_inputs"] == []
    assert len(figures["input_to_chart_s"]) == 6 and all(s > 0 for s in figures["input_to_chart_s"])
    server = figures["servers_detail"][0]
    assert server["queue_starts"] == 4 and server["out_of_order"] == 0 and server["tracebacks"] == 0
    assert server["vm_hwm_mb"] > 100
    assert "costs" in figures["script_run_s"]
    assert "input to updated chart: p50" in done.stdout and "lost inputs: 0" in done.stdout
