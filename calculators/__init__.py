"""Crossover's cost model: cloud prices, local TCO, capacity, break-even and sensitivity.

Pure functions over pydantic models and numpy arrays; no UI.

Names load on first use (PEP 562): a page that needs only the assumptions does not pay
for pandas or the sensitivity analysis.
"""

from __future__ import annotations

import lazy_loader

# ``request_cost`` is both a submodule and its function: bound eagerly so the submodule never shadows it.
from calculators.request_cost import request_cost as request_cost

# What loads from where is listed once, in __init__.pyi (which type checkers read too).
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
