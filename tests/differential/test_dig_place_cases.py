"""Digging and placing edge cases on the simulator and on the embedded server, with vanilla
1.19.2's verdicts: ice broken by hand turns into water over a block that blocks motion; short
grass, ferns, dead bushes, flowers, tall plants and snow covers break; a replaceable block is
not replaced by its own kind, and a snow cover grows by a layer. The simulator's side of each
case is also in tests/test_dig_rules.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from env.actions import parse_action
from env.backend import Outcome
from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.refusals import Code
from env.rulebook import Rulebook
from env.sim import SimBackend
from env.world import GROUND_Y, STAND_Y, BlockSpec, Pos, WorldSetup, in_reach
from tests.differential.harness import (
    Run,
    Sequence_,
    compare,
    reset_arena,
    run_on_server,
    run_on_sim,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

ORIGIN: Pos = (400, STAND_Y, 400)
A, B = "digann", "digben"
FEET = {A: (0, 0), B: (3, 0)}
RUNS = 3
"""Runs of the grass-by-hand case on the server (23 digs each)."""


def at(dx: int, dz: int, dy: int = 0) -> Pos:
    return (ORIGIN[0] + dx, ORIGIN[1] + dy, ORIGIN[2] + dz)


def key(p: Pos) -> str:
    return ",".join(map(str, p))


@pytest.fixture(scope="module")
def backend(server: ServerProcess, rules: Rulebook) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(rules, server=server)
    yield be
    be.close()


def _bounded(world: WorldSetup) -> WorldSetup:
    return world.model_copy(update={
        "bounds": ((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 2),
                   (ORIGIN[0] + 12, GROUND_Y + 6, ORIGIN[2] + 12)),
        "spawn": [at(*FEET[A]), at(*FEET[B])]})


def both(backend: MinecraftBackend, rules: Rulebook, world: WorldSetup,
         rounds: list[dict[str, dict[str, Any]]]) -> tuple[Run, Run]:
    """Runs the case on both backends (the harness's runs: the arena's blocks, inventories and
    verdicts compared); fails on any disagreement; answers (sim, server)."""
    seq = Sequence_(seed=0, world=_bounded(world), agents=[A, B], rounds=rounds)
    sim = run_on_sim(seq, rules, ORIGIN)
    try:
        srv = run_on_server(seq, backend, ORIGIN)
    finally:
        reset_arena(backend, ORIGIN)
    assert compare(seq, sim, srv, durations=False) == []
    return sim, srv


def _states(be: Any, cells: list[Pos]) -> dict[str, dict[str, str]]:
    read = getattr(be, "read_blocks", None)
    blocks = read(cells) if read else {c: be.view().block(c) for c in cells}
    return {key(c): {k: str(v) for k, v in b.state.items()} for c, b in blocks.items()}


def states_on_both(backend: MinecraftBackend, rules: Rulebook, world: WorldSetup,
                   rounds: list[dict[str, dict[str, Any]]],
                   cells: list[Pos]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The block states of `cells` after the rounds (each agent's actions of a round at once),
    on the simulator and on the server: (sim, server)."""
    world = _bounded(world)
    sim = SimBackend(rules, seed=0)
    sim.build(world, [A, B])
    t = 0.0
    for rnd in rounds:
        t += max(sim.execute(a, parse_action(d), t).seconds for a, d in rnd.items())
    backend.build(world, [A, B])
    try:
        for rnd in rounds:
            outs: dict[str, Outcome] = {}

            def act(agent: str, data: dict[str, Any], into: dict[str, Outcome]) -> None:
                into[agent] = backend.execute(agent, parse_action(data), 0.0)

            threads = [threading.Thread(target=act, args=(a, d, outs)) for a, d in rnd.items()]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
        return _states(sim, cells), _states(backend, cells)
    finally:
        reset_arena(backend, ORIGIN)


# -- ice ------------------------------------------------------------------------------------------

def test_ice_broken_by_hand_turns_to_water_over_a_block_that_blocks_motion(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # IceBlock.playerDestroy (minecraft.wiki/w/Ice#Breaking: "turns into water if there is a
    # block that blocks motion or a liquid below it"): ice on the ground and frosted ice turn
    # to water; ice over air or over a carpet (Material.CLOTH_DECORATION does not block motion)
    # vanishes. Packed and blue ice are plain blocks: air. None drops anything without silk
    # touch (loot tables blocks/ice.json, packed_ice.json, blue_ice.json, frosted_ice.json).
    # The water left is not dug (nothing_to_dig).
    world = WorldSetup(blocks=[BlockSpec(name="ice", pos=at(1, 1)),
                               BlockSpec(name="packed_ice", pos=at(4, 1)),
                               BlockSpec(name="ice", pos=at(2, 1, 1)),
                               BlockSpec(name="white_carpet", pos=at(5, 1)),
                               BlockSpec(name="ice", pos=at(5, 1, 1)),
                               BlockSpec(name="blue_ice", pos=at(1, 2)),
                               BlockSpec(name="frosted_ice", pos=at(4, 2))],
                       agent_items={"wooden_pickaxe": 1})
    dig = lambda c: {"name": "dig", "pos": list(c)}  # noqa: E731
    sim, srv = both(backend, rules, world, [
        {A: dig(at(1, 1)), B: dig(at(4, 1))},
        {A: dig(at(2, 1, 1)), B: dig(at(5, 1, 1))},
        {A: dig(at(1, 2)), B: dig(at(4, 2))},
        {A: dig(at(1, 1)), B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert [v.code for v in run.verdicts] == [None] * 6 + [Code.NOTHING_TO_DIG, None]
        blocks = run.final["blocks"]
        assert [blocks[key(c)] for c in (at(1, 1), at(4, 1), at(2, 1, 1), at(5, 1),
                                         at(5, 1, 1), at(1, 2), at(4, 2))] == \
            ["water", "air", "air", "white_carpet", "air", "air", "water"]
        assert run.final["inventories"] == {A: {"wooden_pickaxe": 1}, B: {"wooden_pickaxe": 1}}


# -- plants and snow covers -----------------------------------------------------------------------

def test_short_grass_ferns_flowers_and_tall_plants_break(backend: MinecraftBackend,
                                                         rules: Rulebook) -> None:
    # minecraft.wiki/w/Grass, /w/Fern, /w/Dead_Bush, /w/Flower: hardness 0, broken at once by
    # anything. With shears: short grass gives grass, a fern a fern, a dead bush itself, tall
    # grass 2 grass and a large fern 2 ferns (loot tables blocks/grass.json, fern.json,
    # dead_bush.json, tall_grass.json, large_fern.json); a poppy itself. Either half of a tall
    # plant breaks both (DoublePlantBlock), its loot coming once. A one-layer snow cover
    # breaks and without a shovel drops nothing (SnowLayerBlock: requiresCorrectToolForDrops).
    world = WorldSetup(blocks=[BlockSpec(name="grass", pos=at(1, 1)),
                               BlockSpec(name="dead_bush", pos=at(4, 1)),
                               BlockSpec(name="fern", pos=at(1, 2)),
                               BlockSpec(name="poppy", pos=at(4, 2)),
                               BlockSpec(name="tall_grass", pos=at(2, 2),
                                         state={"half": "lower"}),
                               BlockSpec(name="tall_grass", pos=at(2, 2, 1),
                                         state={"half": "upper"}),
                               BlockSpec(name="large_fern", pos=at(5, 2),
                                         state={"half": "lower"}),
                               BlockSpec(name="large_fern", pos=at(5, 2, 1),
                                         state={"half": "upper"}),
                               BlockSpec(name="snow", pos=at(2, 1), state={"layers": 1})],
                       agent_items={"shears": 1})
    dig = lambda c: {"name": "dig", "pos": list(c)}  # noqa: E731
    sim, srv = both(backend, rules, world, [
        {A: dig(at(1, 1)), B: dig(at(4, 1))},
        {A: dig(at(1, 2)), B: dig(at(4, 2))},
        {A: dig(at(2, 2, 1)), B: dig(at(5, 2))},
        {A: dig(at(2, 1)), B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert [v.code for v in run.verdicts] == [None] * 8
        blocks = run.final["blocks"]
        cells = (at(1, 1), at(4, 1), at(1, 2), at(4, 2), at(2, 2), at(2, 2, 1), at(5, 2),
                 at(5, 2, 1), at(2, 1))
        assert [blocks[key(c)] for c in cells] == ["air"] * len(cells)
        assert run.final["inventories"] == {
            A: {"fern": 1, "grass": 3, "shears": 1},
            B: {"dead_bush": 1, "fern": 2, "poppy": 1, "shears": 1}}


def _cells_in_reach() -> dict[str, list[Pos]]:
    """Cells of the arena in front of the agents' row, each in reach of one agent."""
    out: dict[str, list[Pos]] = {A: [], B: []}
    seen: set[Pos] = set()
    for agent, (fx, fz) in FEET.items():
        feet = at(fx, fz)
        for dz in (1, 2, 3):
            for dx in range(0, 8):
                cell = at(dx, dz)
                if cell not in seen and in_reach((feet[0] + 0.5, float(feet[1]), feet[2] + 0.5),
                                                 cell):
                    out[agent].append(cell)
                    seen.add(cell)
    return out


def test_short_grass_by_hand_gives_a_seed_one_time_in_eight_on_the_server(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # loot table blocks/grass.json (minecraft.wiki/w/Grass#Drops): without shears, one
    # wheat_seeds with random_chance 0.125, else nothing. The server rolls with Math.random:
    # its rate over a run of digs is tested against vanilla's 1/8 (the simulator's, over many
    # seeds, in tests/test_dig_rules.py).
    from scipy.stats import binomtest
    mine = _cells_in_reach()
    rounds = [{a: {"name": "dig", "pos": list(mine[a][i])} for a in (A, B) if i < len(mine[a])}
              for i in range(max(len(mine[A]), len(mine[B])))]
    world = _bounded(WorldSetup(blocks=[BlockSpec(name="grass", pos=c)
                                        for c in mine[A] + mine[B]]))
    digs = len(mine[A]) + len(mine[B])
    seq = Sequence_(seed=0, world=world, agents=[A, B], rounds=rounds)
    seeds = 0
    for _ in range(RUNS):
        try:
            srv = run_on_server(seq, backend, ORIGIN)
        finally:
            reset_arena(backend, ORIGIN)
        assert all(v.ok for v in srv.verdicts), [v.reason for v in srv.verdicts if not v.ok]
        assert all(srv.final["blocks"][key(c)] == "air" for c in mine[A] + mine[B])
        inv = srv.final["inventories"]
        assert {i for a in inv.values() for i in a} <= {"wheat_seeds"}
        seeds += sum(a.get("wheat_seeds", 0) for a in inv.values())
    digs *= RUNS
    p = float(binomtest(seeds, digs, 0.125).pvalue)
    print(f"short grass by hand on the server: {seeds} seeds in {digs} digs (p {p:.3f})")
    assert p >= 0.001, (seeds, digs)


# -- placing into a replaceable block of its own kind ---------------------------------------------

def test_a_replaceable_block_is_not_replaced_by_its_own_kind(backend: MinecraftBackend,
                                                             rules: Rulebook) -> None:
    # BlockBehaviour.canBeReplaced: a replaceable block gives way to any held block but its
    # own (minecraft.wiki/w/Replaceable): grass on short grass and glow lichen on glow lichen
    # are refused (vanilla adds a face to glow lichen; both backends refuse alike), dirt
    # replaces vines and glow lichen. Snow on a snow cover of fewer than 8 layers adds a
    # layer (SnowLayerBlock.canBeReplaced, getStateForPlacement; minecraft.wiki/w/Snow); 8
    # layers take no more. A slab on a half slab of its kind makes a double slab
    # (SlabBlock.canBeReplaced; minecraft.wiki/w/Slab#Placement), as a blueprint's slabs may meet.
    world = WorldSetup(blocks=[BlockSpec(name="grass", pos=at(1, 1)),
                               BlockSpec(name="vine", pos=at(4, 1)),
                               BlockSpec(name="snow", pos=at(1, 2), state={"layers": 1}),
                               BlockSpec(name="snow", pos=at(4, 2), state={"layers": 7}),
                               BlockSpec(name="glow_lichen", pos=at(2, 1)),
                               BlockSpec(name="snow", pos=at(5, 2), state={"layers": 8}),
                               BlockSpec(name="dark_oak_slab", pos=at(5, 1),
                                         state={"type": "bottom"})],
                       agent_items={"grass": 1, "snow": 2, "glow_lichen": 1, "dirt": 2,
                                    "dark_oak_slab": 1})
    # Growing is the builder's choice (`grow`): without it a cell of its own kind is taken
    # and nothing changes, as a builder who sees the block there clicks nothing.
    def place(item: str, c: Pos, grow: bool = False) -> dict[str, object]:
        return {"name": "place", "item": item, "pos": list(c), "grow": grow}

    rounds = [{A: place("grass", at(1, 1)), B: place("dirt", at(4, 1))},
              {A: place("snow", at(1, 2), True), B: place("snow", at(4, 2), True)},
              {A: place("glow_lichen", at(2, 1)), B: place("snow", at(5, 2), True)},
              {A: place("dirt", at(2, 1)), B: place("dark_oak_slab", at(5, 1), True)},
              {A: place("snow", at(1, 2))}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [v.code for v in run.verdicts] == [Code.CELL_TAKEN, None, None, None,
                                                  Code.CELL_TAKEN, Code.CELL_TAKEN, None, None,
                                                  Code.CELL_TAKEN]
        blocks = run.final["blocks"]
        assert [blocks[key(c)] for c in (at(1, 1), at(4, 1), at(1, 2), at(4, 2), at(2, 1),
                                         at(5, 2), at(5, 1))] == \
            ["grass", "dirt", "snow", "snow", "dirt", "snow", "dark_oak_slab"]
        assert run.final["inventories"] == {
            A: {"dark_oak_slab": 1, "dirt": 1, "glow_lichen": 1, "grass": 1, "snow": 1},
            B: {"dirt": 1, "glow_lichen": 1, "grass": 1, "snow": 1}}
    sim_states, srv_states = states_on_both(backend, rules, world,
                                            [rounds[1], {B: rounds[3][B]}],
                                            [at(1, 2), at(4, 2), at(5, 1)])
    for states in (sim_states, srv_states):
        assert [states[key(c)].get("layers") for c in (at(1, 2), at(4, 2))] == ["2", "8"]
        assert states[key(at(5, 1))]["type"] == "double"
