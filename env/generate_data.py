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
    out["melon"] = [_drop("melon", "silk_touch"), _drop("melon_slice", "no_silk_touch", 1.0, 3, 7)]
    out["gravel"] = [_drop("gravel", "silk_touch"),
                     _drop("flint", "no_silk_touch", 0.1, group=1),
                     _drop("gravel", "no_silk_touch", group=1)]
    return out


def build_loot(version: str = VERSION) -> dict[str, list[dict[str, object]]]:
    """Block loot of `version`: minecraft-data's digest, read as the game means it (a drop
    marked silkTouch needs silk touch, one marked noSilkTouch needs its absence, and both
    are certain within their branch; an unmarked drop of chance >= 0.5 is certain, as the
    digest halves alternatives; rarer ones keep their chance), with `vanilla_overrides()`;
    a wall variant drops as its standing block."""
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
        drops = []
        for d in entry["drops"]:
            low, high = (d.get("stackSizeRange") or [1, 1])
            low = int(low or 0)
            high = int(high if high is not None else low)
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


def write_loot() -> None:
    loot = build_loot()
    path = Path(DATA_DIR) / "loot.json"
    about = (
        f"What breaking a block drops in vanilla Minecraft {VERSION}: block -> drops, each "
        "{item, min, max, chance (default 1), when, age, group}. when: silk_touch, "
        "no_silk_touch, shears, not_shears, shears_or_silk_touch, not_shears_or_silk_touch "
        "(the loot tables' match_tool conditions); age: the least block age the drop needs; "
        "drops of one group are alternatives (the first that rolls wins). A block not listed "
        "drops nothing. Generated by `python -m env.generate_data` from minecraft-data's "
        "blockLoot with the game's loot tables for leaves, grass, cobweb, dead bush and gravel; "
        "read by env/loot.py (the simulator, seeded) and env/js/loot.js (the server).")
    lines = ",\n".join(f" {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}"
                       for k, v in loot.items())
    path.write_text(f'{{"_about": {json.dumps(about)},\n"blocks": {{\n{lines}\n}}}}\n')
    print(f"wrote {len(loot)} block loot tables to {path}")


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
