"""What an episode publishes for viewers: the plan as refined (`PlanGraph`) and the score
after each action (`ScoreUpdate`). Pure builders; the Planner and Judger publish them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import networkx as nx

from agents.messages import PlanGraph, ScoreUpdate, TraceEntry
from env.backend import Backend
from env.scoring import score as score_world
from planner.subtask import Plan
from tasks.metrics import trace_lower_bound
from tasks.spec import TaskSpec


def plan_graph(task: str, backend: str, planner: str, agents: Sequence[str], plan: Plan,
               record: dict[str, Any], minecraft: str | None = None) -> PlanGraph:
    """The refined plan as viewers draw it, from the planner's graph record (the result
    file's `graph`): every edge of the prior or the refinement, kept or pruned, with its ATE
    where it was tested (`refinement.verdicts`); edges with no verdict are those of a
    planner without refinement (kept as the prior gave them).

    >>> from planner.subtask import Subtask
    >>> p = Plan(task="t", hub=None, subtasks=[Subtask(id="a", kind="walk", target="x"),
    ...     Subtask(id="b", kind="walk", target="y")])
    >>> g = plan_graph("t", "sim", "full", ["agent1"], p, {"edges": [], "lines": [["a", "b"]],
    ...     "refinement": {"verdicts": [{"u": "a", "v": "b", "ate": 0.0, "kept": False,
    ...     "origin": "prior", "rules": []}]}})
    >>> [(e["source"], e["target"], e["kept"], e["ate"]) for e in g.edges]
    [('a', 'b', False, 0.0)]
    """
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    kept = {tuple(e) for e in record.get("edges", [])}
    for u, v in record.get("prior_edges", []):
        edges[(u, v)] = {"source": u, "target": v, "kept": (u, v) in kept, "ate": None,
                         "origin": "prior", "rules": []}
    for u, v in kept:
        edges.setdefault((u, v), {"source": u, "target": v, "kept": True, "ate": None,
                                  "origin": "prior", "rules": []})
    for verdict in (record.get("refinement") or {}).get("verdicts", []):
        key = (verdict["u"], verdict["v"])
        edges[key] = {"source": key[0], "target": key[1], "kept": bool(verdict["kept"]),
                      "ate": round(float(verdict["ate"]), 4),
                      "origin": verdict.get("origin", "prior"),
                      "rules": list(verdict.get("rules", []))}
    nodes = [{"id": s.id, "kind": s.kind, "target": s.target, "agents": s.agents}
             for s in plan.subtasks]
    return PlanGraph(sender="planner", task=task, backend=backend, planner=planner,
                     agents=list(agents), nodes=nodes,
                     edges=sorted(edges.values(), key=lambda e: (e["source"], e["target"])),
                     lines=[list(line) for line in record.get("lines", [])],
                     minecraft=minecraft)


def make_scorer(spec: TaskSpec, backend: Backend, true_graph: nx.DiGraph,
                agents: int) -> Callable[[Sequence[TraceEntry]], ScoreUpdate]:
    """The score of the world as it is now, and the makespan and lower bound (LB =
    max(critical path, work / agents, exclusive stations' busy time), `tasks.metrics`) of
    the trace so far."""
    from env.rulebook import load_rulebook
    from planner.configs import exclusive_stations

    stations = exclusive_stations(spec, load_rulebook())

    def scorer(trace: Sequence[TraceEntry]) -> ScoreUpdate:
        now = score_world(spec.goal, backend.view(), spec.world.triggers, set(backend.fired()))
        lb, _, _ = trace_lower_bound(true_graph, trace, agents, stations)
        return ScoreUpdate(sender="judger", score=round(now.score, 4),
                           completion=round(now.completion, 6),
                           details={k: round(v, 6) for k, v in now.details.items()},
                           makespan_s=round(max((t.end for t in trace), default=0.0), 4),
                           lower_bound_s=round(lb, 4), actions=len(trace),
                           failed_actions=sum(1 for t in trace if not t.ok))

    return scorer
