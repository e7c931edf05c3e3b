"""Which blocks a placed block replaces (air, water, grass, a one-layer snow cover...), as
vanilla 1.19.2 rules it.

Data: env/data/replaceable.json (read by env/js/replaceable.js too). A click on a replaceable
block places the new block in that block's cell; a click on any other block (a torch, a flower,
a lever, a rail) places it in the neighbouring cell on the clicked face, and only if that cell
is replaceable.

    >>> replaceable("tall_grass"), replaceable("torch"), replaceable("poppy")
    (True, False, False)
    >>> replaceable("snow", {"layers": 1}), replaceable("snow", {"layers": 2})
    (True, False)

A block is not replaced by its own kind (grass on grass), except a snow cover, which grows:

    >>> replaceable("grass", placing="grass"), replaceable("snow", {"layers": 2}, "snow")
    (False, True)
    >>> grown("snow", {"layers": 2}, "snow"), grown("snow", {"layers": 8}, "snow")
    ({'layers': 3}, None)
    >>> grown("oak_slab", {}, "oak_slab"), grown("oak_slab", {"type": "double"}, "oak_slab")
    ({'type': 'double'}, None)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

REPLACEABLE_FILE = Path(__file__).parent / "data" / "replaceable.json"


@cache
def _data() -> tuple[frozenset[str], dict[str, dict[str, str]]]:
    data = json.loads(REPLACEABLE_FILE.read_text())
    return frozenset(data["blocks"]), data.get("only_when", {})


@cache
def _grows() -> dict[str, dict[str, Any]]:
    return json.loads(REPLACEABLE_FILE.read_text()).get("grows", {})


def grown(name: str, state: Mapping[str, object] | None,
          placing: str) -> dict[str, object] | None:
    """The state block `name` in `state` takes when its own item `placing` places a block
    into it (a snow cover one layer thicker, a double slab), or None when it does not grow."""
    rule = grows_rule(name)
    if rule is None or placing != name:
        return None
    key = rule["state"]
    if "steps" in rule:
        after = rule["steps"].get(str((state or {}).get(key, rule["default"])))
        return None if after is None else {**(state or {}), key: after}
    now = int(str((state or {}).get(key, 1)))
    if now >= int(rule["max"]):
        return None
    return {**(state or {}), key: now + 1}


def grows_rule(name: str) -> dict[str, Any] | None:
    """How block `name` grows when its own kind is placed into it (env/data/replaceable.json
    `grows`, by name or `*suffix`), or None."""
    for pattern, rule in _grows().items():
        if pattern == name or (pattern.startswith("*") and name.endswith(pattern[1:])):
            return rule
    return None


def replaceable_blocks() -> frozenset[str]:
    """Every block name that is replaceable in some state."""
    return _data()[0]


def replaceable(name: str, state: Mapping[str, object] | None = None,
                placing: str | None = None) -> bool:
    """True when a block placed with the held item `placing` (when known) replaces block
    `name` in `state` (its block-state properties; missing properties count as the block's
    default, so a bare "snow" is the one-layer cover). The block's own item (the item of its
    name: grass on grass) does not replace it, but may grow it (`grown`); a bucket is no
    block's own item (water from a water bucket replaces water)."""
    if placing is not None and placing == name:
        return grown(name, state, placing) is not None
    blocks, only_when = _data()
    if name not in blocks:
        return False
    state = state or {}
    narrow = only_when.get(name, {})
    return all(str(state.get(key, value)) == value for key, value in narrow.items())
