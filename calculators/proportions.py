"""A share measured on a sample, with how uncertain it is: the Wilson score interval.

The Quality check's accuracy and a capacity sweep's goodput are both shares of a few
dozen trials; one function gives both their interval.
"""

from __future__ import annotations

import math

__all__ = ["wilson_interval"]


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval for a proportion (sensible near 0 and 1 and for small n)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 or n successes the bound is exactly 0 or 1 in exact arithmetic; in floats centre ± half
    # can land a hair inside (0.9999999999999999), leaving the measured share outside its own interval.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high
