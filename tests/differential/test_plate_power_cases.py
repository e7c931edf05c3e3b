"""The power level of weighted pressure plates on the simulator and on the embedded server, with
vanilla 1.19.2's values: no `powered` state; `power` is the number of players on a light plate
(up to 15) and one per ten on a heavy one, rounded up (WeightedPressurePlateBlock
.getSignalStrength, maxWeight 15 and 150; minecraft.wiki/w/Weighted_Pressure_Plate)."""

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
from env.world import GROUND_Y, STAND_Y, BlockSpec, Pos, WorldSetup
from tests.differential.harness import reset_arena

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

ORIGIN: Pos = (400, STAND_Y, 400)
A, B = "plateann", "plateben"


def at(dx: int, dz: int) -> Pos:
    return (ORIGIN[0] + dx, ORIGIN[1], ORIGIN[2] + dz)


LIGHT, HEAVY = at(0, 2), at(4, 2)
WAIT = {"name": "wait", "seconds": 0.5}
ROUNDS: list[dict[str, dict[str, Any]]] = [
    {A: {"name": "step_on", "pos": list(LIGHT), "hold_s": 0.5},
     B: {"name": "step_on", "pos": list(HEAVY), "hold_s": 0.5}},
    {A: {"name": "move_to", "pos": list(at(0, 0))}, B: WAIT},
    {A: WAIT, B: {"name": "step_on", "pos": list(LIGHT), "hold_s": 0.5}},
]
# (light, heavy) power after each round: one player on each; the light one left; the player
# on the heavy one moved to the light one.
VANILLA = [("1", "1"), ("0", "1"), ("1", "0")]


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def _world() -> WorldSetup:
    return WorldSetup(
        blocks=[BlockSpec(name="light_weighted_pressure_plate", pos=LIGHT),
                BlockSpec(name="heavy_weighted_pressure_plate", pos=HEAVY)],
        bounds=((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 2), (ORIGIN[0] + 12, GROUND_Y + 6,
                                                          ORIGIN[2] + 12)),
        spawn=[at(0, 0), at(4, 0)])


def _read(be: Any) -> tuple[dict[str, str], dict[str, str]]:
    read = getattr(be, "read_blocks", None)
    blocks = read([LIGHT, HEAVY]) if read else {c: be.view().block(c) for c in (LIGHT, HEAVY)}
    light, heavy = (full_state(blocks[c].name, blocks[c].state) for c in (LIGHT, HEAVY))
    return light, heavy


def test_weighted_plates_count_the_players_on_them_on_both_backends(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    sim = SimBackend(rules, seed=0)
    sim.build(_world(), [A, B])
    on_sim: list[tuple[dict[str, str], dict[str, str]]] = []
    t = 0.0
    for rnd in ROUNDS:
        outs = {a: sim.execute(a, parse_action(d), t) for a, d in rnd.items()}
        assert all(o.ok for o in outs.values()), outs
        t += max(o.seconds for o in outs.values())
        sim.execute(A, parse_action({"name": "wait", "seconds": 0.0}), t)  # the clock to t
        on_sim.append(_read(sim))
    backend.build(_world(), [A, B])
    on_server: list[tuple[dict[str, str], dict[str, str]]] = []
    try:
        for rnd in ROUNDS:
            outs: dict[str, Outcome] = {}

            def act(agent: str, data: dict[str, Any], into: dict[str, Outcome]) -> None:
                into[agent] = backend.execute(agent, parse_action(data), 0.0)

            threads = [threading.Thread(target=act, args=(a, d, outs)) for a, d in rnd.items()]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            assert all(o.ok for o in outs.values()), outs
            on_server.append(_read(backend))
    finally:
        reset_arena(backend, ORIGIN)
    for run in (on_sim, on_server):
        assert [(light["power"], heavy["power"]) for light, heavy in run] == VANILLA
        assert all("powered" not in s for pair in run for s in pair)
    assert on_sim == on_server
