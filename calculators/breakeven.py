"""Where local (a staircase) and cloud (a line through zero) cost the same.

On the step with ``k`` replicas, local costs ``F + k*R`` for volumes up to ``k*cap``; cloud
costs ``c*V``. Cloud first reaches local on the first step where ``F + k*R <= c*k*cap``,
i.e. ``k >= F / (c*cap - R)``. Each further step can make local dearer again for a while
(a sawtooth), so the volume from which local *stays* cheaper is reported too. Everything
is closed-form and vectorised, so sampling thousands of assumption sets is cheap.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["TOKEN_CEILING", "breakeven_requests"]

# Above this many tokens a month "break-even" is not a useful answer.
TOKEN_CEILING = 1e12


def breakeven_requests(
    cloud_per_request: npt.ArrayLike,
    replica_month: npt.ArrayLike,
    fixed_month: npt.ArrayLike,
    requests_per_replica: npt.ArrayLike,
    fixed_gpus_month: npt.ArrayLike | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Volumes (requests a month) where local first costs no more than cloud, and stays so.

    Args:
        cloud_per_request: USD a request on the cloud (``c``).
        replica_month: USD a replica a month (``R``).
        fixed_month: Staff and fixed costs a month (``F``).
        requests_per_replica: Requests a month one replica serves (``cap``; may be inf).
        fixed_gpus_month: When the GPU count is fixed, that cost a month (replaces ``R``
            and the staircase: local is then flat).

    Returns:
        ``(first, stays)``: NaN where local never gets cheaper.
    """
    c = np.asarray(cloud_per_request, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if fixed_gpus_month is not None:
            flat = np.asarray(fixed_gpus_month, dtype=float) + np.asarray(fixed_month, dtype=float)
            first = np.where(c > 0, flat / c, np.nan)
            return first, first.copy()
        r = np.asarray(replica_month, dtype=float)
        f = np.asarray(fixed_month, dtype=float)
        cap = np.asarray(requests_per_replica, dtype=float)
        r, f, cap, c = np.broadcast_arrays(r, f, cap, c)
        infinite = np.isinf(cap)
        margin = c * cap - r
        ok = (c > 0) & (margin > 0) & ~infinite
        k_first = np.where(ok, np.maximum(1.0, np.ceil(f / np.where(ok, margin, 1.0))), np.nan)
        first = np.where(ok, np.maximum((k_first - 1) * cap, (f + k_first * r) / np.where(c > 0, c, 1.0)), np.nan)
        # From step k_stay on, even the start of a step is cheaper: F + k*R <= c*(k-1)*cap.
        # Local therefore stays cheaper from the crossing inside the step before it.
        k_stay = np.where(ok, np.ceil((f + c * cap) / np.where(ok, margin, 1.0)), np.nan)
        j = np.maximum(1.0, k_stay - 1)
        stays = np.where(ok, np.maximum((j - 1) * cap, (f + j * r) / np.where(c > 0, c, 1.0)), np.nan)
        stays = np.maximum(stays, first)
        # One replica never fills up: local is flat at F + R.
        flat_first = np.where(c > 0, (f + r) / np.where(c > 0, c, 1.0), np.nan)
        first = np.where(infinite, flat_first, first)
        stays = np.where(infinite, flat_first, stays)
    return first, stays
