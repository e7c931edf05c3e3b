"""The block -> item placement table (env/data/block_items.json): every block minecraft-data
1.19.2 lists either has the item that places it or says why none does; the non-obvious ones
pinned from minecraft.wiki; the importer, the planner and the simulator use it."""

from __future__ import annotations

import json

import pytest

from env.actions import Place
from env.data.make_block_items import build
from env.placement import BLOCK_ITEMS_FILE, material_needs, placement, wall_variant
from env.refusals import Code
from env.rulebook import _mcdata, load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, BlockSpec, WorldSetup
from tasks.importers.common import fit_state
from tasks.importers.construction import import_construction

RB = load_rulebook()
Y = STAND_Y
DATA = _mcdata("1.19.2")
ITEMS = {i["name"] for i in DATA["items"]}  # type: ignore[union-attr]
BLOCKS = [b["name"] for b in DATA["blocks"]]  # type: ignore[union-attr]


def test_the_committed_table_is_what_the_generator_writes() -> None:
    assert json.loads(BLOCK_ITEMS_FILE.read_text()) == build()


def test_every_block_has_its_item_or_a_reason() -> None:
    assert len(BLOCKS) == 933
    unplaceable = []
    for name in BLOCKS:
        found = placement(name)
        assert found is not None, name
        if found.item is None:
            assert found.why, name
            unplaceable.append(name)
            continue
        for item in [found.item, *found.extra, *found.leaves]:
            assert item in ITEMS, (name, item)
        if found.item != name:
            assert found.why, name  # every renamed block says which rule it follows
        if not found.survival:
            assert found.why, name
    assert sorted(unplaceable) == sorted([
        "air", "cave_air", "void_air", "piston_head", "moving_piston", "nether_portal",
        "end_portal", "end_gateway", "frosted_ice"])


@pytest.mark.parametrize(("block", "item"), [
    ("fire", "flint_and_steel"), ("soul_fire", "flint_and_steel"),
    ("sweet_berry_bush", "sweet_berries"), ("wheat", "wheat_seeds"), ("carrots", "carrot"),
    ("potatoes", "potato"), ("beetroots", "beetroot_seeds"), ("melon_stem", "melon_seeds"),
    ("pumpkin_stem", "pumpkin_seeds"), ("attached_melon_stem", "melon_seeds"),
    ("cocoa", "cocoa_beans"), ("wall_torch", "torch"), ("soul_wall_torch", "soul_torch"),
    ("redstone_wall_torch", "redstone_torch"), ("oak_wall_sign", "oak_sign"),
    ("warped_wall_sign", "warped_sign"), ("white_wall_banner", "white_banner"),
    ("zombie_wall_head", "zombie_head"), ("dragon_wall_head", "dragon_head"),
    ("skeleton_wall_skull", "skeleton_skull"), ("tube_coral_wall_fan", "tube_coral_fan"),
    ("dead_horn_coral_wall_fan", "dead_horn_coral_fan"), ("redstone_wire", "redstone"),
    ("tripwire", "string"), ("water", "water_bucket"), ("lava", "lava_bucket"),
    ("powder_snow", "powder_snow_bucket"), ("cave_vines", "glow_berries"),
    ("cave_vines_plant", "glow_berries"), ("kelp_plant", "kelp"), ("bamboo_sapling", "bamboo"),
    ("twisting_vines_plant", "twisting_vines"), ("big_dripleaf_stem", "big_dripleaf"),
    ("potted_poppy", "flower_pot"), ("candle_cake", "cake"), ("stone", "stone"),
    ("torch", "torch"), ("oak_door", "oak_door"), ("structure_block", "structure_block"),
])
def test_placing_items_pinned(block: str, item: str) -> None:
    found = placement(block)
    assert found is not None and found.item == item


def test_what_placing_uses_up_and_gives_back() -> None:
    assert placement("fire").cost() == {}  # type: ignore[union-attr]
    assert placement("fire").needs() == {"flint_and_steel": 1}  # type: ignore[union-attr]
    assert placement("water").leaves == {"bucket": 1}  # type: ignore[union-attr]
    assert placement("potted_azalea_bush").cost() == {  # type: ignore[union-attr]
        "flower_pot": 1, "azalea": 1}
    assert placement("potted_flowering_azalea_bush").cost() == {  # type: ignore[union-attr]
        "flower_pot": 1, "flowering_azalea": 1}
    assert placement("red_candle_cake").cost() == {  # type: ignore[union-attr]
        "cake": 1, "red_candle": 1}
    assert placement("water_cauldron").cost() == {  # type: ignore[union-attr]
        "cauldron": 1, "water_bucket": 1}
    assert placement("bedrock").survival is False  # type: ignore[union-attr]
    assert placement("no_such_block") is None
    assert RB.placement("wall_torch") == placement("wall_torch")
    assert material_needs(["fire", "fire", "wheat", "wheat", "wall_torch", "torch"]) == {
        "flint_and_steel": 1, "wheat_seeds": 2, "torch": 2}


def test_wall_variants_of_floor_blocks() -> None:
    assert [wall_variant(b) for b in ("torch", "soul_torch", "oak_sign", "white_banner",
                                      "creeper_head", "wither_skeleton_skull", "brain_coral_fan",
                                      "stone", "wall_torch")] == [
        "wall_torch", "soul_wall_torch", "oak_wall_sign", "white_wall_banner",
        "creeper_wall_head", "wither_skeleton_wall_skull", "brain_coral_wall_fan", None, None]
    assert fit_state("oak_sign", {"facing": "east"}) == ("oak_wall_sign", {"facing": "east"})
    assert fit_state("oak_stairs", {"facing": "east"}) == ("oak_stairs", {"facing": "east"})


def test_construction_chest_holds_the_placing_items() -> None:
    spec = import_construction("made", [
        "material: netherrack facing: A position: [-8, -60, 0]",
        "material: fire facing: A position: [-8, -59, 0]",
        "[material:wheat facing:A positions:[[-9 -60 0] [-10 -60 0]]]",
        "material: wall_torch facing: E position: [-11, -59, 0]",
        "material: water facing: A position: [-12, -60, 0]",
        "material: nether_portal facing: A position: [-13, -60, 0]"])
    assert spec.world.containers[0].items == {"netherrack": 1, "flint_and_steel": 1,
                                              "wheat_seeds": 2, "torch": 1, "water_bucket": 1}
    assert spec.import_warnings == [
        "block 'nether_portal' at [-13, -60, 0] cannot be placed by a player (forms when an "
        "obsidian frame is lit); left out"]


def test_the_sim_places_with_the_placing_item() -> None:
    sim = SimBackend(RB, seed=0)
    sim.build(WorldSetup(blocks=[BlockSpec(name="stone", pos=(2, Y, 0)),
                                 BlockSpec(name="farmland", pos=(1, Y - 1, 1))],
                         agent_items={"torch": 1, "flint_and_steel": 1, "water_bucket": 1,
                                      "wheat_seeds": 1}), ["a"])
    for action in (Place(item="wall_torch", pos=(1, Y, 0), facing="west"),
                   Place(item="fire", pos=(2, Y + 1, 0)),
                   Place(item="water", pos=(0, Y, 1)),
                   Place(item="wheat", pos=(1, Y, 1))):
        result = sim.execute("a", action, 0.0)
        assert result.ok, (action, result.reason)
    assert sim.view().inventory("a") == {"flint_and_steel": 1, "bucket": 1}
    assert sim.view().block((1, Y, 0)).name == "wall_torch"
    refused = sim.execute("a", Place(item="wheat", pos=(0, Y, 2)), 0.0)
    assert (refused.ok, refused.reason) == (False, "missing ingredients: 1 wheat_seeds")
    refusal = Place(item="air", pos=(0, Y, 3)).check(sim.view(), "a", RB)
    assert refusal is not None and (refusal.code, refusal.text) == (
        Code.NOT_PLACEABLE, "air cannot be placed by a player")


@pytest.mark.parametrize("name", ["made_other_items", "made_shared_tool"])
def test_blueprints_of_renamed_blocks_complete(name: str) -> None:
    from pathlib import Path

    from tasks.episode import EpisodeConfig, run_episode

    variants = Path(__file__).parent / "fixtures" / "villagerbench_variants"
    r = run_episode(EpisodeConfig(task=f"construction/{name}", source=variants, agents=3,
                                  prior_noise=0.0))
    assert r["metrics"]["completion"] == 1.0
    assert r["import_warnings"] == []
