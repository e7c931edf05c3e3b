"""The simulator's world state, and its read side (`env.world.WorldView`).

Blocks not set explicitly follow the vanilla superflat layers: grass_block at GROUND_Y,
dirt under it, bedrock at the bottom, air above the ground and below the bedrock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from env.capacity import player_slots, room_for, stack_size
from env.chests import halves
from env.ground import GroundItem, Kind, dropped
from env.rulebook import furnace_table
from env.sim.triggers import Hold
from env.world import GROUND_Y, BlockState, EntityState, FPos, Pos, StateValue, feet_center

BEDROCK_Y = GROUND_Y - 3

AIR = BlockState(name="air")
GRASS = BlockState(name="grass_block", state={"snowy": False})
DIRT = BlockState(name="dirt")
BEDROCK = BlockState(name="bedrock")


def ground_block(y: int) -> BlockState:
    """What the superflat world holds at height y when nothing was set there."""
    if y > GROUND_Y or y < BEDROCK_Y:
        return AIR
    if y == GROUND_Y:
        return GRASS
    if y == BEDROCK_Y:
        return BEDROCK
    return DIRT


def truthy(value: StateValue | None) -> bool:
    """Block states come as bools or as the strings a command writes ("true")."""
    return value is True or (isinstance(value, str) and value.lower() == "true") or value == 1


def same_state(a: StateValue | None, b: StateValue | None) -> bool:
    return a is not None and b is not None and str(a).lower() == str(b).lower()


@dataclass
class Container:
    items: dict[str, int]
    kind: str = "chest"
    lock: str | None = None


class Walk(NamedTuple):
    """A walk along `cells` (feet cells, start first) at `speed` blocks/s, leaving at `leave`
    (virtual s); the agent stands in `cells[0]` until then and in `cells[-1]` after."""

    leave: float
    cells: tuple[Pos, ...]
    speed: float

    def at(self, t: float) -> FPos:
        """Where the feet are at virtual time `t` (straight between cell centres).

        >>> Walk(1.0, ((0, -60, 0), (1, -60, 0), (2, -60, 0)), 2.0).at(1.75)
        (2.0, -60.0, 0.5)
        """
        here = feet_center(self.cells[0])
        go = max(0.0, t - self.leave) * self.speed
        for a, b in zip(self.cells, self.cells[1:], strict=False):
            step = math.dist(a, b)
            if go < step:
                f = go / step
                return (a[0] + 0.5 + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]),
                        a[2] + 0.5 + f * (b[2] - a[2]))
            go -= step
            here = feet_center(b)
        return here

    @property
    def arrive(self) -> float:
        """When the walk ends (virtual s)."""
        return self.leave + sum(math.dist(a, b) for a, b in zip(self.cells, self.cells[1:],
                                                                strict=False)) / self.speed


@dataclass
class SimState:
    """Everything the simulator knows. It is also the `WorldView` handed to `check()`: its
    getters return the live dicts (no copies), which callers must not change."""

    blocks: dict[Pos, BlockState] = field(default_factory=dict)
    containers: dict[Pos, Container] = field(default_factory=dict)
    entities_by_id: dict[str, EntityState] = field(default_factory=dict)
    positions: dict[str, FPos] = field(default_factory=dict)
    inventories: dict[str, dict[str, int]] = field(default_factory=dict)
    powered: dict[Pos, list[Hold]] = field(default_factory=dict)
    """When levers, buttons and plates were powered, and by whom (virtual time)."""
    power_seen: dict[Pos, tuple[float, bool]] = field(default_factory=dict)
    """Up to when each source's changes have moved the doors near it, and its state then."""
    changed_at: dict[Pos, float] = field(default_factory=dict)
    """When each block last changed (virtual time; unset = since the start)."""
    fired: dict[str, float] = field(default_factory=dict)
    """Triggers that fired, with the virtual time they fired at, in firing order."""
    reached: dict[str, set[str]] = field(default_factory=dict)
    """The agents each fired trigger's give or teleport has reached."""
    clock: float = 0.0
    lit_until: dict[Pos, float] = field(default_factory=dict)
    """Furnaces still burning fuel, and the virtual time their fire goes out."""
    busy_until: dict[Pos, float] = field(default_factory=dict)
    """Exclusive stations (furnaces) at work, and the virtual time their job ends."""
    held_until: dict[Pos, float] = field(default_factory=dict)
    """Containers players take turns at (env/data/stations.json `turns`), and the virtual time
    the take or put under way at each ends."""
    ground: list[GroundItem] = field(default_factory=list)
    """Items lying on the ground (what did not fit an inventory), in the order they fell
    (env/ground.py; picked up and despawned by env/sim/ground.py)."""
    last_used: dict[str, Pos | None] = field(default_factory=dict)
    """The block each agent's last action used (None: none), so that a take or put right
    after another at the same chest costs no new turn towards it."""
    walks: dict[str, Walk] = field(default_factory=dict)
    """Each agent's last walk, so that where it was at any moment of it can be told (a
    trigger's effect that fires mid-walk reaches the agent where it then is)."""
    teleported: dict[str, float] = field(default_factory=dict)
    """When a trigger last teleported each agent (virtual s): an action of that agent begun
    before that moment, but run after the trigger, was under way when it came."""
    touched: list[tuple[Pos, float]] = field(default_factory=list)
    """Cells `set_block` changed (with when) whose redstone circuit is still to settle."""
    now: float | None = None
    """The virtual moment a view is read at (the start of the action being judged): an agent
    still on its last walk then is seen where that walk has it, as the server's bots are.
    None: every agent where its last walk ends."""

    # -- WorldView ------------------------------------------------------------------------
    def block(self, pos: Pos) -> BlockState:
        found = self.blocks.get(pos)
        return found if found is not None else ground_block(pos[1])

    def inventory(self, agent: str) -> dict[str, int]:
        try:
            return self.inventories[agent]
        except KeyError:
            raise KeyError(f"unknown agent {agent!r}") from None

    def container(self, pos: Pos) -> dict[str, int] | None:
        """What the container at `pos` holds: a double chest's two halves together (a new
        dict), else the live dict of the one block."""
        found = self.containers.get(pos)
        if found is None:
            return None
        cells = self.chest_halves(pos) if self._half(pos) else [pos]
        if len(cells) == 1:
            return found.items
        out: dict[str, int] = {}
        for cell in cells:
            for item, n in self.containers[cell].items.items():
                out[item] = out.get(item, 0) + n
        return out

    def _half(self, pos: Pos) -> bool:
        block = self.blocks.get(pos)
        return block is not None and block.state.get("type") in ("left", "right")

    def chest_halves(self, pos: Pos) -> list[Pos]:
        """The cells of the container at `pos` in slot order (env/chests.py `halves`): a
        double chest's right and left halves, else [pos]."""
        cells = halves(pos, self.block)
        return cells if all(c in self.containers for c in cells) else [pos]

    def agent_pos(self, agent: str) -> FPos:
        """Where `agent`'s feet are at `now` (x, y, z in blocks); KeyError for an unknown
        agent."""
        return self.where(agent, self.now)

    def where(self, agent: str, at: float | None) -> FPos:
        """Where `agent`'s feet are at virtual time `at`: on its last walk while that walk is
        under way (a walk is applied whole when it starts, but the agent is only part of the
        way at any moment of it) unless a teleport had moved it off by then, else where it
        stands; `at` None: where it stands once its walks are done."""
        try:
            here = self.positions[agent]
        except KeyError:
            raise KeyError(f"unknown agent {agent!r}") from None
        walk = self.walks.get(agent)
        if at is None or walk is None or at >= walk.arrive:
            return here
        if here != feet_center(walk.cells[-1]):  # moved off it since: teleported, or fell
            moved = self.teleported.get(agent)
            if moved is None or at >= moved:
                return here
        return walk.at(at)

    def agents(self) -> list[str]:
        return list(self.positions)

    def container_kind(self, pos: Pos) -> str:
        """What kind of container stands at `pos` (chest, barrel), for its capacity."""
        found = self.containers.get(pos)
        return found.kind if found is not None else "chest"

    def furnace_fire_s(self, pos: Pos, at: float | None = None) -> float:
        """Seconds of fire the furnace at `pos` still has at virtual time `at` (default: now)."""
        return max(0.0, self.lit_until.get(pos, 0.0) - (self.clock if at is None else at))

    def entities(self) -> list[EntityState]:
        return list(self.entities_by_id.values())

    # -- changes --------------------------------------------------------------------------
    def set_block(self, pos: Pos, block: BlockState, at: float) -> None:
        self.blocks[pos] = block
        self.changed_at[pos] = at
        self.powered.pop(pos, None)
        self.touched.append((pos, at))
        if pos in self.containers and block.name not in ("chest", "trapped_chest", "barrel"):
            del self.containers[pos]
        if furnace_table().stations.get(block.name) is None:  # no smelting station there now
            self.lit_until.pop(pos, None)
            self.busy_until.pop(pos, None)

    def give(self, agent: str, item: str, count: int, at: float | None = None,
             kind: Kind = "block_drop", where: FPos | None = None) -> int:
        """Put `count` of `item` into `agent`'s 36 slots (part-filled stacks first, then empty
        slots); what does not fit falls at its feet (`where`, default where it stands) at
        virtual time `at` (default the clock) as a `GroundItem` of `kind` (its pickup delay;
        a give's overflow is the agent's own). Returns how many went into the inventory."""
        if count <= 0:
            return 0
        inv = self.inventories[agent]
        fits = min(count, room_for(inv, item, player_slots()))
        if fits:
            inv[item] = inv.get(item, 0) + fits
        left = count - fits
        while left > 0:  # one item entity per stack, as the game drops them
            n = min(left, stack_size(item))
            left -= n
            self.ground.append(dropped(item, n, where or self.agent_pos(agent),
                                       self.clock if at is None else at, kind,
                                       agent if kind == "give_overflow" else None))
        return fits

    def take(self, agent: str, item: str, count: int) -> None:
        inv = self.inventories[agent]
        left = inv.get(item, 0) - count
        if left < 0:
            raise ValueError(f"{agent} holds {inv.get(item, 0)} {item}, cannot remove {count}")
        if left:
            inv[item] = left
        else:
            inv.pop(item, None)

    def reset(self) -> None:
        """Empty the world in place (views already handed out stay valid)."""
        fresh = SimState()
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))

    def copy(self) -> SimState:
        """A deep copy (block and entity states are immutable, so they are shared)."""
        return SimState(
            blocks=dict(self.blocks),
            containers={p: Container(dict(c.items), c.kind, c.lock)
                        for p, c in self.containers.items()},
            entities_by_id=dict(self.entities_by_id),
            positions=dict(self.positions),
            inventories={a: dict(inv) for a, inv in self.inventories.items()},
            powered={p: list(iv) for p, iv in self.powered.items()},
            power_seen=dict(self.power_seen),
            changed_at=dict(self.changed_at),
            fired=dict(self.fired),
            reached={t: set(agents) for t, agents in self.reached.items()},
            clock=self.clock,
            lit_until=dict(self.lit_until),
            busy_until=dict(self.busy_until),
            held_until=dict(self.held_until),
            ground=list(self.ground),
            last_used=dict(self.last_used),
            walks=dict(self.walks),
            teleported=dict(self.teleported),
            touched=list(self.touched),
            now=self.now,
        )
