"""Blocks that join their neighbours (fences, fence gates beside walls, glass panes, iron bars,
walls), as vanilla 1.19.2 rules it (env/data/connections.json, read by env/js/connections.js
too): the state such a block takes among its neighbours, when it is placed and whenever a
neighbour changes (getStateForPlacement, updateShape; a /setblock or /fill places the same
way and reshapes the neighbours: BlockInput.place with Block.updateFromNeighbourShapes).

A neighbour's face is sturdy when its support shape covers the whole face (isFaceSturdy,
SupportType.FULL): its collision boxes (minecraft-data) taken together, or a full cube for
the few blocks whose support shape is larger than their collision box (soul sand, mud).

    >>> fence = BlockState(name="oak_fence")
    >>> world = {(0, 0, 0): fence, (1, 0, 0): fence, (0, 0, -1): BlockState(name="stone")}
    >>> at = lambda p: world.get(p, BlockState(name="air"))
    >>> s = connected_state(fence, (0, 0, 0), at)
    >>> s["north"], s["east"], s["south"], s["west"]
    (True, True, False, False)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from env.collision import collision_boxes
from env.world import BlockState, Pos

DATA_FILE = Path(__file__).parent / "data" / "connections.json"
SIDES = ("north", "east", "south", "west")
"""The horizontal sides a connecting block joins, in the game's property order."""
STEP: dict[str, tuple[int, int, int]] = {"north": (0, 0, -1), "east": (1, 0, 0),
                                         "south": (0, 0, 1), "west": (-1, 0, 0),
                                         "up": (0, 1, 0), "down": (0, -1, 0)}
OPPOSITE = {"north": "south", "south": "north", "east": "west", "west": "east",
            "up": "down", "down": "up"}
CLOCKWISE = {"north": "east", "east": "south", "south": "west", "west": "north"}
_GRID = [(i + 0.5) / 16 for i in range(16)]
_EPS = 1e-9

BlockAt = Callable[[Pos], BlockState]


@cache
def _data() -> dict:
    return json.loads(DATA_FILE.read_text())


def _matches(patterns: list[str], name: str) -> bool:
    return any(name == p or (p.startswith("*") and name.endswith(p[1:])) for p in patterns)


@cache
def kind(name: str) -> str | None:
    """Which kind of connecting block `name` is: "fence", "pane", "wall", "gate", or None.

    >>> kind("acacia_fence"), kind("iron_bars"), kind("cobblestone_wall"), kind("stone")
    ('fence', 'pane', 'wall', None)
    """
    d = _data()
    if name in d["fences"]["wooden"] or name in d["fences"]["other"]:
        return "fence"
    if name in d["panes"]["blocks"]:
        return "pane"
    if name in d["walls"]["blocks"]:
        return "wall"
    if name in d["gates"]["blocks"]:
        return "gate"
    return None


def _exception(name: str) -> bool:
    return name in _data()["exceptions"]["blocks"]


def _key(state: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v).lower()) for k, v in state.items()))


def _spec_names(spec: str, name: str, state: tuple[tuple[str, str], ...]) -> bool:
    """Whether `spec` ("name" or "name[key=value]") names block `name` in `state`."""
    base, _, rest = spec.partition("[")
    if base != name:
        return False
    if not rest:
        return True
    key, _, value = rest.rstrip("]").partition("=")
    return (key, value) in state


@cache
def _boxes(name: str, state: tuple[tuple[str, str], ...]) -> tuple:
    if any(_spec_names(s, name, state) for s in _data()["support_full"]["blocks"]):
        return ((0.0, 0.0, 0.0, 1.0, 1.0, 1.0),)
    return tuple(collision_boxes(name, dict(state)))


def support_boxes(name: str, state: Mapping[str, object]) -> tuple:
    """Block `name`'s support shape in `state` (getBlockSupportShape) as boxes: its collision
    boxes, or a full cube for connections.json's `support_full` (soul sand, mud, a snow cover
    of 8 layers).

    >>> support_boxes("snow", {"layers": 8}), support_boxes("snow", {"layers": 7})
    (((0.0, 0.0, 0.0, 1.0, 1.0, 1.0),), ((0.0, 0.0, 0.0, 1.0, 0.75, 1.0),))
    """
    return _boxes(name, _key(state))


@cache
def _sturdy(name: str, state: tuple[tuple[str, str], ...], face: str) -> bool:
    boxes = _boxes(name, state)
    if not boxes:
        return False
    axis, far = {"down": (1, False), "up": (1, True), "north": (2, False),
                 "south": (2, True), "west": (0, False), "east": (0, True)}[face]
    touching = [b for b in boxes if (b[axis + 3] >= 1 - _EPS if far else b[axis] <= _EPS)]
    a, c = [i for i in range(3) if i != axis]
    return all(any(b[a] <= u <= b[a + 3] and b[c] <= v <= b[c + 3] for b in touching)
               for u in _GRID for v in _GRID)


def face_sturdy(block: BlockState, face: str) -> bool:
    """Whether `block`'s `face` (up, down, north, ...) is sturdy: its support shape covers the
    whole face (BlockStateBase.isFaceSturdy with SupportType.FULL).

    >>> glass, fence = BlockState(name="glass"), BlockState(name="oak_fence")
    >>> face_sturdy(glass, "east"), face_sturdy(fence, "east")
    (True, False)
    """
    return _sturdy(block.name, _key(block.state), face)


def _gate_across(gate: BlockState, direction: str) -> bool:
    """FenceGateBlock.connectsToDirection: the gate's facing axis is that of `direction`
    turned clockwise (`direction` points from the joining block to the gate)."""
    facing = str(gate.state.get("facing", "north"))
    return (facing in ("north", "south")) == (CLOCKWISE[direction] in ("north", "south"))


def joins(name: str, other: BlockState, direction: str) -> bool:
    """Whether a block `name` (a fence, pane or wall) joins `other`, its neighbour the way
    `direction` points (FenceBlock.connectsTo, IronBarsBlock.attachsTo, WallBlock.connectsTo).

    >>> joins("oak_fence", BlockState(name="spruce_fence"), "east")
    True
    >>> joins("oak_fence", BlockState(name="nether_brick_fence"), "east")
    False
    """
    own, theirs = kind(name), kind(other.name)
    solid = not _exception(other.name) and face_sturdy(other, OPPOSITE[direction])
    if own == "fence":
        wooden = _data()["fences"]["wooden"]
        same = theirs == "fence" and (name in wooden) == (other.name in wooden)
        return solid or same or (theirs == "gate" and _gate_across(other, direction))
    if own == "pane":
        return solid or theirs in ("pane", "wall")
    if own == "wall":
        return (solid or theirs in ("wall", "pane")
                or (theirs == "gate" and _gate_across(other, direction)))
    return False


def _covered(above: BlockState, rect: list[int]) -> bool:
    """Whether the bottom of `above` covers the square `rect` (x0, z0, x1, z1 in 16ths):
    VoxelShape.getFaceShape(DOWN) against one of WallBlock's test shapes."""
    boxes = [b for b in _boxes(above.name, _key(above.state)) if b[1] <= _EPS]
    x0, z0, x1, z1 = rect
    return bool(boxes) and all(
        any(b[0] <= (i + 0.5) / 16 <= b[3] and b[2] <= (k + 0.5) / 16 <= b[5] for b in boxes)
        for i in range(x0, x1) for k in range(z0, z1))


def _wall_state(pos: Pos, block_at: BlockAt, name: str) -> dict[str, object]:
    walls = _data()["walls"]
    above = _at(pos, "up", block_at)
    sides: dict[str, str] = {}
    for side in SIDES:
        if not joins(name, _at(pos, side, block_at), side):
            sides[side] = "none"
        else:
            sides[side] = "tall" if _covered(above, walls["side_test"][side]) else "low"
    none = {s: v == "none" for s, v in sides.items()}
    if kind(above.name) == "wall" and str(above.state.get("up", "true")).lower() == "true":
        up = True
    elif all(none.values()) or none["north"] != none["south"] or none["east"] != none["west"]:
        up = True
    elif (sides["north"] == sides["south"] == "tall") or (sides["east"] == sides["west"] == "tall"):
        up = False
    else:
        up = _matches(walls["post_override"], above.name) or _covered(above,
                                                                     walls["side_test"]["post"])
    return {"up": up, **sides}


def _at(pos: Pos, side: str, block_at: BlockAt) -> BlockState:
    dx, dy, dz = STEP[side]
    return block_at((pos[0] + dx, pos[1] + dy, pos[2] + dz))


def connected_state(block: BlockState, pos: Pos, block_at: BlockAt) -> dict[str, object] | None:
    """The whole state `block` takes at `pos` among the neighbours `block_at` shows (its other
    properties kept): a fence's or pane's north/east/south/west (booleans), a wall's up
    (boolean) and sides (none, low, tall), a gate's in_wall; None when `block` joins nothing."""
    k = kind(block.name)
    if k is None:
        return None
    if k == "gate":
        facing = str(block.state.get("facing", "north"))
        across = ("east", "west") if facing in ("north", "south") else ("north", "south")
        walls = _data()["walls"]["blocks"]
        return {**block.state,
                "in_wall": any(_at(pos, s, block_at).name in walls for s in across)}
    if k == "wall":
        return {**block.state, **_wall_state(pos, block_at, block.name)}
    return {**block.state, **{s: joins(block.name, _at(pos, s, block_at), s) for s in SIDES}}


def reconnected(pos: Pos, block_at: BlockAt, limit: int = 512) -> dict[Pos, BlockState]:
    """After the block at `pos` changed: every connecting block at `pos` or reached from it
    (its horizontal neighbours and the one below, then theirs while states keep changing, as
    the game's neighbour shape updates spread) whose state is not the one `connected_state`
    gives it, with its new state. `limit`: the most cells re-derived (the game's 512)."""
    out: dict[Pos, BlockState] = {}

    def now(p: Pos) -> BlockState:
        return out.get(p) or block_at(p)

    todo = [pos]
    seen = 0
    while todo and seen < limit:
        cell = todo.pop(0)
        seen += 1
        for p in (cell, *(_step(cell, s) for s in (*SIDES, "down"))):
            b = now(p)
            state = connected_state(b, p, now)
            if state is None or not _differs(b.name, b.state, state):
                continue
            out[p] = BlockState(name=b.name, state=state)
            todo.append(p)
    return out


def _differs(name: str, old: Mapping[str, object], new: Mapping[str, object]) -> bool:
    """Whether the connections in `new` differ from `old`'s (a property `old` lacks has the
    game's default: sides false or none, up true, in_wall false)."""
    defaults = _data()["defaults"][kind(name) or ""]
    return any(str(new[k]).lower() != str(old.get(k, d)).lower() for k, d in defaults.items())


def _step(pos: Pos, side: str) -> Pos:
    dx, dy, dz = STEP[side]
    return (pos[0] + dx, pos[1] + dy, pos[2] + dz)
