"""An LLM endpoint that hangs, answers 500s or answers garbage: a bounded number of retries,
then a recorded failure of that call (an `LLMError`, and a failed subtask with the reason when
a worker's brain asked), never a hung episode. The endpoint is a real local HTTP server that
misbehaves on purpose; the client is `agents.llm`'s public API."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import BaseModel

from agents.llm import LLMClient, LLMError, LLMSettings


class Answer(BaseModel):
    text: str


def completion(content: str) -> bytes:
    return json.dumps({
        "id": "c1", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}).encode()


class Endpoint(BaseHTTPRequestHandler):
    mode = "ok"
    hits = 0

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).hits += 1
        if self.mode == "hang":
            time.sleep(30.0)  # far past the client's timeout
        if self.mode == "500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "boom"}}')
            return
        body = {"garbage": completion("this is not JSON {"), "ok": completion('{"text": "hi"}'),
                "hang": completion('{"text": "late"}')}[self.mode]
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except BrokenPipeError:
            pass  # the client gave up waiting (the hang case): as it should

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[tuple[str, type[Endpoint]]]:
    handler = type("Handler", (Endpoint,), {"hits": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", handler
    server.shutdown()


@pytest.mark.parametrize(("mode", "calls", "message"), [
    ("hang", 2, "the LLM endpoint failed 2 times"),
    ("500", 2, "the LLM endpoint failed 2 times"),
    ("garbage", 2, "the LLM's answer is not a valid Answer"),
])
def test_a_bad_endpoint_fails_the_call_after_bounded_retries(
        endpoint: tuple[str, type[Endpoint]], mode: str, calls: int, message: str,
        tmp_path: Any) -> None:
    url, handler = endpoint
    handler.mode = mode
    client = LLMClient(LLMSettings(base_url=url, model="m", timeout_s=0.5, max_retries=1,
                                   cache=tmp_path / "cache.jsonl"))
    t0 = time.monotonic()
    with pytest.raises(LLMError) as info:
        client.ask("system", "question", Answer)
    took = time.monotonic() - t0
    print(f"\nFAULT LLM {mode}: failed after {handler.hits} requests in {took:.1f} s: "
          f"{str(info.value)[:80]}")
    assert str(info.value).startswith(message)
    assert handler.hits == calls
    assert took < 20.0  # bounded (a hang is 30 s a request): never a hung episode
    assert not (tmp_path / "cache.jsonl").exists()  # a failure is never cached as an answer
    handler.mode = "ok"
    assert client.ask("system", "question", Answer).text == "hi"  # the next call works


def test_a_worker_whose_llm_fails_reports_the_subtask_failed_with_the_reason(
        endpoint: tuple[str, type[Endpoint]]) -> None:
    from agents.llm_brain import LLMBrain
    from env.backend import Observation
    from planner.subtask import Subtask

    url, handler = endpoint
    handler.mode = "500"
    brain = LLMBrain(LLMClient(LLMSettings(base_url=url, model="m", timeout_s=0.5,
                                           max_retries=1, cache=None)))
    steps = brain.act(Subtask(id="craft:bread", kind="craft", target="bread"), 0, [], "a1",
                      Observation(agent="a1", pos=(0.5, -60.0, 0.5), inventory={}), None, 1)
    with pytest.raises(StopIteration) as end:
        next(steps)
    ok, reason = end.value.value
    assert ok is False and reason.startswith("the LLM gave no usable answer: the LLM endpoint "
                                             "failed 2 times")
