"""How fast the planner's pure steps are on synthetic task graphs, and how many LLM calls
the LLM judge makes per edge.

    .venv/bin/python bench/bench_planner.py            # 100, 1,000 and 10,000 subtasks
    .venv/bin/python bench/bench_planner.py --sizes 100 1000 --runs 3

A synthetic task of n subtasks: item k is crafted from 1 to 3 earlier items (seeded), one
rule per recipe; the prior is the offline brain's noisy prior at the default rate. Timed:
refinement with the rules estimator (`refine(..., RuleOracle())`) plus `dfs_lines` on the
result, median of several runs (target: under 2 s at 10,000 subtasks). The LLM judge is
run with a scripted model on the same prior, to count calls per edge with batching.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from env.rulebook import Rule, Rulebook  # noqa: E402
from planner.graph import rule_graph  # noqa: E402
from planner.lines import dfs_lines  # noqa: E402
from planner.prior import DEFAULT_PRIOR_NOISE, noisy_prior  # noqa: E402
from planner.refine import LLMJudge, RuleOracle, refine  # noqa: E402
from planner.subtask import Plan, Subtask  # noqa: E402


def synthetic(n: int, seed: int = 0) -> tuple[Plan, Rulebook]:
    """n craft subtasks; item k's recipe takes 1-3 items among the 50 before it."""
    rng = random.Random(seed)
    rules: list[Rule] = []
    subtasks: list[Subtask] = []
    for k in range(n):
        lo = max(0, k - 50)
        picks = sorted(set(rng.sample(range(lo, k), min(k - lo, rng.randint(1, 3))))) \
            if k else []
        inputs = {f"item{j}": 1 for j in picks}
        rules.append(Rule(id=f"craft:item{k}", kind="craft", output=f"item{k}", inputs=inputs,
                          seconds=1.0))
        subtasks.append(Subtask(id=f"s{k}", kind="craft", target=f"item{k}", inputs=inputs,
                                rules=[f"craft:item{k}"], seconds=1.0 + k % 5))
    book = Rulebook(rules, blocks={}, items=frozenset(r.output for r in rules),
                    foods=frozenset())
    return Plan(task="cooking/synthetic", hub=None, subtasks=subtasks), book


def yes_to_all(prompt: str) -> str:
    keys = [line.split(":", 1)[0] for line in prompt.splitlines() if ": A = " in line]
    return '{"edges": [' + ", ".join(f'{{"id": "{k}", "needs": 1}}' for k in keys) + "]}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--runs", type=int, default=5, help="runs per size (median reported)")
    ap.add_argument("--rate", type=float, default=DEFAULT_PRIOR_NOISE)
    args = ap.parse_args(argv)
    print(f"{'subtasks':>9} {'prior edges':>11} {'refine+lines s':>14} {'pruned':>7} "
          f"{'spurious left':>13} {'lines':>6}")
    for n in args.sizes:
        plan, rules = synthetic(n)
        true = rule_graph(plan, rules)
        prior = noisy_prior(plan, true, args.rate, random.Random(1))
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            result = refine(prior, plan, rules, RuleOracle())
            lines = dfs_lines(result.graph)
            times.append(time.perf_counter() - t0)
        left = len(set(result.graph.edges) - set(true.edges))
        print(f"{n:>9} {prior.number_of_edges():>11} {statistics.median(times):>14.3f} "
              f"{len(result.pruned):>7} {left:>13} {len(lines):>6}")
    plan, rules = synthetic(1000)
    prior = noisy_prior(plan, rule_graph(plan, rules), args.rate, random.Random(1))
    edges = prior.number_of_edges()
    print("\nLLM judge calls per edge (1,000 subtasks, "
          f"{edges} prior edges, scripted model):")
    for k, batch in ((1, 1), (1, 20), (3, 20), (3, 50)):
        judge = LLMJudge(yes_to_all, k=k, batch=batch)
        refine(prior, plan, rules, judge)
        print(f"  k={k} batch={batch:>2}: {judge.n_calls:>5} calls, "
              f"{judge.n_calls / edges:.3f} per edge")
    return 0


if __name__ == "__main__":
    sys.exit(main())
