"""Decisions as documents: saving them, sharing them as links, comparing and reporting them.

Pure Python (SQLAlchemy, pydantic, plotly), no UI: the Streamlit pages and the
``crossover`` CLI both call into here.
"""

from decisions.document import (
    Decision,
    decode_decision,
    load_decision_file,
    parse_decision,
)
from scenario import InputError

__all__ = ["Decision", "InputError", "decode_decision", "load_decision_file", "parse_decision"]
