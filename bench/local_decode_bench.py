"""Does the playground's local path decode as fast as llama-cpp-python called directly?

Same model file, prompt, threads and max tokens, one process, runs interleaved so
neither side gets a warmer machine. Prints the medians and their ratio (goal: within 10%).
Run: make bench  (or .venv/bin/python bench/local_decode_bench.py)
"""

from __future__ import annotations

import statistics
import time

from llama_cpp import Llama

from inference import (
    GenerationRequest,
    LocalGGUFBackend,
    bundled_model_path,
    default_threads,
    measure,
)

PROMPT = "Write a short paragraph about why teams compare cloud and local language models."
MAX_TOKENS = 96
RUNS = 7


def direct_decode_tokens_per_s(llm: Llama) -> float:
    """llama-cpp-python's own chat completion, streamed, timed the same way the playground is."""
    first = last = None
    text = []
    for chunk in llm.create_chat_completion(
        messages=[{"role": "user", "content": PROMPT}], max_tokens=MAX_TOKENS, temperature=0, stream=True
    ):
        piece = chunk["choices"][0]["delta"].get("content")
        if piece:
            now = time.perf_counter()
            first = first or now
            last = now
            text.append(piece)
    tokens = len(llm.tokenize("".join(text).encode(), add_bos=False, special=False))
    return (tokens - 1) / (last - first)


def main() -> None:
    threads = default_threads()
    direct = Llama(model_path=str(bundled_model_path()), n_ctx=2048, n_threads=threads, n_threads_batch=threads, verbose=False)
    playground = LocalGGUFBackend(n_ctx=2048, n_threads=threads)
    request = GenerationRequest(prompt=PROMPT, max_tokens=MAX_TOKENS, temperature=0)
    measure(playground, request)  # load once, as a running app has
    direct_decode_tokens_per_s(direct)
    direct_runs, playground_runs = [], []
    for _ in range(RUNS):
        direct_runs.append(direct_decode_tokens_per_s(direct))
        result = measure(playground, request)
        playground_runs.append(result.decode_tokens_per_s or 0.0)
    d, p = statistics.median(direct_runs), statistics.median(playground_runs)
    print(f"model: {bundled_model_path().name}, threads: {threads}, max tokens: {MAX_TOKENS}, runs: {RUNS}")
    print(f"llama-cpp-python directly : {d:7.1f} tokens/s (median)")
    print(f"playground local backend  : {p:7.1f} tokens/s (median)")
    print(f"ratio playground / direct : {p / d:7.3f}  (goal: 0.90 or more)")


if __name__ == "__main__":
    main()
