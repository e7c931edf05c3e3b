"""Benchmark sweeps: tasks x planners x agent counts x seeds, resumable, in parallel.

`plan_runs` lists the episodes of a sweep; `run_bench` runs them and appends one JSON line
per finished episode to `<out>/episodes.jsonl`. The parent process is the only writer of
that file: each line is written in one call, flushed and fsync'ed as its episode ends, so a
kill loses at most the episodes still running, and `resume=True` runs only the keys that
have no `ok` line yet (errored episodes are run again; the last line of a key wins).

A line (a *record*):

```
{"key": "cooking/cake_0.full.a3.s0", "status": "ok" | "error", "version": "0.1.0",
 "seed": 0, "config": {task, source, backend, agents, planner, brain, prior_noise, seed},
 "metrics": {...} | null, "error": null | "ValueError: ...", "traceback": null | "...",
 "trace": "traces/cooking__cake_0.full.a3.s0.json" | null, "elapsed_s": 0.42,
 "warnings": ["WARNING causalcraft.planner: ..."], "finished_at": "2026-01-01T00:00:00+00:00"}

`warnings` holds the first 50 log records of level WARNING and above that the episode
emitted (they are kept off the terminal while the sweep runs).
```

The trace file holds the episode's whole result (metrics, graph and trace).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import logging
import multiprocessing
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

Runner = Callable[[dict[str, Any]], dict[str, Any]]

EPISODES = "episodes.jsonl"
CORRUPT = "episodes.jsonl.corrupt"
CONFIG = "config.json"
TRACES = "traces"

BACKENDS = ("sim", "minecraft")
BRAINS = ("offline", "llm", "hybrid")
DECOMPOSITIONS = ("rules", "llm")
BUDGETS = ("villagerbench", "none")
DEFAULT_TASKS = ("cooking/*", "construction/*", "escape/*")
DEFAULT_OUT = Path("results/bench")

_PLANNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class BenchError(Exception):
    """A sweep that cannot start or resume; the message is one line for the user."""


def package_version() -> str:
    """The installed causalcraft version, or "0+unknown" when it is not installed."""
    try:
        return importlib.metadata.version("causalcraft")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def run_key(config: Mapping[str, Any]) -> str:
    """The stable key of one episode: `<task>.<planner>.a<agents>.s<seed>`, with `.p<noise>`
    after the agents when the sweep sets the prior noise (`--prior-noise`)."""
    noise = f".p{config['noise_axis']:g}" if config.get("noise_axis") is not None else ""
    return f"{config['task']}.{config['planner']}.a{config['agents']}{noise}.s{config['seed']}"


def trace_name(key: str) -> str:
    """The trace file of a key, relative to the sweep folder (the task's `/` becomes `__`)."""
    return f"{TRACES}/{key.replace('/', '__')}.json"


def plan_runs(
    tasks: Sequence[str],
    planners: Sequence[str],
    agents: Sequence[int],
    seeds: int | Sequence[int],
    *,
    source: Path | str | None = None,
    backend: str = "sim",
    brain: str = "offline",
    prior_noise: float | None = None,
    prior_noises: Sequence[float] | None = None,
    budget: str | None = None,
    decompose: str = "rules",
    llm: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The sweep's episodes: the cross product in the order task, planner, agents, prior
    noise, seed.

    `prior_noises` makes the offline brain's prior noise one more axis (each value in the
    key as `.p<noise>`); without it every run has `prior_noise`. `budget` is the episodes'
    `--budget` (None: the episode's default). `decompose` (`llm`: the model splits the task)
    and `llm` (the LLM settings, `agents.settings.LLMSettings.public()`: never the key) go
    into every config of an llm or hybrid sweep.

    `seeds` is a count K (seeds 0..K-1) or an explicit list. Each run is
    `{"key": ..., "config": {task, source, backend, agents, planner, brain, prior_noise,
    seed}}`; `source` is stored as a string. Duplicate keys are an error.

    >>> [r["key"] for r in plan_runs(["cooking/cake_0"], ["full", "villager"], [2], 1)]
    ['cooking/cake_0.full.a2.s0', 'cooking/cake_0.villager.a2.s0']
    """
    seed_list = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    runs: list[dict[str, Any]] = []
    seen: set[str] = set()
    for task in tasks:
        for planner in planners:
            for n in agents:
                for noise in (prior_noises if prior_noises is not None else [None]):
                    for seed in seed_list:
                        config = {
                            "task": task,
                            "source": None if source is None else str(source),
                            "backend": backend,
                            "agents": int(n),
                            "planner": planner,
                            "brain": brain,
                            "prior_noise": prior_noise if noise is None else float(noise),
                            "seed": int(seed),
                        }
                        if budget is not None:
                            config["budget"] = budget
                        if decompose != "rules":
                            config["decompose"] = decompose
                        if llm is not None:
                            config["llm"] = dict(llm)
                        key = run_key({**config, "noise_axis": noise})
                        if key in seen:
                            raise ValueError(f"plan_runs: run {key!r} appears twice")
                        seen.add(key)
                        runs.append({"key": key, "config": config})
    return runs


def run_episode_dict(config: dict[str, Any]) -> dict[str, Any]:
    """The default runner: `tasks.episode.run_episode` on a plain config dict.

    Keys whose value is None are left to EpisodeConfig's defaults.
    An episode stopped by Ctrl-C (or SIGTERM) stops the sweep: its partial result is not an
    episode's result, so it is not recorded (`--resume` runs it again), and KeyboardInterrupt
    is raised with Ctrl-C interrupting again.
    """
    from tasks.episode import EpisodeConfig, run_episode
    from tasks.stopping import release_interrupts

    result = run_episode(EpisodeConfig(**{k: v for k, v in config.items() if v is not None}))
    if result.get("interrupted"):
        release_interrupts()
        raise KeyboardInterrupt
    return result


# ---------------------------------------------------------------------------- records


def read_records(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The records of an episodes file and its unreadable lines (e.g. cut by a kill).

    A missing file gives ([], []). Blank lines are ignored.
    """
    if not path.exists():
        return [], []
    records: list[dict[str, Any]] = []
    corrupt: list[str] = []
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            text = line.rstrip("\n")
            if not text.strip():
                continue
            try:
                rec = json.loads(text)
            except json.JSONDecodeError:
                corrupt.append(text)
                continue
            if isinstance(rec, dict) and isinstance(rec.get("key"), str):
                records.append(rec)
            else:
                corrupt.append(text)
    return records, corrupt


def latest_by_key(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The last record of each key, in first-appearance order of the keys."""
    out: dict[str, dict[str, Any]] = {}
    for rec in records:
        out[rec["key"]] = dict(rec)
    return out


def _fsync_write(path: Path, text: str, mode: str) -> None:
    with path.open(mode, encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _quarantine(out_dir: Path) -> int:
    """Move unreadable lines of the episodes file to the side file; returns how many.

    The side file is written (and synced) before the episodes file is replaced, so no
    line is lost whatever moment a kill comes.
    """
    path = out_dir / EPISODES
    records, corrupt = read_records(path)
    raw = path.read_bytes() if path.exists() else b""
    if not corrupt and (not raw or raw.endswith(b"\n")):
        return 0
    if corrupt:
        _fsync_write(out_dir / CORRUPT, "".join(c + "\n" for c in corrupt), "a")
    tmp = path.with_suffix(".jsonl.tmp")
    _fsync_write(tmp, "".join(json.dumps(r, sort_keys=True) + "\n" for r in records), "w")
    os.replace(tmp, path)
    return len(corrupt)


# ---------------------------------------------------------------------------- running


MAX_WARNINGS = 50


class _WarningCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.lines) < MAX_WARNINGS:
            self.lines.append(f"{record.levelname} {record.name}: {record.getMessage()}")


@contextlib.contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Log records of WARNING and above go to the returned list instead of the terminal
    while an episode runs: they belong to its record, and would break the progress bar."""
    root = logging.getLogger()
    saved = root.handlers[:]
    capture = _WarningCapture()
    root.handlers = [capture]
    try:
        yield capture.lines
    finally:
        root.handlers = saved


def _execute(runner: Runner, config: dict[str, Any]) -> dict[str, Any]:
    """Run one episode (in a worker process or inline); never raises an Exception."""
    start = time.perf_counter()
    with _captured_warnings() as warnings:
        try:
            result = runner(dict(config))
            if not isinstance(result, dict) or not isinstance(result.get("metrics"), dict):
                raise TypeError("the episode runner returned no 'metrics' mapping")
            outcome: dict[str, Any] = {"status": "ok", "result": result}
        except Exception as exc:  # noqa: BLE001 - an episode's failure is data
            outcome = {
                "status": "error",
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(),
            }
    outcome["elapsed_s"] = time.perf_counter() - start
    outcome["warnings"] = list(warnings)
    return outcome


@dataclass(frozen=True)
class BenchOutcome:
    """What a call of `run_bench` did."""

    total: int
    skipped: int
    ok: int
    errors: int
    corrupt_lines: int


class _Recorder:
    """The only writer of the sweep folder's episodes file and traces."""

    def __init__(self, out_dir: Path, version: str) -> None:
        self.out_dir = out_dir
        self.version = version
        (out_dir / TRACES).mkdir(parents=True, exist_ok=True)
        self.ok = 0
        self.errors = 0

    def record(self, run: Mapping[str, Any], outcome: Mapping[str, Any]) -> dict[str, Any]:
        key = run["key"]
        config = run["config"]
        rec: dict[str, Any] = {
            "key": key,
            "status": outcome["status"],
            "version": self.version,
            "seed": config["seed"],
            "config": dict(config),
            "metrics": None,
            "error": None,
            "traceback": None,
            "trace": None,
            "elapsed_s": round(float(outcome.get("elapsed_s", 0.0)), 6),
            "warnings": list(outcome.get("warnings") or []),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if outcome["status"] == "ok":
            result = outcome["result"]
            rel = trace_name(key)
            tmp = self.out_dir / (rel + ".tmp")
            _fsync_write(tmp, json.dumps(result, sort_keys=True, default=str), "w")
            os.replace(tmp, self.out_dir / rel)
            # Planning wall time lives in the result's `run` block (it alone varies between
            # runs of one seed); the sweep's records keep it beside the metrics.
            plan_s = (result.get("run") or {}).get("plan_s")
            rec["metrics"] = {**result["metrics"],
                              **({"plan_s": plan_s} if plan_s is not None else {})}
            rec["villagerbench"] = result.get("villagerbench")
            rec["trace"] = rel
            self.ok += 1
        else:
            rec["error"] = outcome.get("error")
            rec["traceback"] = outcome.get("traceback")
            self.errors += 1
        _fsync_write(self.out_dir / EPISODES, json.dumps(rec, sort_keys=True) + "\n", "a")
        return rec


SWEEP_RUNTIME_KEYS = frozenset({"jobs", "resume", "out", "servers"})
"""Arguments of a sweep that change how it runs, not what it holds: a resume may differ in them."""


def _check_same_sweep(out: Path, sweep: Mapping[str, Any]) -> None:
    """Refuse (BenchError) to resume the sweep in `out` with other settings: its episodes
    and the new ones would mix in one file, and `config.json` would no longer describe them.
    Arguments in `SWEEP_RUNTIME_KEYS` may differ; a folder without `config.json` passes."""
    path = out / CONFIG
    if not path.exists() or not sweep:
        return
    try:
        before = json.loads(path.read_text()).get("sweep") or {}
    except (OSError, ValueError, AttributeError) as exc:
        raise BenchError(f"--resume: cannot read {path} ({exc}); choose another --out") from None
    if not before:
        return
    now = json.loads(json.dumps(dict(sweep), default=str))  # as config.json stores it
    fields = sorted(k for k in set(before) | set(now)
                    if k not in SWEEP_RUNTIME_KEYS and before.get(k) != now.get(k))
    if fields:
        shown = "; ".join(f"{k} {before.get(k)!r} there, {now.get(k)!r} now" for k in fields)
        raise BenchError(f"--resume: {out} holds a sweep with other settings ({shown}); "
                         "use the same settings or another --out")


def run_bench(
    runs: Sequence[Mapping[str, Any]],
    out_dir: Path | str,
    jobs: int = 1,
    resume: bool = False,
    runner: Runner | None = None,
    *,
    sweep: Mapping[str, Any] | None = None,
    progress: bool = True,
) -> BenchOutcome:
    """Run `runs` (from `plan_runs`), appending one record per episode to the episodes file.

    `jobs` worker processes (spawned; `jobs == 1` runs inline in this process). Without
    `resume` the folder must not hold episodes yet. With it, unreadable lines go to the
    side file `episodes.jsonl.corrupt`, and keys whose last record is ok are skipped; a
    key recorded with another config than planned is refused. `sweep` (the command's
    arguments) is written to `config.json` with the run count, jobs and version. The
    runner must be picklable (a module-level function) when `jobs > 1`.
    """
    if jobs < 1:
        raise ValueError(f"run_bench: jobs must be >= 1, got {jobs}")
    runner = runner or run_episode_dict
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    episodes = out / EPISODES
    corrupt = 0
    done: set[str] = set()
    if resume:
        _check_same_sweep(out, sweep or {})
        corrupt = _quarantine(out)
        planned = {r["key"]: r["config"] for r in runs}
        for key, rec in latest_by_key(read_records(episodes)[0]).items():
            if key in planned and rec.get("config") != dict(planned[key]):
                fields = sorted(
                    f
                    for f in set(planned[key]) | set(rec.get("config") or {})
                    if planned[key].get(f) != (rec.get("config") or {}).get(f)
                )
                raise BenchError(
                    f"--resume: {key} was run with another {', '.join(fields)} in {out}; "
                    "use the same settings or another --out"
                )
            if rec.get("status") == "ok":
                done.add(key)
    elif episodes.exists() and episodes.stat().st_size > 0:
        raise BenchError(
            f"--out {out} already holds {EPISODES}; pass --resume to continue it "
            "or choose another --out"
        )
    version = package_version()
    meta = {
        "sweep": dict(sweep or {}),
        "runs": len(runs),
        "jobs": jobs,
        "resume": resume,
        "version": version,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _fsync_write(out / CONFIG, json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n", "w")

    pending = [r for r in runs if r["key"] not in done]
    recorder = _Recorder(out, version)
    bar = tqdm(
        total=len(pending),
        desc="bench",
        unit="ep",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
    )
    if done:
        bar.write(f"resume: {len(runs) - len(pending)} of {len(runs)} episodes already done",
                  file=sys.stderr)
    try:
        if jobs == 1:
            for run in pending:
                bar.set_postfix_str(run["key"], refresh=False)
                recorder.record(run, _execute(runner, dict(run["config"])))
                bar.update(1)
        else:
            _run_pool(pending, jobs, runner, recorder, bar)
    finally:
        bar.close()
    return BenchOutcome(
        total=len(runs),
        skipped=len(runs) - len(pending),
        ok=recorder.ok,
        errors=recorder.errors,
        corrupt_lines=corrupt,
    )


def _exit_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this worker when the sweep's process is gone (killed with
    SIGKILL, its workers would otherwise wait on their task queue forever); a Ctrl-C in the
    terminal is the sweep's to handle (it stops the workers), not each worker's."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _run_pool(
    pending: Sequence[Mapping[str, Any]],
    jobs: int,
    runner: Runner,
    recorder: _Recorder,
    bar: tqdm,
) -> None:
    # At most `jobs` episodes are in flight, so a kill leaves little work unrecorded and
    # a worker that dies costs only the episodes it was running.
    queue = list(pending)
    queue.reverse()
    ctx = multiprocessing.get_context("spawn")
    while queue:
        broken = False
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                                 initializer=_exit_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            running: dict[Future[dict[str, Any]], Mapping[str, Any]] = {}
            try:
                while queue or running:
                    while queue and len(running) < jobs and not broken:
                        run = queue.pop()
                        try:
                            running[pool.submit(_execute, runner, dict(run["config"]))] = run
                        except BrokenProcessPool:
                            # A worker died since the last wait: run this one in a new pool.
                            queue.append(run)
                            broken = True
                    if not running:
                        break
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        run = running.pop(fut)
                        try:
                            outcome = fut.result()
                        except BrokenProcessPool as exc:
                            broken = True
                            outcome = {
                                "status": "error",
                                "error": f"worker process died: {exc}",
                                "traceback": None,
                                "elapsed_s": 0.0,
                            }
                        recorder.record(run, outcome)
                        bar.update(1)
            except BaseException:
                # Ctrl-C (or a bug of ours): the episodes in flight are stopped, not waited
                # for (an interrupted episode is not recorded; --resume runs it again), and a
                # second Ctrl-C meanwhile only says so.
                from tasks.stopping import hold_interrupts

                hold_interrupts()
                for proc in list(getattr(pool, "_processes", {}).values()):
                    proc.terminate()
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        if not broken:
            break


# ---------------------------------------------------------------------------- CLI


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `causalcraft bench`. Values are checked by `bench_main`, so that a bad
    value ends with one line naming its flag."""
    parser.add_argument(
        "--tasks", nargs="+", metavar="PATTERN", default=list(DEFAULT_TASKS),
        help="task id patterns, e.g. 'cooking/*' (default: all public tasks)",
    )
    parser.add_argument("--source", metavar="DIR", default=None,
                        help="read VillagerBench files from DIR")
    parser.add_argument("--backend", metavar="sim|minecraft", default="sim")
    parser.add_argument("--planners", metavar="NAME,NAME,...", default="full",
                        help="planner configurations to compare (default: full)")
    parser.add_argument("--agents", metavar="N[,N...]", default="3",
                        help="agent counts (default: 3)")
    parser.add_argument("--seeds", metavar="K", default="3",
                        help="seeds 0..K-1 per configuration (default: 3)")
    parser.add_argument("--jobs", metavar="J", default="1",
                        help="episodes run in parallel processes (default: 1)")
    parser.add_argument("--brain", metavar="offline|llm|hybrid", default="offline",
                        help="offline (rules, no network), llm (the model plans and acts) or "
                             "hybrid (the model plans, the rules act); the LLM flags below "
                             "apply to every episode")
    parser.add_argument("--decompose", metavar="rules|llm", default="rules",
                        help="who splits each task into subtasks (default rules)")
    parser.add_argument("--prior-noise", metavar="P[,P...]", default=None,
                        help="offline brain's prior noise values to sweep, each in [0, 1] "
                             "(default: the episode's default, not an axis)")
    parser.add_argument("--budget", metavar="villagerbench|none", default="villagerbench",
                        help="stop an episode once its action time passes VillagerBench's "
                             "max_action_time (default), or let it run to the end")
    parser.add_argument("--out", metavar="DIR", default=str(DEFAULT_OUT),
                        help=f"sweep folder (default: {DEFAULT_OUT})")
    parser.add_argument("--resume", action="store_true",
                        help="continue the sweep in --out, skipping episodes already done")
    parser.add_argument("--servers", metavar="K", default="0",
                        help="--backend minecraft: run on K embedded servers at once, one "
                             "episode per server at a time (default: one server per episode)")
    parser.add_argument("--strict", action="store_true",
                        help="a task-file line that cannot be read fails its episode "
                             "(default: skipped, with a warning)")
    from tasks.cli import add_llm_arguments

    add_llm_arguments(parser)


def _positive_int(flag: str, text: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise BenchError(f"{flag}: {text!r} is not a whole number") from None
    if value < 1:
        raise BenchError(f"{flag}: {value} must be at least 1")
    return value


def _parse_list(flag: str, text: str) -> list[str]:
    items = [s.strip() for s in str(text).split(",")]
    if not items or any(not s for s in items):
        raise BenchError(f"{flag}: {text!r} has an empty name; write NAME,NAME,...")
    dupes = sorted({s for s in items if items.count(s) > 1})
    if dupes:
        raise BenchError(f"{flag}: {', '.join(dupes)} given twice")
    return items


@dataclass(frozen=True)
class BenchArgs:
    """The checked values of the bench flags."""

    tasks: list[str]
    patterns: list[str]
    source: Path | None
    backend: str
    planners: list[str]
    agents: list[int]
    seeds: int
    jobs: int
    brain: str
    out: Path
    resume: bool
    servers: int = 0
    prior_noises: list[float] | None = None
    budget: str = "villagerbench"
    decompose: str = "rules"
    llm: dict[str, Any] | None = None
    """The LLM settings of an llm or hybrid sweep (no key), checked at start."""


def _llm_settings(args: argparse.Namespace, brain: str, decompose: str) -> dict[str, Any] | None:
    """The sweep's LLM settings from its flags, through the same settings model as `run`
    (`tasks.cli.llm_settings_of`); raises BenchError with its one line."""
    from tasks.cli import LLM_FLAGS, CliError, llm_settings_of

    flags = argparse.Namespace(**{f: getattr(args, f, None) for f in LLM_FLAGS})
    flags.brain, flags.decompose = brain, decompose
    try:
        return llm_settings_of(flags)
    except CliError as err:
        raise BenchError(str(err)) from None


def check_bench_args(args: argparse.Namespace) -> BenchArgs:
    """Turn the parsed flags into checked values; raises BenchError naming the flag."""
    backend = str(args.backend)
    if backend not in BACKENDS:
        raise BenchError(f"--backend: {backend!r} is not one of {', '.join(BACKENDS)}")
    brain = str(args.brain)
    if brain not in BRAINS:
        raise BenchError(f"--brain: {brain!r} is not one of {', '.join(BRAINS)}")
    planners = _parse_list("--planners", args.planners)
    for name in planners:
        if not _PLANNER_NAME.match(name):
            raise BenchError(f"--planners: {name!r} is not a planner name")
    agents = [_positive_int("--agents", a) for a in _parse_list("--agents", args.agents)]
    for n in agents:
        if n > 8:  # VillagerBench's episodes take 1 to 8 (EpisodeConfig.agents), as `run` says
            raise BenchError(f"--agents: {n!r} is more than 8 agents")
    seeds = _positive_int("--seeds", args.seeds)
    jobs = _positive_int("--jobs", args.jobs)
    source = None if args.source is None else Path(args.source)
    if source is not None and not source.is_dir():
        raise BenchError(f"--source: {source} is not a folder")
    patterns = list(args.tasks or [])
    if not patterns:
        raise BenchError("--tasks: give at least one PATTERN")
    try:
        from tasks.catalog import glob_tasks

        found = glob_tasks(patterns, source)
    except Exception as exc:  # noqa: BLE001 - shown as one line naming the flag
        raise BenchError(f"--tasks: {exc}") from None
    tasks = [getattr(t, "id", t) for t in found]
    if not tasks:
        raise BenchError(f"--tasks: no task matches {' '.join(patterns)}")
    text = str(getattr(args, "servers", "0")).strip()
    servers = 0 if text == "0" else _positive_int("--servers", text)
    if servers and backend != "minecraft":
        raise BenchError("--servers: needs --backend minecraft (the simulator needs no server)")
    noises = _parse_noises(getattr(args, "prior_noise", None))
    budget = str(getattr(args, "budget", "villagerbench"))
    if budget not in BUDGETS:
        raise BenchError(f"--budget: {budget!r} is not one of {', '.join(BUDGETS)}")
    decompose = str(getattr(args, "decompose", "rules"))
    if decompose not in DECOMPOSITIONS:
        raise BenchError(f"--decompose: {decompose!r} is not one of "
                         f"{', '.join(DECOMPOSITIONS)}")
    llm = _llm_settings(args, brain, decompose)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise BenchError(f"--out: {out} is a file, not a folder")
    return BenchArgs(
        tasks=[str(t) for t in tasks],
        patterns=patterns,
        source=source,
        backend=backend,
        planners=planners,
        agents=agents,
        seeds=seeds,
        jobs=jobs,
        brain=brain,
        out=out,
        resume=bool(args.resume),
        servers=servers,
        prior_noises=noises,
        budget=budget,
        decompose=decompose,
        llm=llm,
    )


def _parse_noises(text: object) -> list[float] | None:
    """`--prior-noise 0,0.3,0.6` -> [0.0, 0.3, 0.6]; None when not given."""
    if text is None:
        return None
    values = []
    for item in _parse_list("--prior-noise", str(text)):
        try:
            value = float(item)
        except ValueError:
            raise BenchError(f"--prior-noise: {item!r} is not a number") from None
        if not 0.0 <= value <= 1.0:
            raise BenchError(f"--prior-noise: {value:g} is not in [0, 1]")
        values.append(value)
    return values


_FLAG_OF_FIELD = {
    "task": "--tasks",
    "source": "--source",
    "backend": "--backend",
    "agents": "--agents",
    "planner": "--planners",
    "brain": "--brain",
}


def _check_with_episode_config(runs: Sequence[Mapping[str, Any]]) -> float | None:
    """Build an EpisodeConfig for each distinct planner / agent count before the sweep
    starts, so a bad value fails now with its flag; returns the default prior noise."""
    from pydantic import ValidationError

    from planner.configs import get_config
    from tasks.episode import EpisodeConfig

    for name in dict.fromkeys(run["config"]["planner"] for run in runs):
        try:
            get_config(name)
        except ValueError as exc:
            raise BenchError(f"--planners: {exc}") from None
    seen: set[tuple[Any, Any]] = set()
    for run in runs:
        cfg = run["config"]
        if (cfg["planner"], cfg["agents"]) in seen:
            continue
        seen.add((cfg["planner"], cfg["agents"]))
        try:
            EpisodeConfig(**{k: v for k, v in cfg.items() if v is not None})
        except ValidationError as exc:
            err = exc.errors()[0]
            field = str(err["loc"][0]) if err.get("loc") else ""
            flag = _FLAG_OF_FIELD.get(field, field or "config")
            value = cfg.get(field, "")
            raise BenchError(f"{flag}: {value!r}: {err['msg']}") from None
    field = EpisodeConfig.model_fields.get("prior_noise")
    default = None if field is None else field.default
    return default if isinstance(default, int | float) else None


def bench_main(args: argparse.Namespace, runner: Runner | None = None) -> int:
    """`causalcraft bench`: 0 when every episode ran, 1 when some errored, 2 on bad flags."""
    try:
        checked = check_bench_args(args)
        runs = plan_runs(
            checked.tasks, checked.planners, checked.agents, checked.seeds,
            source=checked.source, backend=checked.backend, brain=checked.brain,
            prior_noises=checked.prior_noises, budget=checked.budget,
            decompose=checked.decompose, llm=checked.llm,
        )
        if getattr(args, "strict", False):
            for run in runs:
                run["config"]["strict"] = True
        if runner is None:
            noise = _check_with_episode_config(runs)
            if noise is not None and checked.prior_noises is None:
                for run in runs:
                    run["config"]["prior_noise"] = noise
        sweep = {
            "tasks": checked.patterns,
            "task_ids": checked.tasks,
            "source": None if checked.source is None else str(checked.source),
            "backend": checked.backend,
            "planners": checked.planners,
            "agents": checked.agents,
            "seeds": checked.seeds,
            "jobs": checked.jobs,
            "brain": checked.brain,
            "prior_noise": checked.prior_noises,
            "budget": checked.budget,
            "out": str(checked.out),
            "resume": checked.resume,
        }
        if checked.llm is not None:
            sweep.update(decompose=checked.decompose, llm=checked.llm)
        if checked.servers:
            from env.minecraft.server import ServerError
            from tasks.server_pool import server_pool

            sweep["servers"] = checked.servers
            try:
                with server_pool(checked.servers, runner=runner) as pooled:
                    outcome = run_bench(runs, checked.out, checked.servers, checked.resume,
                                        pooled, sweep=sweep)
            except ServerError as exc:
                raise BenchError(f"--servers: {exc}") from None
        else:
            outcome = run_bench(runs, checked.out, checked.jobs, checked.resume, runner,
                                sweep=sweep)
    except BenchError as exc:
        print(f"causalcraft bench: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        from tasks.stopping import release_interrupts, stop_reason, terminated

        release_interrupts()
        if "runs" not in locals():  # still reading the flags: nothing ran
            raise
        kept = len(latest_by_key(read_records(checked.out / EPISODES)[0]))
        print(f"causalcraft bench: {stop_reason()}: {kept} episodes are recorded in "
              f"{checked.out}; --resume runs the rest", file=sys.stderr)
        return 143 if terminated() else 130
    parts = [f"{outcome.ok} ok", f"{outcome.errors} errors"]
    if outcome.skipped:
        parts.append(f"{outcome.skipped} already done")
    if outcome.corrupt_lines:
        parts.append(f"{outcome.corrupt_lines} cut lines moved to {CORRUPT}")
    print(f"{outcome.total} episodes: {', '.join(parts)}; results in {checked.out}")
    return 1 if outcome.errors else 0


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `causalcraft report` (defined in `tasks.report`)."""
    from tasks.report import add_report_arguments as add

    add(parser)


def report_main(args: argparse.Namespace) -> int:
    """`causalcraft report` (see `tasks.report.report_main`)."""
    from tasks.report import report_main as main

    return main(args)
