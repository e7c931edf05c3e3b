"""Smokers and blast furnaces on both backends, through the harness (the cases of
tests/differential/test_cases.py): the same verdicts, refusal codes, final inventories and
blocks, and durations within the harness's tolerance.

Vanilla 1.19.2 (minecraft.wiki/w/Smoker, /w/Blast_Furnace, /w/Smelting; the game's recipe
types minecraft:smoking and minecraft:blasting, cookingtime 100; SmokerBlockEntity and
BlastFurnaceBlockEntity.getBurnDuration = the furnace's / 2): a smoker cooks food only, a
blast furnace ores, raw metals and metal gear only, each in 100 ticks (5 s) an item, and one
coal burns 800 ticks there (8 items, as in a furnace). Each is one station: a second player
loading it is refused; a lit one keeps its fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from env.durations import DURATIONS
from env.minecraft.backend import MinecraftBackend
from env.refusals import Code
from env.rulebook import Rulebook
from env.world import BlockSpec, Pos, WorldSetup
from tests.differential.harness import (
    Sequence_,
    duration_ok,
    reset_arena,
    run_on_server,
    run_on_sim,
)
from tests.differential.test_cases import ORIGIN, A, B, at, backend, both

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]
__all__ = ["backend"]  # the module's server backend fixture, shared with test_cases

SMOKER, BLAST = at(1, 2), at(4, 2)
STATIONS = [BlockSpec(name="smoker", pos=SMOKER, state={"facing": "south"}),
            BlockSpec(name="blast_furnace", pos=BLAST, state={"facing": "south"})]
SMELT_EXTRA = DURATIONS["smelt_overhead_s"]


def smelt(pos: Pos, item: str, count: int) -> dict[str, Any]:
    return {"name": "smelt", "furnace": list(pos), "item": item, "count": count, "fuel": "coal"}


def key(p: Pos) -> str:
    return ",".join(map(str, p))


def test_a_smoker_cooks_beef_and_a_blast_furnace_raw_iron_at_5_s_an_item_on_one_coal(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # Round 1: 2 items each, 10 s (a furnace would take 20 s), one coal lit in each (800
    # ticks). Round 2: 4 more each on the fire that coal left (600 ticks less the round trip):
    # no coal is held any more, so a backend that asked for new fuel would refuse.
    world = WorldSetup(blocks=STATIONS, spawn=[at(0, 0), at(3, 0)],
                       agent_items={"beef": 6, "raw_iron": 6, "coal": 1})
    sim, srv = both(backend, rules, world, [
        {A: smelt(SMOKER, "beef", 2), B: smelt(BLAST, "raw_iron", 2)},
        {A: smelt(SMOKER, "beef", 4), B: smelt(BLAST, "raw_iron", 4)}])
    print("smelt seconds (sim, server):",
          [(v.agent, round(a.seconds, 2), round(v.seconds, 2))
           for a, v in zip(sim.verdicts, srv.verdicts, strict=True)])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True] * 4, [v.reason for v in run.verdicts]
        assert run.final["inventories"] == {A: {"cooked_beef": 6, "raw_iron": 6},
                                            B: {"beef": 6, "iron_ingot": 6}}
        assert run.final["blocks"][key(SMOKER)] == "smoker"
        assert run.final["blocks"][key(BLAST)] == "blast_furnace"
    assert [v.seconds for v in sim.verdicts] == pytest.approx(
        [10.0 + SMELT_EXTRA, 10.0 + SMELT_EXTRA, 20.0 + SMELT_EXTRA, 20.0 + SMELT_EXTRA])
    for a, v in zip(sim.verdicts, srv.verdicts, strict=True):
        assert duration_ok(a.seconds, v.seconds), (v.agent, a.seconds, v.seconds)
    # 100 ticks an item, not a furnace's 200: at least 5 s an item, under the 10 s a furnace
    # takes (the server's ticks may lag on a loaded machine, never run ahead)
    assert [v.seconds >= 5.0 * v.args["count"] for v in srv.verdicts] == [True] * 4
    assert [v.seconds < 10.0 * v.args["count"] for v in srv.verdicts] == [True] * 4


def test_a_recipe_the_station_lacks_is_refused_on_both_and_spends_nothing(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # A smoker has no minecraft:smoking recipe for raw iron, a blast furnace no
    # minecraft:blasting recipe for beef: refused wrong_station, nothing loaded.
    world = WorldSetup(blocks=STATIONS, spawn=[at(0, 0), at(3, 0)],
                       agent_items={"beef": 1, "raw_iron": 1, "coal": 1})
    sim, srv = both(backend, rules, world, [
        {A: smelt(SMOKER, "raw_iron", 1), B: smelt(BLAST, "beef", 1)}])
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [(False, Code.WRONG_STATION)] * 2
        held = {"beef": 1, "coal": 1, "raw_iron": 1}
        assert run.final["inventories"] == {A: held, B: held}


def test_two_smelts_at_one_smoker_in_one_round_one_is_refused_station_busy(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # A smoker is one station (env/data/stations.json exclusive): of two players loading it at
    # once, one is refused station_busy and keeps its items. Which one is a race on the
    # server (the simulator takes the agents in order): compared as multisets.
    world = WorldSetup(blocks=STATIONS, spawn=[at(0, 0), at(3, 0)],
                       agent_items={"potato": 1, "coal": 1})
    seq = Sequence_(seed=0, world=world, agents=[A, B], rounds=[
        {A: smelt(SMOKER, "potato", 1), B: smelt(SMOKER, "potato", 1)}])
    sim = run_on_sim(seq, rules, ORIGIN)
    try:
        srv = run_on_server(seq, backend, ORIGIN)
    finally:
        reset_arena(backend, ORIGIN)
    for run in (sim, srv):
        assert sorted(str(v.code) for v in run.verdicts) == ["None", str(Code.STATION_BUSY)]
        assert sorted(map(str, run.final["inventories"].values())) == \
            sorted(map(str, [{"baked_potato": 1}, {"coal": 1, "potato": 1}]))
        assert run.final["blocks"][key(SMOKER)] == "smoker"
