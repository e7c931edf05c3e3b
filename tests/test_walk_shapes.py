"""Walking through thin blocks: what an agent bumps into comes from minecraft-data's
collision shapes of Minecraft 1.19.2 (blockCollisionShapes.json), not from block names.

Heights from minecraft-data 1.19.2 (the same as vanilla's VoxelShapes): carpet 1/16, closed
bottom trapdoor 3/16 (an open one is a 3/16 panel against one side, full height), bottom
slab 1/2, snow of 3 layers 1/4, fence post 1.5 high, an open fence gate nothing. The
player's body is 0.6 wide and 1.8 tall, so a floor up to 0.2 high leaves room under a
ceiling two blocks above the floor below it.
"""

from __future__ import annotations

import pytest

from env.collision import collision_boxes
from env.rulebook import load_rulebook
from env.sim.path import (
    FEET,
    FLOOR,
    HEAD,
    NO_X,
    NO_Z,
    SUPPORT,
    TALL_FLOOR,
    cell_flags,
    world_walker,
)
from env.world import BlockSpec, WorldSetup

Y = -60
RB = load_rulebook()


@pytest.mark.parametrize(("name", "state", "boxes"), [
    ("iron_trapdoor", {"facing": "north", "open": False}, ((0, 0, 0, 1, 0.1875, 1),)),
    ("iron_trapdoor", {"facing": "north", "open": False, "half": "top"},
     ((0, 0.8125, 0, 1, 1, 1),)),
    ("iron_trapdoor", {"facing": "north", "open": True}, ((0, 0, 0.8125, 1, 1, 1),)),
    ("oak_trapdoor", {"facing": "east", "open": "true"}, ((0, 0, 0, 0.1875, 1, 1),)),
    ("white_carpet", {}, ((0, 0, 0, 1, 0.0625, 1),)),
    ("stone_slab", {"type": "bottom"}, ((0, 0, 0, 1, 0.5, 1),)),
    ("snow", {"layers": 3}, ((0, 0, 0, 1, 0.25, 1),)),
    ("oak_fence", {}, ((0.375, 0, 0.375, 0.625, 1.5, 0.625),)),
    ("oak_fence_gate", {"open": True}, ()),
    ("stone_pressure_plate", {}, ()),
    ("not_a_block", {}, ((0, 0, 0, 1, 1, 1),)),
])
def test_collision_boxes_from_minecraft_data(name: str, state: dict, boxes: tuple) -> None:
    assert collision_boxes(name, state) == boxes


@pytest.mark.parametrize(("name", "state", "flags"), [
    ("air", {}, FEET | HEAD),
    ("water", {}, FEET | HEAD),
    ("lava", {}, 0),
    ("stone", {}, SUPPORT),
    ("chest", {"facing": "north"}, SUPPORT),
    ("white_carpet", {}, FEET | FLOOR),
    ("iron_trapdoor", {"open": False}, FEET | FLOOR),
    ("snow", {"layers": 3}, FEET | FLOOR | TALL_FLOOR),
    ("stone_slab", {"type": "bottom"}, FEET | FLOOR | TALL_FLOOR),
    ("stone_slab", {"type": "top"}, SUPPORT),
    ("iron_door", {"facing": "north", "open": False}, FEET | HEAD | NO_Z),
    ("iron_door", {"facing": "north", "open": True, "hinge": "right"}, FEET | HEAD | NO_X),
    ("iron_trapdoor", {"facing": "north", "open": True}, FEET | HEAD | NO_Z),
    ("oak_fence", {}, 0),
    ("cobblestone_wall", {}, 0),
    ("oak_fence_gate", {"open": False}, 0),
    ("oak_fence_gate", {"open": True}, FEET | HEAD),
])
def test_cell_flags(name: str, state: dict, flags: int) -> None:
    assert cell_flags(name, state) == flags


def tunnel(floor: BlockSpec | None) -> WorldSetup:
    """A tunnel one block wide and two high along z at x = 0 (walls at x = +-1, a ceiling at
    y + 2), with `floor` in it; the bounds leave no way around."""
    blocks = [BlockSpec(name="stone", pos=(x, y, z)) for z in range(-1, 8)
              for x, y in [(-1, Y), (-1, Y + 1), (1, Y), (1, Y + 1), (-1, Y + 2), (0, Y + 2),
                           (1, Y + 2)]]
    if floor is not None:
        blocks.append(floor)
    return WorldSetup(blocks=blocks, bounds=((-1, -61, -1), (1, -55, 7)))


STRAIGHT = [(0, Y, z) for z in range(7)]


@pytest.mark.parametrize(("name", "state", "path"), [
    (None, {}, STRAIGHT),
    # a closed trapdoor is 3/16 high: 1.8 + 3/16 < 2, so the agent walks over it under the
    # ceiling (taken for a full block, it left no head room)
    ("iron_trapdoor", {"facing": "north", "open": False}, STRAIGHT),
    ("white_carpet", {}, STRAIGHT),
    # half a block up, the head would reach the ceiling
    ("stone_slab", {"type": "bottom"}, None),
    # an open trapdoor stands across the tunnel, or along its side
    ("iron_trapdoor", {"facing": "north", "open": True}, None),
    ("iron_trapdoor", {"facing": "east", "open": True}, STRAIGHT),
    # a closed door across the tunnel blocks it; opened, it turns along the side
    ("oak_door", {"facing": "north", "open": False}, None),
    ("oak_door", {"facing": "north", "open": True}, STRAIGHT),
    ("oak_fence", {}, None),
])
def test_walking_through_a_tunnel_over_a_thin_block(name: str | None, state: dict,
                                                     path: list | None) -> None:
    floor = None if name is None else BlockSpec(name=name, pos=(0, Y, 3), state=state)
    walker = world_walker(tunnel(floor), RB.blocks)
    assert walker.find((0, Y, 0), (0, Y, 6)) == path


def test_standing_on_a_closed_trapdoor_in_front_of_a_low_exit() -> None:
    # escape atom 17's exit: the trapdoor closes in front of a two-high hole in a three-high
    # wall; the agent stands on it (in its cell) and walks out under the wall's top row
    wall = [BlockSpec(name="stone_bricks", pos=(x, y, 4)) for x in range(-2, 3)
            for y in (Y, Y + 1, Y + 2) if (x, y) not in ((0, Y), (0, Y + 1))]
    trapdoor = BlockSpec(name="iron_trapdoor", pos=(0, Y, 3),
                         state={"facing": "north", "open": False})
    world = WorldSetup(blocks=[*wall, trapdoor], bounds=((-2, -61, 0), (2, -55, 6)))
    walker = world_walker(world, RB.blocks)
    assert walker.standable((0, Y, 3))
    assert walker.landing((0, Y + 3, 3)) == (0, Y, 3)
    assert walker.find((0, Y, 1), (0, Y, 6)) == [(0, Y, 1), (0, Y, 2), (0, Y, 3), (0, Y, 4),
                                                 (0, Y, 5), (0, Y, 6)]


STATES = [
    ("iron_door", {"facing": "north", "hinge": "right", "open": True, "half": "lower"}),
    ("iron_door", {"facing": "north", "hinge": "left", "open": True, "half": "lower"}),
    ("oak_door", {"facing": "east", "hinge": "left", "open": False, "half": "upper"}),
    ("birch_door", {"facing": "north", "hinge": "right", "open": False, "half": "lower"}),
    ("iron_trapdoor", {"facing": "north", "open": True, "half": "bottom"}),
    ("oak_fence_gate", {"facing": "north", "open": True}),
    ("oak_fence_gate", {"facing": "north", "open": False}),
    ("glass_pane", {}), ("stone", {}), ("ladder", {"facing": "north"}),
]


def test_server_bots_read_panels_as_the_simulator_does() -> None:
    """The server bots' pathfinder movements (env/js/walk.js) pass the same panels along the
    same axes as the simulator (NO_X / NO_Z), from the same shapes and body width
    (env/data/walking.json). Stock mineflayer-pathfinder takes every door for a wall, so a
    bot never went through an open one (an escape room's exit)."""
    import json
    import subprocess
    from pathlib import Path

    from env.minecraft.server import node_binary

    js = ("const Block = require('prismarine-block')('1.19.2');"
          "const { panelBits } = require('./js/walk');"
          "const out = JSON.parse(process.argv[1]).map(([n, p]) =>"
          " panelBits(Block.fromProperties(n, p, 0).shapes));"
          "console.log(JSON.stringify(out))")
    env_dir = Path(__file__).resolve().parent.parent / "env"
    out = subprocess.run([str(node_binary()), "-e", js, json.dumps(STATES)], cwd=env_dir,
                         check=True, capture_output=True, text=True).stdout
    want = []
    for name, state in STATES:
        flags = cell_flags(name, state)
        # JS bits: 1 = NO_X, 2 = NO_Z; a cell whose body fits neither way is a wall (3)
        want.append(3 if not flags & FEET else (1 if flags & NO_X else 0)
                    | (2 if flags & NO_Z else 0))
    assert json.loads(out) == want
    assert want[:2] == [1, 1] and want[3] == 2  # open doors: along z only; closed: x only
