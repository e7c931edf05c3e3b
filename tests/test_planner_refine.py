"""Causal refinement: planted spurious and missing edges come out as the true graph."""

from __future__ import annotations

import json

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

from env.rulebook import load_rulebook
from planner.configs import build_planner
from planner.refine import (
    EdgeEffect,
    Interventional,
    LLMJudge,
    RuleOracle,
    refine,
    rules_can_complete,
)

# (true edges, planted spurious, planted missing) per task
CASES = {
    "cake": (cake_task, CAKE_EDGES,
             {("fetch:egg", "craft:sugar"), ("harvest:wheat", "smelt:iron_ingot"),
              ("craft:sugar", "milk:milk_bucket")},
             {("craft:bucket", "milk:milk_bucket"), ("harvest:wheat", "craft:cake")}),
    "stew": (stew_task, STEW_EDGES,
             {("craft:bowl", "craft:furnace"), ("harvest:carrot", "smelt:baked_potato"),
              ("smelt:baked_potato", "smelt:cooked_rabbit")},
             {("harvest:potato", "smelt:baked_potato"), ("craft:bowl", "craft:rabbit_stew")}),
    "escape": (escape_task, ESCAPE_EDGES,
               {("trigger:r0_lever", "trigger:r0_plates")},
               {("trigger:r0_lever", "trigger:r1_gold")}),
    "building": (building_task, BUILDING_EDGES,
                 {("place:glass:y-60:0", "place:oak_planks:y-59:0"),
                  ("place:glass:y-60:0", "place:stone:y-60:0")},
                 {("place:stone:y-60:0", "place:oak_planks:y-59:0")}),
}


def planted(name: str):
    make, true, spurious, missing = CASES[name]
    plan, rules = planned(make())
    prior = nx.DiGraph()
    prior.add_nodes_from(s.id for s in plan.subtasks)
    prior.add_edges_from((true - missing) | spurious)
    return plan, rules, prior, true, spurious, missing


class FixedPrior:
    """A brain whose prior is given."""

    name = "fixed"

    def __init__(self, graph: nx.DiGraph) -> None:
        self.graph = graph

    def prior(self, plan, true_graph) -> nx.DiGraph:
        return self.graph


@pytest.mark.parametrize("name", sorted(CASES))
def test_rules_ate_prunes_spurious_and_keeps_true(name: str) -> None:
    plan, rules, prior, true, spurious, missing = planted(name)
    r = refine(prior, plan, rules, RuleOracle())
    assert set(r.graph.edges) == true - missing
    assert set(r.pruned) == spurious
    for u, v in spurious:
        assert r.verdict(u, v).ate == 0.0 and not r.verdict(u, v).kept
    for u, v in true - missing:
        verdict = r.verdict(u, v)
        assert verdict.ate is not None and verdict.ate > 0 and verdict.kept
        assert verdict.estimator == "rules" and verdict.rules
    assert r.added == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_repair_restores_the_missing_edges(name: str) -> None:
    plan, rules, prior, true, spurious, missing = planted(name)
    r = refine(prior, plan, rules, RuleOracle(), repair=True)
    assert set(r.graph.edges) == true
    assert set(r.added) == missing
    assert all(r.graph.edges[e]["ate"] > 0 for e in true)


@pytest.mark.parametrize("name", sorted(CASES))
def test_configurations_full_and_causal_cp(name: str) -> None:
    plan, _, prior, true, spurious, missing = planted(name)
    task = CASES[name][0]()
    rules = load_rulebook().with_world(task.world)
    _, true_graph, full, _, sched, record = build_planner("full", task, rules,
                                                          FixedPrior(prior))
    assert set(true_graph.edges) == true
    assert set(full.edges) == true - missing
    assert sched.name == "busy"
    assert record["final_spurious"] == 0 and record["prior_spurious"] == len(spurious)
    json.dumps(record)
    _, _, cp, lines, sched, record = build_planner("causal-cp", task, rules, FixedPrior(prior))
    assert set(cp.edges) == true
    assert sched.name == "lookahead"
    assert (record["final_spurious"], record["final_missing"]) == (0, 0)
    assert sorted(s for line in lines for s in line) == sorted(s.id for s in plan.subtasks)


def test_escape_ate_values_are_exact() -> None:
    plan, rules, prior, *_ = planted("escape")
    r = refine(prior, plan, rules, RuleOracle(), repair=True)
    plates = r.verdict("trigger:r0_plates", "trigger:r1_gold")
    # R_e: the two triggers and the give rule, plus the exit rule into room 1; removing
    # trigger:r0_plates, give:r0_plates:gold_block or trigger:r1_gold breaks the need.
    assert plates.rules == ("exit:r0_lever", "give:r0_plates:gold_block", "trigger:r0_plates",
                            "trigger:r1_gold")
    assert plates.ate == pytest.approx(3 / 4)
    lever = r.verdict("trigger:r0_lever", "trigger:r1_gold")
    assert lever.rules == ("exit:r0_lever", "trigger:r0_lever", "trigger:r1_gold")
    assert (lever.ate, lever.origin) == (1.0, "repair")
    assert r.verdict("trigger:r0_lever", "trigger:r0_plates").ate == 0.0


def test_swap_intervention_agrees_on_the_verdicts() -> None:
    plan, rules, prior, true, spurious, missing = planted("cake")
    r = refine(prior, plan, rules, RuleOracle("swap"))
    assert set(r.graph.edges) == true - missing
    with pytest.raises(ValueError, match="'remove' or 'swap'"):
        RuleOracle("shuffle")


def test_tau_prunes_weak_edges_too() -> None:
    plan, rules, prior, *_ = planted("escape")
    r = refine(prior, plan, rules, RuleOracle(), tau=0.8)
    assert list(r.graph.edges) == []


def test_unknown_edge_ids_get_zero() -> None:
    plan, rules, *_ = planted("cake")
    eff = RuleOracle().effects([("nope", "craft:cake")], plan, rules)
    assert eff[("nope", "craft:cake")] == EdgeEffect(0.0, (), "rules", note="unknown subtask")


# --- the LLM judge with a scripted model ---------------------------------------------------


def scripted_judge(truth: set[tuple[str, str]]):
    """A fake model: reads the edges of the prompt and says 'needs' for true ones only,
    and 'no' for every removal."""
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        out = []
        for line in prompt.splitlines():
            if line.startswith("e") and ": A = " in line:
                key, rest = line.split(": A = ", 1)
                u = rest.split(" (", 1)[0]
                v = rest.split("; B = ", 1)[1].split(" (", 1)[0]
                rules = []
                out.append({"id": key, "needs": "yes" if (u, v) in truth else 0.0,
                            "without": {}, "_u": u, "_v": v, "_rules": rules})
            elif line.startswith("  remove ") and out:
                out[-1]["without"][line.split()[1].rstrip(":")] = "no"
        return "```json\n" + json.dumps({"edges": out}) + "\n```"

    return ask, prompts


def test_llm_judge_batches_and_recovers_the_true_graph() -> None:
    plan, rules, prior, true, spurious, missing = planted("cake")
    ask, prompts = scripted_judge(true)
    judge = LLMJudge(ask, k=3, batch=2)
    r = refine(prior, plan, rules, judge)
    assert set(r.graph.edges) == true - missing
    n_edges = prior.number_of_edges()
    assert n_edges == 8
    assert judge.n_calls == 3 * 4 == len(prompts)  # 4 batches of 2 edges, 3 samples each
    assert judge.n_calls / n_edges == 1.5
    v = r.verdict("fetch:egg", "craft:cake")
    assert (v.ate, v.spread, v.estimator) == (1.0, 0.0, "llm")
    assert r.verdict("fetch:egg", "craft:sugar").ate == 0.0


def test_llm_judge_one_call_covers_a_batch_and_bad_answers_are_recorded() -> None:
    plan, rules, prior, true, *_ = planted("escape")
    answers = iter(["not json at all", '{"edges": [{"id": "e0", "needs": 7}]}',
                    '{"edges": [{"id": "e0", "needs": 0.8, "without": {"trigger:r0_lever":'
                    ' 0.2, "exit:r0_lever": "no", "made:up": 0.0}}, {"id": "e1", "needs": 1,'
                    ' "without": {"trigger:r0_plates": 0.5}}]}'])
    judge = LLMJudge(lambda p: next(answers), k=3, batch=20)
    eff = judge.effects(sorted(prior.edges), plan, rules)
    assert judge.n_calls == 3
    assert [c.error for c in judge.calls] == [
        "the answer holds no JSON object: 'not json at all'",
        "judge answer: field edges.0.needs: Value error, probability 7 is outside [0, 1]",
        None]
    first = eff[("trigger:r0_lever", "trigger:r0_plates")]
    assert first.ate == pytest.approx(((0.8 - 0.2) + (0.8 - 0.0)) / 2)
    assert first.samples == 1
    assert eff[("trigger:r0_plates", "trigger:r1_gold")].ate == pytest.approx(0.5)


def test_llm_judge_without_any_valid_answer_keeps_the_prior_edge() -> None:
    plan, rules, prior, *_ = planted("escape")
    judge = LLMJudge(lambda p: "{}", k=2)
    r = refine(prior, plan, rules, judge)
    assert set(r.graph.edges) == set(prior.edges)
    assert all(v.ate is None and v.kept for v in r.verdicts)


# --- interventional -------------------------------------------------------------------------


def test_interventional_with_a_callback() -> None:
    plan, rules, prior, true, *_ = planted("building")
    seen = []

    def can_complete(p, removed, v):
        seen.append((sorted(removed), v))
        return not (removed == {"place:stone:y-60:0"} and v == "place:oak_planks:y-59:0")

    r = refine(prior, plan, rules, Interventional(can_complete))
    assert set(r.graph.edges) == set()  # the planted prior lacks the only true edge
    assert seen == [(["place:glass:y-60:0"], "place:oak_planks:y-59:0"),
                    (["place:glass:y-60:0"], "place:stone:y-60:0")]
    r = refine(prior, plan, rules, Interventional(can_complete), repair=True)
    assert set(r.graph.edges) == true


def test_symbolic_can_complete_sees_transitive_needs() -> None:
    plan, rules, *_ = planted("cake")
    can = rules_can_complete(rules)
    assert can(plan, {"smelt:iron_ingot"}, "milk:milk_bucket") is False
    assert can(plan, {"fetch:egg"}, "milk:milk_bucket") is True
    assert can(plan, {"fetch:egg"}, "craft:cake") is False
