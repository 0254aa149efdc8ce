"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for tests of ``OpenAIGenerator``.

``StubServer(plan)``: ``plan(request_number, path, body) -> (status, json_body, delay_s)``. It records
every request (and its Authorization header) and the most requests in flight at once; ``stop()`` closes it
as a killed server would be closed: new connections are refused."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Plan = Callable[[int, str, dict], tuple[int, dict, float]]


def chat_reply(body: dict, text: str = "Answer: B", tokens: int = 3) -> dict:
    n = body.get("n", 1)
    choices = [{"index": i, "finish_reason": "stop", "message": {"role": "assistant", "content": f"{text} #{i}"},
                "logprobs": None} for i in range(n)]
    return {"id": "x", "object": "chat.completion", "created": 0, "model": body.get("model", "m"),
            "choices": choices, "usage": {"prompt_tokens": 11, "completion_tokens": tokens * n,
                                          "total_tokens": 11 + tokens * n}}


def models_reply(*names: str) -> dict:
    return {"object": "list", "data": [{"id": n, "object": "model", "created": 0, "owned_by": "x"} for n in names]}


def ok(request: int, path: str, body: dict) -> tuple[int, dict, float]:
    if path.endswith("/models"):
        return 200, models_reply("base", "ft"), 0.0
    return 200, chat_reply(body), 0.0


class StubServer:
    def __init__(self, plan: Plan = ok) -> None:
        self.plan = plan
        self.requests: list[tuple[str, dict]] = []
        self.keys: list[str | None] = []
        self.in_flight = 0
        self.stopped = False
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.httpd.shutdown()
            self.httpd.server_close()

    def _handle(self, path: str, body: dict, key: str | None = None) -> tuple[int, dict, float]:
        with self._lock:
            number = len(self.requests)
            self.requests.append((path, body))
            self.keys.append(key)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            status, reply, delay = self.plan(number, path, body)
            time.sleep(delay)
            return status, reply, delay
        finally:
            with self._lock:
                self.in_flight -= 1

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, body: dict[str, Any]) -> None:
                status, reply, _ = stub._handle(self.path, body, self.headers.get("Authorization"))
                data = json.dumps(reply).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def do_GET(self) -> None:  # noqa: N802
                self._serve({})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                self._serve(json.loads(self.rfile.read(length) or b"{}"))

            def log_message(self, *args: object) -> None:
                pass

        return Handler
