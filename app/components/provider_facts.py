"""Which cloud offerings a scenario's regulations allow, and the sourced facts behind each verdict."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from advisor.providers import (
    FACT_FIELDS,
    load_offerings,
    privacy_verdict,
    providers_note,
)
from scenario import Scenario


def provider_compatibility(scenario: Scenario) -> None:
    """A verdict per offering for the scenario's regulations, and every fact with its source on demand."""
    # The one privacy verdict: the Recommendation, the Costs page and the report show the same.
    verdict = privacy_verdict(scenario)
    verdicts = verdict.verdicts
    with st.container(border=True, key="provider-compatibility"):
        st.markdown("**Cloud offerings and your rules**")
        if not scenario.regulations:
            st.caption("No regulation selected: every offering below is allowed. Pick the rules above to see which remain.")
        else:
            if not verdict.cloud_allowed:
                st.error(verdict.reason + (" Cloud-only is ruled out." if verdict.hybrid_allowed else " Cloud and hybrid are ruled out."),
                         icon=":material/block:")
            else:
                st.markdown(verdict.reason)
            st.dataframe(pd.DataFrame([{
                "Offering": v.offering.name, "Compatible": "yes" if v.compatible else "no",
                "Why not": "; ".join(v.reasons),
            } for v in verdicts]), hide_index=True, width="stretch", key="view.provider-verdicts")
        with st.expander("Every provider fact, with its source and the date it was checked"):
            st.caption(providers_note())
            rows = []
            for offering in load_offerings():
                row = {"Offering": offering.name}
                for field, label in FACT_FIELDS.items():
                    row[label] = offering.fact(field).value
                rows.append(row)
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="view.provider-facts")
            st.markdown("Sources: " + " · ".join(sorted({f"[{o.name}]({o.fact(f).source})" for o in load_offerings()
                                                          for f in ("trains_by_default",)})))
