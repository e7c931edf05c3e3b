"""The LLM brain on scripted answers: prior edges, step-by-step actions, refusals fed back."""

import json
from pathlib import Path

import pytest
from test_llm_client import Script

from agents.brain import make_brain
from agents.llm import LLMClient, LLMError, LLMSettings
from agents.llm_brain import LLMBrain
from agents.messages import ActionResult
from env.actions import Put, Take
from env.backend import Observation
from env.rulebook import load_rulebook
from planner.subtask import Plan, Subtask


def brain(tmp_path: Path, answers: list[object]) -> tuple[LLMBrain, Script]:
    script = Script(answers)
    settings = LLMSettings(base_url="http://127.0.0.1:9/v1", model="m",
                           cache=tmp_path / "cache.jsonl")
    return LLMBrain(LLMClient(settings, transport=script)), script


PLAN = Plan(task="cooking/x", hub=(0, -60, 0), subtasks=[
    Subtask(id="milk", kind="milk", target="milk_bucket", count=3),
    Subtask(id="cake", kind="craft", target="cake", keep=True),
])


def test_prior_keeps_known_edges_and_drops_the_rest(tmp_path: Path) -> None:
    answer = {"edges": [{"before": "milk", "after": "cake"},
                        {"before": "eggs", "after": "cake"},
                        {"before": "cake", "after": "milk", "confidence": 0.1}]}
    b, script = brain(tmp_path, [json.dumps(answer)])
    graph = b.prior(PLAN, None)
    assert sorted(graph.edges) == [("milk", "cake")]
    assert "- milk: milk 3 milk_bucket" in script.seen[0][1]["content"]
    assert (b.llm_calls, b.tokens) == (1, 15)


def result(ok: bool, reason: str | None = None) -> ActionResult:
    obs = Observation(agent="a1", pos=(0.5, -60.0, 0.5), inventory={"egg": 1} if ok else {})
    return ActionResult(sender="judger", agent="a1", seq=1, ok=ok, reason=reason, start=0.0,
                        end=0.5, observation=obs)


def test_act_step_by_step_with_the_judgers_answers(tmp_path: Path) -> None:
    answers = [
        '{"action": {"name": "take", "pos": [0, -60, 0], "item": "egg", "count": 1}}',
        '{"action": {"name": "teleport", "to": "moon"}}',
        '{"action": {"name": "put", "pos": "[0, -60, 0]", "item": "Egg", "count": "1"}}',
        '{"done": true, "ok": false, "reason": "the hub is full"}',
    ]
    b, script = brain(tmp_path, answers)
    obs = Observation(agent="a1", pos=(0.5, -60.0, 0.5), inventory={})
    steps = b.act(PLAN.subtasks[1], 0, [], "a1", obs, (0, -60, 0), 1)
    first = next(steps)
    assert first == Take(pos=(0, -60, 0), item="egg", count=1)
    second = steps.send(result(True))
    assert second == Put(pos=(0, -60, 0), item="egg", count=1)
    with pytest.raises(StopIteration) as end:
        steps.send(result(False, "the chest at (0, -60, 0) is full"))
    assert end.value.value == (False, "the hub is full")
    last_prompt = script.seen[-1][1]["content"]
    assert "was not an action" in last_prompt
    assert "refused: the chest at (0, -60, 0) is full" in last_prompt
    assert "hold: 1 egg" not in last_prompt and "hold: nothing" in last_prompt


def test_llm_brain_needs_its_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAUSALCRAFT_LLM_URL", raising=False)
    with pytest.raises(LLMError, match="CAUSALCRAFT_LLM_URL"):
        make_brain("llm", load_rulebook(), 0.3, 0)
    with pytest.raises(ValueError, match="unknown brain 'gpt'"):
        make_brain("gpt", load_rulebook(), 0.3, 0)
