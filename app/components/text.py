"""User text on the pages: ``scenario.text`` does the escaping; this adapts it to tables."""

from __future__ import annotations

import pandas as pd

from scenario.text import spreadsheet_safe

__all__ = ["spreadsheet_frame"]


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and headers) a spreadsheet shows as text, never runs as a formula."""
    safe = frame.map(spreadsheet_safe)
    safe.columns = [spreadsheet_safe(str(c)) for c in frame.columns]
    return safe
