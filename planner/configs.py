"""Planner configurations: named bundles of switches, all in one place (`--planner NAME`).

    >>> get_config("full").estimator, get_config("full").scheduler
    ('rules', 'busy')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from env.rulebook import Rulebook
from planner.decompose import decompose, task_rules
from planner.graph import graph_from_prior, rule_graph
from planner.lines import dfs_lines
from planner.refine import (
    CanComplete,
    Estimator,
    Interventional,
    LLMJudge,
    RuleOracle,
    judge_accuracy,
    refine,
    rules_can_complete,
)
from planner.schedule import Scheduler, make_scheduler
from planner.subtask import Plan

if TYPE_CHECKING:  # the planner reads task specs; it does not import the tasks package
    from tasks.spec import TaskSpec

EstimatorName = Literal["none", "rules", "llm", "sim"]


@dataclass(frozen=True)
class PlannerConfig:
    """One planner configuration. `estimator` "none" keeps the prior graph as it is."""

    name: str
    description: str
    estimator: EstimatorName
    scheduler: str
    repair: bool = False
    tau: float = 0.0
    rounds: bool = False
    """Work is handed out in rounds: all agents wait until the round ends (AgentVerse)."""


CONFIGS: dict[str, PlannerConfig] = {c.name: c for c in (
    PlannerConfig("full", "rules-ATE refinement of the prior + busy-rate lines (the paper)",
                  "rules", "busy"),
    PlannerConfig("no-ate", "the brain's prior graph unrefined + busy-rate lines",
                  "none", "busy"),
    PlannerConfig("no-busy", "rules-ATE refinement + random assignment", "rules", "random"),
    PlannerConfig("prior-random", "the prior graph unrefined + random assignment",
                  "none", "random"),
    PlannerConfig("ate-llm", "LLM-judged ATE refinement + busy-rate lines", "llm", "busy"),
    PlannerConfig("ate-sim", "interventional ATE (do(u not done) in a simulator) + busy-rate "
                  "lines", "sim", "busy"),
    PlannerConfig("causal-cp", "rules-ATE refinement + repair of missing rule edges + "
                  "critical-path priority", "rules", "critical_path", repair=True),
    PlannerConfig("villager", "baseline after VillagerAgent: the brain's DAG as is, free agents "
                  "get ready subtasks in the brain's order, retry after feedback",
                  "none", "prior_order"),
    PlannerConfig("agentverse", "baseline after AgentVerse: no task graph kept; each round a "
                  "leader splits the work it believes ready (the brain's prior) among agents, "
                  "who all wait for the round to end", "none", "prior_order", rounds=True),
)}


def get_config(name: str) -> PlannerConfig:
    """The configuration called `name`; a clear error listing the names otherwise."""
    try:
        return CONFIGS[name]
    except KeyError:
        raise ValueError(f"unknown planner {name!r}: choose one of "
                         f"{', '.join(CONFIGS)}") from None


def make_estimator(cfg: PlannerConfig, ask: Callable[[str], str] | None = None,
                   can_complete: CanComplete | None = None,
                   rules: Rulebook | None = None,
                   judge: Callable[[str, int], str] | None = None,
                   samples: int = 3, batch: int = 20) -> Estimator | None:
    """The configuration's estimator (None for "none"). `llm` needs `judge` (a brain's
    `judge(prompt, sample)`, `samples` seeded samples per batch) or `ask`; `sim` uses
    `can_complete` (a simulator callback) or, without one, the rules' symbolic run."""
    if cfg.estimator == "none":
        return None
    if cfg.estimator == "rules":
        return RuleOracle()
    if cfg.estimator == "llm":
        if judge is not None:
            return LLMJudge(judge, k=samples, batch=batch, sampled=True)
        if ask is None:
            raise ValueError(f"planner {cfg.name!r} needs an LLM brain to judge edges "
                             "(--brain llm)")
        return LLMJudge(ask)
    if can_complete is None:
        if rules is None:
            raise ValueError(f"planner {cfg.name!r} needs a can_complete callback or rules")
        can_complete = rules_can_complete(rules)
    return Interventional(can_complete)


def build_planner(name: str, spec: TaskSpec, rules: Rulebook, brain: Any, seed: int = 0,
                  agents: int = 2, backend: Any = None,
                  can_complete: CanComplete | None = None,
                  decomposition: str = "rules",
                  ) -> tuple[Plan, nx.DiGraph, nx.DiGraph, list[list[str]], Scheduler,
                             dict[str, object]]:
    """Everything the Planner needs before the first assignment, as configuration `name`
    says: decompose, take the brain's prior (`brain.prior(plan, true_graph)`), refine it,
    cut the lines, make the scheduler. Returns (plan, true graph, refined graph, lines,
    scheduler, the JSON-ready record of the graph for the result file).

    `brain.ask` (an LLM brain's text call) is used by `ate-llm` and the `llm` scheduler;
    `can_complete` (a simulator callback) by `ate-sim`. `agents` and `backend` are accepted
    for the episode runner's call and not used yet.

    `decomposition`: "rules" (`planner.decompose.decompose`, the default: every brain works
    on the same subtasks) or "llm" (`brain.decompose(spec, rule_plan)`: the model's subtasks
    grounded on the rules' ones; its edges are the prior). When an LLM judges edges, the
    record holds its answers and its accuracy against the rule oracle (`judge_accuracy`).
    """
    cfg = get_config(name)
    rules = task_rules(spec, rules)
    plan = decompose(spec, rules)
    decomp: dict[str, object] = {"decomposition": "rules"}
    if decomposition == "llm":
        if not hasattr(brain, "decompose"):
            raise ValueError("--decompose llm needs an LLM brain (--brain llm or hybrid)")
        plan, llm_edges, decomp = brain.decompose(spec, plan)
        true = rule_graph(plan, rules)
        # The prior: the edges the decomposition named and those the brain's prior names.
        asked = [(str(u), str(v), 1.0) for u, v in brain.prior(plan, true).edges]
        unique = {(u, v): (u, v, c) for u, v, c in reversed(llm_edges + asked)}
        prior, problems = graph_from_prior(plan, sorted(unique.values()))
    elif decomposition != "rules":
        raise ValueError(f"unknown decomposition {decomposition!r}: choose rules or llm")
    else:
        true = rule_graph(plan, rules)
        prior_raw = brain.prior(plan, true)
        prior, problems = graph_from_prior(plan, list(prior_raw.edges))
    ask = getattr(brain, "ask", None)
    estimator = make_estimator(cfg, ask, can_complete, rules, getattr(brain, "judge", None),
                               getattr(brain, "judge_samples", 3),
                               getattr(brain, "judge_batch", 20))
    refinement = None
    graph = prior
    if estimator is not None:
        refinement = refine(prior, plan, rules, estimator, tau=cfg.tau, repair=cfg.repair)
        graph = refinement.graph
    lines = dfs_lines(graph)
    scheduler = make_scheduler(cfg.scheduler, graph, plan.by_id(), seed=seed, ask=ask)
    true_edges, prior_edges = set(true.edges), set(prior.edges)
    record: dict[str, object] = {
        "planner": cfg.name,
        "brain": getattr(brain, "name", type(brain).__name__),
        "subtasks": len(plan.subtasks),
        "true_edges": sorted(map(list, true_edges)),
        "prior_edges": sorted(map(list, prior_edges)),
        "edges": sorted(map(list, graph.edges)),
        "prior_spurious": len(prior_edges - true_edges),
        "prior_missing": len(true_edges - prior_edges),
        "final_spurious": len(set(graph.edges) - true_edges),
        "final_missing": len(true_edges - set(graph.edges)),
        "lines": lines,
        "problems": problems + list(getattr(brain, "problems", [])),
        "refinement": refinement.record() if refinement else None,
    }
    record.update(decomp)
    if isinstance(estimator, LLMJudge):
        record["llm_judge_calls"] = estimator.n_calls
        record["llm_judge_answers"] = [{"edges": c.edges, "answer": c.answer, "error": c.error}
                                       for c in estimator.calls]
        if refinement is not None:
            record["judge_accuracy"] = judge_accuracy(estimator, refinement.verdicts, plan,
                                                      rules, cfg.tau)
    return plan, true, graph, lines, scheduler, record

