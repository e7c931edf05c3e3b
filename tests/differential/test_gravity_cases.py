"""Falling blocks on the simulator and on the embedded server, with vanilla 1.19.2's values:
the same worlds built on both, the same actions, and every cell's whole state compared after
the build and after each action. The pure side is tests/test_gravity.py.

Sources: FallingBlock (isFree: air, fire, liquids, replaceable blocks; not a torch),
FallingBlockEntity.tick (lands on the first collision box; placed where the cell can be
replaced, else it breaks: a torch's cell cannot), ConcretePowderBlock.onLand (water beside:
concrete); minecraft.wiki/w/Falling_Block, /w/Sand, /w/Gravel, /w/Concrete_Powder.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.rulebook import Rulebook
from env.world import GROUND_Y, STAND_Y, BlockSpec, Condition, Effect, Pos, Trigger, WorldSetup
from tests.differential.states import States, states_on_server, states_on_sim

pytestmark = [pytest.mark.server, pytest.mark.timeout(600)]

ORIGIN: Pos = (470, STAND_Y, 470)
AGENT = "sandann"
SIZE = (8, 5, 6)


def at(dx: int, dy: int = 0, dz: int = 0) -> Pos:
    return (ORIGIN[0] + dx, ORIGIN[1] + dy, ORIGIN[2] + dz)


def spec(pos: Pos, name: str, **state: Any) -> BlockSpec:
    return BlockSpec(name=name, pos=pos, state=state)


def world(blocks: list[BlockSpec], items: dict[str, int] | None = None,
          triggers: list[Trigger] | None = None) -> WorldSetup:
    return WorldSetup(blocks=blocks, triggers=triggers or [], agent_items=items or {},
                      bounds=((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 4),
                              (ORIGIN[0] + SIZE[0], GROUND_Y + 6, ORIGIN[2] + SIZE[2])),
                      spawn=[at(0, 0, -2)])


def pillar(dx: int, dz: int, height: int, name: str = "stone") -> list[BlockSpec]:
    return [spec(at(dx, dy, dz), name) for dy in range(height)]


def place(item: str, pos: Pos) -> dict[str, Any]:
    return {"name": "place", "item": item, "pos": list(pos)}


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
    # concrete powder landing beside water becomes concrete
    "concrete_powder_lands_beside_water": (
        world([*pillar(1, 0, 3), spec(at(3, 0, 0), "water")], {"white_concrete_powder": 1}),
        [place("white_concrete_powder", at(2, 2, 0))]),
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
    "concrete_powder_lands_beside_water": {
        at(2, 0, 0): "white_concrete", at(2, 2, 0): "air", at(3, 0, 0): "water"},
}


def cells() -> list[Pos]:
    return [(ORIGIN[0] + x, STAND_Y + y, ORIGIN[2] + z)
            for x in range(-1, SIZE[0]) for y in range(0, SIZE[1]) for z in range(-2, 2)]


def on_sim(rules: Rulebook, case: str) -> list[States]:
    setup, actions = CASES[case]
    return states_on_sim(rules, setup, actions, AGENT, cells())


def on_server(backend: MinecraftBackend, case: str) -> list[States]:
    setup, actions = CASES[case]
    clear = ((ORIGIN[0] - 1, GROUND_Y + 1, ORIGIN[2] - 3),
             (ORIGIN[0] + SIZE[0], GROUND_Y + SIZE[1] + 1, ORIGIN[2] + 2))
    return states_on_server(backend, setup, actions, AGENT, cells(), clear)


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


@pytest.mark.parametrize("case", list(CASES))
def test_gravity_case_agrees_with_vanilla_on_both_backends(
        case: str, backend: MinecraftBackend, rules: Rulebook) -> None:
    sim = on_sim(rules, case)
    srv = on_server(backend, case)
    assert {p: final(sim, p) for p in EXPECTED[case]} == EXPECTED[case]
    assert {p: final(srv, p) for p in EXPECTED[case]} == EXPECTED[case]
    assert srv == sim
