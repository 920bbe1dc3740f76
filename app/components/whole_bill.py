"""The Costs page's "whole bill" inputs: the prompt cache measured from the team's prompts, reasoning
tokens, licences, data transfer and the risk premium (calculators/whole_bill.py does the sums)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app import state
from calculators import CostAssumptions, CostReport
from calculators.whole_bill import (
    PrefixMeasure,
    cache_rule,
    data_transfer_rules,
    documented_multiple,
    measure_shared_prefix,
    reasoning_default,
)
from routing.prompt_files import MAX_PROMPT_CHARS, PromptSet, load_sample_prompts
from scenario.text import plain

__all__ = ["cache_summary", "whole_bill_inputs"]

SYSTEM_PROMPT_KEY = "costs.override.system_prompt"


@st.cache_data(max_entries=32, show_spinner="Counting the tokens the prompts share…")
def _measure(prompts: tuple[str, ...], system_prompt: str, model_ref: str) -> PrefixMeasure:
    return measure_shared_prefix(prompts, system_prompt, model_ref)


def _prompts() -> PromptSet:
    """The cache is measured on the prompts the Hybrid routing page routes (the sample set before it has any)."""
    return state.routing_prompts() or load_sample_prompts()


def _use(measured: PrefixMeasure, source: str) -> None:
    state.update_cost_assumption("shared_prefix_tokens", measured.shared_prefix_tokens, from_widget=False)
    state.update_cost_assumption("shared_prefix_source", source[:200], from_widget=False)
    # The prefix is a part of these prompts: the request size is theirs too, or the cache would be capped by another.
    state.update_scenario("input_tokens_per_request", round(measured.mean_input_tokens))
    state.redraw(state.INPUT_PREFIX, "costs.input_tokens_per_request")


def _by_hand() -> None:
    state.update_cost_assumption("shared_prefix_tokens", None, from_widget=False)
    state.update_cost_assumption("shared_prefix_source", None, from_widget=False)


def _cache_inputs(a: CostAssumptions, cost_input: Callable[..., Any]) -> None:
    prompts = _prompts()
    st.markdown("**Prompt cache, measured from your prompts**")
    st.caption(f"{len(prompts.prompts):,} prompts from {plain(prompts.source)} (load your own on the Hybrid routing page). "
               "Providers serve the start that requests share from their cache at a lower price.")
    system = st.text_area("System prompt sent before every prompt (instructions, examples, documents)", key=SYSTEM_PROMPT_KEY,
                          max_chars=MAX_PROMPT_CHARS, height=90, **state.KEEP)
    measured = _measure(tuple(prompts.prompts), system, a.cloud_models[0])
    st.text(f"Shared prefix: {measured.shared_prefix_tokens:,} tokens of {measured.mean_input_tokens:,.0f} on average "
            f"({measured.share:.0%}), counted by {measured.counted_by}.")
    source = f"{len(prompts.prompts):,} prompts from {prompts.source}" + (" with a system prompt" if system.strip() else "")
    # One above the other: side by side, the labels ended in "…" in the inputs column at 1280 px.
    st.button("Use the measured prefix", key="costs.action.use_prefix",
                help="Also sets the input tokens a request to these prompts' average.", on_click=_use, args=(measured, source),
                width="stretch", disabled=a.shared_prefix_tokens == measured.shared_prefix_tokens)
    st.button("Set the cached share by hand", key="costs.action.cache_by_hand", on_click=_by_hand, width="stretch",
                 disabled=a.shared_prefix_tokens is None)
    if a.shared_prefix_tokens is None:
        cost_input(st.slider, "cached_input_share", "Share of input tokens served from the provider's cache (by hand)",
                   a.cached_input_share, min_value=0.0, max_value=1.0, step=0.05,
                   help="Billed at each model's cached rate. Measure it from your prompts instead with the button above.")
    else:
        st.caption(f"In use: a shared prefix of {a.shared_prefix_tokens:,} tokens ({plain(a.shared_prefix_source or 'set')}), "
                   "under each provider's caching rules (assets/bill_rules.json).")
        cost_input(st.radio, "cache_lifetime", "Anthropic cache lifetime", a.cache_lifetime, options=["5m", "1h"], horizontal=True,
                   format_func={"5m": "5 minutes (writes at 1.25 x input)", "1h": "1 hour (writes at 2 x input)"}.__getitem__)


def whole_bill_inputs(a: CostAssumptions, cost_input: Callable[..., Any]) -> None:
    """Inputs for the lines beyond tokens and GPUs; ``cost_input`` is the page's widget for one assumption."""
    with st.expander("The whole bill: caching, reasoning, licences, data transfer, risk", expanded=True):
        _cache_inputs(a, cost_input)
        _reasoning_inputs(a, cost_input)
        st.markdown("**Local lines the articles name**")
        cost_input(st.number_input, "licence_per_gpu_year_usd", "Software licences per GPU a year (USD)", a.licence_per_gpu_year_usd,
                   min_value=0.0, max_value=1e9, step=500.0, help="An enterprise inference-software subscription, or 0 for open source.")
        cost_input(st.number_input, "egress_gb_month", "Data sent out a month (GB, both options)", a.egress_gb_month,
                   min_value=0.0, max_value=1e9, step=10.0)
        _number_pairs(a, cost_input, _EGRESS_PRICES)
        st.caption(_egress_caption(a))
        cost_input(st.slider, "risk_premium_share", "Risk premium on local (reliability & security)", a.risk_premium_share,
                   min_value=0.0, max_value=1.0, step=0.01, format="%.2f")
        _number_pairs(a, cost_input, _EXPECTED_LOSS)


def _reasoning_inputs(a: CostAssumptions, cost_input: Callable[..., Any]) -> None:
    st.markdown("**Reasoning models**")
    cost_input(st.number_input, "reasoning_multiple", "Hidden reasoning tokens per output token (empty: sourced defaults)",
               a.reasoning_multiple, min_value=0.0, max_value=100.0, step=0.5, placeholder="each family's sourced default",
               help="Models that think before answering (o-series, GPT-5, Gemini 2.5) bill it as output. A number here, typed or "
                    "measured in the Playground (usage reports reasoning tokens), applies to every model that reasons.")
    in_use = [(ref, d) for ref in a.cloud_models if (d := reasoning_default(ref)) is not None]
    for ref, default in in_use:
        figure = f"{default.multiple:.2f}, an estimate {default.basis}" if default.multiple else f"none ({default.basis})"
        st.caption(f"Sourced default for {plain(ref)}: {figure}. Source: {default.source or 'none'}, read {default.as_of}.")
    if any(ref.startswith("anthropic:") for ref in a.cloud_models) and (claude := documented_multiple("anthropic")):
        st.caption(f"Claude thinks only when a request turns extended thinking on, so it is priced without; with it on, "
                   f"Anthropic's documented example is {claude:.2f} (assets/bill_rules.json).")
    if a.reasoning_multiple is not None:
        st.button("Back to the sourced defaults", key="costs.action.reasoning_defaults", width="stretch",
                  on_click=state.update_cost_assumption, args=("reasoning_multiple", None),
                  kwargs={"from_widget": False})


def _egress_caption(a: CostAssumptions) -> str:
    rules = data_transfer_rules()
    clouds = rules["clouds"]
    return (f"Default local price: AWS's internet egress, ${clouds['aws']['usd_per_gb']:g}/GB ({clouds['aws']['tier']}); "
            f"Google Cloud ${clouds['gcp']['usd_per_gb']:g}, Azure ${clouds['azure']['usd_per_gb']:g}. Cloud APIs bill tokens, "
            f"not response bytes: ${rules['cloud_api_default_usd_per_gb']:g}/GB. Read {clouds['aws']['as_of']}, "
            "sources in assets/bill_rules.json."
            + ("" if a.egress_gb_month else " Enter the GB a month to count it."))


# (field, label, max, step) for number inputs drawn two a row.
_EGRESS_PRICES = (("egress_usd_per_gb_local", "Local: USD per GB", 10.0, 0.01),
                  ("egress_usd_per_gb_cloud", "Cloud: USD per GB", 10.0, 0.01))
_EXPECTED_LOSS = (("outage_hours_month", "Outage hours a month", 744.0, 0.5),
                  ("outage_cost_per_hour_usd", "Cost of an outage hour (USD)", 1e9, 100.0),
                  ("incident_probability_yearly", "Security incident: chance a year", 1.0, 0.01),
                  ("incident_cost_usd", "Cost of an incident (USD)", 1e9, 1000.0))


def _number_pairs(a: CostAssumptions, cost_input: Callable[..., Any], specs: tuple[tuple[str, str, float, float], ...]) -> None:
    columns = st.columns(2)
    for index, (field, label, high, step) in enumerate(specs):
        with columns[index % 2]:
            cost_input(st.number_input, field, label, getattr(a, field), min_value=0.0, max_value=high, step=step)


def cache_summary(report: CostReport) -> list[str]:
    """One sentence per cloud model on what the measured prefix saves it, for the page's headline."""
    a = report.assumptions
    if a.shared_prefix_tokens is None:
        return []
    sentences = []
    for c in report.cloud:
        saving = -sum(line.monthly_usd for line in c.lines if line.item.startswith("Prompt cache"))
        rule = cache_rule(c.price.ref)
        if c.cached_tokens:
            sentences.append(f"{c.price.label}: {c.cached_tokens:,} of the {a.shared_prefix_tokens:,} shared tokens cached for "
                             f"{c.cache_hit_rate:.0%} of requests, saving ${saving:,.0f} a month.")
        elif rule is not None and c.price.cached_input_per_mtok is not None:
            minimum = rule.minimum_for(c.price.ref.partition(":")[2])
            sentences.append(f"{c.price.label}: nothing cached; its cache needs a prefix of at least {minimum:,} tokens.")
        else:
            sentences.append(f"{c.price.label}: no cached rate in the price data.")
    return sentences
