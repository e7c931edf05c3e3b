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
from env.gravity import Move, falls, is_free, landing, settle, settle_setup
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
    ("oak_fence", {}), ("white_carpet", {}), ("dirt", {}), ("fire", {})]


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
    for _ in range(300):
        world, changed = random_world(rng)
        at = reader(world)
        cells = {(x, y, z): at((x, y, z)) for x in range(2) for z in range(2)
                 for y in range(-64, -53)}
        cases.append({"blocks": [{"pos": list(p), "name": s.name, "props": s.state,
                                  "shapes": [list(box) for box in collision_boxes(s.name, s.state)]}
                                 for p, s in cells.items()],
                      "changed": [list(c) for c in changed]})
        expected.append([[list(m.src), list(m.dst) if m.dst else None, m.block.name,
                          m.block.state] for m in settle(changed, at)])
    assert sum(1 for e in expected if e) > 100  # most worlds have something falling
    script = (
        "const g = require('./js/gravity');"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const AIR = { name: 'air', props: {}, shapes: [] };"
        "console.log(JSON.stringify(cases.map(c => {"
        " const m = new Map(c.blocks.map(b => [b.pos.join(','), b]));"
        " return g.settle(c.changed, p => m.get(p.join(',')) || AIR)"
        "  .map(x => [x.src, x.dst, x.block.name, x.block.props]) })))")
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
