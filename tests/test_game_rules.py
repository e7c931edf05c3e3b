"""Vanilla 1.19.2's rules as data (env/data/*.json), checked on the simulator with the game's
values. Sources: the game's recipe and tag JSON (data/minecraft/recipes, tags/items),
AbstractFurnaceBlockEntity.getFuel() and minecraft.wiki/w/Smelting#Fuel, minecraft.wiki/w/Furnace
(one input stack at a time; a lit furnace burns its fuel out), the block loot tables
(data/minecraft/loot_tables/blocks; minecraft.wiki/w/Leaves#Drops, /w/Glass, /w/Ice)."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import pytest

from env.actions import Craft, Dig, Put, Smelt, Take
from env.capacity import container_slots, player_slots, stack_size
from env.durations import DURATIONS
from env.loot import drops as loot_drops
from env.minecraft.server import node_binary
from env.refusals import Code
from env.rulebook import furnace_table, load_rulebook
from env.sim import SimBackend
from env.tags import expand
from env.world import STAND_Y, BlockSpec, BlockState, ContainerSpec, WorldSetup
from tasks.catalog import load_task
from tasks.importers.common import TaskError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tasks" / "data" / "villagerbench"

RB = load_rulebook()
Y = STAND_Y
TABLE = (1, Y, 0)
FURNACE = (0, Y, 1)


def sim_with(items: dict[str, int], agents: tuple[str, ...] = ("a",)) -> SimBackend:
    sim = SimBackend(RB)
    sim.build(WorldSetup(blocks=[BlockSpec(name="crafting_table", pos=TABLE),
                                 BlockSpec(name="furnace", pos=FURNACE)],
                         agent_items=items), list(agents))
    return sim


# -- item tags in recipes ----------------------------------------------------------------------

@pytest.mark.parametrize(("items", "action", "made"), [
    ({"oak_planks": 2, "spruce_planks": 2}, Craft(item="crafting_table"), {"crafting_table": 1}),
    ({"birch_planks": 1, "mangrove_planks": 1}, Craft(item="stick"), {"stick": 4}),
    ({"oak_planks": 1, "crimson_planks": 1, "spruce_planks": 1}, Craft(item="bowl", table=TABLE),
     {"bowl": 4}),
    ({"oak_planks": 4, "spruce_planks": 4}, Craft(item="chest", table=TABLE), {"chest": 1}),
    ({"oak_planks": 2, "jungle_planks": 1, "stick": 2}, Craft(item="wooden_pickaxe", table=TABLE),
     {"wooden_pickaxe": 1}),
    ({"stripped_oak_wood": 1}, Craft(item="oak_planks"), {"oak_planks": 4}),
    ({"cobblestone": 4, "blackstone": 2, "cobbled_deepslate": 2},
     Craft(item="furnace", table=TABLE), {"furnace": 1}),
])
def test_recipes_take_item_tags(items: dict[str, int], action: Craft,
                                made: dict[str, int]) -> None:
    sim = sim_with(items)
    out = sim.execute("a", action, 0.0)
    assert out.ok, out.reason
    assert sim.view().inventory("a") == made


def test_a_tag_shortfall_is_named_by_its_tag() -> None:
    refusal = Craft(item="crafting_table").check(sim_with({"oak_planks": 3}).view(), "a", RB)
    assert refusal is not None and refusal.code is Code.MISSING_ITEMS
    assert refusal.params["missing"] == {"#planks": 1}


def test_the_own_wood_is_used_before_another() -> None:
    sim = sim_with({"oak_planks": 3, "spruce_planks": 5})
    assert sim.execute("a", Craft(item="stick"), 0.0).ok
    assert sim.view().inventory("a") == {"oak_planks": 1, "spruce_planks": 5, "stick": 4}


def test_tags_are_vanilla_item_names() -> None:
    for recipe_item in expand("#logs") + expand("#planks") + expand("#wool_carpets"):
        assert recipe_item in RB.items, recipe_item


# -- fuels and smelting ------------------------------------------------------------------------

@pytest.mark.parametrize(("fuel", "ticks"), [
    ("oak_sapling", 100), ("mangrove_propagule", 100), ("azalea", 100), ("oak_slab", 150),
    ("wooden_pickaxe", 200), ("wooden_sword", 200), ("white_wool", 100), ("red_carpet", 67),
    ("oak_stairs", 300), ("spruce_fence", 300), ("birch_fence_gate", 300), ("oak_door", 200),
    ("acacia_trapdoor", 300), ("oak_pressure_plate", 300), ("oak_button", 100),
    ("ladder", 300), ("bookshelf", 300), ("chest", 300), ("barrel", 300),
    ("crafting_table", 300), ("stripped_oak_log", 300), ("oak_wood", 300),
    ("stripped_mangrove_wood", 300), ("oak_planks", 300), ("stick", 100), ("bowl", 100),
    ("coal", 1600), ("charcoal", 1600), ("coal_block", 16000), ("blaze_rod", 2400),
    ("lava_bucket", 20000), ("dried_kelp_block", 4001), ("bamboo", 50), ("scaffolding", 400),
    ("oak_boat", 1200), ("oak_chest_boat", 1200), ("oak_sign", 200), ("white_banner", 300),
])
def test_vanilla_fuel_burn_ticks(fuel: str, ticks: int) -> None:
    assert furnace_table().fuel_ticks[fuel] == ticks
    assert RB.fuel_value(fuel) == ticks / 200


@pytest.mark.parametrize("never", ["crimson_planks", "warped_stem", "crimson_slab", "dirt",
                                   "cobblestone"])
def test_nether_wood_and_stone_never_burn(never: str) -> None:
    assert RB.fuel_value(never) == 0


@pytest.mark.parametrize("wood", ["oak_log", "stripped_spruce_log", "birch_wood",
                                  "stripped_dark_oak_wood", "mangrove_wood"])
def test_logs_and_wood_smelt_to_charcoal(wood: str) -> None:
    assert RB.smelts_to(wood) == "charcoal"
    sim = sim_with({wood: 2, "oak_planks": 2})
    out = sim.execute("a", Smelt(furnace=FURNACE, item=wood, count=2, fuel="oak_planks"), 0.0)
    assert (out.ok, out.seconds) == (True, 20.0 + DURATIONS["smelt_overhead_s"])
    assert sim.view().inventory("a") == {"charcoal": 2}  # 1.5 items a plank: both burn


def test_saplings_and_slabs_fuel_a_smelt() -> None:
    sim = sim_with({"beef": 2, "oak_sapling": 4})
    assert sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=2, fuel="oak_sapling"),
                       0.0).ok
    assert sim.view().inventory("a") == {"cooked_beef": 2}  # half an item a sapling


# -- a lit furnace keeps its fire ---------------------------------------------------------------

def test_after_a_lava_bucket_the_fire_lasts_100_items() -> None:
    # 20000 ticks of fire (minecraft.wiki, Smelting: a lava bucket smelts 100 items). The fire
    # burns on between jobs too (vanilla counts it down every tick the furnace is lit), so
    # after the first item and the moments between jobs (smelt_overhead_s each) 98 more fit.
    sim = sim_with({"beef": 101, "lava_bucket": 1})
    first = sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=1, fuel="lava_bucket"), 0.0)
    assert first.ok and sim.view().inventory("a") == {"beef": 100, "bucket": 1, "cooked_beef": 1}
    t = first.seconds
    for count in (64, 34):  # one input stack per job; no coal in hand, none needed
        job = Smelt(furnace=FURNACE, item="beef", count=count, fuel="coal")
        assert job.check(sim.view(), "a", RB) is None
        out = sim.execute("a", job, t)
        assert out.ok, out.reason
        t += out.seconds
    assert sim.view().inventory("a") == {"beef": 2, "bucket": 1, "cooked_beef": 99}
    assert sim.state.furnace_fire_s(FURNACE, t) == pytest.approx(
        1000.0 - 990.0 - 3 * DURATIONS["smelt_overhead_s"])
    out = sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=1, fuel="coal"), t)
    assert (out.ok, out.code) == (False, Code.MISSING_ITEMS)  # under 10 s of fire left


def test_a_cold_furnace_needs_fuel_again() -> None:
    sim = sim_with({"beef": 2, "coal": 1})
    assert sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=1), 0.0).ok
    # 80 s of fire from one coal: 70 s are left after the first item; 100 s later it is out.
    late = sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=1), 110.0)
    assert (late.ok, late.code) == (False, Code.MISSING_ITEMS)
    early = sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=1),
                        10.0 + DURATIONS["smelt_overhead_s"])
    assert early.ok and sim.view().inventory("a") == {"cooked_beef": 2}


# -- stations are exclusive ---------------------------------------------------------------------

def test_a_furnace_smelts_one_job_at_a_time() -> None:
    assert RB.station_exclusive("furnace") and not RB.station_exclusive("crafting_table")
    sim = sim_with({"beef": 2, "rabbit": 2, "coal": 2}, agents=("a", "b"))
    sim.state.inventories["b"] = {"rabbit": 2, "coal": 1}
    sim.state.inventories["a"] = {"beef": 2, "coal": 1}
    first = sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=2), 0.0)
    done = 20.0 + DURATIONS["smelt_overhead_s"]  # 10 s per item (vanilla), then the output out
    assert (first.ok, first.seconds) == (True, done)
    before = sim.snapshot()
    busy = sim.execute("b", Smelt(furnace=FURNACE, item="rabbit", count=2), 5.0)
    assert (busy.ok, busy.code, busy.params["free_at"]) == (False, Code.STATION_BUSY, done)
    assert sim.snapshot() == before  # a refused action changes nothing
    after = sim.execute("b", Smelt(furnace=FURNACE, item="rabbit", count=2), done)
    assert after.ok and sim.view().inventory("b") == {"coal": 1, "cooked_rabbit": 2}


def test_a_player_told_when_a_furnace_is_free_is_never_refused_again_then() -> None:
    # The first job ends at 20.475342 s; `free_at` is rounded up to the millisecond (it was
    # rounded to the nearest, 20.475, and the retry then was refused again).
    sim = sim_with({"beef": 2, "rabbit": 2, "coal": 2}, agents=("a", "b"))
    sim.state.inventories["b"] = {"rabbit": 2, "coal": 1}
    sim.state.inventories["a"] = {"beef": 2, "coal": 1}
    start = 0.005342
    assert sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=2), start).ok
    ends = start + 20.0 + DURATIONS["smelt_overhead_s"]
    busy = sim.execute("b", Smelt(furnace=FURNACE, item="rabbit", count=2), 5.0)
    free_at = busy.params["free_at"]
    assert free_at == math.ceil(ends * 1000) / 1000 and ends <= free_at < ends + 0.001
    assert sim.execute("b", Smelt(furnace=FURNACE, item="rabbit", count=2), free_at).ok


def test_players_take_turns_at_a_chest_each_waiting_for_the_one_before() -> None:
    # Three agents at one chest at once: the server's bots take turns there, each from
    # opening it to its last click applied (env/js/actions.js inTurn), so the second's take
    # ends one take later and the third's two (env/data/stations.json `turns`). A take at
    # another chest meanwhile waits for nothing.
    chest, other = (2, Y, 0), (2, Y, 1)
    sim = SimBackend(RB)
    sim.build(WorldSetup(containers=[ContainerSpec(pos=chest, items={"apple": 9}),
                                     ContainerSpec(pos=other, items={"bread": 2})]),
              ["a", "b", "c", "d"])
    take = DURATIONS["take_s"]
    got = [sim.execute(a, Take(pos=chest, item="apple", count=3), 0.0) for a in "abc"]
    assert [round(o.seconds, 9) for o in got] == [round(take * k, 9) for k in (1, 2, 3)]
    assert sim.execute("d", Take(pos=other, item="bread", count=1), 0.0).seconds == take
    # The chest is free again once the third's take is over; a put then waits for nothing.
    late = sim.execute("d", Put(pos=chest, item="bread", count=1), 3 * take)
    assert late.seconds == DURATIONS["put_s"]
    # A refused take holds nothing: the next one does not wait for it.
    assert not sim.execute("a", Take(pos=other, item="bread", count=5), 1.0).ok
    assert sim.execute("b", Take(pos=other, item="bread", count=1), 1.0).seconds == take


def test_two_agents_craft_at_one_table_at_once() -> None:
    sim = sim_with({"wheat": 3}, agents=("a", "b"))
    assert sim.execute("a", Craft(item="bread", table=TABLE), 0.0).ok
    assert sim.execute("b", Craft(item="bread", table=TABLE), 0.0).ok


# -- loot tables with their conditions ----------------------------------------------------------

def dig_many(block: str, times: int, items: dict[str, int] | None = None,
             seed: int = 0) -> dict[str, int]:
    """What `times` digs of `block` give on the simulator (one fresh block each time)."""
    sim = SimBackend(RB, seed=seed)
    sim.build(WorldSetup(agent_items=items or {}), ["a"])
    for k in range(times):
        pos = (1, Y, 0)
        sim.state.blocks[pos] = BlockState(name=block)
        out = sim.execute("a", Dig(pos=pos), float(k))
        assert out.ok, out.reason
    return dict(sim.view().inventory("a"))


@pytest.mark.parametrize("block", ["glass", "glass_pane", "ice", "packed_ice", "blue_ice",
                                   "white_stained_glass"])
def test_glass_and_ice_by_hand_drop_nothing(block: str) -> None:
    assert dig_many(block, 3) == {}
    assert f"mine:{block}" not in RB


def test_leaves_by_hand_drop_saplings_sticks_and_apples_by_chance() -> None:
    got = dig_many("oak_leaves", 2000)
    assert "oak_leaves" not in got
    # vanilla: sapling 5%, stick 2% (1-2, counted 1), apple 0.5% of digs; 2000 digs, +-5 sigma
    assert 100 - 50 <= got.get("oak_sapling", 0) <= 100 + 50
    assert 40 - 32 <= got.get("stick", 0) <= 40 + 32
    assert 1 <= got.get("apple", 0) <= 10 + 16
    assert dig_many("oak_leaves", 200, seed=3) == dig_many("oak_leaves", 200, seed=3)  # seeded


def test_leaves_with_shears_drop_themselves() -> None:
    assert dig_many("birch_leaves", 3, {"shears": 1}) == {"birch_leaves": 3, "shears": 1}
    assert RB.get("mine:birch_leaves").tools == ("shears",)


def test_stone_drops_cobblestone_and_gravel_sometimes_flint() -> None:
    assert dig_many("stone", 2, {"wooden_pickaxe": 1}) == {"cobblestone": 2, "wooden_pickaxe": 1}
    got = dig_many("gravel", 500)
    assert got["gravel"] + got.get("flint", 0) == 500 and 20 <= got.get("flint", 0) <= 85


# -- capacity: slots and stack sizes -------------------------------------------------------------

def test_stack_sizes_and_slots_are_vanilla() -> None:
    assert (stack_size("milk_bucket"), stack_size("egg"), stack_size("cobblestone")) == (1, 16, 64)
    assert (player_slots(), container_slots("chest"), container_slots("barrel")) == (36, 27, 27)


def test_a_full_chest_refuses_a_put_and_changes_nothing() -> None:
    sim = SimBackend(RB)
    full = {f"{c}_wool": 64 for c in ("white", "orange", "magenta", "light_blue", "yellow",
                                      "lime", "pink", "gray", "light_gray", "cyan", "purple",
                                      "blue", "brown", "green", "red", "black")}
    full.update({"oak_log": 64 * 10 + 60})  # 16 + 11 = 27 slots, the last with room for 4
    sim.build(WorldSetup(containers=[ContainerSpec(pos=(1, Y, 0), items=full)],
                         agent_items={"oak_log": 5, "egg": 1}), ["a"])
    before = sim.snapshot()
    out = sim.execute("a", Put(pos=(1, Y, 0), item="egg"), 0.0)
    assert (out.ok, out.code, out.params["free"]) == (False, Code.CONTAINER_FULL, 0)
    out = sim.execute("a", Put(pos=(1, Y, 0), item="oak_log", count=5), 0.0)
    assert (out.ok, out.code, out.params["free"]) == (False, Code.CONTAINER_FULL, 4)
    assert sim.snapshot() == before
    assert sim.execute("a", Put(pos=(1, Y, 0), item="oak_log", count=4), 0.0).ok


def test_a_player_holds_36_stacks_not_3456_cobblestone() -> None:
    sim = SimBackend(RB)
    sim.build(WorldSetup(containers=[ContainerSpec(pos=(1, Y, 0), items={"cobblestone": 1728}),
                                     ContainerSpec(pos=(-1, Y, 0),
                                                   items={"cobblestone": 1728})]), ["a"])
    assert sim.execute("a", Take(pos=(1, Y, 0), item="cobblestone", count=1728), 0.0).ok
    assert sim.execute("a", Take(pos=(-1, Y, 0), item="cobblestone", count=576), 0.0).ok
    out = sim.execute("a", Take(pos=(-1, Y, 0), item="cobblestone", count=1), 0.0)
    assert (out.ok, out.code) == (False, Code.INVENTORY_FULL)
    assert sim.view().inventory("a") == {"cobblestone": 2304}  # 36 x 64
    milk = SimBackend(RB)
    milk.build(WorldSetup(containers=[ContainerSpec(pos=(1, Y, 0), items={"milk_bucket": 27})],
                          agent_items={"dirt": 64 * 20}), ["a"])
    out = milk.execute("a", Take(pos=(1, Y, 0), item="milk_bucket", count=17), 0.0)
    assert (out.ok, out.code, out.params["free"]) == (False, Code.INVENTORY_FULL, 16)


def test_a_task_whose_chest_cannot_hold_its_contents_is_refused_at_import(
        tmp_path: Path) -> None:
    settings = json.loads((DATA / "farm_setting.json").read_text())
    cake = next(t for t in settings if t["name"] == "cake_0")
    chest = next(c for c in cake["component"] if c["name"] == "chest")
    chest["items"] = [{"name": "milk_bucket", "count": 30}]
    (tmp_path / "farm_setting.json").write_text(json.dumps(settings))
    with pytest.raises(TaskError) as err:
        load_task("cooking/cake_0", source=tmp_path)
    line = str(err.value)
    assert "\n" not in line
    assert line.endswith("the chest at (-1, -60, 10) cannot hold its contents: they need 30 "
                         "slots and it has 27 (30 milk_bucket ...)")


# -- crop ages -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("crop", "ripe"), [("wheat", 7), ("carrots", 7), ("potatoes", 7),
                                            ("beetroots", 3), ("nether_wart", 3), ("cocoa", 2),
                                            ("sweet_berry_bush", 3), ("oak_log", None)])
def test_crops_are_ripe_at_their_greatest_age(crop: str, ripe: int | None) -> None:
    assert RB.ripe_age(crop) == ripe


def test_an_unripe_beetroot_gives_a_seed_and_a_ripe_one_a_beetroot() -> None:
    # blocks/beetroots.json: under age 3 one beetroot_seeds, at 3 a beetroot and 1-4 seeds
    sim = SimBackend(RB)
    sim.build(WorldSetup(blocks=[BlockSpec(name="beetroots", pos=(1, Y, 0), state={"age": 2}),
                                 BlockSpec(name="beetroots", pos=(-1, Y, 0), state={"age": 3})]),
              ["a"])
    assert sim.execute("a", Dig(pos=(1, Y, 0)), 0.0).ok
    assert sim.view().inventory("a") == {"beetroot_seeds": 1}
    assert sim.execute("a", Dig(pos=(-1, Y, 0)), 0.0).ok
    assert sim.view().inventory("a").get("beetroot") == 1


# -- one description: the server's plugins read the same data ------------------------------------

def test_the_furnace_plugin_reads_the_same_fuels_and_recipes() -> None:
    js = ("const f = require('./env/server/plugins/furnace.js');"
          "const t = f.loadSmelting();"
          "console.log(JSON.stringify({cook: t.cookTicks, recipes: Object.fromEntries(t.recipes),"
          " fuels: Object.fromEntries(t.fuels)}))")
    out = json.loads(subprocess.run([str(node_binary()), "-e", js], cwd=ROOT, check=True,
                                    capture_output=True, text=True).stdout)
    table = furnace_table()
    assert out == {"cook": table.cook_ticks, "recipes": table.recipes, "fuels": table.fuel_ticks}


def test_the_loot_plugin_rolls_the_same_certain_drops() -> None:
    blocks = ["glass", "ice", "oak_leaves", "stone", "coal_ore", "wheat", "gravel", "melon",
              "grass", "cobweb", "copper_ore", "lapis_ore", "oak_slab", "candle"]
    js = ("const loot = require('./env/js/loot.js');"
          f"const blocks = {json.dumps(blocks)};"
          "const out = {};"
          "for (const b of blocks) out[b] = [Object.fromEntries(loot.drops(b, new Set(), undefined,"
          " null)), Object.fromEntries(loot.drops(b, new Set(['shears']), undefined, null))];"
          "console.log(JSON.stringify(out))")
    out = json.loads(subprocess.run([str(node_binary()), "-e", js], cwd=ROOT, check=True,
                                    capture_output=True, text=True).stdout)
    assert out == {b: [loot_drops(b, set()), loot_drops(b, {"shears"})] for b in blocks}


def test_what_does_not_fit_falls_at_the_feet() -> None:
    sim = SimBackend(RB)
    sim.build(WorldSetup(agent_items={"dirt": 64 * 35 + 60}), ["a"])  # one slot left, 4 room
    sim.state.blocks[(1, Y, 0)] = BlockState(name="oak_log")
    sim.state.inventories["a"]["wooden_axe"] = 1
    sim.state.inventories["a"]["dirt"] -= 60  # 35 dirt stacks + the axe: all 36 slots taken
    assert sim.execute("a", Dig(pos=(1, Y, 0)), 0.0).ok
    assert "oak_log" not in sim.view().inventory("a")
    assert [(g.item, g.count, g.pos) for g in sim.state.ground] == [
        ("oak_log", 1, (0.5, float(Y), 0.5))]


def test_a_furnace_takes_one_input_stack_per_job() -> None:
    sim = sim_with({"beef": 65, "coal": 9})
    out = sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=65), 0.0)
    assert (out.ok, out.code, out.params["max"]) == (False, Code.OVER_ONE_STACK, 64)
    assert sim.execute("a", Smelt(furnace=FURNACE, item="beef", count=64), 0.0).ok


def test_the_generated_data_files_are_up_to_date() -> None:
    """env/data/recipes.json and loot.json are what `python -m env.generate_data` writes."""
    from env.generate_data import build_entity_loot, build_loot, build_recipes

    assert json.loads((ROOT / "env" / "data" / "recipes.json").read_text())["recipes"] == \
        json.loads(json.dumps(build_recipes()))
    loot = json.loads((ROOT / "env" / "data" / "loot.json").read_text())
    assert loot["blocks"] == json.loads(json.dumps(build_loot()))
    assert loot["entities"] == json.loads(json.dumps(build_entity_loot()))
