"""The LLM client against a local HTTP server speaking the OpenAI protocol (recorded answers):
retries, re-asks, budgets, rate limit, timeouts, garbage, record/replay, the key."""

import json
import re
import threading
import time
from pathlib import Path

import pytest
from llm_fake_server import FakeOpenAI
from pydantic import BaseModel

from agents.llm import (
    LLMAnswerError,
    LLMBudgetError,
    LLMClient,
    LLMEndpointError,
    LLMHTTPError,
    LLMReplayMiss,
    bounded_strings,
    cache_header,
    stats_of,
    unusable_model,
)
from agents.settings import LLMSettings, SettingsError, load_settings


class Edges(BaseModel):
    edges: list[tuple[str, str]]


GOOD = '{"edges": [["a", "b"]]}'  # 3 words: the fake counts 10 + 3 tokens


def client(url: str, tmp_path: Path | None = None, mode: str = "live", **kw: object
           ) -> LLMClient:
    cache = tmp_path / "c.jsonl" if tmp_path is not None else None
    return LLMClient(LLMSettings(base_url=url, model="m", mode=mode, cache=cache,
                                 backoff_s=0.01, **kw))


def test_record_then_replay_with_the_server_stopped(tmp_path: Path) -> None:
    with FakeOpenAI([GOOD]) as srv:
        rec = client(srv.url, tmp_path, "record")
        assert rec.ask_json("sys", "q", Edges).edges == [("a", "b")]
        url = srv.url
    assert (rec.calls, rec.tokens) == (1, 13)
    assert cache_header(tmp_path / "c.jsonl") == {"model": "m", "base_url": url,
                                                  "mode": "record"}
    replay = client(url, tmp_path, "replay")
    assert replay.ask_json("sys", "q", Edges).edges == [("a", "b")]
    # The replay reports the recorded figures, not zeros.
    assert (replay.calls, replay.tokens, replay.cache_hits) == (1, 13, 1)
    assert replay.stats()["seconds"] == rec.stats()["seconds"]
    with pytest.raises(LLMReplayMiss, match="no recorded answer for this ask request"):
        replay.ask_json("sys", "another question", Edges)


def test_live_mode_neither_reads_nor_writes_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "c.jsonl"
    with FakeOpenAI([GOOD]) as srv:
        client(srv.url, tmp_path, "record", max_retries=0).ask_json("sys", "q", Edges)
        before = cache.read_text()
        live = LLMClient(LLMSettings(base_url=srv.url, model="m", mode="live", cache=cache))
        srv.answers = ['{"edges": []}']
        assert live.ask_json("sys", "q", Edges).edges == []  # asked again, not from the cache
        assert len(srv.requests) == 2
    assert cache.read_text() == before


def test_request_carries_max_tokens_schema_and_seed(tmp_path: Path) -> None:
    with FakeOpenAI([GOOD]) as srv:
        client(srv.url, max_tokens=77, seed=5).ask_json("sys", "q", Edges)
    req = srv.requests[0]
    assert req["path"] == "/v1/chat/completions"
    assert req["max_tokens"] == 77 and req["seed"] == 5
    assert req["response_format"] == {"type": "json_object",
                                      "schema": bounded_strings(Edges.model_json_schema())}


def test_free_strings_are_sent_bounded_to_one_line() -> None:
    # llama.cpp's schema grammar lets a string run on (line breaks and all) until max_tokens
    # cuts the answer: the client bounds every free string; ids, constants and enums keep
    # their own constraint.
    one_line = '^[^"\\\\\\x00-\\x1f]{0,%d}$'
    schema = {"type": "object", "properties": {
        "item": {"type": "string"},
        "reason": {"type": "string", "maxLength": 200},
        "name": {"const": "craft", "type": "string"},
        "facing": {"enum": ["north", "south"], "type": "string"},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": "x"},
        "pos": {"type": "array", "items": {"type": "integer"}}},
        "$defs": {"Id": {"type": "string", "pattern": "^[a-z_]+$"}}}
    sent = bounded_strings(schema)
    props = sent["properties"]
    assert props["item"] == {"type": "string", "pattern": one_line % 80}
    assert props["reason"]["pattern"] == one_line % 200
    assert props["name"] == {"const": "craft", "type": "string"}
    assert props["facing"] == {"enum": ["north", "south"], "type": "string"}
    assert props["note"]["anyOf"][0]["pattern"] == one_line % 80
    assert props["note"]["default"] == "x"
    assert props["pos"] == {"type": "array", "items": {"type": "integer"}}
    assert sent["$defs"] == {"Id": {"type": "string", "pattern": "^[a-z_]+$"}}
    assert "pattern" not in schema["properties"]["item"]  # the input is left as it was
    line = re.compile(props["item"]["pattern"])
    assert [bool(line.match(t)) for t in ("cake", "", "a" * 80, "a" * 81, "two\nlines",
                                          'say "x"', "back\\slash")] == [
        True, True, True, False, False, False, False]


def test_429_and_500_are_retried_with_backoff(tmp_path: Path) -> None:
    with FakeOpenAI([{"status": 429}, {"status": 500}, GOOD]) as srv:
        c = client(srv.url, max_retries=2)
        assert c.ask_json("sys", "q", Edges).edges == [("a", "b")]
    assert len(srv.requests) == 3
    s = c.stats()
    assert (s["calls"], s["requests"], s["retries"], s["failed"]) == (1, 3, 2, 0)


def test_persistent_500_fails_naming_url_and_model() -> None:
    with FakeOpenAI(default={"status": 500}) as srv:
        c = client(srv.url, max_retries=2)
        with pytest.raises(LLMHTTPError) as err:
            c.ask_json("sys", "q", Edges)
    assert str(err.value) == f"{srv.url} (model m): HTTP 500 (after 3 tries)"
    assert len(srv.requests) == 3
    assert c.stats()["failed"] == 1 and c.records[0].error == str(err.value)
    assert (c.records[0].requests, c.records[0].retries) == (3, 2)


@pytest.mark.parametrize("status, hint", [
    (400, "context too long"), (401, "OPENAI_API_KEY"), (404, "end in /v1")])
def test_client_errors_are_not_retried_and_say_why(status: int, hint: str) -> None:
    with FakeOpenAI(default={"status": status}) as srv:
        with pytest.raises(LLMHTTPError, match=hint) as err:
            client(srv.url, max_retries=3).ask_json("sys", "q", Edges)
    assert len(srv.requests) == 1
    assert f"{srv.url} (model m): HTTP {status}" in str(err.value)


def test_a_hung_endpoint_fails_within_its_bounds() -> None:
    with FakeOpenAI(default={"sleep": 30.0, "then": GOOD}) as srv:
        c = client(srv.url, timeout_s=0.3, max_retries=1)
        t0 = time.perf_counter()
        with pytest.raises(LLMHTTPError, match="no answer within 0.3 s"):
            c.ask_json("sys", "q", Edges)
        took = time.perf_counter() - t0
    # 2 tries of 0.3 s and a 0.01 s backoff (slack for a loaded machine), not the 60 s the
    # two hung answers would take, nor the 317 s of unbounded retries.
    assert took < 15
    assert len(srv.requests) == 2


def test_garbage_bodies_are_retried_then_fail() -> None:
    with FakeOpenAI([{"garbage": "<html>oops"}, GOOD]) as srv:
        assert client(srv.url, max_retries=1).ask_json("sys", "q", Edges).edges == [("a", "b")]
    with FakeOpenAI(default={"garbage": "not json at all"}) as srv:
        with pytest.raises(LLMHTTPError, match="not an OpenAI chat completion"):
            client(srv.url, max_retries=1).ask_json("sys", "q", Edges)


def test_invalid_answers_are_reasked_with_the_error() -> None:
    with FakeOpenAI(['{"edges": "none"}', "no json", GOOD]) as srv:
        c = client(srv.url, reasks=2)
        assert c.ask_json("sys", "q", Edges).edges == [("a", "b")]
    second = srv.requests[1]["messages"]
    assert second[-2] == {"role": "assistant", "content": '{"edges": "none"}'}
    assert second[-1]["content"].startswith("That answer is invalid: edges: Input should be")
    assert "not JSON" in srv.requests[2]["messages"][-1]["content"]
    r = c.records[0]
    assert (r.ok, r.reasks, r.parse_failures, r.requests) == (True, 2, 2, 3)


def test_reasks_are_bounded_then_the_call_is_recorded_as_failed(tmp_path: Path) -> None:
    with FakeOpenAI(default='{"foo": 1}') as srv:
        c = client(srv.url, tmp_path, "record", reasks=1)
        with pytest.raises(LLMAnswerError, match="no valid ask answer after 1 re-asks: "
                                                  "edges: Field required") as err:
            c.ask_json("sys", "q", Edges)
    assert len(srv.requests) == 2 and err.value.answer == '{"foo": 1}'
    lines = [json.loads(x) for x in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert lines[-1]["ok"] is False and lines[-1]["parse_failures"] == 2
    # The replay fails the same way, offline.
    with pytest.raises(LLMAnswerError, match="edges: Field required"):
        client("http://127.0.0.1:9/v1", tmp_path, "replay", reasks=1).ask_json("sys", "q",
                                                                      Edges)


def test_budgets_stop_further_calls() -> None:
    with FakeOpenAI(default=GOOD) as srv:
        c = client(srv.url, budget_tokens=20)
        c.ask_json("sys", "q1", Edges)
        c.ask_json("sys", "q2", Edges)  # 13 < 20 when it starts
        with pytest.raises(LLMBudgetError, match="budget of 20 tokens is spent \\(26 used\\)"):
            c.ask_json("sys", "q3", Edges)
        a = client(srv.url, agent_budget_tokens=10)
        a.ask_json("sys", "q", Edges, agent="agent1")
        with pytest.raises(LLMBudgetError, match="agent1's LLM budget of 10 tokens"):
            a.ask_json("sys", "q", Edges, agent="agent1")
        a.ask_json("sys", "q", Edges, agent="agent2")  # another participant's budget
    assert len(srv.requests) == 4


def test_reasks_stop_when_the_budget_is_spent() -> None:
    # '{"foo": 1}' is 2 words: the fake counts 10 + 2 tokens a round. With 20 tokens, the
    # first re-ask (12 used) is sent, the second (24 used) is not, whatever --reasks allows.
    with FakeOpenAI(default='{"foo": 1}') as srv:
        c = client(srv.url, budget_tokens=20, reasks=3)
        with pytest.raises(LLMBudgetError, match="no valid ask answer; the episode's LLM "
                                                 "budget of 20 tokens is spent \\(24 used\\)"):
            c.ask_json("sys", "q", Edges)
        a = client(srv.url, agent_budget_tokens=12, reasks=3)
        with pytest.raises(LLMBudgetError, match="agent1's LLM budget of 12 tokens is spent "
                                                 "\\(12 used\\)"):
            a.ask_json("sys", "q", Edges, agent="agent1")
    assert len(srv.requests) == 3
    r = c.records[0]
    assert (r.ok, r.requests, r.reasks, r.parse_failures, r.tokens) == (False, 2, 1, 2, 24)
    assert (a.records[0].requests, a.records[0].tokens) == (1, 12)


def test_rate_limit_spaces_calls() -> None:
    with FakeOpenAI(default=GOOD) as srv:
        c = client(srv.url, rate=10.0)
        t0 = time.perf_counter()
        for i in range(4):
            c.ask_json("sys", f"q{i}", Edges)
        assert time.perf_counter() - t0 >= 0.29


def test_calls_from_threads_overlap() -> None:
    """Three participants waiting on a slow model take about as long as one."""
    with FakeOpenAI(default={"sleep": 1.0, "then": GOOD}) as srv:
        c = client(srv.url)
        threads = [threading.Thread(target=c.ask_json, args=("sys", f"q{i}", Edges))
                   for i in range(3)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - t0
    assert c.calls == 3 and took < 2.2  # one after another: 3 s


def test_the_key_is_sent_but_never_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-123")
    with FakeOpenAI([GOOD]) as srv:
        s = load_settings(base_url=srv.url, model="m", mode="record", cache=tmp_path / "c.jsonl")
        c = LLMClient(s)
        c.ask_json("sys", "q", Edges)
    sent = {k.lower(): v for k, v in srv.headers[0].items()}
    assert sent["authorization"] == "Bearer sk-test-secret-123"
    assert "sk-test" not in (tmp_path / "c.jsonl").read_text()
    assert "sk-test" not in json.dumps(c.stats()) + json.dumps(s.public()) + repr(s)


def test_settings_fail_at_start_with_one_line(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(SettingsError, match="^LLM setting base_url: 'localhost:8080' is not "
                                            "an http\\(s\\) URL$"):
        load_settings(base_url="localhost:8080", model="m")
    with pytest.raises(SettingsError, match="LLM setting max_tokens: Input should be greater"):
        load_settings(base_url="http://x/v1", model="m", max_tokens=0)
    with pytest.raises(SettingsError, match="replay cache .* does not exist"):
        load_settings(mode="replay", cache=tmp_path / "none.jsonl")
    cfg = tmp_path / "llm.json"
    cfg.write_text('{"api_key": "sk-x"}')
    with pytest.raises(SettingsError, match="the key is read from OPENAI_API_KEY only"):
        load_settings(cfg)
    # Precedence: flags over the file over the environment.
    monkeypatch.setenv("CAUSALCRAFT_LLM_MODEL", "from-env")
    monkeypatch.setenv("CAUSALCRAFT_LLM_MAX_TOKENS", "99")
    cfg.write_text('{"model": "from-file", "timeout_s": 5}')
    s = load_settings(cfg, base_url="http://x/v1", timeout_s=7)
    assert (s.model, s.max_tokens, s.timeout_s) == ("from-file", 99, 7)


def test_an_answer_cut_at_max_tokens_says_so() -> None:
    # the server stopped at max_tokens (finish_reason "length"): the JSON is cut short, and
    # the re-ask and the error say which setting to raise
    with FakeOpenAI([{"cut": '{"edges": [["a", "b"'}, {"cut": '{"edges": [['}]) as srv:
        c = client(srv.url, reasks=1, max_tokens=64)
        with pytest.raises(LLMAnswerError, match=r"no valid edges answer after 1 re-asks: the "
                                                  r"answer was cut at --max-tokens 64 \(raise "
                                                  r"it\): not JSON"):
            c.ask_json("sys", "q", Edges, purpose="edges")
    assert "cut at --max-tokens 64" in srv.requests[1]["messages"][-1]["content"]


def test_an_endpoint_with_no_usable_answer_to_its_first_questions_is_unusable(
        tmp_path: Path) -> None:
    # UNUSABLE_AFTER (3) questions in a row fail before any was answered: the third says
    # the endpoint is unusable, as a 404 does; the record of it replays the same way.
    with FakeOpenAI(default="not json at all") as srv:
        c = client(srv.url, tmp_path, mode="record", reasks=0)
        for q in ("q1", "q2"):
            with pytest.raises(LLMAnswerError) as err:
                c.ask_json("sys", q, Edges)
            assert not isinstance(err.value, LLMEndpointError)
        with pytest.raises(LLMEndpointError) as err:
            c.ask_json("sys", "q3", Edges)
    assert str(err.value).startswith(f"{srv.url} (model m): no usable answer to the first 3 "
                                     f"questions (the last: {srv.url} (model m): no valid ask "
                                     "answer after 0 re-asks: ")
    replay = client("http://127.0.0.1:9/v1", tmp_path, mode="replay", reasks=0)
    for q in ("q1", "q2"):
        with pytest.raises(LLMAnswerError):
            replay.ask_json("sys", q, Edges)
    with pytest.raises(LLMEndpointError, match="no usable answer to the first 3 questions"):
        replay.ask_json("sys", "q3", Edges)


def test_a_hung_endpoint_is_unusable_after_its_first_questions() -> None:
    with FakeOpenAI(default={"sleep": 30.0, "then": GOOD}) as srv:
        c = client(srv.url, timeout_s=0.2, max_retries=0)
        for q in ("q1", "q2"):
            with pytest.raises(LLMHTTPError, match="no answer within 0.2 s") as err:
                c.ask_json("sys", q, Edges)
            assert not isinstance(err.value, LLMEndpointError)
        with pytest.raises(LLMEndpointError, match="no usable answer to the first 3 questions "
                                                   r"\(the last: .*no answer within 0.2 s"):
            c.ask_json("sys", "q", Edges)


def test_an_endpoint_that_answered_once_is_never_taken_as_unusable() -> None:
    with FakeOpenAI([GOOD], default="not json at all") as srv:
        c = client(srv.url, reasks=0)
        assert c.ask_json("sys", "q", Edges).edges == [("a", "b")]
        for _ in range(5):
            with pytest.raises(LLMAnswerError) as err:
                c.ask_json("sys", "q", Edges)
            assert not isinstance(err.value, LLMEndpointError)


def test_unusable_model_names_an_llm_block_whose_every_call_failed() -> None:
    calls = [{"agent": "planner", "purpose": "prior", "ok": False, "requests": 1,
              "retries": 0, "reasks": 0, "parse_failures": 1, "prompt_tokens": 10,
              "completion_tokens": 2, "seconds": 0.1, "error": "u (model m): first"},
             {"agent": "a1", "purpose": "act", "ok": False, "requests": 1, "retries": 0,
              "reasks": 0, "parse_failures": 0, "prompt_tokens": 0, "completion_tokens": 0,
              "seconds": 0.2, "error": "u (model m): no answer within 1 s"}]
    assert unusable_model(stats_of(calls, "m", "http://h/v1")) == (
        "the model at http://h/v1 (model m) gave no usable answer to any of its 2 questions; "
        "the last: u (model m): no answer within 1 s")
    answered = [*calls, {**calls[0], "ok": True, "error": None}]
    assert unusable_model(stats_of(answered, "m", "http://h/v1")) is None
    assert unusable_model(stats_of([], "m", "http://h/v1")) is None
    assert unusable_model(None) is None


def test_a_raw_line_break_inside_a_string_is_read_as_a_small_model_writes_it() -> None:
    # llama.cpp's JSON grammar lets a model put a raw line break inside a string; Python's
    # strict parser refuses it ("Invalid control character"), the answer is still meant.
    answer = '{"edges": [["a", "b"]], "why": "a comes\n\tfirst"}'
    with FakeOpenAI([answer]) as srv:
        assert client(srv.url, reasks=0).ask_json("sys", "q", Edges).edges == [("a", "b")]
    with FakeOpenAI(["edges: a then b"]) as srv:
        with pytest.raises(LLMAnswerError, match="not JSON"):
            client(srv.url, reasks=0).ask_json("sys", "q", Edges)
