"""Crossover's cost model: cloud prices, local TCO, capacity, break-even and sensitivity.

Pure functions over pydantic models and numpy arrays; no UI.

Names load on first use (PEP 562): a page that needs only the assumptions does not pay
for pandas or the sensitivity analysis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# ``request_cost`` is both a submodule and its function: bound eagerly so the submodule never shadows it.
from calculators.request_cost import request_cost  # noqa: E402

_WHERE = {
    "BreakEven": "calculators.report",
    "BreakevenBand": "calculators.sensitivity",
    "CloudCost": "calculators.report",
    "CloudPrice": "calculators.cloud_prices",
    "CostAssumptions": "calculators.assumptions",
    "CostInputError": "calculators.errors",
    "CostLine": "calculators.report",
    "CostReport": "calculators.report",
    "Gpu": "calculators.catalog",
    "HOURS_PER_MONTH": "calculators.assumptions",
    "HybridCost": "calculators.report",
    "LocalCost": "calculators.report",
    "OpenModel": "calculators.catalog",
    "OperatingPoint": "calculators.serving",
    "PriceOverride": "calculators.cloud_prices",
    "PublishedMeasurement": "calculators.benchmarks",
    "SUGGESTED_MODELS": "calculators.cloud_prices",
    "Setup": "calculators.serving",
    "TOKEN_CEILING": "calculators.breakeven",
    "UnknownCloudModel": "calculators.errors",
    "breakeven_band": "calculators.sensitivity",
    "breakeven_requests": "calculators.breakeven",
    "cloud_model_choices": "calculators.cloud_prices",
    "cloud_model_label": "calculators.cloud_prices",
    "cost_curves": "calculators.curves",
    "cost_report": "calculators.report",
    "get_gpu": "calculators.catalog",
    "get_open_model": "calculators.catalog",
    "gpus": "calculators.catalog",
    "lookup_price": "calculators.cloud_prices",
    "nearest_published": "calculators.benchmarks",
    "open_models": "calculators.catalog",
    "operating_point": "calculators.serving",
    "parse_assumptions": "calculators.assumptions",
    "price_data_version": "calculators.cloud_prices",
    "price_per_request": "calculators.cloud_prices",
    "published_measurements": "calculators.benchmarks",
    "resolve": "calculators.assumptions",
    "serving_point": "calculators.assumptions",
    "tco_curves": "calculators.curves",
    "tornado": "calculators.sensitivity",
}

__all__ = [
    "BreakEven",
    "BreakevenBand",
    "CloudCost",
    "CloudPrice",
    "CostAssumptions",
    "CostInputError",
    "CostLine",
    "CostReport",
    "Gpu",
    "HOURS_PER_MONTH",
    "HybridCost",
    "LocalCost",
    "OpenModel",
    "OperatingPoint",
    "PriceOverride",
    "PublishedMeasurement",
    "SUGGESTED_MODELS",
    "Setup",
    "TOKEN_CEILING",
    "UnknownCloudModel",
    "breakeven_band",
    "breakeven_requests",
    "cloud_model_choices",
    "cloud_model_label",
    "cost_curves",
    "cost_report",
    "get_gpu",
    "get_open_model",
    "gpus",
    "lookup_price",
    "nearest_published",
    "open_models",
    "operating_point",
    "parse_assumptions",
    "price_data_version",
    "price_per_request",
    "published_measurements",
    "request_cost",
    "resolve",
    "serving_point",
    "tco_curves",
    "tornado",
]

if TYPE_CHECKING:
    from calculators.assumptions import HOURS_PER_MONTH, CostAssumptions, parse_assumptions, resolve, serving_point
    from calculators.benchmarks import PublishedMeasurement, nearest_published, published_measurements
    from calculators.breakeven import TOKEN_CEILING, breakeven_requests
    from calculators.catalog import Gpu, OpenModel, get_gpu, get_open_model, gpus, open_models
    from calculators.cloud_prices import SUGGESTED_MODELS, CloudPrice, PriceOverride, cloud_model_choices, cloud_model_label, lookup_price, price_data_version, price_per_request
    from calculators.curves import cost_curves, tco_curves
    from calculators.errors import CostInputError, UnknownCloudModel
    from calculators.report import BreakEven, CloudCost, CostLine, CostReport, HybridCost, LocalCost, cost_report
    from calculators.sensitivity import BreakevenBand, breakeven_band, tornado
    from calculators.serving import OperatingPoint, Setup, operating_point


def __getattr__(name: str) -> object:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'calculators' has no attribute {name!r}")
