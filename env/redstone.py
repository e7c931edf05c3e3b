"""Redstone power of levers, buttons and pressure plates, and the doors, trapdoors and fence
gates it moves: the rule of Minecraft 1.19.2 as pure functions over a world read through
`block(pos)`. The geometry is data (env/data/redstone.json), read by the embedded server's
plugin (env/server/plugins/redstone.js) too, so both backends power the same blocks.

A powered source powers the six blocks sharing a face with it, and strongly powers the block
it is attached to; when that block is a redstone conductor (a full opaque cube: stone, planks,
dirt; not glass or leaves), it powers the six blocks sharing a face with it in turn
(minecraft.wiki/w/Redstone_mechanics). A block diagonal to the source gets nothing. A door,
trapdoor or fence gate is powered when any of its cells is (both halves of a door); when its
power changes it opens if powered and shuts if not (`on_power`).

The circuit (`settle`, data `circuit`) adds blocks of redstone, redstone torches, redstone dust
and lamps, and is what both backends run after every block change: each component's state
is recomputed from the power its neighbours give it (vanilla's getSignal/getDirectSignal:
weak power to the blocks beside a component, strong power into the block a source hangs on,
above a torch, under or in front of dust, passed on by conductors), until no torch changes.
The server's copy is env/server/circuit.js (tests/test_redstone_components.py compares them).

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
from env.rulebook import VERSION, minecraft_data_dir
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


@cache
def _transparent(version: str = VERSION) -> frozenset[str]:
    base = minecraft_data_dir(version)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"][version]
    blocks = json.loads((base / paths["blocks"] / "blocks.json").read_text())
    return frozenset(b["name"] for b in blocks if b.get("transparent"))


def is_conductor(block: BlockState) -> bool:
    """Whether strong power in this block powers its neighbours: a full cube (its collision
    shape, minecraft-data) that minecraft-data does not call transparent, and not one of
    vanilla's non-conductors (env/data/redstone.json).

    >>> is_conductor(BlockState(name="stone")), is_conductor(BlockState(name="glass"))
    (True, False)
    """
    if block.name in DATA["non_conductors"] or block.name in _transparent():
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
    """A block whose state the circuit reads or sets: a signal source, a lamp or an openable."""
    return is_signal_source(name) or name in LAMPS or is_openable(name)


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
    trapdoors' and gates' `open`/`powered` (`on_power`). Torches flip together, round after
    round, until none changes (at most `rounds`); a torch, lamp or openable with a cell in
    `keep` (the block just set; a door by both halves) keeps its states.

    >>> from env.world import BlockState as B
    >>> w = {(0, -60, 0): B(name="redstone_block"), (1, -60, 0): B(name="redstone_lamp")}
    >>> settle([(0, -60, 0)], lambda p: w.get(p, B(name="air")))[(1, -60, 0)].state
    {'lit': True}
    """
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
    return {p: b for p, b in view.items()
            if b is not block(p) and _spelled(b) != _spelled(block(p))}


def _spelled(block: BlockState) -> dict[str, str]:
    from env.block_states import full_state
    return full_state(block.name, block.state)
