"""Whole block states of Minecraft 1.19.2, from minecraft-data (`blocks.json`).

A backend may keep only the properties it sets (the simulator stores `{"age": 7}` for ripe
wheat, `{}` for a log), a server answers every property of the block (`getProperties()`:
`{"axis": "y"}` for the same log). `full_state` fills in each property the block has and was
not given with its default, and spells every value as the game's text (`"true"`, `"7"`,
`"north"`), so two backends' blocks compare property by property.

    >>> full_state("wheat", {"age": 7})
    {'age': '7'}
    >>> full_state("oak_slab", {"type": "double"})
    {'type': 'double', 'waterlogged': 'false'}
    >>> full_state("oak_log", {})
    {'axis': 'y'}
    >>> full_state("dirt", {})
    {}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache

from env.rulebook import VERSION, Rulebook, minecraft_data_dir
from env.world import BlockState


@cache
def _defaults(version: str) -> dict[str, dict[str, str]]:
    """Per block name: every property with its default value's text (minecraft-data's
    `defaultState`, decoded by its `states`, the last property varying fastest)."""
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"].get(version)
    if paths is None:
        raise ValueError(f"minecraft-data has no data for Minecraft {version}")
    out: dict[str, dict[str, str]] = {}
    for b in json.loads((base / paths["blocks"] / "blocks.json").read_text()):
        states = b.get("states", [])
        index = b["defaultState"] - b["minStateId"]
        values: dict[str, str] = {}
        for prop in reversed(states):
            choices = (["true", "false"] if prop["type"] == "bool"  # the game's order
                       else [str(v) for v in prop.get("values", range(prop["num_values"]))])
            values[prop["name"]] = choices[index % len(choices)]
            index //= len(choices)
        out[b["name"]] = {p["name"]: values[p["name"]] for p in states}
    return out


def spell(value: object) -> str:
    """A property value as the game writes it: `True` -> "true", `7` -> "7"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).lower()


def full_state(name: str, state: Mapping[str, object] | None = None,
               version: str = VERSION) -> dict[str, str]:
    """Every property of block `name`: the given value where there is one, else the
    block's default; values spelled as the game writes them. Properties the block does not
    have are kept too (so a backend that sets a property the game does not know is seen).
    A name minecraft-data does not know answers its given state, spelled."""
    given = {k: spell(v) for k, v in (state or {}).items()}
    return {**_defaults(version).get(name, {}), **given}


def unripe(block: BlockState, rules: Rulebook) -> tuple[int, int] | None:
    """(age, ripe age) of a crop not ripe yet (env/data/crops.json, `Rulebook.ripe_age`);
    None for a ripe crop or a block that is no crop. An `age` not given is the block's
    default, 0, as a server places it: `BlockState(name="carrots")` is (0, 7)."""
    ripe = rules.ripe_age(block.name)
    if ripe is None:
        return None
    age = int(full_state(block.name, block.state).get("age", ripe))
    return (age, ripe) if age < ripe else None
