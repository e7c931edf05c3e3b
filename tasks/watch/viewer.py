"""The 3D view's process (env/viewer/viewer.js, prismarine-viewer behind a spectator bot):
started, awaited until its ready line, logged, stopped, by one owner. It can serve before
there is a game to show (`ViewerProcess(None, None)`), so that a browser loads the viewer
while the world is built; `join(host, port)` then brings its bot in."""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NoReturn

from env.minecraft.server import ServerError, node_binary

SCRIPT = Path(__file__).resolve().parents[2] / "env" / "viewer" / "viewer.js"
READY = re.compile(r"causalcraft-viewer ready port=(\d+)")
JOINED = "causalcraft-viewer joined"


class ViewerError(RuntimeError):
    """The 3D view could not start (no Node, no server, not ready in time)."""


class ViewerProcess:
    """`ViewerProcess(host, port).start()` (serves once its bot is in the game on host:port),
    or `ViewerProcess(None, None).start()` (serves at once) then `.join(host, port)`; `.url`
    is the viewer page; `.stop()`. Raises ViewerError when it cannot start or join."""

    def __init__(self, host: str | None, port: int | None, name: str = "watcher",
                 ready_timeout: float = 60.0) -> None:
        self.host, self.port, self.name = host, port, name
        self.ready_timeout = ready_timeout
        self.proc: subprocess.Popen[str] | None = None
        self.http_port: int | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="causalcraft-viewer-", suffix=".log")[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/"

    def start(self) -> ViewerProcess:
        try:
            node = node_binary()
        except ServerError as err:
            raise ViewerError(str(err)) from None
        log = self.log_path.open("w")
        server = ["--server", f"{self.host}:{self.port}"] if self.port is not None else []
        self.proc = subprocess.Popen(
            [str(node), str(SCRIPT), *server, "--name", self.name],
            cwd=SCRIPT.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            text=True)
        deadline = time.monotonic() + self.ready_timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            match = READY.search(line)
            if match:
                self.http_port = int(match.group(1))
                return self
        self._fail("viewer not ready")

    def join(self, host: str, port: int) -> ViewerProcess:
        """Bring the viewer's bot into the game on host:port (a viewer started without one),
        and wait until it is in."""
        if self.proc is None or self.proc.stdin is None or self.proc.stdout is None:
            raise ViewerError("viewer not started")
        self.host, self.port = host, port
        try:
            self.proc.stdin.write(f"server {host}:{port}\n")
            self.proc.stdin.flush()
        except OSError:
            self._fail("viewer gone")
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if JOINED in line:
                return self
        self._fail(f"viewer did not join {host}:{port}")

    def _fail(self, what: str) -> NoReturn:
        self.stop()
        raise ViewerError(f"{what} (see {self.log_path}): "
                          f"{self.log_path.read_text()[-300:].strip() or 'no output'}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
