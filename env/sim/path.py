"""Walking: which cells an agent may stand in, and the shortest walk between two of them.

A cell is *standable* when the agent's body (0.6 wide, 1.8 tall) fits in it and in the cell
above, held up by the top face of the cell below or by a low floor in the cell itself. What
an agent bumps into is read from each block state's collision shape (`env.collision`, from
minecraft-data), not from block names:

- no box (air, water, plates, buttons, torches, crops, open fence gates): passable;
- boxes no higher than half a block (carpets 1/16, closed bottom trapdoors 3/16, snow
  layers, bottom slabs): a floor inside the cell; the agent stands on it, and needs a third
  free cell above only when the floor is higher than 2 - 1.8 = 0.2 blocks;
- a thin panel leaving a gap of at least the body's width along one axis (doors, open
  trapdoors): passable along that axis only, so a closed door in a wall blocks the way
  through and an open one does not;
- anything else up to a block high holds an agent up; higher (fences, walls, closed fence
  gates at 1.5) is neither passable nor stood on. Lava is never entered.

Moves go to the 8 neighbouring columns (diagonals only when both orthogonal columns are
free and the target holds no panel, so no corner is cut), stepping up at most one block or
dropping any height. A diagonal step up needs one orthogonal column free at the upper level,
as mineflayer-pathfinder's diagonal jump does (the server's bots walk with it).

    >>> from env.sim.state import SimState
    >>> from env.rulebook import load_rulebook
    >>> walk = Walker(SimState().block, load_rulebook().blocks, ((-5, -61, -5), (5, -50, 5)))
    >>> walk.find((0, -60, 0), (3, -60, 0))
    [(0, -60, 0), (1, -60, 0), (2, -60, 0), (3, -60, 0)]
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Callable, Iterable
from pathlib import Path

from env.collision import Box, collision_boxes, load_shapes
from env.rulebook import BlockInfo
from env.sim.state import ground_block
from env.world import BlockState, Pos, WorldSetup

HAZARDS = frozenset({"lava"})
"""Blocks without a collision box that an agent never walks into."""
_WALKING = json.loads((Path(__file__).resolve().parent.parent / "data" / "walking.json")
                      .read_text())
BODY_WIDTH: float = _WALKING["body_width"]
BODY_HEIGHT: float = _WALKING["body_height"]
LOW_FLOOR: float = _WALKING["low_floor"]
"""Boxes no higher than this are a floor the agent stands on inside the cell."""
MAX_DROP: int = _WALKING["max_drop"]
"""The farthest one move drops the feet, in blocks (a player drops any height)."""
HEAD_ROOM = 2.0 - BODY_HEIGHT
"""How high a floor may be before the agent needs a third free cell above it."""

# Flags of a cell for walking.
FEET = 1  # the body's lower part may be in the cell
SUPPORT = 2  # its top face holds up an agent standing in the cell above
FLOOR = 4  # a low floor holds up an agent standing in this cell
HEAD = 8  # the body's upper part (0.8 to 1.8 above the feet) may be in the cell
TALL_FLOOR = 16  # a floor higher than HEAD_ROOM: the cell two above must be free too
NO_X = 32  # a panel: no move along x into, out of or through the cell
NO_Z = 64  # a panel: no move along z
PANEL = NO_X | NO_Z

SQRT2 = math.sqrt(2.0)
# After this many cells without reaching the goal, test whether the goal is walled in by a
# search back from it of at most ENCLOSURE_BUDGET cells (goals up to ENCLOSURE_WITHIN).
ENCLOSURE_AFTER = 200
ENCLOSURE_BUDGET = 400
ENCLOSURE_WITHIN = 3.0
_STRAIGHT = ((1, 0), (-1, 0), (0, 1), (0, -1))
_DIAGONAL = ((1, 1), (1, -1), (-1, 1), (-1, -1))


def _gap(spans: list[tuple[float, float]]) -> float:
    """The widest free stretch of [0, 1] that the spans leave."""
    best, at = 0.0, 0.0
    for lo, hi in sorted(spans):
        best = max(best, lo - at)
        at = max(at, hi)
    return max(best, 1.0 - at)


def _blocked(boxes: list[Box]) -> int:
    """NO_X / NO_Z for the boxes the body would meet: moving along x needs a free stretch
    of the body's width across z, and the other way round."""
    if not boxes:
        return 0
    flags = 0
    if _gap([(b[2], b[5]) for b in boxes]) < BODY_WIDTH:
        flags |= NO_X
    if _gap([(b[0], b[3]) for b in boxes]) < BODY_WIDTH:
        flags |= NO_Z
    return flags


def cell_flags(name: str, state: dict[str, object] | None = None) -> int:
    """The walking flags (FEET, SUPPORT, FLOOR, HEAD, TALL_FLOOR, NO_X, NO_Z) of a cell
    holding block `name` in `state`, from its collision shape.

    >>> cell_flags("air") == FEET | HEAD
    True
    >>> cell_flags("stone") == SUPPORT
    True
    >>> cell_flags("iron_trapdoor", {"open": False}) == FEET | FLOOR
    True
    >>> cell_flags("stone_slab", {"type": "bottom"}) == FEET | FLOOR | TALL_FLOOR
    True
    >>> cell_flags("oak_door", {"facing": "north", "open": False}) == FEET | HEAD | NO_Z
    True
    >>> cell_flags("oak_fence")
    0
    """
    if name in HAZARDS:
        return 0
    boxes = collision_boxes(name, state)
    if not boxes:
        return FEET | HEAD
    top = max(b[4] for b in boxes)
    if top <= LOW_FLOOR:
        return FEET | FLOOR | (TALL_FLOOR if top > HEAD_ROOM + 1e-9 else 0)
    body = _blocked([b for b in boxes if b[4] > LOW_FLOOR])
    if body == PANEL:  # the body does not fit: a block to stand on, or a barrier
        return SUPPORT if top <= 1.0 + 1e-9 else 0
    head = _blocked([b for b in boxes if b[1] < 1.0 - HEAD_ROOM])
    return FEET | body | (HEAD | head if head != PANEL else 0)


def path_length(cells: list[Pos]) -> float:
    """The distance walked along a path of cells (straight steps 1, diagonal sqrt 2, plus the
    height climbed or dropped, as the 3D length of each step)."""
    return sum(math.dist(a, b) for a, b in zip(cells, cells[1:], strict=False))


class Walker:
    """Path search over a world read through `block(pos)`, inside `bounds` (inclusive)."""

    def __init__(self, block: Callable[[Pos], BlockState], blocks: dict[str, BlockInfo],
                 bounds: tuple[Pos, Pos]) -> None:
        self.block = block
        self.blocks = blocks
        self.lo, self.hi = bounds
        self._kinds: dict[object, int] = {}
        self._cache: dict[Pos, int] | None = None
        self._fit_cache: dict[Pos, int] | None = None
        self._fall_cache: dict[Pos, int | None] | None = None
        load_shapes()

    def _flags(self, pos: Pos) -> int:
        """The cell's walking flags (`cell_flags`). Cached during one search (the world
        does not change during it)."""
        cache = self._cache
        if cache is not None:
            flags = cache.get(pos)
            if flags is not None:
                return flags
        b = self.block(pos)
        key: object = (b.name, tuple(sorted((k, str(v)) for k, v in b.state.items()))) \
            if b.state else b.name
        flags = self._kinds.get(key)
        if flags is None:
            flags = self._kinds[key] = cell_flags(b.name, b.state)
        if cache is not None:
            cache[pos] = flags
        return flags

    def passable(self, pos: Pos) -> bool:
        """Whether an agent's feet may be in the cell (nothing, a low floor or a panel)."""
        return bool(self._flags(pos) & FEET)

    def supports(self, pos: Pos) -> bool:
        """Whether the cell's top face holds up an agent standing in the cell above."""
        return bool(self._flags(pos) & SUPPORT)

    def inside(self, pos: Pos) -> bool:
        lo, hi = self.lo, self.hi
        return lo[0] <= pos[0] <= hi[0] and lo[1] <= pos[1] <= hi[1] and lo[2] <= pos[2] <= hi[2]

    def _fits(self, x: int, y: int, z: int) -> int:
        """-1 when the body does not fit with its feet in cell (x, y, z); else the panel
        bits (NO_X, NO_Z) of the cells it takes. Cached during one search."""
        memo = self._fit_cache
        if memo is not None:
            got = memo.get((x, y, z))
            if got is None:
                got = memo[(x, y, z)] = self._fits_now(x, y, z)
            return got
        return self._fits_now(x, y, z)

    def _fits_now(self, x: int, y: int, z: int) -> int:
        flags = self._flags
        feet, head = flags((x, y, z)), flags((x, y + 1, z))
        if not feet & FEET or not head & HEAD:
            return -1
        if feet & TALL_FLOOR:
            top = flags((x, y + 2, z))
            if not top & HEAD:
                return -1
            head |= top
        return (feet | head) & PANEL

    def _held(self, x: int, y: int, z: int) -> bool:
        return bool(self._flags((x, y, z)) & FLOOR or self._flags((x, y - 1, z)) & SUPPORT)

    def standable(self, pos: Pos) -> bool:
        x, y, z = pos
        return self.inside(pos) and self._fits(x, y, z) >= 0 and self._held(x, y, z)

    def why_not_standable(self, pos: Pos) -> str:
        x, y, z = pos
        if not self.inside(pos):
            return f"{pos} is outside the task bounds {self.lo}..{self.hi}"
        if not self._flags(pos) & FEET:
            return f"the feet cell {pos} holds {self.block(pos).name}"
        for cell in ((x, y + 1, z), (x, y + 2, z)):
            if not self._flags(cell) & HEAD:
                return f"no head room: {cell} holds {self.block(cell).name}"
        below = (x, y - 1, z)
        return f"nothing to stand on at {below} ({self.block(below).name})"

    def landing(self, pos: Pos) -> Pos:
        """Where an agent put at `pos` (a teleport's target) comes to rest: it falls through
        cells that are passable and do not hold it up, down to the bounds' floor.

        >>> from env.sim.state import SimState
        >>> from env.rulebook import load_rulebook
        >>> Walker(SimState().block, load_rulebook().blocks, ((-5, -61, -5), (5, -50, 5))
        ...        ).landing((1, -55, 2))
        (1, -60, 2)
        """
        x, y, z = pos
        while y > self.lo[1] and not self._held(x, y, z) and self.passable((x, y - 1, z)):
            y -= 1
        return (x, y, z)

    def _fall(self, x: int, y: int, z: int) -> int | None:
        """Where an agent whose body fits at height y in column (x, z) lands (cached during
        one search)."""
        memo = self._fall_cache
        if memo is None:
            return self._fall_now(x, y, z)
        key = (x, y, z)
        if key not in memo:
            memo[key] = self._fall_now(x, y, z)
        return memo[key]

    def _fall_now(self, x: int, y: int, z: int) -> int | None:
        flags, low = self._flags, max(self.lo[1], y - MAX_DROP)
        while not (flags((x, y, z)) & FLOOR or flags((x, y - 1, z)) & SUPPORT):
            y -= 1
            if y < low or not flags((x, y, z)) & FEET:
                return None
        return y

    def neighbours(self, cell: Pos) -> list[Pos]:
        """The cells one move from `cell` reaches (the search's inner loop, kept flat)."""
        x, y, z = cell
        lo, hi = self.lo, self.hi
        flags, fits = self._flags, self._fits
        here = (flags((x, y, z)) | flags((x, y + 1, z))) & PANEL
        out: list[Pos] = []
        free: dict[tuple[int, int], bool] = {}
        for dx, dz in _STRAIGHT:
            nx, nz = x + dx, z + dz
            axis = NO_X if dx else NO_Z
            if here & axis or not (lo[0] <= nx <= hi[0] and lo[2] <= nz <= hi[2]):
                free[dx, dz] = False
                continue
            at = fits(nx, y, nz)
            free[dx, dz] = is_free = at >= 0 and not at & axis
            if is_free:
                ny = self._fall(nx, y, nz)
                if ny is not None:
                    out.append((nx, ny, nz))
            elif flags((nx, y, nz)) & SUPPORT and y + 1 <= hi[1] \
                    and flags((x, y + 2, z)) & HEAD:
                # a step up onto the block ahead, with room above the agent's head
                up = fits(nx, y + 1, nz)
                if up >= 0 and not up & axis:
                    out.append((nx, y + 1, nz))
        for dx, dz in _DIAGONAL:
            nx, nz = x + dx, z + dz
            if here or not (lo[0] <= nx <= hi[0] and lo[2] <= nz <= hi[2]):
                continue
            if free[dx, 0] and free[0, dz] and fits(nx, y, nz) == 0:
                ny = self._fall(nx, y, nz)
                if ny is not None:
                    out.append((nx, ny, nz))
            elif flags((nx, y, nz)) & SUPPORT and y + 1 <= hi[1] \
                    and flags((x, y + 2, z)) & HEAD and fits(nx, y + 1, nz) == 0 \
                    and (fits(nx, y + 1, z) == 0 or fits(x, y + 1, nz) == 0):
                # a diagonal jump onto a block, past one free column at the upper level (as
                # mineflayer-pathfinder's getMoveDiagonal jumps)
                out.append((nx, y + 1, nz))
        return out

    def find(self, start: Pos, goal: Pos, within: float = 0.0) -> list[Pos] | None:
        """The walk (A*) from `start` to a standable cell at most `within` blocks from
        `goal` (the goal itself when `within` is 0), as a list of cells from `start`; None
        when there is none inside the bounds.

        With `within` > 0 the walk ends where a player's pathfinder ends it (mineflayer-
        pathfinder's `GoalNear`, as the server's bots walk): the first cell inside the
        radius that A* pops when every cell is ranked by its walk so far plus its estimate to
        the goal's own cell (octile distance on the ground plane plus the height to go), so
        the walk goes on past the rim towards the goal while that costs no more. Without it,
        the shortest walk to the goal."""
        def reached(c: Pos) -> bool:
            return math.dist(c, goal) <= within + 1e-9

        def estimate(c: Pos) -> float:
            # octile distance on the ground plane: a lower bound of any walk's length
            dx, dz = abs(c[0] - goal[0]), abs(c[2] - goal[2])
            octile = max(dx, dz) + (SQRT2 - 1.0) * min(dx, dz)
            return octile + abs(c[1] - goal[1]) if within > 0.0 else octile

        if reached(start):
            return [start]
        if within == 0.0 and not self.standable(goal):
            return None
        self._cache, self._fit_cache, self._fall_cache = {}, {}, {}
        try:
            return self._search(start, reached, estimate, lambda: self._goals(goal, within))
        finally:
            self._cache = self._fit_cache = self._fall_cache = None

    def _goals(self, goal: Pos, within: float) -> list[Pos] | None:
        """The standable cells a walk may end in (None when there are too many to list)."""
        if within > ENCLOSURE_WITHIN:
            return None
        r = math.floor(within)
        gx, gy, gz = goal
        return [c for c in ((gx + dx, gy + dy, gz + dz) for dx in range(-r, r + 1)
                            for dy in range(-r, r + 1) for dz in range(-r, r + 1))
                if math.dist(c, goal) <= within + 1e-9 and self.standable(c)]

    def predecessors(self, cell: Pos) -> Iterable[Pos]:
        """The cells from which one move reaches `cell`: from below by a step up, from the
        same height, or from above by a drop down `cell`'s column."""
        x, y, z = cell
        lo, hi = self.lo, self.hi
        heights = []
        h = y
        while h <= hi[1] and self.passable((x, h, z)) and self.passable((x, h + 1, z)):
            heights.append(h)
            h += 1
        for dx, dz in _STRAIGHT + _DIAGONAL:
            px, pz = x - dx, z - dz
            if not (lo[0] <= px <= hi[0] and lo[2] <= pz <= hi[2]):
                continue
            for ph in [y - 1, *heights]:
                p = (px, ph, pz)
                if self.standable(p) and cell in self.neighbours(p):
                    yield p

    def enclosed(self, goals: list[Pos], start: Pos, budget: int) -> bool:
        """Whether the cells that can reach `goals` are fewer than `budget` and exclude
        `start`: a quick proof that no walk exists (a closed room, a sealed pit)."""
        seen = set(goals)
        todo = list(goals)
        while todo:
            if len(seen) > budget:
                return False
            for p in self.predecessors(todo.pop()):
                if p == start:
                    return False
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        # the start itself may not be standable (mid-air): then look at its first moves
        return not any(n in seen for n in self.neighbours(start))

    def _search(self, start: Pos, reached: Callable[[Pos], bool],
                estimate: Callable[[Pos], float],
                goals: Callable[[], list[Pos] | None]) -> list[Pos] | None:
        came: dict[Pos, Pos | None] = {start: None}
        cost: dict[Pos, float] = {start: 0.0}
        tie = 0  # among equal estimates, the cell nearer the goal, then the older entry
        queue: list[tuple[float, float, int, Pos]] = [(estimate(start), 0.0, tie, start)]
        done: set[Pos] = set()
        while queue:
            _, _, _, cell = heapq.heappop(queue)
            if cell in done:
                continue
            done.add(cell)
            if len(done) == ENCLOSURE_AFTER:
                # a long search: maybe the goal is walled in; look from its side
                targets = goals()
                if targets is not None and self.enclosed(targets, start, ENCLOSURE_BUDGET):
                    return None
            if reached(cell):
                path = [cell]
                while (prev := came[path[-1]]) is not None:
                    path.append(prev)
                return path[::-1]
            here = cost[cell]
            for nxt in self.neighbours(cell):
                new = here + math.dist(cell, nxt)
                if new < cost.get(nxt, math.inf) - 1e-12:
                    cost[nxt] = new
                    came[nxt] = cell
                    tie += 1
                    rest = estimate(nxt)
                    heapq.heappush(queue, (new + rest, rest, tie, nxt))
        return None


def world_walker(world: WorldSetup, blocks: dict[str, BlockInfo]) -> Walker:
    """A Walker over `world` as it is built, before any action (for planning): its blocks
    and containers on the superflat ground, inside its bounds."""
    placed: dict[Pos, BlockState] = {b.pos: BlockState(name=b.name, state=dict(b.state))
                                     for b in world.blocks}
    for c in world.containers:
        placed[c.pos] = BlockState(name=c.kind, state={"facing": c.facing})

    def block(pos: Pos) -> BlockState:
        found = placed.get(pos)
        return found if found is not None else ground_block(pos[1])

    return Walker(block, blocks, world.bounds)
