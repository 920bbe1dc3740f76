"""A first-come, first-served line for one shared model, that tells each waiter its place.

``threading.Lock`` wakes waiters in no promised order, so under load a run that arrived
later could overtake one that has waited longer. Here the runs at the head of the line
(as many as the model has slots) hold the model; everyone else sees how many runs are
ahead of them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

from inference.types import StreamEvent

__all__ = ["QUEUE_TICK_S", "FairQueue", "Ticket", "in_turn", "queue_status"]

QUEUE_TICK_S = 0.25
# One line as a run joins and one as it starts: enough to check, from a server's log, that
# runs start in the order they arrived (bench/workshop_load.py does).
LOG = logging.getLogger("crossover.queue")


class Ticket:
    """One place in a line: given out on arrival, handed back on leaving."""

    __slots__ = ("arrived",)

    def __init__(self, arrived: int):
        self.arrived = arrived


class FairQueue:
    """A line in arrival order; the ticket at its head holds the resource."""

    def __init__(self, slots: int = 1) -> None:
        if slots < 1:
            raise ValueError(f"A queue needs at least 1 slot, not {slots}.")
        self.slots = slots
        self._changed = threading.Condition()
        self._line: list[Ticket] = []
        self._arrivals = 0

    def join(self) -> Ticket:
        """Stand at the back of the line."""
        with self._changed:
            self._arrivals += 1
            ticket = Ticket(self._arrivals)
            self._line.append(ticket)
            return ticket

    def _ahead(self, ticket: Ticket) -> int:
        return max(0, self._line.index(ticket) - self.slots + 1)

    def ahead_of(self, ticket: Ticket) -> int:
        """How many runs must finish before this one starts (0: it holds a slot)."""
        with self._changed:
            return self._ahead(ticket)

    def wait(self, ticket: Ticket, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for the line to move; returns how many are still ahead."""
        with self._changed:
            if self._ahead(ticket):
                self._changed.wait(timeout)
            return self._ahead(ticket)

    def leave(self, ticket: Ticket) -> None:
        """Leave the line, from the head (done) or from anywhere (gave up). Safe to call twice."""
        with self._changed:
            if ticket in self._line:
                self._line.remove(ticket)
                self._changed.notify_all()

    @property
    def length(self) -> int:
        """Tickets in the line, those holding a slot included."""
        with self._changed:
            return len(self._line)


def queue_status(ahead: int, model: str = "the local model") -> str:
    """What a waiting run is told: its place in the line."""
    runs = "1 run is" if ahead == 1 else f"{ahead} runs are"
    return f"In the queue for {model}: position {ahead}. {runs} ahead of yours; it starts when they finish."


def in_turn(queue: FairQueue, run: Callable[[], Iterator[StreamEvent]], model: str = "the local model") -> Iterator[StreamEvent]:
    """Wait in ``queue``, saying the place in line on every tick, then stream ``run()``.

    The place is said again on every tick so a caller can give up while it waits; leaving,
    by finishing, failing or being closed, always hands the slot to the next in line.
    """
    ticket = queue.join()
    queued = time.perf_counter()
    try:
        ahead = arrived_ahead = queue.ahead_of(ticket)
        LOG.info("queue=%r run=%d event=arrived ahead=%d", model, ticket.arrived, ahead)
        while ahead:
            yield StreamEvent(status=queue_status(ahead, model))
            ahead = queue.wait(ticket, QUEUE_TICK_S)
        waited_ms = (time.perf_counter() - queued) * 1000
        LOG.info("queue=%r run=%d event=started ahead=%d waited_ms=%.0f", model, ticket.arrived, arrived_ahead, waited_ms)
        if arrived_ahead:
            yield StreamEvent(waited_ms=waited_ms, status="Started.")
        yield from run()
    finally:
        queue.leave(ticket)
