"""Items on the ground: what did not fit a player's inventory, and who picks it up when.

Vanilla 1.19.2 (env/data/ground_items.json, read by the server's env/server/ground.js too):
an item that cannot go into an inventory stays in the world as an item entity; a player
picks it up when its box (0.6 x 1.8) grown by 1 block on x and z and 0.5 on y meets the
item's (0.25 x 0.25), the item's pickup delay is over and there is room (part-filled stacks
first, then empty slots; what does not fit stays on the ground); it despawns after 5
minutes. The delay depends on how the item came: a block's or an animal's drop 10 ticks, a
player's drop (a milk bucket with no room) 40 ticks, a /give's overflow none (and only the
player it was given to may take it).

Both backends lay such items at the feet of the player they were meant for (the project
hands a block's drops and a kill's loot to the player who broke or killed it, as its bots
collect them), so that what lies where is the same on both. The simulator keeps them as a
list of `GroundItem`s in virtual time (`env.sim.ground`); the functions here are pure.

    >>> touches((0.5, -60.0, 0.5), (1.9, -60.0, 0.5))
    True
    >>> touches((0.5, -60.0, 0.5), (1.95, -60.0, 0.5))
    False
    >>> g = dropped("oak_log", 1, (0.5, -60.0, 0.5), 2.0, "block_drop")
    >>> (g.ready, g.gone)
    (2.5, 302.0)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from env.world import FPos, distance

DATA = Path(__file__).parent / "data" / "ground_items.json"
_G = json.loads(DATA.read_text())
_TPS = float(_G["ticks_per_second"])

Kind = Literal["block_drop", "player_drop", "give_overflow"]
"""How an item came to lie on the ground, which sets its pickup delay."""

PICKUP_DELAY_S: dict[str, float] = {k: v / _TPS for k, v in _G["pickup_delay_ticks"].items()}
"""Seconds before an item of each kind can be picked up (0.5 s, 2 s, 0 s)."""
DESPAWN_S: float = _G["despawn_ticks"] / _TPS
"""Seconds an item lies before it despawns (300 s)."""
REACH_XZ: float = (_G["player_box"]["width"] / 2 + _G["pickup_inflate"]["horizontal"]
                   + _G["item_box"]["width"] / 2)
"""Horizontal distance (on x and on z, each) under which a player's grown box meets an
item's box: 0.3 + 1.0 + 0.125 = 1.425 blocks."""
BELOW: float = _G["pickup_inflate"]["vertical"] + _G["item_box"]["height"]
"""An item lying less than this below the feet (0.75 blocks: 0.5 + its height)..."""
ABOVE: float = _G["player_box"]["height"] + _G["pickup_inflate"]["vertical"]
"""... or less than this above them (2.3 blocks) is within the grown box's height."""


class GroundItem(NamedTuple):
    """`count` of `item` lying with its box's bottom centre at `pos`, dropped at virtual time
    `at`; it can be picked up from `ready` on (by `owner` only, when set) and is gone at
    `gone` (virtual s)."""

    item: str
    count: int
    pos: FPos
    at: float
    ready: float
    gone: float
    owner: str | None = None


SEE_GROUND = 8.0
"""Blocks: the items on the ground an agent's observation lists lie this near its feet."""
SEE_MOST = 8
"""The observation lists at most this many stacks, the nearest first."""


class GroundStack(BaseModel):
    """One stack lying on the ground, as an observation shows it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str
    count: int
    pos: FPos


def nearest_ground(feet: FPos, stacks: list[GroundStack]) -> list[GroundStack]:
    """The stacks within `SEE_GROUND` of `feet`, nearest first (ties by item), at most
    `SEE_MOST` of them, positions rounded to 0.1 block (a server's items settle a little
    apart from where they fell)."""
    near = sorted((round(distance(feet, g.pos), 3), g.item, g) for g in stacks
                  if distance(feet, g.pos) <= SEE_GROUND)
    return [g.model_copy(update={"pos": tuple(round(v, 1) for v in g.pos)})
            for _, _, g in near[:SEE_MOST]]


def dropped(item: str, count: int, pos: FPos, at: float, kind: Kind,
            owner: str | None = None) -> GroundItem:
    """An item dropped at `pos` at virtual time `at`, its delay and despawn by `kind`
    (KeyError for an unknown kind)."""
    return GroundItem(item, count, pos, at, at + PICKUP_DELAY_S[kind], at + DESPAWN_S, owner)


def touches(feet: FPos, item: FPos) -> bool:
    """Whether a player whose feet are at `feet` touches an item lying at `item`: the boxes
    meet strictly (vanilla's AABB.intersects; touching faces do not count)."""
    dy = item[1] - feet[1]
    return (abs(item[0] - feet[0]) < REACH_XZ and abs(item[2] - feet[2]) < REACH_XZ
            and -BELOW < dy < ABOVE)


def first_touch(path: list[tuple[float, FPos]], until: float, g: GroundItem,
                agent: str) -> float | None:
    """The first moment at which `agent`, moving along `path` ((time, feet) points in time
    order, straight between them, standing at the last one until `until`), touches `g` while
    `g` can be picked up by it (ready, not gone, its owner or none); None if never."""
    if g.owner is not None and g.owner != agent or not path:
        return None
    legs = list(zip(path, path[1:], strict=False)) + [(path[-1], (until, path[-1][1]))]
    for (t0, p0), (t1, p1) in legs:
        lo, hi = _inside(p0, p1, g.pos)
        if lo is None or hi is None:
            continue
        enter, leave = t0 + lo * (t1 - t0), t0 + hi * (t1 - t0)
        t = max(enter, g.ready)
        if t <= leave and t < g.gone:
            return t
    return None


def _inside(p0: FPos, p1: FPos, item: FPos) -> tuple[float | None, float | None]:
    """The part [lo, hi] of the segment p0 -> p1 (as fractions 0..1) on which feet there
    touch `item`, or (None, None). A segment of one point is [0, 1] or nothing."""
    lo, hi = 0.0, 1.0
    bounds = ((item[0] - REACH_XZ, item[0] + REACH_XZ), (item[1] - ABOVE, item[1] + BELOW),
              (item[2] - REACH_XZ, item[2] + REACH_XZ))
    for axis, (a, b) in enumerate(bounds):
        start, d = p0[axis], p1[axis] - p0[axis]
        if abs(d) < 1e-12:
            if not a < start < b:
                return None, None
            continue
        s0, s1 = (a - start) / d, (b - start) / d
        if s0 > s1:
            s0, s1 = s1, s0
        lo, hi = max(lo, s0), min(hi, s1)
        if lo >= hi:
            return None, None
    return lo, hi
