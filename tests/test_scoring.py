"""VillagerBench's scores on hand-made worlds."""

from dataclasses import dataclass, field

import pytest

from env.goals import BlueprintBlock, CheckPoint, ConstructionGoal, CookingGoal, EscapeGoal, Room
from env.scoring import score_construction, score_cooking, score_escape
from env.world import BlockState, Condition, EntityState, Trigger


@dataclass
class View:
    blocks: dict = field(default_factory=dict)
    inv: dict = field(default_factory=dict)

    def block(self, pos):
        return self.blocks.get(tuple(pos), BlockState(name="air"))

    def inventory(self, agent):
        return self.inv.get(agent, {})

    def container(self, pos):
        return None

    def agent_pos(self, agent):
        return (0.0, -60.0, 0.0)

    def agents(self):
        return sorted(self.inv)

    def entities(self) -> list[EntityState]:
        return []


CAKE = CookingGoal(target="cake", check_points=[
    CheckPoint(item="cake", count=1, score=100, sub=["egg", "milk_bucket", "wheat", "sugar"]),
    CheckPoint(item="egg", count=1, score=10),
    CheckPoint(item="milk_bucket", count=3, score=30),
    CheckPoint(item="wheat", count=3, score=25),
    CheckPoint(item="sugar", count=2, score=25),
])


def test_cooking_partial_credit_needs_the_count_in_one_agent() -> None:
    view = View(inv={"a": {"egg": 1, "wheat": 2}, "b": {"wheat": 2, "sugar": 2}})
    s = score_cooking(CAKE, view)
    assert s.score == 35.0  # egg 10 + sugar 25; wheat is split 2 + 2, never 3 in one hand
    assert s.completion == pytest.approx(0.35)


def test_cooking_dish_silences_its_ingredients() -> None:
    view = View(inv={"a": {"cake": 1, "egg": 1}, "b": {"sugar": 5}})
    s = score_cooking(CAKE, view)
    assert s.score == 100.0
    assert s.completion == 1.0


def test_construction_block_and_view_hit_rates() -> None:
    goal = ConstructionGoal(blueprint=[
        BlueprintBlock(name="stone", pos=(0, -60, 0)),
        BlueprintBlock(name="stone", pos=(0, -59, 0)),
        BlueprintBlock(name="oak_log", pos=(1, -60, 0), facing="y"),
        BlueprintBlock(name="furnace", pos=(2, -60, 0), facing="north"),
    ])
    view = View(blocks={
        (0, -60, 0): BlockState(name="stone"),
        (1, -60, 0): BlockState(name="oak_log", state={"axis": "x"}),  # wrong axis
        (2, -60, 0): BlockState(name="furnace", state={"facing": "north"}),
    })
    s = score_construction(goal, view)
    assert s.details["block_hit_rate"] == 0.5
    # top view: cells x0 (wants stone@-59, sees stone@-60 -> name matches), x1 oak_log, x2 furnace
    #   -> 3/3; +x view (looking from +x): cells (y,z): (-60,0) wants furnace, sees furnace;
    #   (-59,0) wants stone, sees nothing -> 1/2; -x view: (-60,0) stone ok, (-59,0) missing
    #   -> 1/2; +z and -z views: cells (x,y): (0,-60) ok, (0,-59) missing, (1,-60) ok,
    #   (2,-60) ok -> 3/4 each.  mean = (1 + .5 + .5 + .75 + .75) / 5 = 0.7
    assert s.details["view_hit_rate"] == pytest.approx(0.7)
    assert s.completion == 0.5


def test_escape_room_fraction_and_solved_rooms() -> None:
    t1 = Trigger(id="r0.t0", room=0, conditions=[
        Condition(pos=(0, -60, 1), block="lever", state={"powered": True})])
    t2 = Trigger(id="r1.t0", room=1, conditions=[
        Condition(pos=(0, -60, 11), block="stone_pressure_plate", state={"powered": True}),
        Condition(pos=(2, -60, 11), block="lever", state={"powered": True})])
    goal = EscapeGoal(rooms=[Room(index=0, atom=5, origin=(0, -60, 0), triggers=["r0.t0"]),
                             Room(index=1, atom=14, origin=(0, -60, 10), triggers=["r1.t0"])])
    view = View(blocks={(2, -60, 11): BlockState(name="lever", state={"powered": True}),
                        (0, -60, 11): BlockState(name="stone_pressure_plate",
                                                 state={"powered": False})})
    s = score_escape(goal, [t1, t2], {"r0.t0"}, view)
    assert s.details == {"room_0": 1.0, "room_1": 0.5}
    assert s.completion == 0.75
    assert s.score == 75.0
