"""Pistons in the redstone rule (env/redstone.py `settle`/`piston_moves`, env/data/redstone.json
`circuit.pistons`) with vanilla 1.19.2's values, on the simulator, and the embedded server's copy
of the rule (env/server/circuit.js) deciding the same on random worlds.

Sources: minecraft.wiki/w/Piston ('Behavior': a piston is activated by power on any side but its
face, extends its head into the cell in front pushing up to 12 blocks, cannot push obsidian,
bedrock, block entities or extended pistons, breaks the blocks marked 'breaks' when pushing,
retracts when unpowered; 'Quasi-connectivity': a piston is also powered by what would power
the block above it); /w/Sticky_Piston (pulls the block in front back); the game's
PistonBaseBlock (getNeighborSignal, onPlace checks at once, isPushable), PistonStructureResolver,
PistonHeadBlock (canSurvive: a head needs its extended base behind it; onRemove destroys the
base), and its block states (piston: extended, facing; piston_head: facing, short, type).
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

from env.block_states import full_state
from env.minecraft.server import node_binary
from env.redstone import piston_powered, settle
from env.world import BlockState, Pos
from tests.test_redstone_components import _NODE_CHECK

ROOT = Path(__file__).resolve().parents[1]
Y = -60  # the first cell above the superflat ground (grass at -61)

HEAD_DOWN = ("piston_head", {"facing": "down", "short": "false", "type": "normal"})


def B(name: str, **state: object) -> BlockState:  # noqa: N802
    return BlockState(name=name, state=dict(state))  # type: ignore[arg-type]


def ground(p: Pos) -> BlockState:
    return B("grass_block") if p[1] == Y - 1 else B("air")


def build(blocks: list[tuple[Pos, BlockState]]) -> dict[Pos, BlockState]:
    """The world once each block is set in order, the circuit settled after each (as /setblock:
    the block just set is kept)."""
    world: dict[Pos, BlockState] = {}
    for p, b in blocks:
        change(world, p, b)
    return world


def change(world: dict[Pos, BlockState], pos: Pos, block: BlockState) -> None:
    world[pos] = block
    world.update(settle([pos], lambda p: world.get(p, ground(p)), keep=[pos]))


def states(world: dict[Pos, BlockState]) -> dict[Pos, tuple[str, dict[str, str]]]:
    return {p: (b.name, full_state(b.name, b.state)) for p, b in world.items() if b.name != "air"}


def test_a_block_of_redstone_above_a_down_facing_piston_extends_it_at_build() -> None:
    # the escape room's layout: the piston first, the block of redstone set on top of it
    got = states(build([((0, Y + 2, 0), B("piston", facing="down")),
                        ((0, Y + 3, 0), B("redstone_block"))]))
    assert got[(0, Y + 2, 0)] == ("piston", {"extended": "true", "facing": "down"})
    assert got[(0, Y + 1, 0)] == HEAD_DOWN
    # set the other way round, the piston checks its power as it is placed (onPlace)
    other = states(build([((0, Y + 3, 0), B("redstone_block")),
                          ((0, Y + 2, 0), B("piston", facing="down"))]))
    assert other == got


def test_a_sticky_piston_has_a_sticky_head() -> None:
    got = states(build([((0, Y, 0), B("sticky_piston", facing="east")),
                        ((-1, Y, 0), B("redstone_block"))]))
    assert got[(0, Y, 0)] == ("sticky_piston", {"extended": "true", "facing": "east"})
    assert got[(1, Y, 0)] == ("piston_head", {"facing": "east", "short": "false",
                                              "type": "sticky"})


def test_a_lever_beside_a_piston_extends_and_retracts_it() -> None:
    lever = (0, Y, 1)
    world = build([((0, Y, 0), B("piston", facing="up")),
                   (lever, B("lever", face="floor", facing="south", powered=False))])
    assert states(world)[(0, Y, 0)] == ("piston", {"extended": "false", "facing": "up"})
    assert (0, Y + 1, 0) not in states(world)
    change(world, lever, B("lever", face="floor", facing="south", powered=True))
    got = states(world)
    assert got[(0, Y, 0)] == ("piston", {"extended": "true", "facing": "up"})
    assert got[(0, Y + 1, 0)] == ("piston_head", {"facing": "up", "short": "false",
                                                  "type": "normal"})
    change(world, lever, B("lever", face="floor", facing="south", powered=False))
    got = states(world)
    assert got[(0, Y, 0)] == ("piston", {"extended": "false", "facing": "up"})
    assert (0, Y + 1, 0) not in got


def test_setting_the_base_to_air_removes_its_head() -> None:
    world = build([((0, Y + 2, 0), B("piston", facing="down")),
                   ((0, Y + 3, 0), B("redstone_block"))])
    change(world, (0, Y + 2, 0), B("air"))
    assert states(world) == {(0, Y + 3, 0): ("redstone_block", {})}


def test_removing_the_head_removes_its_base() -> None:
    world = build([((0, Y + 2, 0), B("piston", facing="down")),
                   ((0, Y + 3, 0), B("redstone_block"))])
    change(world, (0, Y + 1, 0), B("air"))
    assert states(world) == {(0, Y + 3, 0): ("redstone_block", {})}


def _pusher(front: list[BlockState], facing: str = "east",
            piston: str = "piston") -> dict[Pos, BlockState]:
    """A piston at the origin facing east with `front` in the cells before it, then powered by
    a block of redstone behind it."""
    blocks = [((1 + i, Y, 0), b) for i, b in enumerate(front)]
    return build([*blocks, ((0, Y, 0), B(piston, facing=facing)),
                  ((-1, Y, 0), B("redstone_block"))])


def test_a_piston_pushes_a_line_of_twelve_blocks_but_not_thirteen() -> None:
    got = states(_pusher([B("stone"), B("dirt")]))
    assert got[(0, Y, 0)] == ("piston", {"extended": "true", "facing": "east"})
    assert got[(1, Y, 0)][0] == "piston_head"
    assert got[(2, Y, 0)] == ("stone", {}) and got[(3, Y, 0)][0] == "dirt"
    twelve = states(_pusher([B("stone")] * 12))
    assert twelve[(0, Y, 0)][1]["extended"] == "true"
    assert [x for (x, y, _), (n, _) in twelve.items() if n == "stone"] == list(range(2, 14))
    thirteen = states(_pusher([B("stone")] * 13))
    assert thirteen[(0, Y, 0)][1]["extended"] == "false"
    assert [x for (x, y, _), (n, _) in thirteen.items() if n == "stone"] == list(range(1, 14))


def test_an_immovable_block_in_the_line_keeps_the_piston_retracted() -> None:
    for stop in (B("obsidian"), B("bedrock"), B("chest", facing="north"),
                 B("furnace", facing="north")):
        got = states(_pusher([B("stone"), stop]))
        assert got[(0, Y, 0)] == ("piston", {"extended": "false", "facing": "east"}), stop
        assert got[(1, Y, 0)] == ("stone", {}), stop
    # an extended piston (kept out by a block of redstone beside it) does not move
    world = build([((2, Y, 1), B("redstone_block")), ((2, Y, 0), B("piston", facing="up")),
                   ((1, Y, 0), B("stone")), ((0, Y, 0), B("piston", facing="east"))])
    assert states(world)[(2, Y, 0)] == ("piston", {"extended": "true", "facing": "up"})
    change(world, (-1, Y, 0), B("redstone_block"))
    assert states(world)[(0, Y, 0)] == ("piston", {"extended": "false", "facing": "east"})
    # a retracted one is pushed like a block
    world = build([((2, Y, 0), B("piston", facing="up")), ((1, Y, 0), B("stone")),
                   ((0, Y, 0), B("piston", facing="east"))])
    change(world, (-1, Y, 0), B("redstone_block"))
    assert states(world)[(3, Y, 0)] == ("piston", {"extended": "false", "facing": "up"})


def test_a_block_that_breaks_ends_the_line_and_is_broken() -> None:
    # a torch in front breaks (PushReaction.DESTROY) and the head takes its cell
    torch = states(_pusher([B("torch")]))
    assert torch[(0, Y, 0)][1]["extended"] == "true"
    assert torch[(1, Y, 0)][0] == "piston_head"
    # after a block: the block takes the torch's cell, what was beyond it stays
    line = states(_pusher([B("stone"), B("torch"), B("dirt")]))
    assert line[(2, Y, 0)] == ("stone", {})
    assert line[(3, Y, 0)][0] == "dirt"


def test_a_sticky_piston_pulls_its_block_back_and_a_normal_one_leaves_it() -> None:
    for piston, back in (("sticky_piston", True), ("piston", False)):
        world = _pusher([B("stone")], piston=piston)
        assert states(world)[(2, Y, 0)] == ("stone", {})
        change(world, (-1, Y, 0), B("air"))
        got = states(world)
        assert got[(0, Y, 0)] == (piston, {"extended": "false", "facing": "east"})
        assert got.get((1, Y, 0)) == (("stone", {}) if back else None)
        assert got.get((2, Y, 0)) == (None if back else ("stone", {}))
    # it does not pull an immovable block or one a push breaks
    for stay in (B("obsidian"),):
        world = _pusher([], piston="sticky_piston")
        world[(2, Y, 0)] = stay
        change(world, (-1, Y, 0), B("air"))
        assert states(world)[(2, Y, 0)] == (stay.name, {})
        assert (1, Y, 0) not in states(world)


def test_a_pushed_block_of_redstone_powers_where_it_lands() -> None:
    got = states(_pusher([B("redstone_block"), B("air"), B("air"), B("redstone_lamp")]))
    assert got[(2, Y, 0)] == ("redstone_block", {})
    assert got[(4, Y, 0)] == ("redstone_lamp", {"lit": "false"})
    got = states(_pusher([B("redstone_block"), B("air"), B("redstone_lamp")]))
    assert got[(3, Y, 0)] == ("redstone_lamp", {"lit": "true"})


def test_power_at_the_face_does_not_count_and_quasi_connectivity_does() -> None:
    def block_of(world: dict[Pos, BlockState]) -> Any:
        return lambda p: world.get(p, ground(p))
    piston = B("piston", facing="east")
    # a lit torch in front of the face: power from the face side only
    face = {(0, Y, 0): piston, (1, Y, 0): B("redstone_torch", lit=True)}
    assert piston_powered((0, Y, 0), block_of(face)) is False
    side = {(0, Y, 0): piston, (0, Y, 1): B("redstone_torch", lit=True)}
    assert piston_powered((0, Y, 0), block_of(side)) is True
    # a block of redstone two above, or beside the block above: quasi-connectivity
    for qc in ((0, Y + 2, 0), (1, Y + 1, 0), (0, Y + 1, 1)):
        world = {(0, Y, 0): piston, qc: B("redstone_block")}
        assert piston_powered((0, Y, 0), block_of(world)) is True, qc
    # three above, or diagonal below: nothing
    for far in ((0, Y + 3, 0), (1, Y - 1, 1)):
        world = {(0, Y, 0): piston, far: B("redstone_block")}
        assert piston_powered((0, Y, 0), block_of(world)) is False, far


def test_a_head_beside_dust_is_no_conductor_and_the_circuit_settles_after_the_move() -> None:
    # a piston facing up pushes its head beside a lamp: the head gives no power, lamp stays off
    got = states(build([((0, Y, 0), B("piston", facing="up")),
                        ((1, Y + 1, 0), B("redstone_lamp")),
                        ((0, Y, 1), B("redstone_block"))]))
    assert got[(0, Y + 1, 0)][0] == "piston_head"
    assert got[(1, Y + 1, 0)] == ("redstone_lamp", {"lit": "false"})
    # a head breaking a torch that lit a lamp: the lamp goes out in the same settle
    lit = build([((2, Y, 0), B("redstone_lamp")), ((1, Y, 0), B("redstone_torch")),
                 ((0, Y, 0), B("piston", facing="east"))])
    assert states(lit)[(2, Y, 0)] == ("redstone_lamp", {"lit": "true"})
    change(lit, (-1, Y, 0), B("redstone_block"))
    got = states(lit)
    assert got[(1, Y, 0)][0] == "piston_head"
    assert got[(2, Y, 0)] == ("redstone_lamp", {"lit": "false"})


# -- the server's copy of the rule decides the same -------------------------------------------

_PALETTE = ["air", "air", "air", "air", "stone", "stone", "dirt", "glass", "redstone_block",
            "redstone_block", "redstone_wire", "redstone_torch", "lever", "torch", "obsidian",
            "chest", "piston", "piston", "sticky_piston", "sticky_piston", "piston_head",
            "redstone_lamp"]
_DIRS = ("north", "south", "east", "west", "up", "down")


def _random_world(rng: random.Random) -> dict[Pos, BlockState]:
    out: dict[Pos, BlockState] = {}
    for x in range(-2, 3):
        for y in range(Y, Y + 3):
            for z in range(-2, 3):
                name = rng.choice(_PALETTE)
                if name == "air":
                    continue
                state: dict[str, object] = {}
                if name in ("piston", "sticky_piston"):
                    state = {"facing": rng.choice(_DIRS), "extended": rng.random() < 0.3}
                elif name == "piston_head":
                    state = {"facing": rng.choice(_DIRS),
                             "type": rng.choice(("normal", "sticky")), "short": False}
                elif name == "redstone_torch":
                    state = {"lit": rng.random() < 0.5}
                elif name == "chest":
                    state = {"facing": rng.choice(_DIRS[:4])}
                elif name == "lever":
                    state = {"face": rng.choice(("floor", "wall", "ceiling")),
                             "facing": rng.choice(_DIRS[:4]), "powered": rng.random() < 0.5}
                out[(x, y, z)] = B(name, **state)
    return out


def test_the_server_moves_pistons_the_same_as_the_rule_on_300_random_worlds() -> None:
    rng = random.Random(17)
    cases, expected = [], []
    for _ in range(300):
        blocks = _random_world(rng)
        changed = (rng.randrange(-1, 2), rng.randrange(Y, Y + 3), rng.randrange(-1, 2))
        keep = [changed] if rng.random() < 0.5 else []

        def block(p: Pos, blocks: dict[Pos, BlockState] = blocks) -> BlockState:
            return blocks.get(p, ground(p))

        got = settle([changed], block, keep=keep)
        expected.append({",".join(map(str, p)): [b.name, full_state(b.name, b.state)]
                         for p, b in got.items()})
        cases.append({"blocks": [{"pos": list(p), "name": b.name, "state": b.state}
                                 for p, b in blocks.items()],
                      "changed": list(changed), "keep": [",".join(map(str, k)) for k in keep]})
    out = subprocess.run([node_binary(), "-e", _NODE_CHECK], input=json.dumps(cases),
                         cwd=ROOT / "env", capture_output=True, text=True, timeout=300,
                         check=True)
    got = json.loads(out.stdout)
    for i, (a, b) in enumerate(zip(expected, got, strict=True)):
        assert a == b, (i, cases[i]["changed"], a, b)
    moved = sum(1 for e in expected if any(v[0] == "piston_head" or (
        v[0] in ("piston", "sticky_piston")) for v in e.values()))
    assert moved > 50  # many worlds move a piston


# -- the simulator --------------------------------------------------------------------------

def test_the_simulator_extends_the_escape_piston_and_a_trigger_removing_the_base_removes_the_head(
        ) -> None:
    from env.actions import parse_action
    from env.rulebook import load_rulebook
    from env.sim import SimBackend
    from env.world import BlockSpec, Condition, Effect, Trigger, WorldSetup
    plate = (3, Y, -2)
    base = (0, Y + 2, 0)
    trigger = Trigger(id="t", conditions=[Condition(pos=plate, block="stone_pressure_plate",
                                                    state={"powered": True})],
                      effects=[Effect(kind="set_block", pos=base, block="air")])
    sim = SimBackend(load_rulebook(), seed=0)
    sim.build(WorldSetup(blocks=[BlockSpec(name="redstone_block", pos=(0, Y + 3, 0)),
                                 BlockSpec(name="piston", pos=base, state={"facing": "down"}),
                                 BlockSpec(name="stone_pressure_plate", pos=plate)],
                         triggers=[trigger], spawn=[(0, Y, -2)]), ["a"])
    view = sim.view()
    assert full_state("piston", view.block(base).state) == {"extended": "true", "facing": "down"}
    head = view.block((0, Y + 1, 0))
    assert (head.name, full_state(head.name, head.state)) == HEAD_DOWN
    out = sim.execute("a", parse_action({"name": "step_on", "pos": list(plate),
                                         "hold_s": 0.5}), 0.0)
    assert out.ok and out.fired == ["t"]
    assert sim.view().block(base).name == "air"
    assert sim.view().block((0, Y + 1, 0)).name == "air"
