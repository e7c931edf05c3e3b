"""`minecraft`: the backend that runs actions on a real Minecraft 1.19.2 server through mineflayer.

One bot per agent, named after the agent id, driven through the JS bridge
(`env.minecraft.bridge`): each action is one call into `env/js/actions.js`, each state read one
call into `env/js/bot.js`. The world is set up by server commands (vanilla syntax, so a vanilla
server of the same version works too; the embedded flying-squid server has them through
`env/server/plugins`), sent by the first agent's bot, which is op on the embedded server.

Escape-room triggers are watched here: a poller reads every trigger's condition blocks in one
call every `TRIGGER_POLL_S` and, when a trigger's conditions hold, applies its effects by
server commands and records it as fired.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import socket
import struct
import threading
import time
from collections import defaultdict
from typing import Any, Protocol

from env.actions import Action, Dig, MoveTo, Place, Rendezvous, Smelt, StepOn
from env.backend import BackendError, Observation, Outcome
from env.capacity import stocked
from env.chests import halves, is_chest
from env.durations import not_before
from env.gravity import settle_setup
from env.ground import GroundStack, nearest_ground
from env.minecraft.bridge import BridgeError, JsBridge
from env.refusals import Code, as_code, refuse
from env.rulebook import Rulebook, world_problem
from env.sim.state import ground_block
from env.support import popped
from env.world import (
    BlockState,
    EntityState,
    FPos,
    Pos,
    StateValue,
    Trigger,
    WorldSetup,
    effect_reaches,
    feet_center,
)

JOIN_TIMEOUT_MS = 30000
ENTITY_SEEN_WITHIN = 3.0
"""Blocks from where an animal was put within which it counts as the one set up."""
log = logging.getLogger("causalcraft.minecraft")
SETUP_TIMEOUT_MS = 15000
# A rejoined bot waits this long for the items it dropped on leaving (pickup delay 2 s: 40
# ticks, vanilla's Player.drop) within this many blocks of it to be picked up.
COLLECT_RADIUS = 1.5
COLLECT_TIMEOUT_MS = 6000
ASK_TIMEOUT_MS = 10000  # a command's answer, from a server that may be busy
TRIGGER_POLL_S = 0.1
EFFECT_SEEN_MS = 3000  # a trigger waits this long for its set blocks in every bot's world
TELEPORT_SETTLE_MS = 5000  # a trigger waits this long for its teleported bots to have it and land
RENDEZVOUS_TIMEOUT_S = 300.0
_CHEST = re.compile(r"chest|barrel|shulker_box")


class ServerLike(Protocol):
    """What the backend needs of a server it is given: where it listens."""

    host: str
    port: int | None


class MinecraftError(BackendError):
    """The world could not be built or read: names what is missing."""


PROTOCOL_1_19_2 = 760  # minecraft-data pc/1.19.2/version.json
PING_TIMEOUT_S = 5.0


def _varint(n: int) -> bytes:
    out = bytearray()
    n &= 0xFFFFFFFF
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _read_varint(sock: socket.socket) -> int:
    value = 0
    for i in range(5):
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError("the connection closed mid-answer")
        value |= (chunk[0] & 0x7F) << (7 * i)
        if not chunk[0] & 0x80:
            return value
    raise ConnectionError("a malformed length in the answer")


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("the connection closed mid-answer")
        data += chunk
    return data


def ping_server(host: str, port: int, timeout: float = PING_TIMEOUT_S) -> dict[str, Any]:
    """Asks the server at host:port for its status (the protocol's server list ping, as a
    client's multiplayer screen does) and answers its JSON (`version.name`,
    `version.protocol`, `players`, ...). Raises `MinecraftError` with one line when nothing
    answers there, when what answers is not a Minecraft server, or when it speaks another
    version than 1.19.2 (protocol 760)."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            addr = host.encode()
            hello = (_varint(0) + _varint(PROTOCOL_1_19_2) + _varint(len(addr)) + addr
                     + struct.pack(">H", port) + _varint(1))
            sock.sendall(_varint(len(hello)) + hello + _varint(1) + _varint(0))
            _read_varint(sock)
            if _read_varint(sock) != 0:
                raise ConnectionError("an unexpected packet instead of a status")
            text = _recv_exact(sock, _read_varint(sock)).decode("utf-8")
            status: dict[str, Any] = json.loads(text)
    except (ConnectionRefusedError, socket.gaierror) as err:
        raise MinecraftError(f"no Minecraft 1.19.2 server answers at {where} "
                             f"({err.strerror or err})") from err
    except TimeoutError as err:
        raise MinecraftError(f"no Minecraft 1.19.2 server answers at {where} (no answer "
                             f"within {timeout:g} s)") from err
    except (OSError, ValueError) as err:
        raise MinecraftError(f"what answers at {where} is not a Minecraft server "
                             f"({err})") from err
    version = status.get("version") or {}
    if version.get("protocol") != PROTOCOL_1_19_2:
        raise MinecraftError(f"the server at {where} speaks Minecraft {version.get('name')} "
                             f"(protocol {version.get('protocol')}), not 1.19.2 "
                             f"(protocol {PROTOCOL_1_19_2})")
    return status


def state_suffix(state: dict[str, StateValue]) -> str:
    """`{"facing": "north", "open": True}` -> `[facing=north,open=true]` (vanilla syntax)."""
    if not state:
        return ""

    def text(v: StateValue) -> str:
        return str(v).lower() if isinstance(v, bool) else str(v)

    return "[" + ",".join(f"{k}={text(v)}" for k, v in sorted(state.items())) + "]"


VANILLA_COMMANDS = ("setblock", "fill", "data", "item", "give", "clear", "summon", "gamerule",
                    "tp")
"""The only commands the backend sends a server (vanilla 1.19.2 syntax): the same code then
drives a vanilla or Paper server as well as the embedded one."""
CHEST_SLOTS = 27
CHEST_REACH = 4.0
"""How near (blocks, eye to chest centre, with a margin under the game's 4.5) a bot must be
to open a chest."""


@functools.cache
def stack_sizes() -> dict[str, int]:
    """Item name -> the most of it one slot holds (minecraft-data's items.json)."""
    from env.rulebook import VERSION, minecraft_data_dir

    base = minecraft_data_dir(VERSION)
    paths = json.loads((base / "dataPaths.json").read_text())["pc"][VERSION]
    items = json.loads((base / paths["items"] / "items.json").read_text())
    return {i["name"]: int(i["stackSize"]) for i in items}


def container_nbt(items: dict[str, int], sizes: dict[str, int] | None = None) -> str:
    """The SNBT of a chest holding `items` (name -> count), stacks split at each item's stack
    size, slots filled from 0 in name order, for ``/data merge block``.

    >>> container_nbt({"bread": 70, "cake": 2}, {"bread": 64, "cake": 1})
    '{Items:[{Slot:0b,id:"minecraft:bread",Count:64b},{Slot:1b,id:"minecraft:bread",Count:6b},\
{Slot:2b,id:"minecraft:cake",Count:1b},{Slot:3b,id:"minecraft:cake",Count:1b}]}'

    Raises ValueError when the items need more than a chest's 27 slots.
    """
    sizes = stack_sizes() if sizes is None else sizes
    stacks: list[str] = []
    for item, n in sorted(items.items()):
        per = max(1, sizes.get(item, 64))
        while n > 0:
            take = min(n, per)
            stacks.append(f'{{Slot:{len(stacks)}b,id:"minecraft:{item}",Count:{take}b}}')
            n -= take
    if len(stacks) > CHEST_SLOTS:
        raise ValueError(f"a chest holds {CHEST_SLOTS} stacks; {dict(items)} needs {len(stacks)}")
    return "{Items:[" + ",".join(stacks) + "]}"


def setup_commands(world: WorldSetup, agents: list[str],
                   sizes: dict[str, int] | None = None) -> list[str]:
    """The server commands that build `world` for `agents` (blocks, chests and their items,
    animals, starting items), in order, vanilla commands only (`VANILLA_COMMANDS`).
    Teleports are separate: they need the bots' names.

    >>> setup_commands(WorldSetup(blocks=[], spawn=[(0, -60, 0)], agent_items={"bread": 2}),
    ...                ["a"])
    ['/give a bread 2']
    """
    out: list[str] = []
    for b in world.blocks:
        x, y, z = b.pos
        out.append(f"/setblock {x} {y} {z} {b.name}{state_suffix(b.state)}")
    stock = stocked(world)  # a double chest's overflow in its other half (env/capacity.py)
    for c in world.containers:
        x, y, z = c.pos
        state: dict[str, StateValue] = {"facing": c.facing} if c.kind != "barrel" else {}
        if is_chest(c.kind) and c.type != "single":
            state["type"] = c.type
        out.append(f"/setblock {x} {y} {z} {c.kind}{state_suffix(state)}")
        # The whole item list is replaced, so a chest left from an earlier episode is emptied.
        out.append(f"/data merge block {x} {y} {z} {container_nbt(stock[c.pos], sizes)}")
    for e in world.entities:
        x, y, z = e.pos
        out.append(f"/summon {e.type} {x} {y} {z}")
    for agent in agents:
        for item, n in sorted(world.agent_items.items()):
            out.append(f"/give {agent} {item} {n}")
    return out


def spawn_points(world: WorldSetup, agents: list[str]) -> dict[str, FPos]:
    """Each agent's feet position: the spawn points in turn, at the centre of the block."""
    if not world.spawn:
        raise MinecraftError("the world setup has no spawn point")
    out = {}
    for i, agent in enumerate(agents):
        out[agent] = feet_center(world.spawn[i % len(world.spawn)])
    return out


def trigger_holds(trigger: Trigger, blocks: dict[Pos, BlockState]) -> bool:
    """Whether the trigger's conditions hold on these blocks (every one for "and", any for
    "or")."""

    def holds(c: Any) -> bool:
        b = blocks.get(c.pos)
        if b is None or b.name != c.block:
            return False
        return all(str(b.state.get(k)).lower() == str(v).lower() for k, v in c.state.items())

    results = [holds(c) for c in trigger.conditions]
    return all(results) if trigger.mode == "and" else any(results)


def teleport_targets(trigger: Trigger, agent_pos: dict[str, FPos]) -> dict[str, FPos]:
    """Where a trigger's teleport effects send the agents they reach: {agent: feet (x, y, z)},
    the centre of the destination block's floor, as `effect_commands`' /tp writes it."""
    out: dict[str, FPos] = {}
    for eff in trigger.effects:
        if eff.kind != "teleport" or not eff.to:
            continue
        tx, ty, tz = eff.to
        for agent, p in agent_pos.items():
            if effect_reaches(eff, p):
                out[agent] = (tx + 0.5, float(ty), tz + 0.5)
    return out


def effect_commands(trigger: Trigger, agent_pos: dict[str, FPos]) -> list[str]:
    """The server commands that carry out a trigger's effects, given where the agents are."""
    out: list[str] = []
    for eff in trigger.effects:
        x, y, z = eff.pos
        if eff.kind == "set_block":
            out.append(f"/setblock {x} {y} {z} {eff.block or 'air'}{state_suffix(eff.state)}")
            continue
        near = sorted(a for a, p in agent_pos.items() if effect_reaches(eff, p))
        for agent in near:
            if eff.kind == "give" and eff.item:
                out.append(f"/give {agent} {eff.item} {eff.count}")
            elif eff.kind == "teleport" and eff.to:
                tx, ty, tz = eff.to
                out.append(f"/tp {agent} {tx + 0.5} {float(ty)} {tz + 0.5}")
    return out


GAVE = r"^[Gg]ave \d+"
"""The answer to a /give: vanilla's "Gave 3 [Diamond] to ann", the embedded server's "gave 3"."""


class MinecraftView:
    """A `WorldView` of the server at one moment: agents' positions and inventories and the
    animals come from one snapshot call; blocks are read on demand (one call each, kept for
    the life of this view); chest contents come from the backend's record."""

    def __init__(self, backend: MinecraftBackend, snapshot: dict[str, Any]) -> None:
        self._backend = backend
        self._agents: dict[str, dict[str, Any]] = snapshot["agents"]
        self._entities = [EntityState(id=e["id"], type=e["type"], pos=tuple(e["pos"]))
                          for e in snapshot["entities"]]
        self._ground = [GroundStack(item=g["item"], count=int(g["count"]), pos=tuple(g["pos"]))
                        for g in snapshot.get("ground", [])]
        self._blocks: dict[Pos, BlockState] = {}

    def block(self, pos: Pos) -> BlockState:
        pos = (int(pos[0]), int(pos[1]), int(pos[2]))
        if pos not in self._blocks:
            self._blocks[pos] = self._backend.read_blocks([pos])[pos]
        return self._blocks[pos]

    def inventory(self, agent: str) -> dict[str, int]:
        return dict(self._agent(agent)["inventory"])

    def container(self, pos: Pos) -> dict[str, int] | None:
        return self._backend.container(pos)

    def agent_pos(self, agent: str) -> FPos:
        pos = self._agent(agent)["pos"]
        if pos is None:
            return self._backend.last_pos(agent)
        return (float(pos[0]), float(pos[1]), float(pos[2]))

    def agents(self) -> list[str]:
        return list(self._agents)

    def entities(self) -> list[EntityState]:
        return list(self._entities)

    def ground(self) -> list[GroundStack]:
        """The stacks lying on the ground that the bots see (item entities)."""
        return list(self._ground)

    def _agent(self, agent: str) -> dict[str, Any]:
        if agent not in self._agents:
            raise KeyError(f"unknown agent {agent!r}; agents: {sorted(self._agents)}")
        return self._agents[agent]


class MinecraftBackend:
    """The `Backend` protocol on a real server. `server` (a started `ServerProcess`, or any
    object with `host` and `port`) takes precedence over `host`/`port`."""

    name = "minecraft"
    realtime = True
    pause_s = 0.0
    LOCAL_ACTIONS = frozenset({"rendezvous"})
    """Actions run here in Python (a meeting point between agents); every other action is a
    JS body of env/js/actions.js."""

    def __init__(self, rules: Rulebook, host: str = "127.0.0.1", port: int | None = None,
                 server: ServerLike | None = None) -> None:
        if server is not None:
            if server.port is None:
                raise MinecraftError("the server is not started (its port is unknown)")
            host, port = server.host, server.port
        if port is None:
            raise MinecraftError("MinecraftBackend needs a port or a started server")
        ping_server(host, int(port))
        self.rules = rules
        self.host = host
        self.port = int(port)
        self.server = server
        self._bridge = JsBridge.get()
        self._bridge.acquire()
        self._closed = False
        self._agents: list[str] = []
        self._world = WorldSetup()
        self._containers: dict[Pos, dict[str, int]] = {}
        self._last: dict[str, dict[str, Any]] = {}
        self._fired: set[str] = set()
        self._lock = threading.Lock()
        # One trigger check at a time, its effects included: an action that ends while the
        # watcher is carrying out a trigger's effects (a teleport and its landing) returns
        # only after them, as the game has them done by then.
        self._triggers_lock = threading.Lock()
        self._rendezvous: dict[str, set[str]] = defaultdict(set)
        self._rendezvous_cv = threading.Condition()
        self._poller: threading.Thread | None = None
        self._stop = threading.Event()
        self.join_seconds: dict[str, float] = {}

    # ---- building ----------------------------------------------------------------------------

    @property
    def joined(self) -> list[str]:
        """The agents of the last build, whose bots are online ([] before any build)."""
        return list(self._agents)

    @property
    def operator(self) -> str:
        if not self._agents:
            raise MinecraftError("no agents: call build() first")
        return self._agents[0]

    def build(self, world: WorldSetup, agents: list[str]) -> None:
        """Joins one bot per agent (a bot still online from an earlier build is kept, its
        inventory cleared), builds the world by commands, gives the starting items,
        teleports each bot to its spawn point and waits until all of it is seen."""
        if not agents:
            raise MinecraftError("build needs at least one agent")
        bad = [a for a in agents if not re.fullmatch(r"[A-Za-z0-9_]{3,16}", a)]
        if bad:
            raise MinecraftError(f"agent ids must be valid player names (3-16 letters, digits or "
                                 f"_): {bad}")
        problem = world_problem(world, self.rules)
        if problem:
            raise MinecraftError(f"world: {problem}")
        self._stop_poller()
        self._agents = list(agents)
        self._world = world
        self._fired = set()
        for agent in agents:
            if not self.online(agent):
                self._join(agent)
        spawns = spawn_points(world, agents)
        # A bot kept from an earlier build (or a player who rejoined) starts empty-handed too.
        self._bridge.call("bot", "commands", self.operator, json.dumps(
            [f"/clear {a}" for a in agents]
            + [f"/tp {a} {x} {y} {z}" for a, (x, y, z) in spawns.items()]))
        for agent, (x, y, z) in spawns.items():
            if not self._bridge.run_call("settle", agent, x, y, z, SETUP_TIMEOUT_MS):
                raise MinecraftError(f"{agent} did not reach its spawn point {(x, y, z)}")
        self._bridge.call("bot", "commands", self.operator,
                          json.dumps(setup_commands(world, agents)))
        self._await_setup(world)
        # A login still finishing on the server can send a bot back to where it logged in
        # after it reached its spawn point: check again, and bring any such bot back.
        for agent, (x, y, z) in spawns.items():
            pos = self.observe(agent).pos
            if abs(pos[0] - x) > 0.6 or abs(pos[1] - y) > 0.6 or abs(pos[2] - z) > 0.6:
                if not self._bridge.run_call("settle", agent, x, y, z, SETUP_TIMEOUT_MS):
                    raise MinecraftError(f"{agent} did not stay at its spawn point {(x, y, z)}")
        if world.triggers:
            self._stop.clear()
            self._poller = threading.Thread(target=self._watch_triggers, daemon=True,
                                            name="minecraft-triggers")
            self._poller.start()

    def command(self, line: str, answer: str, timeout_ms: int = ASK_TIMEOUT_MS) -> str:
        """Sends one server command as the operator bot and answers the server's first chat
        line matching the regular expression `answer` (an answer that never comes raises
        BridgeError naming the command)."""
        return str(self._bridge.run_call("ask", self.operator, line, answer, timeout_ms))

    def send_commands(self, lines: list[str]) -> None:
        """Sends server commands (vanilla syntax, e.g. "/fill ..."), in order, as the operator
        bot (the first agent's), without waiting for their answers."""
        self._bridge.call("bot", "commands", self.operator, json.dumps(lines))

    def _join(self, agent: str) -> None:
        t0 = time.perf_counter()
        self._bridge.run_call("join", self.host, self.port, agent, JOIN_TIMEOUT_MS,
                              timeout=JOIN_TIMEOUT_MS / 1000 + 10)
        self.join_seconds[agent] = time.perf_counter() - t0

    def _await_setup(self, world: WorldSetup) -> None:
        # a block that falls is awaited where it lands (env/gravity.py, as the server settles it)
        settled = settle_setup([(b.pos, BlockState(name=b.name, state=dict(b.state)))
                                for b in world.blocks], lambda p: ground_block(p[1]))
        expect = [{"pos": list(p), "name": b.name, "state": b.state} for p, b in settled.items()]
        expect += [{"pos": list(c.pos), "name": c.kind, "state": {}} for c in world.containers]
        missing = json.loads(self._bridge.run_call("waitBlocks", json.dumps(expect),
                                                   SETUP_TIMEOUT_MS))
        # A block no bot has loaded is asked of the server instead.
        far = [tuple(m["pos"]) for m in missing if m["got"] is None]
        if far:
            got = self.read_blocks(far)
            want = {tuple(e["pos"]): e for e in expect}
            missing = [m for m in missing if m["got"] is not None] + [
                {"pos": list(p), "want": want[p]["name"], "got": got[p].model_dump()}
                for p in far if got[p].name != want[p]["name"]]
        if missing:
            raise MinecraftError(f"blocks not set up in time: {missing[:5]}")
        unseen = json.loads(self._bridge.run_call("seeEachOther", json.dumps(self._agents),
                                                  SETUP_TIMEOUT_MS))
        if unseen:
            raise MinecraftError(f"bots do not see each other: {unseen}")
        self._containers = {}
        specs = {c.pos: c.items for c in world.containers}
        for c in world.containers:
            got = self.read_container(c.pos)
            want: dict[str, int] = {}  # a double chest's window shows both halves
            for cell in self._halves(c.pos):
                for k, v in specs.get(cell, {}).items():
                    if v > 0:
                        want[k] = want.get(k, 0) + v
            if got != want:
                raise MinecraftError(f"the chest at {c.pos} holds {got}, not {want}")
        self._await_items(world.agent_items)
        self._await_entities(world)

    def _await_items(self, items: dict[str, int]) -> None:
        deadline = time.monotonic() + SETUP_TIMEOUT_MS / 1000
        want = {k: v for k, v in items.items() if v > 0}
        while True:
            snap = self.snapshot()
            wrong = {a: s["inventory"] for a, s in snap["agents"].items() if s["inventory"] != want}
            if not wrong:
                return
            if time.monotonic() > deadline:
                raise MinecraftError(f"starting inventories are not {want}: {wrong} (agents must "
                                     "join with empty inventories)")
            time.sleep(0.05)

    def _await_entities(self, world: WorldSetup) -> None:
        """Wait until the first agent sees each animal of the world set up where it was put
        (one seen animal of its type within `ENTITY_SEEN_WITHIN` blocks for each): a count by
        type alone was met by an animal left from an earlier world in view before the new
        one's spawn reached the bot."""
        deadline = time.monotonic() + SETUP_TIMEOUT_MS / 1000
        while world.entities:
            seen = [(e["type"], tuple(e["pos"])) for e in self.snapshot()["entities"]]
            short = []
            for spec in world.entities:
                match = next((i for i, (kind, pos) in enumerate(seen) if kind == spec.type
                              and math.dist(pos, spec.pos) <= ENTITY_SEEN_WITHIN), None)
                if match is None:
                    short.append(spec.type)
                else:
                    seen.pop(match)
            if not short:
                return
            if time.monotonic() > deadline:
                raise MinecraftError(f"animals not seen in time: {sorted(short)}")
            time.sleep(0.05)

    # ---- reading -----------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Every agent's position and inventory, and the animals the first agent sees."""
        snap: dict[str, Any] = json.loads(self._bridge.call("bot", "snapshot",
                                                            json.dumps(self._agents)))
        with self._lock:
            for agent, s in snap["agents"].items():
                if s["online"]:
                    self._last[agent] = s
        return snap

    def read_blocks(self, positions: list[Pos]) -> dict[Pos, BlockState]:
        """The blocks at these positions, from the bots' loaded chunks, else by asking the
        server (`/blockstate`)."""
        where = json.dumps([list(p) for p in positions])
        raw = json.loads(self._bridge.call("bot", "blocks", where))
        out: dict[Pos, BlockState] = {}
        for pos, b in zip(positions, raw, strict=True):
            if b is None:
                x, y, z = pos
                line = self._bridge.run_call("ask", self.operator, f"/blockstate {x} {y} {z}",
                                             r"^blockstate \{", ASK_TIMEOUT_MS)
                b = json.loads(line[len("blockstate "):])
                b = {"name": b["name"], "state": b.get("properties", {})}
            out[pos] = BlockState(name=b["name"], state=b["state"])
        return out

    def read_container(self, pos: Pos) -> dict[str, int] | None:
        """What the chest at pos holds (None when there is no chest), read through the
        protocol: a bot within reach opens it, as a player would. With none in reach the
        operator is brought on top of it and back (`/tp`), which is meant for set-up."""
        block = self.read_blocks([pos])[pos]
        if not _CHEST.search(block.name):
            with self._lock:
                self._containers.pop(pos, None)
            return None
        x, y, z = pos
        centre = (x + 0.5, y + 0.5, z + 0.5)
        self.snapshot()  # where the bots are now
        near = sorted((math.dist(self.last_pos(a), centre), a) for a in self._agents
                      if self._last.get(a, {}).get("pos") is not None)
        if near and near[0][0] <= CHEST_REACH:
            counts = json.loads(self._bridge.run_call("peekChest", near[0][1], x, y, z, 5000))
        else:
            agent, back = self.operator, self.last_pos(self.operator)
            self._bridge.call("bot", "commands", agent,
                              json.dumps([f"/tp {agent} {x + 0.5} {float(y + 1)} {z + 0.5}"]))
            self._bridge.run_call("settle", agent, x + 0.5, float(y + 1), z + 0.5,
                                  SETUP_TIMEOUT_MS)
            try:
                counts = json.loads(self._bridge.run_call("peekChest", agent, x, y, z, 5000))
            finally:
                self._bridge.call("bot", "commands", agent,
                                  json.dumps([f"/tp {agent} {back[0]} {back[1]} {back[2]}"]))
                self._bridge.run_call("settle", agent, *back, SETUP_TIMEOUT_MS)
        counts = {k: int(v) for k, v in counts.items()}
        with self._lock:
            self._containers[pos] = dict(counts)
        return dict(counts)

    def _halves(self, pos: Pos) -> list[Pos]:
        """The cells of the container at `pos` as the server's blocks show (env/chests.py)."""
        x, y, z = pos
        near = [pos, (x + 1, y, z), (x - 1, y, z), (x, y, z + 1), (x, y, z - 1)]
        blocks = self.read_blocks(near)
        return halves(pos, lambda p: blocks.get(p, BlockState(name="air")))

    def container(self, pos: Pos) -> dict[str, int] | None:
        """What the chest at pos holds: as last read (at build, or after a take/put)."""
        pos = (int(pos[0]), int(pos[1]), int(pos[2]))
        with self._lock:
            if pos in self._containers:
                return dict(self._containers[pos])
        return self.read_container(pos)

    def last_pos(self, agent: str) -> FPos:
        with self._lock:
            last = self._last.get(agent)
        if not last or last["pos"] is None:
            raise MinecraftError(f"{agent} has never been seen in the world")
        x, y, z = last["pos"]
        return (float(x), float(y), float(z))

    def view(self, at: float | None = None) -> MinecraftView:
        """One snapshot call; a bot found offline is rejoined first, then read again. `at` is
        ignored: the server's world is read as it is now."""
        snap = self.snapshot()
        dropped = [a for a, s in snap["agents"].items() if not s["online"]]
        for agent in dropped:
            self._reconnect_if_dropped(agent)
        return MinecraftView(self, self.snapshot() if dropped else snap)

    def observe(self, agent: str) -> Observation:
        view = self.view()
        me = view.agent_pos(agent)
        return Observation(agent=agent, pos=me, inventory=view.inventory(agent),
                           entities=view.entities(), ground=nearest_ground(me, view.ground()))

    def fired(self) -> set[str]:
        with self._lock:
            return set(self._fired)

    # ---- acting ------------------------------------------------------------------------------

    def execute(self, agent: str, action: Action, start: float) -> Outcome:
        if agent not in self._agents:
            return Outcome.refused(refuse(Code.UNKNOWN_AGENT, agent=agent))
        t0 = time.perf_counter()
        if isinstance(action, Rendezvous):
            return self._rendezvous_at(agent, action, t0)
        self._reconnect_if_dropped(agent)
        args = action.model_dump(mode="json", exclude={"name", "not_before"})
        if isinstance(action, Smelt):
            args["fuel_count"] = action.fuel_needed(self.rules)
        if isinstance(action, MoveTo | StepOn):  # walks stay inside the task, as the sim's
            args["bounds"] = [list(self._world.bounds[0]), list(self._world.bounds[1])]
        before = self.fired()
        result = self._bridge.run_action(agent, action.name, args)
        if result.get("offline"):
            self._reconnect_if_dropped(agent)
        if "container" in result:
            counts = {k: int(v) for k, v in result["container"].items()}
            cells = self._halves(tuple(args["pos"]))  # both halves show the one container
            with self._lock:
                for cell in cells:
                    self._containers[cell] = dict(counts)
        x, y, z = args.get("pos") or (0, 0, 0)
        with self._lock:  # a chest placed or broken: the chests beside may join or split
            if (isinstance(action, Place) and is_chest(action.item)) or (
                    isinstance(action, Dig) and (x, y, z) in self._containers):
                for cell in [(x, y, z), (x + 1, y, z), (x - 1, y, z), (x, y, z + 1),
                             (x, y, z - 1)]:
                    self._containers.pop(cell, None)
        if self._world.triggers:
            self._check_triggers()
        seconds = time.perf_counter() - t0
        code = None if result["ok"] else as_code(result.get("code") or Code.ACTION_FAILED)
        params = dict(result.get("params") or {})
        if isinstance(params.get("free_in"), int | float):  # a busy station: when, in episode time
            params["free_at"] = not_before(start + seconds + float(params.pop("free_in")))
        return Outcome(ok=bool(result["ok"]), reason=result.get("reason"), code=code,
                       params=params, seconds=seconds,
                       fired=sorted(self.fired() - before))

    def _rendezvous_at(self, agent: str, action: Rendezvous, t0: float) -> Outcome:
        with self._rendezvous_cv:
            self._rendezvous[action.tag].add(agent)
            self._rendezvous_cv.notify_all()
            ok = self._rendezvous_cv.wait_for(
                lambda: set(action.agents) <= self._rendezvous[action.tag], RENDEZVOUS_TIMEOUT_S)
        if not ok:
            late = sorted(set(action.agents) - self._rendezvous[action.tag])
            return Outcome.refused(refuse(Code.RENDEZVOUS_MISSED, tag=action.tag, late=late),
                                   seconds=time.perf_counter() - t0)
        return Outcome(ok=True, seconds=time.perf_counter() - t0)

    # ---- reconnection ------------------------------------------------------------------------

    def online(self, agent: str) -> bool:
        return bool(json.loads(self._bridge.call("bot", "status", agent))["online"])

    def drop_connection(self, agent: str, *, mid_move: bool = False) -> None:
        """Cuts the bot's connection without a clean quit, as a network failure would (the
        next `view` or `execute` rejoins it). With `mid_move`, it goes while moving an item:
        its first stack on the cursor, which the server drops at its feet (as vanilla does)."""
        self._bridge.run_call("drop", agent, mid_move)

    def walk_steps(self, agent: str, cell: Pos) -> list[Pos]:
        """The cells one move of `agent`'s walk reaches from `cell` (feet, block coordinates),
        as its bot's path search sees the world it has loaded; the simulator's
        `Walker.neighbours` is the same rule. Sorted."""
        return [tuple(c) for c in json.loads(self._bridge.call("bot", "steps", agent, *cell))]

    def seen_by(self, watcher: str, agent: str) -> FPos | None:
        """Where the server shows `agent`'s feet to `watcher`'s bot (the position the server
        holds for that player and sends to the others, not the agent's bot's own reading);
        None when the watcher does not see it."""
        pos = json.loads(self._bridge.call("bot", "seenBy", watcher, agent))
        return None if pos is None else (float(pos[0]), float(pos[1]), float(pos[2]))

    def _reconnect_if_dropped(self, agent: str) -> bool:
        """Rejoins a dropped bot with the same name and puts it back where it was last seen
        (the server keeps a player's inventory across a reconnect, as vanilla does). Answers
        whether it had to."""
        if self.online(agent):
            return False
        with self._lock:
            last = self._last.get(agent)
        self._join(agent)
        if last and last["pos"] is not None:
            x, y, z = last["pos"]
            sender = next((a for a in self._agents if a != agent and self.online(a)), agent)
            self._bridge.call("bot", "commands", sender, json.dumps([f"/tp {agent} {x} {y} {z}"]))
            self._bridge.run_call("settle", agent, x, y, z, SETUP_TIMEOUT_MS)
        # What it had in hand but in no slot as it left dropped at its feet: pick it up again.
        left = self._bridge.run_call("collectDropped", agent, COLLECT_RADIUS, COLLECT_TIMEOUT_MS)
        if left:
            log.warning("%s rejoined; %d dropped item stack(s) near it were not picked up",
                        agent, left)
        return True

    # ---- escape-room triggers ----------------------------------------------------------------

    def _check_triggers(self) -> None:
        with self._triggers_lock:
            self._check_triggers_now()

    def _check_triggers_now(self) -> None:
        pending = [t for t in self._world.triggers if t.id not in self.fired()]
        if not pending:
            return
        positions = sorted({c.pos for t in pending for c in t.conditions})
        blocks = self.read_blocks(positions)
        for trig in pending:
            if trigger_holds(trig, blocks):
                with self._lock:
                    if trig.id in self._fired:
                        continue
                    self._fired.add(trig.id)
                snap = self.snapshot()
                where = {a: tuple(s["pos"]) for a, s in snap["agents"].items() if s["pos"]}
                cmds = effect_commands(trig, where) + self._pop_commands(trig)
                targets = teleport_targets(trig, where)
                if targets:
                    # As in the game, a teleported player acts from where it lands: wait until
                    # each bot has had its teleport (and landed), so that its next action plans
                    # from there; a bot walking meanwhile ends its walk there (actions.js).
                    late = json.loads(self._bridge.run_call(
                        "teleport", self.operator, json.dumps(cmds),
                        json.dumps({a: list(p) for a, p in targets.items()}), TELEPORT_SETTLE_MS))
                    if late:
                        log.warning("trigger %s: no teleport reached %s within %d ms", trig.id,
                                    ", ".join(late), TELEPORT_SETTLE_MS)
                elif cmds:
                    # A give's items (or what does not fit, at the player's feet) are there
                    # before the action that fired it ends, as in the simulator: its answer is
                    # awaited, so the next action never meets them half-way (a chest open).
                    gives = [c for c in cmds if c.startswith("/give ")]
                    rest = [c for c in cmds if not c.startswith("/give ")]
                    if rest:
                        self._bridge.call("bot", "commands", self.operator, json.dumps(rest))
                    for line in gives:
                        self.command(line, GAVE)
                # What the effects set is in every bot's world before the action that fired
                # them ends (the next walk plans with the wall gone, as in the simulator). By
                # name: the game may change a state at once (power reopens an iron trapdoor).
                placed = [{"pos": list(e.pos), "name": e.block or "air", "state": {}}
                          for e in trig.effects if e.kind == "set_block"]
                if placed:
                    stale = json.loads(self._bridge.run_call("waitSeen", json.dumps(placed),
                                                             EFFECT_SEEN_MS))
                    if stale:
                        log.warning("trigger %s: a bot does not see the blocks set at %s after "
                                    "%d ms", trig.id, stale, EFFECT_SEEN_MS)

    def _pop_commands(self, trigger: Trigger) -> list[str]:
        """The /setblock ... air commands that remove what the trigger's set_block effects
        leave without support (env/support.py, the simulator's rules; a torch on a wall an
        effect clears), read from the world before the effects run: `destroy`, so their loot
        lies in their cells (vanilla's neighbour update breaks them with their drops:
        Block.updateOrDestroy), as in the simulator."""
        changes = {e.pos: BlockState(name=e.block or "air", state=dict(e.state))
                   for e in trigger.effects if e.kind == "set_block"}
        if not changes:
            return []
        around = sorted({(x + dx, y + dy, z + dz) for x, y, z in changes
                         for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)})
        seen = self.read_blocks(around)

        def block_at(p: Pos) -> BlockState:
            if p in changes:
                return changes[p]
            if p not in seen:
                seen.update(self.read_blocks([p]))
            return seen[p]

        out: list[str] = []
        for pos in list(changes):
            for gone in popped(pos, block_at, cleared=False):
                changes[gone] = BlockState(name="air")
                out.append(f"/setblock {gone[0]} {gone[1]} {gone[2]} air destroy")
        return out

    def _watch_triggers(self) -> None:
        while not self._stop.wait(TRIGGER_POLL_S):
            try:
                self._check_triggers()
            except (BridgeError, MinecraftError):
                continue  # a bot reconnecting; the next poll reads again

    def _stop_poller(self) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=2)
            self._poller = None

    def health(self) -> str | None:
        """Why the game cannot go on (None: it can): the server process exited, or nothing
        answers on the server's port any more."""
        status = getattr(self.server, "status", None)
        if callable(status) and not status().running:
            return "the game server exited"
        try:
            with socket.create_connection((self.host, self.port), timeout=2.0):
                return None
        except OSError as err:
            return f"the game server at {self.host}:{self.port} does not answer ({err})"

    @property
    def closed(self) -> bool:
        """Whether `close` has begun (an action in flight then fails for that reason)."""
        return self._closed

    def close(self) -> None:
        """Stops the trigger watcher and quits every bot (the server, if given, stays up)."""
        if self._closed:
            return
        self._closed = True
        self._stop_poller()
        for agent in self._agents:
            self._bridge.call("bot", "quit", agent)
        self._agents = []
        self._bridge.release()
