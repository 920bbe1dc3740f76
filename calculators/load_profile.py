"""A load profile: requests per minute over a typical week (a built-in shape) or a team's own file.

Capacity planners size to a percentile of the per-minute curve, not to one peak-to-average
number. This module turns a shape or an uploaded CSV into a per-minute series and gives
its mean, peak and percentiles; ``calculators.base_burst`` and ``calculators.rate_limits``
read that series.

A profile carries the *shape* of the load. Its level is always the scenario's
``requests_per_month`` (:meth:`LoadProfile.requests_per_minute`), so every figure derived
from it agrees with the Costs page for the same scenario; a file's own volume is kept for
display (:attr:`LoadProfile.file_requests_per_month`).

Uploaded files are hostile input: at most 10 MB (``scenario.uploads``), at most
``CROSSOVER_MAX_PROFILE_ROWS`` rows, 100 days of span, parsed with vectorised pandas
readers only (ISO 8601 or Unix seconds, never a guessing per-row date parser), so the time
one file can take is bounded by its size (``bench/load_bench.py`` measures it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from calculators.assumptions import HOURS_PER_MONTH
from scenario.errors import InputError
from scenario.limits import Limit
from scenario.text import counted, excerpt
from scenario.uploads import decode_upload

__all__ = [
    "ACCEPTED_FORMATS",
    "MAX_DAYS",
    "MAX_ROWS",
    "MINUTES_PER_MONTH",
    "SHAPES",
    "SPIKY_PEAK_TO_AVERAGE",
    "LoadProfile",
    "ProfileStats",
    "ShapeName",
    "parse_profile",
    "profile_stats",
    "shape_profile",
]

MINUTES_PER_MONTH = HOURS_PER_MONTH["always_on"] * 60  # 43,800: the cost model's month
MAX_ROWS = Limit("rows", 500_000, "CROSSOVER_MAX_PROFILE_ROWS")
MAX_DAYS = 100  # a quarter and some margin; bounds the per-minute series at 144,000 minutes
# A profile needs a time column and perhaps a count; a few more (a region, a status) are fine.
# A one-row file of 900,000 columns took 40 s of CPU and 1.6 GB to read on a shared server.
MAX_COLUMNS = 50
# A week starting on a Monday at midnight, so weekdays and office hours line up.
WEEK_START = pd.Timestamp("2024-01-01 00:00")
# At or above this peak-to-average the scenario's load_pattern becomes "spiky" (an office-
# hours week is about 3, a flat one 1, nightly batch and bursty traffic 5 and more).
SPIKY_PEAK_TO_AVERAGE = 4.0

ACCEPTED_FORMATS = (
    "Accepted: a CSV with a time column (timestamp, time, datetime, date or ts, else the first) of ISO 8601 times or "
    "Unix seconds; one row per request, or a count column (count, requests, value or rpm) per minute or per hour; "
    f"1 hour to {MAX_DAYS} days."
)

ShapeName = Literal["office_hours", "flat_24_7", "consumer_evenings", "nightly_batch", "spiky"]

_TIME_NAMES = ("timestamp", "time", "datetime", "date", "ts")
_COUNT_NAMES = ("count", "requests", "value", "rpm", "n")


class ProfileStats(BaseModel):
    """Requests per minute at the scenario's volume: mean, peak and percentiles."""

    model_config = ConfigDict(frozen=True)

    mean_rpm: float
    peak_rpm: float
    p50_rpm: float
    p90_rpm: float
    p99_rpm: float
    peak_to_average: float
    load_pattern: Literal["steady", "spiky"]

    def as_json(self) -> dict[str, float]:
        """The ``profile`` object of ``crossover load --json``."""
        return {"mean_rpm": round(self.mean_rpm, 4), "peak_rpm": round(self.peak_rpm, 4), "p50_rpm": round(self.p50_rpm, 4),
                "p90_rpm": round(self.p90_rpm, 4), "p99_rpm": round(self.p99_rpm, 4),
                "peak_to_average": round(self.peak_to_average, 4)}


@dataclass(frozen=True)
class LoadProfile:
    """Demand per minute, relative (any scale), from ``start``, one value a minute.

    Attributes:
        name: The shape's name or the file's name (user text: show it as text).
        counts: Requests in each minute, in the file's own units (a shape's are relative).
        start: The first minute.
        source: ``shape``, ``per minute``, ``per hour`` or ``timestamps``.
        file_requests_per_month: The file's own volume scaled to a month (None for a shape).
        notes: What the reader assumed (hourly counts spread evenly over their minutes...).
    """

    name: str
    counts: np.ndarray
    start: pd.Timestamp
    source: str
    file_requests_per_month: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def minutes(self) -> int:
        return int(self.counts.size)

    def requests_per_minute(self, requests_per_month: float) -> np.ndarray:
        """The profile's shape at the scenario's volume: its mean is ``requests_per_month`` / 43,800."""
        total = float(self.counts.sum())
        if total <= 0:
            return np.zeros(self.counts.size)
        return self.counts * (requests_per_month / MINUTES_PER_MONTH) * (self.counts.size / total)

    def minute_index(self) -> pd.DatetimeIndex:
        """The time of every minute (for office hours and the typical-week chart)."""
        return pd.date_range(self.start, periods=self.counts.size, freq="min")


def profile_stats(rpm: np.ndarray) -> ProfileStats:
    """Mean, peak, P50/P90/P99 of a per-minute series, its peak-to-average and load pattern."""
    mean = float(rpm.mean()) if rpm.size else 0.0
    p50, p90, p99 = (float(v) for v in np.percentile(rpm, [50, 90, 99])) if rpm.size else (0.0, 0.0, 0.0)
    peak = float(rpm.max()) if rpm.size else 0.0
    ratio = peak / mean if mean > 0 else 1.0
    return ProfileStats(mean_rpm=mean, peak_rpm=peak, p50_rpm=p50, p90_rpm=p90, p99_rpm=p99, peak_to_average=ratio,
                        load_pattern="spiky" if ratio >= SPIKY_PEAK_TO_AVERAGE else "steady")


# --- built-in shapes: a typical week of hourly requests (relative), Monday 00:00 first ----------

def _week(weekday: np.ndarray, weekend: np.ndarray | None = None) -> np.ndarray:
    weekend = weekday if weekend is None else weekend
    return np.concatenate([weekday] * 5 + [weekend] * 2).astype(float)


def _office_hours() -> np.ndarray:
    day = np.full(24, 0.04)
    day[8], day[9:12], day[12], day[13:18], day[18] = 0.5, 1.0, 0.7, 1.0, 0.4
    return _week(day, np.full(24, 0.04))


def _consumer_evenings() -> np.ndarray:
    day = np.array([0.35, 0.25, 0.18, 0.15, 0.15, 0.2, 0.3, 0.45, 0.55, 0.6, 0.65, 0.7,
                    0.75, 0.7, 0.65, 0.65, 0.7, 0.85, 1.1, 1.4, 1.5, 1.3, 0.9, 0.55])
    return _week(day, day * 1.2)


def _nightly_batch() -> np.ndarray:
    day = np.full(24, 0.1)
    day[1:5] = 5.0
    return _week(day)


SHAPES: dict[ShapeName, tuple[str, str]] = {
    "office_hours": ("Office hours", "An internal tool (coding assistant, HR system): busy 9:00-18:00 on weekdays, "
                     "a dip at lunch, nearly idle at night and at weekends. Form: the business-hours schedule the "
                     "cost model rents for (10 h on working days)."),
    "flat_24_7": ("Flat 24/7", "An always-busy API or pipeline: the same load every hour. Form: the articles' "
                  "'steady, predictable load'."),
    "consumer_evenings": ("Consumer evenings", "A consumer app: low overnight, rising through the day, a peak at "
                          "19:00-21:00, weekends a fifth busier. Form: the usual diurnal curve of consumer web traffic."),
    "nightly_batch": ("Nightly batch", "A batch job (document processing, evaluations) from 01:00 to 05:00 every "
                      "night, a trickle otherwise. Form: a scheduled job's window."),
    "spiky": ("Spiky with bursts", "Office-hours traffic plus a few short bursts a week (a campaign, a launch, a "
              "retry storm) of 6-12x for 5-20 minutes. Form: the articles' 'spiky load'; bursts are placed by a "
              "fixed seed, so the shape is the same every time."),
}


def shape_profile(name: ShapeName) -> LoadProfile:
    """A built-in week (illustrative, not measured: each shape's form is said in :data:`SHAPES`).

    Raises:
        InputError: an unknown shape, naming the known ones.
    """
    if name not in SHAPES:
        raise InputError(f"{excerpt(name)} is not a shape; the shapes are {', '.join(get_args(ShapeName))}.")
    hourly = {"office_hours": _office_hours, "flat_24_7": lambda: np.ones(168), "consumer_evenings": _consumer_evenings,
              "nightly_batch": _nightly_batch, "spiky": _office_hours}[name]()
    minutes = np.repeat(hourly, 60)
    if name == "spiky":
        rng = np.random.default_rng(21)
        for _ in range(6):
            day, minute = int(rng.integers(0, 5)), int(rng.integers(9 * 60, 17 * 60))
            start = day * 1440 + minute
            minutes[start:start + int(rng.integers(5, 21))] *= float(rng.uniform(6, 12))
    return LoadProfile(name=SHAPES[name][0], counts=minutes, start=WEEK_START, source="shape")


# --- uploaded files ------------------------------------------------------------------------------

def _bad(problem: str) -> InputError:
    return InputError(f"{problem} {ACCEPTED_FORMATS}")


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in frame.columns}
    return next((lowered[n] for n in names if n in lowered), None)


def _times(values: pd.Series, where: str) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):  # read as numbers by the CSV reader: Unix time (never parse strings twice)
        seconds = values.astype(float)
        if seconds.isna().any():
            row = int(np.flatnonzero(seconds.isna().to_numpy())[0])
            raise _bad(f"{where} row {row + 2}: the time is empty.")
        if seconds.abs().max() > 1e11:  # milliseconds
            seconds = seconds / 1000
        if seconds.abs().max() > 1e10:
            raise _bad(f"{where}: the time column holds numbers too large to be Unix seconds.")
        return pd.to_datetime(seconds, unit="s")
    times = pd.to_datetime(values.astype(str), format="ISO8601", errors="coerce", utc=True)
    if times.isna().all():
        raise _bad(f"{where} has no usable time column (the first values read {excerpt(str(values.iloc[0]))!s}).")
    if times.isna().any():
        row = int(np.flatnonzero(times.isna().to_numpy())[0])
        raise _bad(f"{where} row {row + 2}: {excerpt(str(values.iloc[row]))} is not a time.")
    return times.dt.tz_convert(None)


def parse_profile(name: str, data: bytes) -> LoadProfile:
    """A load profile from an uploaded CSV (see :data:`ACCEPTED_FORMATS`).

    Raises:
        InputError: too large, not UTF-8, no usable time column, negative or missing counts,
            counts neither per minute nor per hour, under an hour or over :data:`MAX_DAYS` days,
            or more rows than the cap; each names the problem and the accepted formats.
    """
    text = decode_upload(name, data)
    columns = text.split("\n", 1)[0].count(",") + 1  # counted before pandas builds a column per field
    if columns > MAX_COLUMNS:
        raise _bad(f"{name} has {columns:,} columns in its first line; a load profile needs a time column and "
                   f"perhaps a count column (at most {MAX_COLUMNS}).")
    try:
        frame = pd.read_csv(io.StringIO(text), nrows=MAX_ROWS.value + 1, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise _bad(f"{name} cannot be read as CSV ({excerpt(str(exc).splitlines()[0] if str(exc) else 'no rows')}).") from None
    MAX_ROWS.check(len(frame), name)
    if frame.empty:
        raise _bad(f"{name} has a header but no rows.")
    time_col = _column(frame, _TIME_NAMES) or frame.columns[0]
    count_col = _column(frame, _COUNT_NAMES)
    if count_col is None and len(frame.columns) >= 2 and time_col == frame.columns[0]:
        second = pd.to_numeric(frame[frame.columns[1]], errors="coerce")
        count_col = frame.columns[1] if second.notna().all() else None
    times = _times(frame[time_col], name)
    notes: list[str] = []
    if count_col is None:
        counts = pd.Series(np.ones(len(times)))
        source = "timestamps"
    else:
        counts = pd.to_numeric(frame[count_col], errors="coerce")
        if counts.isna().any():
            row = int(np.flatnonzero(counts.isna().to_numpy())[0])
            raise _bad(f"{name} row {row + 2}: the count {excerpt(str(frame[count_col].iloc[row]))} is not a number.")
        if (counts < 0).any():
            row = int(np.flatnonzero((counts < 0).to_numpy())[0])
            raise _bad(f"{name} row {row + 2}: the count {counts.iloc[row]:g} is negative; counts are requests, 0 or more.")
        if not np.isfinite(counts.to_numpy(dtype=float)).all():
            raise _bad(f"{name}: a count is not a finite number.")
        source = ""
    order = np.argsort(times.to_numpy(), kind="stable")
    stamps = times.to_numpy()[order]
    values = counts.to_numpy(dtype=float)[order]
    first = pd.Timestamp(stamps[0]).floor("min")
    offsets = ((stamps - first.to_datetime64()) // np.timedelta64(1, "m")).astype(np.int64)
    if count_col is None:
        span_minutes = int(offsets[-1]) + 1
    else:
        steps = np.diff(offsets)  # sorted already
        steps = steps[steps > 0]
        if not steps.size:  # one time: per minute or per hour cannot be told, and either is under a day's shape
            raise _bad(f"{name} has counts for one time only; give a row per minute or per hour, at least an hour of them.")
        step = int(np.median(steps))
        if step not in (1, 60):
            raise _bad(f"{name}: rows are {step} minutes apart; counts must be per minute or per hour.")
        source = "per minute" if step == 1 else "per hour"
        span_minutes = int(offsets[-1]) + step
        if step == 60:
            notes.append("Counts per hour are spread evenly over their minutes: bursts within an hour are not seen.")
    if span_minutes < 60:
        raise _bad(f"{name} covers {counted(span_minutes, 'minute')}; at least one hour of data is needed.")
    if span_minutes > MAX_DAYS * 1440:
        raise _bad(f"{name} covers {span_minutes / 1440:,.0f} days; the limit is {MAX_DAYS} days. Use a shorter period.")
    if source == "per hour":
        hours = np.bincount(offsets // 60, weights=values, minlength=-(-span_minutes // 60))
        per_minute = np.repeat(hours / 60, 60)
    else:
        per_minute = np.bincount(offsets, weights=values, minlength=span_minutes)[:span_minutes]
    total = float(per_minute.sum())
    if total <= 0:
        raise _bad(f"{name} holds no requests (every count is 0).")
    return LoadProfile(name=name, counts=per_minute, start=first, source=source,
                       file_requests_per_month=total * MINUTES_PER_MONTH / per_minute.size, notes=tuple(notes))
