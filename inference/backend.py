"""The one interface every model backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from inference.types import BackendFailure, GenerationRequest, StreamEvent

__all__ = ["Backend"]


class Backend(ABC):
    """A model that answers a request as a stream of events.

    Implementations yield :class:`StreamEvent` objects (text as it arrives, token counts
    when the provider reports them) and raise :class:`~inference.types.BackendFailure`
    with a clear message on any failure. Timing is not their job: ``inference.measure``
    times the stream on the thread that reads it.
    """

    #: Short name of the kind of backend, e.g. "local", "openai", "anthropic".
    kind: str = ""

    @property
    @abstractmethod
    def label(self) -> str:
        """What people see, e.g. "Local: SmolLM2-135M-Instruct"."""

    @property
    @abstractmethod
    def model(self) -> str:
        """The model name or file."""

    @abstractmethod
    def events(self, request: GenerationRequest) -> Iterator[StreamEvent]:
        """Stream the answer to ``request``."""

    def preflight(self) -> BackendFailure | None:
        """A failure certain before the model is asked (no key, nobody listening), else None.

        Quick by contract (a connection attempt at most), so a page can say at once that a side
        cannot answer instead of after the other side has finished.
        """
        return None
