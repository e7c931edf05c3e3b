"""The Planner service's state machine: assignment, joint subtasks, failures, rounds."""

import networkx as nx

from agents.messages import SubtaskReport, WorkRequest
from agents.planner_service import PlannerCore
from planner.schedule import PriorOrderScheduler
from planner.subtask import Plan, Subtask


def core(edges, nodes, agents=("a1", "a2"), joint=(), **kw) -> PlannerCore:
    subs = [Subtask(id=n, kind="craft", target=n, agents=2 if n in joint else 1) for n in nodes]
    g = nx.DiGraph(edges)
    g.add_nodes_from(nodes)
    return PlannerCore(plan=Plan(task="t", hub=None, subtasks=subs), graph=g,
                       lines=[[n] for n in nodes], scheduler=PriorOrderScheduler(g),
                       agents=list(agents), **kw)


def ask(c: PlannerCore, agent: str, clock: float = 0.0) -> None:
    c.request(WorkRequest(sender=agent, agent=agent, clock=clock))


def report(c: PlannerCore, agent: str, sid: str, ok: bool, clock: float = 1.0) -> None:
    c.report(SubtaskReport(sender=agent, agent=agent, subtask=sid, ok=ok, clock=clock))


def test_ready_work_in_clock_order_and_not_before() -> None:
    c = core([("u", "v")], ["u", "v", "w"])
    ask(c, "a2", 3.0)
    ask(c, "a1", 1.0)
    out = c.assign(None)
    assert [(a.agent, a.subtask.id, a.not_before) for a in out] == [("a1", "u", 1.0),
                                                                    ("a2", "w", 3.0)]
    report(c, "a1", "u", True, clock=7.5)
    ask(c, "a1", 7.5)
    out = c.assign(None)
    assert [(a.agent, a.subtask.id, a.not_before) for a in out] == [("a1", "v", 7.5)]


def test_the_state_tells_the_judger_when_each_agent_at_work_may_act_next() -> None:
    c = core([("u", "v")], ["u", "v", "w"])
    ask(c, "a2", 3.0)
    ask(c, "a1", 1.0)
    c.assign(None)
    state = c.state()
    assert (state.idle, state.earliest) == ([], {"a1": 1.0, "a2": 3.0})
    report(c, "a2", "w", True, clock=4.0)
    ask(c, "a2", 4.0)
    assert c.assign(None) == []  # v waits for u: a2 is idle, not waited on
    state = c.state()
    assert (state.idle, state.earliest) == (["a2"], {"a1": 1.0})


def test_joint_subtask_waits_for_two_free_agents() -> None:
    c = core([], ["j"], joint={"j"})
    ask(c, "a1")
    assert c.assign(None) == []
    ask(c, "a2", 2.0)
    out = c.assign(None)
    assert [(a.agent, a.role, a.partners) for a in out] == [("a1", 0, ["a2"]),
                                                            ("a2", 1, ["a1"])]
    assert len({a.attempt for a in out}) == 1


def test_failed_subtask_waits_for_progress_then_gives_up() -> None:
    c = core([], ["x", "y"], agents=("a1",), max_retries=1)
    ask(c, "a1")
    assert [a.subtask.id for a in c.assign(None)] == ["x"]
    report(c, "a1", "x", False)
    ask(c, "a1")
    # x failed with y still to do: y first, x only once the world has moved on.
    assert [a.subtask.id for a in c.assign(None)] == ["y"]
    report(c, "a1", "y", True)
    ask(c, "a1")
    assert [a.subtask.id for a in c.assign(None)] == ["x"]
    report(c, "a1", "x", False)
    ask(c, "a1")
    assert c.assign(None) == [] and c.finished
    assert c.status == {"x": "failed", "y": "done"}


def test_repair_adds_the_missing_edge_without_using_a_retry() -> None:
    calls = []

    def repair(graph, failed, done):
        calls.append((failed, sorted(done)))
        return [("u", failed, 0.5)] if not graph.has_edge("u", failed) else []

    c = core([], ["u", "v"], agents=("a1",), repair=repair)
    ask(c, "a1")
    assert [a.subtask.id for a in c.assign(None)] == ["u"]
    c.status["u"] = "open"  # pretend u was never started and v came first
    c.holders.clear()
    c.status["v"] = "running"
    c.holders["v"] = ["a1"]
    report(c, "a1", "v", False)
    assert calls == [("v", [])]
    assert c.graph.has_edge("u", "v") and c.retries.get("v", 0) == 0
    assert c.repaired == [("u", "v", 0.5)]


def test_rounds_wait_for_every_agent() -> None:
    c = core([], ["x", "y", "z"], rounds=True)
    ask(c, "a1")
    assert c.assign(None) == []
    ask(c, "a2")
    assert [a.subtask.id for a in c.assign(None)] == ["x", "y"]
    report(c, "a1", "x", True)
    ask(c, "a1")
    assert c.assign(None) == []  # a2 is still in the round
    report(c, "a2", "y", True)
    ask(c, "a2")
    assert [a.subtask.id for a in c.assign(None)] == ["z"]


def test_prior_order_scheduler_follows_the_brains_order() -> None:
    s = PriorOrderScheduler(nx.DiGraph([("c", "a"), ("b", "a")]))
    assert s.pick("x", ["a", "b", "c"], None) == "b"
    assert s.pick("x", ["a", "zz"], None) == "a"
    assert s.pick("x", [], None) is None


def test_a_silent_worker_loses_its_subtask_to_another() -> None:
    c = core([], ["x"])
    ask(c, "a1")
    ask(c, "a2", 4.0)
    [a] = c.assign(None)
    assert (a.agent, a.subtask.id) == ("a1", "x")
    assert c.lose("a1") == ["x"]
    [b] = c.assign(None)
    assert (b.agent, b.subtask.id, b.attempt) == ("a2", "x", 2)
    report(c, "a1", "x", True)  # the silent worker's late report is stale: ignored
    assert c.status["x"] == "running"
    report(c, "a2", "x", True)
    assert c.status["x"] == "done"


def test_first_work_waits_until_every_agent_has_asked_or_is_gone() -> None:
    c = core([], ["x", "y"])
    ask(c, "a2")
    assert c.assign(None) == []  # a1 has not asked yet: who starts first must not matter
    ask(c, "a1")
    assert [(a.agent, a.subtask.id) for a in c.assign(None)] == [("a1", "x"), ("a2", "y")]
    c2 = core([], ["x"])
    ask(c2, "a2")
    c2.gone.add("a1")  # the lease of an agent that never came ran out
    assert [(a.agent, a.subtask.id) for a in c2.assign(None)] == [("a2", "x")]
    assert c2.state().idle == ["a1"]  # the Judger does not wait for a gone agent


def test_messages_from_unknown_or_forged_agents_are_refused_with_a_reason() -> None:
    c = core([], ["x"])
    ask(c, "intruder")
    report(c, "a1", "x", True)  # a1 holds nothing
    assert c.free == {}
    assert c.refused == [("intruder", "unknown agent 'intruder'"),
                         ("a1", "stale report on 'x': a1 does not hold it")]
    assert c.screen("a1", sender="a2") == "a message for 'a1' sent on 'a2''s topic"


def test_an_agent_that_found_no_path_is_not_given_the_subtask_until_progress() -> None:
    from env.refusals import Code

    c = core([], ["x", "y", "z"], max_retries=5)
    ask(c, "a1")
    ask(c, "a2", 0.5)
    assert [(a.agent, a.subtask.id) for a in c.assign(None)] == [("a1", "x"), ("a2", "y")]
    # a1 was carried off by a teleport: no walk leads back to x
    c.report(SubtaskReport(sender="a1", agent="a1", subtask="x", ok=False,
                           reason="could not reach", code=Code.NO_PATH, clock=2.0))
    ask(c, "a1", 2.0)
    # x is open again, but not for a1: a1 takes z, x waits for an agent that can get there
    assert [(a.agent, a.subtask.id) for a in c.assign(None)] == [("a1", "z")]
    report(c, "a2", "y", True, clock=3.0)
    ask(c, "a2", 3.0)
    assert [(a.agent, a.subtask.id) for a in c.assign(None)] == [("a2", "x")]


def test_a_bar_lifts_once_another_subtask_is_done() -> None:
    from env.refusals import Code

    c = core([], ["x", "y"], agents=("a1",), max_retries=5)
    ask(c, "a1")
    assert [a.subtask.id for a in c.assign(None)] == ["x"]
    c.report(SubtaskReport(sender="a1", agent="a1", subtask="x", ok=False,
                           reason="a closed door", code=Code.NO_PATH, clock=1.0))
    ask(c, "a1", 1.0)
    assert [a.subtask.id for a in c.assign(None)] == ["y"]
    report(c, "a1", "y", True, clock=2.0)  # y may have opened the door
    ask(c, "a1", 2.0)
    assert [a.subtask.id for a in c.assign(None)] == ["x"]
