"""Vanilla item tags (`env/data/item_tags.json`): `#planks` and the like, resolved to items.

Recipes, fuels, smelting and loot name tags the way the game's own data does; this module
turns a name or a `#tag` into the items it stands for. The JS side reads the same file
(`env/js/tags.js`).

    >>> expand("#planks")[:3]
    ('oak_planks', 'spruce_planks', 'birch_planks')
    >>> "stripped_oak_wood" in expand("#logs_that_burn")
    True
    >>> expand("stick")
    ('stick',)
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "item_tags.json"


@cache
def tags() -> dict[str, tuple[str, ...]]:
    """tag name (no '#') -> its entries as written (items, or '#nested' tags)."""
    data = json.loads(DATA.read_text())["tags"]
    return {name: tuple(values) for name, values in data.items()}


@cache
def expand(name: str) -> tuple[str, ...]:
    """The items `name` stands for, in the tag's order, each once: an item is itself, a
    '#tag' its members (nested tags resolved). Raises KeyError naming an unknown tag."""
    if not name.startswith("#"):
        return (name,)
    tag = name[1:]
    if tag not in tags():
        raise KeyError(f"unknown item tag #{tag} (env/data/item_tags.json)")
    out: list[str] = []
    for entry in tags()[tag]:
        for item in expand(entry):
            if item not in out:
                out.append(item)
    return tuple(out)


def tag_of(items: frozenset[str] | set[str]) -> str | None:
    """The name ('#tag') of a tag whose members are exactly `items`, if there is one (the
    first name in alphabetical order wins when several are equal: #sand, not #smelts_to_glass)."""
    found = [f"#{t}" for t in tags() if set(expand(f"#{t}")) == set(items)]
    return min(found) if found else None
