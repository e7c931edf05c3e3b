"""The in-process simulator: exact inventories, durations, refusals, paths and triggers on
small hand-written worlds."""

from __future__ import annotations

import math

import pytest

from env.actions import (
    WALK_SPEED,
    Action,
    Activate,
    Craft,
    Dig,
    Kill,
    Milk,
    MoveTo,
    Place,
    Put,
    Rendezvous,
    Smelt,
    StepOn,
    Take,
    Wait,
)
from env.backend import Backend
from env.durations import DURATIONS
from env.rulebook import load_rulebook
from env.sim import SimBackend, dig_seconds
from env.sim.path import ENCLOSURE_AFTER, ENCLOSURE_BUDGET
from env.sim.triggers import Hold, add_hold, earliest_together
from env.world import (
    STAND_Y,
    BlockSpec,
    Condition,
    ContainerSpec,
    Effect,
    EntitySpec,
    Pos,
    Trigger,
    WorldSetup,
)

RB = load_rulebook()
Y = STAND_Y
# Calibrated durations (env/data/durations.json): craft per time, and what walking and digging
# take beyond the path and the break time on the server.
CRAFT = DURATIONS["craft_s"]
MOVE_EXTRA = DURATIONS["move_overhead_s"]
DIG_EXTRA = DURATIONS["dig_overhead_s"]
SMELT_EXTRA = DURATIONS["smelt_overhead_s"]
CENTRE = DURATIONS["centre_s"]
PLACE_S = DURATIONS["place_s"]
ACTIVATE_S = DURATIONS["activate_s"]
MILK_S = DURATIONS["milk_s"]
KILL_S = DURATIONS["kill_s"]
SQRT2 = math.sqrt(2.0)


def make(world: WorldSetup, agents: tuple[str, ...] = ("a",), seed: int = 0) -> SimBackend:
    sim = SimBackend(RB, seed=seed)
    sim.build(world, list(agents))
    return sim


def run(sim: SimBackend, agent: str, actions: list[Action], start: float = 0.0) -> list[float]:
    """Run actions back to back; every one must succeed. Gives their durations."""
    out = []
    t = start
    for action in actions:
        result = sim.execute(agent, action, t)
        assert result.ok, (action, result.reason)
        out.append(result.seconds)
        t += result.seconds
    return out


def wall(x: int, zs: range, heights: tuple[int, ...] = (Y, Y + 1),
         name: str = "stone") -> list[BlockSpec]:
    return [BlockSpec(name=name, pos=(x, y, z)) for z in zs for y in heights]


def box(name: str = "stone", gap: tuple[int, int, int] | None = None,
        gap_blocks: tuple[str, str] = ("air", "air"),
        gap_state: dict[str, object] | None = None) -> list[BlockSpec]:
    """A 2-high ring of blocks around the 3x3 cells centred on (0, 0), with a door-sized
    gap at `gap` filled with `gap_blocks` (lower, upper)."""
    blocks = []
    for x in range(-2, 3):
        for z in range(-2, 3):
            if max(abs(x), abs(z)) != 2:
                continue
            for k, y in enumerate((Y, Y + 1)):
                if gap is not None and (x, z) == (gap[0], gap[2]):
                    if gap_blocks[k] != "air":
                        state = dict(gap_state or {})
                        if gap_blocks[k].endswith("_door"):
                            state["half"] = ("lower", "upper")[k]
                        blocks.append(BlockSpec(name=gap_blocks[k], pos=(x, y, z), state=state))
                    continue
                blocks.append(BlockSpec(name=name, pos=(x, y, z)))
    return blocks


def test_is_a_backend() -> None:
    sim: Backend = SimBackend(RB)
    assert (sim.name, sim.realtime, sim.rules is RB) == ("sim", False, True)


# --- build and observe ------------------------------------------------------------------------

def test_build_places_blocks_containers_entities_and_agents() -> None:
    world = WorldSetup(
        blocks=[BlockSpec(name="crafting_table", pos=(3, Y, 0))],
        containers=[ContainerSpec(pos=(0, Y, 3), items={"wheat": 5}, facing="south")],
        entities=[EntitySpec(type="cow", pos=(5.5, Y, 5.5)), EntitySpec(type="pig", pos=(1, Y, 1)),
                  EntitySpec(type="cow", pos=(40.5, Y, 0.5))],
        spawn=[(0, Y, 0), (1, Y, 0)], agent_items={"bucket": 2})
    sim = make(world, ("a", "b", "c"))
    view = sim.view()
    assert view.block((3, Y, 0)).name == "crafting_table"
    assert view.block((0, Y, 3)).model_dump() == {"name": "chest", "state": {"facing": "south"}}
    assert view.block((0, Y - 1, 0)).name == "grass_block"
    assert [view.block((0, y, 0)).name for y in (Y - 2, Y - 3, Y - 4, Y - 5)] == \
        ["dirt", "dirt", "bedrock", "air"]
    assert view.block((0, Y, 0)).name == "air"
    assert view.container((0, Y, 3)) == {"wheat": 5}
    assert view.container((1, Y, 3)) is None
    assert [(e.id, e.type) for e in view.entities()] == [("cow#0", "cow"), ("pig#0", "pig"),
                                                          ("cow#1", "cow")]
    assert {a: view.agent_pos(a) for a in view.agents()} == {
        "a": (0.5, Y, 0.5), "b": (1.5, Y, 0.5), "c": (0.5, Y, 0.5)}
    assert view.inventory("c") == {"bucket": 2}
    seen = sim.observe("a")
    assert (seen.agent, seen.pos, seen.inventory) == ("a", (0.5, Y, 0.5), {"bucket": 2})
    assert [e.id for e in seen.entities] == ["pig#0", "cow#0"]  # cow#1 is 40 blocks away
    assert sim.snapshot()["blocks"] == {
        "0,-60,3": {"name": "chest", "state": {"facing": "south"}},
        "3,-60,0": {"name": "crafting_table", "state": {}}}


def test_build_rejects_bad_agent_lists() -> None:
    with pytest.raises(ValueError, match="at least one agent"):
        SimBackend(RB).build(WorldSetup(), [])
    with pytest.raises(ValueError, match="agent names repeat"):
        SimBackend(RB).build(WorldSetup(), ["a", "a"])


def test_unknown_agent_is_refused() -> None:
    sim = make(WorldSetup())
    out = sim.execute("zed", Wait(seconds=1), 0.0)
    assert (out.ok, out.reason) == (False, "unknown agent 'zed'")


# --- crafting and smelting ----------------------------------------------------------------------

def test_planks_sticks_table_then_bread_at_the_table() -> None:
    sim = make(WorldSetup(blocks=[BlockSpec(name="crafting_table", pos=(2, Y, 0))],
                          agent_items={"oak_log": 2, "wheat": 7}))
    seconds = run(sim, "a", [Craft(item="oak_planks", times=2), Craft(item="stick"),
                             Craft(item="crafting_table"),
                             Craft(item="bread", times=2, table=(2, Y, 0))])
    assert seconds == pytest.approx([2 * CRAFT, CRAFT, CRAFT, 2 * CRAFT])
    assert sim.view().inventory("a") == {"oak_planks": 2, "stick": 4, "crafting_table": 1,
                                         "bread": 2, "wheat": 1}


def test_cake_leaves_the_buckets() -> None:
    sim = make(WorldSetup(blocks=[BlockSpec(name="crafting_table", pos=(1, Y, 1))],
                          agent_items={"milk_bucket": 3, "sugar": 2, "egg": 1, "wheat": 3}))
    assert run(sim, "a", [Craft(item="cake", table=(1, Y, 1))]) == [CRAFT]
    assert sim.view().inventory("a") == {"cake": 1, "bucket": 3}


def test_smelting_rabbit_burns_whole_coal() -> None:
    sim = make(WorldSetup(blocks=[BlockSpec(name="furnace", pos=(1, Y, 0))],
                          agent_items={"rabbit": 12, "coal": 3}))
    assert run(sim, "a", [Smelt(furnace=(1, Y, 0), item="rabbit", count=9)]) == [90.0 + SMELT_EXTRA]
    assert sim.view().inventory("a") == {"cooked_rabbit": 9, "rabbit": 3, "coal": 1}
    # Two coals burn 160 s; after the first job the fire still has 70 s less the moment
    # the output took, enough for 3 more: no new coal.
    out = sim.execute("a", Smelt(furnace=(1, Y, 0), item="rabbit", count=3), 90.0 + SMELT_EXTRA)
    assert (out.ok, out.seconds) == (True, 30.0 + SMELT_EXTRA)
    assert sim.view().inventory("a") == {"cooked_rabbit": 12, "coal": 1}


def test_a_furnace_that_went_out_needs_new_fuel() -> None:
    sim = make(WorldSetup(blocks=[BlockSpec(name="furnace", pos=(1, Y, 0))],
                          agent_items={"beef": 2, "coal": 2}))
    sim.execute("a", Smelt(furnace=(1, Y, 0), item="beef", count=1), 0.0)
    sim.execute("a", Smelt(furnace=(1, Y, 0), item="beef", count=1), 65.0)  # 15 s left: enough
    assert sim.view().inventory("a") == {"cooked_beef": 2, "coal": 1}
    sim2 = make(WorldSetup(blocks=[BlockSpec(name="furnace", pos=(1, Y, 0))],
                           agent_items={"beef": 2, "coal": 2}))
    sim2.execute("a", Smelt(furnace=(1, Y, 0), item="beef", count=1), 0.0)
    sim2.execute("a", Smelt(furnace=(1, Y, 0), item="beef", count=1), 80.0)  # out: new coal
    assert sim2.view().inventory("a") == {"cooked_beef": 2}


def test_lava_bucket_fuel_leaves_its_bucket() -> None:
    sim = make(WorldSetup(blocks=[BlockSpec(name="furnace", pos=(1, Y, 0))],
                          agent_items={"beef": 2, "lava_bucket": 1}))
    run(sim, "a", [Smelt(furnace=(1, Y, 0), item="beef", count=2, fuel="lava_bucket")])
    assert sim.view().inventory("a") == {"cooked_beef": 2, "bucket": 1}


# --- digging, placing -------------------------------------------------------------------------

def test_dig_ripe_wheat_and_young_wheat() -> None:
    sim = make(WorldSetup(blocks=[BlockSpec(name="wheat", pos=(1, Y, 0), state={"age": 7}),
                                  BlockSpec(name="wheat", pos=(0, Y, 1), state={"age": 3})]))
    # vanilla breaks a crop at any age (minecraft.wiki/w/Crops); young wheat drops one seed
    # (blocks/wheat.json). Not digging it young is the Judger's policy (agents/policy.py).
    out = sim.execute("a", Dig(pos=(0, Y, 1)), 0.0)
    assert out.ok
    assert sim.view().inventory("a") == {"wheat_seeds": 1}
    assert sim.view().block((0, Y, 1)).name == "air"
    sim = make(WorldSetup(blocks=[BlockSpec(name="wheat", pos=(1, Y, 0), state={"age": 7})]))
    assert run(sim, "a", [Dig(pos=(1, Y, 0))]) == pytest.approx([0.0 + DIG_EXTRA])  # instant
    # ripe wheat: 1 wheat and 1 + B(3, 4/7) seeds (the game's loot table blocks/wheat.json;
    # minecraft.wiki/w/Wheat_Seeds#Breaking: 1-4 seeds), rolled with the seeded generator
    inv = sim.view().inventory("a")
    assert set(inv) == {"wheat", "wheat_seeds"} and inv["wheat"] == 1
    assert 1 <= inv["wheat_seeds"] <= 4
    assert sim.view().block((1, Y, 0)).name == "air"


def test_coal_ore_needs_a_pickaxe_to_drop() -> None:
    # vanilla (minecraft.wiki/w/Breaking, /w/Coal_Ore): by hand coal ore (hardness 3) breaks
    # in 5 x 3 = 15 s and drops nothing; with a wooden pickaxe in 2.25 s and drops coal
    world = WorldSetup(blocks=[BlockSpec(name="coal_ore", pos=(1, Y, 0))])
    sim = make(world)
    assert run(sim, "a", [Dig(pos=(1, Y, 0))]) == pytest.approx([15.0 + DIG_EXTRA])
    assert sim.view().inventory("a") == {}
    assert sim.view().block((1, Y, 0)).name == "air"
    sim = make(world.model_copy(update={"agent_items": {"wooden_pickaxe": 1}}))
    # vanilla: ceil(1 / (2 / 3 / 30)) = 45 ticks (minecraft.wiki, Breaking)
    assert run(sim, "a", [Dig(pos=(1, Y, 0))]) == pytest.approx([2.25 + DIG_EXTRA])
    assert sim.view().inventory("a") == {"wooden_pickaxe": 1, "coal": 1}


def test_dig_times_and_self_drops() -> None:
    # vanilla 1.19.2's break times (minecraft.wiki, Breaking: "Best tools" table)
    assert dig_seconds("oak_log", {}, RB) == 3.0  # 1.5 x hardness 2, by hand
    assert dig_seconds("stone", {"stone_pickaxe": 1}, RB) == 0.6
    assert dig_seconds("stone", {"wooden_pickaxe": 1}, RB) == 1.15
    assert dig_seconds("stone", {}, RB) == 7.5  # needs a pickaxe: 5 x hardness
    assert dig_seconds("oak_log", {"iron_axe": 1, "wooden_axe": 1}, RB) == 0.5  # the fastest
    assert dig_seconds("dirt", {}, RB) == 0.75
    assert dig_seconds("torch", {}, RB) == 0.0  # instant
    assert dig_seconds("wheat", {}, RB) == 0.0
    sim = make(WorldSetup(blocks=[BlockSpec(name="oak_log", pos=(1, Y, 0), state={"axis": "y"})]))
    run(sim, "a", [Dig(pos=(1, Y, 0)), Dig(pos=(0, Y - 1, 1))])
    assert sim.view().inventory("a") == {"oak_log": 1, "dirt": 1}  # grass_block drops dirt
    assert sim.snapshot()["blocks"] == {"0,-61,1": {"name": "air", "state": {}}}


def test_digging_a_chest_drops_its_contents() -> None:
    sim = make(WorldSetup(containers=[ContainerSpec(pos=(1, Y, 0), items={"egg": 2})]))
    assert run(sim, "a", [Dig(pos=(1, Y, 0))]) == pytest.approx([3.75 + DIG_EXTRA])
    assert sim.view().inventory("a") == {"chest": 1, "egg": 2}
    assert sim.view().container((1, Y, 0)) is None


def test_place_needs_support_and_keeps_facing() -> None:
    sim = make(WorldSetup(agent_items={"stone": 2, "oak_log": 1, "chest": 1}))
    before = sim.snapshot()
    out = sim.execute("a", Place(item="stone", pos=(1, Y + 2, 1)), 0.0)
    assert (out.ok, out.reason) == (False, "nothing to place against at (1, -58, 1): no solid "
                                           "neighbour")
    assert sim.snapshot() == before
    seconds = run(sim, "a", [Place(item="oak_log", pos=(1, Y, 0), facing="x"),
                             Place(item="stone", pos=(1, Y + 1, 0), facing="north"),
                             Place(item="chest", pos=(0, Y, 1))])
    assert seconds == [PLACE_S] * 3
    assert sim.snapshot()["blocks"] == {
        # placed without a facing, a chest faces the player (ChestBlock: look's opposite)
        "0,-60,1": {"name": "chest", "state": {"facing": "north"}},
        "1,-60,0": {"name": "oak_log", "state": {"axis": "x"}},
        "1,-59,0": {"name": "stone", "state": {"facing": "north"}}}
    assert sim.view().inventory("a") == {"stone": 1}
    assert sim.view().container((0, Y, 1)) == {}


def test_placing_a_door_sets_both_halves() -> None:
    sim = make(WorldSetup(agent_items={"oak_door": 1}))
    run(sim, "a", [Place(item="oak_door", pos=(2, Y, 0), facing="west")])
    # no block beside it: DoorBlock.getHinge leaves the hinge on the left
    assert sim.snapshot()["blocks"] == {
        "2,-60,0": {"name": "oak_door", "state": {"facing": "west", "half": "lower",
                                                   "hinge": "left", "open": False}},
        "2,-59,0": {"name": "oak_door", "state": {"facing": "west", "half": "upper",
                                                   "hinge": "left",
                                                   "open": False}}}
    run(sim, "a", [Dig(pos=(2, Y + 1, 0))])
    assert sim.snapshot()["blocks"] == {}
    assert sim.view().inventory("a") == {"oak_door": 1}


# --- chests -------------------------------------------------------------------------------------

def test_take_and_put_move_chest_contents() -> None:
    sim = make(WorldSetup(containers=[ContainerSpec(pos=(1, Y, 0), items={"wheat": 5})],
                          agent_items={"egg": 2}))
    # the put right after the take at the same chest: no new turn towards it (as measured)
    assert run(sim, "a", [Take(pos=(1, Y, 0), item="wheat", count=5),
                          Put(pos=(1, Y, 0), item="egg", count=2)]) == [
        DURATIONS["take_s"], DURATIONS["chest_again_s"]]
    assert sim.view().inventory("a") == {"wheat": 5}
    assert sim.view().container((1, Y, 0)) == {"egg": 2}


def test_locked_chest_opens_only_with_its_key() -> None:
    chest = ContainerSpec(pos=(1, Y, 2), items={"diamond": 1}, lock="tripwire_hook")
    sim = make(WorldSetup(containers=[chest], agent_items={"egg": 1}))
    before = sim.snapshot()
    for action in (Take(pos=(1, Y, 2), item="diamond"), Put(pos=(1, Y, 2), item="egg")):
        out = sim.execute("a", action, 0.0)
        assert (out.ok, out.reason) == (False, "the chest at (1, -60, 2) is locked: it opens "
                                               "only for a player holding tripwire_hook")
        assert sim.snapshot() == before
    sim = make(WorldSetup(containers=[chest], agent_items={"tripwire_hook": 1}))
    run(sim, "a", [Take(pos=(1, Y, 2), item="diamond")])
    assert sim.view().inventory("a") == {"tripwire_hook": 1, "diamond": 1}
    assert sim.view().container((1, Y, 2)) == {}


# --- animals ------------------------------------------------------------------------------------

def test_kill_and_milk() -> None:
    world = WorldSetup(entities=[EntitySpec(type="cow", pos=(2.5, Y, 0.5)),
                                 EntitySpec(type="cow", pos=(1.5, Y, 1.5)),
                                 EntitySpec(type="cow", pos=(30.5, Y, 0.5))],
                       agent_items={"bucket": 1})
    sim = make(world)
    # a cow has 10 health (minecraft.wiki/w/Cow), a hand deals 1 (minecraft.wiki/w/Damage):
    # 9 hits 0.5 s apart (a mob's 10-tick hurt invulnerability), then the last hit and the loot
    assert run(sim, "a", [Milk(), Kill(entity="cow")]) == [MILK_S, KILL_S + 9 * 0.5]
    # its loot (the game's entities/cow.json; minecraft.wiki/w/Cow#Drops): 1-3 beef, 0-2
    # leather, rolled with the seeded generator
    inv = sim.view().inventory("a")
    assert inv["milk_bucket"] == 1 and 1 <= inv["beef"] <= 3 and 0 <= inv.get("leather", 0) <= 2
    assert set(inv) <= {"milk_bucket", "beef", "leather"}
    assert [e.id for e in sim.view().entities()] == ["cow#0", "cow#2"]  # the nearest one died
    sim = make(world.model_copy(update={"agent_items": {"iron_sword": 1, "wooden_pickaxe": 1}}))
    # an iron sword deals 6 (minecraft.wiki/w/Sword) and recharges in 1 / 1.6 s: 2 hits; it
    # beats the pickaxe's 2
    assert run(sim, "a", [Kill(entity="cow"), Kill(entity="cow")]) == [KILL_S + 0.625] * 2
    before = sim.snapshot()
    out = sim.execute("a", Kill(entity="cow"), 20.0)
    assert (out.ok, out.reason) == (False, "no cow within reach")
    assert sim.snapshot() == before


# --- walking ------------------------------------------------------------------------------------

def test_move_around_a_wall() -> None:
    sim = make(WorldSetup(blocks=wall(3, range(-2, 3))))
    out = sim.execute("a", MoveTo(pos=(6, Y, 0)), 0.0)
    # to (2, 3) diagonally twice and once straight, past the wall's end, and back: 4 + 4 sqrt 2
    assert out.ok and out.seconds == pytest.approx(
        (4 + 4 * SQRT2) / WALK_SPEED + MOVE_EXTRA + CENTRE)
    assert sim.view().agent_pos("a") == (6.5, Y, 0.5)
    out = sim.execute("a", MoveTo(pos=(6, Y, 0)), out.seconds)
    assert (out.ok, out.seconds) == (True, 0.0)


def test_move_within_stops_near_the_target() -> None:
    sim = make(WorldSetup(blocks=[BlockSpec(name="crafting_table", pos=(8, Y, 0))]))
    out = sim.execute("a", MoveTo(pos=(8, Y, 0), within=2), 0.0)
    assert out.ok and out.seconds == pytest.approx(6 / WALK_SPEED + MOVE_EXTRA)
    assert sim.view().agent_pos("a") == (6.5, Y, 0.5)


def test_steps_up_one_block_not_two() -> None:
    step = [BlockSpec(name="stone", pos=(2, Y, z)) for z in range(-40, 41)]
    sim = make(WorldSetup(blocks=step, bounds=((-40, -61, -40), (40, -30, 40))))
    out = sim.execute("a", MoveTo(pos=(2, Y + 1, 0)), 0.0)
    assert out.ok and out.seconds == pytest.approx((1 + SQRT2) / WALK_SPEED + MOVE_EXTRA + CENTRE)
    out = sim.execute("a", MoveTo(pos=(4, Y, 0)), 1.0)  # and drop down the far side
    assert out.ok and out.seconds == pytest.approx((1 + SQRT2) / WALK_SPEED + MOVE_EXTRA + CENTRE)
    high = [BlockSpec(name="stone", pos=(2, y, z)) for z in range(-40, 41) for y in (Y, Y + 1)]
    sim = make(WorldSetup(blocks=high, bounds=((-40, -61, -40), (40, -30, 40))))
    out = sim.execute("a", MoveTo(pos=(2, Y + 2, 0)), 0.0)
    assert (out.ok, out.reason) == (False, "no path to (2, -58, 0) from (0, -60, 0)")


def test_closed_iron_door_blocks_the_way() -> None:
    # a door in the wall at x = 2 faces along x (vanilla: a closed door is a 3/16 panel
    # across the way; facing north it would stand edge-on in the gap)
    iron = box(gap=(2, Y, 0), gap_blocks=("iron_door", "iron_door"),
               gap_state={"open": False, "facing": "west"})
    sim = make(WorldSetup(blocks=iron))
    before = sim.snapshot()
    out = sim.execute("a", MoveTo(pos=(5, Y, 0)), 0.0)
    assert (out.ok, out.reason) == (False, "no path to (5, -60, 0) from (0, -60, 0)")
    out = sim.execute("a", Activate(pos=(2, Y, 0)), 0.0)
    assert (out.ok, out.reason) == (False, "iron_door at (2, -60, 0) opens only with redstone "
                                           "power")
    out = sim.execute("a", MoveTo(pos=(2, Y, 0)), 0.0)
    assert (out.ok, out.reason) == (False, "no path to (2, -60, 0) from (0, -60, 0)")
    assert sim.snapshot() == before


def test_opening_a_wooden_door_opens_the_way() -> None:
    oak = box(gap=(2, Y, 0), gap_blocks=("oak_door", "oak_door"),
              gap_state={"open": False, "facing": "west"})
    sim = make(WorldSetup(blocks=oak))
    assert not sim.execute("a", MoveTo(pos=(5, Y, 0)), 0.0).ok
    run(sim, "a", [Activate(pos=(2, Y, 0))])
    assert [sim.view().block((2, y, 0)).state["open"] for y in (Y, Y + 1)] == [True, True]
    out = sim.execute("a", MoveTo(pos=(5, Y, 0)), 0.5)
    assert out.ok and out.seconds == pytest.approx(5 / WALK_SPEED + MOVE_EXTRA + CENTRE)


@pytest.mark.parametrize(("gap", "passable"), [
    (("air", "air"), True), (("water", "air"), True), (("oak_fence", "air"), False),
    (("cobblestone_wall", "air"), False), (("lava", "air"), False),
    (("stone_pressure_plate", "air"), True), (("white_carpet", "air"), True),
    (("torch", "air"), True), (("air", "stone"), False), (("oak_fence_gate", "air"), False)])
def test_what_can_be_walked_through(gap: tuple[str, str], passable: bool) -> None:
    sim = make(WorldSetup(blocks=box(gap=(2, Y, 0), gap_blocks=gap)))
    assert sim.execute("a", MoveTo(pos=(5, Y, 0)), 0.0).ok is passable


def test_path_stays_inside_the_bounds() -> None:
    bounds = ((-3, -61, -3), (3, -50, 3))
    sim = make(WorldSetup(blocks=wall(1, range(-3, 4)), bounds=bounds))
    out = sim.execute("a", MoveTo(pos=(2, Y, 0)), 0.0)
    assert (out.ok, out.reason) == (False, "no path to (2, -60, 0) from (0, -60, 0)")
    out = sim.execute("a", MoveTo(pos=(9, Y, 0)), 0.0)
    assert out.reason == "no path to (9, -60, 0): (9, -60, 0) is outside the task bounds " \
                         "(-3, -61, -3)..(3, -50, 3)"


def test_falls_when_the_floor_is_dug() -> None:
    sim = make(WorldSetup(agent_items={"stone_pickaxe": 1}))
    run(sim, "a", [Dig(pos=(0, Y - 1, 0))])
    assert sim.view().agent_pos("a") == (0.5, Y - 1, 0.5)


# --- triggers -----------------------------------------------------------------------------------

def test_lever_trigger_clears_a_wall() -> None:
    openers = [Effect(kind="set_block", pos=(2, y, 0), block="air") for y in (Y, Y + 1)]
    world = WorldSetup(
        blocks=[*box(), BlockSpec(name="lever", pos=(1, Y, 1), state={"powered": False})],
        triggers=[Trigger(id="open", conditions=[Condition(pos=(1, Y, 1), block="lever",
                                                           state={"powered": True})],
                          effects=openers)])
    sim = make(world)
    assert not sim.execute("a", MoveTo(pos=(5, Y, 0)), 0.0).ok
    out = sim.execute("a", Activate(pos=(1, Y, 1)), 0.0)
    assert (out.ok, out.seconds, out.fired) == (True, ACTIVATE_S, ["open"])
    assert sim.fired() == {"open"}
    assert sim.view().block((1, Y, 1)).state == {"powered": True}
    assert [sim.view().block((2, y, 0)).name for y in (Y, Y + 1)] == ["air", "air"]
    assert sim.execute("a", MoveTo(pos=(5, Y, 0)), 1.0).ok
    out = sim.execute("a", Wait(seconds=1), 2.0)
    assert out.fired == []  # a trigger fires once


def two_plates(window: float = 1.0) -> WorldSetup:
    return WorldSetup(
        blocks=[BlockSpec(name="stone_pressure_plate", pos=(2, Y, 0)),
                BlockSpec(name="oak_pressure_plate", pos=(-2, Y, 0))],
        spawn=[(0, Y, 0), (0, Y, 1)],
        triggers=[Trigger(id="plates", window_s=window, conditions=[
            Condition(pos=(2, Y, 0), block="stone_pressure_plate", state={"powered": True}),
            Condition(pos=(-2, Y, 0), block="oak_pressure_plate", state={"powered": "true"})],
            effects=[Effect(kind="give", pos=(0, Y, 0), radius=3, item="diamond", count=2)])])


def test_two_plates_held_together_fire_an_and_trigger() -> None:
    sim = make(two_plates(), ("a", "b"))
    out_a = sim.execute("a", StepOn(pos=(2, Y, 0), hold_s=3), 0.0)
    assert (out_a.ok, out_a.fired) == (True, [])
    assert out_a.seconds == pytest.approx(2 / WALK_SPEED + 3)
    out_b = sim.execute("b", StepOn(pos=(-2, Y, 0), hold_s=3), 0.0)
    assert out_b.seconds == pytest.approx((1 + SQRT2) / WALK_SPEED + 3)
    assert out_b.fired == ["plates"]
    inv = sim.view().inventory
    assert (inv("a"), inv("b")) == ({"diamond": 2}, {"diamond": 2})


def test_two_plates_held_apart_do_not_fire() -> None:
    sim = make(two_plates(window=1.0), ("a", "b"))
    a = sim.execute("a", StepOn(pos=(2, Y, 0), hold_s=3), 0.0)  # pressed from 0.46
    # a walks off at 3.46 (+ MOVE_EXTRA to start): its box leaves the plate's 0.7375 blocks on
    # (half a block, less the plate's 1/16 inset, plus half the body's 0.6)
    off = sim.execute("a", MoveTo(pos=(4, Y, 0)), 3.46)
    b = sim.execute("b", StepOn(pos=(-2, Y, 0), hold_s=3), 4.3)  # pressed from 4.86
    assert (a.ok, off.ok, b.ok, a.fired, b.fired, sim.fired()) == \
        (True, True, True, [], [], set())
    assert sim.view().inventory("a") == {}
    assert sim.view().powered[(2, Y, 0)] == [
        Hold(2 / WALK_SPEED, pytest.approx(3.46 + MOVE_EXTRA + 0.7375 / WALK_SPEED), "a")]
    # plates are powered only while held
    sim.execute("a", Wait(seconds=1), 9.0)
    assert sim.view().block((2, Y, 0)).state == {"powered": False}


def test_a_plate_stays_pressed_while_its_agent_stands_on_it() -> None:
    # On a server a bot that stepped on a plate stands there until it walks away; the plate
    # stays pressed (minecraft.wiki/w/Pressure_Plate: "while an entity is on it").
    sim = make(two_plates(window=1.0), ("a", "b"))
    sim.execute("a", StepOn(pos=(2, Y, 0), hold_s=1), 0.0)
    assert sim.execute("a", Wait(seconds=5), 1.46).fired == []
    assert sim.execute("b", StepOn(pos=(-2, Y, 0), hold_s=1), 6.0).fired == ["plates"]


def test_and_window_tolerates_a_short_gap() -> None:
    sim = make(two_plates(window=2.0), ("a", "b"))
    sim.execute("a", StepOn(pos=(2, Y, 0), hold_s=3), 0.0)
    sim.execute("a", MoveTo(pos=(4, Y, 0)), 3.46)  # off the plate at 3.76
    assert sim.execute("b", StepOn(pos=(-2, Y, 0), hold_s=3), 4.5).fired == ["plates"]


def test_button_trigger_teleports_nearby_players() -> None:
    world = WorldSetup(
        blocks=[BlockSpec(name="stone_button", pos=(1, Y + 1, 0), state={"face": "wall"})],
        spawn=[(0, Y, 0), (20, Y, 20)],
        triggers=[Trigger(id="go", mode="or", conditions=[
            Condition(pos=(1, Y + 1, 0), block="stone_button", state={"powered": True})],
            effects=[Effect(kind="teleport", pos=(0, Y, 0), radius=3, to=(10, Y, 10))])])
    sim = make(world, ("a", "b"))
    out = sim.execute("a", Activate(pos=(1, Y + 1, 0)), 0.0)
    assert (out.ok, out.fired) == (True, ["go"])
    assert sim.view().agent_pos("a") == (10.5, Y, 10.5)
    assert sim.view().agent_pos("b") == (20.5, Y, 20.5)  # too far to be taken along
    assert sim.view().block((1, Y + 1, 0)).state["powered"] is True
    # pressed on the click that ends the activate (activate_s 0.3 s), a stone button stays
    # pressed 20 ticks = 1 s (minecraft.wiki/w/Button)
    sim.execute("b", Wait(seconds=1), 0.3 + 1.0)
    assert sim.view().block((1, Y + 1, 0)).state == {"face": "wall", "powered": False}


def test_two_buttons_pressed_together_and_apart() -> None:
    def world() -> WorldSetup:
        return WorldSetup(
            blocks=[BlockSpec(name="stone_button", pos=(1, Y, 0)),
                    BlockSpec(name="oak_button", pos=(-1, Y, 0))],
            triggers=[Trigger(id="both", window_s=0.0, conditions=[
                Condition(pos=(1, Y, 0), block="stone_button", state={"powered": True}),
                Condition(pos=(-1, Y, 0), block="oak_button", state={"powered": True})])])
    sim = make(world(), ("a", "b"))
    sim.execute("a", Activate(pos=(1, Y, 0)), 0.0)  # powered [0, 1)
    assert sim.execute("b", Activate(pos=(-1, Y, 0)), 0.9).fired == ["both"]
    sim = make(world(), ("a", "b"))
    sim.execute("a", Activate(pos=(1, Y, 0)), 0.0)
    assert sim.execute("b", Activate(pos=(-1, Y, 0)), 1.0).fired == []
    # the wooden button stays down 1.5 s: a stone press at 2.4 still meets it
    assert sim.execute("a", Activate(pos=(1, Y, 0)), 2.4).fired == ["both"]


def test_a_trigger_can_need_a_placed_block() -> None:
    world = WorldSetup(
        blocks=[BlockSpec(name="lever", pos=(1, Y, 1))],
        agent_items={"gold_block": 1},
        triggers=[Trigger(id="gold", conditions=[
            Condition(pos=(1, Y, 1), block="lever", state={"powered": True}),
            Condition(pos=(2, Y, 0), block="gold_block")])])
    sim = make(world)
    assert sim.execute("a", Activate(pos=(1, Y, 1)), 0.0).fired == []
    assert sim.execute("a", Place(item="gold_block", pos=(2, Y, 0)), 1.0).fired == ["gold"]


# --- refusals, determinism, clones --------------------------------------------------------------

REFUSED: list[tuple[Action, str]] = [
    (Take(pos=(1, Y, 0), item="wheat", count=9), "the chest at (1, -60, 0) holds 5 wheat, not 9"),
    (Put(pos=(1, Y, 0), item="egg"), "missing ingredients: 1 egg"),
    (Craft(item="bread"), "missing ingredients: 3 wheat"),
    (Smelt(furnace=(0, Y, 2), item="beef"), "no furnace at (0, -60, 2)"),
    (Dig(pos=(0, Y, 2)), "nothing to dig at (0, -60, 2) (air)"),
    (Dig(pos=(0, Y - 4, 0)), "bedrock at (0, -64, 0) cannot be broken"),
    (Place(item="stone", pos=(1, Y, 0)), "(1, -60, 0) is taken by chest"),
    (Place(item="stone", pos=(0, Y, 0)), "a stands in (0, -60, 0)"),
    (MoveTo(pos=(3, Y, 3)), "no path to (3, -60, 3): the feet cell (3, -60, 3) holds stone"),
    (Kill(entity="pig"), "no pig within reach"),
    (Milk(), "missing ingredients: 1 bucket"),
    (Activate(pos=(3, Y, 3)), "stone at (3, -60, 3) cannot be activated"),
    (StepOn(pos=(2, Y, 2)), "no pressure plate at (2, -60, 2) (air)"),
    (Rendezvous(tag="t", agents=["b"]), "a is not one of the rendezvous agents (b)"),
]


@pytest.mark.parametrize(("action", "reason"), REFUSED, ids=[a.name for a, _ in REFUSED])
def test_refusals_change_nothing(action: Action, reason: str) -> None:
    sim = make(WorldSetup(blocks=[BlockSpec(name="stone", pos=(3, Y, 3))],
                          containers=[ContainerSpec(pos=(1, Y, 0), items={"wheat": 5})],
                          entities=[EntitySpec(type="cow", pos=(1.5, Y, 1.5))],
                          agent_items={"stone": 1}))
    before = sim.snapshot()
    out = sim.execute("a", action, 0.0)
    assert (out.ok, out.reason, out.seconds, out.fired) == (False, reason, 0.0, [])
    assert sim.snapshot() == before


def episode(seed: int) -> tuple[list[tuple[bool, float, list[str]]], dict[str, object]]:
    sim = make(WorldSetup(
        blocks=[BlockSpec(name="crafting_table", pos=(4, Y, 0)),
                BlockSpec(name="wheat", pos=(6, Y, 2), state={"age": 7}), *wall(2, range(-1, 2)),
                BlockSpec(name="stone_pressure_plate", pos=(-3, Y, -3))],
        containers=[ContainerSpec(pos=(5, Y, -1), items={"wheat": 2, "oak_log": 1})],
        entities=[EntitySpec(type="chicken", pos=(6.5, Y, 1.5))],
        triggers=[Trigger(id="p", conditions=[
            Condition(pos=(-3, Y, -3), block="stone_pressure_plate", state={"powered": True})],
            effects=[Effect(kind="give", pos=(-3, Y, -3), item="emerald")])]),
        ("a", "b"), seed=seed)
    plan: list[tuple[str, Action]] = [
        ("a", MoveTo(pos=(5, Y, 1))), ("b", StepOn(pos=(-3, Y, -3))),
        ("a", Dig(pos=(6, Y, 2))), ("a", Take(pos=(5, Y, -1), item="wheat", count=2)),
        ("a", Craft(item="bread", table=(4, Y, 0))), ("a", Kill(entity="chicken")),
        ("a", Take(pos=(5, Y, -1), item="oak_log")), ("a", Craft(item="oak_planks")),
        ("b", MoveTo(pos=(5, Y, 2), within=1.5)), ("b", Craft(item="bread", table=(4, Y, 0)))]
    clock = {"a": 0.0, "b": 0.0}
    results = []
    for agent, action in plan:
        out = sim.execute(agent, action, clock[agent])
        clock[agent] += out.seconds
        results.append((out.ok, out.seconds, out.fired))
    return results, sim.snapshot()


def test_same_seed_same_episode() -> None:
    first, second = episode(7), episode(7)
    assert first == second
    results, snap = first
    assert [ok for ok, _, _ in results] == [True] * 9 + [False]
    # the ripe wheat's 1-4 seeds and the chicken's 0-2 feathers are rolled (seeded: the same
    # twice); the rest is certain
    inv = dict(snap["inventories"]["a"])  # type: ignore[index]
    assert 1 <= inv.pop("wheat_seeds") <= 4 and 0 <= inv.pop("feather", 0) <= 2
    assert inv == {"bread": 1, "chicken": 1, "oak_planks": 4}
    assert snap["inventories"]["b"] == {"emerald": 1}  # type: ignore[index]
    assert snap["fired"] == ["p"]
    assert snap["containers"] == {"5,-60,-1": {}}


def test_clone_is_independent() -> None:
    sim = make(WorldSetup(containers=[ContainerSpec(pos=(1, Y, 0), items={"wheat": 5})],
                          blocks=[BlockSpec(name="lever", pos=(0, Y, 1))]))
    copy = sim.clone()
    run(copy, "a", [Take(pos=(1, Y, 0), item="wheat", count=2), Activate(pos=(0, Y, 1)),
                    MoveTo(pos=(3, Y, 3))])
    assert sim.snapshot() == make(WorldSetup(
        containers=[ContainerSpec(pos=(1, Y, 0), items={"wheat": 5})],
        blocks=[BlockSpec(name="lever", pos=(0, Y, 1))])).snapshot()
    assert copy.view().inventory("a") == {"wheat": 2}
    assert copy.view().agent_pos("a") == (3.5, Y, 3.5)
    assert (copy.name, copy.rules is sim.rules) == ("sim", True)


def test_triggers_helpers() -> None:
    assert earliest_together([[Hold(0.0, 2.0), Hold(5.0, 6.0)], [Hold(5.5, math.inf)]],
                             0.0) == 5.5
    assert earliest_together([[Hold(0.0, 1.0)], [Hold(1.0, 2.0)]], 0.0) is None
    assert earliest_together([[Hold(0.0, 1.0)], []], 5.0) is None
    two = [[Hold(0.0, 3.0, "a"), Hold(4.0, 9.0, "b")], [Hold(1.0, 5.0, "a")]]
    assert (earliest_together(two, 0.0), earliest_together(two, 0.0, min_agents=2)) == (1.0, 4.0)
    holds = [Hold(3.0, 4.0, "a")]
    add_hold(holds, 1.0, 3.0, "a")
    add_hold(holds, 6.0, 7.0, "a")
    add_hold(holds, 2.0, 5.0, "b")
    assert holds == [Hold(1.0, 4.0, "a"), Hold(2.0, 5.0, "b"), Hold(6.0, 7.0, "a")]


def test_one_agent_cannot_hold_two_plates_for_two_players() -> None:
    world = two_plates(window=3.0)
    sim = make(world)
    sim.execute("a", StepOn(pos=(2, Y, 0), hold_s=1), 0.0)  # held [0.46, 1.46)
    assert sim.execute("a", StepOn(pos=(-2, Y, 0), hold_s=1), 1.5).fired == ["plates"]
    trig = world.triggers[0].model_copy(update={"min_players": 2})
    sim = make(world.model_copy(update={"triggers": [trig]}), ("a", "b"))
    sim.execute("a", StepOn(pos=(2, Y, 0), hold_s=1), 0.0)
    assert sim.execute("a", StepOn(pos=(-2, Y, 0), hold_s=1), 1.5).fired == []
    assert sim.execute("b", StepOn(pos=(2, Y, 0), hold_s=1), 2.0).fired == ["plates"]


def test_five_hundred_actions_in_a_row() -> None:
    # (how fast: bench/bench_sim.py)
    sim = make(WorldSetup(blocks=[*wall(3, range(-4, 5)), BlockSpec(name="furnace",
                                                                      pos=(0, Y, 2))],
                          containers=[ContainerSpec(pos=(0, Y, -2), items={"beef": 500})],
                          agent_items={"coal": 200}), ("a", "b"))
    actions: list[Action] = []
    for i in range(100):
        actions += [MoveTo(pos=(6, Y, i % 5)), MoveTo(pos=(0, Y, 0)),
                    Take(pos=(0, Y, -2), item="beef"), Smelt(furnace=(0, Y, 2), item="beef"),
                    Put(pos=(0, Y, -2), item="cooked_beef")]
    t = 0.0
    for action in actions:
        out = sim.execute("a", action, t)
        assert out.ok
        t += out.seconds
    assert sim.view().container((0, Y, -2)) == {"beef": 400, "cooked_beef": 100}


def test_enclosure_shortcut_is_a_proof() -> None:
    # a sealed room far away is refused without searching the whole area
    far_box = [b.model_copy(update={"pos": (b.pos[0] + 30, b.pos[1], b.pos[2])}) for b in box()]
    sim = make(WorldSetup(blocks=far_box))
    expanded = 0
    neighbours = sim.walker.neighbours

    def counted(cell: Pos) -> list[Pos]:
        nonlocal expanded
        expanded += 1
        return list(neighbours(cell))

    sim.walker.neighbours = counted  # type: ignore[method-assign]
    out = sim.execute("a", MoveTo(pos=(30, Y, 0)), 0.0)
    assert (out.ok, out.reason) == (False, "no path to (30, -60, 0) from (0, -60, 0)")
    # the search gave up once the walled-in goal was proven: ENCLOSURE_AFTER cells searched
    # forward, then the goal's side (its predecessors look at their neighbours too), not the
    # whole area inside the bounds (thousands of cells)
    assert expanded <= ENCLOSURE_AFTER + 2 * ENCLOSURE_BUDGET
    # a pit one can only drop into is reachable, though nothing walks out of it
    pit = [BlockSpec(name="air", pos=(30, y, 0)) for y in (Y - 1, Y - 2, Y - 3)]
    sim = make(WorldSetup(blocks=pit, bounds=((-64, -64, -64), (64, -30, 64))))
    walker = sim.walker
    assert walker.enclosed([(30, Y - 3, 0)], (0, Y, 0), 400) is False
    assert sorted(walker.predecessors((30, Y - 3, 0))) == [
        (29, Y, -1), (29, Y, 0), (29, Y, 1), (30, Y, -1), (30, Y, 1), (31, Y, -1), (31, Y, 0),
        (31, Y, 1)]
    out = sim.execute("a", MoveTo(pos=(30, Y - 3, 0)), 0.0)
    assert out.ok and out.seconds == pytest.approx(
        (29 + math.sqrt(10)) / WALK_SPEED + MOVE_EXTRA + CENTRE)
    assert sim.execute("a", MoveTo(pos=(0, Y, 0)), 10.0).reason == \
        "no path to (0, -60, 0) from (30, -63, 0)"


def ledge_world() -> WorldSetup:
    """Escape atom 8 in small: a plate lifts its player 6 up and 3 on, above a bedrock
    ledge 3 high under a wall button."""
    return WorldSetup(
        blocks=[BlockSpec(name="oak_pressure_plate", pos=(0, Y, -4)),
                BlockSpec(name="bedrock", pos=(0, Y + 3, -1)),
                BlockSpec(name="redstone_lamp", pos=(0, Y + 4, 0)),
                BlockSpec(name="stone_button", pos=(0, Y + 4, -1),
                          state={"face": "wall", "facing": "north"})],
        spawn=[(0, Y, -6)], bounds=((-8, Y - 1, -8), (8, Y + 10, 8)),
        triggers=[Trigger(id="come_in", conditions=[
            Condition(pos=(0, Y, -4), block="oak_pressure_plate", state={"powered": True})],
            effects=[Effect(kind="teleport", pos=(0, Y, -4), to=(0, Y + 6, -1))])])


def test_teleported_player_falls_through_the_button_onto_the_ledge() -> None:
    sim = make(ledge_world())
    out = sim.execute("a", StepOn(pos=(0, Y, -4), hold_s=2.0), 0.0)
    assert (out.ok, out.fired) == (True, ["come_in"])
    assert sim.view().agent_pos("a") == (0.5, Y + 4, -0.5)  # in the button's cell
    run(sim, "a", [Activate(pos=(0, Y + 4, -1))], 2.5)


def test_world_walker_lands_like_the_sim_and_finds_no_walk_up() -> None:
    from env.sim.path import world_walker

    walker = world_walker(ledge_world(), RB.blocks)
    assert walker.landing((0, Y + 6, -1)) == (0, Y + 4, -1)
    assert walker.landing((3, Y + 6, -1)) == (3, Y, -1)
    assert walker.find((0, Y, -4), (0, Y + 4, -1), 2.0) is None
    assert walker.find((0, Y, -4), (0, Y, -2), 0.0) == [(0, Y, -4), (0, Y, -3), (0, Y, -2)]
