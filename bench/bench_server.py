"""The embedded Minecraft server: start time, bot join time and crafting actions per second,
for 1, 4 and 8 mineflayer bots joining at once (median of --repeat runs, a fresh server each).

    .venv/bin/python bench/bench_server.py [--repeat 3] [--bots 1 4 8] [--crafts 5]

Start: from spawning Node to the server's ready line. Join: from creating N bots at once to
the last one's spawn. Actions: each bot crafts oak planks --crafts times with bot.craft (a
window-click sequence checked by the server), all bots in parallel; total crafts per second.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from env.minecraft.server import EVERY_BOT_PLAYS, ServerProcess, node_binary  # noqa: E402

BENCH_JS = Path(__file__).resolve().parent.parent / "tests" / "server" / "js" / "bench_join.js"


def run_bots(port: int, n: int, crafts: int, tag: str) -> dict[str, float]:
    proc = subprocess.run([str(node_binary()), str(BENCH_JS), str(port), str(n), str(crafts), tag],
                          capture_output=True, text=True, timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"bench_join.js printed nothing:\n{proc.stdout}\n{proc.stderr}")
    result = json.loads(lines[-1])
    if not result.get("ok"):
        raise RuntimeError(f"bench_join.js failed: {result.get('error')}")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bots", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--crafts", type=int, default=5)
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(n < 1 for n in args.bots) or args.crafts < 0:
        parser.error("--repeat and --bots must be positive, --crafts not negative")

    starts: list[float] = []
    joins: dict[int, list[float]] = {n: [] for n in args.bots}
    rates: dict[int, list[float]] = {n: [] for n in args.bots}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):
            # One server per (run, bot count), so joins never meet earlier bots' leftovers.
            for n in args.bots:
                with ServerProcess(log_path=Path(tmp) / f"server-{run}-{n}.log",
                                   extra_env=EVERY_BOT_PLAYS) as server:
                    assert server.startup_s is not None and server.port is not None
                    starts.append(server.startup_s)
                    result = run_bots(server.port, n, args.crafts, f"r{run}n{n}_")
                joins[n].append(result["joinAllS"])
                if result["actionsPerS"] is not None:
                    rates[n].append(result["actionsPerS"])

    print(f"embedded server (flying-squid 1.12.0, Minecraft 1.19.2), median of {args.repeat}")
    print(f"  server start to ready line: {statistics.median(starts):6.2f} s "
          f"(min {min(starts):.2f}, max {max(starts):.2f}, {len(starts)} starts)")
    print(f"  {'bots':>4}  {'join all (s)':>12}  {'crafts/s':>9}")
    for n in args.bots:
        rate = f"{statistics.median(rates[n]):9.1f}" if rates[n] else f"{'-':>9}"
        print(f"  {n:>4}  {statistics.median(joins[n]):12.2f}  {rate}")


if __name__ == "__main__":
    main()
