"""The Judger: refusals with their reasons and the world unchanged; virtual-time order."""

from __future__ import annotations

from agents.judger import JudgerCore
from agents.messages import ActionRequest, PlannerState
from env.durations import DURATIONS
from env.refusals import Code
from env.rulebook import CRAFT_S, load_rulebook
from env.sim import SimBackend
from env.world import STAND_Y, BlockSpec, ContainerSpec, WorldSetup

Y = STAND_Y
WORLD = WorldSetup(
    blocks=[BlockSpec(name="crafting_table", pos=(2, Y, 0)),
            BlockSpec(name="coal_ore", pos=(0, Y, 2))],
    containers=[ContainerSpec(pos=(30, Y, 30), items={"wheat": 3})],
    spawn=[(0, Y, 0), (1, Y, 0)],
    agent_items={"wheat": 3, "oak_planks": 3})


def judger(agents=("a1",), pause: bool = False) -> tuple[JudgerCore, SimBackend]:
    """A Judger on the simulator; without `pause` its clock leaves no server round trip
    between an agent's actions (pause_s 0), so the ordering tests read whole seconds."""
    sim = SimBackend(load_rulebook())
    if not pause:
        sim.pause_s = 0.0
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
    assert refused({"name": "dig", "pos": [0, Y, 5]}) == "nothing to dig at (0, -60, 5) (air)"
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
    assert result.ok and (result.start, result.end) == (0.0, CRAFT_S)
    assert sim.view().inventory("a1") == {"bread": 1, "oak_planks": 3}
    assert [(t.name, t.ok) for t in core.trace] == [("craft", True)]


def test_actions_run_in_virtual_time_order_once_nobody_can_come_before() -> None:
    core, _ = judger(("a1", "a2"))
    submit(core, "a2", 1, {"name": "wait", "seconds": 5})
    assert core.step() == []  # a1 (clock 0, first by id) has not moved: it could come first
    submit(core, "a1", 1, {"name": "wait", "seconds": 2})
    # a1 runs; then a1's next action starts at 2 or later, so a2's (at 0) is first: it runs.
    assert [(r.agent, r.start, r.end) for r in core.step()] == [("a1", 0.0, 2.0),
                                                                 ("a2", 0.0, 5.0)]
    submit(core, "a1", 2, {"name": "wait", "seconds": 4})
    assert [(r.agent, r.start) for r in core.step()] == [("a1", 2.0)]  # a2 is at 5: later
    submit(core, "a1", 3, {"name": "wait", "seconds": 1})
    assert core.step() == []  # a1 at 6, a2 still to move from 5: a2 could come first
    core.planner_state(PlannerState(sender="planner", idle=["a2"]))
    assert [(r.agent, r.start) for r in core.step()] == [("a1", 6.0)]


def test_an_agent_whose_work_starts_later_does_not_hold_an_earlier_action() -> None:
    # a1's last action ended at 0, but its assignment may not start before 7 (a worker whose
    # assignment needs no action at all moves its clock there and tells only the Planner):
    # what a2 does before 7 cannot be preceded by anything of a1's, so it runs.
    core, _ = judger(("a1", "a2"))
    submit(core, "a2", 1, {"name": "wait", "seconds": 2})
    assert core.step() == []  # a1 at 0 comes first by id
    core.planner_state(PlannerState(sender="planner", idle=[], earliest={"a1": 7.0}))
    assert [(r.agent, r.start, r.end) for r in core.step()] == [("a2", 0.0, 2.0)]
    submit(core, "a2", 2, {"name": "wait", "seconds": 5})
    assert [(r.agent, r.start, r.end) for r in core.step()] == [("a2", 2.0, 7.0)]
    submit(core, "a2", 3, {"name": "wait", "seconds": 1})
    assert core.step() == []  # a2 at 7, a1 may start at 7: a1 first by id
    submit(core, "a1", 1, {"name": "wait", "seconds": 1, "not_before": 7.0})
    assert [(r.agent, r.start) for r in core.step()] == [("a1", 7.0), ("a2", 7.0)]


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


SHARED = WorldSetup(containers=[ContainerSpec(pos=(1, Y, 2), items={"wheat": 3})],
                    spawn=[(0, Y, 0), (1, Y, 0)], agent_items={})
TAKE = {"name": "take", "pos": [1, Y, 2], "item": "wheat", "count": 3}


def shared_judger() -> JudgerCore:
    sim = SimBackend(load_rulebook())
    sim.pause_s = 0.0
    sim.build(SHARED, ["a1", "a2"])
    return JudgerCore(sim, ["a1", "a2"])


def ahead(core: JudgerCore, agent: str, seq: int, action: dict, after: int | None = None
          ) -> ActionRequest:
    req = ActionRequest(sender=agent, agent=agent, seq=seq, action=action, speculate=True,
                        after=after)
    assert core.screen(req, agent) is None
    core.submit(req)
    return req


def test_a_waiting_action_is_answered_provisionally_and_what_follows_it_waits_behind() -> None:
    core = shared_judger()
    ahead(core, "a2", 1, {**TAKE, "count": 1})
    assert core.step() == [] and core.to_answer() == ["a2"]  # a1 could still come first
    first = core.answer_ahead("a2")
    assert first.provisional and first.ok and first.observation.inventory == {"wheat": 1}
    assert core.trace == [] and core.backend.view().inventory("a2") == {}  # nothing ran
    ahead(core, "a2", 2, {"name": "wait", "seconds": 1}, after=1)  # chosen on it
    second = core.answer_ahead("a2")
    assert (second.start, second.end) == (first.end, first.end + 1)
    submit(core, "a1", 1, {"name": "wait", "seconds": 0.1})  # first (by id), not at the chest
    results = core.step()
    # What runs is what a Judger without provisional answers runs; the answers held.
    assert [(r.agent, r.seq, r.confirmed) for r in results] == [
        ("a1", 1, None), ("a2", 1, True)]
    assert core.pending["a2"].request.seq == 2  # next in line, a1 (at its end) may come first
    core.planner_state(PlannerState(sender="planner", idle=["a1"]))
    assert [(r.seq, r.confirmed) for r in core.step()] == [(2, True)]
    assert [(t.agent, t.name, t.start) for t in core.trace] == [
        ("a1", "wait", 0.0), ("a2", "take", 0.0), ("a2", "wait", first.end)]


def test_a_provisional_take_does_not_hold_when_another_takes_at_the_chest_first() -> None:
    # Players take turns at a chest (env/data/stations.json `turns`): a2's take, answered
    # ahead as if alone, waits for a1's (first by id) and ends later than answered.
    core = shared_judger()
    ahead(core, "a2", 1, {**TAKE, "count": 1})
    assert core.step() == [] and core.answer_ahead("a2").end == DURATIONS["take_s"]
    submit(core, "a1", 1, {**TAKE, "count": 1})
    assert [(r.agent, r.ok, r.confirmed) for r in core.step()] == [("a1", True, None),
                                                                   ("a2", True, False)]


def test_a_provisional_answer_that_does_not_hold_drops_what_was_chosen_on_it() -> None:
    core = shared_judger()
    ahead(core, "a2", 1, TAKE)  # all the wheat, on the world as known now
    assert core.step() == []
    assert core.answer_ahead("a2").ok
    ahead(core, "a2", 2, {"name": "wait", "seconds": 1}, after=1)
    submit(core, "a1", 1, TAKE)  # a1 comes first (same time, first by id) and takes it all
    results = core.step()
    assert [(r.agent, r.ok, r.confirmed) for r in results] == [("a1", True, None),
                                                               ("a2", False, False)]
    assert core.dropped == 1 and "a2" not in core.pending  # the wait was never run
    late = ActionRequest(sender="a2", agent="a2", seq=3, action={"name": "wait", "seconds": 1},
                         after=2)  # chosen further ahead, sent before a2 heard
    assert core.superseded(late, "a2") and core.dropped == 2
    assert [t.name for t in core.trace] == ["take", "take"] and core.refused == []
    # A worker that did not hear of its provisional answer may not claim one.
    forged = ActionRequest(sender="a1", agent="a1", seq=2, action={"name": "wait", "seconds": 1},
                           after=1)
    assert core.screen(forged, "a1") is not None


def test_a_real_time_rendezvous_gives_up_on_a_partner_that_stays_idle(monkeypatch) -> None:
    # On the real server a partner whose assignment failed (its walk to the meeting point
    # refused) never comes: the rendezvous used to hold the others for 120 s. It now fails
    # once that partner is idle on two looks in a row, as the virtual-time rule fails a
    # rendezvous whose partners are idle; a partner idle on one look only is waited for.
    import asyncio

    import agents.judger as judger_module
    from agents.judger import Judger

    monkeypatch.setattr(judger_module, "RENDEZVOUS_LOOK_S", 0.01)
    sim = SimBackend(load_rulebook())
    sim.build(WORLD, ["a1", "a2"])
    j = Judger(None, None, sim, ["a1", "a2"])

    async def stays_idle() -> bool:
        j.core.idle = {"a2"}
        return await j._meet(asyncio.Event(), {"a1", "a2"}, {"a1"}, "t#1")

    async def idle_once_then_comes() -> bool:
        event = asyncio.Event()
        j.core.idle = {"a2"}

        async def partner() -> None:
            await asyncio.sleep(0.015)  # after the first look: a new assignment
            j.core.idle = set()
            await asyncio.sleep(0.05)
            event.set()  # it arrives

        task = asyncio.create_task(partner())
        met = await j._meet(event, {"a1", "a2"}, {"a1"}, "t#1")
        await task
        return met

    async def waits_elsewhere() -> bool:
        j.core.idle = set()
        submit(j.core, "a2", 1, {"name": "rendezvous", "tag": "t#2", "agents": ["a1", "a2"]})
        return await j._meet(asyncio.Event(), {"a1", "a2"}, {"a1"}, "t#1")

    assert asyncio.run(stays_idle()) is False
    assert asyncio.run(idle_once_then_comes()) is True
    assert asyncio.run(waits_elsewhere()) is False


def test_a_backend_fault_is_one_log_line_and_the_traceback_only_with_v(monkeypatch,
                                                                      caplog) -> None:
    """A backend that raises (a dead game server: the bridge's error carries the JS stack)
    fails the action `backend_error` with one ERROR line naming the action and the error's
    first line; the traceback is logged at INFO, which `causalcraft -v` shows."""
    import logging

    core, sim = judger()

    def dead(*args, **kwargs):
        raise ConnectionError("bot.join failed: connect ECONNREFUSED 127.0.0.1:1\n"
                              "    at TCPConnectWrap.afterConnect (node:net:1555:16)")

    monkeypatch.setattr(sim, "execute", dead)
    with caplog.at_level(logging.WARNING, logger="causalcraft"):
        submit(core, "a1", 1, {"name": "craft", "item": "bread", "table": [2, Y, 0]})
        [result] = core.step()
    assert (result.ok, result.code) == (False, Code.BACKEND_ERROR)
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records] == [
        ("ERROR", "backend failed on {'name': 'craft', 'item': 'bread', 'table': [2, -60, 0]}: "
                  "bot.join failed: connect ECONNREFUSED 127.0.0.1:1", None)]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="causalcraft"):
        submit(core, "a1", 2, {"name": "craft", "item": "bread", "table": [2, Y, 0]})
        core.step()
    assert any(r.exc_info and r.exc_info[0] is ConnectionError for r in caplog.records)


def test_an_action_cut_off_by_the_run_ending_is_one_info_line_without_traceback(
        monkeypatch, caplog) -> None:
    """SIGTERM or Ctrl-C closes the backend while a bot acts: the action in flight fails
    `backend_error`, logged as one INFO line (no ERROR, no traceback even with -v), since the
    game is not at fault."""
    import logging

    core, sim = judger()

    def cut_off(*args, **kwargs):
        sim.close()
        raise ConnectionError("bridge closed\n    at Bridge.release (bridge.js:1:1)")

    monkeypatch.setattr(sim, "execute", cut_off)
    with caplog.at_level(logging.INFO, logger="causalcraft"):
        submit(core, "a1", 1, {"name": "craft", "item": "bread", "table": [2, Y, 0]})
        [result] = core.step()
    assert (result.ok, result.code) == (False, Code.BACKEND_ERROR)
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records
            if r.name == "causalcraft.judger"] == [
        ("INFO", "{'name': 'craft', 'item': 'bread', 'table': [2, -60, 0]} did not finish: "
                 "the run is ending (bridge closed)", None)]


def test_on_the_simulator_an_agents_next_action_starts_a_server_round_trip_after_its_last() -> None:
    # The server leaves pause_s (its mean, env/data/durations.json) between one of an agent's
    # actions ending and its next starting; the simulator's clock leaves the same.
    core, sim = judger(pause=True)
    submit(core, "a1", 1, {"name": "wait", "seconds": 1})
    [first] = core.step()
    submit(core, "a1", 2, {"name": "wait", "seconds": 1})
    [second] = core.step()
    assert sim.pause_s == DURATIONS["pause_s"] > 0
    assert (first.start, first.end) == (0.0, 1.0)
    assert (second.start, second.end) == (1.0 + DURATIONS["pause_s"], 2.0 + DURATIONS["pause_s"])
    # The result says when the agent's next action may start: its clock for every party.
    assert (first.clock, second.clock) == (1.0 + DURATIONS["pause_s"],
                                           2.0 + 2 * DURATIONS["pause_s"])
