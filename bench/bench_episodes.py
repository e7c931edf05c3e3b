"""How long public tasks take on the simulator, over the embedded broker, everything included.

    .venv/bin/python bench/bench_episodes.py                    # 50 cooking tasks, 3 agents
    .venv/bin/python bench/bench_episodes.py --tasks 'construction/*' --agents 2 --repeat 3

Prints the wall time of the whole sweep (median of --repeat runs), per-episode medians, and
the mean completion, so a speed-up that breaks episodes shows. Target (issue 2): all 50
cooking tasks with 3 agents in under 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

from tasks.catalog import glob_tasks
from tasks.episode import EpisodeConfig, run_episode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", nargs="+", default=["cooking/*"])
    ap.add_argument("--agents", type=int, default=3)
    ap.add_argument("--planner", default="full")
    ap.add_argument("--prior-noise", type=float, default=0.3)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ids = glob_tasks(args.tasks)
    sweeps, per_episode, completions = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for tid in ids:
            e0 = time.perf_counter()
            r = run_episode(EpisodeConfig(task=tid, agents=args.agents, planner=args.planner,
                                          prior_noise=args.prior_noise))
            per_episode.append(time.perf_counter() - e0)
            completions.append(r["metrics"]["completion"])
        sweeps.append(time.perf_counter() - t0)
    print(f"{len(ids)} tasks x {args.repeat} runs, {args.agents} agents, planner {args.planner}, "
          f"prior noise {args.prior_noise}")
    print(f"sweep wall time: median {statistics.median(sweeps):.2f} s "
          f"(runs: {', '.join(f'{s:.2f}' for s in sweeps)})")
    print(f"per episode: median {statistics.median(per_episode) * 1000:.0f} ms, "
          f"max {max(per_episode) * 1000:.0f} ms")
    print(f"mean completion {statistics.mean(completions):.3f}")


if __name__ == "__main__":
    main()
