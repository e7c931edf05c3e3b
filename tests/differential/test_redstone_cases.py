"""Redstone components on the simulator and on the embedded server, with vanilla 1.19.2's
values: the same worlds built on both, the same actions, and every cell's whole state
(`full_state`) compared, after the build and after each action.

Sources: minecraft.wiki/w/Redstone_Dust (power 15 at the source, one less per block of dust:
the 5th block holds 11, the 16th 0), /w/Redstone_Lamp (lit while powered), /w/Redstone_Torch
(off while the block it is on is powered), /w/Block_of_Redstone (powers an adjacent door),
/w/Iron_Door (opened only by redstone); the game's RedStoneWireBlock, RedstoneTorchBlock.
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

ORIGIN: Pos = (440, STAND_Y, 440)
AGENT = "wireann"
SIZE = (20, 4, 6)


def at(dx: int, dy: int = 0, dz: int = 0) -> Pos:
    return (ORIGIN[0] + dx, ORIGIN[1] + dy, ORIGIN[2] + dz)


def spec(pos: Pos, name: str, **state: Any) -> BlockSpec:
    return BlockSpec(name=name, pos=pos, state=state)


def door(pos: Pos) -> list[BlockSpec]:
    return [spec(pos, "iron_door", half="lower", facing="east"),
            spec((pos[0], pos[1] + 1, pos[2]), "iron_door", half="upper", facing="east")]


def world(blocks: list[BlockSpec], triggers: list[Trigger] | None = None) -> WorldSetup:
    return WorldSetup(
        blocks=blocks, triggers=triggers or [],
        bounds=((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 4),
                (ORIGIN[0] + SIZE[0], GROUND_Y + 6, ORIGIN[2] + SIZE[2])),
        spawn=[at(0, 0, -2)])


def line(wires: int, powered: bool) -> WorldSetup:
    """A floor lever, `wires` blocks of dust east of it, then a lamp."""
    return world([spec(at(0), "lever", face="floor", facing="east", powered=powered)]
                 + [spec(at(x), "redstone_wire") for x in range(1, wires + 1)]
                 + [spec(at(wires + 1), "redstone_lamp")])


LEVER = {"name": "activate", "pos": list(at(0))}
INVERTER_LEVER = at(-1)
# A torch on a stone block whose west side holds a lever; an iron door beside the torch.
INVERTER = world([spec(at(0), "stone"), spec(at(1), "stone"),
                  spec(INVERTER_LEVER, "lever", face="wall", facing="west", powered=False),
                  spec(at(0, 1), "redstone_torch"), *door(at(1, 1))])
PLATE = at(3, 0, -2)
# A torch lights an iron door; a plate's trigger removes the torch with /setblock ... air.
TORCH_REMOVED = world(
    [spec(at(3), "redstone_torch"), *door(at(4)), spec(PLATE, "stone_pressure_plate")],
    [Trigger(id="plate", conditions=[Condition(pos=PLATE, block="stone_pressure_plate",
                                               state={"powered": True})],
             effects=[Effect(kind="set_block", pos=at(3), block="air")])])
# (The lamps are set first: a lamp set by /setblock beside power stays as it is given until a
# neighbour changes, as vanilla's /setblock does not update the placed block itself.)
BLOCK_DOOR = world([spec(at(-1), "redstone_lamp"), spec(at(5), "redstone_lamp"),
                    spec(at(0), "redstone_block"), *door(at(1)),
                    spec(at(3), "redstone_block"), spec(at(4), "stone")])

CASES: dict[str, tuple[WorldSetup, list[dict[str, Any]]]] = {
    "five_wires_to_a_lamp": (line(5, False), [LEVER]),
    "sixteen_wires_fall_short": (line(16, True), []),
    "torch_inverter_shuts_its_door": (
        INVERTER, [{"name": "activate", "pos": list(INVERTER_LEVER)}]),
    "trigger_removes_the_torch": (
        TORCH_REMOVED, [{"name": "step_on", "pos": list(PLATE), "hold_s": 0.5},
                        {"name": "move_to", "pos": list(at(0, 0, -2))}]),
    "block_of_redstone_opens_a_door": (BLOCK_DOOR, []),
    "digging_the_dust_puts_the_lamp_out": (
        world(line(2, True).blocks[-1:] + line(2, True).blocks[:-1]),  # the lamp set first
        [{"name": "dig", "pos": list(at(2))}]),
}


def cells() -> list[Pos]:
    return [(ORIGIN[0] + x, STAND_Y + y, ORIGIN[2] + z)
            for x in range(-1, SIZE[0]) for y in range(0, 3) for z in range(-2, 1)]


def on_sim(rules: Rulebook, case: str) -> list[States]:
    setup, actions = CASES[case]
    return states_on_sim(rules, setup, actions, AGENT, cells())


def on_server(backend: MinecraftBackend, case: str) -> list[States]:
    setup, actions = CASES[case]
    clear = ((ORIGIN[0] - 1, GROUND_Y + 1, ORIGIN[2] - 3),
             (ORIGIN[0] + SIZE[0], GROUND_Y + 4, ORIGIN[2] + 1))
    return states_on_server(backend, setup, actions, AGENT, cells(), clear)


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def _get(run: list[dict[Pos, tuple[str, dict[str, str]]]], step: int, pos: Pos,
         prop: str) -> str:
    return run[step][pos][1][prop]


@pytest.mark.parametrize("case", list(CASES))
def test_redstone_case_agrees_with_vanilla_on_both_backends(
        case: str, backend: MinecraftBackend, rules: Rulebook) -> None:
    sim = on_sim(rules, case)
    srv = on_server(backend, case)
    for run in (sim, srv):
        if case == "five_wires_to_a_lamp":
            assert [_get(run, 0, at(x), "power") for x in range(1, 6)] == ["0"] * 5
            assert _get(run, 0, at(6), "lit") == "false"
            assert [_get(run, 1, at(x), "power") for x in range(1, 6)] == [
                "15", "14", "13", "12", "11"]
            assert _get(run, 1, at(6), "lit") == "true"
        elif case == "sixteen_wires_fall_short":
            assert _get(run, 0, at(15), "power") == "1"
            assert _get(run, 0, at(16), "power") == "0"
            assert _get(run, 0, at(17), "lit") == "false"
        elif case == "torch_inverter_shuts_its_door":
            assert _get(run, 0, at(0, 1), "lit") == "true"
            assert _get(run, 0, at(1, 1), "open") == "true"
            assert _get(run, 1, at(0, 1), "lit") == "false"
            assert _get(run, 1, at(1, 1), "open") == _get(run, 1, at(1, 2), "open") == "false"
        elif case == "trigger_removes_the_torch":
            assert _get(run, 0, at(4), "open") == "true"
            assert at(3) not in run[-1]
            assert _get(run, -1, at(4), "open") == "false"
        elif case == "block_of_redstone_opens_a_door":
            assert _get(run, 0, at(1), "open") == _get(run, 0, at(1, 1), "open") == "true"
            assert _get(run, 0, at(-1), "lit") == "true"
            assert _get(run, 0, at(5), "lit") == "false"
        elif case == "digging_the_dust_puts_the_lamp_out":
            assert _get(run, 0, at(3), "lit") == "true"
            assert at(2) not in run[1]
            assert _get(run, 1, at(3), "lit") == "false"
            assert _get(run, 1, at(1), "power") == "15"
    assert sim == srv
