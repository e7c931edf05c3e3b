"""The sweep runner: planning, recording, errors, resume after a kill, parallel workers, flags."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import pytest

from tasks.bench import (
    CONFIG,
    CORRUPT,
    EPISODES,
    BenchError,
    add_bench_arguments,
    bench_main,
    latest_by_key,
    plan_runs,
    read_records,
    run_bench,
    trace_name,
)

KILLED = Path(__file__).parent / "fixtures" / "sweeps" / "killed" / "episodes.jsonl"


# Fake episode runners (module level, so that spawned worker processes can import them).


def fake_runner(config: dict[str, Any]) -> dict[str, Any]:
    completion = 1.0 if config["planner"] == "full" else 0.5
    return {
        "task": config["task"],
        "planner": config["planner"],
        "seed": config["seed"],
        "metrics": {
            "completion": completion,
            "efficiency": 1.0 + config["seed"],
            "makespan_s": 10.0 * config["agents"],
            "lower_bound_s": 8.0,
        },
        "graph": {"nodes": [], "edges": []},
        "trace": [{"agent": 0, "name": "craft", "ok": True}],
    }


def failing_runner(config: dict[str, Any]) -> dict[str, Any]:
    if config["seed"] == 1:
        raise RuntimeError(f"no route to {config['task']}")
    return fake_runner(config)


def crashing_runner(config: dict[str, Any]) -> dict[str, Any]:
    if config["seed"] == 0:
        os._exit(3)  # a worker killed outright (segfault, OOM killer)
    return fake_runner(config)


def chatty_runner(config: dict[str, Any]) -> dict[str, Any]:
    logging.getLogger("causalcraft.planner").warning("subtask %s failed for good", "craft:cake")
    logging.getLogger("causalcraft.planner").info("not kept: below WARNING")
    return fake_runner(config)


def sleepy_runner(config: dict[str, Any]) -> dict[str, Any]:
    """Seeds 0 and 1 end at once; later seeds hang, as an episode does when the sweep is
    killed. Each call leaves its process id in $BENCH_PID_DIR."""
    pid_dir = Path(os.environ["BENCH_PID_DIR"])
    (pid_dir / f"{config['seed']}.pid").write_text(str(os.getpid()))
    if config["seed"] >= 2:
        time.sleep(120)
    return fake_runner(config)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(s) for s in (out / EPISODES).read_text().splitlines()]


# plan_runs


def test_plan_runs_cross_product_in_fixed_order() -> None:
    runs = plan_runs(["cooking/cake_0", "escape/2-1"], ["full", "no-ate"], [2, 3], 2)
    assert len(runs) == 16
    assert [r["key"] for r in runs[:5]] == [
        "cooking/cake_0.full.a2.s0",
        "cooking/cake_0.full.a2.s1",
        "cooking/cake_0.full.a3.s0",
        "cooking/cake_0.full.a3.s1",
        "cooking/cake_0.no-ate.a2.s0",
    ]
    assert runs[-1]["key"] == "escape/2-1.no-ate.a3.s1"
    assert runs[0]["config"] == {
        "task": "cooking/cake_0",
        "source": None,
        "backend": "sim",
        "agents": 2,
        "planner": "full",
        "brain": "offline",
        "prior_noise": None,
        "seed": 0,
    }
    assert plan_runs(["cooking/cake_0"], ["full"], [1], [7], source=Path("/data"),
                     prior_noise=0.2)[0]["config"]["source"] == "/data"
    assert trace_name("escape/2-1.no-ate.a3.s1") == "traces/escape__2-1.no-ate.a3.s1.json"


def test_plan_runs_refuses_duplicates() -> None:
    with pytest.raises(ValueError, match="'cooking/cake_0.full.a2.s0' appears twice"):
        plan_runs(["cooking/cake_0", "cooking/cake_0"], ["full"], [2], 1)


# run_bench


def test_run_bench_records_each_episode_and_its_trace(tmp_path: Path) -> None:
    runs = plan_runs(["cooking/cake_0"], ["full", "villager"], [2], 2)
    outcome = run_bench(runs, tmp_path, jobs=1, runner=fake_runner, sweep={"seeds": 2},
                        progress=False)
    assert (outcome.total, outcome.skipped, outcome.ok, outcome.errors) == (4, 0, 4, 0)
    recs = lines(tmp_path)
    assert [r["key"] for r in recs] == [r["key"] for r in runs]
    first = recs[0]
    assert first["status"] == "ok"
    assert first["config"] == runs[0]["config"]
    assert first["seed"] == 0
    assert first["version"] == "0+unknown" or first["version"][0].isdigit()
    assert first["metrics"] == fake_runner(runs[0]["config"])["metrics"]
    assert "trace" not in first["metrics"]
    assert first["trace"] == "traces/cooking__cake_0.full.a2.s0.json"
    saved = json.loads((tmp_path / first["trace"]).read_text())
    assert saved["trace"] == [{"agent": 0, "name": "craft", "ok": True}]
    meta = json.loads((tmp_path / CONFIG).read_text())
    assert (meta["sweep"], meta["runs"], meta["jobs"], meta["resume"]) == ({"seeds": 2}, 4, 1,
                                                                           False)


def test_an_erroring_episode_is_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    runs = plan_runs(["cooking/cake_0"], ["full"], [2], 3)
    outcome = run_bench(runs, tmp_path, runner=failing_runner, progress=False)
    assert (outcome.ok, outcome.errors) == (2, 1)
    recs = lines(tmp_path)
    assert [(r["key"], r["status"]) for r in recs] == [
        ("cooking/cake_0.full.a2.s0", "ok"),
        ("cooking/cake_0.full.a2.s1", "error"),
        ("cooking/cake_0.full.a2.s2", "ok"),
    ]
    assert recs[1]["error"] == "RuntimeError: no route to cooking/cake_0"
    assert "raise RuntimeError" in recs[1]["traceback"]
    assert recs[1]["metrics"] is None and recs[1]["trace"] is None


def test_episode_warnings_go_to_its_record_not_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = plan_runs(["cooking/cake_0"], ["full"], [2], 1)
    root_handlers = logging.getLogger().handlers[:]
    run_bench(runs, tmp_path, runner=chatty_runner, progress=False)
    assert logging.getLogger().handlers == root_handlers
    assert lines(tmp_path)[0]["warnings"] == [
        "WARNING causalcraft.planner: subtask craft:cake failed for good"
    ]
    assert capsys.readouterr().err == ""


def test_resume_after_a_kill_runs_only_what_is_missing(tmp_path: Path) -> None:
    # The fixture: a sweep of cooking/cake_0 x {full, villager} x 2 agents killed while
    # writing its 4th line: 3 complete lines and a cut one.
    shutil.copy(KILLED, tmp_path / EPISODES)
    cut = KILLED.read_text().split("\n")[-1]
    runs = plan_runs(["cooking/cake_0"], ["full", "villager"], [2], 3, prior_noise=0.1)
    calls: list[str] = []

    def runner(config: dict[str, Any]) -> dict[str, Any]:
        calls.append(f"{config['planner']}.s{config['seed']}")
        return fake_runner(config)

    outcome = run_bench(runs, tmp_path, resume=True, runner=runner, progress=False)
    assert calls == ["full.s2", "villager.s1", "villager.s2"]
    assert (outcome.total, outcome.skipped, outcome.ok, outcome.corrupt_lines) == (6, 3, 3, 1)
    assert (tmp_path / CORRUPT).read_text() == cut + "\n"
    records, corrupt = read_records(tmp_path / EPISODES)
    assert corrupt == []
    assert sorted(latest_by_key(records)) == sorted(r["key"] for r in runs)
    # A second resume has nothing left to do and loses nothing.
    calls.clear()
    again = run_bench(runs, tmp_path, resume=True, runner=runner, progress=False)
    assert (calls, again.skipped, again.corrupt_lines) == ([], 6, 0)
    assert (tmp_path / CORRUPT).read_text() == cut + "\n"


def test_sweep_killed_with_sigkill_then_resumed(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    script = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from tasks.bench import plan_runs, run_bench\n"
        "from test_bench import sleepy_runner\n"
        "runs = plan_runs(['cooking/cake_0'], ['full'], [2], 6)\n"
        "run_bench(runs, sys.argv[3], jobs=2, runner=sleepy_runner, progress=False)\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "BENCH_PID_DIR": str(pid_dir)}
    proc = subprocess.Popen([sys.executable, "-c", script, str(root), str(root / "tests"),
                             str(out)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not ((pid_dir / "2.pid").exists() and (pid_dir / "3.pid").exists()):
            assert time.monotonic() < deadline, "the sweep did not start its episodes"
            assert proc.poll() is None
            time.sleep(0.05)
        assert len(lines(out)) == 2
        workers = {int((pid_dir / f"{s}.pid").read_text()) for s in (2, 3)}
        assert os.getpid() not in workers and proc.pid not in workers
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        # The workers notice that the sweep is gone and end within a second or so.
        deadline = time.monotonic() + 10
        while any(alive(p) for p in workers):
            assert time.monotonic() < deadline, "workers outlived the killed sweep"
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for pid_file in pid_dir.glob("*.pid"):
            pid = int(pid_file.read_text())
            if pid != os.getpid() and alive(pid):
                os.kill(pid, signal.SIGKILL)
    calls: list[int] = []

    def runner(config: dict[str, Any]) -> dict[str, Any]:
        calls.append(config["seed"])
        return fake_runner(config)

    runs = plan_runs(["cooking/cake_0"], ["full"], [2], 6)
    outcome = run_bench(runs, out, resume=True, runner=runner, progress=False)
    assert calls == [2, 3, 4, 5]
    assert (outcome.skipped, outcome.ok) == (2, 4)
    # Seeds 0 and 1 ran side by side, so either may have been recorded first.
    keys = [r["key"] for r in lines(out)]
    assert sorted(keys[:2]) == [r["key"] for r in runs[:2]]
    assert keys[2:] == [r["key"] for r in runs[2:]]


def test_resume_runs_errored_episodes_again(tmp_path: Path) -> None:
    runs = plan_runs(["cooking/cake_0"], ["full"], [2], 3)
    run_bench(runs, tmp_path, runner=failing_runner, progress=False)
    outcome = run_bench(runs, tmp_path, resume=True, runner=fake_runner, progress=False)
    assert (outcome.skipped, outcome.ok, outcome.errors) == (2, 1, 0)
    latest = latest_by_key(lines(tmp_path))
    assert [r["status"] for r in latest.values()] == ["ok", "ok", "ok"]
    assert len(lines(tmp_path)) == 4


def test_resume_refuses_other_settings_and_a_used_folder_needs_resume(tmp_path: Path) -> None:
    shutil.copy(KILLED, tmp_path / EPISODES)
    runs = plan_runs(["cooking/cake_0"], ["full"], [2], 2, prior_noise=0.3)
    with pytest.raises(BenchError, match=r"cooking/cake_0.full.a2.s0 was run with another "
                                         r"prior_noise"):
        run_bench(runs, tmp_path, resume=True, runner=fake_runner, progress=False)
    with pytest.raises(BenchError, match="already holds episodes.jsonl; pass --resume"):
        run_bench(runs, tmp_path, runner=fake_runner, progress=False)


def test_parallel_workers_record_every_episode(tmp_path: Path) -> None:
    runs = plan_runs(["cooking/cake_0", "cooking/cake_1"], ["full", "villager"], [2], 2)
    outcome = run_bench(runs, tmp_path, jobs=2, runner=failing_runner, progress=False)
    assert (outcome.ok, outcome.errors) == (4, 4)
    recs = latest_by_key(lines(tmp_path))
    assert sorted(recs) == sorted(r["key"] for r in runs)
    for key, rec in recs.items():
        assert rec["status"] == ("error" if key.endswith(".s1") else "ok")
        if rec["status"] == "ok":
            assert rec["metrics"]["completion"] == (1.0 if ".full." in key else 0.5)


def test_a_dead_worker_costs_only_its_episodes(tmp_path: Path) -> None:
    runs = plan_runs(["cooking/cake_0"], ["full"], [2], 4)  # s0 kills its worker
    outcome = run_bench(runs, tmp_path, jobs=2, runner=crashing_runner, progress=False)
    recs = latest_by_key(lines(tmp_path))
    assert sorted(recs) == sorted(r["key"] for r in runs)
    assert recs["cooking/cake_0.full.a2.s0"]["status"] == "error"
    assert recs["cooking/cake_0.full.a2.s0"]["error"].startswith("worker process died")
    # s1 ran beside s0 and may have been lost with it; s2 and s3 ran in a new pool.
    assert recs["cooking/cake_0.full.a2.s2"]["status"] == "ok"
    assert recs["cooking/cake_0.full.a2.s3"]["status"] == "ok"
    assert outcome.ok + outcome.errors == 4


# bench_main and its flags


@pytest.fixture
def catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """A task catalog of three tasks in place of tasks.catalog."""
    ids = ["cooking/cake_0", "cooking/cake_1", "escape/2-1"]

    def glob_tasks(patterns: list[str], source: Path | None) -> list[str]:
        import fnmatch

        if "bad[" in patterns:
            raise ValueError("pattern 'bad[' is malformed")
        return [t for t in ids if any(fnmatch.fnmatch(t, p) for p in patterns)]

    module = types.ModuleType("tasks.catalog")
    module.glob_tasks = glob_tasks  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tasks.catalog", module)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="causalcraft bench")
    add_bench_arguments(parser)
    return parser.parse_args(argv)


def test_bench_main_runs_a_sweep(tmp_path: Path, catalog: None,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep"
    args = parse(["--tasks", "cooking/*", "--planners", "full,villager", "--agents", "2,3",
                  "--seeds", "2", "--out", str(out)])
    assert bench_main(args, runner=fake_runner) == 0
    assert capsys.readouterr().out == f"16 episodes: 16 ok, 0 errors; results in {out}\n"
    meta = json.loads((out / CONFIG).read_text())
    assert meta["sweep"] == {
        "tasks": ["cooking/*"],
        "task_ids": ["cooking/cake_0", "cooking/cake_1"],
        "source": None,
        "backend": "sim",
        "planners": ["full", "villager"],
        "agents": [2, 3],
        "seeds": 2,
        "jobs": 1,
        "brain": "offline",
        "prior_noise": None,
        "budget": "villagerbench",
        "out": str(out),
        "resume": False,
    }
    # Again with --resume: nothing to run; with an error, the exit status says so.
    assert bench_main(parse(["--tasks", "cooking/*", "--planners", "full,villager",
                             "--agents", "2,3", "--seeds", "2", "--out", str(out),
                             "--resume"]), runner=fake_runner) == 0
    assert capsys.readouterr().out == (
        f"16 episodes: 0 ok, 0 errors, 16 already done; results in {out}\n"
    )
    assert bench_main(parse(["--tasks", "escape/*", "--seeds", "2", "--out",
                             str(tmp_path / "e")]), runner=failing_runner) == 1
    assert capsys.readouterr().out.startswith("2 episodes: 1 ok, 1 errors;")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--agents", "0"], "--agents: 0 must be at least 1"),
        (["--agents", "2,x"], "--agents: 'x' is not a whole number"),
        (["--agents", "2,2"], "--agents: 2 given twice"),
        (["--seeds", "-1"], "--seeds: -1 must be at least 1"),
        (["--jobs", "two"], "--jobs: 'two' is not a whole number"),
        (["--backend", "bedrock"], "--backend: 'bedrock' is not one of sim, minecraft"),
        (["--brain", "gpt"], "--brain: 'gpt' is not one of offline, llm, hybrid"),
        (["--planners", "full,,villager"], "--planners: 'full,,villager' has an empty name; "
                                           "write NAME,NAME,..."),
        (["--planners", "full,full"], "--planners: full given twice"),
        (["--planners", "full,no ate"], "--planners: 'no ate' is not a planner name"),
        (["--tasks", "farming/*"], "--tasks: no task matches farming/*"),
        (["--tasks", "bad["], "--tasks: pattern 'bad[' is malformed"),
        (["--source", "/nonexistent/dir"], "--source: /nonexistent/dir is not a folder"),
    ],
)
def test_bad_flags_end_with_one_line(argv: list[str], message: str, tmp_path: Path,
                                     catalog: None, capsys: pytest.CaptureFixture[str]) -> None:
    code = bench_main(parse([*argv, "--out", str(tmp_path / "o")]), runner=fake_runner)
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"causalcraft bench: error: {message}\n"
    assert not (tmp_path / "o").exists()


def test_used_out_folder_without_resume(tmp_path: Path, catalog: None,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(KILLED, tmp_path / EPISODES)
    assert bench_main(parse(["--out", str(tmp_path)]), runner=fake_runner) == 2
    assert capsys.readouterr().err == (
        f"causalcraft bench: error: --out {tmp_path} already holds episodes.jsonl; pass --resume "
        "to continue it or choose another --out\n"
    )


def test_prior_noise_is_one_more_axis() -> None:
    from tasks.bench import plan_runs

    runs = plan_runs(["cooking/cake_0"], ["full"], [3], 1, prior_noises=[0.0, 0.3],
                     budget="none")
    assert [r["key"] for r in runs] == ["cooking/cake_0.full.a3.p0.s0",
                                        "cooking/cake_0.full.a3.p0.3.s0"]
    assert [(r["config"]["prior_noise"], r["config"]["budget"]) for r in runs] == [
        (0.0, "none"), (0.3, "none")]


def test_resume_with_another_sweep_is_refused_and_changes_nothing(
        tmp_path: Path, catalog: None, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep"
    first = ["--tasks", "cooking/cake_0", "--planners", "full", "--agents", "2", "--seeds", "1",
             "--out", str(out)]
    assert bench_main(parse(first), runner=fake_runner) == 0
    config, episodes = (out / CONFIG).read_text(), (out / EPISODES).read_text()
    capsys.readouterr()
    # other tasks: no key overlaps, so the episodes would mix in one file unnoticed
    other = ["--tasks", "cooking/cake_1", "--planners", "full,villager", "--agents", "2",
             "--seeds", "1", "--out", str(out), "--resume"]
    assert bench_main(parse(other), runner=fake_runner) == 2
    assert capsys.readouterr().err == (
        f"causalcraft bench: error: --resume: {out} holds a sweep with other settings "
        "(planners ['full'] there, ['full', 'villager'] now; "
        "task_ids ['cooking/cake_0'] there, ['cooking/cake_1'] now; "
        "tasks ['cooking/cake_0'] there, ['cooking/cake_1'] now); "
        "use the same settings or another --out\n")
    assert ((out / CONFIG).read_text(), (out / EPISODES).read_text()) == (config, episodes)
    # the same sweep resumes, whatever its --jobs
    assert bench_main(parse([*first, "--resume", "--jobs", "1"]), runner=fake_runner) == 0
    assert (out / EPISODES).read_text() == episodes


def test_an_interrupted_episode_stops_the_sweep_and_ctrl_c_interrupts_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # An episode stopped by Ctrl-C returns its partial result with Ctrl-C held (a second one
    # waits for the result); in a sweep that result is not recorded, the sweep stops, and
    # Ctrl-C is Python's again.
    import tasks.episode
    from tasks import stopping
    from tasks.bench import run_episode_dict

    def stopped(cfg: Any) -> dict[str, Any]:
        stopping.hold_interrupts()
        return {"interrupted": True, "metrics": {}}

    monkeypatch.setattr(tasks.episode, "run_episode", stopped)
    with pytest.raises(KeyboardInterrupt):
        run_episode_dict({"task": "cooking/cake_0"})
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
