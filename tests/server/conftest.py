"""Fixtures of the real-server tests: one embedded server per test module, and a runner for
the mineflayer bot scripts in tests/server/js (each prints one JSON line)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from env.minecraft.server import EVERY_BOT_PLAYS, ServerProcess, node_binary

JS_DIR = Path(__file__).resolve().parent / "js"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {"CAUSALCRAFT_DIAGNOSTICS": "1", **EVERY_BOT_PLAYS}  # test bots of any name act
    with ServerProcess(log_path=log, extra_env=env) as proc:
        yield proc


def _run_bot(script: str, port: int, *args: str, timeout: float = 55.0) -> dict[str, object]:
    """Runs tests/server/js/<script> against the server on `port` and returns its JSON result;
    fails the test with the script's output if it reports an error."""
    proc = subprocess.run([str(node_binary()), str(JS_DIR / script), str(port), *args],
                          capture_output=True, text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        pytest.fail(f"{script} printed no result (exit {proc.returncode}):\n"
                    f"{proc.stdout}\n{proc.stderr}")
    result: dict[str, object] = json.loads(lines[-1])
    if not result.get("ok"):
        pytest.fail(f"{script} failed: {result.get('error')}\n{proc.stderr}")
    return result


@pytest.fixture
def run_bot() -> Callable[..., dict[str, object]]:
    """run_bot(script, port, *args) -> the script's JSON result."""
    return _run_bot


@pytest.fixture
def js_dir() -> Path:
    return JS_DIR
