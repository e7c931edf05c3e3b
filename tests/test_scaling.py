"""Scaling figures (tasks.scaling), the report's extra sections, and `bench --servers`."""

from __future__ import annotations

import argparse
import json
import queue
from pathlib import Path

import pytest

import tasks.server_pool as server_pool_module
from tasks.bench import BenchError, add_bench_arguments, check_bench_args
from tasks.report import report
from tasks.scaling import plot_scaling, render_scaling_markdown, scaling
from tasks.server_pool import PooledRunner


def rec(task: str, planner: str, agents: int, seed: int, makespan: float) -> dict:
    return {"key": f"{task}.{planner}.a{agents}.s{seed}", "status": "ok",
            "config": {"task": task, "planner": planner, "agents": agents, "seed": seed},
            "metrics": {"makespan_s": makespan, "completion": 1.0, "lower_bound_s": 1.0,
                        "time_work_s": 2.0 * agents, "time_idle_s": 1.0}}


RECORDS = [rec("cooking/a", "p", 1, 0, 12.0), rec("cooking/a", "p", 2, 0, 8.0),
           rec("cooking/a", "p", 1, 1, 10.0), rec("cooking/a", "p", 2, 1, 4.0),
           rec("cooking/b", "p", 2, 0, 5.0)]  # no 1-agent run: no speedup pair


def test_speedup_is_paired_per_task_and_seed() -> None:
    rows = scaling(RECORDS)
    assert [(r["agents"], r["n"], r["pairs"]) for r in rows] == [(1, 2, 2), (2, 3, 2)]
    assert rows[0]["speedup"] == 1.0
    assert rows[1]["speedup"] == pytest.approx((12 / 8 + 10 / 4) / 2)
    assert rows[1]["makespan_s"] == pytest.approx(17 / 3)
    table = render_scaling_markdown(rows)
    assert "| cooking | p | 2 | 3 | 5.7 ± " in table


def test_scaling_plot_and_report_sections(tmp_path: Path) -> None:
    plot_scaling(scaling(RECORDS), tmp_path / "s.png")
    assert (tmp_path / "s.png").stat().st_size > 1000
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "episodes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    text = report(sweep, scaling_plot=tmp_path / "r.png", out=open(tmp_path / "o", "w"))
    assert "Where the time goes" in text and "Scaling: speedup" in text
    assert "| cooking | p | 2 | 3 |" in text
    assert (tmp_path / "r.png").exists()


def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_bench_arguments(p)
    return p.parse_args(list(argv))


def test_servers_flag_is_checked() -> None:
    with pytest.raises(BenchError, match="--servers: needs --backend minecraft"):
        check_bench_args(_args("--tasks", "cooking/cake_0", "--servers", "2"))
    with pytest.raises(BenchError, match="--servers: 'x' is not a whole number"):
        check_bench_args(_args("--tasks", "cooking/cake_0", "--servers", "x",
                               "--backend", "minecraft"))
    ok = check_bench_args(_args("--tasks", "cooking/cake_0", "--servers", "2",
                                "--backend", "minecraft"))
    assert ok.servers == 2
    assert check_bench_args(_args("--tasks", "cooking/cake_0")).servers == 0


def _echo(config: dict) -> dict:
    return {"metrics": {}, "server": config["server"]}


def test_pooled_runner_keeps_the_server_it_took() -> None:
    q: queue.Queue[str] = queue.Queue()
    q.put("127.0.0.1:1")
    q.put("127.0.0.1:2")
    server_pool_module._OWNED.clear()
    run = PooledRunner(q, _echo)
    assert run({"task": "t"})["server"] == "127.0.0.1:1"
    # a worker gets the runner unpickled anew with each episode: still the same server
    assert PooledRunner(q, _echo)({"task": "t"})["server"] == "127.0.0.1:1"
    assert q.get_nowait() == "127.0.0.1:2" and q.empty()
    server_pool_module._OWNED.clear()
