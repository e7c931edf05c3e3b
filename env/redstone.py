"""Redstone power of levers, buttons and pressure plates, and the doors, trapdoors and fence
gates it moves: the rule of Minecraft 1.19.2 as pure functions over a world read through
`block(pos)`. The geometry is data (env/data/redstone.json), read by the embedded server's
plugin (env/server/plugins/redstone.js) too, so both backends power the same blocks.

A powered source powers the six blocks sharing a face with it, and strongly powers the block
it is attached to; when that block is a redstone conductor (`is_conductor`: a full cube of a
solid-blocking material, stone, planks, dirt, slime, or soul sand or mud; not glass, leaves,
glowstone or ice), it powers the six blocks sharing a face with it in turn
(minecraft.wiki/w/Redstone_mechanics). A block diagonal to the source gets nothing. A door,
trapdoor or fence gate is powered when any of its cells is (both halves of a door); when its
power changes it opens if powered and shuts if not (`on_power`).

The circuit (`settle`, data `circuit`) adds blocks of redstone, redstone torches, redstone dust
and lamps, and is what both backends run after every block change: each component's state
is recomputed from the power its neighbours give it (vanilla's getSignal/getDirectSignal:
weak power to the blocks beside a component, strong power into the block a source hangs on,
above a torch, under or in front of dust, passed on by conductors), until no torch changes.
Pistons then move (`piston_moves`: extend and push, retract and pull, a head and its base go
together) and the circuit settles again around what they moved; moves happen at once (vanilla
takes 2 game ticks). The server's copy is env/server/circuit.js (tests/test_redstone_components.py
and tests/test_pistons.py compare them).

    >>> from env.world import BlockState
    >>> world = {(0, -61, 0): BlockState(name="stone")}
    >>> block = lambda p: world.get(p, BlockState(name="air"))
    >>> plate = BlockState(name="stone_pressure_plate", state={"powered": True})
    >>> sorted(powered_by((0, -60, 0), plate, block))[:3]
    [(-1, -61, 0), (-1, -60, 0), (0, -62, 0)]
    >>> (1, -60, 1) in powered_by((0, -60, 0), plate, block)
    False
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import cache
from pathlib import Path

from env.collision import collision_boxes
from env.world import BlockState, Pos, StateValue

DATA = json.loads((Path(__file__).parent / "data" / "redstone.json").read_text())
FACES: tuple[Pos, ...] = tuple(tuple(f) for f in DATA["faces"])  # type: ignore[misc]
REACH: int = DATA["reach"]
"""No source powers a block more than this many blocks away along any axis."""
POWER_ONLY: frozenset[str] = frozenset(DATA["power_only"])
"""Doors and trapdoors that a hand does not move (iron ones)."""
PLATE_INSET: float = DATA["plate_inset"]
PLATE_HEIGHT: float = DATA["plate_height"]
_FULL = (0.0, 0.0, 0.0, 1.0, 1.0, 1.0)

BlockAt = Callable[[Pos], BlockState]


def _truthy(value: StateValue | None) -> bool:
    return value is True or value == 1 or (isinstance(value, str) and value.lower() == "true")


def is_lever(name: str) -> bool:
    return name == "lever"


def is_button(name: str) -> bool:
    return name.endswith("_button")


def is_plate(name: str) -> bool:
    return name.endswith("_pressure_plate")


def is_source(name: str) -> bool:
    """A lever, a button or a pressure plate."""
    return is_lever(name) or is_button(name) or is_plate(name)


def is_openable(name: str) -> bool:
    """A door, a trapdoor or a fence gate: a block with an `open` state that power moves."""
    return name.endswith(tuple(DATA["openable_suffixes"]))


def source_powered(block: BlockState) -> bool:
    """Whether a lever, button or plate in this state gives power (a weighted plate by its
    `power` level, the others by `powered`)."""
    if block.name.endswith("weighted_pressure_plate"):
        return int(str(block.state.get("power", 0))) > 0
    return _truthy(block.state.get("powered"))


def weighted_power(name: str, players: int) -> int:
    """The `power` (0..15) of a weighted plate `name` with `players` on it (env/data/redstone.json
    `weighted_max`: vanilla's WeightedPressurePlateBlock). Raises KeyError for another block.

    >>> [weighted_power("light_weighted_pressure_plate", n) for n in (0, 1, 20)]
    [0, 1, 15]
    >>> [weighted_power("heavy_weighted_pressure_plate", n) for n in (1, 10, 11, 200)]
    [1, 1, 2, 15]
    """
    top = DATA["weighted_max"][name]
    return -(-15 * min(players, top) // top)


def attached_offset(block: BlockState) -> Pos:
    """Where the block a source hangs on is, relative to the source: below a plate or a
    floor lever/button, above a ceiling one, behind a wall one (opposite to its `facing`).

    >>> attached_offset(BlockState(name="lever", state={"face": "wall", "facing": "north"}))
    (0, 0, 1)
    """
    face = _prop(block, "face") or "floor"  # the game's default where the state is not given
    if is_plate(block.name) or face == "floor":
        return tuple(DATA["attached_below"])  # type: ignore[return-value]
    if face == "ceiling":
        return tuple(DATA["attached_above"])  # type: ignore[return-value]
    return tuple(DATA["attached_behind"][_prop(block, "facing") or "north"])  # type: ignore[return-value]


def is_conductor(block: BlockState) -> bool:
    """Whether strong power in this block powers its neighbours (isRedstoneConductor, rules in
    env/data/redstone.json `conductors`): `always` blocks (soul sand, mud), never the `never`
    ones (glass, pistons, a block of redstone) nor the `not_solid_blocking` ones (glowstone,
    sea lantern, ice, leaves, tnt), else when its collision shape is the full cube.

    >>> [is_conductor(BlockState(name=n)) for n in ("stone", "glass", "sea_lantern",
    ...                                            "slime_block", "soul_sand", "oak_slab")]
    [True, False, False, True, True, False]
    """
    rule = DATA["conductors"]
    if block.name in rule["always"]:
        return True
    if block.name in rule["never"] or block.name in rule["not_solid_blocking"]:
        return False
    return collision_boxes(block.name, block.state) == (_FULL,)


def _plus(a: Pos, b: Pos) -> Pos:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def powered_by(pos: Pos, source: BlockState, block: BlockAt) -> frozenset[Pos]:
    """The cells a powered source (`source`, at `pos`) powers: its six face neighbours and,
    through the block it is attached to when that conducts, that block's six neighbours."""
    out = {_plus(pos, f) for f in FACES}
    attached = _plus(pos, attached_offset(source))
    if is_conductor(block(attached)):
        out |= {_plus(attached, f) for f in FACES}
    out.discard(pos)
    return frozenset(out)


def near(pos: Pos, radius: int = REACH) -> Iterable[Pos]:
    """The cells within `radius` of `pos` along every axis (the cube around it)."""
    x, y, z = pos
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            for dz in range(-radius, radius + 1):
                yield (x + dx, y + dy, z + dz)


def receives_power(pos: Pos, block: BlockAt,
                   powered: Callable[[Pos, BlockState], bool] | None = None) -> bool:
    """Whether any neighbour gives `pos` power (`neighbour_signal`: sources, blocks of
    redstone, torches, dust, and what conducting blocks pass on). `powered(source_pos,
    source_block)` says whether a lever, button or plate gives power now (default: its block
    state)."""
    if powered is None:
        return neighbour_signal(pos, block) > 0

    def view(p: Pos) -> BlockState:
        b = block(p)
        if not is_source(b.name):
            return b
        on = powered(p, b)
        if b.name.endswith("weighted_pressure_plate"):
            return BlockState(name=b.name, state={**b.state,
                                                  "power": max(source_level(b), 1) if on else 0})
        return BlockState(name=b.name, state={**b.state, "powered": on})

    return neighbour_signal(pos, view) > 0


def openable_cells(pos: Pos, block: BlockAt) -> list[Pos]:
    """The cells of the door, trapdoor or fence gate at `pos`: both halves of a door (the
    other half is the same door just above or below, by its `half`), else `pos`; [] when no
    openable stands there."""
    here = block(pos)
    if not is_openable(here.name):
        return []
    if not here.name.endswith("_door"):
        return [pos]
    other = _plus(pos, (0, 1, 0) if str(here.state.get("half", "lower")) == "lower" else (0, -1, 0))
    return [pos, other] if block(other).name == here.name else [pos]


def openable_powered(pos: Pos, block: BlockAt,
                     powered: Callable[[Pos, BlockState], bool] | None = None) -> bool:
    """Whether the door, trapdoor or fence gate at `pos` receives power in any of its cells."""
    return any(receives_power(c, block, powered) for c in openable_cells(pos, block))


def on_power(state: Mapping[str, StateValue], signal: bool) -> dict[str, StateValue] | None:
    """An openable's new state when its neighbours change and it now receives `signal`: if
    that differs from its `powered` state, powered and open both become `signal` (vanilla's
    DoorBlock/TrapDoorBlock/FenceGateBlock.neighborChanged); else None, nothing changes (a
    door opened by hand stays open until its power changes).

    >>> on_power({"open": False, "powered": False}, True)
    {'open': True, 'powered': True}
    >>> on_power({"open": True, "powered": False}, False) is None
    True
    """
    if _truthy(state.get("powered")) == signal:
        return None
    return {**state, "open": signal, "powered": signal}


# -- the circuit: blocks of redstone, torches, dust and lamps ---------------------------------

CIRCUIT = DATA["circuit"]
WIRE: str = CIRCUIT["wire"]
TORCHES: dict[str, str] = CIRCUIT["torches"]
LAMPS: frozenset[str] = frozenset(CIRCUIT["lamps"])
CONSTANT: dict[str, int] = CIRCUIT["constant"]
MAX_POWER: int = CIRCUIT["max_power"]
HORIZONTAL: dict[str, Pos] = {k: tuple(v) for k, v in CIRCUIT["horizontal"].items()}  # type: ignore[misc]
SIDE_OF: dict[Pos, str] = {v: k for k, v in HORIZONTAL.items()}
UP: Pos = tuple(DATA["attached_above"])  # type: ignore[assignment]
DOWN: Pos = tuple(DATA["attached_below"])  # type: ignore[assignment]


def _prop(block: BlockState, name: str) -> str:
    from env.block_states import full_state
    return full_state(block.name, block.state).get(name, "")


def _neg(a: Pos) -> Pos:
    return (-a[0], -a[1], -a[2])


def is_signal_source(name: str) -> bool:
    """What dust connects to from the side and what spreads a circuit: a lever, button or
    plate, a torch, a constant source (block of redstone), dust (vanilla's isSignalSource)."""
    return is_source(name) or name in TORCHES or name in CONSTANT or name == WIRE


@cache
def is_component(name: str) -> bool:
    """A block whose state the circuit reads or sets: a signal source, a lamp, an openable,
    a piston or a piston's head."""
    return (is_signal_source(name) or name in LAMPS or is_openable(name)
            or name in CIRCUIT["pistons"]["bases"] or name == CIRCUIT["pistons"]["head"])


def source_level(block: BlockState) -> int:
    """The power (0..15) a lever, button or plate gives: a weighted plate its `power`, the
    others 15 while `powered`."""
    if block.name.endswith("weighted_pressure_plate"):
        return int(str(block.state.get("power", 0)))
    return MAX_POWER if _truthy(block.state.get("powered")) else 0


def torch_attached(block: BlockState) -> Pos:
    """Where the block a torch hangs on is, relative to it: below a floor torch, behind a wall
    torch (opposite its `facing`)."""
    if TORCHES[block.name] == "floor":
        return DOWN
    return tuple(DATA["attached_behind"][_prop(block, "facing")])  # type: ignore[return-value]


@cache
def _full_cube(name: str, state: tuple[tuple[str, StateValue], ...]) -> bool:
    return collision_boxes(name, dict(state)) == (_FULL,)


def is_sturdy(block: BlockState) -> bool:
    """Whether dust can stand on or climb this block: a full-cube collision shape."""
    return _full_cube(block.name, tuple(sorted(block.state.items())))


@cache
def _conducts(name: str, state: tuple[tuple[str, StateValue], ...]) -> bool:
    return is_conductor(BlockState(name=name, state=dict(state)))


def conducts(block: BlockState) -> bool:
    """`is_conductor`, remembered per state."""
    return _conducts(block.name, tuple(sorted(block.state.items())))


def weak_signal(block: BlockState, toward: Pos, wires: bool = True) -> int:
    """The power `block` gives the block beside it in direction `toward` (a unit vector from
    `block` to it); dust gives none while `wires` is False (dust reading its neighbours).

    >>> weak_signal(BlockState(name="redstone_torch"), (0, -1, 0))
    0
    >>> weak_signal(BlockState(name="redstone_wire", state={"power": 9, "east": "side"}), (1, 0, 0))
    9
    """
    name = block.name
    if is_source(name):
        return source_level(block)
    if name in CONSTANT:
        return CONSTANT[name]
    if name in TORCHES:
        lit = _prop(block, "lit") == "true"
        return MAX_POWER if lit and toward != torch_attached(block) else 0
    if name == WIRE and wires:
        level = int(_prop(block, "power"))
        if level == 0 or toward == UP:
            return 0
        if toward == DOWN:
            return level
        return level if _prop(block, SIDE_OF[toward]) != "none" else 0
    return 0


def strong_signal(block: BlockState, toward: Pos, wires: bool = True) -> int:
    """The strong power `block` gives the block beside it in direction `toward`: a source the
    block it hangs on, a lit torch the block above it, dust what it weakly powers (vanilla's
    getDirectSignal; a block of redstone none)."""
    name = block.name
    if is_source(name):
        return source_level(block) if toward == attached_offset(block) else 0
    if name in TORCHES:
        return MAX_POWER if _prop(block, "lit") == "true" and toward == UP else 0
    if name == WIRE:
        return weak_signal(block, toward, wires)
    return 0


def signal_from(pos: Pos, toward: Pos, block: BlockAt, wires: bool = True) -> int:
    """The power the block at `pos` gives its neighbour in direction `toward`: its own, and
    when it conducts, the strongest strong power it receives (vanilla's Level.getSignal)."""
    here = block(pos)
    level = weak_signal(here, toward, wires)
    if level < MAX_POWER and conducts(here):
        for f in FACES:
            level = max(level, strong_signal(block(_plus(pos, f)), _neg(f), wires))
    return level


def neighbour_signal(pos: Pos, block: BlockAt, wires: bool = True) -> int:
    """The strongest power any of the six neighbours gives `pos` (getBestNeighborSignal)."""
    return max(signal_from(_plus(pos, f), _neg(f), block, wires) for f in FACES)


def torch_lit(pos: Pos, block: BlockAt) -> bool:
    """Whether the torch at `pos` is lit once settled: not while the block it hangs on gives
    it power (RedstoneTorchBlock.hasNeighborSignal)."""
    off = torch_attached(block(pos))
    return signal_from(_plus(pos, off), _neg(off), block) == 0


def _is_wire(b: BlockState) -> bool:
    return b.name == WIRE


def wire_side(pos: Pos, side: str, block: BlockAt) -> str:
    """How the dust at `pos` connects towards `side`: "up" (up the side of the block there, to
    dust on it), "side" or "none" (RedStoneWireBlock.getConnectingSide)."""
    d = HORIZONTAL[side]
    there = _plus(pos, d)
    b = block(there)
    if not conducts(block(_plus(pos, UP))) and is_sturdy(b) and _is_wire(block(_plus(there, UP))):
        return "up"
    if is_signal_source(b.name) or (not conducts(b) and _is_wire(block(_plus(there, DOWN)))):
        return "side"
    return "none"


def wire_connections(pos: Pos, block: BlockAt) -> dict[str, str]:
    """The dust at `pos`'s north/south/east/west states: each side's connection (`wire_side`);
    an axis with nothing connected shows `side` at both ends when the other axis has a
    connection (one connection makes a line, two on one axis stay a line); with nothing
    connected, a cross, or a dot if it is one (RedStoneWireBlock.getConnectionState).

    >>> from env.world import BlockState as B
    >>> w = {(0, -60, 0): B(name="redstone_wire"), (1, -60, 0): B(name="lever")}
    >>> wire_connections((0, -60, 0), lambda p: w.get(p, B(name="air")))
    {'north': 'none', 'south': 'none', 'east': 'side', 'west': 'side'}
    """
    out = {s: wire_side(pos, s, block) for s in HORIZONTAL}
    if all(v == "none" for v in out.values()):
        here = block(pos)
        if all(_prop(here, s) == "none" for s in HORIZONTAL):
            return out
    ns = out["north"] == "none" and out["south"] == "none"
    ew = out["east"] == "none" and out["west"] == "none"
    for side, empty in (("west", ns), ("east", ns), ("north", ew), ("south", ew)):
        if empty and out[side] == "none":
            out[side] = "side"
    return out


def wire_links(pos: Pos, block: BlockAt) -> list[Pos]:
    """The dust the dust at `pos` takes power from: beside it, one up a conductor's side where
    no conductor stands above `pos`, one down beside a non-conductor
    (RedStoneWireBlock.calculateTargetStrength)."""
    out: list[Pos] = []
    roof = conducts(block(_plus(pos, UP)))
    for d in HORIZONTAL.values():
        there = _plus(pos, d)
        b = block(there)
        if _is_wire(b):
            out.append(there)
        if conducts(b):
            if not roof and _is_wire(block(_plus(there, UP))):
                out.append(_plus(there, UP))
        elif _is_wire(block(_plus(there, DOWN))):
            out.append(_plus(there, DOWN))
    return out


def circuit_around(changed: Iterable[Pos], block: BlockAt) -> list[Pos]:
    """The components a change at `changed` may move: those within `reach` of a changed cell
    and, in turn, within `reach` of each signal source found so (sorted)."""
    reach = CIRCUIT["reach"]
    seen: set[Pos] = set()
    found: set[Pos] = set()
    todo = list(changed)
    while todo:
        for q in near(todo.pop(), reach):
            if q in seen:
                continue
            seen.add(q)
            name = block(q).name
            if is_component(name):
                found.add(q)
                if is_signal_source(name):
                    todo.append(q)
    return sorted(found)


def _with(block: BlockState, changes: Mapping[str, StateValue]) -> BlockState:
    from env.block_states import spell
    if all(_prop(block, k) == spell(v) for k, v in changes.items()):
        return block
    return BlockState(name=block.name, state={**block.state, **changes})


def settle(changed: Iterable[Pos], block: BlockAt,
           keep: Collection[Pos] = ()) -> dict[Pos, BlockState]:
    """The new states of the circuit around `changed` once settled, as {cell: block} for the
    cells that change: dust's power and connections, torches' and lamps' `lit`, doors',
    trapdoors' and gates' `open`/`powered` (`on_power`), pistons' `extended` and their heads
    (`piston_moves`). Torches flip together, round after round, until none changes (at most
    `rounds`); a torch, lamp or openable with a cell in `keep` (the block just set; a door by
    both halves) keeps its states. When pistons move, the circuit settles again around the
    cells they changed (their neighbours are updated, `keep` no longer holds), up to `rounds`
    times.

    >>> from env.world import BlockState as B
    >>> w = {(0, -60, 0): B(name="redstone_block"), (1, -60, 0): B(name="redstone_lamp")}
    >>> settle([(0, -60, 0)], lambda p: w.get(p, B(name="air")))[(1, -60, 0)].state
    {'lit': True}
    >>> w = {(0, -59, 0): B(name="redstone_block"), (0, -60, 0): B(name="piston",
    ...      state={"facing": "down"})}
    >>> got = settle([(0, -60, 0)], lambda p: w.get(p, B(name="air")))
    >>> got[(0, -61, 0)].name, got[(0, -61, 0)].state["facing"], got[(0, -60, 0)].state
    ('piston_head', 'down', {'facing': 'down', 'extended': True})
    """
    changes: dict[Pos, BlockState] = {}

    def world(p: Pos) -> BlockState:
        found = changes.get(p)
        return found if found is not None else block(p)

    todo, held = list(changed), keep
    for _ in range(CIRCUIT["rounds"]):
        step, moved = _settle_round(todo, world, held)
        changes.update(step)
        if not moved:
            break
        todo, held = sorted(moved), ()
    return {p: b for p, b in changes.items() if _differs(b, block(p))}


def _settle_round(changed: Iterable[Pos], block: BlockAt,
                  keep: Collection[Pos]) -> tuple[dict[Pos, BlockState], set[Pos]]:
    """One round of `settle`: the circuit's changes around `changed` (torches, dust, lamps,
    openables, then `piston_moves`) and the cells pistons changed (a name that changed:
    a head placed or removed, a base removed, or a base's `extended`)."""
    changed = list(changed)
    cells = circuit_around(changed, block)
    view: dict[Pos, BlockState] = {}

    def get(p: Pos) -> BlockState:
        found = view.get(p)
        return found if found is not None else block(p)

    names = {p: block(p).name for p in cells}
    wires = [p for p in cells if names[p] == WIRE]
    torches = [p for p in cells if names[p] in TORCHES and p not in keep]
    for w in wires:
        view[w] = _with(get(w), wire_connections(w, get))
    links = {w: wire_links(w, get) for w in wires}
    for _ in range(CIRCUIT["rounds"]):
        power = {w: neighbour_signal(w, get, wires=False) for w in wires}
        moved = True
        while moved:
            moved = False
            for w in wires:
                best = max([power.get(v, 0) - 1 for v in links[w]], default=0)
                if best > power[w]:
                    power[w], moved = best, True
        for w in wires:
            view[w] = _with(get(w), {"power": power[w]})
        flips = [t for t in torches if torch_lit(t, get) != (_prop(get(t), "lit") == "true")]
        if not flips:
            break
        for t in flips:
            view[t] = _with(get(t), {"lit": _prop(get(t), "lit") != "true"})
    for p in cells:
        if names[p] in LAMPS and p not in keep:
            view[p] = _with(get(p), {"lit": neighbour_signal(p, get) > 0})
    done: set[Pos] = set()
    for p in cells:
        door = openable_cells(p, get) if is_openable(names[p]) else []
        if not door or door[0] in done or all(c in keep for c in door):
            continue
        done.update(door)
        change = on_power(get(door[0]).state, any(neighbour_signal(c, get) > 0 for c in door))
        if change is not None:
            for c in door:
                view[c] = _with(get(c), {"open": change["open"], "powered": change["powered"]})
    moves = piston_moves(cells, changed, get, keep)
    view.update(moves)
    return {p: b for p, b in view.items() if _differs(b, block(p))}, set(moves)


def _differs(new: BlockState, old: BlockState) -> bool:
    return new is not old and (new.name != old.name or _spelled(new) != _spelled(old))


def _spelled(block: BlockState) -> dict[str, str]:
    from env.block_states import full_state
    return full_state(block.name, block.state)


# -- pistons -----------------------------------------------------------------------------------

PISTONS = CIRCUIT["pistons"]
PISTON_BASES: dict[str, str] = PISTONS["bases"]
"""Each piston block and the `type` of its head."""
HEAD: str = PISTONS["head"]
DIRECTIONS: dict[str, Pos] = {k: tuple(v) for k, v in PISTONS["directions"].items()}  # type: ignore[misc]
EMPTY: frozenset[str] = frozenset(PISTONS["empty"])
AIR = BlockState(name="air")


def is_piston(name: str) -> bool:
    """A piston or a sticky piston (the base, not its head)."""
    return name in PISTON_BASES


def piston_breaks(name: str) -> bool:
    """Whether a piston extending into a cell holding `name` breaks it (PushReaction.DESTROY:
    plants, torches, dust, levers, buttons, plates, doors, fluids; env/data/redstone.json).

    >>> piston_breaks("redstone_torch"), piston_breaks("oak_button"), piston_breaks("stone")
    (True, True, False)
    """
    return name in PISTONS["breaks"] or name.endswith(tuple(PISTONS["breaks_suffixes"]))


def piston_front(block: BlockState) -> Pos:
    """The unit vector from a piston (or a head) to the cell its face looks into (`facing`)."""
    return DIRECTIONS[_prop(block, "facing")]


def piston_powered(pos: Pos, block: BlockAt) -> bool:
    """Whether the piston at `pos` is powered: a neighbour on any side but its face gives it
    power, or (quasi-connectivity) a neighbour of the block above it, on any side of that
    block but below (PistonBaseBlock.getNeighborSignal).

    >>> from env.world import BlockState as B
    >>> w = {(0, 0, 0): B(name="piston", state={"facing": "east"}),
    ...      (0, 2, 0): B(name="redstone_block")}
    >>> piston_powered((0, 0, 0), lambda p: w.get(p, B(name="air")))
    True
    """
    face = piston_front(block(pos))
    if any(signal_from(_plus(pos, f), _neg(f), block) > 0 for f in FACES if f != face):
        return True
    above = _plus(pos, UP)
    return any(signal_from(_plus(above, f), _neg(f), block) > 0 for f in FACES if f != DOWN)


def _fits(base: BlockState, head: BlockState) -> bool:
    """Whether `head` is the head of the extended piston `base` (same facing and type)."""
    return (is_piston(base.name) and head.name == HEAD and _prop(base, "extended") == "true"
            and _prop(base, "facing") == _prop(head, "facing")
            and _prop(head, "type") == PISTON_BASES[base.name])


def piston_moves(cells: Iterable[Pos], changed: Iterable[Pos], block: BlockAt,
                 keep: Collection[Pos] = ()) -> dict[Pos, BlockState]:
    """What pistons do once the circuit around `changed` settled, as {cell: block}: an
    extended piston whose head is gone (a changed cell in front of it no longer its head)
    goes; a head without its extended base goes (unless in `keep`, just set); a piston in
    `cells` that is powered (`piston_powered`) and retracted extends, pushing the line of
    blocks in front one cell on (`push_line`; the block that ends it broken), or stays when
    it cannot; one unpowered and extended retracts, its head removed, and a sticky one pulls
    back the block in front of its head when that moves (`movable`, not one a push breaks).
    Pistons are read in `cells`' order.

    >>> from env.world import BlockState as B
    >>> w = {(0, 0, 0): B(name="sticky_piston", state={"facing": "up", "extended": True})}
    >>> piston_moves([(0, 0, 0)], [(0, 1, 0)], lambda p: w.get(p, B(name="air")))
    {(0, 0, 0): BlockState(name='air', state={})}
    """
    out: dict[Pos, BlockState] = {}

    def get(p: Pos) -> BlockState:
        found = out.get(p)
        return found if found is not None else block(p)

    cells = list(cells)
    for c in changed:
        for d in DIRECTIONS.values():
            base = _plus(c, _neg(d))
            b = get(base)
            if (is_piston(b.name) and _prop(b, "extended") == "true" and piston_front(b) == d
                    and not _fits(b, get(c))):
                out[base] = AIR
    for p in cells:
        here = get(p)
        if here.name == HEAD and p not in keep:
            if not _fits(get(_plus(p, _neg(piston_front(here)))), here):
                out[p] = AIR
    for p in cells:
        here = get(p)
        if not is_piston(here.name):
            continue
        front = _plus(p, piston_front(here))
        extended = _prop(here, "extended") == "true"
        on = piston_powered(p, get)
        if on and not extended:
            line = push_line(p, get)
            if line is None:
                continue
            d = piston_front(here)
            moving = [get(c) for c in line]
            for c, b in zip(reversed(line), reversed(moving), strict=True):
                out[_plus(c, d)] = b
            out[p] = _with(here, {"extended": True})
            out[front] = BlockState(name=HEAD, state={
                "facing": _prop(here, "facing"), "type": PISTON_BASES[here.name],
                "short": False})
        elif not on and extended:
            head_there = _fits(here, get(front))
            out[p] = _with(here, {"extended": False})
            if head_there:
                out[front] = AIR
                far = _plus(front, piston_front(here))
                pulled = get(far)
                if (PISTON_BASES[here.name] == "sticky" and pulled.name not in EMPTY
                        and movable(pulled) and not piston_breaks(pulled.name)):
                    out[front] = pulled
                    out[far] = AIR
    return out


def movable(block: BlockState) -> bool:
    """Whether a piston can move `block` (PistonBaseBlock.isPushable, env/data/redstone.json
    `immovable`): not an immovable block, a block entity or an extended piston.

    >>> movable(BlockState(name="stone")), movable(BlockState(name="obsidian"))
    (True, False)
    """
    name = block.name
    if name in PISTONS["immovable"] or name.endswith(tuple(PISTONS["immovable_suffixes"])):
        return False
    return not (is_piston(block.name) and _prop(block, "extended") == "true")


def push_line(pos: Pos, block: BlockAt) -> list[Pos] | None:
    """The cells of the blocks the piston at `pos` pushes as it extends, nearest first ([] when
    the cell in front is empty or holds a block it breaks), or None when it cannot extend: an
    immovable block in the line or more than `push_limit` blocks (PistonStructureResolver, a
    straight line). The line ends at an empty cell or at a block the push breaks.

    >>> from env.world import BlockState as B
    >>> w = {(0, 0, 0): B(name="piston", state={"facing": "east"}), (1, 0, 0): B(name="stone"),
    ...      (2, 0, 0): B(name="dirt"), (3, 0, 0): B(name="torch")}
    >>> push_line((0, 0, 0), lambda p: w.get(p, B(name="air")))
    [(1, 0, 0), (2, 0, 0)]
    """
    d = piston_front(block(pos))
    line: list[Pos] = []
    c = _plus(pos, d)
    while True:
        b = block(c)
        if b.name in EMPTY or piston_breaks(b.name):
            return line
        if not movable(b) or len(line) == PISTONS["push_limit"]:
            return None
        line.append(c)
        c = _plus(c, d)
