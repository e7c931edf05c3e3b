"""Production lines: a path cover of the refined DAG by depth-first search.

    >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "d"), ("e", "c")])
    >>> dfs_lines(g)
    [['a', 'b', 'c'], ['d'], ['e']]
"""

from __future__ import annotations

import networkx as nx


def dfs_lines(dag: nx.DiGraph) -> list[list[str]]:
    """A DFS from each source, sources in sorted id order, children in sorted id order.

    A line starts at a source (or at a child the DFS reaches second or later) and goes on
    through the first unvisited child of its last node; the other children start lines of
    their own, in DFS order. Every node is in exactly one line and every line is a path of
    the DAG, in order. Raises ValueError on a graph with a cycle.

    >>> dfs_lines(nx.DiGraph([("x", "y"), ("x", "z"), ("z", "w")]))
    [['x', 'y'], ['z', 'w']]
    """
    if not nx.is_directed_acyclic_graph(dag):
        cycle = nx.find_cycle(dag)
        raise ValueError(f"lines need a DAG; the graph has a cycle through {cycle[0][0]!r}")
    visited: set[str] = set()
    lines: list[list[str]] = []
    succ = {n: sorted(dag.successors(n)) for n in dag}
    for source in sorted(n for n in dag if dag.in_degree(n) == 0):
        if source in visited:
            continue
        stack = [source]
        while stack:
            start = stack.pop()
            if start in visited:
                continue
            line: list[str] = []
            node: str | None = start
            while node is not None:
                visited.add(node)
                line.append(node)
                fresh = [c for c in succ[node] if c not in visited]
                # later siblings wait on the stack, the smallest on top
                stack.extend(reversed(fresh[1:]))
                node = fresh[0] if fresh else None
            lines.append(line)
    return lines
