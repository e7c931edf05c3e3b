"""Double chests on the simulator and on the embedded server, with vanilla 1.19.2's states and
contents (ChestBlock.getStateForPlacement, updateShape; DoubleBlockCombiner; CompoundContainer;
minecraft.wiki/w/Chest; the rules in env/data/chests.json): a chest placed beside a single
chest facing the same way joins it; the two halves are one container of 54 slots, the right
half's 27 first, opened from either half; breaking one half hands its items to the player who
broke it (the project's drops rule) and leaves the other single with its own. Whole block
states, inventories, chest contents and every verdict are compared (the harness of
tests/differential/test_cases.py). The pure side is tests/test_double_chest.py."""

from __future__ import annotations

from typing import Any

import pytest

from env.block_states import full_state
from env.minecraft.backend import MinecraftBackend
from env.refusals import Code
from env.rulebook import Rulebook
from env.world import BlockSpec, ContainerSpec, Pos, WorldSetup
from tests.differential.test_cases import A, B, at, backend, both

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]
__all__ = ["backend"]  # the module's server backend fixture, shared with test_cases

SPAWN = [at(0, 0), at(3, 0)]
"""A's feet at (0, 0), B's at (3, 0): a chest placed two cells south of either faces north."""


def key(p: Pos) -> str:
    return ",".join(map(str, p))


def chest(run: Any, p: Pos) -> dict[str, Any]:
    k = key(p)
    return {"name": run.final["blocks"][k], **run.final["states"][k]}


def want(name: str, **state: str) -> dict[str, Any]:
    return {"name": name, **full_state(name, state)}


def act(name: str, pos: Pos, **more: Any) -> dict[str, Any]:
    return {"name": name, "pos": list(pos), **more}


def test_two_chests_side_by_side_make_one_54_slot_chest(backend: MinecraftBackend,
                                                        rules: Rulebook) -> None:
    # A chest facing north holds 20 stacks of dirt. A places a chest on its west (A looks
    # south, so the chest faces north): it is the left half (its partner on its facing's
    # clockwise side, east), the old one the right half, slots 0-26. 20 stacks of cobblestone
    # put through the new half fill the right half's 7 free slots, then 13 of the left's: 40
    # stacks, more than one chest's 27. 15 stacks of stone then do not fit (14 slots free),
    # 14 do. A takes 100 cobblestone through the old half: from the right half's slots first.
    # A breaks the left half: its 13 stacks of cobblestone and 14 of stone come to A; the
    # right half is single again with its 20 stacks of dirt and 348 cobblestone. B watches.
    old, new = at(2, 2), at(1, 2)
    stock = {"chest": 1, "cobblestone": 20 * 64, "stone": 15 * 64}
    world = WorldSetup(containers=[ContainerSpec(pos=old, facing="north",
                                                 items={"dirt": 20 * 64})],
                       spawn=SPAWN, agent_items=stock)
    rounds = [{A: act("place", new, item="chest")},
              {A: act("put", new, item="cobblestone", count=20 * 64)},
              {A: act("put", new, item="stone", count=15 * 64)},
              {A: act("put", new, item="stone", count=14 * 64)},
              {A: act("take", old, item="cobblestone", count=100)},
              {A: act("dig", new)}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [
            (True, None), (True, None), (False, Code.CONTAINER_FULL.value), (True, None),
            (True, None), (True, None)]
        assert chest(run, old) == want("chest", facing="north", type="single")
        assert run.final["chests"][key(old)] == {"cobblestone": 348, "dirt": 1280}
        assert run.final["inventories"][A] == {"chest": 1, "cobblestone": 932, "stone": 960}
        assert run.final["inventories"][B] == stock


def test_halves_set_by_command_are_one_chest_and_a_broken_half_leaves_a_single(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # A task world sets a double chest half by half (/setblock chest[facing=north,type=right]
    # and [type=left] on its west): one container of both halves' items, opened from either.
    # A takes 2 bread (the right half's) through the left half; B breaks the left half and
    # gets its 3 apples; the right half, single now, keeps its 3 bread.
    right, left = at(2, 2), at(1, 2)
    world = WorldSetup(containers=[
        ContainerSpec(pos=right, facing="north", type="right", items={"bread": 5}),
        ContainerSpec(pos=left, facing="north", type="left", items={"apple": 3})],
        spawn=SPAWN)
    sim, srv = both(backend, rules, world, [{A: act("take", left, item="bread", count=2)},
                                            {B: act("dig", left)}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True, True]
        assert chest(run, right) == want("chest", facing="north", type="single")
        assert run.final["chests"] == {key(right): {"bread": 3}, key(left): {}}
        assert run.final["inventories"] == {A: {"bread": 2}, B: {"apple": 3, "chest": 1}}


def test_no_join_with_a_double_a_chest_facing_elsewhere_or_of_another_kind(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # B's chest at (3, 2) faces north: on its west the right half of a double chest (not
    # single), on its east a chest facing east: it stays single. A's trapped chest at (1, 3)
    # faces north beside a single chest facing north on its west: a trapped chest joins only
    # trapped chests (BlockState.is(this)). Two singles set side by side by command stay
    # single (updateShape joins only a neighbour already left or right).
    world = WorldSetup(containers=[
        ContainerSpec(pos=at(2, 2), facing="north", type="right"),
        ContainerSpec(pos=at(1, 2), facing="north", type="left"),
        ContainerSpec(pos=at(4, 2), facing="east"),
        ContainerSpec(pos=at(0, 3), facing="north"),
        ContainerSpec(pos=at(6, 2), facing="north"),
        ContainerSpec(pos=at(7, 2), facing="north")],
        spawn=SPAWN, agent_items={"chest": 1, "trapped_chest": 1})
    sim, srv = both(backend, rules, world, [{B: act("place", at(3, 2), item="chest"),
                                             A: act("place", at(1, 3), item="trapped_chest")}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True, True]
        assert chest(run, at(3, 2)) == want("chest", facing="north", type="single")
        assert chest(run, at(2, 2)) == want("chest", facing="north", type="right")
        assert chest(run, at(1, 3)) == want("trapped_chest", facing="north", type="single")
        for p in (at(4, 2), at(0, 3), at(6, 2), at(7, 2)):
            assert run.final["states"][key(p)]["type"] == "single"


def test_a_chest_clicked_on_the_side_of_a_chest_joins_it_and_takes_its_facing(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # A chest facing south stands on a stone; A places a chest beside it in the air, so the
    # place action clicks the chest's west face, sneaking (a click would open the chest).
    # Sneaking, vanilla joins the clicked single chest when its facing is across the clicked
    # face: the new chest faces south (not north, as A's look alone would have it) and is the
    # right half (its partner on its east, south turned counterclockwise), the clicked chest
    # the left half; a put through the new half lands in the one container.
    base = at(2, 2, 1)
    world = WorldSetup(blocks=[BlockSpec(name="stone", pos=at(2, 2))],
                       containers=[ContainerSpec(pos=base, facing="south",
                                                 items={"bread": 1})],
                       spawn=SPAWN, agent_items={"chest": 1, "apple": 1})
    sim, srv = both(backend, rules, world, [{A: act("place", at(1, 2, 1), item="chest")},
                                            {A: act("put", at(1, 2, 1), item="apple")}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True, True]
        assert chest(run, at(1, 2, 1)) == want("chest", facing="south", type="right")
        assert chest(run, base) == want("chest", facing="south", type="left")
        assert run.final["chests"] == {key(base): {"apple": 1, "bread": 1}}


def test_a_chest_placed_with_a_facing_asked_joins_by_that_facing(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # A looks east at (2, 1), so a chest placed there alone would face west, and would join
    # the chest facing west on its north (west's clockwise side); the action asks north.
    # Facing north, the chest facing north on its east (north's clockwise side) is its
    # partner: the new chest is the left half, that one the right half; the chest facing west
    # stays single.
    world = WorldSetup(containers=[ContainerSpec(pos=at(3, 1), facing="north"),
                                   ContainerSpec(pos=at(2, 0), facing="west")],
                       spawn=SPAWN, agent_items={"chest": 1})
    sim, srv = both(backend, rules, world, [
        {A: act("place", at(2, 1), item="chest", facing="north")}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True]
        assert chest(run, at(2, 1)) == want("chest", facing="north", type="left")
        assert chest(run, at(3, 1)) == want("chest", facing="north", type="right")
        assert chest(run, at(2, 0)) == want("chest", facing="west", type="single")


def test_a_lone_half_set_by_the_world_is_single_and_a_chest_placed_beside_joins_it(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # A task world sets chest[facing=north,type=left] at (1, 2) with nothing on its east:
    # /setblock shapes the set block from its neighbours (BlockInput.place:
    # Block.updateFromNeighbourShapes; ChestBlock.updateShape), so the lone half is single.
    # A then places a chest on its east (A looks south, so it faces north): the new chest
    # is the right half, the old one the left half, and a put through the new half lands in
    # the old half's container with its apple. B's lone right half at (5, 2) stays single.
    world = WorldSetup(containers=[
        ContainerSpec(pos=at(1, 2), facing="north", type="left", items={"apple": 1}),
        ContainerSpec(pos=at(5, 2), facing="north", type="right")],
        spawn=SPAWN, agent_items={"chest": 1, "bread": 2})
    sim, srv = both(backend, rules, world, [{A: act("place", at(2, 2), item="chest")},
                                            {A: act("put", at(2, 2), item="bread", count=2)}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True, True]
        assert chest(run, at(1, 2)) == want("chest", facing="north", type="left")
        assert chest(run, at(2, 2)) == want("chest", facing="north", type="right")
        assert chest(run, at(5, 2)) == want("chest", facing="north", type="single")
        assert run.final["chests"] == {key(at(1, 2)): {"apple": 1, "bread": 2},
                                       key(at(5, 2)): {}}
