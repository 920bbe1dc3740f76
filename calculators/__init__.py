"""Crossover's cost model: cloud prices, local TCO, capacity, break-even and sensitivity.

Pure functions over pydantic models and numpy arrays; no UI.
"""

from calculators.assumptions import HOURS_PER_MONTH, CostAssumptions, parse_assumptions, resolve, serving_point
from calculators.breakeven import TOKEN_CEILING, breakeven_requests
from calculators.benchmarks import PublishedMeasurement, nearest_published, published_measurements
from calculators.catalog import Gpu, OpenModel, get_gpu, get_open_model, gpus, open_models
from calculators.cloud_prices import (
    SUGGESTED_MODELS,
    CloudPrice,
    PriceOverride,
    cloud_model_choices,
    lookup_price,
    price_data_version,
    price_per_request,
)
from calculators.curves import cost_curves, tco_curves
from calculators.errors import CostInputError, UnknownCloudModel
from calculators.report import BreakEven, CloudCost, CostLine, CostReport, HybridCost, LocalCost, cost_report
from calculators.sensitivity import BreakevenBand, breakeven_band, tornado
from calculators.serving import OperatingPoint, Setup, operating_point

__all__ = [
    "HOURS_PER_MONTH",
    "SUGGESTED_MODELS",
    "TOKEN_CEILING",
    "BreakEven",
    "BreakevenBand",
    "CloudCost",
    "CloudPrice",
    "CostAssumptions",
    "CostInputError",
    "CostLine",
    "CostReport",
    "Gpu",
    "HybridCost",
    "LocalCost",
    "OpenModel",
    "OperatingPoint",
    "PriceOverride",
    "PublishedMeasurement",
    "Setup",
    "UnknownCloudModel",
    "breakeven_band",
    "breakeven_requests",
    "cloud_model_choices",
    "cost_curves",
    "cost_report",
    "get_gpu",
    "get_open_model",
    "gpus",
    "lookup_price",
    "nearest_published",
    "operating_point",
    "open_models",
    "parse_assumptions",
    "price_data_version",
    "price_per_request",
    "published_measurements",
    "resolve",
    "serving_point",
    "tco_curves",
    "tornado",
]
