"""How the pages name the local model: in this app, or on the shared inference server."""

from __future__ import annotations

from inference.shared_server import shared_local_server_set

__all__ = ["local_model_choice"]


def local_model_choice(in_process: str) -> str:
    """``in_process`` when the model runs in this app; the shared server's name when CROSSOVER_LOCAL_SERVER moves it."""
    return "Local model (on the shared inference server)" if shared_local_server_set() else in_process
