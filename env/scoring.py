"""VillagerBench's completion scores, as pure functions of a goal and a world view.

- cooking: the sum of the scores of the check points that some agent holds in the required
  count; a check point listed in the `sub` of a held one no longer counts (the ingredients
  of a finished dish). Completion = score / the full dish's score, at most 1.
- construction: `block_hit_rate` (blueprint blocks whose name and facing match, over all
  blueprint blocks) and `view_hit_rate` (mean over five orthographic views, top and four
  sides, of the visible blueprint cells whose visible world block matches). Score =
  100 x block_hit_rate; completion = block_hit_rate.
- escape: the mean over rooms of 1 if every trigger of the room fired, else the fraction of
  its conditions that hold now. Score = 100 x that; completion = that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from env.goals import BlueprintBlock, ConstructionGoal, CookingGoal, EscapeGoal, Goal
from env.world import Pos, Trigger, WorldView

AXIS_OF = {"north": "z", "south": "z", "east": "x", "west": "x", "up": "y", "down": "y"}


@dataclass(frozen=True)
class Score:
    score: float
    completion: float
    details: dict[str, float] = field(default_factory=dict)


def score_cooking(goal: CookingGoal, view: WorldView) -> Score:
    """>>> (hand-checked in tests/test_scoring.py)"""
    inventories = [view.inventory(a) for a in view.agents()]

    def held(item: str, count: int) -> bool:
        return any(inv.get(item, 0) >= count for inv in inventories)

    held_points = [cp for cp in goal.check_points if held(cp.item, cp.count)]
    silenced = {s for cp in held_points for s in cp.sub}
    total = sum(cp.score for cp in held_points if cp.item not in silenced)
    dish = next((cp.score for cp in goal.check_points if cp.item == goal.target), 100.0)
    return Score(total, min(1.0, total / dish) if dish else 0.0)


def facing_matches(want: str | None, state: dict[str, object]) -> bool:
    if want is None:
        return True
    if want in ("x", "y", "z"):
        axis = state.get("axis")
        if axis is not None:
            return axis == want
        facing = state.get("facing")
        return facing is None or AXIS_OF.get(str(facing)) == want
    facing = state.get("facing")
    return facing is None or facing == want


def _views(blocks: dict[Pos, str]) -> list[dict[tuple[int, int], str]]:
    """The five orthographic views (top, +x, -x, +z, -z) of a block map: for each 2D cell,
    the name of the first block met from the viewer's side."""
    views: list[dict[tuple[int, int], tuple[int, str]]] = [{} for _ in range(5)]
    for (x, y, z), name in blocks.items():
        keyed = [((x, z), -y), ((y, z), -x), ((y, z), x), ((x, y), -z), ((x, y), z)]
        for view, (cell, depth) in zip(views, keyed, strict=True):
            seen = view.get(cell)
            if seen is None or depth < seen[0]:
                view[cell] = (depth, name)
    return [{cell: name for cell, (_, name) in v.items()} for v in views]


def score_construction(goal: ConstructionGoal, view: WorldView) -> Score:
    bp: list[BlueprintBlock] = [b for b in goal.blueprint if b.name != "air"]
    if not bp:
        return Score(100.0, 1.0, {"block_hit_rate": 1.0, "view_hit_rate": 1.0})
    hits = 0
    built: dict[Pos, str] = {}
    for b in bp:
        here = view.block(b.pos)
        if here.name != "air":
            built[b.pos] = here.name
        if here.name == b.name and facing_matches(b.facing, here.state):
            hits += 1
    block_rate = hits / len(bp)
    want_views = _views({b.pos: b.name for b in bp})
    got_views = _views(built)
    rates = []
    for want, got in zip(want_views, got_views, strict=True):
        rates.append(sum(1 for c, n in want.items() if got.get(c) == n) / len(want))
    view_rate = sum(rates) / len(rates)
    return Score(100.0 * block_rate, block_rate,
                 {"block_hit_rate": block_rate, "view_hit_rate": view_rate})


def condition_holds(view: WorldView, cond_block: str, pos: Pos,
                    state: dict[str, object]) -> bool:
    here = view.block(pos)
    if here.name != cond_block:
        return False
    return all(here.state.get(k) == v for k, v in state.items())


def score_escape(goal: EscapeGoal, triggers: list[Trigger], fired: set[str],
                 view: WorldView) -> Score:
    by_id = {t.id: t for t in triggers}
    per_room = []
    for room in goal.rooms:
        if room.triggers and all(t in fired for t in room.triggers):
            per_room.append(1.0)
            continue
        conds = [c for tid in room.triggers for c in by_id[tid].conditions]
        met = sum(1 for t in room.triggers if t in fired
                  for _ in by_id[t].conditions)
        met += sum(1 for tid in room.triggers if tid not in fired
                   for c in by_id[tid].conditions
                   if condition_holds(view, c.block, c.pos, dict(c.state)))
        per_room.append(met / len(conds) if conds else 0.0)
    value = sum(per_room) / len(per_room) if per_room else 0.0
    return Score(100.0 * value, value, {f"room_{i}": v for i, v in enumerate(per_room)})


def score(goal: Goal, view: WorldView, triggers: list[Trigger] | None = None,
          fired: set[str] | None = None) -> Score:
    """The family's own score and the completion in [0, 1]."""
    if isinstance(goal, CookingGoal):
        return score_cooking(goal, view)
    if isinstance(goal, ConstructionGoal):
        return score_construction(goal, view)
    return score_escape(goal, triggers or [], fired or set(), view)
