"""The Judger: refusals with their reasons and the world unchanged; virtual-time order."""

from __future__ import annotations

from agents.judger import JudgerCore
from agents.messages import ActionRequest, PlannerState
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, BlockSpec, ContainerSpec, WorldSetup

Y = STAND_Y
WORLD = WorldSetup(
    blocks=[BlockSpec(name="crafting_table", pos=(2, Y, 0)),
            BlockSpec(name="coal_ore", pos=(0, Y, 2))],
    containers=[ContainerSpec(pos=(30, Y, 30), items={"wheat": 3})],
    spawn=[(0, Y, 0), (1, Y, 0)],
    agent_items={"wheat": 3, "oak_planks": 3})


def judger(agents=("a1",)) -> tuple[JudgerCore, SimBackend]:
    sim = SimBackend(load_rulebook())
    sim.build(WORLD, list(agents))
    return JudgerCore(sim, list(agents)), sim


def submit(core: JudgerCore, agent: str, seq: int, action: dict) -> None:
    core.submit(ActionRequest(sender=agent, agent=agent, seq=seq, action=action))


def refused(action: dict) -> str | None:
    core, sim = judger()
    before = sim.snapshot()
    submit(core, "a1", 1, action)
    [result] = core.step()
    assert not result.ok
    assert sim.snapshot() == before  # the world is unchanged
    assert core.trace[-1].ok is False and core.trace[-1].reason == result.reason
    return result.reason


def test_refusals_name_their_reason_and_change_nothing() -> None:
    assert refused({"name": "craft", "item": "cake"}) == \
        "missing ingredients: 1 egg, 3 milk_bucket, 2 sugar"
    assert refused({"name": "dig", "pos": [0, Y, 2]}) == (
        "coal_ore needs a tool: any of diamond_pickaxe, golden_pickaxe, iron_pickaxe, "
        "netherite_pickaxe, stone_pickaxe, wooden_pickaxe")
    assert refused({"name": "craft", "item": "bread"}) == \
        "bread needs a crafting table (give table)"
    assert refused({"name": "take", "pos": [30, Y, 30], "item": "wheat"}) == \
        "(30, -60, 30) is out of reach from (0.5, -60.0, 0.5) (reach 4.5)"
    assert refused({"name": "fly", "to": "moon"}).startswith("bad action (")
    assert refused({"name": "take", "pos": "nowhere", "item": "wheat"}).startswith(
        "bad action (take.pos:")


def test_an_allowed_action_runs_and_is_logged() -> None:
    core, sim = judger()
    submit(core, "a1", 1, {"name": "craft", "item": "bread", "table": [2, Y, 0]})
    [result] = core.step()
    assert result.ok and (result.start, result.end) == (0.0, 1.0)
    assert sim.view().inventory("a1") == {"bread": 1, "oak_planks": 3}
    assert [(t.name, t.ok) for t in core.trace] == [("craft", True)]


def test_actions_run_in_virtual_time_order_once_everyone_has_moved() -> None:
    core, _ = judger(("a1", "a2"))
    submit(core, "a2", 1, {"name": "wait", "seconds": 5})
    assert core.step() == []  # a1 has not moved yet: its next action could come first
    submit(core, "a1", 1, {"name": "wait", "seconds": 2})
    first = core.step()
    assert [(r.agent, r.start, r.end) for r in first] == [("a1", 0.0, 2.0)]
    submit(core, "a1", 2, {"name": "wait", "seconds": 1})
    second = core.step()
    assert [(r.agent, r.start, r.end) for r in second] == [("a2", 0.0, 5.0)]
    core.planner_state(PlannerState(sender="planner", idle=["a2"]))
    assert [(r.agent, r.start) for r in core.step()] == [("a1", 2.0)]


def test_rendezvous_leaves_together_and_fails_if_nobody_comes() -> None:
    core, _ = judger(("a1", "a2"))
    submit(core, "a1", 1, {"name": "wait", "seconds": 3})
    submit(core, "a2", 1, {"name": "rendezvous", "tag": "t", "agents": ["a1", "a2"]})
    [r] = core.step()
    assert (r.agent, r.end) == ("a1", 3.0)
    submit(core, "a1", 2, {"name": "rendezvous", "tag": "t", "agents": ["a1", "a2"]})
    both = core.step()
    assert sorted((r.agent, r.ok, r.end) for r in both) == [("a1", True, 3.0),
                                                             ("a2", True, 3.0)]
    submit(core, "a1", 3, {"name": "rendezvous", "tag": "u", "agents": ["a1", "a2"]})
    core.planner_state(PlannerState(sender="planner", idle=["a2"]))
    [alone] = core.step()
    assert (alone.ok, alone.reason) == (False, "rendezvous u: (a2) never came")
    assert alone.code == Code.RENDEZVOUS_MISSED and alone.params["late"] == ["a2"]
