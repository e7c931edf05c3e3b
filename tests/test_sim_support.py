"""What holds up a block that cannot float (env/data/support.json), on the simulator: the
placement check with vanilla 1.19.2's verdicts and what pops off when a support is broken.
Sources: minecraft.wiki (Wheat Seeds, Flower, Torch, Ladder, Lever, Button, Rail, Carpet, Door)
and the game's canSurvive checks. The same cases on the server: tests/differential/test_cases.py
and tests/server/test_world_plugins.py."""

from __future__ import annotations

import pytest

from env.actions import Dig, Place
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.support import face_covered, placed_state, rule_for
from env.world import STAND_Y, BlockSpec, WorldSetup

RB = load_rulebook()
Y = STAND_Y  # the first free layer above the superflat grass


def sim_with(blocks: list[BlockSpec], items: dict[str, int]) -> SimBackend:
    sim = SimBackend(RB, seed=0)
    sim.build(WorldSetup(blocks=blocks, spawn=[(0, Y, 0)], agent_items=items), ["a"])
    return sim


def code(sim: SimBackend, action: Place | Dig) -> Code | None:
    return action.check(sim.view(), "a", RB) and action.check(sim.view(), "a", RB).code


@pytest.mark.parametrize(("crop", "seed"), [("wheat", "wheat_seeds"), ("carrots", "carrot"),
                                            ("potatoes", "potato"),
                                            ("beetroots", "beetroot_seeds")])
def test_crops_only_on_farmland(crop: str, seed: str) -> None:
    sim = sim_with([BlockSpec(name="farmland", pos=(2, Y - 1, 0)),
                    BlockSpec(name="dirt", pos=(2, Y - 1, 1))], {seed: 3})
    refusal = Place(item=crop, pos=(1, Y, 0)).check(sim.view(), "a", RB)
    assert refusal is not None and refusal.code is Code.NEEDS_SOIL
    assert refusal.text == (f"{crop} can only be placed on farmland: at (1, -60, 0) it would "
                            "stand on grass_block")
    assert code(sim, Place(item=crop, pos=(2, Y, 1))) is Code.NEEDS_SOIL  # dirt is no farmland
    assert sim.execute("a", Place(item=crop, pos=(2, Y, 0)), 0.0).ok


def test_flowers_and_saplings_on_dirt_grass_or_farmland_not_stone() -> None:
    sim = sim_with([BlockSpec(name="stone", pos=(1, Y, 1)),
                    BlockSpec(name="farmland", pos=(2, Y - 1, 0))],
                   {"poppy": 2, "oak_sapling": 1})
    assert sim.execute("a", Place(item="poppy", pos=(1, Y, 0)), 0.0).ok  # on grass
    assert sim.execute("a", Place(item="oak_sapling", pos=(2, Y, 0)), 0.0).ok  # on farmland
    refusal = Place(item="poppy", pos=(1, Y + 1, 1)).check(sim.view(), "a", RB)
    assert refusal is not None and refusal.code is Code.NEEDS_SOIL
    assert refusal.params["soil"] == "dirt or grass (#dirt) or farmland"


def test_sturdy_faces_from_collision_shapes() -> None:
    assert face_covered("stone", {}, "up", (0.0, 1.0))
    assert not face_covered("stone_slab", {"type": "bottom"}, "up", (0.0, 1.0))
    assert face_covered("stone_slab", {"type": "top"}, "up", (0.0, 1.0))
    assert face_covered("stone_slab", {"type": "bottom"}, "down", (0.0, 1.0))
    assert not face_covered("farmland", {}, "up", (0.0, 1.0))  # 15/16 high
    # a fence post covers the middle of its top (a torch stands on it), not the whole face
    assert face_covered("oak_fence", {}, "up", (7 / 16, 9 / 16))
    assert not face_covered("oak_fence", {}, "up", (0.0, 1.0))


def test_torch_rail_and_carpet_below() -> None:
    sim = sim_with([BlockSpec(name="oak_fence", pos=(1, Y, 0)),
                    BlockSpec(name="stone_slab", pos=(2, Y, 0), state={"type": "bottom"})],
                   {"torch": 2, "rail": 1, "white_carpet": 1})
    assert sim.execute("a", Place(item="torch", pos=(1, Y + 1, 0)), 0.0).ok  # on a fence post
    assert code(sim, Place(item="rail", pos=(2, Y + 1, 0))) is Code.NEEDS_SUPPORT  # half slab
    assert sim.execute("a", Place(item="torch", pos=(2, Y + 1, 0)), 0.0).ok is False
    assert sim.execute("a", Place(item="white_carpet", pos=(2, Y + 1, 0)), 0.0).ok


def test_wall_blocks_hang_on_the_block_behind_them() -> None:
    sim = sim_with([BlockSpec(name="stone", pos=(1, Y, 2))],
                   {"torch": 1, "ladder": 1, "lever": 2, "stone_button": 1})
    # facing north: the support is the block south of it
    assert code(sim, Place(item="wall_torch", pos=(1, Y, 1), facing="south")) is \
        Code.NEEDS_SUPPORT
    assert sim.execute("a", Place(item="wall_torch", pos=(1, Y, 1), facing="north"), 0.0).ok
    assert sim.view().block((1, Y, 1)).state == {"facing": "north"}
    refusal = Place(item="ladder", pos=(2, Y, 1), facing="north").check(sim.view(), "a", RB)
    assert refusal is not None and refusal.text == \
        "ladder cannot stand at (2, -60, 1): the air at (2, -60, 2) does not hold it"
    assert sim.execute("a", Place(item="lever", pos=(1, Y, 3), facing="south"), 0.0).ok
    assert sim.view().block((1, Y, 3)).state == {"facing": "south", "face": "wall"}
    assert sim.execute("a", Place(item="lever", pos=(3, Y, 3)), 0.0).ok  # on the floor
    # on the floor a lever faces where its player looks (from (0, Y, 0): south)
    assert sim.view().block((3, Y, 3)).state == {"face": "floor", "facing": "south"}
    assert code(sim, Place(item="stone_button", pos=(3, Y + 1, 1), facing="down")) in \
        (Code.NEEDS_SUPPORT, Code.NO_SUPPORT)


def test_placed_state_of_switches() -> None:
    assert rule_for("oak_button") is not None and rule_for("oak_button").side == "face"
    assert placed_state("oak_button", "down") == {"face": "ceiling"}
    assert placed_state("oak_log", "x") == {"axis": "x"}
    assert placed_state("furnace", "east") == {"facing": "east"}


def test_breaking_a_support_pops_what_it_held_to_the_breaker() -> None:
    sim = sim_with([BlockSpec(name="dirt", pos=(1, Y, 0)),
                    BlockSpec(name="torch", pos=(1, Y + 1, 0)),
                    BlockSpec(name="wall_torch", pos=(1, Y, 1), state={"facing": "south"}),
                    BlockSpec(name="farmland", pos=(2, Y - 1, 1)),
                    BlockSpec(name="wheat", pos=(2, Y, 1), state={"age": 7}),
                    BlockSpec(name="stone", pos=(3, Y, 2)),
                    BlockSpec(name="oak_door", pos=(3, Y + 1, 2), state={"half": "lower"}),
                    BlockSpec(name="oak_door", pos=(3, Y + 2, 2), state={"half": "upper"})],
                   {"wooden_pickaxe": 1})
    assert sim.execute("a", Dig(pos=(1, Y, 0)), 0.0).ok
    # the dirt, the torch on top and the wall torch on its side
    assert sim.view().inventory("a") == {"dirt": 1, "torch": 2, "wooden_pickaxe": 1}
    assert [sim.view().block(p).name for p in ((1, Y + 1, 0), (1, Y, 1))] == ["air", "air"]
    assert sim.execute("a", Dig(pos=(2, Y - 1, 1)), 1.0).ok
    # ripe wheat whose farmland goes drops as if broken: 1 wheat, 1-4 seeds (its loot table)
    inv = dict(sim.view().inventory("a"))
    assert 1 <= inv.pop("wheat_seeds") <= 4
    assert inv == {"dirt": 2, "torch": 2, "wooden_pickaxe": 1, "wheat": 1}
    assert sim.execute("a", Dig(pos=(3, Y, 2)), 2.0).ok
    # a door's two halves go, one door drops
    assert sim.view().inventory("a")["oak_door"] == 1
    assert [sim.view().block((3, Y + h, 2)).name for h in (1, 2)] == ["air", "air"]


def test_a_trigger_that_clears_or_replaces_a_block_pops_only_what_loses_its_support() -> None:
    # A trigger's set_block is a block change like any (vanilla's /setblock updates the
    # neighbours): the torch on a cleared block and the door standing on it pop, cascading to
    # the door's upper half; a torch on a block replaced by another full block stays. Nobody
    # broke them: no inventory gets their loot.
    from env.actions import StepOn
    from env.world import Condition, Effect, Trigger

    plate = (0, Y, 2)
    world = WorldSetup(
        blocks=[BlockSpec(name="stone", pos=(2, Y, 2)), BlockSpec(name="torch", pos=(2, Y + 1, 2)),
                BlockSpec(name="wall_torch", pos=(2, Y, 3), state={"facing": "south"}),
                BlockSpec(name="stone", pos=(4, Y, 2)),
                BlockSpec(name="oak_door", pos=(4, Y + 1, 2), state={"half": "lower"}),
                BlockSpec(name="oak_door", pos=(4, Y + 2, 2), state={"half": "upper"}),
                BlockSpec(name="stone", pos=(6, Y, 2)), BlockSpec(name="torch", pos=(6, Y + 1, 2)),
                BlockSpec(name="stone_pressure_plate", pos=plate)],
        triggers=[Trigger(id="t", conditions=[
            Condition(pos=plate, block="stone_pressure_plate", state={"powered": True})],
            effects=[Effect(kind="set_block", pos=(2, Y, 2), block="air"),
                     Effect(kind="set_block", pos=(4, Y, 2), block="air"),
                     Effect(kind="set_block", pos=(6, Y, 2), block="stone_bricks")])],
        spawn=[(0, Y, 0)])
    sim = SimBackend(RB.with_world(world), seed=0)
    sim.build(world, ["a"])
    out = sim.execute("a", StepOn(pos=plate, hold_s=0.5), 0.0)
    assert out.ok and out.fired == ["t"]
    names = [sim.view().block(p).name for p in ((2, Y + 1, 2), (2, Y, 3), (4, Y + 1, 2),
                                                 (4, Y + 2, 2), (6, Y, 2), (6, Y + 1, 2))]
    assert names == ["air", "air", "air", "air", "stone_bricks", "torch"]
    assert sim.view().inventory("a") == {}


def test_a_torch_stands_on_eight_snow_layers_or_soul_sand_not_on_seven() -> None:
    # TorchBlock.canSurvive: canSupportCenter(below, UP) reads the support shape
    # (getBlockSupportShape), not the collision box: a full cube for 8 snow layers
    # (SnowLayerBlock: SHAPE_BY_LAYER[layers]; its collision is 14/16 high) and for soul sand
    # (SoulSandBlock); 7 layers are 14/16 (minecraft.wiki/w/Snow, /w/Torch). The same verdicts
    # from env/js/support.js, which the server's placement and pops read.
    import json
    import subprocess
    from pathlib import Path

    from env.collision import collision_boxes
    from env.minecraft.server import node_binary
    from env.support import supported
    from env.world import BlockState

    cases = [("snow", {"layers": 8}, True), ("snow", {"layers": 7}, False),
             ("soul_sand", {}, True), ("stone", {}, True), ("snow", {"layers": 1}, False)]
    got_py = []
    for name, state, want in cases:
        below = BlockState(name=name, state=state)
        got_py.append(supported("torch", {}, (0, 1, 0),
                                lambda p, below=below: below if p == (0, 0, 0)
                                else BlockState(name="air")))
        sim = sim_with([BlockSpec(name=name, pos=(2, Y, 0), state=state)], {"torch": 1})
        assert sim.execute("a", Place(item="torch", pos=(2, Y + 1, 0)), 0.0).ok is want, name
    assert got_py == [want for _, _, want in cases]
    blocks = [{"name": n, "props": s, "shapes": [list(b) for b in collision_boxes(n, s)]}
              for n, s, _ in cases]
    script = ("const s = require('./js/support');"
              "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "const AIR = { name: 'air', props: {}, shapes: [] };"
              "console.log(JSON.stringify(cases.map(b => s.supported('torch', {}, [0, 1, 0],"
              " p => (p.join(',') === '0,0,0' ? b : AIR)))))")
    out = subprocess.run([node_binary(), "-e", script], input=json.dumps(blocks),
                         cwd=Path(__file__).resolve().parents[1] / "env",
                         capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(out.stdout) == [want for _, _, want in cases]
