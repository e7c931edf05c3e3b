"""Construction tasks (VillagerBench's blueprints): `blueprint_description_all.json`.

Each task is a list of text lines in loosely regular shapes, for instance

    material: cut_sandstone facing: A position: [-8, -60, 0]
    [material:bone_block facing:y positions:[[-8 -60 0] [-8 -59 0]]]
    [material:dirt facing:A positions:[start:[-11 -60 0] end:[-8 -60 0] start:.. end:..]]
    [material:oak_trapdoor positions:[position:[-9 -60 -2] facing:N position:[..] facing:E]]
    [material:stone_brick_stairs positions:[coords:[-12 -55 -1] facing:E coords:[..] facing:W]]
    [material:sand facing:A shape:rectangle corners:[[..] [..] [..] [..]] missing:[[..]] height:N]
    [name:lantern facing:A position:[-11 -59 0] name:composter facing:A position:[..]]

so a line is tokenized (keys `word:`, brackets, numbers, words; commas are spaces), parsed into
nested lists and `key: value` pairs, and read as groups, each opened by `material:` or `name:`.
In a group:

- `facing:` sets the group's facing; inside a `positions:[...]` list it sets the facing of the
  position just before it. `A` (any) gives None; `x`/`y`/`z` an axis; `N/S/E/W/U/D` or the full
  word a direction. A group without any facing is "any".
- `position:`/`coords:` give one [x y z] (or a list of them); `positions:` a list of [x y z],
  `position:`/`coords:` entries and `start:[..] end:[..]` pairs, each pair meaning every block
  of the box between the two corners, corners included.
- `shape:rectangle corners:[...]`: the filled box spanned by the corners (2 or 4 of them);
  `missing:[...]` removes cells from the group; `height:N` makes every cell of the group a
  column: N >= 1 layers tall, or, for N <= 0, up to the absolute y = N (superflat heights are
  negative; the public tasks only repeat the shape's own y, which adds nothing).

Coordinates are absolute. Where two lines place a block at the same position, the later one
wins. Unknown block names, unknown keys, malformed coordinates and groups without any position
are errors naming the file, the task and the line.

World: a supply chest (the hub) holding every material in the count needed, on the ground four
blocks past the blueprint's bounding box on the +x side (towards the origin, where the public
blueprints are), level with the box's middle z, and spawn points around it.
Budget (`budget_s`): VillagerBench's max_action_time, `tasks.villagerbench.construction_budget`
(from the blueprint's block-connectivity complexity; task_0: 304 s).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from env.goals import BlueprintBlock, ConstructionGoal
from env.placement import material_needs
from env.world import STAND_Y, BlockSpec, BlockState, ContainerSpec, Pos, WorldSetup
from tasks.importers.common import (
    TaskError,
    bounds_covering,
    check_block,
    free_cells_near,
    where,
)
from tasks.spec import TaskSpec
from tasks.villagerbench import construction_budget

log = logging.getLogger("causalcraft.tasks")
BLUEPRINT_FILE = "blueprint_description_all.json"
AIR = ("air", "cave_air", "void_air")

BlueprintFacing = Literal["north", "south", "east", "west", "up", "down", "x", "y", "z"] | None

_FACINGS: dict[str, BlueprintFacing] = {
    "a": None, "any": None, "none": None,
    "x": "x", "y": "y", "z": "z",
    "n": "north", "s": "south", "e": "east", "w": "west", "u": "up", "d": "down",
    "north": "north", "south": "south", "east": "east", "west": "west", "up": "up",
    "down": "down",
}
# Every key a line may use, by the role it plays (the first of each is the public files' own).
_KEYS: dict[str, tuple[str, ...]] = {
    "material": ("material", "name", "block", "block_name"),
    "facing": ("facing", "direction", "orientation", "face", "axis"),
    "position": ("position", "coords", "coord", "pos", "coordinate", "single", "point", "at",
                 "location", "loc", "cell"),
    "positions": ("positions", "coordinates", "points", "cells", "locations", "blocks"),
    "start": ("start", "from", "begin"),
    "end": ("end", "to"),
    "shape": ("shape",),
    "corners": ("corners", "corner", "vertices"),
    "missing": ("missing", "except", "exclude", "holes"),
    "height": ("height",),
}
_ROLE = {alias: role for role, aliases in _KEYS.items() for alias in aliases}
_BOX_SHAPES = ("rectangle", "box", "cuboid", "square", "cube", "line", "wall", "floor",
               "column", "fill", "filled", "solid")
"""Shapes that span the box of their `corners`."""
_LIST_SHAPES = ("irregular", "custom", "list", "points", "scattered", "single", "none")
"""Shapes that are only the positions listed."""
_TOKEN = re.compile(r"""[\s,;'"]*(?:
    (?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*[:=](?!:) |
    (?P<open>[\[({]) | (?P<close>[\])}]) |
    (?P<num>[+-]?\d+(?:\.\d+)?) |
    (?P<word>[A-Za-z_][A-Za-z0-9_]*)
)""", re.VERBOSE)
_SEPARATORS = " \t\r\n,;'\""


class LineError(ValueError):
    """A problem in one blueprint line (the caller adds the file, task and line number)."""


@dataclass(frozen=True)
class Pair:
    key: str
    value: object


Node = object  # int | float | str | Pair | list[Node]
Warn = Callable[[str], None]
"""Where a problem that does not stop the reading is reported."""


def _ignore(_: str) -> None:
    return None


def tokenize(line: str) -> list[tuple[str, str]]:
    """(kind, text) tokens of a blueprint line: key, open, close, num, word. Commas,
    semicolons, quotes and spaces separate tokens; `(`/`{` read as `[`, `=` as `:`."""
    text = re.sub(r"minecraft\s*:\s*(?=[A-Za-z_])", "", line)
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text[i:].strip(_SEPARATORS) == "":
            break
        m = _TOKEN.match(text, i)
        if not m or m.end() == i or m.lastgroup is None:
            bad = text[i:].lstrip(_SEPARATORS)[:20]
            raise LineError(f"cannot read {bad!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        i = m.end()
    return out


def parse_tokens(tokens: list[tuple[str, str]], warn: Warn = _ignore) -> list[Node]:
    """Nested lists and key/value pairs from the tokens of one line. Brackets left open at
    the end of the line are closed (with a warning)."""
    pos = 0

    def value() -> Node:
        nonlocal pos
        if pos >= len(tokens):
            raise LineError("the line ends where a value was expected")
        kind, text = tokens[pos]
        if kind == "open":
            pos += 1
            items = seq()
            if pos >= len(tokens):
                warn("a '[' is never closed (closed at the end of the line)")
            else:
                pos += 1
            return items
        if kind == "num":
            pos += 1
            return float(text) if "." in text else int(text)
        if kind == "word":
            pos += 1
            return text
        if kind == "key":
            raise LineError(f"'{text}:' follows a key with no value in between")
        raise LineError("unexpected ']'")

    def seq() -> list[Node]:
        nonlocal pos
        items: list[Node] = []
        while pos < len(tokens) and tokens[pos][0] != "close":
            kind, text = tokens[pos]
            if kind == "key":
                pos += 1
                got = value()
                if isinstance(got, str):  # `material: oak planks` is oak_planks
                    while pos < len(tokens) and tokens[pos][0] == "word":
                        got = f"{got}_{tokens[pos][1]}"
                        pos += 1
                items.append(Pair(text.lower(), got))
            else:
                items.append(value())
        return items

    items = seq()
    if pos != len(tokens):
        raise LineError("unexpected ']'")
    return items


def _facing(value: Node, warn: Warn | None = None) -> BlueprintFacing:
    """A facing word: `A`/any, an axis, a direction letter or word. An unknown one is "any",
    with a warning (without `warn`, a LineError)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str) and value.lower() in _FACINGS:
        return _FACINGS[value.lower()]
    what = f"unknown facing {_show(value)!r} (A, x, y, z, N, S, E, W, or a direction)"
    if warn is None:
        raise LineError(what)
    warn(f"{what}, read as any")
    return None


def _coord(value: Node, what: str) -> Pos:
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        value = value[0]  # [[x y z]]
    if isinstance(value, list) and len(value) == 3 and all(isinstance(v, Pair) for v in value):
        named = {v.key: v.value for v in value}  # type: ignore[union-attr]
        if set(named) == {"x", "y", "z"}:  # {x: 1, y: 2, z: 3}
            value = [named["x"], named["y"], named["z"]]
    if not isinstance(value, list) or len(value) != 3 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise LineError(f"{what} must be [x y z], got {_show(value)}")
    if any(v != int(v) for v in value):  # type: ignore[arg-type]
        raise LineError(f"{what} must be whole numbers, got {_show(value)}")
    return (int(value[0]), int(value[1]), int(value[2]))  # type: ignore[arg-type]


def _coords(value: Node, what: str) -> list[Pos]:
    """One [x y z], a list of them, or a flat run of 3k numbers [x y z x y z ...]."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return [_coord(v, what) for v in value]
    if isinstance(value, list) and len(value) > 3 and len(value) % 3 == 0 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return [_coord(value[i:i + 3], what) for i in range(0, len(value), 3)]
    return [_coord(value, what)]


def _box(a: Pos, b: Pos) -> list[Pos]:
    lo = [min(a[i], b[i]) for i in range(3)]
    hi = [max(a[i], b[i]) for i in range(3)]
    return [(x, y, z) for x in range(lo[0], hi[0] + 1) for y in range(lo[1], hi[1] + 1)
            for z in range(lo[2], hi[2] + 1)]


def _show(value: Node) -> str:
    if isinstance(value, list):
        return "[" + " ".join(_show(v) for v in value) + "]"
    if isinstance(value, Pair):
        return f"{value.key}:{_show(value.value)}"
    return str(value)


def _role(item: Node) -> str | None:
    return _ROLE.get(item.key) if isinstance(item, Pair) else None


Placed = list[tuple[Pos, BlueprintFacing, bool]]
"""(position, facing, facing given here) for the cells of one group, in order."""


def _position_list(items: list[Node], warn: Warn = _ignore) -> Placed:
    """The cells of a `positions:[...]` list (or of a group's own position entries).

    Entries: `[x y z]`, `position:`/`coords:`/`single:` (one cell or a list of cells),
    `start:[..] end:[..]` (the box between them, corners included), a `start:` with no `end:`
    after it (its one cell), a nested `positions:` list. A `facing:` after an entry sets that
    entry's facing; one before any entry sets the facing of the entries that follow it."""
    out: Placed = []
    chunks: list[tuple[int, int]] = []  # (start, end) in `out` of each entry
    lead: BlueprintFacing = None
    lead_given = False
    i = 0
    while i < len(items):
        item = items[i]
        role = _role(item)
        start = len(out)
        if role == "facing":
            face = _facing(item.value, warn)  # type: ignore[attr-defined]
            if chunks and chunks[-1][1] == len(out) and i > 0 and _role(items[i - 1]) != "facing":
                s, e = chunks[-1]
                out[s:e] = [(p, face, True) for p, _, _ in out[s:e]]
            else:
                lead, lead_given = face, True
            i += 1
            continue
        if isinstance(item, list):
            cells = _coords(item, "a position")
        elif role == "position":
            cells = _coords(item.value, item.key)  # type: ignore[attr-defined]
        elif role == "start":
            corner = _coord(item.value, item.key)  # type: ignore[attr-defined]
            ahead = [_role(x) for x in items[i + 1:i + 3]]
            if ahead[:1] == ["end"]:
                cells = _box(corner, _coord(items[i + 1].value, "end"))  # type: ignore[attr-defined]
                i += 1
            elif ahead == ["facing", "end"]:  # start:[..] facing:F end:[..]
                cells = _box(corner, _coord(items[i + 2].value, "end"))  # type: ignore[attr-defined]
                face = _facing(items[i + 1].value, warn)  # type: ignore[attr-defined]
                out += [(p, face, True) for p in cells]
                chunks.append((start, len(out)))
                i += 3
                continue
            else:
                cells = [corner]  # a start with no end: its one cell
        elif role == "positions":
            value = item.value  # type: ignore[attr-defined]
            if not isinstance(value, list):
                raise LineError(f"positions must be a list, got {_show(value)}")
            placed = _position_list(value, warn)
            out += placed
            chunks.append((start, len(out)))
            i += 1
            continue
        elif role == "end":
            raise LineError(f"'end:{_show(item.value)}' has no 'start:' before it")  # type: ignore[attr-defined]
        else:
            raise LineError(f"unexpected {_show(item)!r} in positions")
        out += [(p, lead, lead_given) for p in cells]
        chunks.append((start, len(out)))
        i += 1
    return out


def _group_cells(name: str, entries: list[Pair], warn: Warn = _ignore
                 ) -> list[tuple[Pos, BlueprintFacing]]:
    """The blueprint cells of one `material:` group."""
    default: BlueprintFacing = None
    cells: Placed = []
    shape: str | None = None
    corners: list[Pos] | None = None
    missing: set[Pos] = set()
    height: int | None = None
    run: list[Node] = []  # consecutive position entries, read together

    def flush() -> None:
        if run:
            cells.extend(_position_list(run, warn))
            run.clear()

    for pair in entries:
        role = _ROLE.get(pair.key)
        value = pair.value
        if role == "facing" and not run:
            default = _facing(value, warn)
        elif role in ("facing", "position", "positions", "start", "end"):
            if role == "positions" and isinstance(value, list) and value and all(
                    isinstance(v, int | float) for v in value):
                value = [value]  # positions:[x y z]
                pair = Pair(pair.key, value)
            run.append(pair)
            continue
        elif role == "shape":
            flush()
            word = value[0] if isinstance(value, list) and len(value) == 1 else value
            if not isinstance(word, str) or word.lower() not in (*_BOX_SHAPES, *_LIST_SHAPES):
                raise LineError(f"unknown shape {_show(value)!r} (rectangle, or irregular "
                                f"with a list of positions)")
            shape = word.lower()
        elif role == "corners":
            flush()
            corners = _coords(value, "a corner")
            if len(corners) not in (2, 4, 8):
                raise LineError(f"corners needs 2 or 4 corners, got {len(corners)}")
        elif role == "missing":
            flush()
            missing |= set(_coords(value, "a missing cell"))
        elif role == "height":
            flush()
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            if isinstance(value, bool) or not isinstance(value, int):
                raise LineError(f"height must be an integer, got {_show(value)}")
            height = value
        else:
            flush()
            warn(f"ignored the unknown key '{pair.key}:{_show(value)}' of {name}")
            continue
        flush()
    flush()
    if shape in _BOX_SHAPES and corners is None:
        raise LineError(f"shape:{shape} for {name} has no corners")
    if corners is not None:
        lo = tuple(min(c[i] for c in corners) for i in range(3))
        hi = tuple(max(c[i] for c in corners) for i in range(3))
        cells += [(p, None, False) for p in _box(lo, hi)]  # type: ignore[arg-type]
    if not cells:
        raise LineError(f"{name} has no position")
    if height is not None:
        grown: Placed = []
        for (x, y, z), face, given in cells:
            top = y + height - 1 if height >= 1 else height
            if top < y:
                raise LineError(f"height {height} is below the cell [{x} {y} {z}] of {name}")
            grown += [((x, yy, z), face, given) for yy in range(y, top + 1)]
        cells = grown
    return [(p, face if given else default) for p, face, given in cells if p not in missing]


def parse_line(line: str, warn: Warn = _ignore) -> list[BlueprintBlock]:
    """The blueprint blocks one text line describes, in the line's order. Problems that
    leave the line readable (an unknown key, a bracket never closed) go to `warn`; a line
    that cannot be read raises LineError or TaskError.

    >>> blocks = parse_line("[material:bone_block facing:y positions:[[1 2 3] [1 3 3]]]")
    >>> [(b.name, b.pos, b.facing) for b in blocks]
    [('bone_block', (1, 2, 3), 'y'), ('bone_block', (1, 3, 3), 'y')]
    """
    items: list[Node] = []
    for item in parse_tokens(tokenize(line), warn):
        # a bracketed run of `key: value` pairs (the whole line, or one group of several)
        if isinstance(item, list) and item and isinstance(item[0], Pair):
            items += item
        else:
            items.append(item)
    if not items:
        raise LineError("empty line")
    groups: list[tuple[str, list[Pair]]] = []
    for item in items:
        if not isinstance(item, Pair):
            raise LineError(f"unexpected {_show(item)!r} outside a 'key: value'")
        if _ROLE.get(item.key) == "material":
            value = item.value
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            if not isinstance(value, str):
                raise LineError(f"{item.key} must be a block name, got {_show(item.value)}")
            groups.append((value, []))
        elif not groups:
            raise LineError(f"'{item.key}:' comes before any 'material:'")
        else:
            groups[-1][1].append(item)
    out: list[BlueprintBlock] = []
    for name, entries in groups:
        block = check_block(name.lower(), "block")
        for pos, face in _group_cells(block, entries, warn):
            out.append(BlueprintBlock(name=block, pos=pos, facing=face))
    return out


def parse_blueprint(lines: object, *, file: str = BLUEPRINT_FILE, task: str = "?",
                    strict: bool = False, warnings: list[str] | None = None
                    ) -> list[BlueprintBlock]:
    """Every block of a task's lines; a later line wins where two place the same position.

    A line that cannot be read is skipped, and a problem that leaves a line readable is
    passed over; each is reported as one warning quoting the line (`line N: what in '...'`),
    appended to `warnings` and logged. With `strict`, the first of them is a TaskError
    instead. A task with no readable line is a TaskError either way."""
    if not isinstance(lines, list) or not lines:
        raise TaskError(f"{where(file, task)}: expected a nonempty list of text lines")
    from env.rulebook import build_height

    low, high = build_height()
    by_pos: dict[Pos, BlueprintBlock] = {}
    found: list[str] = []
    for n, line in enumerate(lines, start=1):
        at = where(file, task, f"line {n}")
        if not isinstance(line, str):
            raise TaskError(f"{at}: expected a text line, got {line!r}")
        quoted = repr(line.strip()[:120])

        def warn(what: str, n: int = n, at: str = at, quoted: str = quoted) -> None:
            if strict:
                raise TaskError(f"{at}: {what} in {quoted}")
            text = f"line {n}: {what} in {quoted}"
            found.append(text)
            log.warning("%s, task %r, %s", file, task, text)

        try:
            blocks = parse_line(line, warn)
        except (LineError, TaskError) as exc:
            msg = str(exc).removeprefix("block: ")
            if strict or msg.startswith(at):
                raise TaskError(msg if msg.startswith(at) else f"{at}: {msg} in {quoted}") \
                    from None
            warn(f"skipped: {msg}")
            continue
        for b in blocks:
            if not low <= b.pos[1] <= high:
                warn(f"{b.name} at {list(b.pos)} is outside the world's build height "
                     f"(y {low} to {high}); left out")
                continue
            by_pos.pop(b.pos, None)
            by_pos[b.pos] = b
    if warnings is not None:
        warnings.extend(found)
    if not by_pos:
        first = f" ({found[0]})" if found else ""
        raise TaskError(f"{where(file, task)}: no blueprint line could be read{first}")
    return list(by_pos.values())


def material_items(blueprint: list[BlueprintBlock], *, at: str = "") -> dict[str, int]:
    """The items that place the blueprint, {item: count} in first-use order: each block's
    placing item (`env.placement`: wheat from wheat seeds, wall_torch from a torch, water from
    a water bucket, fire from one flint and steel that is not used up)."""
    from env.placement import placement

    for b in blueprint:
        found = placement(b.name)
        if found is not None and found.item is None and b.name not in AIR:
            raise TaskError(f"{at}: block {b.name!r} cannot be placed by a player "
                            f"({found.why})")
    return material_needs([b.name for b in blueprint if b.name not in AIR])


def _placeable(blueprint: list[BlueprintBlock], at: str, strict: bool,
               warnings: list[str]) -> list[BlueprintBlock]:
    """The blueprint without the blocks no player can place (a portal, a piston's head),
    each left out with a warning (with `strict`, a TaskError). Air stays: it asks for an
    empty cell."""
    from env.placement import placement

    kept: list[BlueprintBlock] = []
    for b in blueprint:
        found = placement(b.name)
        if b.name in AIR or found is None or found.item is not None:
            kept.append(b)
            continue
        what = f"block {b.name!r} at {list(b.pos)} cannot be placed by a player ({found.why})"
        if strict:
            raise TaskError(f"{at}: {what}")
        warnings.append(f"{what}; left out")
        log.warning("%s: %s; left out", at, what)
    if not kept:
        raise TaskError(f"{at}: no block of the blueprint can be placed")
    return kept


def _falling(blueprint: list[BlueprintBlock], at: str, strict: bool,
             warnings: list[str]) -> None:
    """Say which blueprint blocks cannot stay where the blueprint puts them because they fall
    (env/data/gravity.json: sand, gravel, concrete powder, anvils) and the blueprint leaves
    the cell under them free (air, a plant) above open ground: no build reaches such a
    blueprint, in the game either. A warning each (with `strict`, a TaskError); the blocks
    stay in the blueprint, which scores them."""
    from env.gravity import falls, is_free

    cells = {b.pos: b.name for b in blueprint}
    falling: set[Pos] = set()  # lowest first: a block on one that falls falls too
    for b in sorted(blueprint, key=lambda b: b.pos[1]):
        x, y, z = b.pos
        if not falls(b.name) or y <= STAND_Y:
            continue
        below = cells.get((x, y - 1, z), "air")
        if (x, y - 1, z) in falling:
            why = f"the {below} under it falls"
        elif is_free(BlockState(name=below)):
            why = f"the blueprint leaves {list((x, y - 1, z))} under it {below}"
        else:
            continue
        falling.add(b.pos)
        what = f"{b.name} at {list(b.pos)} cannot stay: {why}, so it falls"
        if strict:
            raise TaskError(f"{at}: {what}")
        warnings.append(f"{what}; kept")
        log.warning("%s: %s; kept", at, what)


# The chest stands this far past the blueprint's box, so that builders fetching from it (within
# reach, 2.5 blocks) never stand on a cell that is to be built.
HUB_GAP = 4
SCAFFOLD = "dirt"
SCAFFOLD_COUNT = 16


def import_construction(name: str, lines: object, *, file: str = BLUEPRINT_FILE,
                        strict: bool = False) -> TaskSpec:
    """Build the TaskSpec of one blueprint task. Lines skipped or read in part are listed in
    the spec's `import_warnings`; with `strict` the first is a TaskError (`parse_blueprint`)."""
    warnings: list[str] = []
    blueprint = parse_blueprint(lines, file=file, task=name, strict=strict, warnings=warnings)
    blueprint = _placeable(blueprint, where(file, name), strict, warnings)
    _falling(blueprint, where(file, name), strict, warnings)
    items = material_items(blueprint, at=where(file, name))
    xs = [b.pos[0] for b in blueprint]
    ys = [b.pos[1] for b in blueprint]
    zs = [b.pos[2] for b in blueprint]
    lo, hi = (min(xs), min(ys), min(zs)), (max(xs), max(ys), max(zs))
    hub = (hi[0] + HUB_GAP, STAND_Y, (lo[2] + hi[2]) // 2)
    chest = BlockSpec(name="chest", pos=hub, state={"facing": "east"})
    spawn = free_cells_near((hub[0] + 2, STAND_Y, hub[2]), {hub}, avoid=[(lo, hi)])
    # Every builder carries a little scaffolding (as a player would), for blueprint blocks that
    # float until their neighbours are built: place dirt under them, then dig it away.
    world = WorldSetup(blocks=[chest],
                       containers=[ContainerSpec(pos=hub, facing="east", items=items)],
                       spawn=spawn, bounds=bounds_covering([lo, hi, hub, *spawn]),
                       agent_items={SCAFFOLD: SCAFFOLD_COUNT})
    text = "\n".join(str(line).strip() for line in lines)  # type: ignore[union-attr]
    description = (f"Build the blueprint ({len(blueprint)} blocks; materials in the chest at "
                   f"{list(hub)}):\n{text}")
    return TaskSpec(id=f"construction/{name}", family="construction", description=description,
                    world=world, goal=ConstructionGoal(blueprint=blueprint), hub=hub,
                    budget_s=construction_budget(blueprint), import_warnings=warnings)
