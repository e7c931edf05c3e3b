"""The task graph: the edges the rules imply, and the initial graph from a brain's prior.

An edge u -> v means "u must finish before v". The rules imply it when something u
provides is something v requires; both are re-derived from the rules each subtask rests
on, so a counterfactual rulebook (a rule removed or swapped) gives a different answer:

- u provides its target item (harvest, kill, milk, craft, smelt, fetch), the blocks it
  places (`stone@x,y,z`), or a fired trigger and that trigger's effects (`room:<k>` when it
  opens the exit to room k, a given item, a block it sets), as long as every rule u rests on
  (its recipe, its chest, its source) still holds;
- v requires the ingredients of its recipe, fuel, buckets, a station or tool that must be
  made (`tool`), the block under each block it places, the room it is in, the blocks and
  items its trigger's conditions name, and the triggers that must fire before it
  (`after:` rules: its teleport would take away the player another trigger needs).

    sorted(rule_graph(plan, rules).edges)
    # a cake task: [('craft:bucket', 'milk:milk_bucket'), ('craft:sugar', 'craft:cake'), ...]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from env.rulebook import Rule, Rulebook
from env.world import Pos
from planner.decompose import is_mechanism, pos_key
from planner.subtask import Plan, Subtask

Lookup = Callable[[str], Rule | None]
"""A rule by id under some intervention (None: the rule does not hold)."""

ITEM_KINDS = ("harvest", "kill", "milk", "craft", "smelt", "fetch")
EFFECT_PREFIXES = ("exit:", "give:", "set:")
ORDER_PREFIX = "after:"
"""`after:<t3>:<t2>`: trigger t3 must wait for t2 (`planner.decompose.order_rules`)."""


def lookup_in(rules: Rulebook) -> Lookup:
    """The plain lookup: rule ids as the rulebook holds them."""
    table = rules.rules
    return table.get


@dataclass(frozen=True)
class PlanIndex:
    """What the token derivation needs from the whole plan: which block each blueprint
    position holds (to find the block under another), and the first room."""

    blocks_at: dict[Pos, str]
    first_room: int | None

    @classmethod
    def of(cls, plan: Plan) -> PlanIndex:
        blocks_at = {b.pos: b.name for s in plan.subtasks for b in s.blocks}
        rooms = [s.room for s in plan.subtasks if s.room is not None]
        return cls(blocks_at=blocks_at, first_room=min(rooms) if rooms else None)


def provides(s: Subtask, rule: Lookup) -> frozenset[str]:
    """Tokens s makes available, under the rules `rule` gives (empty if a rule s rests on,
    other than its effects, does not hold)."""
    own = [rid for rid in s.rules if not rid.startswith((*EFFECT_PREFIXES, ORDER_PREFIX))]
    if any(rule(rid) is None for rid in own):
        return frozenset()
    if s.kind in ITEM_KINDS:
        return frozenset({s.target})
    if s.kind == "place":
        return frozenset(f"{b.name}@{pos_key(b.pos)}" for b in s.blocks)
    if s.kind == "trigger":
        out = {f"fired:{s.target}"}
        for rid in s.rules:
            if rid.startswith(EFFECT_PREFIXES):
                r = rule(rid)
                if r is not None and s.target in r.inputs:
                    out.add(r.output)
        return frozenset(out)
    return frozenset()


def _first(s: Subtask, rule: Lookup, kind: str) -> Rule | None:
    for rid in s.rules:
        r = rule(rid)
        if r is not None and r.kind == kind:
            return r
    return None


def requires(s: Subtask, rule: Lookup, index: PlanIndex) -> frozenset[str]:
    """Tokens s needs from other subtasks, under the rules `rule` gives."""
    need: set[str] = set()
    if s.kind in ("craft", "smelt", "milk"):
        main = _first(s, rule, s.kind)
        if main is not None:
            need.update(main.inputs)
            if s.tool and s.tool in main.needs:
                need.add(s.tool)
        if s.kind == "smelt":
            fuel = _first(s, rule, "fuel")
            if fuel is not None:
                need.update(fuel.inputs)
    elif s.kind == "harvest":
        main = _first(s, rule, "mine")
        if main is not None and s.tool and s.tool in main.tools:
            need.add(s.tool)
    elif s.kind == "fetch":
        if s.tool and _first(s, rule, "container") is not None:
            need.add(s.tool)  # the key a locked chest wants
    elif s.kind == "place":
        need.update(s.inputs)
        for b in s.blocks:
            below = (b.pos[0], b.pos[1] - 1, b.pos[2])
            name = index.blocks_at.get(below)
            if name is not None:
                need.add(f"{name}@{pos_key(below)}")
    elif s.kind == "trigger":
        main = rule(f"trigger:{s.target}")
        if main is not None:
            for cond in main.inputs:
                need.add(cond)
                block = cond.partition("@")[0]
                if not is_mechanism(block):
                    need.add(block)
            if s.room is not None and s.room != index.first_room:
                need.add(f"room:{s.room}")
        for rid in s.rules:  # another trigger must fire first (its player would be taken)
            order = rule(rid) if rid.startswith(ORDER_PREFIX) else None
            if order is not None and order.output == s.target:
                need.update(order.inputs)
    return frozenset(need)


def rule_graph(plan: Plan, rules: Rulebook) -> nx.DiGraph:
    """The true graph: every subtask a node (with `seconds`), an edge u -> v wherever
    something u provides is something v requires under `rules` (the task's rulebook:
    `planner.decompose.task_rules`). Self loops are never made.

    Example: for a cake task, ('harvest:sugar_cane', 'craft:sugar') and
    ('craft:sugar', 'craft:cake') are edges; ('harvest:wheat', 'craft:sugar') is not.
    """
    rule = lookup_in(rules)
    index = PlanIndex.of(plan)
    g = new_graph(plan)
    makers: dict[str, list[str]] = {}
    for s in plan.subtasks:
        for token in provides(s, rule):
            makers.setdefault(token, []).append(s.id)
    for s in plan.subtasks:
        for token in sorted(requires(s, rule, index)):
            for u in makers.get(token, ()):
                if u != s.id:
                    g.add_edge(u, s.id)
    return g


def new_graph(plan: Plan) -> nx.DiGraph:
    """A graph with one node per subtask (attribute `seconds`) and no edges."""
    g = nx.DiGraph()
    for s in plan.subtasks:
        g.add_node(s.id, seconds=s.seconds)
    return g


PriorEdge = tuple[str, str] | tuple[str, str, float]


def graph_from_prior(plan: Plan, edges: Iterable[Sequence[object]]
                     ) -> tuple[nx.DiGraph, list[str]]:
    """The initial graph from a brain's prior edge list, and the problems found in it.

    In: the plan and edges `(u, v)` or `(u, v, confidence)` (confidence defaults to 1.0).
    Out: a DAG over the plan's subtasks, and one line per problem: an unknown id or a self
    loop (the edge is dropped), a malformed entry, a duplicate, a cycle (broken by dropping
    its edge of lowest confidence, the one listed last on a tie). Never raises on bad edges.

    >>> plan = Plan(task="cooking/x", hub=None, subtasks=[
    ...     Subtask(id="a", kind="craft", target="a"), Subtask(id="b", kind="craft", target="b")])
    >>> g, problems = graph_from_prior(plan, [("a", "b"), ("b", "a", 0.2), ("a", "zz")])
    >>> sorted(g.edges)
    [('a', 'b')]
    >>> problems[1]
    'cycle a -> b -> a: dropped b -> a (confidence 0.2)'
    """
    g = new_graph(plan)
    problems: list[str] = []
    order: dict[tuple[str, str], tuple[float, int]] = {}
    for k, entry in enumerate(edges):
        if not isinstance(entry, Sequence) or isinstance(entry, str) or len(entry) not in (2, 3):
            problems.append(f"edge #{k} {entry!r} is not (u, v) or (u, v, confidence): dropped")
            continue
        u, v = str(entry[0]), str(entry[1])
        try:
            conf = float(entry[2]) if len(entry) == 3 else 1.0  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(f"edge {u} -> {v} has a confidence {entry[2]!r} that is not a "
                            f"number: taken as 1.0")
            conf = 1.0
        unknown = [x for x in (u, v) if x not in g]
        if unknown:
            problems.append(f"unknown subtask {unknown[0]!r} in edge {u} -> {v}: dropped")
            continue
        if u == v:
            problems.append(f"self loop {u} -> {v}: dropped")
            continue
        if (u, v) in order:
            problems.append(f"duplicate edge {u} -> {v}: kept once")
            continue
        order[(u, v)] = (conf, k)
        g.add_edge(u, v, confidence=conf)
    while True:
        try:
            cycle = nx.find_cycle(g)
        except nx.NetworkXNoCycle:
            break
        pairs = [(str(a), str(b)) for a, b, *_ in cycle]
        u, v = min(pairs, key=lambda e: (order[e][0], -order[e][1]))
        path = " -> ".join([pairs[0][0], *(b for _, b in pairs)])
        problems.append(f"cycle {path}: dropped {u} -> {v} (confidence {order[(u, v)][0]:g})")
        g.remove_edge(u, v)
    return g, problems
