"""The offline brain's prior graph: the true graph with the errors an LLM prior makes.

    prior = noisy_prior(plan, true_graph, 0.3, random.Random(seed))

With probability `rate` each true edge is dropped, and about `rate * |E|` plausible spurious
edges are added: between subtasks that share an item, a block name or a room (the kind of
link a language model guesses), never one the rules support, never closing a cycle.
"""

from __future__ import annotations

import random

import networkx as nx

from planner.subtask import Plan, Subtask

DEFAULT_PRIOR_NOISE = 0.3
"""The default error rate of the offline brain's prior (`agents.brain` uses the same)."""


def related_names(s: Subtask) -> set[str]:
    """What a subtask is about: its target, inputs, source, tool, block names, room."""
    names = {s.target, *s.inputs, *(b.name for b in s.blocks)}
    for extra in (s.source, s.tool):
        if extra:
            names.add(extra)
    if s.room is not None:
        names.add(f"room:{s.room}")
    return names


def noisy_prior(plan: Plan, true_graph: nx.DiGraph, rate: float = DEFAULT_PRIOR_NOISE,
                rng: random.Random | None = None) -> nx.DiGraph:
    """A prior graph over the plan's subtasks: `true_graph` with each edge dropped with
    probability `rate`, plus `round(rate * |E|)` spurious edges (fewer if the plan has no
    room for them). `rate = 0` returns a copy of the true graph. Deterministic for a seeded
    `rng`. The result is always a DAG; every node of the plan is in it.

    >>> plan = Plan(task="cooking/x", hub=None, subtasks=[
    ...     Subtask(id=i, kind="craft", target=i) for i in "abc"])
    >>> true_graph = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> sorted(noisy_prior(plan, true_graph, 0.0).edges)
    [('a', 'b'), ('b', 'c')]
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"prior noise rate must be in [0, 1], got {rate}")
    rng = rng or random.Random(0)
    prior = nx.DiGraph()
    for s in plan.subtasks:
        prior.add_node(s.id, seconds=s.seconds)
    if rate == 0.0:
        prior.add_edges_from(true_graph.edges)
        return prior
    true_edges = sorted(true_graph.edges)
    for u, v in true_edges:
        if rng.random() >= rate:
            prior.add_edge(u, v)
    want = round(rate * len(true_edges))
    if want == 0:
        return prior
    ids = sorted(s.id for s in plan.subtasks)
    by_name: dict[str, list[str]] = {}
    names = {s.id: related_names(s) for s in plan.subtasks}
    for sid in ids:
        for n in sorted(names[sid]):
            by_name.setdefault(n, []).append(sid)
    # Spurious edges follow a topological order of the true graph, as a plausible guess
    # would: every edge of the prior then goes forward in that order, so none closes a cycle.
    rank = {n: k for k, n in enumerate(nx.lexicographical_topological_sort(
        _with_nodes(true_graph, ids)))}
    added = 0
    for _ in range(40 * want):
        if added >= want or len(ids) < 2:
            break
        a = rng.choice(ids)
        pool = sorted({b for n in names[a] for b in by_name[n] if b != a})
        if not pool or rng.random() < 0.25:
            pool = [b for b in ids if b != a]
        b = rng.choice(pool)
        u, v = (a, b) if rank[a] < rank[b] else (b, a)
        if true_graph.has_edge(u, v) or prior.has_edge(u, v):
            continue
        prior.add_edge(u, v)
        added += 1
    return prior


def _with_nodes(g: nx.DiGraph, ids: list[str]) -> nx.DiGraph:
    out = nx.DiGraph()
    out.add_nodes_from(ids)
    out.add_edges_from((u, v) for u, v in g.edges if u in out and v in out)
    return out
