"""`run --processes` with an LLM brain: every participant process gets the episode's LLM
settings (a JSON file of them; the key only through its environment), calls the model on
its own, and the result's `llm` block holds the calls of every process."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from llm_fake_server import FakeOpenAI

from agents.settings import load_settings
from tasks.episode import EpisodeConfig
from tasks.participants import EpisodeProcesses

SECRET = "sk-processes-secret-5150"
GIVE_UP = '{"done": true, "ok": false, "reason": "I cannot do that"}'
"""An explicit, well-formed end of a subtask as a failure: each worker's first step ends its
subtask at once, so the episode is short. (As a prior it does not validate: re-asked.)"""


def test_worker_processes_call_the_model_with_the_episode_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with FakeOpenAI(default=GIVE_UP) as srv:
        settings = load_settings(base_url=srv.url, model="m", agent_budget_tokens=3000,
                                 max_tokens=64)
        cfg = EpisodeConfig(task="cooking/cake_0", agents=2, brain="llm", processes=True,
                            llm=settings.public(), timeout_s=120)
        episode = EpisodeProcesses(cfg, log_dir=tmp_path / "logs")
        result = asyncio.run(episode.run())
        sent = len(srv.requests)
        auth = {v for h in srv.headers for k, v in h.items() if k.lower() == "authorization"}
    assert result["processes"]["missing"] == []
    llm = result["llm"]
    assert (llm["model"], llm["base_url"]) == ("m", srv.url)
    assert llm["requests"] == sent > 0
    assert result["metrics"]["llm_calls"] == llm["calls"]
    # The planner process asked for the prior; each worker process for its steps.
    assert llm["by_purpose"]["prior"]["calls"] == 1
    workers = {a: b for a, b in llm["by_agent"].items() if a != "planner"}
    assert sorted(workers) == ["agent1", "agent2"]
    assert all(b["calls"] > 0 for b in workers.values())
    assert {c["purpose"] for c in llm["calls_log"] if c["agent"] != "planner"} == {"act"}
    assert result["run"]["llm_mode"] == "live"
    assert result["config"]["llm"]["agent_budget_tokens"] == 3000
    # Every request carried the key; no command line, log, settings file or result holds it.
    assert auth == {f"Bearer {SECRET}"}
    files = [p.read_text() for p in (tmp_path / "logs").iterdir()]
    assert json.loads((tmp_path / "logs" / "llm.json").read_text())["model"] == "m"
    for text in [*files, json.dumps(result),
                 *(" ".join(c.argv) for c in episode.owner.children.values())]:
        assert SECRET not in text
