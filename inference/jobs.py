"""Work on a background thread that a page polls: the Playground, the Quality check and any
long measurement share this one type.

A rerun, a page switch or a closed browser tab must neither lose nor block the work, so
it runs on a daemon thread; the page keeps the job in its session and redraws from it.
A job whose tab has gone stops at its next check, which hands the shared local model to
the next run in line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import BaseModel

__all__ = ["BackgroundJob", "JobProgress"]

LOG = logging.getLogger("crossover.jobs")
Result = TypeVar("Result")


class JobProgress(BaseModel):
    """How far a job has got: ``done`` of ``total`` units, and an estimate of the time left."""

    done: int = 0
    total: int = 0
    remaining_s: float | None = None


class BackgroundJob(Generic[Result]):
    """One unit of work on its own thread, with a Stop switch, progress and its typed result.

    ``work`` receives the job itself: it reports progress through ``job.progress``, asks
    ``job.should_stop()`` between steps, and returns the result. An exception inside it
    becomes ``failure`` (a sentence for the page) instead of a silently dead thread.
    """

    def __init__(self, name: str, work: Callable[[BackgroundJob[Result]], Result],
                 tab_closed: Callable[[], bool] | None = None) -> None:
        self.name = name
        self.progress = JobProgress()
        self.result: Result | None = None
        self.failure: str | None = None
        self.stop = threading.Event()
        self.adopted = False
        self._work = work
        self._tab_closed = tab_closed or (lambda: False)
        self._thread = threading.Thread(target=self._run, name=f"crossover-{name}", daemon=True)

    def start(self) -> BackgroundJob[Result]:
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def should_stop(self) -> bool:
        """True once Stop was pressed or the job's browser tab has closed (then it stops for good)."""
        if self.stop.is_set():
            return True
        if self._tab_closed():
            self.stop.set()
            LOG.info("%s stopped: its browser tab was closed, so the model goes to the next in line.", self.name)
            return True
        return False

    def _run(self) -> None:
        try:
            self.result = self._work(self)
        except Exception as exc:  # noqa: BLE001 - the page shows it instead of a dead thread
            LOG.exception("%s failed", self.name)
            self.failure = f"The run failed unexpectedly: {exc}"
