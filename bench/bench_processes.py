"""Participants as processes vs one process, with a slow brain.

Runs the same episode twice with a brain that sleeps `--latency` seconds in every call: in
one process (the brain's sleep blocks the one event loop, so the calls run one after another)
and with `--processes` on mosquitto (each Worker in its own process, so their calls overlap).
Prints both wall times, their ratio, the brain calls, and whether the two results agree
(same trace, score and metrics, timings of the planning aside).

    .venv/bin/python bench/bench_processes.py --task construction/task_98 --agents 3 --latency 1
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from tasks.episode import EpisodeConfig, run_episode


def comparable(result: dict) -> dict:
    out = {k: v for k, v in result.items() if k not in ("config", "processes", "run")}
    out["metrics"] = {k: v for k, v in result["metrics"].items() if k != "plan_s"}
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--task", default="construction/task_98",
                   help="a task with parallel work (default: 10 independent subtasks)")
    p.add_argument("--agents", type=int, default=3)
    p.add_argument("--latency", type=float, default=1.0, help="seconds per brain call")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, help="write both results here (JSON)")
    args = p.parse_args()
    base = EpisodeConfig(task=args.task, agents=args.agents, seed=args.seed,
                         brain_latency_s=args.latency, timeout_s=3600)
    runs = {}
    for name, cfg in [("one process", base),
                      ("processes", base.model_copy(update={"processes": True,
                                                            "broker": "mosquitto"}))]:
        t0 = time.perf_counter()
        result = run_episode(cfg)
        runs[name] = (time.perf_counter() - t0, result)
        print(f"{name:12} wall {runs[name][0]:7.1f} s  completion "
              f"{result['metrics']['completion']:.3f}  actions {result['metrics']['actions']}",
              flush=True)
    (serial, one), (parallel, many) = runs["one process"], runs["processes"]
    calls = len(one["trace"]) + len(one["subtasks"]["attempts"]) + 1
    startup, episode = many["processes"]["startup_s"], many["processes"]["episode_s"]
    print(f"processes: {startup:.1f} s starting the participants, {episode:.1f} s the episode")
    print(f"brain calls ~{calls} x {args.latency} s; processes / one process = "
          f"{parallel / serial:.3f} in all, {episode / serial:.3f} once started "
          f"(1/{args.agents} = {1 / args.agents:.3f}); "
          f"same result: {comparable(one) == comparable(many)}")
    if args.out:
        args.out.write_text(json.dumps({k: v[1] for k, v in runs.items()}, indent=1))


if __name__ == "__main__":
    main()
