"""Room for what an action yields, on both backends through the harness (the cases of
tests/differential/test_cases.py): the same verdicts, codes and final inventories and chests.

Vanilla 1.19.2: a player carries 36 stacks, a chest 27 (minecraft.wiki/w/Inventory,
/w/Chest); items moved into either top up part-filled stacks of the same item first, then fill
empty slots; a crafting result is not shift-clicked into an inventory without room for it, so
a craft whose output cannot fit once its inputs are spent is refused `inventory_full` and
spends nothing (a milking is not: tests/differential/test_ground_cases.py). Stack sizes
from minecraft-data (ender pearls and eggs 16, milk buckets 1).
"""

from __future__ import annotations

import pytest

from env.minecraft.backend import MinecraftBackend
from env.refusals import Code
from env.rulebook import Rulebook
from env.world import BlockSpec, ContainerSpec, WorldSetup
from tests.differential.test_cases import A, B, at, backend, both

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]
__all__ = ["backend"]  # the module's server backend fixture, shared with test_cases

SAND_34 = {"sand": 34 * 64}


def key(p: tuple[int, int, int]) -> str:
    return ",".join(map(str, p))


def test_a_take_into_a_full_inventory_tops_up_its_part_filled_stack(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # 34 stacks of sand, 3 eggs, 10 ender pearls: 36 slots in use, room for 6 pearls. The
    # server used to refuse the 6 (mineflayer's withdraw wants an empty slot).
    held = {**SAND_34, "egg": 3, "ender_pearl": 10}
    world = WorldSetup(containers=[ContainerSpec(pos=at(1, 2), items={"ender_pearl": 16}),
                                   ContainerSpec(pos=at(3, 2), items={"ender_pearl": 16})],
                       spawn=[at(0, 0), at(3, 0)], agent_items=held)
    sim, srv = both(backend, rules, world, [
        {A: {"name": "take", "pos": list(at(1, 2)), "item": "ender_pearl", "count": 6},
         B: {"name": "take", "pos": list(at(3, 2)), "item": "ender_pearl", "count": 7}},
        {A: {"name": "take", "pos": list(at(1, 2)), "item": "ender_pearl", "count": 1},
         B: {"name": "take", "pos": list(at(3, 2)), "item": "egg", "count": 1}}])
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [
            (True, None), (False, Code.INVENTORY_FULL), (False, Code.INVENTORY_FULL),
            (False, Code.CONTAINER_SHORT)]
        assert run.final["inventories"] == {A: {**held, "ender_pearl": 16}, B: held}
        assert run.final["chests"][key(at(1, 2))] == {"ender_pearl": 10}
        assert run.final["chests"][key(at(3, 2))] == {"ender_pearl": 16}


def test_a_put_into_a_chest_whose_room_is_a_part_filled_stack(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # 26 stacks of stone and 10 eggs: 6 eggs fit, 7 do not.
    world = WorldSetup(containers=[ContainerSpec(pos=at(1, 2),
                                                 items={"stone": 26 * 64, "egg": 10})],
                       spawn=[at(0, 0), at(3, 0)], agent_items={"egg": 8})
    sim, srv = both(backend, rules, world, [
        {A: {"name": "put", "pos": list(at(1, 2)), "item": "egg", "count": 7},
         B: {"name": "wait", "seconds": 0.2}},
        {A: {"name": "put", "pos": list(at(1, 2)), "item": "egg", "count": 6},
         B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts][::2] == [
            (False, Code.CONTAINER_FULL), (True, None)]
        assert run.final["inventories"][A] == {"egg": 2}
        assert run.final["chests"][key(at(1, 2))] == {"stone": 26 * 64, "egg": 16}


def test_a_craft_whose_result_has_no_slot_spends_nothing(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # 34 stacks of dirt, planks, 1 cobblestone: 36 slots. With 3 planks the sticks have no
    # slot (the server used to spend 2 planks); with 2 the planks' slot takes them.
    for planks, ok in ((3, False), (2, True)):
        held = {"dirt": 34 * 64, "oak_planks": planks, "cobblestone": 1}
        world = WorldSetup(spawn=[at(0, 0), at(3, 0)], agent_items=held)
        sim, srv = both(backend, rules, world, [
            {A: {"name": "craft", "item": "stick"}, B: {"name": "wait", "seconds": 0.2}}])
        after = held if not ok else {"dirt": 34 * 64, "stick": 4, "cobblestone": 1}
        for run in (sim, srv):
            assert (run.verdicts[0].ok, run.verdicts[0].code) == \
                (ok, None if ok else Code.INVENTORY_FULL)
            assert run.final["inventories"][A] == after



def test_a_smelt_whose_output_has_no_slot_is_refused_before_anything_is_loaded(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # 34 stacks of sand, 64 potatoes, 2 coal: every slot still in use after the smelt (63
    # potatoes, 1 coal), so no room for the baked potato, which vanilla would leave in the
    # furnace's output slot: the smelt is refused inventory_full with nothing spent, as a
    # craft is. With 1 potato and 1 coal, both spent whole, their slots take it.
    furnace = BlockSpec(name="furnace", pos=at(1, 2), state={"facing": "south"})
    smelt = {"name": "smelt", "furnace": list(at(1, 2)), "item": "potato", "count": 1}
    full = {**SAND_34, "potato": 64, "coal": 2}
    sim, srv = both(backend, rules, WorldSetup(blocks=[furnace], spawn=[at(1, 0), at(3, 0)],
                                               agent_items=full), [{A: smelt}])
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [(False, Code.INVENTORY_FULL)]
        assert run.final["inventories"][A] == full
    whole = {**SAND_34, "potato": 1, "coal": 1}
    sim, srv = both(backend, rules, WorldSetup(blocks=[furnace], spawn=[at(1, 0), at(3, 0)],
                                               agent_items=whole), [{A: smelt}])
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [(True, None)]
        assert run.final["inventories"][A] == {**SAND_34, "baked_potato": 1}
