"""What holds up a block that cannot float (crops on farmland, torches, ladders, levers,
buttons, rails, carpets, flowers on dirt), as vanilla 1.19.2 rules it.

The rules are data (env/data/support.json, read by env/js/support.js too). A support rule says
where the supporting block is (below, behind a wall block, or by a lever's `face`) and what it
must offer on the face that touches: a block by name (a crop only on farmland), a sturdy face
(the whole face covered by its collision shape), the face's middle, any collision shape, or just
not air. `refusal` is the placement check; `popped` lists the blocks that fall off when a block
is broken (they drop their loot, as vanilla pops them).

    >>> from env.world import BlockState
    >>> ground = {(0, -61, 0): BlockState(name="grass_block")}
    >>> at = lambda p: ground.get(p, BlockState(name="air"))
    >>> refusal("wheat", {}, (0, -60, 0), at).code.value
    'needs_soil'
    >>> refusal("torch", {}, (0, -60, 0), at) is None
    True
    >>> refusal("wall_torch", {"facing": "east"}, (0, -60, 0), at).code.value
    'needs_support'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Literal

from env.collision import collision_boxes
from env.connections import support_boxes
from env.facing import placed_facing
from env.refusals import Code, Refusal, refuse
from env.world import BlockState, Model, Pos

SUPPORT_FILE = Path(__file__).parent / "data" / "support.json"
AIRS = frozenset({"air", "cave_air", "void_air"})
CENTRE = (7 / 16, 9 / 16)
"""The middle of a face a torch needs (vanilla's canSupportCenter box, 7 to 9 pixels)."""
FULL = (0.0, 1.0)
_EPS = 1e-9
# Unit steps by direction; a block facing east hangs on the block west of it.
STEP: dict[str, Pos] = {"up": (0, 1, 0), "down": (0, -1, 0), "north": (0, 0, -1),
                        "south": (0, 0, 1), "east": (1, 0, 0), "west": (-1, 0, 0)}
OPPOSITE = {"up": "down", "down": "up", "north": "south", "south": "north", "east": "west",
            "west": "east"}

BlockAt = Callable[[Pos], BlockState]


class SupportRule(Model):
    """One rule of env/data/support.json."""

    id: str
    side: Literal["below", "behind", "face"]
    needs: Literal["blocks", "full", "center", "collides", "not_air"]
    on: tuple[str, ...] = ()
    blocks: tuple[str, ...]
    not_on: tuple[str, ...] = ()
    """Blocks that never hold it, whatever their faces (a snow cover on ice)."""
    also_on: tuple[str, ...] = ()
    """Blocks that always hold it: a name, or name[state=value] (a full snow cover)."""

    def names(self, block: str) -> bool:
        """Whether this rule names `block` (exactly, or by a `*suffix` pattern)."""
        return any(block == b or (b.startswith("*") and block.endswith(b[1:]))
                   for b in self.blocks)


@cache
def _two_tall() -> tuple[str, ...]:
    return tuple(json.loads(SUPPORT_FILE.read_text())["two_tall"])


def two_tall(block: str) -> bool:
    """Whether `block` is two cells tall, a lower and an upper half (a door, a sunflower, tall
    grass: env/data/support.json `two_tall`); placing it puts both halves.

    >>> two_tall("oak_door"), two_tall("sunflower"), two_tall("poppy")
    (True, True, False)
    """
    return any(block == b or (b.startswith("*") and block.endswith(b[1:])) for b in _two_tall())


@cache
def _data() -> tuple[tuple[SupportRule, ...], frozenset[str]]:
    data = json.loads(SUPPORT_FILE.read_text())
    dirt = frozenset(data["dirt_tag"])
    rules = []
    for raw in data["rules"]:
        on: list[str] = []
        for name in raw.get("on", []):
            on.extend(sorted(dirt) if name == "#dirt" else [name])
        rules.append(SupportRule(**{**raw, "on": tuple(on)}))
    return tuple(rules), dirt


def rule_for(block: str) -> SupportRule | None:
    """The support rule of `block` (None: it needs no support).

    >>> rule_for("carrots").on, rule_for("stone") is None
    (('farmland',), True)
    """
    for rule in _data()[0]:
        if rule.names(block):
            return rule
    return None


def support_side(rule: SupportRule, state: Mapping[str, object]) -> str:
    """The direction from the block to its support: down for `below`; opposite its facing
    for `behind` (north when it has none, the block's default); by `face` for a switch
    (floor: down, ceiling: up, wall: opposite its facing; no face: wall, the default)."""
    facing = str(state.get("facing", "north"))
    if rule.side == "below":
        return "down"
    if rule.side == "face":
        face = str(state.get("face", "wall"))  # the default state: on a wall
        if face == "floor":
            return "down"
        if face == "ceiling":
            return "up"
    return OPPOSITE.get(facing, "south")


def face_covered(name: str, state: Mapping[str, object], face: str,
                 span: tuple[float, float]) -> bool:
    """Whether block `name` in `state` covers the square `span` x `span` of its `face`
    (up, down, north, ...) with one box of its support shape (isFaceSturdy reads
    getBlockSupportShape: the collision shape from minecraft-data, a full cube for soul
    sand, mud and 8 snow layers: env/connections.py `support_boxes`)."""
    lo, hi = span
    for x0, y0, z0, x1, y1, z1 in support_boxes(name, state):
        if face in ("up", "down"):
            touches = y1 >= 1 - _EPS if face == "up" else y0 <= _EPS
            a0, a1, b0, b1 = x0, x1, z0, z1
        elif face in ("east", "west"):
            touches = x1 >= 1 - _EPS if face == "east" else x0 <= _EPS
            a0, a1, b0, b1 = y0, y1, z0, z1
        else:
            touches = z1 >= 1 - _EPS if face == "south" else z0 <= _EPS
            a0, a1, b0, b1 = x0, x1, y0, y1
        if touches and a0 <= lo + _EPS and a1 >= hi - _EPS and b0 <= lo + _EPS \
                and b1 >= hi - _EPS:
            return True
    return False


def holds(rule: SupportRule, support: BlockState, face: str) -> bool:
    """Whether `support` holds a block of `rule` on its `face` (the face towards the block)."""
    if support.name in rule.not_on:
        return False
    if any(_names_state(spec, support) for spec in rule.also_on):
        return True
    if rule.needs == "blocks":
        return support.name in rule.on
    if rule.needs == "not_air":
        return support.name not in AIRS
    if rule.needs == "collides":
        return bool(collision_boxes(support.name, support.state))
    span = FULL if rule.needs == "full" else CENTRE
    return face_covered(support.name, support.state, face, span)


def _names_state(spec: str, block: BlockState) -> bool:
    """Whether `spec` ("name" or "name[key=value]") names `block` in its state."""
    name, _, rest = spec.partition("[")
    if block.name != name:
        return False
    if not rest:
        return True
    key, _, value = rest.rstrip("]").partition("=")
    return str(block.state.get(key, "")).lower() == value


def _upper_half(state: Mapping[str, object]) -> bool:
    return str(state.get("half", "")) == "upper"


def supported(block: str, state: Mapping[str, object], pos: Pos, block_at: BlockAt) -> bool:
    """Whether `block` in `state` at `pos` stands as vanilla lets it (True for a block without
    a rule, and for the upper half of a door or tall plant: its lower half holds it)."""
    rule = rule_for(block)
    if rule is None:
        return True
    if _upper_half(state):
        below = block_at((pos[0], pos[1] - 1, pos[2]))
        return below.name == block
    side = support_side(rule, state)
    dx, dy, dz = STEP[side]
    return holds(rule, block_at((pos[0] + dx, pos[1] + dy, pos[2] + dz)), OPPOSITE[side])


def refusal(block: str, state: Mapping[str, object], pos: Pos,
            block_at: BlockAt) -> Refusal | None:
    """Why `block` in `state` cannot be placed at `pos` for want of support (None: it can):
    needs_soil (a crop off farmland, a flower off dirt) or needs_support (a torch, ladder,
    lever, rail, carpet ... with nothing that holds it)."""
    rule = rule_for(block)
    if rule is None or supported(block, state, pos, block_at):
        return None
    side = support_side(rule, state)
    dx, dy, dz = STEP[side]
    at = (pos[0] + dx, pos[1] + dy, pos[2] + dz)
    if rule.needs == "blocks":
        return refuse(Code.NEEDS_SOIL, item=block, pos=pos, soil=_soils(rule),
                      below=block_at(at).name)
    return refuse(Code.NEEDS_SUPPORT, item=block, pos=pos, side=side, support=at,
                  block=block_at(at).name, needs=rule.needs)


def _soils(rule: SupportRule) -> str:
    dirt = _data()[1]
    names = [n for n in rule.on if n not in dirt]
    if dirt <= set(rule.on):
        names = ["dirt or grass (#dirt)", *names]
    return " or ".join(names)


def popped(removed: Pos, block_at: BlockAt, *, cleared: bool = True) -> list[Pos]:
    """The cells whose blocks fall off once the block at `removed` is gone (`block_at` sees
    the world after it), in the order they go, cascading: a torch on a lever's block, the
    upper half of a door whose lower half went. With `cleared` False the cell `removed` was
    changed rather than emptied (a trigger's /setblock of another block there): what
    `block_at` says is there now is what holds its neighbours (vanilla's neighbour update
    after any block change)."""
    out: list[Pos] = []
    gone = {removed} if cleared else set()
    queue = [removed]

    def now(p: Pos) -> BlockState:
        return BlockState(name="air") if p in gone else block_at(p)

    while queue:
        x, y, z = queue.pop(0)
        for dx, dy, dz in STEP.values():
            cell = (x + dx, y + dy, z + dz)
            if cell in gone:
                continue
            b = now(cell)
            if b.name in AIRS or rule_for(b.name) is None:
                continue
            if not supported(b.name, b.state, cell, now):
                gone.add(cell)
                out.append(cell)
                queue.append(cell)
    return out


def looking(eyes: tuple[float, float, float], target: Pos) -> str:
    """The horizontal direction (north, south, east, west) a player at `eyes` faces when it
    looks at the middle of cell `target`: the larger of the two horizontal offsets (the game
    rounds the player's yaw to the nearest of the four; a tie goes to north or south).

    >>> looking((0.5, -60.0, 0.5), (0, -60, 2)), looking((0.5, -60.0, 0.5), (-3, -60, 1))
    ('south', 'west')
    """
    dx, dz = target[0] + 0.5 - eyes[0], target[2] + 0.5 - eyes[2]
    if abs(dx) > abs(dz):
        return "east" if dx > 0 else "west"
    return "south" if dz > 0 else "north"


def placed_state(block: str, facing: str | None,
                 look: str | None = None) -> dict[str, str | int | bool]:
    """The state a placed `block` gets from the action's `facing`: an axis (x, y, z) or a
    facing; a lever or button also its `face` (no facing or up: on the floor; down: on the
    ceiling; a side: on the wall behind it, facing away from it), as a player's click sets it.
    On the floor or ceiling a lever or button faces `look`, the horizontal direction the
    player faces (vanilla's FaceAttachedHorizontalDirectionalBlock.getStateForPlacement).
    Any other block without a facing takes the one env/facing.py's rule gives it from `look`
    (a furnace faces the player, stairs and doors face where it looks).

    >>> placed_state("lever", "east"), placed_state("stone_button", None)
    ({'facing': 'east', 'face': 'wall'}, {'face': 'floor'})
    >>> placed_state("lever", None, look="south")
    {'face': 'floor', 'facing': 'south'}
    >>> placed_state("furnace", None, look="south"), placed_state("oak_stairs", None, look="south")
    ({'facing': 'north'}, {'facing': 'south'})
    """
    state: dict[str, str | int | bool] = {}
    if facing in ("x", "y", "z"):
        state["axis"] = facing
        return state
    rule = rule_for(block)
    if rule is not None and rule.side == "face":
        if facing in (None, "up"):
            state["face"] = "floor"
        elif facing == "down":
            state["face"] = "ceiling"
        else:
            state.update(facing=facing, face="wall")
        if state["face"] != "wall" and look is not None:
            state["facing"] = look
        return state
    if facing is None and look is not None:
        facing = placed_facing(block, look)  # a furnace faces the player, stairs look away
    if facing is not None:
        state["facing"] = facing
    return state
