"""Block collision shapes of Minecraft 1.19.2, from minecraft-data (`blockCollisionShapes.json`).

A block state's collision shape is a list of boxes `(x0, y0, z0, x1, y1, z1)` in block units,
relative to the block's corner: a closed bottom trapdoor is `(0, 0, 0, 1, 0.1875, 1)`, a
carpet `(0, 0, 0, 1, 0.0625, 1)`, a bottom slab half a block, an open fence gate nothing.
The same file is what mineflayer's physics reads on the server side, so walking in the
simulator and on a server agree on what an agent bumps into.

    >>> collision_boxes("iron_trapdoor", {"facing": "north", "open": False})
    ((0.0, 0.0, 0.0, 1.0, 0.1875, 1.0),)
    >>> collision_boxes("iron_trapdoor", {"facing": "north", "open": True})
    ((0.0, 0.0, 0.8125, 1.0, 1.0, 1.0),)
    >>> collision_boxes("white_carpet", {})
    ((0.0, 0.0, 0.0, 1.0, 0.0625, 1.0),)
    >>> collision_boxes("stone_pressure_plate", {})
    ()
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from env.rulebook import VERSION, minecraft_data_dir

Box = tuple[float, float, float, float, float, float]
FULL: tuple[Box, ...] = ((0.0, 0.0, 0.0, 1.0, 1.0, 1.0),)
"""The shape assumed for a block minecraft-data does not list."""


@dataclass(frozen=True)
class _Block:
    states: tuple[tuple[str, str, tuple[str, ...]], ...]
    """(property, type, values) in minecraft-data's order (the last varies fastest)."""
    default: tuple[int, ...]
    """The default state's value index of each property."""
    shapes: tuple[int, ...]
    """Shape id per state index (one entry when every state shares it)."""


@cache
def _tables(version: str) -> tuple[dict[str, _Block], dict[int, tuple[Box, ...]]]:
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"].get(version)
    if paths is None:
        raise ValueError(f"minecraft-data has no data for Minecraft {version}")
    data = json.loads((base / paths["blockCollisionShapes"] / "blockCollisionShapes.json")
                      .read_text())
    shapes = {int(k): tuple(tuple(float(v) for v in box) for box in boxes)
              for k, boxes in data["shapes"].items()}
    blocks: dict[str, _Block] = {}
    for b in json.loads((base / paths["blocks"] / "blocks.json").read_text()):
        ids = data["blocks"].get(b["name"])
        if ids is None:
            continue
        states = tuple((s["name"], s["type"], tuple(_values(s))) for s in b.get("states", []))
        blocks[b["name"]] = _Block(
            states=states, default=_decode(b["defaultState"] - b["minStateId"], states),
            shapes=(ids,) if isinstance(ids, int) else tuple(ids))
    return blocks, shapes  # type: ignore[return-value]


def load_shapes(version: str = VERSION) -> None:
    """Read minecraft-data's shapes now (once per process), so no later walk pays for it."""
    _tables(version)


def _values(prop: dict) -> list[str]:
    if prop["type"] == "bool":
        return ["true", "false"]  # the game's order: true is index 0
    return [str(v) for v in prop.get("values", range(prop["num_values"]))]


def _decode(index: int, states: tuple[tuple[str, str, tuple[str, ...]], ...]
            ) -> tuple[int, ...]:
    out: list[int] = []
    for _, _, values in reversed(states):
        out.append(index % len(values))
        index //= len(values)
    return tuple(reversed(out))


def _spell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).lower()


def collision_boxes(name: str, state: Mapping[str, object] | None = None,
                    version: str = VERSION) -> tuple[Box, ...]:
    """The collision boxes of block `name` in `state` (properties not given, or given a
    value the block does not have, take the block's default). A name minecraft-data does
    not know is taken for a full block."""
    blocks, shapes = _tables(version)
    block = blocks.get(name)
    if block is None:
        return FULL
    if len(block.shapes) == 1:
        return shapes[block.shapes[0]]
    given = state or {}
    index = 0
    for (prop, _, values), default in zip(block.states, block.default, strict=True):
        value = _spell(given[prop]) if prop in given else None
        index = index * len(values) + (values.index(value) if value in values else default)
    return shapes[block.shapes[index]]
