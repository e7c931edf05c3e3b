"""Smokers and blast furnaces, as vanilla 1.19.2 has them, in the rules and on the simulator.

Sources: minecraft.wiki/w/Smoker ("cooks food twice as fast as a furnace", only food),
/w/Blast_Furnace (ores, raw metals, iron/gold/chainmail tools and armour, twice as fast), and
/w/Smelting (10 s an item in a furnace; a fuel burns half as long in a smoker or a blast
furnace, so one coal still smelts 8 items); the game's recipe JSON (types minecraft:smoking and
minecraft:blasting, cookingtime 100; minecraft:smelting 200) and SmokerBlockEntity /
BlastFurnaceBlockEntity.getBurnDuration (the furnace's / 2). The server side of the same cases
is tests/differential/test_smelting_station_cases.py.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from env.actions import Smelt
from env.durations import DURATIONS
from env.minecraft.server import node_binary
from env.refusals import Code
from env.rulebook import furnace_table, load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, BlockSpec, WorldSetup

RB = load_rulebook()
Y = STAND_Y
ROOT = Path(__file__).resolve().parents[1]
SMELT_EXTRA = DURATIONS["smelt_overhead_s"]

# The game's smoking recipes (data/minecraft/recipes/*_from_smoking.json, 1.19.2).
SMOKING = {"beef": "cooked_beef", "porkchop": "cooked_porkchop", "chicken": "cooked_chicken",
           "mutton": "cooked_mutton", "rabbit": "cooked_rabbit", "cod": "cooked_cod",
           "salmon": "cooked_salmon", "potato": "baked_potato", "kelp": "dried_kelp"}
# The game's blasting recipes (data/minecraft/recipes/*_from_blasting*.json, 1.19.2).
BLASTING_ORES = {
    "raw_iron": "iron_ingot", "iron_ore": "iron_ingot", "deepslate_iron_ore": "iron_ingot",
    "raw_gold": "gold_ingot", "gold_ore": "gold_ingot", "deepslate_gold_ore": "gold_ingot",
    "nether_gold_ore": "gold_ingot", "raw_copper": "copper_ingot",
    "copper_ore": "copper_ingot", "deepslate_copper_ore": "copper_ingot", "coal_ore": "coal",
    "deepslate_coal_ore": "coal", "diamond_ore": "diamond", "deepslate_diamond_ore": "diamond",
    "emerald_ore": "emerald", "deepslate_emerald_ore": "emerald", "lapis_ore": "lapis_lazuli",
    "deepslate_lapis_ore": "lapis_lazuli", "redstone_ore": "redstone",
    "deepslate_redstone_ore": "redstone", "nether_quartz_ore": "quartz",
    "ancient_debris": "netherite_scrap"}
IRON_GEAR = ["iron_pickaxe", "iron_shovel", "iron_axe", "iron_hoe", "iron_sword", "iron_helmet",
             "iron_chestplate", "iron_leggings", "iron_boots", "iron_horse_armor",
             "chainmail_helmet", "chainmail_chestplate", "chainmail_leggings", "chainmail_boots"]
GOLD_GEAR = ["golden_pickaxe", "golden_shovel", "golden_axe", "golden_hoe", "golden_sword",
             "golden_helmet", "golden_chestplate", "golden_leggings", "golden_boots",
             "golden_horse_armor"]
BLASTING = {**BLASTING_ORES, **dict.fromkeys(IRON_GEAR, "iron_nugget"),
            **dict.fromkeys(GOLD_GEAR, "gold_nugget")}


def make(station: str, items: dict[str, int], agents: tuple[str, ...] = ("a",)) -> SimBackend:
    sim = SimBackend(RB, seed=0)
    sim.build(WorldSetup(blocks=[BlockSpec(name=station, pos=(1, Y, 0))],
                         agent_items=items), list(agents))
    return sim


# -- the rules ----------------------------------------------------------------------------------

def test_each_station_has_the_recipes_of_its_recipe_type() -> None:
    st = furnace_table().stations
    assert {n: s.recipe_type for n, s in st.items()} == {
        "furnace": "minecraft:smelting", "smoker": "minecraft:smoking",
        "blast_furnace": "minecraft:blasting"}
    assert st["smoker"].recipes == SMOKING
    assert st["blast_furnace"].recipes == BLASTING
    # every smoking and blasting recipe has its smelting twin: a furnace does them all
    assert st["furnace"].recipes == furnace_table().recipes
    assert SMOKING.items() <= st["furnace"].recipes.items()
    assert BLASTING.items() <= st["furnace"].recipes.items()


def test_a_smoker_cooks_every_furnace_recipe_that_gives_food_and_nothing_else() -> None:
    food = {i: o for i, o in furnace_table().recipes.items() if o in RB.foods}
    assert furnace_table().stations["smoker"].recipes == food


@pytest.mark.parametrize(("item", "station", "out"), [
    ("beef", "smoker", "cooked_beef"), ("beef", "furnace", "cooked_beef"),
    ("beef", "blast_furnace", None), ("raw_iron", "blast_furnace", "iron_ingot"),
    ("raw_iron", "smoker", None), ("iron_ore", "smoker", None),
    ("iron_pickaxe", "blast_furnace", "iron_nugget"), ("golden_boots", "furnace", "gold_nugget"),
    ("cobblestone", "blast_furnace", None), ("sand", "smoker", None), ("sand", None, "glass"),
    ("beef", "crafting_table", None)])
def test_what_smelts_where(item: str, station: str | None, out: str | None) -> None:
    assert RB.smelts_to(item, station) == out


@pytest.mark.parametrize(("station", "seconds"), [
    ("furnace", 10.0), ("smoker", 5.0), ("blast_furnace", 5.0)])
def test_an_item_takes_10_s_in_a_furnace_and_5_s_in_the_others(station: str,
                                                                seconds: float) -> None:
    item = "beef" if station != "blast_furnace" else "raw_iron"
    assert RB.smelt_seconds(item, station) == seconds


@pytest.mark.parametrize("station", ["furnace", "smoker", "blast_furnace"])
def test_a_coal_smelts_8_items_in_each_station(station: str) -> None:
    # coal burns 1600 ticks in a furnace, 800 in a smoker or blast furnace (cook 200 / 100)
    item = "beef" if station != "blast_furnace" else "raw_iron"
    assert RB.fuel_value("coal", station) == 8
    assert RB.fuel_value("lava_bucket", station) == 100
    assert [Smelt(furnace=(0, Y, 0), item=item, count=n).fuel_needed(RB, 0.0, station)
            for n in (1, 8, 9, 16, 17)] == [1, 1, 2, 2, 3]


def test_a_fuel_burns_its_furnace_ticks_halved_rounded_down() -> None:
    # a carpet burns 67 ticks in a furnace, 67 // 2 = 33 in a smoker (integer division)
    assert RB.fuel_value("white_carpet") == pytest.approx(67 / 200)
    assert RB.fuel_value("white_carpet", "smoker") == pytest.approx(33 / 100)
    assert RB.fuel_value("dirt", "smoker") == 0
    assert RB.fuel_value("coal", "crafting_table") == 0


@pytest.mark.parametrize(("station", "item", "recipe_type"), [
    ("smoker", "raw_iron", "minecraft:smoking"), ("smoker", "iron_ore", "minecraft:smoking"),
    ("blast_furnace", "beef", "minecraft:blasting"),
    ("blast_furnace", "sand", "minecraft:blasting")])
def test_a_recipe_the_station_lacks_is_refused_wrong_station(station: str, item: str,
                                                             recipe_type: str) -> None:
    sim = make(station, {item: 1, "coal": 1})
    refusal = Smelt(furnace=(1, Y, 0), item=item).check(sim.view(), "a", RB)
    assert refusal is not None and refusal.code is Code.WRONG_STATION
    assert refusal.params == {"item": item, "station": station, "recipe_type": recipe_type}
    assert str(refusal) == (f"a {station} does not smelt {item} "
                            f"(it has {recipe_type} recipes only)")


def test_an_item_no_station_smelts_is_still_not_smeltable_and_no_station_no_furnace() -> None:
    sim = make("smoker", {"stick": 1, "beef": 1, "coal": 1})
    assert Smelt(furnace=(1, Y, 0), item="stick").check(sim.view(), "a", RB).code \
        is Code.NOT_SMELTABLE
    assert Smelt(furnace=(0, Y, 2), item="beef").check(sim.view(), "a", RB).code \
        is Code.NO_FURNACE


def test_over_one_stack_names_the_station() -> None:
    sim = make("blast_furnace", {"iron_pickaxe": 2, "coal": 1})
    refusal = Smelt(furnace=(1, Y, 0), item="iron_pickaxe", count=2).check(sim.view(), "a", RB)
    assert refusal is not None and refusal.code is Code.OVER_ONE_STACK
    assert refusal.params["station"] == "blast_furnace"


# -- the simulator ------------------------------------------------------------------------------

def test_a_smoker_cooks_2_beef_in_10_s_on_one_coal() -> None:
    sim = make("smoker", {"beef": 2, "coal": 1})
    out = sim.execute("a", Smelt(furnace=(1, Y, 0), item="beef", count=2), 0.0)
    assert (out.ok, out.seconds) == (True, 10.0 + SMELT_EXTRA)
    assert sim.view().inventory("a") == {"cooked_beef": 2}


def test_a_blast_furnace_smelts_8_raw_iron_on_one_coal_and_9_on_two() -> None:
    sim = make("blast_furnace", {"raw_iron": 17, "coal": 3})
    out = sim.execute("a", Smelt(furnace=(1, Y, 0), item="raw_iron", count=8), 0.0)
    assert (out.ok, out.seconds) == (True, 40.0 + SMELT_EXTRA)
    assert sim.view().inventory("a") == {"iron_ingot": 8, "raw_iron": 9, "coal": 2}
    # the coal's 40 s of fire are spent: the next 9 need 2 new coal
    out = sim.execute("a", Smelt(furnace=(1, Y, 0), item="raw_iron", count=9), 60.0)
    assert (out.ok, out.seconds) == (True, 45.0 + SMELT_EXTRA)
    assert sim.view().inventory("a") == {"iron_ingot": 17}


def test_a_lit_smoker_keeps_its_fire() -> None:
    # one coal: 40 s of fire in a smoker; a beef takes 5 s, so 35 s are left after it
    sim = make("smoker", {"beef": 3, "coal": 1})
    assert sim.execute("a", Smelt(furnace=(1, Y, 0), item="beef"), 0.0).ok
    assert sim.view().inventory("a") == {"beef": 2, "cooked_beef": 1}
    out = sim.execute("a", Smelt(furnace=(1, Y, 0), item="beef", count=2), 20.0)
    assert out.ok, out.reason
    assert sim.view().inventory("a") == {"cooked_beef": 3}
    lit = sim.view().block((1, Y, 0)).state.get("lit")
    assert lit in (True, "true")


def test_a_wrong_recipe_spends_nothing_on_the_sim() -> None:
    sim = make("smoker", {"raw_iron": 1, "coal": 1})
    out = sim.execute("a", Smelt(furnace=(1, Y, 0), item="raw_iron"), 0.0)
    assert (out.ok, out.code) == (False, Code.WRONG_STATION)
    assert sim.view().inventory("a") == {"raw_iron": 1, "coal": 1}


def test_a_second_agent_at_a_busy_smoker_is_refused_station_busy() -> None:
    sim = make("smoker", {"beef": 2, "coal": 1}, agents=("a", "b"))
    sim.state.inventories["b"] = {"beef": 2, "coal": 1}
    assert sim.execute("a", Smelt(furnace=(1, Y, 0), item="beef", count=2), 0.0).ok
    out = sim.execute("b", Smelt(furnace=(1, Y, 0), item="beef", count=2), 1.0)
    assert (out.ok, out.code) == (False, Code.STATION_BUSY)
    assert out.params["station"] == "smoker"
    assert sim.view().inventory("b") == {"beef": 2, "coal": 1}


# -- one description: the JS side reads the same stations ---------------------------------------

def test_the_js_side_reads_the_same_stations() -> None:
    js = ("const s = require('./env/js/smelting.js'); const t = s.smelting();"
          "const out = {}; for (const [n, st] of Object.entries(t.stations)) out[n] = "
          "{recipe_type: st.recipeType, cook_ticks: st.cookTicks, burn_divisor: st.burnDivisor,"
          " recipes: st.recipes, coal: s.stationFuelTicks(t, n, 'coal')};"
          "console.log(JSON.stringify(out))")
    out = json.loads(subprocess.run([str(node_binary()), "-e", js], cwd=ROOT, check=True,
                                    capture_output=True, text=True).stdout)
    want = {n: {**s.model_dump(), "coal": 1600 // s.burn_divisor}
            for n, s in furnace_table().stations.items()}
    assert out == want
