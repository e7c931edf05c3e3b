"""The connection rule of fences, fence gates, glass panes, iron bars and walls (env/connections.py
and env/js/connections.js, one rule from env/data/connections.json), with vanilla 1.19.2's
values.

Sources: the game's FenceBlock.connectsTo / isSameFence (wooden fences join each other,
nether_brick_fence only its own kind; a fence gate across; a sturdy face), FenceGateBlock
(connectsToDirection; in_wall beside #walls), IronBarsBlock.attachsTo (panes and bars join each
other, walls, sturdy faces), WallBlock (connectsTo, makeWallState with its test shapes,
shouldRaisePost), Block.isExceptionForConnection (leaves, barrier, pumpkins, melon, shulker
boxes); minecraft.wiki/w/Fence, /w/Fence_Gate, /w/Glass_Pane, /w/Iron_Bars, /w/Wall
('Block states'). The same cases on both backends: tests/differential/test_connection_cases.py.
"""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from env.connections import connected_state, face_sturdy, joins, kind, reconnected
from env.minecraft.server import node_binary
from env.sim import SimBackend
from env.world import BlockSpec, BlockState, Pos, WorldSetup

ROOT = Path(__file__).resolve().parents[1]
AIR = BlockState(name="air")
HERE: Pos = (0, 0, 0)
N, E, S, W, UP = (0, 0, -1), (1, 0, 0), (0, 0, 1), (-1, 0, 0), (0, 1, 0)


def block(spec: str) -> BlockState:
    name, _, rest = spec.partition("[")
    return BlockState(name=name, state=dict(kv.split("=") for kv in rest.rstrip("]").split(",")
                                            if kv))


def world(cells: dict[Pos, str]) -> Callable[[Pos], BlockState]:
    blocks = {p: block(s) for p, s in cells.items()}
    return lambda p: blocks.get(p, AIR)


def sides(state: dict[str, object] | None) -> tuple[object, ...]:
    assert state is not None
    return tuple(state[s] for s in ("north", "east", "south", "west"))


# (the block at HERE, its neighbours, the expected north/east/south/west)
CASES = [
    ("oak_fence", {E: "oak_fence"}, (False, True, False, False)),
    ("oak_fence", {E: "dark_oak_fence", W: "acacia_fence"}, (False, True, False, True)),
    ("oak_fence", {E: "nether_brick_fence"}, (False, False, False, False)),
    ("nether_brick_fence", {E: "nether_brick_fence", W: "oak_fence"}, (False, True, False, False)),
    ("oak_fence", {N: "stone", S: "glass"}, (True, False, True, False)),  # glass is a full cube
    ("oak_fence", {N: "oak_leaves", S: "carved_pumpkin", E: "barrier", W: "shulker_box"},
     (False, False, False, False)),  # isExceptionForConnection
    ("oak_fence", {N: "glass_pane", E: "cobblestone_wall"}, (False, False, False, False)),
    ("oak_fence", {E: "oak_fence_gate[facing=north]"}, (False, True, False, False)),  # in line
    ("oak_fence", {E: "oak_fence_gate[facing=east]"}, (False, False, False, False)),  # across
    ("oak_fence", {N: "oak_fence_gate[facing=west]"}, (True, False, False, False)),
    ("oak_fence", {N: "oak_slab[type=bottom]", S: "oak_slab[type=double]"},
     (False, False, True, False)),
    ("oak_fence", {N: "oak_stairs[facing=south,half=bottom]", S: "oak_stairs[facing=east]"},
     (True, False, False, False)),  # the stairs' back is a full face
    ("oak_fence", {N: "soul_sand", S: "chest", E: "dirt_path"}, (True, False, False, False)),
    ("glass_pane", {E: "glass_pane", W: "iron_bars"}, (False, True, False, True)),
    ("glass_pane", {N: "cobblestone_wall", S: "stone", E: "oak_fence"},
     (True, False, True, False)),
    ("iron_bars", {N: "red_stained_glass_pane", E: "oak_leaves"}, (True, False, False, False)),
    ("glass_pane", {N: "oak_fence_gate[facing=east]"}, (False, False, False, False)),
]


@pytest.mark.parametrize(("here", "around", "want"), CASES)
def test_fence_and_pane_sides(here: str, around: dict[Pos, str],
                              want: tuple[bool, ...]) -> None:
    assert sides(connected_state(block(here), HERE, world({HERE: here, **around}))) == want


# a wall at HERE: (its neighbours, the expected up, north, east, south, west)
WALLS = [
    ({}, (True, "none", "none", "none", "none")),  # a lone post
    ({N: "cobblestone_wall", S: "stone_brick_wall"}, (False, "low", "none", "low", "none")),
    ({N: "cobblestone_wall"}, (True, "low", "none", "none", "none")),  # an end: a post
    ({N: "cobblestone_wall", E: "stone"}, (True, "low", "low", "none", "none")),  # a corner
    ({N: "glass_pane", S: "oak_fence_gate[facing=west]"}, (False, "low", "none", "low", "none")),
    ({N: "oak_fence", S: "oak_fence_gate[facing=north]"}, (True, "none", "none", "none", "none")),
    ({N: "cobblestone_wall", S: "cobblestone_wall", UP: "stone"},
     (False, "tall", "none", "tall", "none")),
    ({N: "cobblestone_wall", S: "cobblestone_wall", UP: "torch"},  # #wall_post_override
     (True, "low", "none", "low", "none")),
    ({N: "cobblestone_wall", S: "cobblestone_wall", UP: "cobblestone_wall[up=true]"},
     (True, "low", "none", "low", "none")),
    ({N: "cobblestone_wall", S: "cobblestone_wall", UP: "oak_slab[type=bottom]"},
     (False, "tall", "none", "tall", "none")),
    ({N: "cobblestone_wall", E: "cobblestone_wall", UP: "stone"},
     (True, "tall", "tall", "none", "none")),  # a corner under stone keeps its post
]


@pytest.mark.parametrize(("around", "want"), WALLS)
def test_wall_sides_and_post(around: dict[Pos, str], want: tuple[object, ...]) -> None:
    wall = "cobblestone_wall"
    state = connected_state(block(wall), HERE, world({HERE: wall, **around}))
    assert state is not None
    assert (state["up"], *sides(state)) == want


@pytest.mark.parametrize(("facing", "around", "in_wall"), [
    ("north", {E: "cobblestone_wall"}, True),
    ("north", {W: "andesite_wall", E: "oak_fence"}, True),
    ("north", {N: "cobblestone_wall", S: "cobblestone_wall"}, False),
    ("east", {N: "cobblestone_wall"}, True),
    ("east", {E: "cobblestone_wall"}, False),
])
def test_gate_in_wall(facing: str, around: dict[Pos, str], in_wall: bool) -> None:
    gate = f"oak_fence_gate[facing={facing}]"
    state = connected_state(block(gate), HERE, world({HERE: gate, **around}))
    assert state is not None and state["in_wall"] is in_wall and state["facing"] == facing


def test_kinds_and_sturdy_faces() -> None:
    assert [kind(n) for n in ("oak_fence", "crimson_fence_gate", "iron_bars", "mud_brick_wall",
                              "oak_wall_sign", "stone")] == ["fence", "gate", "pane", "wall",
                                                             None, None]
    assert face_sturdy(block("stone"), "north") and face_sturdy(block("soul_sand"), "up")
    assert not face_sturdy(block("oak_slab[type=bottom]"), "north")
    assert face_sturdy(block("oak_slab[type=bottom]"), "down")
    assert not face_sturdy(block("oak_fence"), "east")
    assert not joins("stone", block("stone"), "east")  # stone joins nothing


def test_eight_snow_layers_are_sturdy_seven_are_not() -> None:
    # SnowLayerBlock.getBlockSupportShape: SHAPE_BY_LAYER[layers], a full cube at 8 layers
    # (its collision box is 14/16 high); isFaceSturdy reads the support shape, so a fence
    # joins a full snow block on its side, not 7 layers (minecraft.wiki/w/Snow)
    for face in ("up", "east", "north", "down"):
        assert face_sturdy(block("snow[layers=8]"), face), face
    assert not face_sturdy(block("snow[layers=7]"), "east")
    assert not face_sturdy(block("snow[layers=7]"), "up")
    state = connected_state(block("oak_fence"), HERE,
                            world({HERE: "oak_fence", E: "snow[layers=8]", W: "snow[layers=7]"}))
    assert state is not None and sides(state) == (False, True, False, False)


def test_a_change_reshapes_the_neighbours() -> None:
    cells = {HERE: "oak_fence", E: "oak_fence", W: "oak_fence[east=true]"}
    out = reconnected(E, world(cells))
    assert sides(out[HERE].state) == (False, True, False, True)
    assert sides(out[E].state) == (False, False, False, True)
    assert W not in out  # already joined
    # the stone beside goes: the fence lets go of it
    gone = reconnected(E, world({HERE: "oak_fence[east=true]"}))
    assert sides(gone[HERE].state) == (False, False, False, False)
    # a wall set on a wall: the wall below keeps its post (shouldRaisePost)
    below = (0, -1, 0)
    stack = {HERE: "cobblestone_wall", below: "cobblestone_wall[up=false,north=low,south=low]",
             (0, -1, -1): "cobblestone_wall", (0, -1, 1): "cobblestone_wall"}
    assert reconnected(HERE, world(stack))[below].state["up"] is True


def test_the_sim_joins_fences_at_build_at_placement_and_after_a_dig() -> None:
    from env.actions import parse_action
    from env.rulebook import load_rulebook
    y = -60
    sim = SimBackend(load_rulebook(), seed=0)
    sim.build(WorldSetup(blocks=[BlockSpec(name="oak_fence", pos=(0, y, 0)),
                                 BlockSpec(name="oak_fence", pos=(1, y, 0)),
                                 BlockSpec(name="stone", pos=(0, y, 1))],
                         spawn=[(3, y, 3)], agent_items={"oak_fence": 1}), ["a"])
    assert sim.view().block((0, y, 0)).state["east"] is True
    assert sim.view().block((0, y, 0)).state["south"] is True
    assert sim.view().block((1, y, 0)).state["west"] is True
    assert sim.execute("a", parse_action({"name": "place", "item": "oak_fence",
                                          "pos": [1, y, 1]}), 0.0).ok
    assert sim.view().block((1, y, 0)).state["south"] is True
    assert sim.view().block((1, y, 1)).state["north"] is True
    assert sim.view().block((1, y, 1)).state["west"] is True  # the stone
    assert sim.execute("a", parse_action({"name": "dig", "pos": [0, y, 1]}), 10.0).ok
    assert sim.view().block((1, y, 1)).state["west"] is False
    assert sim.view().block((0, y, 0)).state["south"] is False


PALETTE = ["air", "air", "air", "stone", "glass", "oak_leaves", "oak_fence", "acacia_fence",
           "nether_brick_fence", "oak_fence_gate[facing=north]", "oak_fence_gate[facing=east]",
           "glass_pane", "iron_bars", "cobblestone_wall", "cobblestone_wall[up=false]",
           "oak_slab[type=bottom]", "oak_slab[type=top]", "oak_stairs[facing=west]",
           "soul_sand", "torch", "chest", "carved_pumpkin", "oak_pressure_plate",
           "snow[layers=8]", "snow[layers=7]"]


def _random_worlds(n: int, seed: int = 1) -> list[dict[Pos, str]]:
    rng = random.Random(seed)
    cells = [(x, y, z) for x in range(-2, 3) for y in range(0, 3) for z in range(-2, 3)]
    return [{p: rng.choice(PALETTE) for p in cells} for _ in range(n)]


def _plain(state: dict[str, object] | None) -> dict[str, str] | None:
    return None if state is None else {k: str(v).lower() for k, v in sorted(state.items())}


def test_the_js_side_reads_the_same_rule() -> None:
    worlds = _random_worlds(300)
    py_states, py_changes = [], []
    for w in worlds:
        at = world(w)
        py_states.append([_plain(connected_state(at(p), p, at)) for p in sorted(w)])
        py_changes.append(sorted([list(p), b.name, _plain(b.state)]
                                 for p, b in reconnected((0, 1, 0), at).items()))
    js_worlds = [{",".join(map(str, p)): s for p, s in sorted(w.items())} for w in worlds]
    script = (
        "const c = require('./js/connections.js');"
        "const registry = require('prismarine-registry')('1.19.2');"
        "const Block = require('prismarine-block')(registry);"
        "const { stateIdOf } = require('./server/blockstate');"
        "const shapes = (name, props) => Block.fromStateId(stateIdOf(registry, name, props), 0)"
        ".shapes;"
        "const parse = (spec) => { const [name, rest] = spec.split('['); const props = {};"
        " for (const kv of (rest || '').replace(']', '').split(',').filter(Boolean)) {"
        "  const [a, b] = kv.split('='); props[a] = b }"
        " return { name, props, shapes: shapes(name, props) } };"
        "const plain = s => s === null ? null : Object.fromEntries(Object.keys(s).sort()"
        ".map(k => [k, String(s[k]).toLowerCase()]));"
        f"const worlds = {json.dumps(js_worlds)};"
        "const out = worlds.map(w => { const blocks = {};"
        " for (const k of Object.keys(w)) blocks[k] = parse(w[k]);"
        " const at = p => blocks[p.join(',')] || { name: 'air', props: {}, shapes: [] };"
        " const states = Object.keys(w).map(k => { const p = k.split(',').map(Number);"
        "  return plain(c.connectedState(at(p), p, at)) });"
        " const changes = c.reconnected([0, 1, 0], at, shapes)"
        ".map(([p, n, s]) => [p, n, plain(s)]);"
        " return [states, changes] });"
        "console.log(JSON.stringify(out))")
    out = json.loads(subprocess.run([node_binary(), "-"], input=script, cwd=ROOT / "env",
                                    capture_output=True, text=True, check=True).stdout)
    # the JS world keys are in Python's sorted order of positions
    for (states, changes), want_states, want_changes in zip(out, py_states, py_changes,
                                                            strict=True):
        assert states == want_states
        assert sorted(changes) == want_changes
