"""Tell a background run whether the browser tab that started it is still there."""

from __future__ import annotations

import time
from collections.abc import Callable

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

__all__ = ["tab_closed_check"]


def tab_closed_check(grace_s: float = 5.0) -> Callable[[], bool]:
    """A check, safe on any thread, that says yes once this session's tab has been gone ``grace_s`` seconds.

    A closed tab disconnects its session at once; the grace period lets a brief network
    drop reconnect without losing the run.
    """
    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return lambda: False  # not under a Streamlit server (AppTest): nothing to watch
    runtime, session_id = Runtime.instance(), context.session_id
    gone_since: list[float] = []

    def closed() -> bool:
        if runtime.is_active_session(session_id):
            gone_since.clear()
            return False
        if not gone_since:
            gone_since.append(time.monotonic())
        return time.monotonic() - gone_since[0] > grace_s

    return closed
