"""Faults on the real server, injected into real episodes: the game server killed mid-episode
ends the episode as failed, with the reason, its partial result and trace."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from agents.judger import JudgerCore
from env.minecraft.server import ServerProcess
from tasks.episode import EpisodeConfig, run_episode

pytestmark = pytest.mark.server


@dataclass
class Running:
    """An episode running in a thread against its own server, once 3 actions have run."""

    server: ServerProcess
    thread: threading.Thread
    box: dict[str, Any] = field(default_factory=dict)

    def result(self) -> dict[str, Any]:
        assert not self.thread.is_alive(), "the episode did not end"
        return self.box["result"]


@contextmanager
def episode_after_three_actions(tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    """Starts a server and a 2-agent `cooking/rabbit_stew_0` episode on it; yields once the
    Judger has recorded 3 actions; stops the server on the way out."""
    server = ServerProcess(port=0, log_path=tmp_path / "server.log").start()
    acted = threading.Event()
    finish = JudgerCore._finish

    def counting(self: JudgerCore, *args: Any, **kwargs: Any) -> Any:
        out = finish(self, *args, **kwargs)
        if len(self.trace) >= 3:
            acted.set()
        return out

    monkeypatch.setattr(JudgerCore, "_finish", counting)
    cfg = EpisodeConfig(task="cooking/rabbit_stew_0", backend="minecraft", agents=2,
                        server=f"127.0.0.1:{server.port}", timeout_s=600)
    box: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: box.update(result=run_episode(cfg)), daemon=True)
    running = Running(server, thread, box)
    try:
        running.thread.start()
        assert acted.wait(300), "no action ran on the server"
        yield running
    finally:
        server.stop()


def test_the_game_server_killed_mid_episode_ends_it_as_failed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with episode_after_three_actions(tmp_path, monkeypatch) as running:
        running.server._proc.kill()  # noqa: SLF001 - SIGKILL: a crash, not a shutdown
        killed = time.monotonic()
        running.thread.join(240)
        ended = time.monotonic() - killed
    result = running.result()
    print(f"\nFAULT game server killed: 1 episode, cleanly failed: {result.get('failure')!r}, "
          f"{len(result['trace'])} actions kept, ended {ended:.1f} s after the kill")
    assert result["failure"].startswith("the game server at 127.0.0.1:")
    assert result["metrics"]["completion"] == 0.0 and not result["timed_out"]
    assert len(result["trace"]) >= 3


def test_a_bot_kicked_mid_episode_rejoins_and_the_episode_completes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with episode_after_three_actions(tmp_path, monkeypatch) as running:
        running.server.command("kick agent2 fault test")
        kicked = time.monotonic()
        running.thread.join(540)
        ended = time.monotonic() - kicked
        log = (tmp_path / "server.log").read_text()
    result = running.result()
    logins = log.count("agent2 (127.0.0.1) connected")
    print(f"\nFAULT bot kicked: 1 episode, completed {int(result['metrics']['completion'] == 1)}"
          f", failed actions {result['metrics']['failed_actions']}, ended {ended:.1f} s after "
          f"the kick")
    assert "failure" not in result
    assert result["metrics"]["completion"] == 1.0
    assert "kicked agent2" in log and logins >= 2  # kicked, then back in
