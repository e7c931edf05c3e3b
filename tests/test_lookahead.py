"""The lookahead dispatcher (planner.schedule.LookaheadScheduler), its splitting, and the
`causal-cp` configuration that uses it: known states, exact decisions."""

from __future__ import annotations

import networkx as nx
import pytest

from env.goals import BlueprintBlock
from planner.schedule import (
    Dispatch,
    DispatchView,
    LookaheadScheduler,
    split_parts,
)
from planner.subtask import Subtask

HUB = (0, -60, 0)
FURNACE = (6, -59, 5)


def smelt(sid: str, item: str) -> Subtask:
    return Subtask(id=sid, kind="smelt", target=f"cooked_{item}", inputs={item: 1, "coal": 1},
                   station=FURNACE, seconds=14.0)


def view(subtasks: list[Subtask], edges: list[tuple[str, str]], free: list[str],
         status: dict[str, str] | None = None, **kw: object) -> DispatchView:
    by_id = {s.id: s for s in subtasks}
    g = nx.DiGraph(edges)
    g.add_nodes_from(by_id)
    st = {s: "open" for s in by_id} | (status or {})
    ready = sorted(s for s in by_id if st[s] == "open"
                   and all(st[p] == "done" for p in g.predecessors(s)))
    return DispatchView(by_id, g, st, dict.fromkeys(free, 0.0),
                        dict.fromkeys(free, (0.5, -60.0, 0.5)), ready, hub=HUB, **kw)


def test_one_furnace_one_smelt_one_waiting_agent() -> None:
    subs = [smelt("smelt:a", "beef"), smelt("smelt:b", "rabbit"), smelt("smelt:c", "potato")]
    v = view(subs, [], ["agent1", "agent2", "agent3"])
    sched = LookaheadScheduler(v.graph, v.subtasks, {FURNACE})
    out = sched.dispatch(v)
    assert out == [
        Dispatch("smelt:a", ("agent1",)),
        Dispatch("smelt:b", ("agent2",), stage=True,
                 inputs=(("coal", 1), ("rabbit", 1)), wait_at=FURNACE),
    ]  # agent3 gets nothing: a second agent waiting at the furnace would only queue


def test_a_furnace_given_up_is_free_from_the_end_of_its_smelt() -> None:
    subs = [smelt("smelt:a", "beef"), smelt("smelt:b", "rabbit")]
    v = view(subs, [], ["agent2"], status={"smelt:a": "running"}, released={"smelt:a": 15.0},
             reserved={"smelt:b": "agent2"})
    v.pos["agent2"] = (6.5, -59.0, 7.5)  # staged: it waits by the furnace, inputs in hand
    out = LookaheadScheduler(v.graph, v.subtasks, {FURNACE}).dispatch(v)
    # the last open subtask: nothing is left to follow it
    assert out == [Dispatch("smelt:b", ("agent2",), not_before=15.0, last=True)]


def test_an_agent_far_from_a_busy_furnace_leaves_before_it_frees() -> None:
    # At the hub, inputs still to take: the straight walk hub -> furnace less the 2.5 blocks
    # a worker stops short is sqrt(6^2 + 1 + 5^2) - 2.5 = 5.374 blocks, 1.245 s at
    # 4.317 blocks/s (vanilla walking speed), so it leaves at 15 - 1.245.
    subs = [smelt("smelt:a", "beef"), smelt("smelt:b", "rabbit")]
    v = view(subs, [], ["agent2"], status={"smelt:a": "running"}, released={"smelt:a": 15.0})
    out = LookaheadScheduler(v.graph, v.subtasks, {FURNACE}).dispatch(v)
    assert [(d.sid, d.agents, d.stage, d.last) for d in out] == [
        ("smelt:b", ("agent2",), False, True)]
    assert out[0].not_before == pytest.approx(15.0 - (62 ** 0.5 - 2.5) / 4.317, abs=1e-9)


def test_arrive_within_is_the_workers_reach() -> None:
    from agents.brain import NEAR
    from planner.schedule import ARRIVE_WITHIN

    assert ARRIVE_WITHIN == NEAR


def test_the_next_wave_is_prepared_with_what_the_hub_holds_now() -> None:
    cake = Subtask(id="craft:cake", kind="craft", target="cake",
                   inputs={"sugar": 2, "egg": 1, "milk_bucket": 3}, station=(3, -60, 3),
                   seconds=2.0)
    sugar = Subtask(id="craft:sugar", kind="craft", target="sugar",
                    inputs={"sugar_cane": 2}, seconds=2.0)
    v = view([cake, sugar], [("craft:sugar", "craft:cake")], ["agent1", "agent2"])
    out = LookaheadScheduler(v.graph, v.subtasks).dispatch(v)
    assert out == [
        Dispatch("craft:sugar", ("agent1",)),
        # sugar is still to be made: take the rest, wait at the hub for it
        Dispatch("craft:cake", ("agent2",), stage=True,
                 inputs=(("egg", 1), ("milk_bucket", 3)), wait_at=HUB),
    ]


def test_the_prepared_agent_gets_its_subtask_and_others_do_not() -> None:
    a = Subtask(id="place:a", kind="place", target="stone", seconds=1.0)
    b = Subtask(id="place:b", kind="place", target="dirt", seconds=1.0)
    v = view([a, b], [("place:a", "place:b")], ["agent1", "agent2"],
             status={"place:a": "done"}, reserved={"place:b": "agent2"})
    assert LookaheadScheduler(v.graph, v.subtasks).dispatch(v) == [
        Dispatch("place:b", ("agent2",), last=True)]
    # still preparing (not free): nobody else takes it
    v2 = view([a, b], [("place:a", "place:b")], ["agent1"], status={"place:a": "done"},
              reserved={"place:b": "agent2"})
    assert LookaheadScheduler(v2.graph, v2.subtasks).dispatch(v2) == []


def test_idle_agents_split_a_long_building_job() -> None:
    blocks = [BlueprintBlock(name="stone", pos=(x, -60, 0)) for x in range(8)]
    big = Subtask(id="place:big", kind="place", target="stone", count=8,
                  inputs={"stone": 8}, blocks=blocks, seconds=8.0)
    small = Subtask(id="place:small", kind="place", target="dirt", count=1,
                    inputs={"dirt": 1}, blocks=[BlueprintBlock(name="dirt", pos=(9, -60, 0))],
                    seconds=1.0)
    v = view([big, small], [], ["agent1", "agent2", "agent3"])
    out = LookaheadScheduler(v.graph, v.subtasks).dispatch(v)
    # the short job's agent helps with the long one, then the third joins it too
    assert out == [Dispatch("place:big", ("agent1", "agent2", "agent3"))]


def test_split_parts_of_blocks_and_counts() -> None:
    blocks = [BlueprintBlock(name="stone" if x % 2 else "dirt", pos=(x, -60, 0))
              for x in range(5)]
    st = Subtask(id="place:p", kind="place", target="stone", count=5,
                 inputs={"stone": 2, "dirt": 3}, blocks=blocks, seconds=5.0)
    parts = split_parts(st, 2)
    assert [p.id for p in parts] == ["place:p", "place:p"]
    assert [[b.pos[0] for b in p.blocks] for p in parts] == [[0, 1, 2], [3, 4]]
    assert [p.inputs for p in parts] == [{"dirt": 2, "stone": 1}, {"stone": 1, "dirt": 1}]
    assert [p.count for p in parts] == [3, 2]
    harvest = Subtask(id="harvest:wheat", kind="harvest", target="wheat", count=3,
                      sites=[(4, -59, z) for z in range(4)], seconds=3.0)
    hp = split_parts(harvest, 2)
    assert [p.count for p in hp] == [2, 1]
    assert [p.sites for p in hp] == [[(4, -59, 0), (4, -59, 2)], [(4, -59, 1), (4, -59, 3)]]
    milk = Subtask(id="milk:m", kind="milk", target="milk_bucket", count=3,
                   inputs={"bucket": 3}, seconds=3.0)
    assert [p.inputs for p in split_parts(milk, 3)] == [{"bucket": 1}] * 3
    assert split_parts(smelt("smelt:x", "beef"), 2) == [smelt("smelt:x", "beef")]


def test_causal_cp_keeps_one_smelt_at_a_time_and_completes() -> None:
    from tasks.episode import run_episode

    r = run_episode({"task": "cooking/rabbit_stew_0", "planner": "causal-cp", "agents": 3})
    assert r["metrics"]["completion"] == 1.0
    smelts = sorted((t["start"], t["end"]) for t in r["trace"]
                    if t["name"] == "smelt" and t["ok"])
    assert len(smelts) == 2 and smelts[0][1] <= smelts[1][0] + 1e-9
    assert not [t for t in r["trace"] if t["name"] == "smelt" and not t["ok"]]
    for cats in r["breakdown"]["agents"].values():
        assert abs(sum(cats.values()) - r["metrics"]["makespan_s"]) < 1e-3


def test_causal_cp_splits_one_long_building_job_over_agents() -> None:
    from tasks.episode import run_episode

    r = run_episode({"task": "construction/task_10", "planner": "causal-cp", "agents": 3})
    full = run_episode({"task": "construction/task_10", "planner": "full", "agents": 3})
    assert r["metrics"]["completion"] == 1.0
    placers = {t["agent"] for t in r["trace"] if t["name"] == "place" and t["ok"]}
    assert len(placers) == 3
    assert r["metrics"]["makespan_s"] < full["metrics"]["makespan_s"]


def test_lower_bound_definition_is_pinned_for_prepared_and_split_work() -> None:
    """LB = max(critical path over the rules' graph with spans from each subtask's last
    attempt's work actions, longest agent's share; all action time / agents). Preparation
    (`stage:<id>`) is work for the second term and in no span; two agents on one subtask
    count once, with the longer share."""
    from agents.messages import TraceEntry
    from tasks.metrics import trace_lower_bound

    def t(agent: str, name: str, start: float, end: float, sub: str) -> TraceEntry:
        return TraceEntry(agent=agent, name=name, args={}, start=start, end=end, ok=True,
                          subtask=sub, attempt=1)

    g = nx.DiGraph([("a", "b")])
    trace = [t("x", "place", 0, 2, "a"), t("y", "place", 0, 3, "a"),
             t("z", "take", 0, 1, "stage:b"), t("z", "move_to", 1, 4, "stage:b"),
             t("z", "place", 4, 5, "b")]
    assert trace_lower_bound(g, trace, agents=3) == pytest.approx((4.0, 4.0, 10 / 3))
    assert trace_lower_bound(g, trace, agents=2) == (5.0, 4.0, 5.0)


def test_a_wall_along_z_is_cut_into_stretches() -> None:
    wall = [BlueprintBlock(name="stone", pos=(x, -60, z)) for z in range(6) for x in (0, 1)]
    st = Subtask(id="place:wall", kind="place", target="stone", count=12,
                 inputs={"stone": 12}, blocks=wall, seconds=6.0)
    parts = split_parts(st, 2)
    # z spans 6 blocks and x 2: each part is three rows of the wall, not one of its faces
    assert [sorted({b.pos[2] for b in p.blocks}) for p in parts] == [[0, 1, 2], [3, 4, 5]]


def test_a_scattered_building_job_goes_out_before_a_compact_one() -> None:
    row = Subtask(id="place:row", kind="place", target="stone", count=3, inputs={"stone": 3},
                  blocks=[BlueprintBlock(name="stone", pos=(0, -60, z)) for z in range(3)],
                  seconds=4.0)
    spread = Subtask(id="place:spread", kind="place", target="dirt", count=2,
                     inputs={"dirt": 2}, seconds=4.0,
                     blocks=[BlueprintBlock(name="dirt", pos=(0, -60, z)) for z in (-10, 10)])
    v = view([row, spread], [], ["agent1"])
    # the same estimate, but 3.59 s of walking between the scattered blocks
    assert LookaheadScheduler(v.graph, v.subtasks).dispatch(v) == [
        Dispatch("place:spread", ("agent1",))]


def test_builders_stay_off_site_and_keep_their_scaffold_dirt() -> None:
    from tasks.episode import run_episode

    r = run_episode({"task": "construction/task_42", "planner": "causal-cp", "agents": 3,
                     "seed": 0})
    assert r["metrics"]["completion"] == 1.0
    # The blueprint's dirt is placed from each builder's own scaffold dirt: none goes back.
    assert not [t for t in r["trace"] if t["name"] == "put" and t["args"]["item"] == "dirt"]
    # Nobody walks back to the hub after its last job: each agent's last action is a place.
    last = {t["agent"]: t for t in sorted(r["trace"], key=lambda t: t["end"])}
    assert {t["name"] for t in last.values()} == {"place"}
    assert max(t["end"] for t in last.values()) == pytest.approx(r["metrics"]["makespan_s"],
                                                               abs=1e-4)


def test_a_chain_is_prepared_two_waves_ahead_in_one_round() -> None:
    # a -> b -> c, four free agents: a starts; b is prepared; c, whose predecessor b is
    # being prepared in this same round, is prepared too (not one round later, when the
    # agent left for it may set off only as late as the next event).
    subs = [Subtask(id=f"place:{n}", kind="place", target="stone", inputs={"stone": 1},
                    blocks=[BlueprintBlock(name="stone", pos=(5, -60 + k, 0))], seconds=2.0)
            for k, n in enumerate("abc")]
    v = view(subs, [("place:a", "place:b"), ("place:b", "place:c")],
             ["agent1", "agent2", "agent3", "agent4"])
    out = LookaheadScheduler(v.graph, v.subtasks).dispatch(v)
    assert [(d.sid, d.agents, d.stage) for d in out] == [
        ("place:a", ("agent1",), False),
        ("place:b", ("agent2",), True),
        ("place:c", ("agent3",), True),
    ]
    assert [(d.inputs, d.wait_at) for d in out[1:]] == [
        ((("stone", 1),), (5, -59, 0)), ((("stone", 1),), (5, -58, 0))]


def test_blocks_a_preparation_took_beyond_its_part_go_back_to_the_hub() -> None:
    from tasks.episode import run_episode

    # Four builders on a tower whose purpur blocks the hub holds exactly: agents prepared
    # for one layer are given parts of another; what they hold beyond their part goes back,
    # so every layer is built.
    r = run_episode({"task": "construction/task_44", "planner": "causal-cp", "agents": 4,
                     "seed": 0})
    assert r["metrics"]["completion"] == 1.0


def test_one_agent_does_every_furnace_job_of_a_dish_and_the_dish() -> None:
    # Two smelts on the one furnace run one after the other whoever does them; the agent
    # of the first also does the second and the craft, keeping each output in hand and
    # taking everything on its one trip to the hub: no hand-off through the hub.
    stew = Subtask(id="craft:stew", kind="craft", target="rabbit_stew", station=(3, -60, 3),
                   inputs={"cooked_beef": 1, "cooked_rabbit": 1, "bowl": 1}, seconds=0.2)
    subs = [smelt("smelt:a", "beef"), smelt("smelt:b", "rabbit"), stew]
    edges = [("smelt:a", "craft:stew"), ("smelt:b", "craft:stew")]
    v = view(subs, edges, ["agent1", "agent2", "agent3"])
    sched = LookaheadScheduler(v.graph, v.subtasks, {FURNACE})
    assert sched.dispatch(v) == [Dispatch("smelt:a", ("agent1",), keep=True, carry=(
        ("bowl", 1), ("coal", 1), ("rabbit", 1)))]
    # agent1 is back first: the second smelt is its own, whoever else is free
    v = view(subs, edges, ["agent1", "agent2", "agent3"], status={"smelt:a": "done"})
    v.pos["agent1"] = (6.5, -59.0, 6.5)
    assert sched.dispatch(v) == [Dispatch("smelt:b", ("agent1",), keep=True)]
    v = view(subs, edges, ["agent2", "agent3"],
             status={"smelt:a": "done", "smelt:b": "running"})
    assert sched.dispatch(v) == []  # nobody prepares the dish: agent1 has all it needs
    v = view(subs, edges, ["agent1", "agent2", "agent3"],
             status={"smelt:a": "done", "smelt:b": "done"})
    assert sched.dispatch(v) == [Dispatch("craft:stew", ("agent1",), last=True)]


def test_a_furnace_job_bound_to_an_agent_that_is_gone_goes_to_another() -> None:
    stew = Subtask(id="craft:stew", kind="craft", target="rabbit_stew", station=(3, -60, 3),
                   inputs={"cooked_beef": 1, "cooked_rabbit": 1, "bowl": 1}, seconds=0.2)
    subs = [smelt("smelt:a", "beef"), smelt("smelt:b", "rabbit"), stew]
    edges = [("smelt:a", "craft:stew"), ("smelt:b", "craft:stew")]
    v = view(subs, edges, ["agent1", "agent2"])
    sched = LookaheadScheduler(v.graph, v.subtasks, {FURNACE})
    assert [d.agents for d in sched.dispatch(v)] == [("agent1",)]
    v = view(subs, edges, ["agent2"], status={"smelt:a": "done"}, gone={"agent1"})
    assert [(d.sid, d.agents) for d in sched.dispatch(v)] == [("smelt:b", ("agent2",))]


def test_causal_cp_smelts_and_cooks_a_stew_with_one_agent_and_no_hand_off() -> None:
    from tasks.episode import run_episode

    r = run_episode({"task": "cooking/rabbit_stew_0", "planner": "causal-cp", "agents": 3,
                     "seed": 0})
    trace = r["trace"]
    cooks = {t["agent"] for t in trace if t["name"] in ("smelt", "craft") and t["ok"]}
    puts = [t["args"]["item"] for t in trace if t["name"] == "put"]
    assert (r["metrics"]["completion"], len(cooks), puts) == (1.0, 1, [])


def test_a_prepared_agent_is_never_prepared_for_a_second_subtask() -> None:
    # agent1 holds what place:c needs (c waits for b, b for a); nothing runs. agent2, sooner
    # free, starts a; b is next, but agent1 is not sent to prepare it: what it holds for c
    # would be lost to c.
    a, b, c = (Subtask(id=f"place:{x}", kind="place", target="stone", seconds=1.0)
               for x in "abc")
    v = view([a, b, c], [("place:a", "place:b"), ("place:b", "place:c")],
             ["agent1", "agent2"], reserved={"place:c": "agent1"})
    v.free["agent1"] = 1.0
    out = LookaheadScheduler(v.graph, v.subtasks).dispatch(v)
    assert out == [Dispatch("place:a", ("agent2",))]


def test_when_nothing_runs_a_prepared_agent_takes_ready_work() -> None:
    # Nothing runs, and the only free agent waits for c, which a must come before: it
    # starts a (else nobody ever would); it is not prepared for b besides.
    a, b, c = (Subtask(id=f"place:{x}", kind="place", target="stone", seconds=1.0)
               for x in "abc")
    v = view([a, b, c], [("place:a", "place:b"), ("place:b", "place:c")],
             ["agent1"], reserved={"place:c": "agent1"})
    out = LookaheadScheduler(v.graph, v.subtasks).dispatch(v)
    assert out == [Dispatch("place:a", ("agent1",))]


@pytest.mark.parametrize("agents", [2, 4, 6, 8])
def test_causal_cp_finishes_a_tower_with_more_agents_than_layers_at_once(agents: int) -> None:
    # construction/task_86: agents prepared for upper layers wait while one builds; none may
    # hold the others (with 4 agents it used to stop at completion 0.68, every agent
    # waiting, until the wall-clock limit).
    from tasks.episode import run_episode

    r = run_episode({"task": "construction/task_86", "planner": "causal-cp",
                     "agents": agents, "seed": 0, "timeout_s": 30})
    assert (r["metrics"]["completion"], r["timed_out"]) == (1.0, False)
