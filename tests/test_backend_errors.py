"""Every backend error reaches the user as one line (`-v` adds the traceback): no server at an
address, something that is not a Minecraft server, a server of another version."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Iterator

import pytest

from env.backend import BackendError
from env.minecraft.backend import MinecraftError, _varint, ping_server
from env.minecraft.bridge import BridgeError
from env.minecraft.server import ServerError
from tasks.cli import main


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def status_server() -> Iterator[tuple[int, dict[str, object]]]:
    """A listener that answers one status request with the JSON set in the yielded dict."""
    answer: dict[str, object] = {}
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()

    def serve() -> None:
        conn, _ = sock.accept()
        with conn:
            conn.recv(1024)
            body = json.dumps(answer).encode()
            packet = _varint(0) + _varint(len(body)) + body
            conn.sendall(_varint(len(packet)) + packet)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield int(sock.getsockname()[1]), answer
    sock.close()


def test_every_backend_error_is_one_kind() -> None:
    for cls in (MinecraftError, BridgeError, ServerError):
        assert issubclass(cls, BackendError)


def test_no_server_at_the_address_is_one_line() -> None:
    port = _closed_port()
    with pytest.raises(MinecraftError) as err:
        ping_server("127.0.0.1", port, timeout=2)
    assert str(err.value).startswith(f"no Minecraft 1.19.2 server answers at 127.0.0.1:{port}")
    assert "\n" not in str(err.value)


def test_a_server_of_another_version_is_named(status_server: tuple[int, dict]) -> None:
    port, answer = status_server
    answer.update({"version": {"name": "1.20.1", "protocol": 763}})
    with pytest.raises(MinecraftError, match=r"speaks Minecraft 1.20.1 \(protocol 763\), "
                                             r"not 1.19.2 \(protocol 760\)"):
        ping_server("127.0.0.1", port, timeout=2)


def test_a_1_19_2_server_answers_its_status(status_server: tuple[int, dict]) -> None:
    port, answer = status_server
    answer.update({"version": {"name": "1.19.2", "protocol": 760}, "players": {"max": 8}})
    assert ping_server("127.0.0.1", port, timeout=2)["players"] == {"max": 8}


def test_something_else_at_the_port_is_not_a_server() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()

    def serve() -> None:
        conn, _ = sock.accept()
        with conn:
            conn.recv(1024)
            conn.sendall(struct.pack(">B", 0x05) + b"HTTP/")

    threading.Thread(target=serve, daemon=True).start()
    with pytest.raises(MinecraftError, match="is not a Minecraft server"):
        ping_server("127.0.0.1", int(sock.getsockname()[1]), timeout=2)
    sock.close()


def test_run_against_no_server_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    port = _closed_port()
    code = main(["run", "cooking/cake_0", "--backend", "minecraft",
                 "--server", f"127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"causalcraft: error: no Minecraft 1.19.2 server answers at " \
                  f"127.0.0.1:{port} (Connection refused)\n"


def test_an_ipv6_server_address_is_read_and_named_in_brackets(
        capsys: pytest.CaptureFixture[str]) -> None:
    port = _closed_port()
    code = main(["run", "cooking/cake_0", "--backend", "minecraft", "--server", f"[::1]:{port}"])
    assert code == 2
    assert capsys.readouterr().err == \
        f"causalcraft: error: no Minecraft 1.19.2 server answers at [::1]:{port} " \
        "(Connection refused)\n"
