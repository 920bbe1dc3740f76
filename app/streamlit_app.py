"""Crossover's entry point: page config and navigation, nothing else."""

import streamlit as st

from app.state import keep_page_inputs

st.set_page_config(page_title="Crossover", page_icon=":material/balance:", layout="wide")

page = st.navigation(
    [
        st.Page("views/home.py", title="Start", icon=":material/home:", default=True),
        st.Page("views/checklist.py", title="Checklist", icon=":material/checklist:", url_path="checklist"),
        st.Page("views/recommendation.py", title="Recommendation", icon=":material/explore:", url_path="recommendation"),
        st.Page("views/costs.py", title="Costs", icon=":material/payments:", url_path="costs"),
        st.Page("views/playground.py", title="Playground", icon=":material/compare_arrows:", url_path="playground"),
        st.Page("views/routing.py", title="Hybrid routing", icon=":material/alt_route:", url_path="routing"),
        st.Page("views/evaluation.py", title="Quality check", icon=":material/fact_check:", url_path="quality"),
    ]
)
keep_page_inputs(shown_page=page.url_path)
page.run()
