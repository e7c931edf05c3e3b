"""Update latency of the watch page: from a bus message's sending (its `sent_at`) to the
browser frame that shows it, over one episode run with --watch, in headless Chromium.

    python bench/bench_watch.py [--task construction/task_0] [--backend minecraft]
                                [--screens DIR] [--no-world | --fps N --scale S] [--runs N]

Prints, per run, the number of live updates and their median and 95th percentile in
milliseconds, split into legs: bus -> page server (in the episode's process the page takes
each message from the bus client that publishes it), in the page server (until written to
the browser), page server -> browser, the page's handling, and the wait for the next frame;
with `--runs N`, also the N runs pooled. The page's figures, per update (its kind, legs and
when it was shown), go to DIR/seen.json. Only updates that arrive while the page is open
count (not the catch-up of earlier ones). The 1-minute load average is printed with each
run: on a shared machine the tail follows it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from env.minecraft.server import node_binary  # noqa: E402


def pct(values: list[float], q: float) -> float:
    """The q-quantile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1, help="episodes to run (default 1)")
    ap.add_argument("--task", default="construction/task_0")
    ap.add_argument("--backend", default="minecraft", choices=["sim", "minecraft"])
    ap.add_argument("--agents", default="3")
    ap.add_argument("--screens", type=Path, default=Path(tempfile.mkdtemp()))
    ap.add_argument("--no-world", action="store_true",
                    help="open the page without its 3D view (?world=0)")
    ap.add_argument("--fps", type=int, default=None,
                    help="cap the 3D view at this many frames a second (the page's ?fps=N; "
                         "default: 30, or 10 on a software renderer)")
    ap.add_argument("--scale", type=float, default=None,
                    help="draw the 3D view at this many pixels per CSS pixel (the page's "
                         "?scale=S; default: the screen's, halved on a software renderer)")
    args = ap.parse_args()
    pooled: list[float] = []
    for run in range(args.runs):
        if args.runs > 1:
            print(f"run {run + 1} of {args.runs}", flush=True)
        ms = one_run(args, args.screens / f"run{run + 1}" if args.runs > 1 else args.screens)
        if ms is None:
            return 1
        pooled += ms
    if args.runs > 1:
        pooled.sort()
        print(f"pooled over {args.runs} runs: {len(pooled)} live updates, median "
              f"{statistics.median(pooled):.1f} ms, p95 {pct(pooled, 0.95):.1f} ms")
    return 0


def query(args: argparse.Namespace) -> str:
    """The page's query string for these options ('' for none)."""
    if args.no_world:
        return "?world=0"
    asked = {"fps": args.fps, "scale": args.scale}
    pairs = [f"{k}={v:g}" for k, v in asked.items() if v is not None]
    return "?" + "&".join(pairs) if pairs else ""


def one_run(args: argparse.Namespace, screens: Path) -> list[float] | None:
    """One episode watched in headless Chromium; its latencies (ms, sorted), None if the page
    failed (the reason printed)."""
    args = argparse.Namespace(**{**vars(args), "screens": screens})
    args.screens.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]
    log = args.screens / "run.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("w") as out:
        run = subprocess.Popen([sys.executable, "-m", "tasks.cli", "run", args.task, "--agents",
                                args.agents, "--backend", args.backend, "--watch",
                                "--watch-linger", "30"], cwd=ROOT, env=env, stdout=out,
                               stderr=subprocess.STDOUT)
        try:
            url = None
            for _ in range(600):
                match = re.search(r"watch page\s+(\S+)", log.read_text())
                if match:
                    url = match.group(1)
                    break
                time.sleep(0.2)
            if url is None:
                print(f"no page: {log.read_text()}")
                return None
            tag = args.task.replace("/", "-") + ("-no-world" if args.no_world else "")
            world = [] if args.no_world else [
                "--world", str(args.screens / f"{tag}-world.png"), "--world-wait", "1"]
            browse = subprocess.run(
                [str(node_binary()), str(ROOT / "tests/watch/js/browse.js"),
                 url + query(args),
                 str(args.screens / f"{tag}-page.png"), "--until-finished", "--timeout", "400",
                 *world],
                capture_output=True, text=True, timeout=600)
        finally:
            run.terminate()
            run.wait(timeout=30)
    seen = json.loads([x for x in browse.stdout.splitlines() if x.startswith("{")][-1])
    if not seen.get("ok"):
        print(f"page failed: {seen}")
        return None
    ms = sorted(1000 * x for x in seen["latency"])
    if not ms:
        print("no live update reached the page")
        return None
    p95 = pct(ms, 0.95)
    view = ", page without 3D" if args.no_world else (
        f", 3D view at {args.fps or 'its default'} fps max, scale {args.scale or 'default'}")
    print(f"{args.task} ({args.backend}{view}): "
          f"{len(ms)} live updates, bus -> painted frame: "
          f"median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms")
    parts = seen.get("latencyParts") or []
    if parts:
        names = ("bus -> page server", "in the page server", "page server -> browser",
                 "handling", "handled -> frame")
        print("  where it goes (median / p95 ms): " + "; ".join(
            f"{name} {statistics.median(col):.1f} / {pct(col, 0.95):.1f}"
            for name, col in zip(names, ([1000 * p[k] for p in parts] for k in range(len(names))),
                                 strict=True)))
    (args.screens / "seen.json").write_text(json.dumps(seen))
    print(f"load average (1 min) {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at "
          f"the end; screenshots and each update's figures (seen.json) in "
          f"{args.screens}", flush=True)
    return ms


if __name__ == "__main__":
    sys.exit(main())
