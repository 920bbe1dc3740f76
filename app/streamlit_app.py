"""Crossover's entry point: page config and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="Crossover", page_icon=":material/balance:", layout="wide")

st.navigation(
    [
        st.Page("views/home.py", title="Start", icon=":material/home:", default=True),
        st.Page("views/checklist.py", title="Checklist", icon=":material/checklist:", url_path="checklist"),
        st.Page("views/recommendation.py", title="Recommendation", icon=":material/explore:", url_path="recommendation"),
        st.Page("views/costs.py", title="Costs", icon=":material/payments:", url_path="costs"),
    ]
).run()
