"""The few named errors the cost model raises."""

from __future__ import annotations

from scenario.errors import InputError

__all__ = ["CostInputError", "UnknownCloudModel"]


class CostInputError(InputError):
    """A cost assumption is out of range; the message names it and what it accepts."""


class UnknownCloudModel(LookupError):
    """A cloud model reference matches nothing in the price data; the message suggests close names."""
