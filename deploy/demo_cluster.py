"""The compose file's shape as plain processes on loopback, put under a workshop's load, then stopped.

Starts PostgreSQL (Debian's package), ``python -m llama_cpp.server`` as the shared "local"
model, and two app replicas pointed at both; runs ``bench/workshop_load.py`` with its
participants spread over the two replicas; then stops everything it started, by PID.

Run: make demo-cluster   (or .venv/bin/python -m deploy.demo_cluster --participants 10)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench import workshop_load
from deploy.processes import llama_server, postgres_server, streamlit_server
from inference.shared_server import LOCAL_SERVER_ENV

REPLICAS = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10)
    parser.add_argument("--memory-runs", type=int, default=0)
    parser.add_argument("--max-tokens", type=int, default=32)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="crossover-cluster-"))  # kept: the logs are the evidence
    started: list[tuple[str, int]] = []
    with ExitStack() as stack:
        database = stack.enter_context(postgres_server("crossover"))
        started.append(("PostgreSQL postmaster", database.pid))
        inference = stack.enter_context(llama_server(folder))
        started.append((f"llama_cpp.server {inference.url}", inference.pid))
        replicas = []
        for number in range(1, REPLICAS + 1):
            env = {"DATABASE_URL": database.url, LOCAL_SERVER_ENV: inference.url, "CROSSOVER_LOG_RERUNS": "1",
                   "CROSSOVER_DATA_DIR": str(folder / f"data-{number}")}
            replica = stack.enter_context(streamlit_server(folder / f"replica-{number}.log", env))
            started.append((f"app replica {number} {replica.url}", replica.pid))
            replicas.append(replica)
        for name, pid in started:
            print(f"started {name} (pid {pid})")
        print(f"logs in {folder}")
        bench_args = ["--participants", str(args.participants), "--max-tokens", str(args.max_tokens),
                      "--memory-runs", str(args.memory_runs), "--json", str(folder / "figures.json")]
        for replica in replicas:
            bench_args += ["--url", replica.url, "--pid", str(replica.pid), "--log", str(replica.log_path)]
        status = workshop_load.main(bench_args)
    for name, pid in reversed(started):
        print(f"stopped {name} (pid {pid})")
    return status


if __name__ == "__main__":
    sys.exit(main())
