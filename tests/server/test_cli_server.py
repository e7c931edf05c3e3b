"""`causalcraft server start|status|stop`: a server that outlives the command."""

import re
import socket
from pathlib import Path

import pytest

from tasks.cli import main

pytestmark = pytest.mark.server


def test_server_start_status_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = tmp_path / "runs"
    assert main(["server", "start", "--port", "0", "--runs", str(runs)]) == 0
    try:
        out = capsys.readouterr().out
        port = int(re.search(r"127\.0\.0\.1:(\d+)", out).group(1))  # type: ignore[union-attr]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        assert main(["server", "status", "--runs", str(runs)]) == 0
        assert f"127.0.0.1:{port}" in capsys.readouterr().out
        assert main(["server", "start", "--port", "0", "--runs", str(runs)]) == 2
        assert "a server is already running" in capsys.readouterr().err
    finally:
        assert main(["server", "stop", "--runs", str(runs)]) == 0
    assert capsys.readouterr().out.strip() == "server stopped"
    assert main(["server", "status", "--runs", str(runs)]) == 0
    assert capsys.readouterr().out.strip() == "no server is running"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def _session_members(sid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live processes of session `sid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] == "Z" or int(fields[3]) != sid:
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        found.append((int(entry.name), cmd))
    return found


def test_sigterm_ends_a_run_with_everything_it_started(tmp_path: Path) -> None:
    """`kill <pid>` of a run on the real backend unwinds it as Ctrl-C does: the partial
    result is written, and its Node bridge and embedded server go with it (none is left
    holding a port or the broker's password)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "result.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tasks.cli", "run", "cooking/rabbit_stew_0", "--backend",
         "minecraft", "--agents", "2", "--out", str(out)],
        cwd=Path(__file__).resolve().parents[2], start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None and not any(
                "bridge" in cmd for _, cmd in _session_members(proc.pid)):
            time.sleep(0.5)
        assert proc.poll() is None, proc.communicate()
        time.sleep(3.0)  # into the episode
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    left: list[tuple[int, str]] = []
    for _ in range(40):  # what it started may take a moment to exit after it
        left = _session_members(proc.pid)
        if not left:
            break
        time.sleep(0.5)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)
    assert left == []
    print(f"\nSIGTERM: exit {proc.returncode}, result written: {out.exists()}")
    if proc.returncode == 130:  # during the episode: its partial result is kept
        import json

        assert json.loads(out.read_text())["interrupted"] is True
    else:  # before it began: nothing to keep
        assert proc.returncode == 143 and "terminated" in err, err
        assert not out.exists()
