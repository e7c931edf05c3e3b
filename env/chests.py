"""Double chests as vanilla 1.19.2 rules them (env/data/chests.json, read by env/js/chests.js
too): a chest placed beside a single chest of its kind facing the same way joins it (type
left/right), a chest whose other half goes becomes single, and the two halves are one
container of 54 slots, the right half's 27 first.

Pure functions over a `block_at` view (Pos -> BlockState); both backends call them at
placement, at a dig, and after a block is set (the world build's /setblock, a trigger's), which
also reshapes the set chest itself from its neighbours (`set_shape`).

    >>> north = BlockState(name="chest", state={"facing": "north", "type": "single"})
    >>> at = lambda p: north if p == (0, 0, 0) else BlockState(name="air")
    >>> placed_chest("chest", (1, 0, 0), "north", "up", False, at)
    {'facing': 'north', 'type': 'right'}
    >>> shape_updates((1, 0, 0), lambda p: BlockState(name="chest", state={
    ...     "facing": "north", "type": "right"}) if p == (1, 0, 0) else at(p))
    {(0, 0, 0): BlockState(name='chest', state={'facing': 'north', 'type': 'left'})}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from env.facing import HORIZONTAL, OPPOSITE
from env.support import STEP
from env.world import BlockState, ContainerSpec, Pos

DATA = Path(__file__).parent / "data" / "chests.json"
BlockAt = Callable[[Pos], BlockState]


@cache
def _data() -> dict:
    return json.loads(DATA.read_text())


def _names(patterns: list[str], block: str) -> bool:
    return any(block == b or (b.startswith("*") and block.endswith(b[1:])) for b in patterns)


def is_chest(block: str) -> bool:
    """Whether `block` can be half of a double chest (a chest, a trapped chest)."""
    return block in _data()["blocks"]


def slots_per_half() -> int:
    """Slots of one chest block (27)."""
    return int(_data()["slots_per_half"])


def sneaks(clicked: str) -> bool:
    """Whether the place action sneaks when it clicks block `clicked`: only when a click
    would use that block (open, toggle, press) instead of placing against it
    (chests.json `sneak`). Barrels, doors and crafting tables yes; the ground no.

    >>> sneaks("chest"), sneaks("grass_block"), sneaks("oak_door"), sneaks("iron_door")
    (True, False, True, False)
    """
    s = _data()["sneak"]
    return _names(s["used_by_click"], clicked) and clicked not in s["except"]


def _cw(d: str) -> str:
    return HORIZONTAL[(HORIZONTAL.index(d) + 1) % 4]


def _ccw(d: str) -> str:
    return HORIZONTAL[(HORIZONTAL.index(d) + 3) % 4]


def _step(pos: Pos, side: str) -> Pos:
    dx, dy, dz = STEP[side]
    return (pos[0] + dx, pos[1] + dy, pos[2] + dz)


def _type(b: BlockState) -> str:
    return str(b.state.get("type", "single"))


def _facing(b: BlockState) -> str:
    return str(b.state.get("facing", "north"))


def connected_side(b: BlockState) -> str:
    """The side where a left or right chest's other half is (getConnectedDirection: left on
    its facing's clockwise side, right on its counterclockwise side)."""
    f = _facing(b)
    return _cw(f) if _type(b) == "left" else _ccw(f)


def _partner_facing(block: str, pos: Pos, side: str, block_at: BlockAt) -> str | None:
    """candidatePartnerFacing: the facing of a single chest of kind `block` on `side`."""
    n = block_at(_step(pos, side))
    return _facing(n) if n.name == block and _type(n) == "single" else None


def placed_chest(block: str, pos: Pos, facing: str, clicked: str | None, sneaking: bool,
                 block_at: BlockAt) -> dict[str, str]:
    """The `facing` and `type` a chest (`block`) placed at `pos` takes (getStateForPlacement):
    `facing` is what it takes alone (the opposite of the look, or the one asked), `clicked`
    the clicked face pointing at the cell (up: the top of the block below), `sneaking`
    whether the player sneaks. {} for a block that is no chest."""
    if not is_chest(block):
        return {}
    kind = "single"
    if sneaking and clicked in HORIZONTAL:
        toward = OPPOSITE[clicked]  # from the new cell to the clicked chest
        d = _partner_facing(block, pos, toward, block_at)
        if d is not None and (d in ("east", "west")) != (clicked in ("east", "west")):
            facing = d
            kind = "right" if _ccw(d) == toward else "left"
    if kind == "single" and not sneaking:
        if _partner_facing(block, pos, _cw(facing), block_at) == facing:
            kind = "left"
        elif _partner_facing(block, pos, _ccw(facing), block_at) == facing:
            kind = "right"
    return {"facing": facing, "type": kind}


def updated_shape(pos: Pos, side: str, block_at: BlockAt) -> BlockState | None:
    """The new state of the chest at `pos` after its neighbour on horizontal `side` changed
    (ChestBlock.updateShape), or None when it keeps its state (or is no chest)."""
    b = block_at(pos)
    if not is_chest(b.name):
        return None
    n = block_at(_step(pos, side))
    t = _type(b)
    if n.name == b.name:
        nt = _type(n)
        if (t == "single" and nt != "single" and _facing(n) == _facing(b)
                and connected_side(n) == OPPOSITE[side]):
            return BlockState(name=b.name, state={**b.state, "type": OPPOSITE_TYPE[nt]})
        return None
    if t != "single" and connected_side(b) == side:
        return BlockState(name=b.name, state={**b.state, "type": "single"})
    return None


OPPOSITE_TYPE = {"left": "right", "right": "left"}


UPDATE_SHAPE_ORDER = ("west", "east", "north", "south")
"""The horizontal sides in the order a set block reads its neighbours (Block.UPDATE_SHAPE_ORDER:
west, east, north, south, down, up)."""


def set_shape(pos: Pos, block_at: BlockAt) -> BlockState | None:
    """The state the chest at `pos` takes once set by a command or a world build, from its
    neighbours (BlockInput.place: Block.updateFromNeighbourShapes, each side in
    `UPDATE_SHAPE_ORDER` through ChestBlock.updateShape), or None when it keeps its state (or
    is no chest): a left or right half with no chest on its connected side becomes single; a
    single chest beside a half that points at it becomes that half's other type.

    >>> lone = BlockState(name="chest", state={"facing": "north", "type": "left"})
    >>> set_shape((0, 0, 0), lambda p: lone if p == (0, 0, 0) else BlockState(name="air"))
    BlockState(name='chest', state={'facing': 'north', 'type': 'single'})
    """
    start = block_at(pos)
    if not is_chest(start.name):
        return None
    current = start
    for side in UPDATE_SHAPE_ORDER:
        now = current
        new = updated_shape(pos, side, lambda p, now=now: now if p == pos else block_at(p))
        if new is not None:
            current = new
    return None if current == start else current


def shape_updates(pos: Pos, block_at: BlockAt) -> dict[Pos, BlockState]:
    """The chests beside `pos` (horizontally) whose state changes once the block at `pos`
    is what `block_at` shows (after it was placed, set or broken), with their new state."""
    out: dict[Pos, BlockState] = {}
    for side in HORIZONTAL:
        cell = _step(pos, side)
        new = updated_shape(cell, OPPOSITE[side], block_at)
        if new is not None:
            out[cell] = new
    return out


def halves(pos: Pos, block_at: BlockAt) -> list[Pos]:
    """The cells of the container the chest at `pos` belongs to, in slot order
    (DoubleBlockCombiner.combineWithNeigbour): [right half, left half] for a double chest
    (slots 0-26, 27-53), else [pos] (a single chest, a left/right chest whose other half is
    missing, faces elsewhere or is not the other type, a barrel)."""
    b = block_at(pos)
    t = _type(b)
    if not is_chest(b.name) or t == "single":
        return [pos]
    other = _step(pos, connected_side(b))
    o = block_at(other)
    if o.name != b.name or _type(o) not in OPPOSITE_TYPE or _type(o) == t \
            or _facing(o) != _facing(b):
        return [pos]
    return [pos, other] if t == "right" else [other, pos]


def built_halves(containers: list[ContainerSpec]) -> dict[Pos, list[Pos]]:
    """The container cells (`halves`) of each of `containers` once a world build has set them
    one after another, as /setblock does (each chest's neighbours reshape as it is set):
    which of a task's chests are double chests, and which half is first."""
    states: dict[Pos, BlockState] = {}

    def at(p: Pos) -> BlockState:
        return states.get(p, BlockState(name="air"))

    for c in containers:
        state: dict[str, str] = {"facing": c.facing}
        if is_chest(c.kind):
            state["type"] = c.type
        states[c.pos] = BlockState(name=c.kind, state=state)
        own = set_shape(c.pos, at)
        if own is not None:
            states[c.pos] = own
        states.update(shape_updates(c.pos, at))
    return {c.pos: halves(c.pos, at) for c in containers}
