"""Lines and schedulers on small hand-made DAGs: which agent gets which subtask."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.lines import dfs_lines
from planner.schedule import (
    BusyScheduler,
    CriticalPathScheduler,
    LLMScheduler,
    RandomScheduler,
    RoundRobinScheduler,
    ScheduleState,
    make_scheduler,
    remaining_path,
)
from planner.subtask import Subtask

EDGES = [("a", "b"), ("b", "c"), ("a", "d"), ("d", "e"), ("f", "e")]


def dag() -> nx.DiGraph:
    return nx.DiGraph(EDGES)


def ready(g: nx.DiGraph, state: ScheduleState) -> list[str]:
    busy = set(state.working.values())
    return sorted(n for n in g if n not in state.done and n not in busy
                  and all(p in state.done for p in g.predecessors(n)))


def test_dfs_lines_cover_every_node_once_in_order() -> None:
    assert dfs_lines(dag()) == [["a", "b", "c"], ["d", "e"], ["f"]]
    assert dfs_lines(nx.DiGraph([("x", "y"), ("x", "z"), ("z", "w")])) == [["x", "y"],
                                                                           ["z", "w"]]
    g = nx.DiGraph([("r", "m"), ("r", "n"), ("m", "k"), ("n", "k"), ("k", "z")])
    g.add_node("lone")
    assert dfs_lines(g) == [["lone"], ["r", "m", "k", "z"], ["n"]]


def test_dfs_lines_refuse_a_cycle() -> None:
    with pytest.raises(ValueError, match="cycle"):
        dfs_lines(nx.DiGraph([("a", "b"), ("b", "a")]))


def test_busy_rate_formula() -> None:
    state = ScheduleState.start([["a", "b", "c"], ["d", "e"], ["f"]], ["w1", "w2", "w3"])
    state.claim("w1", "a")
    state.claim("w2", "f")
    state.mark_done("a")
    state.release("w1")
    assert state.next_pos == [1, 0, 0]
    assert state.on_line == [0, 0, 1]
    assert state.busy(0) == pytest.approx(1 / 3)  # 0/3 + 1 * 1/3
    assert state.busy(2) == pytest.approx(1 / 3)  # 1/3 + 1 * 0/1
    assert state.busy(0, lam=0.5) == pytest.approx(1 / 6)


def test_busy_scheduler_hands_out_by_lowest_busy_then_most_work() -> None:
    g = dag()
    state = ScheduleState.start(dfs_lines(g), ["w1", "w2", "w3"])
    sched = BusyScheduler()
    picks = []

    def ask(agent: str) -> None:
        sid = sched.pick(agent, ready(g, state), state)
        picks.append((agent, sid))
        if sid:
            state.claim(agent, sid)

    def finish(agent: str) -> None:
        state.mark_done(state.working[agent])
        state.release(agent)

    ask("w1")  # a (line 0, 3 left) and f (line 2, 1 left) both at busy 0: most work -> a
    ask("w2")  # only f is ready
    ask("w3")  # nothing ready
    finish("w1")  # b (line 0: busy 1/3) and d (line 1: busy 0) are ready
    ask("w1")
    ask("w3")
    assert picks == [("w1", "a"), ("w2", "f"), ("w3", None), ("w1", "d"), ("w3", "b")]


def test_busy_ties_go_to_the_lower_line_when_work_left_is_equal() -> None:
    state = ScheduleState.start([["p"], ["q"]], ["w1"])
    assert BusyScheduler().pick("w1", ["q", "p"], state) == "p"
    state.claim("w1", "p")  # now line 0 is busy (1/1)
    assert BusyScheduler().pick("w2", ["q"], state) == "q"


def test_random_scheduler_is_seeded() -> None:
    picks = [RandomScheduler(seed=3).pick("w", ["a", "b", "c", "d"], ScheduleState.start(
        [], ["w"])) for _ in range(2)]
    assert picks[0] == picks[1]
    s = RandomScheduler(seed=3)
    state = ScheduleState.start([], ["w"])
    seq = [s.pick("w", ["a", "b", "c", "d"], state) for _ in range(6)]
    assert seq == ["b", "b", "c", "d", "a", "a"]


def test_round_robin_serves_lines_in_turn() -> None:
    state = ScheduleState.start([["a"], ["b"], ["c"]], ["w1", "w2"])
    rr = RoundRobinScheduler()
    assert [rr.pick("w", ["a", "b", "c"], state) for _ in range(4)] == ["a", "b", "c", "a"]
    assert rr.pick("w", ["a", "c"], state) == "c"


def test_critical_path_takes_the_longest_remaining_chain() -> None:
    g = dag()
    seconds = {"a": 1, "b": 1, "c": 1, "d": 5, "e": 2, "f": 10}
    assert remaining_path(g, seconds) == {"c": 1, "b": 2, "e": 2, "d": 7, "a": 8, "f": 12}
    cp = CriticalPathScheduler(g, seconds)
    state = ScheduleState.start(dfs_lines(g), ["w1", "w2"])
    assert cp.pick("w1", ["a", "f"], state) == "f"
    assert cp.pick("w2", ["a"], state) == "a"
    assert cp.pick("w1", ["b", "d"], state) == "d"


def test_llm_scheduler_follows_good_answers_and_falls_back_on_bad_ones() -> None:
    subs = {i: Subtask(id=i, kind="craft", target=i) for i in "abcdef"}
    answers = iter(['{"subtask": "f"}', "no idea", '{"subtask": "zz"}',
                    'Sure! {"subtask": null}'])
    sched = LLMScheduler(lambda p: next(answers), subs)
    state = ScheduleState.start(dfs_lines(dag()), ["w1", "w2"])
    assert sched.pick("w1", ["a", "f"], state) == "f"
    assert sched.pick("w1", ["a", "f"], state) == "a"  # busy's choice
    assert sched.pick("w1", ["a", "f"], state) == "a"
    assert sched.pick("w1", ["a", "f"], state) is None  # the model says wait
    assert [c.error for c in sched.calls] == [
        None, "the answer holds no JSON object: 'no idea'",
        "assignment answer: 'zz' is not one of the ready subtasks ['a', 'f']", None]
    assert "Agent w1 is free" in sched.calls[0].prompt
    assert "line 0: a -> b -> c" in sched.calls[0].prompt


def test_llm_scheduler_survives_a_failing_client() -> None:
    def ask(prompt: str) -> str:
        raise ConnectionError("down")

    sched = LLMScheduler(ask, {})
    state = ScheduleState.start([["a"]], ["w1"])
    assert sched.pick("w1", ["a"], state) == "a"
    assert sched.calls[0].error == "ask failed: down"


def test_make_scheduler_names() -> None:
    g = dag()
    subs = {i: Subtask(id=i, kind="craft", target=i, seconds=2.0) for i in "abcdef"}
    assert [make_scheduler(n, g, subs, ask=lambda p: "").name for n in (
        "busy", "random", "round_robin", "critical_path", "llm")] == [
        "busy", "random", "round_robin", "critical_path", "llm"]
    with pytest.raises(ValueError, match="unknown scheduler 'fifo': choose one of busy, "
                                         "random, round_robin, critical_path, llm"):
        make_scheduler("fifo", g, subs)
    with pytest.raises(ValueError, match="needs an LLM brain"):
        make_scheduler("llm", g, subs)


def test_state_rejects_a_subtask_in_two_lines() -> None:
    with pytest.raises(ValueError, match="'a' is in lines 0 and 1"):
        ScheduleState.start([["a"], ["a"]], ["w"])
