"""The redstone circuit (env/redstone.py `settle`, env/data/redstone.json `circuit`): blocks of
redstone, redstone torches, redstone dust and lamps with vanilla 1.19.2's values, and the
embedded server's copy of the rule (env/server/circuit.js) deciding the same on random worlds.

Sources: minecraft.wiki/w/Redstone_Dust (power falls by 1 per block of dust, 15 to 0; dust
powers the block under it and the block it points at; it climbs a block's side unless a
conductor sits above it), /w/Redstone_Torch (lit; powers every side but the block it is on,
strongly powers the block above; off while its block is powered), /w/Block_of_Redstone (a
constant 15 to components beside it; it powers no block to pass power on), /w/Redstone_Lamp
(lit while powered), /w/Redstone_mechanics (strong and weak power); the game's
RedStoneWireBlock, RedstoneTorchBlock, RedstoneWallTorchBlock, RedstoneLampBlock.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

from env.block_states import full_state
from env.minecraft.server import node_binary
from env.redstone import settle, wire_connections
from env.world import BlockState, Pos

ROOT = Path(__file__).resolve().parents[1]
Y = -60  # the first cell above the superflat ground (grass at -61)


def B(name: str, **state: object) -> BlockState:  # noqa: N802
    return BlockState(name=name, state=dict(state))  # type: ignore[arg-type]


def run(blocks: dict[Pos, BlockState], changed: Pos | None = None) -> dict[Pos, dict[str, str]]:
    """Every block's whole state once the circuit around `changed` (default: every block)
    settled, as the game writes it."""
    world = dict(blocks)

    def block(p: Pos) -> BlockState:
        return world.get(p, B("grass_block") if p[1] == Y - 1 else B("air"))

    for p in ([changed] if changed else sorted(blocks)):
        world.update(settle([p], block))
    return {p: full_state(b.name, b.state) for p, b in world.items()}


def lever_line(wires: int, on: bool = True) -> dict[Pos, BlockState]:
    """A floor lever at x = 0, dust from x = 1 to `wires`, a lamp after it, all on the ground."""
    out = {(0, Y, 0): B("lever", face="floor", facing="east", powered=on)}
    out |= {(x, Y, 0): B("redstone_wire") for x in range(1, wires + 1)}
    out[(wires + 1, Y, 0)] = B("redstone_lamp")
    return out


def test_dust_loses_one_per_block_and_lights_a_lamp_at_the_sixth_block() -> None:
    got = run(lever_line(5))
    assert [int(got[(x, Y, 0)]["power"]) for x in range(1, 6)] == [15, 14, 13, 12, 11]
    assert got[(6, Y, 0)] == {"lit": "true"}
    # a straight line of dust points both ways along its axis
    assert {k: got[(3, Y, 0)][k] for k in ("north", "south", "east", "west")} == {
        "north": "none", "south": "none", "east": "side", "west": "side"}


def test_sixteen_blocks_of_dust_do_not_reach_a_lamp() -> None:
    got = run(lever_line(16))
    assert int(got[(1, Y, 0)]["power"]) == 15
    assert int(got[(15, Y, 0)]["power"]) == 1
    assert int(got[(16, Y, 0)]["power"]) == 0
    assert got[(17, Y, 0)] == {"lit": "false"}


def test_a_lever_turned_off_empties_the_dust_and_the_lamp_goes_out() -> None:
    on = run(lever_line(3))
    world = {p: B(n, **s) for p, s in on.items() for n in [lever_line(3)[p].name]}
    world[(0, Y, 0)] = B("lever", face="floor", facing="east", powered=False)
    off = run(world, changed=(0, Y, 0))
    assert [off[(x, Y, 0)]["power"] for x in (1, 2, 3)] == ["0", "0", "0"]
    assert off[(4, Y, 0)] == {"lit": "false"}


def test_a_block_of_redstone_opens_an_iron_door_and_lights_a_lamp_beside_it() -> None:
    got = run({(0, Y, 0): B("redstone_block"),
               (1, Y, 0): B("iron_door", half="lower", facing="east"),
               (1, Y + 1, 0): B("iron_door", half="upper", facing="east"),
               (-1, Y, 0): B("redstone_lamp")})
    assert got[(1, Y, 0)]["open"] == got[(1, Y + 1, 0)]["open"] == "true"
    assert got[(1, Y, 0)]["powered"] == "true"
    assert got[(-1, Y, 0)]["lit"] == "true"


def test_a_block_of_redstone_does_not_power_through_a_block() -> None:
    got = run({(0, Y, 0): B("redstone_block"), (1, Y, 0): B("stone"),
               (2, Y, 0): B("redstone_lamp")})
    assert got[(2, Y, 0)]["lit"] == "false"


def _inverter(lever_on: bool) -> dict[Pos, BlockState]:
    """A torch on a stone block whose west side holds a lever; an iron door beside the torch."""
    return {(0, Y, 0): B("stone"), (1, Y, 0): B("stone"),
            (-1, Y, 0): B("lever", face="wall", facing="west", powered=lever_on),
            (0, Y + 1, 0): B("redstone_torch"),
            (1, Y + 1, 0): B("iron_door", half="lower", facing="east"),
            (1, Y + 2, 0): B("iron_door", half="upper", facing="east")}


def test_a_torch_on_a_powered_block_goes_off_and_its_door_shuts() -> None:
    off = run(_inverter(False))
    assert off[(0, Y + 1, 0)] == {"lit": "true"}
    assert off[(1, Y + 1, 0)]["open"] == "true"
    world = {p: B(b.name, **{k: v for k, v in off[p].items()})
             for p, b in _inverter(True).items()}
    world[(-1, Y, 0)] = _inverter(True)[(-1, Y, 0)]
    on = run(world, changed=(-1, Y, 0))
    assert on[(0, Y + 1, 0)] == {"lit": "false"}
    assert on[(1, Y + 1, 0)]["open"] == on[(1, Y + 2, 0)]["open"] == "false"


def test_a_wall_torch_goes_off_when_its_wall_is_powered_and_ignores_other_blocks() -> None:
    base = {(0, Y, 0): B("stone"), (0, Y, 1): B("redstone_wall_torch", facing="south")}
    assert run(base)[(0, Y, 1)]["lit"] == "true"
    lever_on_wall = base | {(0, Y + 1, 0): B("lever", face="floor", facing="north",
                                               powered=True)}
    assert run(lever_on_wall)[(0, Y, 1)]["lit"] == "false"
    # a powered block beside the torch (not its wall) leaves it lit
    beside = base | {(1, Y, 1): B("redstone_block")}
    assert run(beside)[(0, Y, 1)]["lit"] == "true"


def test_a_torch_strongly_powers_the_block_above_it() -> None:
    got = run({(0, Y, 0): B("redstone_torch"), (0, Y + 1, 0): B("stone"),
               (1, Y + 1, 0): B("redstone_lamp"), (0, Y + 2, 0): B("redstone_wire")})
    assert got[(1, Y + 1, 0)]["lit"] == "true"
    assert got[(0, Y + 2, 0)]["power"] == "15"  # strong power reaches dust too


def test_dust_powers_the_block_it_points_into_weakly() -> None:
    base = lever_line(1) | {(2, Y, 0): B("stone")}
    del base[(2, Y, 0)]
    base[(2, Y, 0)] = B("stone")
    lamp = run(base | {(3, Y, 0): B("redstone_lamp")})
    assert lamp[(3, Y, 0)]["lit"] == "true"
    dust = run(base | {(3, Y, 0): B("redstone_wire")})
    assert dust[(3, Y, 0)]["power"] == "0"  # weak power does not feed dust


def test_dust_climbs_a_block_side_unless_a_conductor_sits_above_it() -> None:
    climb = {(0, Y, 0): B("lever", face="floor", facing="east", powered=True),
             (1, Y, 0): B("redstone_wire"), (2, Y, 0): B("stone"),
             (2, Y + 1, 0): B("redstone_wire")}
    got = run(climb)
    assert got[(1, Y, 0)]["east"] == "up"
    assert got[(2, Y + 1, 0)]["power"] == "14"
    blocked = run(climb | {(1, Y + 1, 0): B("stone")})
    assert blocked[(1, Y, 0)]["east"] != "up"
    assert blocked[(2, Y + 1, 0)]["power"] == "0"


def test_a_lone_wire_set_by_command_stays_a_dot_and_a_wire_beside_a_lever_points_at_it() -> None:
    got = run({(0, Y, 0): B("redstone_wire")})
    assert got[(0, Y, 0)] == {"east": "none", "north": "none", "power": "0", "south": "none",
                              "west": "none"}
    world = {(0, Y, 0): B("redstone_wire"), (0, Y, -1): B("lever", face="floor")}
    assert wire_connections((0, Y, 0), lambda p: world.get(p, B("air"))) == {
        "north": "side", "south": "side", "east": "none", "west": "none"}


def test_two_torches_in_a_loop_settle_as_a_latch() -> None:
    # torch A on block P; torch B on block Q; each torch's light powers the other's block:
    # the circuit settles with one lit and one unlit (a latch keeps what it held)
    world = {(0, Y, 0): B("stone"), (0, Y + 1, 0): B("redstone_torch"),
             (0, Y + 2, 0): B("stone"), (0, Y + 3, 0): B("redstone_torch", lit=False)}
    got = run(world)
    assert got[(0, Y + 1, 0)]["lit"] == "true" and got[(0, Y + 3, 0)]["lit"] == "false"


# -- the server's copy of the rule decides the same -------------------------------------------

_NODE_CHECK = r"""
const { Vec3 } = require('vec3')
const reg = require('minecraft-data')('1.19.2')
const { settle } = require('./server/circuit')
const { stateIdOf, describeState } = require('./server/blockstate')
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'))
;(async () => {
  const out = []
  for (const c of cases) {
    const blocks = new Map(c.blocks.map(b => [b.pos.join(','), stateIdOf(reg, b.name, b.state)]))
    const get = async (p) => blocks.get([p.x, p.y, p.z].join(',')) ??
      stateIdOf(reg, p.y === -61 ? 'grass_block' : 'air', {})
    const changes = await settle(reg, get, [new Vec3(...c.changed)], new Set(c.keep))
    const got = {}
    for (const [k, { stateId }] of changes) {
      const { name, properties } = describeState(reg, stateId)
      const props = Object.entries(properties).map(([a, v]) => [a, String(v)])
      got[k] = [name, Object.fromEntries(props)]
    }
    out.push(got)
  }
  console.log(JSON.stringify(out))
})()
"""

_PALETTE = ["air", "air", "air", "stone", "stone", "glass", "redstone_block", "redstone_wire",
            "redstone_wire", "redstone_wire", "redstone_torch", "redstone_wall_torch",
            "redstone_lamp", "lever", "iron_trapdoor", "stone_pressure_plate", "soul_sand",
            "sea_lantern", "slime_block"]
_FACINGS = ("north", "south", "east", "west")


def _random_world(rng: random.Random) -> dict[Pos, BlockState]:
    out: dict[Pos, BlockState] = {}
    for x in range(-2, 3):
        for y in range(Y, Y + 3):
            for z in range(-2, 3):
                name = rng.choice(_PALETTE)
                if name == "air":
                    continue
                state: dict[str, object] = {}
                if name == "redstone_wall_torch":
                    state = {"facing": rng.choice(_FACINGS), "lit": rng.random() < 0.5}
                elif name == "redstone_torch":
                    state = {"lit": rng.random() < 0.5}
                elif name == "lever":
                    state = {"face": rng.choice(("floor", "wall", "ceiling")),
                             "facing": rng.choice(_FACINGS), "powered": rng.random() < 0.5}
                elif name == "redstone_wire" and rng.random() < 0.5:
                    state = {s: rng.choice(("none", "side", "up")) for s in _FACINGS}
                    state["power"] = rng.randrange(16)
                elif name == "stone_pressure_plate":
                    state = {"powered": rng.random() < 0.5}
                elif name == "iron_trapdoor":
                    state = {"open": rng.random() < 0.5, "powered": rng.random() < 0.5}
                out[(x, y, z)] = B(name, **state)
    return out


def test_the_server_circuit_settles_the_same_as_the_rule_on_300_random_worlds() -> None:
    rng = random.Random(13)
    cases, expected = [], []
    for _ in range(300):
        blocks = _random_world(rng)
        changed = (rng.randrange(-1, 2), rng.randrange(Y, Y + 3), rng.randrange(-1, 2))
        keep = [changed] if rng.random() < 0.5 else []

        def block(p: Pos, blocks: dict[Pos, BlockState] = blocks) -> BlockState:
            return blocks.get(p, B("grass_block") if p[1] == Y - 1 else B("air"))

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
    assert sum(1 for e in expected if e) > 100  # most worlds change somewhere


# -- the simulator settles the circuit after every change -------------------------------------

def _sim(blocks: list[tuple[Pos, BlockState]], triggers: list[Any] | None = None) -> Any:
    from env.rulebook import load_rulebook
    from env.sim import SimBackend
    from env.world import BlockSpec, WorldSetup
    sim = SimBackend(load_rulebook(), seed=0)
    sim.build(WorldSetup(blocks=[BlockSpec(name=b.name, pos=p, state=b.state)
                                 for p, b in blocks],
                         triggers=triggers or [], spawn=[(0, Y, -2)]), ["a"])
    return sim


def test_the_simulator_lights_a_lamp_when_a_lever_powers_its_dust() -> None:
    from env.actions import parse_action
    sim = _sim(list(lever_line(5, on=False).items()))
    assert full_state("redstone_lamp", sim.view().block((6, Y, 0)).state) == {"lit": "false"}
    out = sim.execute("a", parse_action({"name": "activate", "pos": [0, Y, 0]}), 0.0)
    assert out.ok
    sim.advance(out.seconds)
    view = sim.view()
    assert [str(view.block((x, Y, 0)).state["power"]) for x in range(1, 6)] == [
        "15", "14", "13", "12", "11"]
    assert full_state("redstone_lamp", view.block((6, Y, 0)).state) == {"lit": "true"}


def test_the_simulator_shuts_a_door_when_a_trigger_removes_its_torch() -> None:
    from env.actions import parse_action
    from env.world import Condition, Effect, Trigger
    plate = (3, Y, -2)
    trigger = Trigger(id="t", conditions=[Condition(pos=plate, block="stone_pressure_plate",
                                                    state={"powered": True})],
                      effects=[Effect(kind="set_block", pos=(3, Y, 0), block="air")])
    sim = _sim([((3, Y, 0), B("redstone_torch")),
                ((4, Y, 0), B("iron_door", half="lower", facing="east")),
                ((4, Y + 1, 0), B("iron_door", half="upper", facing="east")),
                (plate, B("stone_pressure_plate"))], [trigger])
    assert sim.view().block((4, Y + 1, 0)).state["open"] is True
    out = sim.execute("a", parse_action({"name": "step_on", "pos": list(plate),
                                         "hold_s": 0.5}), 0.0)
    assert out.ok and out.fired == ["t"]
    view = sim.view()
    assert view.block((3, Y, 0)).name == "air"
    assert view.block((4, Y, 0)).state["open"] is False
    assert view.block((4, Y + 1, 0)).state["open"] is False
