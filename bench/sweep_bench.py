"""The sweep's own figures checked against the engine: time per output token at concurrency 1
against llama.cpp's server, and llama-cpp-python called directly on the same model; and the
throughput batching gives.

1. TPOT ratio: the sweep (``crossover sweep``'s code, against llama.cpp's ``llama-server`` when
   installed, else ``python -m llama_cpp.server``) at concurrency 1 vs llama-cpp-python streaming
   in this process, same model, threads, prompt length and output length; runs interleaved so
   neither side gets a quieter machine. Goal: within 10%.
2. Batching: output tokens/s at concurrency 4 over concurrency 1 on ``llama-server --parallel 4``
   (medians of alternating steps), and on the serial server.

Run: .venv/bin/python bench/sweep_bench.py   (part of ``make bench``)
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from llama_cpp import Llama

from calculators.sweep import SweepTargets, summarise_step, tpot_s
from inference import bundled_model_path
from inference.sweep import SweepPlan, probe_server, run_sweep
from tests.peers import batching_llama_server, llama_cpp_server_binary, serial_llama_server

THREADS = 2
INPUT_TOKENS, OUTPUT_TOKENS = 64, 64
ROUNDS = 5


def direct_tpot_s(llm: Llama, prompt: str) -> float:
    """vLLM's TPOT of one streamed chat completion from llama-cpp-python in this process."""
    times: list[float] = []
    for chunk in llm.create_chat_completion(messages=[{"role": "user", "content": prompt}], max_tokens=OUTPUT_TOKENS,
                                            temperature=0, stream=True):
        if chunk["choices"][0]["delta"].get("content"):
            times.append(time.perf_counter())
    # llama-cpp-python streams one token a chunk, so the chunks count the tokens; (last - first) / (n - 1)
    # is vLLM's TPOT with TTFT excluded.
    return (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else float("nan")


def sweep_tpot_s(url: str) -> tuple[float, str]:
    plan = SweepPlan(url, input_tokens=INPUT_TOKENS, output_tokens=OUTPUT_TOKENS, max_concurrency=1, requests_per_step=1)
    info, prompts = probe_server(plan)
    (step,) = run_sweep(plan, info, prompts)
    return tpot_s(step.records[0]), prompts[0]


def batching_ratio(url: str) -> float:
    plan = SweepPlan(url, input_tokens=32, output_tokens=32, max_concurrency=4, requests_per_step=8, concurrencies=(1, 4, 1, 4))
    info, prompts = probe_server(plan)
    rates: dict[int, list[float]] = {1: [], 4: []}
    for step in run_sweep(plan, info, prompts):
        rates[step.concurrency].append(summarise_step(step.concurrency, step.records, step.duration_s, SweepTargets()).output_tokens_per_s)
    return statistics.median(rates[4]) / statistics.median(rates[1])


def main() -> None:
    logs = Path(tempfile.mkdtemp())
    batching = llama_cpp_server_binary() is not None
    server = batching_llama_server(logs, parallel=1, threads=THREADS) if batching else serial_llama_server(logs, threads=THREADS)
    llm = Llama(model_path=str(bundled_model_path()), n_ctx=2048, n_threads=THREADS, verbose=False)
    swept, direct = [], []
    with server as url:
        for _ in range(ROUNDS):
            tpot, prompt = sweep_tpot_s(url)
            swept.append(tpot)
            direct.append(direct_tpot_s(llm, prompt))
    name = "llama-server" if batching else "llama_cpp.server"
    s, d = statistics.median(swept) * 1000, statistics.median(direct) * 1000
    print(f"TPOT at concurrency 1: sweep against {name} {s:.1f} ms, llama-cpp-python directly {d:.1f} ms, ratio {s / d:.2f} (goal 0.90-1.10)")
    if batching:
        with batching_llama_server(logs, parallel=4, threads=THREADS) as url:
            print(f"llama-server --parallel 4: output tokens/s at concurrency 4 / concurrency 1 = {batching_ratio(url):.2f}")
    with serial_llama_server(logs, threads=THREADS) as url:
        print(f"llama_cpp.server (serial): output tokens/s at concurrency 4 / concurrency 1 = {batching_ratio(url):.2f}")


if __name__ == "__main__":
    main()
