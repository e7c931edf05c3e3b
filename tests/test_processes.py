"""Participants as processes (`causalcraft run --processes`), and the faults a long benchmark
meets, each injected into a real episode: a worker SIGKILLed mid-subtask, mosquitto restarted
mid-episode. Each fault test prints one line: what it survived, messages lost or applied
twice, and the time to recover."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from agents.bus import Bus, Topics
from agents.messages import ActionRequest
from tasks.episode import EpisodeConfig, run_episode
from tasks.participants import EpisodeProcesses, participant_argv

TASK = "cooking/rabbit_stew_10"  # 7 subtasks, 36 actions with 3 agents: work for everyone


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    """A result without what may differ between runs of the same episode: wall-clock
    timings and the run's own bookkeeping."""
    out = {k: v for k, v in result.items() if k not in ("config", "processes", "run")}
    out["metrics"] = {k: v for k, v in result["metrics"].items() if k != "plan_s"}
    return out


class Running:
    """An `EpisodeProcesses` run in a thread, watched on the bus by an observer."""

    def __init__(self, episode: EpisodeProcesses) -> None:
        self.episode = episode
        self.result: dict[str, Any] | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.result = asyncio.run(self.episode.run())
        except BaseException as err:  # handed to the test
            self.error = err

    def join(self, timeout: float) -> dict[str, Any]:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the episode did not end"
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    def watch(self) -> Bus:
        assert self.episode.url is not None
        return Bus(self.episode.url, f"{self.episode.episode}-watch", username="runner",
                   password=self.episode.passwords["runner"], reconnect_s=60.0)


def test_participant_command_line_is_the_cli() -> None:
    from tasks.cli import build_parser

    argv = participant_argv("worker", "agent2", "e1", "mqtt://127.0.0.1:1883",
                            EpisodeConfig(task=TASK, backend="minecraft",
                                          server="127.0.0.1:25565", lease_s=5),
                            verbose=True)
    args = build_parser().parse_args(argv[3:])
    assert (args.command, args.role, args.id, args.episode, args.task, args.lease,
            args.server, args.backend, args.verbose) == (
        "agent", "worker", "agent2", "e1", TASK, 5.0, "127.0.0.1:25565", "minecraft", True)


def test_processes_give_the_same_result_as_one_process_and_leak_no_secret(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    api_key = "sk-test-do-not-leak-7f3a9c"
    monkeypatch.setenv("OPENAI_API_KEY", api_key)
    cfg = EpisodeConfig(task=TASK, agents=3, seed=1, timeout_s=240)
    one = run_episode(cfg)
    episode = EpisodeProcesses(cfg.model_copy(update={"processes": True}),
                               log_dir=tmp_path / "logs")
    many = Running(episode).join(300)
    assert many["processes"]["missing"] == []
    assert many["processes"]["refused"] == 0
    assert many["metrics"]["completion"] == 1.0
    assert comparable(many) == comparable(one)
    # Secrets come from the environment only: no broker password or API key in a command
    # line (others on the machine can read those), a log, or the result.
    secrets = [api_key, *episode.passwords.values()]
    result_text = json.dumps(many) + json.dumps(one)
    logs = {p.name: p.read_text() for p in (tmp_path / "logs").glob("*.log")}
    assert sorted(logs) == ["agent1.log", "agent2.log", "agent3.log", "judger.log",
                            "planner.log"]
    for secret in secrets:
        assert secret not in result_text
        assert all(secret not in text for text in logs.values())
        assert all(secret not in " ".join(c.argv) for c in episode.owner.children.values())


def test_processes_record_an_episode_cut_at_its_wall_clock_limit_as_timed_out(
        tmp_path: Any) -> None:
    # A brain that takes 1 s a call cannot finish construction/task_0 in 6 s: the result
    # says it timed out, as the one-process run's does (the Planner took the Judger's stop
    # for a finished episode).
    cfg = EpisodeConfig(task="construction/task_0", agents=2, seed=0, timeout_s=6,
                        brain_latency_s=1.0, processes=True)
    many = Running(EpisodeProcesses(cfg, log_dir=tmp_path / "logs")).join(120)
    assert many["metrics"]["completion"] < 1.0
    assert many["timed_out"] is True


@pytest.mark.mosquitto
def test_a_worker_killed_mid_subtask_loses_its_subtask_to_another(
        mosquitto_installed: str) -> None:
    cfg = EpisodeConfig(task=TASK, agents=3, seed=1, broker="mosquitto", processes=True,
                        lease_s=4.0, brain_latency_s=0.3, timeout_s=240)
    running = Running(EpisodeProcesses(cfg))
    assert running.episode.started.wait(300), "the participants did not start"
    victim, killed_at, held, recovered_at = "agent2", 0.0, "", 0.0

    async def kill_then_watch() -> None:
        nonlocal killed_at, held, recovered_at
        async with running.watch() as bus:
            await bus.subscribe(running.episode.topics.agent_pattern("action"), ActionRequest)
            async for _topic, msg in bus.messages():
                assert isinstance(msg, ActionRequest)
                if not killed_at and msg.agent == victim:
                    running.episode.owner.kill(victim)  # SIGKILL, mid-subtask
                    killed_at, held = time.monotonic(), msg.subtask or ""
                elif killed_at and msg.subtask == held and msg.agent != victim:
                    recovered_at = time.monotonic()
                    return

    asyncio.run(asyncio.wait_for(kill_then_watch(), 200))
    result = running.join(240)
    taken_over = [t for t in result["trace"] if t["subtask"] == held and t["agent"] != victim]
    print(f"\nFAULT worker SIGKILL mid-subtask: 1 episode, completed "
          f"{int(result['metrics']['completion'] == 1.0)}, {held} taken over by "
          f"{taken_over[0]['agent']} after {recovered_at - killed_at:.1f} s "
          f"(lease {cfg.lease_s} s), gone {result['processes']['gone']}")
    assert result["metrics"]["completion"] == 1.0 and not result["timed_out"]
    assert result["processes"]["gone"] == [victim]
    assert taken_over and taken_over[0]["attempt"] == 2
    assert victim in result["processes"]["missing"]  # it never sent its summary


@pytest.mark.mosquitto
def test_mosquitto_restarted_mid_episode_loses_and_repeats_nothing(
        mosquitto_installed: str) -> None:
    from agents.broker import MosquittoBroker

    cfg = EpisodeConfig(task=TASK, agents=3, seed=1, broker="mosquitto", processes=True,
                        brain_latency_s=0.2, timeout_s=240)
    baseline = run_episode(cfg.model_copy(update={"processes": False, "broker": None,
                                                  "brain_latency_s": 0.0}))
    episode = EpisodeProcesses(cfg)
    broker = MosquittoBroker(episode.access, persistence=True)  # one the test can restart
    broker.start_sync()
    try:
        episode.broker = broker
        running = Running(episode)
        assert running.episode.started.wait(300), "the participants did not start"
        restarted_at, recovered_at, seen = 0.0, 0.0, 0

        async def restart_then_watch() -> None:
            nonlocal restarted_at, recovered_at, seen
            async with running.watch() as bus:
                await bus.subscribe(running.episode.topics.agent_pattern("action"),
                                    ActionRequest)
                async for _topic, _msg in bus.messages():
                    seen += 1
                    if seen == 8:
                        restarted_at = time.monotonic()
                        await asyncio.to_thread(broker.restart_sync, 1.0)
                    elif restarted_at:
                        recovered_at = time.monotonic()
                        return

        asyncio.run(asyncio.wait_for(restart_then_watch(), 200))
        result = running.join(240)
    finally:
        broker.stop_sync()
    # Actions chosen on a provisional result that did not hold are dropped on purpose.
    sent = result["processes"]["actions_sent"] - result["processes"]["actions_dropped"]
    ran = len(result["trace"])
    print(f"\nFAULT mosquitto restart: 1 episode, completed "
          f"{int(result['metrics']['completion'] == 1.0)}, actions sent {sent}, run {ran}, "
          f"lost {max(0, sent - ran)}, applied twice {max(0, ran - sent)}, duplicates dropped "
          f"by id {result['processes']['duplicates_dropped']}, reconnects "
          f"{result['processes']['reconnects']}, recovered in {recovered_at - restarted_at:.1f} s")
    assert result["processes"]["reconnects"] >= 5  # every participant came back
    assert sent == ran                              # nothing lost, nothing run twice
    assert comparable(result) == comparable(baseline)


def test_workers_without_an_id_are_seated_by_the_planner(run: Any) -> None:
    from agents.broker import EmbeddedBroker
    from agents.planner_service import PlannerCore, PlannerService
    from planner.schedule import PriorOrderScheduler
    from planner.subtask import Plan
    from tasks.participants import ParticipantConfig, take_seat

    async def scenario() -> list[Any]:
        async with EmbeddedBroker() as broker:
            import networkx as nx

            core = PlannerCore(plan=Plan(task="t", hub=None, subtasks=[]), graph=nx.DiGraph(),
                               lines=[], scheduler=PriorOrderScheduler(nx.DiGraph()),
                               agents=["agent1", "agent2"])
            stop = asyncio.Event()
            async with Bus(broker.url, "s-planner") as bus:
                service = PlannerService(bus, Topics("s1"), core, None)
                task = asyncio.create_task(service.serve(stop))
                cfg = ParticipantConfig(role="worker", id="auto", episode="s1",
                                        broker=broker.url, task=TASK, agents=2)
                seats: list[Any] = [await take_seat(cfg, wait_s=20) for _ in range(2)]
                try:
                    await take_seat(cfg, wait_s=20)
                except ValueError as err:
                    seats.append(str(err))
                stop.set()
                await asyncio.gather(task, return_exceptions=True)
            return seats

    assert run(scenario(), timeout=60) == [
        "agent1", "agent2",
        "episode s1: every one of its 2 agents is taken (scale the workers to --agents)"]


def test_stopping_a_participant_stops_what_it_left_behind(tmp_path: Path) -> None:
    # A Minecraft participant's Node bridge outlives its Python parent (with the broker
    # password in its environment): stopping the participant must end its whole session.
    import os
    import signal
    import subprocess

    from agents.processes import ProcessOwner

    pid_file = tmp_path / "grandchild.pid"
    script = ("import subprocess, sys\n"
              "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
              f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
              "print('ready', flush=True)\n")
    owner = ProcessOwner(tmp_path / "logs", grace_s=2.0)
    owner.start("judger", [sys.executable, "-c", script], ready="ready", timeout_s=60)
    grandchild = int(pid_file.read_text())
    owner.children["judger"].process.wait(timeout=30)  # the parent is gone, the child is not
    os.kill(grandchild, 0)  # still there (an orphan)
    owner.stop("judger")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        if subprocess.run(["ps", "-o", "stat=", "-p", str(grandchild)], capture_output=True,
                          text=True).stdout.strip().startswith("Z"):
            break  # killed, waiting to be reaped by init
        time.sleep(0.1)
    else:
        os.kill(grandchild, signal.SIGKILL)
        raise AssertionError("the participant's child outlived it")


def _participants_of(episode: str) -> list[str]:
    """The command lines of live participant processes of `episode` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if f"--episode {episode} " in cmd and state != "Z":
                found.append(cmd)
    return found


@pytest.mark.parametrize(("sig", "rc", "said"), [
    ("SIGINT", 130, "interrupted (Ctrl-C)"), ("SIGTERM", 143, "terminated (SIGTERM)")])
def test_a_processes_run_stopped_mid_episode_writes_its_partial_result(
        sig: str, rc: int, said: str, tmp_path: Path) -> None:
    """Ctrl-C or `kill` of `run --processes` once it acts, twice (an impatient user): every
    participant ends its part and sends its summary, the partial result holds the actions
    judged so far and says how it was stopped, and no participant is left running."""
    import os
    import signal
    import subprocess
    import threading

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "r.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tasks.cli", "run", TASK, "--processes", "--brain-latency",
         "0.4", "--out", str(out), "-v"], cwd=tmp_path, text=True,
        env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        judged: list[str] = []
        deadline = time.monotonic() + 180
        while len(judged) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            judged = [line for log in (tmp_path / "runs" / "logs").glob("*/judger.log")
                      for line in log.read_text().splitlines() if line.endswith(") ok")]
        assert len(judged) >= 3, "the episode did not act"
        lines: list[str] = []
        printed: list[str] = []
        readers = [threading.Thread(target=lambda f=f, to=to: to.extend(iter(f.readline, "")),
                                    daemon=True)
                   for f, to in ((proc.stderr, lines), (proc.stdout, printed))]
        for reader in readers:
            reader.start()
        proc.send_signal(getattr(signal, sig))
        # the second once the first is handled (two signals before Python runs its handler
        # are one), at once: it waits for the result
        deadline = time.monotonic() + 60
        while not any(": stopping; " in line for line in lines) and \
                time.monotonic() < deadline:
            time.sleep(0.01)
        written_before = out.exists()
        proc.send_signal(getattr(signal, sig))
        proc.wait(timeout=120)
        for reader in readers:
            reader.join(timeout=10)
        stderr = "".join(lines)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    # (a second signal that comes once the result is written ends the process by that
    # signal, which a shell reports as the same status)
    assert proc.returncode in (rc, -getattr(signal, sig)), stderr[-2000:]
    assert f"causalcraft: {said}: stopping; every participant ends its part" in stderr
    if not written_before:
        assert "already stopping; the partial result is being written" in stderr
    assert f"causalcraft: {said}: the partial result is above and written to {out}" in stderr
    assert "Traceback" not in stderr
    result = json.loads(out.read_text())
    assert result["interrupted"] is True and result["timed_out"] is False
    assert result["failure"].startswith(f"{said}: the episode was stopped")
    assert "no summary" not in result["failure"]  # every participant sent its part
    assert len(result["trace"]) >= len(judged)
    assert result["metrics"]["completion"] < 1.0
    episode = next((tmp_path / "runs" / "logs").iterdir()).name
    left: list[str] = []
    for _ in range(40):
        left = _participants_of(episode)
        if not left:
            break
        time.sleep(0.25)
    assert left == []
