"""Regenerate the game-rule data files that are derived from minecraft-data.

    python -m env.generate_data          # rewrites env/data/recipes.json and loot.json

minecraft-data ships each crafting recipe that takes an item tag (`#minecraft:planks`) as one
recipe per tag member (4 oak planks, 4 spruce planks, ...), so a grid of 2 oak + 2 spruce
planks matches none of them, while vanilla 1.19.2 crafts a crafting table from it. This
generator folds such families back into the game's form: recipes for the same result with the
same shape whose differing cells vary together become one recipe whose cells accept any of the
family's items, named by their vanilla tag (`env/data/item_tags.json`) where one matches
exactly. The output keeps minecraft-data's order, so the rulebook's rule ids stay stable.
"""

from __future__ import annotations

import json
import math
from itertools import product
from pathlib import Path

from env.rulebook import DATA_DIR, VERSION, minecraft_data_dir
from env.tags import expand, tag_of

Cell = str | list[str] | None


def _mcdata(version: str) -> tuple[dict[int, str], dict[str, list[dict]]]:
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"][version]
    items = json.loads((base / paths["items"] / "items.json").read_text())
    recipes = json.loads((base / paths["recipes"] / "recipes.json").read_text())
    return {int(i["id"]): i["name"] for i in items}, recipes


def _cells(recipe: dict, names: dict[int, str]) -> tuple[str, int, list[str | None]] | None:
    """(kind, width, cells) of a minecraft-data recipe; None if it names an unknown item."""
    def name(c: object) -> str | None:
        if c is None:
            return None
        cid = c if isinstance(c, int) else c.get("id")  # type: ignore[union-attr]
        return names.get(int(cid)) if cid is not None else None

    if "inShape" in recipe:
        rows = recipe["inShape"]
        width = max(len(r) for r in rows)
        cells = [name(r[x]) if x < len(r) else None for r in rows for x in range(width)]
        raw = [r[x] if x < len(r) else None for r in rows for x in range(width)]
        if any(c is not None and n is None for c, n in zip(raw, cells, strict=True)):
            return None
        return "shaped", width, cells
    cells = [name(c) for c in recipe.get("ingredients", [])]
    if any(c is None for c in cells):
        return None
    return "shapeless", len(cells), cells


def _label(choices: list[str]) -> Cell:
    if len(choices) == 1:
        return choices[0]
    return tag_of(frozenset(choices)) or choices


def fold(recipes: list[list[str | None]]) -> list[list[Cell]] | None:
    """Fold same-shaped recipes into one whose varying cells accept any of their items, if
    the recipes are exactly every combination of the cell groups that vary together; None
    if they are not (then they stay apart).

    >>> fold([["oak_planks", "stick"], ["spruce_planks", "stick"]])
    [[['oak_planks', 'spruce_planks'], 'stick']]
    >>> fold([["a", "x"], ["b", "y"], ["a", "y"]]) is None
    True
    """
    width = len(recipes[0])
    columns = [tuple(r[i] for r in recipes) for i in range(width)]
    groups: dict[tuple[str | None, ...], list[int]] = {}
    for i, col in enumerate(columns):
        if len(set(col)) > 1:
            groups.setdefault(col, []).append(i)
    choices = {key: list(dict.fromkeys(key)) for key in groups}
    if any(None in c for c in choices.values()):
        return None
    combos = {tuple(r[cells[0]] for cells in groups.values()) for r in recipes}
    if len(combos) != len(recipes) or len(recipes) != math.prod(len(c) for c in choices.values()):
        return None
    if combos != set(product(*choices.values())):
        return None
    folded: list[Cell] = list(recipes[0])
    for key, cells in groups.items():
        for i in cells:
            folded[i] = choices[key]  # type: ignore[assignment]
    return [folded]


def build_recipes(version: str = VERSION) -> list[dict[str, object]]:
    """The crafting recipes of `version` with tag-taking families folded (see module doc)."""
    names, data = _mcdata(version)
    out: list[dict[str, object]] = []
    for out_id in sorted(data, key=int):
        result = names.get(int(out_id))
        if result is None:
            continue
        families: dict[tuple[object, ...], list[list[str | None]]] = {}
        for recipe in data[out_id]:
            parsed = _cells(recipe, names)
            if parsed is None:
                continue
            kind, width, cells = parsed
            count = recipe["result"].get("count", 1)
            key = (kind, width, count, tuple(c is None for c in cells))
            families.setdefault(key, []).append(cells)
        for (kind, width, count, _), members in families.items():
            folded = fold(members) if len(members) > 1 else None
            for cells in folded or members:
                entry: dict[str, object] = {"result": result, "count": count}
                shown = [_label(c) if isinstance(c, list) else c for c in cells]
                if kind == "shaped":
                    entry["shape"] = [shown[y * width:(y + 1) * width]
                                      for y in range(len(shown) // width)]
                else:
                    entry["ingredients"] = shown
                if folded:
                    entry["variants"] = len(members)
                out.append(entry)
    return out


# Blocks whose vanilla 1.19.2 loot tables minecraft-data's digest gets wrong (it flattens
# "alternatives" and drops the shears and random_chance / table_bonus conditions): the game's
# own data/minecraft/loot_tables/blocks/<block>.json, no Fortune (minecraft.wiki/w/Leaves#Drops,
# /w/Grass#Drops, /w/Cobweb#Drops, /w/Dead_Bush#Drops, /w/Gravel#Drops, /w/Melon#Drops).
LEAF_SAPLINGS = {"oak_leaves": ("oak_sapling", 0.05), "spruce_leaves": ("spruce_sapling", 0.05),
                 "birch_leaves": ("birch_sapling", 0.05),
                 "jungle_leaves": ("jungle_sapling", 0.025),
                 "acacia_leaves": ("acacia_sapling", 0.05),
                 "dark_oak_leaves": ("dark_oak_sapling", 0.05), "azalea_leaves": ("azalea", 0.05),
                 "flowering_azalea_leaves": ("flowering_azalea", 0.05)}
APPLE_LEAVES = ("oak_leaves", "dark_oak_leaves")


def _drop(item: str, when: str | None = None, chance: float = 1.0, low: int = 1,
          high: int | None = None, group: int | None = None) -> dict[str, object]:
    out: dict[str, object] = {"item": item, "min": low, "max": high if high is not None else low}
    if chance < 1:
        out["chance"] = chance
    if when:
        out["when"] = when
    if group is not None:
        out["group"] = group
    return out


def vanilla_overrides() -> dict[str, list[dict[str, object]]]:
    """The loot of the blocks listed above, as the game's loot tables give it."""
    out: dict[str, list[dict[str, object]]] = {}
    for leaves in expand("#leaves"):
        drops = [_drop(leaves, "shears_or_silk_touch")]
        if leaves in LEAF_SAPLINGS:
            sapling, chance = LEAF_SAPLINGS[leaves]
            drops.append(_drop(sapling, "not_shears_or_silk_touch", chance))
        drops.append(_drop("stick", "not_shears_or_silk_touch", 0.02, 1, 2))
        if leaves in APPLE_LEAVES:
            drops.append(_drop("apple", "not_shears_or_silk_touch", 0.005))
        out[leaves] = drops
    for plant, item, n in (("grass", "grass", 1), ("fern", "fern", 1), ("tall_grass", "grass", 2),
                           ("large_fern", "fern", 2)):
        out[plant] = [_drop(item, "shears", low=n), _drop("wheat_seeds", "not_shears", 0.125)]
    out["cobweb"] = [_drop("cobweb", "shears_or_silk_touch"),
                     _drop("string", "not_shears_or_silk_touch")]
    out["dead_bush"] = [_drop("dead_bush", "shears"), _drop("stick", "not_shears", 1.0, 0, 2)]
    for only_shears in ("seagrass", "vine", "glow_lichen", "hanging_roots", "nether_sprouts"):
        out[only_shears] = [_drop(only_shears, "shears_or_silk_touch")]
    out["tall_seagrass"] = [_drop("seagrass", "shears", low=2)]
    out["gravel"] = [_drop("gravel", "silk_touch"),
                     _drop("flint", "no_silk_touch", 0.1, group=1),
                     _drop("gravel", "no_silk_touch", group=1)]
    out.update(vanilla_counts())
    return out


# Drops whose count the game's loot tables set (set_count, a uniform or binomial count; no
# Fortune), where minecraft-data's digest gives another range (it reports Fortune III's most, or
# one block state's count, as if certain). The game's
# data/minecraft/loot_tables/blocks/<block>.json of 1.19.2 (the same in 1.19.3's and 1.19.4's);
# minecraft.wiki gives the same figures on each block's page (#Drops): Copper Ore raw copper 2-5,
# Lapis Lazuli Ore 4-9, Redstone Ore 4-5, Nether Gold Ore 2-6 nuggets, Gilded Blackstone 10% 2-5
# nuggets else itself, Glowstone 2-4 dust, Sea Lantern 2-3 crystals, Melon 3-7 slices, Clay 4
# balls, Snow Block 4 snowballs, Bookshelf 3 books, Ender Chest 8 obsidian, Campfire 2 charcoal,
# Amethyst Cluster 4 shards with a pickaxe else 2, Mushroom Block 0-2 mushrooms (uniform -6..2, at
# least 0), Chorus Plant 0-1 fruit, Twisting and Weeping Vines 33% by hand, Nether Wart 2-4 when
# grown, Sweet Berry Bush 2-3 at age 3 and 1-2 at age 2, Cocoa 3 beans when grown else 1, Wheat and
# Beetroots 1 seed unripe, ripe 1 crop and 1 + B(3, 4/7) seeds; Carrots and Potatoes ripe 1 + 1 +
# B(3, 4/7) (a potato 2% poisonous); melon and pumpkin stems B(3, (age + 1)/15) seeds, attached
# B(3, 8/15); a candle or sea pickle block drops one per candle or pickle, a double slab 2, snow
# one snowball per layer.
# Ores without set_count drop 1 (coal, raw iron, raw gold, diamond, emerald, quartz).
COLOURS = ("white", "orange", "magenta", "light_blue", "yellow", "lime", "pink", "gray",
           "light_gray", "cyan", "purple", "blue", "brown", "green", "red", "black")
CROP_SEED_P = 0.5714286  # the loot tables' binomial_with_bonus_count probability (4/7)


def _binomial(item: str, low: int, n: int, p: float, **kw: object) -> dict[str, object]:
    d = _drop(item, low=low, high=low + n, **kw)  # type: ignore[arg-type]
    d["binomial"] = p
    return d


def _stated(d: dict[str, object], **state: object) -> dict[str, object]:
    d["state"] = state
    return d


def vanilla_counts() -> dict[str, list[dict[str, object]]]:
    """Block -> drops for the blocks whose counts the game's loot tables set (see above)."""
    out: dict[str, list[dict[str, object]]] = {}
    ores = {"copper_ore": ("raw_copper", 2, 5), "lapis_ore": ("lapis_lazuli", 4, 9),
            "redstone_ore": ("redstone", 4, 5), "coal_ore": ("coal", 1, 1),
            "iron_ore": ("raw_iron", 1, 1), "gold_ore": ("raw_gold", 1, 1),
            "diamond_ore": ("diamond", 1, 1), "emerald_ore": ("emerald", 1, 1)}
    for ore, (item, low, high) in ores.items():
        for block in (ore, f"deepslate_{ore}"):
            out[block] = [_drop(block, "silk_touch"), _drop(item, "no_silk_touch", 1.0, low, high)]
    for block, item, low, high in (
            ("nether_gold_ore", "gold_nugget", 2, 6), ("nether_quartz_ore", "quartz", 1, 1),
            ("glowstone", "glowstone_dust", 2, 4), ("sea_lantern", "prismarine_crystals", 2, 3),
            ("melon", "melon_slice", 3, 7), ("clay", "clay_ball", 4, 4),
            ("snow_block", "snowball", 4, 4), ("bookshelf", "book", 3, 3),
            ("ender_chest", "obsidian", 8, 8), ("campfire", "charcoal", 2, 2),
            ("soul_campfire", "soul_soil", 1, 1)):
        out[block] = [_drop(block, "silk_touch"), _drop(item, "no_silk_touch", 1.0, low, high)]
    out["gilded_blackstone"] = [_drop("gilded_blackstone", "silk_touch"),
                                _drop("gold_nugget", "no_silk_touch", 0.1, 2, 5, group=1),
                                _drop("gilded_blackstone", "no_silk_touch", group=1)]
    out["amethyst_cluster"] = [_drop("amethyst_cluster", "silk_touch"),
                               _drop("amethyst_shard", "pickaxe_no_silk_touch", 1.0, 4, 4, 1),
                               _drop("amethyst_shard", "no_silk_touch", 1.0, 2, 2, 1)]
    for block, item in (("brown_mushroom_block", "brown_mushroom"),
                        ("red_mushroom_block", "red_mushroom")):
        out[block] = [_drop(block, "silk_touch"), _drop(item, "no_silk_touch", 1.0, -6, 2)]
    out["chorus_plant"] = [_drop("chorus_fruit", low=0, high=1)]
    for vines in ("twisting_vines", "twisting_vines_plant", "weeping_vines",
                  "weeping_vines_plant"):
        item = vines.removesuffix("_plant")
        out[vines] = [_drop(item, "shears_or_silk_touch"),
                      _drop(item, "not_shears_or_silk_touch", 0.33)]
    out["nether_wart"] = [_drop("nether_wart", low=2, high=4, group=1) | {"age": 3},
                          _drop("nether_wart", group=1)]
    out["sweet_berry_bush"] = [_drop("sweet_berries", low=2, high=3) | {"age": 3},
                               _stated(_drop("sweet_berries", low=1, high=2), age=2)]
    out["cocoa"] = [_drop("cocoa_beans", low=3, group=1) | {"age": 2},
                    _drop("cocoa_beans", group=1)]
    for crop, item, seeds, ripe in (("wheat", "wheat", "wheat_seeds", 7),
                                    ("beetroots", "beetroot", "beetroot_seeds", 3)):
        out[crop] = [_drop(item, group=1) | {"age": ripe}, _drop(seeds, group=1),
                     _binomial(seeds, 1, 3, CROP_SEED_P) | {"age": ripe}]
    for crop, item in (("carrots", "carrot"), ("potatoes", "potato")):
        out[crop] = [_drop(item), _binomial(item, 1, 3, CROP_SEED_P) | {"age": 7}]
    out["potatoes"].append(_drop("poisonous_potato", chance=0.02) | {"age": 7})
    for stem, seeds in (("melon_stem", "melon_seeds"), ("pumpkin_stem", "pumpkin_seeds")):
        out[stem] = [_stated(_binomial(seeds, 0, 3, round((age + 1) / 15, 8)), age=age)
                     for age in range(8)]
        out[f"attached_{stem}"] = [_binomial(seeds, 0, 3, round(8 / 15, 8))]
    for candle in ["candle"] + [f"{c}_candle" for c in COLOURS]:
        out[candle] = [_stated(_drop(candle, low=n, group=1), candles=n) for n in (4, 3, 2)] \
            + [_drop(candle, group=1)]
    out["sea_pickle"] = [_stated(_drop("sea_pickle", low=n, group=1), pickles=n)
                         for n in (4, 3, 2)] + [_drop("sea_pickle", group=1)]
    out["snow"] = [_stated(_drop("snowball", "no_silk_touch", low=n, group=1), layers=n)
                   for n in range(8, 1, -1)] + [_drop("snowball", "no_silk_touch", group=1)]
    return out


def slab_drops(slab: str) -> list[dict[str, object]]:
    """A slab block drops one slab, a double slab two (the game's slab loot tables)."""
    return [_stated(_drop(slab, low=2, group=1), type="double"), _drop(slab, group=1)]


def build_loot(version: str = VERSION) -> dict[str, list[dict[str, object]]]:
    """Block loot of `version`: minecraft-data's digest, read as the game means it (a drop
    marked silkTouch needs silk touch, one marked noSilkTouch needs its absence, and both
    are certain within their branch; an unmarked drop of chance >= 0.5 is certain, as the
    digest halves alternatives; rarer ones keep their chance; its least count, not its range),
    with `vanilla_overrides()` and the slabs' counts; a wall variant drops as its standing
    block."""
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"][version]
    loot = json.loads((base / paths["blockLoot"] / "blockLoot.json").read_text())
    overrides = vanilla_overrides()
    out: dict[str, list[dict[str, object]]] = {}
    for entry in sorted(loot, key=lambda e: e["block"]):
        name = entry["block"]
        if name in overrides:
            out[name] = overrides[name]
            continue
        if name.endswith("_slab"):
            out[name] = slab_drops(name)
            continue
        drops = []
        for d in entry["drops"]:
            # the least count only: the digest's most is Fortune III's, or another block
            # state's (the counts the game's tables set are in vanilla_counts())
            low = int((d.get("stackSizeRange") or [1, 1])[0] or 0)
            low = 1 if low < 0 else low  # sculk vein: one per face
            high = low
            when = "silk_touch" if d.get("silkTouch") else \
                "no_silk_touch" if d.get("noSilkTouch") else None
            chance = 1.0 if when or d["dropChance"] >= 0.5 else float(d["dropChance"])
            drop = _drop(d["item"], when, chance, low, high)
            if d.get("blockAge") is not None:
                drop["age"] = int(d["blockAge"])
            drops.append(drop)
        out[name] = drops
    # A wall variant (wall_torch, oak_wall_sign, white_wall_banner, a wall skull or coral fan)
    # drops what its standing block drops (the game's `dropsLike`); the digest leaves it out.
    for block in json.loads((base / paths["blocks"] / "blocks.json").read_text()):
        name = block["name"]
        standing = name.replace("wall_", "", 1)
        if name not in out and "wall_" in name and standing in out:
            out[name] = out[standing]
    return dict(sorted(out.items()))


# What killing a mob gives, from the game's data/minecraft/loot_tables/entities/<entity>.json of
# 1.19.2 (unchanged through 1.19.3), with no Looting (`looting_enchant`, `random_chance_with_
# looting`'s multiplier: no task hands out enchanted weapons) and not on fire (a burning
# animal's meat comes cooked: nothing here sets mobs alight). minecraft.wiki gives the same on
# each mob's page (#Drops). A count is the table's `set_count` uniform (both ends included; 0 or
# less drops nothing); `killed_by_player` is the tables' condition of that name. Left out, as no
# action here can meet them: drops that need a frog, a skeleton's arrow or lightning as the
# killer (froglights, music discs, a turtle's bowl), a sheep's wool other than white (a summoned
# sheep is white here), the 2.5% fishing-table drop of guardians (gameplay/fishing/fish).
# Sizes are not modelled: a slime's balls are the smallest slime's (size 1: the table's
# `type_specific` size condition), a magma cube's cream a big one's (size 2 and up).
# The Wither's nether star is the game's code (WitherBoss.dropCustomDeathLoot), not a table.
# minecraft-data's entityLoot has 1 of each (no wool, no ranges): no mob listed there is left
# to it.
Drop5 = tuple[str, int, int, float, str | None]


class Pick:
    """One pool of the game's table that picks one entry by weight (`weight`, `empty`),
    rolled `rolls` times (least, most), under a pool `chance` and condition `when`; written to
    loot.json as one `group` whose entries' chances are conditional (the first that rolls
    wins: entry i's chance is its share of what the earlier ones left)."""

    def __init__(self, entries: list[tuple[str, int, int, int]], chance: float = 1.0,
                 when: str | None = None, empty: int = 0, rolls: tuple[int, int] = (1, 1)):
        self.entries, self.chance, self.when = entries, chance, when
        self.empty, self.rolls = empty, rolls

    def drops(self, group: int) -> list[dict[str, object]]:
        """The pool as loot.json drops (entries: (item, weight, least, most))."""
        total = sum(w for _, w, _, _ in self.entries) + self.empty
        left, out = 1.0, []
        for item, weight, low, high in self.entries:
            p = self.chance * weight / total
            d = _drop(item, self.when, min(p / left, 1.0), low, high, group)
            if self.rolls != (1, 1):
                d["rolls"] = list(self.rolls)
            out.append(d)
            left -= p
        return out


KBP = "killed_by_player"
# zombie, husk, zombie villager: 2.5% of kills by a player give one of iron, carrot, potato
RARE_ZOMBIE = Pick([("iron_ingot", 1, 1, 1), ("carrot", 1, 1, 1), ("potato", 1, 1, 1)],
                   chance=0.025, when=KBP)
VANILLA_ENTITIES: dict[str, list[Drop5 | Pick]] = {
    # entity: [(item, least, most, chance, condition) | Pick]
    "allay": [], "axolotl": [], "bat": [], "bee": [], "ender_dragon": [], "endermite": [],
    "fox": [], "frog": [], "giant": [], "goat": [], "illusioner": [], "ocelot": [],
    "piglin": [], "piglin_brute": [], "pillager": [], "silverfish": [], "tadpole": [],
    "vex": [], "villager": [], "wandering_trader": [], "wolf": [],
    # farm animals
    "cow": [("leather", 0, 2, 1.0, None), ("beef", 1, 3, 1.0, None)],
    "mooshroom": [("leather", 0, 2, 1.0, None), ("beef", 1, 3, 1.0, None)],
    "pig": [("porkchop", 1, 3, 1.0, None)],
    "chicken": [("feather", 0, 2, 1.0, None), ("chicken", 1, 1, 1.0, None)],
    "sheep": [("mutton", 1, 2, 1.0, None), ("white_wool", 1, 1, 1.0, None)],
    "rabbit": [("rabbit_hide", 0, 1, 1.0, None), ("rabbit", 0, 1, 1.0, None),
               ("rabbit_foot", 1, 1, 0.1, KBP)],
    "hoglin": [("porkchop", 2, 4, 1.0, None), ("leather", 0, 1, 1.0, None)],
    "horse": [("leather", 0, 2, 1.0, None)],
    "donkey": [("leather", 0, 2, 1.0, None)],
    "mule": [("leather", 0, 2, 1.0, None)],
    "llama": [("leather", 0, 2, 1.0, None)],
    "trader_llama": [("leather", 0, 2, 1.0, None)],
    "strider": [("string", 2, 5, 1.0, None)],
    "cat": [("string", 0, 2, 1.0, None)],
    "parrot": [("feather", 1, 2, 1.0, None)],
    "panda": [("bamboo", 1, 1, 1.0, None)],
    "polar_bear": [Pick([("cod", 3, 0, 2), ("salmon", 1, 0, 2)])],
    "turtle": [("seagrass", 0, 2, 1.0, None)],
    "skeleton_horse": [("bone", 0, 2, 1.0, None)],
    "zombie_horse": [("rotten_flesh", 0, 2, 1.0, None)],
    # water
    "squid": [("ink_sac", 1, 3, 1.0, None)],
    "glow_squid": [("glow_ink_sac", 1, 3, 1.0, None)],
    "cod": [("cod", 1, 1, 1.0, None), ("bone_meal", 1, 1, 0.05, None)],
    "salmon": [("salmon", 1, 1, 1.0, None), ("bone_meal", 1, 1, 0.05, None)],
    "pufferfish": [("pufferfish", 1, 1, 1.0, None), ("bone_meal", 1, 1, 0.05, None)],
    "tropical_fish": [("tropical_fish", 1, 1, 1.0, None), ("bone_meal", 1, 1, 0.05, None)],
    "dolphin": [("cod", 0, 1, 1.0, None)],
    "guardian": [("prismarine_shard", 0, 2, 1.0, None),
                 Pick([("cod", 2, 1, 1), ("prismarine_crystals", 2, 1, 1)], empty=1)],
    "elder_guardian": [("prismarine_shard", 0, 2, 1.0, None),
                       Pick([("cod", 3, 1, 1), ("prismarine_crystals", 2, 1, 1)], empty=1),
                       ("wet_sponge", 1, 1, 1.0, KBP)],
    # golems
    "iron_golem": [("poppy", 0, 2, 1.0, None), ("iron_ingot", 3, 5, 1.0, None)],
    "snow_golem": [("snowball", 0, 15, 1.0, None)],
    # hostile
    "zombie": [("rotten_flesh", 0, 2, 1.0, None), RARE_ZOMBIE],
    "husk": [("rotten_flesh", 0, 2, 1.0, None), RARE_ZOMBIE],
    "zombie_villager": [("rotten_flesh", 0, 2, 1.0, None), RARE_ZOMBIE],
    "drowned": [("rotten_flesh", 0, 2, 1.0, None), ("copper_ingot", 1, 1, 0.11, KBP)],
    "zombified_piglin": [("rotten_flesh", 0, 1, 1.0, None), ("gold_nugget", 0, 1, 1.0, None),
                         ("gold_ingot", 1, 1, 0.025, KBP)],
    "zoglin": [("rotten_flesh", 1, 3, 1.0, None)],
    "skeleton": [("arrow", 0, 2, 1.0, None), ("bone", 0, 2, 1.0, None)],
    "stray": [("arrow", 0, 2, 1.0, None), ("bone", 0, 2, 1.0, None),
              ("tipped_arrow", 0, 1, 1.0, KBP)],
    "wither_skeleton": [("coal", -1, 1, 1.0, None), ("bone", 0, 2, 1.0, None),
                        ("wither_skeleton_skull", 1, 1, 0.025, KBP)],
    "creeper": [("gunpowder", 0, 2, 1.0, None)],
    "spider": [("string", 0, 2, 1.0, None), ("spider_eye", -1, 1, 1.0, KBP)],
    "cave_spider": [("string", 0, 2, 1.0, None), ("spider_eye", -1, 1, 1.0, KBP)],
    "enderman": [("ender_pearl", 0, 1, 1.0, None)],
    "slime": [("slime_ball", 0, 2, 1.0, None)],
    "magma_cube": [("magma_cream", -2, 1, 1.0, None)],
    "blaze": [("blaze_rod", 0, 1, 1.0, KBP)],
    "ghast": [("ghast_tear", 0, 1, 1.0, None), ("gunpowder", 0, 2, 1.0, None)],
    "phantom": [("phantom_membrane", 0, 1, 1.0, KBP)],
    "shulker": [("shulker_shell", 1, 1, 0.5, None)],
    "witch": [Pick([("glowstone_dust", 1, 0, 2), ("sugar", 1, 0, 2), ("redstone", 1, 0, 2),
                    ("spider_eye", 1, 0, 2), ("glass_bottle", 1, 0, 2), ("gunpowder", 1, 0, 2),
                    ("stick", 2, 0, 2)], rolls=(1, 3))],
    "evoker": [("totem_of_undying", 1, 1, 1.0, None), ("emerald", 0, 1, 1.0, KBP)],
    "vindicator": [("emerald", 0, 1, 1.0, KBP)],
    "ravager": [("saddle", 1, 1, 1.0, None)],
    "warden": [("sculk_catalyst", 1, 1, 1.0, None)],
    "wither": [("nether_star", 1, 1, 1.0, None)],
}


def build_entity_loot(version: str = VERSION) -> dict[str, list[dict[str, object]]]:
    """Entity loot of `version`: VANILLA_ENTITIES, and for any other entity minecraft-data's
    entityLoot (least counts; a drop only a player's kill gives is marked so)."""
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"][version]
    loot = json.loads((base / paths["entityLoot"] / "entityLoot.json").read_text())
    out: dict[str, list[dict[str, object]]] = {}
    for entry in loot:
        drops = []
        for d in entry["drops"]:
            low = max(int((d.get("stackSizeRange") or [1, 1])[0] or 0), 0)
            chance = 1.0 if d["dropChance"] >= 0.5 else float(d["dropChance"])
            drops.append(_drop(d["item"], "killed_by_player" if d.get("playerKill") else None,
                               chance, low, low))
        out[entry["entity"]] = drops
    for entity, table in VANILLA_ENTITIES.items():
        rows: list[dict[str, object]] = []
        for k, row in enumerate(table):
            if isinstance(row, Pick):
                rows += row.drops(group=k + 1)
            else:
                item, low, high, chance, when = row
                rows.append(_drop(item, when, chance, low, high))
        out[entity] = rows
    return dict(sorted(out.items()))


def write_loot() -> None:
    loot = build_loot()
    entities = build_entity_loot()
    path = Path(DATA_DIR) / "loot.json"
    about = (
        f"What breaking a block or killing a mob drops in vanilla Minecraft {VERSION}: "
        "block (or entity) -> drops, each {item, min, max, chance (default 1), when, age, "
        "state, binomial, group, rolls}. The count is uniform in [min, max] (both included: "
        "the loot tables' set_count uniform), or with `binomial` p it is min + B(max - min, "
        "p); a count of 0 or less drops nothing; plans count on min. when: silk_touch, "
        "no_silk_touch, shears, not_shears, shears_or_silk_touch, not_shears_or_silk_touch "
        "(the tables' match_tool conditions), pickaxe_no_silk_touch, killed_by_player; "
        "age: the least block age the drop needs; state: block state values it needs (a "
        "double slab, 3 candles); "
        "drops of one group are alternatives (the first that rolls wins; a pool that picks by "
        "weight has each entry's chance as its share of what the earlier ones left), and a "
        "group with rolls [least, most] is rolled that many times (uniform). A block not listed "
        "drops nothing. Generated by `python -m env.generate_data` from minecraft-data's "
        "blockLoot and entityLoot with the game's loot tables (data/minecraft/loot_tables of the "
        "1.19.2 jar, as minecraft.wiki's #Drops sections give them) for leaves, grass, cobweb, "
        "dead bush, gravel, every block whose count the tables set (ores, glowstone, sea "
        "lantern, melon, clay, crops, candles, slabs ...: env/generate_data.py vanilla_counts) "
        "and every mob (VANILLA_ENTITIES); read by env/loot.py (the simulator, seeded) and "
        "env/js/loot.js (the server).")
    def rows(tables: dict[str, list[dict[str, object]]]) -> str:
        return ",\n".join(f" {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}"
                          for k, v in tables.items())

    path.write_text(f'{{"_about": {json.dumps(about)},\n"blocks": {{\n{rows(loot)}\n}},\n'
                    f'"entities": {{\n{rows(entities)}\n}}}}\n')
    print(f"wrote {len(loot)} block and {len(entities)} entity loot tables to {path}")


def main() -> None:
    write_loot()
    recipes = build_recipes()
    doc = {
        "_about": (
            f"Crafting recipes of vanilla Minecraft {VERSION} with their item tags, as the "
            "game's recipe JSON has them: a cell is an item, a '#tag' (env/data/item_tags.json) "
            "or a list of items any of which fits; null is an empty cell. 'shape' rows are "
            "shaped recipes (mirrors match too), 'ingredients' shapeless ones; 'variants' counts "
            "the per-item recipes minecraft-data lists for a folded one. Generated by "
            "`python -m env.generate_data` from minecraft-data's recipes; read by env/rulebook.py "
            "and env/server/plugins/crafting.js."),
        "recipes": recipes,
    }
    path = Path(DATA_DIR) / "recipes.json"
    lines = ",\n".join(json.dumps(r, separators=(",", ":")) for r in recipes)
    text = json.dumps({k: v for k, v in doc.items() if k != "recipes"}, indent=1)[:-2]
    path.write_text(f'{text},\n "recipes": [\n{lines}\n ]\n}}\n')
    print(f"wrote {len(recipes)} recipes to {path}")


if __name__ == "__main__":
    main()
