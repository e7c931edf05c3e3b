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
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Protocol

import networkx as nx

from env.goals import BlueprintBlock
from env.world import feet_center
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


SCHEDULERS = ("busy", "random", "round_robin", "critical_path", "llm", "prior_order",
              "lookahead")


def make_scheduler(name: str, dag: nx.DiGraph, subtasks: dict[str, Subtask], seed: int = 0,
                   ask: Callable[[str], str] | None = None,
                   lam: float = DEFAULT_LAMBDA,
                   exclusive: set[tuple[int, int, int]] | None = None) -> Scheduler:
    """A scheduler by name (one of SCHEDULERS). `exclusive`: the positions of stations that
    serve one subtask at a time (read by `lookahead`)."""
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
    if name == "lookahead":
        return LookaheadScheduler(dag, subtasks, exclusive)
    if name == "llm":
        if ask is None:
            raise ValueError("the llm scheduler needs an LLM brain (its ask function)")
        return LLMScheduler(ask, subtasks, BusyScheduler(lam))
    raise ValueError(f"unknown scheduler {name!r}: choose one of {', '.join(SCHEDULERS)}")


# -- lookahead: assignment, pre-positioning and splitting from what the planner knows ------

#: What one unit of splittable work takes, seconds (place a block, dig, kill, milk).
SPLIT_UNIT_S = {"place": 0.5, "harvest": 1.0, "kill": 2.0, "milk": 1.0}
#: Kinds whose target is not an item put in the hub (a block placed, a trigger, a place).
NOT_DELIVERED = frozenset({"place", "trigger", "walk", "stage"})
#: Least seconds a split must save on its longest part for another agent to join.
SPLIT_GAIN_S = 0.5


@dataclass(frozen=True)
class Dispatch:
    """One decision of a dispatcher: `agents` start `sid` (one part each when several split
    it; a joint subtask's roles otherwise), or, with `stage`, the one agent prepares for it:
    takes from the hub the `inputs` there now and waits at `wait_at`."""

    sid: str
    agents: tuple[str, ...]
    stage: bool = False
    inputs: tuple[tuple[str, int], ...] = ()
    wait_at: tuple[int, int, int] | None = None
    not_before: float = 0.0
    """Virtual time before which it cannot start (an exclusive station is freed)."""
    last: bool = False
    """No open work is left to follow it: its agents need not walk back to the hub after."""
    keep: bool = False
    """Its agent keeps the output in hand (for work bound to it next) instead of delivering."""
    carry: tuple[tuple[str, int], ...] = ()
    """Items its agent also takes from the hub, for the work bound to it next."""


@dataclass
class DispatchView:
    """What a dispatcher reads: the plan's subtasks and graph, each subtask's status
    (open / running / done / failed), the free agents with their clocks and positions,
    the ready subtasks, who is reserved for which staged subtask, and the hub."""

    subtasks: dict[str, Subtask]
    graph: nx.DiGraph
    status: dict[str, str]
    free: dict[str, float]
    pos: dict[str, tuple[float, float, float]]
    ready: list[str]
    reserved: dict[str, str] = field(default_factory=dict)
    """subtask -> the agent staged for it."""
    hub: tuple[int, int, int] | None = None
    holders: dict[str, list[str]] = field(default_factory=dict)
    done_at: dict[str, float] = field(default_factory=dict)
    """subtask -> the clock of its (last) report."""
    released: dict[str, float] = field(default_factory=dict)
    """running subtask -> when its station action ended (its station is free again)."""
    no_stage: set[str] = field(default_factory=set)
    """Subtasks whose preparation failed once: not prepared again."""
    barred: dict[str, set[str]] = field(default_factory=dict)
    """subtask -> agents it is not given to (they found no path to it)."""
    gone: set[str] = field(default_factory=set)
    """Agents that stopped answering (their lease ran out)."""


def _travel(a: tuple[float, float, float] | None, b: tuple[int, int, int] | None) -> float:
    from env.actions import WALK_SPEED

    if a is None or b is None:
        return 0.0
    d = sum((float(x) - float(y)) ** 2 for x, y in zip(a, (b[0] + 0.5, b[1], b[2] + 0.5),
                                                         strict=True)) ** 0.5
    return d / WALK_SPEED


#: How close a worker walks to what it acts on (a chest, a station), blocks; the same as the
#: offline brain's `agents.brain.NEAR` (a test keeps them equal).
ARRIVE_WITHIN = 2.5


def arrival_lead(pos: tuple[float, float, float] | None, hub: tuple[int, int, int] | None,
                 station: tuple[int, int, int] | None, fetch: bool,
                 within: float = ARRIVE_WITHIN) -> float:
    """Seconds an agent at `pos` needs at least to reach `station`, through the hub first when
    it must `fetch` inputs there: each leg's straight line less `within` (a worker stops that
    close), at walking speed. A lower bound of the real walk (paths go round obstacles), so
    an agent sent off this long before a station frees never arrives while it is busy.

    >>> round(arrival_lead((0.5, -60.0, 0.5), (0, -60, 0), (10, -60, 0), fetch=True), 3)
    1.737
    >>> arrival_lead((0.5, -60.0, 0.5), None, None, fetch=False)
    0.0
    """
    from env.actions import WALK_SPEED

    if station is None:
        return 0.0
    legs: list[tuple[tuple[float, float, float] | None, tuple[int, int, int]]] = []
    if fetch and hub is not None:
        legs.append((pos, hub))
        legs.append((feet_center(hub), station))
    else:
        legs.append((pos, station))
    total = 0.0
    for a, b in legs:
        if a is None:
            continue
        d = sum((float(x) - float(y)) ** 2 for x, y in zip(a, (b[0] + 0.5, b[1], b[2] + 0.5),
                                                             strict=True)) ** 0.5
        total += max(0.0, d - within) / WALK_SPEED
    return total


def tour_seconds(blocks: list[BlueprintBlock]) -> float:
    """Seconds of walking between a place job's blocks that its estimate (`seconds`: the
    walk to its farthest block and back, plus one placement each) leaves out, taking the
    blocks in the order a worker builds them (by layer, x, z). A worker places each block
    from the ground cell off the site nearest to it (`agents.brain`'s `_stand_for`), about
    one block away: the next block is placed from there when it is within the reach
    (`env.world.REACH`) of that cell, else the worker walks the whole step to the cell next
    to it, at walking speed. Scattered blocks make a long job that merits splitting; a row
    makes none.

    >>> from env.goals import BlueprintBlock as B
    >>> tour_seconds([B(name="dirt", pos=(0, -60, z)) for z in range(4)])
    0.0
    >>> ends = [B(name="dirt", pos=(0, -60, -10)), B(name="dirt", pos=(0, -60, 10))]
    >>> round(tour_seconds(ends), 3)  # 20 / 4.317
    4.633
    """
    from env.actions import WALK_SPEED
    from env.world import REACH

    order = sorted(blocks, key=lambda b: (b.pos[1], b.pos[0], b.pos[2]))
    total = 0.0
    for a, b in zip(order, order[1:], strict=False):
        d = sum((x - y) ** 2 for x, y in zip(a.pos, b.pos, strict=True)) ** 0.5
        if d + STAND_OFF > REACH:
            total += d / WALK_SPEED
    return total


#: How far from the block it places a builder stands, blocks: the nearest ground cell off
#: the building site (see `tour_seconds`).
STAND_OFF = 1.0


def job_seconds(st: Subtask) -> float:
    """What the lookahead scheduler expects a subtask to take: its `seconds`, plus for a
    place job the walk between its blocks (`tour_seconds`)."""
    return st.seconds + (tour_seconds(st.blocks) if st.kind == "place" else 0.0)


def where_work_is(st: Subtask) -> tuple[int, int, int] | None:
    """Where a subtask's own work happens: its station, else its first block or site."""
    if st.station is not None:
        return st.station
    if st.blocks:
        first = min(st.blocks, key=lambda b: (b.pos[1], b.pos[0], b.pos[2]))
        return first.pos
    return st.sites[0] if st.sites else None


def _run_key(blocks: list[BlueprintBlock]) -> Callable[[BlueprintBlock], tuple[int, ...]]:
    """Order for cutting blocks into compact runs: by layer, then along the wider of x and z
    (a wall along z is cut into stretches of wall, not into its ends)."""
    xs = [b.pos[0] for b in blocks] or [0]
    zs = [b.pos[2] for b in blocks] or [0]
    if max(zs) - min(zs) > max(xs) - min(xs):
        return lambda b: (b.pos[1], b.pos[2], b.pos[0])
    return lambda b: (b.pos[1], b.pos[0], b.pos[2])


def split_parts(st: Subtask, k: int) -> list[Subtask]:
    """`st` cut into k parts of near-equal work, one per agent, each keeping `st`'s id (so
    the trace counts them as one subtask done by several agents): blocks in compact runs
    (by layer, then along the wider of x and z), or the count (and sites, buckets) shared
    out. k = 1, or a kind that cannot be split, gives [st].

    >>> from planner.subtask import Subtask
    >>> parts = split_parts(Subtask(id="k", kind="kill", target="beef", count=5), 2)
    >>> [p.count for p in parts]
    [3, 2]
    """
    units = len(st.blocks) if st.kind == "place" else st.count
    k = min(k, units)
    if k <= 1 or st.kind not in SPLIT_UNIT_S:
        return [st]
    sizes = [units // k + (1 if r < units % k else 0) for r in range(k)]
    parts: list[Subtask] = []
    if st.kind == "place":
        blocks = sorted(st.blocks, key=_run_key(st.blocks))
        at = 0
        for n in sizes:
            chunk = blocks[at:at + n]
            at += n
            need: dict[str, int] = {}
            for b in chunk:
                need[b.name] = need.get(b.name, 0) + 1
            parts.append(st.model_copy(update={
                "blocks": chunk, "count": n, "inputs": need, "sites": [b.pos for b in chunk],
                "seconds": round(st.seconds * n / units, 3)}))
        return parts
    sites = sorted(st.sites, key=lambda p: (p[0], p[2], -p[1]))
    for r, n in enumerate(sizes):
        update: dict[str, object] = {"count": n, "seconds": round(st.seconds * n / units, 3)}
        if st.kind == "harvest" and len(sites) >= k:
            update["sites"] = [s for i, s in enumerate(sites) if i % k == r]
        if st.inputs:
            update["inputs"] = {i: max(1, round(c * n / units)) if c >= units else
                                (c if r == 0 else 0) for i, c in st.inputs.items()}
            update["inputs"] = {i: c for i, c in update["inputs"].items() if c}
        parts.append(st.model_copy(update=update))
    return parts


def mark_last(out: list[Dispatch], view: DispatchView) -> list[Dispatch]:
    """`out` with `last` set on the work it starts when, once it starts, no subtask is left
    open (everything else is done or running): no agent of it will be given more work but a
    retry, so a walk back to the hub after it would only lengthen the episode.

    >>> from planner.subtask import Subtask
    >>> v = DispatchView({"a": Subtask(id="a", kind="place", target="stone")}, nx.DiGraph(),
    ...                  {"a": "open"}, {"w": 0.0}, {}, ["a"])
    >>> [d.last for d in mark_last([Dispatch("a", ("w",))], v)]
    [True]
    """
    starting = {d.sid for d in out if not d.stage}
    if any(v == "open" and s not in starting for s, v in view.status.items()):
        return out
    return [d if d.stage else replace(d, last=True) for d in out]


class LookaheadScheduler:
    """Dispatch by what the planner knows, aiming at the lower bound.

    - Ready subtasks go out longest remaining path first (by `seconds`, through the refined
      graph), each to the free agent that reaches where it starts soonest (its clock plus
      the walk from where it stands: to the hub when it has inputs to take, else to the work).
    - An agent staged for a subtask gets it as soon as it is ready.
    - A subtask at an exclusive station (a furnace) is not started while another holds that
      station; at most one agent waits (staged) for each such station.
    - A long splittable subtask (blocks to place, crops to harvest, animals to kill or milk)
      takes the agent of a short one started with it when that shortens the longest
      (longest processing time first, with splitting); free agents left over join it
      when their share saves at least `SPLIT_GAIN_S`.
    - Free agents still left over pre-position: each takes the subtask of the next wave
      (all its predecessors done or running) with the longest remaining path, takes from
      the hub the inputs that are there now, and waits where the subtask will start.

    `pick` (the one-agent interface) falls back to the critical-path order.
    """

    name = "lookahead"
    builders_stay = True
    """Builders wait where they built (`Subtask.stay`): one walks back to the hub only when
    its next work needs it to, so a walk after its last job never lengthens the episode."""

    def __init__(self, dag: nx.DiGraph, subtasks: dict[str, Subtask],
                 exclusive: set[tuple[int, int, int]] | None = None) -> None:
        self.seconds = {s.id: job_seconds(s) for s in subtasks.values()}
        self.priority = remaining_path(dag, self.seconds)
        self.exclusive = set(exclusive or ())
        self.bound: dict[str, tuple[str, str]] = {}
        """subtask -> (the agent it waits for, the subtask whose start bound it): work at
        one exclusive station that feeds one consumer, and that consumer, go to the agent
        that started the first of it (`_bind`)."""
        self.producers: dict[str, set[str]] = {}
        for s in subtasks.values():
            if s.kind not in NOT_DELIVERED:
                self.producers.setdefault(s.target, set()).add(s.id)

    def pick(self, agent: str, ready: list[str], state: ScheduleState) -> str | None:
        if not ready:
            return None
        return min(ready, key=lambda s: (-self.priority.get(s, 0.0), s))

    def _start_at(self, st: Subtask, hub: tuple[int, int, int] | None,
                  held: bool = False) -> tuple[int, int, int] | None:
        return hub if st.inputs and not held and hub is not None else where_work_is(st)

    def _busy_stations(self, view: DispatchView) -> set[tuple[int, int, int]]:
        return {st.station for sid, st in view.subtasks.items()
                if view.status.get(sid) == "running" and st.station in self.exclusive
                and sid not in view.released}

    def _freed_at(self, station: tuple[int, int, int] | None, view: DispatchView) -> float:
        """When an exclusive station was last given up (0 if never used)."""
        if station not in self.exclusive:
            return 0.0
        times = [t for s, t in view.released.items() if view.subtasks[s].station == station]
        times += [t for s, t in view.done_at.items() if view.status.get(s) == "done"
                  and view.subtasks[s].station == station and s not in view.released]
        return max(times, default=0.0)

    def dispatch(self, view: DispatchView) -> list[Dispatch]:
        """The decisions for the free agents of `view` (see the class docstring)."""
        self._unbind_stale(view)
        staged_for = {a: s for s, a in view.reserved.items()}
        out = self._decide(view, staged_for)
        if any(not d.stage for d in out) or any(v == "running" for v in view.status.values()):
            return out
        # Nothing runs and nothing starts: nothing will make a staged subtask ready but new
        # work, so agents prepared for one that is not ready may take ready work too (they
        # are not prepared for a second subtask while they hold what the first needs).
        return self._decide(view, {a: s for a, s in staged_for.items() if s in view.ready},
                            holding=set(view.reserved.values()))

    def _decide(self, view: DispatchView, staged_for: dict[str, str],
                holding: Collection[str] = ()) -> list[Dispatch]:
        """`dispatch` with `staged_for` (agent -> the subtask it waits for, prepared) and
        `holding` (agents never prepared again: they hold another preparation)."""
        free = sorted(view.free, key=lambda a: (view.free[a], a))
        out: list[Dispatch] = []
        busy = self._busy_stations(view)
        staged_for = dict(staged_for)

        def take(agent: str) -> None:
            free.remove(agent)

        def cost(agent: str, st: Subtask) -> float:
            held = staged_for.get(agent) == st.id
            return view.free[agent] + _travel(view.pos.get(agent),
                                              self._start_at(st, view.hub, held))

        started: list[str] = []
        bound_to = {a for a, _ in self.bound.values()}
        for sid in sorted(view.ready, key=lambda s: (s not in self.bound,
                                                     -self.priority.get(s, 0.0), s)):
            st = view.subtasks[sid]
            if st.station in busy:
                continue
            mine = view.reserved.get(sid)
            keep, carry = False, ()
            if sid in self.bound:
                agent = self.bound[sid][0]
                if agent not in free:
                    continue
                group = [agent]
                keep = any(self.bound.get(c, ("", ""))[0] == agent
                           for c in view.graph.successors(sid))
            elif mine is not None and mine in free and staged_for.get(mine) == sid:
                group = [mine]
            elif mine is not None and staged_for.get(mine) == sid:
                continue  # its agent is still preparing it, with its inputs in hand
            else:
                pool = [a for a in free if a not in staged_for
                        and a not in view.barred.get(sid, ())]
                pool = [a for a in pool if a not in bound_to] or pool
                if len(pool) < st.agents:
                    continue
                group = sorted(pool, key=lambda a: (cost(a, st), a))[: st.agents]
            group += sorted((a for a in free if a not in group and a not in staged_for
                             and a not in view.barred.get(sid, ())),
                            key=lambda a: (cost(a, st), a))[: max(0, st.agents - len(group))]
            if len(group) < st.agents:
                continue
            for a in group:
                take(a)
            freed = self._freed_at(st.station, view)
            if freed > 0.0:
                # Leave early enough to reach the station as it frees, not only then.
                lead = min(arrival_lead(view.pos.get(a), view.hub, st.station,
                                        fetch=bool(st.inputs) and staged_for.get(a) != sid)
                           for a in group)
                freed = max(0.0, freed - lead)
            if sid not in self.bound and len(group) == 1 and st.station in self.exclusive:
                bound = self._bind(sid, group[0], view)
                if bound:
                    keep = True
                    carry = self._carry(sid, bound, view)
            out.append(Dispatch(sid, tuple(group), not_before=freed, keep=keep, carry=carry))
            started.append(sid)
            if st.station in self.exclusive:
                busy.add(st.station)
        out = self._rebalance(out, view, staged_for)
        started = [d.sid for d in out]
        # Joining: split what just started over the agents nothing else needs.
        idle = [a for a in free if a not in staged_for]
        for k, d in enumerate(out):
            st = view.subtasks[d.sid]
            if st.agents > 1 or st.kind not in SPLIT_UNIT_S or not idle or \
                    staged_for.get(d.agents[0]) == d.sid or d.keep or d.sid in self.bound:
                continue
            units = len(st.blocks) if st.kind == "place" else st.count
            group = list(d.agents)
            idle_here = [a for a in idle if a not in view.barred.get(d.sid, ())]
            while idle_here and len(group) < units:
                gain = SPLIT_UNIT_S[st.kind] * (-(-units // len(group))
                                                - (-(-units // (len(group) + 1))))
                if gain < SPLIT_GAIN_S:
                    break
                best = min(idle_here, key=lambda a: (cost(a, st), a))
                idle_here.remove(best)
                idle.remove(best)
                take(best)
                group.append(best)
            out[k] = replace(d, agents=tuple(group))
        # Pre-positioning: the next wave, one agent per subtask and per exclusive station.
        staged_stations = {view.subtasks[s].station for s in view.reserved}
        candidates = [
            sid for sid, st in view.subtasks.items()
            if view.status.get(sid) == "open" and sid not in view.reserved
            and sid not in started and sid not in view.no_stage and st.agents == 1
            and sid not in self.bound
            and (sid not in view.ready or st.station in busy)
            and all(view.status.get(p) in ("done", "running", "open")
                    for p in view.graph.predecessors(sid))
        ]
        candidates.sort(key=lambda s: (-self.priority.get(s, 0.0), s))
        staged_now: set[str] = set()
        for sid in candidates:
            if not all(view.status.get(p) in ("done", "running") or p in started
                       or p in view.reserved or p in staged_now
                       for p in view.graph.predecessors(sid)):
                continue
            idle = [a for a in free if a not in staged_for and a not in holding
                    and a not in view.barred.get(sid, ()) and a not in bound_to]
            if not idle:
                continue
            st = view.subtasks[sid]
            if st.station in self.exclusive:
                if st.station in staged_stations:
                    continue
                staged_stations.add(st.station)
            pending = self._made_later(sid, view)
            inputs = tuple(sorted((i, n) for i, n in st.inputs.items() if i not in pending))
            wait_at = view.hub if pending and view.hub is not None else where_work_is(st)
            agent = min(idle, key=lambda a: (view.free[a] + _travel(view.pos.get(a), wait_at),
                                             a))
            take(agent)
            staged_for[agent] = sid
            staged_now.add(sid)
            out.append(Dispatch(sid, (agent,), stage=True, inputs=inputs, wait_at=wait_at))
        return mark_last(out, view)

    def _rebalance(self, out: list[Dispatch], view: DispatchView,
                   staged_for: dict[str, str]) -> list[Dispatch]:
        """Longest processing time, with splitting: while the longest splittable subtask
        started here, per agent on it, outlasts the shortest other one started here by
        more than a share (L / k > L / (k + 1) + M), the agent of the short one helps with
        the long one instead, and the short one waits for whoever finishes first."""
        out = list(out)

        def units(d: Dispatch) -> int:
            st = view.subtasks[d.sid]
            return len(st.blocks) if st.kind == "place" else st.count

        while True:
            # A subtask its prepared agent starts keeps that agent alone: it holds the inputs.
            longs = [d for d in out if view.subtasks[d.sid].agents == 1
                     and view.subtasks[d.sid].kind in SPLIT_UNIT_S and len(d.agents) < units(d)
                     and staged_for.get(d.agents[0]) != d.sid and d.sid not in self.bound
                     and not d.keep]
            if not longs:
                return out
            big = max(longs, key=lambda d: (self._s(d.sid, view) / len(d.agents),
                                            d.sid))
            shorts = [d for d in out if d is not big and len(d.agents) == 1
                      and d.agents[0] not in view.barred.get(big.sid, ())
                      and view.subtasks[d.sid].agents == 1
                      and view.subtasks[d.sid].station not in self.exclusive
                      and staged_for.get(d.agents[0]) != d.sid and d.sid not in self.bound
                      and not d.keep]
            if not shorts:
                return out
            small = min(shorts, key=lambda d: (self._s(d.sid, view), d.sid))
            k = len(big.agents)
            long_s = self._s(big.sid, view)
            if self._s(small.sid, view) >= long_s / k - long_s / (k + 1):
                return out
            out.remove(small)
            out[out.index(big)] = replace(big, agents=(*big.agents, small.agents[0]))

    def _bind(self, sid: str, agent: str, view: DispatchView) -> list[str]:
        """When `sid`, started by `agent` at an exclusive station, is one of several
        subtasks at that station feeding one consumer (the station serves them one after the
        other anyway), the others and the consumer wait for `agent`: it keeps each output
        in hand and ends at the consumer without a hand-off through the hub. Only when the
        others are ready now and the consumer waits for nothing else, and none is prepared
        by another agent. Returns what was bound (empty: nothing)."""
        st = view.subtasks[sid]
        for c in sorted(view.graph.successors(sid)):
            cs = view.subtasks[c]
            if view.status.get(c) != "open" or c in view.reserved or c in self.bound or \
                    cs.agents != 1 or cs.station in self.exclusive:
                continue
            preds = list(view.graph.predecessors(c))
            same = [p for p in preds if view.subtasks[p].station == st.station]
            others = [p for p in same if p != sid]
            if not others or any(
                    p not in view.ready or p in view.reserved or p in self.bound
                    or view.subtasks[p].agents != 1 or agent in view.barred.get(p, ())
                    for p in others):
                continue
            if any(view.status.get(p) != "done" for p in preds if p not in same):
                continue
            if agent in view.barred.get(c, ()):
                continue
            for b in [*others, c]:
                self.bound[b] = (agent, sid)
            return [*others, c]
        return []

    def _carry(self, sid: str, bound: list[str], view: DispatchView) -> tuple[tuple[str, int],
                                                                             ...]:
        """What the agent of `sid` takes from the hub besides its inputs, for the `bound`
        work it does next: their inputs, less the outputs it will make and keep, and less
        what some other unfinished subtask still has to make."""
        made = {view.subtasks[b].target for b in [sid, *bound]}
        need: dict[str, int] = {}
        for b in bound:
            for i, n in view.subtasks[b].inputs.items():
                if i not in made:
                    need[i] = need.get(i, 0) + n
        later = {i for i in need
                 if any(view.status.get(p) != "done" and p not in bound and p != sid
                        for p in self.producers.get(i, ()))}
        return tuple(sorted((i, n) for i, n in need.items() if i not in later))

    def _unbind_stale(self, view: DispatchView) -> None:
        """Bindings end once their subtask is under way, or when their agent is gone or the
        subtask that bound them is open again (it failed)."""
        self.bound = {s: (a, anchor) for s, (a, anchor) in self.bound.items()
                      if view.status.get(s) == "open" and a not in view.gone
                      and view.status.get(anchor) in ("running", "done")}

    def _s(self, sid: str, view: DispatchView) -> float:
        """Expected seconds of `sid` (`job_seconds`)."""
        return self.seconds.get(sid, job_seconds(view.subtasks[sid]))

    def _made_later(self, sid: str, view: DispatchView) -> set[str]:
        """Inputs of `sid` that some subtask not done yet still has to make."""
        st = view.subtasks[sid]
        return {i for i in st.inputs
                if any(view.status.get(p) != "done" for p in self.producers.get(i, ()))}
