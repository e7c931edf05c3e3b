"""What a dig finds and what a broken block leaves in its cell, as vanilla 1.19.2 rules it.

Data: env/data/dig.json (read by env/js/dig.js too). Air and fluids cannot be dug (the
crosshair passes through them); every other block with a hardness breaks, short grass and a
snow cover included. Ice broken without silk touch turns into water when the block below
blocks motion or is a liquid (IceBlock.playerDestroy), else it leaves air.

    >>> from env.world import BlockState
    >>> nothing_to_dig("water"), nothing_to_dig("grass")
    (True, False)
    >>> left_behind("ice", BlockState(name="stone")), left_behind("ice", BlockState(name="air"))
    ('water', 'air')
    >>> left_behind("ice", BlockState(name="white_carpet")), left_behind("packed_ice",
    ...                                                                  BlockState(name="stone"))
    ('air', 'air')
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from env.replaceable import replaceable_blocks
from env.world import BlockState

DIG_FILE = Path(__file__).parent / "data" / "dig.json"
AIR = "air"


@cache
def _data() -> dict[str, Any]:
    return json.loads(DIG_FILE.read_text())


def _matches(name: str, patterns: list[str]) -> bool:
    """`*_carpet` matches names ending in `_carpet`, `potted_*` names starting with `potted_`."""
    for p in patterns:
        if p == name or (p.startswith("*") and name.endswith(p[1:])) or \
                (p.endswith("*") and name.startswith(p[:-1])):
            return True
    return False


def nothing_to_dig(name: str) -> bool:
    """True when a player's dig finds nothing to break in block `name` (air, water, lava)."""
    return name in _data()["nothing_to_dig"]


def blocks_motion_or_liquid(block: BlockState) -> bool:
    """Whether `block`'s Material blocks motion or is a liquid (vanilla's Material flags)."""
    data = _data()
    if block.name in data["liquids"]:
        return True
    return block.name not in replaceable_blocks() and \
        not _matches(block.name, data["below_passes_motion"])


def left_behind(name: str, below: BlockState, silk_touch: bool = False) -> str:
    """The block a player's breaking of block `name` leaves in its cell ("air" for most),
    given the block `below` it and whether the tool has silk touch."""
    rule = _data()["leaves_behind"].get(name)
    if rule is None or (rule.get("unless") == "silk_touch" and silk_touch):
        return AIR
    if rule.get("below") == "blocks_motion_or_liquid" and not blocks_motion_or_liquid(below):
        return AIR
    return str(rule["block"])
