"""The lazily loaded package exports (lazy_loader, listed in each package's __init__.pyi)."""

import importlib
import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["calculators", "inference"])
def test_every_listed_export_resolves(package):
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []
    # A name that is also a submodule stays the function, even after the submodule is imported.
    name = {"calculators": "request_cost", "inference": "measure"}[package]
    importlib.import_module(f"{package}.{name}")
    assert callable(getattr(module, name))


def test_a_light_import_loads_no_heavy_module():
    code = ("import sys, inference, inference.types, calculators, calculators.assumptions; "
            "heavy = [m for m in ('llama_cpp', 'pandas', 'openai', 'anthropic', 'streamlit') if m in sys.modules]; "
            "assert heavy == [], heavy")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_after_the_warm_up_its_modules_are_whole():
    # A page built a figure while the warm-up thread was half-way through importing pandas and
    # plotly found a partial module; pages other than Start now wait for the warm-up.
    code = ("import sys; from app.process_setup import _PEEKED_AT, prepare_process, wait_for_warm_up; "
            "prepare_process(); wait_for_warm_up(); "
            "missing = [m for m in _PEEKED_AT if m not in sys.modules]; assert missing == [], missing; "
            "import pandas, plotly.graph_objects as go; pandas.Series; go.Figure(go.Bar(x=pandas.Series([1])))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
