"""More members of the classes the other case files pin (what a trigger's block change pops,
concrete powder under waterlogged slabs, conductors, block-state spelling), run on the
simulator and on the embedded server, each with vanilla 1.19.2's expected value and its source
in a comment."""

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
from tests.differential.test_cases import A, B, both
from tests.differential.test_cases import at as arena_at
from tests.differential.test_gravity_cases import same_ground

pytestmark = [pytest.mark.server, pytest.mark.timeout(600)]

ARENA = Arena((430, STAND_Y, 470))
ORIGIN: Pos = ARENA.origin
SIZE = ARENA.size
AGENT = "moreann"
at = ARENA.at
world = ARENA.world


PLATE = at(6, 0, -2)
STEP = [{"name": "step_on", "pos": list(PLATE), "hold_s": 0.5},
        {"name": "move_to", "pos": list(at(0, 0, -2))}]


def cleared_by_plate(*cells: Pos) -> Trigger:
    return Trigger(id="plate", conditions=[Condition(pos=PLATE, block="stone_pressure_plate",
                                                     state={"powered": True})],
                   effects=[Effect(kind="set_block", pos=p, block="air") for p in cells])


CASES: dict[str, tuple[WorldSetup, list[dict[str, Any]]]] = {
    # A trigger clears the blocks under a floor lever, a poppy, a carpet and a rail, and the
    # block a stone button hangs on: each pops off with its item in its cell (LeverBlock /
    # ButtonBlock (FaceAttachedHorizontalDirectionalBlock.canSurvive), BushBlock.mayPlaceOn,
    # CarpetBlock.canSurvive (not over air), BaseRailBlock.canSurvive (canSupportRigidBlock);
    # Block.updateOrDestroy drops them). minecraft.wiki/w/Lever, /w/Button, /w/Rail, /w/Carpet.
    "trigger_clears_under_lever_button_poppy_carpet_rail": (
        world([spec(at(3, 0, 0), "stone"),
               spec(at(3, 1, 0), "lever", face="floor", facing="north", powered=False),
               spec(at(4, 0, 0), "stone_button", face="wall", facing="east", powered=False),
               spec(at(3, 0, 1), "dirt"), spec(at(3, 1, 1), "poppy"),
               spec(at(5, 0, 0), "stone"), spec(at(5, 1, 0), "white_carpet"),
               spec(at(5, 0, 1), "stone"), spec(at(5, 1, 1), "rail", shape="north_south"),
               spec(PLATE, "stone_pressure_plate")], {},
              [cleared_by_plate(at(3, 0, 0), at(3, 0, 1), at(5, 0, 0), at(5, 0, 1))]),
        STEP),
    # Concrete powder placed under a waterlogged TOP slab turns (the slab's bottom face is
    # empty, so not sturdy), under a waterlogged BOTTOM slab it stays powder (its bottom face
    # is full): ConcretePowderBlock.getStateForPlacement -> touchesLiquid, which skips a
    # neighbour whose face toward the powder isFaceSturdy. minecraft.wiki/w/Concrete_Powder.
    "powder_placed_under_waterlogged_slabs": (
        world([spec(at(2, 1, 0), "stone_slab", type="top", waterlogged="true"),
               spec(at(4, 1, 0), "stone_slab", type="bottom", waterlogged="true")],
              {"red_concrete_powder": 2}),
        [place("red_concrete_powder", at(2, 0, 0)), place("red_concrete_powder", at(4, 0, 0))]),
}

EXPECTED: dict[str, dict[Pos, str]] = {
    "trigger_clears_under_lever_button_poppy_carpet_rail": {
        at(3, 0, 0): "air", at(3, 1, 0): "air", at(4, 0, 0): "air", at(3, 1, 1): "air",
        at(5, 1, 0): "air", at(5, 1, 1): "air"},
    "powder_placed_under_waterlogged_slabs": {
        at(2, 0, 0): "red_concrete", at(4, 0, 0): "red_concrete_powder"},
}

GROUND: dict[str, list[Stack]] = {
    "trigger_clears_under_lever_button_poppy_carpet_rail": [
        ("lever", 1, (ORIGIN[0] + 3.5, float(STAND_Y), ORIGIN[2] + 0.5)),
        ("stone_button", 1, (ORIGIN[0] + 4.5, float(STAND_Y), ORIGIN[2] + 0.5)),
        ("poppy", 1, (ORIGIN[0] + 3.5, float(STAND_Y), ORIGIN[2] + 1.5)),
        ("white_carpet", 1, (ORIGIN[0] + 5.5, float(STAND_Y), ORIGIN[2] + 0.5)),
        ("rail", 1, (ORIGIN[0] + 5.5, float(STAND_Y), ORIGIN[2] + 1.5))],
}


def cells() -> list[Pos]:
    return ARENA.cells()


CLEAR = ARENA.clear()


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def final(run: list[States], pos: Pos) -> str:
    return run[-1].get(pos, ("air", {}))[0]


@pytest.mark.parametrize("case", list(CASES))
def test_case_on_the_simulator_matches_vanilla(case: str, rules: Rulebook) -> None:
    setup, actions = CASES[case]
    run = states_on_sim(rules, setup, actions, AGENT, cells())
    assert {p: final(run, p) for p in EXPECTED[case]} == EXPECTED[case]
    sim = run_on_sim(rules, setup, actions, AGENT)
    same_ground([(g.item, g.count, g.pos) for g in sim.state.ground], GROUND.get(case, []))


@pytest.mark.parametrize("case", list(CASES))
def test_case_on_the_server_matches_vanilla_and_the_simulator(case: str, backend: MinecraftBackend,
                                                    rules: Rulebook) -> None:
    setup, actions = CASES[case]
    ground: list[Stack] = []
    srv = states_on_server(backend, setup, actions, AGENT, cells(), CLEAR,
                           lambda: ground.extend(drops_on_server_here(backend)))
    sim = states_on_sim(rules, setup, actions, AGENT, cells())
    assert {p: final(srv, p) for p in EXPECTED[case]} == EXPECTED[case]
    if case in GROUND:
        same_ground(ground, GROUND[case])
    assert srv == sim


def drops_on_server_here(backend: MinecraftBackend) -> list[Stack]:
    return server_drops(backend, ARENA, clear=True)


# -- redstone conductors on the arena of test_cases (harness `both`) ---------------------------

def test_levers_on_blue_ice_target_shulker_box_conduct_mangrove_leaves_do_not(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # isRedstoneConductor default: material.isSolidBlocking() && isCollisionShapeFullBlock.
    # Blue ice: Material.ICE_SOLID (solid-blocking) -> conducts; target: Material.GRASS ->
    # conducts; a closed shulker box: Material.SHULKER_SHELL, full shape when closed ->
    # conducts; mangrove leaves: Material.LEAVES is notSolidBlocking -> does not.
    # minecraft.wiki/w/Conductivity. The lamp beside each block (diagonal to the lever).
    blocks = {(1, 2): "blue_ice", (1, 4): "mangrove_leaves", (4, 2): "target",
              (4, 4): "white_shulker_box"}
    lamps = {(1, 2): (0, 2), (1, 4): (0, 4), (4, 2): (5, 2), (4, 4): (5, 4)}
    specs = []
    for (x, z), name in blocks.items():
        extra = {"facing": "up"} if name.endswith("shulker_box") else \
            {"persistent": "true", "distance": "1"} if name.endswith("leaves") else {}
        specs += [BlockSpec(name=name, pos=arena_at(x, z), state=extra),
                  BlockSpec(name="lever", pos=arena_at(x, z, 1),
                            state={"face": "floor", "facing": "north", "powered": False}),
                  BlockSpec(name="redstone_lamp", pos=arena_at(*lamps[(x, z)]),
                            state={"lit": False})]
    setup = WorldSetup(blocks=specs, spawn=[arena_at(0, 0), arena_at(3, 0)])

    def act(p: Pos) -> dict[str, Any]:
        return {"name": "activate", "pos": list(p)}

    rounds = [{A: act(arena_at(1, 2, 1)), B: act(arena_at(4, 2, 1))},
              {A: act(arena_at(1, 4, 1)), B: act(arena_at(4, 4, 1))}]
    sim, srv = both(backend, rules, setup, rounds)
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True] * 4, [v.reason for v in run.verdicts]
        lit = {name: run.final["states"][",".join(map(str, arena_at(*lamps[xz])))]["lit"]
               for xz, name in blocks.items()}
        assert lit == {"blue_ice": "true", "mangrove_leaves": "false", "target": "true",
                       "white_shulker_box": "true"}


# -- block states the game refuses: the value's case -------------------------------------------

def test_a_capitalised_state_value_is_refused_by_both_backends_as_the_game_does(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # The game's parser is case-sensitive: BlockStateParser -> Property.getValue(name):
    # EnumProperty looks the name up in its map of lower-case names (Direction "north",
    # DoorHingeSide "left"), BooleanProperty accepts only "true" and "false". So
    # `/setblock ~ ~ ~ oak_door[facing=North]` fails with "Block minecraft:oak_door does not
    # accept 'North' for facing property", as 'up' does (tested by the project for chests).
    world = WorldSetup(blocks=[BlockSpec(name="lever", pos=arena_at(1, 2),
                                         state={"face": "floor", "facing": "North",
                                                "powered": False})],
                       spawn=[arena_at(0, 0), arena_at(3, 0)])
    from env.minecraft.backend import MinecraftError
    from env.sim import SimBackend

    outcome = {}
    for name, build in (("server", backend.build), ("sim", SimBackend(rules).build)):
        try:
            build(world, [A, B])
            outcome[name] = "built"
        except (ValueError, MinecraftError) as err:
            outcome[name] = "refused" if "cannot be 'North'" in str(err) else str(err)
    if outcome["server"] == "built":
        from tests.differential.test_cases import ORIGIN as ARENA
        from tests.differential.test_cases import reset_arena
        reset_arena(backend, ARENA)
    assert outcome == {"server": "refused", "sim": "refused"}
