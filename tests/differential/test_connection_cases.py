"""Fences, fence gates, glass panes and walls joining their neighbours, on the simulator and on
the embedded server, with vanilla 1.19.2's values: the same worlds built on both (by
/setblock on the server), the same actions, and every cell's whole state (`full_state`)
compared after the build and after each action.

Sources: the game's FenceBlock.connectsTo (a fence joins wooden fences, a gate across, a
sturdy face), IronBarsBlock.attachsTo (a pane joins panes, bars, walls, sturdy faces),
FenceGateBlock (in_wall beside walls), WallBlock; updateShape on every neighbour change, and
/setblock's BlockInput.place (Block.updateFromNeighbourShapes, then the neighbours' shapes);
minecraft.wiki/w/Fence, /w/Glass_Pane, /w/Fence_Gate, /w/Wall ('Block states'). The pure
rule is tested in tests/test_connections.py.
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

ORIGIN: Pos = (520, STAND_Y, 440)
AGENT = "fencer"
SIZE = (5, 2, 2)
ITEMS = {"oak_fence": 4, "glass_pane": 4, "oak_fence_gate": 2, "torch": 1}


def at(dx: int, dy: int = 0, dz: int = 0) -> Pos:
    return (ORIGIN[0] + dx, ORIGIN[1] + dy, ORIGIN[2] + dz)


def spec(pos: Pos, name: str, **state: Any) -> BlockSpec:
    return BlockSpec(name=name, pos=pos, state=state)


def world(blocks: list[BlockSpec], triggers: list[Trigger] | None = None) -> WorldSetup:
    return WorldSetup(
        blocks=blocks, agent_items=ITEMS, triggers=triggers or [],
        bounds=((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 4),
                (ORIGIN[0] + SIZE[0] + 1, GROUND_Y + 6, ORIGIN[2] + SIZE[2] + 1)),
        spawn=[at(1, 0, -2)])


def place(item: str, dx: int, dz: int = 0) -> dict[str, Any]:
    return {"name": "place", "item": item, "pos": list(at(dx, 0, dz))}


def fence(**sides: bool) -> tuple[str, dict[str, str]]:
    return ("oak_fence", {"east": str(sides.get("east", False)).lower(),
                          "north": str(sides.get("north", False)).lower(),
                          "south": str(sides.get("south", False)).lower(),
                          "waterlogged": "false",
                          "west": str(sides.get("west", False)).lower()})


PLATE = at(3, 0, -2)
STONE_ON_STEP = [Trigger(id="plate", conditions=[Condition(pos=PLATE, block="stone_pressure_plate",
                                                           state={"powered": True})],
                         effects=[Effect(kind="set_block", pos=at(1), block="stone")])]

CASES: dict[str, tuple[WorldSetup, list[dict[str, Any]]]] = {
    "two_fences_placed_side_by_side_join": (
        world([]), [place("oak_fence", 0), place("oak_fence", 1)]),
    "fence_beside_stone_joins_and_digging_the_stone_parts_them": (
        world([spec(at(1), "stone")]),
        [place("oak_fence", 0), {"name": "dig", "pos": list(at(1))}]),
    "a_row_of_panes": (
        world([]), [place("glass_pane", 0), place("glass_pane", 1), place("glass_pane", 2)]),
    "a_gate_placed_between_two_fences": (
        world([spec(at(0), "oak_fence"), spec(at(2), "oak_fence")]),
        [place("oak_fence_gate", 1)]),
    "fences_set_by_command_join_their_kind_only": (
        world([spec(at(0), "oak_fence"), spec(at(1), "acacia_fence"),
               spec(at(2), "nether_brick_fence"), spec(at(3), "glass"),
               spec(at(0, 0, 1), "oak_leaves", persistent=True)]), []),
    "a_gate_between_walls_is_in_wall": (
        world([spec(at(0), "cobblestone_wall"), spec(at(1), "oak_fence_gate", facing="south"),
               spec(at(2), "cobblestone_wall"), spec(at(3), "cobblestone_wall"),
               spec(at(3, 1), "stone")]), []),
    # a full snow block (8 layers) is sturdy (SnowLayerBlock.getBlockSupportShape), 7 layers
    # are not: the fence joins the first only; a torch stands on it
    "a_fence_joins_eight_snow_layers_not_seven": (
        world([spec(at(0), "snow", layers=8), spec(at(2), "snow", layers=7)]),
        [place("oak_fence", 1), {"name": "place", "item": "torch", "pos": list(at(0, 1))}]),
    "a_trigger_sets_stone_beside_a_fence": (
        world([spec(at(0), "oak_fence"), spec(PLATE, "stone_pressure_plate")], STONE_ON_STEP),
        [{"name": "step_on", "pos": list(PLATE), "hold_s": 0.5},
         {"name": "move_to", "pos": list(at(1, 0, -2))}]),
}


def cells() -> list[Pos]:
    return [(ORIGIN[0] + x, STAND_Y + y, ORIGIN[2] + z)
            for x in range(-1, SIZE[0]) for y in range(0, SIZE[1]) for z in range(-2, SIZE[2])]


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def on_server(backend: MinecraftBackend, case: str) -> list[States]:
    setup, actions = CASES[case]
    clear = ((ORIGIN[0] - 1, GROUND_Y + 1, ORIGIN[2] - 3),
             (ORIGIN[0] + SIZE[0], GROUND_Y + SIZE[1] + 1, ORIGIN[2] + SIZE[2]))
    return states_on_server(backend, setup, actions, AGENT, cells(), clear)


@pytest.mark.parametrize("case", list(CASES))
def test_connection_case_agrees_with_vanilla_on_both_backends(
        case: str, backend: MinecraftBackend, rules: Rulebook) -> None:
    setup, actions = CASES[case]
    sim = states_on_sim(rules, setup, actions, AGENT, cells())
    srv = on_server(backend, case)
    for run in (sim, srv):
        if case == "two_fences_placed_side_by_side_join":
            assert run[1][at(0)] == fence()
            assert run[2][at(0)] == fence(east=True) and run[2][at(1)] == fence(west=True)
        elif case == "fence_beside_stone_joins_and_digging_the_stone_parts_them":
            assert run[1][at(0)] == fence(east=True)
            assert run[2][at(0)] == fence() and at(1) not in run[2]
        elif case == "a_row_of_panes":
            assert run[3][at(1)] == ("glass_pane", {"east": "true", "north": "false",
                                                    "south": "false", "waterlogged": "false",
                                                    "west": "true"})
            assert run[3][at(0)][1]["east"] == "true" and run[3][at(0)][1]["west"] == "false"
        elif case == "a_gate_placed_between_two_fences":
            # the gate faces the player's look (south): its axis is z, so it joins east and west
            assert run[1][at(1)][1]["facing"] == "south"
            assert run[1][at(0)] == fence(east=True) and run[1][at(2)] == fence(west=True)
            assert run[1][at(1)][1]["in_wall"] == "false"
        elif case == "a_fence_joins_eight_snow_layers_not_seven":
            assert run[1][at(1)] == fence(west=True)
            assert run[2][at(0, 1)] == ("torch", {})
        elif case == "fences_set_by_command_join_their_kind_only":
            # wooden fences join one another, not nether brick; glass is sturdy, leaves are not
            assert run[0][at(0)] == fence(east=True)
            assert run[0][at(1)] == ("acacia_fence", fence(west=True)[1])
            assert run[0][at(2)] == ("nether_brick_fence", fence(east=True)[1])
        elif case == "a_gate_between_walls_is_in_wall":
            assert run[0][at(1)][1]["in_wall"] == "true"
            assert run[0][at(0)][1]["east"] == "low" and run[0][at(0)][1]["up"] == "true"
            # stone above: the joined sides are tall; east and west both tall: no post
            assert run[0][at(3)][1]["west"] == "tall" and run[0][at(3)][1]["up"] == "true"
            assert run[0][at(2)][1]["east"] == "low" and run[0][at(2)][1]["west"] == "low"
            assert run[0][at(2)][1]["up"] == "false"
        elif case == "a_trigger_sets_stone_beside_a_fence":
            assert run[0][at(0)] == fence()
            assert run[-1][at(0)] == fence(east=True) and run[-1][at(1)] == ("stone", {})
    assert sim == srv
