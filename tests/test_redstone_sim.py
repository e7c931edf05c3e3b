"""Doors, trapdoors and fence gates moved by power on the simulator, in virtual time, as the
server's redstone plugin moves them (the rule: env/redstone.py; vanilla 1.19.2's values:
minecraft.wiki/w/Door, /w/Trapdoor, /w/Pressure_Plate, /w/Button: a stone button 20 ticks)."""

from __future__ import annotations

import pytest

from env.actions import WALK_SPEED, Activate, MoveTo, StepOn, Wait
from env.durations import DURATIONS
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.sim.triggers import Hold
from env.world import STAND_Y, BlockSpec, Condition, Effect, Pos, Trigger, WorldSetup

Y = STAND_Y
RB = load_rulebook()
ACTIVATE_S = DURATIONS["activate_s"]
MOVE_OVERHEAD_S = DURATIONS["move_overhead_s"]


def wall_with_door(door: str = "iron_door", extra: list[BlockSpec] | None = None) -> WorldSetup:
    """A 2-high stone wall along z = 4 (x from -6 to 6, the whole area), an iron door in it
    at x = 0, a stone pressure plate in front of the door's side at (1, Y, 3) (face to face
    with nothing: the door is at (0, Y, 4), diagonal) and one at (0, Y, 3) face to face with
    the door's lower half."""
    blocks = [BlockSpec(name="stone", pos=(x, y, 4)) for x in range(-6, 7) if x != 0
              for y in (Y, Y + 1)]
    blocks += [BlockSpec(name=door, pos=(0, Y, 4), state={"half": "lower", "facing": "north",
                                                            "open": False}),
               BlockSpec(name=door, pos=(0, Y + 1, 4), state={"half": "upper",
                                                               "facing": "north",
                                                               "open": False}),
               BlockSpec(name="stone_pressure_plate", pos=(0, Y, 3)),
               BlockSpec(name="stone_pressure_plate", pos=(1, Y, 2))]
    return WorldSetup(blocks=blocks + (extra or []), spawn=[(-3, Y, 0), (3, Y, 0)],
                      bounds=((-6, Y - 1, -6), (6, Y + 6, 10)))


def make(world: WorldSetup) -> SimBackend:
    sim = SimBackend(RB)
    sim.build(world, ["a", "b"])
    return sim


def door_open(sim: SimBackend, pos: Pos = (0, Y, 4)) -> tuple[object, object]:
    b = sim.view().block(pos)
    return b.state.get("open"), b.state.get("powered")


def test_an_agent_on_a_plate_opens_an_iron_door_for_another_and_it_shuts_when_it_leaves() -> None:
    sim = make(wall_with_door())
    assert sim.execute("b", MoveTo(pos=(0, Y, 6)), 0.0).code == Code.NO_PATH
    on = sim.execute("a", StepOn(pos=(0, Y, 3), hold_s=1.0), 0.0)
    assert on.ok
    arrive = on.seconds - 1.0 + 1e-9
    # the door opens when the plate is pressed, both halves
    assert sim.execute("b", Wait(seconds=0.1), arrive - 0.01).ok
    assert door_open(sim) == (False, None)
    walk = sim.execute("b", MoveTo(pos=(0, Y, 6)), arrive)
    assert walk.ok, walk.reason
    assert door_open(sim) == (True, True) and door_open(sim, (0, Y + 1, 4)) == (True, True)
    # a walks away from the plate: the door shuts once its box leaves the plate's
    leave = sim.execute("a", MoveTo(pos=(-3, Y, 0)), arrive + walk.seconds)
    gone = arrive + walk.seconds + MOVE_OVERHEAD_S + 0.7375 * 2 ** 0.5 / WALK_SPEED
    assert sim.view().powered[(0, Y, 3)][0].off == pytest.approx(gone)
    sim.execute("b", Wait(seconds=0.1), gone + 0.01)
    assert leave.ok and door_open(sim) == (False, False)
    assert sim.execute("b", MoveTo(pos=(3, Y, 0)), gone + 0.2).code == Code.NO_PATH


def test_a_plate_diagonal_to_a_door_leaves_it_shut() -> None:
    sim = make(wall_with_door())
    assert sim.execute("a", StepOn(pos=(1, Y, 2), hold_s=1.0), 0.0).ok
    assert sim.execute("b", MoveTo(pos=(0, Y, 6)), 3.0).code == Code.NO_PATH
    assert door_open(sim) == (False, None)


def test_a_stone_button_opens_a_door_for_20_ticks() -> None:
    # a button on the wall beside the door (at x = 1, facing north: on the wall's stone at
    # (1, Y + 1, 4)) powers the upper half through that stone
    button = BlockSpec(name="stone_button", pos=(1, Y + 1, 3),
                       state={"face": "wall", "facing": "north"})
    sim = make(wall_with_door(extra=[button]))
    assert sim.execute("a", MoveTo(pos=(1, Y, 2)), 0.0).ok
    assert sim.execute("a", Activate(pos=(1, Y + 1, 3)), 2.0).ok
    click = 2.0 + ACTIVATE_S
    sim.execute("b", Wait(seconds=0.0), click + 0.99)
    assert door_open(sim) == (True, True)
    sim.execute("b", Wait(seconds=0.0), click + 1.0)
    assert door_open(sim) == (False, False)


def test_a_lever_opens_and_shuts_and_a_hand_set_wooden_door_keeps_its_setting() -> None:
    lever = BlockSpec(name="lever", pos=(1, Y, 3), state={"face": "floor", "facing": "north",
                                                          "powered": False})
    sim = make(wall_with_door("oak_door", extra=[lever]))
    # opened by hand: stays open with no power
    assert sim.execute("a", MoveTo(pos=(1, Y, 1)), 0.0).ok
    assert sim.execute("a", Activate(pos=(0, Y, 4)), 2.0).ok
    assert door_open(sim) == (True, None)
    # a lever beside it... (1, Y, 3) shares no face with (0, Y, 4): it powers (1, Y, 4), the
    # wall, and through the block below it nothing more; so the door keeps its setting
    assert sim.execute("a", Activate(pos=(1, Y, 3)), 3.0).ok
    sim.execute("b", Wait(seconds=0.0), 4.0)
    assert door_open(sim) == (True, None)


def test_a_lever_in_front_of_a_wooden_door() -> None:
    lever = BlockSpec(name="lever", pos=(-1, Y, 4), state={"face": "floor", "facing": "north",
                                                           "powered": False})
    world = wall_with_door("oak_door")
    world = world.model_copy(update={"blocks": [b for b in world.blocks
                                                if b.pos != (-1, Y, 4)] + [lever]})
    sim = make(world)
    assert sim.execute("a", MoveTo(pos=(-1, Y, 2)), 0.0).ok
    assert sim.execute("a", Activate(pos=(-1, Y, 4)), 2.0).ok  # on: opens
    sim.execute("b", Wait(seconds=0.0), 2.0 + ACTIVATE_S)
    assert door_open(sim) == (True, True)
    assert sim.execute("a", Activate(pos=(0, Y, 4)), 3.0).ok  # shut by hand, still powered
    assert door_open(sim) == (False, True)
    assert sim.execute("a", Activate(pos=(-1, Y, 4)), 4.0).ok  # off: stays shut
    sim.execute("b", Wait(seconds=0.0), 5.0)
    assert door_open(sim) == (False, False)
    assert sim.execute("a", Activate(pos=(0, Y, 4)), 5.0).ok  # open by hand, unpowered
    assert sim.execute("a", Activate(pos=(-1, Y, 4)), 6.0).ok  # on: stays open, powered
    sim.execute("b", Wait(seconds=0.0), 7.0)
    assert door_open(sim) == (True, True)
    assert sim.execute("a", Activate(pos=(-1, Y, 4)), 7.0).ok  # off: shuts
    sim.execute("b", Wait(seconds=0.0), 8.0)
    assert door_open(sim) == (False, False)


def test_a_door_a_trigger_opens_stays_open_when_the_plate_is_left() -> None:
    # escape vb-2-0's room: a plate face to face with an iron trapdoor; a trigger's /setblock
    # opens the trapdoor (vanilla's /setblock leaves the placed block's power unset), so
    # stepping off the plate afterwards does not shut it.
    plate, trapdoor = (1, Y, 2), (1, Y, 3)
    world = WorldSetup(
        blocks=[BlockSpec(name="oak_pressure_plate", pos=plate, state={"powered": False}),
                BlockSpec(name="iron_trapdoor", pos=trapdoor,
                          state={"facing": "north", "open": False})],
        triggers=[Trigger(id="t", conditions=[Condition(pos=plate, block="oak_pressure_plate",
                                                        state={"powered": True})],
                          effects=[Effect(kind="set_block", pos=trapdoor, block="iron_trapdoor",
                                          state={"facing": "north", "open": True})])],
        spawn=[(1, Y, 0), (3, Y, 0)])
    sim = make(world)
    on = sim.execute("a", StepOn(pos=plate, hold_s=1.0), 0.0)
    assert on.fired == ["t"]
    assert sim.execute("a", MoveTo(pos=(1, Y, 0)), on.seconds).ok
    sim.execute("b", Wait(seconds=0.0), on.seconds + 2.0)
    assert sim.view().block(trapdoor).state == {"facing": "north", "open": True}


def test_a_powered_lever_built_after_a_door_opens_it() -> None:
    # the world is built in order, as the server's /setblock commands: the lever's placing
    # updates the door already there
    lever = BlockSpec(name="lever", pos=(-1, Y, 3), state={"face": "floor", "facing": "north",
                                                           "powered": True})
    world = wall_with_door()
    sim = make(world.model_copy(update={"blocks": [*world.blocks, lever]}))
    assert door_open(sim) == (False, None)  # (-1, Y, 3) is diagonal to the door
    lever2 = lever.model_copy(update={"pos": (0, Y, 5)})
    sim = make(world.model_copy(update={"blocks": [*world.blocks, lever2]}))
    assert door_open(sim) == (True, True)
    assert sim.execute("a", MoveTo(pos=(0, Y, 7)), 0.0).ok


def test_a_walk_over_a_plate_presses_it_on_the_way() -> None:
    # The server presses a plate on every move whose box touches it; a walk across one opens
    # the iron door beside it for that moment and fires a trigger on it.
    plate = (0, Y, 3)
    world = wall_with_door()
    world = world.model_copy(update={"triggers": [Trigger(id="crossed", conditions=[
        Condition(pos=plate, block="stone_pressure_plate", state={"powered": True})],
        effects=[Effect(kind="set_block", pos=(5, Y, 0), block="stone_bricks")])],
        "spawn": [(-2, Y, 3), (3, Y, 0)]})
    sim = make(world)
    walk = sim.execute("a", MoveTo(pos=(2, Y, 3)), 0.0)
    assert walk.ok and walk.fired == ["crossed"]
    # along x over the plate at x = 0: the body's box touches the plate's 0.7375 blocks
    # before its middle (half a block less the 1/16 inset, plus half the 0.6 body) and leaves
    # it 0.7375 blocks past it: 2 - 0.7375 and 2 + 0.7375 blocks into the walk
    holds = sim.view().powered[plate]
    assert holds == [Hold(pytest.approx(MOVE_OVERHEAD_S + 1.2625 / WALK_SPEED),
                          pytest.approx(MOVE_OVERHEAD_S + 2.7375 / WALK_SPEED), "a")]
    sim.execute("b", Wait(seconds=0.0), holds[0].on + 0.01)
    assert door_open(sim) == (True, True)
    sim.execute("b", Wait(seconds=0.0), holds[0].off + 0.01)
    assert door_open(sim) == (False, False)
    assert sim.view().block((5, Y, 0)).name == "stone_bricks"


def test_weighted_plates_carry_a_power_level_not_powered() -> None:
    # minecraft.wiki/w/Weighted_Pressure_Plate (Java, 1.19.2): no `powered` state; `power` is
    # the number of entities on a light plate (up to 15), one per ten on a heavy one, rounded
    # up (WeightedPressurePlateBlock.getSignalStrength: maxWeight 15 and 150); 0 once left.
    light, heavy = (1, Y, 2), (3, Y, 2)
    sim = make(WorldSetup(blocks=[BlockSpec(name="light_weighted_pressure_plate", pos=light),
                                  BlockSpec(name="heavy_weighted_pressure_plate", pos=heavy)],
                          spawn=[(1, Y, 0), (3, Y, 0)]))
    t = sim.execute("a", StepOn(pos=light, hold_s=1.0), 0.0).seconds
    t = max(t, sim.execute("b", StepOn(pos=heavy, hold_s=1.0), 0.0).seconds)
    sim.execute("b", Wait(seconds=0.0), t)
    assert sim.view().block(light).state == {"power": 1}
    assert sim.view().block(heavy).state == {"power": 1}
    back = sim.execute("a", MoveTo(pos=(1, Y, 0)), t)
    assert back.ok
    sim.execute("b", Wait(seconds=0.0), t + back.seconds + 0.5)
    assert sim.view().block(light).state == {"power": 0}  # stepped off
    assert sim.view().block(heavy).state == {"power": 1}
