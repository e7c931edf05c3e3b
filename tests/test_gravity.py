"""Falling blocks (env/gravity.py, env/js/gravity.js), with vanilla 1.19.2's values.

Sources: FallingBlock.isFree (air, fire, liquids, replaceable materials fall into; a torch, a
slab, a carpet do not), FallingBlockEntity.tick (the block stops on the first collision box
below; it is placed where it stops when that cell can be replaced and the cell below is not
free, else it breaks and drops), ConcretePowderBlock.onLand / touchesLiquid (water: concrete);
minecraft.wiki/w/Falling_Block ("if a falling block lands on a non-full block such as a
torch or slab, it drops as an item"), /w/Sand, /w/Gravel, /w/Concrete_Powder.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from env.collision import collision_boxes
from env.connections import face_sturdy
from env.gravity import (
    Move,
    falls,
    is_free,
    landing,
    rest_height,
    settle,
    settle_setup,
    touches_water,
)
from env.minecraft.server import node_binary
from env.world import BlockState, Pos

ROOT = Path(__file__).resolve().parents[1]
GROUND = -61


def reader(blocks: dict[Pos, BlockState]):
    def at(p: Pos) -> BlockState:
        if p in blocks:
            return blocks[p]
        return BlockState(name="grass_block" if p[1] == GROUND else
                          "dirt" if GROUND > p[1] > -64 else "bedrock" if p[1] == -64 else "air")
    return at


def b(name: str, **state: object) -> BlockState:
    return BlockState(name=name, state=dict(state))


def moves(out: list[Move]) -> list[tuple[Pos, Pos | None, str]]:
    return [(m.src, m.dst, m.block.name) for m in out]


def test_which_blocks_fall() -> None:
    # FallingBlock subclasses in 1.19.2: SandBlock, GravelBlock, ConcretePowderBlock,
    # AnvilBlock, DragonEggBlock; not concrete, not sandstone, not suspicious blocks (1.20)
    for name in ("sand", "red_sand", "gravel", "anvil", "chipped_anvil", "damaged_anvil",
                 "dragon_egg", "white_concrete_powder", "black_concrete_powder"):
        assert falls(name), name
    for name in ("stone", "sandstone", "white_concrete", "dirt", "torch", "air"):
        assert not falls(name), name


def test_what_is_free_below() -> None:
    for block in (b("air"), b("water"), b("lava"), b("fire"), b("grass"), b("tall_grass"),
                  b("snow", layers=1), b("snow", layers=7), b("seagrass")):
        assert is_free(block), block
    for block in (b("torch"), b("oak_slab"), b("white_carpet"), b("poppy"), b("stone"),
                  b("snow_block"), b("oak_fence"), b("rail")):
        assert not is_free(block), block


def test_sand_over_a_three_deep_hole_lands_at_its_bottom() -> None:
    world = {(0, -57, 0): b("sand")}
    assert moves(settle([(0, -57, 0)], reader(world))) == [((0, -57, 0), (0, -60, 0), "sand")]


def test_a_block_on_solid_ground_or_on_a_torch_stays() -> None:
    on_ground = {(0, -60, 0): b("gravel")}
    on_torch = {(0, -60, 0): b("torch"), (0, -59, 0): b("gravel")}
    assert settle([(0, -60, 0)], reader(on_ground)) == []
    assert settle([(0, -59, 0)], reader(on_torch)) == []


def test_falling_onto_a_torch_or_a_bottom_slab_breaks() -> None:
    torch = {(0, -60, 0): b("torch"), (0, -58, 0): b("gravel")}
    assert landing((0, -58, 0), reader(torch)) == ((0, -60, 0), False)
    assert moves(settle([(0, -58, 0)], reader(torch))) == [((0, -58, 0), None, "gravel")]
    slab = {(0, -60, 0): b("oak_slab", type="bottom"), (0, -58, 0): b("sand")}
    assert landing((0, -58, 0), reader(slab)) == ((0, -60, 0), False)


def test_it_lands_on_a_top_slab_or_a_fence_above_it() -> None:
    # a top slab's box reaches its cell's top: the block ends in the cell above; a fence's box
    # is 1.5 high: also the cell above (its feet rest at 1.5, in the cell above)
    top = {(0, -60, 0): b("oak_slab", type="top"), (0, -57, 0): b("sand")}
    assert landing((0, -57, 0), reader(top)) == ((0, -59, 0), True)
    fence = {(0, -60, 0): b("oak_fence"), (0, -57, 0): b("sand")}
    assert landing((0, -57, 0), reader(fence)) == ((0, -59, 0), True)


def test_it_replaces_grass_and_a_one_layer_snow_cover_but_breaks_on_thicker_snow() -> None:
    grass = {(0, -60, 0): b("grass"), (0, -58, 0): b("sand")}
    assert moves(settle([(0, -58, 0)], reader(grass))) == [((0, -58, 0), (0, -60, 0), "sand")]
    thin = {(0, -60, 0): b("snow", layers=1), (0, -58, 0): b("sand")}
    assert landing((0, -58, 0), reader(thin)) == ((0, -60, 0), True)
    thick = {(0, -60, 0): b("snow", layers=3), (0, -58, 0): b("sand")}
    assert landing((0, -58, 0), reader(thick)) == ((0, -60, 0), False)


def test_digging_under_a_column_of_three_drops_all_by_one() -> None:
    world = {(0, -59, 0): b("gravel"), (0, -58, 0): b("gravel"), (0, -57, 0): b("gravel")}
    assert moves(settle([(0, -60, 0)], reader(world))) == [
        ((0, -59, 0), (0, -60, 0), "gravel"), ((0, -58, 0), (0, -59, 0), "gravel"),
        ((0, -57, 0), (0, -58, 0), "gravel")]


def test_concrete_powder_in_or_beside_water_becomes_concrete() -> None:
    beside = {(1, -60, 0): b("water"), (0, -58, 0): b("lime_concrete_powder")}
    assert moves(settle([(0, -58, 0)], reader(beside))) == [
        ((0, -58, 0), (0, -60, 0), "lime_concrete")]
    into = {(0, -60, 0): b("water"), (0, -58, 0): b("red_concrete_powder")}
    assert moves(settle([(0, -58, 0)], reader(into))) == [
        ((0, -58, 0), (0, -60, 0), "red_concrete")]
    dry = {(0, -58, 0): b("red_concrete_powder")}
    assert moves(settle([(0, -58, 0)], reader(dry))) == [
        ((0, -58, 0), (0, -60, 0), "red_concrete_powder")]


def test_powder_placed_or_set_beside_water_turns_where_it_is_and_does_not_fall() -> None:
    # ConcretePowderBlock.getStateForPlacement / updateShape: touchesLiquid turns it at once;
    # its fall would wait a tick (FallingBlock.onPlace schedules it)
    beside = {(1, -58, 0): b("water"), (0, -58, 0): b("lime_concrete_powder")}
    assert moves(settle([(0, -58, 0)], reader(beside))) == [
        ((0, -58, 0), (0, -58, 0), "lime_concrete")]
    # water set beside powder (a trigger's /setblock) turns it too
    resting = {(0, -60, 0): b("red_concrete_powder"), (0, -59, 0): b("water")}
    assert moves(settle([(0, -59, 0)], reader(resting))) == [
        ((0, -60, 0), (0, -60, 0), "red_concrete")]


def test_water_below_powder_does_not_turn_it() -> None:
    # touchesLiquid looks down only when the powder's own cell holds water: powder resting
    # on waterlogged stairs (its top not sturdy) stays powder; it does not fall either
    stairs = b("oak_stairs", facing="east", half="bottom", shape="straight", waterlogged=True)
    assert not face_sturdy(stairs, "up")
    world = {(0, -60, 0): stairs, (0, -59, 0): b("lime_concrete_powder")}
    assert settle([(0, -59, 0)], reader(world)) == []
    assert touches_water((0, -59, 0), reader(world)) is False


def test_a_sturdy_wet_face_does_not_wet_powder() -> None:
    # waterlogged stairs facing east: full east face, open west face (isFaceSturdy)
    stairs = b("oak_stairs", facing="east", half="bottom", shape="straight", waterlogged=True)
    assert face_sturdy(stairs, "east") and not face_sturdy(stairs, "west")
    behind = {(0, -60, 0): stairs, (1, -60, 0): b("lime_concrete_powder")}
    assert touches_water((1, -60, 0), reader(behind)) is False
    assert settle([(1, -60, 0)], reader(behind)) == []
    before = {(0, -60, 0): stairs, (-1, -60, 0): b("lime_concrete_powder")}
    assert touches_water((-1, -60, 0), reader(before)) is True
    assert moves(settle([(-1, -60, 0)], reader(before))) == [
        ((-1, -60, 0), (-1, -60, 0), "lime_concrete")]


def test_an_anvil_keeps_its_facing_when_it_falls() -> None:
    world = {(0, -58, 0): b("anvil", facing="east")}
    (m,) = settle([(0, -58, 0)], reader(world))
    assert (m.dst, m.block) == ((0, -60, 0), b("anvil", facing="east"))


def test_a_setup_sets_blocks_one_after_another() -> None:
    # the support set first holds the gravel; set after, it comes too late (each /setblock
    # settles at once)
    first = settle_setup([((0, -60, 0), b("stone")), ((0, -59, 0), b("gravel"))],
                         reader({}))
    assert {p: x.name for p, x in first.items()} == {(0, -60, 0): "stone", (0, -59, 0): "gravel"}
    late = settle_setup([((0, -58, 0), b("gravel")), ((0, -59, 0), b("stone"))], reader({}))
    assert {p: x.name for p, x in late.items()} == {
        (0, -58, 0): "air", (0, -60, 0): "gravel", (0, -59, 0): "stone"}


PALETTE: list[tuple[str, dict[str, object]]] = [
    ("air", {}), ("air", {}), ("air", {}), ("stone", {}), ("sand", {}), ("gravel", {}),
    ("red_sand", {}), ("white_concrete_powder", {}), ("anvil", {"facing": "north"}),
    ("torch", {}), ("oak_slab", {"type": "bottom"}), ("oak_slab", {"type": "top"}),
    ("grass", {}), ("water", {}), ("snow", {"layers": 1}), ("snow", {"layers": 4}),
    ("oak_fence", {}), ("white_carpet", {}), ("dirt", {}), ("fire", {}),
    ("wall_torch", {"facing": "east"}), ("poppy", {}), ("oak_sign", {}),
    ("stone_button", {"face": "floor"}), ("tall_grass", {"half": "lower"}),
    ("tall_grass", {"half": "upper"}), ("water", {"level": 3}), ("powder_snow", {}),
    ("lime_concrete_powder", {}),
    ("oak_stairs", {"facing": "east", "half": "bottom", "shape": "straight",
                    "waterlogged": "true"})]


def random_world(rng: random.Random) -> tuple[dict[Pos, BlockState], list[Pos]]:
    world: dict[Pos, BlockState] = {}
    for x in range(2):
        for z in range(2):
            for y in range(-60, -54):
                name, state = rng.choice(PALETTE)
                if name != "air":
                    world[(x, y, z)] = b(name, **state)
    changed = [(rng.randrange(2), rng.randrange(-60, -54), rng.randrange(2))
               for _ in range(rng.randint(1, 3))]
    return world, changed


def test_js_rule_agrees_with_python_on_random_worlds() -> None:
    rng = random.Random(13)
    cases = []
    expected = []
    for _ in range(600):
        world, changed = random_world(rng)
        at = reader(world)
        cells = {(x, y, z): at((x, y, z)) for x in range(2) for z in range(2)
                 for y in range(-64, -53)}
        cases.append({"blocks": [{"pos": list(p), "name": s.name, "props": s.state,
                                  "shapes": [list(box) for box in collision_boxes(s.name, s.state)]}
                                 for p, s in cells.items()],
                      "changed": [list(c) for c in changed]})
        expected.append([[list(m.src), list(m.dst) if m.dst else None, m.block.name,
                          m.block.state, list(m.broke) if m.broke else None,
                          [[list(q.pos), q.block.name] for q in m.pops]]
                         for m in settle(changed, at)])
    assert sum(1 for e in expected if e) > 100  # most worlds have something falling
    assert sum(1 for e in expected for m in e if m[5]) > 20  # and something pops off
    assert sum(1 for e in expected for m in e if m[4]) > 20  # or breaks
    assert sum(1 for e in expected for m in e if m[0] == m[1]) > 20  # or powder turns
    script = (
        "const g = require('./js/gravity');"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const AIR = { name: 'air', props: {}, shapes: [] };"
        "console.log(JSON.stringify(cases.map(c => {"
        " const m = new Map(c.blocks.map(b => [b.pos.join(','), b]));"
        " return g.settle(c.changed, p => m.get(p.join(',')) || AIR)"
        "  .map(x => [x.src, x.dst, x.block.name, x.block.props, x.broke,"
        "   x.pops.map(q => [q.pos, q.block.name])]) })))")
    out = subprocess.run([node_binary(), "-e", script], cwd=ROOT / "env", input=json.dumps(cases),
                         capture_output=True, text=True, timeout=60, check=True)
    got = json.loads(out.stdout)
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert g == e, (i, cases[i]["changed"])


@pytest.mark.parametrize("name", ["sand", "gravel"])
def test_the_data_file_names_its_sources(name: str) -> None:
    data = json.loads((ROOT / "env" / "data" / "gravity.json").read_text())
    assert "FallingBlock" in data["_about"] and "minecraft.wiki" in data["_about"]
    assert data["delay_ticks"] == 2 and data["gravity_per_tick2"] == 0.04
    assert name in data["blocks"]


# -- on the simulator: what rested on a block that popped off -----------------------------------

def _sim(blocks: list[tuple[Pos, str, dict]], triggers: list | None = None):
    from env.rulebook import load_rulebook
    from env.sim import SimBackend
    from env.world import BlockSpec, WorldSetup

    sim = SimBackend(load_rulebook())
    sim.build(WorldSetup(blocks=[BlockSpec(name=n, pos=p, state=st) for p, n, st in blocks],
                         triggers=triggers or [], spawn=[(0, -60, 0)]), ["a"])
    return sim


@pytest.mark.parametrize("torch", [
    ((2, -59, 0), "torch", {}),
    ((2, -60, 1), "wall_torch", {"facing": "south"}),
])
def test_sand_on_a_torch_falls_when_the_torch_pops_off_with_its_support(torch) -> None:
    # Dirt holds a torch (standing on it, or hanging on its side); sand rests on the torch.
    # Digging the dirt pops the torch (env/data/support.json) and the sand, now over air,
    # falls to the ground: removing the torch updates its neighbours, and a falling block
    # over a free cell falls (FallingBlock.updateShape). The server did; the simulator left
    # the sand in the air.
    from env.actions import Dig

    pos, name, state = torch
    sand = (pos[0], pos[1] + 1, pos[2])
    sim = _sim([((2, -60, 0), "dirt", {}), (pos, name, state), (sand, "sand", {})])
    assert sim.execute("a", Dig(pos=(2, -60, 0)), 0.0).ok
    view = sim.view()
    assert view.block(sand).name == "air" and view.block((pos[0], -60, pos[2])).name == "sand"
    assert "torch" not in {view.block(p).name for p in (pos, (2, -60, 0))}


# -- what a fall leaves without support, what a broken block drops, powder in deep water --------

def pops(out: list[Move]) -> list[list[tuple[Pos, str]]]:
    return [[(q.pos, q.block.name) for q in m.pops] for m in out]


@pytest.mark.parametrize("attached", [
    ((0, -57, 0), b("torch")),                                 # on its top (TorchBlock)
    ((1, -58, 0), b("wall_torch", facing="east")),             # on its side (WallTorchBlock)
    ((0, -57, 0), b("oak_sign", rotation=0)),                  # a standing sign on it
    ((0, -58, 1), b("oak_wall_sign", facing="south")),         # a wall sign on its side
    ((0, -58, -1), b("stone_button", face="wall", facing="north")),
    ((0, -57, 0), b("lever", face="floor", facing="north")),
    ((0, -57, 0), b("white_carpet")),
])
def test_what_hangs_on_a_falling_block_pops_off_when_it_leaves(attached) -> None:
    # FallingBlock.tick: the falling block's cell becomes air (FallingBlockEntity.fall sets
    # it), its neighbours update, and a block that cannot survive there any more
    # (canSurvive: a torch, a sign, a button, a carpet) is destroyed with its drops
    # (Block.updateOrDestroy -> destroyBlock(pos, true)). minecraft.wiki/w/Falling_Block.
    pos, block = attached
    world = {(0, -58, 0): b("sand"), pos: block}
    out = settle([(0, -58, 0)], reader(world))
    assert moves(out) == [((0, -58, 0), (0, -60, 0), "sand")]
    assert pops(out) == [[(pos, block.name)]]
    assert out[0].broke is None


def test_both_halves_of_a_tall_plant_on_the_sand_pop_off() -> None:
    world = {(0, -58, 0): b("sand"), (0, -57, 0): b("sunflower", half="lower"),
             (0, -56, 0): b("sunflower", half="upper")}
    out = settle([(0, -58, 0)], reader(world))
    assert pops(out) == [[((0, -57, 0), "sunflower"), ((0, -56, 0), "sunflower")]]


def test_landing_in_a_tall_plants_lower_half_pops_its_upper_half() -> None:
    # tall grass is replaceable: the sand takes the lower half's cell; the upper half, with
    # no lower half under it, goes (DoublePlantBlock.updateShape)
    world = {(0, -60, 0): b("tall_grass", half="lower"), (0, -59, 0): b("tall_grass", half="upper"),
             (0, -57, 0): b("gravel")}
    out = settle([(0, -57, 0)], reader(world))
    assert moves(out) == [((0, -57, 0), (0, -60, 0), "gravel")]
    assert pops(out) == [[((0, -59, 0), "tall_grass")]]


def test_sand_on_a_carpet_on_falling_sand_falls_after_the_carpet_pops() -> None:
    # the carpet pops when the sand under it falls; the sand on the carpet is then over air
    world = {(0, -58, 0): b("sand"), (0, -57, 0): b("white_carpet"), (0, -56, 0): b("sand")}
    out = settle([(0, -58, 0)], reader(world))
    assert moves(out) == [((0, -58, 0), (0, -60, 0), "sand"), ((0, -56, 0), (0, -59, 0), "sand")]
    assert pops(out) == [[((0, -57, 0), "white_carpet")], []]


def test_a_block_that_breaks_says_where_it_drops_as_an_item() -> None:
    # FallingBlockEntity.tick: it cannot be placed where it stops (a torch's cell, a bottom
    # slab's): spawnAtLocation(block) drops its own item there (doEntityDrops);
    # minecraft.wiki/w/Falling_Block ("it drops as an item")
    torch = {(0, -60, 0): b("torch"), (0, -58, 0): b("gravel")}
    (m,) = settle([(0, -58, 0)], reader(torch))
    assert (m.dst, m.broke, m.block.name) == (None, (0, -60, 0), "gravel")
    slab = {(0, -60, 0): b("oak_slab", type="bottom"), (0, -58, 0): b("anvil", facing="west")}
    (m,) = settle([(0, -58, 0)], reader(slab))
    assert (m.dst, m.broke, m.block) == (None, (0, -60, 0), b("anvil", facing="west"))
    # fallen out of the world (below y -64): nothing left to drop
    void = {(0, y, 0): b("air") for y in range(-64, -59)} | {(0, -59, 0): b("sand")}
    (m,) = settle([(0, -59, 0)], reader(void))
    assert (m.dst, m.broke) == (None, None)


def test_an_item_rests_on_the_first_box_below_its_cell() -> None:
    at = reader({(0, -60, 0): b("oak_slab", type="bottom"), (1, -60, 0): b("torch")})
    assert rest_height((0, -58, 0), at) == -59.5
    assert rest_height((1, -60, 0), at) == -60.0
    assert rest_height((2, -58, 0), at) == -60.0


@pytest.mark.parametrize("depth", [2, 3])
def test_concrete_powder_turns_in_the_first_water_it_enters(depth: int) -> None:
    # FallingBlockEntity.tick: concrete powder whose cell's fluid is water lands in that cell
    # (flag1: getFluidState(pos).is(FluidTags.WATER)) and is placed there, where
    # ConcretePowderBlock.onLand makes it concrete; it does not sink to the bottom.
    # minecraft.wiki/w/Concrete_Powder ("when it falls into water ... it becomes concrete").
    water = {(0, -60 + i, 0): b("water") for i in range(depth)}
    top = -60 + depth - 1
    world = water | {(0, top + 3, 0): b("blue_concrete_powder")}
    out = settle([(0, top + 3, 0)], reader(world))
    assert moves(out) == [((0, top + 3, 0), (0, top, 0), "blue_concrete")]
    # flowing water (any level) is water too; other falling blocks still sink to the bottom
    flowing = {(0, -60, 0): b("water"), (0, -59, 0): b("water", level=1),
               (0, -57, 0): b("lime_concrete_powder"), (1, -57, 0): b("sand"),
               (1, -60, 0): b("water"), (1, -59, 0): b("water")}
    assert moves(settle([(0, -57, 0), (1, -57, 0)], reader(flowing))) == [
        ((0, -57, 0), (0, -59, 0), "lime_concrete"), ((1, -57, 0), (1, -60, 0), "sand")]


def test_powder_over_seagrass_in_water_turns_there() -> None:
    # seagrass is water-filled and can be replaced: the powder lands in it as concrete
    world = {(0, -60, 0): b("water"), (0, -59, 0): b("seagrass"),
             (0, -58, 0): b("red_concrete_powder")}
    assert moves(settle([(0, -58, 0)], reader(world))) == [
        ((0, -58, 0), (0, -59, 0), "red_concrete")]


def test_a_setup_clears_what_a_fall_pops() -> None:
    out = settle_setup([((0, -60, 0), b("dirt")), ((0, -59, 0), b("sand")),
                        ((0, -58, 0), b("torch")), ((0, -60, 0), b("air"))], reader({}))
    assert {p: x.name for p, x in out.items()} == {
        (0, -60, 0): "sand", (0, -59, 0): "air", (0, -58, 0): "air"}



def test_on_the_simulator_a_fall_drops_what_popped_and_what_broke_on_the_ground() -> None:
    # Digging the dirt under sand with a torch on it: the sand falls by one, the torch pops
    # off and its item lies on the sand (dropped in its cell, no player's); gravel placed over
    # a torch breaks and its item lies on the ground in the torch's cell.
    from env.actions import Dig, Place

    sim = _sim([((3, -60, 0), "dirt", {}), ((3, -59, 0), "sand", {}), ((3, -58, 0), "torch", {}),
                ((2, -60, 2), "torch", {}), ((1, -60, 2), "stone", {}),
                ((1, -59, 2), "stone", {}), ((1, -58, 2), "stone", {})])
    sim.state.inventories["a"] = {"gravel": 1}
    assert sim.execute("a", Dig(pos=(3, -60, 0)), 0.0).ok
    view = sim.view()
    assert [view.block((3, y, 0)).name for y in (-60, -59, -58)] == ["sand", "air", "air"]
    assert sim.state.inventories["a"] == {"gravel": 1, "dirt": 1}
    assert [(g.item, g.count, g.pos) for g in sim.state.ground] == [("torch", 1, (3.5, -59.0, 0.5))]
    assert sim.execute("a", Place(item="gravel", pos=(2, -58, 2)), 5.0).ok
    assert view.block((2, -60, 2)).name == "torch" and view.block((2, -58, 2)).name == "air"
    assert [(g.item, g.count, g.pos) for g in sim.state.ground] == [
        ("torch", 1, (3.5, -59.0, 0.5)), ("gravel", 1, (2.5, -60.0, 2.5))]


@pytest.mark.parametrize(("height", "cell", "stays"), [
    (1, (0, -59, 0), True), (2, (0, -59, 0), True), (3, (0, -60, 0), False),
    (5, (0, -60, 0), False)])
def test_powder_snow_holds_a_short_fall_and_breaks_a_long_one(height, cell, stays) -> None:
    # PowderSnowBlock.getCollisionShape for a FallingBlockEntity: a full block while its
    # fallDistance is at most 2.5, then 0.9 high: after 1 or 2 cells the sand lands on the
    # snow; after 3 or more it stops inside the snow's cell, cannot replace it, and breaks
    start = (0, -59 + height, 0)
    world = {(0, -60, 0): b("powder_snow"), start: b("sand")}
    assert landing(start, reader(world), "sand") == (cell, stays)
    (m,) = settle([start], reader(world))
    assert (m.dst, m.broke) == ((cell, None) if stays else (None, cell))


def test_sand_right_on_powder_snow_stays() -> None:
    assert not is_free(b("powder_snow"))
    assert settle([(0, -59, 0)], reader({(0, -60, 0): b("powder_snow"),
                                         (0, -59, 0): b("sand")})) == []
