"""A sweep in the decision report: its table in every format, its chart in the HTML."""

from __future__ import annotations

from calculators.sweep import Percentiles, StepSummary, SweepResult, SweepTargets
from charts.sweep import sweep_latency_figure, sweep_throughput_figure
from decisions.document import Decision
from decisions.report import ReportTable, build_report
from decisions.report_render import render_html, render_json, render_markdown


def _result() -> SweepResult:
    def step(c: int, tps: float) -> StepSummary:
        p = Percentiles(p50=10.0 * c, p90=12.0 * c, p95=13.0 * c, p99=15.0 * c)
        return StepSummary(concurrency=c, requests=8, errors=0, errors_by_kind={}, output_tokens=800, duration_s=8 / c,
                           ttft_ms=p, tpot_ms=p, itl_ms=p, e2e_ms=p, output_tokens_per_s=tps, requests_per_s=tps / 100,
                           goodput_share=1.0, goodput_ci95=(0.68, 1.0))
    return SweepResult(server="http://10.0.0.5:8000/v1", model="/models/Llama-3.1-8B-Instruct-Q4_K_M.gguf", hardware="1 x NVIDIA L4",
                       measured_at="2026-11-27 12:00", input_tokens=500, output_tokens=300, targets=SweepTargets(tpot_ms=50),
                       steps=[step(1, 40.0), step(2, 75.0), step(4, 80.0)], stopped_because="throughput stopped growing")


def test_the_result_reads_as_the_page_and_the_report_show_it():
    result = _result()
    assert result.model_name == "Llama-3.1-8B-Instruct-Q4_K_M.gguf"
    assert result.provenance() == "measured on http://10.0.0.5:8000/v1, 2026-11-27 12:00, 1 x NVIDIA L4"
    assert result.capacity.concurrency == 4 and result.knee.concurrency == 2
    row = result.table()[0]
    assert row["TPOT p95 (ms)"] == 13.0 and row["goodput"] == "100% (68%–100%)" and row["errors by kind"] == "none"
    assert len(sweep_latency_figure(result.steps, result.capacity, 50).data) == 2


def test_the_report_carries_the_table_and_the_chart():
    result = _result()
    table = ReportTable(title=f"Capacity sweep: {result.model_name}", intro=result.provenance(), rows=result.table(),
                        figure=sweep_throughput_figure(result.steps, result.capacity).to_dict())
    report, costs = build_report(Decision(), extra_tables=[table])
    html = render_html(report, costs)
    assert "Capacity sweep: Llama-3.1-8B-Instruct-Q4_K_M.gguf" in html
    without = render_html(*build_report(Decision()))
    assert html.count("Plotly.newPlot") == without.count("Plotly.newPlot") + 1  # one more chart, plotly.js still once
    assert "whole server" in html
    assert "Capacity sweep" in render_markdown(report)
    assert '"figure"' not in render_json(report)  # the chart stays out of the importable JSON
