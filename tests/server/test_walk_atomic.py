"""A walk is atomic on the server as on the simulator: one with no path is refused `no_path`
before the bot takes a step (its whole path is searched first; mineflayer-pathfinder's own goto
starts along a partial path after its first 40 ms slice of search and may find there is no
path only later, a few blocks on). Positions are read as the server shows them to another
player, not from the walking bot."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import pytest

from env.actions import parse_action
from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.refusals import Code
from env.rulebook import load_rulebook
from env.sim.backend import SimBackend
from env.world import BlockSpec, FPos, Pos, WorldSetup

pytestmark = [pytest.mark.server, pytest.mark.timeout(180)]


@pytest.fixture
def backend(server: ServerProcess) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(load_rulebook(), server=server)
    yield be
    be.close()


def _cell(pos: FPos) -> Pos:
    return (math.floor(pos[0]), round(pos[1]), math.floor(pos[2]))


def _seen(backend: MinecraftBackend, watcher: str, agent: str) -> FPos:
    deadline = time.monotonic() + 10
    while (pos := backend.seen_by(watcher, agent)) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pos is not None, f"{watcher} never saw {agent}"
    return pos


def test_a_walk_with_no_path_is_refused_with_the_bot_where_it_stood(
        backend: MinecraftBackend) -> None:
    """The goal is the floor of a 1x1 pit walled round by stone two blocks high (a player
    jumps 1.25 blocks: minecraft.wiki/w/Jumping), 16 blocks off across open ground: the
    search has many cells to try before it knows, and a walk begun on its best guess would
    head for the wall. Refused `no_path` on both backends; the server shows the bot in the
    same block before and after, and it does not drift off afterwards."""
    x0, z0 = 380, 20
    goal = (x0, -60, z0 + 16)
    ring = [BlockSpec(name="stone", pos=(goal[0] + dx, y, goal[2] + dz))
            for dx in (-1, 0, 1) for dz in (-1, 0, 1) if (dx, dz) != (0, 0)
            for y in (-60, -59)]
    world = WorldSetup(blocks=ring, spawn=[(x0, -60, z0), (x0 + 3, -60, z0)],
                       bounds=((x0 - 20, -61, z0 - 20), (x0 + 20, -50, z0 + 36)))
    walker, watcher = "atom_walker", "atom_watcher"
    walk = parse_action({"name": "move_to", "pos": list(goal)})

    sim = SimBackend(load_rulebook())
    sim.build(world, [walker, watcher])
    refused = sim.execute(walker, walk, 0.0)
    assert not refused.ok and refused.code is Code.NO_PATH

    backend.build(world, [walker, watcher])
    before = _seen(backend, watcher, walker)
    assert _cell(before) == (x0, -60, z0)
    out = backend.execute(walker, walk, 0.0)
    assert not out.ok and out.code is Code.NO_PATH, out.reason
    time.sleep(1.0)  # a movement sent before the refusal has reached the server by now
    after = _seen(backend, watcher, walker)
    assert _cell(after) == _cell(before), (before, after)
    assert math.dist(after, before) < 0.3, (before, after)
    # and the bot walks on from there as before
    assert backend.execute(walker, parse_action({"name": "move_to",
                                                 "pos": [x0, -60, z0 + 3]}), 0.0).ok
    assert _cell(_seen(backend, watcher, walker)) == (x0, -60, z0 + 3)
