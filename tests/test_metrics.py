"""Metrics pinned to hand-computed values."""

import networkx as nx
import pytest

from agents.messages import TraceEntry
from tasks.metrics import balance, episode_metrics, lower_bound, union_length


def entry(agent: str, start: float, end: float, ok: bool = True) -> TraceEntry:
    return TraceEntry(agent=agent, name="wait", args={}, start=start, end=end, ok=ok)


def test_union_length_merges_overlaps_and_gaps() -> None:
    assert union_length([(0, 2), (1, 3), (5, 6)]) == 4.0
    assert union_length([(0, 1), (1, 2)]) == 2.0
    assert union_length([]) == 0.0
    assert union_length([(3, 4), (0, 10)]) == 10.0


def test_balance_by_hand() -> None:
    # shares 1.0, 0.5 -> mean 0.75, population std 0.25
    assert balance({"a": 10.0, "b": 5.0}) == pytest.approx(0.75)
    # shares 1, 1, 0 -> mean 2/3, std sqrt(((1/3)^2*2 + (2/3)^2)/3) = sqrt(2/9) = 0.4714
    assert balance({"a": 4.0, "b": 4.0, "c": 0.0}) == pytest.approx(1 - (2 / 9) ** 0.5)
    assert balance({"a": 0.0, "b": 0.0}) == 1.0


def test_lower_bound_is_max_of_critical_path_and_work_share() -> None:
    g = nx.DiGraph([("a", "c"), ("b", "c")])
    seconds = {"a": 4.0, "b": 2.0, "c": 3.0}
    lb, critical, work = lower_bound(g, seconds, {}, agents=2)
    assert (critical, work, lb) == (7.0, 4.5, 7.0)
    lb1, critical1, work1 = lower_bound(g, seconds, {"c": 2}, agents=1)
    assert (critical1, work1, lb1) == (7.0, 12.0, 12.0)


def test_episode_metrics_by_hand() -> None:
    trace = [entry("a1", 0, 4), entry("a2", 2, 6, ok=False), entry("a1", 8, 10)]
    m = episode_metrics(trace, ["a1", "a2", "a3"], budget_s=16.0, lb_s=5.0, score=100.0,
                        completion=1.0, llm_calls=3, tokens=120)
    # union: [0,6] + [8,10] = 8 s; efficiency 16 / 8 = 2
    assert m["action_time_s"] == 8.0
    assert m["efficiency"] == 2.0
    assert m["makespan_s"] == 10.0
    assert m["lb_ratio"] == 0.5
    assert (m["actions"], m["failed_actions"], m["llm_calls"], m["tokens"]) == (3, 1, 3, 120)
    # times a1 6, a2 4, a3 0 -> shares 1, 2/3, 0; mean 5/9
    shares = [1.0, 2 / 3, 0.0]
    mean = sum(shares) / 3
    std = (sum((s - mean) ** 2 for s in shares) / 3) ** 0.5
    assert m["balance"] == pytest.approx(1 - std, abs=1e-6)


def test_trace_lower_bound_uses_the_runs_own_durations() -> None:
    from tasks.metrics import trace_lower_bound

    def e(agent: str, s: float, t: float, sub: str) -> TraceEntry:
        return TraceEntry(agent=agent, name="craft", args={}, start=s, end=t, ok=True,
                          subtask=sub)

    trace = [e("a", 0, 3, "u"), e("b", 0, 1, "w"), e("a", 3, 5, "v"), e("b", 3, 4, "v")]
    g = nx.DiGraph([("u", "v")])
    g.add_node("w")
    lb, critical, work = trace_lower_bound(g, trace, agents=2)
    # spans: u 3, w 1, v max(2, 1) = 2 -> critical 5; work (3 + 1 + 2 + 1) / 2 = 3.5
    assert (critical, work, lb) == (5.0, 3.5, 5.0)


def test_failed_attempts_count_as_work_but_not_in_spans() -> None:
    from tasks.metrics import subtask_durations

    trace = [TraceEntry(agent="a", name="take", args={}, start=0, end=5, ok=False,
                        subtask="v", attempt=1),
             TraceEntry(agent="b", name="craft", args={}, start=6, end=7, ok=True,
                        subtask="v", attempt=2)]
    spans, workers = subtask_durations(trace)
    assert spans == {"v": 1.0} and workers == {"v": 1}


def test_walking_and_waiting_are_work_but_not_span() -> None:
    from tasks.metrics import subtask_durations, trace_lower_bound

    trace = [TraceEntry(agent="a", name="move_to", args={}, start=0, end=4, ok=True,
                        subtask="v"),
             TraceEntry(agent="a", name="craft", args={}, start=4, end=5, ok=True,
                        subtask="v")]
    assert subtask_durations(trace)[0] == {"v": 1.0}
    g = nx.DiGraph()
    g.add_node("v")
    assert trace_lower_bound(g, trace, agents=1) == (5.0, 1.0, 5.0)


def test_an_exclusive_station_puts_its_jobs_one_after_another_in_the_bound() -> None:
    # Two 10 s smelts at one furnace feed a 1 s craft: the rules' graph alone allows them at
    # once (critical path 2 + 10 + 1 = 13 s), but a furnace smelts one job at a time
    # (minecraft.wiki/w/Furnace; env/data/stations.json): no schedule ends before the
    # earliest a smelt can start (0 s: smelt:b waits for nothing) + 20 s + the 1 s craft.
    from tasks.metrics import trace_lower_bound

    def act(agent: str, name: str, s: float, t: float, sub: str, **args: object) -> TraceEntry:
        return TraceEntry(agent=agent, name=name, args=args, start=s, end=t, ok=True,
                          subtask=sub)

    furnace = [5, -60, 5]
    trace = [act("a", "take", 0, 2, "fetch", pos=[0, -60, 0]),
             act("a", "smelt", 2, 12, "smelt:a", furnace=furnace),
             act("b", "move_to", 0, 12, "smelt:b", pos=furnace),
             act("b", "smelt", 12, 22, "smelt:b", furnace=furnace),
             act("a", "craft", 22, 23, "craft")]
    g = nx.DiGraph([("fetch", "smelt:a"), ("smelt:a", "craft"), ("smelt:b", "craft")])
    work = (2 + 10 + 12 + 10 + 1) / 3
    assert trace_lower_bound(g, trace, agents=3) == (13.0, 13.0, work)  # no station given
    assert trace_lower_bound(g, trace, agents=3, exclusive=[(5, -60, 5)]) == (21.0, 13.0, work)
    # two furnaces: each holds one job, and the rules' critical path is the bound again
    trace[3] = act("b", "smelt", 12, 22, "smelt:b", furnace=[9, -60, 9])
    assert trace_lower_bound(g, trace, agents=3,
                             exclusive=[(5, -60, 5), (9, -60, 9)]) == (13.0, 13.0, work)
