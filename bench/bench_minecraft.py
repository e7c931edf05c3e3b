"""The `minecraft` backend on the embedded server: bot join time and actions per second for 1, 4
and 8 bots (median of 3 runs each).

    .venv/bin/python bench/bench_minecraft.py [--bots 1 4 8] [--runs 3] [--actions 10]

Per run: `build` a world with one chest per agent, then every agent, each in its own thread as
the Judger runs them, does `--actions` chest actions (take 1 / put 1 in turn) and then
`--actions` walks (move_to two blocks away and back). Join: seconds from `createBot` to a
spawned bot with its chunks loaded, median over the run's bots; build: the whole `build` call.
Actions per second: all agents' actions over the wall time of that phase.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from env.actions import Action, MoveTo, Put, Take  # noqa: E402
from env.minecraft.backend import MinecraftBackend  # noqa: E402
from env.minecraft.server import EVERY_BOT_PLAYS, ServerProcess  # noqa: E402
from env.rulebook import load_rulebook  # noqa: E402
from env.world import ContainerSpec, Pos, WorldSetup  # noqa: E402


def _phase(be: MinecraftBackend, plans: dict[str, list[Action]]) -> tuple[float, int]:
    """Runs each agent's actions in its own thread; answers (actions per second, failures)."""
    failures = [0]
    lock = threading.Lock()

    def worker(agent: str, actions: list[Action]) -> None:
        for action in actions:
            out = be.execute(agent, action, 0.0)
            if not out.ok:
                with lock:
                    failures[0] += 1

    threads = [threading.Thread(target=worker, args=(a, acts)) for a, acts in plans.items()]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    total = sum(len(a) for a in plans.values())
    return total / wall, failures[0]


def one_run(server: ServerProcess, bots: int, run: int, actions: int,
            row: int) -> dict[str, float]:
    names = [f"b{bots}r{run}a{i}" for i in range(bots)]
    z0 = -40 + 12 * row
    spawns: list[Pos] = [(-28 + 8 * i, -60, z0) for i in range(bots)]
    chests = [ContainerSpec(pos=(x, -60, z + 2), items={"bread": 4}) for x, _, z in spawns]
    world = WorldSetup(containers=chests, spawn=spawns)
    be = MinecraftBackend(load_rulebook(), server=server)
    try:
        t0 = time.perf_counter()
        be.build(world, names)
        build_s = time.perf_counter() - t0
        join_s = statistics.median(be.join_seconds[n] for n in names)
        chest_plans: dict[str, list[Action]] = {}
        walk_plans: dict[str, list[Action]] = {}
        for name, (x, y, z), chest in zip(names, spawns, chests, strict=True):
            chest_plans[name] = [Take(pos=chest.pos, item="bread") if k % 2 == 0
                                 else Put(pos=chest.pos, item="bread") for k in range(actions)]
            walk_plans[name] = [MoveTo(pos=(x + 2, y, z) if k % 2 == 0 else (x, y, z))
                                for k in range(actions)]
        chest_rate, chest_fail = _phase(be, chest_plans)
        walk_rate, walk_fail = _phase(be, walk_plans)
    finally:
        be.close()
    return {"join_s": join_s, "build_s": build_s, "chest_aps": chest_rate,
            "walk_aps": walk_rate, "failed": float(chest_fail + walk_fail)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bots", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--actions", type=int, default=10)
    args = parser.parse_args(argv)
    if any(n < 1 or n > 8 for n in args.bots):
        parser.error("--bots: each count must be in 1..8 (the bench lays out 8 chests a row)")
    with ServerProcess(extra_env=EVERY_BOT_PLAYS) as server:
        print(f"server start: {server.startup_s:.2f} s (port {server.port})")
        print(f"{'bots':>4} {'join s':>7} {'build s':>8} {'chest act/s':>12} "
              f"{'walk act/s':>11} {'failed':>6}   (median of {args.runs} runs)")
        row = 0
        for bots in args.bots:
            results = []
            for run in range(args.runs):
                results.append(one_run(server, bots, run, args.actions, row))
                row += 1
            med = {k: statistics.median(r[k] for r in results) for k in results[0]}
            print(f"{bots:>4} {med['join_s']:>7.2f} {med['build_s']:>8.2f} "
                  f"{med['chest_aps']:>12.1f} {med['walk_aps']:>11.1f} {int(med['failed']):>6}",
                  flush=True)


if __name__ == "__main__":
    main()
