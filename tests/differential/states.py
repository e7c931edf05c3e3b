"""Whole block states after each action of one agent's case, on each backend: the shared part
of the differential case files that compare states cell by cell (test_redstone_cases.py,
test_piston_cases.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from env.actions import parse_action
from env.block_states import full_state
from env.minecraft.backend import MinecraftBackend
from env.rulebook import Rulebook
from env.sim import SimBackend
from env.world import GROUND_Y, STAND_Y, BlockSpec, Pos, Trigger, WorldSetup


@dataclass(frozen=True)
class Arena:
    """A case file's own patch of the world: `origin` (an agent stands at `at(0, 0, -2)`),
    `size` cells (x, y, z) of it compared and cleared after each case."""

    origin: Pos
    size: tuple[int, int, int] = (8, 5, 6)

    def at(self, dx: int, dy: int = 0, dz: int = 0) -> Pos:
        return (self.origin[0] + dx, self.origin[1] + dy, self.origin[2] + dz)

    def world(self, blocks: list[BlockSpec], items: dict[str, int] | None = None,
              triggers: list[Trigger] | None = None) -> WorldSetup:
        """The case's world: `blocks`, the agent's `items` and `triggers`, its bounds the
        arena's."""
        x0, _, z0 = self.origin
        return WorldSetup(blocks=blocks, triggers=triggers or [], agent_items=items or {},
                          bounds=((x0 - 2, GROUND_Y, z0 - 4),
                                  (x0 + self.size[0], GROUND_Y + 6, z0 + self.size[2])),
                          spawn=[self.at(0, 0, -2)])

    def cells(self) -> list[Pos]:
        """The cells compared: the arena's x and y extent, z from -2 to 1."""
        x0, _, z0 = self.origin
        return [(x0 + x, STAND_Y + y, z0 + z) for x in range(-1, self.size[0])
                for y in range(0, self.size[1]) for z in range(-2, 2)]

    def clear(self) -> tuple[Pos, Pos]:
        """The box the server's /fill clears after each case."""
        x0, _, z0 = self.origin
        return ((x0 - 1, GROUND_Y + 1, z0 - 3),
                (x0 + self.size[0], GROUND_Y + self.size[1] + 1, z0 + 2))


Stack = tuple[str, int, tuple[float, float, float]]
"""An item entity lying on the ground: (item, count, position)."""


def drops_on_server(backend: MinecraftBackend, arena: Arena, clear: bool = False
                    ) -> list[Stack]:
    """The item entities around `arena`'s cells on a server (`/drops`), once they have come
    to rest (two reads 0.25 s apart agree; an item spawned in its cell falls onto the block
    below); removed after when `clear`."""
    x0, y0, z0 = arena.origin
    centre = f"{x0 + 3} {y0 + 2} {z0}"
    last = None
    for _ in range(20):
        line = backend.command(f"/drops {centre} 6", r"^drops ")
        now = sorted((g["item"], g["count"], tuple(g["pos"]))
                     for g in json.loads(line[line.index("["):]))
        if now == last:
            break
        last = now
        time.sleep(0.25)
    if clear:
        backend.command(f"/drops {centre} 6 clear", r"^drops ")
    return last or []


def spec(pos: Pos, name: str, **state: Any) -> BlockSpec:
    return BlockSpec(name=name, pos=pos, state=state)


def place(item: str, pos: Pos) -> dict[str, Any]:
    return {"name": "place", "item": item, "pos": list(pos)}


States = dict[Pos, tuple[str, dict[str, str]]]
"""Every cell that is not air: (block name, its whole state with the game's defaults)."""


def read_states(be: Any, cells: list[Pos]) -> States:
    read = getattr(be, "read_blocks", None)
    blocks = read(cells) if read else {c: be.view().block(c) for c in cells}
    return {p: (b.name, full_state(b.name, b.state)) for p, b in blocks.items()
            if b.name != "air"}


def states_on_sim(rules: Rulebook, setup: WorldSetup, actions: list[dict[str, Any]],
                  agent: str, cells: list[Pos]) -> list[States]:
    """The states after the build and after each action (each must be done), one after
    another in virtual time."""
    out: list[States] = []
    run_on_sim(rules, setup, actions, agent, lambda sim: out.append(read_states(sim, cells)))
    return out


def run_on_sim(rules: Rulebook, setup: WorldSetup, actions: list[dict[str, Any]], agent: str,
               after: Callable[[SimBackend], None] | None = None) -> SimBackend:
    """The simulator after the build and `actions` (each must be done), one after another in
    virtual time; `after(sim)` is called after the build and after each action."""
    sim = SimBackend(rules, seed=0)
    sim.build(setup, [agent])
    if after is not None:
        after(sim)
    t = 0.0
    for act in actions:
        o = sim.execute(agent, parse_action(act), t)
        assert o.ok, o
        t += o.seconds
        sim.advance(t)
        if after is not None:
            after(sim)
    return sim


def states_on_server(backend: MinecraftBackend, setup: WorldSetup,
                     actions: list[dict[str, Any]], agent: str, cells: list[Pos],
                     clear: tuple[Pos, Pos],
                     before_clear: Callable[[], object] | None = None) -> list[States]:
    """As `states_on_sim`, on the server; the box `clear` (two corners) is filled with air
    after, whatever happened, once `before_clear` (if any) has run."""
    backend.build(setup, [agent])
    try:
        out = [read_states(backend, cells)]
        for act in actions:
            o = backend.execute(agent, parse_action(act), 0.0)
            assert o.ok, o
            out.append(read_states(backend, cells))
        return out
    finally:
        if before_clear is not None:
            before_clear()
        (x0, y0, z0), (x1, y1, z1) = clear
        backend.command(f"/fill {x0} {y0} {z0} {x1} {y1} {z1} air", r"filled")
