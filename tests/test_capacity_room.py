"""Room for what an action yields, on the simulator with exact inventories.

Vanilla 1.19.2: a player carries 36 stacks (minecraft.wiki/w/Inventory); items taken into it
top up part-filled stacks of the same item first, then fill empty slots; a crafting result is
not shift-clicked into an inventory without room for it, so a craft whose output cannot fit
the inventory as it is once the inputs are spent is refused `inventory_full` before anything
is spent (a milking is not: its milk bucket falls at the feet, tests/test_ground_items.py).
Stack sizes are minecraft-data's (ender pearls and eggs 16, milk buckets 1).
"""

from __future__ import annotations

from env.actions import Craft, Milk, Put, Take
from env.capacity import room_after
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, ContainerSpec, EntitySpec, WorldSetup

RB = load_rulebook()
Y = STAND_Y
CHEST = (1, Y, 0)
SAND_34 = {"sand": 34 * 64}


def sim_with(items: dict[str, int], chest: dict[str, int] | None = None,
             cow: bool = False) -> SimBackend:
    sim = SimBackend(RB)
    sim.build(WorldSetup(containers=[ContainerSpec(pos=CHEST, items=chest or {})],
                         entities=[EntitySpec(type="cow", pos=(2.5, Y, 0.5))] if cow else [],
                         agent_items=items), ["a"])
    return sim


def test_room_after_frees_the_slots_an_input_empties() -> None:
    full = {"dirt": 34 * 64, "oak_planks": 3, "cobblestone": 1}  # 36 slots
    assert room_after(full, {"oak_planks": 2}, "stick", 36) == 0
    assert room_after(full, {"oak_planks": 3}, "stick", 36) == 64
    assert room_after({"dirt": 35 * 64, "bucket": 1}, {"bucket": 1}, "milk_bucket", 36) == 1
    assert room_after({"dirt": 35 * 64, "stick": 60}, {}, "stick", 36) == 4
    assert room_after({"dirt": 35 * 64}, {}, "stick", 36, {"bucket": 1}) == 0


def test_a_take_tops_up_part_filled_stacks_of_a_full_inventory() -> None:
    # 34 + 1 (3 eggs) + 1 (10 ender pearls) = 36 slots; 6 pearls fit the part-filled stack.
    sim = sim_with({**SAND_34, "egg": 3, "ender_pearl": 10}, {"ender_pearl": 16})
    assert sim.execute("a", Take(pos=CHEST, item="ender_pearl", count=6), 0.0).ok
    out = sim.execute("a", Take(pos=CHEST, item="ender_pearl", count=1), 0.0)
    assert (out.ok, out.code, out.params["free"]) == (False, Code.INVENTORY_FULL, 0)
    assert sim.view().inventory("a") == {**SAND_34, "egg": 3, "ender_pearl": 16}
    assert sim.view().container(CHEST) == {"ender_pearl": 10}


def test_a_put_tops_up_the_part_filled_stacks_of_a_full_chest() -> None:
    # 26 stacks of stone and 10 eggs: the chest's last room is 6 eggs.
    sim = sim_with({"egg": 8}, {"stone": 26 * 64, "egg": 10})
    out = sim.execute("a", Put(pos=CHEST, item="egg", count=7), 0.0)
    assert (out.ok, out.code, out.params["free"]) == (False, Code.CONTAINER_FULL, 6)
    assert sim.execute("a", Put(pos=CHEST, item="egg", count=6), 0.0).ok
    assert sim.view().container(CHEST) == {"stone": 26 * 64, "egg": 16}
    assert sim.view().inventory("a") == {"egg": 2}


def test_a_craft_whose_result_has_no_slot_is_refused_and_spends_nothing() -> None:
    held = {"dirt": 34 * 64, "oak_planks": 3, "cobblestone": 1}
    sim = sim_with(held)
    out = sim.execute("a", Craft(item="stick"), 0.0)
    assert (out.ok, out.code) == (False, Code.INVENTORY_FULL)
    assert out.params == {"agent": "a", "count": 4, "item": "stick", "free": 0}
    assert sim.view().inventory("a") == held


def test_a_craft_fits_where_its_inputs_free_a_slot_or_its_result_tops_up() -> None:
    # Both planks spent: their slot takes the sticks.
    sim = sim_with({"dirt": 34 * 64, "oak_planks": 2, "cobblestone": 1})
    assert sim.execute("a", Craft(item="stick"), 0.0).ok
    assert sim.view().inventory("a") == {"dirt": 34 * 64, "stick": 4, "cobblestone": 1}
    # 60 sticks held: 4 more top the stack up, 8 do not fit.
    sim = sim_with({"dirt": 34 * 64, "oak_planks": 5, "stick": 60})
    assert sim.execute("a", Craft(item="stick"), 0.0).ok
    out = sim.execute("a", Craft(item="stick"), 0.0)
    assert (out.ok, out.code, out.params["free"]) == (False, Code.INVENTORY_FULL, 0)
    assert sim.view().inventory("a") == {"dirt": 34 * 64, "oak_planks": 3, "stick": 64}


def test_milking_into_a_full_inventory_drops_the_milk_bucket_at_the_feet() -> None:
    # ItemUtils.createFilledResult: one bucket is spent and the milk bucket, with no slot for
    # it (milk buckets stack to 1), is dropped at the feet (env/ground.py), not refused.
    held = {"dirt": 34 * 64, "egg": 1, "bucket": 2}  # 36 slots; one bucket stays
    sim = sim_with(held, cow=True)
    assert sim.execute("a", Milk(), 0.0).ok
    assert sim.view().inventory("a") == {"dirt": 34 * 64, "egg": 1, "bucket": 1}
    assert [(g.item, g.count) for g in sim.state.ground] == [("milk_bucket", 1)]
    # The last bucket's own slot takes the milk bucket.
    sim = sim_with({"dirt": 34 * 64, "egg": 1, "bucket": 1}, cow=True)
    assert sim.execute("a", Milk(), 0.0).ok
    assert sim.view().inventory("a") == {"dirt": 34 * 64, "egg": 1, "milk_bucket": 1}
    assert sim.state.ground == []
