"""Schedulers: which ready subtask a free agent takes.

The state is small (`ScheduleState`: the lines, the agents on each line, each line's next
open position, what is done); the Planner service updates it (`claim`, `release`,
`mark_done`) and asks a `Scheduler` to `pick`. Schedulers:

- `busy` (the paper): busy(l) = n_l / N + lambda * d_l / |l|, with n_l the agents now on
  line l, N the agent count, d_l the position of l's next open subtask. The agent gets the
  ready subtask of the line with the lowest busy rate; ties go to the line with the most
  work left (subtasks not done), then to the lower line index.
- `random` (seeded), `round_robin` (lines in turn), `critical_path` (the longest remaining
  path by `seconds` first), `llm` (the brain is asked; a bad answer falls back to `busy`).

    >>> state = ScheduleState.start([["a", "b"], ["c"]], ["w1", "w2"])
    >>> BusyScheduler().pick("w1", ["a", "c"], state)
    'a'
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import networkx as nx

from planner.prompts import PromptError, assign_prompt, parse_assignment
from planner.subtask import Subtask

DEFAULT_LAMBDA = 1.0


@dataclass
class ScheduleState:
    """What the schedulers read. `next_pos[l]` is d_l, the index in line l of its first
    subtask not done; `on_line[l]` is n_l; `working` maps an agent to its subtask."""

    lines: list[list[str]]
    agents: list[str]
    line_of: dict[str, int] = field(default_factory=dict)
    on_line: list[int] = field(default_factory=list)
    next_pos: list[int] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    working: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, lines: list[list[str]], agents: list[str]) -> ScheduleState:
        line_of: dict[str, int] = {}
        for k, line in enumerate(lines):
            for sid in line:
                if sid in line_of:
                    raise ValueError(f"subtask {sid!r} is in lines {line_of[sid]} and {k}")
                line_of[sid] = k
        return cls([list(x) for x in lines], list(agents), line_of, [0] * len(lines),
                   [0] * len(lines))

    def claim(self, agent: str, sid: str) -> None:
        """The agent starts sid (a joint subtask is claimed once per agent)."""
        self.release(agent)
        self.working[agent] = sid
        k = self.line_of.get(sid)
        if k is not None:
            self.on_line[k] += 1

    def release(self, agent: str) -> None:
        """The agent stops working (done, failed, or taken back)."""
        sid = self.working.pop(agent, None)
        k = self.line_of.get(sid) if sid is not None else None
        if k is not None:
            self.on_line[k] -= 1

    def mark_done(self, sid: str) -> None:
        self.done.add(sid)
        k = self.line_of.get(sid)
        if k is None:
            return
        line = self.lines[k]
        while self.next_pos[k] < len(line) and line[self.next_pos[k]] in self.done:
            self.next_pos[k] += 1

    def left(self, k: int) -> int:
        """Subtasks of line k not done."""
        return sum(1 for s in self.lines[k] if s not in self.done)

    def busy(self, k: int, lam: float = DEFAULT_LAMBDA) -> float:
        """busy(l) = n_l / N + lambda * d_l / |l|."""
        n = max(1, len(self.agents))
        size = max(1, len(self.lines[k]))
        return self.on_line[k] / n + lam * self.next_pos[k] / size


class Scheduler(Protocol):
    name: str

    def pick(self, agent: str, ready: list[str], state: ScheduleState) -> str | None: ...


def _by_line(ready: list[str], state: ScheduleState) -> dict[int, str]:
    """Each line's ready subtask (the earliest in the line if several)."""
    out: dict[int, str] = {}
    for sid in sorted(ready, key=lambda s: (state.line_of.get(s, -1),
                                            _pos_in_line(s, state), s)):
        k = state.line_of.get(sid)
        if k is not None and k not in out:
            out[k] = sid
    return out


def _pos_in_line(sid: str, state: ScheduleState) -> int:
    k = state.line_of.get(sid)
    return state.lines[k].index(sid) if k is not None else 0


class BusyScheduler:
    """The paper's busy rate (see the module docstring)."""

    name = "busy"

    def __init__(self, lam: float = DEFAULT_LAMBDA) -> None:
        self.lam = lam

    def pick(self, agent: str, ready: list[str], state: ScheduleState) -> str | None:
        if not ready:
            return None
        per_line = _by_line(ready, state)
        if not per_line:
            return sorted(ready)[0]
        best = min(per_line, key=lambda k: (state.busy(k, self.lam), -state.left(k), k))
        return per_line[best]


class RandomScheduler:
    """A ready subtask at random (seeded: the same seed gives the same picks)."""

    name = "random"

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)

    def pick(self, agent: str, ready: list[str], state: ScheduleState) -> str | None:
        return self.rng.choice(sorted(ready)) if ready else None


class RoundRobinScheduler:
    """Lines in turn: the next line after the last one served that has a ready subtask."""

    name = "round_robin"

    def __init__(self) -> None:
        self.cursor = 0

    def pick(self, agent: str, ready: list[str], state: ScheduleState) -> str | None:
        if not ready:
            return None
        per_line = _by_line(ready, state)
        if not per_line:
            return sorted(ready)[0]
        n = len(state.lines)
        for step in range(n):
            k = (self.cursor + step) % n
            if k in per_line:
                self.cursor = k + 1
                return per_line[k]
        return sorted(ready)[0]


def remaining_path(dag: nx.DiGraph, seconds: dict[str, float]) -> dict[str, float]:
    """For each node: its seconds plus the longest chain of seconds after it."""
    out: dict[str, float] = {}
    for n in reversed(list(nx.topological_sort(dag))):
        tail = max((out[c] for c in dag.successors(n)), default=0.0)
        out[n] = seconds.get(n, 0.0) + tail
    return out


class CriticalPathScheduler:
    """The ready subtask with the longest remaining path (by `seconds`); ties by id."""

    name = "critical_path"

    def __init__(self, dag: nx.DiGraph, seconds: dict[str, float] | None = None) -> None:
        if seconds is None:
            seconds = {n: float(d.get("seconds", 1.0)) for n, d in dag.nodes(data=True)}
        self.priority = remaining_path(dag, seconds)

    def pick(self, agent: str, ready: list[str], state: ScheduleState) -> str | None:
        if not ready:
            return None
        return min(ready, key=lambda s: (-self.priority.get(s, 0.0), s))


@dataclass
class AssignCall:
    prompt: str
    answer: str
    picked: str | None
    error: str | None = None


class LLMScheduler:
    """The brain assigns (as VillagerAgent does): `ask(prompt) -> text`; an answer that
    cannot be parsed, or names a subtask that is not ready, falls back to `fallback`."""

    name = "llm"

    def __init__(self, ask: Callable[[str], str], subtasks: dict[str, Subtask],
                 fallback: Scheduler | None = None) -> None:
        self.ask = ask
        self.subtasks = subtasks
        self.fallback = fallback or BusyScheduler()
        self.calls: list[AssignCall] = []

    def pick(self, agent: str, ready: list[str], state: ScheduleState) -> str | None:
        if not ready:
            return None
        known = [self.subtasks[s] for s in ready if s in self.subtasks]
        prompt = assign_prompt(agent, known, state.lines, state.done, state.working)
        try:
            answer = self.ask(prompt)
        except Exception as err:  # noqa: BLE001 - a failing client must not stop the episode
            picked = self.fallback.pick(agent, ready, state)
            self.calls.append(AssignCall(prompt, "", picked, f"ask failed: {err}"))
            return picked
        try:
            picked = parse_assignment(answer, ready)
        except PromptError as err:
            picked = self.fallback.pick(agent, ready, state)
            self.calls.append(AssignCall(prompt, answer, picked, str(err)))
            return picked
        self.calls.append(AssignCall(prompt, answer, picked))
        return picked


class PriorOrderScheduler:
    """The brain's own order, as VillagerAgent's task manager hands out work: the ready
    subtask that comes first in a topological order of the brain's graph (ties by id).

    >>> PriorOrderScheduler(nx.DiGraph([("b", "a")])).pick("x", ["a", "b"], None)
    'b'
    """

    name = "prior_order"

    def __init__(self, dag: nx.DiGraph) -> None:
        order = nx.lexicographical_topological_sort(dag) if dag.number_of_nodes() else []
        self.rank = {n: i for i, n in enumerate(order)}

    def pick(self, agent: str, ready: list[str], state: ScheduleState | None) -> str | None:
        if not ready:
            return None
        return min(ready, key=lambda s: (self.rank.get(s, len(self.rank)), s))


SCHEDULERS = ("busy", "random", "round_robin", "critical_path", "llm", "prior_order")


def make_scheduler(name: str, dag: nx.DiGraph, subtasks: dict[str, Subtask], seed: int = 0,
                   ask: Callable[[str], str] | None = None,
                   lam: float = DEFAULT_LAMBDA) -> Scheduler:
    """A scheduler by name (one of SCHEDULERS)."""
    if name == "busy":
        return BusyScheduler(lam)
    if name == "random":
        return RandomScheduler(seed)
    if name == "round_robin":
        return RoundRobinScheduler()
    if name == "critical_path":
        return CriticalPathScheduler(dag, {s.id: s.seconds for s in subtasks.values()})
    if name == "prior_order":
        return PriorOrderScheduler(dag)
    if name == "llm":
        if ask is None:
            raise ValueError("the llm scheduler needs an LLM brain (its ask function)")
        return LLMScheduler(ask, subtasks, BusyScheduler(lam))
    raise ValueError(f"unknown scheduler {name!r}: choose one of {', '.join(SCHEDULERS)}")
