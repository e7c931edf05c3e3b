"""One owner for the child processes of a run: it starts each, awaits its ready line, keeps
its log, and stops them all (the idea of Voyager's `process_monitor`, written anew).

    owner = ProcessOwner(log_dir=Path("runs/logs/ep1"))
    owner.start("judger", ["causalcraft", "agent", "--role", "judger", ...], ready="ready ")
    owner.start("agent1", [...], ready="ready ")
    ...
    owner.stop_all()

A child's stdout and stderr go to ``<log_dir>/<name>.log``; the ready line is looked for in
that log. A child that exits before it is ready raises `ProcessError` with the log's last
lines. `stop_all` sends SIGTERM, waits `grace_s`, then SIGKILL, in the reverse order of
starting; `kill` sends one child SIGKILL (fault tests).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

READY_PREFIX = "causalcraft-agent ready"
"""The line a participant prints once it is subscribed (see `ready_line`)."""


def ready_line(role: str, name: str) -> str:
    """The line a participant prints on stdout when no message to it can be lost any more.

    >>> ready_line("worker", "agent1")
    'causalcraft-agent ready role=worker id=agent1'
    """
    return f"{READY_PREFIX} role={role} id={name}"


class ProcessError(RuntimeError):
    """A child process could not be started, or died before it was ready."""


def _kill_session(pid: int) -> None:
    """SIGKILL what is left of the process group `pid` leads (each child starts its own
    session); nothing if it is gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


@dataclass
class Child:
    """One child process and its log."""

    name: str
    argv: list[str]
    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float = field(default_factory=time.monotonic)
    ready_at: float | None = None
    """When its ready line was seen (monotonic seconds), once it was."""

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_text().strip().splitlines()[-lines:])


class ProcessOwner:
    """Starts, awaits, logs and stops the child processes of one run (module docstring)."""

    def __init__(self, log_dir: Path, *, env: dict[str, str] | None = None,
                 grace_s: float = 5.0) -> None:
        self.log_dir = log_dir
        self.env = env
        self.grace_s = grace_s
        self.children: dict[str, Child] = {}

    def start(self, name: str, argv: list[str], *, ready: str | None = None,
              timeout_s: float = 60.0, env: dict[str, str] | None = None) -> Child:
        """Start `argv` as child `name`; with `ready`, wait until a log line starts with it.

        `env` adds to the owner's environment (secrets go here, never into `argv`, which
        other users of the machine can read). Raises `ProcessError` if the child exits first
        or is not ready within `timeout_s` (it is then killed)."""
        if name in self.children and self.children[name].running():
            raise ProcessError(f"{name} is already running (pid {self.children[name].pid})")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        full_env = {**os.environ, **(self.env or {}), **(env or {})}
        with open(log_path, "ab") as log:
            try:
                process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                           stderr=subprocess.STDOUT, env=full_env,
                                           start_new_session=True)
            except OSError as err:
                raise ProcessError(f"cannot start {name} ({argv[0]}): {err}") from err
        child = Child(name, list(argv), process, log_path)
        self.children[name] = child
        if ready is not None:
            self.await_ready(child, ready, timeout_s)
        return child

    def await_ready(self, child: Child, ready: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(line.startswith(ready) for line in child.log_text().splitlines()):
                child.ready_at = time.monotonic()
                return
            if not child.running():
                raise ProcessError(f"{child.name} exited with status {child.process.returncode} "
                                   f"before it was ready; its log ({child.log_path}) ends:\n"
                                   f"{child.tail()}")
            time.sleep(0.05)
        self.kill(child.name)
        raise ProcessError(f"{child.name} was not ready within {timeout_s:.0f} s; its log "
                           f"({child.log_path}) ends:\n{child.tail()}")

    def wait(self, name: str, timeout_s: float | None = None) -> int | None:
        """Wait for child `name` to exit; its status, or None if still running at timeout."""
        try:
            return self.children[name].process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return None

    def kill(self, name: str) -> None:
        """SIGKILL child `name` (no clean-up on its side: a crash, as a fault test wants),
        and what it started (its session: the Node bridge of a Minecraft participant)."""
        child = self.children[name]
        if child.running():
            child.process.send_signal(signal.SIGKILL)
            child.process.wait(timeout=10)
        _kill_session(child.process.pid)

    def stop(self, name: str) -> int | None:
        """SIGTERM, then SIGKILL after `grace_s`; the exit status."""
        child = self.children[name]
        if child.running():
            child.process.terminate()
            try:
                child.process.wait(timeout=self.grace_s)
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait(timeout=10)
        # What the child started and left behind (a Node bridge outlives its Python parent,
        # holding the broker password in its environment) goes with it.
        _kill_session(child.process.pid)
        return child.process.returncode

    def signal_all(self, sig: int) -> None:
        """Send `sig` to every child still running (not to what they started)."""
        for child in self.children.values():
            if child.running():
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(sig)

    def stop_all(self) -> dict[str, int | None]:
        """Stop every child, the last started first; name -> exit status."""
        return {name: self.stop(name) for name in reversed(list(self.children))}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop_all()
