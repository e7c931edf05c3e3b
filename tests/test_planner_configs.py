"""Planner configurations: the named bundles and what they build."""

from __future__ import annotations

import random

import pytest
from test_planner_fixtures import CAKE_EDGES, cake_task

from env.rulebook import load_rulebook
from planner.configs import CONFIGS, build_planner, get_config, make_estimator
from planner.prior import noisy_prior


def test_the_named_configurations() -> None:
    assert {n: (c.estimator, c.scheduler, c.repair, c.rounds)
            for n, c in CONFIGS.items()} == {
        "full": ("rules", "busy", False, False),
        "no-ate": ("none", "busy", False, False),
        "no-busy": ("rules", "random", False, False),
        "prior-random": ("none", "random", False, False),
        "ate-llm": ("llm", "busy", False, False),
        "ate-sim": ("sim", "busy", False, False),
        "causal-cp": ("rules", "lookahead", True, False),
        "villager": ("none", "prior_order", False, False),
        "agentverse": ("none", "prior_order", False, True),
    }
    assert all(c.description and "\n" not in c.description for c in CONFIGS.values())


def test_unknown_name_lists_the_names() -> None:
    with pytest.raises(ValueError, match="unknown planner 'best': choose one of full, no-ate, "
                                         "no-busy, prior-random, ate-llm, ate-sim, causal-cp"):
        get_config("best")


def test_ate_llm_needs_an_llm_brain() -> None:
    with pytest.raises(ValueError, match="needs an LLM brain"):
        make_estimator(get_config("ate-llm"))


class NoisyBrain:
    name = "offline"

    def __init__(self, rate: float, seed: int) -> None:
        self.rate, self.seed = rate, seed

    def prior(self, plan, true_graph):
        return noisy_prior(plan, true_graph, self.rate, random.Random(self.seed))


class JudgingBrain(NoisyBrain):
    """An LLM-like brain: judges every edge of its prompt as needed under the rules and
    not needed with any rule removed."""

    name = "scripted"

    def __init__(self) -> None:
        super().__init__(0.0, 0)
        self.calls = 0

    def ask(self, prompt: str) -> str:
        self.calls += 1
        keys = [ln.split(":", 1)[0] for ln in prompt.splitlines() if ": A = " in ln]
        return '{"edges": [' + ", ".join(f'{{"id": "{k}", "needs": 1}}' for k in keys) + "]}"


def test_no_ate_keeps_the_prior_and_full_prunes_it() -> None:
    task = cake_task()
    rules = load_rulebook().with_world(task.world)
    brain = NoisyBrain(0.5, 3)
    _, _, prior_graph, _, _, rec = build_planner("no-ate", task, rules, brain)
    _, _, full_graph, _, _, rec_full = build_planner("full", task, rules, brain)
    assert rec["refinement"] is None and rec["prior_spurious"] > 0
    assert set(full_graph.edges) == set(prior_graph.edges) & CAKE_EDGES
    assert rec_full["final_spurious"] == 0
    verdicts = rec_full["refinement"]["verdicts"]
    assert {(v["u"], v["v"]) for v in verdicts} == set(prior_graph.edges)


def test_ate_sim_uses_the_symbolic_run_without_a_simulator() -> None:
    task = cake_task()
    rules = load_rulebook().with_world(task.world)
    _, _, g, _, sched, rec = build_planner("ate-sim", task, rules, NoisyBrain(0.0, 0))
    assert set(g.edges) == CAKE_EDGES
    assert rec["refinement"]["estimator"] == "sim"


def test_ate_llm_with_a_brain_that_asks() -> None:
    task = cake_task()
    rules = load_rulebook().with_world(task.world)
    brain = JudgingBrain()
    _, _, g, _, _, rec = build_planner("ate-llm", task, rules, brain)
    assert set(g.edges) == CAKE_EDGES  # every edge judged needed: kept
    assert rec["llm_judge_calls"] == 3 == brain.calls  # 7 edges in one batch, 3 samples
