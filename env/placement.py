"""How a player places each block: the item held, and what else it uses up or gives back.

Data: env/data/block_items.json (written by env/data/make_block_items.py from minecraft-data
1.19.2 plus the game's placement rules), read here and by the JS side (env/js/actions.js).
Reach it through the rulebook (`Rulebook.placement`) or `placement` below.

    >>> placement("wall_torch").item, placement("fire").cost(), placement("water").leaves
    ('torch', {}, {'bucket': 1})
    >>> placement("potted_poppy").cost()
    {'flower_pot': 1, 'poppy': 1}
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import Field

from env.world import Model

BLOCK_ITEMS_FILE = Path(__file__).parent / "data" / "block_items.json"


class Placement(Model):
    """The way to place one block. `item` is held and used up (unless `kept`: flint and
    steel lights fire and stays); `extra` items are used up too (the plant of a flower pot);
    `leaves` are given back (the bucket of a water bucket). `item` None: nothing places the
    block (`why` says what makes it: air, a portal, a piston's head). `survival` False: the
    item exists only in creative mode or by commands."""

    block: str
    item: str | None
    kept: bool = False
    extra: dict[str, int] = Field(default_factory=dict)
    leaves: dict[str, int] = Field(default_factory=dict)
    survival: bool = True
    why: str | None = None

    def needs(self) -> dict[str, int]:
        """Items a player must hold to place one block ({} when nothing places it)."""
        if self.item is None:
            return {}
        out = {self.item: 1}
        for name, n in self.extra.items():
            out[name] = out.get(name, 0) + n
        return out

    def cost(self) -> dict[str, int]:
        """Items used up by placing one block (the held item unless it is `kept`)."""
        out = self.needs()
        if self.kept and self.item is not None:
            out[self.item] -= 1
            if out[self.item] <= 0:
                del out[self.item]
        return out


@cache
def _table() -> dict[str, dict]:
    data = json.loads(BLOCK_ITEMS_FILE.read_text())
    return data["blocks"]


def placement(block: str) -> Placement | None:
    """How `block` is placed, or None for a name that is not a 1.19.2 block."""
    entry = _table().get(block)
    if entry is None:
        return None
    return Placement(block=block, **entry)


def placing_item(block: str) -> str | None:
    """The item held to place `block` (None: nothing places it, or not a block)."""
    found = placement(block)
    return found.item if found else None


def blocks_placed_by(item: str) -> list[str]:
    """Every block the item places, in the data's order (`torch` -> torch, wall_torch)."""
    return [b for b, e in _table().items() if e.get("item") == item]


def wall_variant(block: str) -> str | None:
    """The block a floor block becomes when placed against a wall (torch -> wall_torch,
    oak_sign -> oak_wall_sign, skeleton_skull -> skeleton_wall_skull), or None."""
    item = placing_item(block)
    if item is None or "wall_" in block:
        return None
    return next((b for b in blocks_placed_by(item) if b != block and "wall_" in b), None)


def material_needs(blocks: list[str]) -> dict[str, int]:
    """The items that place all `blocks` (block names, one per block placed): the used-up
    items of each, and once each the items that are not used up (flint and steel), in
    first-use order. Blocks nothing places (air) need nothing. Raises KeyError naming a block
    that is not a 1.19.2 block."""
    need: dict[str, int] = {}
    for name in blocks:
        found = placement(name)
        if found is None:
            raise KeyError(f"{name!r} is not a Minecraft 1.19.2 block")
        for item, n in found.cost().items():
            need[item] = need.get(item, 0) + n
        if found.kept and found.item is not None:
            need[found.item] = max(need.get(found.item, 0), 1)
    return need
