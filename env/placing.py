"""The state a placed block takes from how the place action places it, as vanilla 1.19.2's
getStateForPlacement of its class rules it (env/data/placed_states.json and
env/data/facing.json, read by env/js/placing.js too): which face of which neighbour the action
clicks, the nearest of six directions to the player's look, a slab's, stairs' or trapdoor's
half from the clicked face, a door's hinge from its neighbours, a bed's head cell.

The action has no yaw, pitch or hit point of its own. Both backends derive them the same way:
the player looks from its eyes (feet + 1.62) at the middle of the placed cell (`looking`,
`nearest_looking`); it clicks the first neighbour `click_side` names, at the middle of the
face that touches the cell (so a side face is hit at half height: `HIT_Y`).

    >>> feet = (0.5, -60.0, 0.5)
    >>> nearest_looking(feet, (1, -60, 1)), nearest_looking(feet, (0, -60, 3))
    ('down', 'south')
    >>> placed_half("oak_slab", "down", HIT_Y), placed_half("oak_stairs", "up", HIT_Y)
    (('type', 'top'), ('half', 'bottom'))
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from env.collision import FULL, collision_boxes
from env.facing import HORIZONTAL, OPPOSITE, facing_rule, placed_facing
from env.replaceable import replaceable
from env.support import STEP, looking, placed_state, rule_for, support_side
from env.world import EYE_HEIGHT, BlockState, Pos

STATES_FILE = Path(__file__).parent / "data" / "placed_states.json"
SIDES = ("down", "up", "east", "west", "south", "north")
"""The order in which the place action tries the neighbours of the cell to click."""
AXIS_SIDES = {"x": ("east", "west", "down", "up", "south", "north"),
              "z": ("south", "north", "down", "up", "east", "west")}
"""With an axis asked for, the neighbours along it first (a log takes the clicked face's axis)."""
HIT_Y = 0.5
"""Height of the hit point on a side face, above the placed cell's bottom (its middle)."""

BlockAt = Callable[[Pos], BlockState]


def _names(patterns: list[str], block: str) -> bool:
    return any(block == b or (b.startswith("*") and block.endswith(b[1:])) for b in patterns)


@cache
def _data() -> dict:
    return json.loads(STATES_FILE.read_text())


def nearest_looking(eyes_feet: tuple[float, float, float], target: Pos) -> str:
    """The nearest of the six directions to the look of a player whose feet are at
    `eyes_feet` and who looks at the middle of cell `target` (vanilla's
    getNearestLookingDirection: the largest component of the look; a vertical one only when
    it is larger than both horizontal ones, else the horizontal `looking`)."""
    dy = target[1] + 0.5 - (eyes_feet[1] + EYE_HEIGHT)
    dx, dz = target[0] + 0.5 - eyes_feet[0], target[2] + 0.5 - eyes_feet[2]
    if abs(dy) > max(abs(dx), abs(dz)):
        return "up" if dy > 0 else "down"
    return looking(eyes_feet, target)


def click_side(item: str, pos: Pos, facing: str | None, block_at: BlockAt,
               solid: Callable[[str], bool], places_with: str | None = None) -> str | None:
    """The side of `pos` whose neighbour the place action clicks to put `item` there (down:
    the block below, whose top face is clicked), or None when no neighbour can be clicked.
    A block that cannot float clicks its support (env/data/support.json; a wall block
    without a facing hangs on its default, north's back); any other the first neighbour in
    `SIDES` order (`AXIS_SIDES` for an asked axis) that is `solid` (minecraft-data's
    boundingBox `block`), else the first that is not replaceable by `places_with` (the item
    held). The JS action body clicks the same (env/js/placing.js `clickSide`)."""
    rule = rule_for(item)
    if rule is not None:
        want = facing if facing is not None or rule.side != "behind" else "north"
        side = support_side(rule, placed_state(item, want))
        n = _neighbour(pos, side, block_at)
        return side if not replaceable(n.name, n.state, places_with) else None
    order = AXIS_SIDES.get(facing or "", SIDES)
    for full in (True, False):
        for side in order:
            n = _neighbour(pos, side, block_at)
            if not replaceable(n.name, n.state, places_with) and (not full or solid(n.name)):
                return side
    return None


def _neighbour(pos: Pos, side: str, block_at: BlockAt) -> BlockState:
    dx, dy, dz = STEP[side]
    return block_at((pos[0] + dx, pos[1] + dy, pos[2] + dz))


def placed_half(block: str, clicked: str, hit_y: float = HIT_Y) -> tuple[str, str] | None:
    """(property, value) of the half a slab (`type`), stairs or a trapdoor (`half`) takes when
    its placing click hits face `clicked` (pointing at the cell: up for the top of the block
    below) at height `hit_y` above the cell's bottom: top for a bottom face or a side face hit
    above its middle, else bottom; None for a block without a half."""
    for rule in _data()["half"]["rules"]:
        if _names(rule["blocks"], block):
            top = clicked == "down" or (clicked != "up" and hit_y > 0.5)
            return rule["property"], "top" if top else "bottom"
    return None


def _full_cube(b: BlockState) -> bool:
    return collision_boxes(b.name, b.state) == FULL


def door_hinge(block: str, pos: Pos, look: str, block_at: BlockAt,
               hit: tuple[float, float] = (0.5, 0.5)) -> str | None:
    """The hinge (left, right) of door `block` placed at `pos` by a player looking `look`
    whose click hit (x, z) within the cell, as DoorBlock.getHinge rules it (placed_states.json
    `hinge`); None for a block that is not a door."""
    if not _names(_data()["hinge"]["blocks"], block):
        return None
    i = HORIZONTAL.index(look)
    left, right = HORIZONTAL[(i + 3) % 4], HORIZONTAL[(i + 1) % 4]
    up = (pos[0], pos[1] + 1, pos[2])
    total = sum(sign * _full_cube(_neighbour(cell, side, block_at))
                for sign, side in ((-1, left), (1, right)) for cell in (pos, up))

    def door(side: str) -> bool:
        n = _neighbour(pos, side, block_at)
        return n.name == block and str(n.state.get("half", "lower")) == "lower"

    on_left, on_right = door(left), door(right)
    if (on_left and not on_right) or total > 0:
        return "right"
    if (on_right and not on_left) or total < 0:
        return "left"
    sx, _, sz = STEP[look]
    x, z = hit
    keep = ((sx >= 0 or not z < 0.5) and (sx <= 0 or not z > 0.5)
            and (sz >= 0 or not x > 0.5) and (sz <= 0 or not x < 0.5))
    return "left" if keep else "right"


def head_cell(block: str, pos: Pos, facing: str | None, look: str) -> Pos | None:
    """The cell of a bed's head (placed_states.json `head`): the next cell the way it faces,
    the asked `facing` when it is horizontal, else the look (BedBlock); None for a block
    that is not a bed.

    >>> head_cell("white_bed", (0, -60, 0), None, "east")
    (1, -60, 0)
    """
    if not _names(_data()["head"]["blocks"], block):
        return None
    dx, dy, dz = STEP[facing if facing in HORIZONTAL else look]
    return (pos[0] + dx, pos[1] + dy, pos[2] + dz)


def _stairs(b: BlockState) -> bool:
    return _names(_data()["shape"]["blocks"], b.name)


def stairs_shape(facing: str, half: str, pos: Pos, block_at: BlockAt) -> str:
    """The `shape` of stairs facing `facing` with `half` at `pos` among its neighbours
    (StairBlock.getStairsShape, placed_states.json `shape`): straight, inner_left,
    inner_right, outer_left or outer_right.

    >>> east = BlockState(name="oak_stairs", state={"facing": "east"})
    >>> stairs_shape("south", "bottom", (0, 0, 0),
    ...              lambda p: east if p == (0, 0, -1) else BlockState(name="air"))
    'inner_left'
    """
    i = HORIZONTAL.index(facing)
    ccw = HORIZONTAL[(i + 3) % 4]

    def like(b: BlockState) -> bool:
        return _stairs(b) and str(b.state.get("half", "bottom")) == half

    def can_take(side: str) -> bool:
        other = _neighbour(pos, side, block_at)
        return not (like(other) and str(other.state.get("facing", "north")) == facing)

    axis = facing in ("east", "west")
    behind = _neighbour(pos, facing, block_at)
    if like(behind):
        d = str(behind.state.get("facing", "north"))
        if (d in ("east", "west")) != axis and can_take(OPPOSITE[d]):
            return "outer_left" if d == ccw else "outer_right"
    front = _neighbour(pos, OPPOSITE[facing], block_at)
    if like(front):
        d = str(front.state.get("facing", "north"))
        if (d in ("east", "west")) != axis and can_take(d):
            return "inner_left" if d == ccw else "inner_right"
    return "straight"


def reshaped(pos: Pos, block_at: BlockAt) -> dict[Pos, BlockState]:
    """The stairs at `pos` and beside it (horizontally) whose `shape` is not the one
    `stairs_shape` gives them in the world `block_at` shows (after a block was placed at
    `pos`), with their new state."""
    out: dict[Pos, BlockState] = {}
    for cell in (pos, *(_step(pos, side) for side in HORIZONTAL)):
        b = block_at(cell)
        if not _stairs(b):
            continue
        shape = stairs_shape(str(b.state.get("facing", "north")),
                             str(b.state.get("half", "bottom")), cell, block_at)
        if str(b.state.get("shape", "straight")) != shape:
            out[cell] = BlockState(name=b.name, state={**b.state, "shape": shape})
    return out


def _step(pos: Pos, side: str) -> Pos:
    dx, dy, dz = STEP[side]
    return (pos[0] + dx, pos[1] + dy, pos[2] + dz)


def hit_point(clicked: str) -> tuple[float, float, float]:
    """Where the place action's click hits face `clicked`, relative to the placed cell's
    lowest corner: the middle of the face of the neighbour that touches the cell.

    >>> hit_point("up"), hit_point("west")
    ((0.5, 0.0, 0.5), (1.0, 0.5, 0.5))
    """
    dx, dy, dz = STEP[OPPOSITE[clicked]]
    return (0.5 + 0.5 * dx, 0.5 + 0.5 * dy, 0.5 + 0.5 * dz)


def placing_extras(block: str, facing: str | None, pos: Pos, look: str, nearest: str,
                   clicked: str | None, block_at: BlockAt,
                   hit: tuple[float, float, float] | None = None) -> dict[str, object]:
    """What the click adds to the state of `block` placed at `pos` (its lower half or foot)
    beyond env/support.py `placed_state`: when the action asks no `facing`, the facing of a
    block that takes it from the nearest look or the clicked face (a barrel, an end rod, a
    trapdoor); the half by the clicked face; a door's hinge (from the look, as vanilla's
    getHorizontalDirection); a bed's part (foot). `hit` is the click's hit point relative to
    the cell's lowest corner (`hit_point(clicked)` when not given).

    >>> at = lambda p: BlockState(name="stone" if p[1] < -60 else "air")
    >>> placing_extras("barrel", None, (0, -60, 1), "south", "down", "up", at)
    {'facing': 'up'}
    >>> placing_extras("oak_trapdoor", None, (0, -60, 1), "south", "down", "up", at)
    {'facing': 'north', 'half': 'bottom'}
    """
    out: dict[str, object] = {}
    if facing is None and facing_rule(block) not in (None, "toward", "look", "clockwise"):
        against = None
        if clicked is not None:
            b = _neighbour(pos, OPPOSITE[clicked], block_at)
            f = b.state.get("facing")
            against = (b.name, str(f) if f is not None else None)
        faced = placed_facing(block, look, nearest=nearest, clicked=clicked, against=against)
        if faced is not None:
            out["facing"] = faced
    if hit is None:
        hit = hit_point(clicked) if clicked is not None else (0.5, HIT_Y, 0.5)
    if clicked is not None:
        half = placed_half(block, clicked, hit[1])
        if half is not None:
            out[half[0]] = half[1]
    hinge = door_hinge(block, pos, look, block_at, (hit[0], hit[2]))
    if hinge is not None:
        out["hinge"] = hinge
    if head_cell(block, pos, facing, look) is not None:
        out["part"] = "foot"
    return out
