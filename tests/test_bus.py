"""The message bus against real brokers: round trip, duplicates, bad payloads, ACL, topics."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Literal

import pytest

from agents.broker import BrokerError, EmbeddedBroker
from agents.bus import (
    Bus,
    BusError,
    Envelope,
    MessageError,
    RejectedPayload,
    Topics,
    message_kinds,
    parse_message,
)


class Ping(Envelope):
    kind: Literal["test_ping"] = "test_ping"
    seq: int
    text: str


class Pong(Envelope):
    kind: Literal["test_pong"] = "test_pong"
    ok: bool


TOPICS = Topics("e1")

# --- pure parts ------------------------------------------------------------------------------


def test_topics_of_an_episode() -> None:
    assert TOPICS.request("a1") == "cc/e1/agent/a1/request"
    assert TOPICS.assign("a1") == "cc/e1/planner/assign/a1"
    assert TOPICS.action("a1") == "cc/e1/agent/a1/action"
    assert TOPICS.result("a1") == "cc/e1/judger/result/a1"
    assert TOPICS.report("a1") == "cc/e1/agent/a1/report"
    assert TOPICS.state == "cc/e1/state"
    assert TOPICS.events == "cc/e1/events"
    assert TOPICS.all == "cc/e1/#"
    assert TOPICS.agent_pattern("action") == "cc/e1/agent/+/action"
    assert TOPICS.acl("a1") == ["cc/e1/agent/a1/#"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Topics("e/1"), "episode id 'e/1' must not contain '/'"),
        (lambda: Topics(""), "episode id must be a non-empty string, got ''"),
        (lambda: TOPICS.action("a+"), "agent id 'a+' must not contain '+'"),
        (lambda: TOPICS.acl("#"), "agent id '#' must not contain '#'"),
    ],
)
def test_topics_reject_bad_ids(build: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValueError) as info:
        build()
    assert str(info.value) == message


def test_topics_access_for_agents_and_services() -> None:
    access = TOPICS.access({"a1": "p1", "a2": "p2"}, {"planner": "pp"})
    assert access.publish_acl() == {
        "a1": ["cc/e1/agent/a1/#"],
        "a2": ["cc/e1/agent/a2/#"],
        "planner": ["cc/e1/#"],
    }
    assert [u.password for u in access.users] == ["p1", "p2", "pp"]


def test_parse_message_by_kind_and_by_model() -> None:
    ping = Ping(message_id="m1", sender="a1", sent_at=12.5, seq=3, text="hi")
    payload = ping.model_dump_json()
    assert payload == (
        '{"message_id":"m1","sender":"a1","kind":"test_ping","sent_at":12.5,"seq":3,"text":"hi"}'
    )
    assert parse_message(payload) == ping
    assert parse_message(payload.encode(), Ping) == ping
    assert message_kinds()["test_ping"] is Ping
    assert message_kinds()["test_pong"] is Pong


def test_envelope_defaults() -> None:
    first, second = Pong(sender="judger", ok=True), Pong(sender="judger", ok=True)
    assert len(first.message_id) == 32 and int(first.message_id, 16) >= 0
    assert first.message_id != second.message_id
    assert first.kind == "test_pong"
    assert first.sent_at > 1.7e9


@pytest.mark.parametrize(
    ("payload", "model", "message"),
    [
        (
            b"{not json",
            None,
            "payload is not valid JSON: Expecting property name enclosed in "
            "double quotes: line 1 column 2 (char 1)",
        ),
        (b"[1, 2]", None, "payload must be a JSON object, got list"),
        (b'{"sender": "a1"}', None, "kind: missing or not a string"),
        (b'{"kind": "nope", "sender": "a1"}', None, "kind: unknown message kind 'nope'"),
        (
            b'{"kind": "test_ping", "sender": "a1", "seq": "three", "text": "x"}',
            None,
            "not a Ping: seq: Input should be a valid integer, unable to parse string as an "
            "integer",
        ),
        (
            b'{"kind": "test_ping", "seq": 1, "text": "x"}',
            Ping,
            "not a Ping: sender: Field required",
        ),
        (
            b'{"kind": "test_pong", "sender": "a1", "ok": true}',
            Ping,
            "not a Ping: kind: Input should be 'test_ping'; seq: Field required; "
            "text: Field required; ok: Extra inputs are not permitted",
        ),
    ],
)
def test_parse_message_errors_name_the_field(
    payload: bytes, model: type[Envelope] | None, message: str
) -> None:
    with pytest.raises(MessageError) as info:
        parse_message(payload, model)
    assert str(info.value).startswith(message)


def test_two_classes_cannot_share_a_kind() -> None:
    with pytest.raises(TypeError, match="message kind 'test_ping' of .* is already used by"):

        class OtherPing(Envelope):
            kind: Literal["test_ping"] = "test_ping"


def test_bus_needs_a_good_url_and_id() -> None:
    with pytest.raises(BrokerError, match="scheme must be 'mqtt'"):
        Bus("http://127.0.0.1:1", "a1")
    with pytest.raises(ValueError, match="client id 'a/1' must not contain '/'"):
        Bus("mqtt://127.0.0.1:1", "a/1")
    with pytest.raises(BusError, match="bus 'a1' is not connected"):
        _ = Bus("mqtt://127.0.0.1:1", "a1").client


# --- against real brokers --------------------------------------------------------------------


async def _round_trip(broker: Any) -> tuple[list[tuple[str, Envelope]], list[RejectedPayload]]:
    async with broker:
        async with Bus(broker.url, "judger") as judger, Bus(broker.url, "a1") as agent:
            await judger.subscribe(TOPICS.agent_pattern("action"), Ping)
            await judger.subscribe(TOPICS.events)  # parsed by kind
            await agent.publish(
                TOPICS.action("a1"),
                Ping(message_id="p1", sender="a1", sent_at=1.0, seq=1, text="héllo"),
            )
            await agent.publish(
                TOPICS.events, Pong(message_id="p2", sender="a1", sent_at=2.0, ok=False)
            )
            await agent.publish(
                TOPICS.action("a1"), Ping(message_id="p3", sender="a1", sent_at=3.0, seq=2, text="")
            )
            received = await judger.receive_all(quiet=0.3)
            return received, judger.rejected


def test_round_trip_exact_messages(
    make_broker: Callable[..., Any], run: Callable[..., Any]
) -> None:
    received, rejected = run(_round_trip(make_broker()))
    assert received == [
        (
            "cc/e1/agent/a1/action",
            Ping(message_id="p1", sender="a1", sent_at=1.0, seq=1, text="héllo"),
        ),
        ("cc/e1/events", Pong(message_id="p2", sender="a1", sent_at=2.0, ok=False)),
        ("cc/e1/agent/a1/action", Ping(message_id="p3", sender="a1", sent_at=3.0, seq=2, text="")),
    ]
    assert rejected == []


async def _duplicates(broker: Any) -> tuple[list[tuple[str, Envelope]], int]:
    async with broker:
        async with Bus(broker.url, "planner") as planner, Bus(broker.url, "a1") as agent:
            await planner.subscribe(TOPICS.agent_pattern("report"), Pong)
            twice = Pong(message_id="same", sender="a1", sent_at=5.0, ok=True)
            await agent.publish(TOPICS.report("a1"), twice)
            await agent.publish(TOPICS.report("a1"), twice)
            await agent.publish(
                TOPICS.report("a1"), Pong(message_id="other", sender="a1", sent_at=6.0, ok=True)
            )
            await agent.publish(TOPICS.report("a1"), twice)
            received = await planner.receive_all(quiet=0.3)
            return received, planner.duplicates


def test_duplicates_are_dropped(make_broker: Callable[..., Any], run: Callable[..., Any]) -> None:
    received, duplicates = run(_duplicates(make_broker()))
    assert received == [
        ("cc/e1/agent/a1/report", Pong(message_id="same", sender="a1", sent_at=5.0, ok=True)),
        ("cc/e1/agent/a1/report", Pong(message_id="other", sender="a1", sent_at=6.0, ok=True)),
    ]
    assert duplicates == 2


BAD = b'{"message_id": "b1", "kind": "test_ping", "seq": 1, "text": "no sender"}'


async def _malformed(broker: Any) -> tuple[list[tuple[str, Envelope]], list[RejectedPayload]]:
    async with broker:
        async with Bus(broker.url, "judger") as judger, Bus(broker.url, "a1") as agent:
            await judger.subscribe(TOPICS.agent_pattern("action"), Ping)
            await agent.publish_raw(TOPICS.action("a1"), BAD)
            await agent.publish_raw(TOPICS.action("a1"), b"\xff\xfe not even text")
            await agent.publish(
                TOPICS.action("a1"),
                Ping(message_id="g1", sender="a1", sent_at=1.0, seq=2, text="good"),
            )
            stop = asyncio.Event()
            received = []
            async for topic, message in judger.messages(stop):
                received.append((topic, message))
                stop.set()
            return received, judger.rejected


def test_malformed_payload_is_kept_and_the_next_message_arrives(
    make_broker: Callable[..., Any], run: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="agents.bus"):
        received, rejected = run(_malformed(make_broker()))
    assert received == [
        (
            "cc/e1/agent/a1/action",
            Ping(message_id="g1", sender="a1", sent_at=1.0, seq=2, text="good"),
        )
    ]
    assert [(r.topic, r.payload) for r in rejected] == [
        ("cc/e1/agent/a1/action", BAD),
        ("cc/e1/agent/a1/action", b"\xff\xfe not even text"),
    ]
    assert rejected[0].reason == "not a Ping: sender: Field required"
    assert rejected[1].reason.startswith("not a Ping: payload: Invalid JSON")
    assert caplog.messages[0] == (
        "bus judger rejected a payload on cc/e1/agent/a1/action: not a Ping: sender: Field required"
    )
    assert len(caplog.messages) == 2


async def _acl(broker: Any) -> list[tuple[str, Envelope]]:
    async with broker:
        async with (
            Bus(broker.url, "planner", username="planner", password="pp") as planner,
            Bus(broker.url, "a1", username="a1", password="p1") as a1,
        ):
            await planner.subscribe(TOPICS.all)
            # a1 forges a2's report and the Planner's state: both acked, neither delivered.
            await a1.publish(
                TOPICS.report("a2"), Pong(message_id="forged", sender="a2", sent_at=1.0, ok=True)
            )
            await a1.publish(
                TOPICS.state,
                Pong(message_id="forged-state", sender="planner", sent_at=1.0, ok=True),
            )
            await a1.publish(
                TOPICS.report("a1"), Pong(message_id="own", sender="a1", sent_at=2.0, ok=True)
            )
            return await planner.receive_all(quiet=0.5)


def test_agent_publishes_only_under_its_own_topics(
    make_broker: Callable[..., Any], run: Callable[..., Any]
) -> None:
    access = TOPICS.access({"a1": "p1", "a2": "p2"}, {"planner": "pp"})
    received = run(_acl(make_broker(access)))
    assert received == [
        ("cc/e1/agent/a1/report", Pong(message_id="own", sender="a1", sent_at=2.0, ok=True))
    ]


async def _wrong_password(broker: Any) -> str:
    async with broker:
        try:
            async with Bus(broker.url, "a1", username="a1", password="wrong"):
                return "connected"
        except BusError as exc:
            return str(exc)


def test_wrong_password_is_a_clear_error(
    make_broker: Callable[..., Any], run: Callable[..., Any]
) -> None:
    access = TOPICS.access({"a1": "p1"})
    text = run(_wrong_password(make_broker(access)))
    assert text.startswith("bus 'a1' cannot connect to 127.0.0.1:")
    assert "as user 'a1'" in text
    assert text.endswith("(is the broker running, are the credentials right?)")


async def _timeouts_and_stop(broker: Any) -> tuple[str, list[tuple[str, Envelope]], list[Any]]:
    async with broker:
        async with Bus(broker.url, "planner") as planner, Bus(broker.url, "a1") as agent:
            await planner.subscribe(TOPICS.agent_pattern("request"), Ping)
            outcome = ""
            try:
                await planner.receive(timeout=0.05)
            except TimeoutError:
                outcome = "timed out"
            stop = asyncio.Event()
            stop.set()
            stopped = [item async for item in planner.messages(stop)]
            await agent.publish(
                TOPICS.request("a1"),
                Ping(message_id="r1", sender="a1", sent_at=1.0, seq=1, text="after"),
            )
            return outcome, [await planner.receive(timeout=5)], stopped


def test_a_timed_out_or_stopped_reader_loses_nothing(
    make_broker: Callable[..., Any], run: Callable[..., Any]
) -> None:
    outcome, received, stopped = run(_timeouts_and_stop(make_broker()))
    assert outcome == "timed out"
    assert stopped == []
    assert received == [
        (
            "cc/e1/agent/a1/request",
            Ping(message_id="r1", sender="a1", sent_at=1.0, seq=1, text="after"),
        )
    ]


async def _broker_goes_away() -> str:
    broker = EmbeddedBroker()
    await broker.start()
    async with Bus(broker.url, "a1") as agent:
        await agent.subscribe(TOPICS.assign("a1"), Ping)
        await broker.stop()
        try:
            await agent.receive(timeout=5)
        except BusError as exc:
            return str(exc)
    return "no error"


def test_losing_the_broker_is_a_clear_error(run: Callable[..., Any]) -> None:
    assert run(_broker_goes_away()).startswith(
        "bus 'a1' lost the broker: Disconnected during message iteration"
    )
