"""VillagerBench's own numbers on small hand-made states, worked out by hand from VillagerAgent's
judges (github.com/cnsdqd-dyb/VillagerAgent: env/build_judger.py, env/farm_craft_judger.py,
env/escape_room_judger.py, env/minecraft_define.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from env.goals import BlueprintBlock, CheckPoint, ConstructionGoal, CookingGoal, EscapeGoal, Room
from env.scoring import score_construction, score_cooking
from env.world import BlockState, Condition, EntityState, Trigger
from tasks.catalog import glob_tasks, load_task
from tasks.villagerbench import (
    VillagerBenchJudge,
    construction_complexity,
    cooking_complexity,
    make_judge,
    stamped_action_time,
)


@dataclass
class View:
    blocks: dict = field(default_factory=dict)
    inv: dict = field(default_factory=dict)

    def block(self, pos):  # type: ignore[no-untyped-def]
        return self.blocks.get(tuple(pos), BlockState(name="air"))

    def inventory(self, agent):  # type: ignore[no-untyped-def]
        return self.inv.get(agent, {})

    def container(self, pos):  # type: ignore[no-untyped-def]
        return None

    def agent_pos(self, agent):  # type: ignore[no-untyped-def]
        return (0.0, -60.0, 0.0)

    def agents(self):  # type: ignore[no-untyped-def]
        return sorted(self.inv)

    def entities(self) -> list[EntityState]:
        return []


# -- budgets of public tasks ----------------------------------------------------------------
# cooking: 40 x (the index of each source in farm_craft_judger's lists + 3 cake / 6 stew)
# cake_0: milk_bucket in chest 0, wheat in chest 0, sugar in chest 0 -> 3
# cake_14: bucket in chest 1, wheat in chest 0, sugar_cane in farm 2 -> 6
# cake_28: iron_ingot in chest 2, hay_block in chest 1, sugar_cane in chest 1 -> 7
# rabbit_stew_6: brown_mushroom in farm 1, acacia_log in pasture 1, the rest 0 -> 8
# rabbit_stew_34: rabbit in pasture 1, acacia_log in pasture 1, the rest 0 -> 8
# construction: (ln c + 1) x 60 + 180
# task_0: a column cut_sandstone / terracotta / torch, no facing, ground -61:
#   2(1/2 + .02) + 2(1/3 + .04) + 2(1/2 + .06) = 2.906667
# task_16 (all at x = -8): fences at (-60, z -2), (-60, 2): one neighbour (the hay above),
#   height 1 -> 2(1/2 + .02) = 1.04 each; fences at (-59, z -3, -1, 1, 3): one neighbour
#   (the hay beside), height 2 -> 1.08 each; hay (axis y keeps only x neighbours: none) at
#   height 2 -> 2(1 + .04) = 2.08 each; carved pumpkins facing W (drops the -x side) on the
#   hay, height 3 -> 2(1/2 + .06) = 1.12 each. c = 2.08 + 4.32 + 4.16 + 2.24 = 12.8
PUBLIC_BUDGETS = {
    "cooking/cake_0": 120.0,
    "cooking/cake_14": 240.0,
    "cooking/cake_28": 280.0,
    "cooking/rabbit_stew_6": 320.0,
    "cooking/rabbit_stew_34": 320.0,
    "construction/task_0": (math.log(2.906667) + 1) * 60 + 180,  # 304.02
    "construction/task_16": (math.log(12.8) + 1) * 60 + 180,  # 392.97
}


@pytest.mark.parametrize("task_id", sorted(PUBLIC_BUDGETS))
def test_public_budgets_follow_villagerbench_formulas(task_id: str) -> None:
    assert load_task(task_id).budget_s == pytest.approx(PUBLIC_BUDGETS[task_id], abs=1e-3)


def test_cake_0_and_task_0_budgets_as_quoted() -> None:
    assert load_task("cooking/cake_0").budget_s == 120.0
    assert round(load_task("construction/task_0").budget_s) == 304


def test_task_16_complexity() -> None:
    goal = load_task("construction/task_16").goal
    assert isinstance(goal, ConstructionGoal)
    assert construction_complexity(goal.blueprint) == pytest.approx(12.8)


def test_cooking_complexity_reads_the_name_and_ignores_unknown_sources() -> None:
    assert cooking_complexity("rabbit_stew_9", {"coal": "coal in mine"}) == 6 + 1
    assert cooking_complexity("cake_1", {"milk": "milk from a cow"}) == 3
    assert cooking_complexity("bread_0", {"wheat": "wheat in farm"}) == 0


def test_every_public_cooking_score_stops_at_the_dish() -> None:
    for task_id in glob_tasks("cooking/*"):
        goal = load_task(task_id).goal
        assert isinstance(goal, CookingGoal)
        judge = VillagerBenchJudge("cooking", goal, 100.0, 3)
        judge.earned = {cp.item for cp in goal.check_points}
        dish = next(cp.score for cp in goal.check_points if cp.item == goal.target)
        assert judge.score() == dish, task_id


# -- cooking --------------------------------------------------------------------------------
CAKE_14 = CookingGoal(target="cake", check_points=[
    CheckPoint(item="cake", count=1, score=100, sub=["egg", "milk_bucket", "wheat", "sugar"]),
    CheckPoint(item="egg", count=1, score=10),
    CheckPoint(item="milk_bucket", count=3, score=30, sub=["bucket"]),
    CheckPoint(item="bucket", count=3, score=15),
    CheckPoint(item="wheat", count=3, score=25),
    CheckPoint(item="sugar", count=2, score=25, sub=["sugar_cane"]),
    CheckPoint(item="sugar_cane", count=2, score=15),
])


def test_leftover_buckets_after_a_cake_earn_nothing() -> None:
    # cake silences milk_bucket, and milk_bucket silences bucket: 100, not 100 + 15
    view = View(inv={"a": {"cake": 1, "bucket": 3}, "b": {"sugar_cane": 2}})
    assert score_cooking(CAKE_14, view).score == 100.0


def test_buckets_count_until_the_milk_exists() -> None:
    # bucket 15 + sugar_cane 15; milk_bucket 2 < 3 earns nothing
    view = View(inv={"a": {"bucket": 3, "milk_bucket": 2}, "b": {"sugar_cane": 2}})
    assert score_cooking(CAKE_14, view).score == 30.0


def test_an_ingredient_held_then_put_back_keeps_its_credit() -> None:
    judge = VillagerBenchJudge("cooking", CAKE_14, 240.0, 2)
    view = View(inv={"a": {"wheat": 3}})
    judge.on_action("a", 0.2, 4.6)
    judge.advance(6.0, view, {})  # the poll at 5 s sees 3 wheat in a's hand: 25
    view.inv = {"a": {}}  # put back in the chest
    judge.on_action("a", 6.0, 7.5)
    judge.finish(12.0, view, {})  # polls at 10 s and at the end see nothing new
    assert score_cooking(CAKE_14, view).score == 0.0  # the end state alone
    block = judge.block(12.0)
    assert block["score"] == 25.0
    # stamps (0, 4) and (6, 7): 4 + 1 = 5 s; 240 / 5
    assert block["action_time"] == 5
    assert block["efficiency"] == 48.0
    assert block["end_reason"] == "episode ended"


def test_held_between_two_polls_is_never_seen() -> None:
    judge = VillagerBenchJudge("cooking", CAKE_14, 240.0, 1)
    view = View(inv={"a": {}})
    judge.advance(4.0, view, {})
    view.inv = {"a": {"wheat": 3}}
    judge.advance(4.5, view, {})  # no poll between 4 s and 4.5 s
    view.inv = {"a": {}}
    judge.finish(6.0, view, {})
    assert judge.block(6.0)["score"] == 0.0


def test_cake_done_ends_the_episode_at_that_poll() -> None:
    judge = VillagerBenchJudge("cooking", CAKE_14, 240.0, 2)
    view = View(inv={"a": {"cake": 1}, "b": {}})
    judge.on_action("a", 0.4, 4.7)
    judge.on_action("b", 1.0, 2.0)
    judge.advance(5.5, view, {})
    judge.on_action("b", 5.5, 9.0)  # after their judge ended the episode
    judge.finish(9.0, view, {})
    block = judge.block(9.0)
    # stamps (0, 4) and (1, 2) by the end at 5 s: union 4 s; 240 / 4 = 60
    assert block == {"score": 100.0, "max_action_time": 240.0, "action_time": 4,
                     "efficiency": 60.0, "balance": pytest.approx(1 - 0.3837209, abs=1e-6),
                     "end_reason": "complete task", "end_s": 5.0}
    # balance: durations 4.3 and 1.0 -> shares 1 and 0.2326, std 0.3837


# -- construction ---------------------------------------------------------------------------
def test_half_built_wall() -> None:
    # a 2 x 2 stone wall in the x-y plane; only its bottom row is built
    goal = ConstructionGoal(blueprint=[BlueprintBlock(name="stone", pos=(x, y, 0))
                                       for x in (0, 1) for y in (-60, -59)])
    view = View(blocks={(0, -60, 0): BlockState(name="stone"),
                        (1, -60, 0): BlockState(name="stone")})
    s = score_construction(goal, view)
    assert s.details["block_hit_rate"] == 0.5
    # from +x and -x: 1 of 2 cells (the row at -59 is missing); from -z and +z: 2 of 4;
    # from the top both columns show stone (the bottom row, seen through the missing top)
    assert s.details["view_hit_rate"] == pytest.approx((0.5 + 0.5 + 0.5 + 0.5 + 1.0) / 5)


def test_a_trapdoor_without_its_facing_is_a_miss() -> None:
    goal = ConstructionGoal(blueprint=[
        BlueprintBlock(name="oak_trapdoor", pos=(0, -60, 0), facing="north"),
        BlueprintBlock(name="oak_log", pos=(1, -60, 0), facing="y"),
        BlueprintBlock(name="stone", pos=(2, -60, 0))])
    view = View(blocks={
        (0, -60, 0): BlockState(name="oak_trapdoor"),  # no facing state at all
        (1, -60, 0): BlockState(name="oak_log", state={"facing": "up"}),  # no axis
        (2, -60, 0): BlockState(name="stone")})
    s = score_construction(goal, view)
    assert s.details["block_hit_rate"] == pytest.approx(1 / 3)
    assert s.details["view_hit_rate"] == 1.0  # the views compare names only


def test_a_stray_block_in_front_costs_view_hit_rate() -> None:
    # an L of stone: (0, -60), (0, -59), (1, -60); a stray dirt at (1, -59), inside the
    # blueprint's box, hides (0, -59) from +x and (1, -60) from the top
    goal = ConstructionGoal(blueprint=[BlueprintBlock(name="stone", pos=p) for p in
                                       [(0, -60, 0), (0, -59, 0), (1, -60, 0)]])
    blocks = {b.pos: BlockState(name="stone") for b in goal.blueprint}
    blocks[(1, -59, 0)] = BlockState(name="dirt")
    s = score_construction(goal, View(blocks=blocks))
    assert s.details["block_hit_rate"] == 1.0
    # +x 1/2, -z 3/3, +z 3/3, -x 2/2, top 1/2
    assert s.details["view_hit_rate"] == pytest.approx(0.8)
    judge = VillagerBenchJudge("construction", goal, 300.0, 1)
    judge.finish(3.0, View(blocks=blocks), {})
    assert judge.complete_at is None  # their judge waits for both rates to be 1


# -- escape ---------------------------------------------------------------------------------
PLATES = [(0, -60, 0), (2, -60, 0)]
LEVER = (4, -60, 0)
ESCAPE = EscapeGoal(rooms=[Room(index=0, atom=0, origin=(0, -60, 0),
                                triggers=["room0:main", "room0:final"])])
TRIGGERS = [
    Trigger(id="room0:main", conditions=[Condition(pos=p, block="oak_pressure_plate",
                                                   state={"powered": True}) for p in PLATES]),
    Trigger(id="room0:final", conditions=[Condition(pos=LEVER, block="lever",
                                                    state={"powered": True})]),
]


def _room(plates: tuple[bool, bool], lever: bool = False) -> View:
    blocks = {p: BlockState(name="oak_pressure_plate", state={"powered": on})
              for p, on in zip(PLATES, plates, strict=True)}
    blocks[LEVER] = BlockState(name="lever", state={"powered": lever})
    return View(blocks=blocks)


def test_a_plate_stepped_on_and_left_keeps_the_best_moment() -> None:
    judge = VillagerBenchJudge("escape", ESCAPE, 90.0, 2, triggers=TRIGGERS, complexity=1.0)
    judge.advance(1.5, _room((True, False)), {})  # poll at 1 s: one plate of two
    judge.advance(2.5, _room((False, False)), {})  # poll at 2 s: the player stepped off
    judge.on_action("a", 0.0, 2.2)
    judge.finish(3.0, _room((False, False), lever=True), {})
    block = judge.block(3.0)
    # best moment 1 of the 2 `main` conditions; the final lever is left out: 1/2
    assert block["complete_score"] == 0.5
    assert block["complexity_score"] == 0.5
    # stamps (0, 2): 2 s; 90 / 2
    assert block["efficiency"] == 45.0


def test_a_room_is_done_when_its_final_fired() -> None:
    judge = VillagerBenchJudge("escape", ESCAPE, 90.0, 2, triggers=TRIGGERS, complexity=1.0)
    judge.on_action("a", 0.0, 3.5)
    judge.finish(4.0, _room((False, False)), {"room0:final": 3.2})
    block = judge.block(4.0)
    assert block["complete_score"] == 1.0
    assert block["end_reason"] == "complete task"
    assert block["end_s"] == 4.0


def test_escape_over_budget_writes_no_complete_score() -> None:
    judge = VillagerBenchJudge("escape", ESCAPE, 5.0, 1, triggers=TRIGGERS, complexity=1.0)
    judge.on_action("a", 0.0, 7.0)
    judge.finish(7.0, _room((True, True)), {})
    block = judge.block(7.0)
    assert block["complete_score"] is None
    assert (block["efficiency"], block["end_reason"]) == (1.0, "action time out")


# -- action time and efficiency -------------------------------------------------------------
def test_action_time_from_whole_second_stamps() -> None:
    # (0.2, 1.9) -> (0, 1); (1.5, 3.1) -> (1, 3), merged: (0, 3); (7.9, 8.0) -> (7, 8)
    assert stamped_action_time([(0.2, 1.9), (1.5, 3.1), (7.9, 8.0)]) == 4
    assert stamped_action_time([(0.1, 0.9)]) == 0
    assert stamped_action_time([]) == 0


def test_over_budget_stops_and_writes_one() -> None:
    judge = VillagerBenchJudge("cooking", CAKE_14, 10.0, 2)
    judge.on_action("a", 0.5, 6.9)  # (0, 6)
    assert judge.over_at is None
    judge.on_action("b", 3.2, 12.4)  # (3, 12): union 12 > 10 once it ends, at 12 s
    assert judge.over_at == 12.0
    judge.advance(11.0, View(inv={"a": {"wheat": 3}}), {})  # polls at 5 s and 10 s
    judge.finish(12.4, View(inv={"a": {"cake": 1}}), {})  # the cake came after the end
    block = judge.block(12.4)
    assert (block["efficiency"], block["end_reason"], block["action_time"]) == \
        (1.0, "action time out", 12)
    assert block["score"] == 25.0


def test_complete_before_the_budget_runs_out() -> None:
    judge = VillagerBenchJudge("cooking", CAKE_14, 10.0, 2)
    judge.on_action("a", 0.5, 6.9)  # (0, 6)
    judge.on_action("b", 3.2, 12.4)  # (3, 12): over the budget at 12 s
    judge.advance(6.0, View(inv={"a": {}}), {})  # poll at 5 s: nothing
    judge.finish(12.4, View(inv={"a": {"cake": 1}}), {})  # poll at 10 s: the cake
    block = judge.block(12.4)
    # ended complete at 10 s, with the actions ended by then: (0, 6) -> 10 / 6
    assert (block["end_reason"], block["action_time"], block["score"]) == \
        ("complete task", 6, 100.0)
    assert block["efficiency"] == pytest.approx(10 / 6, abs=1e-6)


def test_no_action_has_no_efficiency() -> None:
    judge = VillagerBenchJudge("cooking", CAKE_14, 240.0, 2)
    judge.finish(0.0, View(inv={"a": {}}), {})
    block = judge.block(0.0)
    assert block["efficiency"] is None
    assert block["efficiency_note"] == "no action"
    assert block["balance"] == 1.0


# -- the budget stop in an episode ------------------------------------------------------------
@pytest.mark.parametrize("budget", ["villagerbench", "none"])
def test_budget_stop_in_an_episode(budget: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import tasks.catalog
    from tasks.episode import run_episode

    real = tasks.catalog.load_task

    def tight(task_id, source=None, agents=2, **more):  # type: ignore[no-untyped-def]
        return real(task_id, source, agents, **more).model_copy(update={"budget_s": 0.5})

    monkeypatch.setattr(tasks.catalog, "load_task", tight)
    result = run_episode({"task": "cooking/cake_0", "agents": 2, "budget": budget})
    vb = result["villagerbench"]
    assert (vb["max_action_time"], vb["efficiency"], vb["end_reason"]) == \
        (0.5, 1.0, "action time out")
    assert result["metrics"]["budget_s"] == 0.5
    stop = vb["end_s"]
    if budget == "villagerbench":
        assert result["metrics"]["budget_stop"] is True
        assert all(t["start"] < stop for t in result["trace"])
        assert result["metrics"]["completion"] < 1.0
    else:
        assert result["metrics"]["budget_stop"] is False
        assert result["metrics"]["completion"] == 1.0
        assert max(t["end"] for t in result["trace"]) > stop


def test_a_cooking_task_named_without_its_dish_has_the_complexity_its_budget_has() -> None:
    # VillagerAgent keys cooking complexity on the task's name ("cake" or "rabbit_stew" in
    # it); a task named otherwise gets its budget from its dish, and the block's complexity
    # must be the one that budget came from: stew 6 (all sources in the chest), 6 x 40 s
    from pathlib import Path

    variants = Path(__file__).parent / "fixtures" / "villagerbench_variants"
    spec = load_task("cooking/made_scarce_two_coal", variants, agents=3)
    judge = make_judge(spec, 3)
    assert (spec.goal.target, spec.budget_s, judge.complexity) == ("rabbit_stew", 240.0, 6.0)
    assert judge.block(0.0)["complexity"] == 6.0
