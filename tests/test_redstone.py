"""The redstone power rule (env/redstone.py, env/data/redstone.json), with vanilla 1.19.2's
values: minecraft.wiki/w/Redstone_mechanics ('Power': a lever, button or plate powers the
blocks next to it, and strongly powers the block it is attached to, which powers its own
neighbours when it is a conductor; glass is not), /w/Door, /w/Trapdoor, /w/Fence_Gate (opened
and shut by power; a door by power into either half; iron ones only by power), /w/Lever,
/w/Button, /w/Pressure_Plate (attachment). The server plugin reads the same data and must
power the same cells: `test_the_server_plugin_powers_the_same_cells`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from env.actions import Activate
from env.minecraft.server import node_binary
from env.redstone import (
    POWER_ONLY,
    attached_offset,
    is_conductor,
    is_openable,
    on_power,
    openable_cells,
    openable_powered,
    powered_by,
    receives_power,
)
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim.state import SimState
from env.world import BlockState, Pos

Y = -60
ROOT = Path(__file__).resolve().parent.parent


def world(blocks: dict[Pos, BlockState]) -> SimState:
    """A superflat world (grass at y = -61) holding `blocks`."""
    s = SimState()
    s.blocks.update(blocks)
    return s


def lever(on: bool = True, face: str = "floor", facing: str = "north") -> BlockState:
    return BlockState(name="lever", state={"face": face, "facing": facing, "powered": on})


PLATE_ON = BlockState(name="stone_pressure_plate", state={"powered": True})
TRAPDOOR = BlockState(name="iron_trapdoor", state={"facing": "north", "open": False})


def test_a_plate_powers_the_trapdoor_beside_it_not_the_diagonal_one() -> None:
    s = world({(1, Y, 2): PLATE_ON, (1, Y, 3): TRAPDOOR, (2, Y, 3): TRAPDOOR})
    assert receives_power((1, Y, 3), s.block) is True  # shares a face with the plate
    assert receives_power((2, Y, 3), s.block) is False  # diagonal
    assert openable_powered((1, Y, 3), s.block) is True
    off = world({(1, Y, 2): BlockState(name="stone_pressure_plate", state={"powered": False}),
                 (1, Y, 3): TRAPDOOR})
    assert receives_power((1, Y, 3), off.block) is False


def test_the_cells_a_plate_on_grass_powers() -> None:
    # the plate's six neighbours, and the grass block's below it (grass is a conductor)
    s = world({(0, Y, 0): PLATE_ON})
    assert powered_by((0, Y, 0), PLATE_ON, s.block) == frozenset({
        (1, Y, 0), (-1, Y, 0), (0, Y + 1, 0), (0, Y - 1, 0), (0, Y, 1), (0, Y, -1),
        (1, Y - 1, 0), (-1, Y - 1, 0), (0, Y - 2, 0), (0, Y - 1, 1), (0, Y - 1, -1)})


def test_strong_power_through_the_block_a_lever_hangs_on() -> None:
    # A lever on the south face of a stone block (facing south: attached to the block north
    # of it) powers a door on the stone's west side through the stone; through glass it
    # does not (glass does not conduct).
    door = {(-1, Y, 0): BlockState(name="oak_door", state={"half": "lower", "facing": "east"}),
            (-1, Y + 1, 0): BlockState(name="oak_door", state={"half": "upper",
                                                               "facing": "east"})}
    wall_lever = lever(face="wall", facing="south")
    assert attached_offset(wall_lever) == (0, 0, -1)
    stone = world({(0, Y, 0): BlockState(name="stone"), (0, Y, 1): wall_lever, **door})
    glass = world({(0, Y, 0): BlockState(name="glass"), (0, Y, 1): wall_lever, **door})
    assert openable_powered((-1, Y, 0), stone.block) is True
    assert openable_powered((-1, Y, 0), glass.block) is False


def test_levers_and_buttons_hang_on_the_block_their_face_says() -> None:
    assert attached_offset(lever(face="floor")) == (0, -1, 0)
    assert attached_offset(lever(face="ceiling")) == (0, 1, 0)
    assert [attached_offset(lever(face="wall", facing=f)) for f in
            ("north", "south", "east", "west")] == [(0, 0, 1), (0, 0, -1), (-1, 0, 0), (1, 0, 0)]
    assert attached_offset(BlockState(name="oak_button", state={"face": "wall",
                                                                "facing": "east"})) == (-1, 0, 0)
    assert attached_offset(PLATE_ON) == (0, -1, 0)


def test_conductors() -> None:
    assert [is_conductor(BlockState(name=n)) for n in (
        "stone", "stone_bricks", "oak_planks", "grass_block", "dirt")] == [True] * 5
    assert [is_conductor(BlockState(name=n)) for n in (
        "glass", "oak_leaves", "ice", "glowstone", "redstone_block", "air", "iron_trapdoor",
        "oak_slab")] == [False] * 8


def test_conductors_are_vanillas_by_material_and_override() -> None:
    # BlockStateBase.isRedstoneConductor (Blocks.java, Material.java, minecraft.wiki/w/
    # Conductivity): Blocks::always for soul sand and mud, though not full cubes; a
    # solid-blocking full cube conducts though it is see-through (slime: CLAY, spawner and
    # magma: STONE, barrier, redstone lamp: BUILDABLE_GLASS, packed ice: ICE_SOLID); a full
    # cube of a material built notSolidBlocking does not (sea lantern and glowstone: GLASS,
    # ice, tnt: EXPLOSIVE, leaves), nor Blocks::never ones (tinted glass, observer, piston)
    assert [n for n in ("soul_sand", "mud", "slime_block", "spawner", "magma_block", "barrier",
                        "redstone_lamp", "packed_ice", "sea_lantern", "glowstone", "ice", "tnt",
                        "azalea_leaves", "tinted_glass", "observer", "piston", "farmland",
                        "honey_block")
            if is_conductor(BlockState(name=n))] == [
        "soul_sand", "mud", "slime_block", "spawner", "magma_block", "barrier",
        "redstone_lamp", "packed_ice"]


def test_a_two_tall_door_is_powered_by_either_half() -> None:
    # a lever next to the upper half only (on the ceiling... here on a block above)
    door = {(0, Y, 0): BlockState(name="iron_door", state={"half": "lower", "facing": "north"}),
            (0, Y + 1, 0): BlockState(name="iron_door", state={"half": "upper",
                                                               "facing": "north"})}
    s = world({**door, (1, Y + 1, 0): lever(face="wall", facing="east")})
    s.blocks[(2, Y + 1, 0)] = BlockState(name="glass")  # behind the lever: no strong power
    assert receives_power((0, Y, 0), s.block) is False
    assert receives_power((0, Y + 1, 0), s.block) is True
    assert openable_cells((0, Y, 0), s.block) == [(0, Y, 0), (0, Y + 1, 0)]
    assert openable_cells((0, Y + 1, 0), s.block) == [(0, Y + 1, 0), (0, Y, 0)]
    assert openable_powered((0, Y, 0), s.block) is True


def test_power_opens_and_shuts_and_a_hand_setting_waits_for_a_change() -> None:
    assert on_power({"open": False, "powered": False}, True) == {"open": True, "powered": True}
    assert on_power({"open": True, "powered": True}, False) == {"open": False, "powered": False}
    # a wooden door opened by hand (unpowered) stays open while nothing powers it ...
    assert on_power({"open": True, "powered": False}, False) is None
    # ... and a powered door shut by hand stays shut while the power stays
    assert on_power({"open": False, "powered": True}, True) is None


def test_iron_doors_and_trapdoors_move_only_by_power() -> None:
    assert POWER_ONLY == {"iron_door", "iron_trapdoor"}
    assert all(is_openable(n) for n in ("iron_door", "oak_trapdoor", "spruce_fence_gate"))
    assert not is_openable("oak_fence")
    s = world({(1, Y, 0): TRAPDOOR})
    s.positions["a"] = (0.5, float(Y), 0.5)
    s.inventories["a"] = {}
    refusal = Activate(pos=(1, Y, 0)).check(s, "a", load_rulebook())
    assert refusal is not None and refusal.code == Code.POWERED_ONLY


# -- the server plugin reads the same data and decides the same --------------------------------

_NODE_CHECK = r"""
const { Vec3 } = require('vec3')
const Block = require('prismarine-block')('1.19.2')
const reg = require('minecraft-data')('1.19.2')
const { rule } = require('./server/plugins/redstone.js')
const { stateIdOf } = require('./server/blockstate')
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'))
;(async () => {
  const out = []
  for (const c of cases) {
    const blocks = new Map(c.blocks.map(b => [b.pos.join(','), b]))
    const world = { getBlock: async (p) => {
      const b = blocks.get([p.x, p.y, p.z].join(','))
      const name = b ? b.name : (p.y === -61 ? 'grass_block' : 'air')
      return Block.fromStateId(stateIdOf(reg, name, b ? b.state : {}), 0)
    } }
    const s = blocks.get(c.source.join(','))
    const [from, to] = [new Vec3(...c.source), new Vec3(...c.target)]
    out.push(await rule.reaches(world, s.name, s.state, from, to))
  }
  console.log(JSON.stringify(out))
})()
"""


def test_the_server_plugin_powers_the_same_cells() -> None:
    sources = [("stone_pressure_plate", {}), ("lever", {"face": "wall", "facing": "south"}),
               ("oak_button", {"face": "ceiling", "facing": "north"}),
               ("lever", {"face": "wall", "facing": "east"})]
    behind = ["stone", "glass", "air"]
    cases, expected = [], []
    for name, state in sources:
        src = BlockState(name=name, state=state)
        for under in behind:
            off = attached_offset(src)
            attached = (off[0], Y + off[1], off[2])
            blocks = {(0, Y, 0): src}
            if attached[1] != Y - 1 or under != "stone":
                blocks[attached] = BlockState(name=under)
            s = world(blocks)
            targets = [(x, Y + dy, z) for x in range(-2, 3) for dy in range(-2, 3)
                       for z in range(-2, 3)]
            for t in targets:
                cases.append({"blocks": [{"pos": list(p), "name": b.name, "state": b.state}
                                         for p, b in blocks.items()],
                              "source": [0, Y, 0], "target": list(t)})
                expected.append(t in powered_by((0, Y, 0), src, s.block))
    got = subprocess.run([node_binary(), "-e", _NODE_CHECK], input=json.dumps(cases),
                         cwd=ROOT / "env", capture_output=True, text=True, timeout=120,
                         check=True)
    assert json.loads(got.stdout) == expected
    assert sum(expected) > 0 and not all(expected)
