"""Double chests on the simulator and on the embedded server, with vanilla 1.19.2's states and
contents (ChestBlock.getStateForPlacement, updateShape; DoubleBlockCombiner; CompoundContainer;
minecraft.wiki/w/Chest; the rules in env/data/chests.json): a chest placed beside a single
chest facing the same way joins it; the two halves are one container of 54 slots, the right
half's 27 first, opened from either half; breaking one half hands its items to the player who
broke it (the project's drops rule) and leaves the other single with its own. Whole block
states, inventories, chest contents and every verdict are compared (the harness of
tests/differential/test_cases.py). The pure side is tests/test_double_chest.py."""

from __future__ import annotations

from typing import Any

import pytest

from env.block_states import full_state
from env.minecraft.backend import MinecraftBackend
from env.refusals import Code
from env.rulebook import Rulebook
from env.world import BlockSpec, ContainerSpec, Pos, WorldSetup
from tests.differential.test_cases import A, B, at, backend, both

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]
__all__ = ["backend"]  # the module's server backend fixture, shared with test_cases

SPAWN = [at(0, 0), at(3, 0)]
"""A's feet at (0, 0), B's at (3, 0): a chest placed two cells south of either faces north."""


def key(p: Pos) -> str:
    return ",".join(map(str, p))


def chest(run: Any, p: Pos) -> dict[str, Any]:
    k = key(p)
    return {"name": run.final["blocks"][k], **run.final["states"][k]}


def want(name: str, **state: str) -> dict[str, Any]:
    return {"name": name, **full_state(name, state)}


def act(name: str, pos: Pos, **more: Any) -> dict[str, Any]:
    return {"name": name, "pos": list(pos), **more}


def test_two_chests_side_by_side_make_one_54_slot_chest(backend: MinecraftBackend,
                                                        rules: Rulebook) -> None:
    # A chest facing north holds 20 stacks of dirt. A places a chest on its west (A looks
    # south, so the chest faces north): it is the left half (its partner on its facing's
    # clockwise side, east), the old one the right half, slots 0-26. 20 stacks of cobblestone
    # put through the new half fill the right half's 7 free slots, then 13 of the left's: 40
    # stacks, more than one chest's 27. 15 stacks of stone then do not fit (14 slots free),
    # 14 do. A takes 100 cobblestone through the old half: from the right half's slots first.
    # A breaks the left half: its 13 stacks of cobblestone and 14 of stone come to A; the
    # right half is single again with its 20 stacks of dirt and 348 cobblestone. B watches.
    old, new = at(2, 2), at(1, 2)
    stock = {"chest": 1, "cobblestone": 20 * 64, "stone": 15 * 64}
    world = WorldSetup(containers=[ContainerSpec(pos=old, facing="north",
                                                 items={"dirt": 20 * 64})],
                       spawn=SPAWN, agent_items=stock)
    rounds = [{A: act("place", new, item="chest")},
              {A: act("put", new, item="cobblestone", count=20 * 64)},
              {A: act("put", new, item="stone", count=15 * 64)},
              {A: act("put", new, item="stone", count=14 * 64)},
              {A: act("take", old, item="cobblestone", count=100)},
              {A: act("dig", new)}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [
            (True, None), (True, None), (False, Code.CONTAINER_FULL.value), (True, None),
            (True, None), (True, None)]
        assert chest(run, old) == want("chest", facing="north", type="single")
        assert run.final["chests"][key(old)] == {"cobblestone": 348, "dirt": 1280}
        assert run.final["inventories"][A] == {"chest": 1, "cobblestone": 932, "stone": 960}
        assert run.final["inventories"][B] == stock
