"""The facing of a block placed without one, from where the player looks (env/facing.py,
env/data/facing.json, env/js/facing.js), with vanilla 1.19.2's values: each block class's
getStateForPlacement (decompiled, Mojang mappings)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from env.actions import Place
from env.facing import facing_rule, placed_facing
from env.minecraft.server import node_binary
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.support import looking, placed_state
from env.world import STAND_Y, WorldSetup

ROOT = Path(__file__).resolve().parents[1]

# (block, look, vanilla facing). Sources:
# furnace, smoker, blast_furnace: AbstractFurnaceBlock,
#   FACING = getHorizontalDirection().getOpposite()
# chest, ender_chest: ChestBlock / EnderChestBlock, the same opposite
# carved_pumpkin, loom, stonecutter, beehive, lectern, glazed terracotta: the same opposite
# repeater, comparator: DiodeBlock, the same opposite
# stairs: StairBlock, FACING = getHorizontalDirection()
# doors: DoorBlock, FACING = getHorizontalDirection()
# fence gates: FenceGateBlock; campfire: CampfireBlock, getHorizontalDirection()
# anvil: AnvilBlock, getHorizontalDirection().getClockWise()
CASES = [
    ("furnace", "south", "north"), ("furnace", "west", "east"), ("smoker", "north", "south"),
    ("blast_furnace", "east", "west"), ("chest", "south", "north"), ("chest", "west", "east"),
    ("trapped_chest", "north", "south"), ("ender_chest", "east", "west"),
    ("carved_pumpkin", "south", "north"), ("loom", "west", "east"),
    ("stonecutter", "north", "south"), ("beehive", "east", "west"),
    ("white_glazed_terracotta", "south", "north"), ("repeater", "south", "north"),
    ("oak_stairs", "south", "south"), ("cobblestone_stairs", "west", "west"),
    ("oak_door", "south", "south"), ("iron_door", "east", "east"),
    ("oak_fence_gate", "north", "north"), ("campfire", "west", "west"),
    ("anvil", "north", "east"), ("anvil", "east", "south"), ("damaged_anvil", "west", "north"),
]


@pytest.mark.parametrize(("block", "look", "facing"), CASES)
def test_placed_facing_is_vanilla(block: str, look: str, facing: str) -> None:
    assert placed_facing(block, look) == facing
    assert placed_state(block, None, look) == {"facing": facing}


def test_blocks_without_a_rule_keep_their_state() -> None:
    # a log takes an axis, stone has no facing, a wall torch its support's side
    assert facing_rule("stone") is None and facing_rule("oak_log") is None
    assert placed_state("stone", None, "south") == {}
    assert placed_state("oak_log", "x", "south") == {"axis": "x"}
    # an asked-for facing wins over the look
    assert placed_state("furnace", "west", "south") == {"facing": "west"}
    assert placed_state("oak_trapdoor", None, "south") == {}


def test_a_bad_look_is_named() -> None:
    with pytest.raises(ValueError, match="look must be one of"):
        placed_facing("furnace", "up")


def test_the_look_is_the_larger_horizontal_offset() -> None:
    eyes = (0.5, -58.4, 0.5)
    assert looking(eyes, (0, -60, 2)) == "south"
    assert looking(eyes, (0, -60, -3)) == "north"
    assert looking(eyes, (3, -60, 1)) == "east"
    assert looking(eyes, (-2, -60, 2)) == "south"  # a tie goes to north or south


def test_the_js_side_reads_the_same_rules() -> None:
    script = ("const f = require('./env/js/facing.js');"
              f"const cases = {json.dumps(CASES)};"
              "console.log(JSON.stringify(cases.map(([b, l]) => f.placedFacing(b, l))));"
              "console.log(JSON.stringify([f.looking([0.5, -58.4, 0.5], [-2, -60, 2]),"
              " f.looking([0.5, -58.4, 0.5], [3, -60, 1]), f.placedFacing('stone', 'north')]))")
    out = subprocess.run([node_binary(), "-e", script], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert json.loads(out[0]) == [f for _, _, f in CASES]
    assert json.loads(out[1]) == ["south", "east", None]


def test_the_sim_faces_a_furnace_toward_and_stairs_away_from_the_player() -> None:
    sim = SimBackend(load_rulebook(), seed=0)
    sim.build(WorldSetup(spawn=[(0, STAND_Y, 0)],
                         agent_items={"furnace": 2, "oak_stairs": 2}), ["ann"])
    t = 0.0
    for item, pos in (("furnace", (0, STAND_Y, 2)), ("furnace", (-3, STAND_Y, 1)),
                      ("oak_stairs", (1, STAND_Y, 2)), ("oak_stairs", (3, STAND_Y, 0))):
        out = sim.execute("ann", Place(item=item, pos=pos), t)
        assert out.ok, out
        t += out.seconds
    facing = {p: sim.view().block(p).state.get("facing")
              for p in ((0, STAND_Y, 2), (-3, STAND_Y, 1), (1, STAND_Y, 2), (3, STAND_Y, 0))}
    assert facing == {(0, STAND_Y, 2): "north", (-3, STAND_Y, 1): "east",
                      (1, STAND_Y, 2): "south", (3, STAND_Y, 0): "east"}
