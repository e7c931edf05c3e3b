"""A real local model as the brain: figures per call, per episode and for the ATE judge.

Starts llama.cpp's OpenAI-compatible server (`agents.llama_server`, llama-cpp-python,
`--threads` threads) serving SmolLM2-135M-Instruct (`make llm-server` puts it in .cache),
then runs, as a user would, on the simulator:

    causalcraft run cooking/cake_0 --brain llm --base-url URL --model smollm2-135m
    causalcraft run cooking/rabbit_stew_0 --brain hybrid --decompose llm --planner ate-llm ...

`--repeats N` times each (episode seed and LLM seed 0..N-1), every call over HTTP and
recorded (`--record`, a fresh file per run: `--replay` reruns it offline, and a run stopped
while planning keeps its calls there). From each result file's `llm` block (`calls_log`:
one entry per question, with its re-asks and retries inside) and `graph.judge_accuracy` it
prints:

- per call: median and p95 latency (seconds of one question, re-asks and retries included),
  median prompt and completion tokens (of the calls answered: a call whose every request
  timed out has none), parse failures, re-asks, retries, failed calls; per purpose;
- per episode: calls, tokens, wall time, outcome (done, budget spent, timed out, unfinished);
- the judge's accuracy against the rule oracle: per edge and per intervention (accuracy,
  false keeps, false prunes).

    PYTHONPATH=. .venv/bin/python bench/bench_llm.py --repeats 2 --out results/bench_llm
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from agents.llama_server import DEFAULT_ALIAS, DEFAULT_GGUF, ROOT, LlamaServer

RUNS: dict[str, tuple[list[str], int]] = {
    "cake llm": (["cooking/cake_0", "--brain", "llm"], 20000),
    "stew hybrid": (["cooking/rabbit_stew_0", "--brain", "hybrid", "--decompose", "llm",
                     "--planner", "ate-llm"], 40000),
}
"""name -> (the run's arguments, its --llm-budget in tokens), as tests/test_llm_server.py."""


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation between order statistics.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([1.0, 2.0, 3.0, 4.0], 0.95)
    (2.5, 3.85)
    """
    if not values:
        return 0.0
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo), 6)


def call_row(name: str, calls: list[dict[str, Any]]) -> str:
    """One line of the per-call table over `calls` (entries of `llm.calls_log`)."""
    asked = [c for c in calls if c["requests"]]
    secs = [c["seconds"] for c in asked]
    per_request = [c["seconds"] / c["requests"] for c in asked]
    answered = [c for c in asked if c["prompt_tokens"] or c["completion_tokens"]]
    prompt = [c["prompt_tokens"] for c in answered]  # of the calls the server answered
    completion = [c["completion_tokens"] for c in answered]
    med = statistics.median
    return (f"| {name} | {len(calls)} | {sum(c['requests'] for c in calls)} | "
            f"{med(secs) if secs else 0:.2f} | {percentile(secs, 0.95):.2f} | "
            f"{med(per_request) if per_request else 0:.2f} | "
            f"{med(prompt) if prompt else 0:.0f} | {med(completion) if completion else 0:.0f} | "
            f"{sum(c['parse_failures'] for c in calls)} | {sum(c['reasks'] for c in calls)} | "
            f"{sum(c['retries'] for c in calls)} | {sum(1 for c in calls if not c['ok'])} |")


CALL_HEAD = ("| calls of | calls | requests | median s | p95 s | median s/request | "
             "median prompt tok | median completion tok | parse failures | re-asks | "
             "retries | failed |\n|---|" + "---:|" * 11)


def outcome(result: dict[str, Any], budget: int, rc: int) -> str:
    """done / budget spent / timed out / unfinished (n subtasks) / failed, of one result."""
    if result.get("failure"):
        return f"failed: {result['failure']}"
    if result.get("timed_out"):
        return "timed out"
    failed = result["subtasks"].get("failed") or {}
    if not failed:
        return "done"
    if result["llm"]["tokens"] >= budget:
        return f"budget spent ({len(failed)} subtasks unfinished)"
    return f"unfinished ({len(failed)} subtasks; exit {rc})"


def run_one(name: str, seed: int, server: LlamaServer, out: Path,
            timeout_s: float, llm_timeout: float | None = None) -> dict[str, Any]:
    args, budget = RUNS[name]
    path = out / f"{name.replace(' ', '_')}.s{seed}.json"
    cmd = [sys.executable, "-m", "tasks.cli", "run", *args, "--base-url", server.url,
           "--model", server.alias, "--llm-budget", str(budget), "--seed", str(seed),
           "--timeout", str(timeout_s), "--out", str(path),
           "--record", str(path.with_suffix(".calls.jsonl"))]
    path.with_suffix(".calls.jsonl").unlink(missing_ok=True)
    if llm_timeout is not None:
        cmd += ["--llm-timeout", str(llm_timeout)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CAUSALCRAFT_LLM_SEED": str(seed)}
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=timeout_s + 300)
    wall = time.perf_counter() - t0
    if not path.is_file():
        raise SystemExit(f"{name} seed {seed}: no result (exit {done.returncode}):\n"
                         f"{done.stderr[-2000:]}")
    meta = {"name": name, "seed": seed, "rc": done.returncode, "wall_s": round(wall, 3),
            "budget": budget, "command": cmd}
    path.with_suffix(".meta.json").write_text(json.dumps(meta, indent=1))
    print(f"ran {name} seed {seed}: exit {done.returncode}, {wall:.1f} s", flush=True)
    return {**meta, "result": json.loads(path.read_text()), "path": str(path)}


def load_episodes(out: Path) -> list[dict[str, Any]]:
    """The episodes already run into `out` (each result beside its `.meta.json`)."""
    episodes = []
    for meta_path in sorted(out.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text())
        result = meta_path.with_name(meta_path.name.removesuffix(".meta.json") + ".json")
        episodes.append({**meta, "result": json.loads(result.read_text()),
                         "path": str(result)})
    return sorted(episodes, key=lambda e: (e["seed"], list(RUNS).index(e["name"])))


def report(episodes: list[dict[str, Any]]) -> str:
    """The three tables (markdown) over the episodes run."""
    lines = ["### Per call (one question: its re-asks and retries inside)", "", CALL_HEAD]
    every = [c for e in episodes for c in e["result"]["llm"]["calls_log"]]
    lines.append(call_row("all", every))
    for name in RUNS:
        calls = [c for e in episodes if e["name"] == name
                 for c in e["result"]["llm"]["calls_log"]]
        if not calls:
            continue
        lines.append(call_row(name, calls))
        for purpose in sorted({c["purpose"] for c in calls}):
            lines.append(call_row(f"{name}: {purpose}",
                                  [c for c in calls if c["purpose"] == purpose]))
    lines += ["", "### Per episode", "",
              "| run | seed | calls | failed calls | prompt tok | completion tok | tokens | "
              "LLM s | episode wall s | command wall s | completion | outcome |",
              "|---|" + "---:|" * 10 + "---|"]
    for e in episodes:
        r, llm = e["result"], e["result"]["llm"]
        lines.append(f"| {e['name']} | {e['seed']} | {llm['calls']} | {llm['failed']} | "
                     f"{llm['prompt_tokens']} | {llm['completion_tokens']} | {llm['tokens']} | "
                     f"{llm['seconds']:.1f} | {r['run']['wall_s']:.1f} | {e['wall_s']:.1f} | "
                     f"{r['metrics']['completion']:.3f} | {outcome(r, e['budget'], e['rc'])} |")
    judged = [e for e in episodes if e["result"]["graph"].get("judge_accuracy")]
    if judged:
        lines += ["", "### ATE judge against the rule oracle", "",
                  "| run | seed | edges | edge accuracy | edge false keeps | edge false prunes "
                  "| unanswered edges | interventions | intervention accuracy | "
                  "intervention false keeps | intervention false prunes | judge calls | "
                  "failed judge calls |", "|---|" + "---:|" * 12]
        for e in judged:
            a = e["result"]["graph"]["judge_accuracy"]
            lines.append(f"| {e['name']} | {e['seed']} | {a['edges']} | {a['edge_accuracy']} | "
                         f"{a['edge_false_keeps']} | {a['edge_false_prunes']} | "
                         f"{a['unanswered_edges']} | {a['interventions']} | "
                         f"{a['intervention_accuracy']} | {a['intervention_false_keeps']} | "
                         f"{a['intervention_false_prunes']} | {a['judge_calls']} | "
                         f"{a['failed_judge_calls']} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gguf", type=Path, default=DEFAULT_GGUF, help="the model file")
    p.add_argument("--threads", type=int, default=2, help="llama.cpp threads (default 2)")
    p.add_argument("--repeats", type=int, default=1, help="seeds 0..N-1 per run (default 1)")
    p.add_argument("--runs", nargs="+", choices=sorted(RUNS), default=list(RUNS),
                   help="which runs (default both)")
    p.add_argument("--timeout", type=float, default=900.0, help="each episode's --timeout")
    p.add_argument("--llm-timeout", type=float, metavar="S",
                   help="seconds per request (default: the settings' 30); a CPU model "
                        "serving 3 agents one request at a time may need more")
    p.add_argument("--out", type=Path, default=Path("results/bench_llm"),
                   help="folder of the result files and the report (report.md)")
    p.add_argument("--tabulate", action="store_true",
                   help="run nothing: print the tables of the episodes already in --out")
    args = p.parse_args()
    if args.tabulate:
        print(report(load_episodes(args.out)))
        return
    # SIGTERM stops the server and the run in progress too (through the `with` below).
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))
    args.out.mkdir(parents=True, exist_ok=True)
    episodes = []
    with LlamaServer(args.gguf, args.out / "server.log", DEFAULT_ALIAS, args.threads) as srv:
        print(f"llama.cpp server {srv.url} ({args.gguf.name}, {args.threads} threads)",
              flush=True)
        for seed in range(args.repeats):
            for name in args.runs:
                episodes.append(run_one(name, seed, srv, args.out, args.timeout,
                                        args.llm_timeout))
    text = f"`{' '.join(sys.argv)}`\n\n" + report(episodes)
    (args.out / "report.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
