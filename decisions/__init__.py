"""Decisions as documents: saving them, sharing them as links, comparing and reporting them.

Pure Python (SQLAlchemy, pydantic, plotly), no UI: the Streamlit pages and the
``crossover`` CLI both call into here.
"""

from decisions.document import Decision, DecisionError, decode_decision, load_decision_file, parse_decision

__all__ = ["Decision", "DecisionError", "decode_decision", "load_decision_file", "parse_decision"]
