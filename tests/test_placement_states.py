"""The state a placed block takes from how it is placed (env/placing.py, env/facing.py,
env/data/placed_states.json and facing.json, env/js/placing.js), with vanilla 1.19.2's values:
each block class's getStateForPlacement (decompiled, Mojang mappings) and minecraft.wiki. The
same cases on both backends: tests/differential/test_placement_cases.py."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from env.actions import Place
from env.facing import placed_facing
from env.minecraft.server import node_binary
from env.placing import (
    click_side,
    door_hinge,
    head_cell,
    nearest_looking,
    placed_half,
    stairs_shape,
)
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import GROUND_Y, STAND_Y, BlockSpec, BlockState, Pos, WorldSetup

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rulebook()

# (block, clicked face, hit height above the cell's bottom, vanilla (property, value)).
# SlabBlock: `direction != DOWN && (direction == UP || !(hitY > 0.5)) ? BOTTOM : TOP`
# (minecraft.wiki/w/Slab: "placed on the upper half of a block's side or on a bottom face:
# top slab"); StairBlock and TrapDoorBlock the same for `half` (/w/Stairs, /w/Trapdoor).
HALVES = [
    ("oak_slab", "up", 0.0, ["type", "bottom"]), ("oak_slab", "down", 1.0, ["type", "top"]),
    ("stone_slab", "east", 0.5, ["type", "bottom"]), ("stone_slab", "east", 0.75, ["type", "top"]),
    ("oak_stairs", "up", 0.0, ["half", "bottom"]), ("oak_stairs", "down", 1.0, ["half", "top"]),
    ("purpur_stairs", "north", 0.25, ["half", "bottom"]),
    ("purpur_stairs", "north", 0.9, ["half", "top"]),
    ("oak_trapdoor", "up", 0.0, ["half", "bottom"]),
    ("iron_trapdoor", "down", 1.0, ["half", "top"]),
    ("spruce_trapdoor", "west", 0.75, ["half", "top"]),
    ("stone", "down", 1.0, None), ("oak_door", "down", 1.0, None),
]

# (block, look, nearest, clicked, against, vanilla facing). Sources:
# barrel: BarrelBlock, FACING = getNearestLookingDirection().getOpposite()
# dispenser, dropper: DispenserBlock (DropperBlock extends it), the same
# piston, sticky_piston: PistonBaseBlock, the same
# observer: ObserverBlock, getNearestLookingDirection().getOpposite().getOpposite()
# shulker boxes: ShulkerBoxBlock, getClickedFace(); lightning_rod: LightningRodBlock, the same;
#   amethyst_cluster and buds: AmethystClusterBlock, the same
# end_rod: EndRodBlock, getClickedFace(), its opposite when the clicked block is an end rod
#   facing the clicked face
# hopper: HopperBlock, getClickedFace().getOpposite(), DOWN on the vertical axis
# trapdoors: TrapDoorBlock, a horizontal clicked face; else getHorizontalDirection().getOpposite()
# beds: BedBlock, getHorizontalDirection()
FACINGS = [
    ("barrel", "south", "down", "up", None, "up"),
    ("barrel", "south", "south", "up", None, "north"),
    ("barrel", "east", "up", "down", None, "down"),
    ("dispenser", "west", "west", "up", None, "east"),
    ("dropper", "north", "down", "up", None, "up"),
    ("piston", "south", "south", "up", None, "north"),
    ("sticky_piston", "east", "down", "up", None, "up"),
    ("observer", "south", "south", "up", None, "south"),
    ("observer", "south", "down", "up", None, "down"),
    ("white_shulker_box", "south", "down", "east", None, "east"),
    ("shulker_box", "south", "down", "up", None, "up"),
    ("lightning_rod", "north", "north", "down", None, "down"),
    ("amethyst_cluster", "north", "north", "west", None, "west"),
    ("small_amethyst_bud", "north", "north", "up", None, "up"),
    ("end_rod", "north", "down", "up", None, "up"),
    ("end_rod", "north", "down", "up", ["end_rod", "up"], "down"),
    ("end_rod", "north", "down", "up", ["end_rod", "east"], "up"),
    ("hopper", "north", "down", "up", None, "down"),
    ("hopper", "north", "north", "east", None, "west"),
    ("oak_trapdoor", "south", "down", "up", None, "north"),
    ("oak_trapdoor", "south", "south", "down", None, "north"),
    ("oak_trapdoor", "south", "south", "east", None, "east"),
    ("white_bed", "east", "down", "up", None, "east"),
    ("stone", "east", "down", "up", None, None),
]


@pytest.mark.parametrize(("block", "clicked", "hit_y", "half"), HALVES)
def test_half_by_the_clicked_face(block: str, clicked: str, hit_y: float,
                                  half: list[str] | None) -> None:
    got = placed_half(block, clicked, hit_y)
    assert (list(got) if got else None) == half


@pytest.mark.parametrize(("block", "look", "nearest", "clicked", "against", "facing"), FACINGS)
def test_six_way_and_clicked_facings(block: str, look: str, nearest: str, clicked: str,
                                     against: list[str] | None, facing: str | None) -> None:
    assert placed_facing(block, look, nearest=nearest, clicked=clicked,
                         against=tuple(against) if against else None) == facing


def test_a_bad_face_is_named() -> None:
    with pytest.raises(ValueError, match="clicked must be one of"):
        placed_facing("end_rod", "north", clicked="sideways")


# (feet, cell, nearest). getNearestLookingDirection: the largest component of the look from
# the eyes (feet + 1.62, minecraft.wiki/w/Player: eye height 1.62) to the middle of the cell.
NEAREST = [
    ((0.5, -60.0, 0.5), (1, -60, 1), "down"),  # dy -1.12 beats dx = dz = 1
    ((0.5, -60.0, 0.5), (0, -60, 2), "south"),  # dz 2 beats dy -1.12
    ((0.5, -60.0, 0.5), (0, -57, 0), "up"),  # dy 1.88 straight up
    ((0.5, -60.0, 0.5), (-2, -60, 1), "west"),
    ((0.5, -60.0, 0.5), (2, -60, 2), "south"),  # a horizontal tie goes to north or south
]


@pytest.mark.parametrize(("feet", "cell", "nearest"), NEAREST)
def test_nearest_looking(feet: tuple[float, float, float], cell: Pos, nearest: str) -> None:
    assert nearest_looking(feet, cell) == nearest


def world_of(blocks: dict[Pos, str]) -> Callable[[Pos], BlockState]:
    def at(p: Pos) -> BlockState:
        name = blocks.get(p, "grass_block" if p[1] <= GROUND_Y else "air")
        name, _, rest = name.partition("[")
        state = dict(kv.split("=") for kv in rest.rstrip("]").split(",") if kv)
        return BlockState(name=name, state=state)
    return at


Y = STAND_Y
# (blocks, item, cell, facing, clicked side). The place action clicks the support of a block
# that cannot float, else the first full block in the order down, up, east, west, south,
# north (along an asked axis first), else any block that is not replaceable.
CLICKS = [
    ({}, "oak_slab", (0, Y, 0), None, "down"),
    ({(0, Y + 2, 0): "stone"}, "oak_slab", (0, Y + 1, 0), None, "up"),
    ({(1, Y + 1, 0): "stone", (0, Y + 2, 0): "stone"}, "oak_log", (0, Y + 1, 0), "x", "east"),
    ({(-1, Y + 1, 0): "torch"}, "stone", (0, Y + 1, 0), None, "west"),
    ({(-1, Y + 1, 0): "torch", (0, Y + 1, 1): "stone"}, "stone", (0, Y + 1, 0), None, "south"),
    ({(0, Y + 1, 1): "stone"}, "wall_torch", (0, Y + 1, 0), None, "south"),
    ({}, "stone", (0, Y + 1, 0), None, None),
]


@pytest.mark.parametrize(("blocks", "item", "cell", "facing", "side"), CLICKS)
def test_the_clicked_neighbour(blocks: dict[Pos, str], item: str, cell: Pos,
                               facing: str | None, side: str | None) -> None:
    solid = lambda name: RULES.blocks[name].solid  # noqa: E731
    assert click_side(item, cell, facing, world_of(blocks), solid, item) == side


# (blocks beside, look, hit (x, z), vanilla hinge). DoorBlock.getHinge: looking south, the
# left is east (counterclockwise), the right west.
HINGES = [
    ({}, "south", (0.5, 0.5), "left"),
    ({(-1, Y, 0): "stone"}, "south", (0.5, 0.5), "right"),
    ({(1, Y, 0): "stone"}, "south", (0.5, 0.5), "left"),
    ({(-1, Y + 1, 0): "stone"}, "south", (0.5, 0.5), "right"),  # beside the upper half
    ({(-1, Y, 0): "stone", (1, Y, 0): "stone"}, "south", (0.5, 0.5), "left"),
    ({(-1, Y, 0): "oak_slab"}, "south", (0.5, 0.5), "left"),  # not a full cube
    ({(1, Y, 0): "oak_door[half=lower]"}, "south", (0.5, 0.5), "right"),  # a door on the left
    ({(-1, Y, 0): "oak_door[half=lower]"}, "south", (0.5, 0.5), "left"),
    ({(1, Y, 0): "iron_door[half=lower]"}, "south", (0.5, 0.5), "left"),  # not of its kind
    ({}, "south", (0.25, 0.5), "right"),  # looking south (+z), a hit at x < 0.5 is the right
    ({}, "east", (0.5, 0.75), "right"),  # looking east (+x), a hit at z > 0.5
    ({}, "north", (0.75, 0.5), "right"),
]


@pytest.mark.parametrize(("blocks", "look", "hit", "hinge"), HINGES)
def test_door_hinge(blocks: dict[Pos, str], look: str, hit: tuple[float, float],
                    hinge: str) -> None:
    assert door_hinge("oak_door", (0, Y, 0), look, world_of(blocks), hit) == hinge


# (stairs beside (0, Y, 0), its facing, its half, vanilla shape). StairBlock.getStairsShape:
# facing south, behind is south (+z), in front north; its counterclockwise turn is east.
SHAPES = [
    ({}, "south", "bottom", "straight"),
    ({(0, Y, 1): "oak_stairs[facing=east]"}, "south", "bottom", "outer_left"),
    ({(0, Y, 1): "oak_stairs[facing=west]"}, "south", "bottom", "outer_right"),
    ({(0, Y, -1): "oak_stairs[facing=east]"}, "south", "bottom", "inner_left"),
    ({(0, Y, -1): "stone_stairs[facing=west]"}, "south", "bottom", "inner_right"),
    ({(0, Y, 1): "oak_stairs[facing=south]"}, "south", "bottom", "straight"),  # same axis
    ({(0, Y, 1): "oak_stairs[facing=east,half=top]"}, "south", "bottom", "straight"),
    # the cell on the far side holds stairs like this one: no corner
    ({(0, Y, 1): "oak_stairs[facing=east]", (-1, Y, 0): "oak_stairs[facing=south]"},
     "south", "bottom", "straight"),
    ({(0, Y, -1): "oak_stairs[facing=east]", (1, Y, 0): "oak_stairs[facing=south]"},
     "south", "bottom", "straight"),
    ({(-1, Y, 0): "oak_stairs[facing=north,half=top]"}, "east", "top", "inner_left"),
]


@pytest.mark.parametrize(("blocks", "facing", "half", "shape"), SHAPES)
def test_stairs_shape(blocks: dict[Pos, str], facing: str, half: str, shape: str) -> None:
    assert stairs_shape(facing, half, (0, Y, 0), world_of(blocks)) == shape


def test_placing_stairs_reshapes_the_stairs_beside_it() -> None:
    sim = SimBackend(RULES, seed=0)
    sim.build(WorldSetup(spawn=[(0, Y, 0)], agent_items={"oak_stairs": 1},
                         blocks=[BlockSpec(name="oak_stairs", pos=(2, Y, 2),
                                           state={"facing": "north"})]), ["ann"])
    # placed facing east (the look), behind the north-facing stairs: those turn outer_right
    out = sim.execute("ann", Place(item="oak_stairs", pos=(2, Y, 1)), 0.0)
    assert out.ok, out
    assert sim.view().block((2, Y, 1)).state == {"facing": "east", "half": "bottom"}
    assert sim.view().block((2, Y, 2)).state == {"facing": "north", "shape": "outer_right"}


def test_a_bed_head_is_the_next_cell_it_faces() -> None:
    assert head_cell("white_bed", (0, Y, 0), None, "east") == (1, Y, 0)
    assert head_cell("white_bed", (0, Y, 0), "north", "east") == (0, Y, -1)
    assert head_cell("white_bed", (0, Y, 0), "up", "west") == (-1, Y, 0)
    assert head_cell("oak_door", (0, Y, 0), None, "east") is None


def test_the_js_side_reads_the_same_rules() -> None:
    script = (
        "const f = require('./js/facing.js'); const p = require('./js/placing.js');"
        "const mc = require('minecraft-data')('1.19.2');"
        f"const halves = {json.dumps(HALVES)}; const facings = {json.dumps(FACINGS)};"
        f"const nearest = {json.dumps(NEAREST)}; const hinges = {json.dumps(_js_worlds(HINGES))};"
        f"const clicks = {json.dumps(_js_clicks())};"
        f"const shapes = {json.dumps(_js_shapes())};"
        "const world = (blocks) => (q) => { const k = q.join(',');"
        " const spec = blocks[k] || (q[1] <= " + str(GROUND_Y) + " ? 'grass_block' : 'air');"
        " const [name, rest] = spec.split('['); const props = {};"
        " for (const kv of (rest || '').replace(']', '').split(',').filter(Boolean)) {"
        "  const [a, b] = kv.split('='); props[a] = b }"
        " const b = mc.blocksByName[name];"
        " const shapes = name === 'stone' || name === 'grass_block' ? [[0, 0, 0, 1, 1, 1]] : [];"
        " return { name, props, shapes, solid: b.boundingBox === 'block' } };"
        "console.log(JSON.stringify(halves.map(([b, c, h]) => p.placedHalf(b, c, h))));"
        "console.log(JSON.stringify(facings.map(([b, l, n, c, a]) =>"
        " f.placedFacing(b, l, n, c, a))));"
        "console.log(JSON.stringify(nearest.map(([feet, cell]) => p.nearestLooking(feet, cell))));"
        "console.log(JSON.stringify(hinges.map(([bl, look, hit]) =>"
        f" p.doorHinge('oak_door', [0, {Y}, 0], look, world(bl), hit))));"
        "console.log(JSON.stringify(clicks.map(([bl, item, cell, facing]) =>"
        " p.clickSide(item, cell, facing, world(bl), item))));"
        "console.log(JSON.stringify(shapes.map(([bl, facing, half]) =>"
        f" p.stairsShape(facing, half, [0, {Y}, 0], world(bl)))));"
        f"console.log(JSON.stringify([p.headCell('white_bed', [0, {Y}, 0], null, 'east'),"
        f" p.headCell('white_bed', [0, {Y}, 0], 'up', 'west'),"
        f" p.headCell('oak_door', [0, {Y}, 0], null, 'east')]))")
    out = subprocess.run([node_binary(), "-e", script], cwd=ROOT / "env", capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert json.loads(out[0]) == [h for *_, h in HALVES]
    assert json.loads(out[1]) == [f for *_, f in FACINGS]
    assert json.loads(out[2]) == [n for *_, n in NEAREST]
    assert json.loads(out[3]) == [h for *_, h in HINGES]
    assert json.loads(out[4]) == [s for *_, s in CLICKS]
    assert json.loads(out[5]) == [s for *_, s in SHAPES]
    assert json.loads(out[6]) == [[1, Y, 0], [-1, Y, 0], None]


def _js_worlds(cases: list) -> list:
    return [[{",".join(map(str, k)): v for k, v in blocks.items()}, look, list(hit)]
            for blocks, look, hit, _ in cases]


def _js_clicks() -> list:
    return [[{",".join(map(str, k)): v for k, v in blocks.items()}, item, list(cell), facing]
            for blocks, item, cell, facing, _ in CLICKS]


def _js_shapes() -> list:
    return [[{",".join(map(str, k)): v for k, v in blocks.items()}, facing, half]
            for blocks, facing, half, _ in SHAPES]


def test_the_sim_refuses_a_bed_without_room_for_its_head() -> None:
    # BedBlock.getStateForPlacement: null (nothing placed) when the head's cell cannot be
    # replaced; placed, the head (part=head) goes there (minecraft.wiki/w/Bed)
    sim = SimBackend(RULES, seed=0)
    sim.build(WorldSetup(spawn=[(0, Y, 0)], agent_items={"white_bed": 2},
                         blocks=[BlockSpec(name="stone", pos=(3, Y, 0))]), ["ann"])
    before = sim.snapshot()
    out = sim.execute("ann", Place(item="white_bed", pos=(2, Y, 0)), 0.0)
    assert (out.ok, out.code) == (False, Code.NO_ROOM_FOR_HEAD)
    assert sim.snapshot() == before
    out = sim.execute("ann", Place(item="white_bed", pos=(0, Y, 2)), 0.0)
    assert out.ok, out
    assert sim.view().block((0, Y, 2)).state == {"facing": "south", "part": "foot"}
    assert sim.view().block((0, Y, 3)) == BlockState(name="white_bed",
                                                     state={"facing": "south", "part": "head"})
