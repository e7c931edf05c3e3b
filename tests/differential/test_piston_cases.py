"""Pistons on the simulator and on the embedded server, with vanilla 1.19.2's values: the same
worlds built on both, the same actions, and every cell's whole state (`full_state`) compared,
after the build and after each action.

Sources: minecraft.wiki/w/Piston ('Behavior': powered on any side but its face, it extends its
head into the cell in front pushing the blocks there, obsidian in the line keeps it retracted,
unpowered it retracts), /w/Sticky_Piston (pulls the block in front back);
the game's PistonBaseBlock (onPlace checks power at once), PistonHeadBlock (a head needs its
extended base behind it; removed, it takes the base), and its block states (piston: extended,
facing; piston_head: facing, short, type). The escape room's atom (VillagerBench
escape_atom.json) sets a down-facing piston under a block of redstone and has a trigger's
`/setblock ... air` remove the base.
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

ORIGIN: Pos = (470, STAND_Y, 440)
AGENT = "pushpat"
SIZE = (8, 5, 4)


def at(dx: int, dy: int = 0, dz: int = 0) -> Pos:
    return (ORIGIN[0] + dx, ORIGIN[1] + dy, ORIGIN[2] + dz)


def spec(pos: Pos, name: str, **state: Any) -> BlockSpec:
    return BlockSpec(name=name, pos=pos, state=state)


def world(blocks: list[BlockSpec], triggers: list[Trigger] | None = None) -> WorldSetup:
    return WorldSetup(
        blocks=blocks, triggers=triggers or [],
        bounds=((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 4),
                (ORIGIN[0] + SIZE[0], GROUND_Y + 6, ORIGIN[2] + SIZE[2])),
        spawn=[at(0, 0, -2)])


HEAD_DOWN = ("piston_head", {"facing": "down", "short": "false", "type": "normal"})
PLATE = at(3, 0, -2)
LEVER = at(0, 0, 1)
# the escape atom: a down-facing piston, a block of redstone set above it
ESCAPE = [spec(at(0, 2), "piston", facing="down"), spec(at(0, 3), "redstone_block")]
BASE_REMOVED = world(
    [*ESCAPE, spec(PLATE, "stone_pressure_plate")],
    [Trigger(id="plate", conditions=[Condition(pos=PLATE, block="stone_pressure_plate",
                                               state={"powered": True})],
             effects=[Effect(kind="set_block", pos=at(0, 2), block="air")])])

CASES: dict[str, tuple[WorldSetup, list[dict[str, Any]]]] = {
    "block_of_redstone_above_extends_at_build": (world(ESCAPE), []),
    "lever_extends_and_retracts": (
        world([spec(at(0), "piston", facing="up"),
               spec(LEVER, "lever", face="floor", facing="south", powered=False)]),
        [{"name": "activate", "pos": list(LEVER)}, {"name": "activate", "pos": list(LEVER)}]),
    "trigger_removes_the_base_and_its_head": (
        BASE_REMOVED, [{"name": "step_on", "pos": list(PLATE), "hold_s": 0.5},
                       {"name": "move_to", "pos": list(at(0, 0, -2))}]),
    "lever_pushes_two_blocks_and_a_sticky_piston_pulls_one_back": (
        world([spec(at(1), "stone"), spec(at(2), "oak_planks"),
               spec(at(0), "sticky_piston", facing="east"),
               spec(LEVER, "lever", face="floor", facing="south", powered=False)]),
        [{"name": "activate", "pos": list(LEVER)}, {"name": "activate", "pos": list(LEVER)}]),
    "obsidian_in_the_line_stops_the_push": (
        world([spec(at(1), "stone"), spec(at(2), "obsidian"), spec(at(0), "piston", facing="east"),
               spec(at(-1), "redstone_block")]), []),
    "sticky_piston_beside_a_block_of_redstone": (
        world([spec(at(0), "sticky_piston", facing="east"), spec(at(0, 0, 1), "redstone_block")]),
        []),
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
             (ORIGIN[0] + SIZE[0], GROUND_Y + SIZE[1], ORIGIN[2] + 2))
    return states_on_server(backend, setup, actions, AGENT, cells(), clear)


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


@pytest.mark.parametrize("case", list(CASES))
def test_piston_case_agrees_with_vanilla_on_both_backends(
        case: str, backend: MinecraftBackend, rules: Rulebook) -> None:
    sim = on_sim(rules, case)
    srv = on_server(backend, case)
    for run in (sim, srv):
        if case == "block_of_redstone_above_extends_at_build":
            assert run[0][at(0, 2)] == ("piston", {"extended": "true", "facing": "down"})
            assert run[0][at(0, 1)] == HEAD_DOWN
        elif case == "lever_extends_and_retracts":
            assert run[0][at(0)] == ("piston", {"extended": "false", "facing": "up"})
            assert at(0, 1) not in run[0]
            assert run[1][at(0)] == ("piston", {"extended": "true", "facing": "up"})
            assert run[1][at(0, 1)] == ("piston_head", {"facing": "up", "short": "false",
                                                        "type": "normal"})
            assert run[2][at(0)] == ("piston", {"extended": "false", "facing": "up"})
            assert at(0, 1) not in run[2]
        elif case == "trigger_removes_the_base_and_its_head":
            assert run[0][at(0, 1)] == HEAD_DOWN
            assert at(0, 2) not in run[-1] and at(0, 1) not in run[-1]
            assert run[-1][at(0, 3)] == ("redstone_block", {})
        elif case == "lever_pushes_two_blocks_and_a_sticky_piston_pulls_one_back":
            assert run[1][at(0)] == ("sticky_piston", {"extended": "true", "facing": "east"})
            assert run[1][at(1)][0] == "piston_head"
            assert run[1][at(2)] == ("stone", {}) and run[1][at(3)] == ("oak_planks", {})
            assert run[2][at(0)] == ("sticky_piston", {"extended": "false", "facing": "east"})
            assert run[2][at(1)] == ("stone", {}) and at(2) not in run[2]
            assert run[2][at(3)] == ("oak_planks", {})
        elif case == "obsidian_in_the_line_stops_the_push":
            assert run[0][at(0)] == ("piston", {"extended": "false", "facing": "east"})
            assert run[0][at(1)] == ("stone", {}) and run[0][at(2)] == ("obsidian", {})
        elif case == "sticky_piston_beside_a_block_of_redstone":
            assert run[0][at(0)] == ("sticky_piston", {"extended": "true", "facing": "east"})
            assert run[0][at(1)] == ("piston_head", {"facing": "east", "short": "false",
                                                     "type": "sticky"})
    assert sim == srv
