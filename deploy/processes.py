"""Servers as plain processes on loopback, each started here and stopped by its PID.

Used by the tests (real peers instead of mocks), by ``bench/workshop_load.py`` and by
``make demo-cluster``: Streamlit app replicas, llama-cpp-python's OpenAI-compatible server
and a throw-away PostgreSQL cluster from Debian's package.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from inference import bundled_model_path

__all__ = ["REPO", "Server", "free_port", "llama_server", "postgres_server", "serve_process", "streamlit_command", "streamlit_server"]

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A started server: where it answers, its PID and its log."""

    url: str
    pid: int
    log: IO[str]
    log_path: Path


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # its own process group: whatever it started goes too
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def serve_process(command: list[str], health_url: str, log_path: Path, *, name: str, cwd: Path | None = None,
                  headers: dict[str, str] | None = None, env: dict[str, str] | None = None,
                  url: str | None = None) -> Iterator[Server]:
    """Run a server in its own process group, wait until ``health_url`` answers 200, stop it by PID after."""
    log = open(log_path, "w+")
    proc = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"{name} exited {proc.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(urllib.request.Request(health_url, headers=headers or {}), timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not become healthy in 90 s")
            time.sleep(0.2)
        yield Server(url or health_url, proc.pid, log, log_path)
    finally:
        _stop(proc)
        log.close()


def streamlit_command(port: int) -> list[str]:
    """``streamlit run`` of the app on ``port``, headless, on loopback only."""
    return [sys.executable, "-m", "streamlit", "run", "app/streamlit_app.py",
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none"]


@contextmanager
def streamlit_server(log_path: Path, env: dict[str, str], port: int | None = None) -> Iterator[Server]:
    """One app replica with ``env`` added (its data folder, DATABASE_URL, CROSSOVER_LOCAL_SERVER...)."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    with serve_process(streamlit_command(port), url + "/_stcore/health", log_path, name="streamlit", cwd=REPO,
                       env=env, url=url) as server:
        yield server


@contextmanager
def llama_server(log_dir: Path, api_key: str | None = None, threads: int = 2) -> Iterator[Server]:
    """``python -m llama_cpp.server`` with the bundled model; the server's ``url`` is its /v1 base."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path()),
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", str(threads)]
    if api_key:
        command += ["--api_key", api_key]
    url = f"http://127.0.0.1:{port}/v1"
    with serve_process(command, url + "/models", log_dir / "llama_server.log", name="llama_cpp.server",
                       headers={"Authorization": f"Bearer {api_key or 'x'}"}, url=url) as server:
        yield server


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text().splitlines()[-20:])
    except OSError:
        return ""


@contextmanager
def postgres_server(database: str = "crossover") -> Iterator[Server]:
    """A fresh PostgreSQL cluster from Debian's binaries on a free loopback port.

    ``url`` is a SQLAlchemy URL to an empty ``database``. As root the server runs as the
    ``postgres`` user (PostgreSQL refuses root). Afterwards its postmaster is stopped by PID
    (a fast shutdown) and its folder removed.
    """
    binaries = _postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed: `make test` and `make demo-cluster` install Debian's "
                           "postgresql package.")
    folder = Path(tempfile.mkdtemp(prefix="crossover-pg-"))
    data, log_path = folder / "data", folder / "server.log"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    os.chmod(folder, 0o755)
    run = lambda *args: subprocess.run(_as_server_user([str(binaries / args[0]), *args[1:]]),  # noqa: E731
                                       check=True, capture_output=True, text=True, timeout=120)
    pid = 0
    try:
        run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        run("pg_ctl", "-D", str(data), "-l", str(log_path), "-w", "-t", "60", "start",
            "-o", f"-p {port} -h 127.0.0.1 -k {folder} -c fsync=off -c full_page_writes=off")
        pid = int((data / "postmaster.pid").read_text().split()[0])
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database)
        with open(log_path) as log:
            yield Server(f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}", pid, log, log_path)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"could not start PostgreSQL: {exc.stderr or exc.stdout}\n{_tail(log_path)}") from None
    finally:
        if pid:
            _stop_postmaster(pid)
        shutil.rmtree(folder, ignore_errors=True)


def _stop_postmaster(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
