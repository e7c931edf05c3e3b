"""The 3D view's process (env/viewer/viewer.js, prismarine-viewer behind a spectator bot):
started, awaited until its ready line, logged, stopped, by one owner."""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from pathlib import Path

from env.minecraft.server import ServerError, node_binary

SCRIPT = Path(__file__).resolve().parents[2] / "env" / "viewer" / "viewer.js"
READY = re.compile(r"causalcraft-viewer ready port=(\d+)")


class ViewerError(RuntimeError):
    """The 3D view could not start (no Node, no server, not ready in time)."""


class ViewerProcess:
    """`ViewerProcess(host, port).start()`; `.url` is the viewer page; `.stop()`."""

    def __init__(self, host: str, port: int, name: str = "watcher",
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
        self.proc = subprocess.Popen(
            [str(node), str(SCRIPT), "--server", f"{self.host}:{self.port}", "--name", self.name],
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
        self.stop()
        raise ViewerError(f"viewer not ready (see {self.log_path}): "
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
