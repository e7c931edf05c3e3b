"""A local HTTP server speaking the OpenAI chat-completions protocol from a script of
recorded answers, for the LLM unit tests (a fake: only inside tests).

Each scripted answer is one of:
- a str: a 200 chat completion whose message content is that text;
- {"status": 429, "body": {...}}: that HTTP status with a JSON error body;
- {"sleep": seconds, then: answer}: wait, then answer (a hang when longer than the timeout);
- {"garbage": "text"}: a 200 whose body is not JSON.
When the script is empty, `default` answers (or a 500).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    def __init__(self, answers: list[Any] | None = None, default: Any = None) -> None:
        self.answers = list(answers or [])
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.requests.append({"path": self.path, **body})
                    fake.headers.append(dict(self.headers))
                    answer = fake.answers.pop(0) if fake.answers else fake.default
                fake.respond(self, answer, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def respond(self, h: BaseHTTPRequestHandler, answer: Any, body: dict[str, Any]) -> None:
        if isinstance(answer, dict) and "sleep" in answer:
            time.sleep(answer["sleep"])
            answer = answer.get("then")
        finish = "stop"
        if isinstance(answer, dict) and "cut" in answer:  # stopped at max_tokens
            answer, finish = answer["cut"], "length"
        try:
            if answer is None:
                self._send(h, 500, {"error": {"message": "no scripted answer"}})
            elif isinstance(answer, str):
                n = len(answer.split())
                self._send(h, 200, {
                    "id": "c1", "object": "chat.completion", "created": 0,
                    "model": body.get("model", "m"),
                    "choices": [{"index": 0, "finish_reason": finish,
                                 "message": {"role": "assistant", "content": answer}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": n,
                              "total_tokens": 10 + n}})
            elif "garbage" in answer:
                data = answer["garbage"].encode()
                h.send_response(200)
                h.send_header("content-type", "application/json")
                h.send_header("content-length", str(len(data)))
                h.end_headers()
                h.wfile.write(data)
            else:
                self._send(h, answer["status"], answer.get("body", {"error": {"message": "x"}}))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): what a real server sees too

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("content-type", "application/json")
        h.send_header("content-length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
