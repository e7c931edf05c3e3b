"""Digging and placing edge cases on the simulator, with vanilla 1.19.2's values: what a dig
finds (env/data/dig.json), what a broken block leaves (ice -> water), plants that break at once,
and a placed block meeting a replaceable block of its own kind (env/data/replaceable.json).
The same cases run on the embedded server in tests/differential/test_dig_place_cases.py."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from env.actions import Dig, Place
from env.dig import blocks_motion_or_liquid, left_behind, nothing_to_dig
from env.minecraft.server import node_binary
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, BlockSpec, BlockState, WorldSetup

ROOT = Path(__file__).resolve().parents[1]
RB = load_rulebook()
Y = STAND_Y


def make(world: WorldSetup, seed: int = 0) -> SimBackend:
    sim = SimBackend(RB, seed=seed)
    sim.build(world, ["a"])
    return sim


def names(sim: SimBackend, cells: list[tuple[int, int, int]]) -> list[str]:
    return [sim.view().block(c).name for c in cells]


# -- what a dig finds ---------------------------------------------------------------------------

def test_only_air_and_fluids_have_nothing_to_dig() -> None:
    # Air and fluids have no outline shape (AirBlock, LiquidBlock, BubbleColumnBlock): the
    # crosshair passes through them. Short grass, ferns, dead bushes and snow covers break
    # (minecraft.wiki/w/Grass: "can be broken instantly by any tool").
    assert [nothing_to_dig(n) for n in ("air", "cave_air", "void_air", "water", "lava",
                                        "bubble_column")] == [True] * 6
    assert [nothing_to_dig(n) for n in ("grass", "tall_grass", "fern", "dead_bush", "snow",
                                        "poppy", "vine", "glow_lichen")] == [False] * 8


def test_every_block_named_in_dig_json_is_a_block() -> None:
    data = json.loads((ROOT / "env/data/dig.json").read_text())
    named = [*data["nothing_to_dig"], *data["leaves_behind"], *data["liquids"],
             *(r["block"] for r in data["leaves_behind"].values())]
    assert set(named) <= set(RB.blocks)
    for p in data["below_passes_motion"]:
        if p.startswith("*"):
            assert any(b.endswith(p[1:]) for b in RB.blocks), p
        elif p.endswith("*"):
            assert any(b.startswith(p[:-1]) for b in RB.blocks), p
        else:
            assert p in RB.blocks, p


def test_a_dig_of_water_is_refused_and_changes_nothing() -> None:
    sim = make(WorldSetup(blocks=[BlockSpec(name="water", pos=(1, Y, 0))]))
    before = sim.snapshot()
    out = sim.execute("a", Dig(pos=(1, Y, 0)), 0.0)
    assert (out.ok, out.code) == (False, Code.NOTHING_TO_DIG)
    assert sim.snapshot() == before


@pytest.mark.parametrize("plant", ["grass", "fern", "dead_bush", "poppy", "dandelion"])
def test_plants_break_at_once(plant: str) -> None:
    # minecraft.wiki/w/Breaking#Instant_breaking: hardness 0 breaks in one tick
    sim = make(WorldSetup(blocks=[BlockSpec(name=plant, pos=(1, Y, 0))],
                          agent_items={"shears": 1}))
    out = sim.execute("a", Dig(pos=(1, Y, 0)), 0.0)
    assert out.ok, out.reason
    assert names(sim, [(1, Y, 0)]) == ["air"]
    # with shears each gives itself (loot tables blocks/grass.json, fern.json, dead_bush.json)
    assert sim.view().inventory("a") == {"shears": 1, plant: 1}


def test_short_grass_by_hand_gives_a_seed_one_time_in_eight() -> None:
    # loot table blocks/grass.json: without shears, wheat_seeds with random_chance 0.125
    # (minecraft.wiki/w/Grass#Drops); nothing else.
    from scipy.stats import binomtest
    cells = [(x, Y, z) for x in range(-2, 3) for z in range(1, 3)]
    seeds = digs = 0
    for seed in range(40):
        sim = make(WorldSetup(blocks=[BlockSpec(name="grass", pos=c) for c in cells]),
                   seed=seed)
        for c in cells:
            assert sim.execute("a", Dig(pos=c), 0.0).ok
        inv = sim.view().inventory("a")
        assert set(inv) <= {"wheat_seeds"}
        seeds += inv.get("wheat_seeds", 0)
        digs += len(cells)
    assert binomtest(seeds, digs, 0.125).pvalue >= 0.001, (seeds, digs)


@pytest.mark.parametrize(("dug", "half"), [(0, "lower"), (1, "upper")])
def test_either_half_of_tall_grass_breaks_both(dug: int, half: str) -> None:
    # DoublePlantBlock: the other half cannot stay; the loot comes once (shears: 2 grass,
    # blocks/tall_grass.json)
    world = WorldSetup(blocks=[BlockSpec(name="tall_grass", pos=(1, Y, 0), state={"half": "lower"}),
                               BlockSpec(name="tall_grass", pos=(1, Y + 1, 0),
                                         state={"half": "upper"})],
                       agent_items={"shears": 1})
    sim = make(world)
    assert sim.execute("a", Dig(pos=(1, Y + dug, 0)), 0.0).ok
    assert names(sim, [(1, Y, 0), (1, Y + 1, 0)]) == ["air", "air"]
    assert sim.view().inventory("a") == {"shears": 1, "grass": 2}


# -- ice -----------------------------------------------------------------------------------------

def test_what_breaking_ice_leaves() -> None:
    # IceBlock.playerDestroy: without silk touch, water when the block below blocks motion or
    # is a liquid, else nothing (minecraft.wiki/w/Ice#Breaking). Packed and blue ice are plain
    # blocks (minecraft.wiki/w/Packed_Ice, /w/Blue_Ice): air.
    stone, air = BlockState(name="stone"), BlockState(name="air")
    assert [left_behind("ice", b) for b in (stone, air, BlockState(name="water"),
                                             BlockState(name="oak_slab"),
                                             BlockState(name="oak_sign"),
                                             BlockState(name="white_carpet"),
                                             BlockState(name="torch"),
                                             BlockState(name="snow"),
                                             BlockState(name="poppy"))] == \
        ["water", "air", "water", "water", "water", "air", "air", "air", "air"]
    assert left_behind("frosted_ice", stone) == "water"
    assert [left_behind(n, stone) for n in ("packed_ice", "blue_ice", "glass")] == ["air"] * 3
    assert left_behind("ice", stone, silk_touch=True) == "air"


def test_breaking_ice_on_the_ground_leaves_water_and_drops_nothing() -> None:
    # ice at the feet row stands on the ground (grass_block): water; ice over air: nothing;
    # by hand ice drops nothing (blocks/ice.json: only with silk touch)
    world = WorldSetup(blocks=[BlockSpec(name="ice", pos=(1, Y, 0)),
                               BlockSpec(name="ice", pos=(0, Y + 2, 1)),
                               BlockSpec(name="packed_ice", pos=(-1, Y, 0)),
                               BlockSpec(name="blue_ice", pos=(0, Y, -1))])
    sim = make(world)
    for c in [(1, Y, 0), (0, Y + 2, 1), (-1, Y, 0), (0, Y, -1)]:
        out = sim.execute("a", Dig(pos=c), 0.0)
        assert out.ok, out.reason
    assert names(sim, [(1, Y, 0), (0, Y + 2, 1), (-1, Y, 0), (0, Y, -1)]) == \
        ["water", "air", "air", "air"]
    assert sim.view().inventory("a") == {}
    # the water left is not dug again
    assert sim.execute("a", Dig(pos=(1, Y, 0)), 0.0).code == Code.NOTHING_TO_DIG


def test_the_dig_rules_read_alike_in_python_and_js() -> None:
    below = ["stone", "air", "water", "lava", "oak_slab", "oak_sign", "white_carpet",
             "moss_carpet", "torch", "snow", "poppy", "potted_poppy", "stone_button", "cobweb",
             "glass", "oak_leaves"]
    dug = ["ice", "frosted_ice", "packed_ice", "blue_ice", "stone"]
    cases = [(d, b) for d in dug for b in below]
    script = ("const d = require('./env/js/dig');"
              f"const cases = {json.dumps(cases)};"
              f"const names = {json.dumps(below + ['grass', 'bubble_column', 'cave_air'])};"
              "console.log(JSON.stringify([cases.map(([x, y]) => d.leftBehind(x, y)),"
              " names.map(n => d.nothingToDig(n)), names.map(n => d.blocksMotionOrLiquid(n))]))")
    out = subprocess.run([node_binary(), "-e", script], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=30)
    left, nothing, motion = json.loads(out.stdout)
    names_ = below + ["grass", "bubble_column", "cave_air"]
    assert left == [left_behind(d, BlockState(name=b)) for d, b in cases]
    assert nothing == [nothing_to_dig(n) for n in names_]
    assert motion == [blocks_motion_or_liquid(BlockState(name=n)) for n in names_]


# -- placing into a replaceable block of the same kind -------------------------------------------

def test_grass_is_not_replaced_by_grass_but_by_anything_else() -> None:
    # BlockBehaviour.canBeReplaced: a replaceable material, and the held item is not the
    # block's own item
    world = WorldSetup(blocks=[BlockSpec(name="grass", pos=(1, Y, 0)),
                               BlockSpec(name="vine", pos=(0, Y, 1)),
                               BlockSpec(name="glow_lichen", pos=(-1, Y, 0))],
                       agent_items={"grass": 1, "dirt": 2, "vine": 1, "glow_lichen": 1})
    sim = make(world)
    before = sim.snapshot()
    for item, cell in (("grass", (1, Y, 0)), ("vine", (0, Y, 1)),
                       ("glow_lichen", (-1, Y, 0))):
        out = sim.execute("a", Place(item=item, pos=cell), 0.0)
        assert (out.ok, out.code) == (False, Code.CELL_TAKEN)
    assert sim.snapshot() == before
    for cell in ((1, Y, 0), (0, Y, 1)):
        assert sim.execute("a", Place(item="dirt", pos=cell), 0.0).ok
    assert names(sim, [(1, Y, 0), (0, Y, 1), (-1, Y, 0)]) == ["dirt", "dirt", "glow_lichen"]


def test_snow_placed_on_a_snow_cover_adds_a_layer() -> None:
    # SnowLayerBlock.canBeReplaced / getStateForPlacement: a snow layer item on a cover of
    # fewer than 8 layers makes it one layer thicker (minecraft.wiki/w/Snow#Placement); 8
    # layers take no more; dirt replaces only a one-layer cover
    world = WorldSetup(blocks=[BlockSpec(name="snow", pos=(1, Y, 0), state={"layers": 1}),
                               BlockSpec(name="snow", pos=(0, Y, 1), state={"layers": 7}),
                               BlockSpec(name="snow", pos=(-1, Y, 0), state={"layers": 8})],
                       agent_items={"snow": 3})
    sim = make(world)
    # only when the builder means to grow it: else the cover is a taken cell
    out = sim.execute("a", Place(item="snow", pos=(1, Y, 0)), 0.0)
    assert (out.ok, out.code) == (False, Code.CELL_TAKEN)
    assert sim.execute("a", Place(item="snow", pos=(1, Y, 0), grow=True), 0.0).ok
    assert sim.execute("a", Place(item="snow", pos=(0, Y, 1), grow=True), 0.0).ok
    out = sim.execute("a", Place(item="snow", pos=(-1, Y, 0), grow=True), 0.0)
    assert (out.ok, out.code) == (False, Code.CELL_TAKEN)
    assert [sim.view().block(c).state.get("layers") for c in
            ((1, Y, 0), (0, Y, 1), (-1, Y, 0))] == [2, 8, 8]
    assert sim.view().inventory("a") == {"snow": 1}


def test_a_slab_placed_on_a_half_slab_of_its_kind_makes_a_double_slab() -> None:
    # SlabBlock.canBeReplaced / getStateForPlacement (minecraft.wiki/w/Slab#Placement): a
    # bottom or top slab takes a slab of its own kind and becomes double; a double slab, or a
    # slab of another kind, is a taken cell
    world = WorldSetup(blocks=[BlockSpec(name="dark_oak_slab", pos=(1, Y, 0),
                                         state={"type": "bottom"}),
                               BlockSpec(name="dark_oak_slab", pos=(0, Y, 1),
                                         state={"type": "top"}),
                               BlockSpec(name="purpur_slab", pos=(-1, Y, 0),
                                         state={"type": "bottom"}),
                               BlockSpec(name="dark_oak_slab", pos=(0, Y, -1),
                                         state={"type": "double"})],
                       agent_items={"dark_oak_slab": 4})
    sim = make(world)
    out = sim.execute("a", Place(item="dark_oak_slab", pos=(1, Y, 0)), 0.0)
    assert (out.ok, out.code, out.params["block"]) == (False, Code.CELL_TAKEN, "dark_oak_slab")
    assert sim.execute("a", Place(item="dark_oak_slab", pos=(1, Y, 0), grow=True), 0.0).ok
    assert sim.execute("a", Place(item="dark_oak_slab", pos=(0, Y, 1), grow=True), 0.0).ok
    for cell in ((-1, Y, 0), (0, Y, -1)):
        out = sim.execute("a", Place(item="dark_oak_slab", pos=cell, grow=True), 0.0)
        assert (out.ok, out.code) == (False, Code.CELL_TAKEN)
    assert [sim.view().block(c).state.get("type") for c in
            ((1, Y, 0), (0, Y, 1), (-1, Y, 0), (0, Y, -1))] == \
        ["double", "double", "bottom", "double"]
    assert sim.view().inventory("a") == {"dark_oak_slab": 2}


def test_growing_reads_alike_in_python_and_js() -> None:
    from env.replaceable import grown, replaceable
    cases = [("snow", {"layers": 1}, "snow"), ("snow", {"layers": 8}, "snow"),
             ("snow", {"layers": 1}, "dirt"), ("snow", {"layers": 3}, "dirt"),
             ("oak_slab", {"type": "bottom"}, "oak_slab"),
             ("oak_slab", {"type": "top"}, "oak_slab"),
             ("oak_slab", {"type": "double"}, "oak_slab"), ("oak_slab", {}, "oak_slab"),
             ("oak_slab", {"type": "bottom"}, "spruce_slab"), ("grass", {}, "grass"),
             ("grass", {}, "dirt"), ("vine", {}, "vine"), ("glow_lichen", {}, "stone")]
    script = ("const r = require('./env/js/replaceable');"
              f"const cases = {json.dumps(cases)};"
              "console.log(JSON.stringify(cases.map(([n, s, p]) =>"
              " [r.replaceable(n, s, p), r.grown(n, s, p)])))")
    out = subprocess.run([node_binary(), "-e", script], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=30)
    assert json.loads(out.stdout) == [[replaceable(n, s, p), grown(n, s, p)] for n, s, p in cases]


def test_water_from_a_bucket_goes_into_water() -> None:
    # A bucket is no block's own item (BucketItem.emptyContents: water's material is
    # replaceable): the water stays, the bucket is emptied
    sim = make(WorldSetup(blocks=[BlockSpec(name="water", pos=(1, Y, 0))],
                          agent_items={"water_bucket": 1}))
    out = sim.execute("a", Place(item="water", pos=(1, Y, 0)), 0.0)
    assert out.ok, out.reason
    assert names(sim, [(1, Y, 0)]) == ["water"]
    assert sim.view().inventory("a") == {"bucket": 1}
