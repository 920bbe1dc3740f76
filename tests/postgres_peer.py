"""A real PostgreSQL server on a loopback port for the storage tests, started and stopped here.

``make test`` installs Debian's ``postgresql`` package; this starts a throw-away cluster
from its binaries (``initdb`` + ``pg_ctl``) in a temporary folder on a free port, and stops
it and removes the folder afterwards. As root, the server runs as the ``postgres`` user
(PostgreSQL refuses to run as root). ``CROSSOVER_TEST_DATABASE_URL`` points the tests at an
existing server instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.peers import free_port


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL to an empty database on a fresh local PostgreSQL server."""
    given = os.environ.get("CROSSOVER_TEST_DATABASE_URL")
    if given:
        yield given
        return
    binaries = _postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs Debian's postgresql package "
                           "(or set CROSSOVER_TEST_DATABASE_URL to a server you run)")
    folder = Path(tempfile.mkdtemp(prefix="crossover-pg-"))
    data, log = folder / "data", folder / "server.log"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    os.chmod(folder, 0o755)
    run = lambda *args: subprocess.run(_as_server_user([str(binaries / args[0]), *args[1:]]),  # noqa: E731
                                       check=True, capture_output=True, text=True, timeout=120)
    try:
        run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "start",
            "-o", f"-p {port} -h 127.0.0.1 -k {folder} -c fsync=off -c full_page_writes=off")
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "crossover_test")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/crossover_test"
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"could not start PostgreSQL: {exc.stderr or exc.stdout}\n{_tail(log)}") from None
    finally:
        subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text().splitlines()[-20:])
    except OSError:
        return ""
