"""Teleports as on a vanilla 1.19.2 server: movement sent before a teleport is seen is ignored.

Vanilla 1.19.2 (ServerGamePacketListenerImpl): `teleport()` sends the position with a fresh id
(`++awaitingTeleport`), `handleMovePlayer` ignores movement while that teleport is unconfirmed,
and `handleAcceptTeleportPacket` (the client's teleport_confirm) ends the wait. The client acts
from where it was put: a walk under way ends there, and a destination in the air is fallen from.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from env.actions import Action, parse_action
from env.backend import Outcome
from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.rulebook import load_rulebook
from env.sim.backend import SimBackend
from env.world import BlockSpec, Condition, Trigger, WorldSetup
from env.world import Effect as TriggerEffect

RunBot = Callable[..., dict[str, object]]

pytestmark = [pytest.mark.server, pytest.mark.timeout(120)]


def _action(**fields: object) -> Action:
    return parse_action(fields)


def test_a_walking_bot_teleported_stays_at_the_destination_for_itself_and_the_server(
        server: ServerProcess, run_bot: RunBot) -> None:
    result = run_bot("teleport_race.js", server.port)
    rounds = result["rounds"]
    assert isinstance(rounds, list) and len(rounds) == 4
    for one in rounds:
        # the bot walked at most a few steps after it saw the teleport (it stops then)
        assert one["own"] < 1.5, rounds
        assert one["server"] < 1.5, rounds
        assert one["apart"] < 0.1, rounds
    ids = result["ids"]
    assert isinstance(ids, list)
    # each server -> client position packet has a fresh id, as vanilla's ++awaitingTeleport
    assert ids == list(range(ids[0], ids[0] + len(ids))), ids


@pytest.fixture
def backend(server: ServerProcess) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(load_rulebook(), server=server)
    yield be
    be.close()


def _cell(pos: tuple[float, float, float]) -> tuple[int, int, int]:
    return (math.floor(pos[0]), round(pos[1]), math.floor(pos[2]))


def test_a_bot_teleported_mid_walk_stops_where_it_lands_and_walks_on_from_there(
        backend: MinecraftBackend) -> None:
    """A lever's trigger teleports everyone within 12 blocks of the corridor's middle to a
    place 3 blocks up in the air while one bot walks the corridor: as in the game and the
    simulator, its walk ends there (the path it planned from the corridor is dropped, never
    walked on from the new place), it falls to the ground below, and a new walk starts from
    there. The lever's action ends once the teleported bot has landed."""
    x0 = 300
    lever = (x0 + 30, -60, 22)
    trig = Trigger(id="tp_mid", conditions=[
        Condition(pos=lever, block="lever", state={"powered": True})],
        effects=[TriggerEffect(kind="teleport", pos=(x0, -60, 30), to=(x0 + 10, -57, 30),
                               radius=12.0)])
    world = WorldSetup(blocks=[BlockSpec(name="lever", pos=lever,
                                         state={"face": "floor", "facing": "north"})],
                       triggers=[trig], spawn=[(x0, -60, 20), (x0 + 30, -60, 20)],
                       bounds=((x0 - 5, -61, 15), (x0 + 35, -54, 45)))
    walker, puller = "tpm_walker", "tpm_lever"
    landing = (x0 + 10, -60, 30)

    # the simulator: the walk starts at 0 s, the lever is pulled at 1 s, on the way
    sim = SimBackend(load_rulebook())
    sim.build(world, [walker, puller])
    assert sim.execute(walker, _action(name="move_to", pos=(x0, -60, 40)), 0.0).ok
    assert sim.execute(puller, _action(name="activate", pos=lever), 1.0).fired == ["tp_mid"]
    assert _cell(sim.observe(walker).pos) == landing

    backend.build(world, [walker, puller])
    walks: list[Outcome] = []
    going = threading.Thread(target=lambda: walks.append(backend.execute(
        walker, _action(name="move_to", pos=(x0, -60, 40)), 0.0)))
    going.start()
    try:
        deadline = time.monotonic() + 20
        while backend.view().agent_pos(walker)[2] < 23.5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert backend.view().agent_pos(walker)[2] >= 23.5, "the walker never left"
        pulled = backend.execute(puller, _action(name="activate", pos=lever), 0.0)
        assert pulled.ok and pulled.fired == ["tp_mid"], pulled.reason
        # the trigger's action ends with the teleported bot landed below the destination
        assert _cell(backend.view().agent_pos(walker)) == landing
    finally:
        going.join(timeout=60)
    assert len(walks) == 1 and walks[0].ok, walks
    time.sleep(1.0)  # a walk that went on by its old path would be on its way by now
    assert _cell(backend.view().agent_pos(walker)) == landing
    again = backend.execute(walker, _action(name="move_to", pos=(x0 + 10, -60, 36)), 0.0)
    assert again.ok, again.reason
    assert _cell(backend.view().agent_pos(walker)) == (x0 + 10, -60, 36)


def test_a_bot_on_a_ledge_four_blocks_up_walks_off_it_as_the_simulator_does(
        backend: MinecraftBackend) -> None:
    """Where a teleport put it (escape/vb-4-2's first plate lifts its players onto a ledge 4
    blocks up), a player walks off the edge and drops, as the simulator's agent does
    (env/data/walking.json max_drop); mineflayer-pathfinder stops at 3 by default, so the
    bot found no path down."""
    x0 = 340
    pillar = [BlockSpec(name="stone", pos=(x0, y, 20)) for y in range(-60, -56)]
    world = WorldSetup(blocks=pillar, spawn=[(x0, -56, 20)],
                       bounds=((x0 - 5, -61, 15), (x0 + 5, -50, 25)))
    goal = (x0 + 3, -60, 20)
    sim = SimBackend(load_rulebook())
    sim.build(world, ["ledge_a"])
    assert sim.execute("ledge_a", _action(name="move_to", pos=goal), 0.0).ok
    backend.build(world, ["ledge_a"])
    assert _cell(backend.view().agent_pos("ledge_a")) == (x0, -56, 20)
    out = backend.execute("ledge_a", _action(name="move_to", pos=goal), 0.0)
    assert out.ok, out.reason
    assert _cell(backend.view().agent_pos("ledge_a")) == goal == _cell(sim.observe("ledge_a").pos)
