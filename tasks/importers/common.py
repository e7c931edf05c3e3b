"""What every importer shares: the error type, JSON loading, name checks, world helpers."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from env.world import STAND_Y, BlockSpec, Pos, StateValue

SPAWN_POINTS = 8
"""Spawn points per task: one per agent up to TaskSpec.max_agents."""


class TaskError(ValueError):
    """A task that cannot be read or built. The message is one line naming the file, the task
    and the field or line at fault."""


def where(file: str, task: str | None = None, detail: str | None = None) -> str:
    """`farm_setting.json, task 'cake_0', component 2` style prefix for error messages."""
    parts = [file]
    if task is not None:
        parts.append(f"task {task!r}")
    if detail:
        parts.append(detail)
    return ", ".join(parts)


def load_json(path: Path) -> object:
    """Read one JSON file, turning a missing or broken file into a TaskError."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaskError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TaskError(f"{path}: not valid JSON at line {exc.lineno} column {exc.colno}: "
                        f"{exc.msg}") from None


def one_line(exc: ValidationError) -> str:
    """A pydantic error squeezed to one line: `field.path: message; ...`."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")  # pydantic's wording, not ours
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


@cache
def known_blocks() -> frozenset[str]:
    from env.rulebook import load_rulebook

    return frozenset(load_rulebook().blocks)


def block_states(name: str) -> frozenset[str]:
    """The block-state properties `name` has in 1.19.2 (minecraft-data), e.g. a lever's
    face, facing and powered; a redstone torch has only lit."""
    from env.rulebook import load_rulebook

    info = load_rulebook().blocks.get(name)
    return frozenset(info.states) if info is not None else frozenset()


@cache
def known_items() -> frozenset[str]:
    from env.rulebook import load_rulebook

    return frozenset(load_rulebook().items)


def fit_state(name: str, state: dict[str, StateValue]) -> tuple[str, dict[str, StateValue]]:
    """A block and its states as Minecraft 1.19.2 has them. VillagerBench's files give a few
    states the block does not have: a floor block with a horizontal `facing` it lacks is its
    wall variant (a torch, a sign, a head, a coral fan: `env.placement.wall_variant`); other
    properties the block lacks, or values it does not allow, are dropped (a server would
    refuse the whole block); a value in other case than the game's ("North") is spelled the
    game's way.

    >>> fit_state("torch", {"facing": "north"})
    ('wall_torch', {'facing': 'north'})
    """
    from env.placement import wall_variant
    from env.rulebook import load_rulebook

    blocks = load_rulebook().blocks
    wall = wall_variant(name)
    if wall and state.get("facing") in ("north", "south", "east", "west") \
            and "facing" not in (blocks[name].states if name in blocks else {}):
        name = wall
    allowed = blocks[name].states if name in blocks else {}
    kept: dict[str, StateValue] = {}
    for k, v in state.items():
        if k not in allowed:
            continue
        text = ("true" if v else "false") if isinstance(v, bool) else str(v)
        if text in allowed[k]:
            kept[k] = v
        elif text.lower() in allowed[k]:  # "North": the game spells its values lower-case
            kept[k] = text.lower()
    return name, kept


def strip_namespace(name: str) -> str:
    return name.removeprefix("minecraft:")


def _check_name(name: object, at: str, kind: str, known: Collection[str]) -> str:
    """`name` without its namespace, checked against `known`; TaskError names what is wrong."""
    if not isinstance(name, str) or not name:
        raise TaskError(f"{at}: {kind} name must be a nonempty string, got {name!r}")
    name = strip_namespace(name)
    if name not in known:
        raise TaskError(f"{at}: unknown {kind} {name!r}")
    return name


def check_block(name: object, at: str) -> str:
    """The block name, checked against the 1.19.2 block list."""
    return _check_name(name, at, "block", known_blocks())


def check_item(name: object, at: str) -> str:
    """The item name, checked against the 1.19.2 item list."""
    return _check_name(name, at, "item", known_items())


def check_count(value: object, at: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TaskError(f"{at}: count must be a positive integer, got {value!r}")
    return value


def int_pos(value: object, at: str) -> Pos:
    """[x, y, z] of integers (a float with no fraction is accepted)."""
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise TaskError(f"{at}: position must be [x, y, z], got {value!r}")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int | float) or v != int(v):
            raise TaskError(f"{at}: position must be three integers, got {value!r}")
        out.append(int(v))
    return (out[0], out[1], out[2])


def float_pos(value: object, at: str) -> tuple[float, float, float]:
    if not isinstance(value, list | tuple) or len(value) != 3 or any(
            isinstance(v, bool) or not isinstance(v, int | float) for v in value):
        raise TaskError(f"{at}: position must be [x, y, z] numbers, got {value!r}")
    return (float(value[0]), float(value[1]), float(value[2]))


def state_value(value: object, at: str) -> StateValue:
    """A block state as the world models hold it: "true"/"false" strings become booleans."""
    if isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "false"):
            return low == "true"
        return value.strip()
    raise TaskError(f"{at}: block state must be a string, number or boolean, got {value!r}")


def dedupe_blocks(blocks: Iterable[BlockSpec]) -> list[BlockSpec]:
    """One block per position; a later block replaces an earlier one at the same place."""
    by_pos: dict[Pos, BlockSpec] = {}
    for b in blocks:
        by_pos.pop(b.pos, None)
        by_pos[b.pos] = b
    return list(by_pos.values())


def free_cells_near(center: Pos, occupied: set[Pos], count: int = SPAWN_POINTS,
                    avoid: Iterable[tuple[Pos, Pos]] = ()) -> list[Pos]:
    """`count` cells at `center`'s height, nearest first (ties in x, then z order), whose
    feet and head cells are free and that lie in none of the `avoid` boxes (min, max)."""
    boxes = list(avoid)
    cx, cy, cz = center
    found: list[Pos] = []
    radius = 0
    while len(found) < count:
        ring = [(cx + dx, cy, cz + dz) for dx in range(-radius, radius + 1)
                for dz in range(-radius, radius + 1) if max(abs(dx), abs(dz)) == radius]
        ring.sort(key=lambda p: ((p[0] - cx) ** 2 + (p[2] - cz) ** 2, p[0], p[2]))
        for p in ring:
            head = (p[0], p[1] + 1, p[2])
            if p in occupied or head in occupied:
                continue
            if any(all(lo[i] <= p[i] <= hi[i] for i in range(3)) for lo, hi in boxes):
                continue
            found.append(p)
            if len(found) == count:
                break
        radius += 1
        if radius > 64:
            raise TaskError(f"no {count} free cells near {center}")
    return found


def bounds_covering(points: Iterable[Pos], margin: int = 2) -> tuple[Pos, Pos]:
    """The default task area (x, z in [-64, 64], ground to 30 above) grown to hold `points`
    (with `margin` around them, except below)."""
    lo = [-64, STAND_Y - 1, -64]
    hi = [64, STAND_Y + 30, 64]
    for p in points:
        for i in (0, 2):
            lo[i] = min(lo[i], p[i] - margin)
            hi[i] = max(hi[i], p[i] + margin)
        lo[1] = min(lo[1], p[1])
        hi[1] = max(hi[1], p[1] + margin)
    return ((lo[0], lo[1], lo[2]), (hi[0], hi[1], hi[2]))
