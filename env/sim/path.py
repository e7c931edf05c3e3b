"""Walking: which cells an agent may stand in, and the shortest walk between two of them.

A cell is *standable* when the feet and head cells are passable and the cell below holds the
agent up. Moves go to the 8 neighbouring columns (diagonals only when both orthogonal
columns are free, so no corner is cut), stepping up at most one block (straight moves only)
or dropping any height. Open doors, gates and trapdoors are passable, closed ones are not;
fences and walls are neither passable nor stood on; water is passable, lava is not; thin
blocks (plates, buttons, levers, torches, crops, carpets, flowers) are passable.

    >>> from env.sim.state import SimState
    >>> from env.rulebook import load_rulebook
    >>> walk = Walker(SimState().block, load_rulebook().blocks, ((-5, -61, -5), (5, -50, 5)))
    >>> walk.find((0, -60, 0), (3, -60, 0))
    [(0, -60, 0), (1, -60, 0), (2, -60, 0), (3, -60, 0)]
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable

from env.rulebook import BlockInfo
from env.sim.state import ground_block, truthy
from env.world import BlockState, Pos, WorldSetup

OPENABLE = ("_door", "_trapdoor", "_fence_gate")
ALWAYS_PASSABLE = frozenset({"air", "cave_air", "void_air", "water", "light"})

# Kinds of blocks for walking.
_OPEN, _SOLID, _BARRIER, _DOOR, _TRAPDOOR = range(5)

SQRT2 = math.sqrt(2.0)
OCTILE_SLACK = 1.0824  # the most octile distance exceeds straight-line distance by
# After this many cells without reaching the goal, test whether the goal is walled in by a
# search back from it of at most ENCLOSURE_BUDGET cells (goals up to ENCLOSURE_WITHIN).
ENCLOSURE_AFTER = 200
ENCLOSURE_BUDGET = 400
ENCLOSURE_WITHIN = 3.0
_STRAIGHT = ((1, 0), (-1, 0), (0, 1), (0, -1))
_DIAGONAL = ((1, 1), (1, -1), (-1, 1), (-1, -1))


def _kind_of(name: str, blocks: dict[str, BlockInfo]) -> int:
    if name in ALWAYS_PASSABLE or name.endswith("_carpet"):
        return _OPEN
    if name.endswith("_trapdoor"):
        return _TRAPDOOR
    if name.endswith(OPENABLE):
        return _DOOR
    if name == "lava" or name.endswith(("_fence", "_wall")):
        return _BARRIER
    info = blocks.get(name)
    if info is not None and not info.solid:
        return _OPEN
    return _SOLID


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
        self._kinds: dict[str, int] = {}
        self._cache: dict[Pos, int] | None = None

    def _flags(self, pos: Pos) -> int:
        """1: the cell can be walked through; 2: the cell holds an agent up. Cached during
        one search (the world does not change during it)."""
        cache = self._cache
        if cache is not None:
            flags = cache.get(pos)
            if flags is not None:
                return flags
        b = self.block(pos)
        kind = self._kinds.get(b.name)
        if kind is None:
            kind = self._kinds[b.name] = _kind_of(b.name, self.blocks)
        if kind == _OPEN:
            flags = 1
        elif kind == _SOLID:
            flags = 2
        elif kind == _DOOR:
            flags = 1 if truthy(b.state.get("open")) else 0
        elif kind == _TRAPDOOR:
            flags = 1 if truthy(b.state.get("open")) else 2
        else:
            flags = 0
        if cache is not None:
            cache[pos] = flags
        return flags

    def passable(self, pos: Pos) -> bool:
        return bool(self._flags(pos) & 1)

    def supports(self, pos: Pos) -> bool:
        return bool(self._flags(pos) & 2)

    def inside(self, pos: Pos) -> bool:
        lo, hi = self.lo, self.hi
        return lo[0] <= pos[0] <= hi[0] and lo[1] <= pos[1] <= hi[1] and lo[2] <= pos[2] <= hi[2]

    def standable(self, pos: Pos) -> bool:
        x, y, z = pos
        return self.inside(pos) and self.passable(pos) and self.passable((x, y + 1, z)) \
            and self.supports((x, y - 1, z))

    def why_not_standable(self, pos: Pos) -> str:
        x, y, z = pos
        if not self.inside(pos):
            return f"{pos} is outside the task bounds {self.lo}..{self.hi}"
        for cell, part in ((pos, "feet"), ((x, y + 1, z), "head")):
            if not self.passable(cell):
                return f"the {part} cell {cell} holds {self.block(cell).name}"
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
        while y > self.lo[1] and not self.supports((x, y - 1, z)) \
                and self.passable((x, y - 1, z)):
            y -= 1
        return (x, y, z)

    def _fall(self, x: int, y: int, z: int) -> int | None:
        """Where an agent whose feet and head are free at height y in column (x, z) lands."""
        flags, low = self._flags, self.lo[1]
        while not flags((x, y - 1, z)) & 2:
            y -= 1
            if y < low or not flags((x, y, z)) & 1:
                return None
        return y

    def neighbours(self, cell: Pos) -> list[Pos]:
        """The cells one move from `cell` reaches (the search's inner loop, kept flat)."""
        x, y, z = cell
        lo, hi = self.lo, self.hi
        flags = self._flags
        out: list[Pos] = []
        free: dict[tuple[int, int], bool] = {}
        for dx, dz in _STRAIGHT:
            nx, nz = x + dx, z + dz
            if not (lo[0] <= nx <= hi[0] and lo[2] <= nz <= hi[2]):
                free[dx, dz] = False
                continue
            is_free = bool(flags((nx, y, nz)) & 1 and flags((nx, y + 1, nz)) & 1)
            free[dx, dz] = is_free
            if is_free:
                ny = self._fall(nx, y, nz)
                if ny is not None:
                    out.append((nx, ny, nz))
            elif flags((nx, y, nz)) & 2 and y + 1 <= hi[1] and flags((x, y + 2, z)) & 1 \
                    and flags((nx, y + 1, nz)) & 1 and flags((nx, y + 2, nz)) & 1:
                # a step up onto the block ahead, with room above the agent's head
                out.append((nx, y + 1, nz))
        for dx, dz in _DIAGONAL:
            nx, nz = x + dx, z + dz
            if not (free[dx, 0] and free[0, dz]):
                continue
            if flags((nx, y, nz)) & 1 and flags((nx, y + 1, nz)) & 1:
                ny = self._fall(nx, y, nz)
                if ny is not None:
                    out.append((nx, ny, nz))
        return out

    def find(self, start: Pos, goal: Pos, within: float = 0.0) -> list[Pos] | None:
        """The shortest walk (A*) from `start` to a standable cell at most `within` blocks
        from `goal` (the goal itself when `within` is 0), as a list of cells from `start`;
        None when there is none inside the bounds."""
        def reached(c: Pos) -> bool:
            return math.dist(c, goal) <= within + 1e-9

        def estimate(c: Pos) -> float:
            # octile distance on the ground plane: a lower bound of any walk's length
            dx, dz = abs(c[0] - goal[0]), abs(c[2] - goal[2])
            return max(0.0, max(dx, dz) + (SQRT2 - 1.0) * min(dx, dz) - OCTILE_SLACK * within)

        if reached(start):
            return [start]
        if within == 0.0 and not self.standable(goal):
            return None
        self._cache = {}
        try:
            return self._search(start, reached, estimate, lambda: self._goals(goal, within))
        finally:
            self._cache = None

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
            for ph in ([y - 1, *heights] if dx == 0 or dz == 0 else heights):
                p = (px, ph, pz)
                if self.supports((px, ph - 1, pz)) and self.standable(p) \
                        and cell in self.neighbours(p):
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
