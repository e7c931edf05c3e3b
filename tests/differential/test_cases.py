"""Disagreements the differential test found, each fixed and kept as a named case: the same
small world and actions on the simulator and on the embedded server, with vanilla's verdict.
Each runs through the harness (`run_on_sim`, `run_on_server`, `compare`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.refusals import Code
from env.rulebook import Rulebook
from env.world import GROUND_Y, STAND_Y, ContainerSpec, Pos, WorldSetup
from tests.differential.harness import (
    Run,
    Sequence_,
    compare,
    reset_arena,
    run_on_server,
    run_on_sim,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

ORIGIN: Pos = (400, STAND_Y, 400)
A, B = "caseann", "caseben"


def at(dx: int, dz: int, dy: int = 0) -> Pos:
    return (ORIGIN[0] + dx, ORIGIN[1] + dy, ORIGIN[2] + dz)


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def both(backend: MinecraftBackend, rules: Rulebook, world: WorldSetup,
         rounds: list[dict[str, dict[str, Any]]]) -> tuple[Run, Run]:
    """Runs the case on both backends; fails on any disagreement; answers (sim, server)."""
    world = world.model_copy(update={"bounds": ((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 2),
                                                (ORIGIN[0] + 12, GROUND_Y + 6, ORIGIN[2] + 12))})
    seq = Sequence_(seed=0, world=world, agents=[A, B], rounds=rounds)
    sim = run_on_sim(seq, rules, ORIGIN)
    try:
        srv = run_on_server(seq, backend, ORIGIN)
    finally:
        reset_arena(backend, ORIGIN)
    assert compare(seq, sim, srv, durations=False) == []
    return sim, srv


def test_a_chest_out_of_reach_is_refused_by_the_server_too(backend: MinecraftBackend,
                                                           rules: Rulebook) -> None:
    # The server's take and put used to open a chest 7 blocks away.
    world = WorldSetup(containers=[ContainerSpec(pos=at(0, 8), items={"bread": 3})],
                       spawn=[at(0, 0), at(3, 0)], agent_items={"apple": 2})
    sim, srv = both(backend, rules, world, [
        {A: {"name": "take", "pos": list(at(0, 8)), "item": "bread", "count": 1},
         B: {"name": "put", "pos": list(at(0, 8)), "item": "apple", "count": 1}}])
    assert [v.code for v in srv.verdicts] == [Code.OUT_OF_REACH, Code.OUT_OF_REACH]
    assert srv.final["chests"][",".join(map(str, at(0, 8)))] == {"bread": 3}


def test_a_take_that_does_not_fit_moves_nothing(backend: MinecraftBackend,
                                                rules: Rulebook) -> None:
    # A player holds 36 stacks (minecraft.wiki/w/Inventory). Holding 35 stacks of dirt, only
    # 64 cobblestone fit: a take of 640 is refused and moves nothing (it used to move 640).
    world = WorldSetup(containers=[ContainerSpec(pos=at(1, 2), items={"cobblestone": 1728})],
                       spawn=[at(0, 0), at(3, 0)], agent_items={"dirt": 35 * 64})
    sim, srv = both(backend, rules, world, [
        {A: {"name": "take", "pos": list(at(1, 2)), "item": "cobblestone", "count": 640},
         B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "take", "pos": list(at(1, 2)), "item": "cobblestone", "count": 64},
         B: {"name": "wait", "seconds": 0.2}}])
    assert srv.verdicts[0].code == Code.INVENTORY_FULL
    assert srv.verdicts[0].reason == f"{A} has no room for 640 cobblestone (64 fit)"
    assert srv.verdicts[2].ok
    assert srv.final["chests"][",".join(map(str, at(1, 2)))] == {"cobblestone": 1664}
    assert srv.final["inventories"][A] == {"cobblestone": 64, "dirt": 2240}


def test_a_put_into_a_full_chest_moves_nothing(backend: MinecraftBackend,
                                               rules: Rulebook) -> None:
    # A chest holds 27 stacks (minecraft.wiki/w/Chest): with 26 stacks of stone and 60 bread,
    # 64 bread fit, 65 do not.
    world = WorldSetup(containers=[ContainerSpec(pos=at(1, 2),
                                                 items={"stone": 26 * 64, "bread": 60})],
                       spawn=[at(0, 0), at(3, 0)], agent_items={"bread": 70})
    sim, srv = both(backend, rules, world, [
        {A: {"name": "put", "pos": list(at(1, 2)), "item": "bread", "count": 69},
         B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "put", "pos": list(at(1, 2)), "item": "bread", "count": 4},
         B: {"name": "wait", "seconds": 0.2}}])
    assert srv.verdicts[0].code == Code.CONTAINER_FULL
    assert srv.verdicts[2].ok
    assert srv.final["inventories"][A] == {"bread": 66}


def test_planks_of_two_woods_make_a_crafting_table_through_the_action(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # Vanilla's recipe takes #minecraft:planks in each cell; the server body used to look for
    # 4 planks of one wood (minecraft-data's per-wood recipes).
    world = WorldSetup(spawn=[at(0, 0), at(3, 0)],
                       agent_items={"oak_planks": 2, "spruce_planks": 3})
    sim, srv = both(backend, rules, world, [
        {A: {"name": "craft", "item": "crafting_table", "times": 1},
         B: {"name": "craft", "item": "stick", "times": 1}}])
    assert srv.final["inventories"][A] == {"crafting_table": 1, "spruce_planks": 1}
    # Two planks of one wood are spent whole before a mix (env/actions.py's fill order).
    assert srv.final["inventories"][B] == {"spruce_planks": 3, "stick": 4}
