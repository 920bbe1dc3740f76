"""The decision report: one self-contained HTML file (charts included), Markdown or JSON."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from advisor import QualityEvidence
from app import state
from app.components.load_profile import rate_limit_for_what_if
from app.components.report_extras import session_tables
from calculators import CostReport
from decisions import Decision
from decisions.report import DEFAULT_TITLE, DecisionReport, ReportTable, build_report, with_cover
from decisions.report_render import headline, render_html, render_json, render_markdown
from scenario.text import plain


@st.cache_data(max_entries=128, show_spinner="Writing the report…")
def _report(decision_json: str, evidence_json: str | None, tables: list[ReportTable], rate_limit_key: str | None = None,
            _rate_limit: Any = None) -> tuple[DecisionReport, CostReport | None]:
    # "What would change the answer" re-scores a few hundred changed scenarios (0.3-1.4 s measured); cached so a
    # rerun that changes none of these (typing the title, a download, coming back to the page) does not redo it.
    # The load profile's check is keyed by rate_limit_key, as on the Recommendation page.
    evidence = QualityEvidence.model_validate_json(evidence_json) if evidence_json else None
    return build_report(Decision.model_validate_json(decision_json), evidence=evidence, extra_tables=tables,
                        rate_limit=_rate_limit)


def _file_stem(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
    return f"crossover-{slug or 'decision'}"


def report_page() -> None:
    """Title it, choose what goes in, download it."""
    st.title("Decision report")
    st.caption("Everything behind the answer in one file to send round after the workshop: the recommendation and why, "
               "costs and break-even with price sources and dates, every assumption, and what this session measured.")
    opened = state.open_scenario()
    if opened:
        st.session_state.setdefault("rep.title", opened["name"])
        st.session_state.setdefault("rep.owner", state.library_owner())
    st.session_state.setdefault("rep.title", DEFAULT_TITLE)
    left, right = st.columns([2, 1])
    left.text_input("Title", key="rep.title", **state.KEEP, max_chars=150)
    right.text_input("Owner", key="rep.owner", **state.KEEP, max_chars=80)
    st.text_area("Notes for the reader", key="rep.notes", **state.KEEP, max_chars=5000, height=80,
                 placeholder="what was decided, open questions, next steps")

    tables = session_tables()
    evidence = state.quality_evidence()
    included = []
    if tables or evidence:
        st.markdown("**Measured in this session, included:**")
        for table in tables:
            if st.checkbox(plain(table.title), value=True, key=f"rep.include.{table.title.split(':')[0].split(' (')[0]}.{len(table.rows)}",
                           **state.KEEP):
                included.append(table)
        if evidence:
            st.markdown(f"- Quality gap used in the decision: {plain(evidence.local_backend)} {evidence.local_accuracy:.0%} vs "
                        f"{plain(evidence.cloud_backend)} {evidence.cloud_accuracy:.0%}")
    else:
        st.caption("Run the Playground or the Quality check first to add measured speed, cost, votes and accuracy to the report.")

    # With a load profile on the Costs page, the report counts its rate limit as the Recommendation does.
    computed, costs = _report(state.decision().model_dump_json(), evidence.model_dump_json() if evidence else None, included,
                              *rate_limit_for_what_if())
    report = with_cover(computed, title=st.session_state.get("rep.title", ""), owner=st.session_state.get("rep.owner", ""),
                        notes=st.session_state.get("rep.notes", ""))
    rec = report.recommendation
    with st.container(border=True):
        st.markdown(f"### {plain(report.title)}")
        st.text(headline(rec))
        if report.costs:
            c = report.costs
            st.markdown(f"Monthly at {c['requests_per_month']:,} requests: cloud ({plain(c['cloud'][0]['model'])}) "
                        f"${c['cloud'][0]['monthly_usd']:,.0f} · local ${c['local']['monthly_usd']:,.0f} · hybrid ${c['hybrid']['monthly_usd']:,.0f}")
            # The whole bill's lines beyond list price (cache, batch, reasoning, transfer), as the report tables them.
            if extra := [f"{line['item']} {'-' if line['monthly_usd'] < 0 else ''}${abs(line['monthly_usd']):,.0f}"
                         for line in c.get("cloud_lines", [])[1:]]:
                st.text(f"{c['cloud'][0]['model']}'s bill beyond list price: " + " · ".join(extra) + " a month.")
        elif report.cost_error:
            st.warning(plain(report.cost_error))
        st.caption(f"Prices: {report.costs['price_data_version'] if report.costs else 'n/a'} · {len(included)} measurement table(s)")

    stem = _file_stem(report.title)
    columns = st.columns(3)
    columns[0].download_button("Download HTML (with charts)", data=lambda: render_html(report, costs), file_name=f"{stem}.html",
                               mime="text/html", key="rep.action.html", type="primary", on_click="ignore",
                               width="stretch", icon=":material/download:")
    columns[1].download_button("Download Markdown", data=lambda: render_markdown(report), file_name=f"{stem}.md",
                               mime="text/markdown", key="rep.action.md", on_click="ignore", width="stretch")
    columns[2].download_button("Download JSON", data=lambda: render_json(report), file_name=f"{stem}.json",
                               mime="application/json", key="rep.action.json", on_click="ignore", width="stretch")
    st.caption("The HTML opens offline in any browser and prints to PDF. The JSON holds the decision itself, so it can be "
               "imported again in the Library. From a terminal: `crossover report --scenario FILE.json --out report.html`.")


report_page()
