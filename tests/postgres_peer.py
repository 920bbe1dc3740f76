"""A real PostgreSQL server on a loopback port for the storage tests, started and stopped here.

``make test`` installs Debian's ``postgresql`` package; ``deploy.processes.postgres_server``
starts a throw-away cluster from its binaries and stops it by PID afterwards.
``CROSSOVER_TEST_DATABASE_URL`` points the tests at an existing server instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from deploy.processes import postgres_server as process_postgres_server


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL to an empty database on a fresh local PostgreSQL server."""
    given = os.environ.get("CROSSOVER_TEST_DATABASE_URL")
    if given:
        yield given
        return
    with process_postgres_server("crossover_test") as server:
        yield server.url
