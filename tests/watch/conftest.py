"""Helpers of the watch tests: start a `causalcraft` command with a page, and open the page
in headless Chromium (Debian's `chromium`, driven by playwright-core: no browser download)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from env.minecraft.server import node_binary

ROOT = Path(__file__).resolve().parents[2]
BROWSE = Path(__file__).resolve().parent / "js" / "browse.js"
WORLD = Path(__file__).resolve().parent / "js" / "world.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).is_file() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (make system installs it)")
    if not (ROOT / "env" / "node_modules" / "playwright-core").is_dir():
        pytest.skip("playwright-core is not installed (make setup)")
    return CHROMIUM


class Command:
    """A `causalcraft` command running in the background, its output in a file."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log = log
        self.out = log.open("w")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-m", "tasks.cli", *args], cwd=ROOT,
                                     stdout=self.out, stderr=subprocess.STDOUT, env=env)

    def text(self) -> str:
        return self.log.read_text()

    def wait_for(self, needle: str, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return self.text()
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"no {needle!r} in the output:\n{self.text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


@pytest.fixture
def command(tmp_path: Path) -> Iterator:
    started: list[Command] = []

    def start(*args: str) -> Command:
        c = Command(list(args), tmp_path / f"cmd{len(started)}.log")
        started.append(c)
        return c

    yield start
    for c in started:
        c.stop()


def screens(tmp_path: Path) -> Path:
    """Where screenshots go: $CAUSALCRAFT_SCREENS if set, else the test's own folder."""
    folder = Path(os.environ.get("CAUSALCRAFT_SCREENS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_js(script: Path, *args: str, timeout: float = 180.0) -> dict:
    """Run a browser script of js/ and return the JSON line it prints (fails the test when
    it prints none, or reports errors)."""
    proc = subprocess.run([str(node_binary()), str(script), *args],
                          capture_output=True, text=True, timeout=timeout)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if not lines:
        pytest.fail(f"{script.name} printed nothing (exit {proc.returncode}):\n{proc.stderr}")
    result: dict = json.loads(lines[-1])
    if not result.get("ok"):
        pytest.fail(f"the page failed: {result.get('error') or result.get('errors')}")
    return result


def browse(url: str, shot: Path, *extra: str, timeout: float = 180.0) -> dict:
    """Open `url` in headless Chromium until a done node and a moved score (browse.js)."""
    return run_js(BROWSE, url, str(shot), *extra, timeout=timeout)
