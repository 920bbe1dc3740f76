"""The names ``calculators`` exports, read by lazy_loader.attach_stub and by type checkers."""

from .assumptions import HOURS_PER_MONTH, CostAssumptions, parse_assumptions, resolve, serving_point
from .benchmarks import PublishedMeasurement, nearest_published, published_measurements
from .breakeven import TOKEN_CEILING, breakeven_requests
from .catalog import Gpu, OpenModel, get_gpu, get_open_model, gpus, open_models
from .cloud_prices import SUGGESTED_MODELS, CloudPrice, PriceOverride, cloud_model_choices, cloud_model_label, lookup_price, price_data_version, price_per_request
from .curves import cost_curves, tco_curves
from .errors import CostInputError, UnknownCloudModel
from .report import BreakEven, CloudCost, CostLine, CostReport, HybridCost, LocalCost, cost_report
from .request_cost import request_cost
from .sensitivity import BreakevenBand, breakeven_band, tornado
from .serving import OperatingPoint, Setup, operating_point
