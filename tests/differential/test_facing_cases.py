"""The facing of a block placed without a `facing`, on the simulator and on the embedded server,
with vanilla 1.19.2's values (env/data/facing.json): a furnace and a chest face the player
(getHorizontalDirection().getOpposite()), stairs and a door face where it looks
(getHorizontalDirection()). Two players place each from another side."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from env.actions import parse_action
from env.backend import Outcome
from env.block_states import full_state
from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.rulebook import Rulebook
from env.sim import SimBackend
from env.world import GROUND_Y, STAND_Y, Pos, WorldSetup
from tests.differential.harness import reset_arena

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

ORIGIN: Pos = (400, STAND_Y, 400)
A, B = "faceann", "faceben"
FEET = {A: (0, 0), B: (8, 0)}
ITEMS = ("furnace", "chest", "oak_stairs", "oak_door")
# A looks south at its cells (dz larger), B looks west at its (dx larger); none is a tie.
CELLS = {A: [(-1, 2), (1, 2), (-1, 4), (1, 4)], B: [(6, -1), (6, 1), (4, -1), (4, 1)]}
# Vanilla: a furnace and a chest face the player, stairs and a door face where it looks.
VANILLA = {A: ["north", "north", "south", "south"], B: ["east", "east", "west", "west"]}


def at(dx: int, dz: int, dy: int = 0) -> Pos:
    return (ORIGIN[0] + dx, ORIGIN[1] + dy, ORIGIN[2] + dz)


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def _world() -> WorldSetup:
    return WorldSetup(
        agent_items={item: 1 for item in ITEMS},
        bounds=((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 2), (ORIGIN[0] + 12, GROUND_Y + 6,
                                                          ORIGIN[2] + 12)),
        spawn=[at(*FEET[A]), at(*FEET[B])])


def _rounds() -> list[dict[str, dict[str, Any]]]:
    return [{agent: {"name": "place", "item": item, "pos": list(at(*CELLS[agent][i]))}
             for agent in (A, B)} for i, item in enumerate(ITEMS)]


def _states(be: Any, cells: list[Pos]) -> dict[Pos, dict[str, str]]:
    read = getattr(be, "read_blocks", None)
    blocks = read(cells) if read else {c: be.view().block(c) for c in cells}
    return {c: {"name": b.name, **full_state(b.name, b.state)} for c, b in blocks.items()}


def test_blocks_placed_without_a_facing_face_as_vanilla_on_both_backends(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    cells = [at(*c) for agent in (A, B) for c in CELLS[agent]]
    sim = SimBackend(rules, seed=0)
    sim.build(_world(), [A, B])
    t = 0.0
    for rnd in _rounds():
        outs = {a: sim.execute(a, parse_action(d), t) for a, d in rnd.items()}
        assert all(o.ok for o in outs.values()), outs
        t += max(o.seconds for o in outs.values())
    on_sim = _states(sim, cells)
    backend.build(_world(), [A, B])
    try:
        for rnd in _rounds():
            outs: dict[str, Outcome] = {}

            def act(agent: str, data: dict[str, Any], into: dict[str, Outcome]) -> None:
                into[agent] = backend.execute(agent, parse_action(data), 0.0)

            threads = [threading.Thread(target=act, args=(a, d, outs)) for a, d in rnd.items()]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            assert all(o.ok for o in outs.values()), outs
        on_server = _states(backend, cells)
    finally:
        reset_arena(backend, ORIGIN)
    want = {at(*c): f for agent in (A, B) for c, f in zip(CELLS[agent], VANILLA[agent],
                                                          strict=True)}
    assert {c: s["facing"] for c, s in on_sim.items()} == want
    assert {c: s["facing"] for c, s in on_server.items()} == want
    assert on_sim == on_server  # every property: a chest single, stairs bottom, a door shut
