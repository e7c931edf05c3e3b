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
