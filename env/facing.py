"""The facing a block takes when placed without one, from where the player looks, as vanilla
1.19.2's getStateForPlacement rules it per block class (env/data/facing.json, read by
env/js/facing.js too): a furnace or chest faces the player (`toward`), stairs, a door or a
fence gate face where the player looks (`look`), an anvil a quarter turn clockwise of it. Six-way
blocks take the nearest of six directions to the look (`nearest`, up and down included: a barrel
or piston faces the player, an observer away) or the clicked face (a shulker box, an end rod, a
lightning rod); a trapdoor the clicked side face, else faces the player.

    >>> placed_facing("furnace", "south"), placed_facing("oak_stairs", "south")
    ('north', 'south')
    >>> placed_facing("anvil", "north"), placed_facing("stone", "north")
    ('east', None)
    >>> placed_facing("barrel", "south", nearest="down")
    'up'
    >>> placed_facing("end_rod", "south", clicked="up")
    'up'
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

FACING_FILE = Path(__file__).parent / "data" / "facing.json"
HORIZONTAL = ("north", "east", "south", "west")
"""Clockwise, seen from above."""
DIRECTIONS = (*HORIZONTAL, "up", "down")
OPPOSITE = {"north": "south", "south": "north", "east": "west", "west": "east", "up": "down",
            "down": "up"}
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


def placed_facing(block: str, look: str, nearest: str | None = None, clicked: str | None = None,
                  against: tuple[str, str | None] | None = None) -> str | None:
    """The facing `block` takes when a player looking `look` (north, east, south, west: the
    horizontal direction from its eyes to the cell, env/support.py `looking`) places it
    without a facing; None when no rule faces it (or the rule needs a `clicked` face and none
    is given). `nearest` is the nearest of the six directions to the look (env/placing.py
    `nearest_looking`; `look` when not given), `clicked` the clicked face (pointing at the
    placed cell: up for the top of the block below), `against` the clicked block's (name,
    facing). Raises ValueError on a `look` that is not horizontal or a face that is no
    direction.

    >>> placed_facing("observer", "east", nearest="up"), placed_facing("piston", "east")
    ('up', 'west')
    >>> placed_facing("end_rod", "east", clicked="up", against=("end_rod", "up"))
    'down'
    >>> placed_facing("oak_trapdoor", "east", clicked="up")
    'west'
    >>> placed_facing("hopper", "east", clicked="north")
    'south'
    """
    if look not in HORIZONTAL:
        raise ValueError(f"look must be one of {', '.join(HORIZONTAL)}, not {look!r}")
    for name, face in (("nearest", nearest), ("clicked", clicked)):
        if face is not None and face not in DIRECTIONS:
            raise ValueError(f"{name} must be one of {', '.join(DIRECTIONS)}, not {face!r}")
    rule = facing_rule(block)
    if rule is None:
        return None
    if rule in _TURN:
        return HORIZONTAL[(HORIZONTAL.index(look) + _TURN[rule]) % 4]
    if rule == "nearest_look":
        return nearest or look
    if rule == "nearest_toward":
        return OPPOSITE[nearest or look]
    if clicked is None:
        return None
    if rule == "clicked":
        return clicked
    if rule == "clicked_unless_same":
        same = against is not None and against[0] == block and against[1] == clicked
        return OPPOSITE[clicked] if same else clicked
    if rule == "into_clicked":
        return "down" if clicked in ("up", "down") else OPPOSITE[clicked]
    # trapdoor: out of a side face, else toward the player
    return clicked if clicked in HORIZONTAL else OPPOSITE[look]
