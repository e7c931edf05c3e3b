"""Blocks that fall (sand, red sand, gravel, concrete powder, anvils, the dragon egg), as
vanilla 1.19.2 rules them (FallingBlock, FallingBlockEntity; minecraft.wiki/w/Falling_Block).

The rule is data (env/data/gravity.json, read by env/js/gravity.js too): a falling block whose
cell below is free (air, water, short grass, a snow cover: env/data/replaceable.json's blocks,
any state) falls through every cell without a collision box and stops on the first box below;
it is placed where it stops when that cell can be replaced and its cell below is not free,
else it breaks and drops as its own item there (`Move.broke`). What a fall leaves without
support (env/data/support.json: a torch on the sand) pops off with it (`Move.pops`).
Concrete powder stops in the first water it falls into, and becomes concrete where it lands
in or beside water, and where it stands once water touches it (`touches_water`); powder snow
holds a short fall only. The fall is instant (see the data
file's `_about` for vanilla's 2-tick delay and acceleration).

Pure functions over a `block_at(pos) -> BlockState` reader; the backends apply the moves.

    >>> from env.world import BlockState
    >>> world = {(0, -60, 0): BlockState(name="sand")}
    >>> at = lambda p: world.get(p, BlockState(name="grass_block" if p[1] <= -61 else "air"))
    >>> [(m.src, m.dst, m.block.name) for m in settle([(0, -60, 0)], at)]
    []
    >>> world = {(0, -58, 0): BlockState(name="gravel")}
    >>> [(m.src, m.dst, m.block.name) for m in settle([(0, -58, 0)], at)]
    [((0, -58, 0), (0, -60, 0), 'gravel')]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from env.collision import collision_boxes
from env.connections import face_sturdy
from env.replaceable import replaceable, replaceable_blocks
from env.support import popped
from env.world import BlockState, Pos

GRAVITY_FILE = Path(__file__).parent / "data" / "gravity.json"
BlockAt = Callable[[Pos], BlockState]
_AIR = BlockState(name="air")
_EPS = 1e-9


@cache
def _data() -> dict:
    return json.loads(GRAVITY_FILE.read_text())


def _names(patterns: Iterable[str], block: str) -> bool:
    return any(block == p or (p.startswith("*") and block.endswith(p[1:])) for p in patterns)


def falls(block: str) -> bool:
    """Whether `block` is one that falls (env/data/gravity.json `blocks`).

    >>> falls("gravel"), falls("lime_concrete_powder"), falls("lime_concrete"), falls("stone")
    (True, True, False, False)
    """
    return _names(_data()["blocks"], block)


def is_free(block: BlockState) -> bool:
    """FallingBlock.isFree: whether a falling block above `block` falls into its cell (air,
    fire, liquids, replaceable plants, a snow cover of any thickness).

    >>> is_free(BlockState(name="water")), is_free(BlockState(name="snow", state={"layers": 5}))
    (True, True)
    >>> is_free(BlockState(name="torch")), is_free(BlockState(name="oak_slab"))
    (False, False)
    """
    return block.name in replaceable_blocks()


def _top(block: BlockState) -> float:
    """The top of `block`'s collision shape in its cell (0: no box)."""
    boxes = collision_boxes(block.name, block.state)
    return max((b[4] for b in boxes), default=0.0) if boxes else 0.0


def _falling_top(block: BlockState, fallen: int) -> float:
    """The top of `block`'s collision shape for a falling block that has fallen `fallen`
    cells when it reaches it: powder snow's depends on it (`powder_snow`), any other block's
    is its collision shape's."""
    snow = _data()["powder_snow"]
    if block.name == snow["block"]:
        return 1.0 if fallen <= snow["full_up_to"] else float(snow["top_after"])
    return _top(block)


def _wet(b: BlockState) -> bool:
    """Whether `b`'s fluid is water (FluidTags.WATER): a `water` block or a waterlogged one."""
    rule = _data()["concrete"]
    return b.name in rule["water"] or str(b.state.get(rule["waterlogged"], "")).lower() == "true"


def _powder(name: str) -> bool:
    return name.endswith(_data()["concrete"]["suffix"])


_TOWARD = (("up", (0, 1, 0), "down"), ("north", (0, 0, -1), "south"),
           ("south", (0, 0, 1), "north"), ("west", (-1, 0, 0), "east"),
           ("east", (1, 0, 0), "west"))
"""The neighbours that can wet concrete powder: (direction, offset, the neighbour's face
toward the powder); not the one below (see `touches_water`)."""


def touches_water(pos: Pos, block_at: BlockAt) -> bool:
    """ConcretePowderBlock.touchesLiquid: a neighbour above `pos` or beside it holds water
    (`_wet`) and its face toward `pos` is not sturdy (a waterlogged stair's full back does
    not wet). The block below never counts: the game's loop looks down only when the cell
    itself holds water, and then the powder turns anyway (canSolidify).

    >>> at = lambda p: BlockState(name="water" if p == (0, -1, 0) else "air")
    >>> touches_water((0, 0, 0), at), touches_water((1, -1, 0), at)
    (False, True)
    """
    x, y, z = pos
    for _, (dx, dy, dz), face in _TOWARD:
        b = block_at((x + dx, y + dy, z + dz))
        if _wet(b) and not face_sturdy(b, face):
            return True
    return False


def _concrete(name: str) -> str:
    rule = _data()["concrete"]
    return name[: -len(rule["suffix"])] + rule["becomes"]


def _solidifies(name: str, pos: Pos, replaced: BlockState, block_at: BlockAt) -> str | None:
    """The concrete that powder `name` at `pos` (where `replaced` was) turns into, or None
    (ConcretePowderBlock.shouldSolidify: `replaced` holds water, or `touches_water`)."""
    if not _powder(name):
        return None
    if _wet(replaced) or touches_water(pos, block_at):
        return _concrete(name)
    return None


def landing(start: Pos, block_at: BlockAt, name: str = "") -> tuple[Pos | None, bool]:
    """Where the falling block at `start` (a `name`, when it matters: concrete powder) ends,
    and whether it stays there as a block: (cell, True) placed, (cell, False) broken in that
    cell, (None, False) fallen out of the world. The block at `start` is taken as gone while
    it falls. Concrete powder stops in the first cell it enters whose fluid is water
    (FallingBlockEntity.tick: a ConcretePowderBlock whose cell's fluid is water lands there),
    and stays there when that cell can be replaced (`concrete`'s `_about`). Powder snow stops
    it on its top after a fall of up to 2 cells, inside its cell after a longer one
    (`powder_snow`)."""
    x, y, z = start
    cur = y
    min_y = int(_data()["min_y"])
    powder = _powder(name)
    while True:
        below = (x, cur - 1, z)
        if cur - 1 < min_y:
            return None, False
        b = _AIR if below == start else block_at(below)
        top = _falling_top(b, y - cur)
        if powder and top < 1 - _EPS and _wet(b):
            return below, replaceable(b.name, b.state)
        if top <= _EPS:
            cur -= 1
            continue
        cell = (x, cur, z) if top >= 1 - _EPS else below
        there = _AIR if cell == start else block_at(cell)
        under = (x, cell[1] - 1, z)
        under_b = _AIR if under == start else block_at(under)
        return cell, replaceable(there.name, there.state) and not is_free(under_b)


def rest_height(pos: Pos, block_at: BlockAt) -> float:
    """The height at which an item dropped in the cell `pos` (Block.popResource, the item a
    broken falling block leaves: FallingBlockEntity.spawnAtLocation) comes to rest: the top of
    the first collision box at or below that cell (`min_y` when there is none).

    >>> from env.world import BlockState
    >>> at = lambda p: BlockState(name="grass_block" if p[1] <= -61 else "air")
    >>> rest_height((0, -58, 0), at)
    -60.0
    """
    x, y, z = pos
    for cy in range(y, int(_data()["min_y"]) - 1, -1):
        top = _top(block_at((x, cy, z)))
        if top > _EPS:
            return cy + top
    return float(_data()["min_y"])


@dataclass(frozen=True)
class Pop:
    """A block that lost its support (env/data/support.json) when a falling block left its
    cell or filled another: it goes, and drops its loot in its cell (Block.updateOrDestroy:
    destroyBlock with drops)."""

    pos: Pos
    block: BlockState


@dataclass(frozen=True)
class Move:
    """One falling block: it leaves `src` (now air) and is `block` at `dst` (`src == dst`:
    powder that turned into concrete where it stands, see `settle`); `dst` None: it
    broke, in the cell `broke` where it dropped as its own item (FallingBlockEntity.tick:
    spawnAtLocation(block)), or fell out of the world (`broke` None too). `pops`: what lost
    its support with this move, in the order it went (each now air)."""

    src: Pos
    dst: Pos | None
    block: BlockState
    broke: Pos | None = None
    pops: tuple[Pop, ...] = ()


_NEIGHBOURS = ((0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1), (-1, 0, 0), (1, 0, 0))


def settle(changed: Iterable[Pos], block_at: BlockAt) -> list[Move]:
    """The falls a change at the cells `changed` causes, in order (lowest first, then what
    each vacated cell let fall above it), each computed on the world the earlier ones left.
    First, concrete powder at or beside a changed cell that `touches_water` turns into
    concrete where it stands (a `Move` with `src == dst`: nothing leaves a cell), as the
    game's placement and neighbour update turn it at once: powder placed or set beside
    water, or water set beside powder, never falls.
    A falling block at a changed cell or right above one falls when its cell below is free.
    What a fall leaves without support pops off with it (`Move.pops`: a torch or a flower on
    the sand, a sign beside it, the upper half of a tall plant whose lower half the landing
    block replaced), and the cells those leave are changed cells too (sand on a carpet on
    the sand falls next).

    Shapes: cells are (x, y, z) block coordinates; `block_at` answers any cell.
    """
    over: dict[Pos, BlockState] = {}

    def now(p: Pos) -> BlockState:
        return over.get(p) or block_at(p)

    changed = list(changed)
    moves: list[Move] = []
    # Powder at or beside a changed cell that touches water turns first, where it is
    # (getStateForPlacement, updateShape: at once; a fall waits for a tick).
    for c in changed:
        for p in [c, *((c[0] + dx, c[1] + dy, c[2] + dz) for dx, dy, dz in _NEIGHBOURS)]:
            b = now(p)
            if _powder(b.name) and touches_water(p, now):
                put = BlockState(name=_concrete(b.name), state=dict(b.state))
                over[p] = put
                moves.append(Move(p, p, put))
    todo: list[Pos] = []
    for c in changed:
        todo += [c, (c[0], c[1] + 1, c[2])]
    fell = 0

    def unheld(cell: Pos, cleared: bool) -> tuple[Pop, ...]:
        out = []
        for p in popped(cell, now, cleared=cleared):
            out.append(Pop(p, now(p)))
            over[p] = _AIR
            todo.extend([p, (p[0], p[1] + 1, p[2])])
        return tuple(out)

    while todo:
        todo.sort(key=lambda p: (p[1], p[0], p[2]))
        p = todo.pop(0)
        block = now(p)
        if not falls(block.name) or not is_free(now((p[0], p[1] - 1, p[2]))):
            continue
        fell += 1
        if fell > 100_000:  # a finite world cannot need more; a bad reader might
            raise RuntimeError("gravity: settling did not end")
        cell, stays = landing(p, now, block.name)
        over[p] = _AIR
        todo.append((p[0], p[1] + 1, p[2]))
        if cell is None or not stays:
            moves.append(Move(p, None, block, cell, unheld(p, True)))
            continue
        name = _solidifies(block.name, cell, now(cell), now) or block.name
        put = BlockState(name=name, state=dict(block.state))
        over[cell] = put
        pops = unheld(p, True) + unheld(cell, False)
        moves.append(Move(p, cell, put, None, pops))
    return moves


def settle_setup(blocks: Iterable[tuple[Pos, BlockState]], base: BlockAt
                 ) -> dict[Pos, BlockState]:
    """The blocks a world's setup leaves when its `blocks` are set one after another over
    `base`, each settling at once as after a /setblock (SetBlockCommand: the block's onPlace
    schedules its fall): every cell set or changed, with what it holds (air where a block
    fell from).

    >>> base = lambda p: BlockState(name="grass_block" if p[1] <= -61 else "air")
    >>> out = settle_setup([((0, -58, 0), BlockState(name="sand"))], base)
    >>> {p: b.name for p, b in out.items()}
    {(0, -58, 0): 'air', (0, -60, 0): 'sand'}
    """
    world: dict[Pos, BlockState] = {}

    def at(p: Pos) -> BlockState:
        return world.get(p) or base(p)

    for pos, block in blocks:
        world[pos] = block
        for move in settle([pos], at):
            if move.dst != move.src:
                world[move.src] = _AIR
            if move.dst is not None:
                world[move.dst] = move.block
            for pop in move.pops:
                world[pop.pos] = _AIR
    return world
