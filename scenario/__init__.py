"""The ground every other package stands on: the Scenario contract and the one input-error type.

The Scenario's JSON field names are a public contract (shared links, saved files,
``crossover recommend --scenario``). This package imports nothing else of Crossover's, so
anything may import it; ``scenario.uploads`` reads the files users hand over.
"""

from scenario.contract import (
    LoadPattern,
    QualityNeed,
    Regulation,
    Scenario,
    TeamCapacity,
    allowed_values,
    load_scenario_file,
    parse_json,
    parse_scenario,
)
from scenario.errors import InputError

__all__ = [
    "InputError",
    "LoadPattern",
    "QualityNeed",
    "Regulation",
    "Scenario",
    "TeamCapacity",
    "allowed_values",
    "load_scenario_file",
    "parse_json",
    "parse_scenario",
]
