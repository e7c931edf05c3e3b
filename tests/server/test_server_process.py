"""The server manager: start, ready line, port, log, console commands, stop; the flat world."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from env.minecraft.server import (
    ServerError,
    ServerProcess,
    detached_status,
    node_binary,
    start_detached,
    stop_detached,
)

RunBot = Callable[..., dict[str, object]]

pytestmark = [pytest.mark.server, pytest.mark.timeout(120)]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _answers(log: Path) -> list[str]:
    """The console commands' answers in the log (the text after "[INFO]: " or "[ERROR]: ")."""
    out = []
    for line in log.read_text().splitlines():
        _, sep, message = line.partition("]: ")
        if sep and message.startswith(("[", "put ", "no chest", "unknown")):
            out.append(message)
    return out


def test_node_binary_is_node_22() -> None:
    assert node_binary().name == "node"


def test_node_binary_missing_says_run_make_setup(tmp_path: Path) -> None:
    with pytest.raises(ServerError, match="run make setup"):
        node_binary(tmp_path / "nope" / "node")


@pytest.mark.parametrize("kwargs, message", [
    ({"port": 70000}, "port must be an integer in 0..65535"),
    ({"game_mode": "hardcore"}, "game_mode must be one of"),
    ({"view_distance": 1}, "view_distance must be an integer in 2..32"),
])
def test_bad_arguments_are_named(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServerProcess(**kwargs)  # type: ignore[arg-type]


def test_start_status_stop(tmp_path: Path) -> None:
    log = tmp_path / "s.log"
    server = ServerProcess(log_path=log)
    assert server.status().running is False
    with server:
        assert server.port is not None and server.port > 0
        assert server.host == "127.0.0.1"
        assert _listening(server.port)
        st = server.status()
        assert (st.running, st.pid, st.port) == (True, server.pid, server.port)
        assert st.log_path == str(log)
        assert f"causalcraft-server ready port={server.port} version=1.19.2" in log.read_text()
        port = server.port
    assert server.status().running is False
    assert not _listening(port)


def test_console_command_answers_in_log(tmp_path: Path) -> None:
    log = tmp_path / "s.log"
    with ServerProcess(log_path=log) as server:
        server.command("setblock 5 -60 5 chest")
        server.command("chestput 5 -60 5 bread 70")
        server.command("chestget 5 -60 5")
        server.command("chestput 5 -60 5 notanitem 1")
        server.command("setblock 5 -60 5 air")
        server.command("chestput 5 -60 5 bread 1")
        server.command("setblock 5 -60 5 chest")
        server.command("chestget 5 -60 5")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(_answers(log)) < 5:
            time.sleep(0.1)
        answers = _answers(log)
    assert answers == [
        "put 70 bread in chest at 5 -60 5",
        '[{"slot":0,"name":"bread","count":64},{"slot":1,"name":"bread","count":6}]',
        'unknown item "notanitem"',
        "no chest at 5 -60 5 (found air)",
        "[]",  # a chest placed again is a new, empty one
    ]


def test_detached_server_start_status_stop(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    st = start_detached(runs)
    try:
        assert st.running and st.port is not None and _listening(st.port)
        again = detached_status(runs)
        assert (again.running, again.pid, again.port) == (True, st.pid, st.port)
        with pytest.raises(ServerError, match="already running"):
            start_detached(runs)
    finally:
        assert stop_detached(runs) is True
    assert detached_status(runs).running is False
    assert stop_detached(runs) is False
    assert not _listening(st.port)


def test_superflat_world_like_vanilla(server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("world_layers.js", server.port)
    assert result["feetY"] == -60
    assert result["column"] == {
        "-64": "bedrock", "-63": "dirt", "-62": "dirt", "-61": "grass_block",
        "-60": "air", "-59": "air", "-58": "air",
    }
    assert result["far"] == "grass_block"
    assert (result["gameMode"], result["minY"], result["height"]) == ("survival", -64, 384)
