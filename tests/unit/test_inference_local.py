"""The local GGUF backend with the real bundled model."""

import threading

import pytest

from inference import GenerationRequest, LocalGGUFBackend, load_local_model, measure
from inference.local_gguf import default_threads

QUESTION = GenerationRequest(prompt="Name three colours.", system="Be brief.", max_tokens=24, temperature=0)


@pytest.fixture(scope="module")
def backend():
    return LocalGGUFBackend(n_ctx=1024)


def test_answers_with_honest_figures(backend):
    first = measure(backend, QUESTION)
    assert first.ok, first.error
    assert first.text.strip()
    assert first.input_tokens and first.input_tokens > 10  # chat template + system + prompt
    assert 0 < first.output_tokens <= QUESTION.max_tokens
    assert first.ttft_ms > 0 and first.e2e_ms >= first.ttft_ms
    assert first.threads == default_threads()  # what the speed was measured with
    if first.output_tokens > 1:
        assert first.decode_tokens_per_s > 0
    second = measure(backend, QUESTION)
    assert not second.cold
    assert second.cached_prompt_tokens == second.input_tokens - 1  # the whole prompt but its last token reused


def test_the_chat_template_comes_from_the_gguf(backend):
    model, _ = load_local_model(None, 1024)
    assert model.formatter is not None
    tokens, stop = model.prompt_tokens(QUESTION)
    text = model.llm.detokenize(tokens, special=True).decode()
    assert "<|im_start|>system" in text and "Be brief." in text and stop == ["<|im_end|>"]


def test_two_runs_at_once_both_answer_and_the_second_waits(backend):
    """Deterministic: a held ticket keeps the model busy until both runs have joined the line."""
    model, _ = load_local_model(None, 1024)
    holder = model.queue.join()
    results = [None, None]
    statuses: list[list[str]] = [[], []]
    queued = [threading.Event(), threading.Event()]

    def run(index):
        def on_status(status: str) -> None:
            statuses[index].append(status)
            queued[index].set()
        results[index] = measure(backend, QUESTION, on_status=on_status)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for index, thread in enumerate(threads):
        thread.start()
        assert queued[index].wait(30)  # in the line before the next one arrives
    model.queue.leave(holder)
    for t in threads:
        t.join(timeout=120)
    assert all(r is not None and r.ok and r.text for r in results)
    assert all(r.waited_ms > 0 for r in results)
    assert results[1].waited_ms > results[0].waited_ms  # the second also waited for the first
    assert statuses[0][0].startswith("In the queue for the local model: position 1. 1 run is ahead of yours")
    assert statuses[1][0].startswith("In the queue for the local model: position 2. 2 runs are ahead of yours")
    assert any(s.startswith("In the queue for the local model: position 1. 1 run is ahead of yours") for s in statuses[1])
    assert model.queue.length == 0


def test_a_stopped_run_hands_the_model_to_the_next_in_line(backend):
    long = GenerationRequest(prompt="Write a long story about a lighthouse.", max_tokens=400, temperature=0)
    stop = threading.Event()
    texts: list[str] = []
    first = threading.Thread(target=lambda: texts.append(measure(backend, long, on_text=lambda t: stop.set(), should_stop=stop.is_set).error_kind))
    first.start()
    first.join(timeout=60)
    assert texts == ["cancelled"]  # stopped after its first token, far short of 400
    model, _ = load_local_model(None, 1024)
    assert model.queue.length == 0
    assert measure(backend, QUESTION).ok  # nothing left holding the model


def test_a_prompt_longer_than_the_context_is_refused_clearly():
    small = LocalGGUFBackend(n_ctx=256)
    result = measure(small, GenerationRequest(prompt="word " * 400, max_tokens=16))
    assert result.error_kind == "context_overflow"
    assert "context window is 256" in result.error


def test_missing_and_corrupt_files(tmp_path):
    missing = measure(LocalGGUFBackend(tmp_path / "nope.gguf"), QUESTION)
    assert missing.error_kind == "model_file" and "No GGUF file at" in missing.error
    corrupt = tmp_path / "broken.gguf"
    corrupt.write_bytes(b"GGUF" + b"\x00" * 64)
    result = measure(LocalGGUFBackend(corrupt), QUESTION)
    assert result.error_kind == "model_file" and "not a GGUF model llama.cpp can load" in result.error
