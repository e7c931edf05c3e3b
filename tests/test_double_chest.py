"""Double chests' rules (env/chests.py, env/data/chests.json) with vanilla 1.19.2's values:
ChestBlock.getStateForPlacement / candidatePartnerFacing / updateShape /
getConnectedDirection / getBlockType, DoubleBlockCombiner.combineWithNeigbour and
CompoundContainer (decompiled, Mojang mappings; minecraft.wiki/w/Chest); the same rules in
env/js/chests.js, checked against these on random small worlds; capacity (54 slots) and a
broken half on the simulator. Both backends: tests/differential/test_double_chest_cases.py."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from env.actions import Dig, Place, Put, Take
from env.capacity import spread_put, spread_take
from env.chests import built_halves, halves, placed_chest, set_shape, shape_updates, sneaks
from env.durations import DURATIONS
from env.minecraft.server import node_binary
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, BlockState, ContainerSpec, Pos, WorldSetup

ROOT = Path(__file__).resolve().parents[1]
AIR = BlockState(name="air")
Y = STAND_Y


def world(blocks: dict[Pos, tuple[str, str, str]]):
    """A view of cells holding (name, facing, type); air elsewhere."""
    states = {p: BlockState(name=n, state={"facing": f, "type": t})
              for p, (n, f, t) in blocks.items()}
    return lambda p: states.get(p, AIR)


# ---- placement (getStateForPlacement) ---------------------------------------------------------

@pytest.mark.parametrize(("facing", "partner", "kind"), [
    # the partner on the facing's clockwise side -> left; on its counterclockwise side -> right
    ("north", (1, 0, 0), "left"), ("north", (-1, 0, 0), "right"),
    ("east", (0, 0, 1), "left"), ("east", (0, 0, -1), "right"),
    ("south", (-1, 0, 0), "left"), ("south", (1, 0, 0), "right"),
    ("west", (0, 0, -1), "left"), ("west", (0, 0, 1), "right"),
])
def test_a_chest_joins_a_single_chest_on_its_left_or_right(facing: str, partner: Pos,
                                                           kind: str) -> None:
    at = world({partner: ("chest", facing, "single")})
    assert placed_chest("chest", (0, 0, 0), facing, "up", False, at) == {"facing": facing,
                                                                          "type": kind}


def test_no_join_in_front_behind_facing_elsewhere_or_another_kind_or_a_double() -> None:
    assert placed_chest("chest", (0, 0, 0), "north", "up", False,
                        world({(0, 0, -1): ("chest", "north", "single")}))["type"] == "single"
    assert placed_chest("chest", (0, 0, 0), "north", "up", False,
                        world({(1, 0, 0): ("chest", "east", "single")}))["type"] == "single"
    # trapped chests join trapped chests only (BlockState.is(this))
    assert placed_chest("trapped_chest", (0, 0, 0), "north", "up", False,
                        world({(1, 0, 0): ("chest", "north", "single")}))["type"] == "single"
    assert placed_chest("trapped_chest", (0, 0, 0), "north", "up", False,
                        world({(1, 0, 0): ("trapped_chest", "north", "single")}))["type"] == "left"
    # a third chest beside a double stays single (candidatePartnerFacing wants TYPE single)
    assert placed_chest("chest", (0, 0, 0), "north", "up", False,
                        world({(1, 0, 0): ("chest", "north", "right"),
                               (2, 0, 0): ("chest", "north", "left")}))["type"] == "single"
    # left is tried before right
    assert placed_chest("chest", (0, 0, 0), "north", "up", False,
                        world({(1, 0, 0): ("chest", "north", "single"),
                               (-1, 0, 0): ("chest", "north", "single")}))["type"] == "left"
    assert placed_chest("stone", (0, 0, 0), "north", "up", False, world({})) == {}


def test_sneaking_joins_only_the_side_clicked_chest_across_its_facing() -> None:
    at = world({(1, 0, 0): ("chest", "south", "single")})
    # the clicked face is the chest's west face: south is across it; the new chest takes it
    assert placed_chest("chest", (0, 0, 0), "north", "west", True, at) == {
        "facing": "south", "type": "right"}
    at = world({(1, 0, 0): ("chest", "north", "single")})
    assert placed_chest("chest", (0, 0, 0), "south", "west", True, at) == {
        "facing": "north", "type": "left"}
    # a chest facing along the clicked face's axis is not joined; sneaking, nor is any other
    at = world({(1, 0, 0): ("chest", "east", "single")})
    assert placed_chest("chest", (0, 0, 0), "east", "west", True, at)["type"] == "single"
    at = world({(1, 0, 0): ("chest", "north", "single")})
    assert placed_chest("chest", (0, 0, 0), "north", "up", True, at)["type"] == "single"
    assert placed_chest("chest", (0, 0, 0), "north", "up", False, at)["type"] == "left"


def test_the_place_action_sneaks_only_against_a_block_a_click_uses() -> None:
    used = ("chest", "trapped_chest", "barrel", "crafting_table", "furnace", "oak_door", "lever",
            "stone_button", "oak_fence_gate")
    assert [sneaks(b) for b in used] == [True] * 9
    assert [sneaks(b) for b in ("grass_block", "stone", "iron_door", "iron_trapdoor",
                                "oak_planks")] == [False] * 5


# ---- updateShape and the container ------------------------------------------------------------

def test_a_single_beside_a_new_half_takes_the_other_type_and_a_lone_half_becomes_single() -> None:
    at = world({(0, 0, 0): ("chest", "north", "right"), (-1, 0, 0): ("chest", "north", "single")})
    assert shape_updates((0, 0, 0), at) == {
        (-1, 0, 0): BlockState(name="chest", state={"facing": "north", "type": "left"})}
    # the right half broken: the left becomes single
    at = world({(-1, 0, 0): ("chest", "north", "left")})
    assert shape_updates((0, 0, 0), at) == {
        (-1, 0, 0): BlockState(name="chest", state={"facing": "north", "type": "single"})}
    # singles side by side (set by command) stay single
    at = world({(0, 0, 0): ("chest", "north", "single"), (1, 0, 0): ("chest", "north", "single")})
    assert shape_updates((0, 0, 0), at) == {}
    assert shape_updates((1, 0, 0), at) == {}


def test_the_right_half_comes_first_in_the_container() -> None:
    at = world({(0, 0, 0): ("chest", "north", "left"), (1, 0, 0): ("chest", "north", "right")})
    assert halves((0, 0, 0), at) == halves((1, 0, 0), at) == [(1, 0, 0), (0, 0, 0)]
    # a lone half, halves facing apart or of two kinds are chests alone
    assert halves((0, 0, 0), world({(0, 0, 0): ("chest", "north", "left")})) == [(0, 0, 0)]
    assert halves((0, 0, 0), world({(0, 0, 0): ("chest", "north", "left"),
                                    (1, 0, 0): ("chest", "east", "right")})) == [(0, 0, 0)]
    assert halves((0, 0, 0), world({(0, 0, 0): ("chest", "north", "left"),
                                    (1, 0, 0): ("trapped_chest", "north", "right")})) == [(0, 0, 0)]


def test_items_fill_and_leave_the_halves_in_slot_order() -> None:
    # moveItemStackTo / mineflayer's transfer: part-filled stacks, then empty slots, in order
    assert spread_put([{"dirt": 20 * 64}, {}], "cobblestone", 20 * 64, 27) == [7 * 64, 13 * 64]
    assert spread_put([{"bread": 10}, {"bread": 3}], "bread", 120, 27) == [54 + 5, 61]
    assert spread_take([{"cobblestone": 448}, {"cobblestone": 832}], "cobblestone", 500) == [
        448, 52]


# ---- the simulator ----------------------------------------------------------------------------

def _sim(setup: WorldSetup) -> SimBackend:
    sim = SimBackend(load_rulebook(), seed=0)
    sim.build(setup, ["a"])
    return sim


def test_a_double_chest_holds_54_stacks_and_a_broken_half_hands_over_its_own() -> None:
    # chest.json slots_per_half 27 (minecraft.wiki/w/Chest: a large chest has 54 slots)
    setup = WorldSetup(containers=[ContainerSpec(pos=(1, Y, 2), facing="north",
                                                 items={"dirt": 20 * 64})],
                       spawn=[(0, Y, 0)], agent_items={"chest": 1, "stone": 35 * 64})
    sim = _sim(setup)
    t = 0.0
    for act in (Place(item="chest", pos=(0, Y, 2)), Put(pos=(0, Y, 2), item="stone",
                                                     count=34 * 64)):
        out = sim.execute("a", act, t)
        assert out.ok, out.reason
        t += out.seconds
    view = sim.view()
    assert view.block((0, Y, 2)).state == {"facing": "north", "type": "left"}
    assert view.block((1, Y, 2)).state == {"facing": "north", "type": "right"}
    assert view.container((0, Y, 2)) == view.container((1, Y, 2)) == {
        "dirt": 1280, "stone": 34 * 64}
    full = sim.execute("a", Put(pos=(1, Y, 2), item="stone", count=1), t)
    assert (full.ok, full.code) == (False, Code.CONTAINER_FULL)
    out = sim.execute("a", Take(pos=(1, Y, 2), item="stone", count=64), t)
    assert out.ok
    t += out.seconds
    # the right half (1, Y, 2) held the dirt and 7 stacks of stone, now 6; the left 27 stacks
    out = sim.execute("a", Dig(pos=(0, Y, 2)), t)
    assert out.ok
    assert sim.view().inventory("a") == {"chest": 1, "stone": 64 + 64 + 27 * 64}
    assert sim.view().block((1, Y, 2)).state == {"facing": "north", "type": "single"}
    assert sim.view().container((1, Y, 2)) == {"dirt": 1280, "stone": 6 * 64}


# ---- the JS rules agree -----------------------------------------------------------------------

KINDS = ("chest", "trapped_chest", "stone")
FACINGS = ("north", "east", "south", "west")


def _random_worlds(n: int) -> list[dict[Pos, tuple[str, str, str]]]:
    rng = random.Random(13)
    out = []
    for _ in range(n):
        cells: dict[Pos, tuple[str, str, str]] = {}
        for x in range(-2, 3):
            for z in range(-2, 3):
                if (x, z) != (0, 0) and rng.random() < 0.45:
                    cells[(x, 0, z)] = (rng.choice(KINDS), rng.choice(FACINGS),
                                        rng.choice(("single", "single", "left", "right")))
        out.append(cells)
    return out


def test_the_js_rules_give_what_the_python_rules_give_on_random_worlds() -> None:
    rng = random.Random(7)
    cases = []
    for cells in _random_worlds(300):
        block, facing = rng.choice(("chest", "trapped_chest")), rng.choice(FACINGS)
        if rng.random() < 0.3:  # a likely partner beside the new cell
            cells[rng.choice([(1, 0, 0), (-1, 0, 0), (0, 0, 1), (0, 0, -1)])] = (
                block, facing, "single")
        cases.append({"cells": cells, "block": block, "facing": facing,
                      "clicked": rng.choice(("up", "down", *FACINGS)),
                      "sneaking": rng.random() < 0.5})
    want = []
    for c in cases:
        at = world(c["cells"])
        placed = placed_chest(c["block"], (0, 0, 0), c["facing"], c["clicked"], c["sneaking"], at)
        mine = BlockState(name=c["block"], state=placed)
        after = lambda p, at=at, mine=mine: mine if p == (0, 0, 0) else at(p)  # noqa: E731
        want.append({
            "placed": placed,
            "updates": sorted([list(p), b.name, b.state] for p, b in shape_updates(
                (0, 0, 0), after).items()),
            "halves": [[list(h) for h in halves(p, after)] for p in
                       [(x, 0, z) for x in range(-2, 3) for z in range(-2, 3)]],
            "set": [(lambda b: b.state if b else None)(set_shape(p, at)) for p in
                    [(x, 0, z) for x in range(-1, 2) for z in range(-1, 2)]]})
    payload = [{"cells": {",".join(map(str, p)): v for p, v in c["cells"].items()},
                **{k: c[k] for k in ("block", "facing", "clicked", "sneaking")}} for c in cases]
    script = """
const c = require('./js/chests')
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'))
const out = cases.map(k => {
  const at = p => {
    const v = k.cells[p.join(',')]
    return v ? { name: v[0], props: { facing: v[1], type: v[2] } } : { name: 'air', props: {} }
  }
  const placed = c.placedChest(k.block, [0, 0, 0], k.facing, k.clicked, k.sneaking, at)
  const mine = { name: k.block, props: placed }
  const after = p => (p[0] === 0 && p[1] === 0 && p[2] === 0 ? mine : at(p))
  const cells = []
  for (let x = -2; x <= 2; x++) for (let z = -2; z <= 2; z++) cells.push([x, 0, z])
  const updates = c.shapeUpdates([0, 0, 0], after).map(([p, n, s]) => [p, n, s])
  updates.sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)
  const near = []
  for (let x = -1; x <= 1; x++) for (let z = -1; z <= 1; z++) near.push([x, 0, z])
  const set = near.map(p => c.setShape(p, at))
  return { placed, updates, halves: cells.map(p => c.halves(p, after)), set }
})
const names = ['chest', 'barrel', 'oak_door', 'iron_door', 'stone', 'lever', 'acacia_button',
  'spruce_trapdoor', 'iron_trapdoor', 'crafting_table', 'grass_block', 'birch_fence_gate']
process.stdout.write(JSON.stringify({ out, sneaks: names.map(c.sneaks) }))
"""
    got = json.loads(subprocess.run([node_binary(), "-e", script], cwd=ROOT / "env",
                                    input=json.dumps(payload), capture_output=True, text=True,
                                    check=True).stdout)
    assert json.loads(json.dumps(want)) == got["out"]
    assert got["sneaks"] == [sneaks(n) for n in (
        "chest", "barrel", "oak_door", "iron_door", "stone", "lever", "acacia_button",
        "spruce_trapdoor", "iron_trapdoor", "crafting_table", "grass_block", "birch_fence_gate")]
    # the worlds are not all trivial: joins, reshapes and doubles occur
    assert sum(w["placed"]["type"] != "single" for w in want) > 20
    assert sum(bool(w["updates"]) for w in want) > 20
    assert sum(any(w["set"]) for w in want) > 20


# ---- capacity at import -----------------------------------------------------------------------

def test_a_task_may_stock_a_double_chest_with_54_stacks_and_not_55() -> None:
    # minecraft.wiki/w/Chest: a large chest holds 54 stacks; each half's block entity 27
    from env.capacity import stocked, world_problem
    from env.minecraft.backend import setup_commands

    right, left = (1, Y, 2), (0, Y, 2)
    double = WorldSetup(containers=[
        ContainerSpec(pos=right, facing="north", type="right", items={"cobblestone": 40 * 64}),
        ContainerSpec(pos=left, facing="north", type="left", items={"milk_bucket": 14})],
        spawn=[(0, Y, 0)])
    assert world_problem(double) is None
    assert stocked(double) == {right: {"cobblestone": 27 * 64},
                               left: {"milk_bucket": 14, "cobblestone": 13 * 64}}
    over = double.model_copy(update={"containers": [
        double.containers[0], double.containers[1].model_copy(update={
            "items": {"milk_bucket": 15}})]})
    assert world_problem(over) == (
        f"the double chest at {right} and {left} cannot hold its contents: they need 55 slots "
        "and it has 54 (2560 cobblestone, 15 milk_bucket ...)")
    # a chest alone, and two singles side by side, hold 27 each
    single = WorldSetup(containers=[ContainerSpec(pos=right, items={"cobblestone": 28 * 64}),
                                    ContainerSpec(pos=left)], spawn=[(0, Y, 0)])
    assert world_problem(single) == (
        f"the chest at {right} cannot hold its contents: they need 28 slots and it has 27 "
        "(1792 cobblestone ...)")
    # both backends build it as stocked: the server's halves get their own /data merge
    cmds = setup_commands(double, [], {"cobblestone": 64, "milk_bucket": 1})
    assert cmds[0] == f"/setblock {right[0]} {Y} {right[2]} chest[facing=north,type=right]"
    assert cmds[1].count("cobblestone") == 27 and cmds[3].count("cobblestone") == 13
    sim = _sim(double)
    assert sim.view().container(left) == {"cobblestone": 40 * 64, "milk_bucket": 14}
    assert sim.state.containers[right].items == {"cobblestone": 27 * 64}


def test_players_take_turns_at_a_double_chest_whichever_half_they_open() -> None:
    # one container (CompoundContainer): a take through one half waits for the put under way
    # through the other, as at a single chest (env/data/stations.json `turns`)
    setup = WorldSetup(containers=[
        ContainerSpec(pos=(1, Y, 2), facing="north", type="right", items={"bread": 2}),
        ContainerSpec(pos=(0, Y, 2), facing="north", type="left")],
        spawn=[(0, Y, 0), (1, Y, 0)], agent_items={"apple": 1})
    sim = SimBackend(load_rulebook(), seed=0)
    sim.build(setup, ["a", "b"])
    first = sim.execute("a", Put(pos=(0, Y, 2), item="apple"), 0.0)
    second = sim.execute("b", Take(pos=(1, Y, 2), item="bread", count=2), 0.0)
    assert first.ok and second.ok
    # the put's seconds, then the take's own (env/data/durations.json take_s)
    assert second.seconds == pytest.approx(first.seconds + DURATIONS["take_s"])


def test_a_chest_half_set_by_the_world_joins_the_single_chest_it_points_at() -> None:
    # A world's blocks set one after another, as /setblock sets them: a single chest, then a
    # `type=right` half facing the same way whose other half is where the single stands. The
    # single turns `left` (ChestBlock.updateShape on the neighbour's change), as it did on
    # the server; the simulator left it single.
    from env.world import BlockSpec

    setup = WorldSetup(blocks=[
        BlockSpec(name="chest", pos=(1, Y, 4), state={"facing": "north"}),
        BlockSpec(name="chest", pos=(2, Y, 4), state={"facing": "north", "type": "right"})],
        spawn=[(0, Y, 0)])
    sim = SimBackend(load_rulebook(), seed=0)
    sim.build(setup, ["a"])
    view = sim.view()
    assert view.block((1, Y, 4)).state.get("type") == "left"
    assert view.block((2, Y, 4)).state.get("type") == "right"


@pytest.mark.parametrize("kind", ["left", "right"])
def test_a_chest_half_set_by_the_world_without_its_other_half_is_single(kind: str) -> None:
    # /setblock takes the set block's shape from its neighbours (BlockInput.place:
    # Block.updateFromNeighbourShapes; ChestBlock.updateShape: a half whose connected side
    # holds no chest becomes SINGLE). A lone half left `left`/`right` would refuse a chest
    # placed beside it; single, it joins one.
    from env.world import BlockSpec

    setup = WorldSetup(blocks=[
        BlockSpec(name="chest", pos=(1, Y, 4), state={"facing": "north", "type": kind})],
        spawn=[(0, Y, 0)])
    sim = SimBackend(load_rulebook(), seed=0)
    sim.build(setup, ["a"])
    assert sim.view().block((1, Y, 4)).state.get("type") == "single"
    assert built_halves([ContainerSpec(pos=(1, Y, 4), kind="chest", facing="north", type=kind,
                                       items={})]) == {(1, Y, 4): [(1, Y, 4)]}


def test_a_chest_set_between_two_halves_pointing_at_it_joins_the_west_one_first() -> None:
    # updateFromNeighbourShapes reads west before east (Block.UPDATE_SHAPE_ORDER): a single
    # chest set between two halves that both point at it takes the west half's other type.
    at = world({(-1, 0, 0): ("chest", "north", "left"), (1, 0, 0): ("chest", "north", "right"),
                (0, 0, 0): ("chest", "north", "single")})
    assert set_shape((0, 0, 0), at) == BlockState(name="chest",
                                                  state={"facing": "north", "type": "right"})
