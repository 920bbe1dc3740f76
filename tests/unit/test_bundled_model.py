"""The install brings a real local model that llama-cpp-python can load and run."""

from llama_cpp import Llama

from inference import bundled_model_path
from tests.peers import MODEL_THREADS


def test_bundled_model_is_installed_and_answers():
    path = bundled_model_path()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000
    model = Llama(model_path=str(path), n_ctx=256, n_threads=MODEL_THREADS, verbose=False)
    reply = model.create_chat_completion(
        messages=[{"role": "user", "content": "Say hello."}], max_tokens=8, temperature=0
    )
    assert reply["usage"]["completion_tokens"] > 0
    assert reply["choices"][0]["message"]["content"].strip()
