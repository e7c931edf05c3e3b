"""MQTT brokers for the message bus: an in-process amqtt broker and a mosquitto child process.

Both listen on 127.0.0.1 on a free port, expose `url` (``mqtt://127.0.0.1:PORT``) and are
started and stopped by their owner (`start()` / `stop()` or ``async with``). Given an
`AccessControl`, both refuse anonymous clients, check each user's password, and let a user
publish only on the topic patterns listed for it (everyone may subscribe to everything).
A publish that the ACL forbids is acknowledged and dropped by both brokers (MQTT 3.1.1 has no
way to refuse a QoS 1 publish), so an agent cannot forge another agent's messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

logger = logging.getLogger(__name__)

DEFAULT_MQTT_PORT = 1883
LOOPBACK = "127.0.0.1"
MOSQUITTO_MISSING = "mosquitto is not installed: apt-get install mosquitto"
_AMQTT_LOGGERS = ("amqtt", "transitions")


class BrokerError(RuntimeError):
    """A broker could not be started, or a broker URL or topic is malformed."""


# --- URLs and topics -------------------------------------------------------------------------


class BrokerAddress(NamedTuple):
    """Where a broker listens, and optional credentials carried in its URL."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_broker_url(url: str) -> BrokerAddress:
    """Parse ``mqtt://[user[:password]@]host[:port]`` (port 1883 when omitted).

    >>> parse_broker_url("mqtt://127.0.0.1:1884")
    BrokerAddress(host='127.0.0.1', port=1884, username=None, password=None)

    Raises `BrokerError` naming what is wrong (scheme, host, port, extra parts).
    """
    if not isinstance(url, str) or not url.strip():
        raise BrokerError(
            f"broker URL must be a non-empty string like mqtt://host:port, got {url!r}"
        )
    if "://" not in url:
        raise BrokerError(f"broker URL {url!r}: missing 'mqtt://' (expected mqtt://host:port)")
    parts = urlsplit(url.strip())
    if parts.scheme != "mqtt":
        raise BrokerError(
            f"broker URL {url!r}: scheme must be 'mqtt' (mqtt://host:port), "
            f"got {parts.scheme or 'none'!r}"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise BrokerError(f"broker URL {url!r}: unexpected path, query or fragment after host:port")
    try:
        port = parts.port
    except ValueError:
        raise BrokerError(f"broker URL {url!r}: port must be an integer in 1..65535") from None
    if not parts.hostname:
        raise BrokerError(f"broker URL {url!r}: missing host (expected mqtt://host:port)")
    if port == 0:
        raise BrokerError(f"broker URL {url!r}: port must be an integer in 1..65535")
    return BrokerAddress(
        host=parts.hostname,
        port=port if port is not None else DEFAULT_MQTT_PORT,
        username=parts.username or None,
        password=parts.password or None,
    )


def check_topic_name(topic: str) -> str:
    """Return `topic` if it is a valid MQTT topic to publish on (no wildcards), else raise."""
    if not isinstance(topic, str) or not topic:
        raise BrokerError(f"topic must be a non-empty string, got {topic!r}")
    if "+" in topic or "#" in topic:
        raise BrokerError(f"topic {topic!r}: wildcards '+' and '#' are not allowed when publishing")
    if "\x00" in topic:
        raise BrokerError(f"topic {topic!r}: contains a NUL character")
    return topic


def check_topic_filter(pattern: str) -> str:
    """Return `pattern` if it is a valid MQTT topic filter, else raise naming the fault."""
    if not isinstance(pattern, str) or not pattern:
        raise BrokerError(f"topic filter must be a non-empty string, got {pattern!r}")
    if "\x00" in pattern:
        raise BrokerError(f"topic filter {pattern!r}: contains a NUL character")
    levels = pattern.split("/")
    for index, level in enumerate(levels):
        if "#" in level and (level != "#" or index != len(levels) - 1):
            raise BrokerError(f"topic filter {pattern!r}: '#' must be a whole, final level")
        if "+" in level and level != "+":
            raise BrokerError(f"topic filter {pattern!r}: '+' must be a whole level")
    return pattern


def topic_matches(topic: str, pattern: str) -> bool:
    """MQTT filter matching: does `topic` fall under `pattern` (with '+' and '#')?

    >>> topic_matches("cc/e1/agent/a1/action", "cc/e1/agent/a1/#")
    True
    >>> topic_matches("cc/e1/agent/a2/action", "cc/e1/agent/+/report")
    False
    """
    topic_levels = topic.split("/")
    pattern_levels = pattern.split("/")
    for index, level in enumerate(pattern_levels):
        if level == "#":
            return True
        if index >= len(topic_levels):
            return False
        if level != "+" and level != topic_levels[index]:
            return False
    return len(topic_levels) == len(pattern_levels)


# --- access control ---------------------------------------------------------------------------


class BrokerUser(BaseModel):
    """One broker account: its password and the topic patterns it may publish on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str = Field(min_length=1)
    password: str = Field(min_length=1)
    publish: tuple[str, ...] = ("#",)

    @field_validator("username")
    @classmethod
    def _plain_username(cls, value: str) -> str:
        if any(ch in value for ch in ":\n\r\x00 "):
            raise ValueError("must not contain ':', spaces, newlines or NUL")
        return value

    @field_validator("publish")
    @classmethod
    def _valid_patterns(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                check_topic_filter(pattern)
            except BrokerError as exc:
                raise ValueError(str(exc)) from None
            if "\n" in pattern:
                raise ValueError(f"topic filter {pattern!r} contains a newline")
        return patterns


class AccessControl(BaseModel):
    """Accounts of a broker. With it, anonymous clients are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    users: tuple[BrokerUser, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        names = [user.username for user in self.users]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate usernames: {', '.join(duplicates)}")
        return self

    def publish_acl(self) -> dict[str, list[str]]:
        """Username -> topic patterns it may publish on."""
        return {user.username: list(user.publish) for user in self.users}


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port that is free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# --- amqtt, in process -----------------------------------------------------------------------


def amqtt_password_line(username: str, password: str) -> str:
    """One line of an amqtt password file (argon2 hash)."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    return f"{username}:{PasswordHash((Argon2Hasher(),)).hash(password)}"


class SnapshotTable(dict[str, list[Any]]):
    """A dict whose iteration (keys, `items()`) walks a copy taken when it starts, values
    (lists) included: the table may change while a loop over it is suspended at an await.
    Lookups and updates go to the table itself."""

    def __iter__(self) -> Iterator[str]:
        return iter(list(super().__iter__()))

    def items(self) -> list[tuple[str, list[Any]]]:  # type: ignore[override]
        return [(k, list(v)) for k, v in super().items()]


class EmbeddedBroker:
    """An amqtt broker in this process and event loop, on 127.0.0.1 with a free port.

    >>> async with EmbeddedBroker() as broker:   # doctest: +SKIP
    ...     async with Bus(broker.url, "planner") as bus: ...
    """

    def __init__(
        self,
        access: AccessControl | None = None,
        *,
        host: str = LOOPBACK,
        verbose: bool = False,
    ) -> None:
        self.access = access
        self.host = host
        self.verbose = verbose
        self.port: int | None = None
        self._broker: Any = None
        self._workdir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise BrokerError("the embedded broker is not started: await start() first")
        return f"mqtt://{self.host}:{self.port}"

    def _config(self, password_file: Path | None) -> dict[str, Any]:
        plugins: dict[str, Any]
        if self.access is None:
            plugins = {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
            }
        else:
            plugins = {
                "amqtt.plugins.authentication.FileAuthPlugin": {
                    "password_file": str(password_file),
                },
                "agents.amqtt_acl.PublishACLPlugin": {"publish": self.access.publish_acl()},
            }
        return {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:0"}},
            "timeout_disconnect_delay": 0,
            "plugins": plugins,
        }

    async def start(self) -> None:
        if self._broker is not None:
            raise BrokerError("the embedded broker is already started")
        from amqtt.broker import Broker

        if not self.verbose:
            for name in _AMQTT_LOGGERS:
                logging.getLogger(name).setLevel(logging.WARNING)
        password_file: Path | None = None
        if self.access is not None:
            self._workdir = tempfile.TemporaryDirectory(prefix="cc-amqtt-")
            password_file = Path(self._workdir.name) / "passwd"
            lines = [amqtt_password_line(u.username, u.password) for u in self.access.users]
            password_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        broker = Broker(self._config(password_file))
        # amqtt 0.12.1 iterates its subscription table across awaits (broadcasting a message,
        # sending retained ones to a returning client): a client that subscribed or left
        # meanwhile cut the broadcast short ("dictionary changed size during iteration"), and
        # the subscribers not reached yet never got the message. Iterations walk a snapshot.
        broker._subscriptions = SnapshotTable(broker._subscriptions)  # noqa: SLF001
        try:
            await broker.start()
        except Exception as exc:
            self._cleanup_workdir()
            raise BrokerError(f"the embedded broker failed to start on {self.host}: {exc}") from exc
        # The listener was bound to port 0; read back the port the OS chose.
        server = broker._servers["default"].instance  # noqa: SLF001 - amqtt exposes no accessor
        self.port = int(server.sockets[0].getsockname()[1])
        self._broker = broker
        logger.info("embedded broker listening on %s", self.url)

    async def stop(self) -> None:
        broker, self._broker = self._broker, None
        if broker is not None:
            await broker.shutdown()
        self.port = None
        self._cleanup_workdir()

    def _cleanup_workdir(self) -> None:
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


# --- mosquitto, a child process --------------------------------------------------------------


def mosquitto_config(
    port: int,
    *,
    host: str = LOOPBACK,
    password_file: Path | None = None,
    acl_file: Path | None = None,
    user: str | None = None,
    verbose: bool = False,
    tcp_nodelay: bool = True,
    persistence_dir: Path | None = None,
) -> str:
    """The text of a mosquitto.conf for one loopback listener with TCP_NODELAY.

    With `persistence_dir`, persistent sessions (their subscriptions and queued QoS 1
    messages) are saved there every second and on shutdown, so they outlive a restart."""
    lines = [
        "per_listener_settings false",
        f"listener {port} {host}",
        # Without it every QoS 1 round trip waits ~40 ms twice on Nagle's algorithm.
        f"set_tcp_nodelay {'true' if tcp_nodelay else 'false'}",
        # mosquitto drops QoS 1 messages for a subscriber past 1000 queued by default; a
        # burst of events to a busy participant must not be lost.
        "max_queued_messages 100000",
        *(
            [
                "persistence true",
                f"persistence_location {persistence_dir}/",
                "autosave_interval 1",
            ]
            if persistence_dir is not None
            else ["persistence false"]
        ),
        "log_dest stderr",
        "log_type all"
        if verbose
        else "log_type error\nlog_type warning\nlog_type notice\nlog_type information",
        "connection_messages " + ("true" if verbose else "false"),
    ]
    if user:
        # When started as root, mosquitto switches to this user; keep the owner of the files.
        lines.append(f"user {user}")
    if password_file is None:
        lines.append("allow_anonymous true")
    else:
        lines += ["allow_anonymous false", f"password_file {password_file}"]
    if acl_file is not None:
        lines.append(f"acl_file {acl_file}")
    return "\n".join(lines) + "\n"


def mosquitto_acl(access: AccessControl) -> str:
    """The text of a mosquitto ACL file: each user reads everything, writes its own patterns."""
    blocks = []
    for user in access.users:
        rules = [f"user {user.username}", "topic read #"]
        rules += [f"topic write {pattern}" for pattern in user.publish]
        blocks.append("\n".join(rules))
    return "\n\n".join(blocks) + "\n"


class MosquittoBroker:
    """The `mosquitto` binary as a child process, with a generated config in a temp dir.

    Listens on 127.0.0.1 on a free port with TCP_NODELAY; its log is kept in `log_path`
    (and `log_text()`) after it stops. Sync (`start_sync`, ``with``) and async (`start`,
    ``async with``) forms do the same thing.
    """

    def __init__(
        self,
        access: AccessControl | None = None,
        *,
        binary: str = "mosquitto",
        host: str = LOOPBACK,
        verbose: bool = False,
        start_timeout: float = 10.0,
        tcp_nodelay: bool = True,
        persistence: bool = False,
    ) -> None:
        self.access = access
        self.persistence = persistence
        self.tcp_nodelay = tcp_nodelay
        self.binary = binary
        self.host = host
        self.verbose = verbose
        self.start_timeout = start_timeout
        self.port: int | None = None
        self.workdir: Path | None = None
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log_handle: Any = None
        self.last_log = ""

    @property
    def url(self) -> str:
        if self.port is None:
            raise BrokerError("mosquitto is not started: call start() first")
        return f"mqtt://{self.host}:{self.port}"

    @property
    def log_path(self) -> Path:
        if self.workdir is None:
            raise BrokerError("mosquitto has not been started, so it has no log")
        return self.workdir / "mosquitto.log"

    def log_text(self) -> str:
        """What mosquitto has logged so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _write_files(self, executable: str) -> Path:
        assert self.workdir is not None
        password_file = acl_file = None
        if self.access is not None:
            password_file = self.workdir / "passwd"
            password_file.write_text(
                "".join(f"{u.username}:{u.password}\n" for u in self.access.users),
                encoding="utf-8",
            )
            os.chmod(password_file, 0o600)
            self._hash_passwords(executable, password_file)
            acl_file = self.workdir / "acl"
            acl_file.write_text(mosquitto_acl(self.access), encoding="utf-8")
            os.chmod(acl_file, 0o600)
        assert self.port is not None
        config_path = self.workdir / "mosquitto.conf"
        config_path.write_text(
            mosquitto_config(
                self.port,
                host=self.host,
                password_file=password_file,
                acl_file=acl_file,
                user=getpass.getuser(),
                verbose=self.verbose,
                persistence_dir=self.workdir if self.persistence else None,
                tcp_nodelay=self.tcp_nodelay,
            ),
            encoding="utf-8",
        )
        return config_path

    @staticmethod
    def _hash_passwords(executable: str, password_file: Path) -> None:
        passwd_tool = shutil.which("mosquitto_passwd") or str(
            Path(executable).with_name("mosquitto_passwd")
        )
        if not Path(passwd_tool).exists():
            raise BrokerError(
                "mosquitto_passwd is not installed (it comes with the mosquitto package): "
                "apt-get install mosquitto"
            )
        result = subprocess.run(
            [passwd_tool, "-U", str(password_file)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise BrokerError(f"mosquitto_passwd failed: {result.stderr.strip() or result.stdout}")

    def start_sync(self) -> None:
        """Start mosquitto and wait until its port accepts connections."""
        if self._process is not None:
            raise BrokerError("mosquitto is already started")
        executable = shutil.which(self.binary)
        if executable is None:
            raise BrokerError(MOSQUITTO_MISSING)
        self._tempdir = tempfile.TemporaryDirectory(prefix="cc-mosquitto-")
        self.workdir = Path(self._tempdir.name)
        # The free port can be taken between our probe and mosquitto's bind: retry a few times.
        last_error = ""
        for _attempt in range(3):
            self.port = free_port(self.host)
            config_path = self._write_files(executable)
            self._log_handle = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop_sync
            self._process = subprocess.Popen(
                [executable, "-c", str(config_path)],
                stdin=subprocess.DEVNULL,
                stdout=self._log_handle,
                stderr=subprocess.STDOUT,
            )
            if self._await_port():
                logger.info("mosquitto (pid %d) listening on %s", self._process.pid, self.url)
                return
            last_error = " | ".join(self.log_text().strip().splitlines()[-5:])
            self._terminate()
        self.port = None
        raise BrokerError(f"mosquitto did not start; last log lines: {last_error}")

    def _await_port(self) -> bool:
        assert self._process is not None and self.port is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            with contextlib.suppress(OSError):
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return True
            time.sleep(0.02)
        return False

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None

    def restart_sync(self, down_s: float = 0.0) -> None:
        """Stop mosquitto (SIGTERM: it saves its persistent sessions) and start it again on
        the same port with the same files after `down_s` seconds: a broker restart."""
        if self._process is None or self.port is None:
            raise BrokerError("mosquitto is not started: call start() first")
        self._terminate()
        time.sleep(down_s)
        executable = shutil.which(self.binary)
        assert executable is not None and self.workdir is not None
        self._log_handle = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop_sync
        self._process = subprocess.Popen(
            [executable, "-c", str(self.workdir / "mosquitto.conf")],
            stdin=subprocess.DEVNULL,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
        )
        if not self._await_port():
            last = " | ".join(self.log_text().strip().splitlines()[-5:])
            raise BrokerError(f"mosquitto did not restart on port {self.port}: {last}")

    def stop_sync(self, *, keep_files: bool = False) -> None:
        """Stop mosquitto; the temp dir (config and log) is removed unless `keep_files`."""
        self._terminate()
        self.port = None
        if self._tempdir is not None and not keep_files:
            # Keep the log readable after the directory goes.
            self.last_log = self.log_text()
            self._tempdir.cleanup()
            self._tempdir = None

    async def start(self) -> None:
        await asyncio.to_thread(self.start_sync)

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_sync)

    def __enter__(self) -> Self:
        self.start_sync()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_sync()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
