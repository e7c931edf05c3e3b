"""The message bus: pydantic messages over MQTT 3.1.1, QoS 1, through aiomqtt.

Every message is an `Envelope` subclass (message id, sender, kind, sent time). A `Bus` is one
participant: it publishes messages, subscribes topic patterns each with the model its payloads
must parse into, and yields ``(topic, message)``. A payload that does not parse is logged in one
line (topic and field) and kept in `Bus.rejected`; a message id seen before is dropped, since
QoS 1 delivers at least once. `Topics` names the topics of one episode (all under
``cc/<episode>/``) and the publish ACL of an agent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Self

import aiomqtt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.broker import (
    AccessControl,
    BrokerError,
    BrokerUser,
    check_topic_filter,
    check_topic_name,
    parse_broker_url,
    topic_matches,
)

logger = logging.getLogger(__name__)

QOS = 1
TCP_NODELAY_OPTION = (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class BusError(RuntimeError):
    """The bus could not connect, or was used before connecting."""


def new_message_id() -> str:
    return uuid.uuid4().hex


class Envelope(BaseModel):
    """Base of every bus message. Subclasses fix `kind` with a literal default and add fields;
    each such subclass is registered under its kind, so a subscription without a model
    parses every payload into the class its ``kind`` names.

    >>> from typing import Literal
    >>> class Hello(Envelope):
    ...     kind: Literal["hello"] = "hello"
    ...     text: str
    >>> parse_message(Hello(sender="a1", text="hi").model_dump_json()).text
    'hi'
    """

    model_config = ConfigDict(extra="forbid")

    message_id: str = Field(default_factory=new_message_id, min_length=1, max_length=64)
    sender: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    sent_at: float = Field(default_factory=time.time, ge=0)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        kind = cls.model_fields["kind"].default
        if isinstance(kind, str) and kind:
            register_kind(kind, cls)


Message = Envelope

_KINDS: dict[str, type[Envelope]] = {}


def register_kind(kind: str, model_type: type[Envelope]) -> None:
    """Make `kind` parse into `model_type`. Two unrelated classes may not share a kind;
    a subclass that keeps its parent's kind does not take it over."""
    known = _KINDS.get(kind)
    if known is None or (known.__module__, known.__qualname__) == (
        model_type.__module__,
        model_type.__qualname__,
    ):
        _KINDS[kind] = model_type
    elif not issubclass(model_type, known):
        raise TypeError(
            f"message kind {kind!r} of {model_type.__module__}.{model_type.__qualname__} is "
            f"already used by {known.__module__}.{known.__qualname__}"
        )


def message_kinds() -> dict[str, type[Envelope]]:
    """Registered kinds -> their message classes."""
    return dict(_KINDS)


class MessageError(ValueError):
    """A payload is not a valid bus message; the text names the field at fault."""


def parse_message(payload: bytes | str, model_type: type[Envelope] | None = None) -> Envelope:
    """Parse a JSON payload as `model_type`, or, if None, as the class its ``kind`` names.

    Raises `MessageError` with one line naming each failing field.
    """
    if model_type is not None:
        try:
            return model_type.model_validate_json(payload)
        except ValidationError as exc:
            raise MessageError(
                f"not a {model_type.__name__}: {describe_validation_error(exc)}"
            ) from None
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MessageError(f"payload is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise MessageError(f"payload must be a JSON object, got {type(data).__name__}")
    kind = data.get("kind")
    if not isinstance(kind, str):
        raise MessageError("kind: missing or not a string")
    found = _KINDS.get(kind)
    if found is None:
        raise MessageError(
            f"kind: unknown message kind {kind!r} (known: {', '.join(sorted(_KINDS))})"
        )
    try:
        return found.model_validate(data)
    except ValidationError as exc:
        raise MessageError(f"not a {found.__name__}: {describe_validation_error(exc)}") from None


@dataclass(frozen=True)
class RejectedPayload:
    """A payload that did not parse: kept as received, with the reason."""

    topic: str
    payload: bytes
    reason: str


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each failing field: ``sender: Field required; sent_at: ...``."""
    parts = []
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"]) or "payload"
        parts.append(f"{location}: {item['msg']}")
    return "; ".join(parts)


def check_id(value: str, what: str) -> str:
    """An episode or agent id must be one plain MQTT topic level."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    bad = sorted({ch for ch in value if ch in "/+#\x00" or ch.isspace()})
    if bad:
        raise ValueError(f"{what} {value!r} must not contain {' '.join(repr(c) for c in bad)}")
    return value


@dataclass(frozen=True)
class Topics:
    """The topics of one episode, all under ``cc/<episode>/`` (DESIGN.md, "Message bus").

    >>> Topics("e1").action("a1")
    'cc/e1/agent/a1/action'
    >>> Topics("e1").acl("a1")
    ['cc/e1/agent/a1/#']
    """

    episode: str

    def __post_init__(self) -> None:
        check_id(self.episode, "episode id")

    @property
    def prefix(self) -> str:
        return f"cc/{self.episode}"

    @property
    def all(self) -> str:
        """Pattern matching every topic of the episode."""
        return f"{self.prefix}/#"

    def _agent(self, agent_id: str, leaf: str) -> str:
        return f"{self.prefix}/agent/{check_id(agent_id, 'agent id')}/{leaf}"

    def request(self, agent_id: str) -> str:
        """An agent asks the Planner for work."""
        return self._agent(agent_id, "request")

    def assign(self, agent_id: str) -> str:
        """The Planner hands a subtask to an agent."""
        return f"{self.prefix}/planner/assign/{check_id(agent_id, 'agent id')}"

    def action(self, agent_id: str) -> str:
        """An agent sends an action to the Judger."""
        return self._agent(agent_id, "action")

    def result(self, agent_id: str) -> str:
        """The Judger answers an agent's action."""
        return f"{self.prefix}/judger/result/{check_id(agent_id, 'agent id')}"

    def report(self, agent_id: str) -> str:
        """An agent reports a subtask done or failed."""
        return self._agent(agent_id, "report")

    def observe(self, agent_id: str) -> str:
        """An agent started on its own asks the Judger what it sees."""
        return self._agent(agent_id, "observe")

    def alive(self, agent_id: str) -> str:
        """An agent's heartbeat (keeps its lease on its subtask)."""
        return self._agent(agent_id, "alive")

    def seat_request(self, nonce: str) -> str:
        """A worker without an id asks for one (see `agents.messages.SeatRequest`)."""
        return f"{self.prefix}/seat/{check_id(nonce, 'nonce')}"

    @property
    def seat_requests(self) -> str:
        """Pattern over every seat request."""
        return f"{self.prefix}/seat/+"

    def seat(self, nonce: str) -> str:
        """The Planner's answer to a seat request."""
        return f"{self.prefix}/planner/seat/{check_id(nonce, 'nonce')}"

    def summary(self, role: str, agent_id: str | None = None) -> str:
        """Where a participant sends its part of the result: a worker under its own topics,
        the Planner and the Judger under theirs."""
        if role == "worker":
            return self._agent(check_id(agent_id or "", "agent id"), "summary")
        return f"{self.prefix}/{check_id(role, 'role')}/summary"

    @property
    def state(self) -> str:
        return f"{self.prefix}/state"

    @property
    def events(self) -> str:
        return f"{self.prefix}/events"

    @property
    def plan(self) -> str:
        """The refined plan, for viewers (retained)."""
        return f"{self.prefix}/plan"

    @property
    def progress(self) -> str:
        """The Planner's progress, for viewers (retained)."""
        return f"{self.prefix}/progress"

    @property
    def score(self) -> str:
        """The score as it changes, for viewers (retained)."""
        return f"{self.prefix}/score"

    def agent_pattern(self, leaf: str = "#") -> str:
        """Pattern over all agents' topics, e.g. ``agent_pattern("request")``."""
        return f"{self.prefix}/agent/+/{leaf}" if leaf != "#" else f"{self.prefix}/agent/#"

    def acl(self, agent_id: str) -> list[str]:
        """What an agent may publish on: only its own topics."""
        return [f"{self.prefix}/agent/{check_id(agent_id, 'agent id')}/#"]

    def access(
        self, agents: Mapping[str, str], services: Mapping[str, str] | None = None
    ) -> AccessControl:
        """Broker accounts for an episode: each agent (id -> password) publishes only under
        its own topics; each service (Planner, Judger, runner: name -> password) anywhere in
        the episode."""
        users = [
            BrokerUser(username=agent_id, password=password, publish=tuple(self.acl(agent_id)))
            for agent_id, password in agents.items()
        ]
        users += [
            BrokerUser(
                username=check_id(name, "service name"), password=password, publish=(self.all,)
            )
            for name, password in (services or {}).items()
        ]
        return AccessControl(users=tuple(users))


    def participants_access(
        self,
        agents: Mapping[str, str],
        planner: str,
        judger: str,
        observers: Mapping[str, str] | None = None,
    ) -> AccessControl:
        """Broker accounts with each participant's own rights (passwords as given):

        - each agent (`agents`: id -> password) publishes only under ``agent/<id>/``;
        - ``planner`` alone assigns (``planner/...``) and publishes the state;
        - ``judger`` alone publishes results (``judger/...``);
        - both publish events, and what viewers read: the Planner the plan and its
          progress, the Judger the score; `observers` (runner, watch page) publish nothing.

        >>> acl = Topics("e1").participants_access({"a1": "x"}, "p", "j").publish_acl()
        >>> acl["a1"], acl["judger"]
        (['cc/e1/agent/a1/#'], ['cc/e1/judger/#', 'cc/e1/events', 'cc/e1/score'])
        """
        users = [
            BrokerUser(username=agent_id, password=password, publish=tuple(self.acl(agent_id)))
            for agent_id, password in agents.items()
        ]
        users.append(BrokerUser(username="planner", password=planner, publish=(
            f"{self.prefix}/planner/#", self.state, self.events, self.plan, self.progress)))
        users.append(BrokerUser(username="judger", password=judger, publish=(
            f"{self.prefix}/judger/#", self.events, self.score)))
        users += [
            BrokerUser(username=check_id(name, "observer name"), password=password, publish=())
            for name, password in (observers or {}).items()
        ]
        return AccessControl(users=tuple(users))


class _SeenIds:
    """The last `capacity` message ids, oldest forgotten first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, message_id: str) -> bool:
        """Record `message_id`; False if it was already there."""
        if message_id in self._ids:
            self._ids.move_to_end(message_id)
            return False
        self._ids[message_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True


class Bus:
    """One participant on the bus: an async context manager around `aiomqtt.Client`.

    >>> async with Bus("mqtt://127.0.0.1:1883", "a1") as bus:     # doctest: +SKIP
    ...     await bus.subscribe(Topics("e1").assign("a1"), Assignment)
    ...     await bus.publish(Topics("e1").request("a1"), WorkRequest(sender="a1"))
    ...     topic, assignment = await bus.receive(timeout=5)
    """

    dedup_capacity: ClassVar[int] = 100_000

    def __init__(
        self,
        url: str,
        client_id: str,
        *,
        username: str | None = None,
        password: str | None = None,
        tcp_nodelay: bool = True,
        timeout: float = 10.0,
        keepalive: int = 60,
        persistent: bool = False,
        reconnect_s: float = 0.0,
    ) -> None:
        address = parse_broker_url(url)
        self.url = url
        self.client_id = check_id(client_id, "client id")
        self.host = address.host
        self.port = address.port
        self.username = username if username is not None else address.username
        self.password = password if password is not None else address.password
        self.tcp_nodelay = tcp_nodelay
        self.timeout = timeout
        self.keepalive = keepalive
        self.persistent = persistent
        self.reconnect_s = reconnect_s
        self.reconnects = 0
        self.rejected: list[RejectedPayload] = []
        self.duplicates = 0
        self._subscriptions: list[tuple[str, type[Envelope]]] = []
        self._seen = _SeenIds(self.dedup_capacity)
        self._client: aiomqtt.Client | None = None
        self._pump: asyncio.Task[None] | None = None
        self._inbox: asyncio.Queue[tuple[str, Envelope] | None] = asyncio.Queue()
        self._closed_reason: str | None = None
        self._online = asyncio.Event()
        self.taps: list[Callable[[str, Envelope, bytes], None]] = []
        """Listeners in this process, called with (topic, message, its JSON) for each message
        this client publishes, before it goes to the broker: a viewer in the publisher's
        process (the watch page) gets it without a broker round trip. A tap must return at
        once; its errors are logged and never reach the publisher."""

    # -- connection ----------------------------------------------------------------------------

    def _new_client(self) -> aiomqtt.Client:
        client = aiomqtt.Client(
            self.host,
            self.port,
            identifier=self.client_id,
            username=self.username,
            password=self.password,
            protocol=aiomqtt.ProtocolVersion.V311,
            # A persistent session keeps the subscriptions and the QoS 1 messages queued for
            # this client id across a lost connection or a broker restart (with persistence).
            clean_session=not self.persistent,
            timeout=self.timeout,
            keepalive=self.keepalive,
            socket_options=[TCP_NODELAY_OPTION] if self.tcp_nodelay else [],
        )
        # aiomqtt warns past 10 unacknowledged calls; a Judger or a burst of events can have
        # many more in flight, and paho's inflight window already bounds them.
        client.pending_calls_threshold = 10_000
        return client

    async def _connect(self) -> aiomqtt.Client:
        client = self._new_client()
        try:
            await client.__aenter__()
        except aiomqtt.MqttError as exc:
            who = f"user {self.username!r}" if self.username else "anonymous"
            raise BusError(
                f"bus {self.client_id!r} cannot connect to {self.host}:{self.port} as {who}: "
                f"{exc or type(exc).__name__} (is the broker running, are the credentials right?)"
            ) from exc
        return client

    async def __aenter__(self) -> Self:
        if self._client is not None:
            raise BusError(f"bus {self.client_id!r} is already connected")
        deadline = time.monotonic() + self.reconnect_s
        while True:
            try:
                self._client = await self._connect()
                break
            except BusError as exc:
                # With reconnection, a broker that is slow to answer (a busy machine, many
                # clients connecting at once) is tried again; a refusal (credentials) is not.
                if self.reconnect_s <= 0 or time.monotonic() > deadline or \
                        isinstance(exc.__cause__, aiomqtt.MqttCodeError):
                    raise
                logger.warning("%s; trying again", exc)
                await asyncio.sleep(0.5)
        self._inbox = asyncio.Queue()
        self._closed_reason = None
        self._online.set()
        self._pump = asyncio.create_task(self._pump_messages(), name=f"bus-{self.client_id}")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        pump, self._pump = self._pump, None
        self._online.clear()
        if pump is not None:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
        if client is not None:
            with contextlib.suppress(aiomqtt.MqttError):
                await client.__aexit__(exc_type, exc, tb)

    async def _pump_messages(self) -> None:
        """The one reader of the client: parses every payload into the inbox as it arrives.

        Readers wait on the inbox, never on the client, so a reader that gives up (timeout,
        stop) cannot lose a message that was being handed over. With `reconnect_s` > 0 a lost
        broker is tried again (backoff up to 1 s) for that long, and every pattern is
        subscribed again on the new connection.
        """
        try:
            while True:
                client = self._client
                assert client is not None
                try:
                    async for raw in client.messages:
                        topic = raw.topic.value
                        message = self.accept(topic, _payload_bytes(raw.payload))
                        if message is not None:
                            self._inbox.put_nowait((topic, message))
                    return
                except aiomqtt.MqttError as exc:
                    self._online.clear()
                    reason = f"bus {self.client_id!r} lost the broker: {exc}"
                    logger.warning("%s", reason)
                    with contextlib.suppress(Exception):
                        await client.__aexit__(None, None, None)
                    if not await self._reconnect():
                        self._closed_reason = reason
                        return
        finally:
            self._online.clear()
            self._inbox.put_nowait(None)

    async def _reconnect(self) -> bool:
        """Connect again and resubscribe, for up to `reconnect_s` seconds; False if not."""
        deadline = time.monotonic() + self.reconnect_s
        delay = 0.1
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            delay = min(1.0, delay * 2)
            try:
                client = await self._connect()
            except BusError:
                continue
            try:
                for pattern, _model in self._subscriptions:
                    await client.subscribe(pattern, qos=QOS)
            except aiomqtt.MqttError:
                with contextlib.suppress(Exception):
                    await client.__aexit__(None, None, None)
                continue
            self._client = client
            self.reconnects += 1
            self._online.set()
            logger.warning("bus %s reconnected to %s:%s", self.client_id, self.host, self.port)
            return True
        return False

    @property
    def client(self) -> aiomqtt.Client:
        if self._client is None:
            raise BusError(f"bus {self.client_id!r} is not connected: use 'async with Bus(...)'")
        return self._client

    # -- sending -------------------------------------------------------------------------------

    async def publish(self, topic: str, message: Envelope, retain: bool = False) -> None:
        """Publish `message` as JSON on `topic` with QoS 1; returns once the broker acked it.
        With `retain`, the broker keeps it for later subscribers (a viewer joining late)."""
        if not isinstance(message, Envelope):
            raise TypeError(
                f"bus messages must be Envelope models, got {type(message).__name__} for {topic!r}"
            )
        payload = message.model_dump_json().encode()
        for tap in self.taps:
            try:
                tap(topic, message, payload)
            except Exception:  # a viewer must never stop a participant
                logger.exception("bus %r: a tap failed on %s", self.client_id, topic)
        await self.publish_raw(topic, payload, retain)

    async def publish_raw(self, topic: str, payload: bytes, retain: bool = False) -> None:
        """Publish bytes as they are (bridges from other systems; tests of bad input)."""
        try:
            check_topic_name(topic)
        except BrokerError as exc:
            raise ValueError(str(exc)) from None
        self.client  # noqa: B018 - fail early when not connected
        deadline = time.monotonic() + self.reconnect_s
        while True:
            client = self.client
            try:
                await client.publish(topic, payload, qos=QOS, retain=retain)
                return
            except aiomqtt.MqttError:
                # Without reconnection, or once it has given up, the error is the caller's.
                if self.reconnect_s <= 0 or time.monotonic() > deadline or self._pump is None \
                        or self._pump.done():
                    raise
            # Sent again once connected: the receiver drops a copy it already has by its id.
            remaining = max(0.1, deadline - time.monotonic())
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    while self._client is client or not self._online.is_set():
                        await asyncio.sleep(0.05)
                        if self._pump is None or self._pump.done():
                            break

    # -- receiving -----------------------------------------------------------------------------

    async def subscribe(self, pattern: str, model_type: type[Envelope] | None = None) -> None:
        """Receive messages on `pattern`, each parsed as `model_type` (None: by its kind).

        A topic matching several subscribed patterns is parsed with the first one subscribed.
        """
        try:
            check_topic_filter(pattern)
        except BrokerError as exc:
            raise ValueError(str(exc)) from None
        if model_type is not None and not (
            isinstance(model_type, type) and issubclass(model_type, Envelope)
        ):
            raise TypeError(f"model_type for {pattern!r} must be an Envelope subclass")
        self._subscriptions.append((pattern, model_type))
        await self.client.subscribe(pattern, qos=QOS)

    def model_for(self, topic: str) -> type[Envelope] | None:
        """The model that payloads on `topic` parse into (None: by their kind).

        Raises `KeyError` if no subscribed pattern matches `topic`.
        """
        for pattern, model_type in self._subscriptions:
            if topic_matches(topic, pattern):
                return model_type
        raise KeyError(topic)

    def accept(self, topic: str, payload: bytes) -> Envelope | None:
        """Parse one received payload; None if it is rejected or a duplicate.

        Bookkeeping only, no I/O: a rejected payload is logged and appended to `rejected`.
        """
        try:
            message = parse_message(payload, self.model_for(topic))
        except KeyError:
            return self._reject(topic, payload, "no subscription matches this topic")
        except MessageError as exc:
            return self._reject(topic, payload, str(exc))
        if not self._seen.add(message.message_id):
            self.duplicates += 1
            logger.debug(
                "bus %s dropped duplicate %s on %s", self.client_id, message.message_id, topic
            )
            return None
        return message

    def _reject(self, topic: str, payload: bytes, reason: str) -> None:
        self.rejected.append(RejectedPayload(topic=topic, payload=payload, reason=reason))
        logger.warning("bus %s rejected a payload on %s: %s", self.client_id, topic, reason)
        return None

    def _closed(self) -> BusError:
        # Leave the end marker for any other reader.
        self._inbox.put_nowait(None)
        return BusError(self._closed_reason or f"bus {self.client_id!r} is closed")

    async def messages(
        self, stop: asyncio.Event | None = None
    ) -> AsyncIterator[tuple[str, Envelope]]:
        """Every accepted message, as ``(topic, message)``, until `stop` is set (or forever).

        Raises `BusError` if the connection to the broker is lost.
        """
        self.client  # noqa: B018 - fail early when not connected
        if stop is None:
            while True:
                item = await self._inbox.get()
                if item is None:
                    raise self._closed()
                yield item
        stop_waiter = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                getter = asyncio.ensure_future(self._inbox.get())
                await asyncio.wait({getter, stop_waiter}, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                    await asyncio.gather(getter, return_exceptions=True)
                if getter.cancelled():
                    return
                item = getter.result()
                if item is None:
                    raise self._closed()
                yield item
        finally:
            stop_waiter.cancel()

    async def receive(self, timeout: float | None = None) -> tuple[str, Envelope]:
        """The next accepted message; raises `TimeoutError` after `timeout` seconds and
        `BusError` if the connection to the broker is lost."""
        self.client  # noqa: B018 - fail early when not connected
        async with asyncio.timeout(timeout):
            item = await self._inbox.get()
        if item is None:
            raise self._closed()
        return item

    async def receive_all(self, quiet: float) -> list[tuple[str, Envelope]]:
        """Every message that arrives until none has come for `quiet` seconds."""
        received: list[tuple[str, Envelope]] = []
        while True:
            try:
                received.append(await self.receive(timeout=quiet))
            except TimeoutError:
                return received


def _payload_bytes(payload: Any) -> bytes:
    if isinstance(payload, bytes | bytearray):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode()
    if payload is None:
        return b""
    return str(payload).encode()
