"""Falling blocks on the simulator and on the embedded server, with vanilla 1.19.2's values:
the same worlds built on both, the same actions, and every cell's whole state compared after
the build and after each action. The pure side is tests/test_gravity.py.

Sources: FallingBlock (isFree: air, fire, liquids, replaceable blocks; not a torch),
FallingBlockEntity.tick (lands on the first collision box; placed where the cell can be
replaced, else it breaks: a torch's cell cannot), ConcretePowderBlock.onLand (water beside:
concrete; in water deeper than a block it lands in the first water cell it enters:
FallingBlockEntity.tick, a ConcretePowderBlock whose cell's fluid is water lands there). What
a fall leaves without support (a torch, a wall torch, both halves of a sunflower on the sand)
pops off and drops its item in its cell (Block.updateOrDestroy: destroyBlock with drops); a
falling block that breaks drops itself as an item where it broke (FallingBlockEntity.tick:
spawnAtLocation, doEntityDrops). Powder snow holds a falling block that fell at most 2.5
blocks and stops a longer fall inside its cell (PowderSnowBlock.getCollisionShape). The
items on the ground are compared too (item, count, where they rest).
minecraft.wiki/w/Falling_Block, /w/Sand, /w/Gravel, /w/Concrete_Powder, /w/Powder_Snow.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.rulebook import Rulebook
from env.world import STAND_Y, BlockSpec, Condition, Effect, Pos, Trigger, WorldSetup
from tests.differential.states import (
    Arena,
    Stack,
    States,
    place,
    run_on_sim,
    spec,
    states_on_server,
    states_on_sim,
)
from tests.differential.states import drops_on_server as server_drops

pytestmark = [pytest.mark.server, pytest.mark.timeout(600)]

ARENA = Arena((470, STAND_Y, 470))
ORIGIN: Pos = ARENA.origin
SIZE = ARENA.size
AGENT = "sandann"
at = ARENA.at
world = ARENA.world


def pillar(dx: int, dz: int, height: int, name: str = "stone") -> list[BlockSpec]:
    return [spec(at(dx, dy, dz), name) for dy in range(height)]


PLATE = at(6, 0, -2)
CASES: dict[str, tuple[WorldSetup, list[dict[str, Any]]]] = {
    # placed beside the top of a 4-high wall, three free cells below: it lands on the ground
    "sand_beside_a_wall_lands_at_the_bottom": (
        world(pillar(1, 0, 4), {"sand": 1}), [place("sand", at(2, 3, 0))]),
    # falling onto a torch: it ends in the torch's cell, which it cannot replace: it breaks
    "gravel_falling_onto_a_torch_breaks": (
        world([*pillar(1, 0, 3), spec(at(2, 0, 0), "torch")], {"gravel": 1}),
        [place("gravel", at(2, 2, 0))]),
    # put right on a torch it stays: a torch is not free (FallingBlock.isFree)
    "gravel_right_on_a_torch_stays": (
        world([*pillar(1, 0, 2), spec(at(2, 0, 0), "torch")], {"gravel": 1}),
        [place("gravel", at(2, 1, 0))]),
    # the block under a column of three gravel dug: all three fall by one
    "digging_under_three_gravel_drops_them_by_one": (
        world([spec(at(2, 0, 0), "dirt")] + [spec(at(2, dy, 0), "gravel") for dy in (1, 2, 3)]),
        [{"name": "dig", "pos": list(at(2, 0, 0))}]),
    # set by the world builder over air (a /setblock): it falls at once
    "gravel_set_over_air_falls_at_build": (
        world([spec(at(3, 2, 1), "gravel"), spec(at(4, 1, 1), "red_sand")]), []),
    # a trigger's /setblock air under sand: the sand falls
    "trigger_clears_the_block_under_sand": (
        world([spec(at(2, 0, 0), "dirt"), spec(at(2, 1, 0), "sand"),
               spec(PLATE, "stone_pressure_plate")], {},
              [Trigger(id="plate", conditions=[Condition(pos=PLATE, block="stone_pressure_plate",
                                                         state={"powered": True})],
                       effects=[Effect(kind="set_block", pos=at(2, 0, 0), block="air")])]),
        [{"name": "step_on", "pos": list(PLATE), "hold_s": 0.5},
         {"name": "move_to", "pos": list(at(0, 0, -2))}]),
    # a trigger's /setblock air on the stone a torch stands on and a wall torch hangs on:
    # both pop off and drop a torch each in their cells (the neighbour update breaks them
    # with their drops: Block.updateOrDestroy, Level.destroyBlock(pos, true))
    "trigger_clears_what_torches_hang_on": (
        world([spec(at(3, 0, 0), "stone"), spec(at(3, 1, 0), "torch"),
               spec(at(4, 0, 0), "wall_torch", facing="east"),
               spec(PLATE, "stone_pressure_plate")], {},
              [Trigger(id="plate", conditions=[Condition(pos=PLATE, block="stone_pressure_plate",
                                                         state={"powered": True})],
                       effects=[Effect(kind="set_block", pos=at(3, 0, 0), block="air")])]),
        [{"name": "step_on", "pos": list(PLATE), "hold_s": 0.5},
         {"name": "move_to", "pos": list(at(0, 0, -2))}]),
    # concrete powder landing beside water becomes concrete
    "concrete_powder_lands_beside_water": (
        world([*pillar(1, 0, 3), spec(at(3, 0, 0), "water")], {"white_concrete_powder": 1}),
        [place("white_concrete_powder", at(2, 2, 0))]),
    # placed against a wall's side in the air beside water: it turns at once, where it is,
    # and does not fall (ConcretePowderBlock.getStateForPlacement: touchesLiquid)
    "concrete_powder_placed_beside_water_turns_where_it_is": (
        world([*pillar(1, 0, 3), spec(at(3, 2, 0), "water")], {"white_concrete_powder": 1}),
        [place("white_concrete_powder", at(2, 2, 0))]),
    # resting on the ground, a trigger's /setblock water beside it turns it (updateShape);
    # powder on waterlogged stairs stays powder (touchesLiquid never looks down from a dry
    # cell)
    "water_set_beside_powder_turns_it": (
        world([spec(at(2, 0, 0), "lime_concrete_powder"),
               spec(at(4, 0, 0), "oak_stairs", facing="east", half="bottom", shape="straight",
                    waterlogged="true"),
               spec(at(4, 1, 0), "red_concrete_powder"),
               spec(PLATE, "stone_pressure_plate")], {},
              [Trigger(id="plate", conditions=[Condition(pos=PLATE, block="stone_pressure_plate",
                                                         state={"powered": True})],
                       effects=[Effect(kind="set_block", pos=at(3, 0, 0), block="water")])]),
        [{"name": "step_on", "pos": list(PLATE), "hold_s": 0.5},
         {"name": "move_to", "pos": list(at(0, 0, -2))}]),
    # water three deep: the powder turns in the first water cell, it does not sink
    "concrete_powder_turns_in_the_first_water_of_a_deep_pool": (
        world([*pillar(1, 0, 4), *[spec(at(2, dy, 0), "water") for dy in range(3)]],
              {"lime_concrete_powder": 1}),
        [place("lime_concrete_powder", at(2, 3, 0))]),
    # the dirt under sand dug: the sand falls by one; the torch on it, the wall torch on its
    # side and both halves of the sunflower on it pop off and drop their items
    "what_the_falling_sand_held_pops_off": (
        world([spec(at(3, 0, 0), "dirt"), spec(at(3, 1, 0), "sand"),
               spec(at(4, 1, 0), "wall_torch", facing="east"),
               spec(at(3, 2, 0), "sunflower", half="lower"),
               spec(at(3, 3, 0), "sunflower", half="upper"),
               spec(at(3, 0, 1), "dirt"), spec(at(3, 1, 1), "gravel"),
               spec(at(3, 2, 1), "torch")]),
        [{"name": "dig", "pos": list(at(3, 0, 0))}, {"name": "dig", "pos": list(at(3, 0, 1))}]),
    # onto powder snow: after a fall of two cells it lands on top (a full box for a falling
    # block whose fall is at most 2.5), after three it stops in the snow's cell and breaks
    "sand_lands_on_powder_snow_after_two_cells": (
        world([*pillar(1, 0, 4), spec(at(2, 0, 0), "powder_snow")], {"sand": 1}),
        [place("sand", at(2, 3, 0))]),
    "sand_breaks_in_powder_snow_after_three_cells": (
        world([*pillar(1, 0, 5), spec(at(2, 0, 0), "powder_snow")], {"sand": 1}),
        [place("sand", at(2, 4, 0))]),
}

EXPECTED: dict[str, dict[Pos, str]] = {
    "sand_beside_a_wall_lands_at_the_bottom": {
        at(2, 0, 0): "sand", at(2, 1, 0): "air", at(2, 2, 0): "air", at(2, 3, 0): "air"},
    "gravel_falling_onto_a_torch_breaks": {
        at(2, 0, 0): "torch", at(2, 1, 0): "air", at(2, 2, 0): "air"},
    "gravel_right_on_a_torch_stays": {at(2, 0, 0): "torch", at(2, 1, 0): "gravel"},
    "digging_under_three_gravel_drops_them_by_one": {
        at(2, 0, 0): "gravel", at(2, 1, 0): "gravel", at(2, 2, 0): "gravel", at(2, 3, 0): "air"},
    "gravel_set_over_air_falls_at_build": {
        at(3, 0, 1): "gravel", at(3, 2, 1): "air", at(4, 0, 1): "red_sand",
        at(4, 1, 1): "air"},
    "trigger_clears_the_block_under_sand": {at(2, 0, 0): "sand", at(2, 1, 0): "air"},
    "trigger_clears_what_torches_hang_on": {
        at(3, 0, 0): "air", at(3, 1, 0): "air", at(4, 0, 0): "air"},
    "concrete_powder_lands_beside_water": {
        at(2, 0, 0): "white_concrete", at(2, 2, 0): "air", at(3, 0, 0): "water"},
    "concrete_powder_placed_beside_water_turns_where_it_is": {
        at(2, 2, 0): "white_concrete", at(2, 1, 0): "air", at(2, 0, 0): "air"},
    "water_set_beside_powder_turns_it": {
        at(2, 0, 0): "lime_concrete", at(3, 0, 0): "water", at(4, 1, 0): "red_concrete_powder"},
    "concrete_powder_turns_in_the_first_water_of_a_deep_pool": {
        at(2, 0, 0): "water", at(2, 1, 0): "water", at(2, 2, 0): "lime_concrete",
        at(2, 3, 0): "air"},
    "what_the_falling_sand_held_pops_off": {
        at(3, 0, 0): "sand", at(3, 1, 0): "air", at(4, 1, 0): "air", at(3, 2, 0): "air",
        at(3, 3, 0): "air", at(3, 0, 1): "gravel", at(3, 1, 1): "air", at(3, 2, 1): "air"},
    "sand_lands_on_powder_snow_after_two_cells": {
        at(2, 0, 0): "powder_snow", at(2, 1, 0): "sand", at(2, 3, 0): "air"},
    "sand_breaks_in_powder_snow_after_three_cells": {
        at(2, 0, 0): "powder_snow", at(2, 1, 0): "air", at(2, 4, 0): "air"},
}

GROUND: dict[str, list[Stack]] = {
    # the gravel in the torch's cell: its own item, on the ground there
    "gravel_falling_onto_a_torch_breaks": [
        ("gravel", 1, (ORIGIN[0] + 2.5, float(STAND_Y), ORIGIN[2] + 0.5))],
    # each item in the cell it popped from, resting on the sand (or gravel) now below
    "what_the_falling_sand_held_pops_off": [
        ("sunflower", 1, (ORIGIN[0] + 3.5, STAND_Y + 1.0, ORIGIN[2] + 0.5)),
        ("torch", 1, (ORIGIN[0] + 4.5, float(STAND_Y), ORIGIN[2] + 0.5)),
        ("torch", 1, (ORIGIN[0] + 3.5, STAND_Y + 1.0, ORIGIN[2] + 1.5))],
    # each torch in its cell, fallen onto the ground (the stone under the standing one gone)
    "trigger_clears_what_torches_hang_on": [
        ("torch", 1, (ORIGIN[0] + 3.5, float(STAND_Y), ORIGIN[2] + 0.5)),
        ("torch", 1, (ORIGIN[0] + 4.5, float(STAND_Y), ORIGIN[2] + 0.5))],
    # broken in the powder snow's cell: the item sinks to the ground under the snow
    "sand_breaks_in_powder_snow_after_three_cells": [
        ("sand", 1, (ORIGIN[0] + 2.5, float(STAND_Y), ORIGIN[2] + 0.5))],
}


def cells() -> list[Pos]:
    return ARENA.cells()


def on_sim(rules: Rulebook, case: str) -> list[States]:
    setup, actions = CASES[case]
    return states_on_sim(rules, setup, actions, AGENT, cells())


CLEAR = ARENA.clear()


def on_server(backend: MinecraftBackend, case: str,
              ground: list[Stack] | None = None) -> list[States]:
    """The case's states on the server; the items lying after it are removed (no item of one
    case lies in the next), once read into `ground` when given."""
    setup, actions = CASES[case]

    def lying() -> None:
        (ground if ground is not None else []).extend(drops_on_server(backend, clear=True))

    return states_on_server(backend, setup, actions, AGENT, cells(), CLEAR, lying)


def ground_on_sim(rules: Rulebook, case: str) -> list[Stack]:
    """The stacks on the simulator's ground after the case, in the order they fell."""
    setup, actions = CASES[case]
    sim = run_on_sim(rules, setup, actions, AGENT)
    return [(g.item, g.count, g.pos) for g in sim.state.ground]


def drops_on_server(backend: MinecraftBackend, clear: bool = False) -> list[Stack]:
    """The items lying around this file's arena (`states.drops_on_server`)."""
    return server_drops(backend, ARENA, clear)


def same_ground(got: list[Stack], want: list[Stack]) -> None:
    """The same stacks, each within 0.3 block of where it should rest (a server's item rests
    a little off the middle of its cell: flying-squid's physics)."""
    assert sorted((i, n) for i, n, _ in got) == sorted((i, n) for i, n, _ in want)
    for (i, _, p), (_, _, q) in zip(sorted(got), sorted(want), strict=True):
        assert all(abs(a - b) <= 0.3 for a, b in zip(p, q, strict=True)), (i, p, q)


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def final(run: list[States], pos: Pos) -> str:
    return run[-1].get(pos, ("air", {}))[0]


@pytest.mark.parametrize("case", list(CASES))
def test_sim_case_has_vanillas_blocks(case: str, rules: Rulebook) -> None:
    run = on_sim(rules, case)
    assert {p: final(run, p) for p in EXPECTED[case]} == EXPECTED[case]
    assert ground_on_sim(rules, case) == GROUND.get(case, [])


@pytest.mark.parametrize("case", list(GROUND))
def test_what_a_fall_drops_lies_on_the_ground_on_both_backends(
        case: str, backend: MinecraftBackend, rules: Rulebook) -> None:
    srv: list[Stack] = []
    on_server(backend, case, srv)
    assert ground_on_sim(rules, case) == GROUND[case]
    same_ground(srv, GROUND[case])


@pytest.mark.parametrize("case", list(CASES))
def test_gravity_case_agrees_with_vanilla_on_both_backends(
        case: str, backend: MinecraftBackend, rules: Rulebook) -> None:
    sim = on_sim(rules, case)
    srv = on_server(backend, case)
    assert {p: final(sim, p) for p in EXPECTED[case]} == EXPECTED[case]
    assert {p: final(srv, p) for p in EXPECTED[case]} == EXPECTED[case]
    assert srv == sim
