"""Episode metrics, as pure functions of the action trace (VillagerBench's formulas).

- `action_time`: the wall-clock union of all agents' action intervals.
- efficiency = budget / action_time (VillagerBench's max_action_time / action_time).
- balance = 1 - std(t_i / max_j t_j), t_i agent i's summed action time (population std;
  agents that did nothing count with t_i = 0).
- makespan: the end of the last action (the episode starts at 0).
- lower bound LB = max(critical path, total work / agents, each exclusive station's busy
  time), from the same action durations as the run: each subtask lasts what its last
  attempt's work actions took (crafting, digging, taking, ...: not walking or waiting; the
  longest agent's share for a joint subtask), the critical path follows the rules' own
  graph, and total work is every agent's summed action time. An exclusive station (a
  furnace: `env/data/stations.json`) does one job at a time, so its jobs' actions there
  (the smelts) follow one another: no schedule ends before the earliest any of them can
  start (the critical path up to it), plus all of them, plus the least any of them still
  leaves after it (the critical path from it). So LB <= makespan, and LB / makespan says
  how close the schedule came to the best any assignment of the same work could do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import networkx as nx

from agents.messages import TraceEntry


def union_length(intervals: Iterable[tuple[float, float]]) -> float:
    """Total length covered by the intervals.

    >>> union_length([(0, 2), (1, 3), (5, 6)])
    4.0
    """
    total = 0.0
    cur_start = cur_end = None
    for s, e in sorted(intervals):
        if cur_end is None or s > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = s, e
        else:
            cur_end = max(cur_end, e)
    if cur_end is not None:
        total += cur_end - cur_start
    return float(total)


def agent_times(trace: Sequence[TraceEntry], agents: Sequence[str]) -> dict[str, float]:
    times = dict.fromkeys(agents, 0.0)
    for t in trace:
        times[t.agent] = times.get(t.agent, 0.0) + (t.end - t.start)
    return times


def balance(times: dict[str, float]) -> float:
    """1 - std(t_i / max t_j); 1.0 when nobody acted.

    >>> balance({"a": 10.0, "b": 10.0})
    1.0
    >>> round(balance({"a": 10.0, "b": 0.0}), 3)
    0.5
    """
    values = list(times.values())
    top = max(values, default=0.0)
    if top <= 0:
        return 1.0
    shares = [v / top for v in values]
    mean = sum(shares) / len(shares)
    std = (sum((s - mean) ** 2 for s in shares) / len(shares)) ** 0.5
    return 1.0 - std


def efficiency(budget_s: float, action_time_s: float) -> float:
    return budget_s / action_time_s if action_time_s > 0 else 0.0


def lower_bound(graph: nx.DiGraph, seconds: dict[str, float], workers: dict[str, int],
                agents: int) -> tuple[float, float, float]:
    """(LB, critical path, total work / agents) for a DAG whose nodes take `seconds` each and
    need `workers` agents at once."""
    if graph.number_of_nodes() == 0:
        return 0.0, 0.0, 0.0
    finish: dict[str, float] = {}
    for node in nx.topological_sort(graph):
        start = max((finish[p] for p in graph.predecessors(node)), default=0.0)
        finish[node] = start + seconds.get(node, 0.0)
    critical = max(finish.values())
    work = sum(seconds.get(n, 0.0) * workers.get(n, 1) for n in graph.nodes) / max(1, agents)
    return max(critical, work), critical, work


TRAVEL_AND_WAIT = frozenset({"move_to", "wait", "rendezvous"})


def last_attempt_work(trace: Sequence[TraceEntry]) -> list[TraceEntry]:
    """The trace's work actions (not walking or waiting) of each subtask's last attempt, in
    trace order; actions of no subtask are left out."""
    last: dict[str, int] = {}
    for t in trace:
        if t.subtask is not None:
            last[t.subtask] = max(last.get(t.subtask, 0), t.attempt)
    return [t for t in trace if t.subtask is not None and t.attempt == last[t.subtask]
            and t.name not in TRAVEL_AND_WAIT]


def subtask_durations(trace: Sequence[TraceEntry]) -> tuple[dict[str, float], dict[str, int]]:
    """Per subtask: its span (the longest agent's summed time of its last attempt's work
    actions) and how many agents worked on that attempt, from the trace. Earlier, failed
    attempts are work a better schedule would not have done, and walking and waiting could
    overlap other work, so neither counts in a span: what is left of v can only start once
    its predecessors' outputs exist, which keeps the critical path at most the makespan."""
    per: dict[str, dict[str, float]] = {}
    for t in last_attempt_work(trace):
        if t.subtask is not None:
            agent_time = per.setdefault(t.subtask, {})
            agent_time[t.agent] = agent_time.get(t.agent, 0.0) + (t.end - t.start)
    return ({s: max(v.values()) for s, v in per.items()}, {s: len(v) for s, v in per.items()})


def trace_lower_bound(graph: nx.DiGraph, trace: Sequence[TraceEntry], agents: int,
                      exclusive: Collection[tuple[int, int, int]] = ()
                      ) -> tuple[float, float, float]:
    """(LB, critical path, work / agents) from the trace's own durations (module docstring).
    `exclusive`: the positions of the world's exclusive stations; LB is at least each one's
    `station_bound`."""
    spans, _ = subtask_durations(trace)
    _, critical, _ = lower_bound(graph, spans, {}, agents)
    work = sum(t.end - t.start for t in trace) / max(1, agents)
    stations = [station_bound(graph, spans, trace, pos) for pos in sorted(set(exclusive))]
    return max(critical, work, *stations), critical, work


def _station_of(t: TraceEntry, exclusive: tuple[int, int, int]) -> bool:
    """Whether action `t` works at the station at `exclusive` (an argument names it)."""
    return any(isinstance(v, (list, tuple)) and len(v) == 3 and tuple(v) == exclusive
               for v in t.args.values())


def station_bound(graph: nx.DiGraph, spans: dict[str, float], trace: Sequence[TraceEntry],
                  station: tuple[int, int, int]) -> float:
    """Seconds no schedule of this work beats, given that the exclusive station at `station`
    does one job at a time: the least critical path (over `spans`, seconds per subtask)
    before any of its subtasks, plus the summed durations of the last attempts' actions at
    it, plus the least critical path after any of them (0 when no action used it).

    >>> g = nx.DiGraph([("fetch", "smelt:a"), ("smelt:a", "craft"), ("smelt:b", "craft")])
    >>> def at(sub, s, e):
    ...     return TraceEntry(agent="a", name="smelt", args={"furnace": [0, 0, 0]}, start=s,
    ...                       end=e, ok=True, subtask=sub)
    >>> trace = [at("smelt:a", 2, 12), at("smelt:b", 12, 22)]
    >>> station_bound(g, {"fetch": 2, "smelt:a": 10, "smelt:b": 10, "craft": 1}, trace,
    ...               (0, 0, 0))
    21.0
    """
    uses = [t for t in last_attempt_work(trace) if _station_of(t, station)]
    if not uses:
        return 0.0
    jobs = {t.subtask for t in uses} & set(graph.nodes)
    head: dict[str, float] = {}  # the longest chain of spans before each node starts
    for node in nx.topological_sort(graph):
        head[node] = max((head[p] + spans.get(p, 0.0) for p in graph.predecessors(node)),
                         default=0.0)
    tail: dict[str, float] = {}  # the longest chain of spans after each node ends
    for node in reversed(list(nx.topological_sort(graph))):
        tail[node] = max((spans.get(w, 0.0) + tail[w] for w in graph.successors(node)),
                         default=0.0)
    busy = sum(t.end - t.start for t in uses)
    return min((head[j] for j in jobs), default=0.0) + busy + \
        min((tail[j] for j in jobs), default=0.0)


def episode_metrics(trace: Sequence[TraceEntry], agents: Sequence[str], budget_s: float,
                    lb_s: float, score: float, completion: float, llm_calls: int = 0,
                    tokens: int = 0) -> dict[str, float | int]:
    """The `metrics` block of a result file."""
    act = union_length((t.start, t.end) for t in trace)
    makespan = max((t.end for t in trace), default=0.0)
    return {
        "completion": round(completion, 6),
        "score": round(score, 4),
        "efficiency": round(efficiency(budget_s, act), 6),
        "balance": round(balance(agent_times(trace, agents)), 6),
        "makespan_s": round(makespan, 4),
        "action_time_s": round(act, 4),
        "lower_bound_s": round(lb_s, 4),
        "lb_ratio": round(lb_s / makespan, 6) if makespan > 0 else 0.0,
        "actions": len(trace),
        "failed_actions": sum(1 for t in trace if not t.ok),
        "llm_calls": llm_calls,
        "tokens": tokens,
    }
