"""Disagreements the differential test found once it compared whole block states, and the
crops that vanilla lets a player break at any age: each on both backends through the harness,
with vanilla 1.19.2's outcome (the cases of tests/differential/test_cases.py)."""

from __future__ import annotations

import pytest

from env.minecraft.backend import MinecraftBackend
from env.rulebook import Rulebook
from env.world import BlockSpec, WorldSetup
from tests.differential.test_cases import A, B, at, backend, both

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]
__all__ = ["backend"]  # the module's server backend fixture, shared with test_cases


def key(p: tuple[int, int, int]) -> str:
    return ",".join(map(str, p))


def test_unripe_crops_break_and_drop_by_their_age(backend: MinecraftBackend,
                                                  rules: Rulebook) -> None:
    # minecraft.wiki/w/Crops: a crop breaks at any age; blocks/wheat.json, carrots.json,
    # potatoes.json, beetroots.json give unripe wheat and beetroots one seed, carrots and
    # potatoes one of themselves. A crop set with no age is at age 0 (its default state).
    # The backends used to refuse these digs (not_ripe), now the Judger's policy only.
    crops = [("wheat", (1, 2), {"age": 3}), ("carrots", (3, 2), {}),
             ("potatoes", (1, 3), {"age": 2}), ("beetroots", (3, 3), {"age": 1})]
    blocks = [BlockSpec(name="farmland", pos=at(x, z, -1)) for _, (x, z), _ in crops]
    blocks += [BlockSpec(name=name, pos=at(x, z), state=state) for name, (x, z), state in crops]
    world = WorldSetup(blocks=blocks, spawn=[at(1, 0), at(3, 0)])
    sim, srv = both(backend, rules, world, [
        {A: {"name": "dig", "pos": list(at(1, 2))}, B: {"name": "dig", "pos": list(at(3, 2))}},
        {A: {"name": "dig", "pos": list(at(1, 3))}, B: {"name": "dig", "pos": list(at(3, 3))}}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True] * 4
        assert run.final["inventories"] == {A: {"potato": 1, "wheat_seeds": 1},
                                            B: {"beetroot_seeds": 1, "carrot": 1}}
        assert {run.final["blocks"][key(at(x, z))] for _, (x, z), _ in crops} == {"air"}


def test_a_ripe_crop_left_standing_shows_its_whole_state(backend: MinecraftBackend,
                                                         rules: Rulebook) -> None:
    # the compared state of a crop is its age (full_state: an unset age is 0 on both sides)
    world = WorldSetup(blocks=[BlockSpec(name="farmland", pos=at(1, 2, -1)),
                               BlockSpec(name="farmland", pos=at(3, 2, -1)),
                               BlockSpec(name="wheat", pos=at(1, 2), state={"age": 7}),
                               BlockSpec(name="carrots", pos=at(3, 2))],
                       spawn=[at(1, 0), at(3, 0)])
    sim, srv = both(backend, rules, world, [
        {A: {"name": "wait", "seconds": 0.2}, B: {"name": "wait", "seconds": 0.2}}])
    for run in (sim, srv):
        assert run.final["states"][key(at(1, 2))] == {"age": "7"}
        assert run.final["states"][key(at(3, 2))] == {"age": "0"}


def test_a_pressure_plate_stays_powered_while_a_player_stands_on_it(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # Found by the differential test comparing whole states (seeds 5, 9, 30, 33, ...): after a
    # step_on whose hold had passed, the simulator let the plate go unpowered with the agent
    # still on it; vanilla keeps a pressure plate powered while an entity is on it
    # (minecraft.wiki/w/Pressure_Plate), and it goes off once the player has walked away.
    world = WorldSetup(blocks=[BlockSpec(name="stone_pressure_plate", pos=at(1, 2)),
                               BlockSpec(name="oak_pressure_plate", pos=at(4, 2))],
                       spawn=[at(1, 0), at(4, 0)])
    sim, srv = both(backend, rules, world, [
        {A: {"name": "step_on", "pos": list(at(1, 2)), "hold_s": 0.5},
         B: {"name": "step_on", "pos": list(at(4, 2)), "hold_s": 0.5}},
        {A: {"name": "wait", "seconds": 1.5}, B: {"name": "move_to", "pos": list(at(6, 0))}},
        {A: {"name": "wait", "seconds": 1.5}, B: {"name": "wait", "seconds": 1.5}}])
    for run in (sim, srv):
        assert run.final["states"][key(at(1, 2))] == {"powered": "true"}
        assert run.final["states"][key(at(4, 2))] == {"powered": "false"}
