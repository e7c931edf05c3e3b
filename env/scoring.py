"""VillagerBench's completion scores of one moment, as pure functions of a goal and a world view.

Each function reads the world as VillagerAgent's judge reads it at one poll (github.com/
cnsdqd-dyb/VillagerAgent, `env/farm_craft_judger.py`, `env/build_judger.py`,
`env/escape_room_judger.py` with `env/minecraft_define.py`). What their judges keep across polls
(cooking credit once earned, an escape room's best moment) is `tasks.villagerbench`'s business.

- cooking: a check point is earned when one agent holds its `count`; the score is the sum of the
  earned check points that no earned dish above them silences, where a dish silences its `sub`
  check points and, transitively, theirs (farm_craft_judger `calculate_score`). Completion =
  score / the dish's score, at most 1.
- construction: `block_hit_rate` = blueprint blocks whose world block has the name and, where
  the blueprint asks one, the facing (`N/S/E/W`: the block's `facing` state) or the axis
  (`x/y/z`: the block's `axis` state; never read off a facing), over all blueprint blocks;
  a block that lacks the asked state is a miss (build_judger `check_block`). `view_hit_rate` =
  mean over five views (from +x, -z, +z, -x and the top) of the share of the blueprint's
  visible cells whose first non-air world block, met from the viewer's side inside the
  blueprint's box, has the blueprint's name: any block in the box counts, so a stray block in
  front of the building hides it (build_judger `cal_view_hit_rate`). Score = 100 x
  block_hit_rate; completion = block_hit_rate.
- escape: per room, 1 once it is done (its `final` trigger fired, or every trigger when it has
  no `final`); otherwise the share of its non-`final` conditions that hold now (the `final`
  sub-event is left out of the partial credit, as `AtomTask.event_update` keeps it out of
  `events`). Score = 100 x the mean over rooms; completion = that mean.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from env.goals import BlueprintBlock, CheckPoint, ConstructionGoal, CookingGoal, EscapeGoal, Goal
from env.world import Condition, Pos, Trigger, WorldView

AIRLIKE = frozenset({"air", "cave_air", "void_air", "water", "lava"})
"""Blocks the construction judge looks through (it skips air, water and lava)."""
DIRECTIONS = frozenset({"north", "south", "east", "west"})
AXES = frozenset({"x", "y", "z"})
FINAL = "final"
"""The escape sub-event that ends a room and earns no partial credit."""


@dataclass(frozen=True)
class Score:
    score: float
    completion: float
    details: dict[str, float] = field(default_factory=dict)


# -- cooking ------------------------------------------------------------------------------
def silenced_by(points: list[CheckPoint], earned: Iterable[str]) -> set[str]:
    """The check points that earned dishes silence: the `sub` of every earned point, and their
    `sub`, at any depth (names that are no check point end the walk).

    >>> cps = [CheckPoint(item="cake", score=100, sub=["sugar"]),
    ...        CheckPoint(item="sugar", score=25, sub=["sugar_cane"]),
    ...        CheckPoint(item="sugar_cane", score=5)]
    >>> sorted(silenced_by(cps, ["cake", "sugar_cane"]))
    ['sugar', 'sugar_cane']
    """
    subs = {cp.item: cp.sub for cp in points}
    out: set[str] = set()
    for name in earned:
        todo = list(subs.get(name, []))
        while todo:
            sub = todo.pop()
            if sub not in out:
                out.add(sub)
                todo.extend(subs.get(sub, []))
    return out


def cooking_points(goal: CookingGoal, earned: Iterable[str]) -> float:
    """The score of a set of earned check points (VillagerBench's `calculate_score`)."""
    earned = set(earned)
    silenced = silenced_by(goal.check_points, earned)
    return float(sum(cp.score for cp in goal.check_points
                     if cp.item in earned and cp.item not in silenced))


def dish_score(goal: CookingGoal) -> float:
    return next((cp.score for cp in goal.check_points if cp.item == goal.target), 100.0)


def earned_now(goal: CookingGoal, view: WorldView) -> set[str]:
    """The check points some single agent holds in the required count now."""
    inventories = [view.inventory(a) for a in view.agents()]
    return {cp.item for cp in goal.check_points
            if any(inv.get(cp.item, 0) >= cp.count for inv in inventories)}


def score_cooking(goal: CookingGoal, view: WorldView) -> Score:
    """The cooking score of what the agents hold now (hand-checked in tests/test_scoring.py)."""
    total = cooking_points(goal, earned_now(goal, view))
    dish = dish_score(goal)
    return Score(total, min(1.0, total / dish) if dish else 0.0)


# -- construction -------------------------------------------------------------------------
def facing_matches(want: str | None, state: dict[str, object]) -> bool:
    """build_judger `check_block` on a block of the right name: no wish (`A`) is a hit; a
    direction needs that `facing`, an axis that `axis`; a block without the state is a miss,
    and so is any other wish (their check knows only N/S/E/W and x/y/z)."""
    if want is None:
        return True
    if want in DIRECTIONS:
        return state.get("facing") == want
    if want in AXES:
        return state.get("axis") == want
    return False


def blueprint_box(bp: list[BlueprintBlock]) -> tuple[Pos, Pos]:
    """The blueprint's box, corners included: from its least to its greatest coordinates
    (the judge's `x_min .. x_min + size`, `size` being the blueprint's extent)."""
    lo = tuple(min(b.pos[i] for b in bp) for i in range(3))
    hi = tuple(max(b.pos[i] for b in bp) for i in range(3))
    return lo, hi  # type: ignore[return-value]


# Each view: (depth axis, the two cell axes, True when the viewer looks from the high side).
_VIEWS = ((0, (1, 2), True), (2, (0, 1), False), (2, (0, 1), True), (0, (1, 2), False),
          (1, (2, 0), True))


def _first_seen(blocks: dict[Pos, str], depth: int, cell_axes: tuple[int, int],
                high: bool) -> dict[tuple[int, int], str]:
    seen: dict[tuple[int, int], tuple[int, str]] = {}
    for pos, name in blocks.items():
        cell = (pos[cell_axes[0]], pos[cell_axes[1]])
        key = -pos[depth] if high else pos[depth]
        if cell not in seen or key < seen[cell][0]:
            seen[cell] = (key, name)
    return {c: n for c, (_, n) in seen.items()}


def view_hit_rate(bp: list[BlueprintBlock], world: dict[Pos, str]) -> float:
    """Mean over the five views of the blueprint's visible cells seen right; `world` holds the
    non-air blocks inside the blueprint's box."""
    want = {b.pos: b.name for b in bp}
    rates = []
    for depth, axes, high in _VIEWS:
        wanted = _first_seen(want, depth, axes, high)
        got = _first_seen(world, depth, axes, high)
        rates.append(sum(1 for c, n in wanted.items() if got.get(c) == n) / len(wanted))
    return sum(rates) / len(rates)


def box_blocks(view: WorldView, lo: Pos, hi: Pos) -> dict[Pos, str]:
    """Every block in the box that the judge does not look through."""
    out: dict[Pos, str] = {}
    for x in range(lo[0], hi[0] + 1):
        for y in range(lo[1], hi[1] + 1):
            for z in range(lo[2], hi[2] + 1):
                name = view.block((x, y, z)).name
                if name not in AIRLIKE:
                    out[(x, y, z)] = name
    return out


def score_construction(goal: ConstructionGoal, view: WorldView) -> Score:
    bp = [b for b in goal.blueprint if b.name not in AIRLIKE]
    if not bp:
        return Score(100.0, 1.0, {"block_hit_rate": 1.0, "view_hit_rate": 1.0})
    hits = 0
    for b in bp:
        here = view.block(b.pos)
        if here.name == b.name and facing_matches(b.facing, here.state):
            hits += 1
    block_rate = hits / len(bp)
    lo, hi = blueprint_box(bp)
    view_rate = view_hit_rate(bp, box_blocks(view, lo, hi))
    return Score(100.0 * block_rate, block_rate,
                 {"block_hit_rate": block_rate, "view_hit_rate": view_rate})


# -- escape -------------------------------------------------------------------------------
def condition_holds(view: WorldView, cond_block: str, pos: Pos,
                    state: dict[str, object]) -> bool:
    here = view.block(pos)
    if here.name != cond_block:
        return False
    return all(here.state.get(k) == v for k, v in state.items())


def sub_event(trigger_id: str) -> str:
    """A trigger's sub-event: what follows the last `:` of its id (`room0:final` -> final)."""
    return trigger_id.rpartition(":")[2]


def partial_conditions(room_triggers: list[Trigger]) -> list[list[Condition]]:
    """Per non-`final` trigger of a room, its conditions, one per position (the judge keys a
    sub-event's conditions by position)."""
    out = []
    for t in room_triggers:
        if sub_event(t.id) == FINAL:
            continue
        by_pos = {c.pos: c for c in t.conditions}
        out.append(list(by_pos.values()))
    return out


def room_done(room_triggers: list[Trigger], fired: Iterable[str]) -> bool:
    """Done when its `final` trigger fired, or, without one, every trigger."""
    fired = set(fired)
    finals = [t for t in room_triggers if sub_event(t.id) == FINAL]
    if finals:
        return all(t.id in fired for t in finals)
    return bool(room_triggers) and all(t.id in fired for t in room_triggers)


def score_escape(goal: EscapeGoal, triggers: list[Trigger], fired: set[str],
                 view: WorldView) -> Score:
    by_id = {t.id: t for t in triggers}
    per_room = []
    for room in goal.rooms:
        mine = [by_id[t] for t in room.triggers if t in by_id]
        if room_done(mine, fired):
            per_room.append(1.0)
            continue
        groups = partial_conditions(mine)
        total = sum(len(g) for g in groups)
        met = sum(1 for g in groups for c in g
                  if condition_holds(view, c.block, c.pos, dict(c.state)))
        per_room.append(met / total if total else 0.0)
    value = sum(per_room) / len(per_room) if per_room else 0.0
    return Score(100.0 * value, value, {f"room_{i}": v for i, v in enumerate(per_room)})


def score(goal: Goal, view: WorldView, triggers: list[Trigger] | None = None,
          fired: set[str] | None = None) -> Score:
    """The family's own score and the completion in [0, 1], of the world as it is now."""
    if isinstance(goal, CookingGoal):
        return score_cooking(goal, view)
    if isinstance(goal, ConstructionGoal):
        return score_construction(goal, view)
    return score_escape(goal, triggers or [], fired or set(), view)
