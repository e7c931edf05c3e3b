"""The LLM brain: the same calls as the offline brain, answered by an OpenAI-compatible model.

- `prior`: the model is shown the subtasks (the same decomposition every brain works on, so
  that planner comparisons stay fair) and names the dependencies it believes in.
- `ask`: free text in, text out, for the LLM edge judge (`ate-llm`) and the LLM scheduler.
- `act`: step by step, the model picks the next action from the tool list, seeing the subtask,
  what the agent holds and where it is, and the Judger's answer to its last action. Its
  answer is parsed into an action model (`env.actions`) or refused; nothing it writes runs.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.brain import Acting
from agents.llm import LLMClient, LLMError
from agents.messages import ActionResult
from env.actions import parse_action, tool_list
from env.backend import Observation
from env.world import Pos
from planner.graph import graph_from_prior
from planner.prompts import EdgeAnswer, describe_subtask
from planner.subtask import Plan, Subtask

MAX_STEPS = 60
SYSTEM = ("You control one player in Minecraft 1.19.2, working with others on a shared task. "
          "Answer only with JSON.")


class PriorAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    edges: list[EdgeAnswer] = Field(default_factory=list)


class StepAnswer(BaseModel):
    """Either the next action, or the end of the subtask (done, with ok and a reason)."""

    model_config = ConfigDict(extra="ignore")
    action: dict[str, Any] | None = None
    done: bool = False
    ok: bool = True
    reason: str | None = None


class TextAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str


def prior_prompt(plan: Plan) -> str:
    lines = [f"- {s.id}: {describe_subtask(s)}" for s in plan.subtasks]
    return ("These are the subtasks of a Minecraft task:\n" + "\n".join(lines) +
            "\n\nWhich subtasks must finish before which others can start? Answer "
            '{"edges": [{"before": id, "after": id, "confidence": 0..1}, ...]}, using the ids.')


def step_prompt(st: Subtask, role: int, partners: list[str], me: str, obs: Observation,
                hub: Pos | None, history: list[str]) -> str:
    job = json.dumps(st.model_dump(mode="json", exclude_defaults=True))
    inv = ", ".join(f"{n} {i}" for i, n in sorted(obs.inventory.items())) or "nothing"
    near = ", ".join(f"{e.type} at {tuple(round(v, 1) for v in e.pos)}"
                     for e in obs.entities[:12]) or "none"
    partner_text = f" together with {', '.join(partners)} (your role: {role})" if partners else ""
    return (
        f"You are {me}. Your subtask{partner_text}: {job}\n"
        f"The shared chest (hub) is at {list(hub) if hub else 'none'}: take inputs from it and "
        "put what you make into it, unless the subtask says keep.\n"
        f"You stand at {tuple(round(v, 1) for v in obs.pos)} and hold: {inv}.\n"
        f"Animals nearby: {near}.\n"
        "Actions (name(arguments): meaning):\n" + tool_list() + "\n"
        "So far:\n" + ("\n".join(history[-12:]) or "(nothing yet)") + "\n"
        'Answer {"action": {"name": ..., arguments...}} for the next action, or '
        '{"done": true, "ok": true|false, "reason": "..."} when the subtask is finished or '
        "cannot be finished.")


class LLMBrain:
    """The brain backed by an OpenAI-compatible endpoint (see `agents.llm`)."""

    name = "llm"

    def __init__(self, client: LLMClient) -> None:
        self.client = client

    @property
    def llm_calls(self) -> int:
        return self.client.calls

    @property
    def tokens(self) -> int:
        return self.client.tokens

    def ask(self, prompt: str) -> str:
        return self.client.ask(SYSTEM + ' Answer {"text": "..."} holding your answer.', prompt,
                               TextAnswer).text

    def prior(self, plan: Plan, true_graph: nx.DiGraph) -> nx.DiGraph:
        answer = self.client.ask(SYSTEM, prior_prompt(plan), PriorAnswer)
        graph, _problems = graph_from_prior(
            plan, [(e.before, e.after, e.confidence) for e in answer.edges])
        return graph

    def act(self, subtask: Subtask, role: int, partners: list[str], me: str,
            obs: Observation, hub: Pos | None, attempt: int,
            keep_out: frozenset[tuple[int, int]] = frozenset()) -> Acting:
        history: list[str] = []
        for _ in range(MAX_STEPS):
            prompt = step_prompt(subtask, role, partners, me, obs, hub, history)
            try:
                answer = self.client.ask(SYSTEM, prompt, StepAnswer)
            except LLMError as err:
                return False, f"the LLM gave no usable answer: {err}"
            if answer.done or answer.action is None:
                return answer.ok, answer.reason
            try:
                action = parse_action(answer.action)
            except ValidationError as err:
                first = err.errors()[0]
                history.append(f"- your answer {json.dumps(answer.action)} was not an action: "
                               f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
                continue
            result: ActionResult = yield action
            if result.observation is not None:
                obs = result.observation
            verdict = "ok" if result.ok else f"refused: {result.reason}"
            history.append(f"- {json.dumps(answer.action)} -> {verdict}")
        return False, f"no end after {MAX_STEPS} steps"
