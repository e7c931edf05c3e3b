"""How well the simulator's makespans predict the real server's: whole episodes run on both
backends, the same task, agents, planner and seed; prints each pair and the sim/server makespan
ratio per family (mean, and the range).

    .venv/bin/python bench/bench_makespan.py [--per-family 10] [--agents 3] [--seed 0]
        [--families cooking,construction,escape] [--out runs/makespan.jsonl] [--traces]
        [--max-load 4]
    .venv/bin/python bench/bench_makespan.py --summary runs/makespan.jsonl

The first --per-family tasks of each family (in `causalcraft tasks list` order) run on the
simulator and then on a fresh embedded server each. A ratio of 1 means the simulator's virtual
time matches the server's wall-clock time. The simulator's action durations
(env/data/durations.json) are calibrated from the server's: `--traces` keeps both traces in each
row, so the same episode's actions can be compared one by one (the median of each family's
ratios is printed too: one slow server episode moves the mean). The server runs in real time,
so a machine busy with other work slows its episodes: each row records the 1-minute load
average before the server episode, and `--max-load L` waits (up to 5 minutes) for the load to
fall under L first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks.catalog import task_ids  # noqa: E402
from tasks.episode import EpisodeConfig, run_episode  # noqa: E402


def wait_for_load(limit: float | None, most_s: float = 300.0) -> float:
    """The 1-minute load average, after waiting up to `most_s` for it to fall under `limit`."""
    deadline = time.monotonic() + most_s
    while limit is not None and os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        time.sleep(5.0)
    return round(os.getloadavg()[0], 2)


def spread(items: list[str], n: int) -> list[str]:
    """`n` of `items` evenly spaced from the first (all when there are no more than `n`), so
    a family's sample holds each of its kinds of task (cakes and stews), not the first ones.

    >>> spread(["a0", "a1", "a2", "b0", "b1", "b2"], 3)
    ['a0', 'a2', 'b1']
    """
    if n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--per-family", type=int, default=10)
    p.add_argument("--families", default="cooking,construction,escape")
    p.add_argument("--agents", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--planner", default="full")
    p.add_argument("--out", type=Path, default=Path("runs/makespan.jsonl"))
    p.add_argument("--traces", action="store_true", help="keep both traces in each row")
    p.add_argument("--max-load", type=float, default=None,
                   help="before each server episode, wait (up to 5 min) for the 1-minute load "
                        "average to fall under this")
    p.add_argument("--summary", type=Path, metavar="JSONL",
                   help="print the figures of a finished run's rows and stop")
    args = p.parse_args(argv)
    rows: list[dict] = []
    ratios: dict[str, list[float]] = {}
    if args.summary:
        for line in args.summary.read_text().splitlines():
            row = json.loads(line)
            rows.append(row)
            if "ratio" in row:
                ratios.setdefault(row["task"].split("/")[0], []).append(row["ratio"])
        summary(ratios, rows)
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a") as out:
        for family in args.families.split(","):
            tasks = spread([t for t in task_ids() if t.startswith(family + "/")],
                           args.per_family)
            for task in tasks:
                row: dict[str, object] = {"task": task, "agents": args.agents, "seed": args.seed}
                for backend in ("sim", "minecraft"):
                    if backend == "minecraft":
                        row["load"] = wait_for_load(args.max_load)
                    t0 = time.perf_counter()
                    try:
                        result = run_episode(EpisodeConfig(
                            task=task, backend=backend, agents=args.agents, seed=args.seed,
                            planner=args.planner))
                    except Exception as err:  # noqa: BLE001  (one bad episode: recorded, go on)
                        row[backend] = {"error": str(err).splitlines()[0]}
                        continue
                    m = result["metrics"]
                    row[backend] = {"makespan_s": m["makespan_s"], "completion": m["completion"],
                                    "actions": m["actions"], "failed": m["failed_actions"],
                                    "wall_s": round(time.perf_counter() - t0, 1)}
                    if args.traces:
                        row[backend]["trace"] = result["trace"]  # type: ignore[index]
                sim, srv = row.get("sim"), row.get("minecraft")
                if isinstance(sim, dict) and isinstance(srv, dict) and "makespan_s" in sim \
                        and "makespan_s" in srv and srv["makespan_s"]:
                    row["ratio"] = round(sim["makespan_s"] / srv["makespan_s"], 3)
                    ratios.setdefault(family, []).append(row["ratio"])  # type: ignore[arg-type]
                print(json.dumps({k: v for k, v in row.items() if k not in ("sim", "minecraft")}
                                 | {b: {k: v for k, v in row[b].items() if k != "trace"}
                                    for b in ("sim", "minecraft") if isinstance(row.get(b), dict)}),
                      flush=True)
                out.write(json.dumps(row) + "\n")
                out.flush()
                rows.append(row)
    summary(ratios, rows)
    return 0


def summary(ratios: dict[str, list[float]], rows: list[dict]) -> None:
    """Prints each family's ratios and, from rows with traces, each action kind's mean
    duration on both backends and the server's mean pause between an agent's actions."""
    for family, rs in ratios.items():
        print(f"{family:<13} {len(rs):>3} episodes  sim/server makespan ratio median "
              f"{statistics.median(rs):.3f}, mean {statistics.mean(rs):.3f} "
              f"(min {min(rs):.3f}, max {max(rs):.3f})")
    kinds, pauses = action_table(rows)
    if kinds:
        print(f"{'action':<10} {'n':>4} {'sim s':>7} {'server s':>9}   (both ok, same agent and "
              "arguments, in order)")
        for name, (n, sim_s, srv_s) in sorted(kinds.items()):
            print(f"{name:<10} {n:>4} {sim_s:>7.3f} {srv_s:>9.3f}")
    if pauses:
        print(f"server pause between one agent's actions (under 1 s): mean "
              f"{statistics.mean(pauses):.3f} s over {len(pauses)}")


def action_table(rows: list[dict]) -> tuple[dict[str, tuple[int, float, float]], list[float]]:
    """Per action kind (count, sim mean s, server mean s) over the actions both traces of an
    episode hold (matched by agent, name and arguments, in order) and both ran; and the
    server's pauses under 1 s between one agent's consecutive actions."""
    pairs: dict[str, list[tuple[float, float]]] = {}
    pauses: list[float] = []
    for row in rows:
        sim, srv = row.get("sim") or {}, row.get("minecraft") or {}
        if "trace" not in sim or "trace" not in srv:
            continue
        queue: dict[str, list[dict]] = {}
        for t in sorted(sim["trace"], key=lambda t: t["start"]):
            queue.setdefault(_key(t), []).append(t)
        last: dict[str, float] = {}
        for t in sorted(srv["trace"], key=lambda t: t["start"]):
            if t["agent"] in last and t["start"] - last[t["agent"]] < 1.0:
                pauses.append(t["start"] - last[t["agent"]])
            last[t["agent"]] = t["end"]
            match = queue.get(_key(t))
            if match:
                s = match.pop(0)
                if s["ok"] and t["ok"]:
                    pairs.setdefault(t["name"], []).append((s["end"] - s["start"],
                                                            t["end"] - t["start"]))
    table = {name: (len(v), statistics.mean(a for a, _ in v), statistics.mean(b for _, b in v))
             for name, v in pairs.items()}
    return table, pauses


def _key(t: dict) -> str:
    return json.dumps([t["agent"], t["name"], t["args"]], sort_keys=True)


if __name__ == "__main__":
    sys.exit(main())
