"""Write env/data/block_items.json: for every block of Minecraft 1.19.2, the item a player
holds to place it, or why no item places it.

    python env/data/make_block_items.py        # from env/node_modules/minecraft-data

Source: minecraft-data 1.19.2 (`blocks.json`, `items.json`) for the block and item lists; a
block places from the item of the same name unless a rule below says otherwise. The rules are
the game's placement facts (minecraft.wiki, the pages of each block): crops are planted from
their seeds, wall torches, signs, banners, heads and coral fans are their floor item put
against a wall, fluids come out of buckets (leaving the bucket), fire is lit with flint and
steel (not used up), potted plants are a flower pot with the plant put in it, and so on.

Each entry: `item` (null: nothing places it, `why` says what makes it), and where they apply
`kept` (the item is not used up), `extra` (more items used up: the plant of a pot), `leaves`
(items given back: the empty bucket), `survival: false` (the item exists only in creative
mode or by commands), `why` (the rule, in words).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "block_items.json"
VERSION = "1.19.2"

# block -> (item, why): blocks placed from an item of another name (or of the same name that
# is not what places it: the `wheat` item is the harvest, the seeds plant the crop).
RENAMED: dict[str, tuple[str, str]] = {
    "wheat": ("wheat_seeds", "a wheat crop is planted from wheat seeds on farmland"),
    "carrots": ("carrot", "planted from a carrot on farmland"),
    "potatoes": ("potato", "planted from a potato on farmland"),
    "beetroots": ("beetroot_seeds", "planted from beetroot seeds on farmland"),
    "melon_stem": ("melon_seeds", "planted from melon seeds on farmland"),
    "pumpkin_stem": ("pumpkin_seeds", "planted from pumpkin seeds on farmland"),
    "attached_melon_stem": ("melon_seeds", "a melon stem that has grown a melon beside it"),
    "attached_pumpkin_stem": ("pumpkin_seeds", "a pumpkin stem that has grown a pumpkin"),
    "cocoa": ("cocoa_beans", "planted from cocoa beans on the side of a jungle log"),
    "sweet_berry_bush": ("sweet_berries", "planted from sweet berries"),
    "cave_vines": ("glow_berries", "glow berries placed under a block"),
    "cave_vines_plant": ("glow_berries", "the upper part of cave vines, from glow berries"),
    "kelp_plant": ("kelp", "the stem of kelp, placed from kelp"),
    "twisting_vines_plant": ("twisting_vines", "the stem of twisting vines"),
    "weeping_vines_plant": ("weeping_vines", "the stem of weeping vines"),
    "big_dripleaf_stem": ("big_dripleaf", "the stem under a big dripleaf"),
    "bamboo_sapling": ("bamboo", "a bamboo shoot, planted from bamboo"),
    "tall_seagrass": ("seagrass", "seagrass grown tall with bone meal"),
    "redstone_wire": ("redstone", "redstone dust placed on a block"),
    "tripwire": ("string", "string placed between tripwire hooks"),
}
# block -> entry: placed with more than one item, or an item that is not used up.
SPECIAL: dict[str, dict[str, object]] = {
    "fire": {"item": "flint_and_steel", "kept": True,
             "why": "lit with flint and steel, which is not used up"},
    "soul_fire": {"item": "flint_and_steel", "kept": True,
                  "why": "lit with flint and steel on soul sand or soul soil"},
    "water": {"item": "water_bucket", "leaves": {"bucket": 1},
              "why": "emptied from a water bucket, which leaves the bucket"},
    "lava": {"item": "lava_bucket", "leaves": {"bucket": 1},
             "why": "emptied from a lava bucket, which leaves the bucket"},
    "powder_snow": {"item": "powder_snow_bucket", "leaves": {"bucket": 1},
                    "why": "emptied from a powder snow bucket, which leaves the bucket"},
    "bubble_column": {"item": "water_bucket", "leaves": {"bucket": 1},
                      "why": "water placed above soul sand or magma becomes a bubble column"},
    "water_cauldron": {"item": "cauldron", "extra": {"water_bucket": 1},
                       "leaves": {"bucket": 1}, "why": "a cauldron filled from a water bucket"},
    "lava_cauldron": {"item": "cauldron", "extra": {"lava_bucket": 1}, "leaves": {"bucket": 1},
                      "why": "a cauldron filled from a lava bucket"},
    "powder_snow_cauldron": {"item": "cauldron", "extra": {"powder_snow_bucket": 1},
                             "leaves": {"bucket": 1},
                             "why": "a cauldron filled from a powder snow bucket"},
}
# block -> why nothing places it.
UNPLACEABLE: dict[str, str] = {
    "air": "the absence of a block; placing air is digging",
    "cave_air": "the air of caves; placing air is digging",
    "void_air": "the air outside the world's height; placing air is digging",
    "piston_head": "the arm of an extended piston, made by the piston",
    "moving_piston": "a block while a piston moves it, made by the piston",
    "nether_portal": "forms when an obsidian frame is lit",
    "end_portal": "forms when every end portal frame of a ring holds an eye of ender",
    "end_gateway": "made by the game after the ender dragon is defeated",
    "frosted_ice": "made by boots with frost walker; it melts away",
}
# items that exist, but only in creative mode or by commands (not obtainable in survival)
CREATIVE_ONLY = ("bedrock", "barrier", "light", "structure_block", "structure_void", "jigsaw",
                 "command_block", "chain_command_block", "repeating_command_block", "spawner",
                 "budding_amethyst", "end_portal_frame", "reinforced_deepslate",
                 "petrified_oak_slab", "frogspawn", "chorus_plant", "player_head",
                 "player_wall_head", "farmland", "dirt_path", "infested_")
# wall variants: the floor item put against a wall (suffix of the block -> of the item)
WALL_SUFFIXES = (("wall_torch", "torch"), ("_wall_sign", "_sign"), ("_wall_banner", "_banner"),
                 ("_wall_head", "_head"), ("_wall_skull", "_skull"), ("_wall_fan", "_fan"))


def minecraft_data() -> tuple[list[dict], set[str]]:
    base = Path(os.environ.get("CAUSALCRAFT_MINECRAFT_DATA") or
                HERE.parent / "node_modules" / "minecraft-data" / "minecraft-data" / "data")
    paths = json.loads((base / "dataPaths.json").read_text())["pc"][VERSION]
    blocks = json.loads((base / paths["blocks"] / "blocks.json").read_text())
    items = json.loads((base / paths["items"] / "items.json").read_text())
    return blocks, {i["name"] for i in items}


def entry(block: str, items: set[str]) -> dict[str, object]:
    """The placement entry of one block (see the module docstring)."""
    if block in UNPLACEABLE:
        return {"item": None, "why": UNPLACEABLE[block]}
    if block in SPECIAL:
        out = dict(SPECIAL[block])
    elif block in RENAMED:
        item, why = RENAMED[block]
        out = {"item": item, "why": why}
    elif m := re.fullmatch(r"potted_(.+)", block):
        plant = m.group(1)
        plant = plant.removesuffix("_bush") if plant not in items else plant
        out = {"item": "flower_pot", "extra": {plant: 1},
               "why": f"a flower pot with {plant} put in it"}
    elif m := re.fullmatch(r"(?:(.+)_)?candle_cake", block):
        candle = f"{m.group(1)}_candle" if m.group(1) else "candle"
        out = {"item": "cake", "extra": {candle: 1}, "why": f"a cake with {candle} put on it"}
    else:
        out = {"item": block}
        for wall, floor in WALL_SUFFIXES:
            if block.endswith(wall) and block not in items:
                out = {"item": block[: -len(wall)] + floor,
                       "why": "the floor item put against the side of a block"}
                break
    if any(block == c or (c.endswith("_") and block.startswith(c)) for c in CREATIVE_ONLY):
        out["survival"] = False
        out.setdefault("why", "its item is had only in creative mode or by commands")
    return out


def build() -> dict[str, object]:
    blocks, items = minecraft_data()
    table: dict[str, dict[str, object]] = {}
    for b in sorted(blocks, key=lambda b: b["id"]):
        e = entry(b["name"], items)
        used = [e["item"], *dict(e.get("extra") or {}), *dict(e.get("leaves") or {})]
        for name in used:
            if name is not None and name not in items:
                raise SystemExit(f"block {b['name']!r}: {name!r} is not a 1.19.2 item")
        if e["item"] is None and "why" not in e:
            raise SystemExit(f"block {b['name']!r}: no item and no reason")
        if b["name"] not in items and e["item"] == b["name"]:
            raise SystemExit(f"block {b['name']!r} has no item of its name and no rule")
        table[b["name"]] = e
    return {"version": VERSION,
            "source": "minecraft-data 1.19.2 blocks.json and items.json, with the placement "
                      "rules of env/data/make_block_items.py (minecraft.wiki)",
            "blocks": table}


def main() -> int:
    data = build()
    lines = [f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}"
             for k, v in data["blocks"].items()]  # type: ignore[union-attr]
    text = ("{\n" + f'  "version": {json.dumps(data["version"])},\n'
            + f'  "source": {json.dumps(data["source"])},\n  "blocks": {{\n  '
            + ",\n  ".join(lines) + "\n  }\n}\n")
    OUT.write_text(text)
    print(f"{OUT}: {len(lines)} blocks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
