"""What the planner asks an LLM brain, and how its answers are read.

Three calls, each a prompt builder, a pydantic schema for the answer and a parser that turns
the model's text into the planner's structures or raises `PromptError` naming what is wrong:

- decomposition (`decompose_prompt`, `DecompositionAnswer`, `parse_decomposition`): the
  subtasks and the prior edges, the LLM brain's version of `planner.decompose.decompose`;
- the causal judge (`judge_prompt`, `JudgeAnswer`, `parse_judge_answer`): per edge, the
  probability that v needs u as the rules stand and with each listed rule removed;
- assignment (`assign_prompt`, `AssignAnswer`, `parse_assignment`): which ready subtask a
  free agent takes (the `llm` scheduler).

Answers are data: JSON (optionally inside a ```json fence or surrounded by prose) parsed by
pydantic; nothing in them is executed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from env.rulebook import Rule, Rulebook
from env.world import Pos
from planner.subtask import Plan, Subtask, sites_before, station_before

if TYPE_CHECKING:  # the planner reads task specs; it does not import the tasks package
    from tasks.spec import TaskSpec


class PromptError(ValueError):
    """An LLM answer that cannot be used: says which field or which part is wrong."""


def extract_json(text: str) -> object:
    """The JSON value in a model's answer: the whole text, a ```json fence, or the first
    {...} span. Raises PromptError when there is none."""
    fence = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    candidates = [text.strip()]
    if fence:
        candidates.insert(0, fence.group(1).strip())
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start:end + 1])
    for c in candidates:
        try:
            return json.loads(c)
        except json.JSONDecodeError:
            continue
    snippet = text.strip().replace("\n", " ")[:80]
    raise PromptError(f"the answer holds no JSON object: {snippet!r}")


def _validation(err: ValidationError, what: str) -> PromptError:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return PromptError(f"{what}: field {where}: {first['msg']}")


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- decomposition -----------------------------------------------------------------------


class SubtaskAnswer(_Answer):
    id: str = Field(min_length=1)
    kind: Literal["harvest", "kill", "milk", "craft", "smelt", "fetch", "place", "trigger",
                  "walk"]
    target: str = Field(min_length=1)
    count: int = Field(1, ge=1)
    inputs: dict[str, int] = Field(default_factory=dict)
    source: str | None = None
    sites: list[Pos] = Field(default_factory=list)
    station: Pos | None = None
    tool: str | None = None
    agents: int = Field(1, ge=1)
    keep: bool = False
    rules: list[str] = Field(default_factory=list)
    seconds: float = Field(1.0, ge=0)
    room: int | None = None

    @field_validator("target", "source", "tool", mode="before")
    @classmethod
    def _name(cls, v: object) -> object:
        if isinstance(v, str):
            return v.strip().lower().removeprefix("minecraft:").replace(" ", "_")
        return v

    _s = field_validator("sites", mode="before")(sites_before)
    _t = field_validator("station", mode="before")(station_before)


class EdgeAnswer(_Answer):
    before: str
    after: str
    confidence: float = Field(1.0, ge=0, le=1)


class DecompositionAnswer(_Answer):
    """The LLM's decomposition: subtasks and edges ("before" must finish before "after")."""

    subtasks: list[SubtaskAnswer] = Field(min_length=1)
    edges: list[EdgeAnswer] = Field(default_factory=list)


def decompose_prompt(task: TaskSpec, rules: Rulebook, hub: Pos | None = None) -> str:
    """The decomposition prompt: the task, what the world holds, the relevant recipes, the
    subtask kinds and the answer's JSON schema."""
    w = task.world
    lines = [f"Task {task.id} ({task.family}): {task.description}",
             f"The shared chest (hub) is at {list(hub) if hub else 'none'}."]
    for c in w.containers:
        lines.append(f"Chest at {list(c.pos)} holds {json.dumps(c.items, sort_keys=True)}"
                     + (f" (locked: needs {c.lock})" if c.lock else ""))
    counts: dict[str, int] = {}
    for b in w.blocks:
        counts[b.name] = counts.get(b.name, 0) + 1
    if counts:
        lines.append("Blocks in the world: " + ", ".join(f"{n} x{k}" for n, k in
                                                         sorted(counts.items())))
    animals: dict[str, int] = {}
    for e in w.entities:
        animals[e.type] = animals.get(e.type, 0) + 1
    if animals:
        lines.append("Animals: " + ", ".join(f"{n} x{k}" for n, k in sorted(animals.items())))
    goal = task.goal
    lines.append("Goal: " + goal.model_dump_json())
    recipes = relevant_rules(rules, [goal.target]) if goal.family == "cooking" else []
    if recipes:
        lines.append("Recipes that may help:")
        lines += [f"  {r.id}: {describe_rule(r)}" for r in recipes]
    lines.append(
        "Split the task into subtasks. Kinds: harvest (dig crops/blocks), kill, milk, craft, "
        "smelt, fetch (from a chest that is not the hub), place (blueprint blocks), trigger "
        "(escape-room mechanism), walk. Each subtask takes its inputs from the hub and puts "
        "its output there; the final dish has keep=true. List edges: before must finish "
        "before after. Answer with JSON only, matching this schema:")
    lines.append(json.dumps(DecompositionAnswer.model_json_schema(), sort_keys=True))
    return "\n".join(lines)


def relevant_rules(rules: Rulebook, targets: list[str], depth: int = 3,
                   limit: int = 40) -> list[Rule]:
    """The craft, smelt and milk rules that make the targets, their ingredients, and so on
    `depth` levels down (at most `limit`, breadth first)."""
    out: list[Rule] = []
    seen: set[str] = set()
    frontier = list(targets)
    for _ in range(depth):
        nxt: list[str] = []
        for item in frontier:
            for r in rules.producers(item):
                if r.kind in ("craft", "smelt", "milk") and r.output == item \
                        and r.id not in seen and len(out) < limit:
                    seen.add(r.id)
                    out.append(r)
                    nxt += list(r.inputs)
        frontier = nxt
    return out


def parse_decomposition(text: str, task: TaskSpec, hub: Pos | None = None
                        ) -> tuple[Plan, list[tuple[str, str, float]]]:
    """The plan and the prior edges `(before, after, confidence)` from a decomposition answer.

    Raises PromptError on text without JSON, a field that fails the schema (named), or
    duplicate subtask ids. Edges naming unknown ids are returned as given:
    `planner.graph.graph_from_prior` reports and drops them.
    """
    data = extract_json(text)
    try:
        answer = DecompositionAnswer.model_validate(data)
    except ValidationError as err:
        raise _validation(err, "decomposition answer") from None
    seen: set[str] = set()
    for s in answer.subtasks:
        if s.id in seen:
            raise PromptError(f"decomposition answer: subtask id {s.id!r} appears twice")
        seen.add(s.id)
    try:
        subtasks = [Subtask(**s.model_dump()) for s in answer.subtasks]
    except ValidationError as err:
        raise _validation(err, "decomposition answer") from None
    plan = Plan(task=task.id, hub=hub, subtasks=subtasks)
    return plan, [(e.before, e.after, e.confidence) for e in answer.edges]


# --- the causal judge --------------------------------------------------------------------


@dataclass(frozen=True)
class JudgeItem:
    """One edge put to the judge, with the rules whose removal it is asked about."""

    key: str
    u: Subtask
    v: Subtask
    rules: list[Rule]


def describe_subtask(s: Subtask) -> str:
    parts = [f"{s.kind} {s.count} {s.target}"]
    if s.inputs:
        parts.append("from " + ", ".join(f"{n} {i}" for i, n in sorted(s.inputs.items())))
    if s.source:
        parts.append(f"acting on {s.source}")
    if s.tool:
        parts.append(f"with {s.tool}")
    if s.room is not None:
        parts.append(f"in room {s.room}")
    return " ".join(parts)


def describe_rule(r: Rule) -> str:
    ins = ", ".join(f"{n} {i}" for i, n in sorted(r.inputs.items()))
    text = f"{r.kind}: {ins or r.source or '-'} -> {r.output}"
    if r.needs:
        text += f" (needs {', '.join(r.needs)})"
    if r.where:
        text += f" at {r.where}"
    return text


class EdgeJudgement(_Answer):
    id: str
    needs: float
    without: dict[str, float] = Field(default_factory=dict)

    @field_validator("needs", mode="before")
    @classmethod
    def _p(cls, v: object) -> object:
        return _probability(v)

    @field_validator("without", mode="before")
    @classmethod
    def _ps(cls, v: object) -> object:
        if isinstance(v, dict):
            return {str(k): _probability(p) for k, p in v.items()}
        return v


class JudgeAnswer(_Answer):
    edges: list[EdgeJudgement]


def _probability(v: object) -> object:
    """yes/no/true/false or a number in [0, 1]."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, str):
        word = v.strip().lower()
        if word in ("yes", "true", "y"):
            return 1.0
        if word in ("no", "false", "n"):
            return 0.0
        try:
            v = float(word)
        except ValueError:
            raise ValueError(f"{v!r} is not yes, no or a probability") from None
    if isinstance(v, int | float) and not 0.0 <= float(v) <= 1.0:
        raise ValueError(f"probability {v} is outside [0, 1]")
    return v


def judge_prompt(items: list[JudgeItem]) -> str:
    """One prompt for a batch of edges: each edge, and each rule whose removal is asked."""
    lines = ["For each dependency below, say whether subtask B needs subtask A to be done "
             "first (a probability from 0 to 1), as the game's rules stand and with each "
             "listed rule removed from the game.",
             'Answer with JSON only: {"edges": [{"id": "e0", "needs": 0.9, '
             '"without": {"<rule id>": 0.1, ...}}, ...]}', ""]
    for it in items:
        lines.append(f"{it.key}: A = {it.u.id} ({describe_subtask(it.u)}); "
                     f"B = {it.v.id} ({describe_subtask(it.v)})")
        for r in it.rules:
            lines.append(f"  remove {r.id}: {describe_rule(r)}")
    return "\n".join(lines)


def parse_judge_answer(text: str, items: list[JudgeItem]
                       ) -> dict[str, tuple[float, dict[str, float]]]:
    """key -> (p(needs), {rule id: p(needs without it)}) for the items the answer covers.
    Unknown edge keys and rule ids are ignored; malformed answers raise PromptError."""
    data = extract_json(text)
    try:
        answer = JudgeAnswer.model_validate(data)
    except ValidationError as err:
        raise _validation(err, "judge answer") from None
    asked = {it.key: {r.id for r in it.rules} for it in items}
    out: dict[str, tuple[float, dict[str, float]]] = {}
    for e in answer.edges:
        if e.id in asked:
            out[e.id] = (e.needs, {r: p for r, p in e.without.items() if r in asked[e.id]})
    return out


# --- assignment --------------------------------------------------------------------------


class AssignAnswer(_Answer):
    subtask: str | None


def assign_prompt(agent: str, ready: list[Subtask], lines: list[list[str]],
                  done: set[str], working: dict[str, str]) -> str:
    """Ask which ready subtask the free agent should take."""
    out = [f"Agent {agent} is free. Subtasks ready to start:"]
    for s in ready:
        out.append(f"- {s.id}: {describe_subtask(s)} (about {s.seconds:g} s)")
    out.append("Production lines (in order; done ones marked *):")
    for k, line in enumerate(lines):
        out.append(f"  line {k}: " + " -> ".join(f"{x}*" if x in done else x for x in line))
    if working:
        out.append("Others at work: " + ", ".join(f"{a} on {s}" for a, s in
                                                  sorted(working.items())))
    out.append('Answer with JSON only: {"subtask": "<one ready id>"} (or null to wait).')
    return "\n".join(out)


def parse_assignment(text: str, ready: list[str]) -> str | None:
    """The ready subtask the answer names (None: wait). Raises PromptError on a malformed
    answer or an id that is not ready."""
    data = extract_json(text)
    try:
        answer = AssignAnswer.model_validate(data)
    except ValidationError as err:
        raise _validation(err, "assignment answer") from None
    if answer.subtask is not None and answer.subtask not in ready:
        raise PromptError(f"assignment answer: {answer.subtask!r} is not one of the ready "
                          f"subtasks {ready}")
    return answer.subtask
