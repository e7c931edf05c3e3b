"""Teleports as on a vanilla 1.19.2 server: movement sent before a teleport is seen is ignored.

Vanilla 1.19.2 (ServerGamePacketListenerImpl): `teleport()` sends the position with a fresh id
(`++awaitingTeleport`), `handleMovePlayer` ignores movement while that teleport is unconfirmed,
and `handleAcceptTeleportPacket` (the client's teleport_confirm) ends the wait.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from env.minecraft.server import ServerProcess

RunBot = Callable[..., dict[str, object]]

pytestmark = [pytest.mark.server, pytest.mark.timeout(60)]


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
