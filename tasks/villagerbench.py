"""VillagerBench's own numbers for an episode: budgets, polls, action time, efficiency.

Facts from VillagerAgent's judges (github.com/cnsdqd-dyb/VillagerAgent): `env/build_judger.py`,
`env/farm_craft_judger.py`, `env/escape_room_judger.py` and `env/minecraft_define.py`
(`StateTree`, `AtomTask`, `MinecraftEvent`). The code is ours; the numbers are theirs.

Budget `max_action_time` (seconds):
- construction: `(ln(c) + 1) * 60 + 180`, c = sum over the blueprint's non-air blocks of
  `2 * (1 / (n + 1) + 0.02 * (y - ground))`, n = the block's blueprint neighbours (six
  directions) left after its facing's filter (`W`/`E`/`S`/`N` drop the neighbour on that side;
  axis `x` keeps only the vertical ones, `y` only the x ones, `z` only the z ones), ground = the
  lowest block's y - 1 (`measure_complexity`);
- cooking: `40 * c`, c = the index of each ingredient's stated source in the judge's option
  lists, plus 3 for a cake, 6 for a rabbit stew (the task's name decides which);
- escape: `30 * c + 60`, c = the state tree's complexity (`tasks.importers.escape`).

Polls: the judges read the world when more than a period has passed since their last reading
(cooking 5 s, construction 10 s, escape 1 s; their clock is the server's time packets, so their
readings come every period to period + 1 s). Here a poll happens every period of episode time and
once more at the end, and sees every action that started by then.
- cooking: a check point held by one agent at a poll is earned for good (`success` is never
  reset); the score is that of the earned points with the silenced ones left out.
- construction: the hit rates of the last poll.
- escape: a room done at a poll stays done; otherwise per sub-event (`final` left out) the most
  conditions satisfied at one poll (`current_max_satisfy_num`), over all its conditions.

Action time: the judges stamp each action's start and end to the whole second
(`%Y-%m-%d %H:%M:%S`), then take the union of those intervals. An episode starts on a whole
second here, so a stamp is `floor(t)`.

End: at the first poll that sees the task complete (cooking score 100, both construction hit
rates 1, every escape room done), or as soon as the action time passes the budget: then the
judge writes efficiency 1 (and the escape judge writes no `complete_score`). Otherwise
efficiency = max_action_time / action_time; an episode without action time has none (their
judges divide by zero there): null, with the reason in `efficiency_note`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from env.goals import BlueprintBlock, ConstructionGoal, CookingGoal, EscapeGoal
from env.scoring import (
    AIRLIKE,
    FINAL,
    blueprint_box,
    box_blocks,
    cooking_points,
    earned_now,
    facing_matches,
    partial_conditions,
    room_done,
    sub_event,
    view_hit_rate,
)
from env.world import Condition, Trigger, WorldView

POLL_S = {"cooking": 5.0, "construction": 10.0, "escape": 1.0}
"""Seconds between two readings of the world (the judges' `now - last_time > N`)."""

COOKING_OPTIONS: dict[str, dict[str, list[str]]] = {
    "cake": {
        "milk": ["milk_bucket in chest", "bucket in chest", "iron_ingot in chest"],
        "wheat": ["wheat in chest", "hay_block in chest", "wheat in farm", "hay_block in farm"],
        "sugar": ["sugar in chest", "sugar_cane in chest", "sugar_cane in farm"],
    },
    "rabbit_stew": {
        "cooked_rabbit": ["rabbit in chest", "rabbit in pasture"],
        "baked_potato": ["potato in chest", "potato in farm"],
        "carrot": ["carrot in chest", "carrot in farm"],
        "brown_mushroom": ["brown_mushroom in chest", "brown_mushroom in farm"],
        "bowl": ["bowl in chest", "acacia_log in pasture"],
        "coal": ["coal in chest", "coal in mine"],
    },
}
"""farm_craft_judger.py's option lists: an ingredient's source adds its index."""
COOKING_BASE = {"cake": 3, "rabbit_stew": 6}


# -- budgets ------------------------------------------------------------------------------
def cooking_complexity(name: str, sources: dict[str, str]) -> int:
    """`"cake" in name` -> the cake lists (+3), else `"rabbit_stew" in name` -> the stew's
    (+6), else 0; a source missing from its list adds nothing.

    >>> cooking_complexity("cake_0", {"milk": "bucket in chest", "wheat": "hay_block in farm",
    ...                               "sugar": "sugar in chest"})
    7
    """
    dish = "cake" if "cake" in name else "rabbit_stew" if "rabbit_stew" in name else None
    if dish is None:
        return 0
    total = COOKING_BASE[dish]
    for ingredient, options in COOKING_OPTIONS[dish].items():
        if sources.get(ingredient) in options:
            total += options.index(sources[ingredient])
    return total


def cooking_budget(name: str, sources: dict[str, str]) -> float:
    """max_action_time = 40 * complexity (farm_craft_judger.py)."""
    return cooking_budget_of(cooking_complexity(name, sources))


def cooking_budget_of(complexity: float) -> float:
    """max_action_time of a cooking task of `complexity` (40 s each, farm_craft_judger.py)."""
    return 40.0 * complexity


_KEEP: dict[str, set[tuple[int, int, int]] | None] = {
    "x": {(0, -1, 0), (0, 1, 0)}, "y": {(-1, 0, 0), (1, 0, 0)}, "z": {(0, 0, -1), (0, 0, 1)}}
_DROP = {"west": (-1, 0, 0), "east": (1, 0, 0), "south": (0, 0, -1), "north": (0, 0, 1)}
_SIDES = ((-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1))


def construction_complexity(blueprint: Iterable[BlueprintBlock],
                            height_weight: float = 0.02) -> float:
    """build_judger `measure_complexity` (module docstring). A three-block column of blocks
    without facing: 2*(1/2 + .02) + 2*(1/3 + .04) + 2*(1/2 + .06) = 2.90667.

    >>> round(construction_complexity([BlueprintBlock(name="stone", pos=(0, y, 0))
    ...                                for y in (-60, -59, -58)]), 5)
    2.90667
    """
    blocks = [b for b in blueprint if b.name not in AIRLIKE]
    if not blocks:
        return 0.0
    cells = {b.pos for b in blocks}
    ground = min(b.pos[1] for b in blocks) - 1
    total = 0.0
    for b in blocks:
        x, y, z = b.pos
        paths = [d for d in _SIDES if (x + d[0], y + d[1], z + d[2]) in cells]
        if y == ground:  # never true (ground is below the lowest block), kept as theirs
            paths.append((0, -1, 0))
        if b.facing in _DROP:
            paths = [p for p in paths if p != _DROP[b.facing]]
        elif b.facing in _KEEP:
            paths = [p for p in paths if p in _KEEP[b.facing]]  # type: ignore[operator]
        total += (1 / (len(paths) + 1) + (y - ground) * height_weight) * 2
    return total


def construction_budget(blueprint: Iterable[BlueprintBlock]) -> float:
    """max_action_time = (ln(complexity) + 1) * 60 + 180 (build_judger.py)."""
    c = construction_complexity(blueprint)
    return (math.log(c) + 1) * 60 + 180 if c > 0 else 180.0


def escape_budget(complexity: float) -> float:
    """max_action_time = 30 * complexity + 60 (escape_room_judger.py)."""
    return 30.0 * complexity + 60.0


# -- action time and balance --------------------------------------------------------------
def stamped_action_time(intervals: Iterable[tuple[float, float]]) -> int:
    """The union of the intervals with both ends cut to the whole second, merged the way the
    judges' `calculate_action_time` does (sorted by start; a start before the current end
    extends it).

    >>> stamped_action_time([(0.2, 1.9), (1.5, 3.1), (7.9, 8.0)])
    4
    """
    stamps = sorted(((math.floor(s), math.floor(e)) for s, e in intervals), key=lambda p: p[0])
    if not stamps:
        return 0
    total = 0
    start, end = stamps[0]
    for s, e in stamps[1:]:
        if s < end:
            end = max(end, e)
        else:
            total += end - start
            start, end = s, e
    return total + end - start


def judge_balance(durations: dict[str, float], agents: int) -> float:
    """1 - std(t_i / (max t + 1e-8)), absent agents counted as 0 (`calculate_balance`)."""
    times = list(durations.values()) + [0.0] * max(0, agents - len(durations))
    top = max(times, default=0.0) + 1e-8
    shares = [t / top for t in times]
    mean = sum(shares) / len(shares) if shares else 0.0
    return 1.0 - (sum((s - mean) ** 2 for s in shares) / len(shares)) ** 0.5 if shares else 1.0


# -- escape conditions at a moment ---------------------------------------------------------
def _truthy(v: object) -> bool:
    return v is True or (isinstance(v, str) and v.lower() == "true")


def condition_at(view: WorldView, cond: Condition, t: float) -> bool:
    """Whether a condition holds at time t: the block's name and states now, and `powered`
    read off the simulator's powered intervals where it keeps them (a plate is powered while
    someone stands on it), else off the block's state."""
    here = view.block(cond.pos)
    if here.name != cond.block:
        return False
    for k, v in cond.state.items():
        if k == "powered":
            continue
        if str(here.state.get(k)).lower() != str(v).lower():
            return False
    if "powered" not in cond.state:
        return True
    want = _truthy(cond.state["powered"])
    spans = getattr(view, "powered", {}).get(cond.pos)
    if spans is not None and here.name != "lever":
        return any(h.on <= t < h.off for h in spans) == want
    return _truthy(here.state.get("powered")) == want


# -- the judge ----------------------------------------------------------------------------
@dataclass
class VillagerBenchJudge:
    """Keeps what VillagerBench's judge would keep over an episode. Feed it every action as
    it runs (`on_action`) and let it read the world before each action starts (`advance`)
    and at the end (`finish`); `block()` is the result's `villagerbench` block."""

    family: str
    goal: Any
    budget_s: float
    agents: int
    triggers: list[Trigger] = field(default_factory=list)
    complexity: float | None = None
    poll_s: float = 0.0
    next_poll: float = 0.0
    intervals: list[tuple[str, float, float]] = field(default_factory=list)
    earned: set[str] = field(default_factory=set)
    rates: tuple[float, float] = (0.0, 0.0)
    done_rooms: set[int] = field(default_factory=set)
    """Indexes into `units()` of the escape tasks done."""
    best: dict[tuple[int, int], int] = field(default_factory=dict)
    complete_at: float | None = None
    over_at: float | None = None
    last_poll: float = 0.0
    polls: int = 0

    def __post_init__(self) -> None:
        self.poll_s = POLL_S[self.family]
        self.next_poll = self.poll_s

    # -- input ----------------------------------------------------------------------------
    def on_action(self, agent: str, start: float, end: float) -> None:
        self.intervals.append((agent, start, end))
        if self.over_at is None:
            self.over_at = self._over_budget_at()

    def ended(self) -> float | None:
        """When their judge ends the episode (complete or over budget), if it has."""
        ends = [t for t in (self.complete_at, self.over_at) if t is not None]
        return min(ends) if ends else None

    def advance(self, t: float, view: WorldView, fired_at: dict[str, float]) -> None:
        """Take the polls due before time t (the world as it stands: every action that
        started before t has run)."""
        while self.next_poll < t:
            self._poll(self.next_poll, view, fired_at)
            self.next_poll += self.poll_s

    def finish(self, t_end: float, view: WorldView, fired_at: dict[str, float]) -> None:
        """The polls up to the end of the episode, and one at the end."""
        self.advance(t_end, view, fired_at)
        self._poll(max(t_end, self.last_poll), view, fired_at)

    # -- polls ----------------------------------------------------------------------------
    def _poll(self, t: float, view: WorldView, fired_at: dict[str, float]) -> None:
        end = self.ended()
        if end is not None and t > end:
            return
        self.polls += 1
        self.last_poll = t
        if self.family == "cooking":
            self.earned |= earned_now(self.goal, view)
            complete = self.score() == 100
        elif self.family == "construction":
            self.rates = construction_rates(self.goal, view)
            complete = self.rates == (1.0, 1.0)
        else:
            complete = self._escape_poll(t, view, fired_at)
        if complete and self.complete_at is None:
            self.complete_at = t

    def units(self) -> list[list[Trigger]]:
        """VillagerBench's escape tasks: each room, or each of its `parts`, as triggers."""
        by_id = {tr.id: tr for tr in self.triggers}
        out = []
        for room in self.goal.rooms:
            for ids in (room.parts or [room.triggers]):
                out.append([by_id[x] for x in ids if x in by_id])
        return out

    def _escape_poll(self, t: float, view: WorldView, fired_at: dict[str, float]) -> bool:
        fired = {k for k, when in fired_at.items() if when <= t}
        units = self.units()
        for u, mine in enumerate(units):
            if room_done(mine, fired):
                self.done_rooms.add(u)
            for i, group in enumerate(partial_conditions(mine)):
                now = sum(1 for c in group if condition_at(view, c, t))
                self.best[(u, i)] = max(self.best.get((u, i), 0), now)
        return len(self.done_rooms) == len(units)

    def _over_budget_at(self) -> float | None:
        """The first whole second at which the action time of the actions ended by then
        passes the budget, if it does."""
        ends = sorted({math.floor(e) for _, _, e in self.intervals})
        if stamped_action_time((s, e) for _, s, e in self.intervals) <= self.budget_s:
            return None
        for tau in ends:
            done = [(s, e) for _, s, e in self.intervals if math.floor(e) <= tau]
            if stamped_action_time(done) > self.budget_s:
                return float(tau)
        return None

    # -- output ---------------------------------------------------------------------------
    def score(self) -> float:
        return cooking_points(self.goal, self.earned)

    def complete_score(self) -> float:
        units = self.units()
        if not units:
            return 0.0
        total = 0.0
        for u, mine in enumerate(units):
            if u in self.done_rooms:
                total += 1.0
                continue
            groups = partial_conditions(mine)
            n = sum(len(g) for g in groups)
            got = sum(self.best.get((u, i), 0) for i in range(len(groups)))
            total += got / n if n else 0.0
        return total / len(units)

    def block(self, t_end: float) -> dict[str, Any]:
        """The numbers their judge would write for the episode that ended at t_end."""
        end = self.ended()
        stop = end if end is not None else t_end
        done = [(a, s, e) for a, s, e in self.intervals if end is None or math.floor(e) <= stop]
        action_time = stamped_action_time((s, e) for _, s, e in done)
        durations: dict[str, float] = {}
        for a, s, e in done:
            durations[a] = durations.get(a, 0.0) + (e - s)
        over = self.over_at is not None and (self.complete_at is None
                                             or self.over_at <= self.complete_at)
        out: dict[str, Any] = {}
        if self.family == "cooking":
            out["score"] = self.score()
        elif self.family == "construction":
            out["block_hit_rate"], out["view_hit_rate"] = self.rates
        else:
            out["complete_score"] = None if over else round(self.complete_score(), 6)
        if over:
            reason, eff, note = "action time out", 1.0, None
        elif action_time == 0:
            reason = "complete task" if self.complete_at is not None else "episode ended"
            eff, note = None, ("no action time: VillagerBench would divide by zero"
                               if self.intervals else "no action")
        else:
            reason = "complete task" if self.complete_at is not None else "episode ended"
            eff, note = self.budget_s / action_time, None
        out.update({
            "max_action_time": round(self.budget_s, 6),
            "action_time": action_time,
            "efficiency": None if eff is None else round(eff, 6),
            "balance": round(judge_balance(durations, self.agents), 6),
            "end_reason": reason,
            "end_s": round(stop, 4),
        })
        if self.complexity is not None:
            out["complexity"] = round(self.complexity, 6)
        if self.family == "escape" and self.complexity is not None:
            out["complexity_score"] = round(self.complexity * self.complete_score(), 6)
        if note:
            out["efficiency_note"] = note
        return out


def construction_rates(goal: ConstructionGoal, view: WorldView) -> tuple[float, float]:
    bp = [b for b in goal.blueprint if b.name not in AIRLIKE]
    if not bp:
        return 1.0, 1.0
    hits = sum(1 for b in bp if view.block(b.pos).name == b.name
               and facing_matches(b.facing, view.block(b.pos).state))
    lo, hi = blueprint_box(bp)
    return hits / len(bp), view_hit_rate(bp, box_blocks(view, lo, hi))


def make_judge(spec: Any, agents: int) -> VillagerBenchJudge:
    """The judge of a TaskSpec's family, with its budget."""
    goal = spec.goal
    complexity: float | None = None
    if isinstance(goal, ConstructionGoal):
        complexity = construction_complexity(goal.blueprint)
    elif isinstance(goal, CookingGoal):
        # as the budget was made (tasks/importers/cooking.py): by the task's name as
        # VillagerAgent keys it, else by its dish, else 1 (40 s)
        complexity = float(cooking_complexity(spec.id.partition("/")[2], goal.sources)
                           or cooking_complexity(goal.target, goal.sources) or 1)
    elif isinstance(goal, EscapeGoal):
        complexity = (spec.budget_s - 60.0) / 30.0
    return VillagerBenchJudge(family=spec.family, goal=goal, budget_s=spec.budget_s,
                              agents=agents, triggers=list(spec.world.triggers),
                              complexity=complexity)


def fired_times(backend: Any, now: float) -> dict[str, float]:
    """Each fired trigger with when it fired: the simulator keeps the time; otherwise `now`."""
    view = backend.view()
    times = getattr(view, "fired", None)
    if isinstance(times, dict):
        return dict(times)
    return dict.fromkeys(backend.fired(), now)


BUDGET_STOP_REASON = "the action time passed the budget: VillagerBench ends the episode here"


class JudgedBackend:
    """A backend seen through VillagerBench's judge: before each action the judge reads the
    world (its polls), after it the judge logs the action's interval. With `stop_at_budget`,
    actions that would start after the action time passed the budget are refused with
    `BUDGET_STOP_REASON` and `stopped` turns true, so the runner can end the episode."""

    def __init__(self, backend: Any, judge: VillagerBenchJudge, stop_at_budget: bool) -> None:
        self._backend = backend
        self.judge = judge
        self.stop_at_budget = stop_at_budget

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    @property
    def stopped(self) -> bool:
        return self.stop_at_budget and self.judge.over_at is not None

    def execute(self, agent: str, action: Any, start: float) -> Any:
        from env.backend import Outcome

        if self.stopped and start >= (self.judge.over_at or 0.0):
            return Outcome(ok=False, reason=BUDGET_STOP_REASON)
        self.judge.advance(start, self._backend.view(), fired_times(self._backend, start))
        outcome = self._backend.execute(agent, action, start)
        self.judge.on_action(agent, start, start + max(0.0, outcome.seconds))
        return outcome

    def finish(self, t_end: float) -> dict[str, Any]:
        """Close the judge's readings at the episode's end; the `villagerbench` block."""
        self.judge.finish(t_end, self._backend.view(), fired_times(self._backend, t_end))
        return self.judge.block(t_end)


__all__ = ["BUDGET_STOP_REASON", "FINAL", "POLL_S", "JudgedBackend", "VillagerBenchJudge",
           "construction_budget", "cooking_budget", "cooking_budget_of", "escape_budget",
           "make_judge", "stamped_action_time", "sub_event"]
