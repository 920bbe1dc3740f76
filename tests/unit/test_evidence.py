"""Evidence is guarded: non-answers are errors, a gap is called real only with enough tasks and an
interval that leaves out zero, Stop ends the answer in progress, and ``contains_word`` means whole words.

The servers here are real HTTP servers on loopback speaking the OpenAI streaming protocol (tests/peers.py).
"""

import threading

import pytest
from pydantic import SecretStr

from inference import OpenAIBackend
from quality import Task, check_answer, load_example_tasks
from quality.runner import MIN_TASKS_PER_SIDE, BackendSummary, compare_sides, run_eval, summarise_eval
from tests.peers import ChatServer


def _tasks(count: int):
    example = load_example_tasks()
    return example.model_copy(update={"tasks": example.tasks[:count]})


@pytest.mark.parametrize("reply", ["", "   ", "... !"])
def test_empty_or_punctuation_only_answers_are_errors_not_wrong_answers(reply):
    with ChatServer(reply) as server:
        backend = OpenAIBackend("m", SecretStr("k"), server.url + "/v1", max_retries=0)
        results, _ = run_eval(_tasks(4), [backend], max_tokens=8)
    summary = summarise_eval(results, backend.label)
    assert (summary.n, summary.errors, summary.accuracy) == (0, 4, None)
    assert all(r.passed is None and r.error.startswith("no answer") for r in results)


def test_a_real_answer_is_still_graded():
    with ChatServer("positive") as server:  # the first example task asks for an intent, not a sentiment
        backend = OpenAIBackend("m", SecretStr("k"), server.url + "/v1", max_retries=0)
        results, _ = run_eval(_tasks(1), [backend], max_tokens=8)
    assert results[0].error is None and results[0].passed is False  # graded: a wrong answer, not an error


def _summary(name: str, passed: int, n: int) -> BackendSummary:
    return BackendSummary(backend=name, n=n, passed=passed, errors=0, accuracy=passed / n, ci95=None, p50_ms=None, p90_ms=None,
                          cost_per_1k_usd=None)


def test_a_gap_from_a_stopped_run_of_one_against_three_is_not_larger_than_the_noise():
    gap = compare_sides(_summary("a", 1, 1), _summary("b", 0, 3))
    assert not gap.larger_than_noise
    assert "not enough answered tasks" in gap.verdict() and "1 and 3" in gap.verdict() and str(MIN_TASKS_PER_SIDE) in gap.verdict()


def test_a_gap_needs_an_interval_that_leaves_out_zero():
    assert not compare_sides(_summary("a", 20, 40), _summary("b", 22, 40)).larger_than_noise
    real = compare_sides(_summary("a", 36, 40), _summary("b", 10, 40))
    assert real.larger_than_noise and real.low > 0 and "larger than the noise" in real.verdict()


def test_stop_ends_the_answer_in_progress():
    stop = threading.Event()
    with ChatServer(drip_s=0.02) as server:  # an answer that never ends
        backend = OpenAIBackend("m", SecretStr("k"), server.url + "/v1", max_retries=0)
        outcome: dict = {}
        runner = threading.Thread(target=lambda: outcome.update(results=run_eval(_tasks(2), [backend], max_tokens=4096, stop=stop)[0]))
        runner.start()
        assert server.streaming.wait(60)  # an answer is streaming: now press Stop
        stop.set()
        runner.join(60)
        assert not runner.is_alive()  # it did not wait for the endless answer to finish
    assert outcome["results"] == []  # a stopped answer is neither an answer nor an error


@pytest.mark.parametrize(
    ("expected", "answer", "passed"),
    [
        ("negative", "Negative.", True),
        ("negative", "It is negative, sadly", True),
        ("negative", "non-negative", False),
        ("negative", "negatively", False),
        ("ice cream", "I like ice cream a lot", True),
        ("ice cream", "I like ice creams", False),
    ],
)
def test_contains_word_matches_whole_words_only(expected, answer, passed):
    assert check_answer(Task(prompt="q", expected=expected, check="contains_word"), answer).passed is passed


def test_contains_still_matches_anywhere_as_documented():
    # "contains" is loose by design: the README says so and points to contains_word or exact for labels.
    assert check_answer(Task(prompt="q", expected="negative", check="contains"), "neutral, with no negative emotions").passed
