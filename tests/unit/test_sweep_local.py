"""The bundled model swept in this app: concurrency 1, each request through the model's own fair
queue, so a workshop participant who was there first is served first and the sweep's figures
leave their run out."""

from __future__ import annotations

import threading

import pytest

from calculators.sweep import SweepTargets, summarise_step
from inference.local_gguf import LocalGGUFBackend
from inference.sweep import SweepPlan
from inference.sweep_local import probe_local, sweep_local
from inference.types import BackendFailure
from routing.prompt_files import load_sample_prompts
from tests.peers import MODEL_THREADS


@pytest.fixture(scope="module")
def backend() -> LocalGGUFBackend:
    # One thread, as everywhere in the suite (tests/conftest.py): two spun against the other
    # pytest worker and took 23 s here for what one thread does in 1.5 s.
    return LocalGGUFBackend(n_ctx=1024, n_threads=MODEL_THREADS)


def _plan(**changes) -> SweepPlan:
    return SweepPlan("", **{"input_tokens": 24, "output_tokens": 8, "max_concurrency": 1, "requests_per_step": 2, **changes})


def test_prompts_are_cut_with_the_models_own_tokenizer_and_the_step_is_measured(backend):
    plan = _plan()
    info, prompts = probe_local(backend, plan, load_sample_prompts().prompts)
    llm = backend.loaded_model().llm
    assert {len(llm.tokenize(p.encode(), add_bos=False, special=False)) for p in prompts} <= {23, 24, 25}  # cut at 24, re-read
    assert info.tokenizer == "the model's own tokenizer" and info.base_url.startswith("this app")
    step, waits = sweep_local(backend, plan, info, prompts)
    assert step is not None and step.concurrency == 1 and len(step.records) == 2
    summary = summarise_step(1, step.records, step.duration_s, SweepTargets())
    assert summary.errors == 0 and 0 < summary.output_tokens <= 16 and summary.output_tokens_per_s > 0
    assert waits.waits == 0


def test_each_request_waits_its_turn_behind_a_participant(backend):
    plan = _plan(requests_per_step=1)
    info, prompts = probe_local(backend, plan)
    queue = backend.loaded_model().queue
    holder = queue.join()  # a participant's run holds the model
    done: list = []
    sweeper = threading.Thread(target=lambda: done.append(sweep_local(backend, plan, info, prompts)))
    sweeper.start()
    try:
        for _ in range(200):  # until the sweep's request stands in line behind the holder
            if queue.length == 2:
                break
            sweeper.join(0.05)
        assert queue.length == 2 and not done  # it waits; nothing was sent around the line
    finally:
        queue.leave(holder)
    sweeper.join(60)
    (step, waits), = done
    assert step is not None and step.records[0].error_kind is None
    assert waits.waits == 1 and waits.waited_s > 0  # reported, and left out of the step's time


def test_a_prompt_longer_than_the_context_is_refused_before_the_sweep(backend):
    with pytest.raises(BackendFailure, match="context window"):
        probe_local(backend, _plan(input_tokens=1_000, output_tokens=100))
