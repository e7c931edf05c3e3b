"""Blocks placed with an item of another name, on the embedded server with a real bot: the
bot holds the placing item of env/data/block_items.json, the server (place_items.js) makes
the block vanilla makes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from env.actions import parse_action
from env.minecraft.backend import MinecraftBackend
from env.minecraft.server import ServerProcess
from env.rulebook import load_rulebook
from env.world import BlockSpec, BlockState, WorldSetup

pytestmark = pytest.mark.server


@pytest.fixture
def backend(server: ServerProcess) -> Iterator[MinecraftBackend]:
    be = MinecraftBackend(load_rulebook(), server=server)
    yield be
    be.close()


def test_seeds_torches_and_buckets_place_their_blocks(backend: MinecraftBackend) -> None:
    backend.build(WorldSetup(
        spawn=[(90, -60, 20)],
        blocks=[BlockSpec(name="stone", pos=(92, -60, 20)),
                BlockSpec(name="farmland", pos=(90, -61, 22))],
        agent_items={"torch": 1, "wheat_seeds": 1, "water_bucket": 1}), ["place_a"])

    def place(item: str, pos: tuple[int, int, int], facing: str | None = None) -> None:
        out = backend.execute("place_a", parse_action(
            {"name": "place", "item": item, "pos": pos, "facing": facing}), 0.0)
        assert out.ok, (item, out.reason)

    place("wall_torch", (91, -60, 20), "west")
    place("wheat", (90, -60, 22))
    place("water", (88, -60, 20))
    view = backend.view()
    assert view.block((91, -60, 20)) == BlockState(name="wall_torch", state={"facing": "west"})
    assert view.block((90, -60, 22)).name == "wheat"
    assert view.block((88, -60, 20)).name == "water"
    assert view.inventory("place_a") == {"bucket": 1}
    refused = backend.execute("place_a", parse_action(
        {"name": "place", "item": "wheat", "pos": (89, -60, 22)}), 0.0)
    assert refused.reason == "missing ingredients: 1 wheat_seeds"
