from advisor import Weights, assess, what_would_change
from scenario import Scenario


def test_volume_flip_is_the_exact_boundary():
    scenario = Scenario(requests_per_month=20_000, team="some", load_pattern="steady", horizon_months=24)
    assert assess(scenario).recommendation == "cloud"
    flips = [f for f in what_would_change(scenario) if f.field == "requests_per_month" and f.direction == "up"]
    assert len(flips) == 1
    boundary = flips[0].value
    assert assess(scenario.model_copy(update={"requests_per_month": boundary - 1})).recommendation == "cloud"
    assert assess(scenario.model_copy(update={"requests_per_month": boundary})).recommendation == flips[0].new_winner
    assert flips[0].new_winner != "cloud"
    assert f"{boundary:,}" in flips[0].sentence


def test_every_flip_really_changes_the_winner():
    scenario = Scenario(requests_per_month=300_000, sensitive_share=0.4, regulations=["gdpr"], latency_p95_ms=800)
    current = assess(scenario).recommendation
    flips = what_would_change(scenario)
    assert flips
    for flip in flips:
        changed = assess(scenario.model_copy(update={flip.field: flip.value}))
        assert changed.recommendation == flip.new_winner != current, flip


def test_air_gapped_has_no_flip_to_cloud():
    flips = what_would_change(Scenario(regulations=["air_gapped"]))
    assert all(flip.new_winner == "local" for flip in flips) and flips == []


def test_flips_follow_the_weights():
    scenario = Scenario(requests_per_month=20_000)
    no_volume = Weights(volume=0)
    assert not any(f.field == "requests_per_month" for f in what_would_change(scenario, no_volume))


def test_a_horizon_reads_as_english():
    from advisor.what_if import _NUMERIC

    describe = _NUMERIC["horizon_months"][1]
    assert [describe(v) for v in (11, 8, 18, 84, 12, 1)] == [
        "an 11-month horizon", "an 8-month horizon", "an 18-month horizon", "an 84-month horizon",
        "a 12-month horizon", "a 1-month horizon"]


def test_a_flip_that_holds_only_in_a_band_says_so():
    # The e-commerce preset at 3M requests: cloud wins only for p95 targets from 12,783 to
    # 17,836 ms and local again above; the page used to say "12,783 ms or more".
    from advisor import get_preset

    scenario = get_preset("ecommerce-assistant").scenario.model_copy(update={"requests_per_month": 3_000_000})
    current = assess(scenario).recommendation
    (flip,) = [f for f in what_would_change(scenario) if f.field == "latency_p95_ms" and f.direction == "up"]
    assert flip.until is not None and flip.until > flip.value
    winner_at = {v: assess(scenario.model_copy(update={"latency_p95_ms": v})).recommendation
                 for v in (flip.value - 1, flip.value, flip.until, flip.until + 1)}
    assert winner_at == {flip.value - 1: current, flip.value: flip.new_winner, flip.until: flip.new_winner,
                         flip.until + 1: current}
    assert flip.sentence == (f"From a p95 target of {flip.value:,} ms to a p95 target of {flip.until:,} ms (above that, "
                             f"{current} again), {flip.new_winner} would win instead of {current}.")
    assert "or more" not in flip.sentence
    # A flip that holds to the end of the range keeps its "or more" / "or less".
    assert all(f.until is None and ("or more" in f.sentence or "or less" in f.sentence)
               for f in what_would_change(scenario) if f.field == "requests_per_month")
