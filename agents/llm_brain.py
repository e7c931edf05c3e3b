"""The LLM brain: the same calls as the offline brain, answered by an OpenAI-compatible model;
and the hybrid brain, where the model plans and the rule-grounded executor acts.

- `prior`: the model is shown the subtasks and names the dependencies it believes in. An
  answer that names unknown ids is re-asked with what is wrong; after the re-asks the edges
  that did parse are used (the failed call is recorded).
- `decompose` (`--decompose llm`): the model splits the task into subtasks; each is grounded
  on the subtasks the rules can carry out in this world (`ground_decomposition`); what does
  not ground is named and re-asked, then left out (and reported).
- `judge`: the ATE judge's question (`planner.prompts.judge_prompt`), one seeded sample per
  call, the answer validated as `JudgeAnswer`.
- `act`: step by step, the model answers with one action (its JSON schema generated from
  the action models of `env.actions`) or with an explicit `done`. Only `done` ends a subtask;
  a `done` claiming success is checked against what the Judger's results show (the target
  made or delivered, every block placed) and sent back when it is not so. An invalid action
  is re-asked with the validation error (bounded), then the subtask fails with the reason.

Every model call blocks its caller: the Worker runs `act` steps in a thread (`blocking`), and
the episode prepares the plan in one, so the event loop never waits on the model.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.brain import Acting, OfflineBrain
from agents.llm import (
    LLMAnswerError,
    LLMClient,
    LLMEndpointError,
    LLMError,
    validation_text,
)
from agents.messages import ActionResult
from env.actions import ACTIONS, Action, Place, Put, parse_action
from env.backend import Observation
from env.rulebook import Rulebook
from env.world import Pos, distance
from planner.graph import graph_from_prior
from planner.prompts import EdgeAnswer, JudgeAnswer, PromptError, describe_subtask
from planner.subtask import Plan, Subtask

if TYPE_CHECKING:
    from tasks.spec import TaskSpec

MAX_STEPS = 40
SYSTEM = ("You control one player in Minecraft 1.19.2, working with others on a shared task. "
          "Answer only with JSON.")
PLANNER_SYSTEM = "You plan Minecraft 1.19.2 tasks for a team of players. Answer only with JSON."


# --- the action schema, generated from env.actions ---------------------------------------


def action_schemas() -> list[dict[str, Any]]:
    """One JSON schema per action model of `env.actions` (its fields, `name` a constant;
    `not_before`, the Worker's own field, left out)."""
    out = []
    for cls in ACTIONS:
        schema = cls.model_json_schema()
        props = {k: v for k, v in schema.get("properties", {}).items() if k != "not_before"}
        for v in props.values():
            v.pop("title", None)
        name = cls.model_fields["name"].default
        props["name"] = {"const": name, "type": "string"}
        required = ["name", *[k for k in schema.get("required", []) if k != "name"]]
        out.append({"type": "object", "description": cls.summary, "properties": props,
                    "required": required})
    return out


@functools.cache
def step_schema() -> dict[str, Any]:
    """What an acting answer may be: {"action": <one action>} or {"done": true, "ok": ...,
    "reason": ...}."""
    return {"anyOf": [
        {"type": "object", "properties": {"action": {"anyOf": action_schemas()}},
         "required": ["action"]},
        {"type": "object", "properties": {"done": {"const": True, "type": "boolean"},
                                          "ok": {"type": "boolean"},
                                          "reason": {"type": "string"}},
         "required": ["done", "ok"]},
    ]}


class StepAnswer(BaseModel):
    """The next action, or an explicit end of the subtask. Nothing else ends a subtask."""

    model_config = ConfigDict(extra="ignore")
    action: dict[str, Any] | None = None
    done: bool = False
    ok: bool = True
    reason: str | None = None


def check_step(answer: StepAnswer) -> str | None:
    """None when the answer is an explicit done or a valid action, else what is wrong."""
    if answer.done:
        return None
    if answer.action is None:
        return ('the answer has neither an action nor "done": true; give {"action": {...}} '
                'or {"done": true, "ok": true|false, "reason": "..."}')
    try:
        parse_action(answer.action)
    except ValidationError as err:
        return f"the action is invalid: {validation_text(err)}"
    return None


# --- prior -------------------------------------------------------------------------------


class PriorAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    edges: list[EdgeAnswer]


def prior_prompt(plan: Plan) -> str:
    lines = [f"- {s.id}: {describe_subtask(s)}" for s in plan.subtasks]
    return ("These are the subtasks of a Minecraft task:\n" + "\n".join(lines) +
            "\n\nWhich subtasks must finish before which others can start? Answer "
            '{"edges": [{"before": id, "after": id, "confidence": 0..1}, ...]}, using the ids.')


def _prior_check(plan: Plan):  # noqa: ANN202 - a closure over the plan's ids
    ids = {s.id for s in plan.subtasks}

    def check(answer: PriorAnswer) -> str | None:
        bad = sorted({x for e in answer.edges for x in (e.before, e.after) if x not in ids})
        if bad:
            return f"unknown subtask ids {bad[:5]}; use only {sorted(ids)}"
        return None

    return check


def lenient_edges(text: str | None) -> list[tuple[str, str, float]]:
    """The edges of a prior answer that parse one by one (the rest dropped)."""
    try:
        data = json.loads(text or "")
    except json.JSONDecodeError:
        return []
    out = []
    for e in data.get("edges", []) if isinstance(data, dict) else []:
        try:
            edge = EdgeAnswer.model_validate(e)
        except ValidationError:
            continue
        out.append((edge.before, edge.after, edge.confidence))
    return out


# --- decomposition -----------------------------------------------------------------------


class ProposedSubtask(BaseModel):
    model_config = ConfigDict(extra="ignore")
    kind: str
    target: str
    count: int = Field(1, ge=1)


class ProposedEdge(BaseModel):
    model_config = ConfigDict(extra="ignore")
    before: str
    after: str


class DecomposeAnswer(BaseModel):
    """The model's split: subtasks named by kind and target; edges by "kind:target" ids."""

    model_config = ConfigDict(extra="ignore")
    subtasks: list[ProposedSubtask] = Field(min_length=1)
    edges: list[ProposedEdge] = Field(default_factory=list)


def decompose_prompt(task: TaskSpec, catalog: Plan) -> str:
    """The task, what the world offers and the answer's form. The model is told the kinds;
    it is not shown the rule-derived subtasks."""
    from planner.prompts import decompose_prompt as full

    head = full(task, _NO_RULES, catalog.hub).split("Split the task")[0]
    return (head + "Split the task into subtasks. Each subtask is {\"kind\": one of harvest, "
            "kill, milk, craft, smelt, fetch, place, trigger, walk; \"target\": the item, block "
            "or trigger it produces; \"count\": how many}. Every subtask takes its inputs from "
            "the hub and puts its output there. Name a subtask in edges as \"kind:target\". "
            'Answer {"subtasks": [...], "edges": [{"before": "kind:target", "after": '
            '"kind:target"}]}.')


class _NoRules:
    def producers(self, item: str, kind: str | None = None) -> list[Any]:
        return []


_NO_RULES: Any = _NoRules()


def _target_key(kind: str, target: str) -> str:
    return f"{kind.strip().lower()}:{target.strip().lower().removeprefix('minecraft:')}"


def ground_decomposition(answer: DecomposeAnswer, catalog: Plan
                         ) -> tuple[list[Subtask], list[tuple[str, str, float]], list[str]]:
    """Ground each proposed subtask on the subtask the rules can carry out in this world for
    the same kind and target (`catalog`: `planner.decompose.decompose`'s plan, whose ids are
    "kind:target" or start with it). Returns (grounded subtasks, edges between grounded ids,
    problems: one line per subtask or edge that does not ground)."""
    by_key: dict[str, list[Subtask]] = {}
    for s in catalog.subtasks:
        by_key.setdefault(_target_key(s.kind, s.target), []).append(s)
    chosen: dict[str, Subtask] = {}
    names: dict[str, list[str]] = {}
    problems: list[str] = []
    for p in answer.subtasks:
        key = _target_key(p.kind, p.target)
        found = by_key.get(key)
        if not found:
            problems.append(f"subtask {key}: nothing in this world's rules makes "
                            f"{p.target} by {p.kind}")
            continue
        names[key] = [s.id for s in found]
        for s in found:
            chosen.setdefault(s.id, s)
    edges: list[tuple[str, str, float]] = []
    for e in answer.edges:
        a, b = names.get(_target_key(*_split(e.before))), names.get(_target_key(*_split(e.after)))
        if not a or not b:
            problems.append(f"edge {e.before} -> {e.after}: names a subtask that is not grounded")
            continue
        edges += [(u, v, 1.0) for u in a for v in b if u != v]
    ordered = [s for s in catalog.subtasks if s.id in chosen]
    return ordered, edges, problems


def _split(name: str) -> tuple[str, str]:
    kind, _, target = name.partition(":")
    return (kind, target) if target else ("?", kind)


# --- the done check ----------------------------------------------------------------------


class _Progress:
    """What the Judger's results show this subtask has achieved so far."""

    def __init__(self, st: Subtask, obs: Observation, hub: Pos | None) -> None:
        self.st = st
        self.to_hub = hub is not None and not st.keep
        self.start_held = obs.inventory.get(st.target, 0)
        self.delivered = 0
        self.placed: set[Pos] = set()

    def saw(self, action: Action, result: ActionResult) -> None:
        if not result.ok:
            return
        if isinstance(action, Put) and action.item == self.st.target:
            self.delivered += action.count
        if isinstance(action, Place):
            self.placed.add(action.pos)

    def unmet(self, obs: Observation) -> str | None:
        """None when the world shows the subtask done, else what is missing."""
        st = self.st
        if st.kind == "place":
            left = [b.pos for b in st.blocks if b.pos not in self.placed]
            return f"{len(left)} blocks not placed yet, e.g. at {list(left[0])}" if left else None
        if st.kind == "trigger":
            return None  # the Planner checks that the trigger fired
        if st.kind == "walk":
            if st.sites and distance(obs.pos, st.sites[0]) > 2.0:
                return f"you are not at {list(st.sites[0])} yet"
            return None
        if self.to_hub:
            if self.delivered < st.count:
                return f"only {self.delivered} of {st.count} {st.target} put into the hub so far"
            return None
        made = obs.inventory.get(st.target, 0) - self.start_held
        if made < st.count:
            return f"you hold {max(made, 0)} more {st.target}, not {st.count}"
        return None


def step_prompt(st: Subtask, role: int, partners: list[str], me: str, obs: Observation,
                hub: Pos | None, history: list[str]) -> str:
    job = json.dumps(st.model_dump(mode="json", exclude_defaults=True))
    inv = ", ".join(f"{n} {i}" for i, n in sorted(obs.inventory.items())) or "nothing"
    near = ", ".join(f"{e.type} at {tuple(round(v, 1) for v in e.pos)}"
                     for e in obs.entities[:12]) or "none"
    partner_text = f" together with {', '.join(partners)} (your role: {role})" if partners else ""
    # only when something lies there, so that other prompts (and their cached answers) stay
    ground = "".join(
        f"On the ground: {g.count} {g.item} at {tuple(g.pos)}.\n" for g in obs.ground)
    tools = "\n".join(f"{a.describe()}" for a in ACTIONS)
    return (
        f"You are {me}. Your subtask{partner_text}: {job}\n"
        f"The shared chest (hub) is at {list(hub) if hub else 'none'}: take inputs from it and "
        "put what you make into it, unless the subtask says keep.\n"
        f"You stand at {tuple(round(v, 1) for v in obs.pos)} and hold: {inv}.\n"
        f"Animals nearby: {near}.\n"
        + (ground + "(What did not fit your inventory: you pick it up when you stand within a "
           "block of it with room.)\n" if ground else "") +
        "Actions (name(arguments): meaning):\n" + tools + "\n"
        "So far:\n" + ("\n".join(history[-10:]) or "(nothing yet)") + "\n"
        'Answer {"action": {"name": ..., arguments...}} for the next action, or '
        '{"done": true, "ok": true|false, "reason": "..."} when the subtask is finished or '
        "cannot be finished.")


class LLMBrain:
    """The brain backed by an OpenAI-compatible endpoint (see `agents.llm`)."""

    name = "llm"
    blocking = True
    """`act` steps call the model: the Worker runs them in a thread."""

    def __init__(self, client: LLMClient) -> None:
        self.client = client
        self.judge_temperature = client.settings.judge_temperature
        self.judge_samples = client.settings.judge_samples
        self.judge_batch = client.settings.judge_batch
        self.problems: list[str] = []
        self.prior_failed = False
        """The last prior call gave no edge at all (failed, or nothing in it parsed)."""

    @property
    def llm_calls(self) -> int:
        return self.client.calls

    @property
    def tokens(self) -> int:
        return self.client.tokens

    def judge(self, prompt: str, sample: int = 0) -> str:
        """One sample of the ATE judge: the validated JudgeAnswer as JSON text. Raises
        PromptError (the judge records it as a failed call) when the model gives none."""
        try:
            answer = self.client.ask_json(PLANNER_SYSTEM, prompt, JudgeAnswer, purpose="judge",
                                          temperature=self.judge_temperature,
                                          seed=self.client.settings.seed + sample)
        except LLMEndpointError:
            raise
        except LLMError as err:
            raise PromptError(str(err)) from None
        return answer.model_dump_json()

    def prior(self, plan: Plan, true_graph: nx.DiGraph) -> nx.DiGraph:
        self.prior_failed = False
        try:
            answer = self.client.ask_json(PLANNER_SYSTEM, prior_prompt(plan), PriorAnswer,
                                          check=_prior_check(plan), purpose="prior")
            edges = [(e.before, e.after, e.confidence) for e in answer.edges]
        except LLMEndpointError:
            raise
        except LLMAnswerError as err:
            edges = lenient_edges(err.answer)
            self.prior_failed = True
            self.problems.append(f"prior: {err}; went on with the {len(edges)} edges that "
                                 "parsed")
        except LLMError as err:
            self.prior_failed = True
            self.problems.append(f"prior: {err}; went on without prior edges")
            edges = []
        graph, problems = graph_from_prior(plan, edges)
        self.problems += [f"prior: {p}" for p in problems]
        # a failed answer of which no edge between known subtasks survived
        self.prior_failed = self.prior_failed and graph.number_of_edges() == 0
        return graph

    def decompose(self, task: TaskSpec, catalog: Plan
                  ) -> tuple[Plan, list[tuple[str, str, float]], dict[str, Any]]:
        """The model's decomposition grounded on `catalog` (see `ground_decomposition`).
        Returns (plan, prior edges, a record for the result). An answer with problems is
        re-asked; what grounded after the last re-ask is used."""
        problems: list[str] = []

        def check(answer: DecomposeAnswer) -> str | None:
            subs, _edges, probs = ground_decomposition(answer, catalog)
            problems[:] = probs
            if not subs:
                return "no subtask grounds: " + "; ".join(probs[:4])
            if probs:
                return "; ".join(probs[:4])
            return None

        prompt = decompose_prompt(task, catalog)
        answer: DecomposeAnswer | None = None
        error = None
        try:
            answer = self.client.ask_json(PLANNER_SYSTEM, prompt, DecomposeAnswer, check=check,
                                          purpose="decompose")
        except LLMEndpointError:
            raise
        except LLMAnswerError as err:
            error = str(err)
            try:
                answer = DecomposeAnswer.model_validate_json(err.answer or "")
            except ValidationError:
                answer = None
        except LLMError as err:
            error = str(err)
        if answer is not None:
            subs, edges, problems = ground_decomposition(answer, catalog)
        else:
            # No answer is used: its grounding problems are the used answer's (none), not
            # those `check` saw in a re-asked one (a replay does not see re-asked answers).
            subs, edges, problems = [], [], []
        ids = {s.id for s in subs}
        record: dict[str, Any] = {
            "decomposition": "llm", "grounded": sorted(ids), "not_grounded": problems,
            "error": error, "fallback": None,
            "missing_vs_rules": sorted(s.id for s in catalog.subtasks if s.id not in ids)}
        if not subs:
            # Nothing to run on: the rules' split, said loudly in the result.
            self.problems.append("decompose: no subtask of the LLM's grounded; the rules' "
                                 "decomposition was used")
            record["fallback"] = "rules"
            return catalog, [], record
        plan = Plan(task=catalog.task, hub=catalog.hub, subtasks=subs)
        return plan, edges, record

    def act(self, subtask: Subtask, role: int, partners: list[str], me: str,
            obs: Observation, hub: Pos | None, attempt: int,
            keep_out: frozenset[tuple[int, int]] = frozenset()) -> Acting:
        history: list[str] = []
        progress = _Progress(subtask, obs, hub)
        for _ in range(MAX_STEPS):
            prompt = step_prompt(subtask, role, partners, me, obs, hub, history)
            try:
                answer = self.client.ask_json(SYSTEM, prompt, StepAnswer, json_schema=step_schema(),
                                              check=check_step, purpose="act", agent=me,
                                              tool="act")
            except LLMError as err:
                return False, f"the LLM gave no usable action: {err}"
            if answer.done:
                if not answer.ok:
                    return False, answer.reason or "the model gave up"
                unmet = progress.unmet(obs)
                if unmet is None:
                    return True, answer.reason
                history.append(f"- you said done, but it is not: {unmet}")
                continue
            action = parse_action(answer.action)
            result: ActionResult = yield action
            progress.saw(action, result)
            if result.observation is not None:
                obs = result.observation
            verdict = "ok" if result.ok else f"refused: {result.reason}"
            history.append(f"- {json.dumps(answer.action, sort_keys=True)} -> {verdict}")
        return False, f"no end after {MAX_STEPS} steps"


class HybridBrain:
    """The LLM plans (decomposition, prior, judgements); the rule-grounded offline brain
    turns each subtask into actions. Separates planning quality from acting quality."""

    name = "hybrid"
    blocking = False

    def __init__(self, llm: LLMBrain, rules: Rulebook, seed: int = 0,
                 prior_noise: float = 0.0) -> None:
        self.llm = llm
        self.client = llm.client
        self.executor = OfflineBrain(rules, 0.0, seed)
        self.fallback_prior = OfflineBrain(rules, prior_noise, seed)
        """The rules' prior at the episode's noise: what planning goes on with when no edge
        of the model's prior parsed (as the decomposition falls back to the rules' split),
        so the judge still has edges to judge."""
        self.problems = llm.problems
        self.judge_samples = llm.judge_samples
        self.judge_batch = llm.judge_batch

    @property
    def llm_calls(self) -> int:
        return self.client.calls

    @property
    def tokens(self) -> int:
        return self.client.tokens

    def judge(self, prompt: str, sample: int = 0) -> str:
        return self.llm.judge(prompt, sample)

    def prior(self, plan: Plan, true_graph: nx.DiGraph) -> nx.DiGraph:
        self.llm.prior_failed = False
        graph = self.llm.prior(plan, true_graph)
        if self.llm.prior_failed:
            noise = self.fallback_prior.prior_noise
            self.problems.append(f"prior: no edge of the model's parsed; went on with the "
                                 f"rules' prior at noise {noise:g}")
            return self.fallback_prior.prior(plan, true_graph)
        return graph

    def decompose(self, task: TaskSpec, catalog: Plan
                  ) -> tuple[Plan, list[tuple[str, str, float]], dict[str, Any]]:
        return self.llm.decompose(task, catalog)

    def act(self, subtask: Subtask, role: int, partners: list[str], me: str,
            obs: Observation, hub: Pos | None, attempt: int,
            keep_out: frozenset[tuple[int, int]] = frozenset()) -> Acting:
        return self.executor.act(subtask, role, partners, me, obs, hub, attempt, keep_out)
