"""Every episode of a sweep completes: the check that no planner, agent count or task shape
stalls or leaves work undone.

    .venv/bin/python bench/bench_completion.py --out runs/complete          # run, then check
    .venv/bin/python bench/bench_completion.py --out runs/complete --check  # check only

Runs (unless `--check`) `causalcraft bench --tasks 'cooking/*' 'construction/*' --planners
full,causal-cp --agents 1,...,8 --seeds 1 --jobs 2 --resume --out DIR`, then reads DIR's
episodes and prints each one whose completion is below 1, that timed out or that failed,
with its final failure reasons. Exit status 1 when there is any.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path


def incomplete(out: Path) -> list[str]:
    """One line per episode of the sweep in `out` that did not complete (see the module
    docstring); raises FileNotFoundError when `out` holds no sweep."""
    lines = []
    for raw in (out / "episodes.jsonl").read_text().splitlines():
        r = json.loads(raw)
        m = r.get("metrics") or {}
        if r.get("status") == "ok" and m.get("completion") == 1.0:
            continue
        c = r["config"]
        why = r.get("error") or ""
        trace = out / r["trace"] if r.get("trace") else None
        if trace is not None and trace.exists():
            t = json.loads(trace.read_text())
            why = why or ("timed out" if t.get("timed_out") else "")
            fails = [x for x in t.get("trace", []) if not x.get("ok")]
            if fails:
                why += f" last refusal: {fails[-1].get('reason')} ({fails[-1].get('subtask')})"
        lines.append(f"{c['task']} {c['planner']} agents={c['agents']} seed={c['seed']}: "
                     f"completion {m.get('completion')} {why}".rstrip())
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--check", action="store_true", help="only check the sweep in --out")
    ap.add_argument("--planners", default="full,causal-cp")
    ap.add_argument("--agents", default="1,2,3,4,5,6,7,8")
    ap.add_argument("--tasks", nargs="+", default=["cooking/*", "construction/*"])
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if not args.check:
        subprocess.run([sys.executable, "-m", "tasks.cli", "bench", "--tasks", *args.tasks,
                        "--planners", args.planners, "--agents", args.agents, "--seeds", "1",
                        "--jobs", str(args.jobs), "--resume", "--out", str(args.out)],
                       check=True)
    try:
        bad = incomplete(args.out)
    except FileNotFoundError:
        print(f"{args.out} holds no sweep (episodes.jsonl)", file=sys.stderr)
        return 2
    n = len((args.out / "episodes.jsonl").read_text().splitlines())
    print(f"{n} episodes, {len(bad)} not complete")
    for line in bad:
        print("  " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
