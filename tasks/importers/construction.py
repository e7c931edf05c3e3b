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

import re
from dataclasses import dataclass
from typing import Literal

from env.goals import BlueprintBlock, ConstructionGoal
from env.world import STAND_Y, BlockSpec, ContainerSpec, Pos, WorldSetup
from tasks.importers.common import (
    TaskError,
    bounds_covering,
    check_block,
    free_cells_near,
    known_items,
    where,
)
from tasks.spec import TaskSpec
from tasks.villagerbench import construction_budget

BLUEPRINT_FILE = "blueprint_description_all.json"

BlueprintFacing = Literal["north", "south", "east", "west", "up", "down", "x", "y", "z"] | None

_FACINGS: dict[str, BlueprintFacing] = {
    "a": None, "any": None, "none": None,
    "x": "x", "y": "y", "z": "z",
    "n": "north", "s": "south", "e": "east", "w": "west", "u": "up", "d": "down",
    "north": "north", "south": "south", "east": "east", "west": "west", "up": "up",
    "down": "down",
}
_GROUP_KEYS = ("material", "name")
_POSITION_KEYS = ("position", "coords", "coord", "pos")
_SHAPES = ("rectangle", "box", "cuboid", "square")
_TOKEN = re.compile(r"""\s*(?:
    (?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*:(?!:) |
    (?P<open>\[) | (?P<close>\]) |
    (?P<num>[+-]?\d+(?:\.\d+)?) |
    (?P<word>[A-Za-z_][A-Za-z0-9_]*) |
    (?P<comma>,)
)""", re.VERBOSE)

# Blocks whose item has another name (a blueprint may hold them; the chest holds the item).
_BLOCK_ITEMS = {"redstone_wire": "redstone", "wall_torch": "torch", "carrots": "carrot",
                "potatoes": "potato", "beetroots": "beetroot_seeds", "cocoa": "cocoa_beans",
                "tripwire": "string", "soul_wall_torch": "soul_torch",
                "redstone_wall_torch": "redstone_torch"}


class LineError(ValueError):
    """A problem in one blueprint line (the caller adds the file, task and line number)."""


@dataclass(frozen=True)
class Pair:
    key: str
    value: object


Node = object  # int | float | str | Pair | list[Node]


def tokenize(line: str) -> list[tuple[str, str]]:
    """(kind, text) tokens of a blueprint line: key, open, close, num, word."""
    text = line.replace("minecraft:", "")
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text[i:].strip() == "":
            break
        m = _TOKEN.match(text, i)
        if not m or m.end() == i:
            bad = text[i:].lstrip()[:20]
            raise LineError(f"cannot read {bad!r}")
        kind = m.lastgroup or ""
        if kind != "comma":
            out.append((kind, m.group(kind)))
        i = m.end()
    return out


def parse_tokens(tokens: list[tuple[str, str]]) -> list[Node]:
    """Nested lists and key/value pairs from the tokens of one line."""
    pos = 0

    def value() -> Node:
        nonlocal pos
        if pos >= len(tokens):
            raise LineError("the line ends where a value was expected")
        kind, text = tokens[pos]
        if kind == "open":
            pos += 1
            items = seq()
            if pos >= len(tokens) or tokens[pos][0] != "close":
                raise LineError("a '[' is never closed")
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
                items.append(Pair(text.lower(), value()))
            else:
                items.append(value())
        return items

    items = seq()
    if pos != len(tokens):
        raise LineError("unexpected ']'")
    return items


def _facing(value: Node) -> BlueprintFacing:
    if not isinstance(value, str) or value.lower() not in _FACINGS:
        raise LineError(f"unknown facing {value!r} (A, x, y, z, N, S, E, W, or a direction)")
    return _FACINGS[value.lower()]


def _coord(value: Node, what: str) -> Pos:
    if not isinstance(value, list) or len(value) != 3 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise LineError(f"{what} must be [x y z], got {_show(value)}")
    if any(v != int(v) for v in value):  # type: ignore[arg-type]
        raise LineError(f"{what} must be whole numbers, got {_show(value)}")
    return (int(value[0]), int(value[1]), int(value[2]))  # type: ignore[arg-type]


def _coords(value: Node, what: str) -> list[Pos]:
    """One [x y z], or a list of them."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return [_coord(v, what) for v in value]
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


Placed = list[tuple[Pos, BlueprintFacing, bool]]
"""(position, facing, facing given here) for the cells of one group, in order."""


def _position_list(items: list[Node]) -> Placed:
    """The cells of a `positions:[...]` list; a `facing:` sets the entry just before it."""
    out: Placed = []
    chunks: list[tuple[int, int]] = []  # (start, end) in `out` of each entry
    i = 0
    while i < len(items):
        item = items[i]
        start = len(out)
        if isinstance(item, list):
            out += [(p, None, False) for p in _coords(item, "a position")]
        elif isinstance(item, Pair) and item.key in _POSITION_KEYS:
            out += [(p, None, False) for p in _coords(item.value, item.key)]
        elif isinstance(item, Pair) and item.key == "start":
            nxt = items[i + 1] if i + 1 < len(items) else None
            if not (isinstance(nxt, Pair) and nxt.key == "end"):
                raise LineError(f"'start:{_show(item.value)}' has no 'end:' after it")
            cells = _box(_coord(item.value, "start"), _coord(nxt.value, "end"))
            out += [(p, None, False) for p in cells]
            i += 1
        elif isinstance(item, Pair) and item.key == "facing":
            if not chunks:
                raise LineError("'facing:' inside positions comes before any position")
            s, e = chunks[-1]
            face = _facing(item.value)
            out[s:e] = [(p, face, True) for p, _, _ in out[s:e]]
            i += 1
            continue
        elif isinstance(item, Pair) and item.key == "positions":
            if not isinstance(item.value, list):
                raise LineError(f"positions must be a list, got {_show(item.value)}")
            out += _position_list(item.value)
        elif isinstance(item, Pair) and item.key == "end":
            raise LineError(f"'end:{_show(item.value)}' has no 'start:' before it")
        else:
            raise LineError(f"unexpected {_show(item)!r} in positions")
        chunks.append((start, len(out)))
        i += 1
    return out


def _group_cells(name: str, entries: list[Pair]) -> list[tuple[Pos, BlueprintFacing]]:
    """The blueprint cells of one `material:` group."""
    default: BlueprintFacing = None
    cells: Placed = []
    shape: str | None = None
    corners: list[Pos] | None = None
    missing: set[Pos] = set()
    height: int | None = None
    for pair in entries:
        key, value = pair.key, pair.value
        if key == "facing":
            default = _facing(value)
        elif key == "positions":
            if not isinstance(value, list) or not value:
                raise LineError(f"positions must be a nonempty list, got {_show(value)}")
            if all(isinstance(v, int | float) for v in value):
                cells += [(_coord(value, "positions"), None, False)]
            else:
                cells += _position_list(value)
        elif key in _POSITION_KEYS or key in ("start", "end"):
            cells += _position_list([pair])
        elif key == "shape":
            if not isinstance(value, str) or value.lower() not in _SHAPES:
                raise LineError(f"unknown shape {_show(value)!r} (rectangle)")
            shape = value.lower()
        elif key == "corners":
            corners = _coords(value, "a corner")
            if len(corners) not in (2, 4):
                raise LineError(f"corners needs 2 or 4 corners, got {len(corners)}")
        elif key == "missing":
            missing |= set(_coords(value, "a missing cell"))
        elif key == "height":
            if isinstance(value, bool) or not isinstance(value, int):
                raise LineError(f"height must be an integer, got {_show(value)}")
            height = value
        else:
            raise LineError(f"unknown key '{key}:' for {name}")
    if shape is not None and corners is None:
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


def parse_line(line: str) -> list[BlueprintBlock]:
    """The blueprint blocks one text line describes, in the line's order.

    >>> blocks = parse_line("[material:bone_block facing:y positions:[[1 2 3] [1 3 3]]]")
    >>> [(b.name, b.pos, b.facing) for b in blocks]
    [('bone_block', (1, 2, 3), 'y'), ('bone_block', (1, 3, 3), 'y')]
    """
    items: list[Node] = []
    for item in parse_tokens(tokenize(line)):
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
        if item.key in _GROUP_KEYS:
            if not isinstance(item.value, str):
                raise LineError(f"{item.key} must be a block name, got {_show(item.value)}")
            groups.append((item.value, []))
        elif not groups:
            raise LineError(f"'{item.key}:' comes before any 'material:'")
        else:
            groups[-1][1].append(item)
    out: list[BlueprintBlock] = []
    for name, entries in groups:
        block = check_block(name.lower(), "block")
        for pos, face in _group_cells(block, entries):
            out.append(BlueprintBlock(name=block, pos=pos, facing=face))
    return out


def parse_blueprint(lines: object, *, file: str = BLUEPRINT_FILE, task: str = "?"
                    ) -> list[BlueprintBlock]:
    """Every block of a task's lines; a later line wins where two place the same position."""
    if not isinstance(lines, list) or not lines:
        raise TaskError(f"{where(file, task)}: expected a nonempty list of text lines")
    by_pos: dict[Pos, BlueprintBlock] = {}
    for n, line in enumerate(lines, start=1):
        at = where(file, task, f"line {n}")
        if not isinstance(line, str):
            raise TaskError(f"{at}: expected a text line, got {line!r}")
        try:
            blocks = parse_line(line)
        except (LineError, TaskError) as exc:
            msg = str(exc).removeprefix("block: ")
            raise TaskError(f"{at}: {msg} in {line.strip()[:80]!r}") from None
        for b in blocks:
            by_pos.pop(b.pos, None)
            by_pos[b.pos] = b
    return list(by_pos.values())


def material_items(blueprint: list[BlueprintBlock], *, at: str = "") -> dict[str, int]:
    """The items needed to place the blueprint: {item: count}, in first-use order."""
    need: dict[str, int] = {}
    for b in blueprint:
        if b.name == "air":
            continue
        item = _BLOCK_ITEMS.get(b.name, b.name)
        if item not in known_items():
            raise TaskError(f"{at}: block {b.name!r} has no item to place it with")
        need[item] = need.get(item, 0) + 1
    return need


# The chest stands this far past the blueprint's box, so that builders fetching from it (within
# reach, 2.5 blocks) never stand on a cell that is to be built.
HUB_GAP = 4
SCAFFOLD = "dirt"
SCAFFOLD_COUNT = 16


def import_construction(name: str, lines: object, *, file: str = BLUEPRINT_FILE) -> TaskSpec:
    """Build the TaskSpec of one blueprint task."""
    blueprint = parse_blueprint(lines, file=file, task=name)
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
                    budget_s=construction_budget(blueprint))
