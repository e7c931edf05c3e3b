"""Participants as processes vs one process, with a slow brain.

Runs the same episode `--runs` times each way with a brain that sleeps `--latency` seconds in
every call: in one process (the brain's sleep blocks the one event loop, so the calls run one
after another) and with `--processes` on mosquitto (each Worker in its own process, thinking
ahead on the Judger's provisional results, so their calls overlap). Prints each run's wall
times, whether the two results agree (same trace, score and metrics, timings of the planning
aside), where each worker's time went, and the medians:

- total: the `--processes` wall time, starting the participants included, over the one-process
  wall time;
- episode: the same from the moment every participant is ready (the planning included: the
  Planner plans after it is up).

    .venv/bin/python bench/bench_processes.py --task construction/task_98 --agents 3 \\
        --latency 1 --runs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from tasks.episode import EpisodeConfig, run_episode


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in result.items() if k not in ("config", "processes", "run")}
    out["metrics"] = {k: v for k, v in result["metrics"].items() if k != "plan_s"}
    return out


def timed(cfg: EpisodeConfig) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    result = run_episode(cfg)
    return time.perf_counter() - t0, result


def where_time_went(result: dict[str, Any]) -> str:
    """One line per worker: brain steps, waiting for a result with nothing to think about,
    waiting for work, its actions' wait for their turn at the Judger; thinking ahead."""
    lines = []
    for agent, t in sorted(result["processes"].get("timing", {}).items()):
        lines.append(f"    {agent}: thinking {t['think_s']:6.1f} s, idle waiting for a result "
                     f"{t['wait_result_s']:5.1f} s, waiting for work {t['wait_work_s']:5.1f} s; "
                     f"its actions waited {t['held_s']:5.1f} s for their turn; provisional "
                     f"{t['provisional']}, held {t['confirmed']}, rollbacks {t['rollbacks']}, "
                     f"at most {t['max_ahead']} ahead")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--task", default="construction/task_98",
                   help="a task with parallel work (default: 10 independent subtasks)")
    p.add_argument("--agents", type=int, default=3)
    p.add_argument("--latency", type=float, default=1.0, help="seconds per brain call")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--runs", type=int, default=3, help="runs each way (medians reported)")
    p.add_argument("--out", type=Path, help="write every run's results here (JSON)")
    args = p.parse_args()
    base = EpisodeConfig(task=args.task, agents=args.agents, seed=args.seed,
                         brain_latency_s=args.latency, timeout_s=3600)
    many_cfg = base.model_copy(update={"processes": True, "broker": "mosquitto"})
    rows, saved = [], []
    for run in range(1, args.runs + 1):
        serial, one = timed(base)
        parallel, many = timed(many_cfg)
        startup, episode = many["processes"]["startup_s"], many["processes"]["episode_s"]
        same = comparable(one) == comparable(many)
        rows.append((serial, parallel, startup, episode, same))
        saved.append({"one process": one, "processes": many})
        print(f"run {run}: one process {serial:6.1f} s | processes {parallel:6.1f} s = "
              f"{startup:5.1f} s starting + {episode:6.1f} s episode | total "
              f"{parallel / serial:.3f}, episode {episode / serial:.3f} | same result: {same} "
              f"| completion {many['metrics']['completion']:.3f}, "
              f"actions {many['metrics']['actions']}", flush=True)
        print(where_time_went(many), flush=True)
    med = {name: statistics.median(r[i] for r in rows)
           for i, name in enumerate(["serial", "parallel", "startup", "episode"])}
    total = statistics.median(r[1] / r[0] for r in rows)
    episode = statistics.median(r[3] / r[0] for r in rows)
    print(f"median of {args.runs}: one process {med['serial']:.1f} s, processes "
          f"{med['parallel']:.1f} s ({med['startup']:.1f} s starting, {med['episode']:.1f} s "
          f"episode); processes / one process = {total:.3f} in all, {episode:.3f} once started "
          f"(1/{args.agents} = {1 / args.agents:.3f}); same result in every run: "
          f"{all(r[4] for r in rows)}")
    if args.out:
        args.out.write_text(json.dumps(saved, indent=1))


if __name__ == "__main__":
    main()
