"""docker/: the compose file is valid under the Compose specification's JSON schema (vendored
in tests/fixtures, Apache-2.0, from the compose-spec project), every causalcraft service's
command parses with the CLI, ports listen on loopback only, secrets come from the
environment, and mosquitto enforces the stack's ACL file."""

from __future__ import annotations

import getpass
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from agents.broker import LOOPBACK, free_port, mosquitto_config
from agents.bus import Bus, Topics
from agents.messages import ActionResult, Assignment, Event
from tasks.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"
SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "compose-spec.json").read_text())
VARIABLE = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def env_example() -> dict[str, str]:
    lines = (DOCKER / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} substitution."""
    if isinstance(value, str):
        def sub(m: re.Match[str]) -> str:
            name, op, arg = m.group(1), m.group(2), m.group(3)
            if env.get(name):
                return env[name]
            if op == "?":
                raise KeyError(f"{name}: {arg}")
            return arg or ""
        return VARIABLE.sub(sub, value)
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    return value


def compose(env: dict[str, str] | None = None) -> dict[str, Any]:
    raw = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    return interpolate(raw, env_example() if env is None else env)


def test_compose_file_is_valid_under_the_compose_specification() -> None:
    jsonschema.validate(compose(), SCHEMA)
    bad = compose()
    bad["services"]["worker"]["scale_me"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_every_causalcraft_command_parses_with_the_cli() -> None:
    services = compose()["services"]
    ours = {n: s for n, s in services.items() if s.get("image") == "causalcraft:latest"}
    assert sorted(ours) == ["embedded", "judger", "planner", "watch", "worker"]
    parser = build_parser()
    parsed = {name: parser.parse_args(s["command"]) for name, s in ours.items()}
    assert (parsed["judger"].role, parsed["judger"].server) == ("judger", "minecraft:25565")
    assert (parsed["worker"].role, parsed["worker"].id) == ("worker", "auto")
    assert parsed["planner"].role == "planner" and parsed["embedded"].action == "run"
    episodes = {p.episode for p in parsed.values() if hasattr(p, "episode")}
    assert episodes == {"ep1"}  # every participant on the same episode
    assert services["minecraft"]["environment"]["VERSION"] == "1.19.2"
    assert services["minecraft"]["environment"]["ONLINE_MODE"] == "FALSE"
    assert services["minecraft"]["environment"]["LEVEL_TYPE"] == "FLAT"


def test_ports_are_loopback_only_and_passwords_come_from_the_environment() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
    with pytest.raises(KeyError, match="PLANNER_PASSWORD"):
        compose({k: v for k, v in env_example().items() if k != "PLANNER_PASSWORD"})
    text = (DOCKER / "compose.yaml").read_text()
    for key, value in env_example().items():
        if key.endswith("PASSWORD"):
            assert value not in text


def _acl_broker(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    passwd = tmp_path / "passwd"
    passwd.write_text("".join(f"{u}:pw-{u}\n" for u in
                              ["planner", "judger", "worker", "watch", "agent1", "agent2"]))
    passwd.chmod(0o600)
    subprocess.run(["mosquitto_passwd", "-U", str(passwd)], check=True)
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(mosquitto_config(port, password_file=passwd,
                                     acl_file=DOCKER / "mosquitto" / "acl", verbose=True,
                                     user=getpass.getuser()))
    log = open(tmp_path / "log", "wb")  # noqa: SIM115 - the process holds it
    proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=log, stderr=log)
    import socket
    import time

    for _ in range(200):
        try:
            socket.create_connection((LOOPBACK, port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, port


@pytest.mark.mosquitto
def test_the_stack_acl_lets_each_participant_publish_only_its_own(
        mosquitto_installed: str, tmp_path: Path, run: Any) -> None:
    proc, port = _acl_broker(tmp_path)
    topics = Topics("ep1")
    url = f"mqtt://{LOOPBACK}:{port}"

    async def scenario() -> list[str]:
        def bus(user: str) -> Bus:
            return Bus(url, f"t-{user}", username=user, password=f"pw-{user}")

        async with bus("watch") as watch, bus("agent1") as a1, bus("planner") as p, \
                bus("judger") as j, bus("worker") as w:
            await watch.subscribe(topics.all)
            result = ActionResult(sender="judger", agent="agent2", seq=1, ok=True, start=0, end=1)
            assign = Assignment(sender="planner", agent="agent2", wait=True)

            def note() -> Event:  # a new message id each time (the bus drops repeats)
                return Event(sender="x", text="t")

            await a1.publish(topics.result("agent2"), result)      # forged: dropped
            await a1.publish(topics.assign("agent2"), assign)      # forged: dropped
            await a1.publish(f"{topics.prefix}/agent/agent2/action", note())  # another's: dropped
            await w.publish(topics.assign("agent1"), assign)       # seat-only user: dropped
            await watch.publish(topics.events, note())               # read-only: dropped
            await a1.publish(topics.alive("agent1"), note())         # its own: delivered
            await p.publish(topics.assign("agent2"), assign)       # the Planner: delivered
            await j.publish(topics.result("agent2"), result)       # the Judger: delivered
            await w.publish(topics.seat_request("n1234"), note())    # a seat request: delivered
            got = await watch.receive_all(quiet=1.0)
            return [t for t, _m in got]

    try:
        delivered = run(scenario(), timeout=30)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert delivered == [topics.alive("agent1"), topics.assign("agent2"),
                         topics.result("agent2"), topics.seat_request("n1234")]
