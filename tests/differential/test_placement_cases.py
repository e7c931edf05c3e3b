"""The whole state of a placed block on the simulator and on the embedded server, with vanilla
1.19.2's values (each block class's getStateForPlacement, decompiled, Mojang mappings; the
rules in env/data/placed_states.json and env/data/facing.json): the half of a slab, stairs or
trapdoor by the clicked face, six-way facings by the nearest look or the clicked face, a
door's hinge, a bed's head. The place action clicks the block below when it can, else the
block above (env/placing.py `click_side`); the look is from the eyes to the cell's middle.
The pure side of each case is in tests/test_placement_states.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from env.block_states import full_state
from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.refusals import Code
from env.rulebook import Rulebook
from env.world import BlockSpec, Pos, WorldSetup
from tests.differential.test_dig_place_cases import A, B, at, both

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def place(agent: str, item: str, dx: int, dz: int, dy: int = 0, **more: Any) -> dict[str, Any]:
    return {agent: {"name": "place", "item": item, "pos": list(at(dx, dz, dy)), **more}}


def key(p: Pos) -> str:
    return ",".join(map(str, p))


def states(run: Any, cells: dict[tuple[int, int, int], str]) -> dict[str, dict[str, str]]:
    """name + whole state of each cell (dx, dz, dy) of the run's final arena."""
    out = {}
    for (dx, dz, dy) in cells:
        k = key(at(dx, dz, dy))
        out[k] = {"name": run.final["blocks"][k], **run.final["states"][k]}
    return out


def want(cells: dict[tuple[int, int, int], str]) -> dict[str, dict[str, str]]:
    """The expected name + whole state of each cell, from `name[prop=value,...]`."""
    out = {}
    for (dx, dz, dy), spec in cells.items():
        name, _, rest = spec.partition("[")
        given = dict(kv.split("=") for kv in rest.rstrip("]").split(",") if kv)
        out[key(at(dx, dz, dy))] = {"name": name, **full_state(name, given)}
    return out


# A stands at (0, 0), B at (3, 0) (tests/differential/test_dig_place_cases.py); cells are
# (dx, dz, dy) from the arena's origin, dy 0 the cell above the ground. A stone ceiling at
# dy = 2 over (1..3, 2) is what a block placed at dy = 1 there clicks (nothing below it).
CEILING = [BlockSpec(name="stone", pos=at(x, 2, 2)) for x in (1, 2, 3)]


def test_half_by_the_clicked_face_on_both_backends(backend: MinecraftBackend,
                                                   rules: Rulebook) -> None:
    # SlabBlock / StairBlock / TrapDoorBlock.getStateForPlacement: the bottom face of the
    # block above clicked -> top; the top face of the block below -> bottom
    # (minecraft.wiki/w/Slab, /w/Stairs, /w/Trapdoor). A trapdoor clicked on a top or bottom
    # face faces the player (getHorizontalDirection().getOpposite()): A looks east at (3, 2);
    # B looks south at (5, 2) (dx = dz: a tie goes to north or south).
    world = WorldSetup(blocks=CEILING, agent_items={"oak_stairs": 2, "oak_slab": 2,
                                                    "oak_trapdoor": 2})
    rounds = [{**place(A, "oak_stairs", 1, 2, 1, facing="south"), **place(B, "oak_slab", 5, 1)},
              {**place(A, "oak_slab", 2, 2, 1), **place(B, "oak_trapdoor", 5, 2)},
              {**place(A, "oak_trapdoor", 3, 2, 1), **place(B, "oak_stairs", 4, 1)}]
    cells = {(1, 2, 1): "oak_stairs[facing=south,half=top]",
             (5, 1, 0): "oak_slab[type=bottom]",
             (2, 2, 1): "oak_slab[type=top]",
             (5, 2, 0): "oak_trapdoor[facing=north,half=bottom]",
             (3, 2, 1): "oak_trapdoor[facing=west,half=top]",
             (4, 1, 0): "oak_stairs[facing=south,half=bottom]"}
    sim, srv = both(backend, rules, world, rounds)
    assert all(v.ok for v in sim.verdicts), sim.verdicts
    assert states(sim, cells) == want(cells)
    assert states(srv, cells) == want(cells)


def test_six_way_facings_on_both_backends(backend: MinecraftBackend, rules: Rulebook) -> None:
    # getNearestLookingDirection(): A's eyes are 1.62 above its feet, so a cell beside its
    # feet diagonally is looked at downward (dy -1.12 > dx, dz 1), one two cells off is not.
    # BarrelBlock, PistonBaseBlock: its opposite (faces the player); ObserverBlock: the look
    # itself; ShulkerBoxBlock, LightningRodBlock, EndRodBlock: the clicked face (up: the
    # ground's top). minecraft.wiki/w/Barrel, /w/Piston, /w/Observer, /w/End_Rod.
    world = WorldSetup(agent_items={"barrel": 2, "observer": 1, "piston": 1, "end_rod": 1,
                                    "lightning_rod": 1, "white_shulker_box": 1,
                                    "dispenser": 1})
    rounds = [{**place(A, "barrel", 1, 1), **place(B, "observer", 4, 1)},
              {**place(A, "barrel", 0, 2), **place(B, "piston", 5, 2)},
              {**place(A, "end_rod", 0, 1), **place(B, "white_shulker_box", 2, 1)},
              {**place(A, "lightning_rod", 1, 2), **place(B, "dispenser", 3, 2)}]
    cells = {(1, 1, 0): "barrel[facing=up]",
             (4, 1, 0): "observer[facing=down]",
             (0, 2, 0): "barrel[facing=north]",
             (5, 2, 0): "piston[facing=north]",  # a tie (dx = dz = 2) goes to north/south
             (0, 1, 0): "end_rod[facing=up]",
             (2, 1, 0): "white_shulker_box[facing=up]",
             (1, 2, 0): "lightning_rod[facing=up]",
             (3, 2, 0): "dispenser[facing=north]"}
    sim, srv = both(backend, rules, world, rounds)
    assert all(v.ok for v in sim.verdicts), sim.verdicts
    assert states(sim, cells) == want(cells)
    assert states(srv, cells) == want(cells)


def test_door_hinge_and_bed_head_on_both_backends(backend: MinecraftBackend,
                                                  rules: Rulebook) -> None:
    # DoorBlock.getHinge: B looks south at (4, 3); a full block on its right (west, the look
    # turned clockwise) hinges the door right; A's door at (1, 3) has nothing beside it: left
    # (minecraft.wiki/w/Door). BedBlock: the head goes in the next cell the way the player
    # looks (A looks east at (2, 1): head at (3, 1)); with that cell taken (B looks east at
    # (6, 1), stone at (7, 1)) nothing is placed (minecraft.wiki/w/Bed).
    world = WorldSetup(blocks=[BlockSpec(name="stone", pos=at(3, 3)),
                               BlockSpec(name="stone", pos=at(7, 1))],
                       agent_items={"oak_door": 2, "white_bed": 1, "red_bed": 1})
    rounds = [{**place(A, "oak_door", 1, 3), **place(B, "oak_door", 4, 3)},
              {**place(A, "white_bed", 2, 1), **place(B, "red_bed", 6, 1)}]
    cells = {(1, 3, 0): "oak_door[facing=south,half=lower,hinge=left]",
             (1, 3, 1): "oak_door[facing=south,half=upper,hinge=left]",
             (4, 3, 0): "oak_door[facing=south,half=lower,hinge=right]",
             (4, 3, 1): "oak_door[facing=south,half=upper,hinge=right]",
             (2, 1, 0): "white_bed[facing=east,part=foot]",
             (3, 1, 0): "white_bed[facing=east,part=head]",
             (6, 1, 0): "air"}
    sim, srv = both(backend, rules, world, rounds)
    codes = [(v.agent, v.ok, v.code) for v in sim.verdicts]
    assert codes[-1] == (B, False, Code.NO_ROOM_FOR_HEAD.value), codes
    assert states(sim, cells) == want(cells)
    assert states(srv, cells) == want(cells)


def test_stairs_corner_shapes_on_both_backends(backend: MinecraftBackend,
                                               rules: Rulebook) -> None:
    # StairBlock.getStairsShape (minecraft.wiki/w/Stairs#Block_states): stairs behind facing
    # across make an outer corner, in front an inner one; placing stairs reshapes the stairs
    # beside it (updateShape). A's stairs at (1, 2) face south (its look) with stairs facing
    # east behind: outer_left; A's at (2, 1) face east, and the stairs at (2, 2) facing north
    # now have them behind: outer_right. B's at (6, 3) face south with east-facing stairs in
    # front: inner_left; B's at (4, 2) are asked to face east (B looks south there) with
    # north-facing stairs in front: inner_left.
    stairs = {(6, 2): "east", (1, 3): "east", (2, 2): "north", (3, 2): "north"}
    world = WorldSetup(blocks=[BlockSpec(name="oak_stairs", pos=at(*c), state={"facing": f})
                               for c, f in stairs.items()],
                       agent_items={"oak_stairs": 2})
    rounds = [{**place(A, "oak_stairs", 1, 2), **place(B, "oak_stairs", 6, 3)},
              {**place(A, "oak_stairs", 2, 1), **place(B, "oak_stairs", 4, 2, facing="east")}]
    cells = {(1, 2, 0): "oak_stairs[facing=south,shape=outer_left]",
             (1, 3, 0): "oak_stairs[facing=east]",
             (2, 1, 0): "oak_stairs[facing=east]",
             (2, 2, 0): "oak_stairs[facing=north,shape=outer_right]",
             (6, 3, 0): "oak_stairs[facing=south,shape=inner_left]",
             (6, 2, 0): "oak_stairs[facing=east]",
             (4, 2, 0): "oak_stairs[facing=east,shape=inner_left]",
             (3, 2, 0): "oak_stairs[facing=north]"}
    sim, srv = both(backend, rules, world, rounds)
    assert all(v.ok for v in sim.verdicts), sim.verdicts
    assert states(sim, cells) == want(cells)
    assert states(srv, cells) == want(cells)
