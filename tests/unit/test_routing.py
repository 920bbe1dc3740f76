"""Routing rules, policies as data, prompt files, and the simulation."""


import pytest

from calculators import CostAssumptions
from routing.complexity import Complexity
from routing.policy import (
    POLICIES,
    DevProd,
    Fallback,
    Policy,
    PolicyError,
    PrivacySplit,
    PromptFacts,
    Tiered,
    decide,
    dump_policy,
    load_policy,
)
from routing.prompt_files import load_sample_prompts, parse_pasted, parse_prompt_file
from routing.sensitive import Finding
from routing.simulate import (
    LatencyAssumptions,
    analyse_prompts,
    simulate,
    threshold_sweep,
)
from scenario import InputError, Scenario
from scenario.uploads import MAX_BYTES

EMAIL = Finding(entity_type="EMAIL_ADDRESS", start=0, end=5, score=1.0)


def facts(score=0.1, findings=(), index=0):
    return PromptFacts(index=index, prompt="p", findings=list(findings), complexity=Complexity(score=score, parts={}), input_tokens=10)


def test_privacy_split_keeps_sensitive_prompts_local():
    policy = Policy(rules=[PrivacySplit()])
    decision = decide(facts(findings=[EMAIL]), policy)
    assert (decision.route, decision.rule) == ("local", "privacy split") and "email address" in decision.reason
    assert decide(facts(), policy).route == "cloud"  # not sensitive: the default route


def test_tiered_splits_on_the_threshold():
    policy = Policy(rules=[Tiered(threshold=0.3)])
    assert decide(facts(0.29), policy).route == "local"
    assert decide(facts(0.30), policy).route == "cloud"
    assert "complexity 0.29 < 0.30" in decide(facts(0.29), policy).reason


@pytest.mark.parametrize(("primary", "other"), [("local", "cloud"), ("cloud", "local")])
def test_fallback_chain_both_ways(primary, other):
    decision = decide(facts(), Policy(rules=[Fallback(primary=primary, failure_rate=0.05)]))
    assert (decision.route, decision.fallback_route, decision.fallback_rate) == (primary, other, 0.05)


def test_dev_prod_split():
    assert decide(facts(0.9), Policy(rules=[DevProd(environment="dev"), Tiered()])).route == "local"
    assert decide(facts(0.9), Policy(rules=[DevProd(environment="prod"), Tiered()])).route == "cloud"


def test_rules_apply_in_order():
    sensitive_complex = facts(0.9, [EMAIL])
    assert decide(sensitive_complex, POLICIES["privacy-split-then-tiered"]).route == "local"
    assert decide(sensitive_complex, POLICIES["tiered"]).route == "cloud"
    # sensitive prompts never fall back to the cloud
    assert decide(sensitive_complex, POLICIES["local-first-fallback"]).fallback_route is None


def test_policies_round_trip_json_and_yaml(tmp_path):
    for fmt in ("json", "yaml"):
        file = tmp_path / f"policy.{fmt}"
        file.write_text(dump_policy(POLICIES["privacy-split-then-tiered"], fmt))
        loaded = load_policy(file)
        assert loaded == POLICIES["privacy-split-then-tiered"]
        assert "rationale" in file.read_text()


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ('{"rules": [{"kind": "teleport"}]}', "json", "rules.0"),
        ("{not json", "json", "not valid JSON"),
        ("rules: [", "yaml", "not valid YAML"),
        ('{"rules": [{"kind": "tiered", "threshold": 3}]}', "json", "threshold"),
    ],
)
def test_bad_policy_files(tmp_path, content, suffix, message):
    file = tmp_path / f"p.{suffix}"
    file.write_text(content)
    with pytest.raises(PolicyError, match=message):
        load_policy(file)
    with pytest.raises(PolicyError, match="not a policy name"):
        load_policy(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("p.csv", b"text,label\nhello,true\n", "has no 'prompt' column (its columns: text, label)"),
        ("p.csv", b"", "is empty"),
        ("p.jsonl", b'{"prompt": "ok"}\nnot json\n', "line 2 is not valid JSON"),
        ("p.jsonl", b'{"text": "no prompt"}\n', "line 1 has no \"prompt\" text field"),
        ("p.csv", "prompt\nhello\n".encode("utf-16"), "is not UTF-8 text"),
        ("p.csv", b"prompt\n" + b"x" * (MAX_BYTES + 1), "the limit is 10 MB"),
        ("p.csv", b"prompt,sensitive\nhello,maybe\n", "row 2: 'sensitive' is 'maybe'"),
        ("p.xlsx", b"PK...", "use a .csv file"),
        ("p.csv", b"prompt\n\n \n", "has no prompts"),
    ],
)
def test_bad_prompt_files(name, data, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_prompt_file(name, data)


def test_good_prompt_files():
    csv = parse_prompt_file("p.csv", b"Prompt,Sensitive\nhello,false\nmy ssn,TRUE\n")
    assert csv.prompts == ["hello", "my ssn"] and csv.labels == [False, True]
    jsonl = parse_prompt_file("p.jsonl", b'{"prompt": "a"}\n\n{"prompt": "b", "sensitive": true}\n')
    assert jsonl.prompts == ["a", "b"] and jsonl.labels == [None, True]
    assert parse_pasted("one\n\n two \n").prompts == ["one", "two"]
    sample = load_sample_prompts()
    assert len(sample.prompts) == 200 and sample.labelled == 200


def test_simulation_on_the_sample_set():
    prompts = load_sample_prompts()
    analysed = analyse_prompts(prompts)
    scenario = Scenario(requests_per_month=1_000_000)
    split = simulate(analysed, POLICIES["privacy-split-then-tiered"], scenario, CostAssumptions())
    cost_only = simulate(analysed, POLICIES["tiered"].model_copy(update={"rules": [Tiered(threshold=0.0)]}), scenario, CostAssumptions())
    assert split.sensitive_to_cloud == 0
    assert cost_only.sensitive_to_cloud == sum(f.sensitive for f in analysed) > 0  # everything to the cloud leaks them all
    assert cost_only.leaked_by_type["email address"] >= 5
    assert 0.6 < split.detector.recall < 1 and split.detector.precision > 0.8  # measured, not assumed
    assert split.latency_ms["local"]["p50"] < split.latency_ms["cloud"]["p50"]
    assert len(split.table) == 200 and {"route", "rule", "why", "entities", "cost (USD)"} <= set(split.table[0])


def test_fallback_retries_show_in_the_latency():
    analysed = analyse_prompts(parse_pasted("hello\nhi there\nwhat is 2+2"))
    calm = simulate(analysed, Policy(rules=[Fallback(primary="local", failure_rate=0.0)]), Scenario(), CostAssumptions(), LatencyAssumptions())
    flaky = simulate(analysed, Policy(rules=[Fallback(primary="local", failure_rate=0.5)]), Scenario(), CostAssumptions(), LatencyAssumptions())
    assert flaky.latency_ms["local"]["p95"] > calm.latency_ms["local"]["p95"] * 2


def test_threshold_sweep_is_a_frontier():
    analysed = analyse_prompts(load_sample_prompts())
    sweep = threshold_sweep(analysed, POLICIES["privacy-split-then-tiered"], Scenario(requests_per_month=300_000), CostAssumptions())
    assert list(sweep.threshold) == sorted(sweep.threshold)
    assert sweep.cloud_share.is_monotonic_decreasing
    assert (sweep.leaked_items == 0).all()  # the privacy rule holds at every threshold
    leaky = threshold_sweep(analysed, POLICIES["tiered"], Scenario(), CostAssumptions())
    assert leaky.leaked_items.iloc[0] > 0 and leaky.leaked_items.iloc[-1] == 0
