"""Drop counts as the game's loot tables set them, on both backends' shared data.

Source: vanilla 1.19.2's loot tables (data/minecraft/loot_tables/blocks/<block>.json and
entities/<entity>.json in the client jar; the same in 1.19.3's), no Fortune or Looting, not on
fire; minecraft.wiki gives the same figures in each page's #Drops section (w/Copper_Ore,
/Lapis_Lazuli_Ore, /Redstone_Ore, /Nether_Gold_Ore, /Glowstone, /Sea_Lantern, /Melon, /Clay,
/Snow_Block, /Bookshelf, /Ender_Chest, /Coal_Ore, /Cow, /Pig, /Chicken, /Sheep, /Rabbit).
minecraft-data's digest gives other ranges (raw copper 1-2, a cow 1 beef and 1 leather): the
counts here come from env/generate_data.py's tables of the game's values.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from env.actions import Dig, Kill
from env.loot import drops, entity_drops, entity_loot_tables, loot_tables
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, BlockSpec, EntitySpec, WorldSetup

ROOT = Path(__file__).resolve().parent.parent
Y = STAND_Y


def _range(table: list[dict], item: str) -> tuple[int, int]:
    [d] = [d for d in table if d["item"] == item and d.get("when") != "silk_touch"]
    return int(d["min"]), int(d["max"])


# block -> (item, least, most): the game's set_count (uniform, both ends included)
BLOCK_RANGES = {
    # ores (set_count uniform; Fortune adds on top, not modelled)
    "copper_ore": ("raw_copper", 2, 5), "deepslate_copper_ore": ("raw_copper", 2, 5),
    "lapis_ore": ("lapis_lazuli", 4, 9), "deepslate_lapis_ore": ("lapis_lazuli", 4, 9),
    "redstone_ore": ("redstone", 4, 5), "deepslate_redstone_ore": ("redstone", 4, 5),
    "nether_gold_ore": ("gold_nugget", 2, 6),
    # ores without set_count: one item (minecraft-data says 1-2: Fortune's)
    "coal_ore": ("coal", 1, 1), "iron_ore": ("raw_iron", 1, 1), "gold_ore": ("raw_gold", 1, 1),
    "diamond_ore": ("diamond", 1, 1), "emerald_ore": ("emerald", 1, 1),
    "nether_quartz_ore": ("quartz", 1, 1),
    # glowstone, sea lantern, melon (uniform, then limit_count 4, 5, 9: no effect without Fortune)
    "glowstone": ("glowstone_dust", 2, 4), "sea_lantern": ("prismarine_crystals", 2, 3),
    "melon": ("melon_slice", 3, 7),
    # fixed counts
    "clay": ("clay_ball", 4, 4), "snow_block": ("snowball", 4, 4), "bookshelf": ("book", 3, 3),
    "ender_chest": ("obsidian", 8, 8), "campfire": ("charcoal", 2, 2),
}


@pytest.mark.parametrize(("block", "item", "low", "high"),
                         [(b, *v) for b, v in BLOCK_RANGES.items()])
def test_block_counts_are_the_game_s(block: str, item: str, low: int, high: int) -> None:
    assert _range(loot_tables()[block], item) == (low, high)
    assert drops(block, set()) == {item: low}  # plans count on the least


# entity -> item -> (least, most) (entities/<entity>.json; sheep wool from entities/sheep/white)
ENTITY_RANGES = {
    "cow": {"leather": (0, 2), "beef": (1, 3)},
    "mooshroom": {"leather": (0, 2), "beef": (1, 3)},
    "pig": {"porkchop": (1, 3)},
    "chicken": {"feather": (0, 2), "chicken": (1, 1)},
    "sheep": {"mutton": (1, 2), "white_wool": (1, 1)},
    # entities/rabbit.json: set_count uniform 0..1 for the hide and for the meat
    "rabbit": {"rabbit_hide": (0, 1), "rabbit": (0, 1), "rabbit_foot": (1, 1)},
    "goat": {},
    "hoglin": {"porkchop": (2, 4), "leather": (0, 1)},
}


@pytest.mark.parametrize("entity", sorted(ENTITY_RANGES))
def test_animal_loot_is_the_game_s(entity: str) -> None:
    table = entity_loot_tables()[entity]
    assert {d["item"]: (d["min"], d["max"]) for d in table} == ENTITY_RANGES[entity]
    # a rabbit's foot: 1 kill in 10 by a player (random_chance 0.1 with killed_by_player)
    assert [(d["item"], d.get("chance"), d.get("when")) for d in table if "chance" in d] == \
        ([("rabbit_foot", 0.1, "killed_by_player")] if entity == "rabbit" else [])


def test_plans_count_the_least() -> None:
    rules = load_rulebook().rules
    assert (rules["mine:copper_ore"].output, rules["mine:copper_ore"].count) == ("raw_copper", 2)
    assert (rules["mine:lapis_ore"].count, rules["mine:glowstone"].count) == (4, 2)
    assert (rules["kill:cow"].output, rules["kill:cow"].count) == ("beef", 1)
    assert rules["kill:cow"].byproducts == {}  # 0-2 leather: nothing to count on
    assert (rules["kill:pig"].count, rules["kill:sheep"].byproducts) == (1, {"white_wool": 1})
    # 0-1 raw rabbit: counted one a kill, as every drop with no sure count
    assert (rules["kill:rabbit"].output, rules["kill:rabbit"].count) == ("rabbit", 1)
    assert entity_drops("rabbit") == {}
    # a drop with no sure count (a zombie's rotten flesh, 0-2) counts one a kill: the worker
    # kills until it holds enough
    assert (rules["kill:zombie"].output, rules["kill:zombie"].count) == ("rotten_flesh", 1)
    assert entity_drops("zombie") == {}


def test_block_states_and_crops_set_counts() -> None:
    # a double slab 2, a single 1; three candles 3; seven snow layers 7 snowballs
    assert drops("oak_slab", set(), state={"type": "double"}) == {"oak_slab": 2}
    assert drops("oak_slab", set(), state={"type": "bottom"}) == {"oak_slab": 1}
    assert drops("red_candle", set(), state={"candles": 3}) == {"red_candle": 3}
    assert drops("snow", set(), state={"layers": 7}) == {"snowball": 7}
    # crops: ripe wheat 1 wheat + 1 + B(3, 4/7) seeds; unripe 1 seed; carrots ripe 2-5
    assert drops("wheat", set(), age=7) == {"wheat": 1, "wheat_seeds": 1}
    assert drops("wheat", set(), age=3) == {"wheat_seeds": 1}
    assert drops("carrots", set(), age=7) == {"carrot": 2}
    # sweet berries: 2-3 at age 3, 1-2 at age 2, not both
    assert drops("sweet_berry_bush", set(), age=3, state={"age": 3}) == {"sweet_berries": 2}
    assert drops("sweet_berry_bush", set(), age=2, state={"age": 2}) == {"sweet_berries": 1}
    # an amethyst cluster: 4 shards to a pickaxe, else 2
    assert drops("amethyst_cluster", {"pickaxe"}) == {"amethyst_shard": 4}
    assert drops("amethyst_cluster", set()) == {"amethyst_shard": 2}


def test_rolled_counts_cover_the_range_and_nothing_outside() -> None:
    rng = random.Random(5)
    for block, (item, low, high) in BLOCK_RANGES.items():
        seen = Counter(drops(block, set(), rng=rng)[item] for _ in range(400))
        assert set(seen) == set(range(low, high + 1)), (block, seen)
    for entity, ranges in ENTITY_RANGES.items():
        rolls = [entity_drops(entity, rng) for _ in range(400)]
        for item, (low, high) in ranges.items():
            if item == "rabbit_foot":
                continue
            seen = Counter(r.get(item, 0) for r in rolls)
            assert set(seen) == set(range(low, high + 1)), (entity, item, seen)
    # binomial seeds: 1 + B(3, 4/7), mean 1 + 12/7
    seeds = [drops("wheat", set(), age=7, rng=rng)["wheat_seeds"] for _ in range(4000)]
    assert set(seeds) == {1, 2, 3, 4}
    assert sum(seeds) / len(seeds) == pytest.approx(1 + 12 / 7, abs=0.06)


def test_the_simulator_rolls_dig_and_kill_counts_within_the_game_s_ranges() -> None:
    # 60 copper ores, 60 cows, dug and killed on the seeded simulator: every count 2-5 and
    # 1-3 seen, none outside; the same seed gives the same counts
    rules = load_rulebook()

    def run(seed: int) -> tuple[list[int], list[dict[str, int]]]:
        ores = [(x, Y, 1) for x in range(-30, 30)]
        sim = SimBackend(rules, seed=seed)
        sim.build(WorldSetup(blocks=[BlockSpec(name="copper_ore", pos=p) for p in ores],
                             entities=[EntitySpec(type="cow", pos=(x + 0.5, Y, 3.5))
                                       for x in range(-30, 30)],
                             agent_items={"stone_pickaxe": 1}), ["a"])
        copper, kills = [], []
        for p in ores:
            sim.state.positions["a"] = (p[0] + 0.5, float(Y), 0.5)
            before = sim.view().inventory("a").get("raw_copper", 0)
            assert sim.execute("a", Dig(pos=p), 0.0).ok
            copper.append(sim.view().inventory("a")["raw_copper"] - before)
        for x in range(-30, 30):
            sim.state.positions["a"] = (x + 0.5, float(Y), 2.5)
            before = dict(sim.view().inventory("a"))
            assert sim.execute("a", Kill(entity="cow"), 0.0).ok
            now = sim.view().inventory("a")
            kills.append({i: now.get(i, 0) - before.get(i, 0) for i in ("beef", "leather")})
        return copper, kills

    copper, kills = run(3)
    assert set(copper) == {2, 3, 4, 5}
    assert {k["beef"] for k in kills} == {1, 2, 3}
    assert {k["leather"] for k in kills} == {0, 1, 2}
    assert run(3) == (copper, kills)


def test_the_server_s_loot_module_rolls_the_same_ranges() -> None:
    # env/js/loot.js (the server's drops, crops and animals plugins) on the same data: with
    # no generator the least counts, as env/loot.py; rolled, every count in range and each seen
    from env.minecraft.server import node_binary
    blocks = sorted(BLOCK_RANGES)
    js = ("const loot = require('./env/js/loot.js');"
          f"const blocks = {json.dumps(blocks)};"
          "const least = {}, seen = {};"
          "for (const b of blocks) { least[b] = Object.fromEntries(loot.drops(b, new Set(),"
          " undefined, null)); seen[b] = {};"
          " for (let i = 0; i < 400; i++) for (const [k, n] of loot.drops(b))"
          "  seen[b][k + ':' + n] = 1 }"
          "const kills = {};"
          "for (const e of ['cow', 'pig', 'chicken', 'sheep', 'rabbit']) { kills[e] = {};"
          " for (let i = 0; i < 400; i++) { const got = Object.fromEntries(loot.entityDrops(e));"
          "  for (const k of ['beef', 'leather', 'porkchop', 'feather', 'chicken', 'mutton',"
          "   'white_wool', 'rabbit', 'rabbit_hide']) kills[e][k + ':' + (got[k] ?? 0)] = 1 } }"
          "console.log(JSON.stringify({least, seen, kills}))")
    out = json.loads(subprocess.run([str(node_binary()), "-e", js], cwd=ROOT, check=True,
                                    capture_output=True, text=True, timeout=60).stdout)
    for block, (item, low, high) in BLOCK_RANGES.items():
        assert out["least"][block] == drops(block, set())
        assert set(out["seen"][block]) == {f"{item}:{n}" for n in range(low, high + 1)}
    for entity in ("cow", "pig", "chicken", "sheep", "rabbit"):
        counts: dict[str, set[int]] = {}
        for key in out["kills"][entity]:
            item, n = key.split(":")
            counts.setdefault(item, set()).add(int(n))
        for item, (low, high) in ENTITY_RANGES[entity].items():
            if item != "rabbit_foot":
                assert counts[item] == set(range(low, high + 1)), (entity, item)


def test_the_simulator_reads_the_block_state_for_counts() -> None:
    # the game's blocks/oak_slab.json and blocks/candle.json: a double slab drops 2, a single
    # one 1; a block of three candles drops 3
    sim = SimBackend(load_rulebook(), seed=0)
    sim.build(WorldSetup(blocks=[BlockSpec(name="oak_slab", pos=(1, Y, 0),
                                           state={"type": "double"}),
                                 BlockSpec(name="oak_slab", pos=(-1, Y, 0),
                                           state={"type": "bottom"}),
                                 BlockSpec(name="white_candle", pos=(0, Y, 1),
                                           state={"candles": 3})]), ["a"])
    assert sim.execute("a", Dig(pos=(1, Y, 0)), 0.0).ok
    assert sim.view().inventory("a") == {"oak_slab": 2}
    assert sim.execute("a", Dig(pos=(-1, Y, 0)), 1.0).ok
    assert sim.view().inventory("a") == {"oak_slab": 3}
    assert sim.execute("a", Dig(pos=(0, Y, 1)), 2.0).ok
    assert sim.view().inventory("a") == {"oak_slab": 3, "white_candle": 3}


# Every other mob's table (entities/<entity>.json of 1.19.2; minecraft.wiki/w/<Mob>#Drops):
# entity -> item -> (least, most, chance, condition), no Looting. minecraft-data's digest gives
# 1 of each (slime 1 ball, strider 1 string, snow golem 1 snowball, ...) or its least count.
MOB_RANGES: dict[str, dict[str, tuple[int, int, float, str | None]]] = {
    "slime": {"slime_ball": (0, 2, 1.0, None)},  # the smallest slime's (size 1)
    "strider": {"string": (2, 5, 1.0, None)},
    "snow_golem": {"snowball": (0, 15, 1.0, None)},
    "skeleton": {"arrow": (0, 2, 1.0, None), "bone": (0, 2, 1.0, None)},
    "stray": {"arrow": (0, 2, 1.0, None), "bone": (0, 2, 1.0, None),
              "tipped_arrow": (0, 1, 1.0, "killed_by_player")},
    "spider": {"string": (0, 2, 1.0, None), "spider_eye": (-1, 1, 1.0, "killed_by_player")},
    "creeper": {"gunpowder": (0, 2, 1.0, None)},
    "squid": {"ink_sac": (1, 3, 1.0, None)},
    "glow_squid": {"glow_ink_sac": (1, 3, 1.0, None)},
    "salmon": {"salmon": (1, 1, 1.0, None), "bone_meal": (1, 1, 0.05, None)},
    "cod": {"cod": (1, 1, 1.0, None), "bone_meal": (1, 1, 0.05, None)},
    "iron_golem": {"poppy": (0, 2, 1.0, None), "iron_ingot": (3, 5, 1.0, None)},
    "drowned": {"rotten_flesh": (0, 2, 1.0, None),
                "copper_ingot": (1, 1, 0.11, "killed_by_player")},
    "zombified_piglin": {"rotten_flesh": (0, 1, 1.0, None), "gold_nugget": (0, 1, 1.0, None),
                         "gold_ingot": (1, 1, 0.025, "killed_by_player")},
    "zoglin": {"rotten_flesh": (1, 3, 1.0, None)},
    "zombie_horse": {"rotten_flesh": (0, 2, 1.0, None)},
    "skeleton_horse": {"bone": (0, 2, 1.0, None)},
    "wither_skeleton": {"coal": (-1, 1, 1.0, None), "bone": (0, 2, 1.0, None),
                        "wither_skeleton_skull": (1, 1, 0.025, "killed_by_player")},
    "blaze": {"blaze_rod": (0, 1, 1.0, "killed_by_player")},
    "ghast": {"ghast_tear": (0, 1, 1.0, None), "gunpowder": (0, 2, 1.0, None)},
    "magma_cube": {"magma_cream": (-2, 1, 1.0, None)},  # a big cube's (size 2 and up)
    "phantom": {"phantom_membrane": (0, 1, 1.0, "killed_by_player")},
    "enderman": {"ender_pearl": (0, 1, 1.0, None)},
    "evoker": {"totem_of_undying": (1, 1, 1.0, None), "emerald": (0, 1, 1.0, "killed_by_player")},
    "vindicator": {"emerald": (0, 1, 1.0, "killed_by_player")},
    "parrot": {"feather": (1, 2, 1.0, None)},
    "dolphin": {"cod": (0, 1, 1.0, None)},
    "turtle": {"seagrass": (0, 2, 1.0, None)},  # the bowl needs lightning
    "trader_llama": {"leather": (0, 2, 1.0, None)},
    "cat": {"string": (0, 2, 1.0, None)},
    "pufferfish": {"pufferfish": (1, 1, 1.0, None), "bone_meal": (1, 1, 0.05, None)},
    "tropical_fish": {"tropical_fish": (1, 1, 1.0, None), "bone_meal": (1, 1, 0.05, None)},
    "panda": {"bamboo": (1, 1, 1.0, None)},
    "ravager": {"saddle": (1, 1, 1.0, None)},
    "warden": {"sculk_catalyst": (1, 1, 1.0, None)},
    "shulker": {"shulker_shell": (1, 1, 0.5, None)},
    "wither": {"nether_star": (1, 1, 1.0, None)},  # the game's code, not a table
    "wolf": {}, "fox": {}, "bee": {}, "axolotl": {}, "frog": {}, "villager": {}, "bat": {},
    "piglin": {}, "pillager": {}, "silverfish": {}, "endermite": {}, "ocelot": {},
}


@pytest.mark.parametrize("entity", sorted(MOB_RANGES))
def test_mob_loot_is_the_game_s(entity: str) -> None:
    table = entity_loot_tables()[entity]
    assert {d["item"]: (d["min"], d["max"], d.get("chance", 1.0), d.get("when"))
            for d in table} == MOB_RANGES[entity]


def test_every_mob_of_the_game_has_the_game_s_table() -> None:
    # every hostile and passive mob minecraft-data lists for 1.19.2 (entities.json) comes
    # from env/generate_data.py's tables of the game, none from minecraft-data's least counts
    from env.generate_data import VANILLA_ENTITIES
    from env.rulebook import VERSION, minecraft_data_dir
    base = minecraft_data_dir(VERSION)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"][VERSION]
    mobs = {e["name"] for e in json.loads((base / paths["entities"] / "entities.json")
                                          .read_text())
            if e.get("type") in ("hostile", "passive", "animal", "mob", "water_creature",
                                 "ambient")}
    assert len(mobs) >= 70
    assert mobs - set(VANILLA_ENTITIES) == set()
    assert mobs <= set(entity_loot_tables())


def test_weighted_picks_give_one_entry_by_the_game_s_weights() -> None:
    rng = random.Random(11)
    n = 6000
    # a guardian's second pool: cod 2, prismarine crystals 2, nothing 1 (weights), one of them
    guard = [entity_drops("guardian", rng) for _ in range(n)]
    assert not any("cod" in g and "prismarine_crystals" in g for g in guard)
    assert sum("cod" in g for g in guard) / n == pytest.approx(0.4, abs=0.03)
    assert sum("prismarine_crystals" in g for g in guard) / n == pytest.approx(0.4, abs=0.03)
    # a polar bear: cod (weight 3) or salmon (1), 0-2 of it
    bears = [entity_drops("polar_bear", rng) for _ in range(n)]
    assert not any("cod" in b and "salmon" in b for b in bears)
    assert sum("cod" in b for b in bears) / n == pytest.approx(0.75 * 2 / 3, abs=0.03)
    assert sum("salmon" in b for b in bears) / n == pytest.approx(0.25 * 2 / 3, abs=0.03)
    # a zombie killed by a player: 2.5% one of iron, carrot, potato; by anything else never
    rare = [entity_drops("zombie", rng) for _ in range(20000)]
    got = Counter(i for r in rare for i in r if i != "rotten_flesh")
    assert sum(got.values()) / 20000 == pytest.approx(0.025, abs=0.005)
    assert set(got) == {"iron_ingot", "carrot", "potato"}
    assert all(set(entity_drops("zombie", rng, by_player=False)) <= {"rotten_flesh"}
               for _ in range(2000))
    # a witch: 1-3 rolls of the pool, each one entry (stick weight 2 of 8), 0-2 of it
    witch = [entity_drops("witch", rng) for _ in range(n)]
    assert max(sum(w.values()) for w in witch) == 6
    assert max(len(w) for w in witch) == 3
    assert sum("stick" in w for w in witch) > sum("sugar" in w for w in witch) * 1.5
    # plans count on nothing from a pick
    assert entity_drops("witch") == {} and entity_drops("polar_bear") == {}


def test_the_server_s_loot_module_rolls_the_same_mob_ranges() -> None:
    # env/js/loot.js on the same data: least counts as env/loot.py's for every entity, and the
    # rolled counts of each ranged drop cover its range, nothing outside
    from env.minecraft.server import node_binary
    mobs = sorted(MOB_RANGES)
    js = ("const loot = require('./env/js/loot.js');"
          f"const mobs = {json.dumps(sorted(entity_loot_tables()))};"
          f"const rolled = {json.dumps(mobs)};"
          "const least = {}, seen = {};"
          "for (const m of mobs) least[m] = Object.fromEntries(loot.entityDrops(m, true, null));"
          "for (const m of rolled) { seen[m] = {};"
          " for (let i = 0; i < 3000; i++) { const got = Object.fromEntries(loot.entityDrops(m));"
          "  for (const [k, n] of Object.entries(got)) seen[m][k + ':' + n] = 1 } }"
          "const witch = []; for (let i = 0; i < 2000; i++)"
          " witch.push(loot.entityDrops('witch').reduce((a, [, n]) => a + n, 0));"
          "console.log(JSON.stringify({least, seen, witch: Math.max(...witch)}))")
    out = json.loads(subprocess.run([str(node_binary()), "-e", js], cwd=ROOT, check=True,
                                    capture_output=True, text=True, timeout=60).stdout)
    for entity in entity_loot_tables():
        assert out["least"][entity] == entity_drops(entity), entity
    for entity, ranges in MOB_RANGES.items():
        for item, (low, high, chance, _) in ranges.items():
            counts = {int(k.split(":")[1]) for k in out["seen"][entity]
                      if k.split(":")[0] == item}
            if chance >= 0.5:
                assert counts == set(range(max(low, 1), high + 1)), (entity, item, counts)
            else:
                assert counts <= set(range(max(low, 1), high + 1)), (entity, item, counts)
    assert out["witch"] == 6


def test_the_simulator_rolls_mob_counts_within_the_game_s_ranges() -> None:
    # 40 striders and 40 snow golems killed on the seeded simulator: 2-5 string, 0-15
    # snowballs, nothing outside
    from env.actions import Kill as KillAction
    sim = SimBackend(load_rulebook(), seed=4)
    mobs = [("strider", x) for x in range(-40, 0)] + [("snow_golem", x) for x in range(0, 40)]
    sim.build(WorldSetup(entities=[EntitySpec(type=m, pos=(x + 0.5, Y, 3.5)) for m, x in mobs]),
              ["a"])
    seen: dict[str, Counter[int]] = {"string": Counter(), "snowball": Counter()}
    for mob, x in mobs:
        item = "string" if mob == "strider" else "snowball"
        sim.state.positions["a"] = (x + 0.5, float(Y), 2.5)
        before = sim.view().inventory("a").get(item, 0)
        assert sim.execute("a", KillAction(entity=mob), 0.0).ok
        seen[item][sim.view().inventory("a").get(item, 0) - before] += 1
    assert set(seen["string"]) == {2, 3, 4, 5}
    assert set(seen["snowball"]) <= set(range(16)) and len(seen["snowball"]) >= 10


def test_a_stem_drops_its_seeds_binomially_by_its_age_on_the_simulator() -> None:
    # blocks/melon_stem.json and pumpkin_stem.json: seeds by a binomial of n = 3 and
    # p = (age + 1) / 15 (minecraft.wiki/w/Melon_Seeds#Breaking). No count is sure, so there
    # is no `mine:` rule; the simulator used to give nothing at all. 300 stems of age 7 on
    # the seeded simulator against Binomial(3, 8/15): 30.5, 104.5, 119.4 and 45.5 expected.
    rules = load_rulebook()
    sim = SimBackend(rules, seed=11)
    stems = [(x, Y, z) for x in range(-15, 15) for z in range(1, 11)]
    sim.build(WorldSetup(blocks=[b for x, y, z in stems for b in (
        BlockSpec(name="farmland", pos=(x, y - 1, z)),  # a stem stands on farmland only
        BlockSpec(name="melon_stem", pos=(x, y, z), state={"age": 7}))]), ["a"])
    seen: Counter[int] = Counter()
    for p in stems:
        sim.state.positions["a"] = (p[0] + 0.5, float(Y), p[2] - 0.5)
        before = sim.view().inventory("a").get("melon_seeds", 0)
        assert sim.execute("a", Dig(pos=p), 0.0).ok
        seen[sim.view().inventory("a").get("melon_seeds", 0) - before] += 1
    assert set(seen) == {0, 1, 2, 3}
    expected = [300 * math.comb(3, k) * (8 / 15) ** k * (7 / 15) ** (3 - k) for k in range(4)]
    chi2 = sum((seen[k] - e) ** 2 / e for k, e in enumerate(expected))
    assert chi2 < 16.27  # p = 0.001 at 3 degrees of freedom
