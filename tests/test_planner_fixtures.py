"""Small hand-built tasks the planner tests share (cake, rabbit stew, an escape chain, a
two-layer building), with the true graphs their rules imply."""

from __future__ import annotations

from env.goals import (
    BlueprintBlock,
    CheckPoint,
    ConstructionGoal,
    CookingGoal,
    EscapeGoal,
    Room,
)
from env.rulebook import Rulebook, load_rulebook
from env.world import (
    STAND_Y,
    BlockSpec,
    Condition,
    ContainerSpec,
    Effect,
    EntitySpec,
    Trigger,
    WorldSetup,
)
from planner.decompose import decompose, task_rules
from planner.subtask import Plan
from tasks.spec import TaskSpec

Y = STAND_Y
HUB = (0, Y, 0)


def cake_task() -> TaskSpec:
    """Cake: eggs in a side chest, sugar from sugar cane, wheat in the field, milk from a
    cow in buckets made of iron smelted from the hub's raw iron."""
    world = WorldSetup(
        containers=[ContainerSpec(pos=HUB, items={"raw_iron": 9, "coal": 4}),
                    ContainerSpec(pos=(6, Y, 0), items={"egg": 2})],
        blocks=[BlockSpec(name="crafting_table", pos=(2, Y, 2)),
                BlockSpec(name="furnace", pos=(3, Y, 2)),
                *[BlockSpec(name="wheat", pos=(10, Y, z), state={"age": 7}) for z in range(3)],
                *[BlockSpec(name="sugar_cane", pos=(-8, Y, z)) for z in range(2)]],
        entities=[EntitySpec(type="cow", pos=(0.5, Y, 12.5))],
    )
    goal = CookingGoal(target="cake", check_points=[CheckPoint(item="cake", score=100)])
    return TaskSpec(id="cooking/cake_t", family="cooking", description="make a cake",
                    world=world, goal=goal, budget_s=300)


CAKE_EDGES = {
    ("milk:milk_bucket", "craft:cake"), ("craft:sugar", "craft:cake"),
    ("fetch:egg", "craft:cake"), ("harvest:wheat", "craft:cake"),
    ("craft:bucket", "milk:milk_bucket"), ("smelt:iron_ingot", "craft:bucket"),
    ("harvest:sugar_cane", "craft:sugar"),
}


def stew_task() -> TaskSpec:
    """Rabbit stew: no furnace in the world (one is crafted from the hub's cobblestone)."""
    world = WorldSetup(
        containers=[ContainerSpec(pos=HUB, items={"coal": 2, "oak_planks": 3,
                                                  "cobblestone": 8})],
        blocks=[BlockSpec(name="crafting_table", pos=(2, Y, 2)),
                BlockSpec(name="potatoes", pos=(8, Y, 0), state={"age": 7}),
                BlockSpec(name="carrots", pos=(8, Y, 1), state={"age": 7}),
                BlockSpec(name="brown_mushroom", pos=(-5, Y, -5))],
        entities=[EntitySpec(type="rabbit", pos=(4.5, Y, 9.5))],
    )
    goal = CookingGoal(target="rabbit_stew",
                       check_points=[CheckPoint(item="rabbit_stew", score=100)])
    return TaskSpec(id="cooking/rabbit_stew_t", family="cooking", description="rabbit stew",
                    world=world, goal=goal, budget_s=300)


STEW_EDGES = {
    ("smelt:cooked_rabbit", "craft:rabbit_stew"), ("smelt:baked_potato", "craft:rabbit_stew"),
    ("craft:bowl", "craft:rabbit_stew"), ("harvest:carrot", "craft:rabbit_stew"),
    ("harvest:brown_mushroom", "craft:rabbit_stew"), ("kill:rabbit", "smelt:cooked_rabbit"),
    ("harvest:potato", "smelt:baked_potato"), ("craft:furnace", "smelt:cooked_rabbit"),
    ("craft:furnace", "smelt:baked_potato"),
}


def escape_task() -> TaskSpec:
    """Two rooms: room 0 has a lever that opens the wall and a plate pair that gives a
    gold block; room 1 needs the gold block placed on a spot and a button pressed."""
    world = WorldSetup(
        blocks=[BlockSpec(name="lever", pos=(0, Y, 2)),
                BlockSpec(name="stone_pressure_plate", pos=(2, Y, 2)),
                BlockSpec(name="stone_pressure_plate", pos=(4, Y, 2)),
                BlockSpec(name="stone", pos=(0, Y, 7)),
                BlockSpec(name="stone_button", pos=(3, Y, 12))],
        triggers=[
            Trigger(id="r0_lever", room=0,
                    conditions=[Condition(pos=(0, Y, 2), block="lever",
                                          state={"powered": True})],
                    effects=[Effect(kind="set_block", pos=(0, Y, 7), block="air")]),
            Trigger(id="r0_plates", room=0,
                    conditions=[Condition(pos=(2, Y, 2), block="stone_pressure_plate"),
                                Condition(pos=(4, Y, 2), block="stone_pressure_plate")],
                    effects=[Effect(kind="give", pos=(3, Y, 2), item="gold_block")]),
            Trigger(id="r1_gold", room=1,
                    conditions=[Condition(pos=(1, Y, 12), block="gold_block"),
                                Condition(pos=(3, Y, 12), block="stone_button")],
                    effects=[Effect(kind="set_block", pos=(0, Y, 15), block="air")]),
        ],
    )
    goal = EscapeGoal(rooms=[Room(index=0, atom=3, origin=(0, Y, 0),
                                  triggers=["r0_lever", "r0_plates"]),
                             Room(index=1, atom=5, origin=(0, Y, 8), triggers=["r1_gold"])])
    return TaskSpec(id="escape/2-t", family="escape", description="two rooms", world=world,
                    goal=goal, budget_s=120)


ESCAPE_EDGES = {("trigger:r0_lever", "trigger:r1_gold"), ("trigger:r0_plates", "trigger:r1_gold")}


def building_task() -> TaskSpec:
    """Two layers: a 3x1 stone row at y, planks on the two ends above it, a lone plank
    beside (on the ground, no support needed)."""
    blueprint = [BlueprintBlock(name="stone", pos=(x, Y, 5)) for x in range(3)]
    blueprint += [BlueprintBlock(name="oak_planks", pos=(0, Y + 1, 5)),
                  BlueprintBlock(name="oak_planks", pos=(2, Y + 1, 5)),
                  BlueprintBlock(name="glass", pos=(9, Y, 9))]
    world = WorldSetup(containers=[ContainerSpec(pos=HUB, items={"stone": 3, "oak_planks": 2,
                                                                 "glass": 1})])
    return TaskSpec(id="construction/two_layer", family="construction", description="two layers",
                    world=world, goal=ConstructionGoal(blueprint=blueprint), budget_s=120)


BUILDING_EDGES = {("place:stone:y-60:0", "place:oak_planks:y-59:0")}


def planned(task: TaskSpec) -> tuple[Plan, Rulebook]:
    rules = task_rules(task, load_rulebook())
    return decompose(task, rules), rules
