"""Brokers: URL parsing, topic filters, generated mosquitto files, and real brokers' ACLs."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import aiomqtt
import pytest
from pydantic import ValidationError

from agents.broker import (
    MOSQUITTO_MISSING,
    AccessControl,
    BrokerAddress,
    BrokerError,
    BrokerUser,
    EmbeddedBroker,
    MosquittoBroker,
    check_topic_filter,
    mosquitto_acl,
    mosquitto_config,
    parse_broker_url,
    topic_matches,
)

NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]

# --- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mqtt://127.0.0.1:1884", BrokerAddress("127.0.0.1", 1884)),
        ("mqtt://broker.example", BrokerAddress("broker.example", 1883)),
        ("mqtt://a1:secret@10.0.0.2:2000", BrokerAddress("10.0.0.2", 2000, "a1", "secret")),
        (" mqtt://localhost:1/ ", BrokerAddress("localhost", 1)),
    ],
)
def test_parse_broker_url(url: str, expected: BrokerAddress) -> None:
    assert parse_broker_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "broker URL must be a non-empty string like mqtt://host:port, got ''"),
        (
            "localhost:1883",
            "broker URL 'localhost:1883': missing 'mqtt://' (expected mqtt://host:port)",
        ),
        (
            "http://h:1",
            "broker URL 'http://h:1': scheme must be 'mqtt' (mqtt://host:port), got 'http'",
        ),
        ("mqtt://:1883", "broker URL 'mqtt://:1883': missing host (expected mqtt://host:port)"),
        ("mqtt://h:abc", "broker URL 'mqtt://h:abc': port must be an integer in 1..65535"),
        ("mqtt://h:70000", "broker URL 'mqtt://h:70000': port must be an integer in 1..65535"),
        ("mqtt://h:0", "broker URL 'mqtt://h:0': port must be an integer in 1..65535"),
        (
            "mqtt://h:1/x",
            "broker URL 'mqtt://h:1/x': unexpected path, query or fragment after host:port",
        ),
    ],
)
def test_parse_broker_url_errors(url: str, message: str) -> None:
    with pytest.raises(BrokerError) as info:
        parse_broker_url(url)
    assert str(info.value) == message


# --- topics ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "pattern", "expected"),
    [
        ("cc/e1/agent/a1/action", "cc/e1/agent/a1/#", True),
        ("cc/e1/agent/a1", "cc/e1/agent/a1/#", True),
        ("cc/e1/agent/a2/action", "cc/e1/agent/a1/#", False),
        ("cc/e1/agent/a2/report", "cc/e1/agent/+/report", True),
        ("cc/e1/agent/a2/action", "cc/e1/agent/+/report", False),
        ("cc/e1/state", "cc/e1/state", True),
        ("cc/e1/state/x", "cc/e1/state", False),
        ("cc/e1", "cc/e1/state", False),
        ("anything/at/all", "#", True),
    ],
)
def test_topic_matches(topic: str, pattern: str, expected: bool) -> None:
    assert topic_matches(topic, pattern) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "topic filter must be a non-empty string, got ''"),
        ("cc/#/x", "topic filter 'cc/#/x': '#' must be a whole, final level"),
        ("cc/a#", "topic filter 'cc/a#': '#' must be a whole, final level"),
        ("cc/a+/x", "topic filter 'cc/a+/x': '+' must be a whole level"),
    ],
)
def test_check_topic_filter_errors(pattern: str, message: str) -> None:
    with pytest.raises(BrokerError) as info:
        check_topic_filter(pattern)
    assert str(info.value) == message


# --- access control and generated files ------------------------------------------------------

ACCESS = AccessControl(
    users=(
        BrokerUser(username="a1", password="pw-a1", publish=("cc/e1/agent/a1/#",)),
        BrokerUser(username="a2", password="pw-a2", publish=("cc/e1/agent/a2/#",)),
        BrokerUser(username="planner", password="pw-planner", publish=("cc/e1/#",)),
    )
)


def test_access_control_rejects_duplicates_and_bad_patterns() -> None:
    with pytest.raises(ValidationError, match="duplicate usernames: a1"):
        AccessControl(
            users=(
                BrokerUser(username="a1", password="x"),
                BrokerUser(username="a1", password="y"),
            )
        )
    with pytest.raises(ValidationError, match="'#' must be a whole, final level"):
        BrokerUser(username="a1", password="x", publish=("cc/#/a1",))
    with pytest.raises(ValidationError, match="must not contain ':'"):
        BrokerUser(username="a:1", password="x")


def test_publish_acl() -> None:
    assert ACCESS.publish_acl() == {
        "a1": ["cc/e1/agent/a1/#"],
        "a2": ["cc/e1/agent/a2/#"],
        "planner": ["cc/e1/#"],
    }


def test_mosquitto_acl_text() -> None:
    assert mosquitto_acl(ACCESS) == (
        "user a1\ntopic read #\ntopic write cc/e1/agent/a1/#\n\n"
        "user a2\ntopic read #\ntopic write cc/e1/agent/a2/#\n\n"
        "user planner\ntopic read #\ntopic write cc/e1/#\n"
    )


def test_mosquitto_config_text(tmp_path: Any) -> None:
    assert mosquitto_config(1884) == (
        "per_listener_settings false\n"
        "listener 1884 127.0.0.1\n"
        "set_tcp_nodelay true\n"
        "max_queued_messages 100000\n"
        "persistence false\n"
        "log_dest stderr\n"
        "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
        "connection_messages false\n"
        "allow_anonymous true\n"
    )
    text = mosquitto_config(
        2000, password_file=tmp_path / "passwd", acl_file=tmp_path / "acl", user="cc"
    )
    assert text.splitlines()[-4:] == [
        "user cc",
        "allow_anonymous false",
        f"password_file {tmp_path / 'passwd'}",
        f"acl_file {tmp_path / 'acl'}",
    ]


# --- lifecycles ------------------------------------------------------------------------------


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_embedded_broker_lifecycle(run: Callable[..., Any]) -> None:
    broker = EmbeddedBroker()
    with pytest.raises(BrokerError, match="not started"):
        _ = broker.url

    async def scenario() -> tuple[str, int, bool]:
        async with broker:
            url, port = broker.url, broker.port
            assert port is not None
            opened = await asyncio.to_thread(_port_open, port)
        return url, port, opened

    url, port, opened = run(scenario())
    assert url == f"mqtt://127.0.0.1:{port}"
    assert opened is True
    assert broker.port is None
    assert _port_open(port) is False


def test_embedded_broker_delivers_to_every_subscriber_when_one_subscribes_mid_broadcast(
        run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that subscribes while the broker is between two subscribers of a message
    (suspended at an await of its broadcast) no longer cuts that broadcast short: the
    subscribers after that point get the message too ("dictionary changed size during
    iteration" lost it for them)."""
    from amqtt.broker import Action, Broker

    joined = asyncio.Event()
    filtering = Broker._topic_filtering  # noqa: SLF001
    late: dict[str, Any] = {}

    async def slow_filtering(self: Broker, *args: Any, **kwargs: Any) -> bool:
        if kwargs.get("action") is Action.RECEIVE and not joined.is_set() and "join" in late:
            joined.set()
            await late["join"]()  # another client subscribes while this broadcast waits
        return bool(await filtering(self, *args, **kwargs))

    monkeypatch.setattr(Broker, "_topic_filtering", slow_filtering)

    async def scenario() -> dict[str, list[str]]:
        async with EmbeddedBroker() as broker:
            assert broker.port is not None
            kw = {"hostname": "127.0.0.1", "port": broker.port, "socket_options": NODELAY}
            async with aiomqtt.Client(identifier="first", **kw) as first, \
                    aiomqtt.Client(identifier="second", **kw) as second, \
                    aiomqtt.Client(identifier="sender", **kw) as sender, \
                    aiomqtt.Client(identifier="later", **kw) as later:
                await first.subscribe("a/#", qos=1)
                await second.subscribe("a/+", qos=1)

                async def join() -> None:
                    await later.subscribe("c/#", qos=1)

                late["join"] = join
                await sender.publish("a/1", b"one", qos=1)
                await asyncio.wait_for(joined.wait(), 10)
                await sender.publish("c/2", b"two", qos=1)

                async def read(client: aiomqtt.Client) -> list[str]:
                    async for message in client.messages:
                        return [str(message.topic)]
                    return []

                return {name: await asyncio.wait_for(read(client), 10)
                        for name, client in (("first", first), ("second", second),
                                             ("later", later))}

    assert run(scenario()) == {"first": ["a/1"], "second": ["a/1"], "later": ["c/2"]}


def test_mosquitto_missing_binary_error() -> None:
    broker = MosquittoBroker(binary="no-such-mosquitto-binary")
    with pytest.raises(BrokerError) as info:
        broker.start_sync()
    assert (
        str(info.value)
        == MOSQUITTO_MISSING
        == ("mosquitto is not installed: apt-get install mosquitto")
    )


@pytest.mark.mosquitto
def test_mosquitto_lifecycle_and_log(mosquitto_installed: str) -> None:
    broker = MosquittoBroker()
    with broker:
        port = broker.port
        assert port is not None
        assert broker.url == f"mqtt://127.0.0.1:{port}"
        assert broker.running is True
        assert _port_open(port) is True
        assert broker.workdir is not None
        config = (broker.workdir / "mosquitto.conf").read_text()
        assert f"listener {port} 127.0.0.1\nset_tcp_nodelay true\n" in config
    assert broker.running is False
    assert _port_open(port) is False
    # The log outlives the temp dir: strip the timestamps and keep the lifecycle lines.
    lines = [line.split(": ", 1)[1] for line in broker.last_log.splitlines()]
    assert f"Opening ipv4 listen socket on port {port}." in lines
    assert lines[-1].startswith("mosquitto version ") and lines[-1].endswith(" terminating")


# --- real brokers: credentials and ACL -------------------------------------------------------


async def _acl_scenario(broker: Any) -> tuple[list[tuple[str, bytes]], str]:
    async with broker:
        async with (
            aiomqtt.Client(
                "127.0.0.1",
                broker.port,
                identifier="planner",
                username="planner",
                password="pw-planner",
                socket_options=NODELAY,
            ) as watcher,
            aiomqtt.Client(
                "127.0.0.1",
                broker.port,
                identifier="a1",
                username="a1",
                password="pw-a1",
                socket_options=NODELAY,
            ) as agent,
        ):
            await watcher.subscribe("cc/#", qos=1)
            # Both publishes are acknowledged; the forged one must not be delivered.
            await agent.publish("cc/e1/agent/a2/action", b"forged", qos=1)
            await agent.publish("cc/e1/state", b"forged state", qos=1)
            await agent.publish("cc/e1/agent/a1/action", b"own", qos=1)
            await watcher.publish("cc/e1/state", b"planner state", qos=1)
            received: list[tuple[str, bytes]] = []
            try:
                while True:
                    message = await asyncio.wait_for(anext(watcher.messages), 0.5)
                    received.append((message.topic.value, bytes(message.payload)))  # type: ignore[arg-type]
            except TimeoutError:
                pass
        refusal = ""
        for username, password in (("a1", "wrong"), (None, None)):
            try:
                async with aiomqtt.Client(
                    "127.0.0.1",
                    broker.port,
                    identifier="intruder",
                    username=username,
                    password=password,
                ):
                    refusal += f"{username} connected;"
            except aiomqtt.MqttError:
                refusal += f"{username} refused;"
    return received, refusal


def test_acl_each_agent_publishes_only_its_own_topics(
    make_broker: Callable[..., Any], run: Callable[..., Any]
) -> None:
    received, refusal = run(_acl_scenario(make_broker(ACCESS)))
    assert received == [
        ("cc/e1/agent/a1/action", b"own"),
        ("cc/e1/state", b"planner state"),
    ]
    assert refusal == "a1 refused;None refused;"
