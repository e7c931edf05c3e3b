"""Replanning after a failure: which dependencies did the graph miss?

When a subtask fails (typically: an input is not in the hub yet), a planner with a causal
estimator asks it about the edges the graph lacks into the failed subtask, from every subtask
not yet done, and adds those whose ATE is above tau. A planner without one (the prior as
is) can only retry. Pure function; the Planner service calls it.
"""

from __future__ import annotations

import networkx as nx

from env.rulebook import Rulebook
from planner.refine import Estimator
from planner.subtask import Plan


def missing_edges(graph: nx.DiGraph, plan: Plan, rules: Rulebook, failed: str,
                  done: set[str], estimator: Estimator, tau: float = 0.0,
                  ) -> list[tuple[str, str, float]]:
    """Edges (u, failed, ate) to add: u not done, not already a predecessor, adding it keeps
    the graph acyclic, and the estimator's ATE for (u -> failed) is above tau. Sorted by id.

    >>> # a failed craft whose ingredient's producer was not a predecessor:
    >>> # missing_edges(g, plan, rules, "craft:cake", {"harvest:wheat"}, RuleOracle())
    """
    candidates = [(u, failed) for u in sorted(graph.nodes)
                  if u != failed and u not in done and not graph.has_edge(u, failed)
                  and not nx.has_path(graph, failed, u)]
    if not candidates:
        return []
    effects = estimator.effects(candidates, plan, rules)
    return [(u, v, float(effects[(u, v)].ate)) for u, v in candidates
            if effects[(u, v)].ate is not None and effects[(u, v)].ate > tau]
