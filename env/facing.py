"""The facing a block takes when placed without one, from where the player looks, as vanilla
1.19.2's getStateForPlacement rules it per block class (env/data/facing.json, read by
env/js/facing.js too): a furnace or chest faces the player (`toward`), stairs, a door or a
fence gate face where the player looks (`look`), an anvil a quarter turn clockwise of it.

    >>> placed_facing("furnace", "south"), placed_facing("oak_stairs", "south")
    ('north', 'south')
    >>> placed_facing("anvil", "north"), placed_facing("stone", "north")
    ('east', None)
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

FACING_FILE = Path(__file__).parent / "data" / "facing.json"
HORIZONTAL = ("north", "east", "south", "west")
"""Clockwise, seen from above."""
_TURN = {"toward": 2, "look": 0, "clockwise": 1}
"""Quarter turns clockwise from the look direction, by rule."""


@cache
def _rules() -> dict[str, tuple[str, ...]]:
    rules = json.loads(FACING_FILE.read_text())["rules"]
    return {name: tuple(rule["blocks"]) for name, rule in rules.items()}


def facing_rule(block: str) -> str | None:
    """The rule (`toward`, `look`, `clockwise`) that faces `block` when placed, or None (it
    keeps its default facing, or has none). A `*suffix` entry names every block ending so.

    >>> facing_rule("blast_furnace"), facing_rule("spruce_door"), facing_rule("dirt")
    ('toward', 'look', None)
    """
    for name, blocks in _rules().items():
        if any(block == b or (b.startswith("*") and block.endswith(b[1:])) for b in blocks):
            return name
    return None


def placed_facing(block: str, look: str) -> str | None:
    """The facing `block` takes when a player looking `look` (north, east, south, west: the
    horizontal direction from its eyes to the cell, env/support.py `looking`) places it
    without a facing; None when no rule faces it. Raises ValueError on another `look`."""
    if look not in HORIZONTAL:
        raise ValueError(f"look must be one of {', '.join(HORIZONTAL)}, not {look!r}")
    rule = facing_rule(block)
    if rule is None:
        return None
    return HORIZONTAL[(HORIZONTAL.index(look) + _TURN[rule]) % 4]
