"""Walks on both backends: the same small world and actions on the simulator and on the embedded
server, through the harness (`run_on_sim`, `run_on_server`, `compare`), with the verdicts, the
durations (within the harness's tolerance) and the final positions compared."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from env.actions import WALK_SPEED, parse_action
from env.durations import DURATIONS
from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.rulebook import Rulebook
from env.sim import SimBackend
from env.world import (
    GROUND_Y,
    STAND_Y,
    BlockSpec,
    Condition,
    Effect,
    FPos,
    Pos,
    Trigger,
    WorldSetup,
)
from tests.differential.harness import (
    Run,
    Sequence_,
    compare,
    duration_ok,
    reset_arena,
    run_on_server,
    run_on_sim,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

ORIGIN: Pos = (440, STAND_Y, 400)
A, B = "walkann", "walkben"


def at(dx: int, dz: int, dy: int = 0) -> Pos:
    return (ORIGIN[0] + dx, ORIGIN[1] + dy, ORIGIN[2] + dz)


def _cell(pos: FPos) -> Pos:
    return (math.floor(pos[0]), round(pos[1]), math.floor(pos[2]))


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def _positions_on_sim(seq: Sequence_, rules: Rulebook) -> dict[str, Pos]:
    """The agents' cells after the sequence on the simulator, run as `run_on_sim` runs it."""
    sim = SimBackend(rules, seed=seq.seed)
    sim.build(seq.world, seq.agents)
    t = 0.0
    for rnd in seq.rounds:
        t = max([t] + [t + sim.execute(a, parse_action(act), t).seconds
                       for a, act in rnd.items()])
    return {a: _cell(sim.view().agent_pos(a)) for a in seq.agents}


def _server_holds(backend: MinecraftBackend, agent: str, cell: Pos) -> bool:
    """Whether the server's own record of `agent` (what a /selector reads, not the agent's
    bot) is within 1 block of `cell`'s floor centre."""
    x, y, z = cell
    answer = backend.command(f"/selector @a[name={agent},x={x + 0.5},y={y},z={z + 0.5},r=1]",
                             r"^\[(\d+(,\d+)*)?\]$")
    return answer.strip() != "[]"


def _both(backend: MinecraftBackend, rules: Rulebook, world: WorldSetup,
          rounds: list[dict[str, dict[str, Any]]]) -> tuple[Run, Run, dict[str, Pos]]:
    """Runs the case on both backends; fails on any disagreement of verdicts, durations or
    final cells (the server's checked by the server's own record of each player); answers
    (sim, server, the final cells)."""
    world = world.model_copy(update={"bounds": ((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 2),
                                                (ORIGIN[0] + 12, GROUND_Y + 6, ORIGIN[2] + 12))})
    seq = Sequence_(seed=0, world=world, agents=[A, B], rounds=rounds)
    sim = run_on_sim(seq, rules, ORIGIN)
    cells = _positions_on_sim(seq, rules)
    try:
        srv = run_on_server(seq, backend, ORIGIN)
        mine = {a: _cell(backend.view().agent_pos(a)) for a in seq.agents}
        held = {a: _server_holds(backend, a, cells[a]) for a in seq.agents}
    finally:
        reset_arena(backend, ORIGIN)
    assert compare(seq, sim, srv, durations=True) == []
    assert mine == cells
    assert held == {a: True for a in seq.agents}
    return sim, srv, cells


def test_a_walk_cut_by_a_teleport_ends_when_and_where_the_teleport_puts_the_walker(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    """ann pulls a lever while ben sets off on a 9-block walk: the lever's trigger teleports
    every player within 5 blocks of ben's start. On the server ben's walk ends when the
    teleport puts him elsewhere (env/js/actions.js walk); the simulator ends it at the
    trigger's moment (the lever's click, activate_s), not after the whole walk; both have him
    where the teleport put him."""
    lever, dest = at(8, 1), at(4, 6)
    world = WorldSetup(
        blocks=[BlockSpec(name="lever", pos=lever,
                          state={"face": "floor", "facing": "north", "powered": False})],
        triggers=[Trigger(id="tp", conditions=[
            Condition(pos=lever, block="lever", state={"powered": True})],
            effects=[Effect(kind="teleport", pos=at(0, 0), to=dest, radius=5.0)])],
        spawn=[at(7, 0), at(0, 0)])
    sim, srv, cells = _both(backend, rules, world, [
        {A: {"name": "activate", "pos": list(lever)},
         B: {"name": "move_to", "pos": list(at(0, 9))}}])
    whole = 9 / WALK_SPEED + DURATIONS["move_overhead_s"] + DURATIONS["centre_s"]
    walk_sim, walk_srv = sim.verdicts[1], srv.verdicts[1]
    assert walk_sim.ok and walk_srv.ok
    assert walk_sim.seconds == pytest.approx(DURATIONS["activate_s"])
    assert walk_srv.seconds < whole, walk_srv.seconds  # (0.45-0.6 s idle, 1.9 s seen loaded)
    assert duration_ok(walk_sim.seconds, walk_srv.seconds)
    assert cells == {A: at(7, 0), B: dest}
    print(f"walk cut by a teleport: sim {walk_sim.seconds:.2f} s, server {walk_srv.seconds:.2f} s"
          f" (whole walk {whole:.2f} s)")


def test_no_walk_leaves_the_task_bounds_on_either_backend(backend: MinecraftBackend,
                                                          rules: Rulebook) -> None:
    """A wall two blocks high across the whole width of the task's bounds: the only way round
    it leaves them. The simulator's walks never leave a task's bounds (env/sim/path.py); the
    server's bot used to walk round the wall's end, outside them. Now both refuse `no_path`
    and the walker stays where it was."""
    wall = [BlockSpec(name="stone", pos=at(x, 5, dy)) for x in range(0, 9) for dy in (0, 1)]
    world = WorldSetup(blocks=wall, spawn=[at(4, 0), at(1, 8)],
                       bounds=((ORIGIN[0], GROUND_Y, ORIGIN[2]),
                               (ORIGIN[0] + 8, GROUND_Y + 6, ORIGIN[2] + 9)))
    seq = Sequence_(seed=0, world=world, agents=[A, B], rounds=[
        {A: {"name": "move_to", "pos": list(at(4, 9))},
         B: {"name": "move_to", "pos": list(at(2, 9))}}])
    sim = run_on_sim(seq, rules, ORIGIN)
    try:
        srv = run_on_server(seq, backend, ORIGIN)
    finally:
        reset_arena(backend, ORIGIN)
    assert compare(seq, sim, srv, durations=False) == []
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [(False, "no_path"), (True, None)]
    assert _positions_on_sim(seq, rules)[A] == at(4, 0)
