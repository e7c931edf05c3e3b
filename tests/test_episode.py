"""Whole episodes over a real broker on the simulator, and the command line's errors."""

import json
import shutil

import pytest

from agents.broker import MosquittoBroker
from tasks.cli import main
from tasks.episode import EpisodeConfig, run_episode


def test_cake_0_end_to_end_exact_trace() -> None:
    r = run_episode(EpisodeConfig(task="cooking/cake_0", agents=3, prior_noise=0.0))
    assert r["metrics"]["completion"] == 1.0
    assert r["metrics"]["score"] == 100.0
    steps = [(t["agent"], t["name"], t["ok"]) for t in r["trace"]]
    assert steps == [("agent1", "move_to", True)] + [("agent1", "take", True)] * 4 + [
        ("agent1", "craft", True)]
    assert [t["args"]["item"] for t in r["trace"][1:5]] == ["egg", "milk_bucket", "sugar",
                                                          "wheat"]
    assert r["metrics"]["actions"] == 6 and r["metrics"]["failed_actions"] == 0
    assert r["graph"]["nodes"][0]["id"] == "craft:cake"
    assert r["brain"] == "offline" and r["backend"] == "sim"


def test_same_seed_same_trace_with_noise_and_failures() -> None:
    cfg = EpisodeConfig(task="cooking/rabbit_stew_34", agents=3, planner="no-ate",
                        prior_noise=0.5, seed=3)
    a, b = run_episode(cfg), run_episode(cfg)
    assert a["trace"] == b["trace"]
    assert a["metrics"] == b["metrics"]  # wall-clock figures are in `run`


def test_full_repairs_what_the_noisy_prior_missed() -> None:
    base = dict(task="cooking/rabbit_stew_34", agents=3, prior_noise=0.5, seed=3)
    full = run_episode(EpisodeConfig(planner="full", **base))
    assert full["metrics"]["completion"] == 1.0
    assert full["graph"]["final_spurious"] == 0


def test_escape_two_rooms_need_two_players() -> None:
    r = run_episode(EpisodeConfig(task="escape/2-0", agents=3, prior_noise=0.0))
    assert r["metrics"]["completion"] == 1.0
    assert any(t["name"] == "rendezvous" for t in r["trace"])


@pytest.mark.mosquitto
def test_episode_over_mosquitto(mosquitto_installed: str) -> None:
    broker = MosquittoBroker()
    broker.start_sync()
    try:
        r = run_episode(EpisodeConfig(task="cooking/cake_0", agents=2, prior_noise=0.0,
                                      broker=broker.url))
    finally:
        broker.stop_sync()
    assert r["metrics"]["completion"] == 1.0
    assert r["metrics"]["actions"] == 6


def test_cli_run_writes_the_result(tmp_path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "r.json"
    assert main(["run", "construction/task_0", "--agents", "2", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["task"] == "construction/task_0" and result["metrics"]["completion"] == 1.0
    assert "completion  1.000" in capsys.readouterr().out
    # a second run to the same file would lose the first result: refused before it runs
    kept = out.read_text()
    assert main(["run", "construction/task_0", "--agents", "3", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"causalcraft: error: --out: {out} already exists; choose another path or "
        "pass --force to replace it\n")
    assert out.read_text() == kept
    assert main(["run", "construction/task_0", "--agents", "3", "--out", str(out),
                 "--force"]) == 0
    assert json.loads(out.read_text())["agents"] == 3
    # a path under a file cannot be written: said before the episode runs
    under = out / "r.json"
    assert main(["run", "construction/task_0", "--agents", "2", "--out", str(under)]) == 2
    assert capsys.readouterr().err == (
        f"causalcraft: error: --out: {out} is a file, so {under} cannot be written\n")


def test_a_result_that_cannot_be_written_is_kept_elsewhere_and_said_in_one_line(
        tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    # /dev/full takes the open and refuses the write (ENOSPC): the episode has run, so its
    # result goes to a new file in the temporary folder, and one line says both paths.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert main(["run", "construction/task_0", "--agents", "2", "--out", "/dev/full",
                 "--force"]) == 1
    (kept,) = tmp_path.glob("causalcraft-result-*.json")
    assert capsys.readouterr().err == (
        "causalcraft: error: could not write the result to /dev/full (No space left on "
        f"device); it is in {kept}\n")
    result = json.loads(kept.read_text())
    assert result["task"] == "construction/task_0" and result["metrics"]["completion"] == 1.0


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "cooking/cake_999"], "cake_999"),
    (["run", "cooking/cake_0", "--agents", "0"], "--agents"),
    (["run", "cooking/cake_0", "--agents", "1000"], "--agents: '1000' is more than 8 agents"),
    (["run", "cooking/cake_0", "--timeout", "inf"],
     "--timeout: 'inf' must be a finite number of seconds > 0"),
    (["run", "cooking/cake_0", "--prior-noise", "2"], "between 0 and 1"),
    # Python's random takes a seed of -n as n: two "different" runs would be one
    (["run", "cooking/cake_0", "--seed", "-5"],
     "--seed: Input should be greater than or equal to 0"),
    (["run", "cooking/cake_0", "--planner", "nope"], "unknown planner 'nope'"),
    (["run", "cooking/cake_0", "--watch", "--watch-linger", "-5"], "must be a finite number"),
    (["run", "cooking/cake_0", "--source", "/no/such/dir"], "is not a folder"),
    (["run", "cooking/cake_0", "--lease", "0"], "'0' must be a finite number of seconds > 0"),
    (["run", "cooking/cake_0", "--server", "127.0.0.1:25565"],
     "--server: a server is only used with --backend minecraft"),
    (["run", "cooking/cake_0", "--backend", "minecraft", "--server", "localhost:99999"],
     "port 99999 of 'localhost:99999' is not a TCP port (1-65535)"),
    (["run", "cooking/cake_0", "--backend", "minecraft", "--server", "::1:25565"],
     "is not HOST:PORT (e.g. 127.0.0.1:25565 or [::1]:25565)"),
    (["fly"], "invalid choice"),
])
def test_cli_errors_are_one_clear_line(argv, message, capsys) -> None:  # noqa: ANN001
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert err[0].startswith("causalcraft")


def test_tasks_list_counts(capsys) -> None:  # noqa: ANN001
    assert main(["tasks", "list"]) == 0
    ids = capsys.readouterr().out.split()
    assert sum(i.startswith("cooking/") for i in ids) == 50
    assert sum(i.startswith("construction/") for i in ids) == 50
    assert "escape/4-3" in ids
    assert shutil.which("true")  # the suite runs on a POSIX machine


@pytest.mark.mosquitto
def test_watch_follows_an_episode_live(mosquitto_installed: str) -> None:
    import subprocess
    import sys
    import time

    broker = MosquittoBroker()
    broker.start_sync()
    try:
        watcher = subprocess.Popen(
            [sys.executable, "-m", "tasks.cli", "watch", "--broker", broker.url, "--count", "4"],
            stdout=subprocess.PIPE, text=True)
        assert watcher.stdout is not None
        assert watcher.stdout.readline().startswith("watching cc/+/events on mqtt://")
        time.sleep(0.3)
        run_episode(EpisodeConfig(task="cooking/cake_0", agents=2, prior_noise=0.0,
                                  broker=broker.url))
        out, _ = watcher.communicate(timeout=30)
    finally:
        broker.stop_sync()
    lines = out.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].endswith("agent1 <- craft:cake (role 0)")
    assert "agent1 move_to(pos=(-1, -60, 10), within=2.5) ok" in lines[1]
    assert "take(pos=(-1, -60, 10), item=egg, count=1) ok" in lines[2]


@pytest.mark.parametrize("argv", [["-v", "run", "cooking/cake_999"],
                                  ["run", "cooking/cake_999", "-v"],
                                  ["run", "cooking/cake_999", "--verbose"]])
def test_verbose_before_or_after_the_subcommand_shows_the_traceback(
        argv: list[str], capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.handler.setLevel(logging.INFO)  # what -v lets through: the logger decides
    logger = logging.getLogger("causalcraft")
    before = logger.level
    try:
        assert main(argv) == 2
    finally:
        logger.setLevel(before)
    assert capsys.readouterr().err == ("causalcraft: error: unknown task id "
                                       "'cooking/cake_999'; did you mean 'cooking/cake_8'?\n")
    logged = [r for r in caplog.records if r.exc_info is not None]
    assert [type(r.exc_info[1]).__name__ for r in logged] == ["TaskError"]  # type: ignore[index]


def test_without_verbose_an_error_is_one_line(
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.handler.setLevel(logging.INFO)
    assert logging.getLogger("causalcraft").getEffectiveLevel() == logging.WARNING
    assert main(["run", "cooking/cake_999"]) == 2
    assert capsys.readouterr().err == ("causalcraft: error: unknown task id 'cooking/cake_999'; "
                                       "did you mean 'cooking/cake_8'?\n")
    assert [r for r in caplog.records if r.exc_info is not None] == []


def test_run_with_watch_checks_the_task_before_it_serves_the_page(capsys) -> None:  # noqa: ANN001
    assert main(["run", "construction/task_3", "--watch"]) == 2
    out, err = capsys.readouterr()
    assert "watch page" not in out + err  # no address that dies at once
    assert err == ("causalcraft: error: unknown task id 'construction/task_3'; did you mean "
                   "'construction/task_38'?\n")
