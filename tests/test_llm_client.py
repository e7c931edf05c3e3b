"""The LLM client: structured answers, repair, retries, record/replay (scripted transport)."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from agents.llm import LLMClient, LLMError, LLMSettings


class Edges(BaseModel):
    edges: list[tuple[str, str]]


class Script:
    """Answers chat calls from a list; an exception in the list is raised instead."""

    def __init__(self, answers: list[object]) -> None:
        self.answers = list(answers)
        self.seen: list[list[dict[str, str]]] = []
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self.create))

    def create(self, model: str, messages: list[dict[str, str]], **kw: object) -> object:
        self.seen.append(messages)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        usage = SimpleNamespace(prompt_tokens=10, completion_tokens=5)
        return SimpleNamespace(usage=usage, choices=[SimpleNamespace(
            message=SimpleNamespace(content=answer))])


def settings(tmp_path: Path, mode: str = "record") -> LLMSettings:
    return LLMSettings(base_url="http://127.0.0.1:9/v1", model="m", cache=tmp_path / "c.jsonl",
                       mode=mode, max_retries=2)


def test_record_then_replay_without_the_endpoint(tmp_path: Path) -> None:
    script = Script(['{"edges": [["a", "b"]]}'])
    client = LLMClient(settings(tmp_path), transport=script)
    assert client.ask("sys", "q", Edges).edges == [("a", "b")]
    assert (client.calls, client.tokens) == (1, 15)
    replay = LLMClient(settings(tmp_path, "replay"), transport=Script([]))
    assert replay.ask("sys", "q", Edges).edges == [("a", "b")]
    assert (replay.calls, replay.cache_hits) == (0, 1)
    with pytest.raises(LLMError, match="replay: no recorded answer for this Edges request"):
        replay.ask("sys", "another question", Edges)


def test_invalid_answer_gets_one_repair_round(tmp_path: Path) -> None:
    script = Script(['{"edges": "none"}', '{"edges": []}'])
    client = LLMClient(settings(tmp_path), transport=script)
    assert client.ask("sys", "q", Edges).edges == []
    assert client.calls == 2
    assert "That answer is invalid" in script.seen[1][-1]["content"]
    bad = LLMClient(settings(tmp_path / "x"), transport=Script(["no json", "still none"]))
    with pytest.raises(LLMError, match="not a valid Edges"):
        bad.ask("sys", "q", Edges)


def test_retries_connection_errors_then_gives_up(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("agents.llm.time.sleep", lambda s: None)
    err = ConnectionError("connection refused")
    ok = LLMClient(settings(tmp_path), transport=Script([err, err, '{"edges": []}']))
    assert ok.ask("sys", "q", Edges).edges == []
    down = LLMClient(settings(tmp_path / "y"), transport=Script([err, err, err]))
    with pytest.raises(LLMError, match="failed 3 times"):
        down.ask("sys", "q", Edges)


def test_settings_from_env_name_what_is_missing(monkeypatch) -> None:
    monkeypatch.delenv("CAUSALCRAFT_LLM_URL", raising=False)
    with pytest.raises(LLMError, match="CAUSALCRAFT_LLM_URL"):
        LLMSettings.from_env()
