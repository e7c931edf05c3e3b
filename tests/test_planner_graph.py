"""The rule-implied graph, the initial graph from a prior, and the noisy prior."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from test_planner_fixtures import (
    BUILDING_EDGES,
    CAKE_EDGES,
    ESCAPE_EDGES,
    STEW_EDGES,
    building_task,
    cake_task,
    escape_task,
    planned,
    stew_task,
)

from planner.graph import graph_from_prior, rule_graph
from planner.prior import noisy_prior
from planner.subtask import Plan, Subtask


@pytest.mark.parametrize("make, edges", [(cake_task, CAKE_EDGES), (stew_task, STEW_EDGES),
                                         (escape_task, ESCAPE_EDGES),
                                         (building_task, BUILDING_EDGES)])
def test_rule_graph_is_the_known_true_graph(make, edges) -> None:
    plan, rules = planned(make())
    g = rule_graph(plan, rules)
    assert set(g.edges) == edges
    assert sorted(g.nodes) == sorted(s.id for s in plan.subtasks)
    assert g.nodes["craft:cake" if make is cake_task else plan.subtasks[0].id]["seconds"] == \
        plan.subtasks[0].seconds


def test_rule_graph_follows_the_rules_not_the_names() -> None:
    plan, rules = planned(cake_task())
    assert ("craft:bucket", "milk:milk_bucket") not in rule_graph(plan, rules.without(
        "milk:cow")).edges
    assert ("fetch:egg", "craft:cake") not in rule_graph(plan, rules.without(
        "container:6,-60,0:egg")).edges


def _plan(*ids: str) -> Plan:
    return Plan(task="cooking/x", hub=None,
                subtasks=[Subtask(id=i, kind="craft", target=i) for i in ids])


def test_graph_from_prior_reports_and_repairs() -> None:
    plan = _plan("a", "b", "c")
    g, problems = graph_from_prior(plan, [
        ("a", "b", 0.9), ("b", "c", 0.8), ("c", "a", 0.3), ("a", "zz"), ("b", "b"),
        ("a", "b"), "junk", ("b", "c", "x", 4)])
    assert sorted(g.edges) == [("a", "b"), ("b", "c")]
    assert problems == [
        "unknown subtask 'zz' in edge a -> zz: dropped",
        "self loop b -> b: dropped",
        "duplicate edge a -> b: kept once",
        "edge #6 'junk' is not (u, v) or (u, v, confidence): dropped",
        "edge #7 ('b', 'c', 'x', 4) is not (u, v) or (u, v, confidence): dropped",
        "cycle a -> b -> c -> a: dropped c -> a (confidence 0.3)",
    ]


def test_graph_from_prior_breaks_a_tie_by_dropping_the_last_added() -> None:
    g, problems = graph_from_prior(_plan("a", "b"), [("a", "b"), ("b", "a")])
    assert list(g.edges) == [("a", "b")]
    assert problems == ["cycle a -> b -> a: dropped b -> a (confidence 1)"]


def test_graph_from_prior_bad_confidence_is_reported() -> None:
    g, problems = graph_from_prior(_plan("a", "b"), [("a", "b", "high")])
    assert list(g.edges(data="confidence")) == [("a", "b", 1.0)]
    assert problems == ["edge a -> b has a confidence 'high' that is not a number: taken as 1.0"]


def test_noisy_prior_rate_zero_is_the_true_graph() -> None:
    plan, rules = planned(cake_task())
    true = rule_graph(plan, rules)
    assert set(noisy_prior(plan, true, 0.0, random.Random(5)).edges) == CAKE_EDGES


def test_noisy_prior_is_seeded_acyclic_and_spurious_edges_are_not_true() -> None:
    plan, rules = planned(cake_task())
    true = rule_graph(plan, rules)
    a = noisy_prior(plan, true, 0.3, random.Random(7))
    b = noisy_prior(plan, true, 0.3, random.Random(7))
    assert sorted(a.edges) == sorted(b.edges)
    assert nx.is_directed_acyclic_graph(a)
    spurious = set(a.edges) - CAKE_EDGES
    assert len(spurious) == round(0.3 * len(CAKE_EDGES))
    assert sorted(a.nodes) == sorted(true.nodes)


def test_noisy_prior_rate_one_drops_every_true_edge() -> None:
    plan, rules = planned(stew_task())
    true = rule_graph(plan, rules)
    g = noisy_prior(plan, true, 1.0, random.Random(0))
    assert not set(g.edges) & STEW_EDGES
    assert nx.is_directed_acyclic_graph(g)


def test_noisy_prior_refuses_a_bad_rate() -> None:
    plan, rules = planned(cake_task())
    with pytest.raises(ValueError, match=r"must be in \[0, 1\], got 1.5"):
        noisy_prior(plan, rule_graph(plan, rules), 1.5)


def test_atom_8_button_before_the_lever_that_pulls_its_presser_down() -> None:
    from env.rulebook import load_rulebook
    from planner.decompose import decompose, task_rules
    from tasks.catalog import load_task

    task = load_task("escape/2-3", agents=2)  # atom 8, then atom 3
    rules = task_rules(task, load_rulebook())
    plan = decompose(task, rules)
    assert sorted(rule_graph(plan, rules).edges) == [
        ("trigger:room0:activate", "trigger:room0:final"),
        ("trigger:room0:activate", "trigger:room1:main"),
        ("trigger:room0:final", "trigger:room1:main")]
    # without the order rule the lever may go first; the lever still opens room 1
    loose = rules.without("after:room0:final:room0:activate")
    assert sorted(rule_graph(plan, loose).edges) == [
        ("trigger:room0:activate", "trigger:room1:main"),
        ("trigger:room0:final", "trigger:room1:main")]
    # without the plate's teleport the button is out of reach: nothing follows from it
    assert sorted(rule_graph(plan, rules.without("trigger:room0:come_in")).edges) == [
        ("trigger:room0:final", "trigger:room1:main")]
