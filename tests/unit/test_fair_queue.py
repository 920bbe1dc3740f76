"""The first-come, first-served line in front of a shared model."""

import threading
import time

import pytest

from inference.fair_queue import FairQueue, in_turn, queue_status
from inference.types import StreamEvent


def test_runs_start_in_arrival_order_and_each_knows_its_place():
    queue = FairQueue()
    started: list[int] = []
    places: dict[int, list[int]] = {}
    holder = queue.join()  # someone is answering already
    joined = [threading.Event() for _ in range(8)]

    def run(number: int) -> None:
        ticket = queue.join()
        places[number] = [queue.ahead_of(ticket)]
        joined[number].set()
        while (ahead := queue.wait(ticket, 0.05)):
            places[number].append(ahead)
        started.append(number)
        queue.leave(ticket)

    threads = []
    for number in range(8):
        threads.append(threading.Thread(target=run, args=(number,)))
        threads[-1].start()
        assert joined[number].wait(5)  # arrive one after the other
    assert [places[n][0] for n in range(8)] == list(range(1, 9))
    queue.leave(holder)
    for thread in threads:
        thread.join(5)
    assert started == list(range(8))
    assert all(places[n] == sorted(places[n], reverse=True) for n in range(8))  # a place only ever gets better
    assert queue.length == 0


def test_leaving_from_the_middle_moves_everyone_behind_up():
    queue = FairQueue()
    first, second, third = queue.join(), queue.join(), queue.join()
    assert [queue.ahead_of(t) for t in (first, second, third)] == [0, 1, 2]
    queue.leave(second)
    queue.leave(second)  # twice is harmless
    assert queue.ahead_of(third) == 1


def test_slots_let_that_many_run_at_once():
    queue = FairQueue(slots=2)
    tickets = [queue.join() for _ in range(4)]
    assert [queue.ahead_of(t) for t in tickets] == [0, 0, 1, 2]
    with pytest.raises(ValueError, match="at least 1 slot"):
        FairQueue(slots=0)


def test_in_turn_reports_the_wait_and_leaves_the_line_when_closed_early():
    queue = FairQueue()
    holder = queue.join()

    def answer():
        yield StreamEvent(text="a")
        yield StreamEvent(text="b")

    events = in_turn(queue, answer)
    assert next(events).status == queue_status(1)
    time.sleep(0.06)  # the holder answers for a while; then the line moves, with no race
    queue.leave(holder)
    rest = list(events)
    assert rest[0].status == "Started." and rest[0].waited_ms > 50
    assert [e.text for e in rest if e.text] == ["a", "b"]
    assert queue.length == 0
    # Closed before it starts (a closed tab): its place is given up.
    holder = queue.join()
    waiting = in_turn(queue, answer)
    next(waiting)
    assert queue.length == 2
    waiting.close()
    assert queue.length == 1
