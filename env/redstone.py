"""Redstone power of levers, buttons and pressure plates, and the doors, trapdoors and fence
gates it moves: the rule of Minecraft 1.19.2 as pure functions over a world read through
`block(pos)`. The geometry is data (env/data/redstone.json), read by the embedded server's
plugin (env/server/plugins/redstone.js) too, so both backends power the same blocks.

A powered source powers the six blocks sharing a face with it, and strongly powers the block
it is attached to; when that block is a redstone conductor (a full opaque cube: stone, planks,
dirt; not glass or leaves), it powers the six blocks sharing a face with it in turn
(minecraft.wiki/w/Redstone_mechanics). A block diagonal to the source gets nothing. A door,
trapdoor or fence gate is powered when any of its cells is (both halves of a door); when its
power changes it opens if powered and shuts if not (`on_power`).

    >>> from env.world import BlockState
    >>> world = {(0, -61, 0): BlockState(name="stone")}
    >>> block = lambda p: world.get(p, BlockState(name="air"))
    >>> plate = BlockState(name="stone_pressure_plate", state={"powered": True})
    >>> sorted(powered_by((0, -60, 0), plate, block))[:3]
    [(-1, -61, 0), (-1, -60, 0), (0, -62, 0)]
    >>> (1, -60, 1) in powered_by((0, -60, 0), plate, block)
    False
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path

from env.collision import collision_boxes
from env.rulebook import VERSION, minecraft_data_dir
from env.world import BlockState, Pos, StateValue

DATA = json.loads((Path(__file__).parent / "data" / "redstone.json").read_text())
FACES: tuple[Pos, ...] = tuple(tuple(f) for f in DATA["faces"])  # type: ignore[misc]
REACH: int = DATA["reach"]
"""No source powers a block more than this many blocks away along any axis."""
POWER_ONLY: frozenset[str] = frozenset(DATA["power_only"])
"""Doors and trapdoors that a hand does not move (iron ones)."""
PLATE_INSET: float = DATA["plate_inset"]
PLATE_HEIGHT: float = DATA["plate_height"]
_FULL = (0.0, 0.0, 0.0, 1.0, 1.0, 1.0)

BlockAt = Callable[[Pos], BlockState]


def _truthy(value: StateValue | None) -> bool:
    return value is True or value == 1 or (isinstance(value, str) and value.lower() == "true")


def is_lever(name: str) -> bool:
    return name == "lever"


def is_button(name: str) -> bool:
    return name.endswith("_button")


def is_plate(name: str) -> bool:
    return name.endswith("_pressure_plate")


def is_source(name: str) -> bool:
    """A lever, a button or a pressure plate."""
    return is_lever(name) or is_button(name) or is_plate(name)


def is_openable(name: str) -> bool:
    """A door, a trapdoor or a fence gate: a block with an `open` state that power moves."""
    return name.endswith(tuple(DATA["openable_suffixes"]))


def source_powered(block: BlockState) -> bool:
    """Whether a lever, button or plate in this state gives power (a weighted plate by its
    `power` level, the others by `powered`)."""
    if block.name.endswith("weighted_pressure_plate"):
        return int(str(block.state.get("power", 0))) > 0
    return _truthy(block.state.get("powered"))


def weighted_power(name: str, players: int) -> int:
    """The `power` (0..15) of a weighted plate `name` with `players` on it (env/data/redstone.json
    `weighted_max`: vanilla's WeightedPressurePlateBlock). Raises KeyError for another block.

    >>> [weighted_power("light_weighted_pressure_plate", n) for n in (0, 1, 20)]
    [0, 1, 15]
    >>> [weighted_power("heavy_weighted_pressure_plate", n) for n in (1, 10, 11, 200)]
    [1, 1, 2, 15]
    """
    top = DATA["weighted_max"][name]
    return -(-15 * min(players, top) // top)


def attached_offset(block: BlockState) -> Pos:
    """Where the block a source hangs on is, relative to the source: below a plate or a
    floor lever/button, above a ceiling one, behind a wall one (opposite to its `facing`).

    >>> attached_offset(BlockState(name="lever", state={"face": "wall", "facing": "north"}))
    (0, 0, 1)
    """
    face = str(block.state.get("face", "floor"))
    if is_plate(block.name) or face == "floor":
        return tuple(DATA["attached_below"])  # type: ignore[return-value]
    if face == "ceiling":
        return tuple(DATA["attached_above"])  # type: ignore[return-value]
    return tuple(DATA["attached_behind"][str(block.state.get("facing", "north"))])  # type: ignore[return-value]


@cache
def _transparent(version: str = VERSION) -> frozenset[str]:
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"][version]
    blocks = json.loads((base / paths["blocks"] / "blocks.json").read_text())
    return frozenset(b["name"] for b in blocks if b.get("transparent"))


def is_conductor(block: BlockState) -> bool:
    """Whether strong power in this block powers its neighbours: a full cube (its collision
    shape, minecraft-data) that minecraft-data does not call transparent, and not one of
    vanilla's non-conductors (env/data/redstone.json).

    >>> is_conductor(BlockState(name="stone")), is_conductor(BlockState(name="glass"))
    (True, False)
    """
    if block.name in DATA["non_conductors"] or block.name in _transparent():
        return False
    return collision_boxes(block.name, block.state) == (_FULL,)


def _plus(a: Pos, b: Pos) -> Pos:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def powered_by(pos: Pos, source: BlockState, block: BlockAt) -> frozenset[Pos]:
    """The cells a powered source (`source`, at `pos`) powers: its six face neighbours and,
    through the block it is attached to when that conducts, that block's six neighbours."""
    out = {_plus(pos, f) for f in FACES}
    attached = _plus(pos, attached_offset(source))
    if is_conductor(block(attached)):
        out |= {_plus(attached, f) for f in FACES}
    out.discard(pos)
    return frozenset(out)


def near(pos: Pos, radius: int = REACH) -> Iterable[Pos]:
    """The cells within `radius` of `pos` along every axis (the cube around it)."""
    x, y, z = pos
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            for dz in range(-radius, radius + 1):
                yield (x + dx, y + dy, z + dz)


def receives_power(pos: Pos, block: BlockAt,
                   powered: Callable[[Pos, BlockState], bool] | None = None) -> bool:
    """Whether any source near `pos` powers it. `powered(source_pos, source_block)` says
    whether a source gives power now (default: its block state, `source_powered`)."""
    is_on = powered or (lambda _p, b: source_powered(b))
    for p in near(pos):
        b = block(p)
        if is_source(b.name) and is_on(p, b) and pos in powered_by(p, b, block):
            return True
    return False


def openable_cells(pos: Pos, block: BlockAt) -> list[Pos]:
    """The cells of the door, trapdoor or fence gate at `pos`: both halves of a door (the
    other half is the same door just above or below, by its `half`), else `pos`; [] when no
    openable stands there."""
    here = block(pos)
    if not is_openable(here.name):
        return []
    if not here.name.endswith("_door"):
        return [pos]
    other = _plus(pos, (0, 1, 0) if str(here.state.get("half", "lower")) == "lower" else (0, -1, 0))
    return [pos, other] if block(other).name == here.name else [pos]


def openable_powered(pos: Pos, block: BlockAt,
                     powered: Callable[[Pos, BlockState], bool] | None = None) -> bool:
    """Whether the door, trapdoor or fence gate at `pos` receives power in any of its cells."""
    return any(receives_power(c, block, powered) for c in openable_cells(pos, block))


def on_power(state: Mapping[str, StateValue], signal: bool) -> dict[str, StateValue] | None:
    """An openable's new state when its neighbours change and it now receives `signal`: if
    that differs from its `powered` state, powered and open both become `signal` (vanilla's
    DoorBlock/TrapDoorBlock/FenceGateBlock.neighborChanged); else None, nothing changes (a
    door opened by hand stays open until its power changes).

    >>> on_power({"open": False, "powered": False}, True)
    {'open': True, 'powered': True}
    >>> on_power({"open": True, "powered": False}, False) is None
    True
    """
    if _truthy(state.get("powered")) == signal:
        return None
    return {**state, "open": signal, "powered": signal}


def openables_near(pos: Pos, block: BlockAt) -> list[list[Pos]]:
    """Each door, trapdoor and fence gate with a cell within `REACH` of `pos`, as its cells
    (a door once), in the order the cube around `pos` is walked: the ones a source change at
    `pos` re-evaluates (as the server's plugin does)."""
    seen: set[frozenset[Pos]] = set()
    out: list[list[Pos]] = []
    for p in near(pos):
        cells = openable_cells(p, block)
        key = frozenset(cells)
        if cells and key not in seen:
            seen.add(key)
            out.append(cells)
    return out
