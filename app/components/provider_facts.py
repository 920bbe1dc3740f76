"""Which cloud offerings a scenario's regulations allow, and the sourced facts behind each verdict."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from advisor.labels import REGULATION_LABELS
from advisor.providers import (
    FACT_FIELDS,
    compatible_offerings,
    load_offerings,
    providers_note,
)
from scenario import Scenario


def provider_compatibility(scenario: Scenario) -> None:
    """A verdict per offering for the scenario's regulations, and every fact with its source on demand."""
    verdicts = compatible_offerings(scenario.regulations)
    rules = ", ".join(REGULATION_LABELS[r].split(" (")[0] for r in scenario.regulations)
    with st.container(border=True, key="provider-compatibility"):
        st.markdown("**Cloud offerings and your rules**")
        if not scenario.regulations:
            st.caption("No regulation selected: every offering below is allowed. Pick the rules above to see which remain.")
        else:
            good = [v.offering.name for v in verdicts if v.compatible]
            if good:
                st.markdown(f"Compatible with {rules}: **{', '.join(good)}**.")
            else:
                st.error(f"No cloud offering in the table is compatible with {rules}. "
                         + ("Cloud and hybrid are ruled out." if "air_gapped" in scenario.regulations else
                            "Regulated requests have to stay on your own hardware."), icon=":material/block:")
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
