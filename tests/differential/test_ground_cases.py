"""Items that do not fit the inventory, on both backends through the harness (the cases of
tests/differential/test_cases.py): the same verdicts, final inventories, and stacks on the ground.

Vanilla 1.19.2 (env/data/ground_items.json, minecraft.wiki/w/Item_(entity)): an item that
cannot go into the inventory stays in the world as an item entity; a player picks it up when
its box grown by 1 block on x and z and 0.5 on y touches it, its pickup delay is over (a block's
drop 10 ticks, a player's drop 40, a /give's overflow none, for that player only) and there is
room. So a dig, a milking or a trigger's give into a full inventory is not refused: it succeeds
and what does not fit lies at the agent's feet, until room is made where it stands or it walks by.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from env.actions import parse_action
from env.minecraft.backend import MinecraftBackend
from env.rulebook import Rulebook
from env.sim import SimBackend
from env.world import (
    GROUND_Y,
    BlockSpec,
    Condition,
    ContainerSpec,
    Effect,
    EntitySpec,
    Trigger,
    WorldSetup,
)
from tests.differential.harness import (
    Run,
    Sequence_,
    Verdict,
    compare,
    final_state,
    reset_arena,
    run_on_server,
)
from tests.differential.test_cases import ORIGIN, A, B, at, backend

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]
__all__ = ["backend"]  # the module's server backend fixture, shared with test_cases

FULL = {"dirt": 35 * 64, "wooden_axe": 1}  # 36 slots taken
LOG = at(0, 2)
CHEST = at(1, 2)
Stacks = list[tuple[str, int, tuple[float, float, float]]]


def on_sim(seq: Sequence_, rules: Rulebook) -> tuple[Run, SimBackend]:
    """`harness.run_on_sim`, keeping the simulator to read its ground afterwards."""
    sim = SimBackend(rules, seed=seq.seed)
    sim.build(seq.world, seq.agents)
    run, t = Run(), 0.0
    for i, rnd in enumerate(seq.rounds):
        end = t
        for agent, act in rnd.items():
            out = sim.execute(agent, parse_action(act), t)
            run.verdicts.append(Verdict(i, agent, act["name"], act, out.ok, out.reason,
                                        str(out.code.value) if out.code else None, out.seconds))
            end = max(end, t + out.seconds)
        t = end
    sim.advance(t)
    run.final = final_state(sim, seq, ORIGIN)
    return run, sim


def ground_both(backend: MinecraftBackend, rules: Rulebook, world: WorldSetup,
                rounds: list[dict[str, dict[str, Any]]]) -> tuple[Run, Run, Stacks, Stacks]:
    """Runs the case on both backends; fails on any disagreement of verdicts, inventories,
    chests or blocks; answers (sim, server, the sim's ground stacks, the server's), each stack
    (item, count, position), in the order they fell. The server's items are cleared after."""
    world = world.model_copy(update={"bounds": ((ORIGIN[0] - 2, GROUND_Y, ORIGIN[2] - 2),
                                                (ORIGIN[0] + 12, GROUND_Y + 6, ORIGIN[2] + 12))})
    seq = Sequence_(seed=0, world=world, agents=[A, B], rounds=rounds)
    sim, simulator = on_sim(seq, rules)
    centre = f"{ORIGIN[0] + 5} {ORIGIN[1]} {ORIGIN[2] + 5}"
    try:
        srv = run_on_server(seq, backend, ORIGIN)
        seen = backend.view().ground()
        line = backend.command(f"/drops {centre} 8 clear", r"^drops ")
    finally:
        reset_arena(backend, ORIGIN)
    lying = json.loads(line[line.index("["):])
    server_ground = [(g["item"], g["count"], tuple(g["pos"])) for g in lying]
    sim_ground = [(g.item, g.count, g.pos) for g in simulator.state.ground]
    assert compare(seq, sim, srv, durations=False) == []
    # what the bots see is what lies there (the observation's source)
    assert sorted((g.item, g.count) for g in seen) == sorted((i, n) for i, n, _ in server_ground)
    return sim, srv, sim_ground, server_ground


def same_ground(sim: Stacks, server: Stacks) -> None:
    """The same stacks lie on both, each within half a block (a server's item settles near
    where it fell; a bot stands up to 0.15 off a cell's middle)."""
    assert sorted((i, n) for i, n, _ in sim) == sorted((i, n) for i, n, _ in server)
    for (i, _, p), (_, _, q) in zip(sorted(sim), sorted(server), strict=True):
        assert all(abs(a - b) <= 0.5 for a, b in zip(p, q, strict=True)), (i, p, q)


def log_world(**more: Any) -> WorldSetup:
    return WorldSetup(blocks=[BlockSpec(name="oak_log", pos=LOG), *more.pop("blocks", [])],
                      containers=[ContainerSpec(pos=CHEST, items={}),
                                  *more.pop("containers", [])],
                      spawn=more.pop("spawn", [at(0, 0), at(3, 0)]), agent_items=FULL, **more)


def test_a_full_inventory_digs_a_log_and_the_log_lies_at_its_feet(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    sim, srv, on_sim_, on_srv = ground_both(backend, rules, log_world(), [
        {A: {"name": "dig", "pos": list(LOG)}, B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert run.verdicts[0].ok
        assert run.final["inventories"][A] == FULL
    assert [(i, n) for i, n, _ in on_sim_] == [("oak_log", 1)]
    assert on_sim_[0][2] == (ORIGIN[0] + 0.5, float(ORIGIN[1]), ORIGIN[2] + 0.5)
    same_ground(on_sim_, on_srv)


def test_room_made_where_it_stands_picks_the_log_up(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    sim, srv, on_sim_, on_srv = ground_both(backend, rules, log_world(), [
        {A: {"name": "dig", "pos": list(LOG)}, B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "put", "pos": list(CHEST), "item": "dirt", "count": 64},
         B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True, True, True, True]
        assert run.final["inventories"][A] == {"dirt": 34 * 64, "wooden_axe": 1, "oak_log": 1}
    assert on_sim_ == on_srv == []


def test_an_agent_that_walks_by_with_room_picks_the_log_up(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    far = at(6, 2)
    world = log_world(containers=[ContainerSpec(pos=far, items={})], spawn=[at(0, 0), at(3, 4)])
    sim, srv, on_sim_, on_srv = ground_both(backend, rules, world, [
        {A: {"name": "dig", "pos": list(LOG)}, B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "move_to", "pos": list(at(6, 0))}, B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "put", "pos": list(far), "item": "dirt", "count": 64},
         B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "move_to", "pos": list(at(-1, 0))}, B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert all(v.ok for v in run.verdicts)
        assert run.final["inventories"][A] == {"dirt": 34 * 64, "wooden_axe": 1, "oak_log": 1}
    assert on_sim_ == on_srv == []


def cow_world(buckets: int) -> WorldSetup:
    held = {"dirt": (35 - -(-buckets // 16)) * 64, "egg": 1, "bucket": buckets}  # 36 slots
    return WorldSetup(entities=[EntitySpec(type="cow", pos=(ORIGIN[0] + 0.5, ORIGIN[1],
                                                            ORIGIN[2] + 2.5))],
                      containers=[ContainerSpec(pos=CHEST, items={})],
                      spawn=[at(0, 0), at(3, 0)], agent_items=held)


def test_milking_a_full_inventory_with_one_bucket_fills_it_in_place(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    sim, srv, on_sim_, on_srv = ground_both(backend, rules, cow_world(1), [
        {A: {"name": "milk", "entity": "cow"}, B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert run.verdicts[0].ok
        assert run.final["inventories"][A] == {"dirt": 34 * 64, "egg": 1, "milk_bucket": 1}
    assert on_sim_ == on_srv == []


def test_milking_a_full_inventory_with_two_buckets_drops_the_milk_bucket(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # ItemUtils.createFilledResult: one bucket goes, the milk bucket (it stacks to 1) has no
    # slot and is dropped at the feet (Player.drop). The server used to refuse it.
    sim, srv, on_sim_, on_srv = ground_both(backend, rules, cow_world(2), [
        {A: {"name": "milk", "entity": "cow"}, B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert run.verdicts[0].ok
        assert run.final["inventories"][A] == {"dirt": 34 * 64, "egg": 1, "bucket": 1}
    assert [(i, n) for i, n, _ in on_sim_] == [("milk_bucket", 1)]
    same_ground(on_sim_, on_srv)


def test_a_dropped_milk_bucket_is_picked_up_once_its_delay_is_over(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # room made at once, but the milk bucket waits 40 ticks before it can be picked up
    sim, srv, on_sim_, on_srv = ground_both(backend, rules, cow_world(2), [
        {A: {"name": "milk", "entity": "cow"}, B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "put", "pos": list(CHEST), "item": "dirt", "count": 64},
         B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "wait", "seconds": 2.5}, B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert all(v.ok for v in run.verdicts)
        assert run.final["inventories"][A] == {"dirt": 33 * 64, "egg": 1, "bucket": 1,
                                               "milk_bucket": 1}
    assert on_sim_ == on_srv == []


def lever_gift() -> WorldSetup:
    lever = at(0, 1)
    gift = Trigger(id="gift", conditions=[Condition(pos=lever, block="lever",
                                                    state={"powered": True})],
                   effects=[Effect(kind="give", pos=at(0, 0), item="diamond", count=3,
                                   radius=0.5)])
    return WorldSetup(blocks=[BlockSpec(name="lever", pos=lever,
                                        state={"face": "floor", "facing": "north"})],
                      containers=[ContainerSpec(pos=CHEST, items={})], triggers=[gift],
                      spawn=[at(0, 0), at(1, 0)], agent_items=FULL)


def test_a_triggers_give_into_a_full_inventory_lies_for_that_agent_alone(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # GiveCommand: what does not fit is dropped with no pickup delay, for its player only:
    # B (its inventory as full, then with room, one block off) never takes it; A does once it
    # has room.
    sim, srv, on_sim_, on_srv = ground_both(backend, rules, lever_gift(), [
        {A: {"name": "activate", "pos": list(at(0, 1))}, B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "wait", "seconds": 0.5},
         B: {"name": "put", "pos": list(CHEST), "item": "dirt", "count": 64}},
        {A: {"name": "wait", "seconds": 0.5}, B: {"name": "wait", "seconds": 0.5}}])
    for run in (sim, srv):
        assert all(v.ok for v in run.verdicts)
        assert run.final["inventories"] == {A: FULL, B: {"dirt": 34 * 64, "wooden_axe": 1}}
    assert [(i, n) for i, n, _ in on_sim_] == [("diamond", 3)]
    same_ground(on_sim_, on_srv)
    sim, srv, on_sim_, on_srv = ground_both(backend, rules, lever_gift(), [
        {A: {"name": "activate", "pos": list(at(0, 1))}, B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "put", "pos": list(CHEST), "item": "dirt", "count": 64},
         B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert run.final["inventories"][A] == {"dirt": 34 * 64, "wooden_axe": 1, "diamond": 3}
    assert on_sim_ == on_srv == []


def test_a_pickup_takes_what_fits_and_leaves_the_rest(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # 35 stacks of dirt and 60 logs: a give of 20 logs puts 4 in and 16 at the feet; 10 logs
    # put away make room for 10 of them (Inventory.add fills what it can; the rest lies).
    held = {"dirt": 35 * 64, "oak_log": 60}
    world = lever_gift().model_copy(update={"agent_items": held, "triggers": [
        Trigger(id="gift", conditions=[Condition(pos=at(0, 1), block="lever",
                                                 state={"powered": True})],
                effects=[Effect(kind="give", pos=at(0, 0), item="oak_log", count=20,
                                radius=0.5)])]})
    sim, srv, on_sim_, on_srv = ground_both(backend, rules, world, [
        {A: {"name": "activate", "pos": list(at(0, 1))}, B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "put", "pos": list(CHEST), "item": "oak_log", "count": 10},
         B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "wait", "seconds": 0.5}, B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert all(v.ok for v in run.verdicts)
        assert run.final["inventories"][A] == {"dirt": 35 * 64, "oak_log": 64}
        assert run.final["chests"][",".join(map(str, CHEST))] == {"oak_log": 10}
    assert [(i, n) for i, n, _ in on_sim_] == [("oak_log", 6)]
    same_ground(on_sim_, on_srv)
