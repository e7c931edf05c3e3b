"""Decomposition: exact subtasks for hand-built cooking, construction and escape tasks."""

from __future__ import annotations

import pytest
from test_planner_fixtures import HUB, Y, building_task, cake_task, escape_task, planned

from env.goals import BlueprintBlock, CheckPoint, ConstructionGoal, CookingGoal
from env.rulebook import load_rulebook
from env.world import ContainerSpec, WorldSetup
from planner.decompose import (
    DecompositionError,
    carriers,
    decompose,
    effect_rules,
    hub_of,
    order_rules,
    place_groups,
    task_rules,
)
from tasks.spec import TaskSpec


def test_cake_subtasks_counts_multiply_through() -> None:
    plan, _ = planned(cake_task())
    by = plan.by_id()
    assert [s.id for s in plan.subtasks] == [
        "craft:cake", "harvest:wheat", "fetch:egg", "craft:sugar", "harvest:sugar_cane",
        "milk:milk_bucket", "craft:bucket", "smelt:iron_ingot"]
    assert plan.hub == HUB
    cake = by["craft:cake"]
    assert (cake.keep, cake.station, cake.rules) == (True, (2, Y, 2), ["craft:cake#0"])
    assert cake.inputs == {"milk_bucket": 3, "sugar": 2, "egg": 1, "wheat": 3}
    # 3 milk buckets <- 3 buckets <- 9 iron ingots <- 9 raw iron + 2 coal (8 per coal)
    assert (by["milk:milk_bucket"].count, by["milk:milk_bucket"].inputs) == (3, {"bucket": 3})
    assert by["milk:milk_bucket"].sites == [(0, Y, 12)]
    assert (by["craft:bucket"].count, by["craft:bucket"].inputs) == (3, {"iron_ingot": 9})
    smelt = by["smelt:iron_ingot"]
    assert (smelt.count, smelt.inputs, smelt.station) == (9, {"raw_iron": 9, "coal": 2},
                                                          (3, Y, 2))
    assert smelt.rules == ["smelt:raw_iron", "fuel:coal", "container:0,-60,0:raw_iron",
                           "container:0,-60,0:coal"]
    assert smelt.seconds == pytest.approx(90 + 2 * (3**2 + 2**2) ** 0.5 / 4.317, abs=1e-3)
    assert (by["fetch:egg"].station, by["fetch:egg"].rules) == ((6, Y, 0),
                                                                ["container:6,-60,0:egg"])
    assert (by["harvest:wheat"].count, by["harvest:wheat"].rules) == (
        3, ["mine:wheat", "source:block:wheat"])
    assert by["craft:sugar"].inputs == {"sugar_cane": 2}
    assert [s.id for s in plan.subtasks if s.keep] == ["craft:cake"]


def test_stew_crafts_a_furnace_when_the_world_has_none() -> None:
    from test_planner_fixtures import stew_task

    plan, _ = planned(stew_task())
    by = plan.by_id()
    assert sorted(by) == sorted([
        "craft:rabbit_stew", "harvest:brown_mushroom", "harvest:carrot", "craft:bowl",
        "smelt:cooked_rabbit", "kill:rabbit", "smelt:baked_potato", "craft:furnace",
        "harvest:potato"])
    assert by["smelt:cooked_rabbit"].tool == "furnace"
    assert by["smelt:cooked_rabbit"].station is None
    assert by["craft:furnace"].inputs == {"cobblestone": 8}
    assert by["craft:bowl"].count == 4  # one recipe makes 4
    assert by["kill:rabbit"].tool is None  # no sword in the hub
    assert by["harvest:carrot"].source == "carrots"


def test_kill_takes_a_sword_from_the_hub() -> None:
    from test_planner_fixtures import stew_task

    task = stew_task()
    hub = task.world.containers[0].model_copy(
        update={"items": {**task.world.containers[0].items, "iron_sword": 1}})
    task = task.model_copy(update={"world": task.world.model_copy(update={"containers": [hub]})})
    plan, _ = planned(task)
    assert plan.by_id()["kill:rabbit"].tool == "iron_sword"


def test_escape_roles_agents_and_effect_rules() -> None:
    task = escape_task()
    plan, _ = planned(task)
    by = plan.by_id()
    assert list(by) == ["trigger:r0_lever", "trigger:r0_plates", "trigger:r1_gold"]
    assert [s.agents for s in plan.subtasks] == [1, 2, 2]  # one player per condition
    assert by["trigger:r0_plates"].actions == [
        {"name": "step_on", "pos": [2, Y, 2], "hold_s": 2.0},
        {"name": "step_on", "pos": [4, Y, 2], "hold_s": 2.0}]
    assert by["trigger:r1_gold"].actions == [
        {"steps": [{"name": "place", "item": "gold_block", "pos": [1, Y, 12]}]},
        {"name": "activate", "pos": [3, Y, 12]}]
    assert by["trigger:r0_lever"].rules == ["trigger:r0_lever", "exit:r0_lever"]
    assert [(r.id, r.output, r.inputs) for r in effect_rules(task)] == [
        ("exit:r0_lever", "room:1", {"r0_lever": 1}),
        ("give:r0_plates:gold_block", "gold_block", {"r0_plates": 1})]
    assert [s.room for s in plan.subtasks] == [0, 0, 1]


def test_building_groups_by_layer_and_material() -> None:
    plan, _ = planned(building_task())
    assert [(s.id, s.count, s.inputs) for s in plan.subtasks] == [
        ("place:glass:y-60:0", 1, {"glass": 1}),
        ("place:stone:y-60:0", 3, {"stone": 3}),
        ("place:oak_planks:y-59:0", 2, {"oak_planks": 2})]
    assert plan.by_id()["place:stone:y-60:0"].rules == ["container:0,-60,0:stone"]


def test_place_groups_hold_at_most_eight_nearby_blocks() -> None:
    blocks = [BlueprintBlock(name="stone", pos=(x, Y, z)) for x in range(4) for z in range(5)]
    groups = place_groups(blocks)
    assert [len(g) for g in groups] == [8, 8, 4]
    assert [b.pos for b in groups[0]][:6] == [(0, Y, 0), (0, Y, 1), (0, Y, 2), (0, Y, 3),
                                              (0, Y, 4), (1, Y, 0)]


def test_missing_ingredient_is_a_clear_error() -> None:
    task = TaskSpec(id="cooking/nothing", family="cooking", description="",
                    world=WorldSetup(containers=[ContainerSpec(pos=HUB, items={})]),
                    goal=CookingGoal(target="cake",
                                     check_points=[CheckPoint(item="cake", score=100)]),
                    budget_s=10)
    with pytest.raises(DecompositionError, match="no way to obtain 'cake'"):
        decompose(task, load_rulebook())


def test_materials_missing_from_the_hub_are_fetched() -> None:
    world = WorldSetup(containers=[ContainerSpec(pos=HUB, items={}),
                                  ContainerSpec(pos=(5, Y, 5), items={"stone": 4})])
    task = TaskSpec(id="construction/fetch", family="construction", description="",
                    world=world, budget_s=10, goal=ConstructionGoal(
                        blueprint=[BlueprintBlock(name="stone", pos=(1, Y, 1))]))
    plan = decompose(task, load_rulebook())
    assert [(s.id, s.rules) for s in plan.subtasks] == [
        ("place:stone:y-60:0", ["container:5,-60,5:stone"]),
        ("fetch:stone", ["container:5,-60,5:stone"])]


def test_hub_is_the_first_container_without_a_spec_hub() -> None:
    assert hub_of(cake_task()) == HUB
    rules = task_rules(cake_task(), load_rulebook())
    assert "container:6,-60,0:egg" in rules
    assert task_rules(cake_task(), rules) is rules


def test_a_world_without_a_crafting_table_gets_one_made() -> None:
    task = cake_task()
    world = task.world.model_copy(update={
        "blocks": [b for b in task.world.blocks if b.name != "crafting_table"],
        "containers": [task.world.containers[0].model_copy(update={"items": {
            "raw_iron": 9, "coal": 4, "oak_planks": 4}}), task.world.containers[1]]})
    plan, rules = planned(task.model_copy(update={"world": world}))
    by = plan.by_id()
    assert by["craft:crafting_table"].inputs == {"oak_planks": 4}
    assert (by["craft:cake"].station, by["craft:cake"].tool) == (None, "crafting_table")
    from planner.graph import rule_graph

    edges = set(rule_graph(plan, rules).edges)
    assert {("craft:crafting_table", "craft:cake"),
            ("craft:crafting_table", "craft:bucket")} <= edges


def test_escape_key_opens_a_locked_chest_for_the_next_room() -> None:
    from env.goals import EscapeGoal, Room
    from env.world import Condition, Effect, Trigger
    from planner.graph import rule_graph

    world = WorldSetup(
        containers=[ContainerSpec(pos=(0, Y, 3), items={"gold_block": 1},
                                  lock="tripwire_hook")],
        triggers=[Trigger(id="lever", room=0,
                          conditions=[Condition(pos=(0, Y, 1), block="lever")],
                          effects=[Effect(kind="give", pos=(0, Y, 1), item="tripwire_hook"),
                                   Effect(kind="set_block", pos=(0, Y, 4), block="air")]),
                  Trigger(id="gold", room=1,
                          conditions=[Condition(pos=(0, Y, 9), block="gold_block")])])
    task = TaskSpec(id="escape/key", family="escape", description="", world=world,
                    budget_s=60, goal=EscapeGoal(rooms=[
                        Room(index=0, atom=0, origin=(0, Y, 0), triggers=["lever"]),
                        Room(index=1, atom=1, origin=(0, Y, 8), triggers=["gold"])]))
    assert hub_of(task) is None
    plan, rules = planned(task)
    fetch = plan.by_id()["fetch:gold_block"]
    assert (fetch.station, fetch.tool, fetch.keep) == ((0, Y, 3), "tripwire_hook", False)
    assert set(rule_graph(plan, rules).edges) == {
        ("trigger:lever", "fetch:gold_block"), ("fetch:gold_block", "trigger:gold"),
        ("trigger:lever", "trigger:gold")}


def test_repeated_give_effects_add_up_in_one_rule() -> None:
    from env.world import Condition, Effect, Trigger

    task = escape_task()
    twice = Trigger(id="t", room=0, conditions=[Condition(pos=(0, Y, 2), block="lever")],
                    effects=[Effect(kind="give", pos=(0, Y, 2), item="key"),
                             Effect(kind="give", pos=(0, Y, 2), item="key", count=2)])
    task = task.model_copy(update={"world": task.world.model_copy(update={"triggers": [twice]})})
    assert [(r.id, r.count) for r in effect_rules(task)] == [("give:t:key", 3)]


def test_every_public_task_decomposes_into_a_dag() -> None:
    import networkx as nx

    from planner.graph import rule_graph
    from tasks.catalog import load_task, task_ids

    families: dict[str, int] = {}
    for tid in task_ids(None):
        task = load_task(tid)
        plan, rules = planned(task)
        assert nx.is_directed_acyclic_graph(rule_graph(plan, rules)), tid
        if task.family == "cooking":
            assert [s.target for s in plan.subtasks if s.keep] == [task.goal.target], tid
        if task.family == "escape":
            # one subtask per trigger, but a carrying trigger is a step of what it carries to
            folded = {c.id for c in carriers(task, rules).values()}
            wanted = sorted(f"trigger:{t}" for r in task.goal.rooms for t in r.triggers
                            if t not in folded)
            assert sorted(s.id for s in plan.subtasks if s.kind == "trigger") == wanted, tid
            assert folded <= {r.removeprefix("trigger:") for s in plan.subtasks
                              for r in s.rules}, tid
        families[task.family] = families.get(task.family, 0) + 1
    assert families == {"cooking": 50, "construction": 50, "escape": 32}


def test_atom_8_plate_carries_its_player_to_the_button() -> None:
    from tasks.catalog import load_task

    task = load_task("escape/1-3", agents=2)  # atom 8 alone
    rules = load_rulebook()
    assert {k: t.id for k, t in carriers(task, rules).items()} == {
        ("room0:activate", 0): "room0:come_in"}
    plan = decompose(task, rules)
    by = plan.by_id()
    assert list(by) == ["trigger:room0:activate", "trigger:room0:final"]
    activate = by["trigger:room0:activate"]
    assert activate.actions == [{
        "via": [{"name": "step_on", "pos": [0, -60, -4], "hold_s": 2.0}],
        "steps": [{"name": "activate", "pos": [0, -56, -1]}]}]
    assert (activate.agents, activate.sites) == (1, [(0, -56, -1)])
    assert activate.rules == ["trigger:room0:activate", "trigger:room0:come_in"]
    assert by["trigger:room0:final"].actions == [{"name": "activate", "pos": [0, -59, 3]}]
    assert by["trigger:room0:final"].agents == 1
    # the lever pulls everyone within 7 blocks to the exit, the player on the ledge too
    assert [(r.id, r.output, r.inputs) for r in order_rules(task, rules)] == [
        ("after:room0:final:room0:activate", "room0:final", {"fired:room0:activate": 1})]
    assert by["trigger:room0:final"].rules == [
        "trigger:room0:final", "after:room0:final:room0:activate"]


def test_no_carrier_when_the_condition_can_be_walked_to() -> None:
    from tasks.catalog import load_task

    task = load_task("escape/1-3", agents=2)
    triggers = []
    for t in task.world.triggers:
        if t.id == "room0:come_in":  # now lands on the floor, next to a floor button
            t = t.model_copy(update={"effects": [t.effects[0].model_copy(
                update={"to": (3, -55, -2)})]})
        if t.id == "room0:activate":
            t = t.model_copy(update={"conditions": [t.conditions[0].model_copy(
                update={"pos": (3, -60, -1)})]})
        triggers.append(t)
    world = task.world.model_copy(update={"triggers": triggers})
    walkable = task.model_copy(update={"world": world})
    assert carriers(walkable, load_rulebook()) == {}
    assert order_rules(walkable, load_rulebook()) == []



def test_a_teleport_past_a_closed_exit_gathers_every_player() -> None:
    from tasks.catalog import load_task

    task = load_task("escape/2-3", agents=3)  # room 1 is atom 3: a lever teleports the
    plan = decompose(task, load_rulebook())   # players within 2 into the next room
    lever = plan.by_id()["trigger:room1:main"]
    # everyone, the lever's player too, within 2 - 0.75 (`CELL_SLACK`) of the teleport
    stand = {"at": [0, -60, 12], "within": 1.25, "steps": [{"name": "wait", "seconds": 1.0}]}
    assert (lever.agents, lever.actions) == (
        3, [{"at": [0, -60, 12], "within": 1.25,
             "steps": [{"name": "activate", "pos": [0, -60, 12]}]}, stand, stand])
    # atom 8's final lever teleports to itself, which a walk reaches: no gathering
    assert plan.by_id()["trigger:room0:final"].agents == 1


def test_a_doors_upper_half_is_placed_by_its_lower_half() -> None:
    from planner.decompose import place_inputs, upper_halves

    door = [BlueprintBlock(name="spruce_door", pos=(0, Y + k, 0), facing="east")
            for k in range(4)]  # two doors stacked
    snow = BlueprintBlock(name="snow_block", pos=(0, Y + 4, 0))
    assert upper_halves([*door, snow]) == {(0, Y + 1, 0), (0, Y + 3, 0)}
    groups = place_groups([*door, snow])
    assert [[b.pos[1] - Y for b in g] for g in groups] == [[0, 1], [2, 3], [4]]
    assert place_inputs(groups[0], load_rulebook()) == {"spruce_door": 1}
