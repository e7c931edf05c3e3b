"""Escape rooms whose block conditions need an item: the player who places it brings it,
from what the players start with or from the nearest chest that holds it (VillagerBench's
escape atom 2: swap a sign for a gold block that sits in a chest)."""

from __future__ import annotations

import pytest

from env.goals import EscapeGoal, Room
from env.rulebook import load_rulebook
from env.world import BlockSpec, Condition, ContainerSpec, Effect, Trigger, WorldSetup
from planner.decompose import DecompositionError, decompose
from tasks.spec import TaskSpec

Y = -60
SPOT = (0, Y - 1, 3)  # the floor block the gold block replaces


def gold_task(containers: list[ContainerSpec], agent_items: dict[str, int] | None = None,
              spots: tuple = (SPOT,)) -> TaskSpec:
    trigger = Trigger(id="room0:main", room=0, window_s=4.0,
                      conditions=[Condition(pos=p, block="gold_block") for p in spots],
                      effects=[Effect(kind="set_block", pos=(0, Y, 6), block="air")])
    world = WorldSetup(blocks=[BlockSpec(name="oak_planks", pos=p) for p in spots],
                       containers=containers, triggers=[trigger], spawn=[(0, Y, 0), (1, Y, 0)],
                       agent_items=agent_items or {},
                       bounds=((-8, -61, -8), (8, -50, 8)))
    return TaskSpec(id="escape/gold", family="escape", description="", world=world,
                    budget_s=120, agents=2, goal=EscapeGoal(rooms=[
                        Room(index=0, atom=2, origin=(0, Y, 0), triggers=["room0:main"])]))


def take(pos: tuple[int, int, int]) -> dict:
    return {"name": "take", "pos": list(pos), "item": "gold_block", "count": 1}


def swap(spot: tuple[int, int, int] = SPOT) -> list[dict]:
    return [{"name": "dig", "pos": list(spot)},
            {"name": "place", "item": "gold_block", "pos": list(spot)}]


def test_the_block_is_taken_from_the_chest_that_holds_it() -> None:
    hub = ContainerSpec(pos=(-3, Y, -2), items={"stick": 1})
    chest = ContainerSpec(pos=(3, Y, -2), items={"gold_block": 1})
    plan = decompose(gold_task([hub, chest]), load_rulebook())
    (sub,) = plan.subtasks
    assert sub.id == "trigger:room0:main"
    assert sub.actions == [{"steps": swap(), "fetch": [take((3, Y, -2))]}]
    assert sub.rules == ["trigger:room0:main", "container:3,-60,-2:gold_block"]


def test_two_blocks_come_from_the_nearest_chests_holding_them() -> None:
    left, right = (-4, Y, 3), (4, Y, 3)
    chests = [ContainerSpec(pos=(-5, Y, 0), items={"gold_block": 1}),
              ContainerSpec(pos=(5, Y, 0), items={"gold_block": 1})]
    plan = decompose(gold_task(chests, spots=(left, right)), load_rulebook())
    (sub,) = plan.subtasks
    assert [a["fetch"] for a in sub.actions] == [[take((-5, Y, 0))], [take((5, Y, 0))]]


def test_a_block_the_players_start_with_needs_no_fetch() -> None:
    plan = decompose(gold_task([], agent_items={"gold_block": 1}), load_rulebook())
    (sub,) = plan.subtasks
    assert sub.actions == [{"steps": swap()}]


def test_a_block_nobody_can_get_names_the_item() -> None:
    with pytest.raises(DecompositionError, match="no way to obtain 'gold_block'"):
        decompose(gold_task([ContainerSpec(pos=(3, Y, -2), items={"stick": 1})]),
                  load_rulebook())


@pytest.mark.parametrize("where", ["chest", "hub", "start"])
def test_the_room_is_escaped(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    import tasks.catalog
    from tasks.episode import run_episode

    containers = {"chest": [ContainerSpec(pos=(-3, Y, -2), items={"stick": 1}),
                            ContainerSpec(pos=(3, Y, -2), items={"gold_block": 1})],
                  "hub": [ContainerSpec(pos=(3, Y, -2), items={"gold_block": 1})],
                  "start": []}[where]
    task = gold_task(containers, agent_items={"gold_block": 1} if where == "start" else None)
    monkeypatch.setattr(tasks.catalog, "load_task", lambda *a, **k: task)
    result = run_episode({"task": "escape/gold", "agents": 2, "prior_noise": 0})
    assert (result["metrics"]["completion"], result["subtasks"]["failed"]) == (1.0, {})
    done = [(a["name"], a["args"].get("pos")) for a in result["trace"] if a["ok"]
            and a["name"] in ("take", "dig", "place")]
    fetched = [("take", [3, Y, -2])] if where != "start" else []
    assert done == [*fetched, ("dig", list(SPOT)), ("place", list(SPOT))]
