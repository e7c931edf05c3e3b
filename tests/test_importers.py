"""Cooking and escape importers on known tasks (exact contents), malformed inputs, and every
public task through its importer with basic invariants."""

from __future__ import annotations

import copy
import json
import math
import random
from pathlib import Path

import pytest

from env.goals import ConstructionGoal, CookingGoal, EscapeGoal
from env.world import STAND_Y, BlockSpec, ContainerSpec, EntitySpec, Trigger
from tasks.catalog import load_task, task_ids
from tasks.importers import (
    TaskError,
    choose_atoms,
    default_escape_ids,
    import_construction,
    import_cooking,
    import_escape,
)
from tasks.importers.escape import BACK_Z, EXIT_Z, HALF_WIDTH, ROOM_PITCH, WALL_HEIGHT
from tasks.spec import TaskSpec
from tasks.villagerbench import construction_budget

DATA = Path(__file__).resolve().parents[1] / "tasks" / "data" / "villagerbench"


def _json(name: str) -> object:
    return json.loads((DATA / name).read_text())


SETTINGS = _json("farm_setting.json")
STRUCTURES = _json("farm_blue_print.json")
ATOMS = _json("escape_atom.json")


def _task(name: str) -> dict:
    return copy.deepcopy(next(t for t in SETTINGS if t["name"] == name))  # type: ignore[union-attr]


def _blocks(spec: TaskSpec) -> dict[tuple[int, int, int], BlockSpec]:
    return {b.pos: b for b in spec.world.blocks}


# -- cooking ---------------------------------------------------------------------------------

def test_cake_0_exact() -> None:
    spec = import_cooking(_task("cake_0"), STRUCTURES)
    assert spec.id == "cooking/cake_0" and spec.family == "cooking"
    assert spec.world.blocks == [
        BlockSpec(name="crafting_table", pos=(0, STAND_Y, 10)),
        BlockSpec(name="chest", pos=(-1, STAND_Y, 10), state={"facing": "north"})]
    assert spec.world.containers == [ContainerSpec(
        pos=(-1, -60, 10), facing="north",
        items={"egg": 1, "milk_bucket": 3, "wheat": 3, "sugar": 2})]
    assert spec.hub == (-1, -60, 10)
    goal = spec.goal
    assert isinstance(goal, CookingGoal)
    assert goal.target == "cake"
    assert [(c.item, c.count, c.score, c.sub) for c in goal.check_points] == [
        ("cake", 1, 100.0, ["egg", "milk_bucket", "wheat", "sugar"]),
        ("egg", 1, 10.0, []), ("milk_bucket", 3, 30.0, []), ("wheat", 3, 25.0, []),
        ("sugar", 2, 25.0, [])]
    assert goal.sources == {"milk": "milk_bucket in chest", "wheat": "wheat in chest",
                            "sugar": "sugar in chest"}
    assert spec.budget_s == 40 * 3  # VillagerBench: every source at index 0, + 3 for a cake
    assert spec.world.spawn[:5] == [(0, -60, 0), (-1, -60, 0), (0, -60, -1), (0, -60, 1),
                                    (1, -60, 0)]
    assert len(spec.world.spawn) == 8


def test_rabbit_stew_with_structures_exact() -> None:
    spec = import_cooking(_task("rabbit_stew_34"), STRUCTURES)
    blocks = _blocks(spec)
    # house at (5, 0, 6): its furnace (1, 1, -1) and crafting table (-1, 1, -1)
    assert blocks[(6, -59, 5)] == BlockSpec(name="furnace", pos=(6, -59, 5),
                                            state={"facing": "south"})
    assert blocks[(4, -59, 5)] == BlockSpec(name="crafting_table", pos=(4, -59, 5))
    # rabbit pasture at (-6, 0, 7): its gate (2, 0, 0), "false" read as a boolean
    assert blocks[(-4, -60, 7)] == BlockSpec(name="acacia_fence_gate", pos=(-4, -60, 7),
                                             state={"facing": "east", "open": False})
    # material factory at (5, 0, 18): coal ore (2, 1, -2), chest (-1, 0, 2)
    assert blocks[(7, -59, 16)].name == "coal_ore"
    assert blocks[(4, -60, 20)] == BlockSpec(name="chest", pos=(4, -60, 20),
                                             state={"facing": "north"})
    assert spec.world.containers == [
        ContainerSpec(pos=(-1, -60, 12), facing="north",
                      items={"iron_sword": 1, "potato": 1, "carrot": 1, "brown_mushroom": 1,
                             "coal": 4}),
        ContainerSpec(pos=(4, -60, 20), facing="north",
                      items={"iron_pickaxe": 1, "iron_axe": 1})]
    assert spec.hub == (-1, -60, 12)
    assert spec.world.entities == [
        EntitySpec(type="rabbit", pos=(x - 6, -60.0, z + 7))
        for x, z in [(1.5, 1.5), (1.5, -0.5), (1.5, 0.5), (2, 1.5), (2, -0.5), (2, 0.5),
                     (2.5, 1.5), (2.5, -0.5), (2.5, 0.5)]]
    goal = spec.goal
    assert isinstance(goal, CookingGoal)
    assert goal.sources["bowl"] == "acacia_log in pasture"
    assert len(goal.check_points) == 11
    assert spec.budget_s == 40 * (1 + 1 + 6)  # rabbit in pasture, acacia_log in pasture, + 6
    assert all(p not in blocks for p in spec.world.spawn)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.pop("check_point"), "task 'cake_0': missing field 'check_point'"),
    (lambda t: t["component"][0].update(position=[1, 2]),
     "component[0], position: position must be [x, y, z], got [1, 2]"),
    (lambda t: t["component"][0].update(position=[1, "a", 2]),
     "component[0], position: position must be three integers"),
    (lambda t: t["component"][1]["items"].append({"name": "unobtainium", "count": 1}),
     "component[1], items[4]: unknown item 'unobtainium'"),
    (lambda t: t["component"][1]["items"][0].update(count=0),
     "component[1], items[0]: count must be a positive integer, got 0"),
    (lambda t: t["component"].append({"name": "castle", "type": "structure",
                                      "position": [0, 0, 0]}),
     "component[2]: unknown structure 'castle'"),
    (lambda t: t["component"][0].update(name="crafting_bench"),
     "component[0], name: unknown block 'crafting_bench'"),
    (lambda t: t["component"][0].update(type="prefab"),
     "component[0], type: expected 'block' or 'structure', got 'prefab'"),
    (lambda t: t.update(milk=3), "field 'milk': expected an '<item> in <place>' hint"),
    (lambda t: t["check_point"][0].pop("score"), "check_point[0]: missing field 'score'"),
])
def test_malformed_cooking_names_the_problem(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    task = _task("cake_0")
    edit(task)
    with pytest.raises(TaskError) as err:
        import_cooking(task, STRUCTURES, strict=True)
    assert message in str(err.value)
    assert str(err.value).startswith("farm_setting.json, task 'cake_0'")


def test_cooking_hints_that_cannot_be_read_are_passed_over() -> None:
    task = _task("cake_0")
    task["milk"] = "milk_bucket at chest"
    task["component"].append({"name": "cow_pasture", "type": "structure", "position": [-6, 0, 7],
                              "facing": "north"})
    spec = import_cooking(task, STRUCTURES)
    assert spec.import_warnings == [
        "field 'milk': expected an '<item> in <place>' hint, got 'milk_bucket at chest'; "
        "passed over",
        "component[2]: unexpected field(s) ['facing'] on a structure; passed over"]
    assert "milk" not in spec.goal.sources  # type: ignore[union-attr]


# -- construction ----------------------------------------------------------------------------

def test_construction_world_has_a_supply_chest() -> None:
    spec = import_construction("task_16", _json("blueprint_description_all.json")["task_16"])
    goal = spec.goal
    assert isinstance(goal, ConstructionGoal)
    # blueprint x in [-8, -8], z in [-3, 3]: the chest is four blocks east, at the middle z
    assert spec.hub == (-4, -60, 0)
    assert spec.world.containers == [ContainerSpec(
        pos=(-4, -60, 0), facing="east",
        items={"dark_oak_fence": 6, "hay_block": 2, "carved_pumpkin": 2})]
    assert spec.world.blocks == [BlockSpec(name="chest", pos=(-4, -60, 0),
                                           state={"facing": "east"})]
    # complexity 12.8 (tests/test_villagerbench.py works it out block by block)
    assert spec.budget_s == pytest.approx((math.log(12.8) + 1) * 60 + 180)
    assert all(s[0] > -8 and s != (-4, -60, 0) for s in spec.world.spawn)


def test_construction_unknown_material() -> None:
    with pytest.raises(TaskError, match=r"task 'task_z', line 1: unknown block 'glowstne'"):
        import_construction("task_z", ["material: glowstne facing: A position: [0, -60, 0]"],
                            strict=True)


def test_construction_skipped_lines_are_recorded_in_the_spec() -> None:
    lines = ["material: stone facing: A position: [0, -60, 0]",
             "material: glowstne facing: A position: [1, -60, 0]"]
    spec = import_construction("task_z", lines)
    assert spec.import_warnings == [
        "line 2: skipped: unknown block 'glowstne' in "
        "'material: glowstne facing: A position: [1, -60, 0]'"]
    assert [b.name for b in spec.goal.blueprint] == ["stone"]  # type: ignore[union-attr]
    with pytest.raises(TaskError, match=r"^blueprint_description_all.json, task 'task_z', "
                                        r"line 2: unknown block 'glowstne' in 'material: "):
        import_construction("task_z", lines, strict=True)


# -- escape ----------------------------------------------------------------------------------

def test_chain_choice_is_a_seeded_shuffle() -> None:
    order = list(range(18))
    random.Random(0).shuffle(order)
    assert choose_atoms(18, 4, 0) == order[:4] == [11, 9, 0, 16]
    assert choose_atoms(18, 2, 0) == [11, 9]
    spec_a = import_escape("3-1", ATOMS, 2)
    spec_b = import_escape("3-1", ATOMS, 2)
    assert spec_a == spec_b
    assert isinstance(spec_a.goal, EscapeGoal)
    assert [r.atom for r in spec_a.goal.rooms] == choose_atoms(18, 3, 1) == [10, 5, 16]
    assert [r.origin for r in spec_a.goal.rooms] == [(0, -60, 0), (0, -60, 11), (0, -60, 22)]


def test_default_escape_ids() -> None:
    pairs = [(r, s) for r in (1, 2, 3, 4) for s in range(4)]
    assert default_escape_ids() == [f"escape/vb-{r}-{s}" for r, s in pairs] + \
        [f"escape/{r}-{s}" for r, s in pairs]


def _one(atom: int, agents: int = 2, seed: int = 0) -> TaskSpec:
    return import_escape(f"1-{seed}", [copy.deepcopy(ATOMS[atom])], agents)  # type: ignore[index]


def test_atom_7_triggers_by_sub_event() -> None:
    spec = _one(7)
    plate = {"powered": True}
    assert spec.world.triggers == [
        Trigger(id="room0:0", room=0, window_s=1.0, conditions=[
            {"pos": (1, -60, 0), "block": "oak_pressure_plate", "state": plate}],
            effects=[{"kind": "set_block", "pos": (-1, -60, 4), "block": "iron_door",
                      "state": {"open": True, "facing": "north", "hinge": "right"}}]),
        Trigger(id="room0:final", room=0, window_s=1.0, conditions=[
            {"pos": (-1, -60, 0), "block": "oak_pressure_plate", "state": plate}],
            effects=[{"kind": "set_block", "pos": (1, -60, 4), "block": "iron_door",
                      "state": {"open": True, "facing": "north", "hinge": "left"}}])]
    assert spec.goal.rooms[0].triggers == ["room0:0", "room0:final"]  # type: ignore[union-attr]
    blocks = _blocks(spec)
    # no effect clears the exit cells: they stay wall; the doors are the way on
    assert blocks[(0, -60, 4)].name == blocks[(0, -59, 4)].name == "stone_bricks"
    assert blocks[(-1, -60, 4)].name == "iron_door"
    assert (-1, -59, 4) not in blocks  # the door's upper half


def test_atom_8_triggers_teleports_and_min_players() -> None:
    spec = _one(8)
    by_id = {t.id: t for t in spec.world.triggers}
    assert list(by_id) == ["room0:come_in", "room0:activate", "room0:final"]
    come_in = by_id["room0:come_in"]
    assert [(c.pos, c.block) for c in come_in.conditions] == [
        ((0, -60, -4), "oak_pressure_plate")]
    assert [(e.kind, e.pos, e.to, e.radius) for e in come_in.effects] == [
        ("teleport", (0, -60, -4), (0, -54, -1), 2.0)]
    assert [(c.pos, c.block) for c in by_id["room0:activate"].conditions] == [
        ((0, -56, -1), "stone_button")]
    assert [(e.kind, e.pos, e.block) for e in by_id["room0:activate"].effects] == [
        ("set_block", (0, -60, 4), "air")]
    assert [(e.kind, e.pos, e.block, e.to, e.radius) for e in by_id["room0:final"].effects] == [
        ("set_block", (0, -59, 4), "air", None, 2.0),
        ("teleport", (0, -59, 3), None, (0, -59, 3), 7.0)]
    # the room needs two players; each single-condition trigger fires for one
    assert [(t.min_players, t.window_s) for t in spec.world.triggers] == [(1, 1.0)] * 3
    assert spec.min_agents == 2
    assert spec.goal.rooms[0].min_players == 2  # type: ignore[union-attr]
    blocks = _blocks(spec)
    assert blocks[(0, -59, 4)].name == "bedrock"  # init fills the upper exit cell
    assert blocks[(0, -60, 4)].name == "stone_bricks"


@pytest.mark.parametrize("agents", [1, 3])
def test_spec_records_the_players_it_was_built_for(agents: int) -> None:
    assert _one(0, agents).agents == agents


def test_two_condition_trigger_keeps_min_player_two() -> None:
    spec = _one(9)  # a plate and a button at once, min_player 2
    assert [(t.id, len(t.conditions), t.min_players) for t in spec.world.triggers] == [
        ("room0:main", 2, 2)]
    assert spec.min_agents == 2


@pytest.mark.parametrize("agents", [1, 2, 3, 4])
def test_random_blocks_are_copied_per_agent(agents: int) -> None:
    spec = _one(16, agents, seed=5)
    plates = [b for b in spec.world.blocks if b.name == "oak_pressure_plate"]
    assert len(plates) == agents
    assert len({b.pos for b in plates}) == agents
    assert all(-5 <= b.pos[0] <= 5 and -4 <= b.pos[2] <= 2 and b.pos[1] == STAND_Y
               for b in plates)
    (trigger,) = spec.world.triggers
    assert trigger.mode == "and" and trigger.window_s == 4.0
    assert sorted(c.pos for c in trigger.conditions) == sorted(b.pos for b in plates)
    assert spec == _one(16, agents, seed=5)
    assert spec.budget_s == 60 + 30 * (agents * 1 / 4)  # one plate per player, wait 4 s


def test_locked_chest_and_copied_give_effects() -> None:
    spec = _one(0, agents=3)
    assert spec.world.containers == [ContainerSpec(pos=(0, -60, 0), facing="north",
                                                   items={"gold_block": 1},
                                                   lock="tripwire_hook")]
    assert spec.world.entities == [EntitySpec(type="sheep", pos=(0.5, -60.0, 0.5))]
    (trigger,) = spec.world.triggers
    levers = [c.pos for c in trigger.conditions]
    assert len(levers) == 3
    gives = [(e.pos, e.item, e.radius) for e in trigger.effects if e.kind == "give"]
    assert gives == [(p, "tripwire_hook", 2.0) for p in levers]
    assert [(e.pos, e.block) for e in trigger.effects if e.kind == "set_block"] == [
        ((0, -60, 4), "air"), ((0, -59, 4), "air")]
    assert all(_blocks(spec)[p].state == {"face": "floor"} for p in levers)


def test_setblock_commands() -> None:
    atom = copy.deepcopy(ATOMS[17])  # type: ignore[index]
    atom["effect"].append({"name": "stone", "position": [0, 0, 0],
                           "command": "/setblock 1 2 -3 minecraft:glass"})
    spec = import_escape("1-0", [atom], 2)
    (trigger,) = spec.world.triggers
    assert [(e.pos, e.block, e.state) for e in trigger.effects] == [
        ((0, -60, 3), "iron_trapdoor", {"facing": "north", "open": False}),
        ((0, -58, 3), "air", {}), ((1, -59, 2), "air", {}),
        ((0, -60, 4), "air", {}), ((0, -59, 4), "air", {}),
        ((1, -58, -3), "glass", {})]


def _seed_for(order: list[int], n: int) -> int:
    return next(s for s in range(1000) if choose_atoms(n, len(order), s) == order)


def test_in_items_come_from_an_earlier_room_or_a_chest() -> None:
    alone = _one(2)
    assert alone.world.containers == [ContainerSpec(pos=(-5, -60, -4), items={"gold_block": 1})]
    assert _blocks(alone)[(-5, -60, -4)].name == "chest"
    atoms = [ATOMS[0], ATOMS[2]]  # type: ignore[index]
    after_gold = import_escape(f"2-{_seed_for([0, 1], 2)}", atoms, 2)
    assert [c.items for c in after_gold.world.containers] == [{"gold_block": 1}]
    before_gold = import_escape(f"2-{_seed_for([1, 0], 2)}", atoms, 2)
    assert [c.items for c in before_gold.world.containers] == [{"gold_block": 1},
                                                               {"gold_block": 1}]


def test_merge_teleport_goes_to_the_next_room_entry() -> None:
    atoms = [ATOMS[3], ATOMS[4]]  # type: ignore[index]
    spec = import_escape(f"2-{_seed_for([0, 1], 2)}", atoms, 2)
    merge, split = (t.effects[0] for t in spec.world.triggers)
    assert (merge.kind, merge.pos, merge.to, merge.radius) == ("teleport", (0, -60, 1),
                                                               (0, -60, 5), 2.0)
    # split, in the last room: past its exit wall (two blocks east of the merge cell)
    assert (split.pos, split.to) == ((0, -60, 12), (2, -60, 17))
    assert spec.world.triggers[0].window_s == 2.0  # activate_duration


@pytest.mark.parametrize(("edit", "message"), [
    (lambda a: a["condition"][0].pop("position"), "atom 0, condition[0]: missing field 'position'"),
    (lambda a: a["effect"][1].update(command="/summon creeper"),
     "atom 0, effect[1]: unsupported effect command '/summon creeper'"),
    (lambda a: a["effect"][0].update(command="/give @a[distance=..2] minecraft:stick"),
     "atom 0, init[0], lock_key (no /give of an item named so): unknown item 'key'"),
    (lambda a: a["init"][2].update(name="levr"), "atom 0, init[2], name: unknown block 'levr'"),
    (lambda a: a["init"][0].update(position=[0, 0]), "atom 0, init[0], position: position must"),
    (lambda a: a.pop("effect"), "atom 0: missing field 'effect'"),
    (lambda a: a.update(type="xor"), "atom 0, type: expected 'and' or 'or', got 'xor'"),
    (lambda a: a["effect"][1].update(sub_event="later"),
     "atom 0, effect[1]: sub_event 'later' has effects but no condition"),
])
def test_malformed_atoms_name_the_problem(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    atom = copy.deepcopy(ATOMS[0])  # type: ignore[index]
    edit(atom)
    with pytest.raises(TaskError) as err:
        import_escape("1-0", [atom], 2, file="atoms.json")
    assert str(err.value).startswith("atoms.json, ")
    assert message in str(err.value)


@pytest.mark.parametrize(("name", "agents", "message"), [
    ("5-0", 2, "rooms must be 1 to 4, got 5"),
    ("0-0", 2, "rooms must be 1 to 4, got 0"),
    ("two-0", 2, "expected escape/<rooms>-<seed>"),
    ("2-1", 0, "agents must be 1 to 8, got 0"),
])
def test_bad_escape_ids(name: str, agents: int, message: str) -> None:
    with pytest.raises(TaskError, match=message):
        import_escape(name, ATOMS, agents)


# -- every public task -----------------------------------------------------------------------

def _check_common(spec: TaskSpec) -> None:
    blocks = _blocks(spec)
    assert len(blocks) == len(spec.world.blocks)  # one block per position
    lo, hi = spec.world.bounds
    for p in [*blocks, *spec.world.spawn]:
        assert all(lo[i] <= p[i] <= hi[i] for i in range(3)), p
    for c in spec.world.containers:
        assert blocks[c.pos].name == c.kind
    assert spec.world.spawn
    for s in spec.world.spawn:
        assert s not in blocks and (s[0], s[1] + 1, s[2]) not in blocks
    if spec.hub is not None:
        assert spec.hub in {c.pos for c in spec.world.containers}


@pytest.mark.parametrize("task_id", [t for t in task_ids() if t.startswith("cooking/")])
def test_every_cooking_task(task_id: str) -> None:
    spec = load_task(task_id)
    _check_common(spec)
    goal = spec.goal
    assert isinstance(goal, CookingGoal)
    assert goal.check_points[0].item == goal.target and goal.check_points[0].score == 100
    assert spec.hub is not None and spec.budget_s > 60


@pytest.mark.parametrize("task_id", [t for t in task_ids() if t.startswith("construction/")])
def test_every_construction_task(task_id: str) -> None:
    spec = load_task(task_id)
    _check_common(spec)
    goal = spec.goal
    assert isinstance(goal, ConstructionGoal) and goal.blueprint
    (chest,) = spec.world.containers
    assert sum(chest.items.values()) == len(goal.blueprint)
    assert not {b.pos for b in goal.blueprint} & {b.pos for b in spec.world.blocks}
    assert spec.budget_s == construction_budget(goal.blueprint)


@pytest.mark.parametrize("agents", [2, 3, 4])
@pytest.mark.parametrize("task_id", [t for t in default_escape_ids() if "/vb-" not in t])
def test_every_escape_chain(task_id: str, agents: int) -> None:
    spec = load_task(task_id, agents=agents)
    _check_common(spec)
    goal = spec.goal
    assert isinstance(goal, EscapeGoal)
    rooms, _ = (int(v) for v in task_id.removeprefix("escape/").split("-"))
    assert [r.index for r in goal.rooms] == list(range(rooms))
    blocks = _blocks(spec)
    trigger_ids = [t.id for t in spec.world.triggers]
    assert len(set(trigger_ids)) == len(trigger_ids)
    assert [i for r in goal.rooms for i in r.triggers] == trigger_ids
    for t in spec.world.triggers:
        assert t.conditions
        for c in t.conditions:
            assert c.pos in blocks, (t.id, c.pos)
    for r in goal.rooms:
        ox, oy, oz = r.origin
        assert r.origin == (0, STAND_Y, ROOM_PITCH * r.index)
        doors = {(p[0], p[1] + 1, p[2]) for p, b in blocks.items() if b.name.endswith("_door")}
        # the room is closed: every wall cell holds a block (or a door's upper half)
        for y in range(WALL_HEIGHT):
            for z in range(BACK_Z, EXIT_Z + 1):
                for x in (-HALF_WIDTH, HALF_WIDTH):
                    assert (ox + x, oy + y, oz + z) in blocks
            for x in range(-HALF_WIDTH, HALF_WIDTH + 1):
                for z in (BACK_Z, EXIT_Z):
                    cell = (ox + x, oy + y, oz + z)
                    assert cell in blocks or cell in doors, cell
    # agents start in room 0, behind its exit wall
    assert all(s[2] < EXIT_Z for s in spec.world.spawn)
    atoms = _json("escape_atom.json")
    assert spec.budget_s == pytest.approx(60 + 30 * sum(
        agents * len(atoms[r.atom]["condition"]) / atoms[r.atom].get("wait_interval", 4)
        for r in goal.rooms))


def test_states_fit_minecraft_1_19_2() -> None:
    from tasks.importers.common import fit_state

    assert fit_state("torch", {"facing": "north"}) == ("wall_torch", {"facing": "north"})
    assert fit_state("torch", {}) == ("torch", {})
    assert fit_state("wheat", {"age": 7, "moisture": 7}) == ("wheat", {"age": 7})
    assert fit_state("oak_log", {"axis": "q"}) == ("oak_log", {})
    spec = load_task("cooking/rabbit_stew_0")
    torches = sorted(b.name for b in spec.world.blocks if "torch" in b.name)
    assert torches and set(torches) <= {"wall_torch", "torch"}


def test_a_component_set_over_another_is_said_and_the_last_stays() -> None:
    # VillagerAgent sets components one after another: a chest moved onto the crafting
    # table's cell replaces it (the game keeps the last block set). The import says so, and
    # --strict refuses it; the world holds the chest only.
    task = _task("cake_0")
    task["component"][1]["position"] = [0, 0, 10]
    spec = import_cooking(task, STRUCTURES)
    assert spec.import_warnings == [
        f"component[1]: its chest at (0, {STAND_Y}, 10) replaces the crafting_table of "
        "component[0] (the last block set stays); passed over"]
    assert [b.name for b in spec.world.blocks if b.pos == (0, STAND_Y, 10)] == ["chest"]
    with pytest.raises(TaskError, match=r"component\[1\]: its chest at .* replaces the "
                                        r"crafting_table of component\[0\]"):
        import_cooking(task, STRUCTURES, strict=True)
