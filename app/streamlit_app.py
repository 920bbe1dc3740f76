"""Crossover's entry point: page config, navigation, the shared link and presenter view."""

import time

import streamlit as st

from app.presenter import presenter_chrome, presenting
from app.process_setup import log_script_run, prepare_process, wait_for_warm_up
from app.share import link_error, share_url, sync_link

started = time.perf_counter()
prepare_process()
st.set_page_config(page_title="Crossover", page_icon=":material/balance:", layout="wide",
                   initial_sidebar_state="collapsed" if presenting() else "auto")

page = st.navigation(
    {
        "Decide": [
            st.Page("views/home.py", title="Start", icon=":material/home:", default=True),
            st.Page("views/checklist.py", title="Checklist", icon=":material/checklist:", url_path="checklist"),
            st.Page("views/recommendation.py", title="Recommendation", icon=":material/explore:", url_path="recommendation"),
            st.Page("views/costs.py", title="Costs", icon=":material/payments:", url_path="costs"),
        ],
        "Measure": [
            st.Page("views/playground.py", title="Playground", icon=":material/compare_arrows:", url_path="playground"),
            st.Page("views/routing.py", title="Hybrid routing", icon=":material/alt_route:", url_path="routing"),
            st.Page("views/evaluation.py", title="Quality check", icon=":material/fact_check:", url_path="quality"),
        ],
        "Workshop": [
            st.Page("views/library.py", title="Library", icon=":material/folder_open:", url_path="library"),
            st.Page("views/compare.py", title="Compare", icon=":material/view_column:", url_path="compare"),
            st.Page("views/report.py", title="Report", icon=":material/description:", url_path="report"),
        ],
    }
)
sync_link()
presenter_chrome()
with st.sidebar.popover("Share this scenario", icon=":material/link:", width="stretch"):
    st.caption("Everyone who opens it sees this scenario. No API key is ever in it.")
    st.code(share_url(), language=None, wrap_lines=True)
if problem := link_error():
    st.error(problem, icon=":material/link_off:")
if page.url_path:  # the Start page ("") needs none of the warm-up's modules: it draws at once
    wait_for_warm_up()
page.run()
log_script_run(page.url_path, started)
