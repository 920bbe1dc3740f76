"""Honest statistics for accuracy on a small task set: Wilson and Newcombe 95% intervals,
so "better" means "better than the noise"."""

from __future__ import annotations

import math

from calculators.proportions import wilson_interval

__all__ = ["newcombe_difference", "wilson_interval"]


def newcombe_difference(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """Difference p1 - p2 with Newcombe's 95% interval (from the two Wilson intervals).

    Returns:
        (difference, low, high); the difference is larger than the noise when the
        interval does not contain 0.
    """
    p1, p2 = (k1 / n1 if n1 else 0.0), (k2 / n2 if n2 else 0.0)
    l1, u1 = wilson_interval(k1, n1)
    l2, u2 = wilson_interval(k2, n2)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
